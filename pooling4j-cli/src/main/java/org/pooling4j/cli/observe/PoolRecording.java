package org.pooling4j.cli.observe;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.pooling4j.monitor.PoolKey;

/**
 * The pooling calls of one JFR recording, read once: for each {@code org.pooling4j.Pool} event its
 * key, start, duration, bytes, threads and tuner flag (in the file's order, which is not strictly
 * time order), plus the copy bandwidths the recording holds and the time span of all its events.
 */
final class PoolRecording {
    /** Distinct keys, in order of first appearance. */
    final List<PoolKey> keys = new ArrayList<>();
    /** Number of pooling calls. */
    int calls;
    /** Per call: index into {@link #keys}. */
    int[] key = new int[1024];
    /** Per call: start time, nanoseconds since the epoch. */
    long[] start = new long[1024];
    /** Per call: duration in nanoseconds. */
    long[] duration = new long[1024];
    /** Per call: bytes moved. */
    long[] bytes = new long[1024];
    /** Per call: threads it ran on. */
    int[] threads = new int[1024];
    /** Per call: whether the auto-tuner chose its kernel. */
    boolean[] tuned = new boolean[1024];
    /** Copy bandwidth per thread count from the recording's CopyBandwidth events (the highest per count). */
    final TreeMap<Integer, Double> bandwidth = new TreeMap<>();
    /** When each figure of {@link #bandwidth} was measured: its event's start, nanoseconds since the epoch. */
    final TreeMap<Integer, Long> bandwidthNanos = new TreeMap<>();
    /** Calls left out by {@link #withoutFirstCalls} (0 when none were). */
    int leftOut;
    /** How many calls of each key {@link #withoutFirstCalls} left out. */
    int leftOutPerKey;
    /** Events of other types in the recording. */
    long otherEvents;
    /** Earliest start and latest end of any event, nanoseconds since the epoch (0 when the file has none). */
    long firstNanos;

    long lastNanos;

    private PoolRecording() {}

    /**
     * Reads a recording.
     *
     * @throws IllegalArgumentException naming the file when it is missing, not a regular file,
     *     unreadable, not a JFR recording, or damaged or cut short (a recording still being written
     *     counts as cut short)
     */
    static PoolRecording read(Path file) {
        File f = file.toFile();
        if (!f.exists()) throw new IllegalArgumentException("recording " + file + ": no such file");
        if (!f.isFile()) throw new IllegalArgumentException("recording " + file + ": not a regular file");
        if (!f.canRead()) throw new IllegalArgumentException("recording " + file + ": not readable (permissions)");
        if (f.length() == 0)
            throw new IllegalArgumentException("recording " + file + ": empty file, not a JFR recording");
        // The magic bytes tell "some other file" from "a recording cut short", which RecordingFile
        // reports alike.
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int got = in.readNBytes(head, 0, 4);
            if (got < 4 || head[0] != 'F' || head[1] != 'L' || head[2] != 'R' || head[3] != 0) {
                throw new IllegalArgumentException("recording " + file
                        + ": not a JFR recording (it does not start with the JFR magic bytes FLR\\0)");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("recording " + file + ": cannot be read (" + e + ")", e);
        }
        PoolRecording r = new PoolRecording();
        Map<PoolKey, Integer> index = new HashMap<>();
        RecordingFile rf;
        try {
            rf = new RecordingFile(file);
        } catch (IOException | RuntimeException e) {
            // The constructor reads the first chunk's header and metadata: damage there shows as an
            // IOException or, for some cuts, an IndexOutOfBoundsException.
            throw new IllegalArgumentException("recording " + file + ": damaged or cut short (" + e + ")", e);
        }
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        try (rf) {
            while (rf.hasMoreEvents()) {
                RecordedEvent e = rf.readEvent();
                long s = nanos(e.getStartTime());
                long end = nanos(e.getEndTime());
                first = Math.min(first, s);
                last = Math.max(last, end);
                String name = e.getEventType().getName();
                if (PoolEvents.POOL_EVENT.equals(name)) {
                    r.add(
                            index.computeIfAbsent(PoolEvents.key(e), k -> {
                                r.keys.add(k);
                                return r.keys.size() - 1;
                            }),
                            s,
                            end - s,
                            PoolEvents.longField(e, "bytes", 0),
                            PoolEvents.intField(e, "threads", 1),
                            e.hasField("tuned") && e.getBoolean("tuned"));
                } else if (PoolEvents.BANDWIDTH_EVENT.equals(name) && e.hasField("gbps")) {
                    double g = e.getDouble("gbps");
                    int t = PoolEvents.intField(e, "threads", 1);
                    if (g > 0 && !Double.isInfinite(g) && !(r.bandwidth.getOrDefault(t, 0.0) >= g)) {
                        r.bandwidth.put(t, g);
                        r.bandwidthNanos.put(t, s);
                    }
                } else {
                    r.otherEvents++;
                }
            }
        } catch (IOException | RuntimeException e) {
            // RecordingFile reports a truncated or corrupt file as EOFException, IOException or an
            // internal runtime exception, depending on where the damage is.
            throw new IllegalArgumentException("recording " + file + ": damaged or cut short (" + e + ")", e);
        }
        if (first != Long.MAX_VALUE) {
            r.firstNanos = first;
            r.lastNanos = last;
        }
        return r;
    }

    /**
     * This recording without the first {@code n} calls (by start time) of each key: the cold calls
     * that include class loading, planning and JIT compilation, which would otherwise dominate the
     * p99 of a short run. A key with no call left is dropped.
     *
     * @throws IllegalArgumentException if {@code n < 0}
     */
    PoolRecording withoutFirstCalls(int n) {
        if (n < 0) throw new IllegalArgumentException("--skip-first " + n + ": must be >= 0");
        PoolRecording r = new PoolRecording();
        r.bandwidth.putAll(bandwidth);
        r.bandwidthNanos.putAll(bandwidthNanos);
        r.otherEvents = otherEvents;
        r.firstNanos = firstNanos;
        r.lastNanos = lastNanos;
        r.leftOutPerKey = n;
        Integer[] order = new Integer[calls];
        for (int c = 0; c < calls; c++) order[c] = c;
        Arrays.sort(order, (a, b) -> Long.compare(start[a], start[b]));
        int[] seen = new int[keys.size()];
        boolean[] keep = new boolean[calls];
        for (int c : order) keep[c] = seen[key[c]]++ >= n;
        int[] newIndex = new int[keys.size()];
        Arrays.fill(newIndex, -1);
        for (int c = 0; c < calls; c++) {
            if (!keep[c]) {
                r.leftOut++;
                continue;
            }
            if (newIndex[key[c]] < 0) {
                newIndex[key[c]] = r.keys.size();
                r.keys.add(keys.get(key[c]));
            }
            r.add(newIndex[key[c]], start[c], duration[c], bytes[c], threads[c], tuned[c]);
        }
        return r;
    }

    private void add(int k, long s, long d, long b, int t, boolean tu) {
        if (calls == key.length) {
            int n = calls * 2;
            key = Arrays.copyOf(key, n);
            start = Arrays.copyOf(start, n);
            duration = Arrays.copyOf(duration, n);
            bytes = Arrays.copyOf(bytes, n);
            threads = Arrays.copyOf(threads, n);
            tuned = Arrays.copyOf(tuned, n);
        }
        key[calls] = k;
        start[calls] = s;
        duration[calls] = Math.max(0, d);
        bytes[calls] = b;
        threads[calls] = t;
        tuned[calls] = tu;
        calls++;
    }

    static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
