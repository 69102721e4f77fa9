package org.pooling4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The memory-bandwidth yardstick: {@link System#arraycopy} of a float array much larger than the
 * last-level cache, split in {@code threads} contiguous chunks copied at the same time on
 * {@code threads} threads (the caller takes the first). A copy reads and writes every byte once, so
 * its bandwidth is {@code 2 · bytes / time}: about the best any pooling call that streams its input
 * and output once can reach, which makes "% of copy bandwidth" a fair efficiency figure.
 */
public final class CopyProbe {
    private final float[] src;
    private final float[] dst;

    /** @param bytesPerArray size of each of the two arrays (source and destination) */
    public CopyProbe(long bytesPerArray) {
        int n = (int) Math.min(Integer.MAX_VALUE - 16, bytesPerArray / 4);
        src = new float[n];
        dst = new float[n];
        // Touch every page of both arrays so the first timed copy does not pay for page faults.
        for (int i = 0; i < n; i += 1024) src[i] = i;
        for (int i = 0; i < n; i += 1024) dst[i] = -i;
    }

    /** Bytes one copy reads plus writes. */
    public long bytesMoved() {
        return 8L * src.length;
    }

    /** Times the copy on {@code threads} threads. */
    public Timing.Result measure(int threads, Timing.Plan plan) throws Exception {
        int n = src.length;
        if (threads <= 1) {
            return Timing.measure(
                    () -> {
                        System.arraycopy(src, 0, dst, 0, n);
                        return "System.arraycopy";
                    },
                    plan);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "copy-probe");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> pending = new ArrayList<>(threads - 1);
            return Timing.measure(
                    () -> {
                        pending.clear();
                        for (int i = 1; i < threads; i++) {
                            int from = chunk(n, threads, i);
                            int to = chunk(n, threads, i + 1);
                            pending.add(pool.submit(() -> System.arraycopy(src, from, dst, from, to - from)));
                        }
                        System.arraycopy(src, 0, dst, 0, chunk(n, threads, 1));
                        for (Future<?> f : pending) f.get();
                        return "System.arraycopy x" + threads;
                    },
                    plan);
        } finally {
            pool.shutdownNow();
        }
    }

    private static int chunk(int n, int t, int i) {
        return (int) ((long) n * i / t);
    }
}
