package org.pooling4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.tuning.Tuner;

/** {@code pooling4j tune} and {@code bench --tuned / --sample} end to end; no timing is asserted. */
class TuningCommandsTest {
    @AfterEach
    void reset() {
        Tuner.clear();
        Tuner.setMode(Tuner.Mode.OFF);
    }

    private static String[] tune(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int status;
        try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
                PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
            status = TuneMain.execute(po, pe, args);
        }
        return new String[] {
            Integer.toString(status), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)
        };
    }

    @Test
    void anUnreadableShapeFileIsReportedAsEveryCommandReportsIt(@TempDir Path dir) {
        Path missing = dir.resolve("missing.csv");
        String[] r = tune("--out", dir.resolve("w.json").toString(), "--shapes", missing.toString());
        assertEquals("2", r[0], r[1] + r[2]);
        assertEquals("pooling4j tune: no such file: " + missing, r[2].strip());
        assertEquals("", r[1], "nothing before the message");
    }

    @Test
    void aWisdomFileThatIsADirectoryEndsTheCommandBeforeTheTuning(@TempDir Path dir) {
        String[] r = tune("--case", "small_latency", "--threads", "1", "--mode", "on", "--out", dir.toString());
        assertEquals("2", r[0], r[1] + r[2]);
        assertEquals("pooling4j tune: --out " + dir + ": is a directory; give a file name", r[2].strip());
        assertEquals("", r[1], "nothing before the message");
    }

    @Test
    void tuneWritesAWisdomFileThatLoadsBack(@TempDir Path dir) throws Exception {
        Path w = dir.resolve("wisdom.json");
        String[] r = tune("--case", "small_latency", "--threads", "1,2", "--mode", "on", "--out", w.toString());
        assertEquals("0", r[0], r[1] + r[2]);
        assertTrue(r[1].contains("small_latency") && r[1].contains("wrote " + w + ": 2 decisions"), r[1]);
        Tuner.clear();
        assertEquals(2, Tuner.loadWisdom(w));
        List<Tuner.Decision> ds = Tuner.decisions();
        assertTrue(ds.get(0).key().contains("|1x64x56x56|1"), ds.toString());
        assertTrue(ds.get(1).key().contains("|1x64x56x56|2"), ds.toString());
        assertTrue(Files.readString(w).contains("\"decisions\""));
    }

    @Test
    void tuneRejectsBadOptionsNamingThem(@TempDir Path dir) {
        String[] r = tune(
                "--case",
                "small_latency",
                "--mode",
                "off",
                "--out",
                dir.resolve("w.json").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--mode") && r[2].contains("'off'"), r[2]);
        r = tune(
                "--case",
                "small_latency",
                "--mode",
                "sometimes",
                "--out",
                dir.resolve("w.json").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("'sometimes' is not on or exhaustive"), r[2]);
        r = tune("--rows", "1-3", "--out", dir.resolve("w.json").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("need --shapes"), r[2]);
        r = tune("--case", "small_latency");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--out"), r[2]);
    }

    @Test
    void benchTunedAddsATunedRowAndTheComparison() {
        BenchCommandTest.Run r =
                BenchCommandTest.bench("--quick", "--no-ort", "--tuned", "--case", "small_latency", "--threads", "1");
        assertEquals(0, r.status, r.out + r.err);
        assertTrue(r.out.contains("pooling4j-tuned"), r.out);
        assertTrue(r.out.contains("tuned/heuristic"), r.out);
        assertTrue(Tuner.decisions().isEmpty(), "bench --tuned leaves no decision behind");
    }

    @Test
    void sampleDrawsRowsReproducibly() throws Exception {
        Path corpus = TestFiles.corpus();
        BenchCommandTest.Run a =
                BenchCommandTest.bench("--list", "--shapes", corpus.toString(), "--sample", "7", "--seed", "11");
        BenchCommandTest.Run b =
                BenchCommandTest.bench("--list", "--shapes", corpus.toString(), "--sample", "7", "--seed", "11");
        assertEquals(0, a.status, a.out + a.err);
        assertEquals(a.out, b.out);
        long listed = a.out.lines()
                .filter(l -> l.startsWith("  ") && !l.startsWith("  skip") && !l.startsWith("      note"))
                .count();
        assertEquals(7, listed, a.out);
        BenchCommandTest.Run c =
                BenchCommandTest.bench("--list", "--shapes", corpus.toString(), "--sample", "3", "--limit", "2");
        assertEquals(2, c.status);
        assertTrue(c.err.contains("--sample and --limit"), c.err);
    }
}
