package org.pooling4j;

import org.pooling4j.monitor.PoolEvent;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The entry points: forward and backward of every operator. Each call validates everything (spec
 * against input, related tensors against each other, user-given indices and samples) before it
 * allocates or computes, then runs the kernel the dispatcher picks ({@link Kernels}).
 *
 * <p>Outputs have the input's layout and batchedness: a batched input (N, C, spatial...) gives a
 * batched output, an unbatched one (C, spatial...) an unbatched output. Inputs are never modified.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(data, 1, 1, 4, 4);
 * Pooled r = Pooling.forwardWithIndices(PoolSpec.max(2, 2).build(), x);
 * Tensor dx = Pooling.backward(PoolSpec.max(2, 2).build(), x, gradOfOutput);
 * }</pre>
 */
public final class Pooling {
    /** System property giving the library-wide thread count at start-up (default: available processors). */
    public static final String THREADS_PROPERTY = "pooling4j.threads";

    private static volatile int defaultThreads = initialThreads();

    private Pooling() {}

    private static int initialThreads() {
        int cpus = Runtime.getRuntime().availableProcessors();
        String v = System.getProperty(THREADS_PROPERTY);
        if (v == null || v.isEmpty()) return cpus;
        try {
            int t = Integer.parseInt(v.trim());
            if (t >= 1 && t <= Parallel.MAX_THREADS) return t;
        } catch (NumberFormatException ignored) {
            // fall through to the warning
        }
        System.getLogger("org.pooling4j").log(System.Logger.Level.WARNING,
                "pooling4j: ignoring -D" + THREADS_PROPERTY + "=" + v + " (must be an integer in [1, " + Parallel.MAX_THREADS + "]); using " + cpus);
        return cpus;
    }

    /** The library-wide thread count: the most threads one call uses unless the call says otherwise. */
    public static int threads() {
        return defaultThreads;
    }

    /**
     * Sets the library-wide thread count. Calls whose work is below a threshold (about 256 KiB moved)
     * stay on the caller's thread whatever this says. Results never depend on the thread count.
     *
     * @throws IllegalArgumentException unless {@code 1 <= threads <= 256}
     */
    public static void setThreads(int threads) {
        if (threads < 1 || threads > Parallel.MAX_THREADS) {
            throw Check.fail("threads", threads, "must be in [1, " + Parallel.MAX_THREADS + "]");
        }
        defaultThreads = threads;
    }

    /** A per-call thread count: 0 means the library-wide count. */
    private static int resolveThreads(int threads) {
        if (threads < 0 || threads > Parallel.MAX_THREADS) {
            throw Check.fail("threads", threads, "must be 0 (the library-wide count) or in [1, " + Parallel.MAX_THREADS + "]");
        }
        return threads == 0 ? defaultThreads : threads;
    }

    /** One line on the row operations in use: the SIMD width, or why the scalar ones run. */
    public static String vectorization() {
        return Kernels.vectorization();
    }

    /**
     * Resolves the spec against the input shape (all input-dependent checks). For stochastic pooling
     * this also checks the input's values: every element must be finite and {@code >= 0}.
     */
    public static Geometry geometry(PoolSpec spec, Tensor input) {
        Check.notNull(spec, "spec");
        Check.notNull(input, "input");
        Geometry g = Geometry.of(spec, input.shape(), input.layout());
        if (spec.op() == PoolOp.STOCHASTIC) checkNonNegative(g, input);
        return g;
    }

    /** Name of the kernel the dispatcher would choose. */
    public static String kernelFor(PoolSpec spec, Tensor input, boolean backward) {
        Geometry g = geometry(spec, input);
        return Kernels.select(g, backward).name();
    }

    /**
     * Forward pooling of any operator except max unpool. Fractional max pooling draws its samples
     * from the spec's seed here; use {@link #fractionalMaxPool} to give them.
     */
    public static Tensor forward(PoolSpec spec, Tensor input) {
        return forward(spec, input, 0);
    }

    /** {@link #forward(PoolSpec, Tensor)} on at most {@code threads} threads (0: the library-wide count). */
    public static Tensor forward(PoolSpec spec, Tensor input, int threads) {
        Geometry g = geometry(spec, input);
        notUnpool(spec);
        int t = resolveThreads(threads);
        return run(g, input, defaultSamples(g), false, t).values();
    }

    /**
     * Forward pooling into a preallocated {@code output} (the output shape, the input's layout, not
     * sharing the input's array); every element is written. Fractional max pooling draws its samples
     * from the spec's seed.
     *
     * @return the name of the kernel that ran
     */
    public static String forwardInto(PoolSpec spec, Tensor input, Tensor output, int threads) {
        return forwardInto(spec, input, output, null, threads);
    }

    /**
     * As {@link #forwardInto(PoolSpec, Tensor, Tensor, int)}, and for max-type operators also the
     * per-plane argmax into {@code indices} when it is not null.
     */
    public static String forwardInto(PoolSpec spec, Tensor input, Tensor output, LongTensor indices, int threads) {
        Geometry g = geometry(spec, input);
        notUnpool(spec);
        if (indices != null) requireIndexed(spec);
        checkSameShape(g, output, "output");
        if (output.data() == input.data()) throw Check.fail("output", "the input's array", "the output must not share the input's array");
        if (indices != null) checkOutputIndices(g, indices);
        int t = resolveThreads(threads);
        return forwardRun(g, input.data(), output.data(), indices == null ? null : indices.data(), defaultSamples(g), t);
    }

    /** Chooses (heuristic or tuner), runs and traces one forward call; returns the kernel's name. */
    private static String forwardRun(Geometry g, float[] in, float[] out, long[] idx, float[] samples, int threads) {
        PoolEvent ev = Trace.event();
        long t0 = Trace.start(ev);
        PoolKernel k = Kernels.select(g, false);
        int t = threads;
        boolean tuned = false;
        if (Tuner.active(g)) {
            Tuner.Choice c = Tuner.choose(g, false, idx == null ? "values" : "indices", threads, k,
                    false, (kk, tt) -> kk.forward(g, in, out, idx, samples, tt));
            k = c.kernel();
            t = c.threads();
            tuned = c.tuned();
        }
        k.forward(g, in, out, idx, samples, t);
        Trace.end(ev, t0, g, false, k.name(), Trace.forwardBytes(g, idx == null ? 0 : 8), tuned);
        return k.name();
    }

    /**
     * Forward max pooling (max, global max, adaptive max) into {@code output} that also returns a
     * compact argmax ({@link Argmax}: one or two bytes per output instead of an int64 index) for
     * {@link #backwardInto(Argmax, Tensor, Tensor, int)}.
     *
     * @throws IllegalArgumentException for other operators, fractional max pooling (its windows vary
     *     per plane) and {@link MaxFloor#LOWEST_FINITE} (the workspace has no "no winner" entry)
     */
    public static Argmax forwardArgmax(PoolSpec spec, Tensor input, Tensor output, int threads) {
        Geometry g = geometry(spec, input);
        checkSameShape(g, output, "output");
        if (output.data() == input.data()) throw Check.fail("output", "the input's array", "the output must not share the input's array");
        String why = FastKernel.declinesArgmax(g);
        if (why == null && spec.op() == PoolOp.FRACTIONAL_MAX) why = "fractional windows vary per plane";
        if (why == null) why = FastKernel.declinesCommon(g, false);
        if (why != null) throw Check.fail("spec", spec, "no compact argmax: " + why);
        int t = resolveThreads(threads);
        Argmax a = new Argmax(g);
        float[] in = input.data();
        float[] out = output.data();
        PoolEvent ev = Trace.event();
        long t0 = Trace.start(ev);
        FastKernel k = Kernels.selectArgmax(g, false);
        boolean tuned = false;
        if (Tuner.active(g)) {
            Tuner.Choice c = Tuner.choose(g, false, "argmax", t, k, true,
                    (kk, tt) -> ((FastKernel) kk).forwardArgmax(g, in, out, a, tt));
            k = (FastKernel) c.kernel();
            t = c.threads();
            tuned = c.tuned();
        }
        k.forwardArgmax(g, in, out, a, t);
        Trace.end(ev, t0, g, false, k.name(), Trace.forwardBytes(g, a.bytesPerEntry()), tuned);
        return a;
    }

    /**
     * Max backward routed by a compact argmax from {@link #forwardArgmax}: writes every element of
     * {@code gradInput} (the input's shape and layout).
     *
     * @return the name of the kernel that ran
     */
    public static String backwardInto(Argmax argmax, Tensor gradOutput, Tensor gradInput, int threads) {
        Check.notNull(argmax, "argmax");
        Geometry g = argmax.geometry();
        checkSameShape(g, gradOutput, "gradOutput");
        checkInputShape(g, gradInput, "gradInput");
        if (gradInput.data() == gradOutput.data()) throw Check.fail("gradInput", "gradOutput's array", "must not share gradOutput's array");
        int t = resolveThreads(threads);
        float[] go = gradOutput.data();
        float[] gi = gradInput.data();
        PoolEvent ev = Trace.event();
        long t0 = Trace.start(ev);
        FastKernel k = Kernels.selectArgmax(g, true);
        boolean tuned = false;
        if (Tuner.active(g)) {
            Tuner.Choice c = Tuner.choose(g, true, "argmax", t, k, true,
                    (kk, tt) -> ((FastKernel) kk).backwardArgmax(g, go, argmax, gi, tt));
            k = (FastKernel) c.kernel();
            t = c.threads();
            tuned = c.tuned();
        }
        k.backwardArgmax(g, go, argmax, gi, t);
        Trace.end(ev, t0, g, true, k.name(), Trace.backwardBytes(g, argmax.bytesPerEntry(), false), tuned);
        return k.name();
    }

    /**
     * Backward into a preallocated {@code gradInput} (every element written). For max-type operators
     * {@code indices} (per-plane, as the forward returns them) routes the gradient, or when null the
     * argmax is recomputed from {@code input}; for other operators {@code indices} must be null.
     *
     * @return the name of the kernel that ran
     */
    public static String backwardInto(PoolSpec spec, Tensor input, Tensor gradOutput, LongTensor indices, Tensor gradInput, int threads) {
        Geometry g = geometry(spec, input);
        notUnpool(spec);
        checkSameShape(g, gradOutput, "gradOutput");
        checkInputShape(g, gradInput, "gradInput");
        if (gradInput.data() == gradOutput.data() || gradInput.data() == input.data()) {
            throw Check.fail("gradInput", "a shared array", "must not share the input's or gradOutput's array");
        }
        if (indices != null) {
            requireIndexed(spec);
            checkArgmax(g, indices);
        }
        if (g.spec().op().isAdaptive() && g.outPlane() == 0) {
            throw Check.fail("gradOutput shape", gradOutput.shape(), "adaptive pooling backward needs a non-empty output plane");
        }
        int t = resolveThreads(threads);
        float[] samples = indices == null ? defaultSamples(g) : null;
        return backwardRun(g, input.data(), gradOutput.data(), indices == null ? null : indices.data(), samples,
                gradInput.data(), t);
    }

    /** Chooses (heuristic or tuner), runs and traces one backward call; returns the kernel's name. */
    private static String backwardRun(Geometry g, float[] in, float[] go, long[] idx, float[] samples, float[] gi, int threads) {
        PoolEvent ev = Trace.event();
        long t0 = Trace.start(ev);
        PoolKernel k = Kernels.select(g, true);
        int t = threads;
        boolean tuned = false;
        if (Tuner.active(g)) {
            String variant = !g.spec().op().isMaxType() ? "values" : idx == null ? "recompute" : "indices";
            Tuner.Choice c = Tuner.choose(g, true, variant, threads, k, false,
                    (kk, tt) -> kk.backward(g, in, go, idx, samples, gi, tt));
            k = c.kernel();
            t = c.threads();
            tuned = c.tuned();
        }
        k.backward(g, in, go, idx, samples, gi, t);
        boolean readsInput = (g.spec().op().isMaxType() && idx == null) || g.spec().op().isBeyond();
        Trace.end(ev, t0, g, true, k.name(), Trace.backwardBytes(g, idx == null ? 0 : 8, readsInput), tuned);
        return k.name();
    }

    /**
     * Forward pooling with indices: max-type operators (max, global max, adaptive max, fractional max
     * from the seed) and stochastic pooling in training mode (uniforms from the seed).
     */
    public static Pooled forwardWithIndices(PoolSpec spec, Tensor input) {
        Geometry g = geometry(spec, input);
        requireIndexed(spec);
        return run(g, input, defaultSamples(g), true, defaultThreads);
    }

    /**
     * Stochastic pooling ({@link PoolSpec#stochastic}). In training mode {@code uniforms} gives one
     * {@code u} in [0, 1) per output element (the output's shape and the input's layout), or when null
     * they come from the spec's seed; the result has the drawn values and their per-plane indices
     * ({@link IndexFormat#PER_PLANE}). In evaluation mode {@code uniforms} is ignored and the result
     * has no indices ({@link Pooled#indices()} is null).
     *
     * @throws IllegalArgumentException when an input element is negative, NaN or infinite (naming its
     *     position), when the uniforms have the wrong shape or a value outside [0, 1), or when training
     *     has neither uniforms nor a seed
     */
    public static Pooled stochasticPool(PoolSpec spec, Tensor input, Tensor uniforms) {
        Geometry g = geometry(spec, input);
        requireOp(spec, PoolOp.STOCHASTIC);
        float[] u = spec.training() ? (uniforms == null ? stochasticUniforms(g) : checkUniforms(g, uniforms)) : null;
        return run(g, input, u, spec.training(), defaultThreads);
    }

    /**
     * Gradient of stochastic pooling with respect to its input. Training: {@code gradOutput} goes to
     * the tap drawn with the same {@code uniforms} (or the spec's seed when null) as the forward; to
     * route by the forward's indices instead use {@link #backward(PoolSpec, Tensor, Tensor, LongTensor)}.
     * Evaluation: the exact gradient of {@code sum a_i^2 / sum a_i}, {@code (2 a_j S - Q) / S^2}, 0 in
     * an all-zero window; {@code uniforms} is ignored.
     */
    public static Tensor stochasticPoolBackward(PoolSpec spec, Tensor input, Tensor gradOutput, Tensor uniforms) {
        Geometry g = geometry(spec, input);
        requireOp(spec, PoolOp.STOCHASTIC);
        checkSameShape(g, gradOutput, "gradOutput");
        float[] u = spec.training() ? (uniforms == null ? stochasticUniforms(g) : checkUniforms(g, uniforms)) : null;
        return runBackward(g, input, gradOutput, null, u);
    }

    /**
     * The gradients of an operator with learnable weights: {@code input} is the gradient with respect
     * to the input (the input's shape and layout), {@code weights} the gradient with respect to the
     * weights in the shape they were given ({@link PoolSpec#weightsShape()}), summed over the batch,
     * the output positions and, for weights shared by all channels, the channels.
     */
    public record Gradients(Tensor input, Tensor weights) {}

    /**
     * Backward of gated or weighted-average pooling with learnable weights: the gradients with respect
     * to the input and to the weights in one pass.
     *
     * @throws IllegalArgumentException for other operators and for a weighted average with a fixed
     *     Gaussian (it has no learnable weights)
     */
    public static Gradients backwardWithWeights(PoolSpec spec, Tensor input, Tensor gradOutput) {
        Geometry g = geometry(spec, input);
        if (!spec.op().hasWeights()) throw Check.fail("spec.op", spec.op(), "only GATED and WEIGHTED_AVG have learnable weights");
        if (spec.weightsShape() == null) {
            throw Check.fail("sigma", spec.sigma(), "a Gaussian weighted average has fixed weights and so no weight gradient");
        }
        checkSameShape(g, gradOutput, "gradOutput");
        float[] gradIn = new float[g.inputElements()];
        double[] gw = new double[spec.tapWeights().length];
        PoolEvent ev = Trace.event();
        long t0 = Trace.start(ev);
        PoolKernel k = Kernels.select(g, true);
        // Only the reference kernel runs these operators (the fast ones decline them), and only it has the weight gradient.
        ReferenceKernel ref = k instanceof ReferenceKernel ? (ReferenceKernel) k : new ReferenceKernel();
        ref.backward(g, input.data(), gradOutput.data(), null, null, gradIn, gw);
        Trace.end(ev, t0, g, true, ref.name(), Trace.backwardBytes(g, 0, true) + 8L * gw.length, false);
        float[] w = new float[gw.length];
        for (int i = 0; i < w.length; i++) w[i] = (float) gw[i];
        return new Gradients(new Tensor(gradIn, g.inputShape(), g.layout()),
                new Tensor(w, spec.weightsShape(), Layout.CHANNELS_FIRST));
    }

    /**
     * Fractional max pooling with PyTorch's {@code _random_samples}: shape (N, C, rank) (N = 1 for an
     * unbatched input), values in [0, 1); for 2D, sample 0 drives the width and sample 1 the height,
     * for 3D samples 0, 1, 2 drive depth, height, width (PyTorch's order). {@code samples == null}
     * draws them from the spec's seed.
     */
    public static Pooled fractionalMaxPool(PoolSpec spec, Tensor input, Tensor samples) {
        Geometry g = geometry(spec, input);
        requireOp(spec, PoolOp.FRACTIONAL_MAX);
        float[] s = samples == null ? seededSamples(g) : torchSamples(g, samples);
        return run(g, input, s, true, defaultThreads);
    }

    private static Pooled run(Geometry g, Tensor input, float[] samples, boolean withIndices, int threads) {
        float[] out = new float[g.outputElements()];
        long[] idx = withIndices ? new long[out.length] : null;
        String kernel = forwardRun(g, input.data(), out, idx, samples, threads);
        int[] shape = g.outputShape();
        return new Pooled(new Tensor(out, shape, g.layout()), idx == null ? null : new LongTensor(idx, shape, g.layout()), kernel);
    }

    /**
     * Gradient with respect to {@code input} given the gradient of the output. Max-type operators
     * recompute the argmax from {@code input} (the same first-in-scan-order rule as forward).
     */
    public static Tensor backward(PoolSpec spec, Tensor input, Tensor gradOutput) {
        Geometry g = geometry(spec, input);
        notUnpool(spec);
        checkSameShape(g, gradOutput, "gradOutput");
        return runBackward(g, input, gradOutput, null, defaultSamples(g));
    }

    /**
     * Max-type backward routed by given per-plane indices (as returned by the forward). An index of
     * -1 (no element won, {@link MaxFloor#LOWEST_FINITE}) and the index of a window lying entirely in
     * padding route no gradient; any other index must name a position of the input plane.
     */
    public static Tensor backward(PoolSpec spec, Tensor input, Tensor gradOutput, LongTensor indices) {
        Geometry g = geometry(spec, input);
        requireIndexed(spec);
        checkSameShape(g, gradOutput, "gradOutput");
        checkArgmax(g, indices);
        return runBackward(g, input, gradOutput, indices.data(), null);
    }

    /** Fractional max pooling backward with the same samples as the forward (or the spec's seed when null). */
    public static Tensor fractionalMaxPoolBackward(PoolSpec spec, Tensor input, Tensor gradOutput, Tensor samples) {
        Geometry g = geometry(spec, input);
        requireOp(spec, PoolOp.FRACTIONAL_MAX);
        checkSameShape(g, gradOutput, "gradOutput");
        float[] s = samples == null ? seededSamples(g) : torchSamples(g, samples);
        return runBackward(g, input, gradOutput, null, s);
    }

    private static Tensor runBackward(Geometry g, Tensor input, Tensor gradOutput, long[] indices, float[] samples) {
        if (g.spec().op().isAdaptive() && g.outPlane() == 0) {
            // As PyTorch: an adaptive output of size 0 has no gradient to give back.
            throw Check.fail("gradOutput shape", gradOutput.shape(), "adaptive pooling backward needs a non-empty output plane");
        }
        float[] gradIn = new float[g.inputElements()];
        backwardRun(g, input.data(), gradOutput.data(), indices, samples, gradIn, defaultThreads);
        return new Tensor(gradIn, g.inputShape(), g.layout());
    }

    /**
     * Max unpooling: scatters {@code input} to the per-plane positions in {@code indices} of a
     * zero-filled output whose size is the default {@code (I-1)*s - 2*pad + k} or the spec's output
     * size. When two values name the same position, the later one in scan order wins.
     */
    public static Tensor maxUnpool(PoolSpec spec, Tensor input, LongTensor indices) {
        Geometry g = geometry(spec, input);
        requireOp(spec, PoolOp.MAX_UNPOOL);
        checkIndices(g, indices, g.inputShape(), g.outPlane(), "indices");
        float[] out = new float[g.outputElements()];
        float[] in = input.data();
        long[] idx = indices.data();
        int ps = g.positionStride();
        PoolEvent ev = Trace.event();
        long t0 = Trace.start(ev);
        for (int n = 0; n < g.batch(); n++) {
            for (int c = 0; c < g.channels(); c++) {
                int inBase = g.planeBase(n, c, g.inPlane());
                int outBase = g.planeBase(n, c, g.outPlane());
                for (int i = 0; i < g.inPlane(); i++) {
                    int at = inBase + i * ps;
                    out[outBase + (int) idx[at] * ps] = in[at];
                }
            }
        }
        // Unpooling's "input" is the pooled tensor: it reads it and the indices, and writes the larger output.
        Trace.end(ev, t0, g, false, "unpool-scalar", 12L * g.inputElements() + 4L * g.outputElements(), false);
        return new Tensor(out, g.outputShape(), g.layout());
    }

    /** Gradient of max unpooling with respect to its {@code input}: {@code gradOutput} gathered at the indices. */
    public static Tensor maxUnpoolBackward(PoolSpec spec, Tensor input, LongTensor indices, Tensor gradOutput) {
        Geometry g = geometry(spec, input);
        requireOp(spec, PoolOp.MAX_UNPOOL);
        checkIndices(g, indices, g.inputShape(), g.outPlane(), "indices");
        checkSameShape(g, gradOutput, "gradOutput");
        float[] gradIn = new float[g.inputElements()];
        float[] go = gradOutput.data();
        long[] idx = indices.data();
        int ps = g.positionStride();
        PoolEvent ev = Trace.event();
        long t0 = Trace.start(ev);
        for (int n = 0; n < g.batch(); n++) {
            for (int c = 0; c < g.channels(); c++) {
                int inBase = g.planeBase(n, c, g.inPlane());
                int outBase = g.planeBase(n, c, g.outPlane());
                for (int i = 0; i < g.inPlane(); i++) {
                    int at = inBase + i * ps;
                    gradIn[at] = go[outBase + (int) idx[at] * ps];
                }
            }
        }
        Trace.end(ev, t0, g, true, "unpool-scalar", 16L * g.inputElements(), false);
        return new Tensor(gradIn, g.inputShape(), g.layout());
    }

    // ---- checks ------------------------------------------------------------------------------

    private static void notUnpool(PoolSpec spec) {
        if (spec.op() == PoolOp.MAX_UNPOOL) {
            throw Check.fail("spec.op", spec.op(), "max unpool needs indices: use Pooling.maxUnpool / maxUnpoolBackward");
        }
    }

    private static void requireMaxType(PoolSpec spec) {
        if (!spec.op().isMaxType()) throw Check.fail("spec.op", spec.op(), "indices exist only for max-type operators (MAX, GLOBAL_MAX, ADAPTIVE_MAX, FRACTIONAL_MAX)");
    }

    /** Indices exist for max-type operators and for stochastic pooling in training mode. */
    private static void requireIndexed(PoolSpec spec) {
        if (spec.op() == PoolOp.STOCHASTIC) {
            if (!spec.training()) throw Check.fail("spec.training", false, "stochastic pooling has indices only in training mode");
            return;
        }
        requireMaxType(spec);
    }

    private static void requireOp(PoolSpec spec, PoolOp op) {
        if (spec.op() != op) throw Check.fail("spec.op", spec.op(), "this call needs " + op);
    }

    /** The gradient must have exactly the forward output's shape and the input's layout. */
    private static void checkSameShape(Geometry g, Tensor t, String name) {
        Check.notNull(t, name);
        int[] want = g.outputShape();
        if (!Arrays.equals(t.shape(), want)) {
            throw Check.fail(name + " shape", t.shape(), "must equal the output shape " + Arrays.toString(want));
        }
        if (t.layout() != g.layout()) throw Check.fail(name + " layout", t.layout(), "must equal the input layout " + g.layout());
    }

    /** A preallocated gradient of the input: the input's shape and layout. */
    private static void checkInputShape(Geometry g, Tensor t, String name) {
        Check.notNull(t, name);
        int[] want = g.inputShape();
        if (!Arrays.equals(t.shape(), want)) {
            throw Check.fail(name + " shape", t.shape(), "must equal the input shape " + Arrays.toString(want));
        }
        if (t.layout() != g.layout()) throw Check.fail(name + " layout", t.layout(), "must equal the input layout " + g.layout());
    }

    /** Preallocated indices of a forward: the output's shape and layout. */
    private static void checkOutputIndices(Geometry g, LongTensor indices) {
        int[] want = g.outputShape();
        if (!Arrays.equals(indices.shape(), want)) {
            throw Check.fail("indices shape", indices.shape(), "must equal the output shape " + Arrays.toString(want));
        }
        if (indices.layout() != g.layout()) throw Check.fail("indices layout", indices.layout(), "must equal the input layout " + g.layout());
    }

    /** Indices must have {@code shape} and per-plane values in [0, plane). Checked in full before any work. */
    private static void checkIndices(Geometry g, LongTensor indices, int[] shape, int plane, String name) {
        Check.notNull(indices, name);
        if (!Arrays.equals(indices.shape(), shape)) {
            throw Check.fail(name + " shape", indices.shape(), "must equal " + Arrays.toString(shape));
        }
        if (indices.layout() != g.layout()) throw Check.fail(name + " layout", indices.layout(), "must equal the input layout " + g.layout());
        long[] d = indices.data();
        for (int i = 0; i < d.length; i++) {
            if (d[i] < 0 || d[i] >= plane) {
                throw Check.fail(name + "[" + i + "]", d[i], "a per-plane index must be in [0, " + plane + ")");
            }
        }
    }

    /** Backward indices: the output's shape, and per-plane values in [0, plane) or -1, except for empty windows. */
    private static void checkArgmax(Geometry g, LongTensor indices) {
        Check.notNull(indices, "indices");
        int[] shape = g.outputShape();
        if (!Arrays.equals(indices.shape(), shape)) {
            throw Check.fail("indices shape", indices.shape(), "must equal " + Arrays.toString(shape));
        }
        if (indices.layout() != g.layout()) throw Check.fail("indices layout", indices.layout(), "must equal the input layout " + g.layout());
        long[] d = indices.data();
        int plane = g.inPlane();
        int ps = g.positionStride();
        for (int n = 0; n < g.batch(); n++) {
            for (int c = 0; c < g.channels(); c++) {
                int base = g.planeBase(n, c, g.outPlane());
                for (int q = 0; q < g.outPlane(); q++) {
                    int i = base + q * ps;
                    if ((d[i] < -1 || d[i] >= plane) && !g.emptyWindow(q)) {
                        throw Check.fail("indices[" + i + "]", d[i], "a per-plane index must be in [0, " + plane + ") (or -1: no element won)");
                    }
                }
            }
        }
    }

    /**
     * The samples an operator draws when the caller gives none: fractional max pooling's per-plane
     * samples and stochastic training's uniforms come from the spec's seed; other operators need none.
     */
    private static float[] defaultSamples(Geometry g) {
        PoolOp op = g.spec().op();
        if (op == PoolOp.FRACTIONAL_MAX) return seededSamples(g);
        if (op == PoolOp.STOCHASTIC && g.spec().training()) return stochasticUniforms(g);
        return null;
    }

    /**
     * Stochastic pooling's uniforms from the spec's seed, one per output element in memory order. Each
     * is a hash (SplitMix64's finaliser) of the seed and the element's logical channels-first index
     * {@code ((n*C + c)*plane + q)}, so it depends on neither the thread count nor the layout. The top
     * 24 bits give a float in [0, 1) exactly.
     */
    static float[] stochasticUniforms(Geometry g) {
        Long seed = g.spec().seed();
        if (seed == null) {
            throw Check.fail("seed", "null", "stochastic pooling in training mode needs uniforms (random_samples) or a seed (PoolSpec.Builder.seed)");
        }
        float[] u = new float[g.outputElements()];
        int plane = g.outPlane();
        int ps = g.positionStride();
        for (int n = 0; n < g.batch(); n++) {
            for (int c = 0; c < g.channels(); c++) {
                int base = g.planeBase(n, c, plane);
                long logical = ((long) n * g.channels() + c) * plane;
                for (int q = 0; q < plane; q++) u[base + q * ps] = uniform(seed, logical + q);
            }
        }
        return u;
    }

    /** A uniform float in [0, 1) from (seed, index): SplitMix64's step and finaliser, top 24 bits. */
    static float uniform(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 40) * 0x1.0p-24f;
    }

    /** Given stochastic uniforms: the output's shape and the input's layout, every value in [0, 1). */
    private static float[] checkUniforms(Geometry g, Tensor uniforms) {
        int[] want = g.outputShape();
        if (!Arrays.equals(uniforms.shape(), want)) {
            throw Check.fail("uniforms shape", uniforms.shape(), "must equal the output shape " + Arrays.toString(want) + " (one u per output element)");
        }
        if (uniforms.layout() != g.layout()) throw Check.fail("uniforms layout", uniforms.layout(), "must equal the input layout " + g.layout());
        float[] u = uniforms.data();
        for (int i = 0; i < u.length; i++) {
            if (!(u[i] >= 0f && u[i] < 1f)) throw Check.fail("uniforms[" + i + "]", u[i], "every u must be in [0, 1)");
        }
        return u;
    }

    /**
     * Stochastic pooling's inputs are probabilities' weights: each must be finite and {@code >= 0}. The
     * first offender is named by its logical (channels-first) flat index and its (n, c, spatial...)
     * position.
     */
    private static void checkNonNegative(Geometry g, Tensor input) {
        float[] d = input.data();
        for (int i = 0; i < d.length; i++) {
            float v = d[i];
            if (v >= 0 && v != Float.POSITIVE_INFINITY) continue;
            // Locate element i: plane (n, c) and spatial position q in the geometry's layout.
            int plane = g.inPlane();
            int n;
            int c;
            int q;
            if (g.layout() == Layout.CHANNELS_FIRST) {
                n = i / (g.channels() * plane);
                c = (i / plane) % g.channels();
                q = i % plane;
            } else {
                n = i / (g.channels() * plane);
                c = i % g.channels();
                q = (i / g.channels()) % plane;
            }
            int[] pos = new int[g.rank() + (g.batched() ? 2 : 1)];
            int lead = g.batched() ? 1 : 0;
            if (g.batched()) pos[0] = n;
            pos[lead] = c;
            int rest = q;
            for (int a = g.rank() - 1; a >= 0; a--) {
                pos[lead + 1 + a] = rest % g.inSize(a);
                rest /= g.inSize(a);
            }
            long logical = ((long) n * g.channels() + c) * plane + q;
            String axes = g.batched() ? "(n, c, spatial...)" : "(c, spatial...)";
            throw Check.fail("input[" + logical + "] at " + axes + " " + Arrays.toString(pos), v,
                    "stochastic pooling needs every input finite and >= 0 (p_i = a_i / sum a)");
        }
    }

    /** Samples drawn from the spec's seed, one per (n, c, axis), uniform in [0, 1). */
    private static float[] seededSamples(Geometry g) {
        Long seed = g.spec().seed();
        if (seed == null) {
            throw Check.fail("seed", "null", "fractional max pooling needs samples or a seed (PoolSpec.Builder.seed)");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] s = new float[g.batch() * g.channels() * g.rank()];
        for (int i = 0; i < s.length; i++) s[i] = rnd.nextInt(1 << 24) / (float) (1 << 24);
        return s;
    }

    /** Converts PyTorch-ordered samples (N, C, rank) into kernel order, checking shape and range. */
    private static float[] torchSamples(Geometry g, Tensor samples) {
        int r = g.rank();
        int[] want = {g.batch(), g.channels(), r};
        if (!Arrays.equals(samples.shape(), want)) {
            throw Check.fail("samples shape", samples.shape(), "must be (N, C, " + r + ") = " + Arrays.toString(want));
        }
        float[] src = samples.data();
        for (int i = 0; i < src.length; i++) {
            if (!(src[i] >= 0f && src[i] < 1f)) throw Check.fail("samples[" + i + "]", src[i], "every sample must be in [0, 1)");
        }
        float[] s = new float[src.length];
        int planes = g.batch() * g.channels();
        for (int p = 0; p < planes; p++) {
            for (int a = 0; a < r; a++) {
                s[p * r + a] = src[p * r + torchSampleIndex(r, a)];
            }
        }
        return s;
    }

    /** PyTorch's fractional pooling reads sample 0 for the width and 1 for the height in 2D; 3D is in axis order. */
    static int torchSampleIndex(int rank, int axis) {
        return rank == 2 ? 1 - axis : axis;
    }
}
