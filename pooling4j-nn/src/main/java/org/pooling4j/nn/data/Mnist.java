package org.pooling4j.nn.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pooling4j.internal.Check;

/**
 * Loads MNIST (or any set in the same layout, such as Fashion-MNIST) from a directory holding the
 * four standard IDX files, as distributed or unpacked:
 * {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}
 * and {@code t10k-labels-idx1-ubyte}. Each name may end in {@code .gz}, and the variant with a dot
 * before {@code idx} ({@code train-images.idx3-ubyte}) is accepted too. Labels must be digits 0..9.
 */
public final class Mnist {
    private Mnist() {}

    /** The training set (60,000 images in MNIST) from {@code dir}. */
    public static Dataset train(Path dir) throws IOException {
        return load(dir, "train");
    }

    /** The test set (10,000 images in MNIST) from {@code dir}. */
    public static Dataset test(Path dir) throws IOException {
        return load(dir, "t10k");
    }

    private static Dataset load(Path dir, String prefix) throws IOException {
        Check.notNull(dir, "dir");
        if (!Files.isDirectory(dir))
            throw new FileNotFoundException(dir + ": not a directory (expected the MNIST IDX files in it)");
        Path images = find(dir, prefix, "images", "idx3");
        Path labels = find(dir, prefix, "labels", "idx1");
        if (images == null || labels == null) {
            List<String> missing = new ArrayList<>();
            if (images == null) missing.add(String.join(" or ", names(prefix, "images", "idx3")));
            if (labels == null) missing.add(String.join(" or ", names(prefix, "labels", "idx1")));
            throw new FileNotFoundException(dir + ": missing " + String.join("; missing ", missing));
        }
        return Idx.readDigits(images, labels);
    }

    /** The accepted names of one file, in the order they are looked for. */
    static List<String> names(String prefix, String what, String idx) {
        List<String> out = new ArrayList<>(4);
        String dash = prefix + "-" + what + "-" + idx + "-ubyte";
        String dot = prefix + "-" + what + "." + idx + "-ubyte";
        out.add(dash);
        out.add(dash + ".gz");
        out.add(dot);
        out.add(dot + ".gz");
        return out;
    }

    private static Path find(Path dir, String prefix, String what, String idx) {
        for (String name : names(prefix, what, idx)) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }
}
