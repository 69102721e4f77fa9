package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pooling4j.roi.RoiAlignMode;
import org.pooling4j.roi.RoiCoordinates;
import org.pooling4j.roi.RoiPooling;

/**
 * ROI pooling ({@link RoiPooling}): hand-worked examples, the ONNX conformance cases, a seeded
 * comparison with a naive double-precision oracle written from the documented rules, and the bad-input
 * rules. No expected value here comes from the library itself.
 */
class RoiPoolingTest {

    static final RoiAlignMode AVG = RoiAlignMode.AVG;
    static final RoiAlignMode MAX = RoiAlignMode.MAX;
    static final RoiCoordinates HALF = RoiCoordinates.HALF_PIXEL;
    static final RoiCoordinates OUT_HALF = RoiCoordinates.OUTPUT_HALF_PIXEL;

    // ---- helpers ---------------------------------------------------------------------------------

    /** A 4x4 plane holding {@code 4h + w + offset}: linear, so bilinear samples are easy to work out. */
    static float[] ramp4x4(float offset) {
        float[] d = new float[16];
        for (int h = 0; h < 4; h++) {
            for (int w = 0; w < 4; w++) d[h * 4 + w] = 4 * h + w + offset;
        }
        return d;
    }

    static Tensor rows(int cols, float... v) {
        return Tensor.of(v, v.length / cols, cols);
    }

    /** roiAlign, checking that no input was modified. */
    static Tensor align(
            Tensor x,
            Tensor rois,
            long[] batch,
            int oh,
            int ow,
            float scale,
            int sr,
            RoiAlignMode mode,
            RoiCoordinates coords) {
        float[] x0 = x.data().clone();
        float[] r0 = rois.data().clone();
        long[] b0 = batch.clone();
        Tensor y = RoiPooling.roiAlign(x, rois, batch, oh, ow, scale, sr, mode, coords);
        assertArrayEquals(bits(x0), bits(x.data()), "input was modified");
        assertArrayEquals(bits(r0), bits(rois.data()), "rois were modified");
        assertArrayEquals(b0, batch, "batchIndices were modified");
        return y;
    }

    static Tensor align1(
            Tensor x, float[] roi, int oh, int ow, float scale, int sr, RoiAlignMode mode, RoiCoordinates coords) {
        return align(x, rows(4, roi), new long[] {0}, oh, ow, scale, sr, mode, coords);
    }

    static Tensor pool(Tensor x, Tensor rois, int ph, int pw, float scale) {
        float[] x0 = x.data().clone();
        float[] r0 = rois.data().clone();
        Tensor y = RoiPooling.maxRoiPool(x, rois, ph, pw, scale);
        assertArrayEquals(bits(x0), bits(x.data()), "input was modified");
        assertArrayEquals(bits(r0), bits(rois.data()), "rois were modified");
        return y;
    }

    static int[] bits(float[] d) {
        int[] b = new int[d.length];
        for (int i = 0; i < d.length; i++) b[i] = Float.floatToRawIntBits(d[i]);
        return b;
    }

    static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            int k = i;
            assertTrue(
                    Math.abs(expected[i] - actual[i]) <= tol,
                    () -> what + ": element " + k + " expected " + expected[k] + " got " + actual[k]);
        }
    }

    // =============================================================================================
    // Hand-worked examples
    // =============================================================================================

    @Nested
    class RoiAlignByHand {
        final Tensor ramp = Tensor.of(ramp4x4(0), 1, 1, 4, 4); // v(h, w) = 4h + w

        @Test
        void avgOutputHalfPixel() {
            // ROI [0.5, 0.5, 2.5, 2.5], 1x1, samplingRatio 2, no shift: start 0.5, size 2, bin 2;
            // samples at 0.5 + (0.5, 1.5) * 2/2 = 1, 2 on both axes; v = 4y + x at (1,1),(1,2),(2,1),(2,2)
            // = 5, 6, 9, 10; mean 7.5.
            Tensor y = align1(ramp, new float[] {0.5f, 0.5f, 2.5f, 2.5f}, 1, 1, 1f, 2, AVG, OUT_HALF);
            assertArrayEquals(new int[] {1, 1, 1, 1}, y.shape());
            assertEquals(7.5f, y.data()[0]);
        }

        @Test
        void avgHalfPixel() {
            // Same ROI with the -0.5 shift: start 0, end 2, samples at 0.5 and 1.5; bilinear of a linear
            // plane is exact: 4*0.5+0.5 = 2.5, 3.5, 6.5, 7.5; mean 5.
            Tensor y = align1(ramp, new float[] {0.5f, 0.5f, 2.5f, 2.5f}, 1, 1, 1f, 2, AVG, HALF);
            assertEquals(5f, y.data()[0]);
        }

        @Test
        void maxTakesTheLargestWeightedCornerAndDoesNotDivide() {
            // OUTPUT_HALF_PIXEL: the samples sit on pixels (1,1),(1,2),(2,1),(2,2); there w1 = 1 and the
            // other weights are 0, so each sample gives max(v, 0, 0, 0) = v; the bin gives 10.
            assertEquals(
                    10f,
                    align1(ramp, new float[] {0.5f, 0.5f, 2.5f, 2.5f}, 1, 1, 1f, 2, MAX, OUT_HALF)
                            .data()[0]);
            // HALF_PIXEL: samples at (0.5|1.5, 0.5|1.5), all four weights 0.25. Sample (1.5,1.5) has
            // corners 5, 6, 9, 10 -> weighted 1.25, 1.5, 2.25, 2.5 -> 2.5; the others give 1.25, 1.5, 2.25.
            // Result 2.5: not the interpolated maximum 7.5, and not 2.5 / 4 (no division by the count).
            assertEquals(
                    2.5f,
                    align1(ramp, new float[] {0.5f, 0.5f, 2.5f, 2.5f}, 1, 1, 1f, 2, MAX, HALF)
                            .data()[0]);
        }

        @Test
        void samplesOutsideTheMapAndClamping() {
            // Plane H=1, W=4: [1, 2, 3, 4]; ROI x from -2 to 6, y = 0; output 1x4; OUTPUT_HALF_PIXEL.
            Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 1, 4);
            float[] roi = {-2, 0, 6, 0};
            // y: size max(0, 1) = 1, one sample at 0.5; yLow = 0 >= H-1 = 0, so the row is 0 with weight 1.
            // x: size 8, bin 2, samplingRatio 1: x = -2 + 2pw + 1 = -1, 1, 3, 5.
            //   -1 is not < -1: clamped to 0 -> 1;  1 -> 2;  3: xLow = 3 >= W-1 -> 4;  5 > W = 4 -> 0.
            assertArrayEquals(
                    new float[] {1, 2, 4, 0},
                    align1(x, roi, 1, 4, 1f, 1, AVG, OUT_HALF).data());
            // samplingRatio 2: y samples 0.25, 0.75 (both row 0); x samples -2 + 2pw + 0.5 | 1.5:
            //   pw0: -1.5 (outside: 0), -0.5 (clamped to 0: 1) -> 2*(0+1)/4 = 0.5
            //   pw1: 0.5 -> 1.5, 1.5 -> 2.5 -> 2*(1.5+2.5)/4 = 2
            //   pw2: 2.5 -> 3.5, 3.5 -> 4 (xLow = 3 >= W-1) -> 2*(3.5+4)/4 = 3.75
            //   pw3: 4.5, 5.5 both > 4 -> 0
            assertArrayEquals(
                    new float[] {0.5f, 2, 3.75f, 0},
                    align1(x, roi, 1, 4, 1f, 2, AVG, OUT_HALF).data());
            // HALF_PIXEL, samplingRatio 1: y from -0.5 to -0.5, size 0 kept, sample at -0.5 -> row 0;
            // x from -2.5, bin 2: -1.5 (outside: 0), 0.5 -> 1.5, 2.5 -> 3.5, 4.5 (outside: 0).
            assertArrayEquals(
                    new float[] {0, 1.5f, 3.5f, 0},
                    align1(x, roi, 1, 4, 1f, 1, AVG, HALF).data());
            // HALF_PIXEL, samplingRatio 0: the height grid is ceil(0 / 1) = 0, so every bin is empty: 0.
            assertArrayEquals(
                    new float[] {0, 0, 0, 0},
                    align1(x, roi, 1, 4, 1f, 0, AVG, HALF).data());
            assertArrayEquals(
                    new float[] {0, 0, 0, 0},
                    align1(x, roi, 1, 4, 1f, 0, MAX, HALF).data());
        }

        @Test
        void exactBordersMinusOneAndSizeAreInside() {
            Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 1, 4);
            // ROI x 3.5..4.5, one sample at 4.0 = W: not > W, so inside; xLow = 4 >= W-1 -> column 3 -> 4.
            assertEquals(
                    4f,
                    align1(x, new float[] {3.5f, 0, 4.5f, 0}, 1, 1, 1f, 1, AVG, OUT_HALF)
                            .data()[0]);
            // ROI x 3.75..4.75: sample at 4.25 > W -> outside -> 0.
            assertEquals(
                    0f,
                    align1(x, new float[] {3.75f, 0, 4.75f, 0}, 1, 1, 1f, 1, AVG, OUT_HALF)
                            .data()[0]);
            // ROI x -1.5..-0.5: sample at -1.0, not < -1, clamped to 0 -> 1.
            assertEquals(
                    1f,
                    align1(x, new float[] {-1.5f, 0, -0.5f, 0}, 1, 1, 1f, 1, AVG, OUT_HALF)
                            .data()[0]);
            // ROI x -1.75..-0.75: sample at -1.25 < -1 -> 0.
            assertEquals(
                    0f,
                    align1(x, new float[] {-1.75f, 0, -0.75f, 0}, 1, 1, 1f, 1, AVG, OUT_HALF)
                            .data()[0]);
            // Negative data. ROI x 3..5, samplingRatio 2: samples at x = 3.5 (column 3 with weight 1, the
            // other three corners with weight 0) and x = 4.5 (outside: four times 0 * x[0] = 0 * -1).
            Tensor neg = Tensor.of(new float[] {-1, -2, -3, -4}, 1, 1, 1, 4);
            // Max mode compares weighted corners, so a zero weight gives 0 * -4 = -0, which beats -4:
            // the result is -0 (IEEE negative zero), not -4.
            assertEquals(
                    -0f,
                    align1(neg, new float[] {3, 0, 5, 0}, 1, 1, 1f, 2, MAX, OUT_HALF)
                            .data()[0]);
            // Avg mode: (-4 + 0) * 2 rows / 4 samples = -2.
            assertEquals(
                    -2f,
                    align1(neg, new float[] {3, 0, 5, 0}, 1, 1, 1f, 2, AVG, OUT_HALF)
                            .data()[0]);
        }

        @Test
        void malformedRois() {
            // Inverted ROI [3, 3, 1, 1]. OUTPUT_HALF_PIXEL raises the size to 1: bin 1, one sample at 3.5,
            // yLow = xLow = 3 >= H-1 -> v(3,3) = 15.
            assertEquals(
                    15f,
                    align1(ramp, new float[] {3, 3, 1, 1}, 1, 1, 1f, 0, AVG, OUT_HALF)
                            .data()[0]);
            // HALF_PIXEL keeps size -2: grid ceil(-2) = -2 <= 0 -> no samples -> 0.
            assertEquals(
                    0f,
                    align1(ramp, new float[] {3, 3, 1, 1}, 1, 1, 1f, 0, AVG, HALF)
                            .data()[0]);
            // A point ROI [3, 3, 3, 3] with HALF_PIXEL and samplingRatio 1: size 0, bin 0, the one sample
            // is at 2.5 on both axes -> 4*2.5 + 2.5 = 12.5.
            assertEquals(
                    12.5f,
                    align1(ramp, new float[] {3, 3, 3, 3}, 1, 1, 1f, 1, AVG, HALF)
                            .data()[0]);
        }

        @Test
        void spatialScaleBatchAndChannels() {
            // N=2, C=2: x[n][c] = ramp + 100n + 10c. A linear shift passes through the weighted mean
            // (the weights of an inside sample sum to 1).
            float[] d = new float[2 * 2 * 16];
            for (int n = 0; n < 2; n++) {
                for (int c = 0; c < 2; c++) {
                    float[] p = ramp4x4(100 * n + 10 * c);
                    System.arraycopy(p, 0, d, (n * 2 + c) * 16, 16);
                }
            }
            Tensor x = Tensor.of(d, 2, 2, 4, 4);
            // ROI [1, 1, 5, 5] at scale 0.5 is [0.5, 0.5, 2.5, 2.5]: 7.5 as in avgOutputHalfPixel.
            Tensor rois = rows(4, 1, 1, 5, 5, 1, 1, 5, 5);
            Tensor y = align(x, rois, new long[] {1, 0}, 1, 1, 0.5f, 2, AVG, OUT_HALF);
            assertArrayEquals(new int[] {2, 2, 1, 1}, y.shape());
            assertArrayEquals(new float[] {107.5f, 117.5f, 7.5f, 17.5f}, y.data());
        }

        @Test
        void channelsLastGivesTheSameValuesInItsLayout() {
            SplittableRandom rnd = new SplittableRandom(7);
            float[] d = new float[2 * 3 * 5 * 7];
            for (int i = 0; i < d.length; i++) d[i] = (float) rnd.nextDouble(-1, 1);
            Tensor x = Tensor.of(d, 2, 3, 5, 7);
            Tensor xl = x.toLayout(Layout.CHANNELS_LAST, true);
            Tensor rois = rows(4, -1, 0.5f, 6, 4, 2, 2, 2.5f, 3, 0, 0, 7, 5);
            long[] b = {1, 0, 1};
            for (RoiAlignMode m : RoiAlignMode.values()) {
                for (RoiCoordinates c : RoiCoordinates.values()) {
                    Tensor a = align(x, rois, b, 3, 2, 1f, 0, m, c);
                    Tensor l = align(xl, rois, b, 3, 2, 1f, 0, m, c);
                    assertEquals(Layout.CHANNELS_LAST, l.layout());
                    assertArrayEquals(new int[] {3, 3, 2, 3}, l.shape());
                    assertArrayEquals(
                            bits(a.data()),
                            bits(l.toLayout(Layout.CHANNELS_FIRST, true).data()),
                            m + " " + c);
                }
            }
            Tensor p = pool(x, rows(5, 1, 0, 0, 4, 3, 0, 2.5f, 1, 6, 4), 2, 3, 1f);
            Tensor pl = pool(xl, rows(5, 1, 0, 0, 4, 3, 0, 2.5f, 1, 6, 4), 2, 3, 1f);
            assertArrayEquals(new int[] {2, 2, 3, 3}, pl.shape());
            assertArrayEquals(
                    bits(p.data()),
                    bits(pl.toLayout(Layout.CHANNELS_FIRST, true).data()));
        }

        @Test
        void noRoisGiveAnEmptyOutput() {
            Tensor y = align(ramp, Tensor.zeros(0, 4), new long[0], 2, 3, 1f, 0, AVG, HALF);
            assertArrayEquals(new int[] {0, 1, 2, 3}, y.shape());
            Tensor emptyBatch = Tensor.zeros(0, 2, 4, 4);
            assertArrayEquals(
                    new int[] {0, 2, 2, 3},
                    align(emptyBatch, Tensor.zeros(0, 4), new long[0], 2, 3, 1f, 0, MAX, OUT_HALF)
                            .shape());
            assertArrayEquals(
                    new int[] {0, 2, 1, 1},
                    pool(emptyBatch, Tensor.zeros(0, 5), 1, 1, 1f).shape());
        }

        @Test
        void anOutsideSampleReadsElementZeroWithWeightZero() {
            // ONNX Runtime gives an outside sample positions 0 and weights 0, so it adds 0 * x[n,c,0,0]:
            // NaN when that element is NaN, even though the ROI never comes near it.
            Tensor x = Tensor.of(new float[] {Float.NaN, 2, 3, 4}, 1, 1, 1, 4);
            assertTrue(Float.isNaN(align1(x, new float[] {5, 0, 7, 0}, 1, 1, 1f, 1, AVG, OUT_HALF)
                    .data()[0]));
            // An inside sample at 1.5 reads columns 1 and 2 only: (2 + 3) / 2.
            assertEquals(
                    2.5f,
                    align1(x, new float[] {1, 0, 2, 0}, 1, 1, 1f, 1, AVG, OUT_HALF)
                            .data()[0]);
        }
    }

    @Nested
    class MaxRoiPoolByHand {
        final Tensor ramp = Tensor.of(ramp4x4(1), 1, 1, 4, 4); // v(h, w) = 4h + w + 1, 1..16

        @Test
        void windowsFromRoundedCorners() {
            // ROI [batch 0, x1 0.6, y1 0.4, x2 2.5, y2 2.5]: startW = round(0.6) = 1, startH = round(0.4) = 0,
            // endW = endH = round(2.5) = 3 (half away from zero). sizeH = 4, sizeW = 3; 2x2 bins:
            // binH = 2 -> rows [0,2), [2,4); binW = 1.5 -> cols [floor(0)+1, ceil(1.5)+1) = [1,3) and
            // [floor(1.5)+1, ceil(3)+1) = [2,4). Maxima at (1,2) = 7, (1,3) = 8, (3,2) = 15, (3,3) = 16.
            Tensor y = pool(ramp, rows(5, 0, 0.6f, 0.4f, 2.5f, 2.5f), 2, 2, 1f);
            assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
            assertArrayEquals(new float[] {7, 8, 15, 16}, y.data());
        }

        @Test
        void negativeHalvesRoundAwayFromZero() {
            // ROI [0, -0.5, -0.5, 0.4, 0.4]: start round(-0.5) = -1 (not 0), end round(0.4) = 0, size 2,
            // bin 1 on a 2x2 output: bin 0 covers [-1, 0) -> clipped to [0, 0), empty -> 0; bin 1 covers
            // [0, 1). Output [[0, 0], [0, v(0,0) = 1]]. (Rounding -0.5 up to 0 would give all ones.)
            assertArrayEquals(
                    new float[] {0, 0, 0, 1},
                    pool(ramp, rows(5, 0, -0.5f, -0.5f, 0.4f, 0.4f), 2, 2, 1f).data());
        }

        @Test
        void scaleMalformedAndOutside() {
            // Scale 0.25: corners 0 and 6 * 0.25 = 1.5 -> round 2: rows and cols [0, 3) -> v(2,2) = 11.
            assertEquals(11f, pool(ramp, rows(5, 0, 0, 0, 6, 6), 1, 1, 0.25f).data()[0]);
            // Inverted ROI [0, 3, 3, 1, 1]: size max(1 - 3 + 1, 1) = 1 -> [3, 4) -> v(3,3) = 16.
            assertEquals(16f, pool(ramp, rows(5, 0, 3, 3, 1, 1), 1, 1, 1f).data()[0]);
            // Entirely outside: start 10 clipped to [4, 4) -> empty -> 0.
            assertEquals(0f, pool(ramp, rows(5, 0, 10, 10, 12, 12), 1, 1, 1f).data()[0]);
        }

        @Test
        void scanStartsAtTheLowestFloatAndKeepsBestOnlyWhenValueIsSmaller() {
            Tensor inf = Tensor.of(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, 1, 1, 1, 2);
            assertEquals(
                    -Float.MAX_VALUE,
                    pool(inf, rows(5, 0, 0, 0, 1, 0), 1, 1, 1f).data()[0]);
            // [NaN, 1]: NaN replaces the start (NaN < lowest is false), then 1 < NaN is false -> 1.
            Tensor a = Tensor.of(new float[] {Float.NaN, 1}, 1, 1, 1, 2);
            assertEquals(1f, pool(a, rows(5, 0, 0, 0, 1, 0), 1, 1, 1f).data()[0]);
            // [1, NaN]: NaN < 1 is false -> NaN.
            Tensor b = Tensor.of(new float[] {1, Float.NaN}, 1, 1, 1, 2);
            assertTrue(Float.isNaN(pool(b, rows(5, 0, 0, 0, 1, 0), 1, 1, 1f).data()[0]));
        }

        @Test
        void batchEntryIsTruncated() {
            float[] d = new float[32];
            System.arraycopy(ramp4x4(1), 0, d, 0, 16);
            System.arraycopy(ramp4x4(101), 0, d, 16, 16);
            Tensor x = Tensor.of(d, 2, 1, 4, 4);
            // 1.9 -> batch 1, -0.5 -> batch 0 (truncation toward zero); whole plane -> its maximum.
            Tensor y = pool(x, rows(5, 1.9f, 0, 0, 3, 3, -0.5f, 0, 0, 3, 3), 1, 1, 1f);
            assertArrayEquals(new float[] {116, 16}, y.data());
        }
    }

    // =============================================================================================
    // ONNX conformance cases (onnx/backend/test/data/node/test_roialign_*, opset 22): X 1x1x10x10,
    // rois [[0,0,9,9],[0,5,4,9],[5,5,9,9]], batch_indices [0,0,0], output 5x5, sampling_ratio 2,
    // spatial_scale 1. The avg outputs are stored to four decimals; the max output in full.
    // =============================================================================================

    static final float[] ONNX_X = {
        0.2764f, 0.715f, 0.1958f, 0.3416f, 0.4638f, 0.0259f, 0.2963f, 0.6518f, 0.4856f, 0.725f,
        0.9637f, 0.0895f, 0.2919f, 0.6753f, 0.0234f, 0.6132f, 0.8085f, 0.5324f, 0.8992f, 0.4467f,
        0.3265f, 0.8479f, 0.9698f, 0.2471f, 0.9336f, 0.1878f, 0.4766f, 0.4308f, 0.34f, 0.2162f,
        0.0206f, 0.172f, 0.2155f, 0.4394f, 0.0653f, 0.3406f, 0.7724f, 0.3921f, 0.2541f, 0.5799f,
        0.4062f, 0.2194f, 0.4473f, 0.4687f, 0.7109f, 0.9327f, 0.9815f, 0.632f, 0.1728f, 0.6119f,
        0.3097f, 0.1283f, 0.4984f, 0.5068f, 0.4279f, 0.0173f, 0.4388f, 0.043f, 0.4671f, 0.7119f,
        0.1011f, 0.8477f, 0.4726f, 0.1777f, 0.9923f, 0.4042f, 0.1869f, 0.7795f, 0.9946f, 0.9689f,
        0.1366f, 0.3671f, 0.7011f, 0.6234f, 0.9867f, 0.5585f, 0.6985f, 0.5609f, 0.8788f, 0.9928f,
        0.5697f, 0.8511f, 0.6711f, 0.9406f, 0.8751f, 0.7496f, 0.165f, 0.1049f, 0.1559f, 0.2514f,
        0.7012f, 0.4056f, 0.7879f, 0.3461f, 0.0415f, 0.2998f, 0.5094f, 0.3727f, 0.5482f, 0.0502f,
    };
    static final float[] ONNX_ROIS = {0, 0, 9, 9, 0, 5, 4, 9, 5, 5, 9, 9};

    /** test_roialign_aligned_false: coordinate_transformation_mode output_half_pixel, mode avg. */
    static final float[] ONNX_ALIGNED_FALSE = {
        0.4664f, 0.4466f, 0.3405f, 0.5688f, 0.6068f,
        0.3714f, 0.4296f, 0.3835f, 0.5562f, 0.351f,
        0.2768f, 0.4883f, 0.5222f, 0.5528f, 0.4171f,
        0.4713f, 0.4844f, 0.6904f, 0.492f, 0.8774f,
        0.6239f, 0.7125f, 0.6289f, 0.3355f, 0.3495f,
        0.3022f, 0.4305f, 0.4696f, 0.3978f, 0.5423f,
        0.3656f, 0.705f, 0.5165f, 0.3172f, 0.7015f,
        0.2912f, 0.5059f, 0.6476f, 0.6235f, 0.8299f,
        0.5916f, 0.7389f, 0.7048f, 0.8372f, 0.8893f,
        0.6227f, 0.6153f, 0.7097f, 0.6154f, 0.4585f,
        0.2384f, 0.3379f, 0.3717f, 0.61f, 0.7601f,
        0.3767f, 0.3785f, 0.7147f, 0.9243f, 0.9727f,
        0.5749f, 0.5826f, 0.5709f, 0.7619f, 0.877f,
        0.5355f, 0.2566f, 0.2141f, 0.2796f, 0.36f,
        0.4365f, 0.3504f, 0.2887f, 0.3661f, 0.2349f,
    };

    /** test_roialign_aligned_true: coordinate_transformation_mode half_pixel, mode avg. */
    static final float[] ONNX_ALIGNED_TRUE = {
        0.5178f, 0.3434f, 0.3229f, 0.4474f, 0.6344f,
        0.4031f, 0.5366f, 0.4428f, 0.4861f, 0.4023f,
        0.2512f, 0.4002f, 0.5155f, 0.6954f, 0.3465f,
        0.335f, 0.4601f, 0.5881f, 0.3439f, 0.6849f,
        0.4932f, 0.7141f, 0.8217f, 0.4719f, 0.4039f,
        0.307f, 0.2187f, 0.3337f, 0.488f, 0.487f,
        0.1871f, 0.4914f, 0.5561f, 0.4192f, 0.3686f,
        0.1433f, 0.4608f, 0.5971f, 0.531f, 0.4982f,
        0.2788f, 0.4386f, 0.6022f, 0.7f, 0.7524f,
        0.5774f, 0.7024f, 0.7251f, 0.7338f, 0.8163f,
        0.2393f, 0.4075f, 0.3379f, 0.2525f, 0.4743f,
        0.3671f, 0.2702f, 0.4105f, 0.6419f, 0.8308f,
        0.5556f, 0.4543f, 0.5564f, 0.7502f, 0.93f,
        0.6626f, 0.5617f, 0.4813f, 0.4954f, 0.6663f,
        0.6636f, 0.3721f, 0.2056f, 0.1928f, 0.2478f,
    };

    /** test_roialign_mode_max: coordinate_transformation_mode output_half_pixel, mode max. */
    static final float[] ONNX_MODE_MAX = {
        0.3445228f, 0.37310338f, 0.37865096f, 0.446696f, 0.37991184f,
        0.4133513f, 0.5455125f, 0.6651902f, 0.55805874f, 0.27110294f,
        0.21223956f, 0.40924096f, 0.8417618f, 0.792561f, 0.37196714f,
        0.46835402f, 0.39741728f, 0.8012819f, 0.4969306f, 0.5495158f,
        0.3595896f, 0.5196813f, 0.5403741f, 0.23814403f, 0.19992709f,
        0.30517197f, 0.5086199f, 0.3189761f, 0.4054401f, 0.47630402f,
        0.50862f, 0.8477f, 0.37808004f, 0.24936005f, 0.79384017f,
        0.17620805f, 0.29368007f, 0.44870415f, 0.4987201f, 0.63148826f,
        0.51066005f, 0.8511f, 0.5368801f, 0.9406f, 0.70008016f,
        0.4487681f, 0.51066035f, 0.5042561f, 0.5643603f, 0.42004836f,
        0.21062402f, 0.3510401f, 0.37416005f, 0.5967599f, 0.46507207f,
        0.32336006f, 0.31180006f, 0.6236001f, 0.9946f, 0.7751202f,
        0.35744014f, 0.5588001f, 0.35897616f, 0.7030401f, 0.6353923f,
        0.5996801f, 0.27940005f, 0.17948808f, 0.35152006f, 0.31769615f,
        0.3598083f, 0.40752012f, 0.2385281f, 0.43856013f, 0.26313624f,
    };

    @Nested
    class OnnxConformance {
        final Tensor x = Tensor.of(ONNX_X, 1, 1, 10, 10);
        final Tensor rois = rows(4, ONNX_ROIS);
        final long[] batch = {0, 0, 0};

        @Test
        void alignedFalse() {
            Tensor y = align(x, rois, batch, 5, 5, 1f, 2, AVG, OUT_HALF);
            assertArrayEquals(new int[] {3, 1, 5, 5}, y.shape());
            // The stored values have four decimals and stem from an earlier implementation: 12 of the
            // 75 differ from ours (and from the oracle's) by up to 8.4e-5, more than the rounding alone.
            // ONNX's runner compares with rtol 1e-3; this holds to 1e-4 absolute.
            assertClose(ONNX_ALIGNED_FALSE, y.data(), 1e-4, "test_roialign_aligned_false");
        }

        @Test
        void alignedTrue() {
            Tensor y = align(x, rois, batch, 5, 5, 1f, 2, AVG, HALF);
            // Within half a unit of the fourth decimal: only the rounding of the stored values.
            assertClose(ONNX_ALIGNED_TRUE, y.data(), 5.01e-5, "test_roialign_aligned_true");
        }

        @Test
        void modeMax() {
            Tensor y = align(x, rois, batch, 5, 5, 1f, 2, MAX, OUT_HALF);
            assertClose(ONNX_MODE_MAX, y.data(), 1e-6, "test_roialign_mode_max");
        }

        @Test
        void oracleAgreesWithTheConformanceData() {
            // The oracle below is held to the same independent data, so the randomized run compares
            // the library with something known to be right on these cases.
            double[][] rs = {{0, 0, 9, 9}, {0, 5, 4, 9}, {5, 5, 9, 9}};
            Naive.Result a = Naive.roiAlign(x, rs, batch, 5, 5, 1, 2, false, false);
            Naive.Result t = Naive.roiAlign(x, rs, batch, 5, 5, 1, 2, false, true);
            Naive.Result m = Naive.roiAlign(x, rs, batch, 5, 5, 1, 2, true, false);
            assertClose(ONNX_ALIGNED_FALSE, toFloat(a.value), 1e-4, "oracle aligned_false");
            assertClose(ONNX_ALIGNED_TRUE, toFloat(t.value), 5.01e-5, "oracle aligned_true");
            assertClose(ONNX_MODE_MAX, toFloat(m.value), 1e-6, "oracle mode_max");
        }
    }

    static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    // =============================================================================================
    // Randomized comparison with the naive oracle
    // =============================================================================================

    static final long BASE_SEED = Long.getLong("pooling4j.roi.seed", 20240611L);
    static final int CASES = Integer.getInteger("pooling4j.roi.cases", 400);
    static final double RTOL = 1e-5;

    @Test
    void roiAlignAgreesWithOracle() {
        SplittableRandom seeds = new SplittableRandom(BASE_SEED);
        List<String> failures = new ArrayList<>();
        int ran = 0;
        int redrawn = 0;
        int checked = 0;
        while (ran < CASES) {
            long seed = seeds.nextLong();
            AlignCase k = AlignCase.draw(seed);
            Naive.Result want = Naive.roiAlign(k.x, k.rois, k.batch, k.oh, k.ow, k.scale, k.sr, k.max, k.half);
            if (want.ambiguous) {
                // A sample within 1e-4 of -1 or of the map size: float and double may land on either
                // side of the cut-off, so the case proves nothing; draw another.
                redrawn++;
                continue;
            }
            ran++;
            Tensor x = k.channelsLast ? k.x.toLayout(Layout.CHANNELS_LAST, true) : k.x;
            Tensor y = align(
                    x,
                    rows(4, k.flatRois()),
                    k.batch,
                    k.oh,
                    k.ow,
                    (float) k.scale,
                    k.sr,
                    k.max ? MAX : AVG,
                    k.half ? HALF : OUT_HALF);
            if (k.channelsLast) y = y.toLayout(Layout.CHANNELS_FIRST, true);
            float[] got = y.data();
            checked += got.length;
            for (int i = 0; i < got.length; i++) {
                double tol = RTOL * Math.max(1, Math.max(Math.abs(want.value[i]), want.mag[i]));
                if (!(Math.abs(got[i] - want.value[i]) <= tol)) {
                    failures.add("seed " + seed + " (base " + BASE_SEED + "): " + k + "\n  element " + i + " expected "
                            + want.value[i] + " got " + got[i]);
                    break;
                }
            }
        }
        System.out.printf(
                "RoiPoolingTest roiAlign: base seed %d, %d cases (%d redrawn), %d values%n",
                BASE_SEED, ran, redrawn, checked);
        assertTrue(redrawn < CASES / 4, "too many ambiguous cases: " + redrawn);
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + ran + " roiAlign cases disagree with the oracle; first:\n"
                    + String.join("\n", failures.subList(0, Math.min(5, failures.size()))));
        }
    }

    @Test
    void maxRoiPoolAgreesWithOracle() {
        SplittableRandom seeds = new SplittableRandom(BASE_SEED ^ 0x5DEECE66DL);
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (int n = 0; n < CASES; n++) {
            long seed = seeds.nextLong();
            PoolCase k = PoolCase.draw(seed);
            double[] want = Naive.maxRoiPool(k.x, k.rois, k.ph, k.pw, k.scale);
            Tensor x = k.channelsLast ? k.x.toLayout(Layout.CHANNELS_LAST, true) : k.x;
            Tensor y = pool(x, rows(5, k.flatRois()), k.ph, k.pw, k.scale);
            if (k.channelsLast) y = y.toLayout(Layout.CHANNELS_FIRST, true);
            float[] got = y.data();
            checked += got.length;
            for (int i = 0; i < got.length; i++) {
                if (got[i] != want[i]) {
                    failures.add("seed " + seed + " (base " + BASE_SEED + "): " + k + "\n  element " + i + " expected "
                            + want[i] + " got " + got[i]);
                    break;
                }
            }
        }
        System.out.printf("RoiPoolingTest maxRoiPool: base seed %d, %d cases, %d values%n", BASE_SEED, CASES, checked);
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + CASES + " maxRoiPool cases disagree with the oracle; first:\n"
                    + String.join("\n", failures.subList(0, Math.min(5, failures.size()))));
        }
    }

    /** Feature map with odd (and size-1) sides, values in [-1, 1]. */
    static Tensor randomMap(SplittableRandom rnd, int n, int c, int h, int w) {
        float[] d = new float[n * c * h * w];
        for (int i = 0; i < d.length; i++) d[i] = (float) rnd.nextDouble(-1, 1);
        return Tensor.of(d, n, c, h, w);
    }

    /** A multiple of 1/4 in [lo, hi]: exact in float, with scales that are powers of two. */
    static double quarter(SplittableRandom rnd, double lo, double hi) {
        return Math.floor(rnd.nextDouble(lo, hi) * 4) / 4;
    }

    static final double[] SCALES = {0.25, 0.5, 1, 2};
    static final int[] SIDES = {1, 2, 3, 5, 7, 9};

    static final class AlignCase {
        Tensor x;
        double[][] rois;
        long[] batch;
        int oh;
        int ow;
        double scale;
        int sr;
        boolean max;
        boolean half;
        boolean channelsLast;

        static AlignCase draw(long seed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            AlignCase k = new AlignCase();
            int n = 1 + rnd.nextInt(2);
            int c = 1 + rnd.nextInt(3);
            int h = SIDES[rnd.nextInt(SIDES.length)];
            int w = SIDES[rnd.nextInt(SIDES.length)];
            k.x = randomMap(rnd, n, c, h, w);
            int r = rnd.nextInt(8) == 0 ? 0 : 1 + rnd.nextInt(4);
            k.oh = 1 + rnd.nextInt(5);
            k.ow = 1 + rnd.nextInt(5);
            k.scale = SCALES[rnd.nextInt(SCALES.length)];
            k.sr = rnd.nextInt(4);
            k.max = rnd.nextBoolean();
            k.half = rnd.nextBoolean();
            k.channelsLast = rnd.nextInt(4) == 0;
            k.rois = new double[r][];
            k.batch = new long[r];
            for (int i = 0; i < r; i++) {
                // In feature-map units: partly or fully outside, sometimes inverted or of zero size.
                double x1 = quarter(rnd, -5, w + 4);
                double y1 = quarter(rnd, -5, h + 4);
                double x2 = x1 + quarter(rnd, rnd.nextInt(6) == 0 ? -3 : 0, w + 4);
                double y2 = y1 + quarter(rnd, rnd.nextInt(6) == 0 ? -3 : 0, h + 4);
                k.rois[i] = new double[] {x1 / k.scale, y1 / k.scale, x2 / k.scale, y2 / k.scale};
                k.batch[i] = rnd.nextInt(n);
            }
            return k;
        }

        float[] flatRois() {
            float[] f = new float[rois.length * 4];
            for (int i = 0; i < rois.length; i++) {
                for (int j = 0; j < 4; j++) f[i * 4 + j] = (float) rois[i][j];
            }
            return f;
        }

        @Override
        public String toString() {
            return "x " + Arrays.toString(x.shape()) + (channelsLast ? " channels-last" : "") + ", rois "
                    + Arrays.deepToString(rois) + ", batch " + Arrays.toString(batch) + ", out " + oh + "x" + ow
                    + ", scale " + scale + ", samplingRatio " + sr + ", " + (max ? "MAX" : "AVG") + ", "
                    + (half ? "HALF_PIXEL" : "OUTPUT_HALF_PIXEL");
        }
    }

    static final class PoolCase {
        Tensor x;
        float[][] rois;
        int ph;
        int pw;
        float scale;
        boolean channelsLast;

        static PoolCase draw(long seed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            PoolCase k = new PoolCase();
            int n = 1 + rnd.nextInt(2);
            int c = 1 + rnd.nextInt(3);
            int h = SIDES[rnd.nextInt(SIDES.length)];
            int w = SIDES[rnd.nextInt(SIDES.length)];
            k.x = randomMap(rnd, n, c, h, w);
            int r = rnd.nextInt(8) == 0 ? 0 : 1 + rnd.nextInt(4);
            k.ph = 1 + rnd.nextInt(5);
            k.pw = 1 + rnd.nextInt(5);
            k.scale = (float) SCALES[rnd.nextInt(SCALES.length)];
            k.channelsLast = rnd.nextInt(4) == 0;
            k.rois = new float[r][];
            for (int i = 0; i < r; i++) {
                // Batch entries anywhere in (-1, N), so truncation is exercised; corners on quarters,
                // which after scaling land on halves often (rounding of x.5 both ways round zero).
                float b = (float) quarter(rnd, -0.75, n - 0.25);
                if (b <= -1) b = -0.75f;
                double x1 = quarter(rnd, -4, w + 3);
                double y1 = quarter(rnd, -4, h + 3);
                double x2 = x1 + quarter(rnd, rnd.nextInt(6) == 0 ? -3 : 0, w + 3);
                double y2 = y1 + quarter(rnd, rnd.nextInt(6) == 0 ? -3 : 0, h + 3);
                k.rois[i] = new float[] {
                    b, (float) (x1 / k.scale), (float) (y1 / k.scale), (float) (x2 / k.scale), (float) (y2 / k.scale)
                };
            }
            return k;
        }

        float[] flatRois() {
            float[] f = new float[rois.length * 5];
            for (int i = 0; i < rois.length; i++) System.arraycopy(rois[i], 0, f, i * 5, 5);
            return f;
        }

        @Override
        public String toString() {
            return "x " + Arrays.toString(x.shape()) + (channelsLast ? " channels-last" : "") + ", rois "
                    + Arrays.deepToString(rois) + ", pooled " + ph + "x" + pw + ", scale " + scale;
        }
    }

    /**
     * The oracle: RoiAlign and MaxRoiPool written directly from the rules in the documentation, one
     * output element at a time, in double precision (except MaxRoiPool's bin size, which the rule
     * defines in float32). It reads the channels-first input with its own index arithmetic.
     */
    static final class Naive {
        static final class Result {
            double[] value;
            /** Per element: the magnitude of the terms behind it (mean of |w*v|, or |value| for max). */
            double[] mag;
            /** Some sample lies within 1e-4 of a cut-off (-1 or the map size). */
            boolean ambiguous;
        }

        static double at(Tensor x, int n, int c, int h, int w) {
            int cc = x.dim(1);
            int hh = x.dim(2);
            int ww = x.dim(3);
            return x.data()[((n * cc + c) * hh + h) * ww + w];
        }

        static Result roiAlign(
                Tensor x,
                double[][] rois,
                long[] batch,
                int oh,
                int ow,
                double scale,
                int sr,
                boolean maxMode,
                boolean halfPixel) {
            int c = x.dim(1);
            int h = x.dim(2);
            int w = x.dim(3);
            int r = rois.length;
            Result res = new Result();
            res.value = new double[r * c * oh * ow];
            res.mag = new double[res.value.length];
            for (int i = 0; i < r; i++) {
                int n = (int) batch[i];
                double shift = halfPixel ? 0.5 : 0;
                double left = rois[i][0] * scale - shift;
                double top = rois[i][1] * scale - shift;
                double width = rois[i][2] * scale - shift - left;
                double height = rois[i][3] * scale - shift - top;
                if (!halfPixel) {
                    width = Math.max(width, 1);
                    height = Math.max(height, 1);
                }
                double binW = width / ow;
                double binH = height / oh;
                long gx = sr > 0 ? sr : (long) Math.ceil(binW);
                long gy = sr > 0 ? sr : (long) Math.ceil(binH);
                for (int ch = 0; ch < c; ch++) {
                    for (int py = 0; py < oh; py++) {
                        for (int px = 0; px < ow; px++) {
                            int o = ((i * c + ch) * oh + py) * ow + px;
                            if (gx <= 0 || gy <= 0) continue; // no samples: 0
                            double sum = 0;
                            double mag = 0;
                            double best = Double.NEGATIVE_INFINITY;
                            for (long sy = 0; sy < gy; sy++) {
                                double y = top + (py + (sy + 0.5) / gy) * binH;
                                for (long sx = 0; sx < gx; sx++) {
                                    double xs = left + (px + (sx + 0.5) / gx) * binW;
                                    if (near(y, -1) || near(y, h) || near(xs, -1) || near(xs, w)) res.ambiguous = true;
                                    double[] t = corners(x, n, ch, h, w, y, xs);
                                    double sampleMax = Double.NEGATIVE_INFINITY;
                                    for (double v : t) {
                                        sum += v;
                                        mag += Math.abs(v);
                                        sampleMax = Math.max(sampleMax, v);
                                    }
                                    best = Math.max(best, sampleMax);
                                }
                            }
                            double count = (double) gx * gy;
                            res.value[o] = maxMode ? best : sum / count;
                            res.mag[o] = maxMode ? Math.abs(best) : mag / count;
                        }
                    }
                }
            }
            return res;
        }

        static boolean near(double v, double edge) {
            return Math.abs(v - edge) < 1e-4;
        }

        /**
         * The four weighted corner terms {@code w_i * v_i} of a sample: an outside sample gives
         * {@code 0 * x[n, c, 0, 0]} four times; inside, negative coordinates count as 0 and a
         * coordinate at or past the last row/column uses that row/column for both neighbours.
         */
        static double[] corners(Tensor x, int n, int c, int h, int w, double y, double xs) {
            if (y < -1 || y > h || xs < -1 || xs > w) {
                double z = 0 * at(x, n, c, 0, 0);
                return new double[] {z, z, z, z};
            }
            double yy = Math.max(y, 0);
            double xx = Math.max(xs, 0);
            int y0 = (int) Math.floor(yy);
            int x0 = (int) Math.floor(xx);
            int y1 = y0 + 1;
            int x1 = x0 + 1;
            if (y0 >= h - 1) {
                y0 = h - 1;
                y1 = h - 1;
                yy = h - 1;
            }
            if (x0 >= w - 1) {
                x0 = w - 1;
                x1 = w - 1;
                xx = w - 1;
            }
            double fy = yy - y0;
            double fx = xx - x0;
            return new double[] {
                (1 - fy) * (1 - fx) * at(x, n, c, y0, x0),
                (1 - fy) * fx * at(x, n, c, y0, x1),
                fy * (1 - fx) * at(x, n, c, y1, x0),
                fy * fx * at(x, n, c, y1, x1),
            };
        }

        static long roundHalfAwayFromZero(double v) {
            return new BigDecimal(v).setScale(0, RoundingMode.HALF_UP).longValueExact();
        }

        /** MaxRoiPool for finite data: the maximum of the cells inside each clipped window, 0 when none. */
        static double[] maxRoiPool(Tensor x, float[][] rois, int ph, int pw, float scale) {
            int c = x.dim(1);
            int h = x.dim(2);
            int w = x.dim(3);
            double[] out = new double[rois.length * c * ph * pw];
            for (int i = 0; i < rois.length; i++) {
                int n = (int) rois[i][0];
                long x1 = roundHalfAwayFromZero((double) rois[i][1] * scale);
                long y1 = roundHalfAwayFromZero((double) rois[i][2] * scale);
                long x2 = roundHalfAwayFromZero((double) rois[i][3] * scale);
                long y2 = roundHalfAwayFromZero((double) rois[i][4] * scale);
                float binH = (float) Math.max(y2 - y1 + 1, 1) / ph;
                float binW = (float) Math.max(x2 - x1 + 1, 1) / pw;
                for (int ch = 0; ch < c; ch++) {
                    for (int py = 0; py < ph; py++) {
                        for (int px = 0; px < pw; px++) {
                            long top = (long) Math.floor(py * binH) + y1;
                            long bottom = (long) Math.ceil((py + 1) * binH) + y1;
                            long left = (long) Math.floor(px * binW) + x1;
                            long right = (long) Math.ceil((px + 1) * binW) + x1;
                            double best = Double.NEGATIVE_INFINITY;
                            boolean any = false;
                            for (int yy = 0; yy < h; yy++) {
                                for (int xx = 0; xx < w; xx++) {
                                    if (yy >= top && yy < bottom && xx >= left && xx < right) {
                                        any = true;
                                        best = Math.max(best, at(x, n, ch, yy, xx));
                                    }
                                }
                            }
                            out[((i * c + ch) * ph + py) * pw + px] = any ? best : 0;
                        }
                    }
                }
            }
            return out;
        }
    }

    // =============================================================================================
    // Bad input: exact exception type, message naming the parameter and the value
    // =============================================================================================

    static IllegalArgumentException rejects(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrowsExactly(IllegalArgumentException.class, call);
        String m = e.getMessage();
        assertNotNull(m);
        for (String f : fragments) {
            assertTrue(m.contains(f), () -> "message \"" + m + "\" does not contain \"" + f + "\"");
        }
        return e;
    }

    static void npe(Executable call, String name) {
        NullPointerException e = assertThrowsExactly(NullPointerException.class, call);
        assertEquals(name + " must not be null", e.getMessage());
    }

    @Nested
    class BadRoiAlign {
        final Tensor x = Tensor.of(ramp4x4(0), 1, 1, 4, 4);
        final Tensor roi = rows(4, 0, 0, 2, 2);
        final long[] b0 = {0};

        Tensor call(Tensor in, Tensor rois, long[] b, int oh, int ow, float scale, int sr) {
            return RoiPooling.roiAlign(in, rois, b, oh, ow, scale, sr, AVG, HALF);
        }

        @Test
        void nulls() {
            npe(() -> RoiPooling.roiAlign(null, roi, b0, 1, 1, 1f, 0, AVG, HALF), "input");
            npe(() -> RoiPooling.roiAlign(x, null, b0, 1, 1, 1f, 0, AVG, HALF), "rois");
            npe(() -> RoiPooling.roiAlign(x, roi, null, 1, 1, 1f, 0, AVG, HALF), "batchIndices");
            npe(() -> RoiPooling.roiAlign(x, roi, b0, 1, 1, 1f, 0, null, HALF), "mode");
            npe(() -> RoiPooling.roiAlign(x, roi, b0, 1, 1, 1f, 0, AVG, null), "coords");
        }

        @Test
        void inputShape() {
            rejects(() -> call(Tensor.zeros(1, 4, 4), roi, b0, 1, 1, 1f, 0), "input shape = [1, 4, 4]", "rank 4");
            rejects(() -> call(Tensor.zeros(1, 1, 1, 4, 4), roi, b0, 1, 1, 1f, 0), "input shape = [1, 1, 1, 4, 4]");
            rejects(
                    () -> call(Tensor.zeros(1, 0, 4, 4), roi, b0, 1, 1, 1f, 0),
                    "input shape = [1, 0, 4, 4]",
                    "channel");
            rejects(
                    () -> call(Tensor.zeros(1, 1, 0, 4), roi, b0, 1, 1, 1f, 0),
                    "input shape = [1, 1, 0, 4]",
                    "height and width");
            rejects(
                    () -> call(Tensor.zeros(Layout.CHANNELS_LAST, 1, 4, 4, 0), roi, b0, 1, 1, 1f, 0),
                    "input shape = [1, 4, 4, 0]",
                    "channel");
        }

        @Test
        void roisShapeAndBatchIndicesLength() {
            rejects(() -> call(x, Tensor.zeros(4), b0, 1, 1, 1f, 0), "rois shape = [4]", "(R, 4)");
            rejects(() -> call(x, Tensor.zeros(1, 5), b0, 1, 1, 1f, 0), "rois shape = [1, 5]");
            rejects(() -> call(x, Tensor.zeros(1, 1, 4), b0, 1, 1, 1f, 0), "rois shape = [1, 1, 4]");
            rejects(() -> call(x, roi, new long[] {0, 0}, 1, 1, 1f, 0), "batchIndices.length = 2", "= 1");
            rejects(() -> call(x, roi, new long[0], 1, 1, 1f, 0), "batchIndices.length = 0");
        }

        @Test
        void batchIndexRange() {
            Tensor two = Tensor.zeros(2, 1, 4, 4);
            Tensor r2 = rows(4, 0, 0, 1, 1, 0, 0, 1, 1);
            call(two, r2, new long[] {0, 1}, 1, 1, 1f, 0); // the boundary N-1 is accepted
            rejects(() -> call(two, r2, new long[] {0, 2}, 1, 1, 1f, 0), "batchIndices[1] = 2", "[0, 2)");
            rejects(() -> call(two, r2, new long[] {-1, 0}, 1, 1, 1f, 0), "batchIndices[0] = -1");
            rejects(
                    () -> call(two, r2, new long[] {0, Long.MIN_VALUE}, 1, 1, 1f, 0),
                    "batchIndices[1] = " + Long.MIN_VALUE);
            // N = 0 with a ROI: no batch element to read.
            rejects(() -> call(Tensor.zeros(0, 1, 4, 4), roi, b0, 1, 1, 1f, 0), "batchIndices[0] = 0", "[0, 0)");
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
        void outputSize(int v) {
            rejects(() -> call(x, roi, b0, v, 1, 1f, 0), "outH = " + v, ">= 1");
            rejects(() -> call(x, roi, b0, 1, v, 1f, 0), "outW = " + v, ">= 1");
        }

        @Test
        void samplingRatio() {
            rejects(() -> call(x, roi, b0, 1, 1, 1f, -1), "samplingRatio = -1", ">= 0");
            rejects(() -> call(x, roi, b0, 1, 1, 1f, Integer.MIN_VALUE), "samplingRatio = " + Integer.MIN_VALUE);
            // 100000^2 samples per bin are more than a ROI may take.
            rejects(() -> call(x, roi, b0, 1, 1, 1f, 100_000), "samplingRatio = 100000");
            assertEquals(1, call(x, roi, b0, 1, 1, 1f, 1000).size());
        }

        @Test
        void spatialScale() {
            for (float s : new float[] {0f, -0f, -1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                rejects(() -> call(x, roi, b0, 1, 1, s, 0), "spatialScale = " + s, "finite and > 0");
            }
            assertEquals(1, call(x, roi, b0, 1, 1, Float.MIN_VALUE, 0).size());
        }

        @Test
        void roiCoordinates() {
            float[] d = new float[16];
            d[13] = Float.NaN;
            rejects(() -> call(x, rows(4, d), new long[4], 1, 1, 1f, 0), "rois[3][1] = NaN", "finite");
            rejects(() -> call(x, rows(4, 0, 0, Float.POSITIVE_INFINITY, 1), b0, 1, 1, 1f, 0), "rois[0][2] = Infinity");
            rejects(
                    () -> call(x, rows(4, Float.NEGATIVE_INFINITY, 0, 1, 1), b0, 1, 1, 1f, 0),
                    "rois[0][0] = -Infinity");
            // Finite but beyond 2^60 after scaling.
            rejects(() -> call(x, rows(4, 0, 0, 1, 1e30f), b0, 1, 1, 1f, 0), "rois[0][3] = 1.0E30", "2^60");
            // (Float.toString spells 2^59 and 2^61 differently across JDK versions, so match the rule, not the digits.)
            rejects(
                    () -> call(x, rows(4, 0, 0, 1, 0x1p59f), b0, 1, 1, 4f, 1),
                    "rois[0][3] = ",
                    "times spatialScale 4.0",
                    "2^60");
            // The same ROI far outside with samplingRatio 1 is accepted and samples nothing.
            assertEquals(
                    0f,
                    call(x, rows(4, 1e17f, 1e17f, 1e18f, 1e18f), b0, 1, 1, 1f, 1)
                            .data()[0]);
        }

        @Test
        void samplingGridOfOneRoi() {
            // samplingRatio 0: ceil(1e6 / 1) squared = 1e12 samples.
            rejects(
                    () -> call(x, rows(4, 0, 0, 1e6f, 1e6f), b0, 1, 1, 1f, 0),
                    "rois[0] = [0.0, 0.0, 1000000.0, 1000000.0]",
                    "samples");
        }

        @Test
        void outputTooLarge() {
            rejects(() -> call(x, roi, b0, 65536, 65536, 1f, 0), "output shape = [1, 1, 65536, 65536]");
        }

        @Test
        void rejectsBeforeAnyRoiIsComputed() {
            // The bad ROI is the last one; the exception comes before any output exists, and the
            // inputs are as they were.
            float[] d = {0, 0, 2, 2, 0, 0, 2, 2, 0, 0, 2, Float.NaN};
            float[] before = d.clone();
            rejects(() -> call(x, rows(4, d), new long[3], 1, 1, 1f, 0), "rois[2][3] = NaN");
            assertArrayEquals(bits(before), bits(d));
        }
    }

    @Nested
    class BadMaxRoiPool {
        final Tensor x = Tensor.of(ramp4x4(1), 1, 1, 4, 4);
        final Tensor roi = rows(5, 0, 0, 0, 2, 2);

        @Test
        void nulls() {
            npe(() -> RoiPooling.maxRoiPool(null, roi, 1, 1, 1f), "input");
            npe(() -> RoiPooling.maxRoiPool(x, null, 1, 1, 1f), "rois");
        }

        @Test
        void shapes() {
            rejects(
                    () -> RoiPooling.maxRoiPool(Tensor.zeros(1, 4, 4), roi, 1, 1, 1f),
                    "input shape = [1, 4, 4]",
                    "rank 4");
            rejects(() -> RoiPooling.maxRoiPool(Tensor.zeros(1, 0, 4, 4), roi, 1, 1, 1f), "input shape = [1, 0, 4, 4]");
            rejects(() -> RoiPooling.maxRoiPool(x, Tensor.zeros(1, 4), 1, 1, 1f), "rois shape = [1, 4]", "(R, 5)");
            rejects(() -> RoiPooling.maxRoiPool(x, Tensor.zeros(5), 1, 1, 1f), "rois shape = [5]");
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
        void pooledSize(int v) {
            rejects(() -> RoiPooling.maxRoiPool(x, roi, v, 1, 1f), "pooledH = " + v, ">= 1");
            rejects(() -> RoiPooling.maxRoiPool(x, roi, 1, v, 1f), "pooledW = " + v, ">= 1");
        }

        @Test
        void spatialScale() {
            for (float s : new float[] {0f, -2f, Float.NaN, Float.POSITIVE_INFINITY}) {
                rejects(() -> RoiPooling.maxRoiPool(x, roi, 1, 1, s), "spatialScale = " + s);
            }
        }

        @Test
        void batchEntry() {
            // N = 1: entries in (-1, 1) truncate to 0 and are accepted.
            assertEquals(
                    7f,
                    RoiPooling.maxRoiPool(x, rows(5, 0.99f, 0, 0, 2, 1), 1, 1, 1f)
                            .data()[0]);
            assertEquals(
                    7f,
                    RoiPooling.maxRoiPool(x, rows(5, -0.99f, 0, 0, 2, 1), 1, 1, 1f)
                            .data()[0]);
            rejects(() -> RoiPooling.maxRoiPool(x, rows(5, 1, 0, 0, 2, 2), 1, 1, 1f), "rois[0][0] = 1.0", "[0, 1)");
            rejects(() -> RoiPooling.maxRoiPool(x, rows(5, -1, 0, 0, 2, 2), 1, 1, 1f), "rois[0][0] = -1.0");
            rejects(
                    () -> RoiPooling.maxRoiPool(x, rows(5, Float.NaN, 0, 0, 2, 2), 1, 1, 1f),
                    "rois[0][0] = NaN",
                    "finite");
            rejects(() -> RoiPooling.maxRoiPool(Tensor.zeros(0, 1, 4, 4), roi, 1, 1, 1f), "rois[0][0] = 0.0", "[0, 0)");
        }

        @Test
        void coordinates() {
            rejects(
                    () -> RoiPooling.maxRoiPool(x, rows(5, 0, 0, 0, 2, 2, 0, 0, 0, Float.NaN, 2), 1, 1, 1f),
                    "rois[1][3] = NaN");
            rejects(
                    () -> RoiPooling.maxRoiPool(x, rows(5, 0, Float.NEGATIVE_INFINITY, 0, 2, 2), 1, 1, 1f),
                    "rois[0][1] = -Infinity");
            rejects(
                    () -> RoiPooling.maxRoiPool(x, rows(5, 0, 0, -1e20f, 2, 2), 1, 1, 1f),
                    "rois[0][2] = -1.0E20",
                    "2^60");
            // Large but accepted: clipped to the map.
            assertEquals(
                    16f,
                    RoiPooling.maxRoiPool(x, rows(5, 0, -1e18f, -1e18f, 1e18f, 1e18f), 1, 1, 1f)
                            .data()[0]);
        }

        @Test
        void outputTooLarge() {
            rejects(() -> RoiPooling.maxRoiPool(x, roi, 65536, 65536, 1f), "output shape = [1, 1, 65536, 65536]");
        }
    }
}
