package org.pooling4j.nn;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Stochastic gradient descent with momentum and L2 weight decay, as PyTorch's SGD:
 * {@code g = grad + wd * w; v = momentum * v + g} (v starts as g); {@code w -= lr * v}. With
 * momentum 0, {@code w -= lr * g}. State is kept per parameter array.
 */
public final class Sgd implements Optimizer {
    private double lr;
    private final double momentum, weightDecay;
    private final Map<float[], float[]> velocity = new IdentityHashMap<>();

    /** @throws IllegalArgumentException unless lr > 0, momentum in [0, 1) and weightDecay >= 0, all finite */
    public Sgd(double lr, double momentum, double weightDecay) {
        setLearningRate(lr);
        if (!(momentum >= 0 && momentum < 1))
            throw new IllegalArgumentException("momentum = " + momentum + ": must be in [0, 1)");
        if (!(weightDecay >= 0 && weightDecay < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("weightDecay = " + weightDecay + ": must be finite and >= 0");
        }
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    public void setLearningRate(double lr) {
        if (!(lr > 0 && lr < Double.POSITIVE_INFINITY))
            throw new IllegalArgumentException("lr = " + lr + ": must be finite and > 0");
        this.lr = lr;
    }

    public double learningRate() {
        return lr;
    }

    @Override
    public void step(List<Param> params) {
        Objects.requireNonNull(params, "params must not be null");
        for (Param p : params) {
            if (!p.trainable()) continue;
            float[] w = p.value();
            float[] g = p.grad();
            if (momentum == 0) {
                for (int i = 0; i < w.length; i++) w[i] -= (float) (lr * (g[i] + weightDecay * w[i]));
                continue;
            }
            float[] v = velocity.get(w);
            boolean first = v == null;
            if (first) {
                v = new float[w.length];
                velocity.put(w, v);
            }
            for (int i = 0; i < w.length; i++) {
                double gi = g[i] + weightDecay * w[i];
                double vi = first ? gi : momentum * v[i] + gi;
                v[i] = (float) vi;
                w[i] -= (float) (lr * vi);
            }
        }
    }
}
