package org.pooling4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pooling4j.cli.CliTest.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.nn.data.Dataset;
import org.pooling4j.nn.data.DigitGenerator;
import org.pooling4j.nn.data.Idx;

/** {@code digits --out DIR}: the generated test set as MNIST-named IDX files that eval reads. */
class DigitsCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesTheTestSetUnderMnistNames() throws Exception {
        Path out = dir.resolve("digits");
        Object[] r = cli("digits", "--out", out.toString());
        assertEquals(0, r[0], (String) r[1]);
        Path images = out.resolve("t10k-images-idx3-ubyte");
        Path labels = out.resolve("t10k-labels-idx1-ubyte");
        // IDX: a 16-byte header (magic, count, rows, cols) and one byte per pixel; labels 8 + 1 per digit.
        assertEquals(16 + 5000L * 28 * 28, Files.size(images));
        assertEquals(8 + 5000L, Files.size(labels));
        assertTrue(((String) r[1]).contains("(5000 digits)"), (String) r[1]);
        Dataset back = Idx.read(images, labels);
        assertArrayEquals(DigitGenerator.test().labels(), back.labels());
        assertTrue(Files.notExists(out.resolve("train-images-idx3-ubyte")));
    }
}
