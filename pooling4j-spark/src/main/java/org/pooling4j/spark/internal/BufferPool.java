package org.pooling4j.spark.internal;

import java.lang.ref.SoftReference;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Large buffers that outlive a task, shared by the tasks of one executor JVM. Spark deserializes a
 * transformer's partition function for every task, so buffers kept in it would be allocated again for each
 * partition; arrays of a megabyte or more are "humongous" to the G1 collector, and allocating them at that
 * rate keeps it in back-to-back marking cycles that take a core from the tasks. A task borrows its buffers
 * here and gives them back when its partition is done.
 *
 * <p>The pool holds soft references, so the collector may take its arrays back under memory pressure, and
 * at most {@link #PER_SIZE} arrays of one length.
 */
final class BufferPool {
    private BufferPool() {}

    /** Arrays smaller than this (in elements) are allocated, not pooled: small arrays are cheap to allocate. */
    static final int MIN_POOLED = 1 << 16;

    static final int PER_SIZE = 8;
    private static final int MAX_LENGTHS = 64;

    private static final ConcurrentHashMap<Integer, Queue<SoftReference<float[]>>> FLOATS = new ConcurrentHashMap<>();
    private static final Queue<SoftReference<byte[]>> BYTES = new ConcurrentLinkedQueue<>();

    /** A float array of exactly {@code n} elements, pooled or new; its contents are undefined. */
    static float[] floats(int n) {
        if (n >= MIN_POOLED) {
            Queue<SoftReference<float[]>> q = FLOATS.get(n);
            if (q != null) {
                SoftReference<float[]> r;
                while ((r = q.poll()) != null) {
                    float[] a = r.get();
                    if (a != null) return a;
                }
            }
        }
        return new float[n];
    }

    /** Gives an array back; the caller no longer uses it. */
    static void give(float[] a) {
        if (a.length < MIN_POOLED) return;
        // Many distinct lengths (a shape column of many shapes) would only pin arrays nobody asks for again.
        if (FLOATS.size() >= MAX_LENGTHS && !FLOATS.containsKey(a.length)) FLOATS.clear();
        Queue<SoftReference<float[]>> q = FLOATS.computeIfAbsent(a.length, k -> new ConcurrentLinkedQueue<>());
        if (q.size() < PER_SIZE) q.offer(new SoftReference<>(a));
    }

    /** A byte array of any length (possibly 0), pooled or new; its contents are undefined. */
    static byte[] bytes() {
        SoftReference<byte[]> r;
        while ((r = BYTES.poll()) != null) {
            byte[] a = r.get();
            if (a != null) return a;
        }
        return new byte[0];
    }

    /** Gives a byte array back; the caller no longer uses it. */
    static void give(byte[] a) {
        if (a.length >= MIN_POOLED && BYTES.size() < 2 * PER_SIZE) BYTES.offer(new SoftReference<>(a));
    }
}
