package org.pooling4j;

import java.util.Arrays;

/**
 * Test oracle: an independent, deliberately naive implementation of every pooling operator, written
 * from the documented rules rather than from {@code ReferenceKernel} or {@code Geometry}.
 *
 * <p>Everything works on a {@link Grid}: a logical (N, C, spatial...) array of {@code double}s in
 * channels-first, spatial row-major order. Tensors of either layout, batched or not, are converted to
 * and from grids with explicit index arithmetic (never with the library's layout code). The oracle
 * reads the plain parameters of a {@link PoolSpec} (its getters) but resolves them itself: output
 * sizes by counting windows one by one, SAME padding, adaptive bins, fractional intervals and the
 * include-pad divisor.
 *
 * <p>Rules implemented (PyTorch's unless noted):
 * <ul>
 *   <li>Along an axis, output {@code o} of a sliding window reads taps {@code o*s - pb + t*d},
 *       {@code t = 0..k-1}; taps outside {@code [0, I)} are padding and are skipped.</li>
 *   <li>Floor mode counts the windows that fit in the padded extent ({@code o*s + K <= I+pb+pe});
 *       ceil mode counts the windows whose predecessor did not reach the end
 *       ({@code (o-1)*s + K < I+pb+pe}) and that start inside the input or begin padding
 *       ({@code o*s - pb < I}).</li>
 *   <li>Max: scan the in-bounds taps in row-major order starting from {@code -inf} (or
 *       {@code -Float.MAX_VALUE} with index -1 for {@link MaxFloor#LOWEST_FINITE}); a tap wins when
 *       {@code v > best}, or, under {@link NanPolicy#PROPAGATE}, when it is NaN. The initial index is the
 *       position of the first tap at a non-negative coordinate on every axis.</li>
 *   <li>Avg: the sum of in-bounds taps over the divisor: the override, or with count_include_pad the
 *       product over axes of the number of taps before {@code I + pe}, else the number of in-bounds
 *       taps; an empty window gives 0.</li>
 *   <li>Lp NORM: {@code (sum |x|^p)^(1/p)} over in-bounds taps. Lp PYTORCH:
 *       {@code (prod(k) * sum(x^p) / n)^(1/p)}, n = in-bounds taps, plain (signed) power.</li>
 *   <li>Backward: max routes the gradient to the argmax, except from a window with no tap inside the
 *       input (its output is a constant) and from index -1; avg spreads {@code g/divisor}; Lp NORM
 *       gives {@code g sign(x)|x|^(p-1)/y^(p-1)} (0 where y = 0, and 0 at x = 0);
 *       Lp PYTORCH gives {@code g (K a)^(1/p-1) K x^(p-1) / n} (0 where a = 0).</li>
 * </ul>
 *
 * <p>Besides the values, the oracle reports for every result element a magnitude {@code mag}: the sum
 * of the absolute values of the terms that formed it. A float32 implementation that rounds those terms
 * can only be off by a small multiple of {@code mag * 2^-24}, which is what tolerances are scaled by.
 */
final class Oracle {
    private Oracle() {}

    // =============================================================================================
    // Data
    // =============================================================================================

    /** A logical (N, C, spatial...) array of doubles: channels-first, spatial row-major. */
    static final class Grid {
        final int n;
        final int c;
        final int[] size;
        final int plane;
        final double[] v;
        /** Sum of the absolute values of the terms behind each element (null when not computed). */
        double[] mag;

        Grid(int n, int c, int[] size) {
            this(n, c, size, null);
        }

        Grid(int n, int c, int[] size, double[] v) {
            this.n = n;
            this.c = c;
            this.size = size.clone();
            this.plane = product(size);
            this.v = v != null ? v : new double[n * c * plane];
            if (this.v.length != n * c * plane) {
                throw new IllegalArgumentException(
                        "grid data length " + this.v.length + " != " + n + "*" + c + "*" + plane);
            }
        }

        int at(int nn, int cc, int pos) {
            return (nn * c + cc) * plane + pos;
        }
    }

    /** Same as {@link Grid} for int64 indices. */
    static final class LongGrid {
        final int n;
        final int c;
        final int[] size;
        final int plane;
        final long[] v;

        LongGrid(int n, int c, int[] size) {
            this(n, c, size, null);
        }

        LongGrid(int n, int c, int[] size, long[] v) {
            this.n = n;
            this.c = c;
            this.size = size.clone();
            this.plane = product(size);
            this.v = v != null ? v : new long[n * c * plane];
            if (this.v.length != n * c * plane) throw new IllegalArgumentException("index grid length mismatch");
        }

        int at(int nn, int cc, int pos) {
            return (nn * c + cc) * plane + pos;
        }
    }

    static int product(int[] a) {
        int p = 1;
        for (int x : a) p *= x;
        return p;
    }

    // ---- conversions (explicit index arithmetic) ----------------------------------------------

    /** Offset in memory of element (nn, cc, spatial position pos) for a tensor of the given layout. */
    static int memoryOffset(Layout layout, int nn, int cc, int pos, int channels, int plane) {
        if (layout == Layout.CHANNELS_FIRST) {
            // (N, C, D1..Dk): the whole plane of channel cc is contiguous.
            return (nn * channels + cc) * plane + pos;
        }
        // (N, D1..Dk, C): the channels of one position are contiguous.
        return (nn * plane + pos) * channels + cc;
    }

    /** Memory-order shape of a logical (n, c, size) array. */
    static int[] shapeOf(int n, int c, int[] size, Layout layout, boolean batched) {
        if (!batched && n != 1) throw new IllegalArgumentException("an unbatched tensor has N = 1, got " + n);
        int[] s = new int[size.length + (batched ? 2 : 1)];
        int i = 0;
        if (batched) s[i++] = n;
        if (layout == Layout.CHANNELS_FIRST) s[i++] = c;
        for (int d : size) s[i++] = d;
        if (layout == Layout.CHANNELS_LAST) s[i] = c;
        return s;
    }

    private static int[] logical(int[] shape, int rank, Layout layout) {
        boolean batched;
        if (shape.length == rank + 2) batched = true;
        else if (shape.length == rank + 1) batched = false;
        else throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not fit rank " + rank);
        int lead = batched ? 1 : 0;
        int n = batched ? shape[0] : 1;
        int c = layout == Layout.CHANNELS_FIRST ? shape[lead] : shape[shape.length - 1];
        int from = layout == Layout.CHANNELS_FIRST ? lead + 1 : lead;
        int[] out = new int[rank + 2];
        out[0] = n;
        out[1] = c;
        System.arraycopy(shape, from, out, 2, rank);
        return out;
    }

    static Grid fromTensor(Tensor t, int rank) {
        int[] l = logical(t.shape(), rank, t.layout());
        Grid g = new Grid(l[0], l[1], Arrays.copyOfRange(l, 2, l.length));
        float[] d = t.data();
        for (int nn = 0; nn < g.n; nn++) {
            for (int cc = 0; cc < g.c; cc++) {
                for (int p = 0; p < g.plane; p++) {
                    g.v[g.at(nn, cc, p)] = d[memoryOffset(t.layout(), nn, cc, p, g.c, g.plane)];
                }
            }
        }
        return g;
    }

    static LongGrid fromLongTensor(LongTensor t, int rank) {
        int[] l = logical(t.shape(), rank, t.layout());
        LongGrid g = new LongGrid(l[0], l[1], Arrays.copyOfRange(l, 2, l.length));
        long[] d = t.data();
        for (int nn = 0; nn < g.n; nn++) {
            for (int cc = 0; cc < g.c; cc++) {
                for (int p = 0; p < g.plane; p++) {
                    g.v[g.at(nn, cc, p)] = d[memoryOffset(t.layout(), nn, cc, p, g.c, g.plane)];
                }
            }
        }
        return g;
    }

    /** The grid as a float32 tensor (values rounded to float). */
    static Tensor toTensor(Grid g, Layout layout, boolean batched) {
        float[] d = new float[g.v.length];
        for (int nn = 0; nn < g.n; nn++) {
            for (int cc = 0; cc < g.c; cc++) {
                for (int p = 0; p < g.plane; p++) {
                    d[memoryOffset(layout, nn, cc, p, g.c, g.plane)] = (float) g.v[g.at(nn, cc, p)];
                }
            }
        }
        return new Tensor(d, shapeOf(g.n, g.c, g.size, layout, batched), layout);
    }

    static LongTensor toLongTensor(LongGrid g, Layout layout, boolean batched) {
        long[] d = new long[g.v.length];
        for (int nn = 0; nn < g.n; nn++) {
            for (int cc = 0; cc < g.c; cc++) {
                for (int p = 0; p < g.plane; p++) {
                    d[memoryOffset(layout, nn, cc, p, g.c, g.plane)] = g.v[g.at(nn, cc, p)];
                }
            }
        }
        return new LongTensor(d, shapeOf(g.n, g.c, g.size, layout, batched), layout);
    }

    // =============================================================================================
    // Resolving a spec against an input size
    // =============================================================================================

    /** One output position's window: in-bounds positions in scan order, the initial index, counts. */
    static final class Win {
        /** Row-major plane positions of the in-bounds taps, in row-major scan order. */
        int[] pos;
        /** Plane position of the first tap at a non-negative coordinate on every axis (may lie outside). */
        long first;
        /** Product over axes of the taps before the end of the padded extent (count_include_pad divisor). */
        long includeCount;
    }

    /** A spec resolved against an input spatial size. */
    static final class Plan {
        PoolSpec spec;
        PoolOp op;
        int rank;
        int[] in;
        int[] out;
        int[] padBegin;
        int[] padEnd;
        /** Why the library must reject this input, or null. */
        String invalid;
        /** Windows in output row-major order (null for fractional, which varies per plane, and unpool). */
        Win[] wins;
        /** Product of the kernel sizes (Lp PYTORCH's scale). */
        long kernelVolume = 1;

        int outPlane() {
            return product(out);
        }

        int inPlane() {
            return product(in);
        }
    }

    static Plan plan(PoolSpec spec, int[] in) {
        Plan pl = new Plan();
        pl.spec = spec;
        pl.op = spec.op();
        pl.rank = spec.rank();
        pl.in = in.clone();
        int r = pl.rank;
        if (in.length != r) throw new IllegalArgumentException("input rank");
        pl.out = new int[r];
        pl.padBegin = new int[r];
        pl.padEnd = new int[r];
        int[][][] taps = new int[r][][];
        int[][] firstCoord = new int[r][];
        PoolOp op = pl.op;
        for (int a = 0; a < r; a++) {
            int size = in[a];
            if (op == PoolOp.MAX || op == PoolOp.AVG || op == PoolOp.LP) {
                int k = spec.kernel()[a];
                int s = spec.stride()[a];
                int d = spec.dilation()[a];
                long kEff = (long) d * (k - 1) + 1;
                pl.kernelVolume *= k;
                long pb;
                long pe;
                int o = 0;
                switch (spec.autoPad()) {
                    case VALID:
                        pb = 0;
                        pe = 0;
                        while ((long) o * s + kEff <= size) o++;
                        break;
                    case SAME_UPPER:
                    case SAME_LOWER: {
                        while ((long) o * s < size) o++;
                        long total = Math.max((long) (o - 1) * s + kEff - size, 0);
                        // The odd cell goes to the end (UPPER) or to the beginning (LOWER).
                        pb = spec.autoPad() == AutoPad.SAME_UPPER ? total / 2 : (total + 1) / 2;
                        pe = total - pb;
                        break;
                    }
                    default:
                        pb = spec.padBegin()[a];
                        pe = spec.padEnd()[a];
                        long padded = size + pb + pe;
                        if (!spec.ceilMode()) {
                            while ((long) o * s + kEff <= padded) o++;
                        } else {
                            while ((long) (o - 1) * s + kEff < padded && (long) o * s - pb < size) o++;
                        }
                }
                pl.padBegin[a] = (int) pb;
                pl.padEnd[a] = (int) pe;
                pl.out[a] = o;
                taps[a] = new int[o][];
                firstCoord[a] = new int[o];
                for (int i = 0; i < o; i++) {
                    int start = (int) ((long) i * s - pb);
                    taps[a][i] = new int[k];
                    for (int t = 0; t < k; t++) taps[a][i][t] = start + t * d;
                    int f = start;
                    while (f < 0) f += d;
                    firstCoord[a][i] = f;
                }
                if (o < 1) pl.invalid = "no window fits on axis " + a;
            } else if (op == PoolOp.GLOBAL_MAX || op == PoolOp.GLOBAL_AVG || op == PoolOp.GLOBAL_LP) {
                pl.out[a] = 1;
                taps[a] = new int[][] {range(0, size)};
                firstCoord[a] = new int[] {0};
            } else if (op == PoolOp.ADAPTIVE_MAX || op == PoolOp.ADAPTIVE_AVG) {
                int o = spec.outputSize()[a] < 0 ? size : spec.outputSize()[a];
                pl.out[a] = o;
                taps[a] = new int[o][];
                firstCoord[a] = new int[o];
                for (int i = 0; i < o; i++) {
                    long lo = (long) i * size / o; // floor(i*I/O)
                    long hi = ((long) (i + 1) * size + o - 1) / o; // ceil((i+1)*I/O)
                    taps[a][i] = range((int) lo, (int) hi);
                    firstCoord[a][i] = (int) lo;
                }
            } else if (op == PoolOp.FRACTIONAL_MAX) {
                int k = spec.kernel()[a];
                long o = spec.outputSize() != null ? spec.outputSize()[a] : (long) (size * spec.outputRatio()[a]);
                pl.out[a] = (int) Math.max(o, 0);
                if (o < 1) pl.invalid = "fractional output " + o + " < 1 on axis " + a;
                else if (o + k - 1 > size)
                    pl.invalid = "fractional output " + o + " + kernel " + k + " - 1 > input " + size;
            } else if (op == PoolOp.MAX_UNPOOL) {
                int k = spec.kernel()[a];
                int s = spec.stride()[a];
                long pb = spec.padBegin()[a];
                long pe = spec.padEnd()[a];
                long def = ((long) size - 1) * s - pb - pe + k;
                long o = def;
                if (spec.outputSize() != null) {
                    o = spec.outputSize()[a];
                    if (!(o > def - s && o < def + s))
                        pl.invalid = "unpool output " + o + " not within one stride of " + def;
                }
                if (o < 1) pl.invalid = "unpool output " + o + " < 1";
                pl.out[a] = (int) Math.max(o, 0);
                pl.padBegin[a] = (int) pb;
                pl.padEnd[a] = (int) pe;
            } else {
                throw new IllegalArgumentException("op " + op);
            }
        }
        if (pl.invalid == null && op != PoolOp.FRACTIONAL_MAX && op != PoolOp.MAX_UNPOOL) {
            pl.wins = buildWindows(taps, firstCoord, in, pl.padEnd, pl.out);
        }
        return pl;
    }

    private static int[] range(int lo, int hi) {
        int[] r = new int[Math.max(hi - lo, 0)];
        for (int i = 0; i < r.length; i++) r[i] = lo + i;
        return r;
    }

    /** All windows, output positions in row-major order (an odometer over the output multi-index). */
    private static Win[] buildWindows(int[][][] taps, int[][] firstCoord, int[] in, int[] padEnd, int[] out) {
        int r = out.length;
        int total = product(out);
        Win[] wins = new Win[total];
        int[] o = new int[r];
        int[][] axisTaps = new int[r][];
        int[] first = new int[r];
        for (int q = 0; q < total; q++) {
            for (int a = 0; a < r; a++) {
                axisTaps[a] = taps[a][o[a]];
                first[a] = firstCoord[a][o[a]];
            }
            wins[q] = window(axisTaps, first, in, padEnd);
            // advance the odometer, last axis fastest
            for (int a = r - 1; a >= 0; a--) {
                if (++o[a] < out[a]) break;
                o[a] = 0;
            }
        }
        return wins;
    }

    /** The window that is the Cartesian product of the per-axis tap coordinates. */
    static Win window(int[][] axisTaps, int[] firstCoord, int[] in, int[] padEnd) {
        int r = in.length;
        int cap = 1;
        for (int[] t : axisTaps) cap *= t.length;
        int[] buf = new int[cap];
        int count = collect(axisTaps, in, 0, 0, buf, 0);
        Win w = new Win();
        w.pos = Arrays.copyOf(buf, count);
        long first = 0;
        long include = 1;
        for (int a = 0; a < r; a++) {
            first = first * in[a] + firstCoord[a];
            int before = 0;
            for (int co : axisTaps[a]) if (co < (long) in[a] + padEnd[a]) before++;
            include *= before;
        }
        w.first = first;
        w.includeCount = include;
        return w;
    }

    /** Recursively lists the in-bounds taps: axis 0 outermost, so positions come in row-major order. */
    private static int collect(int[][] taps, int[] in, int axis, int offset, int[] buf, int count) {
        if (axis == taps.length) {
            buf[count] = offset;
            return count + 1;
        }
        for (int co : taps[axis]) {
            if (co < 0 || co >= in[axis]) continue;
            count = collect(taps, in, axis + 1, offset * in[axis] + co, buf, count);
        }
        return count;
    }

    // ---- fractional ------------------------------------------------------------------------------

    /** PyTorch's interval starts in float32: alpha = (I-k)/(O-1), start_i = (int)((i+u)alpha) - (int)(u alpha), last = I-k. */
    static int[] fractionalStarts(float u, int in, int out, int k) {
        int[] st = new int[out];
        if (out > 1) {
            float alpha = (float) (in - k) / (float) (out - 1);
            for (int i = 0; i < out - 1; i++) {
                float scaled = ((float) i + u) * alpha;
                st[i] = (int) scaled - (int) (u * alpha);
            }
        }
        st[out - 1] = in - k;
        return st;
    }

    /** Which of PyTorch's samples (N, C, rank) drives axis {@code a}: 2D reads sample 0 for the width. */
    static int sampleSlot(int rank, int a) {
        if (rank == 2) return a == 0 ? 1 : 0;
        return a;
    }

    /** The windows of plane (nn, cc) of a fractional max pooling, from samples of shape (N, C, rank). */
    static Win[] fractionalWindows(Plan pl, Grid samples, int nn, int cc) {
        int r = pl.rank;
        int[][][] taps = new int[r][][];
        int[][] firstCoord = new int[r][];
        for (int a = 0; a < r; a++) {
            float u = (float) samples.v[(nn * samples.c + cc) * r + sampleSlot(r, a)];
            int k = pl.spec.kernel()[a];
            int[] st = fractionalStarts(u, pl.in[a], pl.out[a], k);
            taps[a] = new int[st.length][];
            firstCoord[a] = new int[st.length];
            for (int i = 0; i < st.length; i++) {
                taps[a][i] = range(st[i], st[i] + k);
                firstCoord[a][i] = st[i];
            }
        }
        return buildWindows(taps, firstCoord, pl.in, new int[r], pl.out);
    }

    private static Win[] windowsFor(Plan pl, Grid samples, int nn, int cc) {
        if (pl.op == PoolOp.FRACTIONAL_MAX) return fractionalWindows(pl, samples, nn, cc);
        return pl.wins;
    }

    // =============================================================================================
    // Forward
    // =============================================================================================

    static final class Result {
        Plan plan;
        Grid values;
        /** Per-plane argmax for max-type operators, else null. */
        LongGrid indices;
    }

    static boolean isMaxType(PoolOp op) {
        return op == PoolOp.MAX || op == PoolOp.GLOBAL_MAX || op == PoolOp.ADAPTIVE_MAX || op == PoolOp.FRACTIONAL_MAX;
    }

    static boolean isAvg(PoolOp op) {
        return op == PoolOp.AVG || op == PoolOp.GLOBAL_AVG || op == PoolOp.ADAPTIVE_AVG;
    }

    /**
     * Forward of every operator except unpool. {@code samples} (shape (N, C, rank), PyTorch's order) is
     * needed for fractional max pooling only.
     */
    static Result forward(PoolSpec spec, Grid x, Grid samples) {
        Plan pl = plan(spec, x.size);
        if (pl.invalid != null) throw new IllegalArgumentException("oracle: invalid problem: " + pl.invalid);
        if (pl.op == PoolOp.MAX_UNPOOL) throw new IllegalArgumentException("use unpool");
        Result res = new Result();
        res.plan = pl;
        Grid y = new Grid(x.n, x.c, pl.out);
        y.mag = new double[y.v.length];
        LongGrid idx = isMaxType(pl.op) ? new LongGrid(x.n, x.c, pl.out) : null;
        for (int nn = 0; nn < x.n; nn++) {
            for (int cc = 0; cc < x.c; cc++) {
                Win[] ws = windowsFor(pl, samples, nn, cc);
                int base = x.at(nn, cc, 0);
                for (int q = 0; q < ws.length; q++) {
                    Win w = ws[q];
                    int dst = y.at(nn, cc, q);
                    if (isMaxType(pl.op)) {
                        long[] arg = new long[1];
                        y.v[dst] = max(spec, w, x.v, base, arg);
                        idx.v[dst] = arg[0];
                        y.mag[dst] = Math.abs(y.v[dst]);
                    } else if (isAvg(pl.op)) {
                        double sum = 0;
                        double abs = 0;
                        for (int p : w.pos) {
                            sum += x.v[base + p];
                            abs += Math.abs(x.v[base + p]);
                        }
                        long div = divisor(spec, pl.op, w);
                        y.v[dst] = w.pos.length == 0 ? 0 : sum / div;
                        y.mag[dst] = w.pos.length == 0 ? 0 : abs / Math.abs(div);
                    } else if (spec.lpMode() == LpMode.PYTORCH) {
                        double p = spec.p();
                        double sum = 0;
                        double abs = 0;
                        for (int t : w.pos) {
                            sum += Math.pow(x.v[base + t], p);
                            abs += Math.pow(Math.abs(x.v[base + t]), p);
                        }
                        int n = w.pos.length;
                        y.v[dst] = Math.pow(pl.kernelVolume * (sum / n), 1.0 / p);
                        y.mag[dst] = Math.pow(pl.kernelVolume * (abs / n), 1.0 / p);
                    } else {
                        double p = spec.p();
                        double sum = 0;
                        for (int t : w.pos) sum += Math.pow(Math.abs(x.v[base + t]), p);
                        y.v[dst] = Math.pow(sum, 1.0 / p);
                        y.mag[dst] = Math.abs(y.v[dst]);
                    }
                }
            }
        }
        res.values = y;
        res.indices = idx;
        return res;
    }

    private static double max(PoolSpec spec, Win w, double[] x, int base, long[] argOut) {
        boolean lowest = spec.maxFloor() == MaxFloor.LOWEST_FINITE;
        boolean propagate = spec.nanPolicy() == NanPolicy.PROPAGATE;
        double best = lowest ? -Float.MAX_VALUE : Double.NEGATIVE_INFINITY;
        long arg = lowest ? -1 : w.first;
        for (int p : w.pos) {
            double v = x[base + p];
            boolean wins = v > best || (propagate && Double.isNaN(v));
            if (wins) {
                best = v;
                arg = p;
            }
        }
        argOut[0] = arg;
        return best;
    }

    private static long divisor(PoolSpec spec, PoolOp op, Win w) {
        if (op == PoolOp.AVG && spec.hasDivisorOverride()) return spec.divisorOverride();
        if (op == PoolOp.AVG && spec.countIncludePad()) return w.includeCount;
        return w.pos.length;
    }

    // =============================================================================================
    // Backward
    // =============================================================================================

    /** Gradient with respect to x of sum(gradOut * forward(x)), per the rules in the class comment. */
    static Grid backward(PoolSpec spec, Grid x, Grid gradOut, Grid samples) {
        Result fwd = forward(spec, x, samples);
        Plan pl = fwd.plan;
        if (!Arrays.equals(gradOut.size, pl.out) || gradOut.n != x.n || gradOut.c != x.c) {
            throw new IllegalArgumentException("gradOut shape");
        }
        Grid gx = new Grid(x.n, x.c, x.size);
        gx.mag = new double[gx.v.length];
        for (int nn = 0; nn < x.n; nn++) {
            for (int cc = 0; cc < x.c; cc++) {
                Win[] ws = windowsFor(pl, samples, nn, cc);
                int base = x.at(nn, cc, 0);
                for (int q = 0; q < ws.length; q++) {
                    Win w = ws[q];
                    int o = fwd.values.at(nn, cc, q);
                    double g = gradOut.v[o];
                    if (isMaxType(pl.op)) {
                        // A window with no tap in the input returned a constant: no gradient. Nor does
                        // index -1 (no element won under LOWEST_FINITE).
                        long arg = fwd.indices.v[o];
                        if (w.pos.length > 0 && arg >= 0) add(gx, base + (int) arg, g);
                    } else if (isAvg(pl.op)) {
                        if (w.pos.length == 0) continue;
                        double share = g / divisor(spec, pl.op, w);
                        for (int p : w.pos) add(gx, base + p, share);
                    } else if (spec.lpMode() == LpMode.PYTORCH) {
                        double p = spec.p();
                        double sum = 0;
                        for (int t : w.pos) sum += Math.pow(x.v[base + t], p);
                        int n = w.pos.length;
                        double a = sum / n;
                        if (a == 0) continue;
                        double outer = Math.pow(pl.kernelVolume * a, 1.0 / p - 1) * pl.kernelVolume / n;
                        for (int t : w.pos) add(gx, base + t, g * outer * Math.pow(x.v[base + t], p - 1));
                    } else {
                        double p = spec.p();
                        double y = fwd.values.v[o];
                        if (y == 0) continue;
                        for (int t : w.pos) {
                            double xv = x.v[base + t];
                            // at x = 0 the derivative is taken as 0 (for p < 1 the one-sided limits are infinite)
                            double d =
                                    xv == 0 ? 0 : Math.signum(xv) * Math.pow(Math.abs(xv), p - 1) / Math.pow(y, p - 1);
                            add(gx, base + t, g * d);
                        }
                    }
                }
            }
        }
        return gx;
    }

    private static void add(Grid g, int at, double v) {
        g.v[at] += v;
        g.mag[at] += Math.abs(v);
    }

    // =============================================================================================
    // Max unpool
    // =============================================================================================

    /** Scatters each value to its per-plane index in a zero output; later values (scan order) win. */
    static Grid unpool(PoolSpec spec, Grid values, LongGrid indices) {
        Plan pl = plan(spec, values.size);
        if (pl.invalid != null) throw new IllegalArgumentException("oracle: invalid problem: " + pl.invalid);
        Grid out = new Grid(values.n, values.c, pl.out);
        for (int nn = 0; nn < values.n; nn++) {
            for (int cc = 0; cc < values.c; cc++) {
                for (int i = 0; i < values.plane; i++) {
                    long to = indices.v[indices.at(nn, cc, i)];
                    if (to < 0 || to >= out.plane)
                        throw new IllegalArgumentException("oracle: index " + to + " out of plane");
                    out.v[out.at(nn, cc, (int) to)] = values.v[values.at(nn, cc, i)];
                }
            }
        }
        return out;
    }

    /** Gradient of unpool with respect to the values: the output gradient gathered at the indices. */
    static Grid unpoolBackward(PoolSpec spec, Grid values, LongGrid indices, Grid gradOut) {
        Grid gx = new Grid(values.n, values.c, values.size);
        for (int nn = 0; nn < values.n; nn++) {
            for (int cc = 0; cc < values.c; cc++) {
                for (int i = 0; i < values.plane; i++) {
                    long from = indices.v[indices.at(nn, cc, i)];
                    gx.v[gx.at(nn, cc, i)] = gradOut.v[gradOut.at(nn, cc, (int) from)];
                }
            }
        }
        return gx;
    }

    // =============================================================================================
    // Index formats
    // =============================================================================================

    /** Encodes per-plane position {@code pos} of plane (nn, cc) in the given format. */
    static long encode(long pos, int nn, int cc, int channels, int[] spatial, IndexFormat format) {
        long plane = 1;
        for (int s : spatial) plane *= s;
        switch (format) {
            case PER_PLANE:
                return pos;
            case GLOBAL_ROW_MAJOR:
                return ((long) nn * channels + cc) * plane + pos;
            case GLOBAL_COLUMN_MAJOR: {
                // decode the row-major coordinates (last axis fastest), re-encode with the first axis fastest
                long[] coord = new long[spatial.length];
                long rest = pos;
                for (int a = spatial.length - 1; a >= 0; a--) {
                    coord[a] = rest % spatial[a];
                    rest /= spatial[a];
                }
                long col = 0;
                for (int a = spatial.length - 1; a >= 0; a--) col = col * spatial[a] + coord[a];
                return ((long) nn * channels + cc) * plane + col;
            }
            case CHANNELS_LAST:
                return pos * channels + cc;
            case CHANNELS_LAST_WITH_BATCH:
                return ((long) nn * plane + pos) * channels + cc;
            default:
                throw new IllegalArgumentException("format " + format);
        }
    }

    /** Every per-plane index of {@code g} encoded in {@code format}. */
    static LongGrid encodeAll(LongGrid g, int[] spatial, IndexFormat format) {
        LongGrid out = new LongGrid(g.n, g.c, g.size);
        for (int nn = 0; nn < g.n; nn++) {
            for (int cc = 0; cc < g.c; cc++) {
                for (int q = 0; q < g.plane; q++) {
                    out.v[out.at(nn, cc, q)] = encode(g.v[g.at(nn, cc, q)], nn, cc, g.c, spatial, format);
                }
            }
        }
        return out;
    }
}
