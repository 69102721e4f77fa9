package org.pooling4j.sequence;

import java.util.Arrays;
import org.pooling4j.Tensor;
import org.pooling4j.internal.Check;

/**
 * A {@link SequenceSpec} resolved for one batch shape (N, L, D): each call only checks that its
 * arguments fit, then runs the kernels without allocating. A plan holds no mutable state, so one plan
 * may serve many threads at once (each with its own output arrays).
 *
 * <p>Embeddings are float32, row-major (N, L, D): token {@code t} of sequence {@code n} starts at
 * {@code (n * L + t) * D}. The output is (N, modes·D): sequence {@code n}'s result for mode {@code k}
 * starts at {@code n * modes * D + k * D}.
 */
public final class SequencePlan {
    /** The name {@link #forward} and {@link #backward} return: the loops over contiguous D-long rows. */
    public static final String KERNEL = "sequence-rows";

    private final SequenceSpec spec;
    private final int n, len, d, outDim;
    private final int inSize, outSize;

    /**
     * @throws IllegalArgumentException if {@code n < 0}, {@code len < 1}, {@code d < 0} or an array
     *     would exceed the largest Java array
     */
    public SequencePlan(SequenceSpec spec, int n, int len, int d) {
        this.spec = Check.notNull(spec, "spec");
        if (n < 0) throw Check.fail("n", n, "must be >= 0");
        if (len < 1) throw Check.fail("length", len, "must be >= 1 (a sequence has at least one position)");
        if (d < 0) throw Check.fail("d", d, "must be >= 0");
        long in = (long) n * len * d;
        long out = (long) n * spec.modeCount() * d;
        if (in > Check.MAX_ELEMENTS || out > Check.MAX_ELEMENTS) {
            throw new IllegalArgumentException("shape = [" + n + ", " + len + ", " + d + "] with " + spec.modeCount()
                    + " modes: needs more than " + Check.MAX_ELEMENTS + " elements, the most a Java array can hold");
        }
        this.n = n;
        this.len = len;
        this.d = d;
        this.outDim = spec.modeCount() * d;
        this.inSize = (int) in;
        this.outSize = (int) out;
    }

    public SequenceSpec spec() {
        return spec;
    }

    /** N. */
    public int batch() {
        return n;
    }

    /** L. */
    public int length() {
        return len;
    }

    /** D, the features per token. */
    public int features() {
        return d;
    }

    /** The features per output row: modes × D. */
    public int outputDim() {
        return outDim;
    }

    /** The input shape {@code [N, L, D]}. */
    public int[] inputShape() {
        return new int[] {n, len, d};
    }

    /** The output shape {@code [N, modes·D]}. */
    public int[] outputShape() {
        return new int[] {n, outDim};
    }

    /** A zero (N, modes·D) tensor for {@link #forward}. */
    public Tensor newOutput() {
        return Tensor.zeros(n, outDim);
    }

    /** A zero (N, L, D) tensor for {@link #backward}. */
    public Tensor newGradInput() {
        return Tensor.zeros(n, len, d);
    }

    /**
     * Pools {@code x} (N, L, D) under {@code mask} (N, L) into {@code out} (N, modes·D), overwriting it.
     *
     * @return {@link #KERNEL}
     * @throws IllegalArgumentException if a shape differs from the plan's
     */
    public String forward(Tensor x, SequenceMask mask, Tensor out) {
        checkShape(x, "x", n, len, d);
        checkShape(out, "out", n, outDim);
        return forward(x.data(), mask, out.data());
    }

    /**
     * The same over bare row-major arrays: {@code x} of N·L·D floats, {@code out} of N·modes·D.
     *
     * @throws IllegalArgumentException if an array length or the mask's shape differs from the plan's
     */
    public String forward(float[] x, SequenceMask mask, float[] out) {
        checkArrays(x, mask, out, "out", outSize);
        for (int r = 0; r < n; r++) SequenceKernels.forwardRow(spec, x, r * len * d, mask, r, len, d, out, r * outDim);
        return KERNEL;
    }

    /**
     * The gradient with respect to {@code x} of a loss whose gradient with respect to the forward's
     * output is {@code gradOut} (N, modes·D), written into {@code gradIn} (N, L, D), overwriting it.
     * Per mode: {@code cls} passes the gradient to its token; {@code lasttoken} to its token times the
     * mask; {@code max} to the token {@code torch.max} picks (the first of equal maxima, the first NaN),
     * nothing for an all-zero row; the means spread {@code g / count} (times the position weight) over
     * the unmasked tokens; {@code gem} as the derivative of its formula, 0 below {@code eps} and in an
     * all-zero row. Modes listed twice add their gradients.
     *
     * @return {@link #KERNEL}
     * @throws IllegalArgumentException if a shape differs from the plan's
     */
    public String backward(Tensor x, SequenceMask mask, Tensor gradOut, Tensor gradIn) {
        checkShape(x, "x", n, len, d);
        checkShape(gradOut, "gradOut", n, outDim);
        checkShape(gradIn, "gradIn", n, len, d);
        return backward(x.data(), mask, gradOut.data(), gradIn.data());
    }

    /** The same over bare row-major arrays ({@code gradIn} N·L·D floats, {@code gradOut} N·modes·D). */
    public String backward(float[] x, SequenceMask mask, float[] gradOut, float[] gradIn) {
        checkArrays(x, mask, gradOut, "gradOut", outSize);
        Check.notNull(gradIn, "gradIn");
        if (gradIn.length != inSize) {
            throw Check.fail("gradIn.length", gradIn.length, "must equal N * L * D = " + inSize);
        }
        if (gradIn == x) throw new IllegalArgumentException("gradIn: must not be the same array as x");
        Arrays.fill(gradIn, 0f);
        for (int r = 0; r < n; r++) {
            SequenceKernels.backwardRow(
                    spec, x, r * len * d, mask, r, len, d, gradOut, r * outDim, gradIn, r * len * d);
        }
        return KERNEL;
    }

    private void checkArrays(float[] x, SequenceMask mask, float[] out, String outName, int outLength) {
        Check.notNull(x, "x");
        Check.notNull(mask, "mask");
        Check.notNull(out, outName);
        if (x.length != inSize) {
            throw Check.fail(
                    "x.length", x.length, "must equal N * L * D = " + n + " * " + len + " * " + d + " = " + inSize);
        }
        if (out.length != outLength) {
            throw Check.fail(outName + ".length", out.length, "must equal N * modes * D = " + outLength);
        }
        if (mask.rows() != n || mask.length() != len) {
            throw Check.fail(
                    "mask shape",
                    new int[] {mask.rows(), mask.length()},
                    "must be (N, L) = [" + n + ", " + len + "], the embeddings' first two axes");
        }
        if (out == x) throw new IllegalArgumentException(outName + ": must not be the same array as x");
    }

    private static void checkShape(Tensor t, String name, int... shape) {
        Check.notNull(t, name);
        if (!t.hasShape(shape)) {
            throw Check.fail(name + ".shape", t.shape(), "must be " + Arrays.toString(shape) + " for this plan");
        }
    }

    @Override
    public String toString() {
        return "SequencePlan[" + spec + ", N=" + n + ", L=" + len + ", D=" + d + "]";
    }
}
