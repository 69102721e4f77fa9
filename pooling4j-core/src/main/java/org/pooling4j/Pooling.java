package org.pooling4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pooling4j.internal.Budget;
import org.pooling4j.internal.CallChecks;
import org.pooling4j.internal.Check;
import org.pooling4j.internal.exec.Kernels;
import org.pooling4j.internal.exec.Parallel;

/**
 * The entry points: forward and backward of every operator. Each call validates everything (spec
 * against input, related tensors against each other, user-given indices and samples) before it
 * allocates or computes, then runs the kernel the dispatcher picks ({@link Kernels}). The checks
 * include the memory and work budgets of {@link Limits}: a call that would allocate more than
 * {@link Limits#maxBytes()} at once or read more than {@link Limits#maxWork()} input values is refused.
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
        System.getLogger("org.pooling4j")
                .log(
                        System.Logger.Level.WARNING,
                        "pooling4j: ignoring -D" + THREADS_PROPERTY + "=" + v + " (must be an integer in [1, "
                                + Parallel.MAX_THREADS + "]); using " + cpus);
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
            throw Check.fail(
                    "threads", threads, "must be 0 (the library-wide count) or in [1, " + Parallel.MAX_THREADS + "]");
        }
        return threads == 0 ? defaultThreads : threads;
    }

    /**
     * One line on the kernels' row operations: {@code "simd: ..."} with the vector width when the SIMD
     * kernels run, otherwise {@code "scalar: "} followed by the reason and its remedy. The SIMD kernels
     * need both the module {@code pooling4j-vector} on the class path and the JVM option
     * {@code --add-modules jdk.incubator.vector}; when either is missing the library logs the same
     * reason once (logger {@code org.pooling4j}, level WARNING) and runs the scalar kernels, which give
     * the same results more slowly. {@code -Dpooling4j.simd=false} chooses the scalar kernels without
     * the warning. Checking this at start-up, e.g.
     * {@code if (!Pooling.vectorization().startsWith("simd")) log.warn(...)}, makes a missing option visible.
     *
     * @return for example {@code "simd: 512-bit vectors, 16 float lanes"} or
     *     {@code "scalar: SIMD kernels need the JDK Vector API; run java with --add-modules
     *     jdk.incubator.vector; using scalar kernels"}
     */
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
        if (spec.op() == PoolOp.STOCHASTIC) CallChecks.checkNonNegative(g, input);
        return g;
    }

    /** Name of the kernel the dispatcher would choose (before tuning) for a call on {@code input}. */
    public static String kernelFor(PoolSpec spec, Tensor input, boolean backward) {
        Check.notNull(input, "input");
        return plan(spec, input.shape(), input.layout()).kernel(backward);
    }

    // ---- plans -----------------------------------------------------------------------------------

    /** Plans kept by the convenience entry points below, least recently used dropped first. */
    static final int PLAN_CACHE_SIZE = 64;

    // The force-kernel properties are part of the key: a plan keeps the kernel chosen under them.
    private record PlanKey(
            PoolSpec spec, List<Integer> shape, Layout layout, int threads, String forced, String forcedBackward) {}

    private static final Map<PlanKey, PoolPlan> PLANS = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PlanKey, PoolPlan> eldest) {
            return size() > PLAN_CACHE_SIZE;
        }
    };

    /**
     * Resolves {@code spec} against an input shape and layout once (every shape check, the kernel
     * choice, the window tables) into a plan that runs many calls without allocating; calls use at
     * most {@link #threads()} threads (the count when the plan is made).
     *
     * @throws IllegalArgumentException when the spec cannot apply to the shape, naming the rule
     */
    public static PoolPlan plan(PoolSpec spec, int[] inputShape, Layout layout) {
        return plan(spec, inputShape, layout, 0);
    }

    /** {@link #plan(PoolSpec, int[], Layout)} whose calls use at most {@code threads} threads (0: the library-wide count). */
    public static PoolPlan plan(PoolSpec spec, int[] inputShape, Layout layout, int threads) {
        Check.notNull(spec, "spec");
        Check.notNull(inputShape, "inputShape");
        Check.notNull(layout, "layout");
        int t = resolveThreads(threads);
        Geometry g = Geometry.of(spec, inputShape.clone(), layout);
        return new PoolPlan(g, t);
    }

    /** A plan from the bounded cache the convenience entry points share, made on a miss. */
    private static PoolPlan cached(PoolSpec spec, Tensor input, int threads) {
        Check.notNull(spec, "spec");
        Check.notNull(input, "input");
        PoolPlan p = cached(spec, input.shape(), input.layout(), threads);
        if (spec.op() == PoolOp.STOCHASTIC) CallChecks.checkNonNegative(p.geometry(), input);
        return p;
    }

    private static PoolPlan cached(PoolSpec spec, int[] shape, Layout layout, int threads) {
        int t = resolveThreads(threads);
        List<Integer> key = new ArrayList<>(shape.length);
        for (int d : shape) key.add(d);
        PlanKey k = new PlanKey(
                spec,
                key,
                layout,
                t,
                System.getProperty(Kernels.FORCE_PROPERTY),
                System.getProperty(Kernels.FORCE_BACKWARD_PROPERTY));
        PoolPlan p;
        synchronized (PLANS) {
            p = PLANS.get(k);
        }
        if (p == null) {
            p = new PoolPlan(Geometry.of(spec, shape, layout), t);
            synchronized (PLANS) {
                PLANS.put(k, p);
            }
        }
        return p;
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
        PoolPlan p = cached(spec, input, threads);
        CallChecks.notUnpool(spec);
        Tensor out = p.newOutput();
        p.forward(input, out);
        return out;
    }

    /**
     * Forward pooling into a preallocated {@code output} (the output shape, the input's layout, not
     * sharing the input's array); every element is written. Fractional max pooling draws its samples
     * from the spec's seed.
     *
     * @return the name of the kernel that ran
     */
    public static String forwardInto(PoolSpec spec, Tensor input, Tensor output, int threads) {
        return cached(spec, input, threads).forward(input, output);
    }

    /**
     * As {@link #forwardInto(PoolSpec, Tensor, Tensor, int)}, and for max-type operators also the
     * per-plane argmax into {@code indices} when it is not null.
     */
    public static String forwardInto(PoolSpec spec, Tensor input, Tensor output, LongTensor indices, int threads) {
        PoolPlan p = cached(spec, input, threads);
        return indices == null ? p.forward(input, output) : p.forwardWithIndices(input, output, indices);
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
        PoolPlan p = cached(spec, input, threads);
        CallChecks.checkSameShape(p.geometry(), output, "output");
        Argmax a = p.newArgmax();
        p.forwardArgmax(input, output, a);
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
        PoolPlan p = cached(g.spec(), g.inputShape(), g.layout(), threads);
        return p.backwardArgmax(argmax, gradOutput, gradInput);
    }

    /**
     * Backward into a preallocated {@code gradInput} (every element written). For max-type operators
     * {@code indices} (per-plane, as the forward returns them) routes the gradient, or when null the
     * argmax is recomputed from {@code input}; for other operators {@code indices} must be null.
     *
     * @return the name of the kernel that ran
     */
    public static String backwardInto(
            PoolSpec spec, Tensor input, Tensor gradOutput, LongTensor indices, Tensor gradInput, int threads) {
        PoolPlan p = cached(spec, input, threads);
        return indices == null
                ? p.backward(input, gradOutput, gradInput)
                : p.backward(input, gradOutput, indices, gradInput);
    }

    /**
     * Forward pooling with indices: max-type operators (max, global max, adaptive max, fractional max
     * from the seed) and stochastic pooling in training mode (uniforms from the seed).
     */
    public static Pooled forwardWithIndices(PoolSpec spec, Tensor input) {
        PoolPlan p = cached(spec, input, 0);
        CallChecks.requireIndexed(spec);
        Tensor out = p.newOutput();
        LongTensor idx = p.newIndices();
        String k = p.forwardWithIndices(input, out, idx);
        return new Pooled(out, idx, k);
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
        PoolPlan p = cached(spec, input, 0);
        CallChecks.requireOp(spec, PoolOp.STOCHASTIC);
        Geometry g = p.geometry();
        float[] u = spec.training() ? (uniforms == null ? p.samples() : CallChecks.checkUniforms(g, uniforms)) : null;
        return run(p, input, u, spec.training());
    }

    /**
     * Gradient of stochastic pooling with respect to its input. Training: {@code gradOutput} goes to
     * the tap drawn with the same {@code uniforms} (or the spec's seed when null) as the forward; to
     * route by the forward's indices instead use {@link #backward(PoolSpec, Tensor, Tensor, LongTensor)}.
     * Evaluation: the exact gradient of {@code sum a_i^2 / sum a_i}, {@code (2 a_j S - Q) / S^2}, 0 in
     * an all-zero window; {@code uniforms} is ignored.
     */
    public static Tensor stochasticPoolBackward(PoolSpec spec, Tensor input, Tensor gradOutput, Tensor uniforms) {
        PoolPlan p = cached(spec, input, 0);
        CallChecks.requireOp(spec, PoolOp.STOCHASTIC);
        Geometry g = p.geometry();
        CallChecks.checkSameShape(g, gradOutput, "gradOutput");
        float[] u = spec.training() ? (uniforms == null ? p.samples() : CallChecks.checkUniforms(g, uniforms)) : null;
        Tensor gradIn = p.newGradInput();
        p.backwardWithSamples(input, gradOutput, u, gradIn.data());
        return gradIn;
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
        return backwardWithWeights(spec, input, gradOutput, null);
    }

    /**
     * Gated pooling forward into {@code output} that keeps, per window, what its backward needs (the
     * gate, the maximum and its position) for {@link #backwardWithWeights(PoolSpec, Tensor, Tensor,
     * GateCache)}. The output is the same as {@link #forwardInto(PoolSpec, Tensor, Tensor, int)}'s.
     *
     * @throws IllegalArgumentException for other operators, or when the cache (16 bytes per output)
     *     exceeds the memory budget
     */
    public static GateCache gatedForwardInto(PoolSpec spec, Tensor input, Tensor output) {
        return gatedForwardInto(spec, input, output, null);
    }

    /**
     * As {@link #gatedForwardInto(PoolSpec, Tensor, Tensor)}, refilling {@code reuse} (the cache of an
     * earlier gated forward, of any spec) when it holds as many outputs as this forward has, so that a
     * training step allocates no cache; otherwise, or when {@code reuse} is null, a new one. Returns
     * the cache filled, which then belongs to this forward only.
     *
     * @throws IllegalArgumentException for other operators, or when a new cache (16 bytes per output)
     *     would exceed the memory budget
     */
    public static GateCache gatedForwardInto(PoolSpec spec, Tensor input, Tensor output, GateCache reuse) {
        PoolPlan p = cached(spec, input, 0);
        CallChecks.requireOp(spec, PoolOp.GATED);
        Geometry g = p.geometry();
        if (reuse != null && reuse.fits(g)) {
            CallChecks.checkSameShape(g, output, "output");
            reuse.renew(g);
            p.forwardGates(input, output, reuse);
            return reuse;
        }
        Budget.bytes(
                "input shape",
                input.shape(),
                "the gate cache",
                g.outputElements(),
                GateCache.BYTES_PER_OUTPUT,
                g.outputElements() + " outputs x " + GateCache.BYTES_PER_OUTPUT + " bytes");
        GateCache cache = new GateCache(g);
        p.forwardGates(input, output, cache);
        return cache;
    }

    /**
     * As {@link #backwardWithWeights(PoolSpec, Tensor, Tensor)}, from what a gated forward kept in
     * {@code cache} ({@link #gatedForwardInto}) on this spec and input; {@code cache} may be null (the
     * backward then recomputes). The gradients are the same bits either way.
     *
     * @throws IllegalArgumentException also when {@code cache} belongs to another spec or input shape
     */
    public static Gradients backwardWithWeights(PoolSpec spec, Tensor input, Tensor gradOutput, GateCache cache) {
        PoolPlan p = cached(spec, input, 0);
        if (!spec.op().hasWeights())
            throw Check.fail("spec.op", spec.op(), "only GATED and WEIGHTED_AVG have learnable weights");
        if (spec.weightsShape() == null) {
            throw Check.fail(
                    "sigma", spec.sigma(), "a Gaussian weighted average has fixed weights and so no weight gradient");
        }
        CallChecks.checkSameShape(p.geometry(), gradOutput, "gradOutput");
        if (cache != null) {
            CallChecks.checkSameProblem(
                    cache.geometry(), p.geometry(), "cache", "must come from a forward of this spec and input shape");
        }
        // The kernels keep one partial weight gradient per plane and tap (summed in plane order).
        Geometry g = p.geometry();
        long partial = Budget.times((long) g.batch() * g.channels(), spec.windowTaps());
        if (partial > Check.MAX_ELEMENTS)
            throw Check.fail(
                    "input shape",
                    input.shape(),
                    "the weight gradient's workspace of " + g.batch() + " x " + g.channels() + " planes x "
                            + spec.windowTaps() + " taps does not fit in a Java array");
        Budget.bytes(
                "input shape",
                input.shape(),
                "the weight gradient's workspace",
                partial,
                Double.BYTES,
                g.batch() + " x " + g.channels() + " planes x " + spec.windowTaps() + " taps doubles");
        Tensor gradIn = p.newGradInput();
        double[] gw = new double[spec.tapWeights().length];
        if (cache == null) p.backwardWithWeights(input, gradOutput, gradIn.data(), gw);
        else p.backwardWithWeights(input, gradOutput, gradIn.data(), gw, cache);
        float[] w = new float[gw.length];
        for (int i = 0; i < w.length; i++) w[i] = (float) gw[i];
        return new Gradients(gradIn, new Tensor(w, spec.weightsShape(), Layout.CHANNELS_FIRST));
    }

    /**
     * Fractional max pooling with PyTorch's {@code _random_samples}: shape (N, C, rank) (N = 1 for an
     * unbatched input), values in [0, 1); for 2D, sample 0 drives the width and sample 1 the height,
     * for 3D samples 0, 1, 2 drive depth, height, width (PyTorch's order). {@code samples == null}
     * draws them from the spec's seed.
     */
    public static Pooled fractionalMaxPool(PoolSpec spec, Tensor input, Tensor samples) {
        PoolPlan p = cached(spec, input, 0);
        CallChecks.requireOp(spec, PoolOp.FRACTIONAL_MAX);
        float[] s = samples == null ? p.samples() : CallChecks.torchSamples(p.geometry(), samples);
        return run(p, input, s, true);
    }

    private static Pooled run(PoolPlan p, Tensor input, float[] samples, boolean withIndices) {
        Tensor out = p.newOutput();
        LongTensor idx = withIndices ? p.newIndices() : null;
        String kernel = p.forwardWithSamples(input, out.data(), idx == null ? null : idx.data(), samples);
        return new Pooled(out, idx, kernel);
    }

    /**
     * Gradient with respect to {@code input} given the gradient of the output. Max-type operators
     * recompute the argmax from {@code input} (the same first-in-scan-order rule as forward).
     */
    public static Tensor backward(PoolSpec spec, Tensor input, Tensor gradOutput) {
        PoolPlan p = cached(spec, input, 0);
        CallChecks.notUnpool(spec);
        CallChecks.checkSameShape(p.geometry(), gradOutput, "gradOutput");
        Tensor gradIn = p.newGradInput();
        p.backward(input, gradOutput, gradIn);
        return gradIn;
    }

    /**
     * Max-type backward routed by given per-plane indices (as returned by the forward). An index of
     * -1 (no element won, {@link MaxFloor#LOWEST_FINITE}) and the index of a window lying entirely in
     * padding route no gradient; any other index must name a position of the input plane.
     */
    public static Tensor backward(PoolSpec spec, Tensor input, Tensor gradOutput, LongTensor indices) {
        PoolPlan p = cached(spec, input, 0);
        CallChecks.requireIndexed(spec);
        CallChecks.checkSameShape(p.geometry(), gradOutput, "gradOutput");
        CallChecks.checkArgmax(p.geometry(), indices);
        Tensor gradIn = p.newGradInput();
        p.backward(input, gradOutput, indices, gradIn);
        return gradIn;
    }

    /** Fractional max pooling backward with the same samples as the forward (or the spec's seed when null). */
    public static Tensor fractionalMaxPoolBackward(PoolSpec spec, Tensor input, Tensor gradOutput, Tensor samples) {
        PoolPlan p = cached(spec, input, 0);
        CallChecks.requireOp(spec, PoolOp.FRACTIONAL_MAX);
        CallChecks.checkSameShape(p.geometry(), gradOutput, "gradOutput");
        float[] s = samples == null ? p.samples() : CallChecks.torchSamples(p.geometry(), samples);
        Tensor gradIn = p.newGradInput();
        p.backwardWithSamples(input, gradOutput, s, gradIn.data());
        return gradIn;
    }

    /**
     * Max unpooling: scatters {@code input} to the per-plane positions in {@code indices} of a
     * zero-filled output whose size is the default {@code (I-1)*s - 2*pad + k} or the spec's output
     * size. When two values name the same position, the later one in scan order wins.
     */
    public static Tensor maxUnpool(PoolSpec spec, Tensor input, LongTensor indices) {
        PoolPlan p = cached(spec, input, 0);
        CallChecks.requireOp(spec, PoolOp.MAX_UNPOOL);
        CallChecks.checkIndices(
                p.geometry(),
                indices,
                p.geometry().inputShapeRef(),
                p.geometry().outPlane(),
                "indices");
        Tensor out = p.newOutput();
        p.maxUnpool(input, indices, out);
        return out;
    }

    /** Gradient of max unpooling with respect to its {@code input}: {@code gradOutput} gathered at the indices. */
    public static Tensor maxUnpoolBackward(PoolSpec spec, Tensor input, LongTensor indices, Tensor gradOutput) {
        PoolPlan p = cached(spec, input, 0);
        CallChecks.requireOp(spec, PoolOp.MAX_UNPOOL);
        CallChecks.checkIndices(
                p.geometry(),
                indices,
                p.geometry().inputShapeRef(),
                p.geometry().outPlane(),
                "indices");
        CallChecks.checkSameShape(p.geometry(), gradOutput, "gradOutput");
        Tensor gradIn = p.newGradInput();
        p.maxUnpoolBackward(indices, gradOutput, gradIn);
        return gradIn;
    }
}
