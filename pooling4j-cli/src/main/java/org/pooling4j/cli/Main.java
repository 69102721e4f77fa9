package org.pooling4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.pooling4j.cli.jobs.JobRunner;
import org.pooling4j.cli.observe.ReportCommand;
import org.pooling4j.cli.observe.TopCommand;
import org.pooling4j.cli.onnx.OnnxRunCommand;
import org.pooling4j.cli.onnx.OnnxTestCommand;
import org.pooling4j.cli.pictures.ImageCommand;
import org.pooling4j.cli.training.DemoCommand;
import org.pooling4j.cli.training.DigitsCommand;
import org.pooling4j.cli.training.EvalCommand;
import org.pooling4j.cli.training.StudyCommand;
import org.pooling4j.cli.training.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code pooling4j} command. */
@Command(
        name = "pooling4j",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Exact pooling (max, average, Lp, global, adaptive, fractional, unpool) for the JVM.",
        footer = {
            "%nRun 'pooling4j COMMAND --help' for the options of a command.",
            "%nExit status: 0 success (every job or case passed); 1 some job or case failed; 2 usage or file error"
                    + " (a bad option or value, a file that cannot be read or written); 3 internal error (please"
                    + " report it)."
        },
        subcommands = {
            DemoCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            DigitsCommand.class,
            StudyCommand.class,
            Main.Run.class,
            ExplainCommand.class,
            ImageCommand.class,
            ReportCommand.class,
            TopCommand.class,
            OnnxTestCommand.class,
            OnnxRunCommand.class,
            Main.Bench.class,
            Main.Tune.class,
            Main.Spark.class,
            Main.SparkBench.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Callable<Integer> {

    /** Exit status: the command did all it was asked, every job or case passed. */
    public static final int EXIT_OK = 0;
    /** Exit status: the command ran, but some job ({@code run}) or case ({@code onnx-test}) failed. */
    public static final int EXIT_FAILED = 1;
    /** Exit status: a usage error or a file that cannot be read or written; nothing (more) was done. */
    public static final int EXIT_USAGE = 2;
    /** Exit status: an internal error (a bug, or the JVM out of memory); the message says so. */
    public static final int EXIT_INTERNAL = 3;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit status (for tests). */
    public static int execute(String... args) {
        return execute(new CommandLine(new Main()), args);
    }

    /**
     * Runs {@code cl} with the error handling every command shares: one line and exit status 2 for
     * a usage or file error, one line with a request to report it and exit status 3 for anything
     * else that escapes a command (a bug), the JVM running out of memory included.
     */
    static int execute(CommandLine cl, String... args) {
        // A user error (bad option value, unreadable file) prints one line, not a stack trace; so does
        // a bug, with a request to report it.
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            String name = "pooling4j " + cmd.getCommandName() + ": ";
            if (isUsageError(ex)) {
                cmd.getErr().println(SafeText.escape(name + usageMessage(ex)));
                return EXIT_USAGE;
            }
            cmd.getErr().println(SafeText.escape(name + internalMessage(ex)));
            return EXIT_INTERNAL;
        });
        // --max-bytes / --max-work set the library's budgets while parsing; they hold for this command only.
        BudgetOptions.Saved budgets = BudgetOptions.Saved.now();
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli passes errors through: the JVM still runs, and the user learns what to change.
            cl.getErr()
                    .println("pooling4j: out of memory (give the JVM more heap, e.g. POOLING4J_JAVA_OPTS=-Xmx8g,"
                            + " or a smaller input)");
            return EXIT_INTERNAL;
        } catch (StackOverflowError e) {
            cl.getErr().println("pooling4j: out of stack (" + e + "); please report this, with the command line");
            return EXIT_INTERNAL;
        } finally {
            budgets.restore();
        }
    }

    /** The errors that are the user's to fix (exit status 2): a bad value, a file that cannot be read or written. */
    static boolean isUsageError(Throwable ex) {
        return ex instanceof IllegalArgumentException
                || ex instanceof InputFiles.Unreadable
                || ex instanceof java.io.IOException
                || ex instanceof java.io.UncheckedIOException;
    }

    private static String usageMessage(Throwable ex) {
        if (ex instanceof java.io.UncheckedIOException && ex.getCause() != null) ex = ex.getCause();
        // A file that vanished or turned unreadable after the up-front check (InputFiles) reads the same.
        if (ex instanceof java.nio.file.NoSuchFileException) {
            return "no such file: " + ((java.nio.file.NoSuchFileException) ex).getFile();
        }
        if (ex instanceof java.nio.file.AccessDeniedException) {
            return "cannot read: " + ((java.nio.file.AccessDeniedException) ex).getFile() + " (permission denied)";
        }
        return ex.getMessage() == null ? ex.toString() : ex.getMessage();
    }

    /** One line for a bug: the exception, where it was thrown, and a request to report it. */
    static String internalMessage(Throwable ex) {
        StackTraceElement[] at = ex.getStackTrace();
        return "internal error: " + ex + (at.length > 0 ? " at " + at[0] : "")
                + " (please report this, with the command line and its files)";
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    /** The artifact's version, from the core's filtered version.properties (the build writes it). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws java.io.IOException {
            java.util.Properties p = new java.util.Properties();
            try (java.io.InputStream in = Main.class.getResourceAsStream("/org/pooling4j/version.properties")) {
                if (in != null) p.load(in);
            }
            return new String[] {"pooling4j " + p.getProperty("version", "(unknown version)")};
        }
    }

    /**
     * {@code bench} and {@code tune} live in the benchmark jar (module pooling4j-bench), which the
     * {@code ./pooling4j} launcher runs for them; they are listed here so that the help shows every
     * command. Reached in this jar (java -jar pooling4j-cli-all.jar bench), they say where they run.
     */
    abstract static class InBenchJar implements Callable<Integer> {
        @Override
        public Integer call() {
            String name = getClass().getAnnotation(Command.class).name();
            System.err.println("pooling4j " + name + ": runs from the benchmark jar; use ./pooling4j " + name
                    + " (or java --add-modules jdk.incubator.vector -cp pooling4j-bench/target/pooling4j-bench-all.jar"
                    + " org.pooling4j.bench." + (name.equals("bench") ? "BenchMain" : "TuneMain") + ")");
            return 2;
        }
    }

    @Command(
            name = "bench",
            description = {
                "Time pooling4j's kernels, side by side with ONNX Runtime.",
                "Runs the standard suite (or rows of a shape corpus) on 1 and 2 threads and prints milliseconds, GB/s,"
                        + " the share of the copy bandwidth and the ratio to ONNX Runtime. Run"
                        + " './pooling4j bench --help' for its options."
            })
    static final class Bench extends InBenchJar {}

    @Command(
            name = "tune",
            description = {
                "Find the fastest kernel per problem and write a wisdom file.",
                "Times every kernel that accepts each problem of the standard suite (or of a shape corpus) and writes"
                        + " the choices as JSON, for -Dpooling4j.wisdom=FILE. Run './pooling4j tune --help' for its"
                        + " options."
            })
    static final class Tune extends InBenchJar {}

    /**
     * {@code spark} and {@code spark-bench} run from the pooling4j-spark module with Spark's class path,
     * which the {@code ./pooling4j} launcher puts together; listed here so that the help shows them.
     */
    abstract static class InSparkModule implements Callable<Integer> {
        @Override
        public Integer call() {
            String name = getClass().getAnnotation(Command.class).name();
            System.err.println("pooling4j " + name + ": runs from the pooling4j-spark module with Spark on the class"
                    + " path; use ./pooling4j " + name + " (see the README's Apache Spark section)");
            return EXIT_USAGE;
        }
    }

    @Command(
            name = "spark",
            description = {
                "Pool a dataset in an embedded local Apache Spark.",
                "Reads a folder of images or a Parquet file, pools a column with PoolingTransformer and writes Parquet"
                        + " (or PNG files). Run './pooling4j spark --help' for its options."
            })
    static final class Spark extends InSparkModule {}

    @Command(
            name = "spark-bench",
            description = {
                "Time the Spark job on local[1] and local[2] against the plain library.",
                "Prints rows per second of each and their ratios. Run './pooling4j spark-bench --help' for its options."
            })
    static final class SparkBench extends InSparkModule {}

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = {
                "Run every job of a JSON-lines file in one JVM.",
                "Each line is one job, for example {\"id\": \"a\", \"op\": \"max_pool2d\", \"kernel_size\": [2, 2], \"input\": \"x.npy\", \"output\": \"y.npy\"}, with PyTorch's (torch.nn.functional) or TensorFlow's (tf.nn.*) names, keys and semantics. Paths are relative to the jobs file; outputs must stay in its folder (see --allow-outside) and must not be the job's inputs, its other outputs or a jobs file.",
                "A bad job (an undecodable or malformed line, an unknown key, a bad value or path, even one that runs out of memory) fails alone in one line; the others still run. The last line reads 'N passed, M failed'."
            },
            footer = {
                "%nExit status: 0 every job passed; 1 some job failed; 2 usage or file error (a jobs file that cannot be"
                        + " read); 3 internal error (a job failed on a bug: please report it)."
            })
    static final class Run implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "JOBS.jsonl", description = "jobs files")
        Path[] files;

        @Option(
                names = {"-q", "--quiet"},
                description = "print failing jobs only")
        boolean quiet;

        @Option(
                names = "--allow-outside",
                description = "let outputs be absolute paths or lead (through .. or symbolic links) outside the jobs"
                        + " file's folder")
        boolean allowOutside;

        @picocli.CommandLine.Mixin
        BudgetOptions budgets;

        @Override
        public Integer call() throws Exception {
            for (Path f : files) InputFiles.file(f);
            JobRunner runner =
                    new JobRunner(System.out, quiet).allowOutside(allowOutside).jobsFiles(java.util.List.of(files));
            boolean unreadable = false;
            for (Path f : files) {
                try {
                    runner.run(f);
                } catch (java.io.IOException e) {
                    // Checked above, but gone or unreadable since: the other files still run.
                    unreadable = true;
                    System.out.println(SafeText.escape("FAIL  " + f + ": cannot read the jobs file (" + e + ")"));
                }
            }
            System.out.println(runner.passed + " passed, " + runner.failed + " failed");
            if (runner.internalErrors > 0) return EXIT_INTERNAL;
            if (unreadable) return EXIT_USAGE;
            return runner.failed == 0 ? EXIT_OK : EXIT_FAILED;
        }
    }
}
