package org.pooling4j.cli.training;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pooling4j.Pooling;
import org.pooling4j.cli.InputFiles;
import org.pooling4j.cli.OpNames;
import org.pooling4j.cli.OutputFiles;
import org.pooling4j.cli.pictures.Charts;
import org.pooling4j.nn.Layer;
import org.pooling4j.nn.Models;
import org.pooling4j.nn.Param;
import org.pooling4j.nn.Sequential;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "study",
        mixinStandardHelpOptions = true,
        description = {
            "Compare the pooling kinds by training the same network with each.",
            "Every kind trains on the same data with the same seeds. Writes study.md (test accuracy, accuracy on test digits shifted by 1-4 pixels, classifier-head parameters, time per epoch and pooling's share of it), accuracy.png (test accuracy per epoch) and shift.png (accuracy against the shift)."
        })
public final class StudyCommand implements Callable<Integer> {
    /** Every kind the study compares, in table order. */
    static final List<String> KINDS =
            List.of("max", "avg", "lp2", "lp4", "stochastic", "mixed", "gated", "gaussian", "fractional", "none");

    public static final int MAX_SHIFT = 4;

    @Option(
            names = "--kinds",
            paramLabel = "K,K...",
            split = ",",
            description =
                    "pooling kinds to compare (default: all: max, avg, lp2, lp4, stochastic, mixed, gated, gaussian, fractional, none)")
    List<String> kinds;

    @Option(
            names = "--epochs",
            paramLabel = "N",
            defaultValue = "4",
            description = "epochs per kind (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(
            names = "--dataset",
            paramLabel = "generated|mnist:DIR",
            defaultValue = "generated",
            description = "as for train (default: ${DEFAULT-VALUE})")
    String dataset;

    @Option(names = "--train-size", paramLabel = "N", description = "training images (generated: default 20000)")
    Integer trainSize;

    @Option(names = "--test-size", paramLabel = "N", description = "test images (generated: default 5000)")
    Integer testSize;

    @Option(
            names = "--batch",
            paramLabel = "N",
            defaultValue = "64",
            description = "mini-batch size (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "1",
            description = "seed of the weights and batch order, the same for every kind (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "threads (default: all processors)")
    Integer threads;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "study",
            description = "directory for study.md and the charts (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(
            names = "--charts-from",
            paramLabel = "STUDY.md",
            description =
                    "draw accuracy.png and shift.png again, next to STUDY.md, from the tables of a study.md this command wrote; trains nothing")
    Path chartsFrom;

    /** One kind's results. */
    public record Row(
            String kind, List<Training.Epoch> epochs, double[] shifted, long headParams, long params, int[] headInput) {
        double testAccuracy() {
            return epochs.get(epochs.size() - 1).testAccuracy();
        }

        double secondsPerEpoch() {
            double s = 0;
            for (Training.Epoch e : epochs) s += e.seconds();
            return s / epochs.size();
        }

        double poolingShare() {
            double t = 0;
            double p = 0;
            for (Training.Epoch e : epochs) {
                t += e.seconds();
                p += e.seconds() * e.poolingShare();
            }
            return p / t;
        }
    }

    @Override
    public Integer call() throws IOException {
        if (chartsFrom != null) return redraw(InputFiles.file(chartsFrom));
        // Before the training (minutes): a folder that cannot take study.md ends the command here.
        OutputFiles.directory(out, "--out");
        List<String> ks = new ArrayList<>();
        // The layers' names (gaussian for weighted_avg, ...), which also label the study's rows.
        for (String k : kinds == null || kinds.isEmpty() ? KINDS : kinds) ks.add(OpNames.layerKind(k));
        for (String k : ks) Models.lenet(k, seed); // an unknown kind fails before any training
        TrainCommand.Check.positive("--epochs", epochs);
        TrainCommand.Check.positive("--batch", batch);
        if (threads != null) {
            TrainCommand.Check.positive("--threads", threads);
            Pooling.setThreads(threads);
        }
        long t0 = System.nanoTime();
        TrainCommand.Digits data = TrainCommand.Digits.load(dataset, trainSize, testSize);
        System.out.printf(
                Locale.ROOT,
                "data: %s, %d training and %d test images%n",
                data.name(),
                data.train().size(),
                data.test().size());
        List<Row> rows = new ArrayList<>();
        for (String k : ks) {
            System.out.println("== " + k);
            Sequential model = Models.lenet(k, seed);
            Training.Settings s = TrainCommand.settings(epochs, batch, null, "adam", seed, false);
            List<Training.Epoch> eps = new Training(s, System.out, null).fit(model, data.train(), data.test());
            double[] shifted = new double[MAX_SHIFT + 1];
            for (int d = 0; d <= MAX_SHIFT; d++) shifted[d] = Training.shiftedAccuracy(model, data.test(), d, 256);
            rows.add(new Row(k, eps, shifted, headParams(model), model.parameterCount(), headInput(model, data)));
            System.out.printf(Locale.ROOT, "   shifted by 1..%d px: %s%n", MAX_SHIFT, pct(shifted, 1));
        }
        Files.createDirectories(out);
        Files.writeString(
                out.resolve("study.md"), markdown(rows, data, (System.nanoTime() - t0) * 1e-9), StandardCharsets.UTF_8);
        Charts.accuracyCurves(rows, out.resolve("accuracy.png"));
        Charts.shiftTolerance(rows, out.resolve("shift.png"));
        System.out.printf(
                Locale.ROOT,
                "wrote %s, %s, %s (%.0f s in all)%n",
                out.resolve("study.md"),
                out.resolve("accuracy.png"),
                out.resolve("shift.png"),
                (System.nanoTime() - t0) * 1e-9);
        return 0;
    }

    /** Draws the charts of a written study.md again, from its own tables, into its directory. */
    private static int redraw(Path md) throws IOException {
        List<Row> rows = parse(Files.readAllLines(md, StandardCharsets.UTF_8));
        Path dir = md.toAbsolutePath().getParent();
        Charts.accuracyCurves(rows, dir.resolve("accuracy.png"));
        Charts.shiftTolerance(rows, dir.resolve("shift.png"));
        System.out.printf(
                Locale.ROOT,
                "drew %s and %s from the %d kinds in %s%n",
                md.resolveSibling("accuracy.png"),
                md.resolveSibling("shift.png"),
                rows.size(),
                md);
        return 0;
    }

    /**
     * The rows of a study.md written by {@link #markdown}, as far as its tables give them: the
     * per-epoch test accuracy (the second table), the shifted accuracies (shift 0 being the final
     * test accuracy, which is what {@link Training#shiftedAccuracy} measures at d = 0), the head's
     * size, and seconds and pooling share per epoch as the run's averages. Losses, training
     * accuracies and the whole network's parameter count are not in the tables (NaN, NaN, 0).
     * Percentages have the file's two decimals.
     *
     * @throws IllegalArgumentException if a table is missing or a kind lacks its per-epoch row
     */
    static List<Row> parse(List<String> lines) {
        Map<String, String[]> main = new LinkedHashMap<>();
        Map<String, String[]> perEpoch = new LinkedHashMap<>();
        Map<String, String[]> table = null;
        for (String line : lines) {
            String t = line.strip();
            if (t.startsWith("| pooling | test acc |")) {
                table = main;
            } else if (t.startsWith("| pooling | 1 |")) {
                table = perEpoch;
            } else if (!t.startsWith("|")) {
                table = null;
            } else if (table != null && !t.startsWith("|---")) {
                String[] cells = t.substring(1, t.length() - 1).split("\\|", -1);
                for (int i = 0; i < cells.length; i++) cells[i] = cells[i].strip();
                table.put(cells[0], cells);
            }
        }
        if (main.isEmpty() || perEpoch.isEmpty())
            throw new IllegalArgumentException("--charts-from: no study tables found");
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, String[]> e : main.entrySet()) {
            String[] m = e.getValue();
            String[] p = perEpoch.get(e.getKey());
            if (p == null || m.length < 10)
                throw new IllegalArgumentException("--charts-from: no complete rows for " + e.getKey());
            double seconds = Double.parseDouble(m[8]);
            double share = fraction(m[9]);
            List<Training.Epoch> eps = new ArrayList<>();
            for (int i = 1; i < p.length; i++)
                eps.add(new Training.Epoch(i, Double.NaN, Double.NaN, fraction(p[i]), seconds, Double.NaN, share));
            double[] shifted = new double[MAX_SHIFT + 1];
            for (int d = 0; d <= MAX_SHIFT; d++) shifted[d] = fraction(m[1 + d]);
            String[] dims = m[6].split("×");
            int[] head = new int[dims.length + 1];
            head[0] = 1;
            for (int i = 0; i < dims.length; i++) head[i + 1] = Integer.parseInt(dims[i]);
            rows.add(new Row(e.getKey(), eps, shifted, Long.parseLong(m[7].replace(",", "")), 0, head));
        }
        return rows;
    }

    /** "99.82 %" as 0.9982. */
    private static double fraction(String percent) {
        return Double.parseDouble(percent.replace("%", "").strip()) / 100;
    }

    /** Parameters of the linear layers after the convolutional trunk: what pooling shrinks. */
    static long headParams(Sequential model) {
        long n = 0;
        for (Param p : model.params()) {
            if (p.trainable() && p.name().contains("linear")) n += p.value().length;
        }
        return n;
    }

    /** Shape entering the first linear layer's flatten, for one image. */
    static int[] headInput(Sequential model, TrainCommand.Digits data) {
        int[] shape = {1, 1, data.train().rows(), data.train().cols()};
        for (Layer l : model.layers()) {
            if ("flatten".equals(l.kind())) return shape;
            shape = l.outputShape(shape);
        }
        return shape;
    }

    private static String pct(double[] a, int from) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < a.length; i++)
            b.append(String.format(Locale.ROOT, "%s%.2f %%", i > from ? ", " : "", 100 * a[i]));
        return b.toString();
    }

    static String markdown(List<Row> rows, TrainCommand.Digits data, double seconds) {
        StringBuilder b = new StringBuilder();
        b.append("# Pooling study\n\n");
        b.append(String.format(
                Locale.ROOT,
                "The same LeNet-style network (conv 5×5 16 → ReLU → pool 2×2 → conv 5×5 32 → ReLU → pool 2×2 → "
                        + "linear 128 → ReLU → linear 10) trained with each pooling kind on %s (%d training, %d test images), "
                        + "%d epochs, Adam, the same seeds; `none` replaces each pooling by giving the convolution before it stride 2. "
                        + "Shifted: accuracy on the test digits moved by d pixels, averaged over right, left, down and up. "
                        + "Head: parameters of the linear layers; every variant downsamples by 4 on each axis before the head, so the head has the same size "
                        + "(without any downsampling the first linear layer would see 32×20×20 = 12,800 values and the head would have 1,639,818 parameters). Pooling share: time inside pooling calls (forward and backward) over training time. "
                        + "Run in %.0f s.%n%n",
                data.name(),
                data.train().size(),
                data.test().size(),
                rows.get(0).epochs().size(),
                seconds));
        b.append(
                "| pooling | test acc | shifted 1 px | 2 px | 3 px | 4 px | head input | head params | s / epoch | pooling share |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %.2f %% | %.2f %% | %.2f %% | %.2f %% | %.2f %% | %s | %,d | %.1f | %.1f %% |%n",
                    r.kind(),
                    100 * r.testAccuracy(),
                    100 * r.shifted()[1],
                    100 * r.shifted()[2],
                    100 * r.shifted()[3],
                    100 * r.shifted()[4],
                    shape(r.headInput()),
                    r.headParams(),
                    r.secondsPerEpoch(),
                    100 * r.poolingShare()));
        }
        b.append("\nTest accuracy per epoch:\n\n| pooling |");
        int ne = rows.get(0).epochs().size();
        for (int e = 1; e <= ne; e++) b.append(' ').append(e).append(" |");
        b.append("\n|---|");
        for (int e = 1; e <= ne; e++) b.append("---|");
        b.append('\n');
        for (Row r : rows) {
            b.append("| ").append(r.kind()).append(" |");
            for (Training.Epoch e : r.epochs())
                b.append(String.format(Locale.ROOT, " %.2f %% |", 100 * e.testAccuracy()));
            b.append('\n');
        }
        b.append("\n![test accuracy per epoch](accuracy.png)\n\n![accuracy on shifted digits](shift.png)\n");
        return b.toString();
    }

    private static String shape(int[] s) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < s.length; i++) b.append(i > 1 ? "×" : "").append(s[i]);
        return b.toString();
    }

    /** Kind name → its series, for the charts. */
    public static Map<String, double[]> series(List<Row> rows, boolean shift) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (Row r : rows) {
            if (shift) {
                m.put(r.kind(), r.shifted().clone());
            } else {
                double[] y = new double[r.epochs().size()];
                for (int i = 0; i < y.length; i++) y[i] = r.epochs().get(i).testAccuracy();
                m.put(r.kind(), y);
            }
        }
        return m;
    }
}
