package org.pooling4j.monitor;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;

/**
 * The machine's memory-copy bandwidth, the yardstick for "% of bandwidth": {@link System#arraycopy}
 * of a float array larger than the last-level cache, split in contiguous chunks copied at the same
 * time on the given number of threads. A copy reads and writes every byte once, so the figure is
 * {@code 2 · bytes / time} in GB/s (10^9 bytes per second); a pooling call that streams its input
 * and output once cannot beat it by much.
 *
 * <p>Probed once per thread count on first use (about 0.1 s; two arrays of {@value #DEFAULT_BYTES}
 * bytes each, best of {@value #REPEATS} copies), cached, and probed again on {@link #reprobe}. The
 * system property {@value #GBPS_PROPERTY} sets the figure instead of measuring it. Each probe emits
 * a {@link BandwidthEvent}.
 */
public final class MemoryBandwidth {
    /** System property: a fixed bandwidth in GB/s used instead of probing. */
    public static final String GBPS_PROPERTY = "pooling4j.bandwidth.gbps";
    /** Bytes of each of the two probe arrays. */
    public static final int DEFAULT_BYTES = 32 << 20;
    /** Copies timed per probe; the fastest counts. */
    public static final int REPEATS = 7;
    /**
     * What the probe measures, in words, for tools that show the figure: the one definition that
     * {@code pooling4j report} and {@code pooling4j top} name (whether they read the figure from a
     * recording or probe themselves).
     */
    public static final String PROBE = "the pooling4j copy probe (System.arraycopy of "
            + (DEFAULT_BYTES >> 20)
            + " MiB of floats split over the threads, best of "
            + REPEATS
            + ")";

    private static final ConcurrentHashMap<Integer, java.time.Instant> MEASURED_AT = new ConcurrentHashMap<>();

    private static final ConcurrentHashMap<Integer, Double> CACHE = new ConcurrentHashMap<>();

    private MemoryBandwidth() {}

    /**
     * Copy bandwidth in GB/s on {@code threads} threads, probed on first use and cached.
     *
     * @throws IllegalArgumentException if {@code threads} is not in [1, 256]
     */
    public static double copyGBps(int threads) {
        checkThreads(threads);
        Double v = CACHE.get(threads);
        if (v != null) return v;
        synchronized (MemoryBandwidth.class) {
            v = CACHE.get(threads);
            if (v == null) {
                v = measure(threads);
                CACHE.put(threads, v);
            }
            return v;
        }
    }

    /** Measures again on {@code threads} threads, replacing the cached figure; returns it. */
    public static double reprobe(int threads) {
        checkThreads(threads);
        synchronized (MemoryBandwidth.class) {
            double v = measure(threads);
            CACHE.put(threads, v);
            return v;
        }
    }

    /**
     * When the cached figure for {@code threads} was measured (or read from {@value #GBPS_PROPERTY}),
     * or null when it has not been yet.
     */
    public static java.time.Instant measuredAt(int threads) {
        return MEASURED_AT.get(threads);
    }

    /** The cached figure for {@code threads}, or NaN when it has not been probed yet (never probes). */
    public static double cachedGBps(int threads) {
        Double v = CACHE.get(threads);
        return v == null ? Double.NaN : v;
    }

    private static void checkThreads(int threads) {
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("threads = " + threads + ": must be in [1, 256]");
        }
    }

    private static double measure(int threads) {
        String fixed = System.getProperty(GBPS_PROPERTY);
        double gbps;
        if (fixed != null && !fixed.isBlank()) {
            try {
                gbps = Double.parseDouble(fixed.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "-D" + GBPS_PROPERTY + " = " + fixed + ": must be a number of GB/s", e);
            }
            if (!(gbps > 0) || Double.isInfinite(gbps)) {
                throw new IllegalArgumentException("-D" + GBPS_PROPERTY + " = " + fixed + ": must be finite and > 0");
            }
        } else {
            gbps = probe(threads, DEFAULT_BYTES / 4);
        }
        MEASURED_AT.put(threads, java.time.Instant.now());
        BandwidthEvent e = new BandwidthEvent();
        if (e.shouldCommit()) {
            e.threads = threads;
            e.gbps = gbps;
            e.commit();
        }
        return gbps;
    }

    private static double probe(int threads, int floats) {
        float[] src = new float[floats];
        float[] dst = new float[floats];
        // Touch every page first so that no copy pays for page faults.
        for (int i = 0; i < floats; i += 1024) {
            src[i] = i;
            dst[i] = -i;
        }
        // Helper threads start once and meet the caller at a barrier before and after each copy, so
        // the timing holds the copies only, not thread start-up.
        CyclicBarrier barrier = new CyclicBarrier(threads);
        Thread[] helpers = new Thread[threads - 1];
        for (int i = 1; i < threads; i++) {
            int from = chunk(floats, threads, i);
            int to = chunk(floats, threads, i + 1);
            helpers[i - 1] = new Thread(
                    () -> {
                        try {
                            for (int r = 0; r < REPEATS; r++) {
                                barrier.await();
                                System.arraycopy(src, from, dst, from, to - from);
                                barrier.await();
                            }
                        } catch (InterruptedException | BrokenBarrierException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "pooling4j-bandwidth-probe");
            helpers[i - 1].setDaemon(true);
            helpers[i - 1].start();
        }
        long best = Long.MAX_VALUE;
        int mine = chunk(floats, threads, 1);
        try {
            for (int r = 0; r < REPEATS; r++) {
                if (threads > 1) barrier.await();
                long t0 = System.nanoTime();
                System.arraycopy(src, 0, dst, 0, mine);
                if (threads > 1) barrier.await();
                best = Math.min(best, System.nanoTime() - t0);
            }
        } catch (InterruptedException | BrokenBarrierException e) {
            Thread.currentThread().interrupt();
            for (Thread t : helpers) t.interrupt();
            throw new IllegalStateException("copy-bandwidth probe interrupted", e);
        }
        return 8.0 * floats / Math.max(1, best);
    }

    private static int chunk(int n, int t, int i) {
        return (int) ((long) n * i / t);
    }
}
