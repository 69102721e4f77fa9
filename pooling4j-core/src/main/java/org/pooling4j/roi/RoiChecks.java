package org.pooling4j.roi;

import java.util.Arrays;
import org.pooling4j.Tensor;
import org.pooling4j.internal.Budget;
import org.pooling4j.internal.Check;
import org.pooling4j.roi.RoiKernels.AlignBox;
import org.pooling4j.roi.RoiKernels.FeatureMap;

/**
 * The argument checks of {@link RoiPooling}'s entry points: sizes, scales, sampling grids and ROI
 * coordinates, each failing with the clear message of {@link Check#fail} before any work.
 */
final class RoiChecks {
    private RoiChecks() {}

    static void atLeastOne(int v, String name) {
        if (v < 1) throw Check.fail(name, v, "must be >= 1");
    }

    static void checkScale(float s, String name) {
        if (!(Float.isFinite(s) && s > 0f)) throw Check.fail(name, s, "must be finite and > 0");
    }

    /** A fixed grid of {@code g x g} samples per bin must fit {@link Check#MAX_ELEMENTS} per ROI. */
    static void checkSampleCount(int g, int outH, int outW, String name) {
        if (g > 0 && (double) g * g * outH * outW > Check.MAX_ELEMENTS) {
            throw Check.fail(
                    name,
                    g,
                    name + "^2 * outH * outW = " + (long) ((double) g * g * outH * outW)
                            + " samples per ROI is more than " + Check.MAX_ELEMENTS);
        }
    }

    /** The adaptive grid of ROI {@code i} must fit {@link Check#MAX_ELEMENTS} samples. */
    static void checkGrid(
            AlignBox g,
            float[] box,
            int i,
            int cols,
            float scale,
            boolean halfPixel,
            int outH,
            int outW,
            int samplingRatio,
            String name,
            String ratioName) {
        g.load(box, i * cols + cols - 4, scale, halfPixel, outH, outW, samplingRatio);
        if (g.gridH > 0 && g.gridW > 0 && (double) g.gridH * g.gridW * outH * outW > Check.MAX_ELEMENTS) {
            throw Check.fail(
                    name + "[" + i + "]",
                    Arrays.copyOfRange(box, i * cols, i * cols + cols),
                    "its sampling grid of "
                            + g.gridH + " x " + g.gridW + " points per bin (ceil of the bin size) gives more than "
                            + Check.MAX_ELEMENTS + " samples; give " + ratioName + " > 0 or a smaller ROI");
        }
    }

    /**
     * torchvision sizes its table of samples with {@code gY * gX * outH * outW}; when the adaptive grid
     * is negative on exactly one axis (aligned, box reversed on that axis only) that count is negative
     * and torchvision fails, so the box is rejected here too. Negative on both axes, or zero on one,
     * torchvision (and this library) gives zeros.
     */
    static void checkSignedGrid(AlignBox g, float[] box, int i) {
        if ((g.gridH < 0 && g.gridW > 0) || (g.gridH > 0 && g.gridW < 0)) {
            throw Check.fail(
                    "boxes[" + i + "]",
                    Arrays.copyOfRange(box, i * 5, i * 5 + 5),
                    "with aligned = true and an adaptive "
                            + "samplingRatio (<= 0), a box reversed on exactly one axis (x2 < x1 or y2 < y1) gives a negative sample "
                            + "count, " + g.gridH + " x " + g.gridW
                            + " per bin, which torchvision fails on; give samplingRatio > 0 or "
                            + "order the corners");
        }
    }

    /**
     * The element count of a result tensor of {@code shape}, checked against the Java array limit and
     * the memory budget ({@link org.pooling4j.Limits}); {@code name} and {@code value} are the
     * parameter that chose the size.
     */
    static int resultElements(int[] shape, String name, Object value) {
        int n = Check.elementCount(shape, name.equals("inputShape") ? name : "output shape");
        Budget.shape(name, value, "the result", shape, Float.BYTES, "floats");
        return n;
    }

    /** Bilinear samples of the ROI last loaded into {@code g}, over all its bins (0 for an empty grid). */
    static long samples(AlignBox g, int outH, int outW) {
        if (g.gridH <= 0 || g.gridW <= 0) return 0;
        return Budget.times(Budget.times(g.gridH, g.gridW), (long) outH * outW);
    }

    /**
     * The work budget of one ROI align call: every bilinear sample of every bin of every ROI reads four
     * input values per channel. {@code samples} is the sum of {@link #samples} over the ROIs.
     */
    static void checkAlignWork(long samples, int rois, int channels, int outH, int outW, int samplingRatio) {
        long reads = Budget.times(Budget.times(samples, channels), 4);
        if (reads > Budget.maxWork()) {
            String how = samplingRatio > 0
                    ? rois + " boxes x " + channels + " channels x " + outH + " x " + outW + " bins x " + samplingRatio
                            + " x " + samplingRatio + " samples x 4 corners"
                    : rois + " boxes with " + samples + " samples in all their " + outH + " x " + outW
                            + " bins (ceil of the bin size per axis) x " + channels + " channels x 4 corners";
            Budget.work(
                    "samplingRatio",
                    samplingRatio > 0 ? (Object) samplingRatio : samplingRatio + " (adaptive)",
                    reads,
                    how);
        }
    }

    /** The ROI tensor must be (R, cols); returns R. */
    static int roiCount(Tensor rois, int cols, String row, String name) {
        int[] s = rois.shape();
        if (s.length != 2 || s[1] != cols) {
            throw Check.fail(
                    name + " shape",
                    s,
                    "must be (" + (cols == 5 && name.equals("boxes") ? "K" : "R") + ", " + cols + "): one " + row
                            + " row per ROI");
        }
        return s[0];
    }

    /** Coordinate {@code k} of ROI {@code i}: finite, and finite and within 2^60 after scaling. */
    static void checkCoordinate(float[] box, int i, int cols, int k, float scale, String rois) {
        float v = box[i * cols + k];
        String name = rois + "[" + i + "][" + k + "]";
        if (!Float.isFinite(v)) throw Check.fail(name, v, "must be finite");
        float s = v * scale;
        if (!(Math.abs(s) <= RoiPooling.MAX_SCALED_COORDINATE)) {
            throw Check.fail(
                    name,
                    v,
                    "times spatialScale " + scale + " is " + s
                            + ", beyond 2^60 in magnitude, the largest scaled coordinate accepted");
        }
    }

    /**
     * Checks torchvision's (K, 5) boxes against a batch of {@code n} and returns the batch index of each:
     * an integer in [0, N) (torchvision truncates a fractional one and reads outside the input for one out
     * of range; both are rejected here). With {@code coords}, the corners are checked too.
     */
    static int[] torchBatch(Tensor boxes, int n, float scale, boolean coords) {
        int r = roiCount(boxes, 5, "[batch_index, x1, y1, x2, y2]", "boxes");
        float[] box = boxes.data();
        for (int i = 0; i < r; i++) {
            float b = box[i * 5];
            String name = "boxes[" + i + "][0]";
            if (!Float.isFinite(b)) throw Check.fail(name, b, "the batch index must be finite");
            if (b != Math.rint(b))
                throw Check.fail(name, b, "the batch index must be an integer (torchvision would truncate it)");
            if (b < 0 || b >= n) throw Check.fail(name, b, "the batch index must be in [0, N) = [0, " + n + ")");
            if (coords) {
                for (int k = 1; k < 5; k++) checkCoordinate(box, i, 5, k, scale, "boxes");
            }
        }
        int[] batch = new int[r];
        for (int i = 0; i < r; i++) batch[i] = (int) box[i * 5];
        return batch;
    }

    static void sameChannels(FeatureMap go, FeatureMap in, int[] gradShape, int[] inputShape) {
        if (go.c != in.c) {
            throw Check.fail(
                    "inputShape",
                    inputShape,
                    "its channel count " + in.c + " must equal gradOutput's " + go.c + " (gradOutput shape "
                            + Arrays.toString(gradShape) + ")");
        }
    }

    static void roisMatchGradient(int k, int gradK, int[] gradShape) {
        if (k != gradK) {
            throw Check.fail(
                    "gradOutput shape", gradShape, "its first dimension must be the number of boxes, K = " + k);
        }
    }

    /** Sizes and strides of a batched 2-D feature map in either layout. */
}
