package org.pooling4j.nn;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Adam (Kingma and Ba 2015) with L2 weight decay added to the gradient, as PyTorch's Adam:
 * {@code g = grad + wd * w; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;}
 * {@code w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)}, with t counted per parameter.
 */
public final class Adam implements Optimizer {
    private double lr;
    private final double beta1, beta2, eps, weightDecay;
    private final Map<float[], State> state = new IdentityHashMap<>();

    private static final class State {
        final float[] m, v;
        int t;

        State(int n) {
            m = new float[n];
            v = new float[n];
        }
    }

    /**
     * @throws IllegalArgumentException unless lr > 0, beta1 and beta2 in [0, 1), eps > 0 and
     *     weightDecay >= 0, all finite
     */
    public Adam(double lr, double beta1, double beta2, double eps, double weightDecay) {
        setLearningRate(lr);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 = " + beta1 + ": must be in [0, 1)");
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 = " + beta2 + ": must be in [0, 1)");
        if (!(eps > 0 && eps < Double.POSITIVE_INFINITY))
            throw new IllegalArgumentException("eps = " + eps + ": must be finite and > 0");
        if (!(weightDecay >= 0 && weightDecay < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("weightDecay = " + weightDecay + ": must be finite and >= 0");
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** Adam with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam(double lr) {
        this(lr, 0.9, 0.999, 1e-8, 0);
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
            State s = state.computeIfAbsent(w, k -> new State(k.length));
            s.t++;
            double c1 = 1 - Math.pow(beta1, s.t);
            double c2 = 1 - Math.pow(beta2, s.t);
            float[] m = s.m, v = s.v;
            for (int i = 0; i < w.length; i++) {
                double gi = g[i] + weightDecay * w[i];
                double mi = beta1 * m[i] + (1 - beta1) * gi;
                double vi = beta2 * v[i] + (1 - beta2) * gi * gi;
                m[i] = (float) mi;
                v[i] = (float) vi;
                w[i] -= (float) (lr * (mi / c1) / (Math.sqrt(vi / c2) + eps));
            }
        }
    }
}
