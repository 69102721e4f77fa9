package org.pooling4j.sequence;

import java.util.Arrays;

/**
 * The loops of {@link SequencePlan}: one sequence (L rows of D contiguous floats) at a time, each mode
 * written into its own D-long block of the output row. Arithmetic is float32 in the order of
 * sentence-transformers' tensor expressions (mask products, then sums over the tokens, then one
 * division), so the results are those of its float32 forward up to the order of the sum. Nothing here
 * allocates.
 */
final class SequenceKernels {
    /** sentence-transformers' clamp of the token count (and of the weight sum), as a float32. */
    static final float MIN_COUNT = 1e-9f;

    private SequenceKernels() {}

    /** Forward of row {@code r}: x at {@code xo} (L × D), output row at {@code oo} (modes × D). */
    static void forwardRow(
            SequenceSpec spec, float[] x, int xo, SequenceMask mask, int r, int len, int d, float[] out, int oo) {
        float[] m = mask.raw();
        int mo = r * len;
        for (int k = 0; k < spec.modeCount(); k++) {
            int o = oo + k * d;
            switch (spec.mode(k)) {
                case CLS: {
                    // argmax of the mask: its first 1, or token 0 when there is none.
                    int t = Math.max(mask.first(r), 0);
                    System.arraycopy(x, xo + t * d, out, o, d);
                    break;
                }
                case LASTTOKEN: {
                    // The last 1, or token 0 when there is none; gathered from x * mask.
                    int t = Math.max(mask.last(r), 0);
                    float mt = m[mo + t];
                    int xt = xo + t * d;
                    for (int j = 0; j < d; j++) out[o + j] = x[xt + j] * mt;
                    break;
                }
                case MAX:
                    maxForward(x, xo, m, mo, len, d, out, o);
                    break;
                case MEAN:
                case MEAN_SQRT_LEN_TOKENS: {
                    float count = weightedSum(x, xo, m, mo, len, d, out, o, false);
                    float c = Math.max(count, MIN_COUNT);
                    if (spec.mode(k) == SequenceMode.MEAN_SQRT_LEN_TOKENS) c = (float) Math.sqrt(c);
                    for (int j = 0; j < d; j++) out[o + j] = out[o + j] / c;
                    break;
                }
                case WEIGHTEDMEAN: {
                    float c = Math.max(weightedSum(x, xo, m, mo, len, d, out, o, true), MIN_COUNT);
                    for (int j = 0; j < d; j++) out[o + j] = out[o + j] / c;
                    break;
                }
                case GEM:
                    gemForward(spec, x, xo, m, mo, len, d, out, o);
                    break;
                default:
                    throw new AssertionError(spec.mode(k));
            }
        }
    }

    /** torch.max over masked_fill(mask == 0, -inf): NaN wins, ties keep the first value. */
    private static void maxForward(float[] x, int xo, float[] m, int mo, int len, int d, float[] out, int o) {
        float m0 = m[mo];
        for (int j = 0; j < d; j++) out[o + j] = m0 == 0f ? Float.NEGATIVE_INFINITY : x[xo + j];
        for (int t = 1; t < len; t++) {
            if (m[mo + t] == 0f) continue; // -inf never beats the running maximum (which starts at -inf or above)
            int xt = xo + t * d;
            for (int j = 0; j < d; j++) {
                float v = x[xt + j];
                float b = out[o + j];
                // torch keeps the first NaN; any NaN is the same value here.
                if (v > b || v != v) out[o + j] = b != b ? b : v;
            }
        }
    }

    /**
     * Writes {@code Σ_t x[t] * w_t} into out (D values) and returns {@code Σ_t w_t}, where {@code w_t} is
     * the mask, times the position {@code t + 1} when {@code positional}. Masked tokens are multiplied
     * too (by 0), as the reference expression does, so a non-finite padded value shows in the result.
     */
    private static float weightedSum(
            float[] x, int xo, float[] m, int mo, int len, int d, float[] out, int o, boolean positional) {
        Arrays.fill(out, o, o + d, 0f);
        float count = 0f;
        for (int t = 0; t < len; t++) {
            float w = positional ? m[mo + t] * (float) (t + 1) : m[mo + t];
            count += w;
            int xt = xo + t * d;
            for (int j = 0; j < d; j++) out[o + j] += x[xt + j] * w;
        }
        return count;
    }

    private static void gemForward(
            SequenceSpec spec, float[] x, int xo, float[] m, int mo, int len, int d, float[] out, int o) {
        float eps = (float) spec.eps();
        double p = spec.p();
        Arrays.fill(out, o, o + d, 0f);
        float count = 0f;
        for (int t = 0; t < len; t++) {
            float w = m[mo + t];
            count += w;
            int xt = xo + t * d;
            for (int j = 0; j < d; j++) {
                float c = Math.max(x[xt + j], eps);
                out[o + j] += (float) Math.pow(c, p) * w;
            }
        }
        float c = Math.max(count, MIN_COUNT);
        double inv = 1.0 / p;
        for (int j = 0; j < d; j++) out[o + j] = (float) Math.pow(out[o + j] / c, inv);
    }

    /**
     * Backward of row {@code r}: adds each mode's gradient into the gradient row at {@code go}
     * (L × D), which the caller has zeroed; {@code gy} at {@code yo} is the output gradient row.
     */
    static void backwardRow(
            SequenceSpec spec,
            float[] x,
            int xo,
            SequenceMask mask,
            int r,
            int len,
            int d,
            float[] gy,
            int yo,
            float[] gx,
            int go) {
        float[] m = mask.raw();
        int mo = r * len;
        for (int k = 0; k < spec.modeCount(); k++) {
            int g = yo + k * d;
            switch (spec.mode(k)) {
                case CLS: {
                    int t = go + Math.max(mask.first(r), 0) * d;
                    for (int j = 0; j < d; j++) gx[t + j] += gy[g + j];
                    break;
                }
                case LASTTOKEN: {
                    int t = Math.max(mask.last(r), 0);
                    float mt = m[mo + t];
                    int gt = go + t * d;
                    for (int j = 0; j < d; j++) gx[gt + j] += gy[g + j] * mt;
                    break;
                }
                case MAX:
                    maxBackward(x, xo, m, mo, len, d, gy, g, gx, go);
                    break;
                case MEAN:
                case MEAN_SQRT_LEN_TOKENS:
                case WEIGHTEDMEAN: {
                    boolean positional = spec.mode(k) == SequenceMode.WEIGHTEDMEAN;
                    float count = 0f;
                    for (int t = 0; t < len; t++) count += positional ? m[mo + t] * (float) (t + 1) : m[mo + t];
                    float c = Math.max(count, MIN_COUNT);
                    if (spec.mode(k) == SequenceMode.MEAN_SQRT_LEN_TOKENS) c = (float) Math.sqrt(c);
                    for (int t = 0; t < len; t++) {
                        float w = positional ? m[mo + t] * (float) (t + 1) : m[mo + t];
                        int gt = go + t * d;
                        // (dy / c) * w: the gradient of the division, then of the product with the mask.
                        for (int j = 0; j < d; j++) gx[gt + j] += gy[g + j] / c * w;
                    }
                    break;
                }
                case GEM:
                    gemBackward(spec, x, xo, m, mo, len, d, gy, g, gx, go);
                    break;
                default:
                    throw new AssertionError(spec.mode(k));
            }
        }
    }

    /**
     * The whole output gradient of a feature goes to the token torch.max picks: the first maximum, or
     * the first NaN; nothing when that token is masked (only in an all-zero row, whose maximum is −∞).
     */
    private static void maxBackward(
            float[] x, int xo, float[] m, int mo, int len, int d, float[] gy, int g, float[] gx, int go) {
        for (int j = 0; j < d; j++) {
            float best = m[mo] == 0f ? Float.NEGATIVE_INFINITY : x[xo + j];
            int arg = 0;
            for (int t = 1; t < len && best == best; t++) {
                float v = m[mo + t] == 0f ? Float.NEGATIVE_INFINITY : x[xo + t * d + j];
                if (!(v <= best)) {
                    best = v;
                    arg = t;
                }
            }
            if (m[mo + arg] != 0f) gx[go + arg * d + j] += gy[g + j];
        }
    }

    /**
     * d/dx of {@code (S/C)^(1/p)}, {@code S = Σ m·max(x, eps)^p}: {@code (S/C)^(1/p − 1) · max(x, eps)^(p−1)
     * · m / C}, and 0 where {@code x < eps} (the clamp passes no gradient there) and in an all-zero row
     * (where the expression is undefined).
     */
    private static void gemBackward(
            SequenceSpec spec,
            float[] x,
            int xo,
            float[] m,
            int mo,
            int len,
            int d,
            float[] gy,
            int g,
            float[] gx,
            int go) {
        float eps = (float) spec.eps();
        double p = spec.p();
        float count = 0f;
        for (int t = 0; t < len; t++) count += m[mo + t];
        if (count == 0f) return;
        double c = count;
        for (int j = 0; j < d; j++) {
            double s = 0;
            for (int t = 0; t < len; t++) {
                if (m[mo + t] != 0f) s += Math.pow(Math.max(x[xo + t * d + j], eps), p);
            }
            double mean = s / c;
            double scale = gy[g + j] * Math.pow(mean, 1.0 / p - 1.0) / c;
            for (int t = 0; t < len; t++) {
                float v = x[xo + t * d + j];
                if (m[mo + t] != 0f && v >= eps) gx[go + t * d + j] += (float) (scale * Math.pow(v, p - 1.0));
            }
        }
    }
}
