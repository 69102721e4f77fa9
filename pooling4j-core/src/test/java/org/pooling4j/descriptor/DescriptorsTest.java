package org.pooling4j.descriptor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.pooling4j.Layout;
import org.pooling4j.Tensor;
import org.pooling4j.descriptor.Descriptors.GemGradients;
import org.pooling4j.descriptor.Descriptors.PyramidMode;

/**
 * Hand-worked examples of GeM, spatial pyramid pooling and R-MAC, finite-difference checks of the GeM
 * gradients, references written separately (straightforward loops) for SPP and R-MAC, and bad input.
 * PyTorch's own values are checked in {@link DescriptorsGoldenTest}.
 */
class DescriptorsTest {
    private static final long SEED = Long.getLong("pooling4j.seed", 20261207L);

    // ------------------------------------------------------------------ GeM

    @Test
    void gemGlobalHandWorked() {
        // x = [1, 2, -1, 3], p = 3: -1 is clamped to 1e-6, whose cube is negligible;
        // mean = (1 + 8 + 1e-18 + 27) / 4 = 9, y = 9^(1/3) = 2.080083823...
        Tensor x = Tensor.of(new float[] {1, 2, -1, 3}, 1, 1, 4);
        Tensor y = Descriptors.gem(GemSpec.global(1).build(), x);
        assertArrayEquals(new int[] {1, 1, 1}, y.shape());
        assertEquals(2.0800838, y.data()[0], 1e-6);
        // p = 1 is the plain mean of the clamped values: (1 + 2 + 0.5 + 3) / 4 with eps = 0.5.
        Tensor m = Descriptors.gem(GemSpec.global(1).p(1).eps(0.5).build(), x);
        assertEquals(1.625, m.data()[0], 1e-6);
    }

    @Test
    void gemWindowedPaddingCountsAsZero() {
        // avg_pool's count_include_pad: kernel 2, stride 1, padding 1 on [2, 4] with p = 1 gives windows
        // [pad, 2] -> (0 + 2) / 2 = 1, [2, 4] -> 3, [4, pad] -> 2.
        Tensor x = Tensor.of(new float[] {2, 4}, 1, 1, 2);
        GemSpec s = GemSpec.windowed(2).stride(1).padding(1).p(1).build();
        assertArrayEquals(new float[] {1, 3, 2}, Descriptors.gem(s, x).data(), 1e-6f);
        // p = 2: sqrt((0 + 4) / 2), sqrt((4 + 16) / 2), sqrt((16 + 0) / 2).
        Tensor y2 = Descriptors.gem(s.withP(2), x);
        assertArrayEquals(
                new float[] {(float) Math.sqrt(2), (float) Math.sqrt(10), (float) Math.sqrt(8)}, y2.data(), 1e-6f);
    }

    @Test
    void gemGradientsHandWorked() {
        // One window [1, 3], p = 2: y = sqrt((1 + 9) / 2) = sqrt(5). dy/dx_i = x_i / (2 y):
        // 1 / (2 sqrt 5), 3 / (2 sqrt 5). dy/dp = y * (-ln a / p^2 + mean(z ln x) / (p a)) with a = 5,
        // mean(z ln x) = (0 + 9 ln 3) / 2.
        Tensor x = Tensor.of(new float[] {1, 3}, 1, 1, 2);
        GemSpec s = GemSpec.global(1).p(2).build();
        GemGradients g = Descriptors.gemBackward(s, x, Tensor.of(new float[] {1}, 1, 1, 1));
        double r5 = Math.sqrt(5);
        assertArrayEquals(
                new float[] {(float) (1 / (2 * r5)), (float) (3 / (2 * r5))},
                g.input().data(),
                1e-6f);
        double dp = r5 * (-Math.log(5) / 4 + (9 * Math.log(3) / 2) / (2 * 5));
        assertEquals(dp, g.p(), 1e-6);
        // Below eps the clamp passes no gradient.
        Tensor low = Tensor.of(new float[] {-2, 3}, 1, 1, 2);
        assertEquals(
                0f,
                Descriptors.gemBackward(s, low, Tensor.of(new float[] {1}, 1, 1, 1))
                        .input()
                        .data()[0]);
    }

    @Test
    void gemGradientsAgreeWithFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(SEED);
        List<GemSpec> specs = List.of(
                GemSpec.global(2).p(3).build(),
                GemSpec.windowed(3, 2).stride(2, 1).padding(1, 0).p(2.5).build(),
                GemSpec.windowed(2).stride(1).p(4).build());
        for (GemSpec s : specs) {
            int[] shape = s.rank() == 1 ? new int[] {2, 2, 7} : new int[] {2, 2, 5, 4};
            int n = 1;
            for (int d : shape) n *= d;
            float[] xv = new float[n];
            // Away from the clamp's kink at eps, so that central differences are smooth.
            for (int i = 0; i < n; i++) xv[i] = (float) (0.2 + 1.8 * r.nextDouble());
            Tensor x = Tensor.of(xv, shape);
            Tensor y = Descriptors.gem(s, x);
            float[] gy = new float[y.size()];
            for (int i = 0; i < gy.length; i++) gy[i] = (float) (r.nextDouble() * 2 - 1);
            Tensor gyt = Tensor.of(gy, y.shape());
            GemGradients g = Descriptors.gemBackward(s, x, gyt);
            double h = 1e-3;
            double fd = (loss(s.withP(s.p() + h), x, gy) - loss(s.withP(s.p() - h), x, gy)) / (2 * h);
            String what = s + " seed " + SEED;
            assertEquals(fd, g.p(), 2e-3 * Math.max(1, Math.abs(fd)), "dL/dp " + what);
            for (int t = 0; t < 6; t++) {
                int i = r.nextInt(n);
                float keep = xv[i];
                xv[i] = (float) (keep + h);
                double up = loss(s, x, gy);
                xv[i] = (float) (keep - h);
                double down = loss(s, x, gy);
                xv[i] = keep;
                double fx = (up - down) / (2 * h);
                assertEquals(fx, g.input().data()[i], 2e-3 * Math.max(1, Math.abs(fx)), "dL/dx[" + i + "] " + what);
            }
        }
    }

    private static double loss(GemSpec s, Tensor x, float[] gy) {
        float[] y = Descriptors.gem(s, x).data();
        double l = 0;
        for (int i = 0; i < y.length; i++) l += (double) gy[i] * y[i];
        return l;
    }

    @Test
    void gemUnbatchedAndChannelsLastAgree() {
        SplittableRandom r = new SplittableRandom(SEED + 1);
        float[] v = new float[3 * 4 * 5];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextDouble();
        GemSpec s = GemSpec.windowed(2, 2).build();
        Tensor batched = Descriptors.gem(s, Tensor.of(v, 1, 3, 4, 5));
        Tensor unbatched = Descriptors.gem(s, Tensor.of(v, 3, 4, 5));
        assertArrayEquals(batched.data(), unbatched.data());
        Tensor cl = Descriptors.gem(s, Tensor.of(v, 1, 3, 4, 5).toLayout(Layout.CHANNELS_LAST, true));
        assertArrayEquals(
                batched.data(), cl.toLayout(Layout.CHANNELS_FIRST, true).data(), 1e-6f);
    }

    @Test
    void gemRejectsBadSettings() {
        assertMessage(() -> GemSpec.global(2).p(0).build(), "p = 0.0: must be finite and > 0");
        assertMessage(() -> GemSpec.global(2).p(Double.NaN).build(), "p = NaN: must be finite and > 0");
        assertMessage(() -> GemSpec.global(2).p(Double.POSITIVE_INFINITY).build(), "p = Infinity");
        assertMessage(() -> GemSpec.global(2).eps(0).build(), "eps = 0.0: must be finite and > 0");
        assertMessage(() -> GemSpec.global(2).eps(-1e-6).build(), "eps = -1.0E-6");
        assertMessage(() -> GemSpec.global(2).eps(1e-50).build(), "eps = 1.0E-50");
        assertMessage(() -> GemSpec.global(0), "spatialDims = 0: must be 1, 2 or 3");
        assertMessage(() -> GemSpec.windowed(2, 2, 2, 2), "kernel.length = 4");
        assertMessage(() -> GemSpec.global(2).stride(2), "global GeM has no stride");
        assertMessage(() -> GemSpec.windowed(2).padding(2).build(), "padding");
        assertMessage(() -> GemSpec.windowed(0).build(), "kernel");
        assertMessage(() -> GemSpec.global(2).build().withP(-1), "p = -1.0");
        GemSpec s = GemSpec.windowed(2, 2).build();
        Tensor x = Tensor.zeros(1, 1, 4, 4);
        assertMessage(() -> Descriptors.gem(s, Tensor.zeros(1, 1, 4)), "");
        assertMessage(() -> Descriptors.gemBackward(s, x, Tensor.zeros(1, 1, 3, 3)), "gradOutput.shape = [1, 1, 3, 3]");
        assertMessage(
                () -> Descriptors.gemBackward(s, x, Tensor.zeros(Layout.CHANNELS_LAST, 1, 1, 2, 2)),
                "gradOutput.shape");
        assertThrows(NullPointerException.class, () -> Descriptors.gem(null, x));
    }

    // ------------------------------------------------------------------ SPP

    @Test
    void sppHandWorked() {
        // One 2x3 plane [[1, 5, 2], [4, 3, 6]], levels [1, 2]: level 1 is the whole plane (max 6,
        // mean 3.5); level 2 has rows {0}, {1} and columns [0, 2) and [1, 3) (floor(j*3/2) to
        // ceil((j+1)*3/2)): maxima 5, 5, 4, 6; means 3, 3.5, 3.5, 4.5.
        Tensor x = Tensor.of(new float[] {1, 5, 2, 4, 3, 6}, 1, 1, 2, 3);
        int[] levels = {1, 2};
        assertArrayEquals(
                new float[] {6, 5, 5, 4, 6},
                Descriptors.spatialPyramidPool(x, levels, PyramidMode.MAX).data());
        assertArrayEquals(
                new float[] {3.5f, 3, 3.5f, 3.5f, 4.5f},
                Descriptors.spatialPyramidPool(x, levels, PyramidMode.AVG).data(),
                1e-6f);
        // Backward of max with all-ones gradient: 6 wins twice (level 1 and its bin), 5 twice, 4 once.
        Tensor g = Descriptors.spatialPyramidPoolBackward(
                x, levels, PyramidMode.MAX, Tensor.of(new float[] {1, 1, 1, 1, 1}, 1, 5));
        assertArrayEquals(new float[] {0, 2, 0, 1, 0, 2}, g.data());
    }

    @Test
    void sppMatchesReference() {
        SplittableRandom r = new SplittableRandom(SEED + 2);
        for (int t = 0; t < 60; t++) {
            int n = 1 + r.nextInt(2), c = 1 + r.nextInt(3), h = 1 + r.nextInt(9), w = 1 + r.nextInt(9);
            int[] levels = new int[1 + r.nextInt(3)];
            for (int i = 0; i < levels.length; i++) levels[i] = 1 + r.nextInt(6);
            PyramidMode mode = r.nextBoolean() ? PyramidMode.MAX : PyramidMode.AVG;
            float[] v = new float[n * c * h * w];
            // Few distinct values: ties must go to the first maximum in scan order.
            for (int i = 0; i < v.length; i++) v[i] = r.nextInt(7) - 3;
            Tensor x = Tensor.of(v, n, c, h, w);
            int len = c * sumSquares(levels);
            float[] gy = new float[n * len];
            for (int i = 0; i < gy.length; i++) gy[i] = (float) (r.nextDouble() * 2 - 1);
            String what = "case " + t + " seed " + SEED + " shape " + n + "x" + c + "x" + h + "x" + w + " levels "
                    + java.util.Arrays.toString(levels) + " " + mode;
            float[] want = sppReference(v, n, c, h, w, levels, mode);
            float[] wantG = sppReferenceBackward(v, n, c, h, w, levels, mode, gy);
            for (Layout layout : Layout.values()) {
                Tensor xl = x.toLayout(layout, true);
                Tensor y = Descriptors.spatialPyramidPool(xl, levels, mode);
                assertArrayEquals(new int[] {n, len}, y.shape(), what);
                assertArrayEquals(want, y.data(), 1e-5f, what + " " + layout);
                Tensor g = Descriptors.spatialPyramidPoolBackward(xl, levels, mode, Tensor.of(gy, n, len));
                assertArrayEquals(
                        wantG, g.toLayout(Layout.CHANNELS_FIRST, true).data(), 1e-5f, what + " grad " + layout);
            }
        }
    }

    private static int sumSquares(int[] levels) {
        int s = 0;
        for (int l : levels) s += l * l;
        return s;
    }

    /** Adaptive bins of PyTorch's definition: [floor(i * size / l), ceil((i + 1) * size / l)). */
    private static int lo(int i, int size, int l) {
        return Math.floorDiv(i * size, l);
    }

    private static int hi(int i, int size, int l) {
        return -Math.floorDiv(-(i + 1) * size, l);
    }

    private static float[] sppReference(float[] x, int n, int c, int h, int w, int[] levels, PyramidMode mode) {
        int len = c * sumSquares(levels);
        float[] out = new float[n * len];
        for (int b = 0; b < n; b++) {
            int k = b * len;
            for (int l : levels) {
                for (int ch = 0; ch < c; ch++) {
                    for (int i = 0; i < l; i++) {
                        for (int j = 0; j < l; j++) {
                            double acc = mode == PyramidMode.MAX ? Double.NEGATIVE_INFINITY : 0;
                            int count = 0;
                            for (int y = lo(i, h, l); y < hi(i, h, l); y++) {
                                for (int z = lo(j, w, l); z < hi(j, w, l); z++) {
                                    float e = x[((b * c + ch) * h + y) * w + z];
                                    acc = mode == PyramidMode.MAX ? Math.max(acc, e) : acc + e;
                                    count++;
                                }
                            }
                            out[k++] = (float) (mode == PyramidMode.MAX ? acc : acc / count);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static float[] sppReferenceBackward(
            float[] x, int n, int c, int h, int w, int[] levels, PyramidMode mode, float[] gy) {
        int len = c * sumSquares(levels);
        double[] gx = new double[x.length];
        for (int b = 0; b < n; b++) {
            int k = b * len;
            for (int l : levels) {
                for (int ch = 0; ch < c; ch++) {
                    for (int i = 0; i < l; i++) {
                        for (int j = 0; j < l; j++) {
                            float g = gy[k++];
                            int area = (hi(i, h, l) - lo(i, h, l)) * (hi(j, w, l) - lo(j, w, l));
                            int best = -1;
                            for (int y = lo(i, h, l); y < hi(i, h, l); y++) {
                                for (int z = lo(j, w, l); z < hi(j, w, l); z++) {
                                    int at = ((b * c + ch) * h + y) * w + z;
                                    if (mode == PyramidMode.AVG) gx[at] += g / (double) area;
                                    else if (best < 0 || x[at] > x[best]) best = at;
                                }
                            }
                            if (mode == PyramidMode.MAX) gx[best] += g;
                        }
                    }
                }
            }
        }
        float[] out = new float[gx.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) gx[i];
        return out;
    }

    @Test
    void sppRejectsBadInput() {
        Tensor x = Tensor.zeros(1, 2, 3, 3);
        assertMessage(() -> Descriptors.spatialPyramidPool(x, new int[0], PyramidMode.MAX), "levels = []");
        assertMessage(
                () -> Descriptors.spatialPyramidPool(x, new int[] {1, 0}, PyramidMode.MAX),
                "levels = [1, 0]: every level must be in [1, 46340]");
        assertMessage(
                () -> Descriptors.spatialPyramidPool(Tensor.zeros(2, 3, 3), new int[] {1}, PyramidMode.MAX),
                "input.shape = [2, 3, 3]");
        assertMessage(
                () -> Descriptors.spatialPyramidPool(Tensor.zeros(1, 2, 0, 3), new int[] {1}, PyramidMode.AVG),
                "H and W must be >= 1");
        assertMessage(
                () -> Descriptors.spatialPyramidPoolBackward(x, new int[] {1, 2}, PyramidMode.MAX, Tensor.zeros(1, 8)),
                "gradOutput.shape = [1, 8]: must equal the output shape [1, 10]");
        assertMessage(
                () -> Descriptors.spatialPyramidLength(100_000, new int[] {300}),
                "levels = [300]: give 90000 bins per channel");
        assertEquals(2 * 21, Descriptors.spatialPyramidLength(2, new int[] {1, 2, 4}));
    }

    // ------------------------------------------------------------------ R-MAC

    @Test
    void rmacRegionsHandWorked() {
        // 3x4: s = 3, S = 4; level-1 overlap (3 - 1/m) / 3 is 0.67 for m = 1 and grows with m: m = 1.
        // Level 1: side 3, 1 x 2 regions, columns start at floor(i * (4 - 3) / 1) = 0, 1.
        // Level 2: side floor(6 / 3) = 2, 2 x 3 regions, rows at 0, 1, columns at floor(i * 2 / 2) = 0, 1, 2.
        int[][] want = {{0, 0, 3}, {0, 1, 3}, {0, 0, 2}, {0, 1, 2}, {0, 2, 2}, {1, 0, 2}, {1, 1, 2}, {1, 2, 2}};
        assertArrayEquals(want, Descriptors.rmacRegions(3, 4, 2));
        // The transposed map transposes the grid.
        int[][] t = Descriptors.rmacRegions(4, 3, 2);
        assertArrayEquals(
                new int[][] {{0, 0, 3}, {1, 0, 3}, {0, 0, 2}, {0, 1, 2}, {1, 0, 2}, {1, 1, 2}, {2, 0, 2}, {2, 1, 2}},
                t);
        // 10x30: overlap 1 - 2/m is -1, 0, 0.33, 0.5, 0.6, 0.67 for m = 1..6: m = 3 (error 0.067).
        // Level 1: side 10, 1 x 4, columns floor(i * 20 / 3) = 0, 6, 13, 20. Level 2: side 6, 2 x 5, rows 0, 4,
        // columns floor(i * 24 / 4) = 0, 6, 12, 18, 24. Level 3: side 5, 3 x 6, rows floor(i * 5 / 2) = 0, 2, 5,
        // columns 0, 5, 10, 15, 20, 25.
        int[][] wide = Descriptors.rmacRegions(10, 30, 3);
        assertEquals(4 + 10 + 18, wide.length);
        assertArrayEquals(
                new int[][] {{0, 0, 10}, {0, 6, 10}, {0, 13, 10}, {0, 20, 10}}, java.util.Arrays.copyOf(wide, 4));
        assertArrayEquals(new int[] {4, 24, 6}, wide[13]);
        assertArrayEquals(new int[] {2, 25, 5}, wide[25]);
        assertArrayEquals(new int[] {5, 25, 5}, wide[31]);
        // A square map has l x l regions per level; a 1x1 map keeps level 1 only (sides 0 are left out).
        assertEquals(1 + 4 + 9, Descriptors.rmacRegions(4, 4, 3).length);
        assertArrayEquals(new int[][] {{0, 0, 1}}, Descriptors.rmacRegions(1, 1, 3));
    }

    @Test
    void rmacHandWorked() {
        // Channel 0 is 3 at (0, 0), channel 1 is 4 at (1, 1), zero elsewhere, on the 3x4 grid above.
        // Region maxima (ch0, ch1) and their unit vectors:
        //   level 1: rows 0-2 x cols 0-2 -> (3, 4) -> (0.6, 0.8); cols 1-3 -> (0, 4) -> (0, 1)
        //   level 2: r0-1 c0-1 -> (3, 4) -> (0.6, 0.8); r0-1 c1-2 -> (0, 1); r0-1 c2-3 -> (0, 0) stays 0;
        //            r1-2 c0-1 -> (0, 1); r1-2 c1-2 -> (0, 1); r1-2 c2-3 -> (0, 0)
        // Sum (1.2, 5.6), norm sqrt(32.8).
        float[] v = new float[2 * 3 * 4];
        v[0] = 3;
        v[12 + 4 + 1] = 4;
        Tensor x = Tensor.of(v, 1, 2, 3, 4);
        Tensor y = Descriptors.rmac(x, 2);
        assertArrayEquals(new int[] {1, 2}, y.shape());
        double norm = Math.sqrt(32.8);
        assertArrayEquals(new float[] {(float) (1.2 / norm), (float) (5.6 / norm)}, y.data(), 1e-6f);
        assertArrayEquals(
                y.data(),
                Descriptors.rmac(x.toLayout(Layout.CHANNELS_LAST, true), 2).data(),
                1e-7f);
        // An all-zero map gives the zero vector, not NaN.
        assertArrayEquals(
                new float[] {0, 0},
                Descriptors.rmac(Tensor.zeros(1, 2, 3, 4), 3).data());
        // NaN propagates.
        v[5] = Float.NaN;
        assertTrue(Float.isNaN(Descriptors.rmac(x, 2).data()[0]));
    }

    @Test
    void rmacMatchesReference() {
        SplittableRandom r = new SplittableRandom(SEED + 3);
        for (int t = 0; t < 40; t++) {
            int n = 1 + r.nextInt(2), c = 1 + r.nextInt(5), h = 1 + r.nextInt(24), w = 1 + r.nextInt(24);
            int levels = 1 + r.nextInt(4);
            float[] v = new float[n * c * h * w];
            for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() * 3 - 0.5);
            float[] want = rmacReference(v, n, c, h, w, levels);
            String what = "case " + t + " seed " + SEED + " " + n + "x" + c + "x" + h + "x" + w + " L=" + levels;
            Tensor x = Tensor.of(v, n, c, h, w);
            for (Layout layout : Layout.values()) {
                assertArrayEquals(
                        want, Descriptors.rmac(x.toLayout(layout, true), levels).data(), 1e-5f, what);
            }
        }
    }

    /**
     * R-MAC from the paper's wording, written without the library's grid code: candidate counts of
     * regions along the long side are tried by their overlap, and region positions come from uniform
     * spacing in double, rounded down.
     */
    private static float[] rmacReference(float[] x, int n, int c, int h, int w, int levels) {
        int s = Math.min(h, w), big = Math.max(h, w);
        int extra = 0;
        if (big > s) {
            double bestErr = Double.MAX_VALUE;
            for (int count = 2; count <= 7; count++) { // regions along the long side at the largest scale
                double step = (big - s) / (double) (count - 1);
                double overlap = (s - step) / s;
                if (Math.abs(overlap - 0.4) < bestErr) {
                    bestErr = Math.abs(overlap - 0.4);
                    extra = count - 1;
                }
            }
        }
        List<int[]> regions = new ArrayList<>();
        for (int l = 1; l <= levels; l++) {
            int side = (int) Math.floor(2.0 * s / (l + 1));
            if (side == 0) continue;
            int rows = h > w ? l + extra : l, cols = w > h ? l + extra : l;
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    int top = rows == 1 ? 0 : (int) Math.floor(i * (h - side) / (double) (rows - 1));
                    int left = cols == 1 ? 0 : (int) Math.floor(j * (w - side) / (double) (cols - 1));
                    regions.add(new int[] {top, left, side});
                }
            }
        }
        float[] out = new float[n * c];
        for (int b = 0; b < n; b++) {
            double[] acc = new double[c];
            for (int[] reg : regions) {
                double[] m = new double[c];
                double sq = 0;
                for (int ch = 0; ch < c; ch++) {
                    m[ch] = Double.NEGATIVE_INFINITY;
                    for (int y = reg[0]; y < reg[0] + reg[2]; y++)
                        for (int z = reg[1]; z < reg[1] + reg[2]; z++)
                            m[ch] = Math.max(m[ch], x[((b * c + ch) * h + y) * w + z]);
                    sq += m[ch] * m[ch];
                }
                for (int ch = 0; ch < c; ch++) acc[ch] += sq == 0 ? 0 : m[ch] / Math.sqrt(sq);
            }
            double sq = 0;
            for (double a : acc) sq += a * a;
            for (int ch = 0; ch < c; ch++) out[b * c + ch] = (float) (sq == 0 ? 0 : acc[ch] / Math.sqrt(sq));
        }
        return out;
    }

    @Test
    void rmacBackwardAgreesWithFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(SEED + 4);
        int[][] shapes = {{2, 3, 5, 7}, {1, 4, 6, 6}, {1, 2, 9, 4}};
        for (int[] shape : shapes) {
            int n = shape[0] * shape[1] * shape[2] * shape[3];
            float[] v = new float[n];
            // Distinct values a step apart, so that no maximum changes within the difference step.
            for (int i = 0; i < n; i++) v[i] = (float) (0.1 * i - 0.3 * n * 0.1);
            for (int i = n - 1; i > 0; i--) {
                int k = r.nextInt(i + 1);
                float t = v[i];
                v[i] = v[k];
                v[k] = t;
            }
            Tensor x = Tensor.of(v, shape);
            float[] gy = new float[shape[0] * shape[1]];
            for (int i = 0; i < gy.length; i++) gy[i] = (float) (r.nextDouble() * 2 - 1);
            Tensor g = Descriptors.rmacBackward(x, 3, Tensor.of(gy, shape[0], shape[1]));
            Tensor gl = Descriptors.rmacBackward(
                    x.toLayout(Layout.CHANNELS_LAST, true), 3, Tensor.of(gy, shape[0], shape[1]));
            assertArrayEquals(g.data(), gl.toLayout(Layout.CHANNELS_FIRST, true).data(), 1e-6f);
            double h = 1e-3;
            for (int i = 0; i < n; i++) {
                float keep = v[i];
                v[i] = (float) (keep + h);
                double up = rmacLoss(x, gy);
                v[i] = (float) (keep - h);
                double down = rmacLoss(x, gy);
                v[i] = keep;
                double fd = (up - down) / (2 * h);
                assertEquals(fd, g.data()[i], 2e-3, "dL/dx[" + i + "] shape " + java.util.Arrays.toString(shape));
            }
        }
    }

    private static double rmacLoss(Tensor x, float[] gy) {
        float[] y = Descriptors.rmac(x, 3).data();
        double l = 0;
        for (int i = 0; i < y.length; i++) l += (double) gy[i] * y[i];
        return l;
    }

    @Test
    void rmacRejectsBadInput() {
        assertMessage(() -> Descriptors.rmac(Tensor.zeros(1, 2, 3, 3), 0), "levels = 0: must be >= 1");
        assertMessage(() -> Descriptors.rmac(Tensor.zeros(2, 3, 3), 3), "input.shape = [2, 3, 3]");
        assertMessage(() -> Descriptors.rmac(Tensor.zeros(1, 2, 3, 0), 3), "H and W must be >= 1");
        assertMessage(() -> Descriptors.rmacRegions(0, 3, 3), "h = 0: must be >= 1");
        assertMessage(() -> Descriptors.rmacRegions(5000, 5000, 5000), "levels = 5000: gives");
        assertMessage(
                () -> Descriptors.rmacBackward(Tensor.zeros(1, 2, 3, 3), 3, Tensor.zeros(1, 3)),
                "gradOutput.shape = [1, 3]: must equal the output shape [1, 2]");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String part) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(part), () -> "message \"" + ex.getMessage() + "\" lacks \"" + part + "\"");
    }
}
