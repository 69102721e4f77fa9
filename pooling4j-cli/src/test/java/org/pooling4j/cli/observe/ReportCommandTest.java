package org.pooling4j.cli.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.Event;
import jdk.jfr.Name;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;
import org.pooling4j.cli.CliTest;
import org.pooling4j.monitor.BandwidthEvent;
import org.pooling4j.monitor.MemoryBandwidth;
import org.pooling4j.monitor.PoolEvent;

class ReportCommandTest {
    @TempDir
    Path dir;

    /** One call pattern: spec, input shape, output shape, number of calls, and (after the run) the kernel. */
    static final class Work {
        final String op;
        final PoolSpec spec;
        final int[] in;
        final int[] out;
        final int calls;
        String kernel;

        Work(String op, PoolSpec spec, int[] in, int[] out, int calls) {
            this.op = op;
            this.spec = spec;
            this.in = in;
            this.out = out;
            this.calls = calls;
        }

        String shapes() {
            return shape(in) + "->" + shape(out);
        }

        void run() {
            int n = 1;
            for (int s : in) n *= s;
            float[] d = new float[n];
            for (int i = 0; i < n; i++) d[i] = (i * 7919) % 101;
            Tensor x = Tensor.of(d, in);
            Tensor y = Tensor.zeros(out);
            for (int i = 0; i < calls; i++) kernel = Pooling.forwardInto(spec, x, y, 1);
        }
    }

    /** A shape's dimensions joined by x, as the events spell them. */
    static String shape(int[] s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length; i++) b.append(i == 0 ? "" : "x").append(s[i]);
        return b.toString();
    }

    static List<Work> standardWork() {
        return List.of(
                new Work(
                        "max",
                        PoolSpec.max(3, 3).stride(2, 2).padding(1, 1).build(),
                        new int[] {1, 4, 16, 16},
                        new int[] {1, 4, 8, 8},
                        3),
                new Work("avg", PoolSpec.avg(2, 2).build(), new int[] {2, 3, 8, 8}, new int[] {2, 3, 4, 4}, 5),
                new Work(
                        "global_max",
                        PoolSpec.globalMax(2).build(),
                        new int[] {1, 2, 5, 5},
                        new int[] {1, 2, 1, 1},
                        2));
    }

    /** Records the work in-process (pooling events, and bandwidth events when asked) and dumps it to a file. */
    Path record(String name, List<Work> work, boolean bandwidthEvent, Runnable extra) throws Exception {
        Path file = dir.resolve(name);
        try (Recording r = new Recording()) {
            r.enable(PoolEvent.NAME).withoutThreshold();
            if (bandwidthEvent) r.enable(BandwidthEvent.NAME);
            r.start();
            for (Work w : work) w.run();
            if (extra != null) extra.run();
            r.stop();
            r.dump(file);
        }
        return file;
    }

    /** Rows of the key table: per row, cell class (first word) to text. */
    static List<Map<String, String>> rows(String html) {
        List<Map<String, String>> rows = new ArrayList<>();
        Matcher tr = Pattern.compile("(?s)<tr class=\"key\">(.*?)</tr>").matcher(html);
        while (tr.find()) {
            Map<String, String> cells = new HashMap<>();
            Matcher td = Pattern.compile("(?s)<td class=\"([\\w-]+)[^\"]*\"[^>]*>(.*?)</td>")
                    .matcher(tr.group(1));
            while (td.find()) cells.put(td.group(1), unescape(td.group(2)));
            rows.add(cells);
        }
        return rows;
    }

    static String unescape(String s) {
        return s.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
    }

    /** The {@code <svg id="...">} element with that id, or null. */
    static String svg(String html, String id) {
        Matcher m = Pattern.compile("(?s)<svg id=\"" + id + "\".*?</svg>").matcher(html);
        return m.find() ? m.group() : null;
    }

    static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    /**
     * No tag loads anything (no src or href attribute, no script, link or iframe element) and the
     * style sheet imports nothing; text from the recording is escaped, so it cannot add a tag.
     */
    static void assertSelfContained(String html) {
        Matcher loads = Pattern.compile("(?i)<[a-z][^>]*\\s(?:src|href|xlink:href)\\s*=")
                .matcher(html);
        assertFalse(loads.find(), () -> "page must be self-contained but has " + loads.group());
        for (String tag : new String[] {"<script", "<link", "<iframe", "<img", "<object", "<embed"}) {
            assertFalse(
                    html.toLowerCase(java.util.Locale.ROOT).contains(tag),
                    "page must be self-contained but has " + tag);
        }
        Matcher style = Pattern.compile("(?s)<style>(.*?)</style>").matcher(html);
        while (style.find()) {
            assertFalse(
                    style.group(1).contains("url(") || style.group(1).contains("@import"),
                    "style sheet loads something");
        }
    }

    @Test
    void reportHasOneRowPerKeyAndTheThreeCharts() throws Exception {
        List<Work> work = standardWork();
        String old = System.getProperty(MemoryBandwidth.GBPS_PROPERTY);
        Path jfr;
        try {
            System.setProperty(MemoryBandwidth.GBPS_PROPERTY, "25");
            // The probe inside the recording emits a CopyBandwidth event of 25 GB/s on one thread.
            jfr = record("rec.jfr", work, true, () -> MemoryBandwidth.reprobe(1));
        } finally {
            if (old == null) System.clearProperty(MemoryBandwidth.GBPS_PROPERTY);
            else System.setProperty(MemoryBandwidth.GBPS_PROPERTY, old);
        }
        Path html = dir.resolve("out/report.html");
        Object[] r = CliTest.cli("report", jfr.toString(), "--out", html.toString());
        assertEquals(0, r[0], (String) r[1]);
        assertTrue(((String) r[1]).contains("10 pooling calls, 3 keys"), (String) r[1]);
        String page = Files.readString(html);

        List<Map<String, String>> rows = rows(page);
        assertEquals(work.size(), rows.size(), page);
        for (Work w : work) {
            Map<String, String> row = rows.stream()
                    .filter(c -> w.shapes().equals(c.get("shapes")))
                    .findFirst()
                    .orElse(null);
            assertNotNull(row, "no row for " + w.shapes() + " in " + rows);
            assertEquals(w.op, row.get("op"));
            assertEquals("forward", row.get("direction"));
            assertEquals("channels_first", row.get("layout"));
            assertEquals(w.kernel, row.get("kernel"));
            assertEquals("1", row.get("threads"));
            assertEquals(Integer.toString(w.calls), row.get("calls"));
            // % of copy is GB/s against the recorded 25 GB/s (GB/s is shown with 3 significant digits).
            double gbps = Double.parseDouble(row.get("gbps"));
            double pct = Double.parseDouble(row.get("pct").replace("%", "").trim());
            assertEquals(100 * gbps / 25, pct, 0.6 + 0.01 * pct, row.toString());
        }
        assertTrue(page.contains("25.0 GB/s on 1 thread — from the recording"), page);

        String hist = svg(page, "histogram");
        String roof = svg(page, "roofline");
        String time = svg(page, "timeline");
        assertNotNull(hist, "no histogram");
        assertNotNull(roof, "no roofline chart");
        assertNotNull(time, "no timeline");
        assertTrue(hist.contains("<title>Latency histogram</title>"));
        assertTrue(roof.contains("<title>Achieved GB/s against copy bandwidth</title>"));
        assertTrue(time.contains("<title>Timeline of calls</title>"));
        // Every call lands in exactly one histogram bucket.
        Matcher bucket = Pattern.compile(": (\\d+) calls?</title>").matcher(hist);
        int inBuckets = 0;
        while (bucket.find()) inBuckets += Integer.parseInt(bucket.group(1));
        assertEquals(10, inBuckets, hist);
        // The timeline draws every call (fewer than the sampling limit); the roofline one disc per key
        // and the copy bandwidth line.
        assertEquals(10, count(time, "M[-\\d.]+ [-\\d.]+h0"), time);
        assertEquals(3, count(roof, "<circle class=\"key\""), roof);
        assertTrue(roof.contains("copy 25.0 GB/s, 1 thread"), roof);
        assertSelfContained(page);
    }

    @Test
    void bandwidthOptionOverridesAndTitleIsEscaped() throws Exception {
        Path jfr = record("rec.jfr", standardWork(), false, null);
        Path html = dir.resolve("r.html");
        Object[] r = CliTest.cli(
                "report",
                jfr.toString(),
                "--out",
                html.toString(),
                "--bandwidth-gbps",
                "50",
                "--title",
                "a <b> & \"c\"");
        assertEquals(0, r[0], (String) r[1]);
        String page = Files.readString(html);
        assertTrue(page.contains("<h1>a &lt;b&gt; &amp; &quot;c&quot;</h1>"), page);
        assertTrue(page.contains("50.0 GB/s — from --bandwidth-gbps"), page);
        for (Map<String, String> row : rows(page)) {
            double gbps = Double.parseDouble(row.get("gbps"));
            double pct = Double.parseDouble(row.get("pct").replace("%", "").trim());
            assertEquals(100 * gbps / 50, pct, 0.6 + 0.01 * pct, row.toString());
        }
    }

    /** An event with the pooling event's name and hostile strings, to check that the page escapes them. */
    @Name(PoolEvent.NAME)
    static final class HostileEvent extends Event {
        String op = "max</td><script>alert(1)</script>";
        String direction = "forward";
        String kernel = "k\"'&<>";
        String layout = "channels_first";
        String inputShape = "1x1x4x4";
        String outputShape = "<img src=x onerror=alert(1)>";
        long bytes = 96;
        int threads = 1;
        boolean tuned;
    }

    @Test
    void stringsFromTheRecordingAreEscaped() throws Exception {
        Path jfr = dir.resolve("hostile.jfr");
        try (Recording r = new Recording()) {
            r.enable(PoolEvent.NAME).withoutThreshold();
            r.start();
            HostileEvent e = new HostileEvent();
            e.begin();
            e.commit();
            r.stop();
            r.dump(jfr);
        }
        Path html = dir.resolve("h.html");
        Object[] r = CliTest.cli("report", jfr.toString(), "--out", html.toString(), "--bandwidth-gbps", "10");
        assertEquals(0, r[0], (String) r[1]);
        String page = Files.readString(html);
        List<Map<String, String>> rows = rows(page);
        assertEquals(1, rows.size(), page);
        assertEquals("max</td><script>alert(1)</script>", rows.get(0).get("op"));
        assertEquals("k\"'&<>", rows.get(0).get("kernel"));
        assertEquals("1x1x4x4-><img src=x onerror=alert(1)>", rows.get(0).get("shapes"));
        assertSelfContained(page);
    }

    @Test
    void recordingWithoutPoolingCallsGivesAPageSayingSo() throws Exception {
        Path jfr = record("idle.jfr", List.of(), false, null);
        Object[] r = CliTest.cli("report", jfr.toString());
        assertEquals(0, r[0], (String) r[1]);
        String text = (String) r[1];
        assertTrue(text.contains("has no pooling calls"), text);
        // Without --out the page goes next to the recording.
        String page = Files.readString(dir.resolve("report.html"));
        assertTrue(page.contains("<p id=\"no-calls\">No pooling calls"), page);
        assertTrue(page.contains("<dd id=\"total-calls\">0</dd>"), page);
        assertFalse(page.contains("<table"), page);
        assertFalse(page.contains("<svg"), page);
        assertSelfContained(page);
    }

    @Test
    void scatterChartsAreSampledButTableAndHistogramCountEveryCall() throws Exception {
        int calls = ReportPage.MAX_POINTS + 1000;
        Work w = new Work("max", PoolSpec.max(2, 2).build(), new int[] {1, 1, 4, 4}, new int[] {1, 1, 2, 2}, calls);
        Path jfr = record("many.jfr", List.of(w), false, null);
        Path html = dir.resolve("many.html");
        Object[] r = CliTest.cli("report", jfr.toString(), "--out", html.toString(), "--bandwidth-gbps", "10");
        assertEquals(0, r[0], (String) r[1]);
        String page = Files.readString(html);
        assertEquals(Integer.toString(calls), rows(page).get(0).get("calls"));
        Matcher bucket = Pattern.compile(": (\\d+) calls?</title>").matcher(svg(page, "histogram"));
        int inBuckets = 0;
        while (bucket.find()) inBuckets += Integer.parseInt(bucket.group(1));
        assertEquals(calls, inBuckets);
        // One call in two is drawn: 3000 of 6000.
        assertEquals((calls + 1) / 2, count(svg(page, "timeline"), "M[-\\d.]+ [-\\d.]+h0"));
        assertTrue(
                page.contains(
                        "One call in 2 (in the file's order) is drawn: " + (calls + 1) / 2 + " of " + calls + "."),
                page);
    }

    @Test
    void missingFileFailsWithExitStatus2NamingIt() {
        Path missing = dir.resolve("nope.jfr");
        Object[] r = CliTest.cli(
                "report", missing.toString(), "--out", dir.resolve("x.html").toString());
        assertEquals(2, r[0], (String) r[1]);
        assertEquals("pooling4j report: no such file: " + missing, ((String) r[1]).trim());
        assertFalse(Files.exists(dir.resolve("x.html")));
    }

    @Test
    void otherFilesFailWithExitStatus2() throws Exception {
        Path text = dir.resolve("notes.jfr");
        Files.writeString(text, "not a recording\n");
        Object[] r = CliTest.cli("report", text.toString());
        assertEquals(2, r[0], (String) r[1]);
        assertTrue(((String) r[1]).contains("pooling4j report: recording " + text + ": not a JFR recording"), (String)
                r[1]);

        Path jfr = record("rec.jfr", standardWork(), false, null);
        byte[] all = Files.readAllBytes(jfr);
        Path cut = dir.resolve("cut.jfr");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
        r = CliTest.cli("report", cut.toString());
        assertEquals(2, r[0], (String) r[1]);
        assertTrue(((String) r[1]).contains("pooling4j report: recording " + cut + ": damaged or cut short"), (String)
                r[1]);

        r = CliTest.cli("report", dir.toString());
        assertEquals(2, r[0], (String) r[1]);
        assertEquals("pooling4j report: not a file: " + dir + " (a directory)", ((String) r[1]).trim());
    }

    /**
     * --skip-first N leaves out each key's first N calls: of the standard work's 3 max, 5 avg and 2
     * global_max calls, --skip-first 2 keeps 1 max and 3 avg calls, and global_max has none left.
     */
    @Test
    void skipFirstLeavesOutTheColdCallsOfEachKey() throws Exception {
        String old = System.getProperty(MemoryBandwidth.GBPS_PROPERTY);
        Path jfr;
        try {
            System.setProperty(MemoryBandwidth.GBPS_PROPERTY, "25");
            jfr = record("rec.jfr", standardWork(), true, () -> MemoryBandwidth.reprobe(1));
        } finally {
            if (old == null) System.clearProperty(MemoryBandwidth.GBPS_PROPERTY);
            else System.setProperty(MemoryBandwidth.GBPS_PROPERTY, old);
        }
        Path html = dir.resolve("warm.html");
        Object[] r = CliTest.cli("report", jfr.toString(), "--skip-first", "2", "--out", html.toString());
        assertEquals(0, r[0], (String) r[1]);
        assertTrue(((String) r[1]).contains("4 pooling calls, 2 keys"), (String) r[1]);
        String page = Files.readString(html);
        assertTrue(
                page.contains("<dd id=\"left-out\">the first 2 calls of each key (6 in all; --skip-first)</dd>"), page);
        Map<String, String> calls = new HashMap<>();
        for (Map<String, String> row : rows(page)) calls.put(row.get("op"), row.get("calls"));
        assertEquals(Map.of("max", "1", "avg", "3"), calls);
        // The copy bandwidth says which probe made it and when.
        assertTrue(
                page.matches("(?s).*25\\.0 GB/s on 1 thread — from the recording&#39;s org\\.pooling4j\\.CopyBandwidth"
                        + " events, measured \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC \\(1 thread\\) by the"
                        + " pooling4j copy probe.*"),
                page);
        Object[] bad = CliTest.cli("report", jfr.toString(), "--skip-first", "-1");
        assertEquals(2, bad[0]);
        assertEquals("pooling4j report: --skip-first -1: must be >= 0", ((String) bad[1]).trim());
    }
}
