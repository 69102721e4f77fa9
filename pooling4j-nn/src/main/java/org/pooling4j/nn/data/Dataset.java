package org.pooling4j.nn.data;

import java.util.Objects;
import org.pooling4j.Tensor;
import org.pooling4j.internal.Check;

/**
 * An immutable set of labelled single-channel images of one size, such as MNIST or the digits of
 * {@link DigitGenerator}.
 *
 * <p>Images are stored one after another, each row-major, as grey levels in [0, 1] with the
 * foreground bright on a dark background (white digit on black, as in MNIST). Image {@code i} has
 * label {@code labels()[i]}, a non-negative class number.
 *
 * <p>To avoid copying tens of megabytes on every access, {@link #images()} and {@link #labels()}
 * return the backing arrays themselves: callers must not modify them. Every method that builds a
 * new dataset or a batch copies what it takes.
 */
public final class Dataset {
    private final int size;
    private final int rows;
    private final int cols;
    private final float[] images;
    private final int[] labels;

    /** Takes ownership of the arrays (no copy, no check): for this package's own builders. */
    Dataset(float[] images, int[] labels, int rows, int cols) {
        this.size = labels.length;
        this.rows = rows;
        this.cols = cols;
        this.images = images;
        this.labels = labels;
    }

    /**
     * A dataset holding copies of the given arrays.
     *
     * @param images {@code labels.length * rows * cols} grey levels in [0, 1], image after image,
     *     each row-major
     * @param labels one class number {@code >= 0} per image
     * @throws NullPointerException if an array is null
     * @throws IllegalArgumentException if {@code rows} or {@code cols} is below 1, the lengths do not
     *     agree, a grey level is outside [0, 1] (or NaN) or a label is negative
     */
    public static Dataset of(float[] images, int[] labels, int rows, int cols) {
        Check.notNull(images, "images");
        Check.notNull(labels, "labels");
        if (rows < 1) throw Check.fail("rows", rows, "must be >= 1");
        if (cols < 1) throw Check.fail("cols", cols, "must be >= 1");
        long expected = (long) labels.length * rows * cols;
        if (images.length != expected) {
            throw Check.fail(
                    "images.length",
                    images.length,
                    "must equal labels.length * rows * cols = " + labels.length + " * " + rows + " * " + cols + " = "
                            + expected);
        }
        for (int i = 0; i < images.length; i++) {
            float v = images[i];
            if (!(v >= 0f && v <= 1f)) throw Check.fail("images[" + i + "]", v, "grey levels must lie in [0, 1]");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) throw Check.fail("labels[" + i + "]", labels[i], "must be >= 0");
        }
        return new Dataset(images.clone(), labels.clone(), rows, cols);
    }

    /** Number of images. */
    public int size() {
        return size;
    }

    /** Image height in pixels. */
    public int rows() {
        return rows;
    }

    /** Image width in pixels. */
    public int cols() {
        return cols;
    }

    /**
     * The backing array of all images ({@code size * rows * cols} grey levels in [0, 1], image after
     * image, each row-major), shared, not copied: callers must not modify it.
     */
    public float[] images() {
        return images;
    }

    /** The backing array of the labels, one per image, shared, not copied: callers must not modify it. */
    public int[] labels() {
        return labels;
    }

    /** Label of image {@code i}. */
    public int label(int i) {
        Objects.checkIndex(i, size);
        return labels[i];
    }

    /**
     * Images {@code from} (inclusive) to {@code to} (exclusive), copied.
     *
     * @throws IllegalArgumentException unless {@code 0 <= from <= to <= size()}
     */
    public Dataset subset(int from, int to) {
        checkRange(from, to, size, "size()");
        int plane = rows * cols;
        float[] img = new float[(to - from) * plane];
        System.arraycopy(images, from * plane, img, 0, img.length);
        int[] lab = new int[to - from];
        System.arraycopy(labels, from, lab, 0, lab.length);
        return new Dataset(img, lab, rows, cols);
    }

    /**
     * Every image translated by whole pixels: pixel (r, c) of a new image is pixel
     * (r - dy, c - dx) of the old one, or 0 where that lies outside. Positive {@code dx} moves the
     * content right, positive {@code dy} down. Labels are kept. Shifts of the whole width or height
     * or more give blank images.
     */
    public Dataset shifted(int dx, int dy) {
        int plane = rows * cols;
        float[] out = new float[images.length];
        // Source columns that land inside the frame: c - dx in [0, cols) and c in [0, cols).
        int c0 = Math.max(0, dx);
        int c1 = (int) Math.min(cols, (long) cols + dx);
        int r0 = Math.max(0, dy);
        int r1 = (int) Math.min(rows, (long) rows + dy);
        if (c0 < c1 && r0 < r1) {
            int width = c1 - c0;
            for (int n = 0; n < size; n++) {
                int base = n * plane;
                for (int r = r0; r < r1; r++) {
                    System.arraycopy(images, base + (r - dy) * cols + (c0 - dx), out, base + r * cols + c0, width);
                }
            }
        }
        return new Dataset(out, labels.clone(), rows, cols);
    }

    /**
     * The images {@code order[from] .. order[to - 1]} as one channels-first tensor of shape
     * (to - from, 1, rows, cols), copied.
     *
     * @param order a permutation (or any selection) of image indices, e.g. a shuffled epoch order
     * @throws NullPointerException if {@code order} is null
     * @throws IllegalArgumentException unless {@code 0 <= from <= to <= order.length} and every used
     *     entry of {@code order} is a valid image index
     */
    public Tensor batch(int[] order, int from, int to) {
        checkOrder(order, from, to);
        int plane = rows * cols;
        float[] out = new float[Math.multiplyExact(to - from, plane)];
        for (int i = from; i < to; i++) {
            System.arraycopy(images, order[i] * plane, out, (i - from) * plane, plane);
        }
        return Tensor.of(out, to - from, 1, rows, cols);
    }

    /**
     * The labels of {@code order[from] .. order[to - 1]}, in that order.
     *
     * @throws NullPointerException if {@code order} is null
     * @throws IllegalArgumentException as {@link #batch(int[], int, int)}
     */
    public int[] batchLabels(int[] order, int from, int to) {
        checkOrder(order, from, to);
        int[] out = new int[to - from];
        for (int i = from; i < to; i++) out[i - from] = labels[order[i]];
        return out;
    }

    /** The grey levels of image {@code i}, copied (rows * cols values, row-major). */
    public float[] image(int i) {
        Objects.checkIndex(i, size);
        int plane = rows * cols;
        float[] out = new float[plane];
        System.arraycopy(images, i * plane, out, 0, plane);
        return out;
    }

    private void checkOrder(int[] order, int from, int to) {
        Check.notNull(order, "order");
        checkRange(from, to, order.length, "order.length");
        for (int i = from; i < to; i++) {
            if (order[i] < 0 || order[i] >= size) {
                throw Check.fail("order[" + i + "]", order[i], "must be an image index in [0, " + size + ")");
            }
        }
    }

    private static void checkRange(int from, int to, int limit, String limitName) {
        if (from < 0 || from > limit)
            throw Check.fail("from", from, "must be in [0, " + limitName + " = " + limit + "]");
        if (to < from || to > limit)
            throw Check.fail("to", to, "must be in [from = " + from + ", " + limitName + " = " + limit + "]");
    }

    @Override
    public String toString() {
        return "Dataset[" + size + " images " + rows + "x" + cols + "]";
    }
}
