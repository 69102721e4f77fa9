package org.pooling4j.internal.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast kernels' branch-free gate against the reference's two-branch sigmoid, bit for bit
 * ({@link Double#doubleToLongBits}, under which every NaN is the same NaN, as the kernels' tests
 * compare).
 */
class SigmoidTest {
    private static final long SEED = 20261207L;

    private static void same(double z) {
        assertEquals(
                Double.doubleToLongBits(ReferenceKernel.sigmoid(z)),
                Double.doubleToLongBits(FastKernel.sigmoid(z)),
                "seed " + SEED + ": z = " + z);
    }

    @Test
    void equalsTheReferenceBitForBit() {
        double[] special = {
            0.0,
            -0.0,
            Double.NaN,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            Double.MIN_VALUE,
            -Double.MIN_VALUE,
            1e-300,
            -1e-300,
            36,
            -36,
            709,
            -709,
            746,
            -746,
            1e300,
            -1e300
        };
        for (double z : special) same(z);
        SplittableRandom r = new SplittableRandom(SEED);
        for (int i = 0; i < 200_000; i++) {
            double z = i % 2 == 0 ? r.nextDouble(-8, 8) : Math.scalb(r.nextDouble(-1, 1), r.nextInt(-60, 12));
            same(z);
        }
    }
}
