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
        footer = {"%nRun 'pooling4j COMMAND --help' for the options of a command."},
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
            CommandLine.HelpCommand.class
        })
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit status (for tests). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        // A user error (bad option value, unreadable file) prints one line, not a stack trace.
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            // A file that vanished or turned unreadable after the up-front check (InputFiles) reads the same.
            if (ex instanceof java.nio.file.NoSuchFileException) {
                msg = "no such file: " + ((java.nio.file.NoSuchFileException) ex).getFile();
            } else if (ex instanceof java.nio.file.AccessDeniedException) {
                msg = "cannot read: " + ((java.nio.file.AccessDeniedException) ex).getFile() + " (permission denied)";
            }
            cmd.getErr().println("pooling4j " + cmd.getCommandName() + ": " + msg);
            return 2;
        });
        // --max-bytes / --max-work set the library's budgets while parsing; they hold for this command only.
        BudgetOptions.Saved budgets = BudgetOptions.Saved.now();
        try {
            return cl.execute(args);
        } finally {
            budgets.restore();
        }
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

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = {
                "Run every job of a JSON-lines file in one JVM.",
                "Each line is one job, for example {\"id\": \"a\", \"op\": \"max_pool2d\", \"kernel_size\": [2, 2], \"input\": \"x.npy\", \"output\": \"y.npy\"}, with PyTorch's (torch.nn.functional) or TensorFlow's (tf.nn.*) names, keys and semantics. Paths are relative to the jobs file.",
                "The last line reads 'N passed, M failed'; the exit status is 1 if any job failed."
            })
    static final class Run implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "JOBS.jsonl", description = "jobs files")
        Path[] files;

        @Option(
                names = {"-q", "--quiet"},
                description = "print failing jobs only")
        boolean quiet;

        @picocli.CommandLine.Mixin
        BudgetOptions budgets;

        @Override
        public Integer call() throws Exception {
            for (Path f : files) InputFiles.file(f);
            JobRunner runner = new JobRunner(System.out, quiet);
            for (Path f : files) runner.run(f);
            System.out.println(runner.passed + " passed, " + runner.failed + " failed");
            return runner.failed == 0 ? 0 : 1;
        }
    }
}
