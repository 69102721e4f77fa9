package org.pooling4j.internal.kernels;

import java.util.Arrays;
import org.pooling4j.Geometry;
import org.pooling4j.Layout;
import org.pooling4j.LpMode;
import org.pooling4j.MaxFloor;
import org.pooling4j.NanPolicy;
import org.pooling4j.PoolOp;
import org.pooling4j.PoolSpec;
import org.pooling4j.internal.Box;
import org.pooling4j.internal.Shapes;
import org.pooling4j.internal.exec.Parallel;

/**
 * The fast kernel of the pooling variants used in training, channels-first, rank up to 3:
 * stochastic, mixed, gated, weighted average (learned or Gaussian weights) and fractional max
 * pooling in both directions, and the backward of Lp pooling (whose forward runs on
 * {@link ChannelsFirstKernel}, except over the 2 x 2 windows of training layers).
 *
 * <p>Each window is evaluated by the reference kernel's own formulas, in the same tap order and
 * with the same double-precision accumulators, but over the {@link Box} tables with plain nested
 * loops instead of the reference's per-tap odometer, and with the passes the reference makes over
 * a window (maximum, sum, gate logit) fused into one. So maxima, indices, stochastic draws,
 * fractional windows and max gradients are bit-identical to the reference, and so are the other
 * values except where Lp takes a shortcut for an integer order ({@code |x|^4} as products, the
 * fourth root as two square roots, instead of {@link Math#pow}), which moves a double by an ulp or
 * so and a float result by at most one.
 *
 * <p>Work is split by planes; within a plane outputs run in the reference's order, so input
 * gradients (float sums where windows overlap) come out in the same order whatever the thread
 * count. Weight gradients are summed per plane, then over the planes in order, again independent
 * of the thread count (this differs from the reference's single running sum by double rounding
 * only).
 */
public final class VariantKernel implements PoolKernel {
    /** The kernel's name in logs, events and {@code -Dpooling4j.kernel}. */
    public static final String NAME = "variant";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String declines(Geometry g, boolean backward) {
        if (g.layout() != Layout.CHANNELS_FIRST) return "channels-last input";
        PoolOp op = g.spec().op();
        switch (op) {
            case STOCHASTIC:
            case MIXED:
            case GATED:
            case WEIGHTED_AVG:
            case FRACTIONAL_MAX:
                break;
            case LP:
            case GLOBAL_LP:
                if (!backward && !takesLpForward(g))
                    return "Lp forward runs on the channels-first kernel, except true-norm 2 x 2 windows";
                break;
            default:
                return op + " is not one of the variant operators";
        }
        if (g.rank() > 3) return "rank " + g.rank() + " > 3";
        return null;
    }

    /**
     * Whether this kernel takes the forward of Lp pooling on {@code g} (the fast kernels leave it
     * here): true-norm Lp over 2-D windows of 2 x 2 taps, the training layers' window, where the
     * channels-first kernel's row passes cost more than the windows themselves.
     */
    public static boolean takesLpForward(Geometry g) {
        PoolSpec spec = g.spec();
        return spec.op() == PoolOp.LP
                && spec.lpMode() != LpMode.PYTORCH
                && g.rank() == 2
                && spec.kernelAt(0) == 2
                && spec.kernelAt(1) == 2;
    }

    private static int planes(Geometry g) {
        return g.batch() * g.channels();
    }

    // ---- forward -------------------------------------------------------------------------------

    @Override
    public void forward(Geometry g, float[] in, float[] out, long[] indices, float[] samples, int threads) {
        int planes = planes(g);
        if (planes == 0) return;
        int t = Parallel.threadsFor(threads, planes, 4L * ((long) g.inputElements() + g.outputElements()));
        if (t <= 1) forwardPlanes(g, in, out, indices, samples, 0, planes);
        else Parallel.run(planes, t, (p0, p1) -> forwardPlanes(g, in, out, indices, samples, p0, p1));
    }

    /**
     * Gated forward that also keeps, per output, what its backward needs ({@code gates}: the gate
     * {@code m}; {@code maxima}: the window's maximum; {@code winners}: its plane position, or -1),
     * each exactly as the backward would compute it again.
     */
    public void forwardGates(
            Geometry g, float[] in, float[] out, double[] gates, float[] maxima, int[] winners, int threads) {
        int planes = planes(g);
        if (planes == 0) return;
        Box b = g.box();
        PoolSpec spec = g.spec();
        int t = Parallel.threadsFor(threads, planes, 4L * ((long) g.inputElements() + 4L * g.outputElements()));
        if (t <= 1) blendPlanes(b, spec, in, out, gates, maxima, winners, 0, planes);
        else Parallel.run(planes, t, (p0, p1) -> blendPlanes(b, spec, in, out, gates, maxima, winners, p0, p1));
    }

    private static void forwardPlanes(
            Geometry g, float[] in, float[] out, long[] indices, float[] samples, int p0, int p1) {
        PoolSpec spec = g.spec();
        PoolOp op = spec.op();
        if (op == PoolOp.FRACTIONAL_MAX) {
            fractionalPlanes(g, in, out, indices, samples, null, null, p0, p1);
            return;
        }
        Box b = g.box();
        if (op == PoolOp.STOCHASTIC) {
            if (spec.training()) stochasticPlanes(b, in, out, indices, samples, p0, p1);
            else stochasticMeanPlanes(b, in, out, p0, p1);
        } else if (op == PoolOp.WEIGHTED_AVG) {
            weightedPlanes(b, spec, in, out, p0, p1);
        } else if (op == PoolOp.LP) {
            lpForward(b, spec, in, out, p0, p1);
        } else {
            blendPlanes(b, spec, in, out, null, null, null, p0, p1);
        }
    }

    /**
     * Fills {@code rows} with the plane offsets of the input rows inside the input of output row
     * (a, bb), in the reference's tap order, and {@code taps} with each row's index within the full
     * window ({@code ta * kh + tb}, padding included); returns their count (0: every window of the
     * output row is empty). The table serves every window of the output row.
     */
    private static int rowTable(Box b, int a, int bb, int[] rows, int[] taps) {
        int n = 0;
        for (int ta = b.ld[a]; ta < b.hd[a]; ta++) {
            for (int tb = b.lh[bb]; tb < b.hh[bb]; tb++) {
                rows[n] = FastKernel.rowOf(b, a, bb, ta, tb) * b.iw;
                taps[n] = ta * b.kh[bb] + tb;
                n++;
            }
        }
        return n;
    }

    /** Row tables large enough for any output row of {@code b}: at most one entry per input row. */
    private static int[] rowScratch(Box b, int slot) {
        return Scratch.ints(slot, b.id * b.ih);
    }

    /** Stochastic training: the tap drawn with each output's uniform, as the reference draws it. */
    private static void stochasticPlanes(Box b, float[] in, float[] out, long[] indices, float[] u, int p0, int p1) {
        int[] rows = rowScratch(b, Scratch.ROW);
        int[] taps = rowScratch(b, Scratch.TMP);
        int inPlane = b.inPlane();
        int outPlane = b.outPlane();
        for (int pl = p0; pl < p1; pl++) {
            int inBase = pl * inPlane;
            int q = pl * outPlane;
            for (int a = 0; a < b.od; a++) {
                for (int bb = 0; bb < b.oh; bb++) {
                    int nr = rowTable(b, a, bb, rows, taps);
                    for (int c = 0; c < b.ow; c++, q++) {
                        int w0 = b.sw[c] + b.lw[c] * b.dw;
                        int w1 = b.sw[c] + b.hw[c] * b.dw;
                        if (nr == 0 || w1 <= w0) {
                            // An empty window: 0, and the first valid position as its index.
                            out[q] = 0f;
                            if (indices != null) indices[q] = b.firstValid(a, bb, c);
                            continue;
                        }
                        int pick = stochasticPick(in, inBase, rows, nr, w0, w1, b.dw, u[q]);
                        out[q] = in[inBase + pick];
                        if (indices != null) indices[q] = pick;
                    }
                }
            }
        }
    }

    /**
     * The reference's draw for one non-empty window: the first tap (row-major) whose running sum of
     * {@code a_i / sum a} exceeds {@code u}, with the same fallbacks (the last positive tap when
     * rounding leaves the total at or below {@code u}, the first tap of an all-zero window). Returns
     * a plane position.
     */
    private static int stochasticPick(float[] in, int inBase, int[] rows, int nr, int w0, int w1, int dw, float u) {
        if (nr == 2 && w1 - w0 == 2 * dw) return stochasticPick2x2(in, inBase, rows[0] + w0, rows[1] + w0, dw, u);
        double sum = 0;
        for (int i = 0; i < nr; i++) {
            int r = inBase + rows[i];
            for (int w = w0; w < w1; w += dw) sum += in[r + w];
        }
        int first = rows[0] + w0;
        if (sum == 0) return first;
        double running = 0;
        int lastPositive = first;
        for (int i = 0; i < nr; i++) {
            int r = rows[i];
            for (int w = w0; w < w1; w += dw) {
                float v = in[inBase + r + w];
                if (v > 0) {
                    lastPositive = r + w;
                    // The same division as the reference (not a product with 1 / sum), so the same tap wins.
                    running += v / sum;
                    if (running > u) return r + w;
                }
            }
        }
        return lastPositive;
    }

    /**
     * {@link #stochasticPick} of a 2 x 2 window whose rows start at plane positions {@code p0} and
     * {@code p2} (taps {@code dw} apart), unrolled: the same sum, running sum and fallbacks.
     */
    private static int stochasticPick2x2(float[] in, int inBase, int p0, int p2, int dw, float u) {
        int p1 = p0 + dw;
        int p3 = p2 + dw;
        float a0 = in[inBase + p0];
        float a1 = in[inBase + p1];
        float a2 = in[inBase + p2];
        float a3 = in[inBase + p3];
        double sum = 0;
        sum += a0;
        sum += a1;
        sum += a2;
        sum += a3;
        if (sum == 0) return p0;
        // The inputs are finite and >= 0 (checked before any kernel runs), so a zero tap adds +0 to
        // the running sum, which leaves it as it was: running over every tap gives the reference's
        // running sums at its positive taps. They never decrease, so the drawn tap is the one after
        // the taps whose running sum is still <= u; selects instead of four data-dependent branches.
        double r0 = 0;
        r0 += a0 / sum;
        double r1 = r0 + a1 / sum;
        double r2 = r1 + a2 / sum;
        double r3 = r2 + a3 / sum;
        int below = (r0 > u ? 0 : 1) + (r1 > u ? 0 : 1) + (r2 > u ? 0 : 1) + (r3 > u ? 0 : 1);
        if (below == 4) {
            // Rounding left the total at or below u: the last positive tap.
            return a3 > 0 ? p3 : a2 > 0 ? p2 : a1 > 0 ? p1 : p0;
        }
        // Tap number below (0..3) by arithmetic, not by a chain of selects: with uniform draws those
        // branches mispredict about every window (4.7 -> 2.0 ms for the 147,456 windows of LeNet's
        // first pooling layer, one thread, in a standalone loop).
        return p0 + (below >> 1) * (p2 - p0) + (below & 1) * dw;
    }

    /** Stochastic evaluation: {@code sum a^2 / sum a} per window, 0 for an all-zero or empty window. */
    private static void stochasticMeanPlanes(Box b, float[] in, float[] out, int p0, int p1) {
        int[] rows = rowScratch(b, Scratch.ROW);
        int[] taps = rowScratch(b, Scratch.TMP);
        int inPlane = b.inPlane();
        int outPlane = b.outPlane();
        int dw = b.dw;
        for (int pl = p0; pl < p1; pl++) {
            int inBase = pl * inPlane;
            int q = pl * outPlane;
            for (int a = 0; a < b.od; a++) {
                for (int bb = 0; bb < b.oh; bb++) {
                    int nr = rowTable(b, a, bb, rows, taps);
                    for (int c = 0; c < b.ow; c++, q++) {
                        int w0 = b.sw[c] + b.lw[c] * dw;
                        int w1 = b.sw[c] + b.hw[c] * dw;
                        double sum = 0;
                        double squares = 0;
                        for (int i = 0; i < nr; i++) {
                            int r = inBase + rows[i];
                            for (int w = w0; w < w1; w += dw) {
                                double v = in[r + w];
                                sum += v;
                                squares += v * v;
                            }
                        }
                        out[q] = sum == 0 ? 0f : (float) (squares / sum);
                    }
                }
            }
        }
    }

    /** {@code sum w_k x_k / sum w_k} over the taps inside the input, in double; 0 for an empty window. */
    private static void weightedPlanes(Box b, PoolSpec spec, float[] in, float[] out, int p0, int p1) {
        double[] wt = spec.tapWeights();
        int[] rows = rowScratch(b, Scratch.ROW);
        int[] taps = rowScratch(b, Scratch.TMP);
        int inPlane = b.inPlane();
        int outPlane = b.outPlane();
        int dw = b.dw;
        for (int pl = p0; pl < p1; pl++) {
            int inBase = pl * inPlane;
            int q = pl * outPlane;
            for (int a = 0; a < b.od; a++) {
                for (int bb = 0; bb < b.oh; bb++) {
                    int nr = rowTable(b, a, bb, rows, taps);
                    for (int c = 0; c < b.ow; c++, q++) {
                        int w0 = b.sw[c] + b.lw[c] * dw;
                        int t0 = b.lw[c];
                        int t1 = b.hw[c];
                        if (nr == 0 || t1 <= t0) {
                            out[q] = 0f;
                            continue;
                        }
                        int kw = b.kw[c];
                        double num = 0;
                        double den = 0;
                        if (nr == 2 && t1 - t0 == 2) {
                            // Two rows of two taps (the training layers' 2 x 2 windows) unrolled: the
                            // same products and sums in the same order as the loop below, without its
                            // two short loops per window.
                            int r0 = inBase + rows[0] + w0;
                            int r1 = inBase + rows[1] + w0;
                            int k0 = taps[0] * kw + t0;
                            int k1 = taps[1] * kw + t0;
                            double w00 = wt[k0];
                            double w01 = wt[k0 + 1];
                            double w10 = wt[k1];
                            double w11 = wt[k1 + 1];
                            num += w00 * in[r0];
                            den += w00;
                            num += w01 * in[r0 + dw];
                            den += w01;
                            num += w10 * in[r1];
                            den += w10;
                            num += w11 * in[r1 + dw];
                            den += w11;
                            out[q] = (float) (num / den);
                            continue;
                        }
                        for (int i = 0; i < nr; i++) {
                            int r = inBase + rows[i] + w0 - t0 * dw;
                            int k = taps[i] * kw;
                            for (int tc = t0; tc < t1; tc++) {
                                double wk = wt[k + tc];
                                num += wk * in[r + tc * dw];
                                den += wk;
                            }
                        }
                        out[q] = (float) (num / den);
                    }
                }
            }
        }
    }

    /**
     * Per-thread results of one window's fused pass: the maximum (reference rule), its plane position,
     * the double sum and the gate logit. A small holder rather than fields of the kernel, which many
     * threads share.
     */
    private static final class Pass {
        float max;
        int arg;
        double sum;
        double z;
    }

    private static final ThreadLocal<Pass> PASS = ThreadLocal.withInitial(Pass::new);

    /**
     * One pass over a non-empty window of mixed or gated pooling (output column {@code c} of the
     * output row whose {@link #rowTable} is {@code rows}, {@code taps}): the maximum and its position as
     * the reference's {@code maxArg} finds them (starting from {@code arg0}), the sum of the taps and
     * (when {@code wt} is not null) the gate logit {@code sum w_k x_k}, each accumulated in the
     * reference's tap order.
     */
    private static void blendPass(
            Box b,
            float[] in,
            int inBase,
            int[] rows,
            int[] taps,
            int nr,
            int c,
            float floor,
            int arg0,
            boolean nan,
            double[] wt,
            int off,
            Pass s) {
        float best = floor;
        int arg = arg0;
        double sum = 0;
        double z = 0;
        int t0 = b.lw[c];
        int t1 = b.hw[c];
        int base = b.sw[c];
        int kw = b.kw[c];
        for (int i = 0; i < nr; i++) {
            int r = rows[i] + base;
            int k = off + taps[i] * kw;
            for (int tc = t0; tc < t1; tc++) {
                float v = in[inBase + r + tc];
                if (v > best || (nan && v != v)) {
                    best = v;
                    arg = r + tc;
                }
                sum += v;
                if (wt != null) z += wt[k + tc] * v;
            }
        }
        s.max = best;
        s.arg = arg;
        s.sum = sum;
        s.z = z;
    }

    /**
     * Factors of the reference's average divisor for the windows of one output row: per output column
     * (taps of the width, valid or up to the end of the padded extent); the row's own factor comes from
     * {@link #rowFactor}. Their product is exact (whole numbers), as the reference's is.
     */
    private static double[] columnFactors(Box b, PoolSpec spec) {
        double[] f = Scratch.doubles(Scratch.ROW, b.ow);
        Geometry g = b.g;
        int r = g.rank();
        for (int c = 0; c < b.ow; c++) {
            f[c] = spec.countIncludePad() ? g.span(r - 1, c) : b.hw[c] - b.lw[c];
        }
        return f;
    }

    /** The depth and height factor of the divisor of output row (a, bb); see {@link #columnFactors}. */
    private static double rowFactor(Box b, PoolSpec spec, int a, int bb) {
        if (!spec.countIncludePad()) return (double) (b.hd[a] - b.ld[a]) * (b.hh[bb] - b.lh[bb]);
        Geometry g = b.g;
        int r = g.rank();
        double n = 1;
        if (r == 3) n *= g.span(0, a);
        if (r >= 2) n *= g.span(r - 2, bb);
        return n;
    }

    /** Mixed and gated forward: {@code m * max + (1 - m) * avg} in double, as the reference's blend. */
    private static void blendPlanes(
            Box b,
            PoolSpec spec,
            float[] in,
            float[] out,
            double[] gates,
            float[] maxima,
            int[] winners,
            int p0,
            int p1) {
        boolean keep = gates != null;
        boolean gated = spec.op() == PoolOp.GATED;
        boolean nan = spec.nanPolicy() == NanPolicy.PROPAGATE;
        boolean lowest = spec.maxFloor() == MaxFloor.LOWEST_FINITE;
        float floor = FastKernel.floor(spec);
        double[] wt = gated ? spec.tapWeights() : null;
        int wTaps = spec.windowTaps();
        double alpha = spec.alpha();
        boolean override = spec.hasDivisorOverride();
        double fixed = override ? spec.divisorOverride() : 0;
        double[] cols = columnFactors(b, spec);
        int[] rows = rowScratch(b, Scratch.ROW);
        int[] taps = rowScratch(b, Scratch.TMP);
        Pass s = PASS.get();
        int inPlane = b.inPlane();
        int outPlane = b.outPlane();
        int channels = b.g.channels();
        for (int pl = p0; pl < p1; pl++) {
            int inBase = pl * inPlane;
            int q = pl * outPlane;
            int off = gated && spec.weightChannels() != 0 ? (pl % channels) * wTaps : 0;
            for (int a = 0; a < b.od; a++) {
                for (int bb = 0; bb < b.oh; bb++) {
                    int nr = rowTable(b, a, bb, rows, taps);
                    double rowDiv = rowFactor(b, spec, a, bb);
                    for (int c = 0; c < b.ow; c++, q++) {
                        if (nr == 0 || b.hw[c] <= b.lw[c]) {
                            out[q] = 0f;
                            continue;
                        }
                        double div = override ? fixed : rowDiv * cols[c];
                        if (nr == 2 && b.hw[c] - b.lw[c] == 2) {
                            // The 2 x 2 window inline (see blendBackward). The winner's own value is
                            // read again: Math.max gives +0 where the scan keeps a -0, and with
                            // m = 1 the blend keeps that sign.
                            int i0 = inBase + rows[0] + b.sw[c] + b.lw[c];
                            int i2 = inBase + rows[1] + b.sw[c] + b.lw[c];
                            float v0 = in[i0];
                            float v1 = in[i0 + 1];
                            float v2 = in[i2];
                            float v3 = in[i2 + 1];
                            int l = FastKernel.winner4(v0, v1, v2, v3, floor, lowest, nan);
                            int arg =
                                    l < 0 ? (lowest ? -1 : i0 - inBase) : i0 - inBase + (l & 1) + (l >> 1) * (i2 - i0);
                            float best = l < 0 ? floor : in[inBase + arg];
                            double sum = 0;
                            sum += v0;
                            sum += v1;
                            sum += v2;
                            sum += v3;
                            double m = alpha;
                            if (gated) {
                                int k0 = off + taps[0] * b.kw[c] + b.lw[c];
                                int k1 = off + taps[1] * b.kw[c] + b.lw[c];
                                double z = 0;
                                z += wt[k0] * v0;
                                z += wt[k0 + 1] * v1;
                                z += wt[k1] * v2;
                                z += wt[k1 + 1] * v3;
                                m = FastKernel.sigmoid(z);
                            }
                            double max = best;
                            out[q] = (float) (m * max + (1 - m) * (sum / div));
                            if (keep) {
                                gates[q] = m;
                                maxima[q] = best;
                                winners[q] = arg;
                            }
                            continue;
                        }
                        int arg0 = lowest ? -1 : rows[0] + b.sw[c] + b.lw[c];
                        blendPass(b, in, inBase, rows, taps, nr, c, floor, arg0, nan, wt, off, s);
                        double max = s.max;
                        double avg = s.sum / div;
                        double m = gated ? FastKernel.sigmoid(s.z) : alpha;
                        out[q] = (float) (m * max + (1 - m) * avg);
                        if (keep) {
                            gates[q] = m;
                            maxima[q] = s.max;
                            winners[q] = s.arg;
                        }
                    }
                }
            }
        }
    }

    // ---- fractional max ------------------------------------------------------------------------

    /**
     * Fractional max over planes {@code [p0, p1)}: forward ({@code gradIn == null}: values and
     * indices) or backward ({@code gradIn} overwritten per plane, the gradient routed by
     * {@code indices} when given, else by the maxima of windows rebuilt from {@code samples}).
     * Windows have the full kernel inside the input (no padding, no dilation) and start where
     * {@link Shapes#fractionalStarts} puts them for the plane's samples.
     */
    private static void fractionalPlanes(
            Geometry g,
            float[] in,
            float[] out,
            long[] indices,
            float[] samples,
            float[] gradOut,
            float[] gradIn,
            int p0,
            int p1) {
        PoolSpec spec = g.spec();
        int r = g.rank();
        int o = 3 - r;
        boolean nan = spec.nanPolicy() == NanPolicy.PROPAGATE;
        boolean lowest = spec.maxFloor() == MaxFloor.LOWEST_FINITE;
        float floor = FastKernel.floor(spec);
        int od = o > 0 ? 1 : g.outSize(0);
        int oh = o > 1 ? 1 : g.outSize(1 - o);
        int ow = g.outSize(r - 1);
        int ih = o > 1 ? 1 : g.inSize(1 - o);
        int iw = g.inSize(r - 1);
        int kd = o > 0 ? 1 : spec.kernelAt(0);
        int kh = o > 1 ? 1 : spec.kernelAt(1 - o);
        int kw = spec.kernelAt(r - 1);
        // Window starts per axis; a missing leading axis keeps the single start 0.
        int[] sd = Scratch.ints(Scratch.ROW, od);
        int[] sh = Scratch.ints(Scratch.TMP, oh);
        int[] sw = Scratch.ints(Scratch.DELTA, ow);
        int inPlane = g.inPlane();
        int outPlane = g.outPlane();
        boolean route = gradIn != null && indices != null;
        // The 2 x 2 window of training layers (depth 1), taken by an unrolled scan.
        boolean square2 = kd == 1 && kh == 2 && kw == 2;
        for (int pl = p0; pl < p1; pl++) {
            int inBase = pl * inPlane;
            int q = pl * outPlane;
            if (gradIn != null) Arrays.fill(gradIn, inBase, inBase + inPlane, 0f);
            if (route) {
                // The forward's indices name the winners; the windows are not needed.
                for (int i = 0; i < outPlane; i++, q++) {
                    long arg = indices[q];
                    if (arg >= 0) gradIn[inBase + (int) arg] += gradOut[q];
                }
                continue;
            }
            // Without samples the windows keep the zero starts, as the reference's do.
            for (int ax = 0; samples != null && ax < r; ax++) {
                int[] dst = ax + o == 0 ? sd : ax + o == 1 ? sh : sw;
                Shapes.fractionalStarts(samples[pl * r + ax], g.inSize(ax), g.outSize(ax), spec.kernelAt(ax), dst);
            }
            for (int a = 0; a < od; a++) {
                for (int bb = 0; bb < oh; bb++) {
                    int rowBase = (sd[a] * ih + sh[bb]) * iw;
                    for (int c = 0; c < ow; c++, q++) {
                        int first = rowBase + sw[c];
                        float best = floor;
                        int arg = lowest ? -1 : first;
                        if (square2) {
                            // The 2 x 2 window, unrolled, its maximum taken without branches (see blendBackward).
                            int second = first + iw;
                            float v0 = in[inBase + first];
                            float v1 = in[inBase + first + 1];
                            float v2 = in[inBase + second];
                            float v3 = in[inBase + second + 1];
                            int l = FastKernel.winner4(v0, v1, v2, v3, floor, lowest, nan);
                            if (l >= 0) {
                                // The winner's own value (the sign of a zero).
                                arg = first + (l & 1) + (l >> 1) * iw;
                                best = in[inBase + arg];
                            }
                        } else {
                            for (int ta = 0; ta < kd; ta++) {
                                for (int tb = 0; tb < kh; tb++) {
                                    int row = first + (ta * ih + tb) * iw;
                                    for (int tc = 0; tc < kw; tc++) {
                                        float v = in[inBase + row + tc];
                                        if (v > best || (nan && v != v)) {
                                            best = v;
                                            arg = row + tc;
                                        }
                                    }
                                }
                            }
                        }
                        if (gradIn == null) {
                            out[q] = best;
                            if (indices != null) indices[q] = arg;
                        } else if (arg >= 0) {
                            gradIn[inBase + arg] += gradOut[q];
                        }
                    }
                }
            }
        }
    }

    // ---- backward ------------------------------------------------------------------------------

    @Override
    public void backward(
            Geometry g, float[] in, float[] gradOut, long[] indices, float[] samples, float[] gradIn, int threads) {
        backward(g, in, gradOut, indices, samples, gradIn, null, threads);
    }

    /**
     * The backward of every operator this kernel takes; for gated and weighted-average pooling also
     * the gradient with respect to the weights, added into {@code gradWeights} (the layout of
     * {@code spec.tapWeights()}) when it is not null, as {@link ReferenceKernel#backward(Geometry,
     * float[], float[], long[], float[], float[], double[])} does. {@code gradIn} is overwritten.
     */
    public void backward(
            Geometry g,
            float[] in,
            float[] gradOut,
            long[] indices,
            float[] samples,
            float[] gradIn,
            double[] gradWeights,
            int threads) {
        backward(g, in, gradOut, indices, samples, gradIn, gradWeights, null, null, null, threads);
    }

    /**
     * As {@link #backward(Geometry, float[], float[], long[], float[], float[], double[], int)}; for
     * gated pooling, {@code gates}, {@code maxima} and {@code winners} (all null, or all filled by
     * {@link #forwardGates} on this geometry and input) save the windows' scans and gates.
     */
    public void backward(
            Geometry g,
            float[] in,
            float[] gradOut,
            long[] indices,
            float[] samples,
            float[] gradIn,
            double[] gradWeights,
            double[] gates,
            float[] maxima,
            int[] winners,
            int threads) {
        int planes = planes(g);
        if (planes == 0) return;
        PoolSpec spec = g.spec();
        // Per-plane partial sums of the weight gradient, added up in plane order afterwards, so the
        // result does not depend on how planes were split among threads.
        int taps = gradWeights != null ? spec.windowTaps() : 0;
        double[] partial = gradWeights != null ? new double[planes * taps] : null;
        int t = Parallel.threadsFor(threads, planes, 4L * (2L * g.inputElements() + g.outputElements()));
        if (t <= 1)
            backwardPlanes(g, in, gradOut, indices, samples, gradIn, partial, gates, maxima, winners, 0, planes);
        else
            Parallel.run(
                    planes,
                    t,
                    (p0, p1) -> backwardPlanes(
                            g, in, gradOut, indices, samples, gradIn, partial, gates, maxima, winners, p0, p1));
        if (partial != null) {
            boolean perChannel = spec.op() == PoolOp.GATED && spec.weightChannels() != 0;
            int channels = g.channels();
            for (int pl = 0; pl < planes; pl++) {
                int off = perChannel ? (pl % channels) * taps : 0;
                for (int k = 0; k < taps; k++) gradWeights[off + k] += partial[pl * taps + k];
            }
        }
    }

    private static void backwardPlanes(
            Geometry g,
            float[] in,
            float[] gradOut,
            long[] indices,
            float[] samples,
            float[] gradIn,
            double[] partial,
            double[] gates,
            float[] maxima,
            int[] winners,
            int p0,
            int p1) {
        PoolSpec spec = g.spec();
        PoolOp op = spec.op();
        if (op == PoolOp.FRACTIONAL_MAX) {
            fractionalPlanes(g, in, null, indices, samples, gradOut, gradIn, p0, p1);
            return;
        }
        Box b = g.box();
        if ((op == PoolOp.LP || op == PoolOp.GLOBAL_LP)
                && spec.lpMode() != LpMode.PYTORCH
                && FastKernel.integerOrder(spec.p()) > 0
                && ChannelsFirstKernel.tiles(b)) {
            lpBackwardTiles(b, spec, in, gradOut, gradIn, p0, p1);
            return;
        }
        int inPlane = b.inPlane();
        for (int pl = p0; pl < p1; pl++) Arrays.fill(gradIn, pl * inPlane, (pl + 1) * inPlane, 0f);
        switch (op) {
            case LP:
            case GLOBAL_LP:
                if (spec.lpMode() == LpMode.PYTORCH) torchLpBackward(b, spec, in, gradOut, gradIn, p0, p1);
                else lpBackward(b, spec, in, gradOut, gradIn, p0, p1);
                break;
            case STOCHASTIC:
                if (spec.training()) stochasticBackward(b, in, gradOut, indices, samples, gradIn, p0, p1);
                else stochasticMeanBackward(b, in, gradOut, gradIn, p0, p1);
                break;
            case WEIGHTED_AVG:
                weightedBackward(b, spec, in, gradOut, gradIn, partial, p0, p1);
                break;
            default:
                blendBackward(b, spec, in, gradOut, gradIn, partial, gates, maxima, winners, p0, p1);
                break;
        }
    }

    /** {@code x^n} for a small non-negative integer {@code n}, by products. */
    private static double ipow(double x, int n) {
        switch (n) {
            case 0:
                return 1;
            case 1:
                return x;
            case 2:
                return x * x;
            case 3:
                return x * x * x;
            case 4: {
                double x2 = x * x;
                return x2 * x2;
            }
            default: {
                double r = 1;
                for (int i = 0; i < n; i++) r *= x;
                return r;
            }
        }
    }

    /** The Lp norm's root {@code s^(1/p)}: square roots for orders 2 and 4, else {@link Math#pow}. */
    private static double root(double s, double p) {
        if (p == 1) return s;
        if (p == 2) return Math.sqrt(s);
        if (p == 4) return Math.sqrt(Math.sqrt(s));
        return Math.pow(s, 1.0 / p);
    }

    /**
     * d/dx (sum |x|^p)^(1/p) = sign(x) |x|^(p-1) / y^(p-1), zero where y is 0, as the reference. The
     * first pass keeps each tap's {@code sign(x) |x|^(p-1)} (0 at x = 0, as the reference takes it),
     * from which it also forms the term {@code |x|^p}; the second only scales and scatters.
     */
    private static void lpBackward(Box b, PoolSpec spec, float[] in, float[] gradOut, float[] gradIn, int p0, int p1) {
        double p = spec.p();
        int n = FastKernel.integerOrder(p);
        int[] rows = rowScratch(b, Scratch.ROW);
        int[] taps = rowScratch(b, Scratch.TMP);
        // One entry per tap inside the input (taps in padding are skipped), so at most the input plane.
        double[] ds = Scratch.doubles(Scratch.TMP, b.maxValidTaps);
        int inPlane = b.inPlane();
        int outPlane = b.outPlane();
        int dw = b.dw;
        for (int pl = p0; pl < p1; pl++) {
            int inBase = pl * inPlane;
            int q = pl * outPlane;
            for (int a = 0; a < b.od; a++) {
                for (int bb = 0; bb < b.oh; bb++) {
                    int nr = rowTable(b, a, bb, rows, taps);
                    for (int c = 0; c < b.ow; c++, q++) {
                        int w0 = b.sw[c] + b.lw[c] * dw;
                        int w1 = b.sw[c] + b.hw[c] * dw;
                        if (nr == 0 || w1 <= w0) continue;
                        if (n > 0 && nr == 2 && w1 - w0 == 2 * dw) {
                            lp2x2(in, inBase + rows[0] + w0, inBase + rows[1] + w0, dw, n, p, gradOut[q], gradIn);
                            continue;
                        }
                        if (n > 0 && nr == 3 && w1 - w0 == 3 * dw) {
                            lp3x3(
                                    in,
                                    inBase + rows[0] + w0,
                                    inBase + rows[1] + w0,
                                    inBase + rows[2] + w0,
                                    dw,
                                    n,
                                    p,
                                    gradOut[q],
                                    gradIn);
                            continue;
                        }
                        double sum = 0;
                        int t = 0;
                        for (int i = 0; i < nr; i++) {
                            int r = inBase + rows[i];
                            for (int w = w0; w < w1; w += dw) {
                                double x = in[r + w];
                                double ax = Math.abs(x);
                                double d;
                                if (n == 2) {
                                    sum += ax * ax;
                                    d = x;
                                } else if (n > 0) {
                                    double e = ipow(ax, n - 1);
                                    sum += e * ax;
                                    d = n == 1 ? Math.signum(x) : Math.signum(x) * e;
                                } else {
                                    sum += Math.pow(ax, p);
                                    d = Math.signum(x) * Math.pow(ax, p - 1);
                                }
                                // At x = 0 the derivative is taken as 0 (for p < 1 the one-sided limits are infinite).
                                ds[t++] = x == 0 ? 0 : d;
                            }
                        }
                        double y = root(sum, p);
                        if (y == 0) continue;
                        double scale = gradOut[q] / (n > 0 ? ipow(y, n - 1) : Math.pow(y, p - 1));
                        t = 0;
                        for (int i = 0; i < nr; i++) {
                            int r = inBase + rows[i];
                            for (int w = w0; w < w1; w += dw) gradIn[r + w] += (float) (ds[t++] * scale);
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link #lpBackward} of integer order where the windows tile the plane ({@link
     * ChannelsFirstKernel#tiles}): each input has at most one window, so each gradient is written once,
     * {@code 0f +} its window's term (the reference adds that term to a zeroed gradient, which also
     * turns a -0 into +0), and inputs outside every window get 0. No zero fill first, no accumulation,
     * no row table; the same terms, sums, roots and slopes in the same tap order as {@link #lpBackward}.
     */
    private static void lpBackwardTiles(
            Box b, PoolSpec spec, float[] in, float[] gradOut, float[] gradIn, int p0, int p1) {
        double p = spec.p();
        int n = FastKernel.integerOrder(p);
        int iw = b.iw;
        int ow = b.ow;
        int oh = b.oh;
        int kh = b.kh[0];
        int kw = b.kw[0];
        int inPlane = b.inPlane();
        int outPlane = b.outPlane();
        int covered = ow * kw;
        for (int pl = p0; pl < p1; pl++) {
            int inBase = pl * inPlane;
            int q = pl * outPlane;
            for (int r = 0; r < oh; r++) {
                int row = inBase + r * kh * iw;
                if (kh == 2 && kw == 2) {
                    for (int c = 0, i0 = row, i1 = row + iw; c < ow; c++, q++, i0 += 2, i1 += 2) {
                        double x0 = in[i0];
                        double x1 = in[i0 + 1];
                        double x2 = in[i1];
                        double x3 = in[i1 + 1];
                        double sum = 0;
                        sum += lpTerm(x0, n);
                        sum += lpTerm(x1, n);
                        sum += lpTerm(x2, n);
                        sum += lpTerm(x3, n);
                        double y = root(sum, p);
                        double scale = y == 0 ? 0 : gradOut[q] / (n == 4 ? y * y * y : ipow(y, n - 1));
                        gradIn[i0] = 0f + (float) (lpSlope(x0, n) * scale);
                        gradIn[i0 + 1] = 0f + (float) (lpSlope(x1, n) * scale);
                        gradIn[i1] = 0f + (float) (lpSlope(x2, n) * scale);
                        gradIn[i1 + 1] = 0f + (float) (lpSlope(x3, n) * scale);
                    }
                } else {
                    for (int c = 0; c < ow; c++, q++) {
                        int w0 = row + c * kw;
                        double sum = 0;
                        for (int i = 0; i < kh; i++) {
                            for (int j = w0 + i * iw, e = j + kw; j < e; j++) sum += lpTerm(in[j], n);
                        }
                        double y = root(sum, p);
                        double scale = y == 0 ? 0 : gradOut[q] / (n == 4 ? y * y * y : ipow(y, n - 1));
                        for (int i = 0; i < kh; i++) {
                            for (int j = w0 + i * iw, e = j + kw; j < e; j++) {
                                gradIn[j] = 0f + (float) (lpSlope(in[j], n) * scale);
                            }
                        }
                    }
                }
                if (covered < iw) {
                    for (int i = 0; i < kh; i++) Arrays.fill(gradIn, row + i * iw + covered, row + (i + 1) * iw, 0f);
                }
            }
            int done = oh * kh * iw;
            if (done < inPlane) Arrays.fill(gradIn, inBase + done, inBase + inPlane, 0f);
        }
    }

    /**
     * Lp forward, {@code (sum |x|^p)^(1/p)} over the taps inside the input in double, 0 for an empty
     * window: the reference's sum in its tap order, with the integer orders' terms and roots taken as
     * {@link #lpBackward} takes them.
     */
    private static void lpForward(Box b, PoolSpec spec, float[] in, float[] out, int p0, int p1) {
        double p = spec.p();
        int n = FastKernel.integerOrder(p);
        int[] rows = rowScratch(b, Scratch.ROW);
        int[] taps = rowScratch(b, Scratch.TMP);
        int inPlane = b.inPlane();
        int outPlane = b.outPlane();
        int dw = b.dw;
        for (int pl = p0; pl < p1; pl++) {
            int inBase = pl * inPlane;
            int q = pl * outPlane;
            for (int a = 0; a < b.od; a++) {
                for (int bb = 0; bb < b.oh; bb++) {
                    int nr = rowTable(b, a, bb, rows, taps);
                    for (int c = 0; c < b.ow; c++, q++) {
                        int w0 = b.sw[c] + b.lw[c] * dw;
                        int w1 = b.sw[c] + b.hw[c] * dw;
                        if (nr == 0 || w1 <= w0) {
                            out[q] = 0f;
                            continue;
                        }
                        double sum = 0;
                        if (n > 0 && nr == 2 && w1 - w0 == 2 * dw) {
                            int i0 = inBase + rows[0] + w0;
                            int i1 = inBase + rows[1] + w0;
                            sum += lpTerm(in[i0], n);
                            sum += lpTerm(in[i0 + dw], n);
                            sum += lpTerm(in[i1], n);
                            sum += lpTerm(in[i1 + dw], n);
                        } else {
                            for (int i = 0; i < nr; i++) {
                                int r = inBase + rows[i];
                                for (int w = w0; w < w1; w += dw) {
                                    double x = in[r + w];
                                    sum += n > 0 ? lpTerm(x, n) : Math.pow(Math.abs(x), p);
                                }
                            }
                        }
                        out[q] = (float) root(sum, p);
                    }
                }
            }
        }
    }

    /**
     * {@link #lpBackward} of one 2 x 2 window of integer order {@code n} whose rows start at
     * {@code i0} and {@code i1} (taps {@code dw} apart): the same terms, sums and scatter in the same
     * order as the general loop, without its per-tap table.
     */
    private static void lp3x3(float[] in, int i0, int i1, int i2, int dw, int n, double p, float go, float[] gradIn) {
        // As lp2x2, for the 3 x 3 windows of ResNet-style layers: the general loop's per-tap table and
        // its scratch of slopes cost more than the window's arithmetic.
        double x0 = in[i0];
        double x1 = in[i0 + dw];
        double x2 = in[i0 + 2 * dw];
        double x3 = in[i1];
        double x4 = in[i1 + dw];
        double x5 = in[i1 + 2 * dw];
        double x6 = in[i2];
        double x7 = in[i2 + dw];
        double x8 = in[i2 + 2 * dw];
        double sum = 0;
        sum += lpTerm(x0, n);
        sum += lpTerm(x1, n);
        sum += lpTerm(x2, n);
        sum += lpTerm(x3, n);
        sum += lpTerm(x4, n);
        sum += lpTerm(x5, n);
        sum += lpTerm(x6, n);
        sum += lpTerm(x7, n);
        sum += lpTerm(x8, n);
        double y = root(sum, p);
        if (y == 0) return;
        double scale = go / (n == 4 ? y * y * y : ipow(y, n - 1));
        gradIn[i0] += (float) (lpSlope(x0, n) * scale);
        gradIn[i0 + dw] += (float) (lpSlope(x1, n) * scale);
        gradIn[i0 + 2 * dw] += (float) (lpSlope(x2, n) * scale);
        gradIn[i1] += (float) (lpSlope(x3, n) * scale);
        gradIn[i1 + dw] += (float) (lpSlope(x4, n) * scale);
        gradIn[i1 + 2 * dw] += (float) (lpSlope(x5, n) * scale);
        gradIn[i2] += (float) (lpSlope(x6, n) * scale);
        gradIn[i2 + dw] += (float) (lpSlope(x7, n) * scale);
        gradIn[i2 + 2 * dw] += (float) (lpSlope(x8, n) * scale);
    }

    private static void lp2x2(float[] in, int i0, int i1, int dw, int n, double p, float go, float[] gradIn) {
        double x0 = in[i0];
        double x1 = in[i0 + dw];
        double x2 = in[i1];
        double x3 = in[i1 + dw];
        double sum = 0;
        sum += lpTerm(x0, n);
        sum += lpTerm(x1, n);
        sum += lpTerm(x2, n);
        sum += lpTerm(x3, n);
        double y = root(sum, p);
        if (y == 0) return;
        double scale = go / (n == 4 ? y * y * y : ipow(y, n - 1));
        gradIn[i0] += (float) (lpSlope(x0, n) * scale);
        gradIn[i0 + dw] += (float) (lpSlope(x1, n) * scale);
        gradIn[i1] += (float) (lpSlope(x2, n) * scale);
        gradIn[i1 + dw] += (float) (lpSlope(x3, n) * scale);
    }

    /** {@code |x|^n} for integer order {@code n}, as {@link #lpBackward} forms it. */
    private static double lpTerm(double x, int n) {
        double ax = Math.abs(x);
        if (n == 2) return ax * ax;
        // Order 4 spelled out (the same products as ipow's), so the common orders need no call.
        if (n == 4) return ax * ax * ax * ax;
        return ipow(ax, n - 1) * ax;
    }

    /**
     * {@code sign(x) |x|^(n-1)} for integer order {@code n}, as {@link #lpBackward} forms it, but
     * without its test for x = 0: there this gives a signed zero where the general loop gives +0, and
     * a signed zero times the scale added to the gradient (a float sum that starts at +0, and so is
     * never -0) leaves it unchanged either way. The test mispredicts on ReLU outputs, half of them 0.
     */
    private static double lpSlope(double x, int n) {
        if (n == 2) return x;
        if (n == 4) {
            double ax = Math.abs(x);
            return Math.copySign(ax * ax * ax, x);
        }
        return n == 1 ? Math.signum(x) : Math.copySign(ipow(Math.abs(x), n - 1), x);
    }

    /** The reference's kernel volume for PyTorch-mode Lp: the product of the spec's kernel sizes. */
    private static double torchVolume(PoolSpec spec) {
        double v = 1;
        for (int a = 0; a < spec.rank(); a++) v *= spec.kernelAt(a);
        return v;
    }

    /** PyTorch-mode Lp backward, the reference's {@code torchLpBackward} per window. */
    private static void torchLpBackward(
            Box b, PoolSpec spec, float[] in, float[] gradOut, float[] gradIn, int p0, int p1) {
        double p = spec.p();
        int n = FastKernel.integerOrder(p);
        double k = torchVolume(spec);
        int[] rows = rowScratch(b, Scratch.ROW);
        int[] taps = rowScratch(b, Scratch.TMP);
        int inPlane = b.inPlane();
        int outPlane = b.outPlane();
        int dw = b.dw;
        for (int pl = p0; pl < p1; pl++) {
            int inBase = pl * inPlane;
            int q = pl * outPlane;
            for (int a = 0; a < b.od; a++) {
                for (int bb = 0; bb < b.oh; bb++) {
                    int nr = rowTable(b, a, bb, rows, taps);
                    for (int c = 0; c < b.ow; c++, q++) {
                        int w0 = b.sw[c] + b.lw[c] * dw;
                        int w1 = b.sw[c] + b.hw[c] * dw;
                        if (nr == 0 || w1 <= w0) continue;
                        double sum = 0;
                        for (int i = 0; i < nr; i++) {
                            int r = inBase + rows[i];
                            for (int w = w0; w < w1; w += dw) {
                                double x = in[r + w];
                                sum += (float) (n > 0 ? ipow(x, n) : Math.pow(x, p));
                            }
                        }
                        double valid = (double) nr * (b.hw[c] - b.lw[c]);
                        float avg = (float) (sum / valid);
                        if (!(Math.abs(avg) > 0)) continue;
                        double gAvg = gradOut[q] / p * Math.pow((double) avg * k, 1.0 / p - 1) * k;
                        double gTap = gAvg / valid;
                        for (int i = 0; i < nr; i++) {
                            int r = inBase + rows[i];
                            for (int w = w0; w < w1; w += dw) {
                                double x = in[r + w];
                                double d = n > 0 ? ipow(x, n - 1) : Math.pow(x, p - 1);
                                gradIn[r + w] += (float) (gTap * p * d);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Stochastic training backward: each output's gradient to its drawn tap (given or redrawn). */
    private static void stochasticBackward(
            Box b, float[] in, float[] gradOut, long[] indices, float[] u, float[] gradIn, int p0, int p1) {
        int[] rows = rowScratch(b, Scratch.ROW);
        int[] taps = rowScratch(b, Scratch.TMP);
        int inPlane = b.inPlane();
        int outPlane = b.outPlane();
        for (int pl = p0; pl < p1; pl++) {
            int inBase = pl * inPlane;
            int q = pl * outPlane;
            for (int a = 0; a < b.od; a++) {
                for (int bb = 0; bb < b.oh; bb++) {
                    boolean rowEmpty = b.hd[a] <= b.ld[a] || b.hh[bb] <= b.lh[bb];
                    // Given indices need no window; a redraw needs its rows.
                    int nr = indices != null || rowEmpty ? 0 : rowTable(b, a, bb, rows, taps);
                    for (int c = 0; c < b.ow; c++, q++) {
                        int w0 = b.sw[c] + b.lw[c] * b.dw;
                        int w1 = b.sw[c] + b.hw[c] * b.dw;
                        // An empty window gave a constant 0 and passes nothing back.
                        if (rowEmpty || w1 <= w0) continue;
                        long pick =
                                indices != null ? indices[q] : stochasticPick(in, inBase, rows, nr, w0, w1, b.dw, u[q]);
                        if (pick >= 0) gradIn[inBase + (int) pick] += gradOut[q];
                    }
                }
            }
        }
    }

    /** Stochastic evaluation backward: {@code (2 a_j S - Q) / S^2}, nothing where {@code S = 0}. */
    private static void stochasticMeanBackward(Box b, float[] in, float[] gradOut, float[] gradIn, int p0, int p1) {
        int[] rows = rowScratch(b, Scratch.ROW);
        int[] taps = rowScratch(b, Scratch.TMP);
        int inPlane = b.inPlane();
        int outPlane = b.outPlane();
        int dw = b.dw;
        for (int pl = p0; pl < p1; pl++) {
            int inBase = pl * inPlane;
            int q = pl * outPlane;
            for (int a = 0; a < b.od; a++) {
                for (int bb = 0; bb < b.oh; bb++) {
                    int nr = rowTable(b, a, bb, rows, taps);
                    for (int c = 0; c < b.ow; c++, q++) {
                        int w0 = b.sw[c] + b.lw[c] * dw;
                        int w1 = b.sw[c] + b.hw[c] * dw;
                        double sum = 0;
                        double squares = 0;
                        for (int i = 0; i < nr; i++) {
                            int r = inBase + rows[i];
                            for (int w = w0; w < w1; w += dw) {
                                double v = in[r + w];
                                sum += v;
                                squares += v * v;
                            }
                        }
                        if (sum == 0) continue;
                        double s2 = sum * sum;
                        float go = gradOut[q];
                        for (int i = 0; i < nr; i++) {
                            int r = inBase + rows[i];
                            for (int w = w0; w < w1; w += dw) {
                                gradIn[r + w] += (float) (go * (2 * in[r + w] * sum - squares) / s2);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Weighted average backward: {@code go w_k / den} to each tap, {@code go (x_k - y) / den} to each weight. */
    private static void weightedBackward(
            Box b, PoolSpec spec, float[] in, float[] gradOut, float[] gradIn, double[] partial, int p0, int p1) {
        double[] wt = spec.tapWeights();
        int wTaps = spec.windowTaps();
        int[] rows = rowScratch(b, Scratch.ROW);
        int[] taps = rowScratch(b, Scratch.TMP);
        int inPlane = b.inPlane();
        int outPlane = b.outPlane();
        int dw = b.dw;
        for (int pl = p0; pl < p1; pl++) {
            int inBase = pl * inPlane;
            int q = pl * outPlane;
            int gw = pl * wTaps;
            for (int a = 0; a < b.od; a++) {
                for (int bb = 0; bb < b.oh; bb++) {
                    int nr = rowTable(b, a, bb, rows, taps);
                    for (int c = 0; c < b.ow; c++, q++) {
                        int t0 = b.lw[c];
                        int t1 = b.hw[c];
                        if (nr == 0 || t1 <= t0) continue;
                        int base = inBase + b.sw[c];
                        int kw = b.kw[c];
                        if (nr == 2 && t1 - t0 == 2) {
                            int k0 = taps[0] * kw + t0;
                            int k1 = taps[1] * kw + t0;
                            weighted2x2(
                                    in,
                                    base + rows[0] + t0 * dw,
                                    base + rows[1] + t0 * dw,
                                    dw,
                                    wt,
                                    k0,
                                    k1,
                                    gradOut[q],
                                    gradIn,
                                    partial,
                                    gw);
                            continue;
                        }
                        double num = 0;
                        double den = 0;
                        for (int i = 0; i < nr; i++) {
                            int r = base + rows[i];
                            int k = taps[i] * kw;
                            for (int tc = t0; tc < t1; tc++) {
                                double wk = wt[k + tc];
                                num += wk * in[r + tc * dw];
                                den += wk;
                            }
                        }
                        double y = num / den;
                        float go = gradOut[q];
                        for (int i = 0; i < nr; i++) {
                            int r = base + rows[i];
                            int k = taps[i] * kw;
                            for (int tc = t0; tc < t1; tc++) {
                                int at = r + tc * dw;
                                gradIn[at] += (float) (go * wt[k + tc] / den);
                                if (partial != null) partial[gw + k + tc] += go * (in[at] - y) / den;
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link #weightedBackward} of one 2 x 2 window whose rows start at {@code i0} and {@code i1}
     * (taps {@code dw} apart) with tap weights {@code wt[k0], wt[k0 + 1]} and {@code wt[k1], wt[k1 +
     * 1]}: the same sums and updates in the same order as the general loop.
     */
    private static void weighted2x2(
            float[] in,
            int i0,
            int i1,
            int dw,
            double[] wt,
            int k0,
            int k1,
            float go,
            float[] gradIn,
            double[] partial,
            int gw) {
        double w0 = wt[k0];
        double w1 = wt[k0 + 1];
        double w2 = wt[k1];
        double w3 = wt[k1 + 1];
        float x0 = in[i0];
        float x1 = in[i0 + dw];
        float x2 = in[i1];
        float x3 = in[i1 + dw];
        double num = 0;
        double den = 0;
        num += w0 * x0;
        den += w0;
        num += w1 * x1;
        den += w1;
        num += w2 * x2;
        den += w2;
        num += w3 * x3;
        den += w3;
        double y = num / den;
        gradIn[i0] += (float) (go * w0 / den);
        gradIn[i0 + dw] += (float) (go * w1 / den);
        gradIn[i1] += (float) (go * w2 / den);
        gradIn[i1 + dw] += (float) (go * w3 / den);
        if (partial != null) {
            partial[gw + k0] += go * (x0 - y) / den;
            partial[gw + k0 + 1] += go * (x1 - y) / den;
            partial[gw + k1] += go * (x2 - y) / den;
            partial[gw + k1 + 1] += go * (x3 - y) / den;
        }
    }

    /**
     * Mixed and gated backward, y = m max + (1 - m) avg: {@code go m} to the maximum's tap first, then
     * to every tap {@code go (1 - m) / divisor} plus, for gated, {@code dz w_k} with
     * {@code dz = go (max - avg) m (1 - m)}, and {@code dz x_k} to each gate weight. (These operators
     * have no dilation, so a window's taps are adjacent along the width.)
     */
    private static void blendBackward(
            Box b,
            PoolSpec spec,
            float[] in,
            float[] gradOut,
            float[] gradIn,
            double[] partial,
            double[] gates,
            float[] maxima,
            int[] winners,
            int p0,
            int p1) {
        boolean gated = spec.op() == PoolOp.GATED;
        // The forward's gates, maxima and winners (forwardGates), used by the 2 x 2 windows.
        boolean cached = gates != null;
        boolean nan = spec.nanPolicy() == NanPolicy.PROPAGATE;
        boolean lowest = spec.maxFloor() == MaxFloor.LOWEST_FINITE;
        float floor = FastKernel.floor(spec);
        double[] wt = gated ? spec.tapWeights() : null;
        int wTaps = spec.windowTaps();
        double alpha = spec.alpha();
        boolean override = spec.hasDivisorOverride();
        double fixed = override ? spec.divisorOverride() : 0;
        double[] cols = columnFactors(b, spec);
        int[] rows = rowScratch(b, Scratch.ROW);
        int[] taps = rowScratch(b, Scratch.TMP);
        Pass s = PASS.get();
        int inPlane = b.inPlane();
        int outPlane = b.outPlane();
        int channels = b.g.channels();
        for (int pl = p0; pl < p1; pl++) {
            int inBase = pl * inPlane;
            int q = pl * outPlane;
            int off = gated && spec.weightChannels() != 0 ? (pl % channels) * wTaps : 0;
            int gw = pl * wTaps;
            for (int a = 0; a < b.od; a++) {
                for (int bb = 0; bb < b.oh; bb++) {
                    int nr = rowTable(b, a, bb, rows, taps);
                    double rowDiv = rowFactor(b, spec, a, bb);
                    for (int c = 0; c < b.ow; c++, q++) {
                        int t0 = b.lw[c];
                        int t1 = b.hw[c];
                        if (nr == 0 || t1 <= t0) continue;
                        double div = override ? fixed : rowDiv * cols[c];
                        if (nr == 2 && t1 - t0 == 2) {
                            // The 2 x 2 window of training layers inline, each tap's updates in the
                            // reference's order. The maximum is taken by Math.max and the winner as the
                            // first tap equal to it, without branches (ReLU outputs are full of zero
                            // ties, on which a branch per tap mispredicts); NaN windows, and windows at
                            // or below a finite floor, take the scan. Mixed needs neither the sum nor
                            // the maximum's value.
                            int kw = b.kw[c];
                            int s0 = rows[0] + b.sw[c] + t0;
                            int s2 = rows[1] + b.sw[c] + t0;
                            int r0 = inBase + s0;
                            int r1 = inBase + s2;
                            float v0 = in[r0];
                            float v1 = in[r0 + 1];
                            float v2 = in[r1];
                            float v3 = in[r1 + 1];
                            float best;
                            int arg;
                            if (cached) {
                                // The forward's maximum and winner (forwardGates), as computed below.
                                best = maxima[q];
                                arg = winners[q];
                            } else {
                                int l = FastKernel.winner4(v0, v1, v2, v3, floor, lowest, nan);
                                arg = l < 0 ? (lowest ? -1 : s0) : s0 + (l & 1) + (l >> 1) * (s2 - s0);
                                // The winner's own value (the sign of a zero), which gated needs.
                                best = l < 0 ? floor : gated ? in[inBase + arg] : 0f;
                            }
                            float go = gradOut[q];
                            int k0 = taps[0] * kw + t0;
                            int k1 = taps[1] * kw + t0;
                            double m = alpha;
                            double dz = 0;
                            if (gated) {
                                double sum = 0;
                                sum += v0;
                                sum += v1;
                                sum += v2;
                                sum += v3;
                                if (cached) {
                                    m = gates[q];
                                } else {
                                    double z = 0;
                                    z += wt[off + k0] * v0;
                                    z += wt[off + k0 + 1] * v1;
                                    z += wt[off + k1] * v2;
                                    z += wt[off + k1 + 1] * v3;
                                    m = FastKernel.sigmoid(z);
                                }
                                double max = best;
                                double avg = sum / div;
                                dz = go * (max - avg) * m * (1 - m);
                            }
                            if (arg >= 0) gradIn[inBase + arg] += (float) (go * m);
                            double perTap = go * (1 - m) / div;
                            if (gated) {
                                gradIn[r0] += (float) (perTap + dz * wt[off + k0]);
                                gradIn[r0 + 1] += (float) (perTap + dz * wt[off + k0 + 1]);
                                gradIn[r1] += (float) (perTap + dz * wt[off + k1]);
                                gradIn[r1 + 1] += (float) (perTap + dz * wt[off + k1 + 1]);
                                if (partial != null) {
                                    partial[gw + k0] += dz * in[r0];
                                    partial[gw + k0 + 1] += dz * in[r0 + 1];
                                    partial[gw + k1] += dz * in[r1];
                                    partial[gw + k1 + 1] += dz * in[r1 + 1];
                                }
                            } else {
                                float share = (float) perTap;
                                gradIn[r0] += share;
                                gradIn[r0 + 1] += share;
                                gradIn[r1] += share;
                                gradIn[r1 + 1] += share;
                            }
                            continue;
                        }
                        int arg0 = lowest ? -1 : rows[0] + b.sw[c] + t0;
                        blendPass(b, in, inBase, rows, taps, nr, c, floor, arg0, nan, wt, off, s);
                        double max = s.max;
                        double avg = s.sum / div;
                        float go = gradOut[q];
                        double m;
                        double dz = 0;
                        if (gated) {
                            m = FastKernel.sigmoid(s.z);
                            dz = go * (max - avg) * m * (1 - m);
                        } else {
                            m = alpha;
                        }
                        if (s.arg >= 0) gradIn[inBase + s.arg] += (float) (go * m);
                        double perTap = go * (1 - m) / div;
                        int base = inBase + b.sw[c];
                        int kw = b.kw[c];
                        for (int i = 0; i < nr; i++) {
                            int r = base + rows[i];
                            if (gated) {
                                int k = taps[i] * kw;
                                for (int tc = t0; tc < t1; tc++) {
                                    gradIn[r + tc] += (float) (perTap + dz * wt[off + k + tc]);
                                    if (partial != null) partial[gw + k + tc] += dz * in[r + tc];
                                }
                            } else {
                                float share = (float) perTap;
                                for (int tc = t0; tc < t1; tc++) gradIn[r + tc] += share;
                            }
                        }
                    }
                }
            }
        }
    }
}
