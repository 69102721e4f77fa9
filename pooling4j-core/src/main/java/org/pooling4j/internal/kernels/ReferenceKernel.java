package org.pooling4j.internal.kernels;

import org.pooling4j.Geometry;
import org.pooling4j.LpMode;
import org.pooling4j.MaxFloor;
import org.pooling4j.NanPolicy;
import org.pooling4j.PoolOp;
import org.pooling4j.PoolSpec;

/**
 * The plain kernel for every operator, rank and layout: the last fallback of the dispatcher and the
 * oracle fast kernels are tested against. It walks each (n, c) plane, each output position in
 * row-major order and each window tap in row-major order, which fixes tie-breaking (the first
 * maximum in scan order wins) and the order of floating-point sums. It runs on the caller's thread
 * whatever thread count it is given.
 */
public final class ReferenceKernel implements PoolKernel {
    public static final String NAME = "reference";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String declines(Geometry g, boolean backward) {
        return g.spec().op() == PoolOp.MAX_UNPOOL ? "max unpool has its own path" : null;
    }

    @Override
    public void forward(Geometry g, float[] in, float[] out, long[] indices, float[] samples, int threads) {
        PoolSpec spec = g.spec();
        PoolOp op = spec.op();
        Windows w = new Windows(g);
        int ps = g.positionStride();
        int[] outSize = g.outSizeArray();
        int inPlane = g.inPlane();
        int outPlane = g.outPlane();
        for (int n = 0; n < g.batch(); n++) {
            for (int c = 0; c < g.channels(); c++) {
                int inBase = g.planeBase(n, c, inPlane);
                int outBase = g.planeBase(n, c, outPlane);
                if (op == PoolOp.FRACTIONAL_MAX) w.loadFractional(g, samples, n * g.channels() + c);
                java.util.Arrays.fill(w.o, 0);
                for (int q = 0; q < outPlane; q++) {
                    int dst = outBase + q * ps;
                    if (op.isMaxType()) {
                        long best = maxArg(w, spec, in, inBase, ps);
                        out[dst] = w.best;
                        if (indices != null) indices[dst] = best;
                    } else if (op == PoolOp.STOCHASTIC) {
                        if (spec.training()) {
                            long pick = stochasticPick(w, in, inBase, ps, samples[dst]);
                            out[dst] = w.empty() ? 0f : in[inBase + (int) pick * ps];
                            if (indices != null) indices[dst] = pick;
                        } else {
                            out[dst] = (float) stochasticMean(w, in, inBase, ps);
                        }
                    } else if (op == PoolOp.MIXED || op == PoolOp.GATED) {
                        out[dst] = (float) blend(w, spec, in, inBase, ps, c);
                    } else if (op == PoolOp.WEIGHTED_AVG) {
                        out[dst] = (float) weightedAverage(w, spec, in, inBase, ps);
                    } else if (op == PoolOp.AVG || op == PoolOp.GLOBAL_AVG || op == PoolOp.ADAPTIVE_AVG) {
                        out[dst] = average(w, spec, in, inBase, ps);
                    } else {
                        out[dst] = lp(w, spec, in, inBase, ps);
                    }
                    w.nextOutput(outSize);
                }
            }
        }
    }

    private static long maxArg(Windows w, PoolSpec spec, float[] in, int inBase, int ps) {
        boolean propagate = spec.nanPolicy() == NanPolicy.PROPAGATE;
        boolean lowest = spec.maxFloor() == MaxFloor.LOWEST_FINITE;
        float best = lowest ? -Float.MAX_VALUE : Float.NEGATIVE_INFINITY;
        long arg = lowest ? -1 : w.firstNonNegativePosition();
        if (!w.empty()) {
            w.firstTap();
            if (spec.nanPolicy() == NanPolicy.FIRST_TAP) {
                // The first tap is taken unconditionally; the loop below then compares the rest.
                arg = w.tapPosition();
                best = in[inBase + (int) arg * ps];
                if (!w.nextTap()) {
                    w.best = best;
                    return arg;
                }
            }
            do {
                int pos = w.tapPosition();
                float v = in[inBase + pos * ps];
                if (v > best || (propagate && v != v)) {
                    best = v;
                    arg = pos;
                }
            } while (w.nextTap());
        }
        w.best = best;
        return arg;
    }

    /**
     * Stochastic training's draw for one window: the plane position of the first tap (row-major, in
     * the input) whose running sum of {@code p_i = a_i / sum a} exceeds {@code u}. When rounding leaves
     * the final running sum at or below {@code u}, the last tap with {@code a_i > 0} wins; an all-zero
     * window gives its first tap (and an empty one the first non-negative position).
     */
    private static long stochasticPick(Windows w, float[] in, int inBase, int ps, float u) {
        if (w.empty()) return w.firstNonNegativePosition();
        double sum = 0;
        w.firstTap();
        int first = w.tapPosition();
        do {
            sum += in[inBase + w.tapPosition() * ps];
        } while (w.nextTap());
        if (sum == 0) return first;
        double running = 0;
        int lastPositive = first;
        w.firstTap();
        do {
            int pos = w.tapPosition();
            float a = in[inBase + pos * ps];
            if (a > 0) {
                lastPositive = pos;
                running += a / sum;
                if (running > u) return pos;
            }
        } while (w.nextTap());
        return lastPositive;
    }

    /** Stochastic evaluation: {@code sum p_i a_i = sum a_i^2 / sum a_i}, 0 for an all-zero (or empty) window. */
    private static double stochasticMean(Windows w, float[] in, int inBase, int ps) {
        if (w.empty()) return 0;
        double sum = 0;
        double squares = 0;
        w.firstTap();
        do {
            double a = in[inBase + w.tapPosition() * ps];
            sum += a;
            squares += a * a;
        } while (w.nextTap());
        return sum == 0 ? 0 : squares / sum;
    }

    /** Mean of the window by average pooling's rules, in double (0 for an empty window). */
    private static double averageExact(Windows w, PoolSpec spec, float[] in, int inBase, int ps) {
        if (w.empty()) return 0;
        double sum = 0;
        w.firstTap();
        do {
            sum += in[inBase + w.tapPosition() * ps];
        } while (w.nextTap());
        return sum / divisor(w, spec);
    }

    /** Gated pooling's gate logit {@code sum w_k x_k} over the taps inside the input (padding adds 0). */
    private static double gateLogit(Windows w, PoolSpec spec, float[] in, int inBase, int ps, int c) {
        double[] wt = spec.tapWeights();
        int off = spec.weightChannels() == 0 ? 0 : c * spec.windowTaps();
        double z = 0;
        w.firstTap();
        do {
            z += wt[off + w.tapIndex()] * in[inBase + w.tapPosition() * ps];
        } while (w.nextTap());
        return z;
    }

    /** The logistic function, written so that neither branch overflows. */
    public static double sigmoid(double z) {
        if (z >= 0) return 1 / (1 + Math.exp(-z));
        double e = Math.exp(z);
        return e / (1 + e);
    }

    /** Mixed or gated pooling: {@code m * max + (1 - m) * avg} with {@code m = alpha} or the gate. */
    private static double blend(Windows w, PoolSpec spec, float[] in, int inBase, int ps, int c) {
        if (w.empty()) return 0;
        maxArg(w, spec, in, inBase, ps);
        double max = w.best;
        double avg = averageExact(w, spec, in, inBase, ps);
        double m = spec.op() == PoolOp.MIXED ? spec.alpha() : sigmoid(gateLogit(w, spec, in, inBase, ps, c));
        return m * max + (1 - m) * avg;
    }

    /** {@code sum w_k x_k / sum w_k} over the taps inside the input; 0 for an empty window. */
    private static double weightedAverage(Windows w, PoolSpec spec, float[] in, int inBase, int ps) {
        if (w.empty()) return 0;
        double[] wt = spec.tapWeights();
        double num = 0;
        double den = 0;
        w.firstTap();
        do {
            double wk = wt[w.tapIndex()];
            num += wk * in[inBase + w.tapPosition() * ps];
            den += wk;
        } while (w.nextTap());
        return num / den;
    }

    private static double divisor(Windows w, PoolSpec spec) {
        if (spec.hasDivisorOverride()) return spec.divisorOverride();
        return spec.countIncludePad() ? w.spanCount() : w.validCount();
    }

    private static float average(Windows w, PoolSpec spec, float[] in, int inBase, int ps) {
        if (w.empty()) return 0f;
        double sum = 0;
        w.firstTap();
        do {
            sum += in[inBase + w.tapPosition() * ps];
        } while (w.nextTap());
        return (float) (sum / divisor(w, spec));
    }

    private static float lp(Windows w, PoolSpec spec, float[] in, int inBase, int ps) {
        double p = spec.p();
        if (spec.lpMode() == LpMode.PYTORCH) {
            return (float) torchLp(w, spec, in, inBase, ps);
        }
        if (w.empty()) return 0f;
        double sum = 0;
        w.firstTap();
        do {
            sum += powAbs(in[inBase + w.tapPosition() * ps], p);
        } while (w.nextTap());
        return (float) root(sum, p);
    }

    /** PyTorch's lp_pool: (prod(k) * avg(x^p))^(1/p) with the signed power; leaves the average in {@code w.torchAvg}. */
    private static double torchLp(Windows w, PoolSpec spec, float[] in, int inBase, int ps) {
        double p = spec.p();
        double sum = 0;
        w.firstTap();
        do {
            sum += (float) Math.pow(in[inBase + w.tapPosition() * ps], p);
        } while (w.nextTap());
        float avg = (float) (sum / w.validCount());
        w.torchAvg = avg;
        return Math.pow((double) avg * kernelVolume(spec), 1.0 / p);
    }

    private static double kernelVolume(PoolSpec spec) {
        double v = 1;
        for (int a = 0; a < spec.rank(); a++) v *= spec.kernelAt(a);
        return v;
    }

    private static double powAbs(float x, double p) {
        double a = Math.abs((double) x);
        if (p == 1) return a;
        if (p == 2) return a * a;
        return Math.pow(a, p);
    }

    private static double root(double s, double p) {
        if (p == 1) return s;
        if (p == 2) return Math.sqrt(s);
        return Math.pow(s, 1.0 / p);
    }

    @Override
    public void backward(
            Geometry g, float[] in, float[] gradOut, long[] indices, float[] samples, float[] gradIn, int threads) {
        backward(g, in, gradOut, indices, samples, gradIn, null);
    }

    /**
     * The backward of every operator; for gated and weighted-average pooling also the gradient with
     * respect to the weights, added into {@code gradWeights} (the layout of {@code spec.tapWeights()})
     * when it is not null. Sums run in (n, c, output, tap) order, so the result is fixed.
     */
    public void backward(
            Geometry g,
            float[] in,
            float[] gradOut,
            long[] indices,
            float[] samples,
            float[] gradIn,
            double[] gradWeights) {
        java.util.Arrays.fill(gradIn, 0f);
        PoolSpec spec = g.spec();
        PoolOp op = spec.op();
        Windows w = new Windows(g);
        int ps = g.positionStride();
        int[] outSize = g.outSizeArray();
        int inPlane = g.inPlane();
        int outPlane = g.outPlane();
        for (int n = 0; n < g.batch(); n++) {
            for (int c = 0; c < g.channels(); c++) {
                int inBase = g.planeBase(n, c, inPlane);
                int outBase = g.planeBase(n, c, outPlane);
                // With given indices a fractional backward needs no samples: its windows are never empty.
                if (op == PoolOp.FRACTIONAL_MAX && samples != null) w.loadFractional(g, samples, n * g.channels() + c);
                java.util.Arrays.fill(w.o, 0);
                for (int q = 0; q < outPlane; q++) {
                    int src = outBase + q * ps;
                    float go = gradOut[src];
                    if (op.isBeyond()) {
                        beyondBackward(
                                w,
                                spec,
                                in,
                                inBase,
                                ps,
                                c,
                                go,
                                indices == null ? -2 : indices[src],
                                samples == null ? 0f : samples[src],
                                gradIn,
                                gradWeights);
                    } else if (op.isMaxType()) {
                        // An empty window (all taps in padding) returned a constant, so it passes no gradient;
                        // nor does a window where no element won (index -1 under MaxFloor.LOWEST_FINITE).
                        if (!w.empty()) {
                            long arg = indices != null ? indices[src] : maxArg(w, spec, in, inBase, ps);
                            if (arg >= 0) gradIn[inBase + (int) arg * ps] += go;
                        }
                    } else if (op == PoolOp.AVG || op == PoolOp.GLOBAL_AVG || op == PoolOp.ADAPTIVE_AVG) {
                        if (!w.empty()) {
                            float delta = go / (float) divisor(w, spec);
                            w.firstTap();
                            do {
                                gradIn[inBase + w.tapPosition() * ps] += delta;
                            } while (w.nextTap());
                        }
                    } else if (spec.lpMode() == LpMode.PYTORCH) {
                        torchLpBackward(w, spec, in, inBase, ps, go, gradIn);
                    } else {
                        lpBackward(w, spec, in, inBase, ps, go, gradIn);
                    }
                    w.nextOutput(outSize);
                }
            }
        }
    }

    /**
     * Backward of one window of stochastic, mixed, gated or weighted-average pooling. {@code index} is
     * the given stochastic index ({@code -2}: none given, redraw from {@code u}).
     */
    private static void beyondBackward(
            Windows w,
            PoolSpec spec,
            float[] in,
            int inBase,
            int ps,
            int c,
            float go,
            long index,
            float u,
            float[] gradIn,
            double[] gradWeights) {
        // An empty window (possible with dilation) gave a constant 0.
        if (w.empty()) return;
        PoolOp op = spec.op();
        if (op == PoolOp.STOCHASTIC) {
            if (spec.training()) {
                long pick = index != -2 ? index : stochasticPick(w, in, inBase, ps, u);
                if (pick >= 0) gradIn[inBase + (int) pick * ps] += go;
                return;
            }
            // d/da_j (Q / S) = (2 a_j S - Q) / S^2 with S = sum a, Q = sum a^2; taken as 0 where S = 0.
            double sum = 0;
            double squares = 0;
            w.firstTap();
            do {
                double a = in[inBase + w.tapPosition() * ps];
                sum += a;
                squares += a * a;
            } while (w.nextTap());
            if (sum == 0) return;
            double s2 = sum * sum;
            w.firstTap();
            do {
                int at = inBase + w.tapPosition() * ps;
                gradIn[at] += (float) (go * (2 * in[at] * sum - squares) / s2);
            } while (w.nextTap());
            return;
        }
        if (op == PoolOp.WEIGHTED_AVG) {
            double[] wt = spec.tapWeights();
            double num = 0;
            double den = 0;
            w.firstTap();
            do {
                double wk = wt[w.tapIndex()];
                num += wk * in[inBase + w.tapPosition() * ps];
                den += wk;
            } while (w.nextTap());
            double y = num / den;
            w.firstTap();
            do {
                int k = w.tapIndex();
                int at = inBase + w.tapPosition() * ps;
                gradIn[at] += (float) (go * wt[k] / den);
                // d/dw_k (num / den) = (x_k - y) / den
                if (gradWeights != null) gradWeights[k] += go * (in[at] - y) / den;
            } while (w.nextTap());
            return;
        }
        // Mixed and gated: y = m * max + (1 - m) * avg.
        long arg = maxArg(w, spec, in, inBase, ps);
        double max = w.best;
        double div = divisor(w, spec);
        double sum = 0;
        w.firstTap();
        do {
            sum += in[inBase + w.tapPosition() * ps];
        } while (w.nextTap());
        double avg = sum / div;
        double m;
        double dz = 0;
        int off = 0;
        if (op == PoolOp.MIXED) {
            m = spec.alpha();
        } else {
            m = sigmoid(gateLogit(w, spec, in, inBase, ps, c));
            // dy/dz = (max - avg) * g * (1 - g); z = sum w_k x_k
            dz = go * (max - avg) * m * (1 - m);
            off = spec.weightChannels() == 0 ? 0 : c * spec.windowTaps();
        }
        if (arg >= 0) gradIn[inBase + (int) arg * ps] += (float) (go * m);
        double perTap = go * (1 - m) / div;
        double[] wt = spec.tapWeights();
        w.firstTap();
        do {
            int at = inBase + w.tapPosition() * ps;
            if (op == PoolOp.GATED) {
                int k = off + w.tapIndex();
                gradIn[at] += (float) (perTap + dz * wt[k]);
                if (gradWeights != null) gradWeights[k] += dz * in[at];
            } else {
                gradIn[at] += (float) perTap;
            }
        } while (w.nextTap());
    }

    /** d/dx (sum |x|^p)^(1/p) = sign(x) |x|^(p-1) / y^(p-1); zero where the norm y is 0. */
    private static void lpBackward(Windows w, PoolSpec spec, float[] in, int inBase, int ps, float go, float[] gradIn) {
        if (w.empty()) return;
        double p = spec.p();
        double sum = 0;
        w.firstTap();
        do {
            sum += powAbs(in[inBase + w.tapPosition() * ps], p);
        } while (w.nextTap());
        double y = root(sum, p);
        if (y == 0) return;
        double scale = go / Math.pow(y, p - 1);
        w.firstTap();
        do {
            int at = inBase + w.tapPosition() * ps;
            double x = in[at];
            // At x = 0 the derivative is taken as 0 (for p < 1 the one-sided limits are infinite).
            double d = x == 0 ? 0 : p == 1 ? Math.signum(x) : Math.signum(x) * Math.pow(Math.abs(x), p - 1);
            gradIn[at] += (float) (d * scale);
        } while (w.nextTap());
    }

    /**
     * The gradient PyTorch's autograd gives for its lp_pool composition
     * {@code (sign(a)*relu(|a|) * K)^(1/p)} with {@code a = avg_pool(x^p)}: zero where {@code a} is 0
     * (relu passes no gradient there), else {@code go/p * (K a)^(1/p-1) * K}, spread by the average's
     * divisor and multiplied by {@code p x^(p-1)}.
     */
    private static void torchLpBackward(
            Windows w, PoolSpec spec, float[] in, int inBase, int ps, float go, float[] gradIn) {
        if (w.empty()) return;
        double p = spec.p();
        torchLp(w, spec, in, inBase, ps);
        float avg = w.torchAvg;
        if (!(Math.abs(avg) > 0)) return;
        double k = kernelVolume(spec);
        double gAvg = go / p * Math.pow((double) avg * k, 1.0 / p - 1) * k;
        double gTap = gAvg / w.validCount();
        w.firstTap();
        do {
            int at = inBase + w.tapPosition() * ps;
            double x = in[at];
            gradIn[at] += (float) (gTap * p * Math.pow(x, p - 1));
        } while (w.nextTap());
    }
}
