package org.pooling4j.roi;

import java.util.Arrays;
import org.pooling4j.IndexFormat;
import org.pooling4j.Layout;
import org.pooling4j.LongTensor;
import org.pooling4j.Pooled;
import org.pooling4j.Tensor;
import org.pooling4j.internal.Budget;
import org.pooling4j.internal.Check;
import org.pooling4j.internal.exec.Trace;
import org.pooling4j.monitor.PoolEvent;
import org.pooling4j.roi.RoiKernels.AlignBox;
import org.pooling4j.roi.RoiKernels.FeatureMap;

/**
 * Region-of-interest pooling with ONNX semantics, computed as ONNX Runtime's CPU kernels compute it:
 * {@link #roiAlign RoiAlign} (opsets 10, 16 and 22) and {@link #maxRoiPool MaxRoiPool} (opset 1); and with
 * torchvision's, forward and backward: {@link #torchRoiAlign roi_align}, {@link #torchRoiAlignBackward},
 * {@link #torchRoiPool roi_pool} and {@link #torchRoiPoolBackward}. Both families run the same kernels
 * (one RoiAlign sampling kernel, one max-window kernel with the ONNX or the torchvision reduction), so
 * they cannot drift apart.
 *
 * <p>The input is a batched 2-D feature map, (N, C, H, W) in {@link Layout#CHANNELS_FIRST} or
 * (N, H, W, C) in {@link Layout#CHANNELS_LAST}; the output has one (C, outH, outW) block per ROI, in the
 * input's layout: (R, C, outH, outW) or (R, outH, outW, C). The ROI tensor is read as a row-major
 * (R, 4) or (R, 5) matrix; its layout label is ignored. ROI corners are {@code [x1, y1, x2, y2]} in the
 * coordinates of the image the feature map was computed from; {@code spatialScale} maps them onto the
 * feature map (for example 1/16 after four stride-2 stages).
 *
 * <p>Every argument is checked before anything is allocated or computed; a bad one raises
 * {@link IllegalArgumentException} with the message {@code "<name> = <value>: <rule>"} (a missing one
 * {@link NullPointerException}). Besides the obvious rules, a ROI coordinate must be finite and, after
 * multiplication by {@code spatialScale}, at most {@link #MAX_SCALED_COORDINATE} in magnitude. R may be
 * 0 (the output is then empty); N may be 0 only when R is 0, since every ROI names a batch element.
 * Results are held to the memory budget and ROI align to the work budget ({@link org.pooling4j.Limits}):
 * its estimate covers the whole call, ROIs x channels x bins x samples per bin x 4 corners. Inputs are
 * never modified.
 *
 * <p>Arithmetic follows ONNX Runtime's float32 kernels operation by operation (float32 sample
 * positions, weights and sums, in the same order), so results agree with it bit for bit wherever
 * its kernel is well defined.
 */
public final class RoiPooling {
    private RoiPooling() {}

    /**
     * The largest magnitude, 2<sup>60</sup>, that a ROI coordinate may have after multiplication by
     * {@code spatialScale}. Within it every sample position and window bound of both operators is a
     * finite float and fits a {@code long}; far beyond the feature map the ROI samples nothing anyway.
     */
    public static final float MAX_SCALED_COORDINATE = 0x1p60f;

    /**
     * ONNX RoiAlign: bilinear sampling on a regular grid inside each output bin of each ROI.
     *
     * <p>Per ROI, with {@code off = 0.5} for {@link RoiCoordinates#HALF_PIXEL} and 0 otherwise (all in
     * float32): {@code start = x1 * spatialScale - off}, {@code end = x2 * spatialScale - off},
     * {@code size = end - start}, raised to at least 1 under {@link RoiCoordinates#OUTPUT_HALF_PIXEL};
     * {@code bin = size / outW}; the grid has {@code g = samplingRatio} points per bin and axis, or
     * {@code ceil(bin)} when {@code samplingRatio == 0} (likewise for y). Sample {@code (iy, ix)} of bin
     * {@code (ph, pw)} lies at {@code y = startY + ph*binY + (iy + 0.5)*binY/gY} (and likewise x). A
     * sample with {@code y < -1}, {@code y > H}, {@code x < -1} or {@code x > W} contributes
     * {@code 0 * x[n, c, 0, 0]} for each corner, which is 0 unless that element is infinite or NaN;
     * otherwise {@code y <= 0} becomes 0, {@code yLow = (int) y}, and when {@code yLow >= H - 1} both
     * rows are {@code H - 1} (and {@code y = H - 1}), else the rows are {@code yLow} and {@code yLow + 1};
     * the four corners get the usual bilinear weights. {@link RoiAlignMode#AVG} gives
     * {@code sum(w_i * v_i over corners and samples) / (gY * gX)}; {@link RoiAlignMode#MAX} see there. A
     * bin whose grid is empty on an axis ({@code ceil(bin) <= 0}, only possible with HALF_PIXEL and a
     * ROI of size zero or less) gives 0.
     *
     * @param input (N, C, H, W) or, channels-last, (N, H, W, C); C, H and W at least 1
     * @param rois (R, 4): {@code [x1, y1, x2, y2]} per ROI, before {@code spatialScale}
     * @param batchIndices R entries, each in [0, N): the batch element each ROI reads
     * @param outH output height per ROI, at least 1
     * @param outW output width per ROI, at least 1
     * @param spatialScale factor from ROI coordinates to feature-map coordinates; finite and &gt; 0
     * @param samplingRatio sample points per bin on each axis; 0 for {@code ceil(bin size)} per axis
     * @param mode how a bin's samples are reduced
     * @param coords how ROI corners map to input coordinates
     * @return (R, C, outH, outW), or (R, outH, outW, C) for a channels-last input
     * @throws IllegalArgumentException if an argument breaks a rule above; also when one ROI needs more
     *     than {@link Check#MAX_ELEMENTS} samples in all ({@code gY * gX * outH * outW})
     */
    public static Tensor roiAlign(
            Tensor input,
            Tensor rois,
            long[] batchIndices,
            int outH,
            int outW,
            float spatialScale,
            int samplingRatio,
            RoiAlignMode mode,
            RoiCoordinates coords) {
        Check.notNull(input, "input");
        Check.notNull(rois, "rois");
        Check.notNull(batchIndices, "batchIndices");
        Check.notNull(mode, "mode");
        Check.notNull(coords, "coords");
        FeatureMap f = FeatureMap.of(input, "RoiAlign");
        int r = RoiChecks.roiCount(rois, 4, "[x1, y1, x2, y2]", "rois");
        if (batchIndices.length != r) {
            throw Check.fail(
                    "batchIndices.length", batchIndices.length, "must equal the number of ROIs, rois.dim(0) = " + r);
        }
        RoiChecks.atLeastOne(outH, "outH");
        RoiChecks.atLeastOne(outW, "outW");
        if (samplingRatio < 0) {
            throw Check.fail(
                    "samplingRatio",
                    samplingRatio,
                    "must be >= 0 (0 takes ceil(bin size) samples per bin on each axis)");
        }
        RoiChecks.checkScale(spatialScale, "spatialScale");
        RoiChecks.checkSampleCount(samplingRatio, outH, outW, "samplingRatio");
        int[] outShape = f.outputShape(r, outH, outW);
        int total = RoiChecks.resultElements(outShape, "output size (outH, outW)", new int[] {outH, outW});
        float[] box = rois.data();
        boolean halfPixel = coords == RoiCoordinates.HALF_PIXEL;
        AlignBox g = new AlignBox();
        long samples = 0;
        for (int i = 0; i < r; i++) {
            long b = batchIndices[i];
            if (b < 0 || b >= f.n) {
                throw Check.fail("batchIndices[" + i + "]", b, "must be in [0, N) = [0, " + f.n + ")");
            }
            for (int k = 0; k < 4; k++) RoiChecks.checkCoordinate(box, i, 4, k, spatialScale, "rois");
            RoiChecks.checkGrid(
                    g, box, i, 4, spatialScale, halfPixel, outH, outW, samplingRatio, "rois", "samplingRatio");
            samples = Budget.plus(samples, RoiChecks.samples(g, outH, outW));
        }
        RoiChecks.checkAlignWork(samples, r, f.c, outH, outW, samplingRatio);

        int[] batch = new int[r];
        for (int i = 0; i < r; i++) batch[i] = (int) batchIndices[i];
        PoolEvent ev = Trace.event();
        long t0 = Trace.start(ev);
        float[] out = RoiKernels.alignForward(
                f,
                input.data(),
                box,
                4,
                batch,
                outH,
                outW,
                spatialScale,
                samplingRatio,
                halfPixel,
                mode == RoiAlignMode.AVG,
                total);
        Trace.end(
                ev,
                t0,
                "roi_align",
                false,
                2,
                input.layout(),
                "roi-scalar",
                input.shape(),
                outShape,
                4L * ((long) input.size() + rois.size() + total),
                false);
        return new Tensor(out, outShape, input.layout());
    }

    /**
     * ONNX MaxRoiPool (the Fast R-CNN / Caffe ROI pooling): the maximum over integer windows.
     *
     * <p>Per ROI: the batch element is {@code (int) rois[r][0]} (truncated, as ONNX Runtime does);
     * the corners are rounded after scaling, halves away from zero ({@code std::round}):
     * {@code startX = round(x1 * spatialScale)}, {@code endX = round(x2 * spatialScale)} (likewise y);
     * {@code sizeX = max(endX - startX + 1, 1)} and {@code binX = sizeX / pooledW} in float32. Bin
     * {@code pw} covers columns {@code [floor(pw*binX) + startX, ceil((pw+1)*binX) + startX)}, both ends
     * clipped to {@code [0, W]} (likewise rows). An empty bin gives 0; otherwise the scan starts from the
     * lowest finite float and, for each element {@code v} in row-major order, keeps the current value
     * when {@code v < current} and takes {@code v} otherwise (so a NaN is kept only when no element
     * follows it, and a bin of negative infinities gives the lowest finite float).
     *
     * @param input (N, C, H, W) or, channels-last, (N, H, W, C); C, H and W at least 1
     * @param rois (R, 5): {@code [batch, x1, y1, x2, y2]} per ROI, corners before {@code spatialScale}
     * @param pooledH output height per ROI, at least 1
     * @param pooledW output width per ROI, at least 1
     * @param spatialScale factor from ROI coordinates to feature-map coordinates; finite and &gt; 0
     * @return (R, C, pooledH, pooledW), or (R, pooledH, pooledW, C) for a channels-last input
     * @throws IllegalArgumentException if an argument breaks a rule above, including a batch entry whose
     *     truncation is outside [0, N)
     */
    public static Tensor maxRoiPool(Tensor input, Tensor rois, int pooledH, int pooledW, float spatialScale) {
        Check.notNull(input, "input");
        Check.notNull(rois, "rois");
        FeatureMap f = FeatureMap.of(input, "MaxRoiPool");
        int r = RoiChecks.roiCount(rois, 5, "[batch, x1, y1, x2, y2]", "rois");
        RoiChecks.atLeastOne(pooledH, "pooledH");
        RoiChecks.atLeastOne(pooledW, "pooledW");
        RoiChecks.checkScale(spatialScale, "spatialScale");
        int[] outShape = f.outputShape(r, pooledH, pooledW);
        int total = RoiChecks.resultElements(outShape, "pooled size (pooledH, pooledW)", new int[] {pooledH, pooledW});
        float[] box = rois.data();
        for (int i = 0; i < r; i++) {
            float b = box[i * 5];
            if (!Float.isFinite(b)) throw Check.fail("rois[" + i + "][0]", b, "must be finite");
            // (int) truncates toward zero, so (-1, N) is exactly the set of entries that name [0, N).
            if (!(b > -1f && (double) b < f.n)) {
                throw Check.fail(
                        "rois[" + i + "][0]",
                        b,
                        "the batch index, truncated to an integer, must be in [0, N) = [0, " + f.n + ")");
            }
            for (int k = 1; k < 5; k++) RoiChecks.checkCoordinate(box, i, 5, k, spatialScale, "rois");
        }

        int[] batch = new int[r];
        for (int i = 0; i < r; i++) batch[i] = (int) box[i * 5];
        float[] out = new float[total];
        PoolEvent ev = Trace.event();
        long t0 = Trace.start(ev);
        RoiKernels.maxPoolForward(f, input.data(), box, batch, pooledH, pooledW, spatialScale, false, out, null);
        Trace.end(
                ev,
                t0,
                "roi_pool",
                false,
                2,
                input.layout(),
                "roi-scalar",
                input.shape(),
                outShape,
                4L * ((long) input.size() + rois.size() + total),
                false);
        return new Tensor(out, outShape, input.layout());
    }

    // ---- torchvision ---------------------------------------------------------------------------

    /**
     * torchvision's {@code roi_align} forward ({@code torchvision.ops.roi_align}, CPU float32): the
     * {@link RoiAlignMode#AVG AVG} kernel of {@link #roiAlign roiAlign}, fed torchvision's parameters.
     *
     * <p>{@code aligned = true} is {@link RoiCoordinates#HALF_PIXEL} (corners shifted by −0.5, sizes used
     * as they are) and {@code aligned = false} is {@link RoiCoordinates#OUTPUT_HALF_PIXEL} (no shift, sizes
     * raised to at least 1); {@code samplingRatio <= 0} takes {@code ceil(bin size)} samples per bin and
     * axis, as torchvision does for its default −1. A ROI with {@code x2 < x1} or {@code y2 < y1} is
     * accepted and treated exactly as torchvision treats it (see docs/semantics.md §17). Each bin is the
     * mean of its bilinear samples, computed with the same float32 operations, in the same order, as
     * torchvision's CPU kernel.
     *
     * @param input (N, C, H, W) or, channels-last, (N, H, W, C); C, H and W at least 1
     * @param boxes (K, 5): {@code [batch_index, x1, y1, x2, y2]} per ROI; the batch index must be an
     *     integer in [0, N), the corners finite (torchvision reads memory outside the input for a bad
     *     batch index and truncates a fractional one; both are rejected here)
     * @param outH output height per ROI, at least 1
     * @param outW output width per ROI, at least 1
     * @param spatialScale factor from box coordinates to feature-map coordinates; finite and &gt; 0
     * @param samplingRatio sample points per bin and axis; 0 or less for the adaptive {@code ceil(bin)}
     * @param aligned torchvision's {@code aligned}: the half-pixel shift
     * @return (K, C, outH, outW), or (K, outH, outW, C) for a channels-last input
     * @throws IllegalArgumentException if an argument breaks a rule above, or one ROI needs more than
     *     {@link Check#MAX_ELEMENTS} samples
     */
    public static Tensor torchRoiAlign(
            Tensor input, Tensor boxes, int outH, int outW, float spatialScale, int samplingRatio, boolean aligned) {
        Check.notNull(input, "input");
        Check.notNull(boxes, "boxes");
        FeatureMap f = FeatureMap.of(input, "roi_align", "input shape");
        RoiChecks.atLeastOne(outH, "outH");
        RoiChecks.atLeastOne(outW, "outW");
        RoiChecks.checkScale(spatialScale, "spatialScale");
        int grid = Math.max(samplingRatio, 0);
        RoiChecks.checkSampleCount(grid, outH, outW, "samplingRatio");
        int[] batch = RoiChecks.torchBatch(boxes, f.n, spatialScale, true);
        float[] box = boxes.data();
        int[] outShape = f.outputShape(batch.length, outH, outW);
        int total = RoiChecks.resultElements(outShape, "output size (outH, outW)", new int[] {outH, outW});
        AlignBox g = new AlignBox();
        long samples = 0;
        for (int i = 0; i < batch.length; i++) {
            RoiChecks.checkGrid(g, box, i, 5, spatialScale, aligned, outH, outW, grid, "boxes", "samplingRatio");
            RoiChecks.checkSignedGrid(g, box, i);
            samples = Budget.plus(samples, RoiChecks.samples(g, outH, outW));
        }
        RoiChecks.checkAlignWork(samples, batch.length, f.c, outH, outW, grid);

        PoolEvent ev = Trace.event();
        long t0 = Trace.start(ev);
        float[] out = RoiKernels.alignForward(
                f, input.data(), box, 5, batch, outH, outW, spatialScale, grid, aligned, true, total);
        Trace.end(
                ev,
                t0,
                "roi_align",
                false,
                2,
                input.layout(),
                "roi-scalar",
                input.shape(),
                outShape,
                4L * ((long) input.size() + boxes.size() + total),
                false);
        return new Tensor(out, outShape, input.layout());
    }

    /**
     * The gradient of {@link #torchRoiAlign torchRoiAlign} with respect to its input, as torchvision's
     * {@code _roi_align_backward} computes it: every in-range sample of bin {@code (k, c, ph, pw)} adds
     * {@code gradOutput[k, c, ph, pw] * w / count} to each of its four corners (weight {@code w},
     * {@code count = gY * gX}); samples outside the feature map add nothing. Additions run in torchvision's
     * order (ROI, bin row, bin column, sample row, sample column, corner), so results are deterministic and
     * agree with torchvision's single-threaded float32 kernel.
     *
     * @param gradOutput (K, C, outH, outW) or, channels-last, (K, outH, outW, C): the gradient of the
     *     forward output; outH, outW and C at least 1
     * @param boxes (K, 5) as for the forward
     * @param inputShape the forward input's shape in {@code gradOutput}'s layout: (N, C, H, W) or
     *     (N, H, W, C), C equal to {@code gradOutput}'s
     * @param spatialScale as for the forward
     * @param samplingRatio as for the forward
     * @param aligned as for the forward
     * @return the gradient of the input: {@code inputShape}, in {@code gradOutput}'s layout
     * @throws IllegalArgumentException if an argument breaks a rule above or of the forward
     */
    public static Tensor torchRoiAlignBackward(
            Tensor gradOutput, Tensor boxes, int[] inputShape, float spatialScale, int samplingRatio, boolean aligned) {
        Check.notNull(gradOutput, "gradOutput");
        Check.notNull(boxes, "boxes");
        Check.notNull(inputShape, "inputShape");
        FeatureMap go = FeatureMap.of(gradOutput, "roi_align_backward", "gradOutput shape");
        FeatureMap f = FeatureMap.ofShape(inputShape, gradOutput.layout(), "roi_align_backward", "inputShape");
        RoiChecks.sameChannels(go, f, gradOutput.shape(), inputShape);
        RoiChecks.checkScale(spatialScale, "spatialScale");
        int grid = Math.max(samplingRatio, 0);
        RoiChecks.checkSampleCount(grid, go.h, go.w, "samplingRatio");
        int[] batch = RoiChecks.torchBatch(boxes, f.n, spatialScale, true);
        RoiChecks.roisMatchGradient(batch.length, go.n, gradOutput.shape());
        float[] box = boxes.data();
        int total = RoiChecks.resultElements(inputShape, "inputShape", inputShape);
        AlignBox g = new AlignBox();
        long samples = 0;
        for (int i = 0; i < batch.length; i++) {
            RoiChecks.checkGrid(g, box, i, 5, spatialScale, aligned, go.h, go.w, grid, "boxes", "samplingRatio");
            RoiChecks.checkSignedGrid(g, box, i);
            samples = Budget.plus(samples, RoiChecks.samples(g, go.h, go.w));
        }
        RoiChecks.checkAlignWork(samples, batch.length, f.c, go.h, go.w, grid);

        PoolEvent ev = Trace.event();
        long t0 = Trace.start(ev);
        float[] dx = RoiKernels.alignBackward(f, go, gradOutput.data(), box, batch, spatialScale, grid, aligned, total);
        Trace.end(
                ev,
                t0,
                "roi_align",
                true,
                2,
                gradOutput.layout(),
                "roi-scalar",
                inputShape,
                gradOutput.shape(),
                4L * ((long) gradOutput.size() + boxes.size() + total),
                false);
        return new Tensor(dx, inputShape.clone(), gradOutput.layout());
    }

    /**
     * torchvision's {@code roi_pool} forward ({@code torchvision.ops.roi_pool}, CPU float32): the integer
     * windows of {@link #maxRoiPool maxRoiPool}, computed by the same kernel, with torchvision's
     * reduction. Each bin starts from the lowest finite float and takes a value only when it is strictly
     * greater, recording its position; so the first of equal maxima wins, NaN is never taken, and a bin
     * holding only NaN, −∞ or the lowest finite float gives that lowest float with argmax −1. An empty
     * bin gives 0 with argmax −1.
     *
     * @param input (N, C, H, W) or, channels-last, (N, H, W, C); C, H and W at least 1
     * @param boxes (K, 5) as for {@link #torchRoiAlign torchRoiAlign}
     * @param outH output height per ROI, at least 1
     * @param outW output width per ROI, at least 1
     * @param spatialScale factor from box coordinates to feature-map coordinates; finite and &gt; 0
     * @return the values, (K, C, outH, outW) or (K, outH, outW, C) in the input's layout, and beside them
     *     the argmax of each bin as a position {@code h * W + w} in its plane, or −1 when nothing was taken
     *     ({@link IndexFormat#PER_PLANE}, torchvision's argmax)
     * @throws IllegalArgumentException if an argument breaks a rule above
     */
    public static Pooled torchRoiPool(Tensor input, Tensor boxes, int outH, int outW, float spatialScale) {
        Check.notNull(input, "input");
        Check.notNull(boxes, "boxes");
        FeatureMap f = FeatureMap.of(input, "roi_pool", "input shape");
        RoiChecks.atLeastOne(outH, "outH");
        RoiChecks.atLeastOne(outW, "outW");
        RoiChecks.checkScale(spatialScale, "spatialScale");
        int[] batch = RoiChecks.torchBatch(boxes, f.n, spatialScale, true);
        int[] outShape = f.outputShape(batch.length, outH, outW);
        int total = RoiChecks.resultElements(outShape, "output size (outH, outW)", new int[] {outH, outW});
        Budget.shape("output size (outH, outW)", new int[] {outH, outW}, "the argmax", outShape, Long.BYTES, "int64");

        float[] out = new float[total];
        long[] argmax = new long[total];
        PoolEvent ev = Trace.event();
        long t0 = Trace.start(ev);
        RoiKernels.maxPoolForward(f, input.data(), boxes.data(), batch, outH, outW, spatialScale, true, out, argmax);
        Trace.end(
                ev,
                t0,
                "roi_pool",
                false,
                2,
                input.layout(),
                "roi-scalar",
                input.shape(),
                outShape,
                4L * ((long) input.size() + boxes.size() + total) + 8L * total,
                false);
        return new Pooled(
                new Tensor(out, outShape, input.layout()),
                new LongTensor(argmax, outShape.clone(), input.layout()),
                "roi-scalar");
    }

    /**
     * The gradient of {@link #torchRoiPool torchRoiPool} with respect to its input, as torchvision's
     * {@code _roi_pool_backward} computes it: {@code gradOutput[k, c, ph, pw]} is added to the input
     * position {@code argmax[k, c, ph, pw]} of plane {@code (batch_index of k, c)}; an argmax of −1 adds
     * nothing. Additions run ROI by ROI, then bin by bin, so the result is deterministic. Only the batch
     * column of {@code boxes} is read (it is checked as for the forward).
     *
     * @param gradOutput (K, C, outH, outW) or, channels-last, (K, outH, outW, C)
     * @param boxes (K, 5) as for the forward
     * @param argmax the forward's argmax: {@code gradOutput}'s shape and layout, each entry −1 or in
     *     [0, H·W)
     * @param inputShape the forward input's shape in {@code gradOutput}'s layout
     * @return the gradient of the input: {@code inputShape}, in {@code gradOutput}'s layout
     * @throws IllegalArgumentException if an argument breaks a rule above
     */
    public static Tensor torchRoiPoolBackward(Tensor gradOutput, Tensor boxes, LongTensor argmax, int[] inputShape) {
        Check.notNull(gradOutput, "gradOutput");
        Check.notNull(boxes, "boxes");
        Check.notNull(argmax, "argmax");
        Check.notNull(inputShape, "inputShape");
        FeatureMap go = FeatureMap.of(gradOutput, "roi_pool_backward", "gradOutput shape");
        FeatureMap f = FeatureMap.ofShape(inputShape, gradOutput.layout(), "roi_pool_backward", "inputShape");
        RoiChecks.sameChannels(go, f, gradOutput.shape(), inputShape);
        if (!Arrays.equals(argmax.shape(), gradOutput.shape()) || argmax.layout() != gradOutput.layout()) {
            throw Check.fail(
                    "argmax shape",
                    argmax.shape(),
                    "must equal gradOutput's shape " + Arrays.toString(gradOutput.shape()) + " and layout "
                            + gradOutput.layout() + " (argmax is " + argmax.layout() + ")");
        }
        int[] batch = RoiChecks.torchBatch(boxes, f.n, 1f, false);
        RoiChecks.roisMatchGradient(batch.length, go.n, gradOutput.shape());
        long plane = (long) f.h * f.w;
        long[] a = argmax.data();
        for (int i = 0; i < a.length; i++) {
            if (a[i] < -1 || a[i] >= plane) {
                throw Check.fail(
                        "argmax[" + i + "]",
                        a[i],
                        "must be -1 (nothing taken) or a position h * W + w in [0, H * W) = [0, " + plane + ")");
            }
        }
        int total = RoiChecks.resultElements(inputShape, "inputShape", inputShape);

        PoolEvent ev = Trace.event();
        long t0 = Trace.start(ev);
        float[] dx = new float[total];
        float[] g = gradOutput.data();
        for (int i = 0; i < batch.length; i++) {
            int base = batch[i] * f.batchStride;
            for (int p = 0; p < go.h * go.w; p++) {
                int o = i * go.batchStride + p * go.posStride;
                for (int c = 0; c < f.c; c++) {
                    long at = a[o + c * go.channelStride];
                    if (at != -1)
                        dx[base + c * f.channelStride + (int) at * f.posStride] += g[o + c * go.channelStride];
                }
            }
        }
        Trace.end(
                ev,
                t0,
                "roi_pool",
                true,
                2,
                gradOutput.layout(),
                "roi-scalar",
                inputShape,
                gradOutput.shape(),
                4L * ((long) gradOutput.size() + boxes.size() + total) + 8L * a.length,
                false);
        return new Tensor(dx, inputShape.clone(), gradOutput.layout());
    }
}
