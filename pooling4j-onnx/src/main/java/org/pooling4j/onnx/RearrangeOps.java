package org.pooling4j.onnx;

import static org.pooling4j.onnx.GlueOps.axis;
import static org.pooling4j.onnx.GlueOps.dims;
import static org.pooling4j.onnx.GlueOps.ints;
import static org.pooling4j.onnx.GlueOps.next;
import static org.pooling4j.onnx.GlueOps.requireInt;
import static org.pooling4j.onnx.GlueOps.strides;

import java.util.Arrays;
import java.util.Set;
import org.pooling4j.internal.Check;

/**
 * The glue operators that move elements to new positions (Pad, Transpose, Slice, Concat, Gather), by
 * index arithmetic over row-major strides. Registered through {@link GlueOps#all()}, whose helpers they use.
 */
final class RearrangeOps {
    private RearrangeOps() {}

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
            if (!mode.equals("constant"))
                throw n.error("attribute mode = '" + mode + "': only 'constant' padding is supported");
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
                    if (in[2].size() != 1)
                        throw n.error("input constant_value has shape " + Arrays.toString(in[2].shape())
                                + ": must hold one value");
                    if (in[2].type() != x.type())
                        throw n.error("input constant_value has type " + in[2].type() + ": must match data (" + x.type()
                                + ")");
                    value = in[2].getDouble(0);
                }
                if (in.length > 3 && in[3] != null) {
                    long[] axes = ints(n, in[3], "axes");
                    if (pads.length != 2 * axes.length)
                        throw n.error("input pads = " + Arrays.toString(pads) + ": must have 2 * " + axes.length
                                + " entries (one pair per axis of axes)");
                    long[] full = new long[2 * r];
                    boolean[] seen = new boolean[r];
                    for (int i = 0; i < axes.length; i++) {
                        int a = axis(n, axes[i], r, "axes[" + i + "]");
                        if (seen[a])
                            throw n.error("input axes = " + Arrays.toString(axes) + ": axis " + a + " appears twice");
                        seen[a] = true;
                        full[a] = pads[i];
                        full[a + r] = pads[i + axes.length];
                    }
                    pads = full;
                }
            }
            if (pads.length != 2 * r)
                throw n.error("pads = " + Arrays.toString(pads) + ": must have 2 * rank = " + 2 * r
                        + " entries for data of shape " + Arrays.toString(x.shape()));
            int[] shape = x.shape();
            long[] outL = new long[r];
            for (int a = 0; a < r; a++) {
                outL[a] = shape[a] + pads[a] + pads[a + r];
                if (Math.abs(pads[a]) > Check.MAX_ELEMENTS
                        || Math.abs(pads[a + r]) > Check.MAX_ELEMENTS
                        || outL[a] < 0) {
                    throw n.error("pads = " + Arrays.toString(pads) + ": axis " + a + " of size " + shape[a]
                            + " would get size " + outL[a]);
                }
            }
            int[] os = dims(n, outL, "padded shape");
            TensorValue.checkBudget(
                    "pads", Arrays.toString(pads) + " (padded shape " + Arrays.toString(os) + ")", x.type(), os);
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
            if (!ok)
                throw n.error("attribute perm = " + Arrays.toString(perm) + ": must be a permutation of 0.." + (r - 1));
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
            if (n.opset < 10 && (n.intsAttr("starts") == null || n.intsAttr("ends") == null))
                throw n.error("attributes starts and ends are required");
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
                throw n.error("starts, ends, axes and steps must have the same length: " + Arrays.toString(starts)
                        + ", " + Arrays.toString(ends) + ", " + Arrays.toString(axes) + ", " + Arrays.toString(steps));
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
                if (v.type() != x0.type() || v.rank() != r)
                    throw n.error("input " + i + " is " + v + "; input 0 is " + x0 + ": types and ranks must match");
                for (int d = 0; d < r; d++) {
                    if (d != a && v.dim(d) != x0.dim(d))
                        throw n.error("input " + i + " is " + v + "; input 0 is " + x0 + ": dimensions other than axis "
                                + a + " must match");
                }
                total += v.dim(a);
            }
            int[] os = x0.shape();
            os[a] = (int) Math.min(total, Integer.MAX_VALUE);
            if (total > Check.MAX_ELEMENTS)
                throw n.error("concatenated axis " + a + " would have " + total + " entries");
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
                if (ix[i] < -dim || ix[i] >= dim)
                    throw n.error("indices[" + i + "] = " + ix[i] + ": must be in [" + -dim + ", " + (dim - 1)
                            + "] for axis " + a + " of size " + dim);
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
