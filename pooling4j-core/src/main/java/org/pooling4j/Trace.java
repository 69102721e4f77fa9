package org.pooling4j;

import org.pooling4j.monitor.PoolEvent;
import org.pooling4j.monitor.PoolMonitor;

/**
 * Observation of pooling calls: the JFR {@link PoolEvent} and the {@link PoolMonitor} aggregates.
 * Every public entry point brackets its kernel call with {@link #event()}, {@link #start} and one
 * of the {@code end} methods. When neither a recording nor the monitor wants the call this costs a
 * flag test, a volatile read and an event object the JIT removes; the shape strings are built only
 * for a call somebody records.
 */
final class Trace {
    /** System property: {@code false} removes the instrumentation (to measure its overhead). */
    static final String PROPERTY = "pooling4j.events";
    static final boolean ON = !"false".equalsIgnoreCase(System.getProperty(PROPERTY));

    /** {@link #start} result for a call nobody observes. */
    static final long UNOBSERVED = Long.MIN_VALUE;

    /** Threads the current thread's call ran on, set by {@link Parallel#run}. */
    private static final ThreadLocal<int[]> USED = ThreadLocal.withInitial(() -> new int[1]);

    private Trace() {}

    /** A begun event, or null when instrumentation is off. */
    static PoolEvent event() {
        if (!ON) return null;
        PoolEvent e = new PoolEvent();
        e.begin();
        return e;
    }

    /** The start time of an observed call, or {@link #UNOBSERVED}. */
    static long start(PoolEvent e) {
        if (e == null || !(PoolMonitor.isEnabled() || e.isEnabled())) return UNOBSERVED;
        USED.get()[0] = 1;
        return System.nanoTime();
    }

    /** Called by {@link Parallel#run} with the threads a call is split over. */
    static void usedThreads(int t) {
        if (ON) USED.get()[0] = t;
    }

    /** Ends a call of a spec-driven operator. */
    static void end(PoolEvent e, long t0, Geometry g, boolean backward, String kernel, long bytes, boolean tuned) {
        if (t0 == UNOBSERVED) return;
        end(e, t0, opName(g.spec().op()), backward, g.rank(), g.layout(), kernel, g.inputShape(), g.outputShape(), bytes, tuned);
    }

    /** Ends a call of any operator. */
    static void end(PoolEvent e, long t0, String op, boolean backward, int rank, Layout layout, String kernel,
            int[] inShape, int[] outShape, long bytes, boolean tuned) {
        if (t0 == UNOBSERVED) return;
        long nanos = System.nanoTime() - t0;
        int threads = USED.get()[0];
        e.end();
        boolean commit = e.shouldCommit();
        boolean monitor = PoolMonitor.isEnabled();
        if (!commit && !monitor) return;
        String dir = backward ? "backward" : "forward";
        String lay = layout == Layout.CHANNELS_LAST ? "channels_last" : "channels_first";
        String in = shape(inShape);
        String out = shape(outShape);
        if (commit) {
            e.op = op;
            e.direction = dir;
            e.rank = rank;
            e.layout = lay;
            e.kernel = kernel;
            e.inputShape = in;
            e.outputShape = out;
            e.bytes = bytes;
            e.threads = threads;
            e.tuned = tuned;
            e.commit();
        }
        if (monitor) PoolMonitor.record(op, dir, kernel, lay, in, out, bytes, nanos, threads);
    }

    static String opName(PoolOp op) {
        switch (op) {
            case MAX: return "max";
            case AVG: return "avg";
            case LP: return "lp";
            case GLOBAL_MAX: return "global_max";
            case GLOBAL_AVG: return "global_avg";
            case GLOBAL_LP: return "global_lp";
            case ADAPTIVE_MAX: return "adaptive_max";
            case ADAPTIVE_AVG: return "adaptive_avg";
            case FRACTIONAL_MAX: return "fractional_max";
            case MAX_UNPOOL: return "max_unpool";
            case STOCHASTIC: return "stochastic";
            case MIXED: return "mixed";
            case GATED: return "gated";
            case WEIGHTED_AVG: return "weighted_avg";
            default: throw new AssertionError(op);
        }
    }

    static String shape(int[] s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length; i++) {
            if (i > 0) b.append('x');
            b.append(s[i]);
        }
        return b.toString();
    }

    /** Bytes of a forward call: input read, output written, indices written (8 bytes each) or compact argmax. */
    static long forwardBytes(Geometry g, int indexBytes) {
        return 4L * g.inputElements() + (4L + indexBytes) * g.outputElements();
    }

    /**
     * Bytes of a backward call: gradient of the output read, gradient of the input written, indices
     * read ({@code indexBytes} per output) and the input read when a max-type argmax is recomputed.
     */
    static long backwardBytes(Geometry g, int indexBytes, boolean readsInput) {
        return (4L + indexBytes) * g.outputElements() + (readsInput ? 8L : 4L) * g.inputElements();
    }
}
