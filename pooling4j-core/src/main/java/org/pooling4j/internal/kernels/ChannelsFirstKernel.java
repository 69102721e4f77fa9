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
 * The fast kernel for channels-first tensors (each (n, c) plane contiguous), any rank up to 3.
 *
 * <p>Forward without indices is separable: for each output row the input rows of its window are
 * reduced element-wise into one row (long contiguous vector operations), then that row is reduced
 * across the width (strided windows, {@link RowOps#windowMax}). Windows cut by padding and adaptive
 * windows take exact per-window loops. Because the separable order differs from the reference's
 * row-major scan only in which of several equal maxima is kept, a maximum of zero (where +0 and -0
 * are equal but have different bits) is recomputed in scan order, so results stay bit-identical.
 * (Row operations may also leave the sign of a zero maximum open, for the same reason.)
 * Max with indices scans each window in the reference order. Work is split by planes.
 */
public final class ChannelsFirstKernel extends FastKernel {
    /** Floats of slack after a row buffer: enough for the widest vector block of a strided window. */
    public static final int ROW_SLACK = 256;
    /** Rows narrower than this many floats take the direct per-window loop. */
    public static final int NARROW_WIDTH = 32;
    /** Rows shorter than this many floats (512 bytes) are read two at a time in the vertical pass. */
    public static final int SHORT_ROW = 128;
    /**
     * Floats of vertical results the flat path gathers before its horizontal pass (16 KiB: the
     * chunk stays in L1 between the two passes).
     */
    public static final int FLAT_CHUNK = 4096;
    /** Planes interleaved into one block by the blocked path: a 512-bit vector of floats per position. */
    public static final int BLOCK_PLANES = 16;
    /** Planes at most this many floats wide take the blocked path (when it applies). */
    public static final int BLOCK_WIDTH = 20;
    /** Windows at least this many taps wide (and high) take the blocked path (when it applies). */
    public static final int BLOCK_TAPS = 4;
    /**
     * Largest plane (floats) the blocked path takes: 16 planes of it and their outputs stay in the L2
     * cache (256 KiB of input), and a tall narrow plane does not make a huge block.
     */
    public static final int BLOCK_PLANE_LIMIT = 4096;
    /** Planes at most this many floats wide take the blocked path with 3x3 windows, where it applies. */
    public static final int BLOCK_WIDTH_K3 = 13;
    /**
     * Whether the blocked path runs at all: on JDK 21 and later (measured on JDK 25). On JDK 17 the
     * Vector API's gathers sometimes compiled to their allocating fallback, and with plain-loop
     * interleaves instead the path no longer paid (13x13 k5: 1.50 against 1.52 ms on the flat path).
     */
    public static final boolean NEWER_JDK = Runtime.version().feature() >= 21;
    /** Largest plane (floats) whose Lp terms the row path computes once into scratch. */
    static final int LP_PLANE_TERMS = 1 << 16;
    /** Largest row table (output rows times taps per window's rows) the flat path builds. */
    private static final long FLAT_TABLE_LIMIT = 1 << 20;

    public ChannelsFirstKernel(RowOps ops) {
        super("cf", ops);
    }

    @Override
    public String declines(Geometry g, boolean backward) {
        if (g.layout() != Layout.CHANNELS_FIRST) return "channels-last input";
        return declinesCommon(g, backward);
    }

    private static int planes(Geometry g) {
        return g.batch() * g.channels();
    }

    private static long bytes(Geometry g) {
        return 4L * ((long) g.inputElements() + g.outputElements());
    }

    @Override
    public void forward(Geometry g, float[] in, float[] out, long[] indices, float[] samples, int threads) {
        Box b = g.box();
        int planes = planes(g);
        int t = Parallel.threadsFor(threads, planes, bytes(g));
        PoolOp op = g.spec().op();
        if (indices != null) {
            if (t <= 1) argmaxPlanes(b, in, out, indices, null, 0, planes);
            else Parallel.run(planes, t, (p0, p1) -> argmaxPlanes(b, in, out, indices, null, p0, p1));
        } else if (op.isGlobal() || wholePlane(g)) {
            if (t <= 1) globalPlanes(b, in, out, 0, planes);
            else Parallel.run(planes, t, (p0, p1) -> globalPlanes(b, in, out, p0, p1));
        } else if (blocked(b, g.spec(), planes)) {
            int blocks = planes / BLOCK_PLANES;
            int tb = Parallel.threadsFor(threads, blocks, bytes(g));
            if (tb <= 1) blockedPlanes(b, in, out, 0, blocks);
            else Parallel.run(blocks, tb, (k0, k1) -> blockedPlanes(b, in, out, k0, k1));
            // The planes left over run the row path, whatever the thread count, so results do not
            // depend on it.
            if (blocks * BLOCK_PLANES < planes) rowPlanes(b, in, out, blocks * BLOCK_PLANES, planes);
        } else {
            if (t <= 1) rowPlanes(b, in, out, 0, planes);
            else Parallel.run(planes, t, (p0, p1) -> rowPlanes(b, in, out, p0, p1));
        }
    }

    @Override
    public void forwardArgmax(Geometry g, float[] in, float[] out, Argmax argmax, int threads) {
        Box b = g.box();
        int planes = planes(g);
        int t = Parallel.threadsFor(threads, planes, bytes(g));
        if (t <= 1) argmaxPlanes(b, in, out, null, argmax, 0, planes);
        else Parallel.run(planes, t, (p0, p1) -> argmaxPlanes(b, in, out, null, argmax, p0, p1));
    }

    // ---- forward -------------------------------------------------------------------------------

    private void argmaxPlanes(Box b, float[] in, float[] out, long[] indices, Argmax argmax, int p0, int p1) {
        PoolSpec spec = b.g.spec();
        int inPlane = b.inPlane();
        int outPlane = b.outPlane();
        int[] arg = Scratch.ints(Scratch.ARG, 2);
        boolean nan = spec.nanPolicy() == NanPolicy.PROPAGATE;
        float floor = floor(spec);
        // With a finite floor a window no tap beats has no winner position (-1), as in the reference.
        boolean noWinner = spec.maxFloor() == MaxFloor.LOWEST_FINITE;
        if (pairs(b, spec)) {
            pairPlanes(b, in, out, indices, argmax, p0, p1, floor, nan, noWinner);
            return;
        }
        int[] inner = interior(b);
        int c0 = inner[0];
        int c1 = inner[1];
        int[] delta = c1 > c0 ? b.tapDeltas() : null;
        // Windows scanned from their first tap (no floor, NaN propagating) run the scan a vector of
        // windows at a time (RowOps.windowArgmax); the others keep the branch-free winner below.
        boolean first = startsFromFirstTap(spec);
        int[] win = first && delta != null ? Scratch.ints(Scratch.WINNERS, c1 - c0) : null;
        boolean clippedRows = win != null && b.od == 1 && b.kd[0] == 1 && b.ld[0] == 0 && b.hd[0] == 1;
        for (int p = p0; p < p1; p++) {
            int inBase = p * inPlane;
            int q = p * outPlane;
            for (int a = 0; a < b.od; a++) {
                for (int bb = 0; bb < b.oh; bb++, q += b.ow) {
                    boolean full = delta != null
                            && b.ld[a] == 0
                            && b.hd[a] == b.kd[a]
                            && b.lh[bb] == 0
                            && b.hh[bb] == b.kh[bb];
                    // Rows whose windows the padding cuts above or below (one tap deep) scan the taps of
                    // their valid rows the same way.
                    boolean part = !full && clippedRows && b.hh[bb] > b.lh[bb];
                    int f0 = full || part ? c0 : b.ow;
                    int f1 = full || part ? c1 : b.ow;
                    for (int c = 0; c < f0; c++)
                        argmaxOne(b, spec, in, inBase, a, bb, c, q + c, out, indices, argmax, arg);
                    if (f1 > f0) {
                        int rowBase = rowOf(b, a, bb, 0, 0) * b.iw;
                        if (first) {
                            int[] d = full ? delta : b.rowTapDeltas(bb);
                            int t0 = full ? 0 : b.lh[bb] * b.kw[0];
                            scanRow(in, inBase, rowBase, b, delta, d, t0, f0, f1, q, out, indices, argmax, nan, win);
                        } else {
                            argmaxRow(
                                    in, inBase, rowBase, b, delta, f0, f1, q, out, indices, argmax, nan, floor,
                                    noWinner);
                        }
                    }
                    for (int c = f1; c < b.ow; c++)
                        argmaxOne(b, spec, in, inBase, a, bb, c, q + c, out, indices, argmax, arg);
                }
            }
        }
    }

    /** Output floats the pairs path computes per band of output rows (8 KiB: the band stays in L1). */
    private static final int PAIR_BAND = 2048;

    /**
     * Whether every window is a whole 2 x 2 stride-2 window of a plane, without padding or dilation:
     * the windows of the pairs path ({@link #pairPlanes}).
     */
    static boolean pairs(Box b, PoolSpec spec) {
        if (spec.op() != PoolOp.MAX || b.od != 1 || b.kd[0] != 1 || b.oh == 0 || b.ow == 0 || b.anyEmpty) return false;
        if (b.strideH != 2 || b.strideW != 2 || b.dh != 1 || b.dw != 1 || b.kw[0] != 2 || b.sw[0] != 0) return false;
        int[] inner = interior(b);
        if (inner[0] != 0 || inner[1] != b.ow) return false;
        for (int r = 0; r < b.oh; r++) {
            if (b.sh[r] != 2 * r || b.lh[r] != 0 || b.hh[r] != 2 || b.kh[r] != 2) return false;
        }
        return true;
    }

    /**
     * Max over whole 2 x 2 stride-2 windows, with the winners when {@code indices} or {@code argmax}
     * asks: each input row's pairs are scanned ({@link RowOps#pairMax}; a plane whose width is
     * twice the output width is one run of pairs), then each output row merges its two rows' pairs
     * ({@link RowOps#maxMerge}), which is the reference's scan order. A band of output rows is
     * computed into scratch, where the merges run whole vectors past each row's end (the next row
     * overwrites what they wrote there), so narrow planes use whole vectors too.
     */
    private void pairPlanes(
            Box b,
            float[] in,
            float[] out,
            long[] indices,
            Argmax argmax,
            int p0,
            int p1,
            float floor,
            boolean nan,
            boolean noWinner) {
        int iw = b.iw;
        int ow = b.ow;
        int oh = b.oh;
        int inPlane = b.inPlane();
        int outPlane = b.outPlane();
        int lanes = ops.lanes();
        boolean taps = indices != null || argmax != null;
        int band = Math.max(1, Math.min(oh, PAIR_BAND / ow));
        int wide = (ow + lanes - 1) / lanes * lanes;
        float[] h = Scratch.floats(Scratch.PAIRS, 2 * band * ow + lanes);
        float[] ht = taps ? Scratch.floats(Scratch.PAIR_TAPS, 2 * band * ow + lanes) : null;
        float[] o = Scratch.floats(Scratch.PAIR_OUT, band * ow + lanes);
        float[] ot = taps ? Scratch.floats(Scratch.PAIR_OUT_TAPS, band * ow + lanes) : null;
        byte[] small = argmax != null ? argmax.byteArray() : null;
        boolean oneRun = iw == 2 * ow;
        for (int p = p0; p < p1; p++) {
            int inBase = p * inPlane;
            int outBase = p * outPlane;
            for (int r0 = 0; r0 < oh; r0 += band) {
                int rows = Math.min(band, oh - r0);
                int src = inBase + 2 * r0 * iw;
                if (oneRun) {
                    ops.pairMax(in, src, 2 * rows * ow, floor, nan, h, ht, 0);
                } else {
                    for (int r = 0; r < 2 * rows; r++) ops.pairMax(in, src + r * iw, ow, floor, nan, h, ht, r * ow);
                }
                for (int r = 0; r < rows; r++) {
                    int top = 2 * r * ow;
                    if (taps) ops.maxMerge(h, ht, top, h, ht, top + ow, 2f, o, ot, r * ow, wide, nan);
                    else ops.max2(h, top, h, top + ow, o, r * ow, wide, nan);
                }
                int q0 = outBase + r0 * ow;
                int count = rows * ow;
                System.arraycopy(o, 0, out, q0, count);
                if (small != null) {
                    // No winner (-1): the reference's initial winner, the first tap.
                    for (int i = 0; i < count; i++) small[q0 + i] = (byte) Math.max((int) ot[i], 0);
                } else if (argmax != null) {
                    for (int i = 0; i < count; i++) argmax.set(q0 + i, Math.max((int) ot[i], 0));
                } else if (indices != null) {
                    for (int i = 0; i < count; i++) {
                        int t = (int) ot[i];
                        int start = 2 * (r0 + i / ow) * iw + 2 * (i % ow);
                        indices[q0 + i] = t >= 0 ? start + (t >> 1) * iw + (t & 1) : noWinner ? -1 : start;
                    }
                }
            }
        }
    }

    private static void argmaxOne(
            Box b,
            PoolSpec spec,
            float[] in,
            int inBase,
            int a,
            int bb,
            int c,
            int q,
            float[] out,
            long[] indices,
            Argmax argmax,
            int[] arg) {
        out[q] = scanMax(b, spec, in, inBase, 1, a, bb, c, arg);
        if (indices != null) indices[q] = arg[0];
        else argmax.set(q, arg[1]);
    }

    /**
     * Whole windows {@code c0 <= c < c1} of one output row by the reference's scan from the first tap
     * (no floor), a vector of windows at a time: values into {@code out}, winners into
     * {@code indices} or {@code argmax}. The measured alternative, {@link #winner} per window, cost
     * about 45 ns per 3 x 3 window (its maximum and equality chains, one window at a time).
     */
    private void scanRow(
            float[] in,
            int inBase,
            int rowBase,
            Box b,
            int[] delta,
            int[] d,
            int t0,
            int c0,
            int c1,
            int q,
            float[] out,
            long[] indices,
            Argmax argmax,
            boolean nan,
            int[] win) {
        // d: the scanned taps' offsets from tap t0 (the first valid one), delta: every tap's.
        int n = c1 - c0;
        int first = delta[t0];
        ops.windowArgmax(in, inBase + rowBase + b.sw[c0] + first, b.strideW, d, d.length, nan, out, q + c0, win, 0, n);
        if (indices != null) {
            for (int i = 0; i < n; i++) indices[q + c0 + i] = rowBase + b.sw[c0 + i] + delta[t0 + win[i]];
        } else {
            for (int i = 0; i < n; i++) argmax.set(q + c0 + i, t0 + win[i]);
        }
    }

    /**
     * Whole windows of one output row, with the reference's winner (the first tap, in its tap order,
     * strictly greater than the best so far, or the last NaN when NaN propagates): the maximum by
     * {@link Math#max} and the winner as the first tap equal to it, both without branches (on ReLU
     * outputs full of equal zeros the reference scan's branch mispredicts about once per window);
     * windows with a NaN, or none above a finite floor, take the scan itself.
     */
    private static void argmaxRow(
            float[] in,
            int inBase,
            int rowBase,
            Box b,
            int[] delta,
            int c0,
            int c1,
            int q,
            float[] out,
            long[] indices,
            Argmax argmax,
            boolean nan,
            float floor,
            boolean noWinner) {
        for (int c = c0; c < c1; c++) {
            int s = rowBase + b.sw[c];
            int i = inBase + s;
            int local = winner(in, i, delta, floor, nan, noWinner);
            store(q + c, local >= 0 ? in[i + delta[local]] : floor, local, s, delta, out, indices, argmax, noWinner);
        }
    }

    /**
     * The reference's winner of the whole window whose taps are {@code in[i + delta[t]]}: its
     * window-local tap, or -1 when no tap beats the floor. The maximum by {@link Math#max} and the
     * first tap equal to it, both without branches; a window with a NaN, or with none above a finite
     * floor, takes the scan itself.
     */
    private static int winner(float[] in, int i, int[] delta, float floor, boolean nan, boolean noWinner) {
        int taps = delta.length;
        // 2 x 2 windows unrolled: a loop over the tap table ran about 30 ns per window on ReLU outputs,
        // winner4 about 8 (one thread, 147,456 windows with their gradient scatter: 4.4 against 1.2 ms).
        if (taps == 4) {
            return winner4(in[i], in[i + delta[1]], in[i + delta[2]], in[i + delta[3]], floor, noWinner, nan);
        }
        float m = in[i];
        for (int t = 1; t < taps; t++) m = Math.max(m, in[i + delta[t]]);
        if (beats(m, floor, noWinner)) {
            int local = taps - 1;
            for (int t = taps - 2; t >= 0; t--) local = in[i + delta[t]] == m ? t : local;
            return local;
        }
        float best = floor;
        int local = -1;
        for (int t = 0; t < taps; t++) {
            float v = in[i + delta[t]];
            if (v > best || (nan && v != v)) {
                best = v;
                local = t;
            }
        }
        return local;
    }

    /** Writes one whole window's maximum and winner; {@code local} is -1 when no tap beat the floor. */
    private static void store(
            int q,
            float best,
            int local,
            int start,
            int[] delta,
            float[] out,
            long[] indices,
            Argmax argmax,
            boolean noWinner) {
        out[q] = best;
        if (indices != null) {
            // No winner: the reference keeps its initial position, the first tap (or -1 with a finite floor).
            indices[q] = local >= 0 ? start + delta[local] : noWinner ? -1 : start;
        } else {
            argmax.set(q, Math.max(local, 0));
        }
    }

    /**
     * Whether max or average pooling has one window per plane that is the plane itself, in its order:
     * no padding, no dilation, the kernel as large as the input (ResNet's and Inception's 7x7 and 8x8
     * average at the head, written as a plain average). Such windows take the global path.
     */
    static boolean wholePlane(Geometry g) {
        PoolOp op = g.spec().op();
        if (op != PoolOp.MAX && op != PoolOp.AVG) return false;
        if (g.outPlane() != 1) return false;
        for (int a = 0; a < g.rank(); a++) {
            int taps = g.taps(a, 0);
            if (g.start(a, 0) != 0 || taps != g.inSize(a) || g.validLo(a, 0) != 0 || g.validHi(a, 0) != taps)
                return false;
            if (taps > 1 && g.step(a) != 1) return false;
        }
        return true;
    }

    private void globalPlanes(Box b, float[] in, float[] out, int p0, int p1) {
        PoolSpec spec = b.g.spec();
        PoolOp op = spec.op();
        // A plain max or average whose one window is the whole plane (wholePlane) is the global one.
        if (op == PoolOp.MAX) op = PoolOp.GLOBAL_MAX;
        else if (op == PoolOp.AVG) op = PoolOp.GLOBAL_AVG;
        int n = b.inPlane();
        boolean nan = spec.nanPolicy() == NanPolicy.PROPAGATE;
        float floor = floor(spec);
        float div = op == PoolOp.GLOBAL_AVG ? b.divisors()[0] : 0;
        double p = spec.p();
        boolean torch = spec.lpMode() == LpMode.PYTORCH;
        if (op == PoolOp.GLOBAL_AVG && n <= GLOBAL_RUN) {
            // Short planes: the plane sums in one call (the SIMD version overlaps their reductions
            // across lanes), written into the output and divided in place, as the loop below would.
            ops.sumRuns(in, p0 * n, n, p1 - p0, out, p0);
            for (int pl = p0; pl < p1; pl++) out[pl] = (float) (out[pl] / (double) div);
            return;
        }
        for (int pl = p0; pl < p1; pl++) {
            int base = pl * n;
            if (op == PoolOp.GLOBAL_MAX) {
                float v = ops.maxRange(in, base, n, floor, nan);
                // Lanes reduce in another order than the scan: re-scan to get the reference's zero sign.
                if (v == 0f) v = scanMax(b, spec, in, base, 1, 0, 0, 0, null);
                out[pl] = v;
            } else if (op == PoolOp.GLOBAL_AVG) {
                out[pl] = (float) (chunkedSum(in, base, n) / div);
            } else {
                double s = 0;
                for (int i = 0; i < n; i++) s += lpTerm(in[base + i], p, torch);
                out[pl] = lpFinish(s, p, torch, n, 1);
            }
        }
    }

    /** Floats summed in float before the sum goes on in double (see {@link #chunkedSum}). */
    private static final int GLOBAL_RUN = 512;

    /** Sum in float over short chunks and in double across them, so long planes keep float accuracy. */
    private double chunkedSum(float[] a, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i += GLOBAL_RUN) s += ops.sumRange(a, off + i, Math.min(GLOBAL_RUN, n - i));
        return s;
    }

    private void rowPlanes(Box b, float[] in, float[] out, int p0, int p1) {
        PoolSpec spec = b.g.spec();
        Box s2 = depthFirst(b, spec);
        if (s2 != null) {
            depthFirstPlanes(b, s2, in, out, p0, p1);
            return;
        }
        if (flat(b, spec)) {
            // A trivial last axis: the same problem one rank lower runs long rows, not one-float rows.
            Box q = b.squeezed();
            flatPlanes(q != null && flat(q, spec) ? q : b, in, out, p0, p1);
            return;
        }
        PoolOp op = spec.op();
        boolean max = op.isMaxType();
        boolean avg = op == PoolOp.AVG || op == PoolOp.ADAPTIVE_AVG;
        boolean nan = spec.nanPolicy() == NanPolicy.PROPAGATE;
        boolean fromFirst = startsFromFirstTap(spec);
        float floor = floor(spec);
        double p = spec.p();
        boolean torch = spec.lpMode() == LpMode.PYTORCH;
        double volume = kernelVolume(spec);
        float[] div = avg ? b.divisors() : null;
        int iw = b.iw;
        int inPlane = b.inPlane();
        int outPlane = b.outPlane();
        // Slack after the row lets the SIMD window loops run whole vectors up to its end.
        float[] buf = Scratch.floats(Scratch.ROW, iw + ROW_SLACK);
        // Lp: each plane's terms |x|^p computed once into scratch (a window row is read by up to
        // ceil(k / s) output rows; computing its terms per output row cost 1.5x on a 3x3 s2 window, and
        // the per-element call more). Orders 1 and 2 as float operations: |x| is exact, and the double
        // square of a float that lpTerm rounds is exact before that rounding, so x * x is the same float.
        // Planes larger than LP_PLANE_TERMS floats keep computing a row's terms per output row, so that
        // the scratch stays small.
        boolean planeTerms = !max && !avg && inPlane <= LP_PLANE_TERMS;
        float[] terms = planeTerms ? Scratch.floats(Scratch.TMP, inPlane) : null;
        float[] tmp = !max && !avg && !planeTerms ? Scratch.floats(Scratch.TMP, iw) : null;
        boolean square = !torch && p == 2;
        boolean abs = !torch && p == 1;
        int[] inner = interior(b);
        // Rows too short for whole vectors: per-call overhead would dominate the row passes, so each
        // window is reduced directly (the plane is in L1 by then).
        boolean narrow = iw < NARROW_WIDTH;
        for (int pl = p0; pl < p1; pl++) {
            int inBase = pl * inPlane;
            int outBase = pl * outPlane;
            if (terms != null) {
                if (square) {
                    for (int i = 0; i < inPlane; i++) {
                        float x = in[inBase + i];
                        terms[i] = x * x;
                    }
                } else if (abs) {
                    for (int i = 0; i < inPlane; i++) terms[i] = Math.abs(in[inBase + i]);
                } else {
                    for (int i = 0; i < inPlane; i++) terms[i] = lpTerm(in[inBase + i], p, torch);
                }
            }
            for (int a = 0; a < b.od; a++) {
                for (int bb = 0; bb < b.oh; bb++) {
                    int q0 = (a * b.oh + bb) * b.ow;
                    int o = outBase + q0;
                    int rows = (b.hd[a] - b.ld[a]) * (b.hh[bb] - b.lh[bb]);
                    if (rows <= 0) {
                        Arrays.fill(out, o, o + b.ow, max ? floor : 0f);
                        continue;
                    }
                    if (narrow && max && nan) {
                        narrowMaxRow(b, in, inBase, a, bb, out, o, floor, buf);
                        continue;
                    }
                    // Vertical pass: the window's input rows reduced into one row.
                    float[] src = buf;
                    int srcOff = 0;
                    if (max && fromFirst && rows == 1) {
                        src = in;
                        srcOff = inBase + rowOf(b, a, bb, b.ld[a], b.lh[bb]) * iw;
                    } else if (max) {
                        verticalMax(b, in, inBase, a, bb, buf, fromFirst, floor, nan);
                    } else if (avg && rows == 1) {
                        src = in;
                        srcOff = inBase + rowOf(b, a, bb, b.ld[a], b.lh[bb]) * iw;
                    } else if (avg) {
                        verticalSum(b, in, inBase, a, bb, buf);
                    } else {
                        Arrays.fill(buf, 0, iw, 0f);
                        for (int ta = b.ld[a]; ta < b.hd[a]; ta++) {
                            for (int tb = b.lh[bb]; tb < b.hh[bb]; tb++) {
                                int row = rowOf(b, a, bb, ta, tb) * iw;
                                if (terms != null) {
                                    ops.addInto(terms, row, buf, 0, iw);
                                } else {
                                    for (int i = 0; i < iw; i++) tmp[i] = lpTerm(in[inBase + row + i], p, torch);
                                    ops.addInto(tmp, 0, buf, 0, iw);
                                }
                            }
                        }
                    }
                    // Horizontal pass.
                    if (max) {
                        horizontalMax(b, src, srcOff, out, o, inner, fromFirst, floor, nan);
                        {
                            for (int c = 0; c < b.ow; c++) {
                                if (out[o + c] == 0f) out[o + c] = scanMax(b, spec, in, inBase, 1, a, bb, c, null);
                            }
                        }
                    } else {
                        horizontalSum(b, src, srcOff, out, o, inner);
                        if (avg) {
                            ops.divideEach(out, o, div, q0, b.ow);
                            if (b.anyEmpty) {
                                for (int c = 0; c < b.ow; c++) if (b.hw[c] <= b.lw[c]) out[o + c] = 0f;
                            }
                        } else {
                            double rowValid = (double) (b.hd[a] - b.ld[a]) * (b.hh[bb] - b.lh[bb]);
                            for (int c = 0; c < b.ow; c++) {
                                int valid = b.hw[c] - b.lw[c];
                                out[o + c] = valid > 0 ? lpFinish(out[o + c], p, torch, rowValid * valid, volume) : 0f;
                            }
                        }
                    }
                }
            }
        }
    }

    // ---- depth first (3-D windows overlapping in depth) ----------------------------------------

    /** Slices of more floats than this (4 MiB) take the flat path over 3-D row tables instead. */
    private static final int DEPTH_SLICE_LIMIT = 1 << 20;

    /** Floats of depth-reduced slices pooled by one flat call (256 KiB), at least one slice. */
    private static final int DEPTH_GROUP = 1 << 16;

    /**
     * The 2-D box of {@link #depthFirstPlanes} for 3-D max from the first tap whose windows overlap in
     * depth (depth kernel above the depth stride), or null.
     */
    private static Box depthFirst(Box b, PoolSpec spec) {
        if (b.g.rank() != 3 || !b.sliding || b.anyEmpty || spec.op() != PoolOp.MAX || !startsFromFirstTap(spec))
            return null;
        if (b.kd[0] <= b.strideD || (long) b.ih * b.iw > DEPTH_SLICE_LIMIT) return null;
        Box s2 = b.slice();
        return s2 != null && flat(s2, spec) ? s2 : null;
    }

    /*
     * 3-D max whose windows overlap in depth (kernel 3, stride 1, as in C3D-style and U-Net layers): each
     * output slice's depth taps are first reduced into one slice (one long pass per tap over the slice),
     * then the 2-D problem of height and width runs on it by the flat path. Per output the work is kd +
     * kh + kw taps instead of kd * kh + kw, and each depth tap is a plain stream. Maxima do not depend on
     * the order of the taps but for the sign of a zero, so zero results are scanned again in the
     * reference's (depth, height, width) order on the input itself.
     */
    private void depthFirstPlanes(Box b, Box s2, float[] in, float[] out, int p0, int p1) {
        PoolSpec spec = b.g.spec();
        boolean nan = spec.nanPolicy() == NanPolicy.PROPAGATE;
        int slice = b.ih * b.iw;
        int inPlane = b.inPlane();
        int outPlane = b.outPlane();
        int outSlice = b.oh * b.ow;
        int step = b.dd * slice;
        // Several output slices' reductions per flat call (one call per slice cost more than the slice's
        // pooling on small slices, 28x28), as many as fit DEPTH_GROUP floats, which stay in L2.
        int group = Math.max(1, Math.min(b.od, DEPTH_GROUP / slice));
        float[] depth = Scratch.floats(Scratch.DEPTH, group * slice);
        for (int pl = p0; pl < p1; pl++) {
            int inBase = pl * inPlane;
            for (int a0 = 0; a0 < b.od; a0 += group) {
                int a1 = Math.min(b.od, a0 + group);
                for (int a = a0; a < a1; ) {
                    int first = inBase + (b.sd[a] + b.ld[a] * b.dd) * slice;
                    int taps = b.hd[a] - b.ld[a];
                    // Output slices whose taps start one input slice apart (depth stride 1, no padding cut)
                    // reduce as one run: a tap's slices are then contiguous, one call per tap for the run
                    // (per slice, the calls cost more than 7x7 slices' work).
                    int e = a + 1;
                    while (e < a1
                            && b.hd[e] - b.ld[e] == taps
                            && inBase + (b.sd[e] + b.ld[e] * b.dd) * slice == first + (e - a) * slice) e++;
                    int n = (e - a) * slice;
                    int d = (a - a0) * slice;
                    if (taps == 1) {
                        System.arraycopy(in, first, depth, d, n);
                    } else {
                        ops.max2(in, first, in, first + step, depth, d, n, nan);
                        for (int t = 2; t < taps; t++) ops.maxInto(in, first + t * step, depth, d, n, nan);
                    }
                    a = e;
                }
                int o = pl * outPlane + a0 * outSlice;
                flatPlanes(s2, depth, 0, out, o, 0, a1 - a0, true, false);
                int end = o + (a1 - a0) * outSlice;
                for (int i = ops.nextZero(out, o, end); i < end; i = ops.nextZero(out, i + 1, end)) {
                    int q = i - pl * outPlane;
                    int a = q / outSlice;
                    int r = q - a * outSlice;
                    out[i] = scanMax(b, spec, in, inBase, 1, a, r / b.ow, r % b.ow, null);
                }
            }
        }
    }

    // ---- blocked path --------------------------------------------------------------------------

    /*
     * The blocked path pools many small planes 16 at a time: the 16 planes are interleaved into one
     * position-major block (a plane's value at each position is one lane, as in a channels-last
     * tensor of 16 channels), pooled there a whole vector of planes per tap, and the output block is
     * split back into the 16 output planes. Rows of a small plane are too short for vectors, and the
     * row and flat paths pay per-row calls and edge fix-ups on each plane; here every call covers 16
     * planes, and padding only shortens a window's tap range. Both interleaves run in cache.
     */

    private boolean blocked(Box b, PoolSpec spec, int planes) {
        if (!NEWER_JDK || ops.lanes() < 8 || !b.sliding || b.anyEmpty || b.g.rank() != 2 || planes < BLOCK_PLANES)
            return false;
        if (b.inPlane() > BLOCK_PLANE_LIMIT) return false;
        PoolOp op = spec.op();
        if (!(op == PoolOp.MAX && startsFromFirstTap(spec)) && op != PoolOp.AVG) return false;
        if (b.strideH != 1 || b.strideW != 1) return false;
        int k = Math.min(spec.kernelAt(0), spec.kernelAt(1));
        // Measured (docs/performance.md): the interleaves pay for themselves where each output reads
        // many taps of a short row, as k >= 4 stride-1 windows do, and 3x3 windows up to 13 wide;
        // k2 windows, strided ones and scalar loops ran faster on the row and flat paths.
        if (k >= BLOCK_TAPS) return b.iw <= BLOCK_WIDTH;
        return k == 3 && b.iw <= BLOCK_WIDTH_K3;
    }

    private void blockedPlanes(Box b, float[] in, float[] out, int k0, int k1) {
        PoolSpec spec = b.g.spec();
        boolean max = spec.op().isMaxType();
        boolean nanPolicy = spec.nanPolicy() == NanPolicy.PROPAGATE;
        int lanes = BLOCK_PLANES;
        int inPlane = b.inPlane();
        int outPlane = b.outPlane();
        int rowLen = b.iw * lanes;
        float[] x = Scratch.floats(Scratch.BLOCK_IN, inPlane * lanes);
        float[] y = Scratch.floats(Scratch.BLOCK_OUT, outPlane * lanes);
        float[] buf = Scratch.floats(Scratch.ROW, rowLen + RowOps.VERTICAL_SLACK);
        int[] taps = Scratch.ints(Scratch.TAPS, maxRows(b));
        int[] tapCount = Scratch.ints(Scratch.TAP_COUNT, 1);
        float[] div = max ? null : b.divisors();
        for (int k = k0; k < k1; k++) {
            int p0 = k * lanes;
            // Without a NaN in the block the plain comparisons give the same maxima, and cost less.
            boolean nan = ops.interleave(in, p0 * inPlane, inPlane, lanes, inPlane, x, 0) && nanPolicy;
            for (int a = 0; a < b.od; a++) {
                for (int bb = 0; bb < b.oh; bb++) {
                    int q0 = (a * b.oh + bb) * b.ow;
                    float[] src = x;
                    int srcOff = rowOf(b, a, bb, b.ld[a], b.lh[bb]) * rowLen;
                    int t = 0;
                    for (int ta = b.ld[a]; ta < b.hd[a]; ta++) {
                        for (int tb = b.lh[bb]; tb < b.hh[bb]; tb++) taps[t++] = rowOf(b, a, bb, ta, tb) * rowLen;
                    }
                    if (t > 1) {
                        // The window's rows reduced into one row of the block, then each output's taps.
                        tapCount[0] = t;
                        if (max) ops.verticalMax(x, 0, taps, tapCount, t, 0, 1, buf, 0, rowLen, rowLen, nan);
                        else ops.verticalSum(x, 0, taps, tapCount, t, 0, 1, buf, 0, rowLen, rowLen);
                        src = buf;
                        srcOff = 0;
                    }
                    for (int c = 0; c < b.ow; c++) {
                        int o = (q0 + c) * lanes;
                        int s = srcOff + (b.sw[c] + b.lw[c] * b.dw) * lanes;
                        int kw = b.hw[c] - b.lw[c];
                        if (max) {
                            ops.maxTaps(src, s, b.dw * lanes, kw, y, o, lanes, nan);
                        } else {
                            ops.avgTaps(src, s, b.dw * lanes, kw, y, o, lanes, div[q0 + c]);
                        }
                    }
                    if (max) {
                        // Zero maxima re-scanned in the reference's order, for the sign of the zero.
                        int end = (q0 + b.ow) * lanes;
                        for (int i = ops.nextZero(y, q0 * lanes, end); i < end; i = ops.nextZero(y, i + 1, end)) {
                            int c = i / lanes - q0;
                            int j = i - (q0 + c) * lanes;
                            y[i] = scanMax(b, spec, in, (p0 + j) * inPlane, 1, a, bb, c, null);
                        }
                    }
                }
            }
            ops.deinterleave(y, 0, lanes, outPlane, out, p0 * outPlane, outPlane);
        }
    }

    // ---- flat path -----------------------------------------------------------------------------

    /*
     * The flat path computes max (NaN propagating, from the first tap) and average pooling of
     * sliding windows with no empty window in two passes over chunks of output rows, across plane
     * boundaries: a vertical pass reduces each output row's input rows into a chunk buffer whose rows
     * lie ow * strideW floats apart, so that the horizontal pass can treat the whole chunk as one row:
     * flat output i reads buffer floats i * strideW + tap. Narrow planes then cost a few calls per
     * chunk instead of several per row. Columns whose windows touch padding or leave the valid part
     * of a buffer row are recomputed afterwards (flatFixups), zero maxima are re-scanned in the
     * reference's order, and averages are divided by the plane's divisor table.
     */

    private static boolean flat(Box b, PoolSpec spec) {
        if (!b.sliding || b.anyEmpty) return false;
        PoolOp op = spec.op();
        if (!(op == PoolOp.MAX && startsFromFirstTap(spec)) && op != PoolOp.AVG) return false;
        // Windows reaching past the floats a buffer row keeps (stride-1 windows without padding keep ow of
        // iw floats) run widePlanes.
        return (long) b.od * b.oh * b.kd[0] * b.kh[0] <= FLAT_TABLE_LIMIT;
    }

    /** Whether the input rows themselves can serve as the chunk buffer: one input row per output row, in order. */
    private static boolean direct(Box b, Box.RowTable rt) {
        int rows = b.od * b.oh;
        // Every column must be computable from its own row: the flat pass would otherwise read taps
        // of the fix-up columns past the end of the input.
        if (b.flatFixups().length > 0 || b.iw != b.ow * b.strideW || b.inPlane() != rows * b.iw) return false;
        for (int r = 0; r < rows; r++) if (rt.cnt[r] != 1 || rt.offs[r] != r * b.iw) return false;
        return true;
    }

    private void flatPlanes(Box b, float[] in, float[] out, int p0, int p1) {
        boolean max = b.g.spec().op() == PoolOp.MAX;
        flatPlanes(b, in, 0, out, 0, p0, p1, max, !max);
    }

    /**
     * The flat path over planes {@code [p0, p1)} of {@code b}, with plane 0 of the input at
     * {@code in[inOff]} and of the output at {@code out[outOff]}: max, or window sums divided by the
     * divisor table when {@code divide}, plain sums otherwise.
     */
    private void flatPlanes(
            Box b, float[] in, int inOff, float[] out, int outOff, int p0, int p1, boolean max, boolean divide) {
        Box.RowTable rt = b.rowTable();
        int rows = b.od * b.oh;
        int ow = b.ow;
        int s = b.strideW;
        int k = b.kw[0];
        int dw = b.dw;
        int wb = ow * s;
        int n = Math.min(b.iw, wb);
        int inPlane = b.inPlane();
        int lead = -b.sw[0];
        int g0 = p0 * rows;
        int g1 = p1 * rows;
        if (direct(b, rt)) {
            // No vertical pass: flat output i reads input floats i * strideW + tap.
            // In chunks of rows, as the buffered path: one call per whole range would leave the JIT a
            // single long invocation to compile.
            int step = Math.max(1, FLAT_CHUNK / wb);
            for (int c0 = g0; c0 < g1; c0 += step) {
                int c1 = Math.min(g1, c0 + step);
                int count = (c1 - c0) * ow;
                int from = inOff + c0 * b.iw;
                if (max) ops.windowMax(in, from, out, outOff + c0 * ow, count, s, k, dw, true);
                else ops.windowSum(in, from, out, outOff + c0 * ow, count, s, k, dw);
                finishFlat(b, in, inOff, in, out, outOff, c0, c1, 0, -inOff, max, divide, false, wb, b.flatFixups());
            }
            return;
        }
        // Small planes with wide padding, where the fix-ups' scalar taps outnumber the row's outputs (k5 p2 on
        // 13x13: 20 taps for 13 outputs): pad lanes in the buffer instead. Measured (1 thread): 32x512x13x13
        // k5 p2 max 11-14 -> 6.8-7.6 ms; not for k3 p1 on 8x8 (1.8 ms with fix-ups, 2.4 padded) or 14x14.
        boolean padded = b.flatFixups().length * k > ow;
        if (padded || reachesPast(b)) {
            widePlanes(b, rt, in, inOff, out, outOff, g0, g1, max, divide, padded);
            return;
        }
        int chunkRows = Math.max(1, FLAT_CHUNK / wb);
        // Slack after the last row: the vertical pass may write a vector past it, the horizontal pass
        // reads whole vector blocks, and fix-up columns' windows may reach past the row.
        int slack = RowOps.VERTICAL_SLACK + ROW_SLACK + (k - 1) * dw + s;
        float[] buf = Scratch.floats(Scratch.FLAT, lead + chunkRows * wb + slack);
        // Averages of strides 1 and 2 are divided as they are summed (windowAvg, per plane's run of rows,
        // as the divisor table is per plane): a separate division pass stored every output twice.
        boolean fused = divide && s <= 2;
        float[] div = fused ? b.divisors() : null;
        for (int c0 = g0; c0 < g1; c0 += chunkRows) {
            int c1 = Math.min(g1, c0 + chunkRows);
            vertical(b, rt, in, inOff, buf, lead, wb, n, c0, c1, max);
            int count = (c1 - c0) * ow;
            if (max) ops.windowMax(buf, 0, out, outOff + c0 * ow, count, s, k, dw, true);
            else if (!fused) ops.windowSum(buf, 0, out, outOff + c0 * ow, count, s, k, dw);
            else {
                for (int g = c0; g < c1; ) {
                    int r = g % rows;
                    int r1 = Math.min(rows, r + (c1 - g));
                    ops.windowAvg(buf, (g - c0) * wb, out, outOff + g * ow, (r1 - r) * ow, s, k, dw, div, r * ow);
                    g += r1 - r;
                }
            }
            finishFlat(b, in, inOff, buf, out, outOff, c0, c1, lead, c0 * wb, max, divide, fused, wb, b.flatFixups());
        }
    }

    /**
     * The vertical passes of global output rows {@code [c0, c1)} into {@code buf}: row g's results start at
     * {@code buf[lead + (g - c0) * wb]}, {@code n} floats of them.
     */
    private void vertical(
            Box b,
            Box.RowTable rt,
            float[] in,
            int inOff,
            float[] buf,
            int lead,
            int wb,
            int n,
            int c0,
            int c1,
            boolean max) {
        int rows = b.od * b.oh;
        int inPlane = b.inPlane();
        for (int g = c0; g < c1; ) {
            int p = g / rows;
            int r = g - p * rows;
            int r1 = Math.min(rows, r + (c1 - g));
            int d = lead + (g - c0) * wb;
            int base = inOff + p * inPlane;
            if (wb == b.iw) {
                // Buffer rows as far apart as input rows: a run of rows whose windows step one
                // input row at a time is one long vertical pass.
                // Rows that merge with no neighbour (strided windows) stay one call per segment.
                for (int q = r; q < r1; ) {
                    int len = Math.min(rt.run[q], r1 - q);
                    int dq = d + (q - r) * wb;
                    if (len > 1) {
                        if (max)
                            ops.verticalMax(in, base, rt.offs, rt.cnt, rt.maxT, q, q + 1, buf, dq, wb, len * n, true);
                        else ops.verticalSum(in, base, rt.offs, rt.cnt, rt.maxT, q, q + 1, buf, dq, wb, len * n);
                        q += len;
                        continue;
                    }
                    int e = q + 1;
                    while (e < r1 && rt.run[e] == 1) e++;
                    if (max) ops.verticalMax(in, base, rt.offs, rt.cnt, rt.maxT, q, e, buf, dq, wb, n, true);
                    else ops.verticalSum(in, base, rt.offs, rt.cnt, rt.maxT, q, e, buf, dq, wb, n);
                    q = e;
                }
            } else if (max) {
                ops.verticalMax(in, base, rt.offs, rt.cnt, rt.maxT, r, r1, buf, d, wb, n, true);
            } else {
                ops.verticalSum(in, base, rt.offs, rt.cnt, rt.maxT, r, r1, buf, d, wb, n);
            }
            g += r1 - r;
        }
    }

    /**
     * Windows that reach past the {@code ow * strideW} floats a buffer row keeps (stride-1 windows without
     * padding on the right, or strides that do not divide the row): the vertical results stored {@code wb}
     * floats apart, the first multiple of the stride that holds a whole input row, so that every window lies
     * in its buffer row (and, where {@code wb == iw}, runs of stride-1 rows are one long vertical pass); the
     * flat horizontal pass computes {@code wb / strideW} values per row into a second buffer, of which each
     * row's first {@code ow} are copied out.
     */
    private void widePlanes(
            Box b,
            Box.RowTable rt,
            float[] in,
            int inOff,
            float[] out,
            int outOff,
            int g0,
            int g1,
            boolean max,
            boolean divide,
            boolean padded) {
        int ow = b.ow;
        int iw = b.iw;
        int s = b.strideW;
        int k = b.kw[0];
        int dw = b.dw;
        int lead = -b.sw[0];
        // Padded: each buffer row also holds its padding (lead floats before the input row, what the last
        // window needs after it), so every window lies in its own row and no column needs a fix-up.
        int right = padded ? Math.max(0, b.sw[ow - 1] + (k - 1) * dw + 1 - iw) : 0;
        int owW = padded ? (lead + iw + right + s - 1) / s : (iw + s - 1) / s;
        int wb = owW * s;
        int chunkRows = Math.max(1, FLAT_CHUNK / wb);
        int slack = RowOps.VERTICAL_SLACK + ROW_SLACK + (k - 1) * dw + s;
        float[] buf = Scratch.floats(Scratch.FLAT, lead + chunkRows * wb + slack);
        float[] wide = Scratch.floats(Scratch.WIDE, chunkRows * owW + ROW_SLACK);
        int[] fix = padded ? NO_FIXUPS : b.wideFixups();
        // The pad value changes no window's result: -inf for a maximum from the first tap with NaN
        // propagating (a NaN still wins, an all -inf window stays -inf), 0 for a sum.
        float pad = max ? Float.NEGATIVE_INFINITY : 0f;
        for (int c0 = g0; c0 < g1; c0 += chunkRows) {
            int c1 = Math.min(g1, c0 + chunkRows);
            vertical(b, rt, in, inOff, buf, lead, wb, iw, c0, c1, max);
            if (padded) {
                // After the vertical passes, which may write up to a vector past a short row.
                // Plain loops: the gaps are a few floats, where a fill call costs more than the stores.
                for (int r = 0; r < c1 - c0; r++) {
                    int row = r * wb;
                    for (int i = row; i < row + lead; i++) buf[i] = pad;
                    for (int i = row + lead + iw; i < row + wb; i++) buf[i] = pad;
                }
            }
            int count = (c1 - c0) * owW;
            if (max) ops.windowMax(buf, 0, wide, 0, count, s, k, dw, true);
            else ops.windowSum(buf, 0, wide, 0, count, s, k, dw);
            for (int g = c0; g < c1; g++) System.arraycopy(wide, (g - c0) * owW, out, outOff + g * ow, ow);
            finishFlat(b, in, inOff, buf, out, outOff, c0, c1, lead, c0 * wb, max, divide, false, wb, fix);
        }
    }

    private static final int[] NO_FIXUPS = new int[0];

    /** Whether a column's window reaches past the {@code min(iw, ow * strideW)} floats a buffer row keeps. */
    private static boolean reachesPast(Box b) {
        int n = Math.min(b.iw, b.ow * b.strideW);
        for (int f : b.flatFixups()) if (b.sw[f] + (b.hw[f] - 1) * b.dw >= n) return true;
        return false;
    }

    /**
     * Fix-up columns ({@code fix}), then the divisors (when {@code divide}) or the zero re-scan (max), for
     * global output rows {@code [g0, g1)}. Row g's vertical results start at {@code buf[lead + g * wb - shift]}.
     * With {@code divided}, the other columns are already divided: the fix-ups divide their own sums and
     * no division pass follows.
     */
    private void finishFlat(
            Box b,
            float[] in,
            int inOff,
            float[] buf,
            float[] out,
            int outOff,
            int g0,
            int g1,
            int lead,
            int shift,
            boolean max,
            boolean divide,
            boolean divided,
            int wb,
            int[] fix) {
        PoolSpec spec = b.g.spec();
        int rows = b.od * b.oh;
        int ow = b.ow;
        int inPlane = b.inPlane();
        // Column by column, rows inside: the window's taps are the same for every row.
        for (int f : fix) {
            int dw = b.dw;
            int w0 = b.sw[f] + b.lw[f] * dw;
            int wLast = b.sw[f] + (b.hw[f] - 1) * dw;
            // Every tap lies in the buffer row: problems whose windows reach past it run widePlanes.
            if (max) {
                for (int g = g0, rb = lead + g0 * wb - shift; g < g1; g++, rb += wb) {
                    // Math.max: branch-free (a compare per tap on random data mispredicts half the
                    // time, measured as half the time of narrow planes); NaN propagates, and a zero
                    // result is re-scanned below for its sign.
                    float best = buf[rb + w0];
                    for (int w = w0 + dw; w <= wLast; w += dw) best = Math.max(best, buf[rb + w]);
                    out[outOff + g * ow + f] = best;
                }
            } else {
                // A plane's run of rows at a time: the divisor's row (when divided) without a remainder
                // per output.
                float[] div = divided ? b.divisors() : null;
                for (int g = g0; g < g1; ) {
                    int r = g % rows;
                    int r1 = Math.min(rows, r + (g1 - g));
                    int rb = lead + g * wb - shift;
                    int o = outOff + g * ow + f;
                    for (int q = r * ow + f, qe = r1 * ow; q < qe; q += ow, rb += wb, o += ow) {
                        float sum = buf[rb + w0];
                        for (int w = w0 + dw; w <= wLast; w += dw) sum += buf[rb + w];
                        out[o] = divided ? sum / div[q] : sum;
                    }
                    g += r1 - r;
                }
            }
        }
        if (divide && !divided) {
            float[] div = b.divisors();
            for (int g = g0; g < g1; ) {
                int p = g / rows;
                int r = g - p * rows;
                int r1 = Math.min(rows, r + (g1 - g));
                ops.divideEach(out, outOff + g * ow, div, r * ow, (r1 - r) * ow);
                g += r1 - r;
            }
        }
        if (!max) return;
        // Separable maxima differ from the scan only in the sign of a zero result.
        int end = outOff + g1 * ow;
        for (int i = ops.nextZero(out, outOff + g0 * ow, end); i < end; i = ops.nextZero(out, i + 1, end)) {
            int g = (i - outOff) / ow;
            int p = g / rows;
            int r = g - p * rows;
            out[i] = scanMax(b, spec, in, inOff + p * inPlane, 1, r / b.oh, r % b.oh, i - outOff - g * ow, null);
        }
    }

    /*
     * The vertical passes read the window's rows one after the other, each from start to end, rather
     * than two rows side by side: on the machines measured, interleaving two streams 1 KB apart made
     * the hardware prefetcher give up and cut the read bandwidth by about 3x.
     */

    /**
     * One output row of NaN-propagating max with {@link Math#max} (branch-free): the window's input rows
     * reduced into {@code buf}, then each window's columns; zero results re-scanned for the reference's sign.
     * Two passes rather than one running maximum per window: a running maximum is one chain of dependent
     * max operations per output (taps x their latency), while each pass's operations are independent
     * across columns, so they overlap (about 5x faster on 15-wide rows with 4 x 3 windows).
     */
    private static void narrowMaxRow(
            Box b, float[] in, int inBase, int a, int bb, float[] out, int o, float floor, float[] buf) {
        PoolSpec spec = b.g.spec();
        int iw = b.iw;
        boolean first = true;
        for (int ta = b.ld[a]; ta < b.hd[a]; ta++) {
            for (int tb = b.lh[bb]; tb < b.hh[bb]; tb++) {
                int r = inBase + rowOf(b, a, bb, ta, tb) * iw;
                if (first) {
                    System.arraycopy(in, r, buf, 0, iw);
                    first = false;
                } else {
                    for (int w = 0; w < iw; w++) buf[w] = Math.max(buf[w], in[r + w]);
                }
            }
        }
        int dw = b.dw;
        for (int c = 0; c < b.ow; c++) {
            float best = floor;
            int w1 = b.sw[c] + b.hw[c] * dw;
            for (int w = b.sw[c] + b.lw[c] * dw; w < w1; w += dw) best = Math.max(best, buf[w]);
            out[o + c] = best == 0f ? scanMax(b, spec, in, inBase, 1, a, bb, c, null) : best;
        }
    }

    private void verticalMax(
            Box b, float[] in, int inBase, int a, int bb, float[] buf, boolean fromFirst, float floor, boolean nan) {
        int iw = b.iw;
        boolean first = fromFirst;
        int pending = -1;
        if (!fromFirst) Arrays.fill(buf, 0, iw, floor);
        for (int ta = b.ld[a]; ta < b.hd[a]; ta++) {
            for (int tb = b.lh[bb]; tb < b.hh[bb]; tb++) {
                int r = inBase + rowOf(b, a, bb, ta, tb) * iw;
                if (first && iw < SHORT_ROW) {
                    // Short rows: the first two rows lie within a few cache lines of each other, so
                    // reading them side by side costs the prefetcher nothing and saves a copy.
                    if (pending < 0) {
                        pending = r;
                        continue;
                    }
                    ops.max2(in, pending, in, r, buf, 0, iw, nan);
                    first = false;
                } else if (first) {
                    System.arraycopy(in, r, buf, 0, iw);
                    first = false;
                } else {
                    ops.maxInto(in, r, buf, 0, iw, nan);
                }
            }
        }
        if (first && pending >= 0) System.arraycopy(in, pending, buf, 0, iw);
    }

    private void verticalSum(Box b, float[] in, int inBase, int a, int bb, float[] buf) {
        int iw = b.iw;
        boolean first = true;
        for (int ta = b.ld[a]; ta < b.hd[a]; ta++) {
            for (int tb = b.lh[bb]; tb < b.hh[bb]; tb++) {
                int r = inBase + rowOf(b, a, bb, ta, tb) * iw;
                if (first) {
                    System.arraycopy(in, r, buf, 0, iw);
                    first = false;
                } else {
                    ops.addInto(in, r, buf, 0, iw);
                }
            }
        }
    }

    /**
     * The output columns {@code [c0, c1)} whose windows lie wholly inside the width with the full
     * kernel, for sliding windows; an empty range otherwise.
     */
    public static int[] interior(Box b) {
        return b.interior();
    }

    private void horizontalMax(
            Box b, float[] src, int off, float[] out, int o, int[] inner, boolean fromFirst, float floor, boolean nan) {
        int c0 = fromFirst ? inner[0] : 0;
        int c1 = fromFirst ? inner[1] : 0;
        if (c1 > c0) ops.windowMax(src, off + b.sw[c0], out, o + c0, c1 - c0, b.strideW, b.kw[c0], b.dw, nan);
        for (int c = 0; c < b.ow; c++) {
            if (c == c0 && c1 > c0) {
                c = c1 - 1;
                continue;
            }
            float best = floor;
            int s = off + b.sw[c];
            for (int t = b.lw[c]; t < b.hw[c]; t++) {
                float v = src[s + t * b.dw];
                if (v > best || (nan && v != v)) best = v;
            }
            out[o + c] = best;
        }
    }

    private void horizontalSum(Box b, float[] src, int off, float[] out, int o, int[] inner) {
        int c0 = inner[0];
        int c1 = inner[1];
        if (c1 > c0) ops.windowSum(src, off + b.sw[c0], out, o + c0, c1 - c0, b.strideW, b.kw[c0], b.dw);
        for (int c = 0; c < b.ow; c++) {
            if (c == c0 && c1 > c0) {
                c = c1 - 1;
                continue;
            }
            float sum = 0;
            int s = off + b.sw[c];
            for (int t = b.lw[c]; t < b.hw[c]; t++) sum += src[s + t * b.dw];
            out[o + c] = sum;
        }
    }

    // ---- backward ------------------------------------------------------------------------------

    @Override
    public void backward(
            Geometry g, float[] in, float[] gradOut, long[] indices, float[] samples, float[] gradIn, int threads) {
        Box b = g.box();
        int planes = planes(g);
        int t = Parallel.threadsFor(threads, planes, bytes(g) * 2);
        if (g.spec().op().isMaxType()) {
            if (t <= 1) maxBackward(b, in, gradOut, indices, null, gradIn, 0, planes);
            else Parallel.run(planes, t, (p0, p1) -> maxBackward(b, in, gradOut, indices, null, gradIn, p0, p1));
        } else {
            Box tb = g.spec().op() == PoolOp.AVG && flat(b, g.spec()) ? b.transposedSum() : null;
            if (tiles(b)) {
                if (t <= 1) avgBackwardTiles(b, gradOut, gradIn, 0, planes);
                else Parallel.run(planes, t, (p0, p1) -> avgBackwardTiles(b, gradOut, gradIn, p0, p1));
            } else if (tb != null && flat(tb, tb.g.spec())) {
                if (t <= 1) avgBackwardFlat(b, tb, gradOut, gradIn, 0, planes);
                else Parallel.run(planes, t, (p0, p1) -> avgBackwardFlat(b, tb, gradOut, gradIn, p0, p1));
            } else if (t <= 1) {
                avgBackward(b, gradOut, gradIn, 0, planes);
            } else {
                Parallel.run(planes, t, (p0, p1) -> avgBackward(b, gradOut, gradIn, p0, p1));
            }
        }
    }

    @Override
    public void backwardArgmax(Geometry g, float[] gradOut, Argmax argmax, float[] gradIn, int threads) {
        Box b = g.box();
        int planes = planes(g);
        int t = Parallel.threadsFor(threads, planes, 4L * g.inputElements() + 5L * g.outputElements());
        if (t <= 1) maxBackward(b, null, gradOut, null, argmax, gradIn, 0, planes);
        else Parallel.run(planes, t, (p0, p1) -> maxBackward(b, null, gradOut, null, argmax, gradIn, p0, p1));
    }

    /** Scatters each output's gradient to its winner, outputs in scan order (the reference's order). */
    private void maxBackward(
            Box b, float[] in, float[] gradOut, long[] indices, Argmax argmax, float[] gradIn, int p0, int p1) {
        PoolSpec spec = b.g.spec();
        int inPlane = b.inPlane();
        int outPlane = b.outPlane();
        int[] arg = Scratch.ints(Scratch.ARG, 2);
        int[] tapDelta = argmax != null && b.sliding ? tapDeltas(b) : null;
        byte[] small = argmax != null ? argmax.byteArray() : null;
        boolean fast = tapDelta != null && small != null && !b.anyEmpty;
        // Recomputed winners: whole windows (interior columns of rows whose windows keep every row)
        // find theirs without branches (winner), the others by the reference scan.
        boolean recompute = indices == null && argmax == null;
        int[] inner = recompute && b.sliding ? interior(b) : null;
        int[] delta = inner != null && inner[1] > inner[0] ? b.tapDeltas() : null;
        boolean nan = spec.nanPolicy() == NanPolicy.PROPAGATE;
        float floor = floor(spec);
        boolean noWinner = spec.maxFloor() == MaxFloor.LOWEST_FINITE;
        boolean first = delta != null && startsFromFirstTap(spec);
        int[] win = first ? Scratch.ints(Scratch.WINNERS, inner[1] - inner[0]) : null;
        boolean clippedRows = first && b.od == 1 && b.kd[0] == 1 && b.ld[0] == 0 && b.hd[0] == 1;
        float[] winMax = first ? Scratch.floats(Scratch.WINNER_MAX, inner[1] - inner[0]) : null;
        // Planes of one slice (1-D and 2-D) zero their gradient rows just before the first window that
        // reaches them, so that the scatter finds them in L1; a whole 112x112 plane zeroed first (50 KB)
        // had left L1 by the time its windows were scattered.
        boolean banded = fast && b.od == 1 && b.kd[0] == 1;
        int ow = b.ow;
        int colStride = b.strideW;
        for (int pl = p0; pl < p1; pl++) {
            int inBase = pl * inPlane;
            if (!banded) Arrays.fill(gradIn, inBase, inBase + inPlane, 0f);
            if (fast) {
                // The common case, kept free of per-output branches: one byte per output names the tap.
                int q = pl * outPlane;
                int zeroed = 0;
                for (int a = 0; a < b.od; a++) {
                    for (int bb = 0; bb < b.oh; bb++) {
                        if (banded) {
                            int need = Math.min(b.ih, b.sh[bb] + (b.kh[bb] - 1) * b.dh + 1);
                            if (need > zeroed) {
                                Arrays.fill(gradIn, inBase + zeroed * b.iw, inBase + need * b.iw, 0f);
                                zeroed = need;
                            }
                        }
                        // Sliding windows start stride floats apart: the column's start by arithmetic, and
                        // one induction variable, so that C2 hoists the range checks of small and gradOut.
                        int start = inBase + rowOf(b, a, bb, 0, 0) * b.iw + b.sw[0];
                        for (int c = 0; c < ow; c++) {
                            gradIn[start + c * colStride + tapDelta[small[q + c] & 0xFF]] += gradOut[q + c];
                        }
                        q += ow;
                    }
                }
                // The rows no window reaches, and any depth slices after the one the windows lie in.
                if (banded) Arrays.fill(gradIn, inBase + zeroed * b.iw, inBase + inPlane, 0f);
                continue;
            }
            Arrays.fill(gradIn, inBase, inBase + inPlane, 0f);
            int q = pl * outPlane;
            for (int a = 0; a < b.od; a++) {
                for (int bb = 0; bb < b.oh; bb++) {
                    int rowBase = rowOf(b, a, bb, 0, 0) * b.iw;
                    boolean full = delta != null
                            && b.ld[a] == 0
                            && b.hd[a] == b.kd[a]
                            && b.lh[bb] == 0
                            && b.hh[bb] == b.kh[bb];
                    // As in the forward: rows the padding cuts above or below scan their valid rows' taps.
                    boolean part = !full && clippedRows && b.hh[bb] > b.lh[bb];
                    int f0 = full || part ? inner[0] : b.ow;
                    int f1 = full || part ? inner[1] : b.ow;
                    for (int c = 0; c < b.ow; c++, q++) {
                        if (c == f0) {
                            // Outputs in the same order as the scan below, so sums of overlapping windows agree.
                            if (first) {
                                // The row's winners a vector of windows at a time, then the scatter.
                                int[] d = full ? delta : b.rowTapDeltas(bb);
                                int t0 = full ? 0 : b.lh[bb] * b.kw[0];
                                ops.windowArgmax(
                                        in,
                                        inBase + rowBase + b.sw[f0] + delta[t0],
                                        b.strideW,
                                        d,
                                        d.length,
                                        nan,
                                        winMax,
                                        0,
                                        win,
                                        0,
                                        f1 - f0);
                                for (; c < f1; c++, q++) {
                                    gradIn[inBase + rowBase + b.sw[c] + delta[t0 + win[c - f0]]] += gradOut[q];
                                }
                            } else {
                                for (; c < f1; c++, q++) {
                                    int s0 = rowBase + b.sw[c];
                                    int local = winner(in, inBase + s0, delta, floor, nan, noWinner);
                                    int pos = local >= 0 ? s0 + delta[local] : noWinner ? -1 : s0;
                                    if (pos >= 0) gradIn[inBase + pos] += gradOut[q];
                                }
                            }
                            if (c == b.ow) break;
                        }
                        if (b.anyEmpty && b.emptyAt(a, bb, c)) continue;
                        int pos;
                        if (indices != null) {
                            pos = (int) indices[q];
                        } else if (argmax != null) {
                            pos = tapDelta != null
                                    ? rowBase + b.sw[c] + tapDelta[argmax.get(q)]
                                    : b.positionOf(a, bb, c, argmax.get(q));
                        } else {
                            scanMax(b, spec, in, inBase, 1, a, bb, c, arg);
                            pos = arg[0];
                        }
                        if (pos >= 0) gradIn[inBase + pos] += gradOut[q];
                    }
                }
            }
        }
    }

    /** Plane offset of each window-local tap from the window's first tap (fixed-size sliding windows). */
    public static int[] tapDeltas(Box b) {
        return b.tapDeltas();
    }

    /**
     * Whether the windows tile the plane: sliding 2-D windows with stride equal to the kernel, no
     * dilation and no padding, so that each input has at most one window (the tiles path).
     */
    static boolean tiles(Box b) {
        if (!b.sliding || b.od != 1 || b.kd[0] != 1 || b.oh == 0 || b.ow == 0 || b.anyEmpty) return false;
        int kh = b.kh[0];
        int kw = b.kw[0];
        if (b.strideH != kh || b.strideW != kw || b.dh != 1 || b.dw != 1 || b.sw[0] != 0) return false;
        int[] inner = interior(b);
        if (inner[0] != 0 || inner[1] != b.ow) return false;
        for (int r = 0; r < b.oh; r++) {
            if (b.sh[r] != kh * r || b.lh[r] != 0 || b.hh[r] != kh || b.kh[r] != kh) return false;
        }
        return true;
    }

    /**
     * Average backward where windows tile the plane ({@link #tiles}): each input gradient is written
     * once, its window's gradient over its divisor (plus +0, as the reference adds it to a zeroed
     * gradient), and inputs outside every window get 0; no zero fill first, no accumulation.
     */
    private void avgBackwardTiles(Box b, float[] gradOut, float[] gradIn, int p0, int p1) {
        int iw = b.iw;
        int ow = b.ow;
        int oh = b.oh;
        int kh = b.kh[0];
        int kw = b.kw[0];
        int inPlane = b.inPlane();
        int outPlane = b.outPlane();
        int covered = ow * kw;
        float[] div = b.divisors();
        float[] delta = Scratch.floats(Scratch.DELTA, ow);
        for (int pl = p0; pl < p1; pl++) {
            int inBase = pl * inPlane;
            int outBase = pl * outPlane;
            for (int r = 0; r < oh; r++) {
                int q = outBase + r * ow;
                for (int c = 0; c < ow; c++) delta[c] = 0f + gradOut[q + c] / div[r * ow + c];
                int row = inBase + r * kh * iw;
                ops.expand(delta, 0, ow, kw, gradIn, row);
                if (covered < iw) Arrays.fill(gradIn, row + covered, row + iw, 0f);
                for (int t = 1; t < kh; t++) System.arraycopy(gradIn, row, gradIn, row + t * iw, iw);
            }
            int done = oh * kh * iw;
            if (done < inPlane) Arrays.fill(gradIn, inBase + done, inBase + inPlane, 0f);
        }
    }

    /** Output floats of divided gradients gathered before one flat pass of average backward. */
    private static final int BACKWARD_GROUP = 16384;

    /**
     * Average backward for stride-1 windows: the gradients divided by their windows' divisors, then
     * summed over the transposed windows ({@link Box#transposedSum}) with the flat path, which
     * writes every input gradient once (no zero fill, no scatter).
     */
    private void avgBackwardFlat(Box b, Box tb, float[] gradOut, float[] gradIn, int p0, int p1) {
        int outPlane = b.outPlane();
        int inPlane = b.inPlane();
        float[] div = b.divisors();
        int group = Math.max(1, BACKWARD_GROUP / outPlane);
        float[] d = Scratch.floats(Scratch.PLANES, Math.min(group, p1 - p0) * outPlane + RowOps.VERTICAL_SLACK);
        for (int q0 = p0; q0 < p1; q0 += group) {
            int q1 = Math.min(p1, q0 + group);
            System.arraycopy(gradOut, q0 * outPlane, d, 0, (q1 - q0) * outPlane);
            for (int q = 0; q < q1 - q0; q++) ops.divideEach(d, q * outPlane, div, 0, outPlane);
            flatPlanes(tb, d, 0, gradIn, q0 * inPlane, 0, q1 - q0, false, false);
        }
    }

    /**
     * Average backward: per output row, the divided gradients are spread across the width into one
     * row ({@link RowOps#windowScatter}), which is then added to each input row of the window.
     */
    private void avgBackward(Box b, float[] gradOut, float[] gradIn, int p0, int p1) {
        int iw = b.iw;
        int inPlane = b.inPlane();
        int outPlane = b.outPlane();
        float[] div = b.divisors();
        float[] delta = Scratch.floats(Scratch.DELTA, b.ow);
        float[] hbuf = Scratch.floats(Scratch.ROW, iw);
        int[] inner = interior(b);
        int c0 = inner[0];
        int c1 = inner[1];
        for (int pl = p0; pl < p1; pl++) {
            int inBase = pl * inPlane;
            Arrays.fill(gradIn, inBase, inBase + inPlane, 0f);
            int outBase = pl * outPlane;
            for (int a = 0; a < b.od; a++) {
                for (int bb = 0; bb < b.oh; bb++) {
                    if (b.hd[a] <= b.ld[a] || b.hh[bb] <= b.lh[bb]) continue;
                    int q0 = (a * b.oh + bb) * b.ow;
                    System.arraycopy(gradOut, outBase + q0, delta, 0, b.ow);
                    ops.divideEach(delta, 0, div, q0, b.ow);
                    Arrays.fill(hbuf, 0, iw, 0f);
                    if (c1 > c0) ops.windowScatter(delta, c0, hbuf, b.sw[c0], c1 - c0, b.strideW, b.kw[c0], b.dw);
                    for (int c = 0; c < b.ow; c++) {
                        if (c == c0 && c1 > c0) {
                            c = c1 - 1;
                            continue;
                        }
                        int s = b.sw[c];
                        for (int t = b.lw[c]; t < b.hw[c]; t++) hbuf[s + t * b.dw] += delta[c];
                    }
                    for (int ta = b.ld[a]; ta < b.hd[a]; ta++) {
                        for (int tb = b.lh[bb]; tb < b.hh[bb]; tb++) {
                            ops.addInto(hbuf, 0, gradIn, inBase + rowOf(b, a, bb, ta, tb) * iw, iw);
                        }
                    }
                }
            }
        }
    }
}
