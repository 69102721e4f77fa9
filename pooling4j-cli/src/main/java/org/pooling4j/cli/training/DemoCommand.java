package org.pooling4j.cli.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pooling4j.Pooling;
import org.pooling4j.cli.Main;
import org.pooling4j.cli.OutputFiles;
import org.pooling4j.monitor.PoolMonitor;
import org.pooling4j.monitor.PoolStats;
import org.pooling4j.nn.Models;
import org.pooling4j.nn.Sequential;
import org.pooling4j.nn.data.Dataset;
import org.pooling4j.nn.data.DigitGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "A tour of the library in under two minutes.",
            "It works pooling out window by window, trains the same network briefly with max and with average pooling, applies every pooling kind to a picture, and shows what the tracking layer saw (calls, latency, GB/s per operator and kernel)."
        })
public final class DemoCommand implements Callable<Integer> {
    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "pooling4j-demo",
            description = "directory for the pictures (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(
            names = "--train-size",
            paramLabel = "N",
            defaultValue = "12000",
            description = "training images per run (default: ${DEFAULT-VALUE})")
    int trainSize;

    @Option(
            names = "--test-size",
            paramLabel = "N",
            defaultValue = "3000",
            description = "test images (default: ${DEFAULT-VALUE})")
    int testSize;

    @Option(
            names = "--epochs",
            paramLabel = "N",
            defaultValue = "2",
            description = "epochs per run (default: ${DEFAULT-VALUE})")
    int epochs;

    @Override
    public Integer call() throws IOException {
        OutputFiles.directory(out, "--out");
        TrainCommand.Check.positive("--train-size", trainSize);
        TrainCommand.Check.positive("--test-size", testSize);
        TrainCommand.Check.positive("--epochs", epochs);
        long t0 = System.nanoTime();
        Files.createDirectories(out);
        PoolMonitor.reset();
        PoolMonitor.enable();

        heading("1. Pooling, window by window (./pooling4j explain)");
        int rc = Main.execute(
                "explain",
                "--op",
                "max,avg",
                "--png",
                out.resolve("explain.png").toString());
        if (rc != 0) return rc;

        heading("2. The same network trained with max and with average pooling (./pooling4j train, shortened)");
        Dataset train = DigitGenerator.generate(trainSize, DigitGenerator.TRAIN_SEED);
        Dataset test = DigitGenerator.generate(testSize, DigitGenerator.TEST_SEED);
        System.out.printf(
                Locale.ROOT,
                "generated %d training and %d test digits (28x28), %d epoch(s) per run, %d threads%n",
                trainSize,
                testSize,
                epochs,
                Pooling.threads());
        List<String> lines = new ArrayList<>();
        for (String kind : new String[] {"max", "avg"}) {
            System.out.println("-- pool " + kind);
            Sequential model = Models.lenet(kind, 1);
            Training.Settings s = TrainCommand.settings(epochs, 64, null, "adam", 1, true);
            List<Training.Epoch> eps = new Training(s, System.out, System.err).fit(model, train, test);
            Training.Epoch last = eps.get(eps.size() - 1);
            double shifted = Training.shiftedAccuracy(model, test, 3, 256);
            lines.add(String.format(
                    Locale.ROOT,
                    "%-4s test %.2f %%, on digits shifted by 3 px %.2f %%, %.0f images/s, pooling %.1f %% of the time",
                    kind,
                    100 * last.testAccuracy(),
                    100 * shifted,
                    last.imagesPerSecond(),
                    100 * last.poolingShare()));
        }
        for (String l : lines) System.out.println(l);
        System.out.println(
                "(./pooling4j train reaches 98 % and more with the full 20,000 digits; ./pooling4j study compares every kind)");

        heading("3. Every pooling kind applied to a picture (./pooling4j image --grid)");
        Path grid = out.resolve("grid.png");
        rc = Main.execute("image", "--sample", "--grid", "--out", grid.toString());
        if (rc != 0) return rc;

        heading("4. What the tracking layer saw (PoolMonitor; the same figures reach JFR, top and Micrometer)");
        printSummary();
        System.out.printf(Locale.ROOT, "%ndone in %.0f s; pictures in %s%n", (System.nanoTime() - t0) * 1e-9, out);
        return 0;
    }

    private static void heading(String s) {
        System.out.println();
        System.out.println(s);
        System.out.println("=".repeat(s.length()));
    }

    /** The monitor's keys summed per operator, direction and kernel, busiest first. */
    static void printSummary() {
        List<PoolStats> all = PoolMonitor.snapshot(true);
        java.util.Map<String, long[]> sums = new java.util.TreeMap<>();
        java.util.Map<String, Double> copy = new java.util.HashMap<>();
        for (PoolStats s : all) {
            String k = s.op() + " " + s.direction() + " " + s.kernel();
            long[] v = sums.computeIfAbsent(k, x -> new long[3]);
            v[0] += s.calls();
            v[1] += s.totalNanos();
            v[2] += s.bytes();
            copy.merge(k, s.copyGBps(), Math::max);
        }
        List<java.util.Map.Entry<String, long[]>> es = new ArrayList<>(sums.entrySet());
        es.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
        System.out.printf(
                Locale.ROOT,
                "%-44s %9s %10s %10s %8s %7s%n",
                "operator direction kernel",
                "calls",
                "total ms",
                "mean us",
                "GB/s",
                "%copy");
        for (java.util.Map.Entry<String, long[]> e : es) {
            long[] v = e.getValue();
            double gbps = v[1] == 0 ? 0 : (double) v[2] / v[1];
            double c = copy.get(e.getKey());
            System.out.printf(
                    Locale.ROOT,
                    "%-44s %9d %10.1f %10.1f %8.2f %7s%n",
                    e.getKey(),
                    v[0],
                    v[1] * 1e-6,
                    v[1] * 1e-3 / v[0],
                    gbps,
                    Double.isFinite(c) && c > 0 ? String.format(Locale.ROOT, "%.0f", 100 * gbps / c) : "-");
        }
    }
}
