package org.pooling4j;

import java.util.Arrays;
import org.pooling4j.internal.Box;
import org.pooling4j.internal.Budget;
import org.pooling4j.internal.Check;
import org.pooling4j.internal.Shapes;

/**
 * A {@link PoolSpec} resolved against one input shape: batch, channels, input and output spatial
 * sizes, and for every axis the window of every output position. This is where all input-dependent
 * checks happen; kernels receive only valid geometries.
 *
 * <p>Window model (rank-generic; missing dimensions do not exist rather than being 1): along axis
 * {@code a}, output position {@code o} reads the taps {@code t = 0 .. taps(o)-1} at input positions
 * {@code start(o) + t * step}. Taps outside {@code [0, I)} are padding. The windows of all axes
 * combine as a box, so validity and counts factorise per axis.
 */
public final class Geometry {
    private final PoolSpec spec;
    private final Layout layout;
    private final boolean batched;
    private final int batch;
    private final int channels;
    private final int[] inSize;
    private final int[] outSize;
    private final int inPlane;
    private final int outPlane;
    // Per axis, per output position (null for fractional windows, which vary per plane, and unpool).
    private final int[][] start;
    private final int[][] taps;
    private final int[] step;
    private final int[][] validLo;
    private final int[][] validHi;
    private final int[][] span;
    private final int[] padBegin;
    private final int[] padEnd;

    private Geometry(
            PoolSpec spec,
            Layout layout,
            boolean batched,
            int batch,
            int channels,
            int[] inSize,
            int[] outSize,
            int[] padBegin,
            int[] padEnd) {
        this.spec = spec;
        this.layout = layout;
        this.batched = batched;
        this.batch = batch;
        this.channels = channels;
        this.inSize = inSize;
        this.outSize = outSize;
        this.padBegin = padBegin;
        this.padEnd = padEnd;
        this.inPlane = Check.elementCount(inSize, "input spatial size");
        this.outPlane = Check.elementCount(outSize, "output spatial size");
        int r = inSize.length;
        boolean windows = spec.op() != PoolOp.FRACTIONAL_MAX && spec.op() != PoolOp.MAX_UNPOOL;
        start = windows ? new int[r][] : null;
        taps = windows ? new int[r][] : null;
        validLo = windows ? new int[r][] : null;
        validHi = windows ? new int[r][] : null;
        span = windows ? new int[r][] : null;
        step = new int[r];
        if (!windows) return;
        for (int a = 0; a < r; a++) {
            int o = outSize[a];
            start[a] = new int[o];
            taps[a] = new int[o];
            validLo[a] = new int[o];
            validHi[a] = new int[o];
            span[a] = new int[o];
            PoolOp op = spec.op();
            for (int i = 0; i < o; i++) {
                int st;
                int n;
                int d;
                if (op.isAdaptive()) {
                    st = Shapes.adaptiveStart(i, inSize[a], o);
                    n = Shapes.adaptiveEnd(i, inSize[a], o) - st;
                    d = 1;
                } else if (op.isGlobal()) {
                    st = 0;
                    n = inSize[a];
                    d = 1;
                } else {
                    st = (int) ((long) i * spec.strideAt(a) - padBegin[a]);
                    n = spec.kernelAt(a);
                    d = spec.dilationAt(a);
                }
                step[a] = d;
                start[a][i] = st;
                taps[a][i] = n;
                // First tap at a position >= 0, last tap at a position < I (tap indices).
                int lo = st >= 0 ? 0 : (int) Math.min(n, ((long) -st + d - 1) / d);
                int hi = st >= inSize[a] ? 0 : (int) Math.min(n, ((long) inSize[a] - 1 - st) / d + 1);
                validLo[a][i] = lo;
                validHi[a][i] = Math.max(lo, hi);
                // Taps before the end of the padded extent I + pe (PyTorch/ONNX include-pad count).
                long limit = (long) inSize[a] + padEnd[a];
                span[a][i] = st >= limit ? 0 : (int) Math.min(n, (limit - 1 - st) / d + 1);
            }
        }
    }

    /**
     * Resolves {@code spec} against an input of the given shape (memory order of {@code layout}).
     * The input is batched when its rank is {@code spec.rank() + 2} and unbatched (no N axis) when it
     * is {@code spec.rank() + 1}.
     *
     * @throws IllegalArgumentException when the rank does not fit, a non-batch dimension is 0, a
     *     window does not fit, an output would be empty or too large, or the output, the window
     *     tables or the input values one call reads are over the memory or work budget ({@link Limits})
     */
    public static Geometry of(PoolSpec spec, int[] inputShape, Layout layout) {
        Check.notNull(spec, "spec");
        Check.notNull(inputShape, "input shape");
        Check.notNull(layout, "layout");
        int r = spec.rank();
        boolean batched;
        if (inputShape.length == r + 2) {
            batched = true;
        } else if (inputShape.length == r + 1) {
            batched = false;
        } else {
            throw Check.fail(
                    "input shape",
                    inputShape,
                    "a " + r + "-D pooling needs rank " + (r + 2) + " (N, C, spatial...) or " + (r + 1)
                            + " (C, spatial...) in " + layout + " order, got rank " + inputShape.length);
        }
        Check.elementCount(inputShape, "input shape");
        int lead = batched ? 1 : 0;
        int n = batched ? inputShape[0] : 1;
        int c;
        int[] in = new int[r];
        if (layout == Layout.CHANNELS_FIRST) {
            c = inputShape[lead];
            System.arraycopy(inputShape, lead + 1, in, 0, r);
        } else {
            c = inputShape[inputShape.length - 1];
            System.arraycopy(inputShape, lead, in, 0, r);
        }
        if (c < 1)
            throw Check.fail("input shape", inputShape, "the channel dimension must be >= 1 (only the batch may be 0)");
        for (int v : in) {
            if (v < 1)
                throw Check.fail(
                        "input shape", inputShape, "spatial dimensions must be >= 1 (only the batch may be 0)");
        }
        int[] pb = spec.padBegin();
        int[] pe = spec.padEnd();
        int[] out = new int[r];
        PoolOp op = spec.op();
        for (int a = 0; a < r; a++) {
            long o;
            if (op.isGlobal()) {
                o = 1;
            } else if (op.isAdaptive()) {
                o = spec.outputSizeAt(a) < 0 ? in[a] : spec.outputSizeAt(a);
            } else if (op == PoolOp.FRACTIONAL_MAX) {
                int k = spec.kernelAt(a);
                o = spec.outputSize() != null
                        ? spec.outputSizeAt(a)
                        : Shapes.fractionalOutputFromRatio(in[a], spec.outputRatioAt(a));
                if (o < 1) {
                    throw Check.fail(
                            "outputRatio",
                            spec.outputRatio(),
                            "gives output size " + o + " on axis " + a + " for input size " + in[a]
                                    + "; it must be >= 1");
                }
                if (o + k - 1 > in[a]) {
                    throw Check.fail(
                            "outputSize",
                            spec.outputSize() != null
                                    ? spec.outputSize()
                                    : "ratio " + spec.outputRatioAt(a) + " -> " + o,
                            "output " + o + " + kernel " + k + " - 1 must be <= input size " + in[a] + " on axis " + a);
                }
            } else if (op == PoolOp.MAX_UNPOOL) {
                o = Shapes.unpoolOutputSize(in[a], spec.kernelAt(a), spec.strideAt(a), pb[a], pe[a]);
                if (spec.outputSize() != null) {
                    int want = spec.outputSizeAt(a);
                    long min = o - spec.strideAt(a);
                    long max = o + spec.strideAt(a);
                    // PyTorch's rule: a requested size must lie strictly within one stride of the default.
                    if (!(want > min && want < max)) {
                        throw Check.fail(
                                "outputSize",
                                spec.outputSize(),
                                "entry " + a + " must be in (" + min + ", " + max + ") for input size " + in[a]
                                        + ", kernel " + spec.kernelAt(a) + ", stride " + spec.strideAt(a) + ", padding "
                                        + pb[a]);
                    }
                    o = want;
                }
                if (o < 1) {
                    throw Check.fail(
                            "input shape",
                            inputShape,
                            "max unpool output size (I-1)*s - 2*pad + k = " + o + " on axis " + a + " must be >= 1");
                }
            } else {
                int k = spec.kernelAt(a);
                int s = spec.strideAt(a);
                int d = spec.dilationAt(a);
                switch (spec.autoPad()) {
                    case VALID:
                        o = Shapes.validOutputSize(in[a], k, s, d);
                        pb[a] = 0;
                        pe[a] = 0;
                        break;
                    case SAME_UPPER:
                    case SAME_LOWER: {
                        o = Shapes.sameOutputSize(in[a], s);
                        long total = Shapes.sameTotalPadding(in[a], k, s, d);
                        long b = Shapes.sameBeginPadding(total, spec.autoPad());
                        if (total > Integer.MAX_VALUE)
                            throw Check.fail(
                                    "kernel", spec.kernel(), "SAME padding " + total + " overflows on axis " + a);
                        pb[a] = (int) b;
                        pe[a] = (int) (total - b);
                        break;
                    }
                    default:
                        if ((long) in[a] + pb[a] + pe[a] > Integer.MAX_VALUE) {
                            throw Check.fail("padding", pb, "padded size of axis " + a + " overflows 2^31-1");
                        }
                        o = Shapes.outputSize(in[a], k, s, d, pb[a], pe[a], spec.ceilMode());
                }
                if (o < 1) {
                    throw Check.fail(
                            "input shape",
                            inputShape,
                            "computed output size " + o + " on axis " + a
                                    + " is < 1: input " + in[a] + " + padding " + pb[a] + "+" + pe[a]
                                    + " is smaller than the effective kernel "
                                    + Shapes.effectiveKernel(k, d));
                }
            }
            if (o > Integer.MAX_VALUE) throw Check.fail("output size", o, "axis " + a + " exceeds 2^31-1");
            out[a] = (int) o;
        }
        // An empty batch still gets per-axis window tables, so the plane must fit even when N = 0.
        long total = (long) Math.max(n, 1) * c;
        for (int v : out) {
            total *= v;
            if (total > Check.MAX_ELEMENTS) {
                throw Check.fail(
                        "output shape",
                        Arrays.toString(out),
                        "an output of " + Math.max(n, 1) + " x " + c + " x " + Arrays.toString(out)
                                + " elements does not fit in a Java array (at most " + Check.MAX_ELEMENTS + ")");
            }
        }
        checkBudgets(spec, inputShape, layout, batched, n, c, in, out, pb);
        Geometry geometry = new Geometry(spec, layout, batched, n, c, in, out, pb, pe);
        geometry.checkWeights(inputShape);
        return geometry;
    }

    /**
     * The memory and work budgets ({@link Limits}) of a plan on this shape, checked before its window
     * tables or any output are allocated: the output tensor, the window tables, and the input values
     * one call reads (the taps of every window of every plane).
     */
    private static void checkBudgets(
            PoolSpec spec,
            int[] inputShape,
            Layout layout,
            boolean batched,
            int n,
            int c,
            int[] in,
            int[] out,
            int[] pb) {
        PoolOp op = spec.op();
        int r = in.length;
        // The parameter that chose the output size: a requested size, or else the shape that follows.
        String name;
        Object value;
        if (spec.outputSize() != null && (op.isAdaptive() || op == PoolOp.FRACTIONAL_MAX || op == PoolOp.MAX_UNPOOL)) {
            name = "outputSize";
            value = adaptiveText(spec.outputSize());
        } else if (spec.outputRatio() != null) {
            name = "outputRatio";
            value = spec.outputRatio();
        } else if (op == PoolOp.MAX_UNPOOL || (op.isSliding() && !Arrays.equals(pb, new int[r]))) {
            name = op == PoolOp.MAX_UNPOOL ? "kernel/stride" : "padding";
            value = op == PoolOp.MAX_UNPOOL
                    ? Arrays.toString(spec.kernel()) + "/" + Arrays.toString(spec.stride())
                    : pb;
        } else {
            name = "input shape";
            value = inputShape;
        }
        int lead = batched ? 1 : 0;
        int[] outShape = new int[r + 1 + lead];
        if (batched) outShape[0] = n;
        if (layout == Layout.CHANNELS_FIRST) {
            outShape[lead] = c;
            System.arraycopy(out, 0, outShape, lead + 1, r);
        } else {
            System.arraycopy(out, 0, outShape, lead, r);
            outShape[outShape.length - 1] = c;
        }
        Budget.shape(name, value, "the output", outShape, Float.BYTES, "floats");
        boolean windows = op != PoolOp.FRACTIONAL_MAX && op != PoolOp.MAX_UNPOOL;
        if (!windows) {
            if (op == PoolOp.FRACTIONAL_MAX) {
                long reads =
                        Budget.times(Budget.times((long) n * c, Budget.product(out)), Budget.product(spec.kernel()));
                if (reads > Budget.maxWork()) {
                    Budget.work(
                            "kernel",
                            spec.kernel(),
                            reads,
                            n + " x " + c + " planes x " + Budget.dims(out) + " windows x " + Budget.dims(spec.kernel())
                                    + " taps");
                }
            }
            return;
        }
        // Six int tables per axis and output position: start, taps, valid range, span, and the fast
        // kernels' copy of the taps.
        long positions = 0;
        for (int o : out) positions += o;
        Budget.bytes(
                name,
                value,
                "the window tables",
                Budget.times(positions, 6),
                Integer.BYTES,
                "6 x " + positions + " ints");
        // Reads of one call: per plane, the product over axes of the taps inside the input of all windows
        // on that axis (taps in padding are never read).
        long reads = (long) n * c;
        long[] perAxis = new long[r];
        for (int a = 0; a < r; a++) {
            long axis = 0;
            if (op.isGlobal()) {
                axis = in[a];
            } else if (op.isAdaptive()) {
                for (int i = 0; i < out[a]; i++) {
                    axis += Shapes.adaptiveEnd(i, in[a], out[a]) - Shapes.adaptiveStart(i, in[a], out[a]);
                }
            } else {
                int k = spec.kernelAt(a);
                long s = spec.strideAt(a);
                long d = spec.dilationAt(a);
                for (int i = 0; i < out[a]; i++) {
                    long st = i * s - pb[a];
                    long lo = st >= 0 ? 0 : Math.min(k, (-st + d - 1) / d);
                    long hi = st >= in[a] ? 0 : Math.min(k, (in[a] - 1 - st) / d + 1);
                    axis += Math.max(0, hi - lo);
                }
            }
            perAxis[a] = axis;
            reads = Budget.times(reads, axis);
        }
        if (reads > Budget.maxWork()) {
            StringBuilder how = new StringBuilder(n + " x " + c + " planes x ");
            for (int a = 0; a < r; a++) how.append(a == 0 ? "" : " x ").append(perAxis[a]);
            how.append(r == 1 ? " taps (over " : " taps per axis (over ").append(Budget.dims(out));
            how.append(" windows)");
            boolean sized = op.isSliding();
            Budget.work(sized ? "kernel" : name, sized ? spec.kernel() : value, reads, how.toString());
        }
    }

    /** An adaptive size for a message: -1 (keep the input size) shown as null, as it was given. */
    private static String adaptiveText(int[] sizes) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < sizes.length; i++) s.append(i == 0 ? "" : ", ").append(sizes[i] < 0 ? "null" : sizes[i]);
        return s.append(']').toString();
    }

    /**
     * The weight checks that need the input: per-channel gated weights must have the input's channel
     * count, and every window of a weighted average with at least one tap inside the input must give
     * those taps a nonzero total weight (else {@code sum w x / sum w} is 0/0).
     */
    private void checkWeights(int[] inputShape) {
        int wc = spec.weightChannels();
        if (wc != 0 && wc != channels) {
            throw Check.fail(
                    "weights shape",
                    spec.weightsShape(),
                    "per-channel weights need " + channels + " rows, one per input channel (input shape "
                            + Arrays.toString(inputShape) + ")");
        }
        if (spec.op() != PoolOp.WEIGHTED_AVG) return;
        double[] w = spec.tapWeights();
        int r = rank();
        int[] o = new int[r];
        int[] t = new int[r];
        for (int q = 0; q < outPlane; q++) {
            boolean empty = false;
            for (int a = 0; a < r; a++) {
                if (validHi[a][o[a]] <= validLo[a][o[a]]) empty = true;
                t[a] = validLo[a][o[a]];
            }
            if (!empty) {
                double total = 0;
                boolean more = true;
                while (more) {
                    int k = 0;
                    for (int a = 0; a < r; a++) k = k * spec.kernelAt(a) + t[a];
                    total += w[k];
                    more = false;
                    for (int a = r - 1; a >= 0; a--) {
                        if (++t[a] < validHi[a][o[a]]) {
                            more = true;
                            break;
                        }
                        t[a] = validLo[a][o[a]];
                    }
                }
                if (total == 0) {
                    boolean learned = Double.isNaN(spec.sigma());
                    throw Check.fail(
                            learned ? "weights" : "sigma",
                            learned ? spec.weights() : (Object) spec.sigma(),
                            "the taps of the window at output position " + Arrays.toString(o)
                                    + " that lie inside the input " + Arrays.toString(inputShape)
                                    + " have total weight 0, so sum w x / sum w is undefined there");
                }
            }
            for (int a = r - 1; a >= 0; a--) {
                if (++o[a] < outSize[a]) break;
                o[a] = 0;
            }
        }
    }

    public PoolSpec spec() {
        return spec;
    }

    public Layout layout() {
        return layout;
    }

    public boolean batched() {
        return batched;
    }

    public int batch() {
        return batch;
    }

    public int channels() {
        return channels;
    }

    public int rank() {
        return inSize.length;
    }

    public int inSize(int a) {
        return inSize[a];
    }

    public int outSize(int a) {
        return outSize[a];
    }

    public int[] inSizes() {
        return inSize.clone();
    }

    public int[] outSizes() {
        return outSize.clone();
    }
    /** Elements per (n, c) plane of the input. */
    public int inPlane() {
        return inPlane;
    }
    /** Elements per (n, c) plane of the output. */
    public int outPlane() {
        return outPlane;
    }
    /** Resolved begin padding (after auto padding). */
    public int padBegin(int a) {
        return padBegin[a];
    }

    public int padEnd(int a) {
        return padEnd[a];
    }
    /** Input position of tap 0 of output {@code o} on axis {@code a} (may be negative). */
    public int start(int a, int o) {
        return start[a][o];
    }
    /** Number of taps of output {@code o} on axis {@code a}. */
    public int taps(int a, int o) {
        return taps[a][o];
    }
    /** Distance between taps on axis {@code a} (the dilation). */
    public int step(int a) {
        return step[a];
    }
    /** First tap index inside the input. */
    public int validLo(int a, int o) {
        return validLo[a][o];
    }
    /** One past the last tap index inside the input ({@code == validLo} when none is). */
    public int validHi(int a, int o) {
        return validHi[a][o];
    }
    /** Taps before the end of the padded extent {@code I + padEnd}: PyTorch/ONNX include-pad count. */
    public int span(int a, int o) {
        return span[a][o];
    }

    /**
     * Whether the window of output {@code q} (row-major position within an output plane) has no tap
     * inside the input. Only possible with dilation and padding; never for fractional windows.
     */
    public boolean emptyWindow(int q) {
        if (start == null) return false;
        for (int a = rank() - 1; a >= 0; a--) {
            int o = q % outSize[a];
            q /= outSize[a];
            if (validHi[a][o] <= validLo[a][o]) return true;
        }
        return false;
    }

    // Direct access for kernels in this package (no copies).
    /**
     * Internal: this geometry as the fast kernels' three-axis view, built on first use and kept, so
     * a plan's calls share one. Not part of the API.
     */
    public Box box() {
        Box b = box;
        if (b == null) box = b = new Box(this);
        return b;
    }

    // Built lazily by box(); two threads may both build it, harmlessly.
    private volatile Box box;

    public int[][] startArray() {
        return start;
    }

    public int[][] validLoArray() {
        return validLo;
    }

    public int[][] validHiArray() {
        return validHi;
    }

    public int[][] spanArray() {
        return span;
    }

    public int[] stepArray() {
        return step;
    }

    public int[] inSizeArray() {
        return inSize;
    }

    public int[] outSizeArray() {
        return outSize;
    }

    /** Total elements of the input. */
    public int inputElements() {
        return batch * channels * inPlane;
    }

    public int outputElements() {
        return batch * channels * outPlane;
    }

    /** Shape of the input in memory order (batched or not, as given). */
    public int[] inputShape() {
        return inputShapeRef().clone();
    }

    /** Shape of the output in memory order, batched or unbatched like the input. */
    public int[] outputShape() {
        return outputShapeRef().clone();
    }

    // The shapes, built on first use and shared by the internal checks (which compare, never modify).
    private volatile int[] inShapeRef;
    private volatile int[] outShapeRef;

    /** Internal: the input shape without a copy; callers must not modify it. */
    public int[] inputShapeRef() {
        int[] s = inShapeRef;
        if (s == null) inShapeRef = s = shapeOf(inSize);
        return s;
    }

    /** Internal: the output shape without a copy; callers must not modify it. */
    public int[] outputShapeRef() {
        int[] s = outShapeRef;
        if (s == null) outShapeRef = s = shapeOf(outSize);
        return s;
    }

    private int[] shapeOf(int[] spatial) {
        int r = spatial.length;
        int lead = batched ? 1 : 0;
        int[] s = new int[r + 1 + lead];
        if (batched) s[0] = batch;
        if (layout == Layout.CHANNELS_FIRST) {
            s[lead] = channels;
            System.arraycopy(spatial, 0, s, lead + 1, r);
        } else {
            System.arraycopy(spatial, 0, s, lead, r);
            s[s.length - 1] = channels;
        }
        return s;
    }

    /** Offset of element 0 of plane (n, c) in a tensor with {@code plane} elements per plane. */
    public int planeBase(int n, int c, int plane) {
        return layout == Layout.CHANNELS_FIRST ? (n * channels + c) * plane : n * plane * channels + c;
    }

    /** Distance between consecutive spatial positions of one plane in memory. */
    public int positionStride() {
        return layout == Layout.CHANNELS_FIRST ? 1 : channels;
    }

    @Override
    public String toString() {
        return spec + " on " + Arrays.toString(inputShape()) + " " + layout + " -> " + Arrays.toString(outputShape());
    }
}
