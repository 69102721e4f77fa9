package org.pooling4j.cli.training;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pooling4j.cli.InputFiles;
import org.pooling4j.nn.ModelIo;
import org.pooling4j.nn.Sequential;
import org.pooling4j.nn.data.Dataset;
import org.pooling4j.nn.data.Idx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = {
            "Evaluate a saved model on IDX files.",
            "The files are in MNIST format, gzipped or not ('pooling4j digits --out DIR' writes a test set). Prints the accuracy and the confusion matrix (rows: true digit, columns: predicted)."
        })
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "FILE.npz", required = true, description = "a model saved by train --save")
    Path model;

    @Option(
            names = "--images",
            paramLabel = "FILE",
            required = true,
            description = "IDX images (28x28 unsigned bytes, white on black)")
    Path images;

    @Option(names = "--labels", paramLabel = "FILE", required = true, description = "IDX labels (unsigned bytes)")
    Path labels;

    @Option(
            names = "--batch",
            paramLabel = "N",
            defaultValue = "256",
            description = "images per forward pass (default: ${DEFAULT-VALUE})")
    int batch;

    @Override
    public Integer call() throws IOException {
        InputFiles.file(model);
        InputFiles.file(images);
        InputFiles.file(labels);
        TrainCommand.Check.positive("--batch", batch);
        Sequential net = ModelIo.load(model);
        Dataset data = Idx.read(images, labels);
        int classes = classes(net, data);
        long[][] confusion = new long[classes][classes];
        for (int y : data.labels()) {
            if (y < 0 || y >= classes) {
                throw new IllegalArgumentException(
                        "--labels: label " + y + " is outside the model's classes 0.." + (classes - 1));
            }
        }
        double acc = Training.accuracy(net, data, batch, confusion);
        System.out.printf(Locale.ROOT, "%d images, accuracy %.2f %%%n", data.size(), 100 * acc);
        printConfusion(System.out, confusion);
        return 0;
    }

    /** The number of classes the model predicts, from its output shape on one image of the data. */
    static int classes(Sequential net, Dataset data) {
        int[] in = {1, 1, data.rows(), data.cols()};
        int[] out = net.outputShape(in);
        if (out.length != 2) {
            throw new IllegalArgumentException("--model: output shape " + java.util.Arrays.toString(out)
                    + " for an input " + java.util.Arrays.toString(in) + " is not (N, classes)");
        }
        return out[1];
    }

    static void printConfusion(PrintStream out, long[][] m) {
        StringBuilder b = new StringBuilder("true\\pred");
        for (int j = 0; j < m.length; j++) b.append(String.format(Locale.ROOT, "%6d", j));
        b.append("   recall\n");
        for (int i = 0; i < m.length; i++) {
            long row = 0;
            b.append(String.format(Locale.ROOT, "%9d", i));
            for (int j = 0; j < m.length; j++) {
                b.append(String.format(Locale.ROOT, "%6d", m[i][j]));
                row += m[i][j];
            }
            b.append(row == 0 ? "        -" : String.format(Locale.ROOT, "  %6.1f%%", 100.0 * m[i][i] / row))
                    .append('\n');
        }
        out.print(b);
    }
}
