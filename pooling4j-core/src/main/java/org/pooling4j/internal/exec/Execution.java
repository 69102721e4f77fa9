package org.pooling4j.internal.exec;

import org.pooling4j.Argmax;
import org.pooling4j.Geometry;
import org.pooling4j.internal.kernels.FastKernel;
import org.pooling4j.internal.kernels.PoolKernel;
import org.pooling4j.internal.kernels.ReferenceKernel;
import org.pooling4j.internal.kernels.VariantKernel;
import org.pooling4j.monitor.PoolEvent;
import org.pooling4j.monitor.PoolKey;
import org.pooling4j.tuning.Tuner;

/**
 * The one execution path of every pooling call: select (once, when the plan is made), tune (a
 * choice cached per call kind until the tuner's state changes), run, trace. One instance belongs to
 * one plan; it is immutable apart from its caches, which hold values any thread may compute, so
 * any number of threads may run it at once.
 *
 * <p>A call in steady state allocates nothing here: the kernel, the thread count and the monitor
 * key come from the caches, and the event object is not kept when nobody records.
 */
public final class Execution {
    /** The kinds of call a plan runs; each has its own kernel choice, tuner key and byte count. */
    public enum Call {
        FORWARD(false, "values"),
        FORWARD_INDICES(false, "indices"),
        FORWARD_ARGMAX(false, "argmax"),
        BACKWARD(true, "values"),
        BACKWARD_RECOMPUTE(true, "recompute"),
        BACKWARD_INDICES(true, "indices"),
        BACKWARD_ARGMAX(true, "argmax"),
        BACKWARD_WEIGHTS(true, "weights"),
        UNPOOL(false, "unpool"),
        UNPOOL_BACKWARD(true, "unpool");

        final boolean backward;
        final String variant;

        Call(boolean backward, String variant) {
            this.backward = backward;
            this.variant = variant;
        }

        /** Whether this call computes a gradient. */
        public boolean backward() {
            return backward;
        }
    }

    private static final Call[] CALLS = Call.values();
    /** Name reported for the scatter/gather loops of max unpooling. */
    public static final String UNPOOL_KERNEL = "unpool-scalar";

    private final Geometry g;
    // What the kernels other than the reference run (Kernels.kernelGeometry): g, or the sliding
    // windows equal to g's adaptive ones.
    private final Geometry kg;
    private final int threads;
    // The heuristic kernel of each direction, selected on the direction's first call (a kernel
    // forced for one direction must not fail plans that never run the other).
    private volatile PoolKernel forwardKernel;
    private volatile PoolKernel backwardKernel;
    // The compact-argmax kernels, chosen on first use (only max-type plans ever ask).
    private volatile FastKernel argmaxForward;
    private volatile FastKernel argmaxBackward;
    // Per call kind: the tuner's choice with the generation it was made in, and the monitor key of
    // the kernel that last ran it. Written racily: each slot holds one immutable object, and any
    // thread would put an equal one there.
    private final Cached[] choices = new Cached[CALLS.length];
    private final PoolKey[] keys = new PoolKey[CALLS.length];

    private record Cached(Tuner.Choice choice, int generation) {}

    /**
     * An execution of {@code g}. Kernels are selected on first use of each direction, honouring the
     * force-kernel properties as they are then; a forced kernel that declines fails that call,
     * naming its reason.
     */
    public Execution(Geometry g, int threads) {
        this.g = g;
        this.kg = Kernels.kernelGeometry(g);
        this.threads = threads;
    }

    /** The geometry this execution runs. */
    public Geometry geometry() {
        return g;
    }

    /** Most threads a call may use. */
    public int threads() {
        return threads;
    }

    /** The heuristic kernel of a direction (before any tuning); null for max unpooling. */
    public PoolKernel heuristic(boolean backward) {
        if (g.spec().op() == org.pooling4j.PoolOp.MAX_UNPOOL) return null;
        PoolKernel k = backward ? backwardKernel : forwardKernel;
        if (k == null) {
            k = Kernels.select(kg, backward);
            if (backward) backwardKernel = k;
            else forwardKernel = k;
        }
        return k;
    }

    /**
     * Runs one call and returns the name of the kernel that ran. Arguments by kind:
     * <ul>
     *   <li>FORWARD, FORWARD_INDICES: {@code x} input, {@code y} output, {@code idx} indices or null,
     *       {@code samples};
     *   <li>FORWARD_ARGMAX: {@code x} input, {@code y} output, {@code argmax};
     *   <li>BACKWARD, BACKWARD_RECOMPUTE, BACKWARD_INDICES: {@code x} input, {@code dy} gradient of
     *       the output, {@code idx}, {@code samples}, {@code y} gradient of the input;
     *   <li>BACKWARD_ARGMAX: {@code dy}, {@code argmax}, {@code y} gradient of the input;
     *   <li>BACKWARD_WEIGHTS: as BACKWARD plus {@code gradWeights};
     *   <li>UNPOOL: {@code x} pooled values, {@code idx} their indices, {@code y} the zeroed output;
     *       UNPOOL_BACKWARD: {@code dy} gradient of the unpooled output, {@code idx}, {@code y}.
     * </ul>
     * Every argument was checked by the caller; this method checks nothing.
     */
    public String run(
            Call call,
            float[] x,
            float[] dy,
            long[] idx,
            Argmax argmax,
            float[] samples,
            float[] y,
            double[] gradWeights) {
        PoolEvent ev = Trace.event();
        long t0 = Trace.start(ev);
        String kernel;
        boolean tuned = false;
        if (call == Call.UNPOOL || call == Call.UNPOOL_BACKWARD) {
            unpool(call == Call.UNPOOL, x, dy, idx, y);
            kernel = UNPOOL_KERNEL;
        } else if (call == Call.BACKWARD_WEIGHTS) {
            // Weight gradients come from the variant kernel or the reference kernel (the others decline
            // these operators).
            PoolKernel h = heuristic(true);
            if (h instanceof VariantKernel) {
                ((VariantKernel) h).backward(g, x, dy, null, null, y, gradWeights, threads);
                kernel = h.name();
            } else {
                ReferenceKernel ref = h instanceof ReferenceKernel ? (ReferenceKernel) h : Kernels.reference();
                ref.backward(g, x, dy, null, null, y, gradWeights);
                kernel = ref.name();
            }
        } else {
            PoolKernel k = call == Call.FORWARD_ARGMAX || call == Call.BACKWARD_ARGMAX
                    ? argmaxKernel(call.backward)
                    : heuristic(call.backward);
            int t = threads;
            if (Tuner.active(g)) {
                Tuner.Choice c = choice(call, k, x, dy, idx, argmax, samples, y);
                k = c.kernel();
                t = c.threads();
                tuned = c.tuned();
            }
            runKernel(call, k, t, x, dy, idx, argmax, samples, y);
            kernel = k.name();
        }
        if (t0 != Trace.UNOBSERVED) Trace.end(ev, t0, key(call, kernel), g.rank(), bytes(call, idx != null), tuned);
        return kernel;
    }

    /**
     * Gated forward on the variant kernel, keeping per output the gate, the window's maximum and its
     * winner for {@link #runGatesBackward}; observed as a forward call. The caller has checked that the
     * heuristic forward kernel is the variant kernel.
     */
    public String runGates(float[] x, float[] y, double[] gates, float[] maxima, int[] winners) {
        PoolEvent ev = Trace.event();
        long t0 = Trace.start(ev);
        VariantKernel k = (VariantKernel) heuristic(false);
        k.forwardGates(g, x, y, gates, maxima, winners, threads);
        if (t0 != Trace.UNOBSERVED)
            Trace.end(ev, t0, key(Call.FORWARD, k.name()), g.rank(), bytes(Call.FORWARD, false), false);
        return k.name();
    }

    /**
     * Gated backward with weight gradients from what {@link #runGates} kept (the variant kernel;
     * as {@link Call#BACKWARD_WEIGHTS} otherwise, recomputing).
     */
    public String runGatesBackward(
            float[] x,
            float[] dy,
            float[] gradIn,
            double[] gradWeights,
            double[] gates,
            float[] maxima,
            int[] winners) {
        PoolEvent ev = Trace.event();
        long t0 = Trace.start(ev);
        PoolKernel h = heuristic(true);
        String kernel;
        if (h instanceof VariantKernel) {
            ((VariantKernel) h).backward(g, x, dy, null, null, gradIn, gradWeights, gates, maxima, winners, threads);
            kernel = h.name();
        } else {
            ReferenceKernel ref = h instanceof ReferenceKernel ? (ReferenceKernel) h : Kernels.reference();
            ref.backward(g, x, dy, null, null, gradIn, gradWeights);
            kernel = ref.name();
        }
        if (t0 != Trace.UNOBSERVED) {
            Trace.end(ev, t0, key(Call.BACKWARD_WEIGHTS, kernel), g.rank(), bytes(Call.BACKWARD_WEIGHTS, false), false);
        }
        return kernel;
    }

    private FastKernel argmaxKernel(boolean backward) {
        FastKernel k = backward ? argmaxBackward : argmaxForward;
        if (k == null) {
            k = Kernels.selectArgmax(kg, backward);
            if (backward) argmaxBackward = k;
            else argmaxForward = k;
        }
        return k;
    }

    private Tuner.Choice choice(
            Call call,
            PoolKernel heuristic,
            float[] x,
            float[] dy,
            long[] idx,
            Argmax argmax,
            float[] samples,
            float[] y) {
        int i = call.ordinal();
        int gen = Tuner.generation();
        Cached c = choices[i];
        if (c != null && c.generation() == gen) return c.choice();
        boolean fastOnly = call == Call.FORWARD_ARGMAX || call == Call.BACKWARD_ARGMAX;
        Tuner.Choice made = Tuner.choose(
                kg,
                call.backward,
                call.variant,
                threads,
                heuristic,
                fastOnly,
                (kk, tt) -> runKernel(call, kk, tt, x, dy, idx, argmax, samples, y));
        choices[i] = new Cached(made, gen);
        return made;
    }

    private void runKernel(
            Call call,
            PoolKernel k,
            int t,
            float[] x,
            float[] dy,
            long[] idx,
            Argmax argmax,
            float[] samples,
            float[] y) {
        Geometry geo = k instanceof ReferenceKernel ? g : kg;
        switch (call) {
            case FORWARD:
            case FORWARD_INDICES:
                k.forward(geo, x, y, idx, samples, t);
                break;
            case FORWARD_ARGMAX:
                ((FastKernel) k).forwardArgmax(geo, x, y, argmax, t);
                break;
            case BACKWARD:
            case BACKWARD_RECOMPUTE:
            case BACKWARD_INDICES:
                k.backward(geo, x, dy, idx, samples, y, t);
                break;
            case BACKWARD_ARGMAX:
                ((FastKernel) k).backwardArgmax(geo, dy, argmax, y, t);
                break;
            default:
                throw new AssertionError(call);
        }
    }

    /** Max unpooling's scatter (forward) and gather (backward); the output was zeroed by the caller. */
    private void unpool(boolean forward, float[] x, float[] dy, long[] idx, float[] y) {
        int ps = g.positionStride();
        for (int n = 0; n < g.batch(); n++) {
            for (int c = 0; c < g.channels(); c++) {
                int inBase = g.planeBase(n, c, g.inPlane());
                int outBase = g.planeBase(n, c, g.outPlane());
                for (int i = 0; i < g.inPlane(); i++) {
                    int at = inBase + i * ps;
                    if (forward) {
                        y[outBase + (int) idx[at] * ps] = x[at];
                    } else {
                        y[at] = dy[outBase + (int) idx[at] * ps];
                    }
                }
            }
        }
    }

    private PoolKey key(Call call, String kernel) {
        int i = call.ordinal();
        PoolKey k = keys[i];
        if (k == null || !k.kernel().equals(kernel)) keys[i] = k = Trace.key(g, call.backward, kernel);
        return k;
    }

    /** Bytes a call moves: what its kernel must read and write at least. */
    private long bytes(Call call, boolean withIndices) {
        switch (call) {
            case FORWARD:
            case FORWARD_INDICES:
                return Trace.forwardBytes(g, withIndices ? 8 : 0);
            case FORWARD_ARGMAX:
                return Trace.forwardBytes(g, Argmax.bytesPerEntry(g));
            case BACKWARD:
            case BACKWARD_RECOMPUTE:
            case BACKWARD_INDICES:
                return Trace.backwardBytes(
                        g,
                        withIndices ? 8 : 0,
                        (g.spec().op().isMaxType() && !withIndices)
                                || g.spec().op().isBeyond());
            case BACKWARD_ARGMAX:
                return Trace.backwardBytes(g, Argmax.bytesPerEntry(g), false);
            case BACKWARD_WEIGHTS:
                return Trace.backwardBytes(g, 0, true) + 8L * g.spec().tapWeights().length;
            case UNPOOL:
                // Unpooling's "input" is the pooled tensor: it reads it and the indices, and writes the larger output.
                return 12L * g.inputElements() + 4L * g.outputElements();
            case UNPOOL_BACKWARD:
                return 16L * g.inputElements();
            default:
                throw new AssertionError(call);
        }
    }
}
