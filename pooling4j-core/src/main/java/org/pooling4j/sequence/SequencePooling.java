package org.pooling4j.sequence;

import java.util.Arrays;
import org.pooling4j.Tensor;
import org.pooling4j.internal.Check;

/**
 * Masked pooling of token embeddings into one vector per sequence: the step after a
 * sentence-embedding transformer, with the modes and results of sentence-transformers 6's
 * {@code Pooling} module ({@link SequenceMode}), forward and backward.
 *
 * <p>Embeddings are a float32 tensor (N, L, D), or (L, D) for one sequence; the mask is a
 * {@link SequenceMask} of shape (N, L) (from 0/1 values or from lengths, padded on either side). The
 * result is (N, modes·D), or (modes·D) for one sequence, each mode's D values in the order of the
 * spec. The tensors' layout labels are ignored: the arrays are read row-major.
 *
 * <p>These calls resolve a {@link SequencePlan} each time; for many calls on one shape, make the plan
 * once with {@link #plan}.
 */
public final class SequencePooling {
    private SequencePooling() {}

    /** A plan for embeddings of shape (n, length, d). */
    public static SequencePlan plan(SequenceSpec spec, int n, int length, int d) {
        return new SequencePlan(spec, n, length, d);
    }

    /**
     * Pools {@code x} (N, L, D) or (L, D) under {@code mask}.
     *
     * @throws IllegalArgumentException if {@code x} is not 2-D or 3-D or the mask's shape is not (N, L)
     */
    public static Tensor forward(SequenceSpec spec, Tensor x, SequenceMask mask) {
        Check.notNull(spec, "spec");
        int[] s = shape3(x, mask);
        SequencePlan plan = new SequencePlan(spec, s[0], s[1], s[2]);
        float[] out = new float[s[0] * plan.outputDim()];
        plan.forward(x.data(), mask, out);
        return x.rank() == 2 ? Tensor.of(out, plan.outputDim()) : Tensor.of(out, s[0], plan.outputDim());
    }

    /** Pools {@code x} with every token unmasked. */
    public static Tensor forward(SequenceSpec spec, Tensor x) {
        int[] s = shape3(x, null);
        return forward(spec, x, SequenceMask.ones(s[0], s[1]));
    }

    /**
     * The gradient with respect to {@code x} given the gradient {@code gradOut} of the forward's output
     * ((N, modes·D), or (modes·D) for a 2-D {@code x}); see {@link SequencePlan#backward}.
     *
     * @throws IllegalArgumentException if a shape does not fit
     */
    public static Tensor backward(SequenceSpec spec, Tensor x, SequenceMask mask, Tensor gradOut) {
        Check.notNull(spec, "spec");
        int[] s = shape3(x, mask);
        Check.notNull(gradOut, "gradOut");
        SequencePlan plan = new SequencePlan(spec, s[0], s[1], s[2]);
        int[] want = x.rank() == 2 ? new int[] {plan.outputDim()} : plan.outputShape();
        if (!gradOut.hasShape(want)) {
            throw Check.fail(
                    "gradOut.shape",
                    gradOut.shape(),
                    "must be " + Arrays.toString(want) + ", the forward's output shape for x of shape "
                            + Arrays.toString(x.shape()));
        }
        float[] g = new float[x.size()];
        plan.backward(x.data(), mask, gradOut.data(), g);
        return new Tensor(g, x.shape(), x.layout());
    }

    /** x's shape as (N, L, D), checked against the mask's (N, L) when one is given. */
    private static int[] shape3(Tensor x, SequenceMask mask) {
        Check.notNull(x, "x");
        int[] s;
        if (x.rank() == 3) s = x.shape();
        else if (x.rank() == 2) s = new int[] {1, x.dim(0), x.dim(1)};
        else throw Check.fail("x.shape", x.shape(), "token embeddings are (N, L, D), or (L, D) for one sequence");
        if (s[1] < 1) throw Check.fail("x.shape", x.shape(), "L (the sequence axis) must be >= 1");
        if (mask != null && (mask.rows() != s[0] || mask.length() != s[1])) {
            throw Check.fail(
                    "mask shape",
                    new int[] {mask.rows(), mask.length()},
                    "must be (N, L) = [" + s[0] + ", " + s[1] + "] for x of shape " + Arrays.toString(x.shape()));
        }
        return s;
    }
}
