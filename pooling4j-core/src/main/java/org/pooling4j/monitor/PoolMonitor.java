package org.pooling4j.monitor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Live aggregates of pooling calls, per key (operator, direction, kernel, layout, input and output
 * shape): count, total time, mean, p50 and p99 latency, GB/s and % of the machine's copy bandwidth.
 *
 * <p>Off by default: {@link #enable()} or {@code -D}{@value #PROPERTY}{@code =true} switches it on.
 * When off, a pooling call pays one volatile read. Recording is thread-safe and lock-free (counts and
 * totals are exact under any concurrency). Memory is bounded: at most {@value #MAX_KEYS} keys are
 * kept, each with a fixed-size {@link LatencyHistogram}; calls of further keys are folded into one
 * entry named {@link PoolStats#OTHER}.
 */
public final class PoolMonitor {
    /** System property that switches monitoring on at start-up. */
    public static final String PROPERTY = "pooling4j.monitor";
    /** Most distinct keys kept; more are folded into {@link PoolStats#OTHER}. */
    public static final int MAX_KEYS = 256;

    private static volatile boolean enabled = Boolean.getBoolean(PROPERTY);
    private static final ConcurrentHashMap<PoolKey, Entry> ENTRIES = new ConcurrentHashMap<>();
    private static final AtomicInteger KEYS = new AtomicInteger();
    private static volatile Entry other = new Entry(PoolStats.OTHER, "", "", "", "", "");
    private static final List<Consumer<PoolStats>> LISTENERS = new CopyOnWriteArrayList<>();

    private PoolMonitor() {}

    /** Whether calls are being aggregated. */
    public static boolean isEnabled() {
        return enabled;
    }

    /** Starts aggregating calls (the aggregates so far are kept). */
    public static void enable() {
        enabled = true;
    }

    /** Stops aggregating calls (the aggregates so far are kept). */
    public static void disable() {
        enabled = false;
    }

    /** Forgets every aggregate. */
    public static synchronized void reset() {
        ENTRIES.clear();
        KEYS.set(0);
        other = new Entry(PoolStats.OTHER, "", "", "", "", "");
    }

    /**
     * Calls {@code listener} with the first snapshot of each new key (and of {@link PoolStats#OTHER}
     * when it first receives a call), on the thread that made the call; used by exporters that
     * register one meter per key. Listeners must be quick and must not throw.
     */
    public static void addKeyListener(Consumer<PoolStats> listener) {
        LISTENERS.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a listener added with {@link #addKeyListener}. */
    public static void removeKeyListener(Consumer<PoolStats> listener) {
        LISTENERS.remove(listener);
    }

    /**
     * Adds one call. The library calls this for each of its pooling calls while monitoring is on;
     * applications may record their own operators too. Does nothing while monitoring is off.
     *
     * @param nanos the call's duration
     * @param bytes bytes the call read or wrote
     * @param threads threads the call ran on
     */
    public static void record(
            String op,
            String direction,
            String kernel,
            String layout,
            String inputShape,
            String outputShape,
            long bytes,
            long nanos,
            int threads) {
        if (!enabled) return;
        record(new PoolKey(op, direction, kernel, layout, inputShape, outputShape), bytes, nanos, threads);
    }

    /**
     * Adds one call under a prepared key: the library's own path, which builds no string per call
     * (a plan keeps its keys). Does nothing while monitoring is off.
     */
    public static void record(PoolKey key, long bytes, long nanos, int threads) {
        if (!enabled) return;
        Entry e = ENTRIES.get(key);
        if (e == null) e = newEntry(key);
        e.add(nanos, bytes, threads);
    }

    private static Entry newEntry(PoolKey key) {
        // Claim a slot before inserting, so that the map never holds more than MAX_KEYS entries
        // whatever the concurrency; losers of a race for the same key give their slot back.
        if (KEYS.incrementAndGet() > MAX_KEYS) {
            KEYS.decrementAndGet();
            Entry o = other;
            if (o.firstCall()) announce(o);
            return o;
        }
        Entry fresh =
                new Entry(key.op(), key.direction(), key.kernel(), key.layout(), key.inputShape(), key.outputShape());
        Entry prior = ENTRIES.putIfAbsent(key, fresh);
        if (prior != null) {
            KEYS.decrementAndGet();
            return prior;
        }
        announce(fresh);
        return fresh;
    }

    private static void announce(Entry e) {
        if (LISTENERS.isEmpty()) return;
        PoolStats s = e.stats(false);
        for (Consumer<PoolStats> l : LISTENERS) l.accept(s);
    }

    /**
     * The aggregates of every key, slowest total first, with {@link PoolStats#OTHER} last when it
     * has calls. The copy bandwidth of each entry is probed on first use for its thread count (see
     * {@link MemoryBandwidth}), so the first snapshot may take a fraction of a second.
     */
    public static List<PoolStats> snapshot() {
        return snapshot(true);
    }

    /** As {@link #snapshot()}; with {@code probe == false} a bandwidth not measured yet is NaN. */
    public static List<PoolStats> snapshot(boolean probe) {
        List<PoolStats> r = new ArrayList<>();
        for (Entry e : ENTRIES.values()) r.add(e.stats(probe));
        r.sort(Comparator.comparingLong(PoolStats::totalNanos).reversed().thenComparing(PoolStats::key));
        PoolStats o = other.stats(probe);
        if (o.calls() > 0) r.add(o);
        return r;
    }

    /** The current aggregates of one key, or null when it has no calls. */
    public static PoolStats get(
            String op, String direction, String kernel, String layout, String inputShape, String outputShape) {
        Entry e = ENTRIES.get(new PoolKey(op, direction, kernel, layout, inputShape, outputShape));
        return e == null ? null : e.stats(false);
    }

    /** The aggregates of calls beyond {@link #MAX_KEYS} keys. */
    public static PoolStats other() {
        return other.stats(false);
    }

    private static final class Entry {
        final String op;
        final String direction;
        final String kernel;
        final String layout;
        final String inputShape;
        final String outputShape;
        final LongAdder calls = new LongAdder();
        final LongAdder nanos = new LongAdder();
        final LongAdder bytes = new LongAdder();
        final AtomicInteger threads = new AtomicInteger();
        final AtomicInteger announced = new AtomicInteger();
        final LatencyHistogram histogram = new LatencyHistogram();

        Entry(String op, String direction, String kernel, String layout, String inputShape, String outputShape) {
            this.op = op;
            this.direction = direction;
            this.kernel = kernel;
            this.layout = layout;
            this.inputShape = inputShape;
            this.outputShape = outputShape;
        }

        boolean firstCall() {
            return announced.get() == 0 && announced.compareAndSet(0, 1);
        }

        void add(long n, long b, int t) {
            calls.increment();
            nanos.add(n);
            bytes.add(b);
            histogram.record(n);
            int prev = threads.get();
            while (t > prev && !threads.compareAndSet(prev, t)) prev = threads.get();
        }

        PoolStats stats(boolean probe) {
            int t = Math.max(1, threads.get());
            double bw =
                    probe ? MemoryBandwidth.copyGBps(Math.min(t, 256)) : MemoryBandwidth.cachedGBps(Math.min(t, 256));
            return new PoolStats(
                    op,
                    direction,
                    kernel,
                    layout,
                    inputShape,
                    outputShape,
                    threads.get(),
                    calls.sum(),
                    nanos.sum(),
                    bytes.sum(),
                    histogram.percentile(0.5),
                    histogram.percentile(0.99),
                    bw);
        }
    }
}
