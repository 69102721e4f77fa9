package org.pooling4j.cli.observe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.pooling4j.cli.InputFiles;
import org.pooling4j.cli.OutputFiles;
import org.pooling4j.monitor.MemoryBandwidth;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pooling4j report RECORDING.jfr}: turns the pooling calls of a JFR recording into one
 * self-contained HTML page ({@link ReportPage}).
 *
 * <p>The copy bandwidth the calls are compared with is, in order: {@code --bandwidth-gbps} when given
 * (an explicit figure is what the user asked for); else the recording's CopyBandwidth events, for
 * each call the one measured on its thread count, else the highest; else a probe on this machine
 * now, per thread count the calls ran on, which the page says, since it is right only when this is
 * the machine that recorded. A key's % of copy weighs its calls by time, so a key whose calls ran on
 * different thread counts is compared with each count's figure.
 *
 * <p>A recording without pooling calls still gives a page, which says so, and exit status 0: the
 * recording was read without error, and a script that makes reports of several runs should not stop
 * at one that did no pooling; the command prints a warning line on stderr.
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Turn a JFR recording into one HTML page of its pooling calls.",
            "The page is self-contained (inline SVG, no script): a table per op/kernel/shape (calls, total, mean, p50, p99, GB/s, %% of copy bandwidth), a latency histogram, GB/s against the copy bandwidth (roofline-style) and a timeline.",
            "Record with: java -XX:StartFlightRecording:filename=rec.jfr ... (pooling4j's events are on by default)."
        })
public final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RECORDING.jfr", description = "a JFR recording of a JVM that used pooling4j")
    Path recording;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "the HTML file to write (default: report.html next to the recording)")
    Path out;

    @Option(
            names = "--title",
            paramLabel = "TEXT",
            description = "the page's title (default: pooling4j report: RECORDING)")
    String title;

    @Option(
            names = "--bandwidth-gbps",
            paramLabel = "GBPS",
            description =
                    "copy bandwidth in GB/s to compare with (default: the recording's CopyBandwidth events, else probed here)")
    Double bandwidthGbps;

    @Option(
            names = "--skip-first",
            paramLabel = "N",
            description = "leave out the first N calls of each key (by start time), the cold calls whose class"
                    + " loading and JIT compilation would otherwise set the p99 (default 0)")
    int skipFirst;

    @Override
    public Integer call() {
        InputFiles.file(recording);
        // Before the recording is read (which takes a while): a page that cannot be written ends here.
        OutputFiles.file(out != null ? out : recording.toAbsolutePath().resolveSibling("report.html"), "--out");
        if (bandwidthGbps != null && !(bandwidthGbps > 0 && !bandwidthGbps.isInfinite())) {
            throw new IllegalArgumentException("--bandwidth-gbps " + bandwidthGbps + ": must be a finite number > 0");
        }
        if (skipFirst < 0) throw new IllegalArgumentException("--skip-first " + skipFirst + ": must be >= 0");
        PoolRecording rec = PoolRecording.read(recording);
        if (skipFirst > 0) rec = rec.withoutFirstCalls(skipFirst);
        Path target = out != null ? out : recording.toAbsolutePath().resolveSibling("report.html");
        String name = recording.getFileName() == null
                ? recording.toString()
                : recording.getFileName().toString();
        ReportPage page =
                new ReportPage(rec, title != null ? title : "pooling4j report: " + name, name, bandwidth(rec));
        String html = page.html();
        try {
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Files.writeString(target, html, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("--out " + target + ": cannot write (" + e + ")", e);
        }
        if (rec.calls == 0) {
            System.err.println("pooling4j report: warning: " + recording + " has no pooling calls (no "
                    + PoolEvents.POOL_EVENT + " events); the page says so");
        }
        System.out.println("wrote " + target + ": " + rec.calls + " pooling calls, " + rec.keys.size() + " keys");
        return 0;
    }

    private ReportPage.Bandwidth bandwidth(PoolRecording rec) {
        TreeMap<Integer, Double> m = new TreeMap<>();
        if (bandwidthGbps != null) {
            m.put(0, bandwidthGbps);
            return new ReportPage.Bandwidth(m, "from --bandwidth-gbps");
        }
        if (!rec.bandwidth.isEmpty()) {
            StringBuilder when = new StringBuilder();
            for (Map.Entry<Integer, Long> e : rec.bandwidthNanos.entrySet()) {
                when.append(when.length() == 0 ? "" : ", ")
                        .append(Units.utcTime(e.getValue()))
                        .append(" (")
                        .append(e.getKey())
                        .append(e.getKey() == 1 ? " thread)" : " threads)");
            }
            return new ReportPage.Bandwidth(
                    new TreeMap<>(rec.bandwidth),
                    "from the recording's " + PoolEvents.BANDWIDTH_EVENT + " events, measured " + when + " by "
                            + MemoryBandwidth.PROBE);
        }
        if (rec.calls == 0) return new ReportPage.Bandwidth(m, "no pooling calls to compare");
        // Once per thread count the calls ran on (MemoryBandwidth caches, so a repeat costs nothing).
        for (int c = 0; c < rec.calls; c++) {
            int threads = Math.max(1, Math.min(256, rec.threads[c]));
            m.computeIfAbsent(threads, MemoryBandwidth::copyGBps);
        }
        return new ReportPage.Bandwidth(
                m,
                "probed on this machine at " + Units.utcTime(System.currentTimeMillis() * 1_000_000L) + " by "
                        + MemoryBandwidth.PROBE + ", since the recording has no " + PoolEvents.BANDWIDTH_EVENT
                        + " event: right only if this machine made the recording (or use --bandwidth-gbps)");
    }
}
