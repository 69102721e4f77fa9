package org.pooling4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.internal.json.Json;
import org.pooling4j.monitor.PoolMonitor;

/** The {@code bench} command end to end on tiny runs ({@code --quick}); no timing is asserted. */
class BenchCommandTest {
    private static final List<String> KEYS = List.of(
            "case",
            "impl",
            "threads",
            "median_ms",
            "gbps",
            "pct_copy_bw",
            "ratio_vs_ort",
            "min_ms",
            "kernel",
            "bytes",
            "ratio_vs_torch",
            "torch_best_layout",
            "x_max",
            "layout",
            "peer_version");

    /**
     * Two small rows in the corpus format: an avg_np layer and an avg_p one (copied from the shape corpus,
     * perf/pool_shapes.csv in the test resources).
     */
    private static final String CORPUS = String.join(
            "\n",
            "source_file,name,topology,category,real_network,dims,mb,ic,id,ih,iw,od,oh,ow,kd,kh,kw,sd,sh,sw,pd,ph,pw,dd,dh,dw,pd_r,ph_r,pw_r,count,alg,dir,dt,tag,descriptor",
            "x/option_set_fwks_ext_gpu,84b28a9da127ef737c0a463969f664f2&a72fc428e41fe79325d42c2573b87430,framework_layer(anonymized),framework_layer,yes,"
                    + "2,1,16,1,28,28,1,14,14,1,2,2,1,2,2,0,0,0,0,0,0,0,0,0,2,avg_np,FWD_I,f16:f16,aBcd16b,"
                    + "\"mb1ic16_ih28oh14kh2sh2dh0ph0_iw28ow14kw2sw2dw0pw0_n\"\"84b28a9da127ef737c0a463969f664f2&a72fc428e41fe79325d42c2573b87430\"\"\"",
            "x/option_set_fwks_ext_gpu,,framework_layer(anonymized),framework_layer,yes,"
                    + "2,1,16,1,7,7,1,1,1,1,7,7,1,2,2,0,0,0,0,0,0,0,0,0,1,avg_p,FWD_I,f16:f16,abcd,mb1ic16_ih7oh1kh7sh2dh0ph0_iw7ow1kw7sw2dw0pw0",
            "");

    static final class Run {
        final int status;
        final String out;
        final String err;

        Run(int status, String out, String err) {
            this.status = status;
            this.out = out;
            this.err = err;
        }
    }

    static Run bench(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int status;
        try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
                PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
            status = BenchMain.execute(po, pe, args);
        }
        return new Run(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aResultFileThatIsADirectoryEndsTheCommandBeforeTheTimings(@TempDir Path dir) throws Exception {
        Run r = bench("--quick", "--case", "small_latency", "--threads", "1", "--json", dir.toString());
        assertEquals(2, r.status, r.out + r.err);
        assertEquals("pooling4j bench: --json " + dir + ": is a directory; give a file name\n", r.err);
        assertEquals("", r.out);
        Run c = bench("--quick", "--case", "small_latency", "--threads", "1", "--chart", dir.toString());
        assertEquals(2, c.status, c.out + c.err);
        assertEquals("pooling4j bench: --chart " + dir + ": is a directory; give a file name\n", c.err);
    }

    @Test
    void quickSuiteCaseWritesJsonForEveryImplementation(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("out/bench.json");
        Run r = bench("--quick", "--case", "small_latency", "--threads", "1", "--json", json.toString());
        assertEquals(0, r.status, r.out + r.err);
        assertTrue(r.out.contains("vectorization: "), r.out);
        assertTrue(r.out.contains("JDK: ") && r.out.contains("CPUs: ") && r.out.contains("ONNX Runtime: "), r.out);
        List<Map<String, Object>> rows = rows(json);
        Set<String> impls = new HashSet<>();
        for (Map<String, Object> row : rows) {
            assertEquals(KEYS, new ArrayList<>(row.keySet()), row.toString());
            impls.add((String) row.get("impl"));
            assertEquals(1.0, ((Number) row.get("threads")).doubleValue());
            assertTrue(((Number) row.get("median_ms")).doubleValue() > 0, row.toString());
            assertTrue(((Number) row.get("bytes")).doubleValue() > 0, row.toString());
        }
        boolean ortLoaded = !r.out.contains("ONNX Runtime: not available");
        assertEquals(
                ortLoaded ? Set.of("copy", "pooling4j", "onnxruntime") : Set.of("copy", "pooling4j"), impls, r.out);
        for (Map<String, Object> row : rows) {
            String impl = (String) row.get("impl");
            if (impl.equals("pooling4j")) {
                assertEquals("small_latency", row.get("case"));
                // 4 * (64*56*56 + 64*28*28) bytes
                assertEquals(4.0 * (64 * 56 * 56 + 64 * 28 * 28), ((Number) row.get("bytes")).doubleValue());
                assertTrue(((String) row.get("kernel")).length() > 0);
                assertNotNull(row.get("pct_copy_bw"));
                if (ortLoaded) assertNotNull(row.get("ratio_vs_ort"));
            } else {
                assertNull(row.get("ratio_vs_ort"), row.toString());
            }
        }
    }

    @Test
    void liveTableOnStandardErrorLeavesStandardOutputAlone() {
        boolean wasOn = PoolMonitor.isEnabled();
        Run r = bench("--quick", "--case", "small_latency", "--threads", "1", "--no-ort", "--live");
        assertEquals(0, r.status, r.out + r.err);
        assertEquals(wasOn, PoolMonitor.isEnabled(), "--live restores the monitor's state");
        assertTrue(r.out.contains("small_latency") && r.out.contains("pooling4j "), r.out);
        assertTrue(!r.out.contains("pooling4j live:"), "the live table stays off standard output: " + r.out);
        // Not a terminal: plain blocks, at least the one drawn at the end.
        assertTrue(!r.err.contains("\033["), r.err);
        String row = null;
        for (String l : r.err.split("\\R")) {
            if (l.contains("1x64x56x56 -> 1x64x28x28")) row = l;
        }
        assertNotNull(row, "no row for small_latency's shape in " + r.err);
        List<String> cells = List.of(row.trim().split(" +"));
        assertEquals(
                List.of("max", "forward", "channels_first"), List.of(cells.get(0), cells.get(1), cells.get(3)), row);
        // The quick plan's warm-up and timed calls: more than 5 calls; a percentage from the bench's copy probe.
        assertTrue(Long.parseLong(cells.get(8)) > 5, row);
        // (Known, so a number rather than "-"; on a loaded machine the cold calls of --quick can be
        // slow enough to print 0.0.)
        String pct = cells.get(cells.size() - 1);
        assertTrue(!pct.equals("-") && Double.parseDouble(pct) >= 0, row);
    }

    @Test
    void quickCorpusRowsWithChart(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("shapes.csv");
        Files.write(csv, CORPUS.getBytes(StandardCharsets.UTF_8));
        Path json = dir.resolve("rows.json");
        Path png = dir.resolve("rows.png");
        Run r = bench(
                "--quick",
                "--shapes",
                csv.toString(),
                "--rows",
                "1-2",
                "--threads",
                "1,2",
                "--json",
                json.toString(),
                "--chart",
                png.toString());
        assertEquals(0, r.status, r.out + r.err);
        Set<String> cases = new HashSet<>();
        for (Map<String, Object> row : rows(json)) {
            assertEquals(KEYS, new ArrayList<>(row.keySet()));
            cases.add((String) row.get("case"));
        }
        // The first row is named; the second has no name and becomes row<N>.
        assertEquals(
                Set.of("copy", "84b28a9da127ef737c0a463969f664f2&a72fc428e41fe79325d42c2573b87430", "row2"), cases);
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "not a readable PNG");
        assertTrue(img.getWidth() > 0 && img.getHeight() > 0);
    }

    @Test
    void limitSkipsAndListing(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("shapes.csv");
        Files.write(csv, CORPUS.getBytes(StandardCharsets.UTF_8));
        Run r = bench("--list", "--shapes", csv.toString(), "--limit", "1");
        assertEquals(0, r.status, r.out + r.err);
        assertTrue(r.out.contains("84b28a9da127ef737c0a463969f664f2"), r.out);
        assertTrue(!r.out.contains("row2"), r.out);
        Run all = bench("--list");
        assertEquals(0, all.status);
        for (String n : StandardSuite.names()) assertTrue(all.out.contains(n), n);
    }

    @Test
    void badThreadCountIsAUsageError() {
        Run r = bench("--threads", "0");
        assertEquals(2, r.status, r.out + r.err);
        assertTrue(r.err.contains("--threads") && r.err.contains("'0'"), r.err);
        Run r2 = bench("--threads", "1,x");
        assertEquals(2, r2.status);
        assertTrue(r2.err.contains("--threads") && r2.err.contains("'x'"), r2.err);
    }

    @Test
    void unknownCaseIsAUsageErrorListingTheNames() {
        Run r = bench("--case", "no_such_case");
        assertEquals(2, r.status, r.out + r.err);
        assertTrue(
                r.err.contains("--case") && r.err.contains("no_such_case") && r.err.contains("resnet_stem_maxpool"),
                r.err);
    }

    @Test
    void anUnreadableShapeFileIsReportedAsEveryCommandReportsIt(@TempDir Path dir) {
        Path missing = dir.resolve("missing.csv");
        Run r = bench("--shapes", missing.toString());
        assertEquals(2, r.status, r.out + r.err);
        assertEquals("pooling4j bench: no such file: " + missing, r.err.strip());
        assertEquals("", r.out, "nothing before the message");
        Run d = bench("--shapes", dir.toString());
        assertEquals(2, d.status, d.out + d.err);
        assertEquals("pooling4j bench: not a file: " + dir + " (a directory)", d.err.strip());
    }

    @Test
    void otherBadValuesAreUsageErrors(@TempDir Path dir) {
        assertEquals(2, bench("--shapes", dir.resolve("missing.csv").toString()).status);
        assertEquals(2, bench("--rows", "5-2", "--shapes", "x.csv").status);
        assertEquals(2, bench("--limit", "0").status);
        assertEquals(2, bench("--default-alg", "lp").status);
        assertEquals(2, bench("--rows", "1-2").status);
    }

    /** The rows of a bench JSON file: an array of flat objects. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rows(Path json) throws Exception {
        Object parsed = Json.parse(new String(Files.readAllBytes(json), StandardCharsets.UTF_8));
        assertTrue(parsed instanceof List, "a JSON array");
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object row : (List<Object>) parsed) {
            assertTrue(row instanceof Map, "each row an object: " + row);
            for (Object v : ((Map<String, Object>) row).values()) {
                assertTrue(v == null || v instanceof String || v instanceof Number, "flat values only: " + row);
            }
            out.add((Map<String, Object>) row);
        }
        return out;
    }
}
