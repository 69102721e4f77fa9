package org.pooling4j.internal.kernels;

import java.util.Arrays;
import org.pooling4j.Argmax;
import org.pooling4j.Geometry;
import org.pooling4j.Layout;
import org.pooling4j.LpMode;
import org.pooling4j.MaxFloor;
import org.pooling4j.NanPolicy;
import org.pooling4j.PoolOp;
import org.pooling4j.PoolSpec;
import org.pooling4j.internal.Box;
import org.pooling4j.internal.exec.Parallel;
import org.pooling4j.spi.RowOps;

/**
 * The fast kernel for channels-last tensors (the C values of one position contiguous), any rank up
 * to 3. Max without indices and average run row-wise (see {@link #rows}); max with indices and Lp
 * reduce each output position's taps in the reference's row-major order, one whole channel vector
 * per tap, so indices are bit-identical to the reference. Maxima are bit-identical either way and
 * sums differ only by float rounding. Forward work is split by output rows or positions; backward,
 * whose windows overlap, by batch items.
 */
public final class ChannelsLastKernel extends FastKernel {
    public ChannelsLastKernel(RowOps ops) {
        super("cl", ops);
    }

    @Override
    public String declines(Geometry g, boolean backward) {
        if (g.layout() != Layout.CHANNELS_LAST) return "channels-first input";
        return declinesCommon(g, backward);
    }

    private static long bytes(Geometry g) {
        return 4L * ((long) g.inputElements() + g.outputElements());
    }

    @Override
    public void forward(Geometry g, float[] in, float[] out, long[] indices, float[] samples, int threads) {
        Box b = g.box();
        PoolOp op = g.spec().op();
        boolean rowWise = indices == null && op != PoolOp.LP && op != PoolOp.GLOBAL_LP;
        if (rowWise) {
            int units = g.batch() * b.od * b.oh;
            int t = Parallel.threadsFor(threads, units, bytes(g));
            if (t <= 1) rows(b, in, out, 0, units);
            else Parallel.run(units, t, (u0, u1) -> rows(b, in, out, u0, u1));
        } else {
            int units = g.batch() * b.outPlane();
            int t = Parallel.threadsFor(threads, units, bytes(g));
            if (t <= 1) positions(b, in, out, indices, null, 0, units);
            else Parallel.run(units, t, (u0, u1) -> positions(b, in, out, indices, null, u0, u1));
        }
    }

    /**
     * Max (without indices) and average, one output row per unit: the window's input rows (each W*C
     * contiguous floats) are first reduced into one row, read start to end one after the other so
     * the hardware prefetcher sees plain streams, then each output position reduces its taps from
     * that row, a channel vector at a time. A zero maximum is re-scanned in the reference's order,
     * which fixes the sign the separable order may have changed.
     */
    private void rows(Box b, float[] in, float[] out, int u0, int u1) {
        PoolSpec spec = b.g.spec();
        boolean max = spec.op().isMaxType();
        boolean nan = spec.nanPolicy() == NanPolicy.PROPAGATE;
        boolean fromFirst = startsFromFirstTap(spec);
        float floor = floor(spec);
        int ch = b.g.channels();
        int rowLen = b.iw * ch;
        int inPlane = b.inPlane();
        int outPlane = b.outPlane();
        float[] div = max ? null : b.divisors();
        int[] blockEnd = columnBlocks(b, ch);
        // Slack: the vertical pass may write up to a vector past a block's span.
        float[] buf = Scratch.floats(
                Scratch.ROW,
                Math.min(rowLen, Math.max(BLOCK_FLOATS, maxBlockSpan(b, blockEnd) * ch)) + RowOps.VERTICAL_SLACK);
        int[] taps = Scratch.ints(Scratch.TAPS, maxRows(b));
        int[] tapCount = Scratch.ints(Scratch.TAP_COUNT, 1);
        int rowsPerItem = b.od * b.oh;
        for (int u = u0; u < u1; u++) {
            int n = u / rowsPerItem;
            int ab = u - n * rowsPerItem;
            int a = ab / b.oh;
            int bb = ab - a * b.oh;
            int inBase = n * inPlane * ch;
            int q0 = ab * b.ow;
            int o0 = (n * outPlane + q0) * ch;
            int rows = (b.hd[a] - b.ld[a]) * (b.hh[bb] - b.lh[bb]);
            if (rows <= 0) {
                Arrays.fill(out, o0, o0 + b.ow * ch, max ? floor : 0f);
                continue;
            }
            for (int cb = 0; cb < b.ow; cb = blockEnd[cb]) {
                int ce = blockEnd[cb];
                // Input columns [x0, x1) feed output columns [cb, ce).
                int x0 = blockFirst(b, cb, ce);
                int x1 = Math.max(x0, blockLast(b, cb, ce) + 1);
                int span = (x1 - x0) * ch;
                float[] src = buf;
                int srcOff = -x0 * ch;
                if (rows == 1 && (!max || fromFirst)) {
                    src = in;
                    srcOff = inBase + rowOf(b, a, bb, b.ld[a], b.lh[bb]) * rowLen;
                } else if (span > 0 && (!max || fromFirst)) {
                    // All the window's rows in one pass: each block of the span reduced in registers and
                    // stored once, instead of the buffer read and written once per row.
                    int t = 0;
                    for (int ta = b.ld[a]; ta < b.hd[a]; ta++) {
                        for (int tb = b.lh[bb]; tb < b.hh[bb]; tb++) {
                            taps[t++] = rowOf(b, a, bb, ta, tb) * rowLen + x0 * ch;
                        }
                    }
                    tapCount[0] = t;
                    if (max) ops.verticalMax(in, inBase, taps, tapCount, t, 0, 1, buf, 0, span, span, nan);
                    else ops.verticalSum(in, inBase, taps, tapCount, t, 0, 1, buf, 0, span, span);
                } else if (span > 0) {
                    // Max from a floor (the floor is the first value): every row folded into the buffer.
                    Arrays.fill(buf, 0, span, floor);
                    for (int ta = b.ld[a]; ta < b.hd[a]; ta++) {
                        for (int tb = b.lh[bb]; tb < b.hh[bb]; tb++) {
                            ops.maxInto(in, inBase + rowOf(b, a, bb, ta, tb) * rowLen + x0 * ch, buf, 0, span, nan);
                        }
                    }
                }
                for (int c = cb; c < ce; c++) {
                    int o = o0 + c * ch;
                    int t0 = b.lw[c];
                    int t1 = b.hw[c];
                    if (t1 <= t0) {
                        Arrays.fill(out, o, o + ch, max ? floor : 0f);
                        continue;
                    }
                    int p = srcOff + (b.sw[c] + t0 * b.dw) * ch;
                    if (!max) {
                        // Summed and divided in one pass.
                        ops.avgTaps(src, p, b.dw * ch, t1 - t0, out, o, ch, div[q0 + c]);
                        continue;
                    }
                    if (fromFirst) {
                        ops.maxTaps(src, p, b.dw * ch, t1 - t0, out, o, ch, nan);
                    } else {
                        Arrays.fill(out, o, o + ch, floor);
                        for (int tc = t0; tc < t1; tc++) ops.maxInto(src, p + (tc - t0) * b.dw * ch, out, o, ch, nan);
                    }
                    // Zeros are rare: a vector search skips the rest (a scalar loop over the channels
                    // took a fifth of the NHWC stem's time).
                    int end = o + ch;
                    for (int i = ops.nextZero(out, o, end); i < end; i = ops.nextZero(out, i + 1, end)) {
                        out[i] = scanMax(b, spec, in, inBase + (i - o), ch, a, bb, c, null);
                    }
                }
            }
        }
    }

    /**
     * Floats of input one column block reduces into its row buffer: small enough to stay in a 32 KiB
     * L1 cache beside the input stream (a whole 28 KiB row buffer measured about 40 % slower).
     */
    public static final int BLOCK_FLOATS = 2048;

    /**
     * First input column read by any non-empty window of output columns [cb, ce). With dilation
     * and padding the first valid column of consecutive windows need not increase, so the block's
     * extent is a minimum and maximum over all its windows.
     */
    private static int blockFirst(Box b, int cb, int ce) {
        int x = Integer.MAX_VALUE;
        for (int c = cb; c < ce; c++) {
            if (b.hw[c] > b.lw[c]) x = Math.min(x, b.sw[c] + b.lw[c] * b.dw);
        }
        return x == Integer.MAX_VALUE ? 0 : x;
    }

    /** Last input column read by any non-empty window of output columns [cb, ce), or -1 when none is. */
    private static int blockLast(Box b, int cb, int ce) {
        int x = -1;
        for (int c = cb; c < ce; c++) {
            if (b.hw[c] > b.lw[c]) x = Math.max(x, b.sw[c] + (b.hw[c] - 1) * b.dw);
        }
        return x;
    }

    /** blockEnd[cb] = one past the last output column of the block that starts at cb. */
    private static int[] columnBlocks(Box b, int ch) {
        int[] end = Scratch.ints(Scratch.BLOCKS, b.ow + 1);
        int cb = 0;
        while (cb < b.ow) {
            int ce = cb + 1;
            while (ce < b.ow && (long) (blockLast(b, cb, ce + 1) + 1 - blockFirst(b, cb, ce + 1)) * ch <= BLOCK_FLOATS)
                ce++;
            end[cb] = ce;
            cb = ce;
        }
        return end;
    }

    private static int maxBlockSpan(Box b, int[] blockEnd) {
        int m = 1;
        for (int cb = 0; cb < b.ow; cb = blockEnd[cb]) {
            m = Math.max(m, blockLast(b, cb, blockEnd[cb]) + 1 - blockFirst(b, cb, blockEnd[cb]));
        }
        return m;
    }

    @Override
    public void forwardArgmax(Geometry g, float[] in, float[] out, Argmax argmax, int threads) {
        Box b = g.box();
        int units = g.batch() * b.outPlane();
        int t = Parallel.threadsFor(threads, units, bytes(g));
        if (t <= 1) positions(b, in, out, null, argmax, 0, units);
        else Parallel.run(units, t, (u0, u1) -> positions(b, in, out, null, argmax, u0, u1));
    }

    private void positions(Box b, float[] in, float[] out, long[] indices, Argmax argmax, int u0, int u1) {
        PoolSpec spec = b.g.spec();
        PoolOp op = spec.op();
        int ch = b.g.channels();
        int outPlane = b.outPlane();
        int inPlane = b.inPlane();
        boolean max = op.isMaxType();
        boolean avg = op == PoolOp.AVG || op == PoolOp.GLOBAL_AVG || op == PoolOp.ADAPTIVE_AVG;
        boolean nan = spec.nanPolicy() == NanPolicy.PROPAGATE;
        boolean fromFirst = startsFromFirstTap(spec);
        boolean withArg = indices != null || argmax != null;
        boolean lowest = spec.maxFloor() == MaxFloor.LOWEST_FINITE;
        float floor = floor(spec);
        double p = spec.p();
        boolean torch = spec.lpMode() == LpMode.PYTORCH;
        double volume = kernelVolume(spec);
        float[] div = avg ? b.divisors() : null;
        int[] arg = withArg ? Scratch.ints(Scratch.ARG, ch) : null;
        // Lp terms can span many orders of magnitude over a large window: they are summed in double.
        double[] lpSum = !max && !avg ? Scratch.doubles(Scratch.SUM, ch) : null;
        for (int u = u0; u < u1; u++) {
            int n = u / outPlane;
            int q = u - n * outPlane;
            int c = q % b.ow;
            int bb = (q / b.ow) % b.oh;
            int a = q / (b.ow * b.oh);
            int o = u * ch;
            int inBase = n * inPlane * ch;
            if (b.anyEmpty && b.emptyAt(a, bb, c)) {
                Arrays.fill(out, o, o + ch, max ? floor : 0f);
                if (withArg) Arrays.fill(arg, 0, ch, lowest ? -1 : indices != null ? b.firstValid(a, bb, c) : 0);
                writeArg(indices, argmax, arg, o, ch);
                continue;
            }
            boolean first = true;
            if (max && !fromFirst) {
                Arrays.fill(out, o, o + ch, floor);
                first = false;
            } else if (lpSum != null) {
                Arrays.fill(lpSum, 0, ch, 0);
                first = false;
            }
            if (withArg)
                Arrays.fill(
                        arg,
                        0,
                        ch,
                        lowest
                                ? -1
                                : indices != null
                                        ? b.firstValid(a, bb, c)
                                        : b.localOffset(a, bb, c, b.ld[a], b.lh[bb], b.lw[c]));
            for (int ta = b.ld[a]; ta < b.hd[a]; ta++) {
                for (int tb = b.lh[bb]; tb < b.hh[bb]; tb++) {
                    int row = rowOf(b, a, bb, ta, tb) * b.iw + b.sw[c];
                    int local = (ta * b.kh[bb] + tb) * b.kw[c];
                    for (int tc = b.lw[c]; tc < b.hw[c]; tc++) {
                        int pos = row + tc * b.dw;
                        int src = inBase + pos * ch;
                        if (first) {
                            System.arraycopy(in, src, out, o, ch);
                            first = false;
                        } else if (withArg) {
                            ops.maxIndexInto(in, src, out, o, arg, 0, ch, indices != null ? pos : local + tc, nan);
                        } else if (max) {
                            ops.maxInto(in, src, out, o, ch, nan);
                        } else if (avg) {
                            ops.addInto(in, src, out, o, ch);
                        } else {
                            for (int k = 0; k < ch; k++) lpSum[k] += lpTerm(in[src + k], p, torch);
                        }
                    }
                }
            }
            if (withArg) {
                writeArg(indices, argmax, arg, o, ch);
            } else if (max) {
                for (int k = 0; k < ch; k++) {
                    if (out[o + k] == 0f) out[o + k] = scanMax(b, spec, in, inBase + k, ch, a, bb, c, null);
                }
            } else if (avg) {
                ops.divide(out, o, ch, div[q]);
            } else if (!max) {
                double valid = (double) (b.hd[a] - b.ld[a]) * (b.hh[bb] - b.lh[bb]) * (b.hw[c] - b.lw[c]);
                for (int k = 0; k < ch; k++) out[o + k] = lpFinish(lpSum[k], p, torch, valid, volume);
            }
        }
    }

    private static void writeArg(long[] indices, Argmax argmax, int[] arg, int o, int ch) {
        if (indices != null) {
            for (int k = 0; k < ch; k++) indices[o + k] = arg[k];
        } else if (argmax != null) {
            for (int k = 0; k < ch; k++) argmax.set(o + k, arg[k]);
        }
    }

    // ---- backward ------------------------------------------------------------------------------

    @Override
    public void backward(
            Geometry g, float[] in, float[] gradOut, long[] indices, float[] samples, float[] gradIn, int threads) {
        Box b = g.box();
        int t = Parallel.threadsFor(threads, g.batch(), bytes(g) * 2);
        if (g.spec().op() == PoolOp.LP) {
            if (t <= 1) lpBackwardItems(b, in, gradOut, gradIn, 0, g.batch());
            else Parallel.run(g.batch(), t, (n0, n1) -> lpBackwardItems(b, in, gradOut, gradIn, n0, n1));
            return;
        }
        if (t <= 1) backwardItems(b, in, gradOut, indices, null, gradIn, 0, g.batch());
        else Parallel.run(g.batch(), t, (n0, n1) -> backwardItems(b, in, gradOut, indices, null, gradIn, n0, n1));
    }

    /**
     * Lp backward (the norm's mode) of batch items {@code [n0, n1)}, the reference's formulas channel by
     * channel: per window y = (sum |x|^p)^(1/p) in double over the valid taps in scan order, then each tap
     * gets {@code (float) (sign(x) |x|^(p-1) * go / y^(p-1))} (nothing where y is 0; 0 where x is 0),
     * outputs in scan order. A window's channels are loops over contiguous floats; the reference walked
     * one channel's window at a time (about 1.2 s for a 16x112x112x64 3x3 s2 backward). Integer orders
     * take products (within 1e-6 relative of the reference's Math.pow, as the variant kernel's Lp).
     */
    private void lpBackwardItems(Box b, float[] in, float[] gradOut, float[] gradIn, int n0, int n1) {
        PoolSpec spec = b.g.spec();
        double p = spec.p();
        int order = integerOrder(p);
        int ch = b.g.channels();
        int inPlane = b.inPlane();
        int outPlane = b.outPlane();
        double[] sum = Scratch.doubles(Scratch.LP_SUM, ch);
        double[] scale = Scratch.doubles(Scratch.LP_SCALE, ch);
        for (int n = n0; n < n1; n++) {
            int inBase = n * inPlane * ch;
            Arrays.fill(gradIn, inBase, inBase + inPlane * ch, 0f);
            for (int q = 0; q < outPlane; q++) {
                int c = q % b.ow;
                int bb = (q / b.ow) % b.oh;
                int a = q / (b.ow * b.oh);
                if (b.hd[a] <= b.ld[a] || b.hh[bb] <= b.lh[bb] || b.hw[c] <= b.lw[c]) continue;
                int o = (n * outPlane + q) * ch;
                Arrays.fill(sum, 0, ch, 0);
                for (int ta = b.ld[a]; ta < b.hd[a]; ta++) {
                    for (int tb = b.lh[bb]; tb < b.hh[bb]; tb++) {
                        int row = rowOf(b, a, bb, ta, tb) * b.iw + b.sw[c];
                        for (int tc = b.lw[c]; tc < b.hw[c]; tc++) {
                            int at = inBase + (row + tc * b.dw) * ch;
                            if (order == 2) {
                                for (int k = 0; k < ch; k++) {
                                    double x = in[at + k];
                                    sum[k] += x * x;
                                }
                            } else {
                                for (int k = 0; k < ch; k++) sum[k] += absPow(in[at + k], p, order);
                            }
                        }
                    }
                }
                for (int k = 0; k < ch; k++) {
                    double y = order == 2 ? Math.sqrt(sum[k]) : order == 1 ? sum[k] : Math.pow(sum[k], 1.0 / p);
                    // y^(p-1): y itself for p = 2; a window whose norm is 0 passes no gradient.
                    double den = order == 2 ? y : order > 0 ? products(y, order - 1) : Math.pow(y, p - 1);
                    scale[k] = y == 0 ? 0 : gradOut[o + k] / den;
                }
                for (int ta = b.ld[a]; ta < b.hd[a]; ta++) {
                    for (int tb = b.lh[bb]; tb < b.hh[bb]; tb++) {
                        int row = rowOf(b, a, bb, ta, tb) * b.iw + b.sw[c];
                        for (int tc = b.lw[c]; tc < b.hw[c]; tc++) {
                            int at = inBase + (row + tc * b.dw) * ch;
                            for (int k = 0; k < ch; k++) {
                                double x = in[at + k];
                                double d = x == 0 ? 0 : slope(x, p, order);
                                // Where y is 0 the reference adds nothing; here the scale 0 adds a zero,
                                // which leaves the gradient as it is (a float sum from +0 is never -0).
                                gradIn[at + k] += (float) (d * scale[k]);
                            }
                        }
                    }
                }
            }
        }
    }

    /** |x|^p: products for integer orders up to 8, else Math.pow. */
    private static double absPow(float x, double p, int order) {
        double a = Math.abs((double) x);
        return order > 0 ? products(a, order) : Math.pow(a, p);
    }

    /** sign(x) |x|^(p-1) for x != 0: x for order 2, sign for order 1, products or Math.pow otherwise. */
    private static double slope(double x, double p, int order) {
        if (order == 2) return x;
        if (order == 1) return Math.signum(x);
        double a = Math.abs(x);
        return Math.signum(x) * (order > 0 ? products(a, order - 1) : Math.pow(a, p - 1));
    }

    @Override
    public void backwardArgmax(Geometry g, float[] gradOut, Argmax argmax, float[] gradIn, int threads) {
        Box b = g.box();
        int t = Parallel.threadsFor(threads, g.batch(), 4L * g.inputElements() + 5L * g.outputElements());
        if (t <= 1) backwardItems(b, null, gradOut, null, argmax, gradIn, 0, g.batch());
        else Parallel.run(g.batch(), t, (n0, n1) -> backwardItems(b, null, gradOut, null, argmax, gradIn, n0, n1));
    }

    /** Batch items {@code [n0, n1)}: outputs in scan order, as the reference accumulates. */
    private void backwardItems(
            Box b, float[] in, float[] gradOut, long[] indices, Argmax argmax, float[] gradIn, int n0, int n1) {
        PoolSpec spec = b.g.spec();
        boolean max = spec.op().isMaxType();
        int ch = b.g.channels();
        int inPlane = b.inPlane();
        int outPlane = b.outPlane();
        float[] div = max ? null : b.divisors();
        float[] delta = Scratch.floats(Scratch.DELTA, ch);
        int[] arg = Scratch.ints(Scratch.ARG, ch);
        float[] val = max && indices == null && argmax == null ? Scratch.floats(Scratch.TMP, ch) : null;
        // The compact argmax of fixed-size sliding windows names each winner by one byte: its position
        // is the window's first tap plus that tap's offset, with no per-channel position arithmetic
        // (Box.positionOf per channel cost 3x the channels-first scatter).
        byte[] small = argmax != null && b.sliding && !b.anyEmpty ? argmax.byteArray() : null;
        int[] tapDelta = small != null ? b.tapDeltas() : null;
        for (int n = n0; n < n1; n++) {
            int inBase = n * inPlane * ch;
            Arrays.fill(gradIn, inBase, inBase + inPlane * ch, 0f);
            if (small != null) {
                for (int q = 0; q < outPlane; q++) {
                    int c = q % b.ow;
                    int bb = (q / b.ow) % b.oh;
                    int a = q / (b.ow * b.oh);
                    int start = rowOf(b, a, bb, 0, 0) * b.iw + b.sw[c];
                    int o = (n * outPlane + q) * ch;
                    for (int k = 0; k < ch; k++) {
                        gradIn[inBase + (start + tapDelta[small[o + k] & 0xFF]) * ch + k] += gradOut[o + k];
                    }
                }
                continue;
            }
            for (int q = 0; q < outPlane; q++) {
                int c = q % b.ow;
                int bb = (q / b.ow) % b.oh;
                int a = q / (b.ow * b.oh);
                if (b.anyEmpty && b.emptyAt(a, bb, c)) continue;
                int o = (n * outPlane + q) * ch;
                if (!max) {
                    for (int k = 0; k < ch; k++) delta[k] = gradOut[o + k] / div[q];
                    for (int ta = b.ld[a]; ta < b.hd[a]; ta++) {
                        for (int tb = b.lh[bb]; tb < b.hh[bb]; tb++) {
                            int row = rowOf(b, a, bb, ta, tb) * b.iw + b.sw[c];
                            for (int tc = b.lw[c]; tc < b.hw[c]; tc++) {
                                ops.addInto(delta, 0, gradIn, inBase + (row + tc * b.dw) * ch, ch);
                            }
                        }
                    }
                    continue;
                }
                if (indices != null) {
                    for (int k = 0; k < ch; k++) {
                        long pos = indices[o + k];
                        if (pos >= 0) gradIn[inBase + (int) pos * ch + k] += gradOut[o + k];
                    }
                    continue;
                }
                if (argmax != null) {
                    for (int k = 0; k < ch; k++) arg[k] = b.positionOf(a, bb, c, argmax.get(o + k));
                } else {
                    recomputeArg(b, spec, in, inBase, a, bb, c, val, arg);
                }
                for (int k = 0; k < ch; k++) {
                    if (arg[k] >= 0) gradIn[inBase + arg[k] * ch + k] += gradOut[o + k];
                }
            }
        }
    }

    private void recomputeArg(
            Box b, PoolSpec spec, float[] in, int inBase, int a, int bb, int c, float[] val, int[] arg) {
        int ch = b.g.channels();
        boolean nan = spec.nanPolicy() == NanPolicy.PROPAGATE;
        Arrays.fill(val, 0, ch, floor(spec));
        Arrays.fill(arg, 0, ch, spec.maxFloor() == MaxFloor.LOWEST_FINITE ? -1 : b.firstValid(a, bb, c));
        for (int ta = b.ld[a]; ta < b.hd[a]; ta++) {
            for (int tb = b.lh[bb]; tb < b.hh[bb]; tb++) {
                int row = rowOf(b, a, bb, ta, tb) * b.iw + b.sw[c];
                for (int tc = b.lw[c]; tc < b.hw[c]; tc++) {
                    int pos = row + tc * b.dw;
                    ops.maxIndexInto(in, inBase + pos * ch, val, 0, arg, 0, ch, pos, nan);
                }
            }
        }
    }
}
