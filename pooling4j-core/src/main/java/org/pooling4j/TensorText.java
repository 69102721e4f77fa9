package org.pooling4j;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * The text of {@link Tensor#toString()} and {@link LongTensor#toString()}: a header with the shape and
 * layout, then the values nested by axis as NumPy prints them. Beyond {@value #SUMMARY_THRESHOLD}
 * elements each axis longer than {@code 2 * }{@value #EDGE_ITEMS} shows only its first and last
 * {@value #EDGE_ITEMS} entries, with {@code ...} between.
 */
final class TensorText {
    /** Tensors with more elements than this are printed elided (NumPy's default threshold). */
    static final int SUMMARY_THRESHOLD = 1000;
    /** Entries kept at each end of an elided axis. */
    static final int EDGE_ITEMS = 3;
    /** Lines of the innermost axis wrap before this column. */
    private static final int LINE_WIDTH = 75;

    private TensorText() {}

    static String format(String type, int[] shape, Layout layout, int size, IntFunction<String> element) {
        StringBuilder sb = new StringBuilder();
        sb.append(type)
                .append(Arrays.toString(shape))
                .append(' ')
                .append(layout)
                .append('\n');
        if (shape.length == 0) return sb.append(element.apply(0)).toString();
        if (size == 0) return sb.append("[]").toString();
        boolean elide = size > SUMMARY_THRESHOLD;
        int[][] shown = new int[shape.length][];
        for (int a = 0; a < shape.length; a++) shown[a] = shownIndices(shape[a], elide);
        int[] strides = new int[shape.length];
        int s = 1;
        for (int a = shape.length - 1; a >= 0; a--) {
            strides[a] = s;
            s *= shape[a];
        }
        int width = widest(shape, shown, strides, 0, 0, element);
        appendAxis(sb, shape, shown, strides, 0, 0, width, element);
        return sb.toString();
    }

    /** The indices printed along an axis of length {@code n}; -1 stands for the elided middle. */
    private static int[] shownIndices(int n, boolean elide) {
        if (!elide || n <= 2 * EDGE_ITEMS) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            return all;
        }
        int[] r = new int[2 * EDGE_ITEMS + 1];
        for (int i = 0; i < EDGE_ITEMS; i++) {
            r[i] = i;
            r[EDGE_ITEMS + 1 + i] = n - EDGE_ITEMS + i;
        }
        r[EDGE_ITEMS] = -1;
        return r;
    }

    private static int widest(int[] shape, int[][] shown, int[] strides, int axis, int offset, IntFunction<String> e) {
        int w = 0;
        for (int i : shown[axis]) {
            if (i < 0) continue;
            int off = offset + i * strides[axis];
            w = Math.max(
                    w,
                    axis == shape.length - 1 ? e.apply(off).length() : widest(shape, shown, strides, axis + 1, off, e));
        }
        return w;
    }

    private static void appendAxis(
            StringBuilder sb,
            int[] shape,
            int[][] shown,
            int[] strides,
            int axis,
            int offset,
            int width,
            IntFunction<String> e) {
        sb.append('[');
        int[] idx = shown[axis];
        if (axis == shape.length - 1) {
            int lineStart = sb.lastIndexOf("\n") + 1;
            for (int k = 0; k < idx.length; k++) {
                String cell = idx[k] < 0 ? "..." : pad(e.apply(offset + idx[k] * strides[axis]), width);
                if (k > 0) {
                    sb.append(',');
                    if (sb.length() - lineStart + 2 + cell.length() > LINE_WIDTH) {
                        sb.append('\n').append(" ".repeat(axis + 1));
                        lineStart = sb.length() - axis - 1;
                    } else {
                        sb.append(' ');
                    }
                }
                sb.append(cell);
            }
        } else {
            // As NumPy: one line break between rows, one more per further axis, indented under the bracket.
            String separator = "," + "\n".repeat(shape.length - axis - 1) + " ".repeat(axis + 1);
            for (int k = 0; k < idx.length; k++) {
                if (k > 0) sb.append(separator);
                if (idx[k] < 0) {
                    sb.append("...");
                } else {
                    appendAxis(sb, shape, shown, strides, axis + 1, offset + idx[k] * strides[axis], width, e);
                }
            }
        }
        sb.append(']');
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }
}
