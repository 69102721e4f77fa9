package org.pooling4j.internal;

import org.pooling4j.Geometry;
import org.pooling4j.Layout;
import org.pooling4j.PoolOp;
import org.pooling4j.PoolSpec;

/**
 * A {@link Geometry} seen as three axes (depth, height, width) for the fast kernels: a rank-1 or
 * rank-2 problem gets leading axes of size 1 with a single tap, so one kernel serves every rank.
 * Also holds the per-axis divisor factors of average pooling and the tap-offset table of the
 * compact argmax.
 */
public final class Box {
    public final Geometry g;
    public final int id, ih, iw;
    public final int od, oh, ow;
    public final int[] sd, sh, sw; // start of each window
    public final int[] ld, lh, lw; // first valid tap
    public final int[] hd, hh, hw; // one past the last valid tap
    public final int[] kd, kh, kw; // taps of each window (padding included)
    public final int dd, dh, dw; // dilation (tap step)
    public final boolean sliding;
    public final int strideD, strideH, strideW;
    /** Whether some window has no tap inside the input. */
    public final boolean anyEmpty;
    /** Largest number of taps of one window (padding included). */
    public final long maxTaps;
    /** Largest number of taps of one window inside the input (at most the input plane). */
    public final int maxValidTaps;

    public Box(Geometry g) {
        this.g = g;
        int r = g.rank();
        int o = 3 - r;
        int[][] st = g.startArray();
        int[][] lo = g.validLoArray();
        int[][] hi = g.validHiArray();
        int[] step = g.stepArray();
        int[] in = g.inSizeArray();
        int[] out = g.outSizeArray();
        id = o > 0 ? 1 : in[0];
        ih = o > 1 ? 1 : in[1 - o];
        iw = in[r - 1];
        od = o > 0 ? 1 : out[0];
        oh = o > 1 ? 1 : out[1 - o];
        ow = out[r - 1];
        int[] one = {1};
        int[] zero = {0};
        sd = o > 0 ? zero : st[0];
        sh = o > 1 ? zero : st[1 - o];
        sw = st[r - 1];
        ld = o > 0 ? zero : lo[0];
        lh = o > 1 ? zero : lo[1 - o];
        lw = lo[r - 1];
        hd = o > 0 ? one : hi[0];
        hh = o > 1 ? one : hi[1 - o];
        hw = hi[r - 1];
        kd = o > 0 ? one : taps(g, 0);
        kh = o > 1 ? one : taps(g, 1 - o);
        kw = taps(g, r - 1);
        dd = o > 0 ? 1 : step[0];
        dh = o > 1 ? 1 : step[1 - o];
        dw = step[r - 1];
        sliding = g.spec().op().isSliding();
        strideD = sliding && o == 0 ? g.spec().strideAt(0) : 1;
        strideH = sliding && o <= 1 ? g.spec().strideAt(1 - o) : 1;
        strideW = sliding ? g.spec().strideAt(r - 1) : 1;
        anyEmpty = empty(ld, hd) || empty(lh, hh) || empty(lw, hw);
        maxTaps = (long) max(kd) * max(kh) * max(kw);
        maxValidTaps = maxSpan(ld, hd) * maxSpan(lh, hh) * maxSpan(lw, hw);
    }

    private static int maxSpan(int[] lo, int[] hi) {
        int m = 0;
        for (int i = 0; i < lo.length; i++) m = Math.max(m, hi[i] - lo[i]);
        return m;
    }

    private static int[] taps(Geometry g, int a) {
        int[] t = new int[g.outSize(a)];
        for (int i = 0; i < t.length; i++) t[i] = g.taps(a, i);
        return t;
    }

    private static boolean empty(int[] lo, int[] hi) {
        for (int i = 0; i < lo.length; i++) {
            if (hi[i] <= lo[i]) return true;
        }
        return false;
    }

    private static int max(int[] a) {
        int m = 0;
        for (int v : a) m = Math.max(m, v);
        return m;
    }

    public int inPlane() {
        return id * ih * iw;
    }

    public int outPlane() {
        return od * oh * ow;
    }

    /**
     * Per-axis factor of the average divisor: valid taps, or taps up to the end of the padded extent
     * when padding counts (the product over axes is the reference kernel's divisor).
     */
    public double[] countFactors(int axis3) {
        int r = g.rank();
        int a = axis3 - (3 - r);
        int n = axis3 == 0 ? od : axis3 == 1 ? oh : ow;
        double[] f = new double[n];
        if (a < 0) {
            f[0] = 1;
            return f;
        }
        boolean include = g.spec().countIncludePad();
        for (int i = 0; i < n; i++) {
            f[i] = include ? g.span(a, i) : g.validHi(a, i) - g.validLo(a, i);
        }
        return f;
    }

    /** Divisor of every output, in the reference kernel's float rounding: {@code (float) product}. */
    public float[] divisors() {
        float[] d = divisors;
        if (d == null) divisors = d = computeDivisors();
        return d;
    }

    // Tables derived from the box, computed on first use and then shared by every call of a plan
    // (volatile, so a thread that sees a table sees its contents; two threads may both compute it, harmlessly).
    private volatile float[] divisors;
    private volatile int[] interior;
    private volatile int[] tapDeltas;
    private volatile int[][] rowTapDeltas;

    /**
     * The output columns {@code [c0, c1)} whose windows lie wholly inside the width with the full
     * kernel, for sliding windows; an empty range otherwise. Shared: callers must not modify it.
     */
    public int[] interior() {
        int[] r = interior;
        if (r != null) return r;
        if (!sliding) {
            r = new int[] {0, 0};
        } else {
            int c0 = 0;
            while (c0 < ow && !(lw[c0] == 0 && hw[c0] == kw[c0])) c0++;
            int c1 = c0;
            while (c1 < ow && lw[c1] == 0 && hw[c1] == kw[c1]) c1++;
            r = new int[] {c0, c1};
        }
        interior = r;
        return r;
    }

    /**
     * Plane offset of each window-local tap from the window's first tap (fixed-size sliding windows).
     * Shared: callers must not modify it.
     */
    public int[] tapDeltas() {
        int[] d = tapDeltas;
        if (d != null) return d;
        int k0 = kd[0];
        int k1 = kh[0];
        int k2 = kw[0];
        d = new int[k0 * k1 * k2];
        int i = 0;
        for (int ta = 0; ta < k0; ta++) {
            for (int tb = 0; tb < k1; tb++) {
                for (int tc = 0; tc < k2; tc++) d[i++] = (ta * dd * ih + tb * dh) * iw + tc * dw;
            }
        }
        tapDeltas = d;
        return d;
    }

    /**
     * For windows one tap deep (1-D and 2-D) and output row {@code bb}: the plane offsets of the taps
     * in the window's valid rows ({@code lh[bb] .. hh[bb]}, every column), in scan order, from the
     * first of them, which is tap {@code lh[bb] * kw} of {@link #tapDeltas}. Fixed-size sliding windows
     * only. Shared: callers must not modify it.
     */
    public int[] rowTapDeltas(int bb) {
        int[][] all = rowTapDeltas;
        if (all == null) {
            int[] full = tapDeltas();
            int k2 = kw[0];
            all = new int[oh][];
            for (int r = 0; r < oh; r++) {
                int first = lh[r] * k2;
                int n = Math.max(0, hh[r] - lh[r]) * k2;
                int[] d = new int[n];
                for (int t = 0; t < n; t++) d[t] = full[first + t] - full[first];
                all[r] = d;
            }
            rowTapDeltas = all;
        }
        return all[bb];
    }

    /**
     * The input rows of each output row, for the flat kernels: output row {@code R = a * oh + b}
     * (depth index a, height index b) reduces the rows at plane offsets
     * {@code offs[R * maxT + t]} for {@code t < cnt[R]}, in the reference's scan order (depth
     * outer). Sliding windows only. Shared: callers must not modify it.
     */
    public static final class RowTable {
        public final int[] offs;
        public final int[] cnt;
        public final int maxT;
        /**
         * {@code run[R]}: how many output rows from R on read input rows that are each one input
         * row after the previous output row's (stride-1 vertical windows away from the padding), so
         * that their vertical results, stored {@code iw} floats apart, are one contiguous pass.
         */
        public final int[] run;

        RowTable(int[] offs, int[] cnt, int maxT, int iw) {
            this.offs = offs;
            this.cnt = cnt;
            this.maxT = maxT;
            int rows = cnt.length;
            run = new int[rows];
            for (int r = rows - 1; r >= 0; r--) {
                boolean next = r + 1 < rows && cnt[r + 1] == cnt[r];
                for (int t = 0; next && t < cnt[r]; t++) next = offs[(r + 1) * maxT + t] == offs[r * maxT + t] + iw;
                run[r] = next ? run[r + 1] + 1 : 1;
            }
        }
    }

    private volatile RowTable rowTable;
    private volatile int[] flatFixups;

    /** The {@link RowTable} of this box (sliding windows). */
    public RowTable rowTable() {
        RowTable t = rowTable;
        if (t != null) return t;
        int rows = od * oh;
        int maxT = max(kd) * max(kh);
        int[] offs = new int[rows * maxT];
        int[] cnt = new int[rows];
        for (int a = 0; a < od; a++) {
            for (int b = 0; b < oh; b++) {
                int r = a * oh + b;
                int n = 0;
                for (int ta = ld[a]; ta < hd[a]; ta++) {
                    for (int tb = lh[b]; tb < hh[b]; tb++) {
                        offs[r * maxT + n++] = ((sd[a] + ta * dd) * ih + sh[b] + tb * dh) * iw;
                    }
                }
                cnt[r] = n;
            }
        }
        t = new RowTable(offs, cnt, maxT, iw);
        rowTable = t;
        return t;
    }

    /**
     * The output columns a flat horizontal pass cannot compute: with the vertical results of each
     * output row stored {@code ow * strideW} floats apart, of which the first
     * {@code min(iw, ow * strideW)} are valid, a column is computed by the flat pass only when its
     * window lies wholly inside those valid floats with the full kernel. Sliding windows only.
     * Shared: callers must not modify it.
     */
    public int[] flatFixups() {
        int[] f = flatFixups;
        if (f != null) return f;
        f = fixups(Math.min(iw, ow * strideW));
        flatFixups = f;
        return f;
    }

    private volatile int[] wideFixups;

    /**
     * As {@link #flatFixups}, with the vertical results of each output row stored {@code iw} floats apart,
     * all valid (the wide layout of stride-1 windows whose rows keep fewer outputs than inputs): the
     * columns whose windows are clipped by the padding.
     */
    public int[] wideFixups() {
        int[] f = wideFixups;
        if (f != null) return f;
        f = fixups(iw);
        wideFixups = f;
        return f;
    }

    private int[] fixups(int n) {
        int count = 0;
        int[] all = new int[ow];
        for (int c = 0; c < ow; c++) {
            boolean inside = lw[c] == 0 && hw[c] == kw[c] && sw[c] >= 0 && sw[c] + (kw[c] - 1) * dw < n;
            if (!inside) all[count++] = c;
        }
        return java.util.Arrays.copyOf(all, count);
    }

    private volatile Box squeezed;
    private volatile boolean squeezedDone;

    /**
     * For max and average pooling whose last axis is trivial (width 1, one tap, no padding): the
     * same problem one rank lower, where the height becomes the width, so that the flat kernels run
     * long rows instead of one-float rows. Same memory layout per plane, same windows, same divisors.
     * Null when there is none (or the spec rules refuse the lower-rank spec). Shared.
     */
    public Box squeezed() {
        if (squeezedDone) return squeezed;
        Box q = null;
        PoolSpec sp = g.spec();
        PoolOp op = sp.op();
        int r = g.rank() - 1;
        if (r >= 1
                && sliding
                && iw == 1
                && ow == 1
                && kw[0] == 1
                && sw[0] == 0
                && (op == PoolOp.MAX || op == PoolOp.AVG)) {
            q = lower(0, r);
        }
        squeezed = q;
        squeezedDone = true;
        return q;
    }

    private volatile Box slice;
    private volatile boolean sliceDone;

    /**
     * For 3-D max pooling: the 2-D problem of the last two axes alone (the same kernel, stride,
     * dilation, padding, ceil mode, NaN policy and floor on height and width), whose windows over one
     * depth slice are the height-width part of this problem's windows. Null for other ranks and
     * operators (an average's divisor is not the slice's), or when the spec rules refuse the 2-D spec.
     * Shared.
     */
    public Box slice() {
        if (sliceDone) return slice;
        Box q = null;
        PoolSpec sp = g.spec();
        PoolOp op = sp.op();
        if (g.rank() == 3 && sliding && op == PoolOp.MAX) {
            q = lower(1, 2);
        }
        slice = q;
        sliceDone = true;
        return q;
    }

    /**
     * The max or average problem of axes {@code [from, from + r)} alone, on one plane of this
     * problem's sizes there: the same kernel, stride, dilation, padding, ceil mode, NaN policy,
     * floor and divisor rules on those axes. Null when the spec rules refuse it or its output sizes
     * differ from this problem's on those axes.
     */
    private Box lower(int from, int r) {
        PoolSpec sp = g.spec();
        PoolOp op = sp.op();
        int[] k = new int[r];
        int[] st = new int[r];
        int[] dil = new int[r];
        int[] pb = new int[r];
        int[] pe = new int[r];
        int[] shape = new int[r + 2];
        shape[0] = 1;
        shape[1] = 1;
        for (int a = 0; a < r; a++) {
            k[a] = sp.kernelAt(from + a);
            st[a] = sp.strideAt(from + a);
            dil[a] = g.stepArray()[from + a];
            pb[a] = g.padBegin(from + a);
            pe[a] = g.padEnd(from + a);
            shape[2 + a] = g.inSize(from + a);
        }
        try {
            PoolSpec.Builder b = (op == PoolOp.MAX ? PoolSpec.max(k) : PoolSpec.avg(k))
                    .stride(st)
                    .dilation(dil)
                    .padding(pb, pe)
                    .ceilMode(sp.ceilMode())
                    .nanPolicy(sp.nanPolicy())
                    .maxFloor(sp.maxFloor());
            if (op == PoolOp.AVG) {
                b.countIncludePad(sp.countIncludePad());
                if (sp.divisorOverride() != 0) b.divisorOverride(sp.divisorOverride());
            }
            Geometry lower = Geometry.of(b.build(), shape, Layout.CHANNELS_FIRST);
            for (int a = 0; a < r; a++) if (lower.outSize(a) != g.outSize(from + a)) return null;
            return lower.box();
        } catch (IllegalArgumentException refused) {
            return null; // the problem runs at its own rank
        }
    }

    private volatile Box transposedSum;
    private volatile boolean transposedDone;

    /**
     * For stride-1 sliding windows: the box whose window sums, taken over an output-shaped plane,
     * give each input position the sum over the windows that contain it (the transpose of the
     * window sum, which average backward needs). Per axis the kernel and dilation stay, the
     * padding becomes {@code (k - 1) * d - padBegin} before and {@code I - O + padBegin} after, and
     * the output size is the input size. Null when there is none (strides other than 1, empty
     * windows, or a padding the spec rules refuse). Shared: callers must not modify it.
     */
    public Box transposedSum() {
        if (transposedDone) return transposedSum;
        Box t = null;
        if (sliding && !anyEmpty && strideD == 1 && strideH == 1 && strideW == 1) {
            int r = g.rank();
            int[] k = new int[r];
            int[] one = new int[r];
            int[] dil = g.stepArray();
            int[] pb = new int[r];
            int[] pe = new int[r];
            int[] shape = new int[r + 2];
            shape[0] = 1;
            shape[1] = 1;
            boolean ok = true;
            for (int a = 0; a < r; a++) {
                k[a] = g.spec().kernelAt(a);
                one[a] = 1;
                pb[a] = (k[a] - 1) * dil[a] - g.padBegin(a);
                pe[a] = g.inSize(a) - g.outSize(a) + g.padBegin(a);
                shape[2 + a] = g.outSize(a);
                if (pb[a] < 0 || pe[a] < 0) ok = false;
            }
            if (ok) {
                try {
                    PoolSpec spec = PoolSpec.avg(k)
                            .stride(one)
                            .dilation(dil)
                            .padding(pb, pe)
                            .countIncludePad(true)
                            .build();
                    Geometry tg = Geometry.of(spec, shape, Layout.CHANNELS_FIRST);
                    boolean same = true;
                    for (int a = 0; a < r; a++) same &= tg.outSize(a) == g.inSize(a);
                    Box bt = tg.box();
                    if (same && !bt.anyEmpty) t = bt;
                } catch (IllegalArgumentException refused) {
                    t = null; // the plain average backward runs instead
                }
            }
        }
        transposedSum = t;
        transposedDone = true;
        return t;
    }

    private float[] computeDivisors() {
        float[] div = new float[outPlane()];
        if (g.spec().hasDivisorOverride()) {
            java.util.Arrays.fill(div, (float) g.spec().divisorOverride());
            return div;
        }
        double[] fd = countFactors(0);
        double[] fh = countFactors(1);
        double[] fw = countFactors(2);
        int q = 0;
        for (int a = 0; a < od; a++) {
            for (int b = 0; b < oh; b++) {
                for (int c = 0; c < ow; c++) div[q++] = (float) (fd[a] * fh[b] * fw[c]);
            }
        }
        return div;
    }

    /** Whether output (a, b, c) has no tap inside the input. */
    public boolean emptyAt(int a, int b, int c) {
        return hd[a] <= ld[a] || hh[b] <= lh[b] || hw[c] <= lw[c];
    }

    /** Plane position of the first valid tap of output (a, b, c) (the reference kernel's initial argmax). */
    public int firstValid(int a, int b, int c) {
        return ((sd[a] + ld[a] * dd) * ih + (sh[b] + lh[b] * dh)) * iw + sw[c] + lw[c] * dw;
    }

    /** Window-local offset (row-major over the window's taps, padding included) of tap (ta, tb, tc). */
    public int localOffset(int a, int b, int c, int ta, int tb, int tc) {
        return (ta * kh[b] + tb) * kw[c] + tc;
    }

    /** Plane position of window-local offset {@code local} of output (a, b, c). */
    public int positionOf(int a, int b, int c, int local) {
        int tc = local % kw[c];
        int rest = local / kw[c];
        int tb = rest % kh[b];
        int ta = rest / kh[b];
        return ((sd[a] + ta * dd) * ih + (sh[b] + tb * dh)) * iw + sw[c] + tc * dw;
    }
}
