package org.pooling4j.cli.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pooling4j.Pooling;
import org.pooling4j.cli.InputFiles;
import org.pooling4j.cli.OpNames;
import org.pooling4j.cli.OutputFiles;
import org.pooling4j.nn.ModelIo;
import org.pooling4j.nn.Models;
import org.pooling4j.nn.Sequential;
import org.pooling4j.nn.data.Dataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Train a LeNet-style network on digits.",
            "The network is conv-relu-pool twice, then two linear layers. Prints per epoch: loss, train and test accuracy, images/s and the share of the time spent in pooling."
        })
public final class TrainCommand implements Callable<Integer> {
    @Option(
            names = "--pool",
            paramLabel = "KIND",
            defaultValue = "max",
            description = "pooling of both stages: max, avg, lp (p = 2), lp4 (p = 4), stochastic, mixed, gated,"
                    + " weighted_avg (Gaussian weights), fractional_max, or none (strided convolutions instead of"
                    + " pooling); also gaussian, fractional, lp2 (default: ${DEFAULT-VALUE})")
    String pool;

    @Option(
            names = "--epochs",
            paramLabel = "N",
            defaultValue = "4",
            description = "epochs (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(
            names = "--dataset",
            paramLabel = "generated|mnist:DIR",
            defaultValue = "generated",
            description =
                    "generated digits (no download), or the four MNIST-format IDX files in DIR (default: ${DEFAULT-VALUE})")
    String dataset;

    @Option(
            names = "--train-size",
            paramLabel = "N",
            description = "training images (generated: default 20000; MNIST: all)")
    Integer trainSize;

    @Option(names = "--test-size", paramLabel = "N", description = "test images (generated: default 5000; MNIST: all)")
    Integer testSize;

    @Option(
            names = "--batch",
            paramLabel = "N",
            defaultValue = "64",
            description = "mini-batch size (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--lr", paramLabel = "RATE", description = "learning rate (default: 0.002 for adam, 0.05 for sgd)")
    Double lr;

    @Option(
            names = "--optimizer",
            paramLabel = "adam|sgd",
            defaultValue = "adam",
            description = "optimiser; sgd has momentum 0.9 (default: ${DEFAULT-VALUE})")
    String optimizer;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "1",
            description = "seed of the weights and the batch order (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "threads (default: all processors)")
    Integer threads;

    @Option(
            names = "--save",
            paramLabel = "FILE.npz",
            description = "save the trained model (parameters, and the architecture as JSON inside)")
    Path save;

    @Option(names = "--no-progress", description = "no progress bar")
    boolean noProgress;

    @Override
    public Integer call() throws IOException {
        if (dataset != null && dataset.startsWith("mnist:")) InputFiles.directory(Path.of(dataset.substring(6)));
        // Before the training (minutes): a model file that cannot be written ends the command here.
        if (save != null) OutputFiles.file(save, "--save");
        Check.positive("--epochs", epochs);
        Check.positive("--batch", batch);
        Models.lenet(OpNames.layerKind(pool), seed); // rejects an unknown kind before the data is made
        if (threads != null) {
            Check.positive("--threads", threads);
            Pooling.setThreads(threads);
        }
        long t0 = System.nanoTime();
        Digits data = Digits.load(dataset, trainSize, testSize);
        System.out.printf(
                Locale.ROOT,
                "data: %s, %d training and %d test images of %dx%d (%.1f s)%n",
                data.name(),
                data.train().size(),
                data.test().size(),
                data.train().rows(),
                data.train().cols(),
                (System.nanoTime() - t0) * 1e-9);
        Sequential model = Models.lenet(OpNames.layerKind(pool), seed);
        System.out.print(
                model.summary(new int[] {1, 1, data.train().rows(), data.train().cols()}));
        Training.Settings s = settings(epochs, batch, lr, optimizer, seed, !noProgress);
        List<Training.Epoch> result = new Training(s, System.out, System.err).fit(model, data.train(), data.test());
        Training.Epoch last = result.get(result.size() - 1);
        System.out.printf(
                Locale.ROOT,
                "test accuracy %.2f %% after %d epochs, %.1f s in all%n",
                100 * last.testAccuracy(),
                epochs,
                (System.nanoTime() - t0) * 1e-9);
        if (save != null) {
            ModelIo.save(model, save);
            System.out.println("saved " + save);
        }
        return 0;
    }

    public static Training.Settings settings(
            int epochs, int batch, Double lr, String optimizer, long seed, boolean progress) {
        Training.Settings s = new Training.Settings();
        s.epochs = epochs;
        s.batch = batch;
        s.optimizer = optimizer;
        s.learningRate = lr != null ? lr : "sgd".equals(optimizer) ? 0.05 : 2e-3;
        if (!(s.learningRate > 0) || Double.isInfinite(s.learningRate)) {
            throw new IllegalArgumentException("--lr = " + s.learningRate + ": must be a finite number > 0");
        }
        s.seed = seed;
        s.progressBar = progress;
        return s;
    }

    /** Small argument checks shared by the training commands. */
    public static final class Check {
        private Check() {}

        public static void positive(String name, int v) {
            if (v < 1) throw new IllegalArgumentException(name + " = " + v + ": must be >= 1");
        }
    }

    /** A training and a test set, and where they came from. */
    public record Digits(String name, Dataset train, Dataset test) {
        public static Digits load(String spec, Integer trainSize, Integer testSize) throws IOException {
            if (trainSize != null) Check.positive("--train-size", trainSize);
            if (testSize != null) Check.positive("--test-size", testSize);
            if ("generated".equals(spec)) {
                int ntr = trainSize == null ? 20_000 : trainSize;
                int nte = testSize == null ? 5_000 : testSize;
                return new Digits(
                        "generated digits",
                        org.pooling4j.nn.data.DigitGenerator.generate(
                                ntr, org.pooling4j.nn.data.DigitGenerator.TRAIN_SEED),
                        org.pooling4j.nn.data.DigitGenerator.generate(
                                nte, org.pooling4j.nn.data.DigitGenerator.TEST_SEED));
            }
            if (spec.startsWith("mnist:")) {
                Path dir = Path.of(spec.substring("mnist:".length()));
                Dataset tr = org.pooling4j.nn.data.Mnist.train(dir);
                Dataset te = org.pooling4j.nn.data.Mnist.test(dir);
                if (trainSize != null && trainSize < tr.size()) tr = tr.subset(0, trainSize);
                if (testSize != null && testSize < te.size()) te = te.subset(0, testSize);
                return new Digits("MNIST files in " + dir, tr, te);
            }
            throw new IllegalArgumentException("--dataset = " + spec + ": must be generated or mnist:DIR");
        }
    }
}
