package org.pooling4j;

import org.pooling4j.monitor.PoolEvent;

import java.util.Arrays;

/**
 * Region-of-interest pooling with ONNX semantics, computed as ONNX Runtime's CPU kernels compute it:
 * {@link #roiAlign RoiAlign} (opsets 10, 16 and 22) and {@link #maxRoiPool MaxRoiPool} (opset 1).
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
 * Inputs are never modified.
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
    public static Tensor roiAlign(Tensor input, Tensor rois, long[] batchIndices, int outH, int outW,
            float spatialScale, int samplingRatio, RoiAlignMode mode, RoiCoordinates coords) {
        Check.notNull(input, "input");
        Check.notNull(rois, "rois");
        Check.notNull(batchIndices, "batchIndices");
        Check.notNull(mode, "mode");
        Check.notNull(coords, "coords");
        FeatureMap f = FeatureMap.of(input, "RoiAlign");
        int r = roiCount(rois, 4, "[x1, y1, x2, y2]");
        if (batchIndices.length != r) {
            throw Check.fail("batchIndices.length", batchIndices.length, "must equal the number of ROIs, rois.dim(0) = " + r);
        }
        atLeastOne(outH, "outH");
        atLeastOne(outW, "outW");
        if (samplingRatio < 0) {
            throw Check.fail("samplingRatio", samplingRatio, "must be >= 0 (0 takes ceil(bin size) samples per bin on each axis)");
        }
        checkScale(spatialScale);
        if (samplingRatio > 0 && (double) samplingRatio * samplingRatio * outH * outW > Check.MAX_ELEMENTS) {
            throw Check.fail("samplingRatio", samplingRatio, "samplingRatio^2 * outH * outW = "
                    + (long) ((double) samplingRatio * samplingRatio * outH * outW) + " samples per ROI is more than "
                    + Check.MAX_ELEMENTS);
        }
        int[] outShape = f.outputShape(r, outH, outW);
        int total = Check.elementCount(outShape, "output shape");
        float[] box = rois.data();
        boolean halfPixel = coords == RoiCoordinates.HALF_PIXEL;
        AlignBox g = new AlignBox();
        for (int i = 0; i < r; i++) {
            long b = batchIndices[i];
            if (b < 0 || b >= f.n) {
                throw Check.fail("batchIndices[" + i + "]", b, "must be in [0, N) = [0, " + f.n + ")");
            }
            for (int k = 0; k < 4; k++) checkCoordinate(box, i, 4, k, spatialScale);
            g.load(box, i * 4, spatialScale, halfPixel, outH, outW, samplingRatio);
            if (g.gridH > 0 && g.gridW > 0 && (double) g.gridH * g.gridW * outH * outW > Check.MAX_ELEMENTS) {
                throw Check.fail("rois[" + i + "]", Arrays.copyOfRange(box, i * 4, i * 4 + 4), "its sampling grid of "
                        + g.gridH + " x " + g.gridW + " points per bin (ceil of the bin size) gives more than "
                        + Check.MAX_ELEMENTS + " samples; give samplingRatio > 0 or a smaller ROI");
            }
        }

        float[] x = input.data();
        float[] out = new float[total];
        PoolEvent ev = Trace.event();
        long t0 = Trace.start(ev);
        float[] acc = new float[f.c];
        boolean avg = mode == RoiAlignMode.AVG;
        int h = f.h;
        int w = f.w;
        int outPlane = outH * outW;
        int cStrideOut = f.channelsLast ? 1 : outPlane;
        int pStrideOut = f.channelsLast ? f.c : 1;
        int rStrideOut = f.c * outPlane;
        for (int i = 0; i < r; i++) {
            g.load(box, i * 4, spatialScale, halfPixel, outH, outW, samplingRatio);
            // ONNX Runtime's loops run zero times on an empty grid and leave the initial 0.
            if (g.gridH <= 0 || g.gridW <= 0) continue;
            int gh = (int) g.gridH;
            int gw = (int) g.gridW;
            float count = (float) ((long) gh * gw);
            int base = (int) batchIndices[i] * f.batchStride;
            for (int ph = 0; ph < outH; ph++) {
                for (int pw = 0; pw < outW; pw++) {
                    Arrays.fill(acc, 0f);
                    boolean first = true;
                    for (int iy = 0; iy < gh; iy++) {
                        // Same float operations, in the same order, as the reference kernel.
                        float yy = g.startH + ph * g.binH + (iy + .5f) * g.binH / gh;
                        for (int ix = 0; ix < gw; ix++) {
                            float xx = g.startW + pw * g.binW + (ix + .5f) * g.binW / gw;
                            int p1 = 0;
                            int p2 = 0;
                            int p3 = 0;
                            int p4 = 0;
                            float w1 = 0f;
                            float w2 = 0f;
                            float w3 = 0f;
                            float w4 = 0f;
                            if (!(yy < -1.0 || yy > h || xx < -1.0 || xx > w)) {
                                float y = yy <= 0 ? 0f : yy;
                                float xc = xx <= 0 ? 0f : xx;
                                int yLow = (int) y;
                                int xLow = (int) xc;
                                int yHigh;
                                int xHigh;
                                if (yLow >= h - 1) {
                                    yHigh = yLow = h - 1;
                                    y = yLow;
                                } else {
                                    yHigh = yLow + 1;
                                }
                                if (xLow >= w - 1) {
                                    xHigh = xLow = w - 1;
                                    xc = xLow;
                                } else {
                                    xHigh = xLow + 1;
                                }
                                float ly = y - yLow;
                                float lx = xc - xLow;
                                float hy = 1f - ly;
                                float hx = 1f - lx;
                                w1 = hy * hx;
                                w2 = hy * lx;
                                w3 = ly * hx;
                                w4 = ly * lx;
                                p1 = (yLow * w + xLow) * f.posStride;
                                p2 = (yLow * w + xHigh) * f.posStride;
                                p3 = (yHigh * w + xLow) * f.posStride;
                                p4 = (yHigh * w + xHigh) * f.posStride;
                            }
                            // An out-of-range sample keeps positions 0 and weights 0, as in ONNX Runtime:
                            // it reads x[n, c, 0, 0] with weight 0 (NaN when that element is not finite).
                            for (int c = 0; c < f.c; c++) {
                                int at = base + c * f.channelStride;
                                float t1 = w1 * x[at + p1];
                                float t2 = w2 * x[at + p2];
                                float t3 = w3 * x[at + p3];
                                float t4 = w4 * x[at + p4];
                                if (avg) {
                                    acc[c] += t1 + t2 + t3 + t4;
                                } else {
                                    float v = max(max(max(t1, t2), t3), t4);
                                    acc[c] = first ? v : max(acc[c], v);
                                }
                            }
                            first = false;
                        }
                    }
                    int o = i * rStrideOut + (ph * outW + pw) * pStrideOut;
                    for (int c = 0; c < f.c; c++) {
                        out[o + c * cStrideOut] = avg ? acc[c] / count : acc[c];
                    }
                }
            }
        }
        Trace.end(ev, t0, "roi_align", false, 2, input.layout(), "roi-scalar", input.shape(), outShape,
                4L * ((long) input.size() + rois.size() + total), false);
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
        int r = roiCount(rois, 5, "[batch, x1, y1, x2, y2]");
        atLeastOne(pooledH, "pooledH");
        atLeastOne(pooledW, "pooledW");
        checkScale(spatialScale);
        int[] outShape = f.outputShape(r, pooledH, pooledW);
        int total = Check.elementCount(outShape, "output shape");
        float[] box = rois.data();
        for (int i = 0; i < r; i++) {
            float b = box[i * 5];
            if (!Float.isFinite(b)) throw Check.fail("rois[" + i + "][0]", b, "must be finite");
            // (int) truncates toward zero, so (-1, N) is exactly the set of entries that name [0, N).
            if (!(b > -1f && (double) b < f.n)) {
                throw Check.fail("rois[" + i + "][0]", b, "the batch index, truncated to an integer, must be in [0, N) = [0, " + f.n + ")");
            }
            for (int k = 1; k < 5; k++) checkCoordinate(box, i, 5, k, spatialScale);
        }

        float[] x = input.data();
        float[] out = new float[total];
        PoolEvent ev = Trace.event();
        long t0 = Trace.start(ev);
        int h = f.h;
        int w = f.w;
        int outPlane = pooledH * pooledW;
        int cStrideOut = f.channelsLast ? 1 : outPlane;
        int pStrideOut = f.channelsLast ? f.c : 1;
        int rStrideOut = f.c * outPlane;
        for (int i = 0; i < r; i++) {
            int o = i * 5;
            int base = (int) box[o] * f.batchStride;
            // ONNX Runtime does this window arithmetic in int; in long it gives the same numbers for
            // every ROI it handles without overflow, and stays exact up to MAX_SCALED_COORDINATE.
            long startW = roundHalfAway(box[o + 1] * spatialScale);
            long startH = roundHalfAway(box[o + 2] * spatialScale);
            long endW = roundHalfAway(box[o + 3] * spatialScale);
            long endH = roundHalfAway(box[o + 4] * spatialScale);
            long sizeH = Math.max(endH - startH + 1, 1);
            long sizeW = Math.max(endW - startW + 1, 1);
            float binH = (float) sizeH / (float) pooledH;
            float binW = (float) sizeW / (float) pooledW;
            for (int ph = 0; ph < pooledH; ph++) {
                int hs = clip((long) Math.floor((float) ph * binH) + startH, h);
                int he = clip((long) Math.ceil((float) (ph + 1) * binH) + startH, h);
                for (int pw = 0; pw < pooledW; pw++) {
                    int ws = clip((long) Math.floor((float) pw * binW) + startW, w);
                    int we = clip((long) Math.ceil((float) (pw + 1) * binW) + startW, w);
                    int at = i * rStrideOut + (ph * pooledW + pw) * pStrideOut;
                    if (he <= hs || we <= ws) continue; // an empty bin is 0, as allocated
                    for (int c = 0; c < f.c; c++) {
                        int plane = base + c * f.channelStride;
                        float best = -Float.MAX_VALUE;
                        for (int y = hs; y < he; y++) {
                            int row = plane + y * w * f.posStride;
                            for (int xi = ws; xi < we; xi++) {
                                float v = x[row + xi * f.posStride];
                                // std::max(v, best): keeps best only when v < best.
                                best = v < best ? best : v;
                            }
                        }
                        out[at + c * cStrideOut] = best;
                    }
                }
            }
        }
        Trace.end(ev, t0, "roi_pool", false, 2, input.layout(), "roi-scalar", input.shape(), outShape,
                4L * ((long) input.size() + rois.size() + total), false);
        return new Tensor(out, outShape, input.layout());
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** {@code std::max(a, b)}: {@code b} when {@code a < b}, else {@code a} (the NaN rule matters). */
    private static float max(float a, float b) {
        return a < b ? b : a;
    }

    /** {@code std::round} of a float: nearest integer, halves away from zero. {@code |v| <= 2^60}. */
    static long roundHalfAway(float v) {
        // |v| + 0.5 is exact in double for every float below 2^52; above 2^24 floats are even integers.
        double a = Math.floor(Math.abs((double) v) + 0.5);
        return (long) (v < 0 ? -a : a);
    }

    private static int clip(long v, int hi) {
        return (int) Math.min(Math.max(v, 0), hi);
    }

    private static void atLeastOne(int v, String name) {
        if (v < 1) throw Check.fail(name, v, "must be >= 1");
    }

    private static void checkScale(float s) {
        if (!(Float.isFinite(s) && s > 0f)) throw Check.fail("spatialScale", s, "must be finite and > 0");
    }

    /** The ROI tensor must be (R, cols); returns R. */
    private static int roiCount(Tensor rois, int cols, String row) {
        int[] s = rois.shape();
        if (s.length != 2 || s[1] != cols) {
            throw Check.fail("rois shape", s, "must be (R, " + cols + "): one " + row + " row per ROI");
        }
        return s[0];
    }

    /** Coordinate {@code k} of ROI {@code i}: finite, and finite and within 2^60 after scaling. */
    private static void checkCoordinate(float[] box, int i, int cols, int k, float scale) {
        float v = box[i * cols + k];
        String name = "rois[" + i + "][" + k + "]";
        if (!Float.isFinite(v)) throw Check.fail(name, v, "must be finite");
        float s = v * scale;
        if (!(Math.abs(s) <= MAX_SCALED_COORDINATE)) {
            throw Check.fail(name, v, "times spatialScale " + scale + " is " + s
                    + ", beyond 2^60 in magnitude, the largest scaled coordinate accepted");
        }
    }

    /** Sizes and strides of a batched 2-D feature map in either layout. */
    private static final class FeatureMap {
        final int n;
        final int c;
        final int h;
        final int w;
        final boolean channelsLast;
        /** Offset between neighbouring positions of one plane, between channels, and between batch elements. */
        final int posStride;
        final int channelStride;
        final int batchStride;

        private FeatureMap(int n, int c, int h, int w, boolean channelsLast) {
            this.n = n;
            this.c = c;
            this.h = h;
            this.w = w;
            this.channelsLast = channelsLast;
            this.posStride = channelsLast ? c : 1;
            this.channelStride = channelsLast ? 1 : h * w;
            this.batchStride = c * h * w;
        }

        static FeatureMap of(Tensor input, String op) {
            int[] s = input.shape();
            if (s.length != 4) {
                throw Check.fail("input shape", s, op + " needs rank 4: (N, C, H, W) in CHANNELS_FIRST or (N, H, W, C) in CHANNELS_LAST, got rank " + s.length);
            }
            boolean last = input.layout() == Layout.CHANNELS_LAST;
            int c = last ? s[3] : s[1];
            int h = last ? s[1] : s[2];
            int w = last ? s[2] : s[3];
            if (c < 1) throw Check.fail("input shape", s, "the channel dimension must be >= 1 (only the batch may be 0)");
            if (h < 1 || w < 1) throw Check.fail("input shape", s, "the height and width must be >= 1 (only the batch may be 0)");
            return new FeatureMap(s[0], c, h, w, last);
        }

        int[] outputShape(int r, int oh, int ow) {
            return channelsLast ? new int[] {r, oh, ow, c} : new int[] {r, c, oh, ow};
        }
    }

    /**
     * One ROI of RoiAlign in feature-map coordinates, computed with ONNX Runtime's float32 operations.
     * A grid size of 0 or less on an axis means the bin has no samples.
     */
    private static final class AlignBox {
        float startH;
        float startW;
        float binH;
        float binW;
        long gridH;
        long gridW;

        void load(float[] box, int o, float scale, boolean halfPixel, int outH, int outW, int samplingRatio) {
            float off = halfPixel ? 0.5f : 0f;
            startW = box[o] * scale - off;
            startH = box[o + 1] * scale - off;
            float endW = box[o + 2] * scale - off;
            float endH = box[o + 3] * scale - off;
            float sizeW = endW - startW;
            float sizeH = endH - startH;
            if (!halfPixel) {
                // RoiAlign-10 behaviour: malformed ROIs are forced to be at least 1x1.
                sizeW = max(sizeW, 1f);
                sizeH = max(sizeH, 1f);
            }
            binH = sizeH / outH;
            binW = sizeW / outW;
            // ceil of a float is exact in double, and |bin| <= 2^61 fits a long.
            gridH = samplingRatio > 0 ? samplingRatio : (long) Math.ceil(binH);
            gridW = samplingRatio > 0 ? samplingRatio : (long) Math.ceil(binW);
        }
    }
}
