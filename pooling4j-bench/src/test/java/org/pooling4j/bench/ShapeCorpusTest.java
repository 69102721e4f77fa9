package org.pooling4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.Layout;
import org.pooling4j.PoolOp;
import org.pooling4j.PoolSpec;

/**
 * The corpus reader and the row-to-case rules. The expected values below were worked out by hand
 * from the CSV rows and the conventions in the README beside the corpus in the test resources
 * (0-based dilation, derived right padding, alg names).
 */
class ShapeCorpusTest {
    private static final long CAP = 1024L << 20;
    private static List<ShapeCorpus.Row> rows;

    @BeforeAll
    static void load() throws IOException {
        rows = ShapeCorpus.read(TestFiles.corpus());
    }

    @Test
    void parsesEveryDataRow() {
        assertEquals(1299, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            ShapeCorpus.Row r = rows.get(i);
            assertEquals(i + 1, r.number);
            assertTrue(r.dims >= 1 && r.dims <= 3, r.toString());
        }
    }

    @Test
    void everyRowEitherRunsOrSaysWhy() {
        int runs = 0;
        for (ShapeCorpus.Row r : rows) {
            ShapeCorpus.Planned p = ShapeCorpus.plan(r, "max", CAP);
            assertTrue((p.benchCase == null) != (p.skipReason == null), r.toString());
            if (p.benchCase != null) {
                runs++;
                // The case's output is the row's output.
                int[] out = p.benchCase.outputShape();
                for (int a = 0; a < r.dims; a++) assertEquals(r.out[3 - r.dims + a], out[2 + a], r.toString());
            }
        }
        assertTrue(runs > 1100, "rows that run: " + runs);
    }

    @Test
    void regressionRowWithSymmetricPadding() {
        // Row 1: mb1 ic80 160x160 -> 160x160, k3 s1, pad 1 left and right, max.
        ShapeCorpus.Row r = rows.get(0);
        assertEquals("row1", r.caseName());
        assertEquals("regression", r.category);
        assertEquals("max", r.alg);
        BenchCase c = plan(r, "avg_p");
        assertArrayEquals(new int[] {1, 80, 160, 160}, c.inputShape());
        assertArrayEquals(new int[] {1, 80, 160, 160}, c.outputShape());
        PoolSpec s = c.spec();
        assertEquals(PoolOp.MAX, s.op());
        assertArrayEquals(new int[] {3, 3}, s.kernel());
        assertArrayEquals(new int[] {1, 1}, s.stride());
        assertArrayEquals(new int[] {1, 1}, s.padBegin());
        assertArrayEquals(new int[] {1, 1}, s.padEnd());
        assertEquals(Layout.CHANNELS_FIRST, c.layout());
    }

    @Test
    void emptyAlgTakesTheDefaultAndNegativeRightPaddingKeepsTheInput() {
        // Row 2: mb1 ic1008 150x150 -> 75x75, k1 s2, p0, derived right pad -1, no alg.
        // Floor mode without right padding gives (150 - 1) / 2 + 1 = 75 already: the input stays 150.
        ShapeCorpus.Row r = rows.get(1);
        assertEquals("", r.alg);
        assertEquals(-1, r.padEnd[1]);
        ShapeCorpus.Planned p = ShapeCorpus.plan(r, "avg_np", CAP);
        assertNull(p.note);
        PoolSpec s = p.benchCase.spec();
        assertEquals(PoolOp.AVG, s.op());
        assertFalse(s.countIncludePad());
        assertArrayEquals(new int[] {1, 1008, 150, 150}, p.benchCase.inputShape());
        assertArrayEquals(new int[] {1, 1008, 75, 75}, p.benchCase.outputShape());
        assertArrayEquals(new int[] {0, 0}, s.padEnd());
        assertTrue(p.benchCase.description().contains("alg avg_np"), p.benchCase.description());
    }

    @Test
    void quotedNamesAreRead() {
        // Row 3 is a framework layer with a quoted descriptor; 117 rows high, 1 wide: 117 -> 11 (k10 s10).
        ShapeCorpus.Row r = rows.get(2);
        assertEquals("13e7aaeb0377b1066e59bc662b1bc5f4", r.name);
        assertEquals(r.name, r.caseName());
        assertEquals("BWD_D", r.dir);
        BenchCase c = plan(r, "max");
        assertArrayEquals(new int[] {100, 10, 117, 1}, c.inputShape());
        assertArrayEquals(new int[] {100, 10, 11, 1}, c.outputShape());
        assertArrayEquals(new int[] {10, 1}, c.spec().kernel());
    }

    @Test
    void tailThatFloorModeWouldNotDropIsCropped() {
        // Row 1012: 1D, iw2 -> ow1 with k1 s1 and pw_r = -1. Floor mode would give 2 outputs, so the
        // never-read last element is cropped: input 1 -> output 1.
        ShapeCorpus.Planned p = ShapeCorpus.plan(rows.get(1011), "max", CAP);
        assertNotNull(p.benchCase, p.skipReason);
        assertArrayEquals(new int[] {1, 1, 1}, p.benchCase.inputShape());
        assertArrayEquals(new int[] {1, 1, 1}, p.benchCase.outputShape());
        assertNotNull(p.note);
        assertTrue(p.note.contains("cropped"), p.note);
    }

    @Test
    void dilationIsZeroBased() {
        // Row 1021: 1D mb16 ic64 iw32 -> 16, kw3 sw2 pw2/3, dw2 (benchdnn) = dilation 3:
        // effective kernel (3-1)*3+1 = 7, (32 + 2 + 3 - 7) / 2 + 1 = 16.
        ShapeCorpus.Row r = rows.get(1020);
        assertEquals(2, r.dilation0[2]);
        assertEquals(7, r.effectiveKernel(2));
        BenchCase c = plan(r, "max");
        assertArrayEquals(new int[] {3}, c.spec().dilation());
        assertArrayEquals(new int[] {2}, c.spec().padBegin());
        assertArrayEquals(new int[] {3}, c.spec().padEnd());
        assertArrayEquals(new int[] {16, 64, 32}, c.inputShape());
        assertArrayEquals(new int[] {16, 64, 16}, c.outputShape());
    }

    @Test
    void threeDRowWithNegativeDepthPadding() {
        // Row 1255 (i3d_resnet50_v1:max_pool1): 16x112x112 -> 8x56x56, kernel 1x3x3, stride 2,
        // pad d0/-1 h1/0 w1/0, no alg. (16 - 1) / 2 + 1 = 8 keeps the depth; (112 + 1 - 3) / 2 + 1 = 56.
        ShapeCorpus.Row r = rows.get(1254);
        assertEquals("i3d_resnet50_v1:max_pool1", r.caseName());
        BenchCase c = plan(r, "max");
        assertEquals(3, c.spec().rank());
        assertArrayEquals(new int[] {1, 64, 16, 112, 112}, c.inputShape());
        assertArrayEquals(new int[] {1, 64, 8, 56, 56}, c.outputShape());
        assertArrayEquals(new int[] {1, 3, 3}, c.spec().kernel());
        assertArrayEquals(new int[] {0, 1, 1}, c.spec().padBegin());
        assertArrayEquals(new int[] {0, 0, 0}, c.spec().padEnd());
    }

    @Test
    void referenceRowsKeepTheirAlgorithm() {
        // Row 1289 (inception_v3:global_pool): avg(global), 8x8 kernel on 8x8 -> a global average.
        BenchCase g = plan(rows.get(1288), "max");
        assertEquals(PoolOp.GLOBAL_AVG, g.spec().op());
        assertArrayEquals(new int[] {128, 2048, 1, 1}, g.outputShape());
        // Row 1296 (m5:pool2): 1D 122 -> 30 with k4 s4, pw_r -2: floor mode drops the tail.
        BenchCase m5 = plan(rows.get(1295), "avg_p");
        assertEquals("m5:pool2", m5.name());
        assertEquals(PoolOp.MAX, m5.spec().op());
        assertArrayEquals(new int[] {256, 32, 122}, m5.inputShape());
        assertArrayEquals(new int[] {256, 32, 30}, m5.outputShape());
        // Row 932: avg_p, 7x7 kernel stride 2 on 7x7 -> 1x1, padding counted.
        BenchCase ap = plan(rows.get(931), "max");
        assertEquals(PoolOp.AVG, ap.spec().op());
        assertTrue(ap.spec().countIncludePad());
        assertArrayEquals(new int[] {1, 16, 1, 1}, ap.outputShape());
        // Row 41: avg_np, 28x28 -> 14x14 with k2 s2.
        BenchCase an = plan(rows.get(40), "max");
        assertFalse(an.spec().countIncludePad());
        assertArrayEquals(new int[] {1, 16, 14, 14}, an.outputShape());
    }

    @Test
    void kernelInPaddingAndOversizedRowsAreSkippedWithAReason() {
        // Row 1017: 1D iw13 -> ow14, kw3 with pw3: windows lie entirely in padding.
        ShapeCorpus.Planned kip = ShapeCorpus.plan(rows.get(1016), "max", CAP);
        assertNull(kip.benchCase);
        assertTrue(kip.skipReason.contains("padding"), kip.skipReason);
        // Row 494: mb3200 ic1024 14x14 -> 7x7: 3200*1024*(196+49)*4 bytes = 3.2 GB > 1 GiB.
        ShapeCorpus.Planned big = ShapeCorpus.plan(rows.get(493), "max", CAP);
        assertNull(big.benchCase);
        assertTrue(big.skipReason.contains("size cap"), big.skipReason);
        // large_index rows (sizes beyond 2^32) are skipped too.
        int large = 0;
        for (ShapeCorpus.Row r : rows) {
            if (r.category.equals("large_index")) {
                large++;
                assertNull(ShapeCorpus.plan(r, "max", CAP).benchCase, r.toString());
            }
        }
        assertEquals(5, large);
    }

    @Test
    void csvQuotingFollowsRfc4180() {
        List<List<String>> r = ShapeCorpus.parseCsv("a,b,c\n1,\"x,\"\"y\"\"\",\r\n\"multi\nline\",2,3");
        assertEquals(List.of("a", "b", "c"), r.get(0));
        assertEquals(List.of("1", "x,\"y\"", ""), r.get(1));
        assertEquals(List.of("multi\nline", "2", "3"), r.get(2));
        assertEquals(3, r.size());
    }

    @Test
    void missingColumnsAreReported(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.csv");
        Files.write(f, "dims,mb,ic\n2,1,1\n".getBytes(StandardCharsets.UTF_8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShapeCorpus.read(f));
        assertTrue(e.getMessage().contains("missing column 'id'"), e.getMessage());
    }

    private static BenchCase plan(ShapeCorpus.Row r, String defaultAlg) {
        ShapeCorpus.Planned p = ShapeCorpus.plan(r, defaultAlg, CAP);
        assertNotNull(p.benchCase, () -> r + ": " + p.skipReason);
        return p.benchCase;
    }
}
