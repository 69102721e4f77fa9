package org.pooling4j;

import static org.pooling4j.internal.CallChecks.checkArgmax;
import static org.pooling4j.internal.CallChecks.checkIndices;
import static org.pooling4j.internal.CallChecks.checkInputShape;
import static org.pooling4j.internal.CallChecks.checkNonNegative;
import static org.pooling4j.internal.CallChecks.checkOutputIndices;
import static org.pooling4j.internal.CallChecks.checkSameProblem;
import static org.pooling4j.internal.CallChecks.checkSameShape;
import static org.pooling4j.internal.CallChecks.defaultSamples;
import static org.pooling4j.internal.CallChecks.notUnpool;
import static org.pooling4j.internal.CallChecks.requireIndexed;
import static org.pooling4j.internal.CallChecks.requireOp;

import java.util.Arrays;
import org.pooling4j.internal.Budget;
import org.pooling4j.internal.Check;
import org.pooling4j.internal.exec.Execution;
import org.pooling4j.internal.exec.Execution.Call;
import org.pooling4j.internal.kernels.FastKernel;
import org.pooling4j.internal.kernels.VariantKernel;

/**
 * A pooling operator resolved once against one input shape and layout: geometry, per-axis window
 * tables, kernel choice (and the tuner's, when it runs) and monitor keys, ready to run many times.
 * Make one with {@link Pooling#plan(PoolSpec, int[], Layout)}; then each call only checks that the
 * tensors it is given have the plan's shapes and layout, runs the kernel and records the call.
 *
 * <p>Contracts of every run method:
 * <ul>
 *   <li>no allocation in steady state: after the first call of a kind on a thread, a call on one
 *       thread allocates nothing (calls split over several threads hand each worker a small task);
 *   <li>thread-safe: any number of threads may run one plan at once, on distinct output tensors;
 *   <li>the return value is the name of the kernel that ran, the same name the JFR event and the
 *       live monitor record;
 *   <li>outputs are preallocated by the caller ({@link #newOutput()}, {@link #newGradInput()}),
 *       must not share an array with an input, and every element is written; inputs are never
 *       modified.
 * </ul>
 *
 * <pre>{@code
 * PoolPlan plan = Pooling.plan(PoolSpec.max(2, 2).build(), new int[] {8, 64, 56, 56}, Layout.CHANNELS_FIRST);
 * Tensor y = plan.newOutput();
 * for (Tensor x : batches) plan.forward(x, y);   // no validation of the spec, no allocation
 * }</pre>
 */
public final class PoolPlan {
    private final Geometry g;
    private final Execution ex;
    // Samples drawn from the spec's seed (fractional max, stochastic training), made on first use.
    private volatile float[] seeded;

    PoolPlan(Geometry g, int threads) {
        this.g = g;
        this.ex = new Execution(g, threads);
    }

    /** The spec this plan runs. */
    public PoolSpec spec() {
        return g.spec();
    }

    /** The resolved geometry: sizes, padding and the window of every output position. */
    public Geometry geometry() {
        return g;
    }

    /** The input shape in memory order (a copy). */
    public int[] inputShape() {
        return g.inputShape();
    }

    /** The output shape in memory order (a copy). */
    public int[] outputShape() {
        return g.outputShape();
    }

    /** The layout of inputs and outputs. */
    public Layout layout() {
        return g.layout();
    }

    /** Most threads one call uses. */
    public int threads() {
        return ex.threads();
    }

    /**
     * The kernel the dispatcher chose for a direction, before any tuning (a tuned call may run
     * another; each call returns the one that ran). Max unpooling reports its own loops.
     */
    public String kernel(boolean backward) {
        return g.spec().op() == PoolOp.MAX_UNPOOL
                ? Execution.UNPOOL_KERNEL
                : ex.heuristic(backward).name();
    }

    /** A zero-filled tensor of the output's shape and layout. */
    public Tensor newOutput() {
        return Tensor.zeros(g.layout(), g.outputShape());
    }

    /** A zero-filled tensor of the input's shape and layout (for gradients of the input). */
    public Tensor newGradInput() {
        return Tensor.zeros(g.layout(), g.inputShape());
    }

    /** A tensor for the indices of {@link #forwardWithIndices}: the output's shape and layout. */
    public LongTensor newIndices() {
        Budget.shape("output shape", g.outputShapeRef(), "the indices", g.outputShapeRef(), Long.BYTES, "int64");
        return new LongTensor(new long[g.outputElements()], g.outputShape(), g.layout());
    }

    /**
     * A compact argmax workspace for {@link #forwardArgmax} and {@link #backwardArgmax}: one or two
     * bytes per output instead of an int64 index.
     *
     * @throws IllegalArgumentException for operators other than max, global max and adaptive max,
     *     fractional max pooling and {@link MaxFloor#LOWEST_FINITE}
     */
    public Argmax newArgmax() {
        String why = FastKernel.declinesArgmax(g);
        if (why == null && g.spec().op() == PoolOp.FRACTIONAL_MAX) why = "fractional windows vary per plane";
        if (why == null) why = FastKernel.declinesCommon(g, false);
        if (why != null) throw Check.fail("spec", g.spec(), "no compact argmax: " + why);
        // Entries are window-local tap numbers (padding included), and sliding windows' backward keeps
        // a table of one int per such tap: both must fit before the workspace is made.
        long taps = g.box().maxTaps;
        if (taps > Check.MAX_ELEMENTS) {
            throw Check.fail(
                    "spec",
                    g.spec(),
                    "no compact argmax: a window of " + taps + " taps (padding included) does not fit an int index");
        }
        if (g.box().sliding) {
            Budget.bytes(
                    "kernel",
                    g.spec().kernel(),
                    "the compact argmax's tap table",
                    taps,
                    Integer.BYTES,
                    taps + " ints, one per tap of a window");
        }
        Budget.shape(
                "output shape",
                g.outputShapeRef(),
                "the compact argmax",
                g.outputShapeRef(),
                Argmax.bytesPerEntry(g),
                "entries of " + Argmax.bytesPerEntry(g) + " bytes");
        return new Argmax(g);
    }

    // ---- forward ---------------------------------------------------------------------------------

    /**
     * Forward pooling of {@code input} into {@code output}. Fractional max pooling and stochastic
     * training draw their samples from the spec's seed.
     *
     * @return the name of the kernel that ran
     */
    public String forward(Tensor input, Tensor output) {
        notUnpool(g.spec());
        checkForward(input, output);
        return ex.run(Call.FORWARD, input.data(), null, null, null, samples(), output.data(), null);
    }

    /**
     * Forward pooling that also writes the per-plane argmax ({@link IndexFormat#PER_PLANE}) of
     * max-type operators (the drawn tap of stochastic training) into {@code indices}.
     *
     * @return the name of the kernel that ran
     */
    public String forwardWithIndices(Tensor input, Tensor output, LongTensor indices) {
        requireIndexed(g.spec());
        checkForward(input, output);
        Check.notNull(indices, "indices");
        checkOutputIndices(g, indices);
        return ex.run(Call.FORWARD_INDICES, input.data(), null, indices.data(), null, samples(), output.data(), null);
    }

    /**
     * Forward max pooling that records a compact argmax ({@link #newArgmax()}) for
     * {@link #backwardArgmax}.
     *
     * @return the name of the kernel that ran
     */
    public String forwardArgmax(Tensor input, Tensor output, Argmax argmax) {
        checkForward(input, output);
        checkArgmaxOf(argmax);
        return ex.run(Call.FORWARD_ARGMAX, input.data(), null, null, argmax, null, output.data(), null);
    }

    // ---- backward --------------------------------------------------------------------------------

    /**
     * Gradient with respect to the input given the gradient of the output; max-type operators
     * recompute the argmax from {@code input} (the forward's first-in-scan-order rule).
     *
     * @return the name of the kernel that ran
     */
    public String backward(Tensor input, Tensor gradOutput, Tensor gradInput) {
        notUnpool(g.spec());
        checkBackward(input, gradOutput, gradInput);
        Call call = g.spec().op().isMaxType() ? Call.BACKWARD_RECOMPUTE : Call.BACKWARD;
        return ex.run(call, input.data(), gradOutput.data(), null, null, samples(), gradInput.data(), null);
    }

    /**
     * Max-type backward routed by per-plane {@code indices} (as {@link #forwardWithIndices} wrote
     * them). An index of -1 and the index of a window lying entirely in padding route nothing.
     *
     * @return the name of the kernel that ran
     */
    public String backward(Tensor input, Tensor gradOutput, LongTensor indices, Tensor gradInput) {
        requireIndexed(g.spec());
        checkBackward(input, gradOutput, gradInput);
        checkArgmax(g, indices);
        return ex.run(
                Call.BACKWARD_INDICES,
                input.data(),
                gradOutput.data(),
                indices.data(),
                null,
                null,
                gradInput.data(),
                null);
    }

    /**
     * Max backward routed by a compact argmax filled by {@link #forwardArgmax}.
     *
     * @return the name of the kernel that ran
     */
    public String backwardArgmax(Argmax argmax, Tensor gradOutput, Tensor gradInput) {
        checkArgmaxOf(argmax);
        checkSameShape(g, gradOutput, "gradOutput");
        checkInputShape(g, gradInput, "gradInput");
        if (gradInput.data() == gradOutput.data())
            throw Check.fail("gradInput", "gradOutput's array", "must not share gradOutput's array");
        return ex.run(Call.BACKWARD_ARGMAX, null, gradOutput.data(), null, argmax, null, gradInput.data(), null);
    }

    // ---- max unpooling ---------------------------------------------------------------------------

    /**
     * Max unpooling of {@code input} (this plan's input: the pooled values) to the per-plane
     * positions in {@code indices}, into {@code output} (zeroed first). When two values name the same
     * position, the later one in scan order wins.
     *
     * @return the name of the loops that ran
     */
    public String maxUnpool(Tensor input, LongTensor indices, Tensor output) {
        requireOp(g.spec(), PoolOp.MAX_UNPOOL);
        checkInput(input);
        checkIndices(g, indices, g.inputShapeRef(), g.outPlane(), "indices");
        checkSameShape(g, output, "output");
        Arrays.fill(output.data(), 0f);
        return ex.run(Call.UNPOOL, input.data(), null, indices.data(), null, null, output.data(), null);
    }

    /**
     * Gradient of max unpooling with respect to its input: {@code gradOutput} gathered at the
     * indices, into {@code gradInput}.
     *
     * @return the name of the loops that ran
     */
    public String maxUnpoolBackward(LongTensor indices, Tensor gradOutput, Tensor gradInput) {
        requireOp(g.spec(), PoolOp.MAX_UNPOOL);
        checkIndices(g, indices, g.inputShapeRef(), g.outPlane(), "indices");
        checkSameShape(g, gradOutput, "gradOutput");
        checkInputShape(g, gradInput, "gradInput");
        return ex.run(
                Call.UNPOOL_BACKWARD, null, gradOutput.data(), indices.data(), null, null, gradInput.data(), null);
    }

    // ---- for Pooling's entry points that take their own samples or weight gradients --------------

    String forwardWithSamples(Tensor input, float[] out, long[] idx, float[] samples) {
        checkInput(input);
        return ex.run(
                idx == null ? Call.FORWARD : Call.FORWARD_INDICES, input.data(), null, idx, null, samples, out, null);
    }

    String backwardWithSamples(Tensor input, Tensor gradOutput, float[] samples, float[] gradIn) {
        checkInput(input);
        checkSameShape(g, gradOutput, "gradOutput");
        Call call = g.spec().op().isMaxType() ? Call.BACKWARD_RECOMPUTE : Call.BACKWARD;
        return ex.run(call, input.data(), gradOutput.data(), null, null, samples, gradIn, null);
    }

    String backwardWithWeights(Tensor input, Tensor gradOutput, float[] gradIn, double[] gradWeights) {
        checkInput(input);
        checkSameShape(g, gradOutput, "gradOutput");
        return ex.run(Call.BACKWARD_WEIGHTS, input.data(), gradOutput.data(), null, null, null, gradIn, gradWeights);
    }

    /** Gated forward into {@code output} that keeps the windows' gates, maxima and winners in {@code cache}. */
    String forwardGates(Tensor input, Tensor output, GateCache cache) {
        checkForward(input, output);
        if (!(ex.heuristic(false) instanceof VariantKernel)) {
            String kernel = ex.run(Call.FORWARD, input.data(), null, null, null, null, output.data(), null);
            cache.filled(kernel, false);
            return kernel;
        }
        String kernel = ex.runGates(input.data(), output.data(), cache.gates, cache.maxima, cache.winners);
        cache.filled(kernel, true);
        return kernel;
    }

    /** As {@link #backwardWithWeights(Tensor, Tensor, float[], double[])}, from what {@code cache} kept. */
    String backwardWithWeights(Tensor input, Tensor gradOutput, float[] gradIn, double[] gradWeights, GateCache cache) {
        if (!cache.kept()) return backwardWithWeights(input, gradOutput, gradIn, gradWeights);
        checkInput(input);
        checkSameShape(g, gradOutput, "gradOutput");
        return ex.runGatesBackward(
                input.data(), gradOutput.data(), gradIn, gradWeights, cache.gates, cache.maxima, cache.winners);
    }

    /** The samples the spec's seed gives (fractional max, stochastic training), or null. */
    float[] samples() {
        PoolOp op = g.spec().op();
        if (op != PoolOp.FRACTIONAL_MAX && !(op == PoolOp.STOCHASTIC && g.spec().training())) return null;
        float[] s = seeded;
        if (s == null) seeded = s = defaultSamples(g);
        return s;
    }

    // ---- checks ----------------------------------------------------------------------------------

    private void checkInput(Tensor input) {
        Check.notNull(input, "input");
        if (!input.hasShape(g.inputShapeRef())) {
            throw Check.fail(
                    "input shape",
                    input.shape(),
                    "must equal the plan's input shape " + Arrays.toString(g.inputShapeRef()));
        }
        if (input.layout() != g.layout())
            throw Check.fail("input layout", input.layout(), "must equal the plan's layout " + g.layout());
        if (g.spec().op() == PoolOp.STOCHASTIC) checkNonNegative(g, input);
    }

    private void checkForward(Tensor input, Tensor output) {
        checkInput(input);
        checkSameShape(g, output, "output");
        if (output.data() == input.data())
            throw Check.fail("output", "the input's array", "the output must not share the input's array");
    }

    private void checkBackward(Tensor input, Tensor gradOutput, Tensor gradInput) {
        checkInput(input);
        checkSameShape(g, gradOutput, "gradOutput");
        checkInputShape(g, gradInput, "gradInput");
        if (gradInput.data() == gradOutput.data() || gradInput.data() == input.data()) {
            throw Check.fail("gradInput", "a shared array", "must not share the input's or gradOutput's array");
        }
        if (g.spec().op().isAdaptive() && g.outPlane() == 0) {
            // As PyTorch: an adaptive output of size 0 has no gradient to give back.
            throw Check.fail(
                    "gradOutput shape", gradOutput.shape(), "adaptive pooling backward needs a non-empty output plane");
        }
    }

    private void checkArgmaxOf(Argmax argmax) {
        Check.notNull(argmax, "argmax");
        checkSameProblem(argmax.geometry(), g, "argmax", "must come from this plan's spec and input shape");
    }

    @Override
    public String toString() {
        return "PoolPlan[" + g.spec() + " on " + Arrays.toString(g.inputShapeRef()) + " " + g.layout() + ", "
                + ex.threads() + " threads, forward " + kernel(false) + "]";
    }
}
