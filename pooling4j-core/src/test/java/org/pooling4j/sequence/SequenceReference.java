package org.pooling4j.sequence;

/**
 * A second, separately written sequence pooling in double precision, for tests: each mode transcribed
 * from sentence-transformers' tensor expressions over a full (N, L, D) expanded mask, token by token,
 * with an analytic gradient. Slow on purpose: no shared code with the kernels.
 */
final class SequenceReference {
    private SequenceReference() {}

    /** Output (N, modes.length * D) for x (N, L, D) and mask (N, L) of 0/1. */
    static double[] forward(String[] modes, double p, double eps, double[] x, double[] mask, int n, int l, int d) {
        double[] out = new double[n * modes.length * d];
        for (int b = 0; b < n; b++) {
            for (int k = 0; k < modes.length; k++) {
                for (int f = 0; f < d; f++) {
                    out[(b * modes.length + k) * d + f] = one(modes[k], p, eps, x, mask, b, l, d, f);
                }
            }
        }
        return out;
    }

    private static double one(
            String mode, double p, double eps, double[] x, double[] mask, int b, int l, int d, int f) {
        switch (mode) {
            case "cls": {
                int first = 0; // argmax of the mask: index of its first maximum
                for (int t = 0; t < l; t++) if (mask[b * l + t] > mask[b * l + first]) first = t;
                return x[(b * l + first) * d + f];
            }
            case "lasttoken": {
                // flip(1).max(1): the first maximum of the reversed mask; a zero maximum means index L-1.
                int rev = 0;
                for (int t = 0; t < l; t++) if (mask[b * l + (l - 1 - t)] > mask[b * l + (l - 1 - rev)]) rev = t;
                if (mask[b * l + (l - 1 - rev)] == 0) rev = l - 1;
                int idx = l - rev - 1;
                return x[(b * l + idx) * d + f] * mask[b * l + idx];
            }
            case "max": {
                double best = Double.NEGATIVE_INFINITY;
                boolean nan = false;
                for (int t = 0; t < l; t++) {
                    double v = mask[b * l + t] == 0 ? Double.NEGATIVE_INFINITY : x[(b * l + t) * d + f];
                    if (Double.isNaN(v)) nan = true;
                    else best = Math.max(best, v);
                }
                return nan ? Double.NaN : best;
            }
            case "mean":
            case "mean_sqrt_len_tokens":
            case "weightedmean": {
                double s = 0;
                double c = 0;
                for (int t = 0; t < l; t++) {
                    double w = mask[b * l + t] * (mode.equals("weightedmean") ? t + 1 : 1);
                    s += x[(b * l + t) * d + f] * w;
                    c += w;
                }
                c = Math.max(c, 1e-9);
                return mode.equals("mean_sqrt_len_tokens") ? s / Math.sqrt(c) : s / c;
            }
            case "gem": {
                double s = 0;
                double c = 0;
                for (int t = 0; t < l; t++) {
                    s += Math.pow(Math.max(x[(b * l + t) * d + f], eps), p) * mask[b * l + t];
                    c += mask[b * l + t];
                }
                return Math.pow(s / Math.max(c, 1e-9), 1 / p);
            }
            default:
                throw new IllegalArgumentException(mode);
        }
    }

    /** d(sum(out * g))/dx, analytic; max's tie goes to the first maximum; gem's all-zero row gives 0. */
    static double[] backward(
            String[] modes, double p, double eps, double[] x, double[] mask, double[] g, int n, int l, int d) {
        double[] gx = new double[n * l * d];
        for (int b = 0; b < n; b++) {
            for (int k = 0; k < modes.length; k++) {
                for (int f = 0; f < d; f++) {
                    double gy = g[(b * modes.length + k) * d + f];
                    grad(modes[k], p, eps, x, mask, b, l, d, f, gy, gx);
                }
            }
        }
        return gx;
    }

    private static void grad(
            String mode,
            double p,
            double eps,
            double[] x,
            double[] mask,
            int b,
            int l,
            int d,
            int f,
            double gy,
            double[] gx) {
        int row = b * l;
        switch (mode) {
            case "cls": {
                int first = 0;
                for (int t = 0; t < l; t++) if (mask[row + t] > mask[row + first]) first = t;
                gx[(row + first) * d + f] += gy;
                return;
            }
            case "lasttoken": {
                int idx = 0;
                for (int t = 0; t < l; t++) if (mask[row + t] == 1) idx = t;
                gx[(row + idx) * d + f] += gy * mask[row + idx];
                return;
            }
            case "max": {
                int arg = -1;
                double best = Double.NEGATIVE_INFINITY;
                for (int t = 0; t < l; t++) {
                    if (mask[row + t] == 0) continue;
                    double v = x[(row + t) * d + f];
                    if (arg < 0 || v > best) {
                        best = v;
                        arg = t;
                    }
                }
                if (arg >= 0) gx[(row + arg) * d + f] += gy;
                return;
            }
            case "mean":
            case "mean_sqrt_len_tokens":
            case "weightedmean": {
                double c = 0;
                for (int t = 0; t < l; t++) c += mask[row + t] * (mode.equals("weightedmean") ? t + 1 : 1);
                c = Math.max(c, 1e-9);
                double div = mode.equals("mean_sqrt_len_tokens") ? Math.sqrt(c) : c;
                for (int t = 0; t < l; t++) {
                    double w = mask[row + t] * (mode.equals("weightedmean") ? t + 1 : 1);
                    gx[(row + t) * d + f] += gy * w / div;
                }
                return;
            }
            case "gem": {
                double c = 0;
                double s = 0;
                for (int t = 0; t < l; t++) {
                    c += mask[row + t];
                    s += Math.pow(Math.max(x[(row + t) * d + f], eps), p) * mask[row + t];
                }
                if (c == 0) return;
                double y = Math.pow(s / c, 1 / p);
                for (int t = 0; t < l; t++) {
                    double v = x[(row + t) * d + f];
                    if (mask[row + t] == 0 || v < eps) continue;
                    // dy/dv = (1/p) (s/c)^(1/p - 1) * p v^(p-1) / c = y * v^(p-1) / s
                    gx[(row + t) * d + f] += gy * y * Math.pow(v, p - 1) / s;
                }
                return;
            }
            default:
                throw new IllegalArgumentException(mode);
        }
    }
}
