package org.pooling4j.nn;

import java.util.Objects;
import java.util.Random;

/** Seeded weight initialisations. The same seed always gives the same values. */
public final class Init {
    private Init() {}

    /**
     * He (Kaiming) normal: {@code N(0, 2 / fanIn)}, for weights followed by a ReLU.
     *
     * @throws IllegalArgumentException unless {@code fanIn >= 1}
     */
    public static void heNormal(float[] w, int fanIn, long seed) {
        Objects.requireNonNull(w, "w must not be null");
        Layers.atLeast(fanIn, 1, "fanIn");
        Random r = new Random(seed);
        double sd = Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() * sd);
    }

    /**
     * Xavier (Glorot) uniform: {@code U(-a, a)} with {@code a = sqrt(6 / (fanIn + fanOut))}, for
     * weights followed by a linear output or a saturating non-linearity.
     *
     * @throws IllegalArgumentException unless {@code fanIn >= 1} and {@code fanOut >= 1}
     */
    public static void xavierUniform(float[] w, int fanIn, int fanOut, long seed) {
        Objects.requireNonNull(w, "w must not be null");
        Layers.atLeast(fanIn, 1, "fanIn");
        Layers.atLeast(fanOut, 1, "fanOut");
        Random r = new Random(seed);
        double a = Math.sqrt(6.0 / ((double) fanIn + fanOut));
        for (int i = 0; i < w.length; i++) w[i] = (float) ((2 * r.nextDouble() - 1) * a);
    }
}
