package org.pooling4j.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
    @TempDir
    Path dir;

    /** Header bytes written out by hand per the IDX layout: 0, 0, type, rank, then big-endian dims. */
    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) b[i] = (byte) values[i];
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    private Path file(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    // Two 2x3 images and their labels, byte by byte.
    private static final byte[] IMAGES = concat(
            bytes(0, 0, 8, 3),
            bytes(0, 0, 0, 2),
            bytes(0, 0, 0, 2),
            bytes(0, 0, 0, 3),
            bytes(0, 51, 102, 153, 204, 255),
            bytes(255, 0, 1, 2, 254, 128));
    private static final byte[] LABELS = concat(bytes(0, 0, 8, 1), bytes(0, 0, 0, 2), bytes(7, 0));

    @Test
    void readsHandMadeFiles() throws IOException {
        Dataset d = Idx.read(file("img", IMAGES), file("lab", LABELS));
        assertEquals(2, d.size());
        assertEquals(2, d.rows());
        assertEquals(3, d.cols());
        assertArrayEquals(new float[] {0f, .2f, .4f, .6f, .8f, 1f}, d.image(0), 1e-7f);
        assertArrayEquals(new float[] {1f, 0f, 1 / 255f, 2 / 255f, 254 / 255f, 128 / 255f}, d.image(1), 1e-7f);
        assertArrayEquals(new int[] {7, 0}, d.labels());
    }

    @Test
    void gzipIsRecognisedByContentNotName() throws IOException {
        Dataset d = Idx.read(file("img.bin", gzip(IMAGES)), file("lab.gz", LABELS));
        assertArrayEquals(new float[] {0f, .2f, .4f, .6f, .8f, 1f}, d.image(0), 1e-7f);
        assertArrayEquals(new int[] {7, 0}, d.labels());
    }

    @Test
    void writtenFilesHaveTheSpecifiedBytes() throws IOException {
        Dataset d = Idx.read(file("img", IMAGES), file("lab", LABELS));
        Path img = dir.resolve("out-images");
        Path lab = dir.resolve("out-labels");
        Idx.writeImages(img, d);
        Idx.writeLabels(lab, d.labels());
        assertArrayEquals(IMAGES, Files.readAllBytes(img));
        assertArrayEquals(LABELS, Files.readAllBytes(lab));
    }

    @Test
    void roundTripPlainAndGzipped() throws IOException {
        Dataset d = DigitGenerator.generate(30, 3);
        Path img = dir.resolve("i");
        Path lab = dir.resolve("l");
        Idx.writeImages(img, d);
        Idx.writeLabels(lab, d.labels());
        Dataset back = Idx.readDigits(img, lab);
        assertEquals(28, back.rows());
        assertArrayEquals(d.labels(), back.labels());
        float[] a = d.images();
        float[] b = back.images();
        for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 0.5f / 255 + 1e-6f, "pixel " + i);
        Path gi = file("i.gz", gzip(Files.readAllBytes(img)));
        Path gl = file("l.gz", gzip(Files.readAllBytes(lab)));
        Dataset gz = Idx.readDigits(gi, gl);
        assertArrayEquals(b, gz.images());
        assertArrayEquals(d.labels(), gz.labels());
    }

    @Test
    void acceptsASingletonChannelAxis() throws IOException {
        byte[] rank4 = concat(
                bytes(0, 0, 8, 4),
                bytes(0, 0, 0, 1),
                bytes(0, 0, 0, 2),
                bytes(0, 0, 0, 2),
                bytes(0, 0, 0, 1),
                bytes(0, 255, 255, 0));
        Dataset d = Idx.read(file("img", rank4), file("lab", concat(bytes(0, 0, 8, 1), bytes(0, 0, 0, 1), bytes(3))));
        assertEquals(2, d.rows());
        assertEquals(2, d.cols());
        assertArrayEquals(new float[] {0, 1, 1, 0}, d.image(0));
    }

    private String failure(byte[] images, byte[] labels) throws IOException {
        Path img = file("bad-images", images);
        Path lab = file("bad-labels", labels);
        return assertThrows(IdxFormatException.class, () -> Idx.readDigits(img, lab))
                .getMessage();
    }

    @Test
    void wrongMagicNumbers() throws IOException {
        String m = failure(concat(bytes(0, 0, 8, 1), Arrays.copyOfRange(IMAGES, 4, IMAGES.length)), LABELS);
        assertTrue(
                m.contains("magic number 0x00000801 is not that of IDX unsigned-byte images (expected 0x00000803)"), m);
        m = failure(concat(bytes(0, 0, 9, 3), Arrays.copyOfRange(IMAGES, 4, IMAGES.length)), LABELS);
        assertTrue(m.contains("magic number 0x00000903"), m);
        m = failure(concat(bytes(1, 0, 8, 3), Arrays.copyOfRange(IMAGES, 4, IMAGES.length)), LABELS);
        assertTrue(m.contains("magic number 0x01000803"), m);
        m = failure(IMAGES, concat(bytes(0, 0, 8, 3), Arrays.copyOfRange(LABELS, 4, LABELS.length)));
        assertTrue(m.contains("not that of IDX unsigned-byte labels (expected 0x00000801)"), m);
        m = failure(bytes(0, 0), LABELS);
        assertTrue(m.contains("truncated in the magic number (2 of 4 bytes)"), m);
    }

    @Test
    void nonPositiveAndHugeDimensions() throws IOException {
        String m = failure(concat(bytes(0, 0, 8, 3), bytes(0, 0, 0, 2), bytes(0, 0, 0, 0), bytes(0, 0, 0, 3)), LABELS);
        assertTrue(m.endsWith("dimension 1 is 0, must be >= 1"), m);
        m = failure(
                concat(bytes(0, 0, 8, 3), bytes(0xff, 0xff, 0xff, 0xfe), bytes(0, 0, 0, 2), bytes(0, 0, 0, 3)), LABELS);
        assertTrue(m.endsWith("dimension 0 is -2, must be >= 1"), m);
        // 65536^3 elements would be 2^48 bytes: refused from the header alone, before any allocation.
        byte[] huge = concat(bytes(0, 0, 8, 3), bytes(0, 1, 0, 0), bytes(0, 1, 0, 0), bytes(0, 1, 0, 0));
        m = failure(huge, LABELS);
        assertTrue(m.contains("hold more than 1073741824 elements"), m);
        m = failure(gzip(huge), LABELS);
        assertTrue(m.contains("hold more than 1073741824 elements"), m);
        // Under the limit, but larger than the file: refused before allocation by the file length.
        byte[] lying =
                concat(bytes(0, 0, 8, 3), bytes(0, 0, 0x10, 0), bytes(0, 0, 0, 28), bytes(0, 0, 0, 28), bytes(1, 2, 3));
        m = failure(lying, LABELS);
        assertTrue(m.contains("need 3211264 data bytes after the 16-byte header, the file has 3 (truncated)"), m);
        byte[] rank5 = concat(
                bytes(0, 0, 8, 5),
                bytes(0, 0, 0, 1),
                bytes(0, 0, 0, 2),
                bytes(0, 0, 0, 2),
                bytes(0, 0, 0, 2),
                bytes(0, 0, 0, 1),
                new byte[8]);
        m = failure(rank5, concat(bytes(0, 0, 8, 1), bytes(0, 0, 0, 1), bytes(3)));
        assertTrue(m.contains("dimensions [1, 2, 2, 2, 1] are not count x rows x cols"), m);
    }

    @Test
    void truncatedAndTrailingData() throws IOException {
        byte[] cut = Arrays.copyOf(IMAGES, IMAGES.length - 1);
        String m = failure(cut, LABELS);
        assertTrue(m.contains("need 12 data bytes after the 16-byte header, the file has 11 (truncated)"), m);
        m = failure(gzip(cut), LABELS);
        assertTrue(m.contains("truncated: dimensions [2, 2, 3] need 12 data bytes, found 11"), m);
        m = failure(concat(IMAGES, bytes(9)), LABELS);
        assertTrue(m.contains("the file has 13 (trailing bytes)"), m);
        m = failure(gzip(concat(IMAGES, bytes(9))), LABELS);
        assertTrue(m.contains("trailing bytes after the 12 data bytes"), m);
        m = failure(Arrays.copyOf(IMAGES, 10), LABELS);
        assertTrue(m.contains("truncated in the 3 dimensions (6 of 12 bytes)"), m);
        // A gzip stream cut in the middle.
        byte[] z = gzip(IMAGES);
        m = failure(Arrays.copyOf(z, z.length - 10), LABELS);
        assertTrue(m.contains("truncated"), m);
    }

    @Test
    void countsMustAgreeAndLabelsBeDigitsWhenAsked() throws IOException {
        byte[] three = concat(bytes(0, 0, 8, 1), bytes(0, 0, 0, 3), bytes(1, 2, 3));
        String m = failure(IMAGES, three);
        assertTrue(m.contains("holds 2 images but") && m.endsWith("holds 3 labels"), m);
        byte[] big = concat(bytes(0, 0, 8, 1), bytes(0, 0, 0, 2), bytes(4, 10));
        m = failure(IMAGES, big);
        assertTrue(m.endsWith("label 1 is 10, outside 0..9"), m);
        // Without the digit requirement any byte is a label.
        Dataset d = Idx.read(file("i", IMAGES), file("l", concat(bytes(0, 0, 8, 1), bytes(0, 0, 0, 2), bytes(4, 200))));
        assertArrayEquals(new int[] {4, 200}, d.labels());
    }

    @Test
    void badArguments() {
        Path p = dir.resolve("x");
        assertEquals(
                "labels[1] = 256: must be in [0, 255] to fit an unsigned byte",
                assertThrows(IllegalArgumentException.class, () -> Idx.writeLabels(p, new int[] {1, 256}))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> Idx.writeLabels(p, new int[0]));
        assertThrows(IllegalArgumentException.class, () -> Idx.writeImages(p, DigitGenerator.generate(0, 1)));
        assertThrows(IllegalArgumentException.class, () -> Idx.read(p, p, 256));
        assertEquals(
                "images must not be null",
                assertThrows(NullPointerException.class, () -> Idx.read(null, p))
                        .getMessage());
        assertThrows(IOException.class, () -> Idx.read(p, p));
    }
}
