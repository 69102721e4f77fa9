package org.pooling4j.roi;

import java.util.Arrays;
import org.pooling4j.Layout;
import org.pooling4j.Tensor;
import org.pooling4j.internal.Check;

/**
 * The arithmetic of region pooling, shared by the ONNX and torchvision entry points of
 * {@link RoiPooling}: RoiAlign forward and backward, max ROI pooling, and the feature-map and
 * sampling-grid views they work on. Arguments were checked by {@link RoiPooling}; nothing here
 * checks again.
 */
final class RoiKernels {
    private RoiKernels() {}

    /**
     * RoiAlign forward over checked arguments. ROI {@code i}'s corners are {@code box[i*cols + cols-4 ..]};
     * {@code samplingRatio} is 0 for the adaptive grid. Follows ONNX Runtime's and torchvision's float32
     * kernels operation by operation (they are the same arithmetic, from Caffe2).
     */
    static float[] alignForward(
            FeatureMap f,
            float[] x,
            float[] box,
            int cols,
            int[] batch,
            int outH,
            int outW,
            float scale,
            int samplingRatio,
            boolean halfPixel,
            boolean avg,
            int total) {
        float[] out = new float[total];
        AlignBox g = new AlignBox();
        Corners k = new Corners();
        float[] acc = new float[f.c];
        int outPlane = outH * outW;
        int cStrideOut = f.channelsLast ? 1 : outPlane;
        int pStrideOut = f.channelsLast ? f.c : 1;
        int rStrideOut = f.c * outPlane;
        for (int i = 0; i < batch.length; i++) {
            g.load(box, i * cols + cols - 4, scale, halfPixel, outH, outW, samplingRatio);
            // Both reference kernels leave 0 for a bin whose grid is empty on an axis.
            if (g.gridH <= 0 || g.gridW <= 0) continue;
            int gh = (int) g.gridH;
            int gw = (int) g.gridW;
            float count = (float) ((long) gh * gw);
            int base = batch[i] * f.batchStride;
            for (int ph = 0; ph < outH; ph++) {
                for (int pw = 0; pw < outW; pw++) {
                    Arrays.fill(acc, 0f);
                    boolean first = true;
                    for (int iy = 0; iy < gh; iy++) {
                        float yy = g.sampleY(ph, iy);
                        for (int ix = 0; ix < gw; ix++) {
                            // An out-of-range sample keeps positions 0 and weights 0, as both references do:
                            // it reads x[n, c, 0, 0] with weight 0 (NaN when that element is not finite).
                            k.at(yy, g.sampleX(pw, ix), f);
                            for (int c = 0; c < f.c; c++) {
                                int at = base + c * f.channelStride;
                                float t1 = k.w1 * x[at + k.p1];
                                float t2 = k.w2 * x[at + k.p2];
                                float t3 = k.w3 * x[at + k.p3];
                                float t4 = k.w4 * x[at + k.p4];
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
        return out;
    }

    /**
     * RoiAlign (AVG) backward over checked arguments, ROI corners at {@code box[i*5 + 1 ..]}: the same
     * samples and weights as {@link #alignForward}, scattered instead of gathered.
     */
    static float[] alignBackward(
            FeatureMap f,
            FeatureMap go,
            float[] grad,
            float[] box,
            int[] batch,
            float scale,
            int samplingRatio,
            boolean halfPixel,
            int total) {
        float[] dx = new float[total];
        AlignBox g = new AlignBox();
        Corners k = new Corners();
        int outH = go.h;
        int outW = go.w;
        for (int i = 0; i < batch.length; i++) {
            g.load(box, i * 5 + 1, scale, halfPixel, outH, outW, samplingRatio);
            if (g.gridH <= 0 || g.gridW <= 0) continue;
            int gh = (int) g.gridH;
            int gw = (int) g.gridW;
            float count = (float) ((long) gh * gw);
            int base = batch[i] * f.batchStride;
            for (int ph = 0; ph < outH; ph++) {
                for (int pw = 0; pw < outW; pw++) {
                    int o = i * go.batchStride + (ph * outW + pw) * go.posStride;
                    for (int iy = 0; iy < gh; iy++) {
                        float yy = g.sampleY(ph, iy);
                        for (int ix = 0; ix < gw; ix++) {
                            if (!k.at(yy, g.sampleX(pw, ix), f)) continue; // outside: no gradient
                            for (int c = 0; c < f.c; c++) {
                                float v = grad[o + c * go.channelStride];
                                int at = base + c * f.channelStride;
                                // torchvision's (grad * w) / count, added corner by corner.
                                dx[at + k.p1] += v * k.w1 / count;
                                dx[at + k.p2] += v * k.w2 / count;
                                dx[at + k.p3] += v * k.w3 / count;
                                dx[at + k.p4] += v * k.w4 / count;
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    /**
     * Max ROI pooling over checked arguments (rows {@code [batch, x1, y1, x2, y2]}): the window arithmetic
     * ONNX Runtime and torchvision share, with either reduction. ONNX ({@code torch = false}) keeps the
     * current value only when the next is smaller; torchvision takes a value only when it is strictly
     * greater and records its plane position in {@code argmax} (−1 when none was taken).
     */
    static void maxPoolForward(
            FeatureMap f,
            float[] x,
            float[] box,
            int[] batch,
            int pooledH,
            int pooledW,
            float scale,
            boolean torch,
            float[] out,
            long[] argmax) {
        int h = f.h;
        int w = f.w;
        int outPlane = pooledH * pooledW;
        int cStrideOut = f.channelsLast ? 1 : outPlane;
        int pStrideOut = f.channelsLast ? f.c : 1;
        int rStrideOut = f.c * outPlane;
        for (int i = 0; i < batch.length; i++) {
            int o = i * 5;
            int base = batch[i] * f.batchStride;
            // Both references do this window arithmetic in int; in long it gives the same numbers for
            // every ROI they handle without overflow, and stays exact up to MAX_SCALED_COORDINATE.
            long startW = roundHalfAway(box[o + 1] * scale);
            long startH = roundHalfAway(box[o + 2] * scale);
            long endW = roundHalfAway(box[o + 3] * scale);
            long endH = roundHalfAway(box[o + 4] * scale);
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
                    if (he <= hs || we <= ws) { // an empty bin is 0, as allocated
                        if (argmax != null) {
                            for (int c = 0; c < f.c; c++) argmax[at + c * cStrideOut] = -1;
                        }
                        continue;
                    }
                    for (int c = 0; c < f.c; c++) {
                        int plane = base + c * f.channelStride;
                        float best = -Float.MAX_VALUE;
                        int bestAt = -1;
                        for (int y = hs; y < he; y++) {
                            int row = plane + y * w * f.posStride;
                            for (int xi = ws; xi < we; xi++) {
                                float v = x[row + xi * f.posStride];
                                if (torch) {
                                    if (v > best) {
                                        best = v;
                                        bestAt = y * w + xi;
                                    }
                                } else {
                                    best = v < best ? best : v; // std::max(v, best)
                                }
                            }
                        }
                        out[at + c * cStrideOut] = best;
                        if (argmax != null) argmax[at + c * cStrideOut] = bestAt;
                    }
                }
            }
        }
    }

    /** {@code std::max(a, b)}: {@code b} when {@code a < b}, else {@code a} (the NaN rule matters). */
    static float max(float a, float b) {
        return a < b ? b : a;
    }

    /** {@code std::round} of a float: nearest integer, halves away from zero. {@code |v| <= 2^60}. */
    static long roundHalfAway(float v) {
        // |v| + 0.5 is exact in double for every float below 2^52; above 2^24 floats are even integers.
        double a = Math.floor(Math.abs((double) v) + 0.5);
        return (long) (v < 0 ? -a : a);
    }

    static int clip(long v, int hi) {
        return (int) Math.min(Math.max(v, 0), hi);
    }

    static final class FeatureMap {
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
            return of(input, op, "input shape");
        }

        static FeatureMap of(Tensor t, String op, String name) {
            return ofShape(t.shape(), t.layout(), op, name);
        }

        static FeatureMap ofShape(int[] s, Layout layout, String op, String name) {
            if (s.length != 4) {
                throw Check.fail(
                        name,
                        s,
                        op + " needs rank 4: (N, C, H, W) in CHANNELS_FIRST or (N, H, W, C) in CHANNELS_LAST, got rank "
                                + s.length);
            }
            boolean last = layout == Layout.CHANNELS_LAST;
            int c = last ? s[3] : s[1];
            int h = last ? s[1] : s[2];
            int w = last ? s[2] : s[3];
            if (s[0] < 0) throw Check.fail(name, s, "the batch dimension must be >= 0");
            if (c < 1) throw Check.fail(name, s, "the channel dimension must be >= 1 (only the batch may be 0)");
            if (h < 1 || w < 1)
                throw Check.fail(name, s, "the height and width must be >= 1 (only the batch may be 0)");
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
    static final class AlignBox {
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

        /** Row of sample {@code iy} of bin row {@code ph}: the same float operations, in the same order, as the references. */
        float sampleY(int ph, int iy) {
            return startH + ph * binH + (iy + .5f) * binH / (int) gridH;
        }

        /** Column of sample {@code ix} of bin column {@code pw}. */
        float sampleX(int pw, int ix) {
            return startW + pw * binW + (ix + .5f) * binW / (int) gridW;
        }
    }

    /**
     * The four input positions and bilinear weights of one sample, shared by every channel (Caffe2's
     * rule, used by ONNX Runtime and torchvision alike).
     */
    static final class Corners {
        int p1;
        int p2;
        int p3;
        int p4;
        float w1;
        float w2;
        float w3;
        float w4;

        /**
         * Loads the sample at {@code (yy, xx)} of plane positions in {@code f}; returns false, with
         * positions 0 and weights 0, for a sample outside {@code [-1, H] x [-1, W]}.
         */
        boolean at(float yy, float xx, FeatureMap f) {
            int h = f.h;
            int w = f.w;
            if (yy < -1.0 || yy > h || xx < -1.0 || xx > w) {
                p1 = p2 = p3 = p4 = 0;
                w1 = w2 = w3 = w4 = 0f;
                return false;
            }
            float y = yy <= 0 ? 0f : yy;
            float x = xx <= 0 ? 0f : xx;
            int yLow = (int) y;
            int xLow = (int) x;
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
                x = xLow;
            } else {
                xHigh = xLow + 1;
            }
            float ly = y - yLow;
            float lx = x - xLow;
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
            return true;
        }
    }
}
