package org.pooling4j.cli.observe;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import jdk.jfr.consumer.RecordedEvent;
import jdk.management.jfr.RemoteRecordingStream;
import org.pooling4j.monitor.MemoryBandwidth;
import org.pooling4j.monitor.PoolKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pooling4j top --pid PID}: a live table of the pooling calls of a running JVM. It attaches
 * with the Attach API, starts the target's local JMX agent, and streams the target's
 * {@code org.pooling4j.Pool} and {@code org.pooling4j.CopyBandwidth} events over JMX
 * ({@link RemoteRecordingStream}); the target needs pooling4j on its class path and nothing else.
 *
 * <p>Each refresh shows the calls that ended in the last {@code --interval} seconds of event time,
 * per key: calls/s, exact p50 and p99 of their durations, GB/s (sum of bytes / sum of time) and % of
 * the copy bandwidth. The stream delivers events in batches, a second or two after they happen (the
 * target writes them out once a second and the stream polls once a second), so the window ends at
 * the newest delivered batch rather than at "now"; when nothing arrives for {@link #LAG_NANOS} the
 * window moves on with the clock, so an idle target shows an empty table.
 *
 * <p>Copy bandwidth, in order: {@code --bandwidth-gbps}; the target's CopyBandwidth events seen
 * since attaching; the target's {@code -Dpooling4j.bandwidth.gbps}; a probe in this JVM, once per
 * thread count (labelled, as it measures this process, not the target).
 *
 * <p>Ends with status 0 after {@code --count} refreshes, when the target exits or the stream from it
 * closes, or on Ctrl-C; with status 2 and one line naming the PID when it does not exist or cannot
 * be attached to.
 */
@Command(
        name = "top",
        mixinStandardHelpOptions = true,
        description = {
            "Show a live table of the pooling calls of a running JVM.",
            "Per op/kernel/shape: calls/s, p50 and p99, GB/s and %% of copy bandwidth over the last --interval, streamed over JMX (Attach API and JFR remote streaming). It stops after --count refreshes, when the target exits, or on Ctrl-C (status 0 in each case)."
        })
public final class TopCommand implements Callable<Integer> {
    /** How long without new events before the window follows the clock instead of the newest event. */
    static final long LAG_NANOS = 3_000_000_000L;
    /** How long to wait for the stream's first batch before showing tables anyway. */
    static final long FIRST_BATCH_WAIT_MS = 10_000;
    /** Seconds Ctrl-C waits for the event stream and the JMX connection to close before the JVM ends. */
    static final int EXIT_WAIT_SECONDS = 10;

    @Option(names = "--pid", required = true, paramLabel = "PID", description = "process id of the JVM to watch")
    long pid;

    @Option(
            names = "--interval",
            paramLabel = "SECONDS",
            defaultValue = "1",
            description = "seconds between refreshes, and the window each one covers (default ${DEFAULT-VALUE})")
    double interval;

    @Option(
            names = "--count",
            paramLabel = "N",
            description = "stop after N refreshes (default: run until the target exits or Ctrl-C)")
    Integer count;

    @Option(
            names = "--rows",
            paramLabel = "N",
            defaultValue = "25",
            description = "most keys shown, busiest first (default ${DEFAULT-VALUE})")
    int rows;

    @Option(
            names = "--bandwidth-gbps",
            paramLabel = "GBPS",
            description = "copy bandwidth in GB/s to compare with (default: the target's figure, else probed here)")
    Double bandwidthGbps;

    @Override
    public Integer call() throws Exception {
        if (!(interval >= 0.1 && interval <= 3600)) {
            throw new IllegalArgumentException("--interval " + interval + ": must be between 0.1 and 3600 seconds");
        }
        if (count != null && count < 1) throw new IllegalArgumentException("--count " + count + ": must be >= 1");
        if (rows < 1) throw new IllegalArgumentException("--rows " + rows + ": must be >= 1");
        if (bandwidthGbps != null && !(bandwidthGbps > 0 && !bandwidthGbps.isInfinite())) {
            throw new IllegalArgumentException("--bandwidth-gbps " + bandwidthGbps + ": must be a finite number > 0");
        }
        PrintStream out = System.out;
        String url = managementAgent();
        JMXConnector jmx;
        try {
            jmx = JMXConnectorFactory.connect(new JMXServiceURL(url));
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--pid " + pid + ": cannot connect to its JMX agent at " + url + " (" + e + ")", e);
        }
        long windowNanos = Math.round(interval * 1e9);
        Live live = new Live(windowNanos);
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        // Ctrl-C: the hook stops the loop, waits for it to close the stream (so the target's
        // recording is closed too), then ends the JVM with status 0, as Ctrl-C is the normal way out.
        // It ends the JVM even when closing takes longer than it waits: the other shutdown hooks run
        // at the same time, and JFR's own can block behind a slow close for as long as that lasts.
        Thread hook = new Thread(
                () -> {
                    stop.countDown();
                    live.wake();
                    try {
                        done.await(EXIT_WAIT_SECONDS, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    out.flush();
                    Runtime.getRuntime().halt(0);
                },
                "pooling4j-top-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        RemoteRecordingStream rs = null;
        try {
            MBeanServerConnection conn = jmx.getMBeanServerConnection();
            Map<String, String> props = targetProperties(conn);
            String command = props.getOrDefault("sun.java.command", "");
            if (command.length() > 60) command = command.substring(0, 57) + "...";
            Bandwidths bw = new Bandwidths(props.get(MemoryBandwidth.GBPS_PROPERTY));
            try {
                rs = new RemoteRecordingStream(conn);
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "--pid " + pid + ": cannot stream its JFR events (" + e.getMessage() + ")", e);
            }
            rs.enable(PoolEvents.POOL_EVENT).withoutThreshold();
            rs.enable(PoolEvents.BANDWIDTH_EVENT);
            rs.onEvent(PoolEvents.POOL_EVENT, live::pool);
            rs.onEvent(
                    PoolEvents.BANDWIDTH_EVENT,
                    e -> bw.seen(
                            PoolEvents.intField(e, "threads", 1),
                            e.getDouble("gbps"),
                            PoolRecording.nanos(e.getStartTime())));
            rs.onFlush(live::flushed);
            rs.onClose(live::closed);
            rs.startAsync();
            boolean tty = System.console() != null;
            System.err.println("pooling4j top: attached to pid " + pid + (command.isEmpty() ? "" : " (" + command + ")")
                    + "; waiting for its first events" + (tty ? "; Ctrl-C to quit" : ""));
            live.awaitFirstBatch(FIRST_BATCH_WAIT_MS, stop, () -> !alive());
            int shown = 0;
            while (true) {
                if (stop.getCount() == 0) {
                    System.err.println("pooling4j top: stopped");
                    return 0;
                }
                if (live.isClosed() || !alive()) {
                    if (awaitExit()) {
                        System.err.println("pooling4j top: pid " + pid + " exited");
                        return 0;
                    }
                    throw new IllegalStateException(
                            "the event stream from pid " + pid + " closed while the process runs"
                                    + " (its recording was stopped, or the JMX connection failed)");
                }
                live.sleep(Math.round(interval * 1000), stop);
                if (stop.getCount() == 0 || live.isClosed() || !alive()) continue;
                StringBuilder b = new StringBuilder();
                if (tty) b.append("\033[H\033[2J");
                render(b, live.snapshot(), bw, command);
                out.print(b);
                out.flush();
                if (count != null && ++shown >= count) return 0;
            }
        } finally {
            if (rs != null) rs.close();
            try {
                jmx.close();
            } catch (IOException e) {
                // The target may be gone already; nothing is left to release on this side.
            }
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Shutdown is under way (Ctrl-C): the hook is running and ends the JVM.
            }
        }
    }

    /** Attaches, starts (or finds) the target's local JMX agent and detaches; returns the agent's address. */
    private String managementAgent() {
        if (pid <= 0) throw new IllegalArgumentException("--pid " + pid + ": must be a process id > 0");
        if (pid == ProcessHandle.current().pid())
            throw new IllegalArgumentException("--pid " + pid + ": that is this process");
        if (!alive()) throw new IllegalArgumentException("--pid " + pid + ": no such process");
        // Attaching signals the target (SIGQUIT on Linux), which ends a process that is not a JVM, so
        // only a JVM the Attach API lists is attached to.
        String id = Long.toString(pid);
        boolean listed = false;
        for (VirtualMachineDescriptor d : VirtualMachine.list()) listed |= d.id().equals(id);
        if (!listed) {
            throw new IllegalArgumentException(
                    "--pid " + pid + ": not a JVM the Attach API can see (not a Java process, a JVM of"
                            + " another user, or one started with -XX:-UsePerfData or -XX:+DisableAttachMechanism)");
        }
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(id);
        } catch (AttachNotSupportedException | IOException e) {
            throw new IllegalArgumentException("--pid " + pid + ": cannot attach (" + e.getMessage() + ")", e);
        }
        try {
            return vm.startLocalManagementAgent();
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--pid " + pid + ": cannot start its JMX agent (" + e.getMessage() + ")", e);
        } finally {
            try {
                vm.detach();
            } catch (IOException e) {
                // Detaching only closes this side's socket; the agent stays up either way.
            }
        }
    }

    private static Map<String, String> targetProperties(MBeanServerConnection conn) {
        try {
            return ManagementFactory.newPlatformMXBeanProxy(
                            conn, ManagementFactory.RUNTIME_MXBEAN_NAME, RuntimeMXBean.class)
                    .getSystemProperties();
        } catch (IOException | RuntimeException e) {
            // Only the header and a bandwidth default come from here; neither is worth failing for.
            return Map.of();
        }
    }

    private boolean alive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** After the stream closed: whether the target is gone within two seconds (it closes just before exiting). */
    private boolean awaitExit() throws InterruptedException {
        for (int i = 0; i < 20 && alive(); i++) Thread.sleep(100);
        return !alive();
    }

    private void render(StringBuilder b, Snapshot s, Bandwidths bw, String command) {
        LocalTime now = LocalTime.now();
        LocalTime end = Instant.ofEpochSecond(0, s.endNanos())
                .atZone(ZoneId.systemDefault())
                .toLocalTime();
        DateTimeFormatter hms = DateTimeFormatter.ofPattern("HH:mm:ss");
        DateTimeFormatter hmsm = DateTimeFormatter.ofPattern("HH:mm:ss.S");
        b.append("pooling4j top  pid ")
                .append(pid)
                .append(command.isEmpty() ? "" : "  " + command)
                .append("  ")
                .append(hms.format(now))
                .append("  calls ending in the ")
                .append(Units.sig3(interval))
                .append(" s before ")
                .append(hmsm.format(end))
                .append('\n');
        List<String[]> lines = new ArrayList<>();
        Set<String> sources = new LinkedHashSet<>();
        for (Row r : s.rows()) {
            double[] copy = bw.lookup(r.maxThreads(), bandwidthGbps);
            double gbps = r.totalNanos() == 0 ? Double.NaN : (double) r.bytes() / r.totalNanos();
            if (copy != null) sources.add(bw.label(copy));
            lines.add(new String[] {
                Units.f("%.1f", r.calls() / interval),
                Units.duration(r.p50(), "u"),
                Units.duration(r.p99(), "u"),
                Double.isNaN(gbps) ? "-" : Units.sig3(gbps),
                copy == null || Double.isNaN(gbps) ? "-" : Units.f("%.0f", 100 * gbps / copy[2]),
                r.key().text()
            });
        }
        b.append("copy bandwidth: ")
                .append(sources.isEmpty() ? "-" : String.join("; ", sources))
                .append('\n');
        b.append(Units.f(
                "%10s %10s %10s %8s %6s  %s%n",
                "calls/s", "p50", "p99", "GB/s", "% bw", "op direction kernel layout input->output"));
        if (lines.isEmpty()) {
            b.append(
                    s.everSeen()
                            ? "  (no pooling calls in this window)\n"
                            : "  (no pooling calls yet: rows appear once the target makes a pooling call; it needs a pooling4j with JFR events)\n");
        }
        for (int i = 0; i < lines.size() && i < rows; i++) {
            String[] l = lines.get(i);
            b.append(Units.f("%10s %10s %10s %8s %6s  %s%n", (Object[]) l));
        }
        if (lines.size() > rows) b.append("  ... ").append(lines.size() - rows).append(" more keys (--rows)\n");
        b.append('\n');
    }

    /** Aggregates of one key over a window; durations in nanoseconds. */
    record Row(PoolKey key, long calls, long totalNanos, long bytes, int maxThreads, double p50, double p99) {}

    /** The rows of one window, busiest (most total time) first, the window's end, and whether any call was ever seen. */
    record Snapshot(List<Row> rows, long endNanos, boolean everSeen) {}

    /**
     * The calls delivered so far, in batches: events of a batch are staged until the stream says the
     * batch is complete ({@code onFlush}), so a window never holds half a batch. Calls older than any
     * future window can show are dropped, so memory follows the call rate times the window.
     */
    static final class Live {
        private final long windowNanos;
        private final Map<PoolKey, Integer> index = new HashMap<>();
        private final List<PoolKey> keys = new ArrayList<>();
        private int staged;
        private int[] sKey = new int[256];
        private long[] sEnd = new long[256];
        private long[] sDur = new long[256];
        private long[] sBytes = new long[256];
        private int[] sThreads = new int[256];
        private int n;
        private int[] key = new int[1024];
        private long[] end = new long[1024];
        private long[] dur = new long[1024];
        private long[] bytes = new long[1024];
        private int[] threads = new int[1024];
        private long newest = Long.MIN_VALUE;
        private long newestArrival;
        private boolean batched;
        private volatile boolean closed;
        private final Object wakeup = new Object();

        /** Calls for windows of {@code windowNanos}. */
        Live(long windowNanos) {
            this.windowNanos = windowNanos;
        }

        /** Stages one pooling-call event (stream thread). */
        synchronized void pool(RecordedEvent e) {
            PoolKey k = PoolEvents.key(e);
            Integer i = index.get(k);
            if (i == null) {
                i = keys.size();
                keys.add(k);
                index.put(k, i);
            }
            if (staged == sKey.length) {
                int m = staged * 2;
                sKey = Arrays.copyOf(sKey, m);
                sEnd = Arrays.copyOf(sEnd, m);
                sDur = Arrays.copyOf(sDur, m);
                sBytes = Arrays.copyOf(sBytes, m);
                sThreads = Arrays.copyOf(sThreads, m);
            }
            long s = PoolRecording.nanos(e.getStartTime());
            long t = PoolRecording.nanos(e.getEndTime());
            sKey[staged] = i;
            sEnd[staged] = t;
            sDur[staged] = Math.max(0, t - s);
            sBytes[staged] = PoolEvents.longField(e, "bytes", 0);
            sThreads[staged] = PoolEvents.intField(e, "threads", 1);
            staged++;
        }

        /** Publishes the staged events as one complete batch (stream thread). */
        void flushed() {
            synchronized (this) {
                for (int j = 0; j < staged; j++) {
                    if (n == key.length) compact();
                    key[n] = sKey[j];
                    end[n] = sEnd[j];
                    dur[n] = sDur[j];
                    bytes[n] = sBytes[j];
                    threads[n] = sThreads[j];
                    newest = Math.max(newest, sEnd[j]);
                    n++;
                }
                if (staged > 0) newestArrival = System.nanoTime();
                staged = 0;
                batched = true;
            }
            wake();
        }

        /**
         * Drops calls no window can show any more (a window ends at the newest call or later, so one
         * that ended a window or more before the newest is out of reach), then grows if still half full.
         */
        private void compact() {
            long horizon = newest - windowNanos;
            int m = 0;
            for (int j = 0; j < n; j++) {
                if (end[j] > horizon) {
                    key[m] = key[j];
                    end[m] = end[j];
                    dur[m] = dur[j];
                    bytes[m] = bytes[j];
                    threads[m] = threads[j];
                    m++;
                }
            }
            n = m;
            if (n > key.length / 2) {
                int c = key.length * 2;
                key = Arrays.copyOf(key, c);
                end = Arrays.copyOf(end, c);
                dur = Arrays.copyOf(dur, c);
                bytes = Arrays.copyOf(bytes, c);
                threads = Arrays.copyOf(threads, c);
            }
        }

        void closed() {
            closed = true;
            wake();
        }

        boolean isClosed() {
            return closed;
        }

        void wake() {
            synchronized (wakeup) {
                wakeup.notifyAll();
            }
        }

        /** Waits for the first batch, at most {@code ms}, or until stopped, closed or {@code gone}. */
        void awaitFirstBatch(long ms, CountDownLatch stop, BooleanSupplier gone) throws InterruptedException {
            long until = System.nanoTime() + ms * 1_000_000L;
            while (stop.getCount() > 0 && !closed && !gone.getAsBoolean()) {
                synchronized (this) {
                    if (batched) return;
                }
                long left = until - System.nanoTime();
                if (left <= 0) return;
                synchronized (wakeup) {
                    wakeup.wait(Math.max(1, Math.min(100, left / 1_000_000L)));
                }
            }
        }

        /** Sleeps {@code ms}, returning early when stopped or closed. */
        void sleep(long ms, CountDownLatch stop) throws InterruptedException {
            long until = System.nanoTime() + ms * 1_000_000L;
            while (stop.getCount() > 0 && !closed) {
                long left = until - System.nanoTime();
                if (left <= 0) return;
                synchronized (wakeup) {
                    wakeup.wait(Math.max(1, Math.min(200, left / 1_000_000L)));
                }
            }
        }

        /**
         * The window of {@code windowNanos} ending at the newest delivered call, or at "now" less
         * {@link #LAG_NANOS} when no batch with calls arrived for that long (the target is idle).
         */
        synchronized Snapshot snapshot() {
            long nowWall = PoolRecording.nanos(Instant.now());
            long endAt = newest;
            if (newest == Long.MIN_VALUE || System.nanoTime() - newestArrival > LAG_NANOS)
                endAt = Math.max(newest, nowWall - LAG_NANOS);
            long from = endAt - windowNanos;
            int k = keys.size();
            long[] calls = new long[k];
            long[] total = new long[k];
            long[] b = new long[k];
            int[] t = new int[k];
            for (int j = 0; j < n; j++) {
                if (end[j] > from && end[j] <= endAt) {
                    calls[key[j]]++;
                    total[key[j]] += dur[j];
                    b[key[j]] += bytes[j];
                    t[key[j]] = Math.max(t[key[j]], threads[j]);
                }
            }
            long[][] durations = new long[k][];
            int[] fill = new int[k];
            for (int i = 0; i < k; i++) durations[i] = new long[(int) calls[i]];
            for (int j = 0; j < n; j++) {
                if (end[j] > from && end[j] <= endAt) durations[key[j]][fill[key[j]]++] = dur[j];
            }
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                if (calls[i] == 0) continue;
                Arrays.sort(durations[i]);
                int c = (int) calls[i];
                rows.add(new Row(
                        keys.get(i),
                        c,
                        total[i],
                        b[i],
                        t[i],
                        Units.quantile(durations[i], c, 0.5),
                        Units.quantile(durations[i], c, 0.99)));
            }
            rows.sort((x, y) -> Long.compare(y.totalNanos(), x.totalNanos()));
            return new Snapshot(rows, endAt, newest != Long.MIN_VALUE);
        }
    }

    /** The copy bandwidth figures top can compare with, and their labels. */
    static final class Bandwidths {
        private final TreeMap<Integer, Double> seen = new TreeMap<>();
        /** When each figure of {@link #seen} and {@link #probed} was measured, nanoseconds since the epoch. */
        private final Map<Integer, Long> seenAt = new HashMap<>();

        private final Map<Integer, Long> probedAt = new HashMap<>();
        private final Map<Integer, Double> probed = new HashMap<>();
        private final double targetProperty;

        Bandwidths(String targetProperty) {
            double v = Double.NaN;
            if (targetProperty != null) {
                try {
                    v = Double.parseDouble(targetProperty.trim());
                } catch (NumberFormatException e) {
                    // The target rejects such a value itself; here it is just not used.
                }
            }
            this.targetProperty = v > 0 && !Double.isInfinite(v) ? v : Double.NaN;
        }

        synchronized void seen(int threads, double gbps, long epochNanos) {
            if (gbps > 0 && !Double.isInfinite(gbps)) {
                seen.put(threads, gbps);
                seenAt.put(threads, epochNanos);
            }
        }

        /**
         * {@code {source, threads, GB/s}} for calls on {@code threads} threads; source 0 option, 1 the
         * target's event, 2 the target's property, 3 probed here.
         */
        synchronized double[] lookup(int threads, Double option) {
            if (option != null) return new double[] {0, 0, option};
            if (!seen.isEmpty()) {
                Double exact = seen.get(threads);
                if (exact != null) return new double[] {1, threads, exact};
                Map.Entry<Integer, Double> best = null;
                for (Map.Entry<Integer, Double> e : seen.entrySet())
                    if (best == null || e.getValue() > best.getValue()) best = e;
                return new double[] {1, best.getKey(), best.getValue()};
            }
            if (!Double.isNaN(targetProperty)) return new double[] {2, 0, targetProperty};
            int t = Math.max(1, Math.min(256, threads));
            return new double[] {
                3,
                t,
                probed.computeIfAbsent(t, n -> {
                    double g = MemoryBandwidth.copyGBps(n);
                    probedAt.put(n, System.currentTimeMillis() * 1_000_000L);
                    return g;
                })
            };
        }

        private static String when(Long epochNanos) {
            return epochNanos == null ? "time unknown" : "measured " + Units.utcTime(epochNanos);
        }

        /** A label for a {@link #lookup} result. */
        String label(double[] l) {
            String v = Units.sig3(l[2]) + " GB/s";
            String th = l[1] == 1 ? " on 1 thread" : " on " + (int) l[1] + " threads";
            return switch ((int) l[0]) {
                case 0 -> v + " (--bandwidth-gbps)";
                case 1 -> v + th + " (the target's copy probe, " + when(seenAt.get((int) l[1])) + ")";
                case 2 -> v + " (the target's -D" + MemoryBandwidth.GBPS_PROPERTY + ")";
                default -> v + th + " (probed by this process, not the target, " + when(probedAt.get((int) l[1])) + ")";
            };
        }
    }
}
