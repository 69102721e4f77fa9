package org.pooling4j.internal.exec;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a range of independent work units on up to {@code threads} threads: the caller's thread
 * takes the first chunk, pool workers the others. Chunks are contiguous and every unit is computed
 * by exactly the same code whatever the split, so results never depend on the thread count.
 *
 * <p>Workers spin briefly after a task before parking, so that back-to-back calls (a network's
 * layers, a benchmark loop) do not pay the operating system's wake-up latency each time.
 */
public final class Parallel {
    /**
     * Below this many bytes moved (input read plus output written) a call stays on the caller's
     * thread: handing work to another core costs a few microseconds, about what a core needs to
     * move this much data from cache.
     */
    public static final long WORK_THRESHOLD_BYTES = 256 * 1024;

    /** Most threads a call may use. */
    public static final int MAX_THREADS = 256;

    private static final long SPIN_NANOS = 200_000;

    /** A body over units {@code [from, to)}. */
    public interface Body {
        void run(int from, int to);
    }

    private Parallel() {}

    /** Threads to use for {@code units} units moving {@code bytes} bytes with {@code threads} allowed. */
    public static int threadsFor(int threads, int units, long bytes) {
        if (threads <= 1 || units <= 1 || bytes < WORK_THRESHOLD_BYTES) return 1;
        return Math.min(threads, units);
    }

    /** Runs {@code body} over {@code [0, units)} in {@code threads} contiguous chunks. */
    public static void run(int units, int threads, Body body) {
        if (threads <= 1 || units <= 1) {
            if (units > 0) body.run(0, units);
            return;
        }
        int t = Math.min(threads, units);
        Trace.usedThreads(t);
        Pool.INSTANCE.run(units, t, body);
    }

    /** First unit of chunk {@code i} of {@code t} over {@code units}: sizes differ by at most one. */
    public static int chunkStart(int units, int t, int i) {
        return (int) ((long) units * i / t);
    }

    /** A pool of daemon workers, grown on demand; one call at a time uses it, others run inline. */
    private static final class Pool {
        static final Pool INSTANCE = new Pool();

        private final Object lock = new Object();
        private Worker[] workers = new Worker[0];
        private final AtomicInteger busy = new AtomicInteger();

        void run(int units, int t, Body body) {
            // Nested or concurrent calls run their chunks on the caller's thread, which keeps the pool
            // simple and can never deadlock; the results are the same.
            if (!busy.compareAndSet(0, 1)) {
                body.run(0, units);
                return;
            }
            try {
                Worker[] w = ensure(t - 1);
                AtomicInteger pending = new AtomicInteger(t - 1);
                Throwable[] failure = new Throwable[t];
                for (int i = 1; i < t; i++) {
                    w[i - 1].submit(
                            new Task(body, chunkStart(units, t, i), chunkStart(units, t, i + 1), pending, failure, i));
                }
                try {
                    body.run(0, chunkStart(units, t, 1));
                } catch (Throwable e) {
                    failure[0] = e;
                }
                while (pending.get() > 0) Thread.onSpinWait();
                for (Throwable e : failure) {
                    if (e instanceof RuntimeException) throw (RuntimeException) e;
                    if (e instanceof Error) throw (Error) e;
                }
            } finally {
                busy.set(0);
            }
        }

        private Worker[] ensure(int n) {
            synchronized (lock) {
                if (workers.length < n) {
                    Worker[] w = java.util.Arrays.copyOf(workers, n);
                    for (int i = workers.length; i < n; i++) {
                        w[i] = new Worker("pooling4j-worker-" + i);
                        w[i].start();
                    }
                    workers = w;
                }
                return workers;
            }
        }
    }

    private static final class Task {
        final Body body;
        final int from;
        final int to;
        final AtomicInteger pending;
        final Throwable[] failure;
        final int slot;

        Task(Body body, int from, int to, AtomicInteger pending, Throwable[] failure, int slot) {
            this.body = body;
            this.from = from;
            this.to = to;
            this.pending = pending;
            this.failure = failure;
            this.slot = slot;
        }
    }

    private static final class Worker extends Thread {
        private volatile Task task;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        void submit(Task t) {
            task = t;
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (true) {
                Task t = task;
                if (t == null) {
                    if (System.nanoTime() - idleSince < SPIN_NANOS) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.parkNanos(this, 50_000_000L);
                    }
                    continue;
                }
                task = null;
                try {
                    t.body.run(t.from, t.to);
                } catch (Throwable e) {
                    t.failure[t.slot] = e;
                } finally {
                    t.pending.decrementAndGet();
                }
                idleSince = System.nanoTime();
            }
        }
    }
}
