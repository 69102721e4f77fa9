package org.pooling4j.cli.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.pooling4j.cli.OutputFiles;
import org.pooling4j.nn.data.Dataset;
import org.pooling4j.nn.data.DigitGenerator;
import org.pooling4j.nn.data.Idx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code digits --out DIR}: writes the generated digits that {@code train} tests on as IDX files under
 * MNIST's names, so that {@code eval} (and {@code train --dataset mnist:DIR}) can be tried without a
 * download.
 */
@Command(
        name = "digits",
        mixinStandardHelpOptions = true,
        description = {
            "Write the generated test digits as IDX files, for eval.",
            "Writes DIR/t10k-images-idx3-ubyte and DIR/t10k-labels-idx1-ubyte: the 5,000 digits that train tests on"
                    + " (28x28, white on black, MNIST's format and names). With --train it also writes the 20,000"
                    + " training digits as DIR/train-images-idx3-ubyte and DIR/train-labels-idx1-ubyte, so that"
                    + " train --dataset mnist:DIR reads the same data."
        },
        footerHeading = "%nExample:%n",
        footer = {
            "  pooling4j train --save model.npz && pooling4j digits --out digits",
            "  pooling4j eval --model model.npz --images digits/t10k-images-idx3-ubyte \\",
            "                 --labels digits/t10k-labels-idx1-ubyte"
        })
public final class DigitsCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", required = true, description = "the folder to write to (created)")
    Path out;

    @Option(names = "--train", description = "also write the training digits")
    boolean train;

    @Override
    public Integer call() throws IOException {
        OutputFiles.directory(out, "--out");
        Files.createDirectories(out);
        Dataset test = DigitGenerator.test();
        write(test, "t10k");
        if (train) write(DigitGenerator.train(), "train");
        return 0;
    }

    private void write(Dataset d, String prefix) throws IOException {
        Path images = out.resolve(prefix + "-images-idx3-ubyte");
        Path labels = out.resolve(prefix + "-labels-idx1-ubyte");
        Idx.writeImages(images, d);
        Idx.writeLabels(labels, d.labels());
        System.out.println("wrote " + images + " and " + labels + " (" + d.size() + " digits)");
    }
}
