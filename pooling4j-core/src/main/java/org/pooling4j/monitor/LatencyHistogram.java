package org.pooling4j.monitor;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free histogram of durations in nanoseconds with log-linear buckets: each power of two is
 * split in {@value #SUB_BUCKETS} equal buckets, so a percentile read from it is within
 * {@code 1/}{@value #SUB_BUCKETS} (about 3 %) of the true value; durations below
 * {@value #SUB_BUCKETS} ns have one bucket each (exact). Memory is fixed ({@link #BUCKETS} longs)
 * whatever is recorded; durations of 2^{@value #MAX_EXPONENT} ns (about 18 minutes) or more land
 * in the last bucket. Recording is safe from any number of threads.
 */
public final class LatencyHistogram {
    /** Buckets per power of two. */
    public static final int SUB_BUCKETS = 32;

    private static final int SUB_BITS = 5;
    /** Durations up to 2^MAX_EXPONENT ns are resolved. */
    public static final int MAX_EXPONENT = 40;
    /** Number of buckets. */
    public static final int BUCKETS = (MAX_EXPONENT - SUB_BITS + 1) * SUB_BUCKETS + 1;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    /** Adds one duration; negative values count as 0. */
    public void record(long nanos) {
        counts.incrementAndGet(bucket(nanos));
    }

    /** Bucket of a duration: exact below {@value #SUB_BUCKETS}, then {@value #SUB_BUCKETS} per octave. */
    static int bucket(long nanos) {
        if (nanos < SUB_BUCKETS) return (int) Math.max(0, nanos);
        int e = 63 - Long.numberOfLeadingZeros(nanos); // nanos in [2^e, 2^(e+1)), e >= SUB_BITS
        if (e >= MAX_EXPONENT) return BUCKETS - 1;
        int sub = (int) (nanos >>> (e - SUB_BITS)) - SUB_BUCKETS; // top bits below the leading one
        return (e - SUB_BITS + 1) * SUB_BUCKETS + sub;
    }

    /** Smallest duration that falls in bucket {@code b}. */
    static long lowerBound(int b) {
        if (b < SUB_BUCKETS) return b;
        int e = b / SUB_BUCKETS - 1 + SUB_BITS;
        int sub = b % SUB_BUCKETS;
        return (long) (SUB_BUCKETS + sub) << (e - SUB_BITS);
    }

    /** Number of durations recorded. */
    public long count() {
        long n = 0;
        for (int i = 0; i < BUCKETS; i++) n += counts.get(i);
        return n;
    }

    /**
     * The {@code q}-quantile (0 &lt; q &le; 1; 0.5 for the median, 0.99 for p99): the middle of the
     * bucket holding the ceil(q · count)-th smallest duration, or 0 when nothing was recorded.
     *
     * @throws IllegalArgumentException if {@code q} is not in (0, 1]
     */
    public long percentile(double q) {
        if (!(q > 0 && q <= 1)) throw new IllegalArgumentException("q = " + q + ": must be in (0, 1]");
        long[] snap = new long[BUCKETS];
        long n = 0;
        for (int i = 0; i < BUCKETS; i++) {
            snap[i] = counts.get(i);
            n += snap[i];
        }
        if (n == 0) return 0;
        long rank = (long) Math.ceil(q * n);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += snap[i];
            if (seen >= rank) {
                long lo = lowerBound(i);
                long hi = i + 1 < BUCKETS ? lowerBound(i + 1) : lo;
                return lo + (hi - lo) / 2;
            }
        }
        return lowerBound(BUCKETS - 1);
    }

    /** A copy of the bucket counts with each bucket's lower bound: {@code [lowerBound, count]} pairs with count &gt; 0. */
    public long[][] nonEmptyBuckets() {
        int k = 0;
        long[] snap = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            snap[i] = counts.get(i);
            if (snap[i] > 0) k++;
        }
        long[][] r = new long[k][];
        k = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (snap[i] > 0) r[k++] = new long[] {lowerBound(i), snap[i]};
        }
        return r;
    }
}
