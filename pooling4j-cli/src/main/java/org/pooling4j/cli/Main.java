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
        version = "pooling4j 0.1.0",
        description = "Exact pooling (max, average, Lp, global, adaptive, fractional, unpool) for the JVM.",
        subcommands = {
            DemoCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            StudyCommand.class,
            Main.Run.class,
            ExplainCommand.class,
            ImageCommand.class,
            ReportCommand.class,
            TopCommand.class,
            OnnxTestCommand.class,
            OnnxRunCommand.class,
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
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = {
                "Run every job of a JSON-lines file in one JVM.",
                "Each line: {\"id\":..., \"op\":\"max_pool2d\", \"kernel_size\":[2,2], \"input\":\"x.npy\", \"output\":\"y.npy\", ...}",
                "with PyTorch's (torch.nn.functional) or TensorFlow's (tf.nn.*) names, keys and semantics; paths are relative to the jobs file.",
                "Exit status is non-zero if any job failed; the last line reads 'N passed, M failed'."
            })
    static final class Run implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "JOBS.jsonl", description = "jobs files")
        Path[] files;

        @Option(
                names = {"-q", "--quiet"},
                description = "print failing jobs only")
        boolean quiet;

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
