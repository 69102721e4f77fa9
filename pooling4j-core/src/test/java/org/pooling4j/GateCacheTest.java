package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The public gated calls that keep the forward's windows for the backward: the same bits as the calls
 * that recompute them, on the kernel that keeps them and on one that does not, and a clear refusal of
 * a cache that belongs to another forward.
 */
class GateCacheTest {
    private static final long SEED = Long.getLong("pooling4j.seed", 77L);

    private static float[] relu(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            // ReLU outputs: many zeros of both signs (ties), and a few large values.
            a[i] = u < 0.3 ? 0f : u < 0.4 ? -0f : (float) (r.nextDouble() * 3 - 0.5);
        }
        return a;
    }

    private static PoolSpec spec(SplittableRandom r, int taps) {
        float[] w = new float[taps];
        for (int i = 0; i < taps; i++) w[i] = (float) (r.nextDouble() * 4 - 2);
        return PoolSpec.gated(2, 2).stride(2, 2).weights(w, taps).build();
    }

    private static void sameBits(Tensor want, Tensor got, String what) {
        float[] a = want.data();
        float[] b = got.data();
        assertEquals(a.length, b.length, what);
        for (int i = 0; i < a.length; i++) {
            int at = i;
            assertEquals(
                    Float.floatToIntBits(a[i]),
                    Float.floatToIntBits(b[i]),
                    () -> what + " at " + at + ": " + a[at] + " vs " + b[at] + " (seed " + SEED + ")");
        }
    }

    @Test
    void gradientsFromTheCacheAreTheRecomputedOnesBitForBit() {
        SplittableRandom r = new SplittableRandom(SEED);
        int[][] shapes = {{4, 6, 24, 24}, {2, 3, 9, 7}, {1, 5, 8, 8}, {3, 2, 2, 2}};
        for (int[] shape : shapes) {
            PoolSpec spec = spec(r, 4);
            Tensor x = Tensor.of(relu(r, shape[0] * shape[1] * shape[2] * shape[3]), shape);
            Tensor y = Tensor.zeros(Pooling.geometry(spec, x).outputShape());
            GateCache cache = Pooling.gatedForwardInto(spec, x, y);
            assertTrue(cache.kept(), "the variant kernel keeps the windows of channels-first input");
            assertEquals("variant", cache.kernel());
            sameBits(Pooling.forward(spec, x), y, "forward");
            float[] go = new float[y.size()];
            for (int i = 0; i < go.length; i++) go[i] = (float) (r.nextDouble() * 2 - 1);
            Tensor gy = Tensor.of(go, y.shape());
            Pooling.Gradients want = Pooling.backwardWithWeights(spec, x, gy);
            Pooling.Gradients got = Pooling.backwardWithWeights(spec, x, gy, cache);
            sameBits(want.input(), got.input(), "input gradient " + java.util.Arrays.toString(shape));
            sameBits(want.weights(), got.weights(), "weight gradient " + java.util.Arrays.toString(shape));
        }
    }

    /**
     * Training steps hand each forward the cache of the step before: it is refilled (same object) while
     * it has room, with each step's new weights, and its gradients are those of a fresh cache; a larger
     * input gets a new cache; a bad output leaves the old cache as it was.
     */
    @Test
    void aReusedCacheIsRefilledForEachStep() {
        SplittableRandom r = new SplittableRandom(SEED + 3);
        int[] shape = {2, 3, 10, 10};
        GateCache reused = null;
        for (int step = 0; step < 4; step++) {
            PoolSpec spec = spec(r, 4);
            Tensor x = Tensor.of(relu(r, 2 * 3 * 10 * 10), shape);
            Tensor y = Tensor.zeros(2, 3, 5, 5);
            GateCache before = reused;
            reused = Pooling.gatedForwardInto(spec, x, y, reused);
            if (before != null) assertSame(before, reused, "step " + step + " reuses the cache");
            assertTrue(reused.kept());
            sameBits(Pooling.forward(spec, x), y, "forward, step " + step);
            float[] go = new float[y.size()];
            for (int i = 0; i < go.length; i++) go[i] = (float) (r.nextDouble() * 2 - 1);
            Tensor gy = Tensor.of(go, y.shape());
            Pooling.Gradients want = Pooling.backwardWithWeights(
                    spec, x, gy, Pooling.gatedForwardInto(spec, x, Tensor.zeros(2, 3, 5, 5)));
            Pooling.Gradients got = Pooling.backwardWithWeights(spec, x, gy, reused);
            sameBits(want.input(), got.input(), "input gradient, step " + step);
            sameBits(want.weights(), got.weights(), "weight gradient, step " + step);
            // The refilled cache belongs to this step's spec only.
            PoolSpec older = spec(r, 4);
            GateCache mine = reused;
            assertThrows(IllegalArgumentException.class, () -> Pooling.backwardWithWeights(older, x, gy, mine));
        }
        PoolSpec spec = spec(r, 4);
        Tensor big = Tensor.of(relu(r, 2 * 3 * 12 * 12), 2, 3, 12, 12);
        GateCache grown = Pooling.gatedForwardInto(spec, big, Tensor.zeros(2, 3, 6, 6), reused);
        assertNotSame(reused, grown, "a forward with more outputs gets a new cache");
        Geometry kept = reused.geometry();
        GateCache last = reused;
        Tensor x = Tensor.of(relu(r, 2 * 3 * 10 * 10), shape);
        assertThrows(
                IllegalArgumentException.class,
                () -> Pooling.gatedForwardInto(spec, x, Tensor.zeros(2, 3, 4, 4), last));
        assertSame(kept, reused.geometry(), "a refused call leaves the cache as it was");
        assertTrue(reused.kept());
    }

    @Test
    void aKernelThatKeepsNothingRecomputes() {
        SplittableRandom r = new SplittableRandom(SEED + 1);
        PoolSpec spec = spec(r, 4);
        Tensor cf = Tensor.of(relu(r, 2 * 3 * 6 * 6), 2, 3, 6, 6);
        Tensor x = cf.toLayout(Layout.CHANNELS_LAST, true);
        Tensor y = Tensor.zeros(Layout.CHANNELS_LAST, Pooling.geometry(spec, x).outputShape());
        GateCache cache = Pooling.gatedForwardInto(spec, x, y);
        assertFalse(cache.kept(), "channels-last input runs on a kernel that keeps nothing");
        float[] go = new float[y.size()];
        for (int i = 0; i < go.length; i++) go[i] = (float) (r.nextDouble() * 2 - 1);
        Tensor gy = new Tensor(go, y.shape(), Layout.CHANNELS_LAST);
        sameBits(
                Pooling.backwardWithWeights(spec, x, gy).input(),
                Pooling.backwardWithWeights(spec, x, gy, cache).input(),
                "input gradient");
    }

    @Test
    void aCacheOfAnotherForwardIsRefused() {
        SplittableRandom r = new SplittableRandom(SEED + 2);
        PoolSpec spec = spec(r, 4);
        Tensor x = Tensor.of(relu(r, 1 * 2 * 8 * 8), 1, 2, 8, 8);
        Tensor other = Tensor.of(relu(r, 1 * 2 * 6 * 6), 1, 2, 6, 6);
        GateCache small = Pooling.gatedForwardInto(spec, other, Tensor.zeros(1, 2, 3, 3));
        Tensor gy = Tensor.zeros(1, 2, 4, 4);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Pooling.backwardWithWeights(spec, x, gy, small));
        assertTrue(e.getMessage().contains("cache"), e.getMessage());
        assertTrue(e.getMessage().contains("[1, 2, 6, 6]"), e.getMessage());
        // Other weights: another spec.
        GateCache otherWeights = Pooling.gatedForwardInto(spec(r, 4), x, Tensor.zeros(1, 2, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> Pooling.backwardWithWeights(spec, x, gy, otherWeights));
        IllegalArgumentException op = assertThrows(
                IllegalArgumentException.class,
                () -> Pooling.gatedForwardInto(PoolSpec.max(2, 2).build(), x, Tensor.zeros(1, 2, 7, 7)));
        assertTrue(op.getMessage().contains("spec.op"), op.getMessage());
        // The output is checked before anything runs.
        assertThrows(IllegalArgumentException.class, () -> Pooling.gatedForwardInto(spec, x, Tensor.zeros(1, 2, 5, 5)));
        assertArrayEquals(new int[] {1, 2, 8, 8}, x.shape());
    }
}
