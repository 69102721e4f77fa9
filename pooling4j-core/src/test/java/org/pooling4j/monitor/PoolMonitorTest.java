package org.pooling4j.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;

class PoolMonitorTest {
    @BeforeEach
    void on() {
        PoolMonitor.reset();
        PoolMonitor.enable();
    }

    @AfterEach
    void off() {
        PoolMonitor.disable();
        PoolMonitor.reset();
    }

    @Test
    void bucketsCoverEveryDurationAndKeepTheirPromisedResolution() {
        long seed = 20261121L;
        Random r = new Random(seed);
        for (int i = 0; i < 200_000; i++) {
            long v = i < 2000 ? i : (long) Math.exp(r.nextDouble() * Math.log(1L << 41));
            int b = LatencyHistogram.bucket(v);
            long lo = LatencyHistogram.lowerBound(b);
            String what = "seed " + seed + ", v = " + v + ", bucket " + b;
            assertTrue(b >= 0 && b < LatencyHistogram.BUCKETS, what);
            if (v >= 1L << LatencyHistogram.MAX_EXPONENT) {
                assertEquals(LatencyHistogram.BUCKETS - 1, b, what);
                continue;
            }
            long hi = LatencyHistogram.lowerBound(b + 1);
            assertTrue(lo <= v && v < hi, what + " spans [" + lo + ", " + hi + ")");
            // A bucket is never wider than 1/32 of its lower bound (and exact below 32 ns).
            assertTrue(v < 32 ? hi - lo == 1 : (hi - lo) * 32 <= lo, what + " spans [" + lo + ", " + hi + ")");
        }
    }

    @Test
    void percentilesOfAKnownDistribution() {
        LatencyHistogram h = new LatencyHistogram();
        // 1..100000 ns, each once: the true median is 50000, p99 99000, p100 100000.
        for (long v = 1; v <= 100_000; v++) h.record(v);
        assertEquals(100_000, h.count());
        assertWithin(50_000, h.percentile(0.5), 1.0 / 32);
        assertWithin(99_000, h.percentile(0.99), 1.0 / 32);
        assertWithin(100_000, h.percentile(1.0), 1.0 / 32);
        // Below 32 ns every duration has its own bucket: exact.
        LatencyHistogram small = new LatencyHistogram();
        for (int v : new int[] {3, 5, 5, 7, 9, 9, 9, 11, 13, 20}) small.record(v);
        assertEquals(9, small.percentile(0.5));
        assertEquals(20, small.percentile(0.99));
        assertEquals(3, small.percentile(0.1));
        assertEquals(0, new LatencyHistogram().percentile(0.5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h.percentile(0));
        assertTrue(e.getMessage().contains("q = 0.0"), e.getMessage());
        // A log-normal sample against its own sorted values.
        Random r = new Random(7);
        long[] vals = new long[50_001];
        LatencyHistogram ln = new LatencyHistogram();
        for (int i = 0; i < vals.length; i++) {
            vals[i] = (long) Math.exp(10 + r.nextGaussian());
            ln.record(vals[i]);
        }
        java.util.Arrays.sort(vals);
        assertWithin(vals[25_000], ln.percentile(0.5), 1.0 / 32);
        assertWithin(vals[(int) Math.ceil(0.99 * vals.length) - 1], ln.percentile(0.99), 1.0 / 32);
    }

    private static void assertWithin(long expected, long actual, double rel) {
        assertTrue(
                Math.abs(actual - expected) <= rel * expected,
                "expected " + expected + " within " + rel + ", got " + actual);
    }

    @Test
    void concurrentRecordingKeepsExactTotals() throws Exception {
        int threads = 8;
        int calls = 20_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    go.await();
                    for (int i = 0; i < calls; i++) {
                        // Two keys shared by all threads, so threads contend on the same entries.
                        PoolMonitor.record(
                                "max",
                                "forward",
                                "k",
                                "channels_first",
                                "1x1x4x4",
                                i % 2 == 0 ? "1x1x2x2" : "1x1x1x1",
                                100 + id,
                                1000 + i % 7,
                                1 + id % 3);
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            ts.add(th);
            th.start();
        }
        go.countDown();
        for (Thread th : ts) th.join();
        assertNull(failure.get());
        PoolStats a = PoolMonitor.get("max", "forward", "k", "channels_first", "1x1x4x4", "1x1x2x2");
        PoolStats b = PoolMonitor.get("max", "forward", "k", "channels_first", "1x1x4x4", "1x1x1x1");
        assertNotNull(a);
        assertNotNull(b);
        long perThread = calls / 2;
        assertEquals(threads * perThread, a.calls());
        assertEquals(threads * perThread, b.calls());
        long bytes = 0;
        for (int id = 0; id < threads; id++) bytes += perThread * (100 + id);
        assertEquals(bytes, a.bytes());
        long nanosA = 0;
        long nanosB = 0;
        for (int i = 0; i < calls; i++) {
            if (i % 2 == 0) nanosA += 1000 + i % 7;
            else nanosB += 1000 + i % 7;
        }
        assertEquals(threads * nanosA, a.totalNanos());
        assertEquals(threads * nanosB, b.totalNanos());
        assertEquals(3, a.threads());
        assertEquals((double) a.bytes() / a.totalNanos(), a.gbps(), 1e-12);
    }

    @Test
    void keysAreBoundedAndTheRestIsFoldedIntoOther() {
        List<PoolStats> announced = new ArrayList<>();
        java.util.function.Consumer<PoolStats> l = announced::add;
        PoolMonitor.addKeyListener(l);
        try {
            int keys = PoolMonitor.MAX_KEYS + 44;
            for (int k = 0; k < keys; k++) {
                for (int i = 0; i < 3; i++)
                    PoolMonitor.record("avg", "forward", "k", "channels_first", "1x" + k, "1x1", 8, 10, 1);
            }
            List<PoolStats> s = PoolMonitor.snapshot(false);
            assertEquals(PoolMonitor.MAX_KEYS + 1, s.size());
            PoolStats other = s.get(s.size() - 1);
            assertEquals(PoolStats.OTHER, other.op());
            assertEquals(44 * 3, other.calls());
            assertEquals(44 * 3 * 8, other.bytes());
            long total = 0;
            for (PoolStats p : s) total += p.calls();
            assertEquals(keys * 3L, total);
            // One announcement per kept key, and one for "other".
            assertEquals(PoolMonitor.MAX_KEYS + 1, announced.size());
        } finally {
            PoolMonitor.removeKeyListener(l);
        }
    }

    @Test
    void poolingCallsAreRecordedOnlyWhileEnabled() {
        Tensor x = Tensor.of(new float[2 * 6 * 10], 1, 2, 6, 10);
        PoolSpec max = PoolSpec.max(2, 2).build();
        String kernel = Pooling.kernelFor(max, x, false);
        for (int i = 0; i < 5; i++) Pooling.forward(max, x);
        PoolMonitor.disable();
        Pooling.forward(max, x);
        PoolStats s = PoolMonitor.get("max", "forward", kernel, "channels_first", "1x2x6x10", "1x2x3x5");
        assertNotNull(s, "" + PoolMonitor.snapshot(false));
        assertEquals(5, s.calls());
        assertEquals(5L * (4 * 120 + 4 * 30), s.bytes());
        assertTrue(s.p50Nanos() > 0 && s.p99Nanos() >= s.p50Nanos(), s.toString());
        assertTrue(s.totalNanos() > 0);
    }

    @Test
    void fixedBandwidthPropertyAndArgumentChecks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemoryBandwidth.copyGBps(0));
        assertTrue(e.getMessage().contains("threads = 0"), e.getMessage());
        String old = System.getProperty(MemoryBandwidth.GBPS_PROPERTY);
        System.setProperty(MemoryBandwidth.GBPS_PROPERTY, "12.5");
        try {
            assertEquals(12.5, MemoryBandwidth.reprobe(3), 0);
            assertEquals(12.5, MemoryBandwidth.copyGBps(3), 0);
            PoolMonitor.record("max", "forward", "k", "channels_first", "a", "b", 25_000, 1000, 3);
            PoolStats s = PoolMonitor.get("max", "forward", "k", "channels_first", "a", "b");
            assertEquals(12.5, s.copyGBps(), 0);
            assertEquals(25.0, s.gbps(), 1e-12);
            assertEquals(200.0, s.pctBandwidth(), 1e-9);
            System.setProperty(MemoryBandwidth.GBPS_PROPERTY, "-1");
            e = assertThrows(IllegalArgumentException.class, () -> MemoryBandwidth.reprobe(3));
            assertTrue(e.getMessage().contains("pooling4j.bandwidth.gbps = -1"), e.getMessage());
        } finally {
            if (old == null) System.clearProperty(MemoryBandwidth.GBPS_PROPERTY);
            else System.setProperty(MemoryBandwidth.GBPS_PROPERTY, old);
            MemoryBandwidth.reprobe(3);
        }
    }

    @Test
    void probedBandwidthIsPlausible() {
        if (System.getProperty(MemoryBandwidth.GBPS_PROPERTY) != null) return;
        double one = MemoryBandwidth.reprobe(1);
        // Any machine that runs this moves more than 0.1 GB/s and less than 10 TB/s.
        assertTrue(one > 0.1 && one < 10_000, "copy bandwidth " + one + " GB/s");
        assertEquals(one, MemoryBandwidth.cachedGBps(1), 0);
    }

    @Test
    void oneProbeDefinitionWithItsFiguresAndTime() {
        java.time.Instant before = java.time.Instant.now();
        MemoryBandwidth.Probe p = MemoryBandwidth.probe(2, 1 << 20);
        assertEquals(2, p.threads());
        assertEquals(1 << 20, p.bytesPerArray());
        assertTrue(p.minNanos() > 0 && p.medianNanos() >= p.minNanos(), p.toString());
        // Two bytes moved (one read, one written) per byte of the array, over the median copy.
        assertEquals(2.0 * (1 << 20) / p.medianNanos(), p.gbps(), 1e-9);
        assertTrue(!p.measuredAt().isBefore(before), p.toString());
        // Never more than an eighth of the heap per array (two arrays), never under 4 MiB.
        long b = MemoryBandwidth.arrayBytes();
        assertTrue(b <= MemoryBandwidth.ARRAY_BYTES && b >= 4L << 20, "arrayBytes " + b);
        assertTrue(b <= Math.max(4L << 20, Runtime.getRuntime().maxMemory() / 8), "arrayBytes " + b);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemoryBandwidth.probe(1, 100));
        assertTrue(e.getMessage().startsWith("bytesPerArray = 100: must be in [4096, "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MemoryBandwidth.probe(0, 1 << 20));
        assertTrue(e.getMessage().contains("threads = 0"), e.getMessage());
    }
}
