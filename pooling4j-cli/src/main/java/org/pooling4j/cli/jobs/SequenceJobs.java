package org.pooling4j.cli.jobs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.pooling4j.Tensor;
import org.pooling4j.io.Npy;
import org.pooling4j.io.NpyArray;
import org.pooling4j.io.NpyFormatException;
import org.pooling4j.sequence.PaddingSide;
import org.pooling4j.sequence.SequenceMask;
import org.pooling4j.sequence.SequenceMode;
import org.pooling4j.sequence.SequencePlan;
import org.pooling4j.sequence.SequencePooling;
import org.pooling4j.sequence.SequenceSpec;

/**
 * Sequence pooling of token embeddings, as sentence-transformers 6's {@code Pooling} computes it:
 * {@code sequence_pool} and {@code sequence_pool_backward}.
 *
 * <p>Keys: {@code mode} (a mode name, or a list of names whose results are concatenated in that
 * order; default {@code "mean"}, as in sentence-transformers), {@code input} ((N, L, D) float32
 * embeddings), {@code attention_mask} ((N, L) of 0/1 in any integer or float dtype the reader takes)
 * or {@code lengths} ((N,) integers in [0, L], with {@code padding_side} {@code "right"}, the default,
 * or {@code "left"}), neither meaning every token counts; {@code p} and {@code eps} for {@code gem}
 * (3 and 1e-6); {@code grad_output} ((N, modes·D)) for the backward; {@code output}.
 */
final class SequenceJobs implements JobFamily {
    private static final Set<String> OPS = Set.of("sequence_pool", "sequence_pool_backward");

    @Override
    public Set<String> ops() {
        return OPS;
    }

    @Override
    public Set<String> keys(String op) {
        Set<String> keys = new TreeSet<>(COMMON_KEYS);
        keys.addAll(List.of("mode", "input", "attention_mask", "lengths", "padding_side", "p", "eps", "output"));
        if (op.endsWith("_backward")) keys.add("grad_output");
        return Collections.unmodifiableSet(keys);
    }

    @Override
    public String run(Job j) throws IOException {
        SequenceSpec spec = spec(j);
        if (j.has("attention_mask") && j.has("lengths")) {
            throw j.bad("lengths", "give either attention_mask or lengths, not both");
        }
        if (j.has("padding_side") && !j.has("lengths")) {
            throw j.bad("padding_side", "applies to lengths only (an attention_mask shows its own padding)");
        }
        Tensor x = j.readTensor("input");
        if (x.rank() != 3 || x.dim(1) < 1) {
            throw j.bad(
                    "input",
                    "holds shape " + Arrays.toString(x.shape()) + "; " + j.op
                            + " needs (N, L, D) token embeddings with L >= 1");
        }
        int n = x.dim(0);
        int len = x.dim(1);
        SequenceMask mask = mask(j, n, len);
        SequencePlan plan = SequencePooling.plan(spec, n, len, x.dim(2));
        if (!j.op.endsWith("_backward")) {
            Tensor y = plan.newOutput();
            String kernel = plan.forward(x, mask, y);
            j.write("output", y);
            return kernel;
        }
        Tensor g = j.readTensor("grad_output");
        if (!g.hasShape(plan.outputShape())) {
            throw j.bad(
                    "grad_output",
                    "holds shape " + Arrays.toString(g.shape()) + "; must be (N, modes * D) = "
                            + Arrays.toString(plan.outputShape()) + ", the forward's output shape");
        }
        Tensor gx = plan.newGradInput();
        String kernel = plan.backward(x, mask, g, gx);
        j.write("output", gx);
        return kernel;
    }

    /** {@code mode} (a name or a list of names) with {@code p} and {@code eps}. */
    private static SequenceSpec spec(Job j) {
        Object v = j.raw("mode");
        List<SequenceMode> modes = new ArrayList<>();
        if (v == null) {
            modes.add(SequenceMode.MEAN);
        } else if (v instanceof String) {
            modes.add(mode(j, (String) v));
        } else if (v instanceof List && !((List<?>) v).isEmpty()) {
            for (Object o : (List<?>) v) {
                if (!(o instanceof String)) throw j.bad("mode", "a list of mode names must hold strings");
                modes.add(mode(j, (String) o));
            }
        } else {
            throw j.bad("mode", "must be a mode name or a non-empty list of them: " + SequenceMode.names());
        }
        double p = j.has("p") ? j.dbl("p") : SequenceSpec.DEFAULT_P;
        double eps = j.has("eps") ? j.dbl("eps") : SequenceSpec.DEFAULT_EPS;
        if (!(Double.isFinite(p) && p > 0)) throw j.bad("p", "must be finite and > 0");
        if (!(Double.isFinite(eps) && eps > 0 && (float) eps > 0f))
            throw j.bad("eps", "must be finite and > 0 (also as a float32)");
        return SequenceSpec.of(modes, p, eps);
    }

    private static SequenceMode mode(Job j, String name) {
        try {
            return SequenceMode.parse(name);
        } catch (IllegalArgumentException e) {
            throw j.bad("mode", "\"" + name + "\" is not a mode; use one of " + SequenceMode.names());
        }
    }

    /** The mask from {@code attention_mask} or {@code lengths}, or all ones when neither is given. */
    private static SequenceMask mask(Job j, int n, int len) throws IOException {
        if (j.has("attention_mask")) {
            NpyArray a = Npy.read(j.path("attention_mask"));
            if (!Arrays.equals(a.shape(), new int[] {n, len})) {
                throw j.bad(
                        "attention_mask",
                        "holds shape " + Arrays.toString(a.shape()) + "; must be (N, L) = "
                                + Arrays.toString(new int[] {n, len}) + ", the first two axes of input");
            }
            // Every dtype the reader takes converts 0 and 1 exactly, and any other value to something else.
            // float64 is checked before rounding, so that 0.9999999999 is not taken for 1.
            float[] m = a.toFloats();
            double[] wide = a.dtype() == NpyArray.DType.FLOAT64 ? (double[]) a.data() : null;
            for (int i = 0; i < m.length; i++) {
                boolean bad = wide != null ? wide[i] != 0 && wide[i] != 1 : m[i] != 0f && m[i] != 1f;
                if (bad) {
                    throw j.bad(
                            "attention_mask",
                            "holds " + show(a, i) + " at [" + i / len + ", " + i % len
                                    + "]; an attention mask holds only 0 (padding) and 1 (token)");
                }
            }
            return SequenceMask.of(m, n, len);
        }
        if (j.has("lengths")) {
            NpyArray a = Npy.read(j.path("lengths"));
            if (!Arrays.equals(a.shape(), new int[] {n})) {
                throw j.bad(
                        "lengths",
                        "holds shape " + Arrays.toString(a.shape()) + "; must be (N,) = [" + n
                                + "], one length per sequence of input");
            }
            long[] l;
            try {
                l = a.toLongs();
            } catch (NpyFormatException e) {
                throw j.bad("lengths", "holds dtype " + a.dtype().descr() + "; lengths must be integers");
            }
            int[] lengths = new int[n];
            for (int i = 0; i < n; i++) {
                if (l[i] < 0 || l[i] > len) {
                    throw j.bad(
                            "lengths",
                            "holds " + l[i] + " at [" + i + "]; a length must lie in [0, " + len
                                    + "] (L, the padded length of input)");
                }
                lengths[i] = (int) l[i];
            }
            String side = j.str("padding_side", "right");
            PaddingSide ps;
            if (side.equals("right")) ps = PaddingSide.RIGHT;
            else if (side.equals("left")) ps = PaddingSide.LEFT;
            else throw j.bad("padding_side", "must be \"right\" or \"left\"");
            return SequenceMask.ofLengths(lengths, len, ps);
        }
        return SequenceMask.ones(n, len);
    }

    /** Element {@code i} as stored (an integer without a fraction). */
    private static String show(NpyArray a, int i) {
        Object d = a.data();
        if (d instanceof long[]) return String.valueOf(((long[]) d)[i]);
        if (d instanceof int[]) return String.valueOf(((int[]) d)[i]);
        if (d instanceof byte[]) {
            byte b = ((byte[]) d)[i];
            return String.valueOf(a.dtype() == NpyArray.DType.UINT8 ? b & 0xff : b);
        }
        if (d instanceof double[]) return String.valueOf(((double[]) d)[i]);
        return String.valueOf(a.toFloats()[i]);
    }
}
