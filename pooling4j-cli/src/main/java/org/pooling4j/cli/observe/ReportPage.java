package org.pooling4j.cli.observe;

import static org.pooling4j.draw.Svg.esc;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.pooling4j.draw.Axis;
import org.pooling4j.draw.Chart;
import org.pooling4j.monitor.PoolKey;

/**
 * The HTML page of the {@code report} command: one self-contained file (inline CSS, inline SVG, no
 * script, no external resource) with a table per key and three charts: a latency histogram, achieved
 * GB/s against the copy bandwidth (roofline-style), and a timeline.
 *
 * <p>Element ids are part of the contract (tests and users' scripts read them): the table is
 * {@code id="keys"} with one {@code <tr class="key">} per key whose cells carry the column's class
 * ({@code op}, {@code direction}, {@code kernel}, {@code layout}, {@code shapes}, {@code threads},
 * {@code calls}, ...); the charts are {@code <svg id="histogram">}, {@code <svg id="roofline">} and
 * {@code <svg id="timeline">}; a recording without pooling calls gives {@code <p id="no-calls">}
 * and no table or chart.
 */
final class ReportPage {
    /** Most points a scatter chart draws; more calls are sampled down to this many. */
    static final int MAX_POINTS = 5000;
    /** Histogram bins per decade of duration. */
    static final int BINS_PER_DECADE = 10;

    /** Colours of the keys with the most total time, in rank order; later keys share {@link #OTHER_COLOR}. */
    private static final String[] COLORS = {
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f"
    };

    private static final String OTHER_COLOR = "#bab0ac";

    private static final int WIDTH = 960;
    private static final int HEIGHT = 380;
    /** Colour of the copy bandwidth lines. */
    private static final int COPY_COLOR = 0xcc0000;

    /**
     * The copy bandwidth lines a page compares with.
     *
     * @param byThreads GB/s per thread count of the copy (key 0: one figure for every count)
     * @param source where the figures come from, one sentence for the page
     */
    record Bandwidth(TreeMap<Integer, Double> byThreads, String source) {
        /**
         * The figure for calls on {@code threads} threads: the one measured on that many threads, else
         * the highest one; {@code {measured threads, GB/s}}, or null when there is none.
         */
        double[] lookup(int threads) {
            if (byThreads.isEmpty()) return null;
            Double exact = byThreads.get(threads);
            if (exact != null) return new double[] {threads, exact};
            Map.Entry<Integer, Double> best = null;
            for (Map.Entry<Integer, Double> e : byThreads.entrySet()) {
                if (best == null || e.getValue() > best.getValue()) best = e;
            }
            return new double[] {best.getKey(), best.getValue()};
        }
    }

    /** Aggregates of one key. */
    static final class KeyStats {
        final int index;
        final PoolKey key;
        long calls;
        long totalNanos;
        long bytes;
        long[] sorted;
        int minThreads = Integer.MAX_VALUE;
        int maxThreads;
        long tuned;
        /** Place in {@link #keys()} (0: most total time). */
        int rank;

        String color;
        /**
         * Bytes a copy would have moved in the time of these calls, each call at the bandwidth for
         * its thread count (NaN when no bandwidth is known): the yardstick for % of copy, right also
         * for a key whose calls ran on different thread counts.
         */
        double copyBytes;
        /** The copy figures ({measured threads, GB/s}) these calls are compared with, by measured threads. */
        final TreeMap<Integer, Double> copies = new TreeMap<>();

        KeyStats(int index, PoolKey key) {
            this.index = index;
            this.key = key;
        }

        double gbps() {
            return totalNanos == 0 ? Double.NaN : (double) bytes / totalNanos;
        }

        double pctCopy() {
            return copies.isEmpty() || !(copyBytes > 0) ? Double.NaN : 100 * bytes / copyBytes;
        }

        /** The copy bandwidth these calls are compared with: one figure, or their time-weighted mean. */
        double copyGbps() {
            return totalNanos == 0 ? Double.NaN : copyBytes / totalNanos;
        }
    }

    private final PoolRecording rec;
    private final String title;
    private final String fileName;
    private final Bandwidth bandwidth;
    private final List<KeyStats> ranked = new ArrayList<>();
    private final KeyStats[] byIndex;

    ReportPage(PoolRecording rec, String title, String fileName, Bandwidth bandwidth) {
        this.rec = rec;
        this.title = title;
        this.fileName = fileName;
        this.bandwidth = bandwidth;
        this.byIndex = aggregate();
    }

    /** Per-key aggregates, largest total time first (the table's order; the first nine get colours). */
    List<KeyStats> keys() {
        return ranked;
    }

    private KeyStats[] aggregate() {
        int k = rec.keys.size();
        KeyStats[] s = new KeyStats[k];
        for (int i = 0; i < k; i++) s[i] = new KeyStats(i, rec.keys.get(i));
        for (int c = 0; c < rec.calls; c++) {
            KeyStats ks = s[rec.key[c]];
            ks.calls++;
            ks.totalNanos += rec.duration[c];
            ks.bytes += rec.bytes[c];
            ks.minThreads = Math.min(ks.minThreads, rec.threads[c]);
            ks.maxThreads = Math.max(ks.maxThreads, rec.threads[c]);
            if (rec.tuned[c]) ks.tuned++;
            double[] copy = bandwidth.lookup(rec.threads[c]);
            if (copy != null) {
                ks.copies.put((int) copy[0], copy[1]);
                ks.copyBytes += copy[1] * rec.duration[c];
            }
        }
        int[] fill = new int[k];
        for (int i = 0; i < k; i++) s[i].sorted = new long[(int) s[i].calls];
        for (int c = 0; c < rec.calls; c++) s[rec.key[c]].sorted[fill[rec.key[c]]++] = rec.duration[c];
        for (KeyStats ks : s) {
            Arrays.sort(ks.sorted);
            ranked.add(ks);
        }
        ranked.sort(Comparator.comparingLong((KeyStats x) -> x.totalNanos)
                .reversed()
                .thenComparingInt(x -> x.index));
        for (int i = 0; i < ranked.size(); i++) {
            ranked.get(i).rank = i;
            ranked.get(i).color = i < COLORS.length ? COLORS[i] : OTHER_COLOR;
        }
        return s;
    }

    /** The whole page. */
    String html() {
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(esc(title))
                .append("</title>\n<style>\n")
                .append(CSS)
                .append("</style>\n</head>\n<body>\n<h1>")
                .append(esc(title))
                .append("</h1>\n");
        meta(b);
        if (rec.calls == 0) {
            b.append("<p id=\"no-calls\">No pooling calls: the recording has no ")
                    .append(PoolEvents.POOL_EVENT)
                    .append(" events (it has ")
                    .append(rec.otherEvents)
                    .append(" events of other types). Record a JVM that calls ")
                    .append(
                            "pooling4j, for example with <code>java -XX:StartFlightRecording:filename=rec.jfr ...</code>, ")
                    .append("and make sure the recording's settings do not disable <code>")
                    .append(PoolEvents.POOL_EVENT)
                    .append("</code>.</p>\n");
        } else {
            table(b);
            legend(b);
            b.append("<h2>Latency histogram</h2>\n<p class=\"note\">Durations of all ")
                    .append(rec.calls)
                    .append(" calls in logarithmic buckets (")
                    .append(BINS_PER_DECADE)
                    .append(" per decade), stacked by key.</p>\n");
            histogram(b);
            b.append(
                            "<h2>Achieved bandwidth against copy bandwidth</h2>\n<p class=\"note\">Each dot is a call (bytes it moved, GB/s it achieved); ")
                    .append(
                            "each ringed disc is a key (bytes per call, sum of bytes / sum of time). Dashed: the copy bandwidth, ")
                    .append("about the most a call that streams its data once can reach.")
                    .append(sampled())
                    .append("</p>\n");
            roofline(b);
            b.append("<h2>Timeline</h2>\n<p class=\"note\">Each dot is a call: when it started, how long it took.")
                    .append(sampled())
                    .append("</p>\n");
            timeline(b);
        }
        b.append(
                        "<footer>Generated by <code>pooling4j report</code>. Bytes are decimal (1 kB = 1000 B) and GB/s is 10<sup>9</sup> bytes per second, ")
                .append("bytes read plus written.</footer>\n</body>\n</html>\n");
        return b.toString();
    }

    private void meta(StringBuilder b) {
        b.append("<dl class=\"meta\">\n<dt>Recording</dt><dd>")
                .append(esc(fileName))
                .append("</dd>\n");
        if (rec.firstNanos != 0) {
            double span = (rec.lastNanos - rec.firstNanos) / 1e9;
            Instant start = Instant.ofEpochSecond(0, rec.firstNanos);
            b.append("<dt>Span</dt><dd>")
                    .append(Units.sig3(span))
                    .append(" s from ")
                    .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                            start.atOffset(ZoneOffset.UTC).withNano(0)))
                    .append(" UTC</dd>\n");
        }
        long total = 0;
        long bytes = 0;
        long tuned = 0;
        for (int c = 0; c < rec.calls; c++) {
            total += rec.duration[c];
            bytes += rec.bytes[c];
            if (rec.tuned[c]) tuned++;
        }
        b.append("<dt>Pooling calls</dt><dd id=\"total-calls\">")
                .append(rec.calls)
                .append("</dd>\n");
        if (rec.leftOutPerKey > 0) {
            b.append("<dt>Left out</dt><dd id=\"left-out\">the first ")
                    .append(rec.leftOutPerKey)
                    .append(rec.leftOutPerKey == 1 ? " call" : " calls")
                    .append(" of each key (")
                    .append(rec.leftOut)
                    .append(" in all; --skip-first)</dd>\n");
        }
        if (rec.calls > 0) {
            b.append("<dt>Keys</dt><dd>")
                    .append(rec.keys.size())
                    .append("</dd>\n<dt>Time in pooling</dt><dd>")
                    .append(Units.duration(total, "µ"))
                    .append("</dd>\n<dt>Bytes moved</dt><dd>")
                    .append(Units.bytes(bytes))
                    .append("</dd>\n");
            if (tuned > 0) b.append("<dt>Tuned calls</dt><dd>").append(tuned).append("</dd>\n");
        }
        b.append("<dt>Copy bandwidth</dt><dd id=\"bandwidth\">");
        if (bandwidth.byThreads().isEmpty()) {
            b.append("not known");
        } else {
            String sep = "";
            for (Map.Entry<Integer, Double> e : bandwidth.byThreads().entrySet()) {
                b.append(sep).append(Units.sig3(e.getValue())).append(" GB/s");
                if (e.getKey() > 0) b.append(" on ").append(threads(e.getKey()));
                sep = ", ";
            }
        }
        b.append(" — ").append(esc(bandwidth.source())).append("</dd>\n</dl>\n");
    }

    private void table(StringBuilder b) {
        b.append(
                        "<h2>Calls per key</h2>\n<table id=\"keys\">\n<thead><tr><th></th><th>op</th><th>direction</th><th>kernel</th>")
                .append(
                        "<th>layout</th><th>input → output</th><th>threads</th><th class=\"n\">calls</th><th class=\"n\">total</th>")
                .append(
                        "<th class=\"n\">mean</th><th class=\"n\">p50</th><th class=\"n\">p99</th><th class=\"n\">bytes/call</th>")
                .append("<th class=\"n\">GB/s</th><th class=\"n\">% of copy</th></tr></thead>\n<tbody>\n");
        for (KeyStats k : ranked) {
            PoolKey key = k.key;
            b.append("<tr class=\"key\"><td class=\"swatch\" style=\"color:")
                    .append(k.color)
                    .append("\">■</td>");
            cell(b, "op", key.op());
            cell(b, "direction", key.direction());
            cell(b, "kernel", key.kernel());
            cell(b, "layout", key.layout());
            cell(b, "shapes", key.shapes());
            cell(
                    b,
                    "threads",
                    (k.minThreads == k.maxThreads ? "" + k.maxThreads : k.minThreads + "–" + k.maxThreads)
                            + (k.tuned > 0 ? " (tuned " + k.tuned + ")" : ""));
            cell(b, "calls n", Long.toString(k.calls));
            cell(b, "total n", Units.duration(k.totalNanos, "µ"));
            cell(b, "mean n", Units.duration((double) k.totalNanos / k.calls, "µ"));
            cell(b, "p50 n", Units.duration(Units.quantile(k.sorted, k.sorted.length, 0.5), "µ"));
            cell(b, "p99 n", Units.duration(Units.quantile(k.sorted, k.sorted.length, 0.99), "µ"));
            cell(b, "bytes n", Units.bytes((double) k.bytes / k.calls));
            cell(b, "gbps n", Double.isNaN(k.gbps()) ? "-" : Units.sig3(k.gbps()));
            String pct = Double.isNaN(k.pctCopy()) ? "-" : Units.f("%.0f %%", k.pctCopy());
            b.append("<td class=\"pct n\"");
            if (!k.copies.isEmpty()) {
                b.append(" title=\"of ").append(Units.sig3(k.copyGbps())).append(" GB/s");
                if (k.copies.size() > 1) b.append(", the time-weighted copy bandwidth of their thread counts");
                else if (k.copies.firstKey() > 0) b.append(", the copy on ").append(threads(k.copies.firstKey()));
                b.append('"');
            }
            b.append('>').append(pct).append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n");
    }

    private static void cell(StringBuilder b, String cls, String text) {
        b.append("<td class=\"").append(cls).append("\">").append(esc(text)).append("</td>");
    }

    private void legend(StringBuilder b) {
        b.append("<ul class=\"legend\">");
        int shown = Math.min(ranked.size(), COLORS.length);
        for (int i = 0; i < shown; i++) {
            KeyStats k = ranked.get(i);
            b.append("<li><span style=\"color:")
                    .append(k.color)
                    .append("\">■</span> ")
                    .append(esc(k.key.text()))
                    .append("</li>");
        }
        if (ranked.size() > shown) {
            b.append("<li><span style=\"color:")
                    .append(OTHER_COLOR)
                    .append("\">■</span> the other ")
                    .append(ranked.size() - shown)
                    .append(" keys</li>");
        }
        b.append("</ul>\n");
    }

    /** Colour group per key index: its rank among the first colours, or the shared last group. */
    private int[] groups() {
        int[] g = new int[byIndex.length];
        for (int i = 0; i < g.length; i++) g[i] = Math.min(byIndex[i].rank, COLORS.length);
        return g;
    }

    private static String groupColor(int g) {
        return g < COLORS.length ? COLORS[g] : OTHER_COLOR;
    }

    private static int rgb(String hex) {
        return Integer.parseInt(hex.substring(1), 16);
    }

    private void histogram(StringBuilder b) {
        b.append(histogramChart().toSvg());
    }

    /** The histogram chart's description (rendered to SVG for the page). */
    Chart histogramChart() {
        int[] groups = groups();
        int nGroups = COLORS.length + 1;
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        int[] bin = new int[rec.calls];
        for (int c = 0; c < rec.calls; c++) {
            bin[c] = (int) Math.floor(BINS_PER_DECADE * Math.log10(Math.max(1, rec.duration[c])));
            lo = Math.min(lo, bin[c]);
            hi = Math.max(hi, bin[c]);
        }
        long[][] counts = new long[hi - lo + 1][nGroups];
        for (int c = 0; c < rec.calls; c++) counts[bin[c] - lo][groups[rec.key[c]]]++;
        long most = 1;
        for (long[] row : counts) most = Math.max(most, Arrays.stream(row).sum());
        Chart chart = new Chart(WIDTH, HEIGHT)
                .svgInfo(
                        "histogram",
                        "Latency histogram",
                        "Number of calls per duration bucket, logarithmic buckets, stacked by key")
                .x(Axis.log(edge(lo), edge(hi + 1)).title("call duration").format(ReportPage::tickDuration))
                // At least 5, so that the steps are whole calls.
                .y(Axis.upTo(Math.max(5, most)).title("calls").format(v -> Long.toString(Math.round(v))));
        int[] colours = new int[nGroups];
        for (int g = 0; g < nGroups; g++) colours[g] = rgb(groupColor(g));
        // Bars a hair narrower than their bucket, so that neighbours stay apart.
        double inset = Math.pow(10, 0.04 / BINS_PER_DECADE);
        for (int i = 0; i < counts.length; i++) {
            long sum = Arrays.stream(counts[i]).sum();
            if (sum == 0) continue;
            double[] heights = new double[nGroups];
            for (int g = 0; g < nGroups; g++) heights[g] = counts[i][g];
            chart.stack(
                    edge(lo + i) * inset,
                    edge(lo + i + 1) / inset,
                    heights,
                    colours,
                    Units.duration(edge(lo + i), "µ") + " to " + Units.duration(edge(lo + i + 1), "µ") + ": " + sum
                            + (sum == 1 ? " call" : " calls"));
        }
        return chart;
    }

    /** Lower edge of histogram bin {@code i}, in nanoseconds. */
    private static double edge(int i) {
        return Math.pow(10, (double) i / BINS_PER_DECADE);
    }

    private void roofline(StringBuilder b) {
        b.append(rooflineChart().toSvg());
    }

    /** The roofline chart's description (rendered to SVG for the page). */
    Chart rooflineChart() {
        int[] groups = groups();
        int step = step();
        double xmin = Double.MAX_VALUE;
        double xmax = 0;
        double ymin = Double.MAX_VALUE;
        double ymax = 0;
        for (int c = 0; c < rec.calls; c += step) {
            if (rec.duration[c] <= 0 || rec.bytes[c] <= 0) continue;
            double g = (double) rec.bytes[c] / rec.duration[c];
            xmin = Math.min(xmin, rec.bytes[c]);
            xmax = Math.max(xmax, rec.bytes[c]);
            ymin = Math.min(ymin, g);
            ymax = Math.max(ymax, g);
        }
        Map<String, double[]> lines = new LinkedHashMap<>();
        for (KeyStats k : ranked) {
            if (k.bytes > 0 && k.totalNanos > 0) {
                xmin = Math.min(xmin, (double) k.bytes / k.calls);
                xmax = Math.max(xmax, (double) k.bytes / k.calls);
                ymin = Math.min(ymin, k.gbps());
                ymax = Math.max(ymax, k.gbps());
            }
            for (Map.Entry<Integer, Double> e : k.copies.entrySet()) {
                String label = "copy " + Units.sig3(e.getValue()) + " GB/s"
                        + (e.getKey() > 0 ? ", " + threads(e.getKey()) : "");
                lines.putIfAbsent(label, new double[] {e.getKey(), e.getValue()});
            }
        }
        for (double[] l : lines.values()) {
            ymin = Math.min(ymin, l[1]);
            ymax = Math.max(ymax, l[1] * 1.5);
        }
        if (xmax == 0) {
            xmin = 1;
            xmax = 10;
        }
        if (ymax == 0) {
            ymin = 0.1;
            ymax = 1;
        }
        Chart chart = new Chart(WIDTH, HEIGHT)
                .svgInfo(
                        "roofline",
                        "Achieved GB/s against copy bandwidth",
                        "Per call and per key: bytes moved (log) against GB/s achieved (log), with the copy bandwidth as a dashed line")
                .x(Axis.log(xmin, xmax).title("bytes moved per call").format(ReportPage::tickBytes))
                .y(Axis.log(ymin, ymax).title("GB/s").format(ReportPage::tickPlain));
        Dots dots = new Dots();
        for (int c = 0; c < rec.calls; c += step) {
            if (rec.duration[c] <= 0 || rec.bytes[c] <= 0) continue;
            dots.add(groups[rec.key[c]], rec.bytes[c], (double) rec.bytes[c] / rec.duration[c]);
        }
        dots.addTo(chart);
        for (Map.Entry<String, double[]> l : lines.entrySet())
            chart.hline(l.getValue()[1], COPY_COLOR, l.getKey(), "copy");
        for (int i = ranked.size() - 1; i >= 0; i--) {
            KeyStats k = ranked.get(i);
            if (k.bytes <= 0 || k.totalNanos <= 0) continue;
            chart.disc(
                    (double) k.bytes / k.calls,
                    k.gbps(),
                    rgb(k.color),
                    "key",
                    k.key.text() + ": " + Units.sig3(k.gbps()) + " GB/s"
                            + (Double.isNaN(k.pctCopy()) ? "" : " (" + Units.f("%.0f", k.pctCopy()) + " % of copy)")
                            + ", "
                            + Units.bytes((double) k.bytes / k.calls) + " per call, " + k.calls + " calls");
        }
        return chart;
    }

    private void timeline(StringBuilder b) {
        b.append(timelineChart().toSvg());
    }

    /** The timeline chart's description (rendered to SVG for the page). */
    Chart timelineChart() {
        int[] groups = groups();
        int step = step();
        double span = Math.max(1e-3, (rec.lastNanos - rec.firstNanos) / 1e9);
        long dmin = Long.MAX_VALUE;
        long dmax = 1;
        for (int c = 0; c < rec.calls; c++) {
            dmin = Math.min(dmin, Math.max(1, rec.duration[c]));
            dmax = Math.max(dmax, rec.duration[c]);
        }
        Chart chart = new Chart(WIDTH, HEIGHT)
                .svgInfo(
                        "timeline",
                        "Timeline of calls",
                        "Call start (seconds since the recording's first event) against duration (log)")
                .x(Axis.upTo(span)
                        .title("seconds since the recording's first event")
                        .format(ReportPage::tickPlain))
                .y(Axis.log(dmin, dmax).title("call duration").format(ReportPage::tickDuration));
        Dots dots = new Dots();
        for (int c = 0; c < rec.calls; c += step) {
            dots.add(groups[rec.key[c]], (rec.start[c] - rec.firstNanos) / 1e9, Math.max(1, rec.duration[c]));
        }
        dots.addTo(chart);
        return chart;
    }

    /** Calls a scatter chart skips between two it draws, so that it draws at most {@link #MAX_POINTS}. */
    private int step() {
        return Math.max(1, (rec.calls + MAX_POINTS - 1) / MAX_POINTS);
    }

    /** A sentence on the sampling of the scatter charts, empty when they draw every call. */
    private String sampled() {
        int step = step();
        if (step == 1) return "";
        int drawn = (rec.calls + step - 1) / step;
        return " One call in " + step + " (in the file's order) is drawn: " + drawn + " of " + rec.calls + ".";
    }

    /** Scatter points sorted into colour groups, added to a chart as one dot mark per group. */
    private static final class Dots {
        private final double[][] xs = new double[COLORS.length + 1][16];
        private final double[][] ys = new double[COLORS.length + 1][16];
        private final int[] n = new int[COLORS.length + 1];

        void add(int g, double x, double y) {
            if (n[g] == xs[g].length) {
                xs[g] = Arrays.copyOf(xs[g], 2 * n[g]);
                ys[g] = Arrays.copyOf(ys[g], 2 * n[g]);
            }
            xs[g][n[g]] = x;
            ys[g][n[g]++] = y;
        }

        /** The groups last to first, so that the keys with the most time are drawn on top. */
        void addTo(Chart chart) {
            for (int g = n.length - 1; g >= 0; g--) {
                if (n[g] > 0)
                    chart.dots(rgb(groupColor(g)), Arrays.copyOf(xs[g], n[g]), Arrays.copyOf(ys[g], n[g]), "calls");
            }
        }
    }

    private static String threads(int n) {
        return n + (n == 1 ? " thread" : " threads");
    }

    private static String tickDuration(double ns) {
        if (ns < 1e3) return Units.f("%.0f ns", ns);
        if (ns < 1e6) return Units.f("%.0f µs", ns / 1e3);
        if (ns < 1e9) return Units.f("%.0f ms", ns / 1e6);
        return Units.f("%.0f s", ns / 1e9);
    }

    private static String tickBytes(double v) {
        if (v < 1e3) return Units.f("%.0f B", v);
        if (v < 1e6) return Units.f("%.0f kB", v / 1e3);
        if (v < 1e9) return Units.f("%.0f MB", v / 1e6);
        return Units.f("%.0f GB", v / 1e9);
    }

    private static String tickPlain(double v) {
        return new BigDecimal(Units.f("%.6g", v)).stripTrailingZeros().toPlainString();
    }

    private static final String CSS = String.join(
            "\n",
            "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#222;max-width:1200px}",
            "h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.8em}",
            ".meta{display:grid;grid-template-columns:max-content auto;gap:2px 14px}.meta dt{color:#666}.meta dd{margin:0}",
            "table{border-collapse:collapse;font-size:.88em}th,td{padding:3px 8px;border-bottom:1px solid #e4e4e4;text-align:left;white-space:nowrap}",
            "th{background:#f4f4f4}.n{text-align:right;font-variant-numeric:tabular-nums}.swatch{font-size:1.2em;padding-right:0}",
            "td.kernel,td.shapes{font-family:ui-monospace,monospace}",
            ".legend{list-style:none;padding:0;columns:2;font-size:.85em;font-family:ui-monospace,monospace}",
            ".note{color:#555;font-size:.9em}",
            // The charts carry their own colours and fonts as attributes (see org.pooling4j.draw.Chart).
            "svg{display:block;max-width:100%;height:auto}",
            "footer{margin-top:2em;color:#777;font-size:.8em}",
            "");
}
