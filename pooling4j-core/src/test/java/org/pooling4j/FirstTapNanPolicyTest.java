package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link NanPolicy#FIRST_TAP}, TensorFlow's {@code max_pool_with_argmax} rule: worked examples whose
 * results were read off TensorFlow 2.21's CPU kernel (the cli module's golden files hold the same
 * windows as TensorFlow wrote them).
 */
class FirstTapNanPolicyTest {
    private static final float NAN = Float.NaN;
    private static final float NINF = Float.NEGATIVE_INFINITY;

    private static Pooled pool(float[] x, PoolSpec.Builder b) {
        return Pooling.forwardWithIndices(
                b.nanPolicy(NanPolicy.FIRST_TAP).build(),
                new Tensor(x, new int[] {1, 1, x.length}, Layout.CHANNELS_FIRST));
    }

    private static void check(float[] x, float want, long index) {
        for (MaxFloor floor : MaxFloor.values()) {
            Pooled p = pool(x, PoolSpec.max(x.length).maxFloor(floor));
            String what = Arrays.toString(x) + " " + floor;
            assertEquals(
                    Float.floatToIntBits(want), Float.floatToIntBits(p.values().data()[0]), what);
            assertEquals(index, p.indices().data()[0], what);
        }
    }

    @Test
    void nanIsKeptOnlyAsTheFirstTap() {
        check(new float[] {NAN, 1, 2, 3}, NAN, 0);
        check(new float[] {1, NAN, 2, 3}, 3, 3);
        check(new float[] {1, 2, NAN, 3}, 3, 3);
        check(new float[] {NAN, NAN, NAN, NAN}, NAN, 0);
    }

    @Test
    void negativeInfinityWindows() {
        check(new float[] {NINF, NINF, NINF, NINF}, NINF, 0);
        check(new float[] {NINF, NAN, NINF, NINF}, NINF, 0);
        check(new float[] {NAN, NINF, NINF, NINF}, NAN, 0);
        check(new float[] {NINF, -Float.MAX_VALUE, NINF, NINF}, -Float.MAX_VALUE, 1);
        check(new float[] {5, 5, 5, 5}, 5, 0);
    }

    @Test
    void paddingIsSkippedAndTheFirstInBoundsTapIsTaken() {
        // [NaN, 2, -inf], k=2, s=2, SAME_UPPER (one pad at the end): windows {NaN, 2} and {-inf, pad}
        Pooled p = pool(
                new float[] {NAN, 2, NINF},
                PoolSpec.max(2).stride(2).autoPad(AutoPad.SAME_UPPER).maxFloor(MaxFloor.LOWEST_FINITE));
        assertArrayEquals(new float[] {NAN, NINF}, p.values().data());
        assertArrayEquals(new long[] {0, 2}, p.indices().data());
        // explicit padding before: window {pad, NaN} keeps the NaN, {1, 7} takes 7
        p = pool(new float[] {NAN, 1, 7}, PoolSpec.max(2).stride(2).padding(1));
        assertArrayEquals(new float[] {NAN, 7}, p.values().data());
        assertArrayEquals(new long[] {0, 2}, p.indices().data());
    }

    @Test
    void backwardRoutesThroughTheFirstTapArgmax() {
        PoolSpec spec = PoolSpec.max(2).stride(2).nanPolicy(NanPolicy.FIRST_TAP).build();
        Tensor x = new Tensor(new float[] {NAN, 1, 2, NAN}, new int[] {1, 1, 4}, Layout.CHANNELS_FIRST);
        Tensor g = new Tensor(new float[] {10, 20}, new int[] {1, 1, 2}, Layout.CHANNELS_FIRST);
        assertArrayEquals(
                new float[] {10, 0, 20, 0}, Pooling.backward(spec, x, g).data());
    }

    @Test
    void channelsLastRunsTheSameRule() {
        // two channels, k=2: channel 0 [NaN, 4] -> NaN at 0; channel 1 [3, NaN] -> 3 at 0
        PoolSpec spec = PoolSpec.max(2).nanPolicy(NanPolicy.FIRST_TAP).build();
        Tensor x = new Tensor(new float[] {NAN, 3, 4, NAN}, new int[] {1, 2, 2}, Layout.CHANNELS_LAST);
        Pooled p = Pooling.forwardWithIndices(spec, x);
        assertArrayEquals(new float[] {NAN, 3}, p.values().data());
        assertArrayEquals(new long[] {0, 0}, p.indices().data());
    }

    @Test
    void onlyForMaxGlobalMaxAndAdaptiveMax() {
        IllegalArgumentException e = assertThrowsExactly(
                IllegalArgumentException.class,
                () -> PoolSpec.avg(2).nanPolicy(NanPolicy.FIRST_TAP).build());
        assertEquals(
                "nanPolicy = FIRST_TAP: applies to max, global max and adaptive max pooling only, not AVG",
                e.getMessage());
    }
}
