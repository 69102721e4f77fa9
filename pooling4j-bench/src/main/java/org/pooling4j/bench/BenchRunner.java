package org.pooling4j.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.pooling4j.PoolOp;
import org.pooling4j.Pooling;
import org.pooling4j.monitor.MemoryBandwidth;
import org.pooling4j.tuning.Tuner;

/** The measuring loop, separate from option parsing. */
final class BenchRunner {
    private final PrintStream out;
    private final List<Integer> threads;
    private final Timing.Plan timing;
    private final boolean quick;
    private final boolean noOrt;
    private final long seed;
    private final boolean tuned;
    private final List<String> tunedLines = new ArrayList<>();
    private final List<Result> results = new ArrayList<>();
    /** Copy bandwidth by thread count; read by the {@code --live} thread too. */
    private final Map<Integer, Double> copyGbps = new ConcurrentHashMap<>();

    private OrtBackend ort;
    private int nameWidth = 24;
    /** Pythons to try for the PyTorch peer; null: no peer. */
    private List<String> torchCandidates;
    /** Whether the candidates were named by the user (then a failure says why). */
    private boolean torchExplicit;

    private TorchPeer torch;

    BenchRunner(
            PrintStream out,
            List<Integer> threads,
            Timing.Plan timing,
            boolean quick,
            boolean noOrt,
            long seed,
            boolean tuned) {
        this.tuned = tuned;
        this.out = out;
        this.threads = threads;
        this.timing = timing;
        this.quick = quick;
        this.noOrt = noOrt;
        this.seed = seed;
    }

    /**
     * Also time PyTorch with the first of {@code candidates} (Pythons) that can import torch;
     * {@code explicit}: the user named the Python, so a failure says why.
     */
    BenchRunner withTorch(List<String> candidates, boolean explicit) {
        this.torchCandidates = candidates;
        this.torchExplicit = explicit;
        return this;
    }

    void run(List<BenchCase> plan, Map<BenchCase, String> notes, List<String> skipped, Path json, Path chart)
            throws Exception {
        for (BenchCase c : plan) nameWidth = Math.max(nameWidth, c.name().length());
        try {
            header();
            for (String s : skipped) out.println(s);
            copyProbe();
            for (BenchCase c : plan) {
                String note = notes.get(c);
                if (note != null) out.println("note: " + c.name() + ": " + note);
                int libraryThreads = Pooling.threads();
                try {
                    runCase(c);
                } finally {
                    // The training cases set the library-wide count (their calls take no count).
                    Pooling.setThreads(libraryThreads);
                }
                // Drop this case's arrays (and ONNX Runtime's direct input buffer) before the next.
                System.gc();
            }
        } finally {
            if (torch != null) torch.close();
        }
        summary();
        if (json != null) {
            Result.writeJson(results, json);
            out.println("wrote " + json);
        }
        if (chart != null) {
            Chart.write(
                    results,
                    chart,
                    "pooling4j bench: GB/s per case"
                            + (ort != null ? " (pooling4j vs ONNX Runtime " + ort.version() + ")" : ""));
            out.println("wrote " + chart);
        }
    }

    /** The copy bandwidth measured on {@code threads} threads, NaN before (or without) its probe. */
    double copyGbps(int threads) {
        Double v = copyGbps.get(threads);
        return v == null ? Double.NaN : v;
    }

    private void header() throws Exception {
        Runtime rt = Runtime.getRuntime();
        out.println("pooling4j bench" + (quick ? " (--quick: numbers are indicative only)" : ""));
        out.println("JDK: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + "), max heap " + (rt.maxMemory() >> 20) + " MiB");
        out.println("CPUs: " + rt.availableProcessors() + " (available processors); " + System.getProperty("os.name")
                + " " + System.getProperty("os.arch"));
        out.println("vectorization: " + Pooling.vectorization());
        if (noOrt) {
            out.println("ONNX Runtime: skipped (--no-ort)");
        } else {
            try {
                ort = OrtBackend.open();
                out.println("ONNX Runtime: " + ort.version()
                        + " (Java API, default session options, intra-op threads = N, inter-op 1)");
            } catch (Exception | LinkageError e) {
                ort = null;
                out.println("ONNX Runtime: not available, running without it (" + e + ")");
            }
        }
        if (torchCandidates != null) startTorch();
        out.println("timing: "
                + (quick
                        ? "2 warm-up calls, median and min of 5 calls"
                        : "warm-up >= 20 calls and >= 0.5 s, then median and min of >= 15 calls and >= 1 s")
                + "; threads " + threads.toString().replaceAll("[\\[\\] ]", ""));
        out.println();
        out.printf(
                Locale.ROOT,
                "%-" + nameWidth + "s  %-15s %3s  %11s  %11s  %8s  %6s  %7s  %8s  %s%n",
                "case",
                "impl",
                "thr",
                "median ms",
                "min ms",
                "GB/s",
                "%copy",
                "vs ORT",
                "vs torch",
                "kernel");
    }

    private void startTorch() throws Exception {
        TorchPeer.Started s = TorchPeer.start(torchCandidates);
        torch = s.peer;
        if (torch == null) {
            out.println(TorchPeer.NOT_AVAILABLE);
            if (torchExplicit) for (String r : s.reasons) out.println("  " + r);
            return;
        }
        out.println("PyTorch peer: torch " + torch.version() + " (" + torch.python()
                + "; layouts nchw, channels_last, mkldnn (forward), nchw_out (aten .out); the table shows the fastest"
                + " layout per case and thread count, --json keeps every layout)");
    }

    /** The peer's answer for {@code c}, or null without a peer or when it fails (then it is dropped). */
    private TorchPeer.Answer timeTorch(BenchCase c) {
        if (torch == null) return null;
        try {
            return torch.time(c, threads, timing, seed ^ c.name().hashCode());
        } catch (java.io.IOException e) {
            out.println("PyTorch peer: stopped at " + c.name() + " (" + e.getMessage() + "); no further torch rows");
            torch.close();
            torch = null;
            return null;
        }
    }

    private void copyProbe() {
        // The library's one definition of the copy bandwidth (MemoryBandwidth), measured here
        // rather than read from its cache so that each bench run says when its yardstick was taken.
        // --quick copies 16 MiB arrays: a smoke test, not a figure.
        long bytes = quick ? 16L << 20 : MemoryBandwidth.arrayBytes();
        out.println("copy probe: " + MemoryBandwidth.PROBE + (quick ? ", 16 MiB arrays (--quick)" : ""));
        for (int t : threads) {
            MemoryBandwidth.Probe p = MemoryBandwidth.probe(t, bytes);
            copyGbps.put(t, p.gbps());
            Result row = new Result(
                    "copy",
                    Result.COPY,
                    t,
                    p.medianNanos() / 1e6,
                    p.minNanos() / 1e6,
                    2 * p.bytesPerArray(),
                    "System.arraycopy x" + t + " of " + (p.bytesPerArray() >> 20) + " MiB, measured " + p.measuredAt(),
                    p.gbps());
            results.add(row);
            print(row);
        }
    }

    private void runCase(BenchCase c) throws Exception {
        Workload w = new Workload(c, seed ^ c.name().hashCode());
        OrtBackend.Input ortIn = null;
        byte[] model = null;
        if (ort != null && c.ortComparable()) {
            try {
                model = OnnxModels.model(c);
                ortIn = ort.input(w.input().data(), c.inputShape());
            } catch (Exception | OutOfMemoryError e) {
                out.println("  onnxruntime: cannot prepare " + c.name() + ": " + e);
                model = null;
            }
        }
        boolean checked = false;
        TorchPeer.Answer peer = timeTorch(c);
        try {
            for (int t : threads) {
                Timing.Result ours = null;
                Timing.Result ortTiming = null;
                float[] ortOutput = null;
                String problem = null;
                String ortLabel = ortLabel(c);
                if (ortIn != null) {
                    // The session (and its spinning thread pool) exists only while this thread count is
                    // timed; pooling4j and ONNX Runtime are timed in alternating rounds (Timing.interleaved).
                    byte[] onnx = model;
                    int th = t;
                    try (OrtBackend.Session s = peerCall(() -> ort.session(onnx, th))) {
                        OrtBackend.Input feed = ortIn;
                        Timing.Result[] both = Timing.interleaved(
                                w.call(t),
                                () -> {
                                    peerCall(() -> {
                                        s.run(feed);
                                        return null;
                                    });
                                    return ortLabel;
                                },
                                timing);
                        ours = both[0];
                        ortTiming = both[1];
                        if (!checked) ortOutput = peerCall(() -> s.output(feed));
                    } catch (PeerFailure e) {
                        // Only ONNX Runtime's failures end up here; pooling4j's propagate.
                        problem = "  onnxruntime: cannot run " + c.name() + " on " + t + " threads: "
                                + OrtBackend.shortMessage(e.getCause());
                        ortIn.close();
                        ortIn = null;
                        ortTiming = null;
                    }
                }
                if (ours == null) ours = Timing.measure(w.call(t), timing);
                Result mine =
                        new Result(c.name(), Result.POOLING4J, t, ours, w.bytesMoved(), ours.label, copyGbps.get(t));
                results.add(mine);
                mine.xMax = xMax(c, t, mine.medianMs);
                Result torchBest = null;
                if (peer != null) {
                    for (TorchPeer.Row pr : peer.rows) {
                        if (pr.threads != t) continue;
                        Result tr = new Result(
                                c.name(),
                                Result.TORCH,
                                t,
                                pr.medianMs,
                                pr.minMs,
                                w.bytesMoved(),
                                pr.label,
                                copyGbps.get(t));
                        tr.layout = pr.layout;
                        tr.peerVersion = "torch " + torch.version();
                        results.add(tr);
                        if (torchBest == null || tr.medianMs < torchBest.medianMs) torchBest = tr;
                    }
                    if (torchBest != null) {
                        mine.ratioVsTorch = torchBest.medianMs / mine.medianMs;
                        mine.torchBestLayout = torchBest.layout;
                    }
                }
                Result theirs = null;
                if (ortTiming != null) {
                    theirs = new Result(c.name(), Result.ORT, t, ortTiming, w.bytesMoved(), ortLabel, copyGbps.get(t));
                    theirs.peerVersion = "onnxruntime " + ort.version();
                    mine.ratioVsOrt = theirs.medianMs / mine.medianMs;
                    if (ortOutput != null) {
                        checked = true;
                        boolean exact = c.spec().op() == PoolOp.MAX || c.spec().op() == PoolOp.GLOBAL_MAX;
                        // The workload's output holds pooling4j's last timed call.
                        String diff = Agreement.compare(w.output().data(), ortOutput, exact, 1e-5, 1e-6);
                        if (diff != null) problem = "  warning: onnxruntime and pooling4j outputs differ: " + diff;
                    }
                }
                print(mine);
                if (tuned) measureTuned(c, w, t, mine);
                if (theirs != null) {
                    results.add(theirs);
                    print(theirs);
                }
                if (torchBest != null) print(torchBest);
                if (problem != null) out.println(problem);
            }
            if (peer != null && peer.rows.isEmpty() && !peer.skipped.isEmpty())
                out.println("  torch: no row for " + c.name() + " (" + String.join("; ", peer.skipped) + ")");
        } finally {
            if (ortIn != null) ortIn.close();
        }
    }

    /** A failure of the peer (ONNX Runtime), told apart from pooling4j's own while both are timed. */
    private static final class PeerFailure extends Exception {
        private static final long serialVersionUID = 1L;

        PeerFailure(Exception cause) {
            super(cause);
        }
    }

    /** A call of the peer's code. */
    @FunctionalInterface
    private interface PeerStep<T> {
        T run() throws Exception;
    }

    /** Runs a peer step, its exceptions wrapped in {@link PeerFailure}. */
    private static <T> T peerCall(PeerStep<T> step) throws PeerFailure {
        try {
            return step.run();
        } catch (Exception e) {
            throw new PeerFailure(e);
        }
    }

    /** The training cases' reference: max pooling in the same direction. */
    static String maxCaseOf(BenchCase c) {
        if (c.kind() == BenchCase.Kind.TRAINING_FORWARD) return "lenet_max";
        if (c.kind() == BenchCase.Kind.TRAINING_BACKWARD) return "lenet_max_bwd";
        return null;
    }

    /** {@code medianMs} over the pooling4j median of the case's max reference on {@code t} threads, or null. */
    private Double xMax(BenchCase c, int t, double medianMs) {
        String ref = maxCaseOf(c);
        if (ref == null) return null;
        if (ref.equals(c.name())) return 1.0;
        for (Result r : results) {
            if (r.caseName.equals(ref) && r.impl.equals(Result.POOLING4J) && r.threads == t)
                return medianMs / r.medianMs;
        }
        return null;
    }

    /**
     * Times the call with the auto-tuner on (its first warm-up call tunes), then the heuristic
     * choice again, then the tuned choice again (the decision reloaded from a wisdom file), so
     * that each side has two timings taken in alternation; each side's better median counts.
     */
    private void measureTuned(BenchCase c, Workload w, int t, Result heuristic) throws Exception {
        Path wisdom = Files.createTempFile("pooling4j-bench-wisdom", ".json");
        Timing.Result t1;
        Timing.Result t2;
        Timing.Result h2;
        List<Tuner.Decision> ds;
        try {
            Tuner.clear();
            Tuner.setMode(Tuner.Mode.ON);
            try {
                t1 = Timing.measure(w.call(t), timing);
                ds = Tuner.decisions();
            } finally {
                Tuner.setMode(Tuner.Mode.OFF);
            }
            Tuner.saveWisdom(wisdom);
            Tuner.clear();
            h2 = Timing.measure(w.call(t), timing);
            Tuner.loadWisdom(wisdom);
            t2 = Timing.measure(w.call(t), timing);
        } finally {
            Tuner.clear();
            Files.deleteIfExists(wisdom);
        }
        Timing.Result tr = t2.medianNanos < t1.medianNanos ? t2 : t1;
        double heurMs = Math.min(heuristic.medianMs, h2.medianNanos / 1e6);
        String choice = ds.isEmpty()
                ? "heuristic (below the work threshold, not tuned)"
                : ds.get(0).kernel() + " x" + ds.get(0).threads()
                        + (ds.get(0).changed()
                                ? " (heuristic " + ds.get(0).heuristicKernel() + " x"
                                        + ds.get(0).heuristicThreads() + ")"
                                : " (= heuristic)");
        Result row = new Result(c.name(), Result.TUNED, t, tr, w.bytesMoved(), choice, copyGbps.get(t));
        results.add(row);
        print(row);
        double ratio = row.medianMs / heurMs;
        tunedLines.add(String.format(
                Locale.ROOT,
                "%-" + nameWidth + "s %3d  heuristic %10.4f ms  tuned %10.4f ms  tuned/heuristic %.3f  %s",
                c.name(),
                t,
                heurMs,
                row.medianMs,
                ratio,
                choice));
    }

    private static String ortLabel(BenchCase c) {
        switch (c.spec().op()) {
            case GLOBAL_AVG:
                return "ort GlobalAveragePool";
            case GLOBAL_MAX:
                return "ort GlobalMaxPool";
            case MAX:
                return "ort MaxPool";
            default:
                return "ort AveragePool";
        }
    }

    private void print(Result r) {
        out.printf(
                Locale.ROOT,
                "%-" + nameWidth + "s  %-15s %3d  %11.4f  %11.4f  %8.2f  %6s  %7s  %8s  %s%n",
                r.caseName,
                r.impl,
                r.threads,
                r.medianMs,
                r.minMs,
                r.gbps,
                r.pctCopy == null ? "-" : String.format(Locale.ROOT, "%.1f", r.pctCopy),
                r.ratioVsOrt == null ? "-" : String.format(Locale.ROOT, "%.2f", r.ratioVsOrt),
                r.ratioVsTorch == null ? "-" : String.format(Locale.ROOT, "%.2f", r.ratioVsTorch),
                r.layout != null ? r.layout + ": " + r.kernel : r.kernel == null ? "-" : r.kernel);
    }

    private void summary() {
        out.println();
        if (!tunedLines.isEmpty()) {
            out.println(
                    "auto-tuner (mode on) against the heuristic choice: each the better median of two timings taken in alternation (H T H T):");
            for (String l : tunedLines) out.println("  " + l);
            out.println();
        }
        trainingSummary();
        for (int t : threads) {
            geomean(t, "ORT", r -> r.ratioVsOrt);
            geomean(t, "torch (best layout)", r -> r.ratioVsTorch);
        }
    }

    private void geomean(int t, String peer, java.util.function.Function<Result, Double> ratio) {
        double logSum = 0;
        int n = 0;
        for (Result r : results) {
            Double v = ratio.apply(r);
            if (r.threads == t && v != null && v > 0) {
                logSum += Math.log(v);
                n++;
            }
        }
        if (n > 0) {
            out.printf(
                    Locale.ROOT,
                    "threads %d: geometric mean of %s median / pooling4j median over %d cases = %.2f%n",
                    t,
                    peer,
                    n,
                    Math.exp(logSum / n));
        }
    }

    /** The training cases side by side: each pooling4j median against max pooling's, and torch's best. */
    private void trainingSummary() {
        List<Result> rows = new ArrayList<>();
        for (Result r : results) {
            if (r.impl.equals(Result.POOLING4J) && r.xMax != null) rows.add(r);
        }
        if (rows.isEmpty()) return;
        out.println("training cases: pooling4j median, x max = that median / lenet_max's (forward) or lenet_max_bwd's"
                + " (backward) on the same threads; torch's fastest layout where torch has the operator:");
        for (Result r : rows) {
            out.printf(
                    Locale.ROOT,
                    "  %-" + nameWidth + "s %3d  %10.4f ms  x max %6.2f  %s%n",
                    r.caseName,
                    r.threads,
                    r.medianMs,
                    r.xMax,
                    r.ratioVsTorch == null
                            ? "torch -"
                            : String.format(
                                    Locale.ROOT,
                                    "torch %s %.4f ms, vs torch %.2f",
                                    r.torchBestLayout,
                                    r.ratioVsTorch * r.medianMs,
                                    r.ratioVsTorch));
        }
        out.println();
    }
}
