package org.pooling4j.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pooling4j.spi.RowOps;
import org.pooling4j.spi.ScalarRowOps;

/**
 * Each SIMD row operation against the scalar one over sizes that hit every tail (lanes * k +- 1,
 * primes, shorter than one vector), strides 1..9, kernels 1..5 and dilations 1..3, with ties, -0.0,
 * +0.0, NaN and infinities in the data. Maxima and argmax tags must be bit-identical (except the sign
 * of a zero maximum, which the contract leaves open and the kernels re-scan); sums agree within
 * float rounding (1e-6 relative to the sum of magnitudes).
 */
class VectorRowOpsTest {
    private static RowOps simd;
    private static final RowOps SCALAR = ScalarRowOps.INSTANCE;
    private static final long SEED = Long.getLong("pooling4j.seed", 4242L);
    private static final int[] SIZES = {
        0, 1, 3, 7, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 97, 127, 128, 129, 211, 256, 257
    };

    @BeforeAll
    static void load() {
        assumeTrue(
                Boolean.parseBoolean(System.getProperty("pooling4j.expect.simd", "true")),
                "runs with the Vector API only");
        simd = VectorRowOps.create();
        // The builds that narrow the vectors (-XX:MaxVectorSize) say which width they expect, so that a
        // flag the JVM ignored cannot pass for a test of the narrow code.
        String lanes = System.getProperty("pooling4j.expect.lanes");
        if (lanes != null)
            assertEquals(Integer.parseInt(lanes), simd.lanes(), "float lanes of the SIMD row operations");
    }

    private static float[] data(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            a[i] = u < 0.05
                    ? -0.0f
                    : u < 0.10
                            ? 0.0f
                            : u < 0.12
                                    ? Float.NaN
                                    : u < 0.14
                                            ? Float.NEGATIVE_INFINITY
                                            : u < 0.4 ? r.nextInt(4) : (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    private static void sameBits(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(
                    Float.floatToRawIntBits(want[i]),
                    Float.floatToRawIntBits(got[i]),
                    () -> what + " at " + " differs: " + want + " (seed " + SEED + ")");
        }
    }

    /** As {@link #sameBits} except that +0 and -0 are equal: the RowOps contract leaves the sign of a zero maximum open. */
    private static void sameBitsButZeroSign(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            int w = want[i] == 0f ? 0 : Float.floatToRawIntBits(want[i]);
            int g = got[i] == 0f ? 0 : Float.floatToRawIntBits(got[i]);
            int at = i;
            assertEquals(w, g, () -> what + " at " + at + ": " + want[at] + " vs " + got[at] + " (seed " + SEED + ")");
        }
    }

    @Test
    void elementwiseMaximaAndArgmaxAreBitIdentical() {
        SplittableRandom r = new SplittableRandom(SEED);
        for (int n : SIZES) {
            for (boolean nan : new boolean[] {true, false}) {
                float[] a = data(r, n + 3);
                float[] b = data(r, n + 5);
                float[] w = new float[n + 2];
                float[] g = new float[n + 2];
                SCALAR.max2(a, 1, b, 2, w, 1, n, nan);
                simd.max2(a, 1, b, 2, g, 1, n, nan);
                sameBitsButZeroSign(w, g, "max2 n=" + n + " nan=" + nan);
                float[] wa = a.clone();
                float[] ga = a.clone();
                SCALAR.maxInto(b, 3, wa, 1, n, nan);
                simd.maxInto(b, 3, ga, 1, n, nan);
                sameBitsButZeroSign(wa, ga, "maxInto n=" + n);
                int[] wi = new int[n + 3];
                int[] gi = new int[n + 3];
                float[] wv = a.clone();
                float[] gv = a.clone();
                for (int tag = 0; tag < 4; tag++) {
                    float[] src = data(r, n + 2);
                    SCALAR.maxIndexInto(src, 2, wv, 0, wi, 3, n, tag, nan);
                    simd.maxIndexInto(src, 2, gv, 0, gi, 3, n, tag, nan);
                }
                sameBits(wv, gv, "maxIndexInto values n=" + n);
                assertArrayEquals(wi, gi, "maxIndexInto tags n=" + n + " seed " + SEED);
                assertEquals(
                        Float.floatToIntBits(SCALAR.maxRange(a, 1, n, Float.NEGATIVE_INFINITY, nan))
                                        == Float.floatToIntBits(0f)
                                ? 0
                                : Float.floatToIntBits(SCALAR.maxRange(a, 1, n, Float.NEGATIVE_INFINITY, nan)),
                        Float.floatToIntBits(simd.maxRange(a, 1, n, Float.NEGATIVE_INFINITY, nan))
                                        == Float.floatToIntBits(-0f)
                                ? 0
                                : Float.floatToIntBits(simd.maxRange(a, 1, n, Float.NEGATIVE_INFINITY, nan))
                                                == Float.floatToIntBits(0f)
                                        ? 0
                                        : Float.floatToIntBits(simd.maxRange(a, 1, n, Float.NEGATIVE_INFINITY, nan)),
                        "maxRange n=" + n + " (sign of zero unspecified)");
            }
        }
    }

    @Test
    void windowMaximaAreBitIdenticalForEveryStrideKernelAndDilation() {
        SplittableRandom r = new SplittableRandom(SEED + 1);
        for (int count : SIZES) {
            for (int stride = 1; stride <= 9; stride++) {
                for (int k = 1; k <= 5; k++) {
                    for (int dil = 1; dil <= 3; dil++) {
                        boolean nan = r.nextBoolean();
                        int need = 2 + (count == 0 ? 0 : (count - 1) * stride + (k - 1) * dil + 1);
                        float[] row = data(r, need + r.nextInt(3) * 40);
                        float[] w = new float[count + 1];
                        float[] g = new float[count + 1];
                        SCALAR.windowMax(row, 2, w, 1, count, stride, k, dil, nan);
                        simd.windowMax(row, 2, g, 1, count, stride, k, dil, nan);
                        sameBitsButZeroSign(
                                w, g, "windowMax count=" + count + " s=" + stride + " k=" + k + " d=" + dil);
                    }
                }
            }
        }
    }

    @Test
    void expansionsCopyEveryBit() {
        SplittableRandom r = new SplittableRandom(SEED + 4);
        for (int n : SIZES) {
            for (int k = 1; k <= 4; k++) {
                float[] src = data(r, n + 3);
                float[] w = new float[n * k + 5];
                float[] g = new float[n * k + 5];
                java.util.Arrays.fill(w, 7f);
                java.util.Arrays.fill(g, 7f);
                SCALAR.expand(src, 2, n, k, w, 3);
                simd.expand(src, 2, n, k, g, 3);
                sameBits(w, g, "expand n=" + n + " k=" + k);
                for (int i = 0; i < n * k; i++) {
                    assertEquals(Float.floatToRawIntBits(src[2 + i / k]), Float.floatToRawIntBits(w[3 + i]), "scalar");
                }
            }
        }
    }

    @Test
    void pairMaximaAndTheirMergesKeepEveryBitAndTap() {
        SplittableRandom r = new SplittableRandom(SEED + 3);
        for (int n : SIZES) {
            for (boolean nan : new boolean[] {true, false}) {
                for (float floor : new float[] {Float.NEGATIVE_INFINITY, -Float.MAX_VALUE}) {
                    // The source ends exactly after the last pair (no float to spare for a shifted load),
                    // or has a few more.
                    for (int spare : new int[] {0, 1, 37}) {
                        float[] src = data(r, 3 + 2 * n + spare);
                        float[] w = new float[n + 2];
                        float[] g = new float[n + 2];
                        float[] wt = new float[n + 2];
                        float[] gt = new float[n + 2];
                        SCALAR.pairMax(src, 3, n, floor, nan, w, wt, 1);
                        simd.pairMax(src, 3, n, floor, nan, g, gt, 1);
                        String what = "pairMax n=" + n + " nan=" + nan + " floor=" + floor + " spare=" + spare;
                        sameBits(w, g, what);
                        sameBits(wt, gt, what + " taps");
                        float[] gv = new float[n + 2];
                        simd.pairMax(src, 3, n, floor, nan, gv, null, 1);
                        sameBits(w, gv, what + " without taps");
                    }
                    float[] a = data(r, n + 3);
                    float[] b = data(r, n + 5);
                    float[] at = new float[n + 3];
                    float[] bt = new float[n + 5];
                    for (int i = 0; i < at.length; i++) at[i] = r.nextInt(3) - 1;
                    for (int i = 0; i < bt.length; i++) bt[i] = r.nextInt(3) - 1;
                    float[] w = new float[n + 2];
                    float[] g = new float[n + 2];
                    float[] wt = new float[n + 2];
                    float[] gt = new float[n + 2];
                    SCALAR.maxMerge(a, at, 2, b, bt, 4, 2f, w, wt, 1, n, nan);
                    simd.maxMerge(a, at, 2, b, bt, 4, 2f, g, gt, 1, n, nan);
                    sameBits(w, g, "maxMerge n=" + n + " nan=" + nan);
                    sameBits(wt, gt, "maxMerge taps n=" + n + " nan=" + nan);
                    // In place: the result over the first candidate.
                    float[] ga = a.clone();
                    float[] gat = at.clone();
                    simd.maxMerge(ga, gat, 2, b, bt, 4, 2f, ga, gat, 2, n, nan);
                    for (int i = 0; i < n; i++) {
                        assertEquals(Float.floatToRawIntBits(w[1 + i]), Float.floatToRawIntBits(ga[2 + i]), "in place");
                        assertEquals(wt[1 + i], gat[2 + i], "in place taps");
                    }
                }
            }
        }
    }

    @Test
    void windowScansFollowTheReferenceRule() {
        // Hand-worked: windows of 3 taps (delta 0, 1, 4), stride 2, over
        //   index: 0   1   2    3   4    5   6    7    8
        //   value: 1, -0, +0,  3,  1,   2,  NaN, 5,  NaN
        // window 0 taps (0, 1, 4) = (1, -0, 1): the first 1 wins (a later equal value does not), t = 0;
        // window 1 taps (2, 3, 6) = (+0, 3, NaN): NaN wins with nan, else 3 (t = 1);
        // window 2 taps (4, 5, 8) = (1, 2, NaN): NaN (t = 2) with nan, else 2 (t = 1).
        float[] src = {1, -0f, 0f, 3, 1, 2, Float.NaN, 5, Float.NaN};
        int[] delta = {0, 1, 4};
        for (RowOps ops : new RowOps[] {SCALAR, simd}) {
            float[] max = new float[3];
            int[] win = new int[3];
            ops.windowArgmax(src, 0, 2, delta, 3, true, max, 0, win, 0, 3);
            assertArrayEquals(new int[] {0, 2, 2}, win, ops.name() + " with NaN");
            assertEquals(1f, max[0], ops.name());
            assertTrue(Float.isNaN(max[1]) && Float.isNaN(max[2]), ops.name());
            ops.windowArgmax(src, 0, 2, delta, 3, false, max, 0, win, 0, 3);
            assertArrayEquals(new int[] {0, 1, 1}, win, ops.name() + " without NaN");
            assertArrayEquals(new float[] {1, 3, 2}, max, ops.name());
        }
        // Zeros: the first zero of a window wins whatever its sign, and its bits are the value.
        float[] zeros = {-0f, 0f, -1};
        float[] max = new float[1];
        int[] win = new int[1];
        for (RowOps ops : new RowOps[] {SCALAR, simd}) {
            ops.windowArgmax(zeros, 0, 1, new int[] {0, 1, 2}, 3, true, max, 0, win, 0, 1);
            assertEquals(0, win[0], ops.name());
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(max[0]), ops.name());
        }
        // Against the scalar scan: strides 1 to 3 (3 is scalar), 1-, 4- and 9-tap windows (a 3 x 3 window
        // over 11-wide rows, dilated), counts around the vector tails, windows ending at the array's end
        // (where a stride-2 vector would read one float past it), with and without NaN propagation.
        SplittableRandom r = new SplittableRandom(SEED + 23);
        int[][] deltas = {{0}, {0, 1, 11, 12}, {0, 2, 4, 22, 24, 26, 44, 46, 48}};
        for (int stride = 1; stride <= 3; stride++) {
            for (int[] d : deltas) {
                for (int n : SIZES) {
                    for (boolean nan : new boolean[] {false, true}) {
                        int span = d[d.length - 1];
                        int lead = r.nextInt(3);
                        float[] a = data(r, lead + Math.max(0, (n - 1) * stride) + span + 1);
                        String what = "stride " + stride + ", " + d.length + " taps, n " + n + ", nan " + nan;
                        float[] wantMax = new float[n + 2];
                        float[] gotMax = new float[n + 2];
                        int[] wantWin = new int[n + 2];
                        int[] gotWin = new int[n + 2];
                        SCALAR.windowArgmax(a, lead, stride, d, d.length, nan, wantMax, 1, wantWin, 2, n);
                        simd.windowArgmax(a, lead, stride, d, d.length, nan, gotMax, 1, gotWin, 2, n);
                        sameBits(wantMax, gotMax, what);
                        assertArrayEquals(wantWin, gotWin, what + " (seed " + SEED + ")");
                    }
                }
            }
        }
    }

    @Test
    void interleavesCopyEveryBitAndReportNaN() {
        // Hand-worked: two planes of three floats, 4 apart, into position-major order and back.
        float[] src = {1, 2, 3, -9, 4, -0f, 6, -9};
        for (RowOps ops : new RowOps[] {SCALAR, simd}) {
            float[] x = new float[6];
            assertEquals(false, ops.interleave(src, 0, 4, 2, 3, x, 0), ops.name());
            assertArrayEquals(new float[] {1, 4, 2, -0f, 3, 6}, x, ops.name());
            float[] back = {7, 7, 7, 7, 7, 7, 7, 7, 7};
            ops.deinterleave(x, 0, 2, 3, back, 1, 4);
            // Rows land at 1 and 5; the floats between are not written.
            assertArrayEquals(new float[] {7, 1, 2, 3, 7, 4, -0f, 6, 7}, back, ops.name());
            src[6] = Float.NaN;
            assertEquals(true, ops.interleave(src, 0, 4, 2, 3, x, 0), ops.name() + ": a NaN");
            src[6] = Float.POSITIVE_INFINITY;
            assertEquals(false, ops.interleave(src, 0, 4, 2, 3, x, 0), ops.name() + ": infinity is not NaN");
            src[6] = 6;
        }
        // Against the scalar copies over plane counts with and without whole vectors of planes, rows
        // shorter and longer than a vector, and a NaN placed in the last plane's last float, or nowhere.
        SplittableRandom r = new SplittableRandom(SEED + 11);
        for (int planes : new int[] {1, 3, 8, 16, 17, 32, 48}) {
            for (int n : new int[] {1, 5, 15, 16, 17, 49, 169, 400}) {
                for (boolean withNaN : new boolean[] {false, true}) {
                    int gap = r.nextInt(3);
                    int stride = n + gap;
                    float[] in = finite(r, 2 + planes * stride);
                    if (withNaN) in[2 + (planes - 1) * stride + n - 1] = Float.NaN;
                    String what = "planes=" + planes + " n=" + n + " stride=" + stride + " nan=" + withNaN;
                    float[] w = new float[planes * n + 3];
                    float[] g = new float[planes * n + 3];
                    assertEquals(withNaN, SCALAR.interleave(in, 2, stride, planes, n, w, 1), what);
                    assertEquals(withNaN, simd.interleave(in, 2, stride, planes, n, g, 1), what);
                    sameBits(w, g, "interleave " + what);
                    float[] wb = finite(r, 5 + planes * stride);
                    float[] gb = wb.clone();
                    SCALAR.deinterleave(w, 1, planes, n, wb, 5, stride);
                    simd.deinterleave(w, 1, planes, n, gb, 5, stride);
                    sameBits(wb, gb, "deinterleave " + what);
                    for (int j = 0; j < planes; j++) {
                        for (int i = 0; i < n; i++) {
                            assertEquals(
                                    Float.floatToRawIntBits(in[2 + j * stride + i]),
                                    Float.floatToRawIntBits(gb[5 + j * stride + i]),
                                    what + ": round trip of plane " + j + " at " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void channelsLastWindowTapsMatchTheScalarOnes() {
        // Hand-worked first (scalar, then SIMD): two taps 3 floats apart over 2 channels, a NaN, a tie and
        // a later larger value.
        float[] src = {1, 5, 0, 2, Float.NaN, 7, 9, 8};
        for (RowOps ops : new RowOps[] {SCALAR, simd}) {
            float[] out = new float[2];
            ops.maxTaps(src, 0, 3, 2, out, 0, 2, true); // max(1, 2), max(5, NaN)
            assertEquals(2f, out[0], ops.name());
            assertEquals(Float.NaN, out[1], ops.name());
            ops.maxTaps(src, 0, 3, 2, out, 0, 2, false); // without NaN propagation the running value stays
            assertEquals(5f, out[1], ops.name());
            ops.maxTaps(src, 1, 6, 2, out, 0, 1, true); // max(5, 8)
            assertEquals(8f, out[0], ops.name());
            ops.sumTaps(src, 0, 6, 2, out, 0, 2); // 1 + 9, 5 + 8
            assertArrayEquals(new float[] {10, 13}, out, ops.name());
        }
        SplittableRandom r = new SplittableRandom(SEED + 3);
        for (int n : SIZES) {
            if (n == 0) continue;
            for (int k = 1; k <= 4; k++) {
                for (int gap : new int[] {0, 1, 5}) {
                    int tapStride = n + gap;
                    boolean nan = r.nextBoolean();
                    float[] in = data(r, 3 + (k - 1) * tapStride + n + 3);
                    float[] w = new float[n + 2];
                    float[] g = new float[n + 2];
                    SCALAR.maxTaps(in, 3, tapStride, k, w, 1, n, nan);
                    simd.maxTaps(in, 3, tapStride, k, g, 1, n, nan);
                    sameBitsButZeroSign(w, g, "maxTaps n=" + n + " k=" + k + " stride=" + tapStride + " nan=" + nan);
                    float[] f = finite(r, in.length);
                    SCALAR.sumTaps(f, 3, tapStride, k, w, 1, n);
                    simd.sumTaps(f, 3, tapStride, k, g, 1, n);
                    close(w, g, k, "sumTaps n=" + n + " k=" + k + " stride=" + tapStride);
                }
            }
        }
    }

    @Test
    void averagesSumInTapOrderThenDivide() {
        // Hand-worked: windows of 3 over 1..6 with divisors 3, 6, 9, 1; taps 2 floats apart over 2 floats.
        float[] row = {1, 2, 3, 4, 5, 6};
        for (RowOps ops : new RowOps[] {SCALAR, simd}) {
            float[] out = {-1, -1, -1, -1, -1, -1};
            ops.windowAvg(row, 0, out, 1, 4, 1, 3, 1, new float[] {0, 3, 6, 9, 1}, 1);
            assertArrayEquals(new float[] {-1, 2, 1.5f, 12f / 9f, 15, -1}, out, ops.name());
            ops.windowAvg(row, 0, out, 1, 2, 2, 3, 1, new float[] {0, 2, 4}, 1); // (1+2+3)/2, (3+4+5)/4
            assertArrayEquals(new float[] {-1, 3, 3, 12f / 9f, 15, -1}, out, ops.name());
            ops.avgTaps(row, 0, 2, 3, out, 0, 2, 3f); // (1 + 3 + 5) / 3, (2 + 4 + 6) / 3
            assertArrayEquals(new float[] {3, 4, 3, 12f / 9f, 15, -1}, out, ops.name());
        }
        // Every size (vector tails, rows shorter than a vector), stride, kernel and dilation: each sum taken in
        // tap order and then divided, as computed here, bit for bit; the floats around the outputs untouched.
        // Rows end right after the last window or a little later (the stride-2 blocks' whole-vector reads).
        SplittableRandom r = new SplittableRandom(SEED + 5);
        for (int count : SIZES) {
            for (int k = 1; k <= 5; k++) {
                int dil = 1 + r.nextInt(2);
                int stride = 1 + r.nextInt(3);
                int reach = count == 0 ? 0 : (count - 1) * stride + (k - 1) * dil + 1;
                float[] in = finite(r, 2 + reach + r.nextInt(3) * 8);
                float[] div = new float[count + 3];
                for (int j = 0; j < div.length; j++) div[j] = 1 + r.nextInt(12);
                float[] want = new float[count + 2];
                Arrays.fill(want, 77f);
                for (int j = 0; j < count; j++) {
                    float sum = in[2 + j * stride];
                    for (int t = 1; t < k; t++) sum += in[2 + j * stride + t * dil];
                    want[1 + j] = sum / div[2 + j];
                }
                int tapStride = count + r.nextInt(3);
                float[] taps = finite(r, 1 + (k - 1) * tapStride + count + 2);
                float d = 1 + r.nextInt(12);
                float[] wantTaps = new float[count + 2];
                Arrays.fill(wantTaps, 77f);
                for (int i = 0; i < count; i++) {
                    float sum = taps[1 + i];
                    for (int t = 1; t < k; t++) sum += taps[1 + t * tapStride + i];
                    wantTaps[1 + i] = sum / d;
                }
                for (RowOps ops : new RowOps[] {SCALAR, simd}) {
                    String what = ops.name() + " count=" + count + " stride=" + stride + " k=" + k + " dil=" + dil
                            + " (seed " + SEED + ")";
                    float[] got = new float[count + 2];
                    Arrays.fill(got, 77f);
                    ops.windowAvg(in, 2, got, 1, count, stride, k, dil, div, 2);
                    sameBits(want, got, "windowAvg " + what);
                    float[] gotTaps = new float[count + 2];
                    Arrays.fill(gotTaps, 77f);
                    ops.avgTaps(taps, 1, tapStride, k, gotTaps, 1, count, d);
                    sameBits(wantTaps, gotTaps, "avgTaps " + what);
                }
            }
        }
    }

    @Test
    void sumsAgreeWithinFloatRounding() {
        SplittableRandom r = new SplittableRandom(SEED + 2);
        for (int count : SIZES) {
            for (int stride = 1; stride <= 5; stride++) {
                for (int k = 1; k <= 4; k++) {
                    int dil = 1 + r.nextInt(2);
                    int need = 1 + (count == 0 ? 0 : (count - 1) * stride + (k - 1) * dil + 1);
                    float[] row = finite(r, need + 64);
                    float[] w = new float[count];
                    float[] g = new float[count];
                    SCALAR.windowSum(row, 1, w, 0, count, stride, k, dil);
                    simd.windowSum(row, 1, g, 0, count, stride, k, dil);
                    close(w, g, k * 1.0, "windowSum count=" + count + " s=" + stride + " k=" + k);
                    float[] delta = finite(r, count + 1);
                    float[] ws = finite(r, need + 4);
                    float[] gs = ws.clone();
                    SCALAR.windowScatter(delta, 1, ws, 1, count, stride, k, dil);
                    simd.windowScatter(delta, 1, gs, 1, count, stride, k, dil);
                    close(ws, gs, k + 1.0, "windowScatter count=" + count + " s=" + stride + " k=" + k);
                }
            }
            float[] a = finite(r, count + 2);
            float[] b = finite(r, count + 2);
            float[] wa = a.clone();
            float[] ga = a.clone();
            SCALAR.addInto(b, 0, wa, 1, count);
            simd.addInto(b, 0, ga, 1, count);
            sameBits(wa, ga, "addInto");
            SCALAR.divide(wa, 0, count, 3f);
            simd.divide(ga, 0, count, 3f);
            sameBits(wa, ga, "divide");
            double sumAbs = 0;
            for (int i = 0; i < count; i++) sumAbs += Math.abs(a[1 + i]);
            assertEquals(
                    SCALAR.sumRange(a, 1, count),
                    simd.sumRange(a, 1, count),
                    1e-6 * Math.max(1, sumAbs),
                    "sumRange n=" + count);
        }
    }

    /**
     * Runs of every length up to past two vectors and over the whole-run limit, in arrays that end
     * exactly at the last run (the last runs cannot take a whole-vector tail load) and with room
     * after it; the floats past the runs are huge, so a tail lane not masked off shows.
     */
    @Test
    void runSumsAgreeWithinFloatRoundingAndIgnoreWhatFollows() {
        SplittableRandom r = new SplittableRandom(SEED + 5);
        int L = simd.lanes();
        int[] lengths = new int[3 * L + 4 + 3];
        for (int i = 0; i < 3 * L + 4; i++) lengths[i] = i + 1;
        lengths[3 * L + 4] = 49;
        lengths[3 * L + 5] = 1024;
        lengths[3 * L + 6] = 1025;
        for (int n : lengths) {
            for (int runs = 0; runs <= 5; runs++) {
                for (int extra : new int[] {0, 1, L, 2 * L + 3}) {
                    int off = 3;
                    float[] a = finite(r, off + runs * n + extra);
                    for (int i = off + runs * n; i < a.length; i++) a[i] = 3e30f;
                    for (int i = 0; i < off; i++) a[i] = -3e30f;
                    float[] want = new float[runs + 2];
                    float[] got = new float[runs + 2];
                    java.util.Arrays.fill(want, 7f);
                    java.util.Arrays.fill(got, 7f);
                    SCALAR.sumRuns(a, off, n, runs, want, 1);
                    simd.sumRuns(a, off, n, runs, got, 1);
                    String what = "sumRuns n=" + n + " runs=" + runs + " extra=" + extra + " seed " + SEED;
                    assertEquals(7f, got[0], what + ": wrote before its first run");
                    assertEquals(7f, got[runs + 1], what + ": wrote past its last run");
                    for (int k = 1; k <= runs; k++) {
                        double sumAbs = 0;
                        for (int i = 0; i < n; i++) sumAbs += Math.abs(a[off + (k - 1) * n + i]);
                        assertEquals(want[k], got[k], 1e-6 * Math.max(1, sumAbs), what + " run " + (k - 1));
                    }
                }
            }
        }
    }

    /**
     * A run's sum must not depend on the runs computed with it: the same bits whether the run is summed
     * in a batch (paired with a neighbour or left over), alone, or as the last run of its array (where
     * its tail cannot be loaded whole). Otherwise global average pooling would change with the thread
     * split and the batch.
     */
    @Test
    void aRunsSumDoesNotDependOnItsNeighbours() {
        SplittableRandom r = new SplittableRandom(SEED + 6);
        int L = simd.lanes();
        for (int n : new int[] {L, L + 1, 2 * L - 1, 49, 3 * L + 5, 1024}) {
            for (int runs = 1; runs <= 7; runs++) {
                int off = 5;
                float[] a = finite(r, off + runs * n);
                float[] batch = new float[runs];
                simd.sumRuns(a, off, n, runs, batch, 0);
                for (int k = 0; k < runs; k++) {
                    float[] one = new float[1];
                    simd.sumRuns(a, off + k * n, n, 1, one, 0);
                    // The same run copied to the end of an array of its own length.
                    float[] alone = java.util.Arrays.copyOfRange(a, off + k * n, off + (k + 1) * n);
                    float[] end = new float[1];
                    simd.sumRuns(alone, 0, n, 1, end, 0);
                    String what = "sumRuns n=" + n + " runs=" + runs + " run " + k + " (seed " + SEED + ")";
                    assertEquals(
                            Float.floatToIntBits(batch[k]), Float.floatToIntBits(one[0]), what + ": batch vs alone");
                    assertEquals(
                            Float.floatToIntBits(batch[k]),
                            Float.floatToIntBits(end[0]),
                            what + ": batch vs at the array's end");
                }
            }
        }
    }

    private static float[] finite(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    private static void close(float[] want, float[] got, double terms, String what) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-6 * terms * 2, what + " at " + i + " (seed " + SEED + ")");
        }
    }
}
