package org.pooling4j.internal.exec;

import org.pooling4j.Geometry;
import org.pooling4j.Layout;
import org.pooling4j.PoolOp;
import org.pooling4j.monitor.PoolEvent;
import org.pooling4j.monitor.PoolKey;
import org.pooling4j.monitor.PoolMonitor;

/**
 * Observation of pooling calls: the JFR {@link PoolEvent} and the {@link PoolMonitor} aggregates.
 * Every public entry point brackets its kernel call with {@link #event()}, {@link #start} and one
 * of the {@code end} methods. When neither a recording nor the monitor wants the call this costs a
 * flag test, a volatile read and an event object the JIT removes; the shape strings are built only
 * for a call somebody records.
 */
public final class Trace {
    /** System property: {@code false} removes the instrumentation (to measure its overhead). */
    public static final String PROPERTY = "pooling4j.events";

    public static final boolean ON = !"false".equalsIgnoreCase(System.getProperty(PROPERTY));

    /** {@link #start} result for a call nobody observes. */
    public static final long UNOBSERVED = Long.MIN_VALUE;

    /** Threads the current thread's call ran on, set by {@link Parallel#run}. */
    private static final ThreadLocal<int[]> USED = ThreadLocal.withInitial(() -> new int[1]);

    private Trace() {}

    // Asks JFR whether the event type is enabled without a new event per call: isEnabled() reads the
    // event class's state, so one instance serves every thread.
    private static final PoolEvent PROBE = new PoolEvent();

    /**
     * A begun event, or null when instrumentation is off or nobody (no JFR recording of the event,
     * no monitor) wants the call; a call nobody observes allocates nothing here.
     */
    public static PoolEvent event() {
        if (!ON || !(PROBE.isEnabled() || PoolMonitor.isEnabled())) return null;
        PoolEvent e = new PoolEvent();
        e.begin();
        return e;
    }

    /** The start time of an observed call, or {@link #UNOBSERVED}. */
    public static long start(PoolEvent e) {
        if (e == null || !(PoolMonitor.isEnabled() || e.isEnabled())) return UNOBSERVED;
        USED.get()[0] = 1;
        return System.nanoTime();
    }

    /** Called by {@link Parallel#run} with the threads a call is split over. */
    public static void usedThreads(int t) {
        if (ON) USED.get()[0] = t;
    }

    /** The monitor key of a spec-driven call, built once per plan and kernel. */
    public static PoolKey key(Geometry g, boolean backward, String kernel) {
        return new PoolKey(
                opName(g.spec().op()),
                backward ? "backward" : "forward",
                kernel,
                g.layout() == Layout.CHANNELS_LAST ? "channels_last" : "channels_first",
                shape(g.inputShape()),
                shape(g.outputShape()));
    }

    /** Ends a call under a prepared key: builds nothing unless a JFR recording takes the event. */
    public static void end(PoolEvent e, long t0, PoolKey key, int rank, long bytes, boolean tuned) {
        if (t0 == UNOBSERVED) return;
        finish(e, System.nanoTime() - t0, key, rank, bytes, tuned);
    }

    /**
     * Ends a call of an operator without a plan (region pooling): its key is built here, and only
     * for a call somebody observes.
     */
    public static void end(
            PoolEvent e,
            long t0,
            String op,
            boolean backward,
            int rank,
            Layout layout,
            String kernel,
            int[] inShape,
            int[] outShape,
            long bytes,
            boolean tuned) {
        if (t0 == UNOBSERVED) return;
        long nanos = System.nanoTime() - t0;
        PoolKey key = new PoolKey(
                op,
                backward ? "backward" : "forward",
                kernel,
                layout == Layout.CHANNELS_LAST ? "channels_last" : "channels_first",
                shape(inShape),
                shape(outShape));
        finish(e, nanos, key, rank, bytes, tuned);
    }

    private static void finish(PoolEvent e, long nanos, PoolKey key, int rank, long bytes, boolean tuned) {
        int threads = USED.get()[0];
        e.end();
        if (e.shouldCommit()) {
            e.op = key.op();
            e.direction = key.direction();
            e.rank = rank;
            e.layout = key.layout();
            e.kernel = key.kernel();
            e.inputShape = key.inputShape();
            e.outputShape = key.outputShape();
            e.bytes = bytes;
            e.threads = threads;
            e.tuned = tuned;
            e.commit();
        }
        if (PoolMonitor.isEnabled()) PoolMonitor.record(key, bytes, nanos, threads);
    }

    /** The operator's name in events and monitor keys ({@link PoolOp#wireName()}). */
    public static String opName(PoolOp op) {
        return op.wireName();
    }

    public static String shape(int[] s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length; i++) {
            if (i > 0) b.append('x');
            b.append(s[i]);
        }
        return b.toString();
    }

    /** Bytes of a forward call: input read, output written, indices written (8 bytes each) or compact argmax. */
    public static long forwardBytes(Geometry g, int indexBytes) {
        return 4L * g.inputElements() + (4L + indexBytes) * g.outputElements();
    }

    /**
     * Bytes of a backward call: gradient of the output read, gradient of the input written, indices
     * read ({@code indexBytes} per output) and the input read when a max-type argmax is recomputed.
     */
    public static long backwardBytes(Geometry g, int indexBytes, boolean readsInput) {
        return (4L + indexBytes) * g.outputElements() + (readsInput ? 8L : 4L) * g.inputElements();
    }
}
