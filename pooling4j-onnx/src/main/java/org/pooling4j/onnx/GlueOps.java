package org.pooling4j.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.pooling4j.internal.Check;

/**
 * The shape and data-movement operators exporters put around pooling: Constant, Identity, Pad
 * (constant mode), Cast, Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Slice, Concat, Shape and
 * Gather, each with the attribute-or-input form of every opset. This class holds those that keep the
 * elements in place (constants, type changes, shape-only changes) and the index helpers they share;
 * {@link RearrangeOps} holds those that move elements to new positions.
 */
final class GlueOps {
    private GlueOps() {}

    static List<OpDef> all() {
        return List.of(
                new Constant(),
                new Identity(),
                new RearrangeOps.Pad(),
                new Cast(),
                new Reshape(),
                new Flatten(),
                new Squeeze("Squeeze"),
                new Squeeze("Unsqueeze"),
                new RearrangeOps.Transpose(),
                new RearrangeOps.Slice(),
                new RearrangeOps.Concat(),
                new ShapeOp(),
                new RearrangeOps.Gather());
    }

    /** Row-major strides of {@code shape}. */
    static int[] strides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return st;
    }

    /** Advances the row-major coordinate {@code c} within {@code shape} by one element (wrapping at the end). */
    static void next(int[] c, int[] shape) {
        for (int a = c.length - 1; a >= 0; a--) {
            if (++c[a] < shape[a]) return;
            c[a] = 0;
        }
    }

    /** {@code axis} in [-rank, rank-1] made non-negative. */
    static int axis(Node n, long axis, int rank, String what) {
        if (axis < -rank || axis >= rank)
            throw n.error(what + " = " + axis + ": must be in [" + -rank + ", " + (rank - 1) + "]");
        return (int) (axis < 0 ? axis + rank : axis);
    }

    /** A 1-D (or scalar) integer input as longs. */
    static long[] ints(Node n, TensorValue v, String what) {
        requireInt(n, v, what);
        if (v.rank() > 1) throw n.error("input " + what + " has shape " + Arrays.toString(v.shape()) + ": must be 1-D");
        return v.toLongArray();
    }

    static void requireInt(Node n, TensorValue v, String what) {
        OpDef.requireType(n, v, what, DataType.INT64, DataType.INT32);
    }

    static int[] dims(Node n, long[] v, String what) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0 || v[i] > Check.MAX_ELEMENTS)
                throw n.error(
                        what + " = " + Arrays.toString(v) + ": dimensions must be in [0, " + Check.MAX_ELEMENTS + "]");
            out[i] = (int) v[i];
        }
        Check.elementCount(out, what);
        return out;
    }

    static final class Constant extends OpDef {
        Constant() {
            super("Constant", 1, 0, 0);
        }

        @Override
        Set<String> attributes(int opset) {
            if (opset < 11) return attrs("value");
            if (opset < 12) return attrs("value", "sparse_value");
            return attrs(
                    "value",
                    "sparse_value",
                    "value_float",
                    "value_floats",
                    "value_int",
                    "value_ints",
                    "value_string",
                    "value_strings");
        }

        @Override
        void check(Node n) {
            if (n.attributes.size() != 1)
                throw n.error("exactly one value attribute is required, given " + n.attributes.keySet());
            String a = n.attributes.keySet().iterator().next();
            if (a.equals("sparse_value") || a.startsWith("value_string"))
                throw n.error("attribute " + a + " is not supported (numeric dense tensors only)");
            value(n);
        }

        private static TensorValue value(Node n) {
            TensorProto t = n.tensorAttr("value");
            if (t != null) {
                try {
                    return TensorProtos.fromProto(t, n.where() + " attribute value");
                } catch (OnnxFormatException e) {
                    throw n.error(e.getMessage());
                }
            }
            if (n.has("value_float")) return TensorValue.ofFloat(new float[] {n.floatAttr("value_float", 0)});
            if (n.has("value_int")) return TensorValue.ofInt64(new long[] {n.intAttr("value_int", 0)});
            if (n.has("value_floats")) {
                float[] v = n.floatsAttr("value_floats");
                return TensorValue.ofFloat(v, v.length);
            }
            long[] v = n.intsAttr("value_ints");
            return TensorValue.ofInt64(v, v.length);
        }

        @Override
        TensorValue[] run(Node n, TensorValue[] in, int outputs) {
            return new TensorValue[] {value(n)};
        }
    }

    static final class Identity extends OpDef {
        Identity() {
            super("Identity", 1, 1, 1);
        }

        @Override
        Set<String> attributes(int opset) {
            return attrs();
        }

        @Override
        TensorValue[] run(Node n, TensorValue[] in, int outputs) {
            // Values are never modified in place, so the output can be the same object.
            return new TensorValue[] {in[0]};
        }
    }

    static final class Cast extends OpDef {
        Cast() {
            super("Cast", 1, 1, 1);
        }

        @Override
        Set<String> attributes(int opset) {
            return opset >= 19 ? attrs("to", "saturate") : attrs("to");
        }

        @Override
        void check(Node n) {
            target(n);
        }

        private static DataType target(Node n) {
            if (!n.has("to")) throw n.error("attribute to is required");
            DataType t;
            String label;
            if (n.opset < 6) {
                // Cast-1 names the type as a string.
                label = n.stringAttr("to", "");
                t = null;
                for (DataType d : DataType.values()) {
                    if (DataType.onnxName(d.onnxCode()).startsWith(label + " ")) t = d;
                }
            } else {
                long code = n.intAttr("to", 0);
                label = DataType.onnxName((int) Math.max(-1, Math.min(Integer.MAX_VALUE, code)));
                t = code > 0 && code < 64 ? DataType.fromOnnx((int) code) : null;
            }
            if (t == null)
                throw n.error("attribute to = " + label
                        + ": supported targets are FLOAT, DOUBLE, FLOAT16, INT64, INT32, INT8, UINT8");
            return t;
        }

        @Override
        TensorValue[] run(Node n, TensorValue[] in, int outputs) {
            TensorValue x = in[0];
            DataType t = target(n);
            if (t == x.type()) return new TensorValue[] {x};
            TensorValue out = TensorValue.zeros(t, x.shape());
            for (int i = 0; i < x.size(); i++) {
                if (x.type().isFloatingPoint()) out.setDouble(i, x.getDouble(i));
                else out.setLong(i, x.getLong(i));
            }
            return new TensorValue[] {out};
        }
    }

    static final class Reshape extends OpDef {
        Reshape() {
            super("Reshape", 1, 1, 2);
        }

        @Override
        Set<String> attributes(int opset) {
            if (opset < 5) return attrs("shape", "consumed_inputs");
            return opset >= 14 ? attrs("allowzero") : attrs();
        }

        @Override
        int minInputs(int opset) {
            return opset < 5 ? 1 : 2;
        }

        @Override
        int maxInputs(int opset) {
            return minInputs(opset);
        }

        @Override
        TensorValue[] run(Node n, TensorValue[] in, int outputs) {
            TensorValue x = in[0];
            long[] want = n.opset < 5 ? n.intsAttr("shape") : ints(n, in[1], "shape");
            if (want == null) throw n.error("attribute shape is required");
            boolean allowZero = n.opset >= 14 && n.flag("allowzero");
            long[] shape = want.clone();
            int infer = -1;
            long known = 1;
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] == 0 && !allowZero) {
                    if (i >= x.rank())
                        throw n.error("shape = " + Arrays.toString(want) + ": entry " + i
                                + " is 0 (copy) but data has rank " + x.rank());
                    shape[i] = x.dim(i);
                } else if (shape[i] == -1) {
                    if (infer >= 0) throw n.error("shape = " + Arrays.toString(want) + ": at most one entry may be -1");
                    infer = i;
                    continue;
                } else if (shape[i] < 0) {
                    throw n.error("shape = " + Arrays.toString(want) + ": entries must be >= -1");
                }
                known = known == 0 || shape[i] == 0
                        ? 0
                        : known > Check.MAX_ELEMENTS || shape[i] > Check.MAX_ELEMENTS
                                ? Long.MAX_VALUE
                                : known * shape[i];
            }
            if (infer >= 0) {
                if (known == 0 || x.size() % known != 0) {
                    throw n.error("shape = " + Arrays.toString(want) + ": cannot infer the -1 entry for data of shape "
                            + Arrays.toString(x.shape()));
                }
                shape[infer] = x.size() / known;
            } else if (known != x.size()) {
                throw n.error("shape = " + Arrays.toString(want) + " holds " + known + " elements; data of shape "
                        + Arrays.toString(x.shape()) + " holds " + x.size());
            }
            return new TensorValue[] {x.withShape(dims(n, shape, "shape"))};
        }
    }

    static final class Flatten extends OpDef {
        Flatten() {
            super("Flatten", 1, 1, 1);
        }

        @Override
        Set<String> attributes(int opset) {
            return attrs("axis");
        }

        @Override
        TensorValue[] run(Node n, TensorValue[] in, int outputs) {
            TensorValue x = in[0];
            int r = x.rank();
            long axis = n.intAttr("axis", 1);
            if (axis < (n.opset >= 11 ? -r : 0) || axis > r) {
                throw n.error("attribute axis = " + axis + ": must be in [" + (n.opset >= 11 ? -r : 0) + ", " + r
                        + "] for input of rank " + r);
            }
            int a = (int) (axis < 0 ? axis + r : axis);
            long outer = 1;
            for (int i = 0; i < a; i++) outer *= x.dim(i);
            int inner = outer == 0 ? 0 : (int) (x.size() / Math.max(outer, 1));
            if (outer == 0) {
                inner = 1;
                for (int i = a; i < r; i++) inner = (int) Math.min(Check.MAX_ELEMENTS, (long) inner * x.dim(i));
            }
            return new TensorValue[] {x.withShape(new int[] {(int) outer, inner})};
        }
    }

    /** Squeeze and Unsqueeze: axes as attribute before opset 13, as input from 13 on. */
    static final class Squeeze extends OpDef {
        private final boolean un;

        Squeeze(String type) {
            super(type, 1, 1, 2);
            un = type.equals("Unsqueeze");
        }

        @Override
        Set<String> attributes(int opset) {
            return opset < 13 ? attrs("axes") : attrs();
        }

        @Override
        int minInputs(int opset) {
            return un && opset >= 13 ? 2 : 1;
        }

        @Override
        int maxInputs(int opset) {
            return opset >= 13 ? 2 : 1;
        }

        @Override
        void check(Node n) {
            if (un && n.opset < 13 && n.intsAttr("axes") == null) throw n.error("attribute axes is required");
        }

        @Override
        TensorValue[] run(Node n, TensorValue[] in, int outputs) {
            TensorValue x = in[0];
            long[] axes =
                    n.opset < 13 ? n.intsAttr("axes") : in.length > 1 && in[1] != null ? ints(n, in[1], "axes") : null;
            int r = x.rank();
            int[] shape = x.shape();
            if (un) {
                int outRank = r + axes.length;
                boolean[] added = new boolean[outRank];
                for (int i = 0; i < axes.length; i++) {
                    int a = axis(n, axes[i], outRank, "axes[" + i + "]");
                    if (n.opset < 11 && axes[i] < 0)
                        throw n.error("axes = " + Arrays.toString(axes) + ": negative axes need opset 11");
                    if (added[a]) throw n.error("axes = " + Arrays.toString(axes) + ": axis " + a + " appears twice");
                    added[a] = true;
                }
                int[] out = new int[outRank];
                for (int i = 0, j = 0; i < outRank; i++) out[i] = added[i] ? 1 : shape[j++];
                return new TensorValue[] {x.withShape(out)};
            }
            boolean[] drop = new boolean[r];
            if (axes == null) {
                for (int i = 0; i < r; i++) drop[i] = shape[i] == 1;
            } else {
                for (int i = 0; i < axes.length; i++) {
                    int a = axis(n, axes[i], r, "axes[" + i + "]");
                    if (shape[a] != 1)
                        throw n.error("axes = " + Arrays.toString(axes) + ": axis " + a + " has size " + shape[a]
                                + ", only size-1 axes can be squeezed");
                    drop[a] = true;
                }
            }
            int k = 0;
            for (boolean b : drop) k += b ? 0 : 1;
            int[] out = new int[k];
            for (int i = 0, j = 0; i < r; i++) if (!drop[i]) out[j++] = shape[i];
            return new TensorValue[] {x.withShape(out)};
        }
    }

    static final class ShapeOp extends OpDef {
        ShapeOp() {
            super("Shape", 1, 1, 1);
        }

        @Override
        Set<String> attributes(int opset) {
            return opset >= 15 ? attrs("start", "end") : attrs();
        }

        @Override
        TensorValue[] run(Node n, TensorValue[] in, int outputs) {
            int[] s = in[0].shape();
            int r = s.length;
            long b = n.intAttr("start", 0);
            long e = n.intAttr("end", r);
            b = Math.max(0, Math.min(r, b < 0 ? b + r : b));
            e = Math.max(0, Math.min(r, e < 0 ? e + r : e));
            long[] out = new long[(int) Math.max(0, e - b)];
            for (int i = 0; i < out.length; i++) out[i] = s[(int) b + i];
            return new TensorValue[] {TensorValue.ofInt64(out, out.length)};
        }
    }
}
