package org.pooling4j.onnx;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.pooling4j.AutoPad;
import org.pooling4j.Geometry;
import org.pooling4j.IndexFormat;
import org.pooling4j.Indices;
import org.pooling4j.Layout;
import org.pooling4j.LongTensor;
import org.pooling4j.LpMode;
import org.pooling4j.NanPolicy;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooled;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;
import org.pooling4j.internal.Check;

/**
 * The ONNX pooling operators, mapped onto {@link PoolSpec} with ONNX's defaults: stride 1,
 * {@code count_include_pad = 0}, explicit {@code pads} as begin values then end values, indices
 * flattened over the whole input tensor ({@code storage_order} 1 = column-major spatial order).
 *
 * <p>Values are pooled in float32 by the core. For float64, int8 and uint8 inputs the max-type
 * results are then read back from the input at the winning index, so they are exact; float64
 * averages and norms carry float32 rounding.
 */
final class PoolOps {
    private PoolOps() {}

    static final DataType[] FLOATS = {DataType.FLOAT, DataType.FLOAT16, DataType.DOUBLE};
    static final DataType[] MAX_TYPES_12 = {
        DataType.FLOAT, DataType.FLOAT16, DataType.DOUBLE, DataType.INT8, DataType.UINT8
    };

    static List<OpDef> all() {
        return List.of(
                new MaxPool(),
                new AveragePool(),
                new LpPool(),
                new Global("GlobalMaxPool"),
                new Global("GlobalAveragePool"),
                new Global("GlobalLpPool"),
                new MaxUnpool());
    }

    /** Operators with {@code kernel_shape}, {@code strides}, {@code pads}, {@code auto_pad} and maybe {@code dilations}, {@code ceil_mode}. */
    abstract static class Windowed extends OpDef {
        Windowed(String type, int since) {
            super(type, since, 1, 1);
        }

        @Override
        void check(Node n) {
            long[] k = n.intsAttr("kernel_shape");
            if (k == null) throw n.error("attribute kernel_shape is required");
            if (k.length < 1 || k.length > 3) {
                throw n.error("attribute kernel_shape = " + Arrays.toString(k)
                        + ": pooling4j pools 1 to 3 spatial dimensions");
            }
            autoPad(n);
            if (n.has("ceil_mode")) n.flag("ceil_mode");
        }

        /** The core spec for input {@code x}: every length and value checked against x's rank. */
        PoolSpec.Builder window(Node n, PoolSpec.Builder b, TensorValue x, int r) {
            if (x.rank() != r + 2) {
                throw n.error("input X has shape " + Arrays.toString(x.shape()) + ": kernel_shape has " + r
                        + " entries, so X must have rank " + (r + 2) + " (N, C, spatial...)");
            }
            b.stride(n.intsExact("strides", r, 1, 1));
            if (n.has("dilations")) b.dilation(n.intsExact("dilations", r, 1, 1));
            AutoPad ap = autoPad(n);
            int[] pads = n.intsExact("pads", 2 * r, 0, 0);
            if (ap == AutoPad.NOTSET) {
                b.padding(Arrays.copyOfRange(pads, 0, r), Arrays.copyOfRange(pads, r, 2 * r));
            } else {
                for (int p : pads) {
                    if (p != 0)
                        throw n.error("attribute pads = " + Arrays.toString(pads)
                                + " cannot be combined with auto_pad = " + n.stringAttr("auto_pad", ""));
                }
                b.autoPad(ap);
            }
            b.ceilMode(n.has("ceil_mode") && n.flag("ceil_mode"));
            return b;
        }

        static int[] kernel(Node n) {
            long[] k = n.intsAttr("kernel_shape");
            return n.intsExact("kernel_shape", k.length, 1, 1);
        }
    }

    static AutoPad autoPad(Node n) {
        String s = n.stringAttr("auto_pad", "NOTSET");
        switch (s) {
            case "NOTSET":
                return AutoPad.NOTSET;
            case "SAME_UPPER":
                return AutoPad.SAME_UPPER;
            case "SAME_LOWER":
                return AutoPad.SAME_LOWER;
            case "VALID":
                return AutoPad.VALID;
            default:
                throw n.error("attribute auto_pad = '" + s + "': must be NOTSET, SAME_UPPER, SAME_LOWER or VALID");
        }
    }

    static final class MaxPool extends Windowed {
        MaxPool() {
            super("MaxPool", 1);
        }

        @Override
        Set<String> attributes(int opset) {
            Set<String> a = attrs("auto_pad", "kernel_shape", "pads", "strides");
            if (opset >= 8) a = plus(a, "storage_order");
            if (opset >= 10) a = plus(a, "ceil_mode", "dilations");
            return a;
        }

        @Override
        int maxOutputs(int opset) {
            return opset >= 8 ? 2 : 1;
        }

        @Override
        void check(Node n) {
            super.check(n);
            if (n.has("storage_order")) n.flag("storage_order");
        }

        @Override
        TensorValue[] run(Node n, TensorValue[] in, int outputs) {
            TensorValue x = in[0];
            requireType(n, x, "X", n.opset >= 12 ? MAX_TYPES_12 : FLOATS);
            int[] k = kernel(n);
            PoolSpec spec = window(n, PoolSpec.max(k), x, k.length)
                    .nanPolicy(NanPolicy.PROPAGATE)
                    .build();
            IndexFormat format =
                    n.flag("storage_order") ? IndexFormat.GLOBAL_COLUMN_MAJOR : IndexFormat.GLOBAL_ROW_MAJOR;
            TensorValue[] r = maxWithIndices(spec, x, format);
            return outputs == 2 ? r : new TensorValue[] {r[0]};
        }
    }

    /**
     * Max pooling of any supported type, values and global indices. A window that holds only
     * padding (possible with dilation) gets the lowest value of the type and index -1, as ONNX
     * Runtime writes; the ONNX specification leaves it undefined.
     */
    static TensorValue[] maxWithIndices(PoolSpec spec, TensorValue x, IndexFormat format) {
        Geometry g = Geometry.of(spec, x.shape(), Layout.CHANNELS_FIRST);
        int[] outShape = g.outputShape();
        org.pooling4j.internal.Budget.shape("output shape", outShape, "the indices", outShape, Long.BYTES, "int64");
        float[] v = null;
        long[] idx;
        if (x.type() == DataType.DOUBLE) {
            // float64 values that differ only beyond float precision would tie in float32: pick the winner in double.
            idx = new long[g.outputElements()];
            maxArgDouble(g, x.d, idx);
        } else {
            Pooled p = Pooling.forwardWithIndices(spec, asTensor(x));
            v = p.values().data();
            idx = p.indices().data();
        }
        int outPlane = g.outPlane();
        for (int q = 0; q < outPlane; q++) {
            if (!g.emptyWindow(q)) continue;
            for (int plane = 0; plane < g.batch() * g.channels(); plane++) {
                idx[plane * outPlane + q] = Indices.NONE;
                if (v != null) v[plane * outPlane + q] = -Float.MAX_VALUE;
            }
        }
        LongTensor global = Indices.convert(
                new LongTensor(idx, outShape, Layout.CHANNELS_FIRST), g.inSizes(), IndexFormat.PER_PLANE, format);
        TensorValue values;
        if (x.type() == DataType.FLOAT) {
            values = TensorValue.ofFloat(v, outShape);
        } else {
            // Read the winner back from the input: exact for float64 and the integer types.
            long[] rowMajor = format == IndexFormat.GLOBAL_ROW_MAJOR
                    ? global.data()
                    : Indices.convert(global, g.inSizes(), format, IndexFormat.GLOBAL_ROW_MAJOR)
                            .data();
            values = TensorValue.zeros(x.type(), outShape);
            for (int i = 0; i < rowMajor.length; i++) {
                long at = rowMajor[i];
                if (at >= 0) values.copyElement(x, (int) at, i);
                else if (x.type().isFloatingPoint())
                    values.setDouble(i, x.type() == DataType.FLOAT16 ? -65504.0 : -Double.MAX_VALUE);
                else values.setLong(i, x.type().minValue());
            }
        }
        return new TensorValue[] {values, TensorValue.ofInt64(global.data(), global.shape())};
    }

    /**
     * Recomputes the per-plane argmax of every non-empty window in double precision, with the core
     * reference kernel's rules: the first valid tap starts, a larger value or any NaN takes over.
     */
    static void maxArgDouble(Geometry g, double[] in, long[] idx) {
        int r = g.rank();
        int[] inSize = g.inSizes();
        int[] outSize = g.outSizes();
        int[] inStride = new int[r];
        int st = 1;
        for (int a = r - 1; a >= 0; a--) {
            inStride[a] = st;
            st *= inSize[a];
        }
        int inPlane = g.inPlane();
        int outPlane = g.outPlane();
        int[] o = new int[r];
        int[] t = new int[r];
        for (int q = 0; q < outPlane; q++) {
            int rest = q;
            for (int a = r - 1; a >= 0; a--) {
                o[a] = rest % outSize[a];
                rest /= outSize[a];
            }
            if (g.emptyWindow(q)) continue;
            for (int plane = 0; plane < g.batch() * g.channels(); plane++) {
                int base = plane * inPlane;
                double best = Double.NEGATIVE_INFINITY;
                long arg = -1;
                for (int a = 0; a < r; a++) t[a] = g.validLo(a, o[a]);
                while (true) {
                    int pos = 0;
                    for (int a = 0; a < r; a++) pos += (g.start(a, o[a]) + t[a] * g.step(a)) * inStride[a];
                    double v = in[base + pos];
                    if (arg < 0 || v > best || v != v) {
                        best = v;
                        arg = pos;
                    }
                    int a = r - 1;
                    while (a >= 0 && ++t[a] >= g.validHi(a, o[a])) {
                        t[a] = g.validLo(a, o[a]);
                        a--;
                    }
                    if (a < 0) break;
                }
                idx[plane * outPlane + q] = arg;
            }
        }
    }

    /** The input as a core float32 tensor, sharing the array for float32. */
    static Tensor asTensor(TensorValue x) {
        if (x.type() == DataType.FLOAT) return new Tensor(x.f, x.shape(), Layout.CHANNELS_FIRST);
        return x.toTensor();
    }

    /** A core float32 result as a tensor of {@code type}. */
    static TensorValue fromTensor(Tensor t, DataType type) {
        if (type == DataType.FLOAT) return TensorValue.ofFloat(t.data(), t.shape());
        TensorValue out = TensorValue.zeros(type, t.shape());
        float[] v = t.data();
        for (int i = 0; i < v.length; i++) out.setDouble(i, v[i]);
        return out;
    }

    static final class AveragePool extends Windowed {
        AveragePool() {
            super("AveragePool", 1);
        }

        @Override
        Set<String> attributes(int opset) {
            Set<String> a = attrs("auto_pad", "kernel_shape", "pads", "strides");
            if (opset >= 7) a = plus(a, "count_include_pad");
            if (opset >= 10) a = plus(a, "ceil_mode");
            if (opset >= 19) a = plus(a, "dilations");
            return a;
        }

        @Override
        void check(Node n) {
            super.check(n);
            if (n.has("count_include_pad")) n.flag("count_include_pad");
        }

        @Override
        TensorValue[] run(Node n, TensorValue[] in, int outputs) {
            TensorValue x = in[0];
            requireType(n, x, "X", FLOATS);
            int[] k = kernel(n);
            PoolSpec spec = window(n, PoolSpec.avg(k), x, k.length)
                    .countIncludePad(n.flag("count_include_pad"))
                    .build();
            return new TensorValue[] {fromTensor(Pooling.forward(spec, asTensor(x)), x.type())};
        }
    }

    /** LpPool-1 takes p as a float (default 2.0); from version 2 on p is an int (default 2). */
    static double p(Node n) {
        if (n.opset < 2) {
            float p = n.floatAttr("p", 2f);
            if (!(p > 0) || Float.isInfinite(p)) throw n.error("attribute p = " + p + ": must be finite and > 0");
            return p;
        }
        long p = n.intAttr("p", 2);
        if (p < 1) throw n.error("attribute p = " + p + ": must be >= 1");
        return p;
    }

    static final class LpPool extends Windowed {
        LpPool() {
            super("LpPool", 1);
        }

        @Override
        Set<String> attributes(int opset) {
            Set<String> a = attrs("auto_pad", "kernel_shape", "pads", "strides", "p");
            if (opset >= 18) a = plus(a, "ceil_mode", "dilations");
            return a;
        }

        @Override
        void check(Node n) {
            super.check(n);
            p(n);
        }

        @Override
        TensorValue[] run(Node n, TensorValue[] in, int outputs) {
            TensorValue x = in[0];
            requireType(n, x, "X", FLOATS);
            int[] k = kernel(n);
            PoolSpec spec = window(n, PoolSpec.lp(p(n), k), x, k.length)
                    .lpMode(LpMode.NORM)
                    .build();
            return new TensorValue[] {fromTensor(Pooling.forward(spec, asTensor(x)), x.type())};
        }
    }

    /** GlobalMaxPool, GlobalAveragePool and GlobalLpPool: one window over all spatial dimensions. */
    static final class Global extends OpDef {
        Global(String type) {
            super(type, 1, 1, 1);
        }

        @Override
        Set<String> attributes(int opset) {
            return type.equals("GlobalLpPool") ? attrs("p") : attrs();
        }

        @Override
        void check(Node n) {
            if (type.equals("GlobalLpPool")) p(n);
        }

        @Override
        TensorValue[] run(Node n, TensorValue[] in, int outputs) {
            TensorValue x = in[0];
            requireType(n, x, "X", FLOATS);
            int r = x.rank() - 2;
            if (r < 1 || r > 3) {
                throw n.error("input X has shape " + Arrays.toString(x.shape())
                        + ": must be (N, C, D1[, D2[, D3]]); pooling4j pools 1 to 3 spatial dimensions");
            }
            if (type.equals("GlobalMaxPool")) {
                return new TensorValue[] {
                    maxWithIndices(
                            PoolSpec.globalMax(r).nanPolicy(NanPolicy.PROPAGATE).build(),
                            x,
                            IndexFormat.GLOBAL_ROW_MAJOR)[0]
                };
            }
            PoolSpec spec = type.equals("GlobalAveragePool")
                    ? PoolSpec.globalAvg(r).build()
                    : PoolSpec.globalLp(p(n), r).lpMode(LpMode.NORM).build();
            return new TensorValue[] {fromTensor(Pooling.forward(spec, asTensor(x)), x.type())};
        }
    }

    /**
     * MaxUnpool: scatters X into a zero tensor of the inferred shape {@code (I-1)*s - pad_begin -
     * pad_end + k} at the flat positions I (indices over the whole tensor, as MaxPool writes them).
     * With {@code output_shape} that block sits at the origin of a zero tensor of that shape (the
     * ONNX reference's rule); an output_shape smaller than the inferred shape is rejected.
     */
    static final class MaxUnpool extends OpDef {
        MaxUnpool() {
            super("MaxUnpool", 9, 2, 3);
        }

        @Override
        Set<String> attributes(int opset) {
            return attrs("kernel_shape", "pads", "strides");
        }

        @Override
        void check(Node n) {
            long[] k = n.intsAttr("kernel_shape");
            if (k == null) throw n.error("attribute kernel_shape is required");
            if (k.length < 1) throw n.error("attribute kernel_shape = []: needs at least one spatial dimension");
        }

        @Override
        TensorValue[] run(Node n, TensorValue[] in, int outputs) {
            TensorValue x = in[0];
            TensorValue idx = in[1];
            requireType(n, x, "X", FLOATS);
            requireType(n, idx, "I", DataType.INT64);
            int[] k = Windowed.kernel(n);
            int r = k.length;
            if (x.rank() != r + 2) {
                throw n.error("input X has shape " + Arrays.toString(x.shape()) + ": kernel_shape has " + r
                        + " entries, so X must have rank " + (r + 2));
            }
            if (!Arrays.equals(x.shape(), idx.shape())) {
                throw n.error("input I has shape " + Arrays.toString(idx.shape()) + ": must equal the shape of X "
                        + Arrays.toString(x.shape()));
            }
            int[] s = n.intsExact("strides", r, 1, 1);
            int[] pads = n.intsExact("pads", 2 * r, 0, 0);
            // Indices address the inferred shape (N, C, (I-1)*s - pads + k ...), as MaxPool wrote them for
            // its input; output_shape, when given, places that block at the origin of a larger zero tensor.
            int[] inferred = new int[r + 2];
            inferred[0] = x.dim(0);
            inferred[1] = x.dim(1);
            for (int a = 0; a < r; a++) {
                long o = ((long) x.dim(a + 2) - 1) * s[a] - pads[a] - pads[a + r] + k[a];
                if (o < 1 || o > Check.MAX_ELEMENTS) {
                    throw n.error("output size (I-1)*s - pad_begin - pad_end + k = " + o + " on spatial axis " + a
                            + ": must be in [1, " + Check.MAX_ELEMENTS + "]");
                }
                inferred[a + 2] = (int) o;
            }
            int[] outShape = inferred.clone();
            if (in.length > 2 && in[2] != null) {
                TensorValue os = in[2];
                requireType(n, os, "output_shape", DataType.INT64);
                long[] want = os.toLongArray();
                if (os.rank() != 1 || want.length != r + 2) {
                    throw n.error("input output_shape = " + Arrays.toString(want) + ": must be a 1-D tensor of "
                            + (r + 2) + " dimensions");
                }
                for (int a = 0; a < r + 2; a++) {
                    if (want[a] < inferred[a] || want[a] > Check.MAX_ELEMENTS) {
                        throw n.error("input output_shape = " + Arrays.toString(want)
                                + ": every dimension must be at least the inferred shape " + Arrays.toString(inferred)
                                + " and at most " + Check.MAX_ELEMENTS);
                    }
                    outShape[a] = (int) want[a];
                }
            }
            int total = Check.elementCount(inferred, "inferred shape");
            Check.elementCount(outShape, "output_shape");
            TensorValue.checkBudget(
                    outShape == inferred || Arrays.equals(outShape, inferred) ? "kernel_shape/strides" : "output_shape",
                    Arrays.toString(outShape),
                    x.type(),
                    outShape);
            long[] where = idx.l;
            for (int i = 0; i < where.length; i++) {
                if (where[i] < 0 || where[i] >= total) {
                    throw n.error("input I[" + i + "] = " + where[i] + ": must index the inferred output of shape "
                            + Arrays.toString(inferred) + ", in [0, " + total + ")");
                }
            }
            int[] inSt = GlueOps.strides(inferred);
            int[] outSt = GlueOps.strides(outShape);
            TensorValue out = TensorValue.zeros(x.type(), outShape);
            for (int i = 0; i < where.length; i++) {
                long rest = where[i];
                int dst = 0;
                for (int a = 0; a < r + 2; a++) {
                    dst += (int) (rest / inSt[a]) * outSt[a];
                    rest %= inSt[a];
                }
                out.copyElement(x, i, dst);
            }
            return new TensorValue[] {out};
        }
    }
}
