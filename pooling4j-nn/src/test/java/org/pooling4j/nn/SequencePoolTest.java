package org.pooling4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pooling4j.Tensor;
import org.pooling4j.sequence.PaddingSide;
import org.pooling4j.sequence.SequenceMask;
import org.pooling4j.sequence.SequenceMode;
import org.pooling4j.sequence.SequenceSpec;

/** The sequence pooling layer: hand-worked forward, finite differences through a Sequential with a Linear head, bad input. */
class SequencePoolTest {
    @Test
    void forwardAndBackwardByHand() {
        SequencePool pool = SequencePool.of(SequenceMode.MEAN, SequenceMode.CLS);
        // two sequences of 3 tokens, D = 2; the second padded on the right after 1 token
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60}, 2, 3, 2);
        SequenceMask m = SequenceMask.ofLengths(new int[] {3, 1}, 3, PaddingSide.RIGHT);
        Tensor y = pool.forward(x, m);
        assertArrayEquals(new int[] {2, 4}, y.shape());
        assertArrayEquals(new float[] {3, 4, 1, 2, 10, 20, 10, 20}, y.data());
        Tensor g = pool.backward(Tensor.of(new float[] {3, 3, 1, 1, 1, 1, 1, 1}, 2, 4));
        // mean spreads 3/3 over three tokens, cls adds 1 to token 0; the second row's mean goes to token 0 alone
        assertArrayEquals(new float[] {2, 2, 1, 1, 1, 1, 2, 2, 0, 0, 0, 0}, g.data());
        assertArrayEquals(new int[] {5, 4}, pool.outputShape(new int[] {5, 7, 2}));
    }

    @Test
    void gradientThroughSequentialMatchesFiniteDifferences() {
        long seed = 1807;
        Random r = new Random(seed);
        SequencePool pool = new SequencePool(
                SequenceSpec.of(List.of(SequenceMode.MEAN, SequenceMode.WEIGHTEDMEAN, SequenceMode.GEM), 3, 1e-6));
        Linear head = new Linear(9, 2, true, seed);
        Sequential net = new Sequential(pool, head);
        Tensor x = GradCheck.random(r, 0.2, 2.0, 2, 4, 3);
        pool.setMask(SequenceMask.ofLengths(new int[] {4, 2}, 4, PaddingSide.LEFT));
        Tensor y = net.forward(x);
        assertArrayEquals(new int[] {2, 2}, y.shape());
        float[] w = {0.3f, -1.1f, 0.7f, 0.2f};
        Tensor gx = net.backward(Tensor.of(w.clone(), 2, 2));
        double h = 1e-2;
        for (int i = 0; i < x.size(); i++) {
            float keep = x.data()[i];
            x.data()[i] = (float) (keep + h);
            double up = dot(net.forward(x).data(), w);
            x.data()[i] = (float) (keep - h);
            double down = dot(net.forward(x).data(), w);
            x.data()[i] = keep;
            double fd = (up - down) / (2 * h);
            if (Math.abs(fd - gx.data()[i]) > 2e-3 + 1e-2 * Math.abs(fd)) {
                fail("seed " + seed + " x[" + i + "]: finite difference " + fd + ", backward " + gx.data()[i]);
            }
        }
    }

    @Test
    void badInput() {
        SequencePool pool = SequencePool.of(SequenceMode.MAX);
        assertThrows(IllegalStateException.class, () -> pool.backward(Tensor.zeros(1, 2)));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> pool.forward(Tensor.zeros(2, 3)));
        assertTrue(e.getMessage().contains("input shape = [2, 3]"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> pool.forward(Tensor.zeros(2, 3, 4), SequenceMask.ones(2, 4)));
        assertTrue(e.getMessage().contains("mask shape = [2, 4]"), e.getMessage());
        pool.forward(Tensor.zeros(2, 3, 4), SequenceMask.ones(2, 3));
        e = assertThrows(IllegalArgumentException.class, () -> pool.backward(Tensor.zeros(2, 5)));
        assertTrue(e.getMessage().contains("gradOut shape = [2, 5]"), e.getMessage());
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }
}
