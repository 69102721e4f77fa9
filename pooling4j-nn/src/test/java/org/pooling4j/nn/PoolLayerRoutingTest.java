package org.pooling4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;

/**
 * Stochastic and fractional max layers route their backward by the taps the forward picked, gated
 * layers by the gates and winners their forward kept, and max and adaptive max layers by their
 * forward's compact argmax. Their gradients must be those of the reference
 * kernel run on the same draws (the layers are seeded, so a second layer with the same seed draws the
 * same), bit for bit, and those of a hand-worked example.
 */
class PoolLayerRoutingTest {
    private static final long SEED = Long.getLong("pooling4j.seed", 7321L);
    private static final String FORCE = "pooling4j.kernel";

    @AfterEach
    void clearForcedKernel() {
        System.clearProperty(FORCE);
    }

    /** ReLU-like data: about half exact zeros, small integers (ties) and fractions. */
    private static Tensor reluLike(SplittableRandom r, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            int pick = r.nextInt(4);
            x[i] = pick < 2 ? 0f : pick == 2 ? r.nextInt(3) : (float) r.nextDouble() * 3;
        }
        return Tensor.of(x, shape);
    }

    private static Tensor gradient(SplittableRandom r, int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] g = new float[n];
        // Multiples of 1/8: sums of them are exact, so overlapping windows add up the same in any order.
        for (int i = 0; i < n; i++) g[i] = (r.nextInt(129) - 64) / 8f;
        return Tensor.of(g, shape);
    }

    /** Two forwards and backwards of a fresh layer each, by default kernels and by the reference kernel. */
    private static void sameAsReference(String what, Supplier<PoolLayer> make, boolean training, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] shape = {1 + r.nextInt(3), 1 + r.nextInt(3), 4 + r.nextInt(9), 4 + r.nextInt(9)};
        Tensor[] xs = {reluLike(r, shape), reluLike(r, shape)};
        PoolLayer fast = make.get();
        PoolLayer ref = make.get();
        fast.setTraining(training);
        ref.setTraining(training);
        for (Tensor x : xs) {
            Tensor gy = gradient(r, fast.outputShape(x.shape()));
            System.clearProperty(FORCE);
            Tensor y = fast.forward(x);
            Tensor gx = fast.backward(gy);
            System.setProperty(FORCE, "reference");
            Tensor yRef = ref.forward(x);
            Tensor gxRef = ref.backward(gy);
            System.clearProperty(FORCE);
            String at = what + " on " + java.util.Arrays.toString(shape) + ", seed " + seed;
            assertEquals("reference", ref.lastKernel(), at);
            assertBits(yRef.data(), y.data(), at + ": forward");
            assertBits(gxRef.data(), gx.data(), at + ": backward");
        }
    }

    private static void assertBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                fail(what + ": element " + i + ": reference " + expected[i] + ", layer " + actual[i]);
            }
        }
    }

    @Test
    void stochasticAndFractionalBackwardsMatchTheReference() {
        SplittableRandom base = new SplittableRandom(SEED);
        for (int i = 0; i < 40; i++) {
            long seed = base.nextLong();
            long layerSeed = seed >>> 1;
            sameAsReference("stochastic k2 s2", () -> PoolLayer.stochastic(2, 2, layerSeed), true, seed);
            sameAsReference("stochastic k3 s2", () -> PoolLayer.stochastic(3, 2, layerSeed), true, seed);
            sameAsReference("stochastic k2 s2 evaluation", () -> PoolLayer.stochastic(2, 2, layerSeed), false, seed);
            // Gated keeps its forward's gates and winners for the backward (the reference keeps none).
            sameAsReference("gated k2 s2", () -> PoolLayer.gated(2, 2, layerSeed), true, seed);
            sameAsReference("gated k3 s2", () -> PoolLayer.gated(3, 2, layerSeed), true, seed);
            sameAsReference("fractional k2 /2", () -> PoolLayer.fractionalDivide(2, 2, layerSeed), true, seed);
            sameAsReference("fractional k2 x0.7", () -> PoolLayer.fractionalMax(2, 0.7, layerSeed), true, seed);
            sameAsReference("fractional k2 evaluation", () -> PoolLayer.fractionalDivide(2, 2, layerSeed), false, seed);
        }
    }

    /**
     * Max and adaptive max layers keep their forward's compact argmax (a fast kernel's, whatever kernel
     * is forced); their outputs and gradients must be the reference kernel's, computed here by the core's
     * recomputing calls with the reference kernel forced. Input sizes 4 to 12 against outputs of 2 and 3:
     * adaptive windows that tile the input (run as max) and ones that do not.
     */
    @Test
    void maxAndAdaptiveMaxLayersMatchTheReference() {
        SplittableRandom base = new SplittableRandom(SEED + 1);
        for (int i = 0; i < 40; i++) {
            long seed = base.nextLong();
            SplittableRandom r = new SplittableRandom(seed);
            int[] shape = {1 + r.nextInt(3), 1 + r.nextInt(3), 4 + r.nextInt(9), 4 + r.nextInt(9)};
            Object[][] cases = {
                {
                    "max k2 s2",
                    PoolLayer.max(2, 2),
                    PoolSpec.max(2, 2).stride(2, 2).build()
                },
                {
                    "adaptive max 2x2",
                    PoolLayer.adaptiveMax(2, 2),
                    PoolSpec.adaptiveMax(2, 2).build()
                },
                {
                    "adaptive max 3x2",
                    PoolLayer.adaptiveMax(3, 2),
                    PoolSpec.adaptiveMax(3, 2).build()
                },
            };
            for (Object[] c : cases) {
                PoolLayer layer = (PoolLayer) c[1];
                PoolSpec spec = (PoolSpec) c[2];
                layer.setTraining(true);
                Tensor x = reluLike(r, shape);
                Tensor gy = gradient(r, layer.outputShape(x.shape()));
                Tensor y = layer.forward(x);
                Tensor gx = layer.backward(gy);
                System.setProperty(FORCE, "reference");
                Tensor yRef = Pooling.forward(spec, x);
                Tensor gxRef = Pooling.backward(spec, x, gy);
                System.clearProperty(FORCE);
                String at = c[0] + " on " + java.util.Arrays.toString(shape) + ", seed " + seed;
                assertBits(yRef.data(), y.data(), at + ": forward");
                assertBits(gxRef.data(), gx.data(), at + ": backward");
            }
        }
    }

    @Test
    void stochasticBackwardGoesToTheDrawnTap() {
        // By hand: one 2x2 window per output, its positive values distinct, so the drawn value names
        // its tap; an all-zero window gives 0 and passes its gradient to its first tap.
        float[] x = {
            0, 1, 0, 0, //
            2, 0, 0, 0, //
            0, 0, 4, 3, //
            0, 0, 5, 6
        };
        PoolLayer layer = PoolLayer.stochastic(2, 2, SEED);
        for (int step = 0; step < 20; step++) {
            Tensor y = layer.forward(Tensor.of(x.clone(), 1, 1, 4, 4));
            float[] v = y.data();
            assertEquals(0f, v[1], "all-zero window");
            float[][] allowed = {{1, 2}, {0}, {0}, {4, 3, 5, 6}};
            int[][] taps = {{0, 1, 4, 5}, {2, 3, 6, 7}, {8, 9, 12, 13}, {10, 11, 14, 15}};
            float[] gy = {1, 2, 4, 8};
            float[] expected = new float[16];
            for (int q = 0; q < 4; q++) {
                boolean ok = false;
                for (float a : allowed[q]) ok |= a == v[q];
                if (!ok) fail("window " + q + " drew " + v[q] + " (layer seed " + SEED + ")");
                int at = taps[q][0];
                for (int t : taps[q]) {
                    if (x[t] == v[q] && v[q] != 0) at = t;
                }
                expected[at] += gy[q];
            }
            Tensor gx = layer.backward(Tensor.of(gy.clone(), 1, 1, 2, 2));
            assertBits(expected, gx.data(), "step " + step + ", layer seed " + SEED);
        }
    }
}
