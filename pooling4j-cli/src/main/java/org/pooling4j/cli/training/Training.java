package org.pooling4j.cli.training;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.pooling4j.Tensor;
import org.pooling4j.monitor.PoolMonitor;
import org.pooling4j.monitor.PoolStats;
import org.pooling4j.nn.Adam;
import org.pooling4j.nn.Optimizer;
import org.pooling4j.nn.Param;
import org.pooling4j.nn.Sequential;
import org.pooling4j.nn.Sgd;
import org.pooling4j.nn.SoftmaxCrossEntropy;
import org.pooling4j.nn.data.Dataset;

/**
 * The training loop shared by {@code train}, {@code study} and {@code demo}: mini-batch training with
 * a shuffled order per epoch, evaluation on a test set after every epoch, and the share of the time
 * spent in pooling, read from the pooling monitor.
 */
public final class Training {
    /** What one epoch gave. */
    public record Epoch(
            int epoch,
            double loss,
            double trainAccuracy,
            double testAccuracy,
            double seconds,
            double imagesPerSecond,
            double poolingShare) {}

    /** Settings of a run. */
    public static final class Settings {
        int epochs = 4;
        int batch = 64;
        double learningRate = 2e-3;
        String optimizer = "adam";
        long seed = 1;
        /** Multiply the learning rate by this after every epoch. */
        double decay = 0.6;
        /** Whether to draw a progress bar on {@link #progress}. */
        boolean progressBar = true;
    }

    private final Settings settings;
    private final PrintStream out;
    private final PrintStream progress;

    public Training(Settings settings, PrintStream out, PrintStream progress) {
        this.settings = settings;
        this.out = out;
        // A progress bar redraws its line with \r: only for a person at a terminal, never into a file or pipe.
        this.progress = progress != null && org.pooling4j.cli.Terminal.stderrIsTerminal() ? progress : null;
    }

    Optimizer optimizer() {
        switch (settings.optimizer) {
            case "adam":
                return new Adam(settings.learningRate, 0.9, 0.999, 1e-8, 0);
            case "sgd":
                return new Sgd(settings.learningRate, 0.9, 5e-4);
            default:
                throw new IllegalArgumentException("--optimizer = " + settings.optimizer + ": must be adam or sgd");
        }
    }

    /**
     * Trains {@code model} and evaluates it after every epoch; prints one line per epoch on
     * {@link #out} (when not null) and returns the epochs.
     */
    public List<Epoch> fit(Sequential model, Dataset train, Dataset test) {
        Optimizer opt = optimizer();
        List<Param> params = model.params();
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        SplittableRandom rnd = new SplittableRandom(settings.seed);
        int n = train.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        List<Epoch> epochs = new ArrayList<>();
        boolean monitorWasOn = PoolMonitor.isEnabled();
        PoolMonitor.enable();
        double lr = settings.learningRate;
        try {
            for (int e = 1; e <= settings.epochs; e++) {
                shuffle(order, rnd);
                model.setTraining(true);
                long poolBefore = poolingNanos();
                long t0 = System.nanoTime();
                double lossSum = 0;
                long correct = 0;
                int batches = (n + settings.batch - 1) / settings.batch;
                for (int b = 0; b < batches; b++) {
                    int from = b * settings.batch;
                    int to = Math.min(n, from + settings.batch);
                    Tensor x = train.batch(order, from, to);
                    int[] y = train.batchLabels(order, from, to);
                    opt.zeroGrad(params);
                    Tensor logits = model.forward(x);
                    lossSum += (double) loss.forward(logits, y) * (to - from);
                    model.backward(loss.backward());
                    opt.step(params);
                    int[] pred = loss.predictions();
                    for (int i = 0; i < y.length; i++) if (pred[i] == y[i]) correct++;
                    if (settings.progressBar && progress != null) {
                        bar(e, b + 1, batches, lossSum / to, (double) to / ((System.nanoTime() - t0) * 1e-9));
                    }
                }
                double seconds = (System.nanoTime() - t0) * 1e-9;
                double share = (poolingNanos() - poolBefore) * 1e-9 / seconds;
                if (settings.progressBar && progress != null) progress.print("\r" + " ".repeat(78) + "\r");
                double testAcc = accuracy(model, test, settings.batch, null);
                Epoch ep = new Epoch(e, lossSum / n, (double) correct / n, testAcc, seconds, n / seconds, share);
                epochs.add(ep);
                if (out != null) {
                    out.printf(
                            Locale.ROOT,
                            "epoch %d/%d  loss %.4f  train %.2f %%  test %.2f %%  %.0f images/s  %.1f s  pooling %.1f %% of the time%n",
                            e,
                            settings.epochs,
                            ep.loss,
                            100 * ep.trainAccuracy,
                            100 * ep.testAccuracy,
                            ep.imagesPerSecond,
                            seconds,
                            100 * share);
                    out.flush();
                }
                lr *= settings.decay;
                setLearningRate(opt, lr);
            }
        } finally {
            if (!monitorWasOn) PoolMonitor.disable();
        }
        return epochs;
    }

    private static void setLearningRate(Optimizer opt, double lr) {
        if (opt instanceof Adam) ((Adam) opt).setLearningRate(lr);
        else if (opt instanceof Sgd) ((Sgd) opt).setLearningRate(lr);
    }

    private void bar(int epoch, int done, int total, double loss, double imagesPerSecond) {
        // Redraw at most about 40 times an epoch: the bar is for people, not for logs.
        int step = Math.max(1, total / 40);
        if (done % step != 0 && done != total) return;
        int width = 30;
        int filled = (int) ((long) width * done / total);
        progress.printf(
                Locale.ROOT,
                "\repoch %d/%d [%s%s] %3d%%  loss %.4f  %.0f images/s ",
                epoch,
                settings.epochs,
                "#".repeat(filled),
                ".".repeat(width - filled),
                100 * done / total,
                loss,
                imagesPerSecond);
        progress.flush();
    }

    /** Summed time of every pooling call the monitor has seen, forward and backward. */
    static long poolingNanos() {
        long t = 0;
        for (PoolStats s : PoolMonitor.snapshot(false)) t += s.totalNanos();
        return t;
    }

    /**
     * Accuracy of {@code model} (in evaluation mode) on {@code data}; when {@code confusion} is not
     * null, {@code confusion[truth][predicted]} counts every image.
     */
    public static double accuracy(Sequential model, Dataset data, int batch, long[][] confusion) {
        model.setTraining(false);
        int n = data.size();
        if (n == 0) return Double.NaN;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        long correct = 0;
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            int[] y = data.batchLabels(order, from, to);
            loss.forward(model.forward(data.batch(order, from, to)), y);
            int[] pred = loss.predictions();
            for (int i = 0; i < y.length; i++) {
                if (pred[i] == y[i]) correct++;
                if (confusion != null) confusion[y[i]][pred[i]]++;
            }
        }
        return (double) correct / n;
    }

    /**
     * Accuracy on the test images shifted by {@code d} pixels, averaged over the four directions
     * (right, left, down, up): how much a translation the network has not been trained for costs.
     */
    public static double shiftedAccuracy(Sequential model, Dataset data, int d, int batch) {
        if (d == 0) return accuracy(model, data, batch, null);
        double sum = accuracy(model, data.shifted(d, 0), batch, null)
                + accuracy(model, data.shifted(-d, 0), batch, null)
                + accuracy(model, data.shifted(0, d), batch, null)
                + accuracy(model, data.shifted(0, -d), batch, null);
        return sum / 4;
    }

    private static void shuffle(int[] a, SplittableRandom rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
