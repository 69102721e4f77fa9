package org.pooling4j.nn.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.pooling4j.internal.Check;

/**
 * Reads and writes the IDX files MNIST is distributed in: unsigned-byte images and labels.
 *
 * <p>An IDX file starts with a magic number of four bytes: two zero bytes, the element type
 * ({@code 0x08}, unsigned byte, is the only one accepted) and the number of dimensions; then each
 * dimension as a big-endian 32-bit integer; then the elements, last dimension fastest. Images are
 * {@code 0x00000803} (count, rows, cols), labels {@code 0x00000801} (count). The reader also takes
 * images of a higher rank whose extra dimensions are all 1 (for instance count x rows x cols x 1).
 * Files may be gzip-compressed; compression is recognised by the gzip magic bytes
 * {@code 0x1f 0x8b}, whatever the file name. Grey levels become {@code value / 255}.
 *
 * <p>Everything is checked before the data are allocated: the magic number, every dimension
 * ({@code >= 1}), the element count against {@link #MAX_ELEMENTS} and, for an uncompressed file,
 * against the file's length. Bad files raise {@link IdxFormatException} naming the file.
 */
public final class Idx {
    private Idx() {}

    /** Magic number of unsigned-byte three-dimensional data (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of unsigned-byte one-dimensional data (labels). */
    public static final int LABELS_MAGIC = 0x00000801;
    /** Most elements (pixels) one file may hold: 2^30, a gigabyte of bytes and four of floats. */
    public static final long MAX_ELEMENTS = 1L << 30;

    private static final int UBYTE = 0x08;

    /**
     * Reads an image file and its label file into a dataset; labels may be any byte value 0..255.
     *
     * @throws IdxFormatException if a file is malformed or the counts differ
     * @throws IOException if a file cannot be read
     */
    public static Dataset read(Path images, Path labels) throws IOException {
        return read(images, labels, 255);
    }

    /**
     * As {@link #read(Path, Path)}, also requiring every label to be a digit 0..9.
     *
     * @throws IdxFormatException also if a label is above 9
     */
    public static Dataset readDigits(Path images, Path labels) throws IOException {
        return read(images, labels, 9);
    }

    /**
     * Reads an image file and its label file, requiring every label to be at most {@code maxLabel}.
     *
     * @throws IllegalArgumentException if {@code maxLabel} is outside [0, 255]
     * @throws IdxFormatException if a file is malformed, the counts differ or a label is too large
     */
    public static Dataset read(Path images, Path labels, int maxLabel) throws IOException {
        Check.notNull(images, "images");
        Check.notNull(labels, "labels");
        if (maxLabel < 0 || maxLabel > 255) throw Check.fail("maxLabel", maxLabel, "must be in [0, 255]");
        // The labels are small: read them first so a count mismatch is found before the images are.
        Raw lab = readRaw(labels, false);
        Raw img = readRaw(images, true);
        int n = img.dims[0];
        if (lab.dims[0] != n) {
            throw new IdxFormatException(
                    images + " holds " + n + " images but " + labels + " holds " + lab.dims[0] + " labels");
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int v = lab.data[i] & 0xff;
            if (v > maxLabel) {
                throw new IdxFormatException(labels + ": label " + i + " is " + v + ", outside 0.." + maxLabel);
            }
            out[i] = v;
        }
        float[] px = new float[img.data.length];
        for (int i = 0; i < px.length; i++) px[i] = (img.data[i] & 0xff) / 255f;
        return new Dataset(px, out, img.dims[1], img.dims[2]);
    }

    /**
     * Writes the dataset's images as an uncompressed IDX image file (magic {@code 0x00000803}), each
     * grey level as {@code round(value * 255)}.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the dataset is empty (IDX dimensions must be at least 1)
     */
    public static void writeImages(Path path, Dataset data) throws IOException {
        Check.notNull(path, "path");
        Check.notNull(data, "data");
        if (data.size() < 1)
            throw Check.fail("data.size()", data.size(), "must be >= 1: IDX dimensions are at least 1");
        float[] px = data.images();
        byte[] bytes = new byte[px.length];
        for (int i = 0; i < px.length; i++) bytes[i] = (byte) Math.round(Math.max(0f, Math.min(1f, px[i])) * 255f);
        try (OutputStream os = Files.newOutputStream(path);
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os))) {
            out.writeInt(IMAGES_MAGIC);
            out.writeInt(data.size());
            out.writeInt(data.rows());
            out.writeInt(data.cols());
            out.write(bytes);
        }
    }

    /**
     * Writes labels as an uncompressed IDX label file (magic {@code 0x00000801}).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if there are no labels or one is outside [0, 255]
     */
    public static void writeLabels(Path path, int[] labels) throws IOException {
        Check.notNull(path, "path");
        Check.notNull(labels, "labels");
        if (labels.length < 1) throw Check.fail("labels.length", 0, "must be >= 1: IDX dimensions are at least 1");
        byte[] bytes = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] > 255)
                throw Check.fail("labels[" + i + "]", labels[i], "must be in [0, 255] to fit an unsigned byte");
            bytes[i] = (byte) labels[i];
        }
        try (OutputStream os = Files.newOutputStream(path);
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os))) {
            out.writeInt(LABELS_MAGIC);
            out.writeInt(labels.length);
            out.write(bytes);
        }
    }

    /** Dimensions (images: count, rows, cols; labels: count) and the raw bytes. */
    private static final class Raw {
        final int[] dims;
        final byte[] data;

        Raw(int[] dims, byte[] data) {
            this.dims = dims;
            this.data = data;
        }
    }

    private static Raw readRaw(Path file, boolean images) throws IOException {
        long fileLength = Files.size(file);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            boolean gzip = b0 == 0x1f && b1 == 0x8b;
            InputStream in = gzip ? new BufferedInputStream(new GZIPInputStream(raw)) : raw;
            byte[] magic = readFully(in, 4, file, "the magic number");
            String kind = images ? "images" : "labels";
            int magicValue = ((magic[0] & 0xff) << 24)
                    | ((magic[1] & 0xff) << 16)
                    | ((magic[2] & 0xff) << 8)
                    | (magic[3] & 0xff);
            int rank = magic[3] & 0xff;
            boolean ok =
                    magic[0] == 0 && magic[1] == 0 && (magic[2] & 0xff) == UBYTE && (images ? rank >= 3 : rank == 1);
            if (!ok) {
                throw new IdxFormatException(file + ": magic number " + String.format("0x%08x", magicValue)
                        + " is not that of IDX unsigned-byte " + kind + " (expected "
                        + String.format("0x%08x", images ? IMAGES_MAGIC : LABELS_MAGIC) + ")");
            }
            byte[] header = readFully(in, 4 * rank, file, "the " + rank + " dimensions");
            int[] all = new int[rank];
            long elements = 1;
            for (int d = 0; d < rank; d++) {
                int v = ((header[4 * d] & 0xff) << 24)
                        | ((header[4 * d + 1] & 0xff) << 16)
                        | ((header[4 * d + 2] & 0xff) << 8)
                        | (header[4 * d + 3] & 0xff);
                if (v <= 0) throw new IdxFormatException(file + ": dimension " + d + " is " + v + ", must be >= 1");
                all[d] = v;
                elements *= v;
                if (elements > MAX_ELEMENTS) {
                    throw new IdxFormatException(file + ": dimensions " + Arrays.toString(Arrays.copyOf(all, d + 1))
                            + " hold more than " + MAX_ELEMENTS + " elements, the most this reader accepts");
                }
            }
            int[] dims = all;
            if (images && rank > 3) {
                // Accept a singleton channel axis (or any axes of size 1) beyond count, rows and cols.
                int[] kept = new int[rank];
                int k = 0;
                kept[k++] = all[0];
                for (int d = 1; d < rank; d++) {
                    if (all[d] != 1) {
                        if (k == 3)
                            throw new IdxFormatException(
                                    file + ": dimensions " + Arrays.toString(all) + " are not count x rows x cols");
                        kept[k++] = all[d];
                    }
                }
                while (k < 3) kept[k++] = 1;
                dims = Arrays.copyOf(kept, 3);
            }
            long headerBytes = 4L + 4L * rank;
            if (!gzip && fileLength != headerBytes + elements) {
                throw new IdxFormatException(
                        file + ": dimensions " + Arrays.toString(all) + " need " + elements + " data bytes after the "
                                + headerBytes + "-byte header, the file has " + (fileLength - headerBytes)
                                + (fileLength < headerBytes + elements ? " (truncated)" : " (trailing bytes)"));
            }
            byte[] data = readData(in, (int) elements, file, all);
            if (in.read() != -1) {
                throw new IdxFormatException(file + ": trailing bytes after the " + elements
                        + " data bytes of dimensions " + Arrays.toString(all));
            }
            return new Raw(dims, data);
        }
    }

    private static byte[] readFully(InputStream in, int n, Path file, String what) throws IOException {
        byte[] b = new byte[n];
        int got = 0;
        while (got < n) {
            int r;
            try {
                r = in.read(b, got, n - got);
            } catch (EOFException e) {
                r = -1;
            }
            if (r < 0)
                throw new IdxFormatException(file + ": truncated in " + what + " (" + got + " of " + n + " bytes)");
            got += r;
        }
        return b;
    }

    /**
     * Reads {@code n} data bytes. A compressed file's length says nothing about its content, so the
     * buffer grows with what actually arrives instead of trusting the header's dimensions.
     */
    private static byte[] readData(InputStream in, int n, Path file, int[] dims) throws IOException {
        byte[] b = new byte[Math.min(n, 1 << 20)];
        int got = 0;
        while (got < n) {
            if (got == b.length) b = Arrays.copyOf(b, (int) Math.min(n, 2L * b.length));
            int r;
            try {
                r = in.read(b, got, b.length - got);
            } catch (EOFException e) {
                r = -1;
            }
            if (r < 0) {
                throw new IdxFormatException(file + ": truncated: dimensions " + Arrays.toString(dims) + " need " + n
                        + " data bytes, found " + got);
            }
            got += r;
        }
        return b;
    }
}
