package org.pooling4j.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistTest {
    @TempDir
    Path dir;

    // One 2x2 image; the train set's label is 4, the test set's 9 so the two cannot be mixed up.
    private static byte[] images(int first) {
        return new byte[] {0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, (byte) first, 0, 0, (byte) 255};
    }

    private static byte[] labels(int label) {
        return new byte[] {0, 0, 8, 1, 0, 0, 0, 1, (byte) label};
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    @Test
    void plainStandardNames() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), images(51));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), labels(4));
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), images(102));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), labels(9));
        Dataset train = Mnist.train(dir);
        assertArrayEquals(new int[] {4}, train.labels());
        assertArrayEquals(new float[] {.2f, 0, 0, 1}, train.image(0), 1e-7f);
        Dataset test = Mnist.test(dir);
        assertArrayEquals(new int[] {9}, test.labels());
        assertEquals(.4f, test.image(0)[0], 1e-7f);
    }

    @Test
    void gzippedAndDotVariantNames() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(images(51)));
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(labels(4)));
        Files.write(dir.resolve("t10k-images.idx3-ubyte"), images(102));
        Files.write(dir.resolve("t10k-labels.idx1-ubyte.gz"), gzip(labels(9)));
        assertArrayEquals(new int[] {4}, Mnist.train(dir).labels());
        assertArrayEquals(new int[] {9}, Mnist.test(dir).labels());
    }

    @Test
    void missingFilesAreListed() throws IOException {
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), images(0));
        String m =
                assertThrows(FileNotFoundException.class, () -> Mnist.test(dir)).getMessage();
        assertEquals(
                dir + ": missing t10k-labels-idx1-ubyte or t10k-labels-idx1-ubyte.gz or t10k-labels.idx1-ubyte"
                        + " or t10k-labels.idx1-ubyte.gz",
                m);
        m = assertThrows(FileNotFoundException.class, () -> Mnist.train(dir)).getMessage();
        assertTrue(
                m.contains("missing train-images-idx3-ubyte or") && m.contains("; missing train-labels-idx1-ubyte or"),
                m);
        Path notDir = Files.write(dir.resolve("file"), new byte[1]);
        m = assertThrows(FileNotFoundException.class, () -> Mnist.train(notDir)).getMessage();
        assertTrue(m.endsWith("not a directory (expected the MNIST IDX files in it)"), m);
    }

    @Test
    void labelsMustBeDigits() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), images(0));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), labels(12));
        String m =
                assertThrows(IdxFormatException.class, () -> Mnist.train(dir)).getMessage();
        assertTrue(m.endsWith("label 0 is 12, outside 0..9"), m);
    }
}
