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

    void run(List<BenchCase> plan, Map<BenchCase, String> notes, List<String> skipped, Path json, Path chart)
            throws Exception {
        for (BenchCase c : plan) nameWidth = Math.max(nameWidth, c.name().length());
        header();
        for (String s : skipped) out.println(s);
        copyProbe();
        for (BenchCase c : plan) {
            String note = notes.get(c);
            if (note != null) out.println("note: " + c.name() + ": " + note);
            runCase(c);
            // Drop this case's arrays (and ONNX Runtime's direct input buffer) before the next.
            System.gc();
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

    private void header() {
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
        out.println("timing: "
                + (quick
                        ? "2 warm-up calls, median and min of 5 calls"
                        : "warm-up >= 20 calls and >= 0.5 s, then median and min of >= 15 calls and >= 1 s")
                + "; threads " + threads.toString().replaceAll("[\\[\\] ]", ""));
        out.println();
        out.printf(
                Locale.ROOT,
                "%-" + nameWidth + "s  %-15s %3s  %11s  %11s  %8s  %6s  %7s  %s%n",
                "case",
                "impl",
                "thr",
                "median ms",
                "min ms",
                "GB/s",
                "%copy",
                "vs ORT",
                "kernel");
    }

    private void copyProbe() throws Exception {
        // 2 x 256 MiB: many times any current last-level cache, so the copy streams from memory.
        CopyProbe probe = new CopyProbe(quick ? 16L << 20 : 256L << 20);
        Timing.Plan plan = quick ? new Timing.Plan(1, 0, 0, 3, 0, 3) : new Timing.Plan(3, 0, 0, 11, 0, 11);
        for (int t : threads) {
            Timing.Result r = probe.measure(t, plan);
            double gbps = probe.bytesMoved() / r.medianNanos;
            copyGbps.put(t, gbps);
            Result row = new Result("copy", Result.COPY, t, r, probe.bytesMoved(), r.label, gbps);
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
        try {
            for (int t : threads) {
                Timing.Result ours = Timing.measure(w.call(t), timing);
                Result mine =
                        new Result(c.name(), Result.POOLING4J, t, ours, w.bytesMoved(), ours.label, copyGbps.get(t));
                results.add(mine);
                Result theirs = null;
                String problem = null;
                if (ortIn != null) {
                    // The session (and its spinning thread pool) exists only while ONNX Runtime is timed.
                    try (OrtBackend.Session s = ort.session(model, t)) {
                        OrtBackend.Input feed = ortIn;
                        String label = ortLabel(c);
                        Timing.Result tr = Timing.measure(
                                () -> {
                                    s.run(feed);
                                    return label;
                                },
                                timing);
                        theirs = new Result(c.name(), Result.ORT, t, tr, w.bytesMoved(), label, copyGbps.get(t));
                        mine.ratioVsOrt = theirs.medianMs / mine.medianMs;
                        if (!checked) {
                            checked = true;
                            boolean exact =
                                    c.spec().op() == PoolOp.MAX || c.spec().op() == PoolOp.GLOBAL_MAX;
                            String diff = Agreement.compare(w.output().data(), s.output(feed), exact, 1e-5, 1e-6);
                            if (diff != null) problem = "  warning: onnxruntime and pooling4j outputs differ: " + diff;
                        }
                    } catch (Exception e) {
                        problem = "  onnxruntime: cannot run " + c.name() + " on " + t + " threads: "
                                + OrtBackend.shortMessage(e);
                        ortIn.close();
                        ortIn = null;
                    }
                }
                print(mine);
                if (tuned) measureTuned(c, w, t, mine);
                if (theirs != null) {
                    results.add(theirs);
                    print(theirs);
                }
                if (problem != null) out.println(problem);
            }
        } finally {
            if (ortIn != null) ortIn.close();
        }
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
                "%-" + nameWidth + "s  %-15s %3d  %11.4f  %11.4f  %8.2f  %6s  %7s  %s%n",
                r.caseName,
                r.impl,
                r.threads,
                r.medianMs,
                r.minMs,
                r.gbps,
                r.pctCopy == null ? "-" : String.format(Locale.ROOT, "%.1f", r.pctCopy),
                r.ratioVsOrt == null ? "-" : String.format(Locale.ROOT, "%.2f", r.ratioVsOrt),
                r.kernel == null ? "-" : r.kernel);
    }

    private void summary() {
        out.println();
        if (!tunedLines.isEmpty()) {
            out.println(
                    "auto-tuner (mode on) against the heuristic choice: each the better median of two timings taken in alternation (H T H T):");
            for (String l : tunedLines) out.println("  " + l);
            out.println();
        }
        for (int t : threads) {
            double logSum = 0;
            int n = 0;
            for (Result r : results) {
                if (r.threads == t && r.ratioVsOrt != null && r.ratioVsOrt > 0) {
                    logSum += Math.log(r.ratioVsOrt);
                    n++;
                }
            }
            if (n > 0) {
                out.printf(
                        Locale.ROOT,
                        "threads %d: geometric mean of ORT median / pooling4j median over %d cases = %.2f%n",
                        t,
                        n,
                        Math.exp(logSum / n));
            }
        }
    }
}
