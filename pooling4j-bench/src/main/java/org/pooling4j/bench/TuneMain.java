package org.pooling4j.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pooling4j.Pooling;
import org.pooling4j.tuning.Tuner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pooling4j tune}: builds a wisdom file ahead of time. For each selected problem (standard
 * suite cases and/or rows of a shape corpus) and thread count it makes one call with the auto-tuner
 * on, which surveys the eligible kernels and thread counts, then writes every decision to
 * {@code --out}. Load the file with {@code -Dpooling4j.wisdom=FILE} or {@link Tuner#loadWisdom}.
 *
 * <p>Exit status: 0 after a run, 2 for a usage error, 1 when a run fails.
 */
@Command(
        name = "pooling4j tune",
        mixinStandardHelpOptions = true,
        version = "pooling4j tune 0.1.0",
        sortOptions = false,
        description = {
            "Auto-tune pooling problems ahead of time and write the decisions to a wisdom file (JSON).",
            "The file is keyed by library version, JDK, CPU model and thread count; another machine or version ignores it with a warning."
        })
public final class TuneMain implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "wisdom file to write")
    Path out;

    @Option(
            names = "--shapes",
            paramLabel = "FILE",
            description =
                    "tune rows of a shape corpus (the format of pooling4j-bench/src/test/resources/perf/pool_shapes.csv)")
    Path shapes;

    @Option(
            names = "--rows",
            paramLabel = "A-B",
            converter = BenchMain.RowRange.Parser.class,
            description = "corpus rows A to B (1-based, inclusive)")
    BenchMain.RowRange rows;

    @Option(
            names = "--limit",
            paramLabel = "N",
            converter = BenchMain.PositiveInt.class,
            description = "at most N corpus rows")
    Integer limit;

    @Option(
            names = "--sample",
            paramLabel = "N",
            converter = BenchMain.PositiveInt.class,
            description = "N corpus rows drawn at random (from --seed) out of --rows")
    Integer sample;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the row sample and the random inputs")
    Long seed;

    @Option(
            names = "--standard",
            description = "tune the standard bench suite too (the default when --shapes is not given)")
    boolean standard;

    @Option(
            names = "--case",
            paramLabel = "NAME",
            converter = BenchMain.CaseName.class,
            description = "tune this standard case (repeatable)")
    List<String> cases = new ArrayList<>();

    @Option(
            names = "--threads",
            split = ",",
            paramLabel = "N",
            converter = BenchMain.ThreadCount.class,
            description =
                    "thread counts to tune for (default: the library-wide count, ${sys:pooling4j.threads:-available processors})")
    List<Integer> threads;

    @Option(
            names = "--mode",
            paramLabel = "MODE",
            defaultValue = "exhaustive",
            description = "on or exhaustive (default: ${DEFAULT-VALUE}); see Tuner")
    String mode;

    @Option(
            names = "--default-alg",
            paramLabel = "ALG",
            defaultValue = "max",
            converter = BenchMain.Alg.class,
            description = "algorithm for corpus rows with an empty alg column: max, avg_np or avg_p")
    String defaultAlg;

    @Option(
            names = "--max-mb",
            paramLabel = "MIB",
            defaultValue = "1024",
            converter = BenchMain.PositiveInt.class,
            description = "skip corpus rows whose input plus output exceed this many MiB")
    Integer maxMb;

    private PrintStream stdout;

    public static void main(String[] args) {
        System.exit(execute(System.out, System.err, args));
    }

    /** Runs the command with the given streams and returns the exit status (for tests). */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        TuneMain main = new TuneMain();
        main.stdout = out;
        CommandLine cl = new CommandLine(main);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> BenchMain.failed(cmd, "tune", ex));
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        Tuner.Mode m;
        try {
            m = Tuner.Mode.valueOf(mode.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(
                    spec.commandLine(), "Invalid value for option '--mode': '" + mode + "' is not on or exhaustive");
        }
        if (m == Tuner.Mode.OFF)
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--mode': 'off' tunes nothing");
        if ((rows != null || limit != null || sample != null) && shapes == null) {
            throw new ParameterException(spec.commandLine(), "--rows, --limit and --sample need --shapes FILE");
        }
        if (sample != null && limit != null)
            throw new ParameterException(spec.commandLine(), "--sample and --limit exclude each other");
        String unwritable = InputFile.outputProblem(out, "--out");
        if (unwritable != null) {
            // Before the tuning (minutes), as bench checks --json and --chart.
            spec.commandLine().getErr().println("pooling4j tune: " + unwritable);
            return 2;
        }
        long s = seed == null ? BenchMain.DEFAULT_SEED : seed;
        List<BenchCase> plan = new ArrayList<>();
        for (String n : cases) plan.add(StandardSuite.get(n));
        if (standard || (shapes == null && cases.isEmpty())) {
            for (BenchCase c : StandardSuite.all()) if (!plan.contains(c)) plan.add(c);
        }
        if (shapes != null) {
            String unreadable = InputFile.problem(shapes);
            if (unreadable != null) {
                // The message every pooling4j command gives for a file it cannot read, and exit status 2.
                spec.commandLine().getErr().println("pooling4j tune: " + unreadable);
                return 2;
            }
            List<ShapeCorpus.Row> corpus;
            try {
                corpus = ShapeCorpus.read(shapes);
            } catch (IOException | IllegalArgumentException e) {
                throw new ParameterException(
                        spec.commandLine(), "Invalid value for option '--shapes': '" + shapes + "': " + e.getMessage());
            }
            ShapeCorpus.Selection sel = ShapeCorpus.select(
                    corpus,
                    rows == null ? 1 : rows.from,
                    rows == null ? corpus.size() : rows.to,
                    limit,
                    sample,
                    s,
                    defaultAlg,
                    (long) maxMb * 1024 * 1024);
            for (String skip : sel.skipped) stdout.println(skip);
            plan.addAll(sel.cases);
        }
        List<Integer> counts =
                threads == null ? List.of(Pooling.threads()) : new ArrayList<>(new LinkedHashSet<>(threads));

        stdout.println("pooling4j tune: mode " + m.name().toLowerCase(Locale.ROOT) + ", " + plan.size()
                + " problems, threads " + counts + "; " + Pooling.vectorization());
        Tuner.clear();
        int changed = 0;
        try {
            for (BenchCase c : plan) {
                // Build the inputs (and a max-backward case's argmax) before tuning starts.
                Workload w = new Workload(c, s ^ c.name().hashCode());
                for (int t : counts) {
                    Tuner.setMode(m);
                    try {
                        w.call(t).run();
                    } finally {
                        Tuner.setMode(Tuner.Mode.OFF);
                    }
                    Tuner.Decision d = latest(Tuner.decisions(), c, t);
                    if (d == null) continue;
                    if (d.changed()) changed++;
                    stdout.printf(
                            Locale.ROOT,
                            "%-28s %3d  heuristic %-10s x%-3d %10.4f ms   chosen %-10s x%-3d %10.4f ms%s%n",
                            c.name(),
                            t,
                            d.heuristicKernel(),
                            d.heuristicThreads(),
                            d.heuristicMs(),
                            d.kernel(),
                            d.threads(),
                            d.tunedMs(),
                            d.changed() ? "  *" : "");
                }
                System.gc();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        Tuner.saveWisdom(out);
        stdout.println("wrote " + out + ": " + Tuner.decisions().size() + " decisions, " + changed
                + " differ from the heuristic (*)");
        return 0;
    }

    /** The decision made for case {@code c} at {@code t} threads: the one whose key names its shape and thread count. */
    private static Tuner.Decision latest(List<Tuner.Decision> ds, BenchCase c, int t) {
        String shape = shape(c.inputShape());
        for (Tuner.Decision d : ds) {
            if (d.key().endsWith("|" + shape + "|" + t)
                    && d.key().contains(c.spec().toString())) return d;
        }
        return null;
    }

    private static String shape(int[] s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length; i++) {
            if (i > 0) b.append('x');
            b.append(s[i]);
        }
        return b.toString();
    }
}
