package org.pooling4j.nn;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.pooling4j.Tensor;

/**
 * Central finite differences in double against a layer's backward. The scalar checked is
 * {@code L = sum r_i y_i} for fixed random {@code r}, computed in double from the float outputs, so
 * {@code dL/dy = r}.
 */
final class GradCheck {
    static final double H = 1e-3;
    static final double ATOL = 2e-3;
    static final double RTOL = 1e-2;

    private GradCheck() {}

    static Tensor random(Random r, double lo, double hi, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return Tensor.of(a, shape);
    }

    /** Distinct values (a shuffled grid with spacing {@code step}), so maxima are unique and stay put under +-H. */
    static Tensor distinct(Random r, double lo, double step, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (lo + step * i);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return Tensor.of(a, shape);
    }

    static double loss(Tensor y, float[] r) {
        double s = 0;
        float[] d = y.data();
        for (int i = 0; i < d.length; i++) s += (double) d[i] * r[i];
        return s;
    }

    /** Checks dL/dx and every trainable parameter's gradient of {@code layer} at {@code x}. */
    static void check(String what, long seed, Layer layer, Tensor x) {
        Random rnd = new Random(seed);
        Tensor y0 = layer.forward(x);
        float[] r = new float[y0.size()];
        for (int i = 0; i < r.length; i++) r[i] = (float) (rnd.nextDouble() * 2 - 1);
        for (Param p : layer.params()) p.zeroGrad();
        layer.forward(x);
        Tensor dx = layer.backward(Tensor.of(r.clone(), y0.shape()));
        float[][] analytic = new float[layer.params().size()][];
        for (int k = 0; k < analytic.length; k++)
            analytic[k] = layer.params().get(k).grad().clone();
        float[] xd = x.data().clone();
        for (int i = 0; i < xd.length; i++) {
            float keep = xd[i];
            xd[i] = (float) (keep + H);
            double lp = loss(layer.forward(Tensor.of(xd, x.shape())), r);
            xd[i] = (float) (keep - H);
            double lm = loss(layer.forward(Tensor.of(xd, x.shape())), r);
            xd[i] = keep;
            double num = (lp - lm) / (2 * H);
            compare(what + " dL/dx[" + i + "]", seed, num, dx.data()[i]);
        }
        for (int k = 0; k < analytic.length; k++) {
            Param p = layer.params().get(k);
            if (!p.trainable()) continue;
            float[] w = p.value();
            for (int i = 0; i < w.length; i++) {
                float keep = w[i];
                w[i] = (float) (keep + H);
                double lp = loss(layer.forward(x), r);
                w[i] = (float) (keep - H);
                double lm = loss(layer.forward(x), r);
                w[i] = keep;
                compare(what + " dL/d" + p.name() + "[" + i + "]", seed, (lp - lm) / (2 * H), analytic[k][i]);
            }
        }
    }

    static void compare(String what, long seed, double numeric, double analytic) {
        if (Math.abs(numeric - analytic) > ATOL + RTOL * Math.max(Math.abs(numeric), Math.abs(analytic))) {
            fail(what + ": finite difference " + numeric + " vs backward " + analytic + " (seed " + seed + ")");
        }
    }
}
