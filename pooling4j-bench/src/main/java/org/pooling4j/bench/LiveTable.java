package org.pooling4j.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.pooling4j.monitor.PoolStats;

/**
 * The text of one refresh of {@code bench --live}: a row per {@link PoolStats} key (operator,
 * direction, kernel, layout, input and output shape) with the calls since the previous refresh per
 * second, the total calls, median and 99th-percentile latency, achieved GB/s and its percentage of
 * the copy bandwidth. Remembers each key's call count between refreshes; not thread-safe (one
 * refreshing thread uses it).
 */
public final class LiveTable {
    private static final String[] HEADER = {
        "op", "dir", "kernel", "layout", "input -> output", "thr", "calls", "calls/s", "p50", "p99", "GB/s", "%copy"
    };
    /** Columns aligned to the right (numbers). */
    private static final boolean[] RIGHT = {false, false, false, false, false, true, true, true, true, true, true, true
    };

    private final Map<String, Long> lastCalls = new HashMap<>();
    private long lastNanos;

    /**
     * @param baseline the aggregates when watching starts: their calls do not count towards the
     *     first refresh's rates
     * @param startNanos {@link System#nanoTime()} when watching starts
     */
    public LiveTable(List<PoolStats> baseline, long startNanos) {
        for (PoolStats s : baseline) lastCalls.put(s.key(), s.calls());
        lastNanos = startNanos;
    }

    /**
     * The table for {@code stats} read at {@code nowNanos}; rates are over the time since the
     * previous call (or the start), which then becomes the previous call.
     *
     * @param copyGBps copy bandwidth in GB/s by thread count, used for keys whose own
     *     {@link PoolStats#copyGBps()} is not known (NaN when neither is known: shown as {@code -})
     */
    public String next(List<PoolStats> stats, long nowNanos, IntToDoubleFunction copyGBps) {
        double seconds = Math.max(1e-9, (nowNanos - lastNanos) / 1e9);
        String text = format(stats, lastCalls, seconds, copyGBps);
        lastCalls.clear();
        for (PoolStats s : stats) lastCalls.put(s.key(), s.calls());
        lastNanos = nowNanos;
        return text;
    }

    /**
     * Formats the table: a title line, a header and one line per entry of {@code stats} in its
     * order, every line ending in a newline; with no entries, one line saying so instead of header
     * and rows. Columns are as wide as their widest cell.
     *
     * @param previousCalls calls of each key ({@link PoolStats#key()}) at the previous refresh; a key
     *     missing there had none
     * @param seconds time since the previous refresh
     * @param copyGBps copy bandwidth by thread count, for keys whose own is NaN
     */
    public static String format(
            List<PoolStats> stats, Map<String, Long> previousCalls, double seconds, IntToDoubleFunction copyGBps) {
        StringBuilder b = new StringBuilder();
        long total = 0;
        for (PoolStats s : stats) total += s.calls();
        b.append(String.format(
                Locale.ROOT,
                "pooling4j live: %d key%s, %d calls; calls/s over the last %.1f s%n",
                stats.size(),
                stats.size() == 1 ? "" : "s",
                total,
                seconds));
        if (stats.isEmpty()) {
            b.append("  (no pooling calls yet)").append(System.lineSeparator());
            return b.toString();
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (PoolStats s : stats) {
            long before = previousCalls.getOrDefault(s.key(), 0L);
            // A count below the previous one means the monitor was reset: count from zero.
            long delta = s.calls() >= before ? s.calls() - before : s.calls();
            double copy = s.copyGBps() > 0 ? s.copyGBps() : copyGBps.applyAsDouble(Math.max(1, s.threads()));
            boolean other = PoolStats.OTHER.equals(s.op()) && s.direction().isEmpty();
            rows.add(new String[] {
                s.op(),
                other ? "-" : s.direction(),
                other ? "-" : s.kernel(),
                other ? "-" : s.layout(),
                other ? "(keys beyond the limit)" : s.inputShape() + " -> " + s.outputShape(),
                s.threads() == 0 ? "-" : Integer.toString(s.threads()),
                Long.toString(s.calls()),
                String.format(Locale.ROOT, "%.1f", delta / seconds),
                duration(s.p50Nanos(), s.calls()),
                duration(s.p99Nanos(), s.calls()),
                s.totalNanos() == 0 ? "-" : String.format(Locale.ROOT, "%.2f", s.gbps()),
                copy > 0 && !Double.isInfinite(copy) && s.totalNanos() > 0
                        ? String.format(Locale.ROOT, "%.1f", 100 * s.gbps() / copy)
                        : "-",
            });
        }
        int[] width = new int[HEADER.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < r.length; i++) {
                if (i > 0) line.append("  ");
                String pad = " ".repeat(width[i] - r[i].length());
                line.append(RIGHT[i] ? pad + r[i] : r[i] + pad);
            }
            // Trailing blanks of the last left-aligned cells would only make lines wrap early.
            b.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return b.toString();
    }

    /** A duration with a unit that keeps 3 to 4 significant digits: ns, us, ms or s; {@code -} without calls. */
    static String duration(long nanos, long calls) {
        if (calls == 0) return "-";
        if (nanos < 1_000) return nanos + " ns";
        if (nanos < 1_000_000) return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
        if (nanos < 1_000_000_000) return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }
}
