package org.pooling4j.internal;

import org.pooling4j.AutoPad;

/**
 * The shape math of pooling, per spatial axis, in one place. Every formula is written in
 * {@code long} so that no user-given size can overflow; callers check the result's range.
 *
 * <p>Notation: input size {@code I}, kernel {@code k}, stride {@code s}, dilation {@code d},
 * effective kernel {@code K = d*(k-1)+1}, padding at the begin {@code pb} and end {@code pe}.
 */
public final class Shapes {
    private Shapes() {}

    /** Effective (dilated) kernel extent {@code d*(k-1)+1}. */
    public static long effectiveKernel(int k, int d) {
        return (long) d * (k - 1) + 1;
    }

    /**
     * Output size with explicit padding (PyTorch and ONNX):
     * {@code O = floor((I + pb + pe - K + (ceil ? s-1 : 0)) / s) + 1}, and in ceil mode one less when
     * the last window would start in the end padding ({@code (O-1)*s >= I + pb}). May be {@code <= 0}
     * when the window does not fit; the caller rejects that.
     */
    public static long outputSize(int in, int k, int s, int d, int pb, int pe, boolean ceilMode) {
        long span = (long) in + pb + pe - effectiveKernel(k, d) + (ceilMode ? s - 1 : 0);
        long out = Math.floorDiv(span, (long) s) + 1;
        if (ceilMode && out > 0 && (out - 1) * s >= (long) in + pb) {
            out--;
        }
        return out;
    }

    /** Output size under {@link AutoPad#SAME_UPPER}/{@link AutoPad#SAME_LOWER}: {@code ceil(I / s)}. */
    public static long sameOutputSize(int in, int s) {
        return ((long) in + s - 1) / s;
    }

    /** Output size under {@link AutoPad#VALID}: {@code floor((I - K) / s) + 1} (may be {@code <= 0}). */
    public static long validOutputSize(int in, int k, int s, int d) {
        return Math.floorDiv((long) in - effectiveKernel(k, d), (long) s) + 1;
    }

    /**
     * Total padding that SAME needs: {@code max((O-1)*s + K - I, 0)} with {@code O = ceil(I/s)}.
     */
    public static long sameTotalPadding(int in, int k, int s, int d) {
        long out = sameOutputSize(in, s);
        return Math.max((out - 1) * s + effectiveKernel(k, d) - in, 0);
    }

    /** Begin padding of SAME: the odd cell goes to the end (UPPER) or to the beginning (LOWER). */
    public static long sameBeginPadding(long total, AutoPad mode) {
        return mode == AutoPad.SAME_LOWER ? total - total / 2 : total / 2;
    }

    /** Start of adaptive bin {@code i}: {@code floor(i*I/O)} in exact integer arithmetic (PyTorch). */
    public static int adaptiveStart(int i, int in, int out) {
        return (int) (((long) i * in) / out);
    }

    /** End (exclusive) of adaptive bin {@code i}: {@code ceil((i+1)*I/O)} (PyTorch). */
    public static int adaptiveEnd(int i, int in, int out) {
        return (int) (((long) (i + 1) * in + out - 1) / out);
    }

    /**
     * Fractional max pooling window starts for one plane and axis, exactly as PyTorch computes them
     * in float32: {@code alpha = (I - k) / (O - 1)}, {@code start_i = (int)((i + u) * alpha) - (int)(u * alpha)}
     * for {@code i < O-1}, and {@code start_{O-1} = I - k}.
     */
    public static void fractionalStarts(float u, int in, int out, int k, int[] starts) {
        if (out > 1) {
            float alpha = (float) (in - k) / (float) (out - 1);
            for (int i = 0; i < out - 1; i++) {
                starts[i] = (int) ((i + u) * alpha) - (int) (u * alpha);
            }
        }
        if (out > 0) starts[out - 1] = in - k;
    }

    /** Output size from a fractional ratio, as PyTorch does: {@code (int)(I * ratio)} in double. */
    public static long fractionalOutputFromRatio(int in, double ratio) {
        return (long) (in * ratio);
    }

    /** Default max-unpool output size {@code (I-1)*s - (pb+pe) + k} (PyTorch and ONNX). */
    public static long unpoolOutputSize(int in, int k, int s, int pb, int pe) {
        return ((long) in - 1) * s - ((long) pb + pe) + k;
    }
}
