package org.pooling4j.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.pooling4j.Tensor;

/**
 * Inverted dropout: in training each element is zeroed with probability {@code p} and the others are
 * scaled by {@code 1 / (1 - p)}, so evaluation (where the layer is the identity) needs no rescaling.
 * Masks come from a seeded generator: the same seed and calls give the same masks.
 */
public final class Dropout extends Layer {
    private final double p;
    private final long seed;
    private final SplittableRandom random;
    private float[] mask;
    private int[] lastShape;
    private boolean frozen;

    /** @throws IllegalArgumentException unless {@code 0 <= p < 1} */
    public Dropout(double p, long seed) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("p = " + p + ": must be in [0, 1)");
        this.p = p;
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    /** Keeps the last mask for the following training forwards of the same shape (for gradient checks). */
    void freezeMask(boolean frozen) {
        this.frozen = frozen;
    }

    @Override
    public Tensor forward(Tensor x) {
        Layers.notNull(x, "x");
        if (!training()) {
            lastShape = null;
            return x;
        }
        float[] a = x.data();
        if (!(frozen && mask != null && mask.length == a.length)) {
            mask = new float[a.length];
            float keep = (float) (1 / (1 - p));
            for (int i = 0; i < a.length; i++) mask[i] = random.nextDouble() < p ? 0f : keep;
        }
        float[] y = new float[a.length];
        for (int i = 0; i < a.length; i++) y[i] = a[i] * mask[i];
        lastShape = x.shape();
        return Tensor.of(y, lastShape);
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        Layers.notNull(gradOut, "gradOut");
        if (lastShape == null) return gradOut; // evaluation forward: the identity
        Layers.checkSame("dropout", lastShape, gradOut);
        float[] g = gradOut.data();
        float[] dx = new float[g.length];
        for (int i = 0; i < g.length; i++) dx[i] = g[i] * mask[i];
        return Tensor.of(dx, lastShape);
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        Layers.elementCount(inputShape, "inputShape");
        return inputShape.clone();
    }

    @Override
    public String kind() {
        return "dropout";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p", p);
        m.put("seed", seed);
        return m;
    }
}
