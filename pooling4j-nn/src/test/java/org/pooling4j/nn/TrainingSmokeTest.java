package org.pooling4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pooling4j.Tensor;

/** A tiny network learns a trivially separable problem: which half of the image is bright. */
class TrainingSmokeTest {
    static Tensor halves(Random r, int[] labels, int n) {
        float[] x = new float[n * 8 * 8];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(2);
            for (int y = 0; y < 8; y++) {
                for (int c = 0; c < 8; c++) {
                    boolean bright = (c < 4) == (labels[i] == 0);
                    x[i * 64 + y * 8 + c] = (float) ((bright ? 0.8 : 0.1) + 0.1 * r.nextDouble());
                }
            }
        }
        return Tensor.of(x, n, 1, 8, 8);
    }

    @Test
    void learnsLeftVersusRightToFullAccuracy() {
        for (String pool : new String[] {"max", "avg", "stochastic", "gated", "fractional", "gaussian"}) {
            long seed = 42;
            Random r = new Random(seed);
            Sequential net = new Sequential(
                    new Conv2d(1, 4, 3, 1, 1, true, seed),
                    new ReLU(),
                    Pools.of(pool, 2, 2, seed),
                    new Flatten(),
                    Linear.xavier(4 * 4 * 4, 2, true, seed + 1));
            SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
            Optimizer opt = new Adam(0.01);
            int[] labels = new int[32];
            float first = Float.NaN, last = 0;
            for (int step = 0; step < 30; step++) {
                Tensor x = halves(r, labels, 32);
                opt.zeroGrad(net.params());
                last = ce.forward(net.forward(x), labels);
                if (step == 0) first = last;
                net.backward(ce.backward());
                opt.step(net.params());
            }
            net.setTraining(false);
            int[] test = new int[64];
            Tensor x = halves(new Random(seed + 100), test, 64);
            ce.forward(net.forward(x), test);
            assertArrayEquals(
                    test,
                    ce.predictions(),
                    pool + ": every test image classified (loss " + first + " -> " + last + ", seed " + seed + ")");
            assertTrue(last < first, pool + ": the loss fell");
        }
    }
}
