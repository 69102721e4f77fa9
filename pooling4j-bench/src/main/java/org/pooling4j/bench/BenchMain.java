package org.pooling4j.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code pooling4j bench}: measures, in one JVM, a memory-copy bandwidth probe, pooling4j and ONNX
 * Runtime on the same inputs for each thread count, and prints per case the median and minimum
 * time, GB/s, the percentage of the copy bandwidth, the ratio to ONNX Runtime and the kernel name.
 *
 * <p>Exit status: 0 after a run, 2 for a usage error (bad option value), 1 when a run fails.
 */
@Command(
        name = "pooling4j bench",
        mixinStandardHelpOptions = true,
        version = "pooling4j bench 0.1.0",
        sortOptions = false,
        description = {
            "Benchmark pooling4j against ONNX Runtime and a memory-copy probe on the same inputs, in one JVM.",
            "GB/s: bytes of all inputs and outputs read or written / median time.",
            "%%copy: that GB/s over the copy bandwidth measured at the same thread count.",
            "vs ORT: ONNX Runtime median / pooling4j median (> 1: pooling4j is faster).",
            "vs torch (with --peer torch): the fastest PyTorch layout's median / pooling4j median (> 1: pooling4j is faster);"
                    + " torch rows count the same bytes as pooling4j's row of the case.",
            "--training adds the lenet_* cases (the pooling kinds of `pooling4j study`, about 1 more minute"
                    + " without peers); a summary lists each one's time relative to lenet_max (x max)."
        })
public final class BenchMain implements Callable<Integer> {
    /** Default seed of the random inputs. */
    static final long DEFAULT_SEED = 0x5EED_B3C4L;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--threads",
            split = ",",
            defaultValue = "1,2",
            converter = ThreadCount.class,
            paramLabel = "N",
            description = "thread counts to measure (default: ${DEFAULT-VALUE})")
    List<Integer> threads;

    @Option(
            names = "--case",
            paramLabel = "NAME",
            converter = CaseName.class,
            description = "run only this case of the standard suite (repeatable; --list shows the names)")
    List<String> cases = new ArrayList<>();

    @Option(
            names = "--shapes",
            paramLabel = "FILE",
            description =
                    "run rows of a shape corpus (the format of pooling4j-bench/src/test/resources/perf/pool_shapes.csv) as float32 forward channels-first cases, "
                            + "instead of the standard suite (with --case: after those cases); the whole corpus takes hours, pick rows with --rows or --limit")
    Path shapes;

    @Option(
            names = "--rows",
            paramLabel = "A-B",
            converter = RowRange.Parser.class,
            description = "corpus rows A to B (1-based data rows, inclusive; or one row N)")
    RowRange rows;

    @Option(
            names = "--limit",
            paramLabel = "N",
            converter = PositiveInt.class,
            description = "run at most N corpus rows (the first N that can run, after --rows)")
    Integer limit;

    @Option(
            names = "--sample",
            paramLabel = "N",
            converter = PositiveInt.class,
            description = "run N corpus rows drawn at random (from --seed) out of --rows, in row order")
    Integer sample;

    @Option(
            names = "--tuned",
            description =
                    "also time pooling4j with the auto-tuner on (impl pooling4j-tuned; "
                            + "its first warm-up call tunes) between two timings of the heuristic choice, and list tuned / heuristic per case")
    boolean tuned;

    @Option(
            names = "--default-alg",
            paramLabel = "ALG",
            defaultValue = "max",
            converter = Alg.class,
            description =
                    "algorithm for corpus rows with an empty alg column: max, avg_np or avg_p (default: ${DEFAULT-VALUE})")
    String defaultAlg;

    @Option(
            names = "--max-mb",
            paramLabel = "MIB",
            defaultValue = "1024",
            converter = PositiveInt.class,
            description = "skip corpus rows whose input plus output exceed this many MiB (default: ${DEFAULT-VALUE})")
    Integer maxMb;

    @Option(names = "--json", paramLabel = "FILE", description = "write the results as a JSON array")
    Path json;

    @Option(
            names = "--chart",
            paramLabel = "FILE.png",
            description = "draw the GB/s bars and copy-bandwidth lines as a PNG")
    Path chart;

    @Option(
            names = "--quick",
            description = "tiny warm-up, 5 timed calls, small copy probe (smoke tests; the numbers mean little)")
    boolean quick;

    @Option(names = "--no-ort", description = "do not run ONNX Runtime")
    boolean noOrt;

    @Option(
            names = "--peer",
            paramLabel = "NAME",
            converter = PeerName.class,
            description =
                    "also time another library on the same cases; torch: PyTorch through tools/bench/torch_peer.py, on each layout "
                            + "(nchw, channels_last, mkldnn, nchw_out) where it applies; needs a Python that can import torch "
                            + "(Debian: apt-get install python3-torch, or pip install torch)")
    String peer;

    @Option(
            names = "--python",
            paramLabel = "PATH",
            description = "the Python for --peer torch (default: $" + TorchPeer.PYTHON_ENV
                    + " when set, else the first of python3, /usr/bin/python3 that can import torch)")
    String python;

    @Option(
            names = "--training",
            description =
                    "also run the training cases: lenet_max, lenet_avg, lenet_lp2, lenet_lp4, lenet_stochastic, lenet_mixed, "
                            + "lenet_gated, lenet_gaussian, lenet_fractional, lenet_adaptive and their _bwd backwards "
                            + "(the first pooling layer of `pooling4j study`, as pooling4j-nn's layers call the library), "
                            + "after the standard suite or the --case cases")
    boolean training;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the random inputs (default: a fixed seed)")
    Long seed;

    @Option(
            names = "--live",
            description =
                    "while the bench runs, show a table of the live pooling aggregates on standard error, refreshed every second: "
                            + "calls/s, p50, p99, GB/s and %%copy per operator, kernel and shape (the monitor's bookkeeping adds a little time to every timed call)")
    boolean live;

    @Option(names = "--list", description = "list the standard suite (and with --shapes the selected rows) and exit")
    boolean list;

    /** Time between two refreshes of the {@code --live} table. */
    static final long LIVE_PERIOD_MILLIS = 1000;

    private PrintStream out;
    private PrintStream err;

    public static void main(String[] args) {
        System.exit(execute(System.out, System.err, args));
    }

    /**
     * The exit status and line for an exception that escaped {@code bench} or {@code tune}, as every
     * pooling4j command gives them: a bad value or a file that cannot be read or written is status 2
     * with its message; anything else is an internal error, status 3, with a request to report it.
     */
    static int failed(CommandLine cmd, String name, Exception ex) {
        String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
        if (ex instanceof IllegalArgumentException
                || ex instanceof IOException
                || ex instanceof java.io.UncheckedIOException) {
            cmd.getErr().println("pooling4j " + name + ": " + msg);
            return 2;
        }
        StackTraceElement[] at = ex.getStackTrace();
        cmd.getErr()
                .println("pooling4j " + name + ": internal error: " + ex + (at.length > 0 ? " at " + at[0] : "")
                        + " (please report this, with the command line)");
        return 3;
    }

    /** Runs the command with the given streams and returns the exit status (for tests). */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        System.setProperty("java.awt.headless", "true");
        BenchMain main = new BenchMain();
        main.out = out;
        main.err = err;
        CommandLine cl = new CommandLine(main);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> BenchMain.failed(cmd, "bench", ex));
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (rows != null && shapes == null)
            throw new ParameterException(spec.commandLine(), "--rows needs --shapes FILE");
        if (limit != null && shapes == null)
            throw new ParameterException(spec.commandLine(), "--limit needs --shapes FILE");
        if (sample != null && shapes == null)
            throw new ParameterException(spec.commandLine(), "--sample needs --shapes FILE");
        if (sample != null && limit != null)
            throw new ParameterException(spec.commandLine(), "--sample and --limit exclude each other");
        if (python != null && peer == null)
            throw new ParameterException(
                    spec.commandLine(), "--python '" + python + "' needs --peer torch (it names the peer's Python)");
        if (python != null && python.isBlank())
            throw new ParameterException(
                    spec.commandLine(), "Invalid value for option '--python': '" + python + "' must name a Python");
        // Before the timings (minutes): a result file that cannot be written ends the command here,
        // with the line and status 2 every command gives for a bad output path.
        for (String unwritable : new String[] {
            json == null ? null : InputFile.outputProblem(json, "--json"),
            chart == null ? null : InputFile.outputProblem(chart, "--chart")
        }) {
            if (unwritable != null) {
                spec.commandLine().getErr().println("pooling4j bench: " + unwritable);
                return 2;
            }
        }
        List<ShapeCorpus.Row> corpus = null;
        if (shapes != null) {
            String unreadable = InputFile.problem(shapes);
            if (unreadable != null) {
                // The message every pooling4j command gives for a file it cannot read, and exit status 2.
                spec.commandLine().getErr().println("pooling4j bench: " + unreadable);
                return 2;
            }
            try {
                corpus = ShapeCorpus.read(shapes);
            } catch (IOException | IllegalArgumentException e) {
                throw new ParameterException(
                        spec.commandLine(), "Invalid value for option '--shapes': '" + shapes + "': " + e.getMessage());
            }
            if (rows != null && rows.from > corpus.size()) {
                throw new ParameterException(
                        spec.commandLine(),
                        "Invalid value for option '--rows': '" + rows + "': " + shapes + " has " + corpus.size()
                                + " data rows");
            }
        }
        // A thread count given twice would only measure the same thing twice.
        threads = new ArrayList<>(new LinkedHashSet<>(threads));
        // A case named twice (or named and added by --training) runs once, where it first appears.
        LinkedHashSet<BenchCase> chosen = new LinkedHashSet<>();
        if (!cases.isEmpty()) {
            for (String n : cases) chosen.add(StandardSuite.get(n));
        } else if (corpus == null) {
            chosen.addAll(StandardSuite.all());
        }
        if (training) chosen.addAll(StandardSuite.training());
        List<BenchCase> plan = new ArrayList<>(chosen);
        Map<BenchCase, String> notes = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        if (corpus != null) selectRows(corpus, plan, notes, skipped);

        if (list) {
            printList(corpus != null, plan, notes, skipped);
            return 0;
        }
        Timing.Plan timing = quick ? Timing.Plan.quick() : Timing.Plan.standard();
        long s = seed == null ? DEFAULT_SEED : seed;
        List<String> pythons = peer == null ? null : TorchPeer.candidates(python, System.getenv());
        boolean namedPython = python != null || System.getenv(TorchPeer.PYTHON_ENV) != null;
        if (!live) {
            new BenchRunner(out, threads, timing, quick, noOrt, s, tuned)
                    .withTorch(pythons, namedPython)
                    .run(plan, notes, skipped, json, chart);
            return 0;
        }
        // The table goes to standard error so that standard output holds the results alone; it is
        // redrawn in place only on a terminal (System.console() is null when output is redirected).
        try (LiveView view = new LiveView(err, System.console() != null, LIVE_PERIOD_MILLIS)) {
            BenchRunner runner = new BenchRunner(view.wrap(out), threads, timing, quick, noOrt, s, tuned)
                    .withTorch(pythons, namedPython);
            // The monitor's own copy bandwidth is never probed here (it would cost a second probe);
            // %copy uses the bench's, as the results table does.
            view.start(runner::copyGbps);
            runner.run(plan, notes, skipped, json, chart);
        }
        return 0;
    }

    private void selectRows(
            List<ShapeCorpus.Row> corpus, List<BenchCase> plan, Map<BenchCase, String> notes, List<String> skipped) {
        ShapeCorpus.Selection sel = ShapeCorpus.select(
                corpus,
                rows == null ? 1 : rows.from,
                rows == null ? corpus.size() : rows.to,
                limit,
                sample,
                seed == null ? DEFAULT_SEED : seed,
                defaultAlg,
                (long) maxMb * 1024 * 1024);
        plan.addAll(sel.cases);
        notes.putAll(sel.notes);
        skipped.addAll(sel.skipped);
    }

    private void printList(boolean withRows, List<BenchCase> plan, Map<BenchCase, String> notes, List<String> skipped) {
        if (!withRows || !cases.isEmpty()) {
            out.println("standard suite (float32):");
            for (BenchCase c : StandardSuite.all()) printListed(c, null);
            out.println("training cases (float32, with --training or by name):");
            for (BenchCase c : StandardSuite.training()) printListed(c, null);
        }
        if (withRows) {
            out.println("selected corpus rows:");
            for (BenchCase c : plan) {
                if (!StandardSuite.all().contains(c)) printListed(c, notes.get(c));
            }
            for (String s : skipped) out.println("  " + s);
        }
    }

    private void printListed(BenchCase c, String note) {
        out.printf(
                Locale.ROOT,
                "  %-26s %-17s %-14s in %-22s out %-22s ORT %s  %s%n",
                c.name(),
                c.kind().name().toLowerCase(Locale.ROOT),
                c.layout().name().toLowerCase(Locale.ROOT),
                Arrays.toString(c.inputShape()),
                Arrays.toString(c.outputShape()),
                c.ortComparable() ? "yes" : "no ",
                c.description());
        if (note != null) out.println("      note: " + note);
    }

    // ---- option value converters: a bad value is a usage error (exit 2) naming the option and value ----

    /** A thread count in [1, 256]. */
    static final class ThreadCount implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String v) {
            int n = parseInt(v);
            if (n < 1 || n > 256)
                throw new TypeConversionException("'" + v + "' is not a thread count (must be in [1, 256])");
            return n;
        }
    }

    /** An integer >= 1. */
    static final class PositiveInt implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String v) {
            int n = parseInt(v);
            if (n < 1) throw new TypeConversionException("'" + v + "' must be a positive integer");
            return n;
        }
    }

    /** A case name of the standard suite or the training cases. */
    static final class CaseName implements ITypeConverter<String> {
        @Override
        public String convert(String v) {
            if (!StandardSuite.allNames().contains(v)) {
                throw new TypeConversionException(
                        "unknown case '" + v + "'; the suite has: " + String.join(", ", StandardSuite.allNames()));
            }
            return v;
        }
    }

    /** A peer library: torch is the only one. */
    static final class PeerName implements ITypeConverter<String> {
        @Override
        public String convert(String v) {
            if (!v.equals("torch")) throw new TypeConversionException("'" + v + "' is not a known peer (known: torch)");
            return v;
        }
    }

    /** 1-based inclusive data-row numbers {@code from..to}. */
    static final class RowRange {
        final int from;
        final int to;

        RowRange(int from, int to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public String toString() {
            return from + "-" + to;
        }

        /** {@code A-B} or {@code N}. */
        static final class Parser implements ITypeConverter<RowRange> {
            @Override
            public RowRange convert(String v) {
                String[] p = v.trim().split("-", -1);
                if (p.length > 2) throw new TypeConversionException("'" + v + "' is not a row range A-B");
                int a = parseInt(p[0]);
                int b = p.length == 2 ? parseInt(p[1]) : a;
                if (a < 1 || b < a)
                    throw new TypeConversionException("'" + v + "' is not a row range A-B with 1 <= A <= B");
                return new RowRange(a, b);
            }
        }
    }

    /** An algorithm for rows without one. */
    static final class Alg implements ITypeConverter<String> {
        @Override
        public String convert(String v) {
            if (!v.equals("max") && !v.equals("avg_np") && !v.equals("avg_p")) {
                throw new TypeConversionException("'" + v + "' is not one of max, avg_np, avg_p");
            }
            return v;
        }
    }

    private static int parseInt(String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + v + "' is not an integer");
        }
    }
}
