package org.pooling4j.bench;

import java.util.SplittableRandom;
import org.pooling4j.Argmax;
import org.pooling4j.GateCache;
import org.pooling4j.LongTensor;
import org.pooling4j.PoolOp;
import org.pooling4j.PoolPlan;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooled;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;
import org.pooling4j.bench.BenchCase.Kind;

/**
 * The pooling4j side of one case: its tensors, allocated and filled once, and the call that is
 * timed. Drop the object to release the arrays (they are the bulk of the bench's memory).
 *
 * <ul>
 *   <li>forward: random input, preallocated output; times {@code Pooling.forwardInto};</li>
 *   <li>max backward: the compact argmax of a random input is computed once here (not timed),
 *       then input and output are dropped; times {@code Pooling.backwardInto(argmax, gradOutput,
 *       gradInput, threads)};</li>
 *   <li>average backward: times {@code Pooling.backwardInto(spec, input, gradOutput, null,
 *       gradInput, threads)} (the input is only its shape to an average backward).</li>
 *   <li>training forward and backward: the calls pooling4j-nn's {@code PoolLayer} makes, on an
 *       input after a ReLU, with stochastic uniforms and fractional samples drawn once from the seed
 *       (fixed across calls); the stochastic and fractional backwards route by the taps the forward
 *       picked (computed once here, not timed), as the layer does. Calls that return new tensors ({@code stochasticPool},
 *       {@code fractionalMaxPool}, {@code backward}, {@code backwardWithWeights}) allocate them in
 *       the timed call, as in training; those calls run on the library-wide thread count, which the
 *       call sets to the measured count ({@link BenchRunner} restores it after each case).</li>
 * </ul>
 */
public final class Workload {
    private final BenchCase c;
    private Tensor input;
    private Tensor output;
    private Tensor gradOutput;
    private Tensor gradInput;
    private Argmax argmax;
    private PoolPlan plan;
    /** Stochastic uniforms (output's shape) or fractional samples (N, C, 2); null otherwise. */
    private Tensor draws;

    private final long bytes;

    /** Allocates and fills the tensors of {@code c} from {@code seed}. */
    public Workload(BenchCase c, long seed) {
        this.c = c;
        int[] inShape = c.inputShape();
        int[] outShape = c.outputShape();
        input = new Tensor(random(Math.toIntExact(c.inputElements()), seed), inShape, c.layout());
        output = Tensor.zeros(c.layout(), outShape);
        switch (c.kind()) {
            case FORWARD:
                bytes = c.bytesMoved(0);
                break;
            case MAX_BACKWARD:
                argmax = Pooling.forwardArgmax(
                        c.spec(), input, output, Runtime.getRuntime().availableProcessors());
                input = null;
                output = null;
                gradOutput = new Tensor(random(Math.toIntExact(c.outputElements()), seed + 1), outShape, c.layout());
                gradInput = Tensor.zeros(c.layout(), inShape);
                bytes = c.bytesMoved(argmax.bytesPerEntry());
                break;
            case AVG_BACKWARD:
                output = null;
                gradOutput = new Tensor(random(Math.toIntExact(c.outputElements()), seed + 1), outShape, c.layout());
                gradInput = Tensor.zeros(c.layout(), inShape);
                bytes = c.bytesMoved(0);
                break;
            case TRAINING_FORWARD:
            case TRAINING_BACKWARD:
                bytes = prepareTraining(seed);
                break;
            default:
                throw new AssertionError(c.kind());
        }
    }

    /** The training kinds' state; returns the bytes one call moves. */
    private long prepareTraining(long seed) {
        float[] x = input.data();
        // The layers pool after a ReLU, and stochastic pooling needs inputs >= 0.
        for (int i = 0; i < x.length; i++) x[i] = Math.max(x[i], 0f);
        PoolOp op = c.spec().op();
        int[] outShape = c.outputShape();
        if (op == PoolOp.STOCHASTIC) {
            draws = Tensor.of(uniforms(Math.toIntExact(c.outputElements()), seed + 2), outShape);
        } else if (op == PoolOp.FRACTIONAL_MAX) {
            int[] in = c.inputShape();
            draws = Tensor.of(uniforms(in[0] * in[1] * 2, seed + 2), in[0], in[1], 2);
        }
        int argmaxBytes = 0;
        // Max and adaptive max train with the compact argmax, as PoolLayer does.
        boolean argmaxed = op == PoolOp.MAX || op == PoolOp.ADAPTIVE_MAX;
        if (argmaxed) {
            plan = Pooling.plan(c.spec(), c.inputShape(), c.layout());
            argmax = plan.newArgmax();
            argmaxBytes = argmax.bytesPerEntry();
        }
        if (c.kind() == Kind.TRAINING_BACKWARD) {
            gradOutput = new Tensor(random(Math.toIntExact(c.outputElements()), seed + 1), outShape, c.layout());
            if (argmaxed) {
                plan.forwardArgmax(input, output, argmax);
                // As for the plain max backward cases, the argmax replaces the input.
                input = null;
            }
            if (op == PoolOp.GATED) gates = Pooling.gatedForwardInto(c.spec(), input, Tensor.zeros(outShape));
            // Stochastic and fractional training route the gradient by the taps the forward picked,
            // as PoolLayer does (not by drawing every window again): the forward runs once here.
            if (op == PoolOp.STOCHASTIC) {
                pickedTaps = Pooling.stochasticPool(c.spec(), input, draws).indices();
                argmaxBytes = Long.BYTES;
            } else if (op == PoolOp.FRACTIONAL_MAX) {
                pickedTaps = Pooling.fractionalMaxPool(c.spec(), input, draws).indices();
                argmaxBytes = Long.BYTES;
            }
            // Max and average write into a preallocated gradient; the other calls return a new one.
            if (argmaxed || op == PoolOp.AVG) gradInput = Tensor.zeros(c.layout(), c.inputShape());
            output = null;
        }
        return c.bytesMoved(argmaxBytes);
    }

    public BenchCase benchCase() {
        return c;
    }

    /** Bytes one call reads or writes ({@link BenchCase#bytesMoved} with this argmax's entry size). */
    public long bytesMoved() {
        return bytes;
    }

    /** The forward input (null for max backward, whose input is dropped once the argmax exists). */
    public Tensor input() {
        return input;
    }

    /** The forward output as the last call left it (null for backward cases). */
    public Tensor output() {
        return output;
    }

    /** The gradient with respect to the input as the last call left it (null for forward cases). */
    public Tensor gradInput() {
        return gradInput;
    }

    /** The compact argmax's bytes per entry (0 unless max backward). */
    public int argmaxBytesPerEntry() {
        return argmax == null ? 0 : argmax.bytesPerEntry();
    }

    /** The timed call on {@code threads} threads; it returns the name of the kernel that ran. */
    public Timing.Call call(int threads) {
        switch (c.kind()) {
            case FORWARD:
                return () -> Pooling.forwardInto(c.spec(), input, output, threads);
            case MAX_BACKWARD:
                return () -> Pooling.backwardInto(argmax, gradOutput, gradInput, threads);
            case AVG_BACKWARD:
                return () -> Pooling.backwardInto(c.spec(), input, gradOutput, null, gradInput, threads);
            case TRAINING_FORWARD:
                return trainingForward(threads);
            case TRAINING_BACKWARD:
                return trainingBackward(threads);
            default:
                throw new AssertionError(c.kind());
        }
    }

    private Timing.Call trainingForward(int threads) {
        PoolSpec spec = c.spec();
        switch (spec.op()) {
            case MAX:
            case ADAPTIVE_MAX: {
                // PoolLayer's training forward: the plan's forward with the compact argmax for backward.
                PoolPlan p = Pooling.plan(spec, c.inputShape(), c.layout(), threads);
                return () -> p.forwardArgmax(input, output, argmax);
            }
            case STOCHASTIC:
                return () -> {
                    Pooling.setThreads(threads);
                    Pooled r = Pooling.stochasticPool(spec, input, draws);
                    output = r.values();
                    return r.kernel();
                };
            case FRACTIONAL_MAX:
                return () -> {
                    Pooling.setThreads(threads);
                    Pooled r = Pooling.fractionalMaxPool(spec, input, draws);
                    output = r.values();
                    return r.kernel();
                };
            case GATED:
                // PoolLayer's gated forward keeps its gates, maxima and winners for the backward.
                return () -> {
                    Pooling.setThreads(threads);
                    // Each step refills the cache of the step before, as the layer does.
                    gates = Pooling.gatedForwardInto(spec, input, output, gates);
                    return gates.kernel();
                };
            default:
                return () -> Pooling.forwardInto(spec, input, output, threads);
        }
    }

    private Timing.Call trainingBackward(int threads) {
        PoolSpec spec = c.spec();
        // The label of the calls that do not return their kernel's name: looked up once, not timed.
        String kernel = input == null ? null : Pooling.kernelFor(spec, input, true);
        switch (spec.op()) {
            case MAX:
            case ADAPTIVE_MAX:
                return () -> Pooling.backwardInto(argmax, gradOutput, gradInput, threads);
            case AVG:
                // The layer's Pooling.backward, into a preallocated gradient (the same kernel).
                return () -> Pooling.backwardInto(spec, input, gradOutput, null, gradInput, threads);
            case STOCHASTIC:
            case FRACTIONAL_MAX:
                // PoolLayer's training backward: by the forward's picked taps.
                return () -> {
                    Pooling.setThreads(threads);
                    gradInput = Pooling.backward(spec, input, gradOutput, pickedTaps);
                    return kernel;
                };
            case GATED:
            case WEIGHTED_AVG:
                return () -> {
                    Pooling.setThreads(threads);
                    // Gated: from the forward's cache (made once, untimed), as PoolLayer does.
                    Pooling.Gradients g = Pooling.backwardWithWeights(spec, input, gradOutput, gates);
                    gradInput = g.input();
                    weightGrad = g.weights();
                    return kernel;
                };
            default:
                return () -> {
                    Pooling.setThreads(threads);
                    gradInput = Pooling.backward(spec, input, gradOutput);
                    return kernel;
                };
        }
    }

    private Tensor weightGrad;

    /** The taps the stochastic or fractional training forward picked (their backward cases), else null. */
    private LongTensor pickedTaps;

    /** Gated training's forward cache (the backward cases make it once, before timing), else null. */
    private GateCache gates;

    /** The weight gradient of the last gated or weighted-average training backward, else null. */
    public Tensor weightGrad() {
        return weightGrad;
    }

    /** {@code n} floats uniform in [0, 1) from {@code seed} (24 random bits, so never 1). */
    static float[] uniforms(int n, long seed) {
        float[] a = new float[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) a[i] = (r.nextInt() >>> 8) * 0x1p-24f;
        return a;
    }

    /** {@code n} floats uniform in [-1, 1) from {@code seed}. */
    public static float[] random(int n, long seed) {
        float[] a = new float[n];
        SplittableRandom r = new SplittableRandom(seed);
        // 24 random bits scaled to [-1, 1): every value exactly representable, ties unlikely.
        for (int i = 0; i < n; i++) a[i] = ((r.nextInt() >> 8) * 0x1p-23f);
        return a;
    }
}
