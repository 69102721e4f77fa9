package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.pooling4j.Oracle.Grid;
import org.pooling4j.Oracle.LongGrid;

/**
 * Hand-worked examples of the written rules. Each expected number is derived in the comment next to
 * it. Where it applies, the {@link Oracle} is held to the same numbers, which anchors the oracle used
 * by {@link DifferentialTest}.
 */
class SemanticsTest {
    static final float NaN = Float.NaN;
    static final float INF = Float.POSITIVE_INFINITY;

    // ---- helpers ------------------------------------------------------------------------------

    /** A (1, 1, L) channels-first tensor. */
    static Tensor x1(float... v) {
        return Tensor.of(v, 1, 1, v.length);
    }

    static float[] seq(int from, int count) {
        float[] a = new float[count];
        for (int i = 0; i < count; i++) a[i] = from + i;
        return a;
    }

    /** Library and oracle values (exact for max, 1e-6 otherwise) and, when given, per-plane indices. */
    static void check(PoolSpec spec, Tensor x, float[] values, long[] indices) {
        int rank = spec.rank();
        float[] got;
        if (indices != null) {
            Pooled r = Pooling.forwardWithIndices(spec, x);
            got = r.values().data();
            assertArrayEquals(indices, r.indices().data(), spec + ": library indices");
            assertArrayEquals(got, Pooling.forward(spec, x).data(), spec + ": forward() vs forwardWithIndices()");
        } else {
            got = Pooling.forward(spec, x).data();
        }
        assertClose(values, got, spec + ": library values");
        Oracle.Result o = Oracle.forward(spec, Oracle.fromTensor(x, rank), null);
        Tensor ot = Oracle.toTensor(o.values, x.layout(), x.rank() == rank + 2);
        assertClose(values, ot.data(), spec + ": oracle values");
        if (indices != null) {
            assertArrayEquals(
                    indices,
                    Oracle.toLongTensor(o.indices, x.layout(), x.rank() == rank + 2)
                            .data(),
                    spec + ": oracle indices");
        }
    }

    static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + ": length of " + Arrays.toString(got));
        for (int i = 0; i < want.length; i++) {
            boolean ok = Float.isNaN(want[i])
                    ? Float.isNaN(got[i])
                    : Float.isInfinite(want[i])
                            ? want[i] == got[i]
                            : Math.abs(want[i] - got[i]) <= 1e-6 * Math.max(1, Math.abs(want[i]));
            assertTrue(
                    ok,
                    what + ": element " + i + " is " + got[i] + ", expected " + want[i] + " in "
                            + Arrays.toString(got));
        }
    }

    // ---- the 4x4 example ----------------------------------------------------------------------

    @Test
    void fourByFourMaxAndAvg() {
        // x = 1..16 as a 4x4 plane:
        //   1  2  3  4
        //   5  6  7  8
        //   9 10 11 12
        //  13 14 15 16
        Tensor x = Tensor.of(seq(1, 16), 1, 1, 4, 4);
        // k=2, s=2: windows {1,2,5,6} {3,4,7,8} {9,10,13,14} {11,12,15,16}
        // max = 6 at (1,1) -> 1*4+1 = 5;  8 at (1,3) -> 7;  14 at (3,1) -> 13;  16 at (3,3) -> 15
        check(PoolSpec.max(2, 2).build(), x, new float[] {6, 8, 14, 16}, new long[] {5, 7, 13, 15});
        // avg = (1+2+5+6)/4 = 3.5, (3+4+7+8)/4 = 5.5, (9+10+13+14)/4 = 11.5, (11+12+15+16)/4 = 13.5
        check(PoolSpec.avg(2, 2).build(), x, new float[] {3.5f, 5.5f, 11.5f, 13.5f}, null);
        assertArrayEquals(
                new int[] {1, 1, 2, 2},
                Pooling.forward(PoolSpec.max(2, 2).build(), x).shape());
    }

    // ---- average pooling: padding, ceil mode, divisors ----------------------------------------

    @Test
    void avgPool1dCeilModeIncludeAndExcludePad() {
        // x = 1..6, k=3, s=2, p=1, ceil:
        //   O = floor((6 + 1 + 1 - 3 + (2-1)) / 2) + 1 = floor(6/2) + 1 = 4; (O-1)*s = 6 < I+pb = 7, so no window is
        // dropped.
        //   window starts o*2 - 1 = -1, 1, 3, 5; taps:
        //     o0: -1,0,1 -> values {1,2}     include divisor min(-1+3, 6+1) - (-1) = 3 -> 3/3 = 1;  exclude 3/2 = 1.5
        //     o1:  1,2,3 -> {2,3,4}          include 3 -> 9/3 = 3;  exclude 3
        //     o2:  3,4,5 -> {4,5,6}          include 3 -> 15/3 = 5; exclude 5
        //     o3:  5,6,7 -> {6} (6 is end padding, 7 beyond it)  include min(5+3, 7) - 5 = 2 -> 6/2 = 3; exclude 6/1 =
        // 6
        Tensor x = x1(seq(1, 6));
        check(PoolSpec.avg(3).stride(2).padding(1).ceilMode(true).build(), x, new float[] {1, 3, 5, 3}, null);
        check(
                PoolSpec.avg(3)
                        .stride(2)
                        .padding(1)
                        .ceilMode(true)
                        .countIncludePad(false)
                        .build(),
                x,
                new float[] {1.5f, 3, 5, 6},
                null);
        // floor mode: O = floor((6+2-3)/2) + 1 = 3, the last window (start 5) is not formed
        check(PoolSpec.avg(3).stride(2).padding(1).build(), x, new float[] {1, 3, 5}, null);
    }

    @Test
    void ceilModeDropsAWindowThatStartsInTheEndPadding() {
        // I=6, k=3, s=2, p=1 in ceil mode gives O = 4 (see above): the last window starts at 5 < I, so it is kept.
        Tensor x6 = x1(seq(1, 6));
        assertArrayEquals(
                new int[] {1, 1, 4},
                Pooling.forward(
                                PoolSpec.max(3)
                                        .stride(2)
                                        .padding(1)
                                        .ceilMode(true)
                                        .build(),
                                x6)
                        .shape());
        // I=3, k=2, s=2, p=1 in ceil mode: O = floor((3+2-2+1)/2) + 1 = 3, but (O-1)*s = 4 >= I + pb = 4:
        // window 2 would start at 2*2-1 = 3 = I, entirely in the end padding, so it is dropped: O = 2.
        //   x = [1,2,3]: o0 taps -1,0 -> max 1 at 0; o1 taps 1,2 -> max 3 at 2
        //   avg include-pad: o0 = 1 / (min(-1+2, 3+1) - (-1) = 2) = 0.5; o1 = (2+3)/2 = 2.5
        Tensor x3 = x1(1, 2, 3);
        check(PoolSpec.max(2).stride(2).padding(1).ceilMode(true).build(), x3, new float[] {1, 3}, new long[] {0, 2});
        check(PoolSpec.avg(2).stride(2).padding(1).ceilMode(true).build(), x3, new float[] {0.5f, 2.5f}, null);
        // I=1, k=2, s=2, no padding, ceil: O = floor((1-2+1)/2) + 1 = 1 (PyTorch keeps a window larger than the input)
        check(PoolSpec.max(2).stride(2).ceilMode(true).build(), x1(7), new float[] {7}, new long[] {0});
        // ... while floor mode has no window at all and must be rejected
        assertThrows(
                IllegalArgumentException.class,
                () -> Pooling.forward(PoolSpec.max(2).stride(2).build(), x1(7)));
    }

    @Test
    void divisorOverrideAndDilatedIncludePadCount() {
        // [1,2,3,4], k=2, s=2, divisor_override=3: (1+2)/3 = 1, (3+4)/3 = 7/3
        check(PoolSpec.avg(2).stride(2).divisorOverride(3).build(), x1(1, 2, 3, 4), new float[] {1, 7f / 3}, null);
        // x = 1..5, k=2, d=2 (K=3), s=1, p=1: O = (5+2-3)/1 + 1 = 5, taps (o-1, o+1):
        //   o0: -1,1 -> {2}:    include: both taps < I+pe = 6 -> 2 -> 2/2 = 1;   exclude 2/1 = 2
        //   o1:  0,2 -> {1,3}:  4/2 = 2 both ways
        //   o2:  1,3 -> {2,4}:  3
        //   o3:  2,4 -> {3,5}:  4
        //   o4:  3,5 -> {4}:    tap 5 is end padding (< 6): include 4/2 = 2; exclude 4
        Tensor x = x1(seq(1, 5));
        check(PoolSpec.avg(2).dilation(2).stride(1).padding(1).build(), x, new float[] {1, 2, 3, 4, 2}, null);
        check(
                PoolSpec.avg(2)
                        .dilation(2)
                        .stride(1)
                        .padding(1)
                        .countIncludePad(false)
                        .build(),
                x,
                new float[] {2, 2, 3, 4, 4},
                null);
    }

    // ---- Lp pooling -----------------------------------------------------------------------------

    @Test
    void lpPytorchModeScalesPartialWindowsByTheFullKernel() {
        // ones(5), p=1, k=2, s=2, ceil: O = floor((5-2+1)/2)+1 = 3, windows {0,1} {2,3} {4}
        //   PYTORCH: (k * avg(x^p))^(1/p) = 2 * 1 = 2 for every window, the partial one too -> [2,2,2]
        //   NORM:    sum |x| = 2, 2, 1 -> [2,2,1]
        Tensor x = x1(1, 1, 1, 1, 1);
        check(
                PoolSpec.lp(1, 2)
                        .stride(2)
                        .ceilMode(true)
                        .lpMode(LpMode.PYTORCH)
                        .build(),
                x,
                new float[] {2, 2, 2},
                null);
        check(PoolSpec.lp(1, 2).stride(2).ceilMode(true).build(), x, new float[] {2, 2, 1}, null);
    }

    @Test
    void lpNormVersusSignedPytorchPower() {
        // [-1,-2,3,-4], k=2, p=1:
        //   NORM: |-1|+|-2| = 3, |3|+|-4| = 7
        //   PYTORCH: 2 * avg(x) = (-1) + (-2) = -3 and 3 + (-4) = -1 (the power is signed)
        Tensor x = x1(-1, -2, 3, -4);
        check(PoolSpec.lp(1, 2).build(), x, new float[] {3, 7}, null);
        check(PoolSpec.lp(1, 2).lpMode(LpMode.PYTORCH).build(), x, new float[] {-3, -1}, null);
        // NORM p=2: sqrt(1+4) = sqrt(5), sqrt(9+16) = 5
        check(PoolSpec.lp(2, 2).build(), x, new float[] {(float) Math.sqrt(5), 5}, null);
        // global Lp p=2 over [3, 4]: sqrt(9+16) = 5
        check(PoolSpec.globalLp(2, 1).build(), x1(3, 4), new float[] {5}, null);
    }

    @Test
    void lpNormGradientIsZeroWhereTheNormIsZero() {
        // y = ||(0,0)||_2 = 0: the derivative sign(x)|x|^(p-1)/y^(p-1) is taken as 0
        PoolSpec spec = PoolSpec.lp(2, 2).build();
        Tensor g = Pooling.backward(spec, x1(0, 0, 3, 4), x1(1, 1));
        // second window: y = 5, d/dx = x / y = 3/5, 4/5
        assertClose(new float[] {0, 0, 0.6f, 0.8f}, g.data(), "lp backward");
    }

    // ---- max pooling: empty windows, NaN, ties ---------------------------------------------------

    @Test
    void dilatedWindowEntirelyInPadding() {
        // I=1, k=2, d=2 (K=3), p=1, s=k=2: O = floor((1+2-3)/2)+1 = 1; taps at -1 and 1, neither in [0,1).
        // max = -inf, index = the first tap at a non-negative coordinate = 1 (outside the plane, as PyTorch);
        // avg and Lp of an empty window are 0.
        Tensor x = x1(5);
        PoolSpec max = PoolSpec.max(2).dilation(2).padding(1).build();
        check(max, x, new float[] {Float.NEGATIVE_INFINITY}, new long[] {1});
        check(PoolSpec.avg(2).dilation(2).padding(1).build(), x, new float[] {0}, null);
        check(PoolSpec.lp(2, 2).dilation(2).padding(1).build(), x, new float[] {0}, null);
        // TensorFlow's floor: -Float.MAX_VALUE and index -1
        check(
                PoolSpec.max(2)
                        .dilation(2)
                        .padding(1)
                        .maxFloor(MaxFloor.LOWEST_FINITE)
                        .build(),
                x,
                new float[] {-Float.MAX_VALUE},
                new long[] {-1});
        // the output is a constant, so no gradient reaches the input, recomputed or routed by the forward's own
        // indices (which backward must accept although index 1 lies outside the 1-element plane)
        assertArrayEquals(new float[] {0}, Pooling.backward(max, x, x1(1)).data());
        assertArrayEquals(
                new float[] {0},
                Pooling.backward(
                                max,
                                x,
                                x1(1),
                                Pooling.forwardWithIndices(max, x).indices())
                        .data());
    }

    @Test
    void emptyWindowIndexInsideThePlaneRoutesNoGradient() {
        // 2D, H=2, W=1, k=(1,2), d=(1,2), p=(0,1), s=k: along W the taps are -1 and 1, both outside [0,1).
        // Output (h,0) = -inf with index h*W + 1 = h + 1 (first non-negative tap, as PyTorch): for h=0 that is
        // position 1 = element (1,0), a real element of another row. The gradient must still not go there.
        PoolSpec spec = PoolSpec.max(1, 2).dilation(1, 2).padding(0, 1).build();
        Tensor x = Tensor.of(new float[] {10, 20}, 1, 1, 2, 1);
        check(spec, x, new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, new long[] {1, 2});
        Tensor g = Tensor.of(new float[] {1, 1}, 1, 1, 2, 1);
        assertArrayEquals(new float[] {0, 0}, Pooling.backward(spec, x, g).data());
        assertArrayEquals(
                new float[] {0, 0},
                Pooling.backward(spec, x, g, Pooling.forwardWithIndices(spec, x).indices())
                        .data());
    }

    @Test
    void nanWindows() {
        PoolSpec k4 = PoolSpec.max(4).build();
        // PROPAGATE: a tap wins when v > max or v is NaN
        //   [NaN,1,5,2]: NaN wins at 0; 1 > NaN, 5 > NaN, 2 > NaN are all false -> NaN, index 0
        check(k4, x1(NaN, 1, 5, 2), new float[] {NaN}, new long[] {0});
        //   [1,5,2,NaN]: 5 at 1, then NaN at 3 -> NaN, index 3
        check(k4, x1(1, 5, 2, NaN), new float[] {NaN}, new long[] {3});
        //   all NaN: every tap wins, the last one gives the index -> 3
        check(k4, x1(NaN, NaN, NaN, NaN), new float[] {NaN}, new long[] {3});
        // IGNORE: v > max only
        PoolSpec ignore = PoolSpec.max(4).nanPolicy(NanPolicy.IGNORE).build();
        check(ignore, x1(NaN, 1, 5, 2), new float[] {5}, new long[] {2});
        check(ignore, x1(1, 5, 2, NaN), new float[] {5}, new long[] {1});
        //   all NaN: nothing beats -inf; the index stays at the first tap
        check(ignore, x1(NaN, NaN, NaN, NaN), new float[] {Float.NEGATIVE_INFINITY}, new long[] {0});
        // NaN reaches avg and Lp as a value
        check(PoolSpec.avg(2).build(), x1(NaN, 1, 2, 3), new float[] {NaN, 2.5f}, null);
    }

    @Test
    void tiesGoToTheFirstInScanOrder() {
        check(PoolSpec.max(4).build(), x1(3, 3, 3, 3), new float[] {3}, new long[] {0});
        check(PoolSpec.max(4).build(), x1(1, 4, 4, 2), new float[] {4}, new long[] {1});
        // -0.0 and 0.0 compare equal: the first one (-0.0 at index 0) stays
        Pooled r = Pooling.forwardWithIndices(PoolSpec.max(2).build(), x1(-0.0f, 0.0f));
        assertEquals(
                Float.floatToIntBits(-0.0f), Float.floatToIntBits(r.values().data()[0]));
        assertEquals(0, r.indices().data()[0]);
        // -inf everywhere: nothing beats the initial -inf; the index is the window's first tap
        check(PoolSpec.max(2).stride(1).build(), x1(-INF, -INF, -INF), new float[] {-INF, -INF}, new long[] {0, 1});
        // 2D: a 3x3 plane of 7s with k=2, s=1: each window's top-left tap, (0,0)=0 (0,1)=1 (1,0)=3 (1,1)=4
        float[] sevens = new float[9];
        Arrays.fill(sevens, 7);
        check(
                PoolSpec.max(2, 2).stride(1).build(),
                Tensor.of(sevens, 1, 1, 3, 3),
                new float[] {7, 7, 7, 7},
                new long[] {0, 1, 3, 4});
    }

    // ---- SAME / VALID padding ---------------------------------------------------------------------

    @Test
    void samePaddingSplits() {
        // I=5, k=4, s=2: O = ceil(5/2) = 3; total padding = (3-1)*2 + 4 - 5 = 3
        //   SAME_UPPER: begin 3/2 = 1, end 2;  SAME_LOWER: begin 2, end 1
        Tensor x = x1(seq(1, 5));
        PoolSpec upper = PoolSpec.max(4).stride(2).autoPad(AutoPad.SAME_UPPER).build();
        PoolSpec lower = PoolSpec.max(4).stride(2).autoPad(AutoPad.SAME_LOWER).build();
        Geometry gu = Pooling.geometry(upper, x);
        Geometry gl = Pooling.geometry(lower, x);
        assertEquals(3, gu.outSize(0));
        assertEquals(1, gu.padBegin(0));
        assertEquals(2, gu.padEnd(0));
        assertEquals(2, gl.padBegin(0));
        assertEquals(1, gl.padEnd(0));
        // UPPER: starts 2o-1 = -1, 1, 3: windows {1,2,3} {2,3,4,5} {4,5} -> max 3@2, 5@4, 5@4
        check(upper, x, new float[] {3, 5, 5}, new long[] {2, 4, 4});
        // LOWER: starts 2o-2 = -2, 0, 2: windows {1,2} {1,2,3,4} {3,4,5} -> max 2@1, 4@3, 5@4
        check(lower, x, new float[] {2, 4, 5}, new long[] {1, 3, 4});
        // avg, count_include_pad (padded extent ends at I + pe):
        //   UPPER: 6/4 = 1.5 (taps -1..2 all < 7), 14/4 = 3.5, 9/(min(3+4, 7) - 3 = 4) = 2.25
        //   LOWER: 3/4 = 0.75, 10/4 = 2.5, 12/(min(2+4, 6) - 2 = 4) = 3
        check(PoolSpec.avg(4).stride(2).autoPad(AutoPad.SAME_UPPER).build(), x, new float[] {1.5f, 3.5f, 2.25f}, null);
        check(PoolSpec.avg(4).stride(2).autoPad(AutoPad.SAME_LOWER).build(), x, new float[] {0.75f, 2.5f, 3}, null);
        // exclude pad: UPPER 6/3 = 2, 14/4 = 3.5, 9/2 = 4.5;  LOWER 3/2 = 1.5, 10/4 = 2.5, 12/3 = 4
        check(
                PoolSpec.avg(4)
                        .stride(2)
                        .autoPad(AutoPad.SAME_UPPER)
                        .countIncludePad(false)
                        .build(),
                x,
                new float[] {2, 3.5f, 4.5f},
                null);
        check(
                PoolSpec.avg(4)
                        .stride(2)
                        .autoPad(AutoPad.SAME_LOWER)
                        .countIncludePad(false)
                        .build(),
                x,
                new float[] {1.5f, 2.5f, 4},
                null);
        // VALID: O = floor((5-4)/2) + 1 = 1, window {1,2,3,4} -> 4 at 3
        check(PoolSpec.max(4).stride(2).autoPad(AutoPad.VALID).build(), x, new float[] {4}, new long[] {3});
    }

    // ---- adaptive, global, fractional ---------------------------------------------------------------

    @Test
    void adaptiveBins() {
        // I=10, O=4: start = floor(i*10/4), end = ceil((i+1)*10/4)
        //   i0: [0, 3)   i1: [2, 5)   i2: [5, 8)   i3: [7, 10)
        // x = 1..10: max 3@2, 5@4, 8@7, 10@9; avg (1+2+3)/3 = 2, (3+4+5)/3 = 4, (6+7+8)/3 = 7, (8+9+10)/3 = 9
        Tensor x = x1(seq(1, 10));
        check(PoolSpec.adaptiveMax(4).build(), x, new float[] {3, 5, 8, 10}, new long[] {2, 4, 7, 9});
        check(PoolSpec.adaptiveAvg(4).build(), x, new float[] {2, 4, 7, 9}, null);
        // I=3, O=5 (larger): bins [0,1) [0,2) [1,2) [1,3) [2,3) -> on [4,1,6]: max 4@0 4@0 1@1 6@2 6@2
        check(PoolSpec.adaptiveMax(5).build(), x1(4, 1, 6), new float[] {4, 4, 1, 6, 6}, new long[] {0, 0, 1, 2, 2});
        // a null entry keeps the input size: (2,3) -> (1, 3), each column's max over both rows
        check(
                PoolSpec.adaptiveMax(1, null).build(),
                Tensor.of(new float[] {1, 9, 3, 4, 5, 6}, 1, 1, 2, 3),
                new float[] {4, 9, 6},
                new long[] {3, 1, 5});
    }

    @Test
    void globalPooling() {
        // 2x3 plane [[1, 9, 3], [4, 5, 6]]: max 9 at 1; avg 28/6
        Tensor x = Tensor.of(new float[] {1, 9, 3, 4, 5, 6}, 1, 1, 2, 3);
        check(PoolSpec.globalMax(2).build(), x, new float[] {9}, new long[] {1});
        check(PoolSpec.globalAvg(2).build(), x, new float[] {28f / 6}, null);
        assertArrayEquals(
                new int[] {1, 1, 1, 1},
                Pooling.forward(PoolSpec.globalAvg(2).build(), x).shape());
    }

    @Test
    void fractionalIntervalsAndSampleOrder() {
        // 5x5 plane x(h,w) = 10h + w, k=2, output 3x3: every window's max is its bottom-right tap.
        float[] v = new float[25];
        for (int h = 0; h < 5; h++) for (int w = 0; w < 5; w++) v[h * 5 + w] = 10 * h + w;
        Tensor x = Tensor.of(v, 1, 1, 5, 5);
        // alpha = (5-2)/(3-1) = 1.5
        // sample 0 drives the width: u=0.5 -> start_i = (int)((i+0.5)*1.5) - (int)(0.75) = 0, 2; last = 5-2 = 3 ->
        // [0,2,3]
        // sample 1 drives the height: u=0 -> start_i = (int)(i*1.5) = 0, 1; last 3 -> [0,1,3]
        // max rows = start+1 = 1,2,4; cols = 2... start+1 = 1,3,4 -> value 10r + c, index 5r + c
        Tensor samples = Tensor.of(new float[] {0.5f, 0f}, 1, 1, 2);
        PoolSpec spec = PoolSpec.fractionalMax(2, 2).outputSize(3, 3).build();
        Pooled r = Pooling.fractionalMaxPool(spec, x, samples);
        assertArrayEquals(
                new float[] {11, 13, 14, 21, 23, 24, 41, 43, 44}, r.values().data());
        assertArrayEquals(
                new long[] {6, 8, 9, 11, 13, 14, 21, 23, 24}, r.indices().data());
        Oracle.Result o = Oracle.forward(spec, Oracle.fromTensor(x, 2), Oracle.fromTensor(samples, 1));
        assertArrayEquals(new long[] {6, 8, 9, 11, 13, 14, 21, 23, 24}, o.indices.v);
        assertArrayEquals(new int[] {0, 2, 3}, Oracle.fractionalStarts(0.5f, 5, 3, 2));
        // ratio: (int)(5 * 0.7) = 3
        assertArrayEquals(
                new int[] {1, 1, 3, 3},
                Pooling.fractionalMaxPool(
                                PoolSpec.fractionalMax(2, 2).outputRatio(0.7).build(), x, samples)
                        .values()
                        .shape());
        // a seeded forward is deterministic and equals the explicit-null-samples call
        PoolSpec seeded = spec.toBuilder().seed(42).build();
        assertArrayEquals(
                Pooling.forward(seeded, x).data(),
                Pooling.fractionalMaxPool(seeded, x, null).values().data());
    }

    // ---- layouts, batching ----------------------------------------------------------------------

    @Test
    void unbatchedEqualsBatchedFirstItem() {
        SplittableRandom rnd = new SplittableRandom(3);
        float[] v = new float[3 * 5 * 6];
        for (int i = 0; i < v.length; i++) v[i] = rnd.nextInt(7) - 3;
        PoolSpec spec = PoolSpec.max(3, 2).stride(2, 1).padding(1, 0).build();
        Pooled b = Pooling.forwardWithIndices(spec, Tensor.of(v, 1, 3, 5, 6));
        Pooled u = Pooling.forwardWithIndices(spec, Tensor.of(v, 3, 5, 6));
        assertArrayEquals(
                Arrays.copyOfRange(b.values().shape(), 1, 4), u.values().shape());
        assertArrayEquals(b.values().data(), u.values().data());
        assertArrayEquals(b.indices().data(), u.indices().data());
        PoolSpec avg = PoolSpec.avg(3, 2).stride(2, 1).padding(1, 0).build();
        assertArrayEquals(
                Pooling.forward(avg, Tensor.of(v, 1, 3, 5, 6)).data(),
                Pooling.forward(avg, Tensor.of(v, 3, 5, 6)).data());
        float[] g = new float[b.values().size()];
        Arrays.fill(g, 1);
        assertArrayEquals(
                Pooling.backward(
                                spec,
                                Tensor.of(v, 1, 3, 5, 6),
                                new Tensor(g, b.values().shape(), Layout.CHANNELS_FIRST))
                        .data(),
                Pooling.backward(
                                spec,
                                Tensor.of(v, 3, 5, 6),
                                new Tensor(g, u.values().shape(), Layout.CHANNELS_FIRST))
                        .data());
    }

    @Test
    void channelsLastEqualsChannelsFirst() {
        SplittableRandom rnd = new SplittableRandom(4);
        Grid x = new Grid(2, 3, new int[] {5, 6});
        for (int i = 0; i < x.v.length; i++) x.v[i] = rnd.nextInt(9) - 4;
        for (PoolSpec spec : new PoolSpec[] {
            PoolSpec.max(3, 2).stride(2, 1).padding(1, 0).build(),
            PoolSpec.adaptiveMax(2, 4).build(),
            PoolSpec.globalMax(2).build()
        }) {
            Pooled cf = Pooling.forwardWithIndices(spec, Oracle.toTensor(x, Layout.CHANNELS_FIRST, true));
            Pooled cl = Pooling.forwardWithIndices(spec, Oracle.toTensor(x, Layout.CHANNELS_LAST, true));
            assertEquals(Layout.CHANNELS_LAST, cl.values().layout());
            assertArrayEquals(
                    Oracle.fromTensor(cf.values(), 2).v, Oracle.fromTensor(cl.values(), 2).v, spec + " values");
            assertArrayEquals(
                    Oracle.fromLongTensor(cf.indices(), 2).v,
                    Oracle.fromLongTensor(cl.indices(), 2).v,
                    spec + " indices (per plane in both layouts)");
        }
        PoolSpec avg = PoolSpec.avg(3, 3).stride(2).padding(1).ceilMode(true).build();
        assertArrayEquals(
                Oracle.fromTensor(Pooling.forward(avg, Oracle.toTensor(x, Layout.CHANNELS_FIRST, true)), 2).v,
                Oracle.fromTensor(Pooling.forward(avg, Oracle.toTensor(x, Layout.CHANNELS_LAST, true)), 2).v);
        // (2,3,5,6) channels-first is (2,5,6,3) channels-last; k=2,s=2 gives (2,3,2,3) / (2,2,3,3)
        assertArrayEquals(
                new int[] {2, 2, 3, 3},
                Pooling.forward(PoolSpec.max(2, 2).build(), Oracle.toTensor(x, Layout.CHANNELS_LAST, true))
                        .shape());
    }

    @Test
    void emptyBatch() {
        PoolSpec max = PoolSpec.max(2, 2).build();
        Tensor cf = Tensor.zeros(0, 3, 5, 5);
        Pooled r = Pooling.forwardWithIndices(max, cf);
        assertArrayEquals(new int[] {0, 3, 2, 2}, r.values().shape());
        assertArrayEquals(new int[] {0, 3, 2, 2}, r.indices().shape());
        assertEquals(0, r.values().size());
        assertArrayEquals(
                new int[] {0, 3, 5, 5},
                Pooling.backward(max, cf, Tensor.zeros(0, 3, 2, 2)).shape());
        Tensor cl = Tensor.zeros(Layout.CHANNELS_LAST, 0, 5, 5, 3);
        assertArrayEquals(
                new int[] {0, 2, 2, 3},
                Pooling.forward(PoolSpec.avg(2, 2).build(), cl).shape());
        assertArrayEquals(
                new int[] {0, 3, 1, 1},
                Pooling.forward(PoolSpec.globalAvg(2).build(), cf).shape());
        assertArrayEquals(
                new int[] {0, 3, 4, 1},
                Pooling.forward(PoolSpec.adaptiveMax(4, 1).build(), cf).shape());
    }

    // ---- 4D and 5D ------------------------------------------------------------------------------

    @Test
    void fourAndFiveSpatialDimensions() {
        // 4D: spatial (3,2,2,2), x = 1..24 row-major, k=2, s=1 -> output (2,1,1,1)
        //   o0 covers axis-0 rows 0..1 = positions 0..15 (values 1..16): max 16 at 15, avg 8.5
        //   o1 covers rows 1..2 = positions 8..23 (values 9..24):        max 24 at 23, avg 16.5
        Tensor x4 = Tensor.of(seq(1, 24), 1, 1, 3, 2, 2, 2);
        check(PoolSpec.max(2, 2, 2, 2).stride(1).build(), x4, new float[] {16, 24}, new long[] {15, 23});
        check(PoolSpec.avg(2, 2, 2, 2).stride(1).build(), x4, new float[] {8.5f, 16.5f}, null);
        // 5D: spatial 2^5, x = 1..32, k=2: one window with everything: max 32 at 31, avg 16.5
        Tensor x5 = Tensor.of(seq(1, 32), 1, 1, 2, 2, 2, 2, 2);
        check(PoolSpec.max(2, 2, 2, 2, 2).build(), x5, new float[] {32}, new long[] {31});
        check(PoolSpec.avg(2, 2, 2, 2, 2).build(), x5, new float[] {16.5f}, null);
        // 5D, k=2, s=2, p=1: O = (2+2-2)/2 + 1 = 2 per axis; output (0,0,0,0,0) has taps {-1,0} per axis,
        // only (0,0,0,0,0) (value 1) in bounds: include-pad avg 1/2^5 = 1/32, exclude-pad 1/1 = 1;
        // output (1,1,1,1,1) has taps {1,2}: only (1,1,1,1,1) (value 32) in bounds: 32/32 = 1 (2 is end padding), 32
        PoolSpec inc = PoolSpec.avg(2, 2, 2, 2, 2).stride(2).padding(1).build();
        PoolSpec exc = PoolSpec.avg(2, 2, 2, 2, 2)
                .stride(2)
                .padding(1)
                .countIncludePad(false)
                .build();
        float[] yi = Pooling.forward(inc, x5).data();
        float[] ye = Pooling.forward(exc, x5).data();
        assertEquals(32, yi.length);
        assertEquals(1f / 32, yi[0]);
        assertEquals(1f, yi[31]);
        assertEquals(1f, ye[0]);
        assertEquals(32f, ye[31]);
        assertClose(
                Oracle.toTensor(Oracle.forward(inc, Oracle.fromTensor(x5, 5), null).values, Layout.CHANNELS_FIRST, true)
                        .data(),
                yi,
                "5D oracle");
    }

    // ---- max unpool -----------------------------------------------------------------------------

    @Test
    void unpoolRoundTrip() {
        Tensor x = Tensor.of(seq(1, 16), 1, 1, 4, 4);
        Pooled p = Pooling.forwardWithIndices(PoolSpec.max(2, 2).build(), x);
        Tensor back = Pooling.maxUnpool(PoolSpec.maxUnpool(2, 2).build(), p.values(), p.indices());
        // default size (2-1)*2 + 2 = 4 per axis; maxima 6, 8, 14, 16 return to 5, 7, 13, 15, zeros elsewhere
        assertArrayEquals(new int[] {1, 1, 4, 4}, back.shape());
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 6, 0, 8, 0, 0, 0, 0, 0, 14, 0, 16}, back.data());
        // gradient: gather at the indices
        Tensor g = Pooling.maxUnpoolBackward(PoolSpec.maxUnpool(2, 2).build(), p.values(), p.indices(), x);
        assertArrayEquals(new float[] {6, 8, 14, 16}, g.data());
    }

    @Test
    void unpoolExplicitOutputSize() {
        // [1,5,2,3,7], k=2, s=2: O = 2, values [5,3] at [1,3] (7 is never pooled)
        Pooled p = Pooling.forwardWithIndices(PoolSpec.max(2).build(), x1(1, 5, 2, 3, 7));
        assertArrayEquals(new float[] {5, 3}, p.values().data());
        assertArrayEquals(new long[] {1, 3}, p.indices().data());
        // default size (2-1)*2 + 2 = 4; a requested size must lie in (4-2, 4+2) = (2, 6)
        assertArrayEquals(
                new float[] {0, 5, 0, 3},
                Pooling.maxUnpool(PoolSpec.maxUnpool(2).build(), p.values(), p.indices())
                        .data());
        assertArrayEquals(
                new float[] {0, 5, 0, 3, 0},
                Pooling.maxUnpool(PoolSpec.maxUnpool(2).outputSize(5).build(), p.values(), p.indices())
                        .data());
        assertThrows(
                IllegalArgumentException.class,
                () -> Pooling.maxUnpool(PoolSpec.maxUnpool(2).outputSize(6).build(), p.values(), p.indices()));
        assertThrows(
                IllegalArgumentException.class,
                () -> Pooling.maxUnpool(PoolSpec.maxUnpool(2).outputSize(2).build(), p.values(), p.indices()));
        // two values at the same index: the later one in scan order wins
        Tensor collide =
                Pooling.maxUnpool(PoolSpec.maxUnpool(2).build(), x1(1, 2), LongTensor.of(new long[] {1, 1}, 1, 1, 2));
        assertArrayEquals(new float[] {0, 2, 0, 0}, collide.data());
        Grid o = Oracle.unpool(
                PoolSpec.maxUnpool(2).build(),
                Oracle.fromTensor(x1(1, 2), 1),
                Oracle.fromLongTensor(LongTensor.of(new long[] {1, 1}, 1, 1, 2), 1));
        assertArrayEquals(new double[] {0, 2, 0, 0}, o.v);
    }

    // ---- index formats --------------------------------------------------------------------------

    @Test
    void onnxGlobalIndicesWorkedExample() {
        // N=2, C=2, L=4, x ascending in every plane, k=2: per-plane maxima at [1, 3] in every plane.
        Tensor x = Tensor.of(seq(0, 16), 2, 2, 4);
        LongTensor idx = Pooling.forwardWithIndices(PoolSpec.max(2).build(), x).indices();
        assertArrayEquals(new long[] {1, 3, 1, 3, 1, 3, 1, 3}, idx.data());
        // ONNX (storage_order 0): (n*C + c)*L + p -> planes at offsets 0, 4, 8, 12
        int[] l4 = {4};
        assertArrayEquals(
                new long[] {1, 3, 5, 7, 9, 11, 13, 15},
                Indices.convert(idx, l4, IndexFormat.PER_PLANE, IndexFormat.GLOBAL_ROW_MAJOR)
                        .data());
        assertArrayEquals(
                idx.data(),
                Indices.convert(
                                LongTensor.of(new long[] {1, 3, 5, 7, 9, 11, 13, 15}, 2, 2, 2),
                                l4,
                                IndexFormat.GLOBAL_ROW_MAJOR,
                                IndexFormat.PER_PLANE)
                        .data());
        // TensorFlow: p*C + c -> (n,c)=(0,0): 2, 6; (0,1): 3, 7; (1,0): 2, 6; (1,1): 3, 7
        assertArrayEquals(
                new long[] {2, 6, 3, 7, 2, 6, 3, 7},
                Indices.convert(idx, l4, IndexFormat.PER_PLANE, IndexFormat.CHANNELS_LAST)
                        .data());
        // with batch: ((n*L + p)*C + c) -> n=1 adds 4*2 = 8: 2, 6, 3, 7, 10, 14, 11, 15
        assertArrayEquals(
                new long[] {2, 6, 3, 7, 10, 14, 11, 15},
                Indices.convert(idx, l4, IndexFormat.PER_PLANE, IndexFormat.CHANNELS_LAST_WITH_BATCH)
                        .data());
        // in 1D column-major equals row-major
        assertArrayEquals(
                new long[] {1, 3, 5, 7, 9, 11, 13, 15},
                Indices.convert(idx, l4, IndexFormat.PER_PLANE, IndexFormat.GLOBAL_COLUMN_MAJOR)
                        .data());
    }

    @Test
    void onnxColumnMajorWorkedExample() {
        // 2x3 input (H=2, W=3):   1 2 8
        //                         9 4 5
        // k=2x2, s=1: output 1x2. Window 0 (cols 0-1) = {1,2,9,4}: max 9 at (1,0); window 1 (cols 1-2) = {2,8,4,5}: 8
        // at (0,2)
        //   row-major (storage_order=0): h*W + w = 1*3+0 = 3 and 0*3+2 = 2
        //   column-major (storage_order=1): h + w*H = 1+0*2 = 1 and 0+2*2 = 4
        Tensor x = Tensor.of(new float[] {1, 2, 8, 9, 4, 5}, 1, 1, 2, 3);
        Pooled r = Pooling.forwardWithIndices(PoolSpec.max(2, 2).stride(1).build(), x);
        assertArrayEquals(new float[] {9, 8}, r.values().data());
        assertArrayEquals(new long[] {3, 2}, r.indices().data());
        int[] hw = {2, 3};
        assertArrayEquals(
                new long[] {1, 4},
                Indices.convert(r.indices(), hw, IndexFormat.PER_PLANE, IndexFormat.GLOBAL_COLUMN_MAJOR)
                        .data());
        assertArrayEquals(
                new long[] {3, 2},
                Indices.convert(
                                LongTensor.of(new long[] {1, 4}, 1, 1, 1, 2),
                                hw,
                                IndexFormat.GLOBAL_COLUMN_MAJOR,
                                IndexFormat.PER_PLANE)
                        .data());
        // 3D, spatial (2,3,4): coordinate (1,0,2) is row-major 1*12 + 0*4 + 2 = 14, column-major 1 + 0*2 + 2*(2*3) = 13
        assertArrayEquals(
                new long[] {13},
                Indices.convert(
                                LongTensor.of(new long[] {14}, 1, 1, 1, 1, 1),
                                new int[] {2, 3, 4},
                                IndexFormat.PER_PLANE,
                                IndexFormat.GLOBAL_COLUMN_MAJOR)
                        .data());
        assertEquals(13, Oracle.encode(14, 0, 0, 1, new int[] {2, 3, 4}, IndexFormat.GLOBAL_COLUMN_MAJOR));
    }

    @Test
    void indexFormatsRoundTrip() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (Layout layout : Layout.values()) {
            for (boolean batched : new boolean[] {true, false}) {
                int n = batched ? 2 : 1;
                Grid x = new Grid(n, 3, new int[] {5, 4, 3});
                for (int i = 0; i < x.v.length; i++) x.v[i] = (float) rnd.nextDouble();
                int[] in = {5, 4, 3};
                LongTensor idx = Pooling.forwardWithIndices(
                                PoolSpec.max(2, 2, 2).stride(1, 2, 1).build(), Oracle.toTensor(x, layout, batched))
                        .indices();
                LongGrid perPlane = Oracle.fromLongTensor(idx, 3);
                for (IndexFormat from : IndexFormat.values()) {
                    LongTensor a = Indices.convert(idx, in, IndexFormat.PER_PLANE, from);
                    assertArrayEquals(
                            Oracle.encodeAll(perPlane, in, from).v, Oracle.fromLongTensor(a, 3).v, layout + " " + from);
                    for (IndexFormat to : IndexFormat.values()) {
                        LongTensor b = Indices.convert(a, in, from, to);
                        assertArrayEquals(
                                Oracle.encodeAll(perPlane, in, to).v,
                                Oracle.fromLongTensor(b, 3).v,
                                layout + " " + from + " -> " + to);
                        assertArrayEquals(
                                a.data(),
                                Indices.convert(b, in, to, from).data(),
                                layout + " " + from + " -> " + to + " -> " + from);
                    }
                }
            }
        }
        // a channels-last index whose channel disagrees with its element's channel is rejected: C=2, value 1 names
        // channel 1 in channel 0
        assertThrows(
                IllegalArgumentException.class,
                () -> Indices.convert(
                        LongTensor.of(new long[] {1, 1}, 1, 2, 1),
                        new int[] {4},
                        IndexFormat.CHANNELS_LAST,
                        IndexFormat.PER_PLANE));
    }
}
