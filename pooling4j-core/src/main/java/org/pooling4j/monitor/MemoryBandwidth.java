package org.pooling4j.monitor;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;

/**
 * The machine's memory-copy bandwidth, the yardstick for "% of bandwidth": {@link System#arraycopy}
 * between two float arrays much larger than the last-level cache, split in contiguous chunks copied
 * at the same time on the given number of threads. A copy reads and writes every byte once, so the
 * figure is {@code 2 · bytes / time} in GB/s (10^9 bytes per second); a pooling call that streams
 * its input and output once cannot beat it by much.
 *
 * <p>This is the one definition of the figure: {@code pooling4j report}, {@code pooling4j top}, the
 * live monitor, the Micrometer binding and {@code pooling4j bench} all take it from here. Each
 * array holds {@value #ARRAY_BYTES} bytes, or an eighth of the maximum heap when that is less;
 * {@value #WARMUPS} copies warm up, then the median of {@value #REPEATS} timed copies counts.
 * Probed once per thread count on first use (about half a second), cached, and probed again on
 * {@link #reprobe}. The system property {@value #GBPS_PROPERTY} sets the figure instead of
 * measuring it. Each probe emits a {@link BandwidthEvent}, and {@link #measuredAt} says when the
 * cached figure was taken.
 */
public final class MemoryBandwidth {
    /** System property: a fixed bandwidth in GB/s used instead of probing. */
    public static final String GBPS_PROPERTY = "pooling4j.bandwidth.gbps";
    /** Bytes of each of the two probe arrays, unless the heap is small ({@link #arrayBytes}). */
    public static final long ARRAY_BYTES = 256L << 20;
    /** Untimed copies before the timed ones. */
    public static final int WARMUPS = 3;
    /** Copies timed per probe; the median counts. */
    public static final int REPEATS = 11;
    /**
     * What the probe measures, in words, for tools that show the figure: the one definition that
     * {@code pooling4j report}, {@code pooling4j top} and {@code pooling4j bench} name.
     */
    public static final String PROBE = "the pooling4j copy probe (System.arraycopy between two float arrays of "
            + (ARRAY_BYTES >> 20)
            + " MiB each, less on a small heap, split over the threads; median of "
            + REPEATS
            + " copies after "
            + WARMUPS
            + " warm-ups)";

    /**
     * One probe's figures.
     *
     * @param threads threads that copied at the same time
     * @param bytesPerArray bytes of each of the two arrays
     * @param medianNanos median duration of one copy
     * @param minNanos shortest duration of one copy
     * @param gbps {@code 2 · bytesPerArray / medianNanos}
     * @param measuredAt when the probe ended
     */
    public record Probe(
            int threads,
            long bytesPerArray,
            long medianNanos,
            long minNanos,
            double gbps,
            java.time.Instant measuredAt) {}

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
            gbps = probe(threads, arrayBytes()).gbps();
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

    /**
     * Bytes of each probe array on this JVM: {@value #ARRAY_BYTES}, or an eighth of the maximum
     * heap when that is less (the probe needs two arrays and must never exhaust the heap of the
     * application it runs in), and never under 4 MiB.
     */
    public static long arrayBytes() {
        long heap = Runtime.getRuntime().maxMemory();
        long b = Math.min(ARRAY_BYTES, heap == Long.MAX_VALUE ? ARRAY_BYTES : heap / 8);
        return Math.max(4L << 20, b & ~63L);
    }

    /**
     * Runs the probe once on {@code threads} threads with arrays of {@code bytesPerArray} bytes,
     * without caching the figure or emitting an event (the benchmark's quick mode uses small
     * arrays; everything else goes through {@link #copyGBps} or {@link #reprobe}).
     *
     * @throws IllegalArgumentException if {@code threads} is not in [1, 256] or {@code bytesPerArray}
     *     is not in [4 KiB, 1 GiB]
     */
    public static Probe probe(int threads, long bytesPerArray) {
        checkThreads(threads);
        if (bytesPerArray < 4096 || bytesPerArray > (1L << 30)) {
            throw new IllegalArgumentException(
                    "bytesPerArray = " + bytesPerArray + ": must be in [4096, " + (1L << 30) + "]");
        }
        int floats = (int) (bytesPerArray / 4);
        float[] src = new float[floats];
        float[] dst = new float[floats];
        // Touch every page first so that no copy pays for page faults.
        for (int i = 0; i < floats; i += 1024) {
            src[i] = i;
            dst[i] = -i;
        }
        int rounds = WARMUPS + REPEATS;
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
                            for (int r = 0; r < rounds; r++) {
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
        long[] times = new long[REPEATS];
        int mine = chunk(floats, threads, 1);
        try {
            for (int r = 0; r < rounds; r++) {
                if (threads > 1) barrier.await();
                long t0 = System.nanoTime();
                System.arraycopy(src, 0, dst, 0, mine);
                if (threads > 1) barrier.await();
                if (r >= WARMUPS) times[r - WARMUPS] = Math.max(1, System.nanoTime() - t0);
            }
        } catch (InterruptedException | BrokenBarrierException e) {
            Thread.currentThread().interrupt();
            for (Thread t : helpers) t.interrupt();
            throw new IllegalStateException("copy-bandwidth probe interrupted", e);
        }
        java.util.Arrays.sort(times);
        long median = times[REPEATS / 2];
        return new Probe(threads, 4L * floats, median, times[0], 8.0 * floats / median, java.time.Instant.now());
    }

    private static int chunk(int n, int t, int i) {
        return (int) ((long) n * i / t);
    }
}
