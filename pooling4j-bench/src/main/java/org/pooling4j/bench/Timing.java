package org.pooling4j.bench;

import java.util.Arrays;

/**
 * The timing loop: warm-up calls, then timed calls with {@link System#nanoTime} around each one.
 * Median and minimum of the timed calls; the median is what the report uses (robust to the odd
 * slow call from a GC, a page fault or another process), the minimum shows the best case.
 */
public final class Timing {
    /** One call of the code under test; returns the kernel name (or another label). */
    @FunctionalInterface
    public interface Call {
        String run() throws Exception;
    }

    /** How long to warm up and to measure. */
    public static final class Plan {
        final int warmupCalls;
        final long warmupNanos;
        final long warmupCapNanos;
        final int minCalls;
        final long minNanos;
        final int maxCalls;
        /** Rounds of {@link #interleaved}: 1 runs each side once, as {@link #measure} would. */
        final int slices;

        /**
         * @param warmupCalls   warm up for at least this many calls ...
         * @param warmupNanos   ... and at least this long, unless {@code warmupCapNanos} passes first
         * @param minCalls      time at least this many calls ...
         * @param minNanos      ... and for at least this long
         * @param maxCalls      but never more calls than this
         */
        public Plan(int warmupCalls, long warmupNanos, long warmupCapNanos, int minCalls, long minNanos, int maxCalls) {
            this(warmupCalls, warmupNanos, warmupCapNanos, minCalls, minNanos, maxCalls, 1);
        }

        /**
         * As the other constructor, with {@code slices} rounds for {@link #interleaved} (at least 1).
         */
        public Plan(
                int warmupCalls,
                long warmupNanos,
                long warmupCapNanos,
                int minCalls,
                long minNanos,
                int maxCalls,
                int slices) {
            this.slices = Math.max(1, slices);
            this.warmupCalls = warmupCalls;
            this.warmupNanos = warmupNanos;
            this.warmupCapNanos = warmupCapNanos;
            this.minCalls = minCalls;
            this.minNanos = minNanos;
            this.maxCalls = Math.max(minCalls, maxCalls);
        }

        /**
         * The default: warm up for 20 calls and 0.5 s (the JIT compiles the kernels' loops within
         * that; a slow case stops warming after 3 s and 3 calls), then at least 15 calls and 1 s;
         * {@link #interleaved} spreads those over 10 alternating rounds.
         */
        public static Plan standard() {
            return new Plan(20, 500_000_000L, 3_000_000_000L, 15, 1_000_000_000L, 1_000_000, 10);
        }

        /** For tests and smoke runs: 2 warm-up calls and 5 timed calls, no time minimum. */
        public static Plan quick() {
            return new Plan(2, 0, 0, 5, 0, 5);
        }
    }

    /** The outcome of one measurement. */
    public static final class Result {
        public final double medianNanos;
        public final double minNanos;
        public final int calls;
        /** What the last call returned (the kernel name). */
        public final String label;

        Result(double medianNanos, double minNanos, int calls, String label) {
            this.medianNanos = medianNanos;
            this.minNanos = minNanos;
            this.calls = calls;
            this.label = label;
        }
    }

    /**
     * Untimed calls after each switch of {@link #interleaved}: longer than pooling4j's workers spin
     * after a call (0.2 ms) and than a short call's cache refill.
     */
    static final long SETTLE_NANOS = 2_000_000L;

    private Timing() {}

    /** Warms up and times {@code call} as {@code plan} says. */
    public static Result measure(Call call, Plan plan) throws Exception {
        String label = warm(call, plan);
        long[] times = new long[Math.min(plan.maxCalls, 1024)];
        int n = 0;
        long start = System.nanoTime();
        while (n < plan.maxCalls && (n < plan.minCalls || System.nanoTime() - start < plan.minNanos)) {
            long a = System.nanoTime();
            label = call.run();
            long b = System.nanoTime();
            if (n == times.length) times = Arrays.copyOf(times, Math.min(plan.maxCalls, times.length * 2));
            times[n++] = b - a;
        }
        return new Result(median(times, n), min(times, n), n, label);
    }

    /**
     * Times two calls in alternating slices, so that both see the same phases of a shared machine
     * (another tenant's memory traffic, frequency changes) instead of one second each, one after the
     * other: on the 2-core VM the README's figures come from, a plain loop over 800 KB took 0.10 ms
     * a call for some seconds and 0.19 ms for others. Each call is first warmed up as {@link #measure} does; then {@code slices}
     * rounds each give both calls untimed calls for at least one call and {@link #SETTLE_NANOS} (after
     * the other side ran: its caches refill, and both sides' thread pools, which spin for a while
     * after a call before they park, go quiet) and then timed calls for at least
     * {@code minNanos / slices} and {@code ceil(minCalls / slices)} calls. Odd rounds start with
     * {@code b}, even rounds with {@code a}. Median and minimum over all of a side's timed calls.
     *
     * @return the results of {@code a} and {@code b}, in that order
     */
    public static Result[] interleaved(Call a, Call b, Plan plan) throws Exception {
        String la = warm(a, plan);
        String lb = warm(b, plan);
        int slices = Math.max(1, plan.slices);
        long sliceNanos = plan.minNanos / slices;
        int sliceCalls = Math.max(1, (plan.minCalls + slices - 1) / slices);
        int sliceMax = Math.max(sliceCalls, plan.maxCalls / slices);
        long[][] times = {new long[64], new long[64]};
        int[] n = new int[2];
        String[] labels = {la, lb};
        Call[] calls = {a, b};
        for (int round = 0; round < slices; round++) {
            for (int k = 0; k < 2; k++) {
                int side = (round + k) % 2;
                Call call = calls[side];
                if (slices > 1) {
                    long settle = System.nanoTime();
                    do labels[side] = call.run();
                    while (System.nanoTime() - settle < SETTLE_NANOS);
                }
                long start = System.nanoTime();
                int c = 0;
                while (c < sliceMax && (c < sliceCalls || System.nanoTime() - start < sliceNanos)) {
                    long t0 = System.nanoTime();
                    labels[side] = call.run();
                    long t1 = System.nanoTime();
                    if (n[side] == times[side].length) times[side] = Arrays.copyOf(times[side], 2 * n[side]);
                    times[side][n[side]++] = t1 - t0;
                    c++;
                }
            }
        }
        return new Result[] {
            new Result(median(times[0], n[0]), min(times[0], n[0]), n[0], labels[0]),
            new Result(median(times[1], n[1]), min(times[1], n[1]), n[1], labels[1])
        };
    }

    /** The warm-up of {@link #measure}; returns the last call's label. */
    private static String warm(Call call, Plan plan) throws Exception {
        String label = null;
        long t0 = System.nanoTime();
        int w = 0;
        while (true) {
            long el = System.nanoTime() - t0;
            boolean enough = w >= plan.warmupCalls && el >= plan.warmupNanos;
            boolean capped = plan.warmupCapNanos > 0 && el >= plan.warmupCapNanos && w >= Math.min(3, plan.warmupCalls);
            if (enough || capped) break;
            label = call.run();
            w++;
        }
        return label;
    }

    /** Median of the first {@code n} values (mean of the two middle ones when {@code n} is even). */
    static double median(long[] v, int n) {
        if (n == 0) return Double.NaN;
        long[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }

    static double min(long[] v, int n) {
        long m = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) m = Math.min(m, v[i]);
        return n == 0 ? Double.NaN : m;
    }
}
