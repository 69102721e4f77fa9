package org.pooling4j.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.pooling4j.Layout;
import org.pooling4j.PoolSpec;
import org.pooling4j.internal.json.Json;

/**
 * PyTorch as a peer of the bench: a Python process running {@code tools/bench/torch_peer.py} (kept
 * in the jar as a resource) that times each case on its layouts and answers one JSON line per case.
 * The protocol is described at the top of that script.
 *
 * <p>Python is found as {@link #candidates} says; the first candidate whose process prints the
 * script's greeting (so it could import torch) is used.
 */
final class TorchPeer implements AutoCloseable {
    /** The one line printed when no Python with torch is found. */
    static final String NOT_AVAILABLE = "PyTorch peer: not available (no python with torch; install Debian's "
            + "python3-torch or pip install torch, or pass --python)";

    /** Environment variable naming the Python to use when {@code --python} is not given. */
    static final String PYTHON_ENV = "POOLING4J_PYTHON";

    /** Where the script lies in the jar (copied there from tools/bench by the build). */
    static final String SCRIPT_RESOURCE = "torch_peer.py";

    /** How long the greeting (importing torch) may take. */
    private static final long START_SECONDS = 120;

    /** How long one case may take (all its layouts and thread counts). */
    private static final long CASE_SECONDS = 1800;

    /** One timed layout of one case on one thread count, as the script reports it. */
    static final class Row {
        final String layout;
        final int threads;
        final double medianMs;
        final double minMs;
        final String label;

        Row(String layout, int threads, double medianMs, double minMs, String label) {
            this.layout = layout;
            this.threads = threads;
            this.medianMs = medianMs;
            this.minMs = minMs;
            this.label = label;
        }
    }

    /** The script's answer for one case. */
    static final class Answer {
        final List<Row> rows;
        final List<String> skipped;

        Answer(List<Row> rows, List<String> skipped) {
            this.rows = Collections.unmodifiableList(rows);
            this.skipped = Collections.unmodifiableList(skipped);
        }

        /** The row with the lowest median on {@code threads} threads, or null when there is none. */
        Row best(int threads) {
            Row b = null;
            for (Row r : rows) {
                if (r.threads == threads && (b == null || r.medianMs < b.medianMs)) b = r;
            }
            return b;
        }
    }

    private final Process process;
    private final BufferedWriter toPeer;
    /** The script's output lines, queued by a reader thread; {@link #END} after the last. */
    private BlockingQueue<String> source;

    private final String version;
    private final String python;
    private final Path script;
    private final Path stderr;

    private TorchPeer(Process process, Path script, Path stderr, String python, String version) {
        this.process = process;
        this.script = script;
        this.stderr = stderr;
        this.python = python;
        this.version = version;
        this.toPeer = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    }

    /** The torch version the script reported, e.g. "1.13.0". */
    String version() {
        return version;
    }

    /** The Python command that runs the script. */
    String python() {
        return python;
    }

    /**
     * The Pythons to try, in order: {@code option} (from {@code --python}) alone when given, else
     * the environment's {@value #PYTHON_ENV} alone when set, else {@code python3} on the PATH and
     * then {@code /usr/bin/python3} (where Debian's python3-torch installs torch, which a Python
     * earlier on the PATH may lack).
     */
    static List<String> candidates(String option, Map<String, String> env) {
        if (option != null) return List.of(option);
        String e = env.get(PYTHON_ENV);
        if (e != null && !e.isBlank()) return List.of(e);
        return List.of("python3", "/usr/bin/python3");
    }

    /** Result of {@link #start}: a peer, or why none started (one reason per candidate). */
    static final class Started {
        final TorchPeer peer;
        final List<String> reasons;

        Started(TorchPeer peer, List<String> reasons) {
            this.peer = peer;
            this.reasons = reasons;
        }
    }

    /** Starts the script with the first candidate that greets; never throws for a missing Python. */
    static Started start(List<String> candidates) throws IOException {
        Path script = Files.createTempFile("pooling4j-torch-peer", ".py");
        try (InputStream in = TorchPeer.class.getResourceAsStream(SCRIPT_RESOURCE)) {
            if (in == null) throw new IOException(SCRIPT_RESOURCE + " is missing from the bench jar");
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(script);
            throw e;
        }
        List<String> reasons = new ArrayList<>();
        for (String py : candidates) {
            Path err = Files.createTempFile("pooling4j-torch-peer", ".err");
            Process p;
            try {
                p = new ProcessBuilder(py, script.toString())
                        .redirectError(err.toFile())
                        .start();
            } catch (IOException e) {
                reasons.add(py + ": cannot run (" + e.getMessage() + ")");
                Files.deleteIfExists(err);
                continue;
            }
            TorchPeer peer = null;
            try {
                BlockingQueue<String> q = reader(p);
                String hello = q.poll(START_SECONDS, TimeUnit.SECONDS);
                String v = hello == null ? null : greeting(hello);
                if (v != null) {
                    peer = new TorchPeer(p, script, err, py, v);
                    peer.source = q;
                    return new Started(peer, reasons);
                }
                reasons.add(py + ": " + (hello == null ? "no answer" : refusal(hello)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reasons.add(py + ": interrupted");
            } finally {
                if (peer == null) {
                    p.destroyForcibly();
                    Files.deleteIfExists(err);
                }
            }
        }
        Files.deleteIfExists(script);
        return new Started(null, reasons);
    }

    /** The torch version in the script's greeting, or null when the line is no greeting. */
    static String greeting(String line) {
        Object o;
        try {
            o = Json.parse(line);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!(o instanceof Map)) return null;
        Object v = ((Map<?, ?>) o).get("torch");
        return v instanceof String ? (String) v : null;
    }

    private static String refusal(String line) {
        try {
            Object o = Json.parse(line);
            if (o instanceof Map && ((Map<?, ?>) o).get("error") instanceof String)
                return (String) ((Map<?, ?>) o).get("error");
        } catch (IllegalArgumentException e) {
            // not JSON: quote the line below
        }
        return "unexpected output: " + (line.length() > 200 ? line.substring(0, 200) + "..." : line);
    }

    /** A daemon thread that queues the process's output lines (so that a read can time out). */
    private static BlockingQueue<String> reader(Process p) {
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        Thread t = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        String l;
                        while ((l = r.readLine()) != null) {
                            if (!l.isEmpty()) q.add(l);
                        }
                    } catch (IOException e) {
                        // the process ended; the end marker below tells the waiting side
                    }
                    q.add(END);
                },
                "torch-peer-reader");
        t.setDaemon(true);
        t.start();
        return q;
    }

    /** Marks the end of the process's output in the queue (empty lines are not queued). */
    private static final String END = "";

    /**
     * Times {@code c} in the peer on each thread count with the bench's plan.
     *
     * @throws IOException when the peer has stopped, takes too long or answers nonsense (the caller
     *     stops using it)
     */
    Answer time(BenchCase c, List<Integer> threads, Timing.Plan plan, long seed) throws IOException {
        toPeer.write(Json.write(caseJson(c, threads, plan, seed)));
        toPeer.write('\n');
        toPeer.flush();
        String line;
        try {
            line = source.poll(CASE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (line == null) throw new IOException("no answer within " + CASE_SECONDS + " s for " + c.name());
        if (line.equals(END)) throw new IOException("the peer stopped" + stderrTail());
        return parse(line, c.name());
    }

    private String stderrTail() {
        try {
            List<String> l = Files.readAllLines(stderr, StandardCharsets.UTF_8);
            if (l.isEmpty()) return "";
            return ": " + String.join(" | ", l.subList(Math.max(0, l.size() - 3), l.size()));
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Parses the script's answer for case {@code expectedCase}.
     *
     * @throws IOException when the line is not such an answer (naming what is wrong)
     */
    static Answer parse(String line, String expectedCase) throws IOException {
        Object o;
        try {
            o = Json.parse(line);
        } catch (IllegalArgumentException e) {
            throw new IOException("PyTorch peer answered no JSON for " + expectedCase + ": " + e.getMessage());
        }
        if (!(o instanceof Map)) throw new IOException("PyTorch peer answered no object for " + expectedCase);
        Map<?, ?> m = (Map<?, ?>) o;
        if (!expectedCase.equals(m.get("case")))
            throw new IOException("PyTorch peer answered for case " + m.get("case") + ", expected " + expectedCase);
        List<Row> rows = new ArrayList<>();
        for (Object r : list(m.get("rows"), "rows")) {
            if (!(r instanceof Map)) throw new IOException("PyTorch peer: a row of " + expectedCase + " is no object");
            Map<?, ?> row = (Map<?, ?>) r;
            double med = number(row, "median_ms");
            double min = number(row, "min_ms");
            if (!(med > 0) || !(min > 0))
                throw new IOException("PyTorch peer: times of " + expectedCase + " must be > 0: " + row);
            Object layout = row.get("layout");
            if (!(layout instanceof String)) throw new IOException("PyTorch peer: row without a layout: " + row);
            Object label = row.get("label");
            rows.add(new Row(
                    (String) layout,
                    (int) number(row, "threads"),
                    med,
                    min,
                    label instanceof String ? (String) label : null));
        }
        List<String> skipped = new ArrayList<>();
        if (m.get("skipped") != null) {
            for (Object s : list(m.get("skipped"), "skipped")) skipped.add(String.valueOf(s));
        }
        return new Answer(rows, skipped);
    }

    private static List<?> list(Object v, String key) throws IOException {
        if (!(v instanceof List)) throw new IOException("PyTorch peer: '" + key + "' is not a list");
        return (List<?>) v;
    }

    private static double number(Map<?, ?> m, String key) throws IOException {
        Object v = m.get(key);
        if (!(v instanceof Number)) throw new IOException("PyTorch peer: '" + key + "' is not a number in " + m);
        return ((Number) v).doubleValue();
    }

    /** The case as the script reads it: logical (N, C, spatial...) shape, torch's parameter names. */
    static Map<String, Object> caseJson(BenchCase c, List<Integer> threads, Timing.Plan plan, long seed) {
        PoolSpec s = c.spec();
        int rank = s.rank();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("case", c.name());
        m.put("kind", c.kind().wireName());
        m.put("op", s.op().wireName());
        int[] ones = new int[rank];
        java.util.Arrays.fill(ones, 1);
        m.put("kernel", s.kernel() == null ? ones : s.kernel());
        m.put("stride", s.stride() == null ? ones : s.stride());
        m.put("pad_begin", s.padBegin());
        m.put("pad_end", s.padEnd());
        m.put("dilation", s.dilation());
        m.put("ceil_mode", s.ceilMode());
        m.put("count_include_pad", s.countIncludePad());
        m.put("p", Double.isFinite(s.p()) ? s.p() : null);
        m.put("output_size", spatial(logical(c.outputShape(), c.layout())));
        m.put("shape", logical(c.inputShape(), c.layout()));
        m.put("layout", c.layout() == Layout.CHANNELS_LAST ? "channels_last" : "channels_first");
        m.put("relu", c.kind() == BenchCase.Kind.TRAINING_FORWARD || c.kind() == BenchCase.Kind.TRAINING_BACKWARD);
        m.put("threads", new ArrayList<>(threads));
        m.put("seed", seed);
        m.put("warmup_calls", plan.warmupCalls);
        m.put("warmup_s", plan.warmupNanos / 1e9);
        m.put("warmup_cap_s", plan.warmupCapNanos / 1e9);
        m.put("min_calls", plan.minCalls);
        m.put("min_s", plan.minNanos / 1e9);
        m.put("max_calls", plan.maxCalls);
        return m;
    }

    /** A shape in (N, C, spatial...) order: channels-last shapes (N, spatial..., C) are reordered. */
    static int[] logical(int[] shape, Layout layout) {
        if (layout != Layout.CHANNELS_LAST) return shape.clone();
        int[] l = new int[shape.length];
        l[0] = shape[0];
        l[1] = shape[shape.length - 1];
        System.arraycopy(shape, 1, l, 2, shape.length - 2);
        return l;
    }

    private static int[] spatial(int[] logicalShape) {
        return java.util.Arrays.copyOfRange(logicalShape, 2, logicalShape.length);
    }

    @Override
    public void close() {
        try {
            toPeer.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            try {
                Files.deleteIfExists(script);
                Files.deleteIfExists(stderr);
            } catch (IOException e) {
                // temporary files: the system cleans them eventually
            }
        }
    }
}
