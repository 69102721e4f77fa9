package org.pooling4j.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.pooling4j.internal.Check;

/**
 * The shape and data-movement operators exporters put around pooling: Constant, Identity, Pad
 * (constant mode), Cast, Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Slice, Concat, Shape and
 * Gather, each with the attribute-or-input form of every opset.
 */
final class GlueOps {
    private GlueOps() {}

    static List<OpDef> all() {
        return List.of(new Constant(), new Identity(), new Pad(), new Cast(), new Reshape(), new Flatten(),
                new Squeeze("Squeeze"), new Squeeze("Unsqueeze"), new Transpose(), new Slice(), new Concat(),
                new ShapeOp(), new Gather());
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
        if (axis < -rank || axis >= rank) throw n.error(what + " = " + axis + ": must be in [" + -rank + ", " + (rank - 1) + "]");
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
            if (v[i] < 0 || v[i] > Check.MAX_ELEMENTS) throw n.error(what + " = " + Arrays.toString(v) + ": dimensions must be in [0, " + Check.MAX_ELEMENTS + "]");
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
            return attrs("value", "sparse_value", "value_float", "value_floats", "value_int", "value_ints", "value_string", "value_strings");
        }

        @Override
        void check(Node n) {
            if (n.attributes.size() != 1) throw n.error("exactly one value attribute is required, given " + n.attributes.keySet());
            String a = n.attributes.keySet().iterator().next();
            if (a.equals("sparse_value") || a.startsWith("value_string")) throw n.error("attribute " + a + " is not supported (numeric dense tensors only)");
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

    /** Pad, constant mode only. Negative pads crop, as the specification allows. */
    static final class Pad extends OpDef {
        Pad() {
            super("Pad", 1, 1, 4);
        }

        @Override
        Set<String> attributes(int opset) {
            if (opset < 2) return attrs("paddings", "value", "mode");
            if (opset < 11) return attrs("pads", "value", "mode");
            return attrs("mode");
        }

        @Override
        int minInputs(int opset) {
            return opset < 11 ? 1 : 2;
        }

        @Override
        int maxInputs(int opset) {
            return opset < 11 ? 1 : opset < 18 ? 3 : 4;
        }

        @Override
        void check(Node n) {
            String mode = n.stringAttr("mode", "constant");
            if (!mode.equals("constant")) throw n.error("attribute mode = '" + mode + "': only 'constant' padding is supported");
            if (n.opset < 11 && n.intsAttr(n.opset < 2 ? "paddings" : "pads") == null) {
                throw n.error("attribute " + (n.opset < 2 ? "paddings" : "pads") + " is required");
            }
        }

        @Override
        TensorValue[] run(Node n, TensorValue[] in, int outputs) {
            TensorValue x = in[0];
            int r = x.rank();
            long[] pads;
            double value;
            if (n.opset < 11) {
                pads = n.intsAttr(n.opset < 2 ? "paddings" : "pads");
                value = n.floatAttr("value", 0f);
            } else {
                pads = ints(n, in[1], "pads");
                value = 0;
                if (in.length > 2 && in[2] != null) {
                    if (in[2].size() != 1) throw n.error("input constant_value has shape " + Arrays.toString(in[2].shape()) + ": must hold one value");
                    if (in[2].type() != x.type()) throw n.error("input constant_value has type " + in[2].type() + ": must match data (" + x.type() + ")");
                    value = in[2].getDouble(0);
                }
                if (in.length > 3 && in[3] != null) {
                    long[] axes = ints(n, in[3], "axes");
                    if (pads.length != 2 * axes.length) throw n.error("input pads = " + Arrays.toString(pads) + ": must have 2 * " + axes.length + " entries (one pair per axis of axes)");
                    long[] full = new long[2 * r];
                    boolean[] seen = new boolean[r];
                    for (int i = 0; i < axes.length; i++) {
                        int a = axis(n, axes[i], r, "axes[" + i + "]");
                        if (seen[a]) throw n.error("input axes = " + Arrays.toString(axes) + ": axis " + a + " appears twice");
                        seen[a] = true;
                        full[a] = pads[i];
                        full[a + r] = pads[i + axes.length];
                    }
                    pads = full;
                }
            }
            if (pads.length != 2 * r) throw n.error("pads = " + Arrays.toString(pads) + ": must have 2 * rank = " + 2 * r + " entries for data of shape " + Arrays.toString(x.shape()));
            int[] shape = x.shape();
            long[] outL = new long[r];
            for (int a = 0; a < r; a++) {
                outL[a] = shape[a] + pads[a] + pads[a + r];
                if (Math.abs(pads[a]) > Check.MAX_ELEMENTS || Math.abs(pads[a + r]) > Check.MAX_ELEMENTS || outL[a] < 0) {
                    throw n.error("pads = " + Arrays.toString(pads) + ": axis " + a + " of size " + shape[a] + " would get size " + outL[a]);
                }
            }
            int[] os = dims(n, outL, "padded shape");
            TensorValue out = TensorValue.zeros(x.type(), os);
            int[] ist = strides(shape);
            int[] c = new int[r];
            for (int i = 0; i < out.size(); i++) {
                int src = 0;
                boolean inside = true;
                for (int a = 0; a < r; a++) {
                    long p = c[a] - pads[a];
                    if (p < 0 || p >= shape[a]) {
                        inside = false;
                        break;
                    }
                    src += (int) p * ist[a];
                }
                if (inside) out.copyElement(x, src, i);
                else out.setDouble(i, value);
                next(c, os);
            }
            return new TensorValue[] {out};
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
            if (t == null) throw n.error("attribute to = " + label + ": supported targets are FLOAT, DOUBLE, FLOAT16, INT64, INT32, INT8, UINT8");
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
                    if (i >= x.rank()) throw n.error("shape = " + Arrays.toString(want) + ": entry " + i + " is 0 (copy) but data has rank " + x.rank());
                    shape[i] = x.dim(i);
                } else if (shape[i] == -1) {
                    if (infer >= 0) throw n.error("shape = " + Arrays.toString(want) + ": at most one entry may be -1");
                    infer = i;
                    continue;
                } else if (shape[i] < 0) {
                    throw n.error("shape = " + Arrays.toString(want) + ": entries must be >= -1");
                }
                known = known == 0 || shape[i] == 0 ? 0 : known > Check.MAX_ELEMENTS || shape[i] > Check.MAX_ELEMENTS ? Long.MAX_VALUE : known * shape[i];
            }
            if (infer >= 0) {
                if (known == 0 || x.size() % known != 0) {
                    throw n.error("shape = " + Arrays.toString(want) + ": cannot infer the -1 entry for data of shape " + Arrays.toString(x.shape()));
                }
                shape[infer] = x.size() / known;
            } else if (known != x.size()) {
                throw n.error("shape = " + Arrays.toString(want) + " holds " + known + " elements; data of shape " + Arrays.toString(x.shape()) + " holds " + x.size());
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
                throw n.error("attribute axis = " + axis + ": must be in [" + (n.opset >= 11 ? -r : 0) + ", " + r + "] for input of rank " + r);
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
            long[] axes = n.opset < 13 ? n.intsAttr("axes") : in.length > 1 && in[1] != null ? ints(n, in[1], "axes") : null;
            int r = x.rank();
            int[] shape = x.shape();
            if (un) {
                int outRank = r + axes.length;
                boolean[] added = new boolean[outRank];
                for (int i = 0; i < axes.length; i++) {
                    int a = axis(n, axes[i], outRank, "axes[" + i + "]");
                    if (n.opset < 11 && axes[i] < 0) throw n.error("axes = " + Arrays.toString(axes) + ": negative axes need opset 11");
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
                    if (shape[a] != 1) throw n.error("axes = " + Arrays.toString(axes) + ": axis " + a + " has size " + shape[a] + ", only size-1 axes can be squeezed");
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

    static final class Transpose extends OpDef {
        Transpose() {
            super("Transpose", 1, 1, 1);
        }

        @Override
        Set<String> attributes(int opset) {
            return attrs("perm");
        }

        @Override
        TensorValue[] run(Node n, TensorValue[] in, int outputs) {
            TensorValue x = in[0];
            int r = x.rank();
            long[] perm = n.intsAttr("perm");
            if (perm == null) {
                perm = new long[r];
                for (int i = 0; i < r; i++) perm[i] = r - 1 - i;
            }
            boolean[] seen = new boolean[r];
            boolean ok = perm.length == r;
            for (int i = 0; ok && i < r; i++) {
                ok = perm[i] >= 0 && perm[i] < r && !seen[(int) perm[i]];
                if (ok) seen[(int) perm[i]] = true;
            }
            if (!ok) throw n.error("attribute perm = " + Arrays.toString(perm) + ": must be a permutation of 0.." + (r - 1));
            int[] shape = x.shape();
            int[] ist = strides(shape);
            int[] os = new int[r];
            int[] step = new int[r];
            for (int i = 0; i < r; i++) {
                os[i] = shape[(int) perm[i]];
                step[i] = ist[(int) perm[i]];
            }
            TensorValue out = TensorValue.zeros(x.type(), os);
            int[] c = new int[r];
            int src = 0;
            for (int i = 0; i < out.size(); i++) {
                out.copyElement(x, src, i);
                for (int a = r - 1; a >= 0; a--) {
                    src += step[a];
                    if (++c[a] < os[a]) break;
                    src -= step[a] * os[a];
                    c[a] = 0;
                }
            }
            return new TensorValue[] {out};
        }
    }

    /** Slice: attributes starts/ends/axes before opset 10, inputs (with steps) from 10 on. */
    static final class Slice extends OpDef {
        Slice() {
            super("Slice", 1, 1, 5);
        }

        @Override
        Set<String> attributes(int opset) {
            return opset < 10 ? attrs("starts", "ends", "axes") : attrs();
        }

        @Override
        int minInputs(int opset) {
            return opset < 10 ? 1 : 3;
        }

        @Override
        int maxInputs(int opset) {
            return opset < 10 ? 1 : 5;
        }

        @Override
        void check(Node n) {
            if (n.opset < 10 && (n.intsAttr("starts") == null || n.intsAttr("ends") == null)) throw n.error("attributes starts and ends are required");
        }

        @Override
        TensorValue[] run(Node n, TensorValue[] in, int outputs) {
            TensorValue x = in[0];
            int r = x.rank();
            long[] starts;
            long[] ends;
            long[] axes;
            long[] steps = null;
            if (n.opset < 10) {
                starts = n.intsAttr("starts");
                ends = n.intsAttr("ends");
                axes = n.intsAttr("axes");
            } else {
                starts = ints(n, in[1], "starts");
                ends = ints(n, in[2], "ends");
                axes = in.length > 3 && in[3] != null ? ints(n, in[3], "axes") : null;
                steps = in.length > 4 && in[4] != null ? ints(n, in[4], "steps") : null;
            }
            int k = starts.length;
            if (ends.length != k || (axes != null && axes.length != k) || (steps != null && steps.length != k)) {
                throw n.error("starts, ends, axes and steps must have the same length: " + Arrays.toString(starts) + ", " + Arrays.toString(ends)
                        + ", " + Arrays.toString(axes) + ", " + Arrays.toString(steps));
            }
            int[] shape = x.shape();
            long[] first = new long[r];
            long[] step = new long[r];
            int[] os = shape.clone();
            Arrays.fill(step, 1);
            boolean[] seen = new boolean[r];
            for (int i = 0; i < k; i++) {
                int a = axes == null ? i : axis(n, axes[i], r, "axes[" + i + "]");
                if (a >= r) throw n.error("starts has " + k + " entries for data of rank " + r);
                if (seen[a]) throw n.error("axis " + a + " is sliced twice");
                seen[a] = true;
                long s = steps == null ? 1 : steps[i];
                if (s == 0) throw n.error("steps[" + i + "] = 0: must not be 0");
                long dim = shape[a];
                long b = starts[i] < 0 ? starts[i] + dim : starts[i];
                long e = ends[i] < 0 ? ends[i] + dim : ends[i];
                long count;
                if (s > 0) {
                    b = Math.max(0, Math.min(dim, b));
                    e = Math.max(0, Math.min(dim, e));
                    count = e > b ? (e - b + s - 1) / s : 0;
                } else {
                    b = Math.max(-1, Math.min(dim - 1, b));
                    e = Math.max(-1, Math.min(dim - 1, e));
                    count = b > e ? (b - e + (-s) - 1) / (-s) : 0;
                }
                first[a] = b;
                step[a] = s;
                os[a] = (int) count;
            }
            TensorValue out = TensorValue.zeros(x.type(), os);
            int[] ist = strides(shape);
            int[] c = new int[r];
            for (int i = 0; i < out.size(); i++) {
                long src = 0;
                for (int a = 0; a < r; a++) src += (first[a] + c[a] * step[a]) * ist[a];
                out.copyElement(x, (int) src, i);
                next(c, os);
            }
            return new TensorValue[] {out};
        }
    }

    static final class Concat extends OpDef {
        Concat() {
            super("Concat", 1, 1, Integer.MAX_VALUE);
        }

        @Override
        Set<String> attributes(int opset) {
            return attrs("axis");
        }



        @Override
        void check(Node n) {
            if (n.opset >= 4 && !n.has("axis")) throw n.error("attribute axis is required");
        }

        @Override
        TensorValue[] run(Node n, TensorValue[] in, int outputs) {
            for (int i = 0; i < in.length; i++) {
                if (in[i] == null) throw n.error("input " + i + " is empty");
            }
            TensorValue x0 = in[0];
            int r = x0.rank();
            if (r == 0) throw n.error("inputs must have rank >= 1");
            int a = axis(n, n.intAttr("axis", 1), r, "attribute axis");
            long total = 0;
            for (int i = 0; i < in.length; i++) {
                TensorValue v = in[i];
                if (v.type() != x0.type() || v.rank() != r) throw n.error("input " + i + " is " + v + "; input 0 is " + x0 + ": types and ranks must match");
                for (int d = 0; d < r; d++) {
                    if (d != a && v.dim(d) != x0.dim(d)) throw n.error("input " + i + " is " + v + "; input 0 is " + x0 + ": dimensions other than axis " + a + " must match");
                }
                total += v.dim(a);
            }
            int[] os = x0.shape();
            os[a] = (int) Math.min(total, Integer.MAX_VALUE);
            if (total > Check.MAX_ELEMENTS) throw n.error("concatenated axis " + a + " would have " + total + " entries");
            Check.elementCount(os, "output shape");
            TensorValue out = TensorValue.zeros(x0.type(), os);
            long outer = 1;
            for (int d = 0; d < a; d++) outer *= os[d];
            int inner = 1;
            for (int d = a + 1; d < r; d++) inner *= os[d];
            int dst = 0;
            for (long o = 0; o < outer; o++) {
                for (TensorValue v : in) {
                    int block = v.dim(a) * inner;
                    int src = (int) (o * block);
                    for (int j = 0; j < block; j++) out.copyElement(v, src + j, dst++);
                }
            }
            return new TensorValue[] {out};
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

    static final class Gather extends OpDef {
        Gather() {
            super("Gather", 1, 2, 2);
        }

        @Override
        Set<String> attributes(int opset) {
            return attrs("axis");
        }

        @Override
        TensorValue[] run(Node n, TensorValue[] in, int outputs) {
            TensorValue x = in[0];
            TensorValue idx = in[1];
            requireInt(n, idx, "indices");
            int r = x.rank();
            if (r == 0) throw n.error("input data must have rank >= 1");
            int a = axis(n, n.intAttr("axis", 0), r, "attribute axis");
            int dim = x.dim(a);
            long[] ix = idx.toLongArray();
            for (int i = 0; i < ix.length; i++) {
                if (ix[i] < -dim || ix[i] >= dim) throw n.error("indices[" + i + "] = " + ix[i] + ": must be in [" + -dim + ", " + (dim - 1) + "] for axis " + a + " of size " + dim);
            }
            int[] xs = x.shape();
            int[] is = idx.shape();
            int[] os = new int[r - 1 + is.length];
            int k = 0;
            for (int d = 0; d < a; d++) os[k++] = xs[d];
            for (int d : is) os[k++] = d;
            for (int d = a + 1; d < r; d++) os[k++] = xs[d];
            Check.elementCount(os, "output shape");
            TensorValue out = TensorValue.zeros(x.type(), os);
            long outer = 1;
            for (int d = 0; d < a; d++) outer *= xs[d];
            int inner = 1;
            for (int d = a + 1; d < r; d++) inner *= xs[d];
            int dst = 0;
            for (long o = 0; o < outer; o++) {
                for (long j : ix) {
                    long row = j < 0 ? j + dim : j;
                    int src = (int) ((o * dim + row) * inner);
                    for (int t = 0; t < inner; t++) out.copyElement(x, src + t, dst++);
                }
            }
            return new TensorValue[] {out};
        }
    }
}
