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

        /**
         * @param warmupCalls   warm up for at least this many calls ...
         * @param warmupNanos   ... and at least this long, unless {@code warmupCapNanos} passes first
         * @param minCalls      time at least this many calls ...
         * @param minNanos      ... and for at least this long
         * @param maxCalls      but never more calls than this
         */
        public Plan(int warmupCalls, long warmupNanos, long warmupCapNanos, int minCalls, long minNanos, int maxCalls) {
            this.warmupCalls = warmupCalls;
            this.warmupNanos = warmupNanos;
            this.warmupCapNanos = warmupCapNanos;
            this.minCalls = minCalls;
            this.minNanos = minNanos;
            this.maxCalls = Math.max(minCalls, maxCalls);
        }

        /**
         * The default: warm up for 20 calls and 0.5 s (the JIT compiles the kernels' loops within
         * that; a slow case stops warming after 3 s and 3 calls), then at least 15 calls and 1 s.
         */
        public static Plan standard() {
            return new Plan(20, 500_000_000L, 3_000_000_000L, 15, 1_000_000_000L, 1_000_000);
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

    private Timing() {}

    /** Warms up and times {@code call} as {@code plan} says. */
    public static Result measure(Call call, Plan plan) throws Exception {
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
