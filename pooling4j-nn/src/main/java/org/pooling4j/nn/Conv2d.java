package org.pooling4j.nn;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pooling4j.Tensor;

/**
 * 2D convolution (cross-correlation, as in every deep-learning library) over channels-first
 * (N, C, H, W) input: weight (out, in, kernel, kernel), optional bias (out), square kernel, stride and
 * zero padding. Output (N, out, (H + 2 padding - kernel) / stride + 1, likewise for W).
 *
 * <p>The whole batch is unrolled at once (im2col: a {@code (in*kernel*kernel) x (N*OH*OW)} matrix)
 * so that forward and both backward products are single large {@link Gemm} calls:
 * {@code Y = W cols}, {@code dW += dY cols^T}, {@code dCols = W^T dY}. The unrolled matrix and the
 * product scratch are kept between calls and reused while the batch size stays the same.
 */
public final class Conv2d extends Layer {
    private final int in, out, kernel, stride, padding;
    private final boolean hasBias;
    private final long seed;
    private final Param weight;
    private final Param bias;

    private float[] cols = new float[0];
    private float[] scratch = new float[0];
    private float[] dcols = new float[0];
    private int[] lastIn;
    private int lastOH, lastOW;

    /**
     * @param in input channels, {@code >= 1}
     * @param out output channels, {@code >= 1}
     * @param kernel square kernel size, {@code >= 1}
     * @param stride {@code >= 1}
     * @param padding zeros on each side, {@code >= 0} and {@code < kernel}
     * @param seed seed of the He-normal initialisation (fan-in {@code in * kernel * kernel}); bias starts at 0
     */
    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias, long seed) {
        this.in = Layers.atLeast(in, 1, "in");
        this.out = Layers.atLeast(out, 1, "out");
        this.kernel = Layers.atLeast(kernel, 1, "kernel");
        this.stride = Layers.atLeast(stride, 1, "stride");
        this.padding = Layers.atLeast(padding, 0, "padding");
        if (padding >= kernel) {
            throw new IllegalArgumentException("padding = " + padding + ": must be < kernel = " + kernel
                    + " (a window may not lie entirely in padding)");
        }
        this.hasBias = bias;
        this.seed = seed;
        if (kernel > 46340)
            throw new IllegalArgumentException("kernel = " + kernel + ": must be <= 46340 (kernel^2 must fit an int)");
        long count = (long) in * kernel * kernel * out; // < 2^31 * 2^31 * 2^31 / 2^31: no long overflow
        if ((long) in * kernel * kernel > Layers.MAX_ELEMENTS || count > Layers.MAX_ELEMENTS) {
            throw new IllegalArgumentException("in * out * kernel^2 = " + in + " * " + out + " * " + kernel
                    + "^2: too many weights (at most " + Layers.MAX_ELEMENTS + ")");
        }
        int fanIn = in * kernel * kernel;
        this.weight = new Param("weight", true, out, in, kernel, kernel);
        Init.heNormal(weight.value(), fanIn, seed);
        this.bias = bias ? new Param("bias", true, out) : null;
    }

    public Param weight() {
        return weight;
    }

    /** The bias, or null without one. */
    public Param bias() {
        return bias;
    }

    @Override
    public List<Param> params() {
        return hasBias ? List.of(weight, bias) : List.of(weight);
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        Layers.checkNchw("conv2d", inputShape, in);
        int oh = outSize(inputShape[2], "H");
        int ow = outSize(inputShape[3], "W");
        int[] o = {inputShape[0], out, oh, ow};
        Layers.elementCount(o, "conv2d output shape");
        return o;
    }

    private int outSize(int size, String axis) {
        long padded = (long) size + 2L * padding;
        if (padded < kernel) {
            throw new IllegalArgumentException("conv2d: input " + axis + " = " + size + ": with padding " + padding
                    + " it must be >= kernel = " + kernel);
        }
        return (int) ((padded - kernel) / stride + 1);
    }

    @Override
    public Tensor forward(Tensor x) {
        Layers.notNull(x, "x");
        int[] os = outputShape(x.shape());
        int n = os[0], oh = os[2], ow = os[3];
        int kk = in * kernel * kernel;
        int p = oh * ow;
        long np = (long) n * p;
        checkSize((long) kk * np, "unrolled input");
        checkSize(out * np, "output");
        int npi = (int) np;
        cols = ensure(cols, kk * npi);
        scratch = ensure(scratch, out * npi);
        im2col(x.data(), x.dim(2), x.dim(3), n, oh, ow, cols);
        Gemm.multiply(false, false, out, npi, kk, weight.value(), 0, kk, cols, 0, npi, false, scratch, 0, npi, 0);
        float[] y = new float[out * npi];
        float[] b = hasBias ? bias.value() : null;
        for (int img = 0; img < n; img++) {
            for (int o = 0; o < out; o++) {
                int dst = (img * out + o) * p;
                System.arraycopy(scratch, o * npi + img * p, y, dst, p);
                if (b != null) {
                    float bo = b[o];
                    for (int q = 0; q < p; q++) y[dst + q] += bo;
                }
            }
        }
        lastIn = x.shape();
        lastOH = oh;
        lastOW = ow;
        return Tensor.of(y, os);
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        if (lastIn == null) throw Layers.noForward("conv2d");
        int n = lastIn[0], h = lastIn[2], w = lastIn[3];
        Layers.checkSame("conv2d", new int[] {n, out, lastOH, lastOW}, gradOut);
        int kk = in * kernel * kernel;
        int p = lastOH * lastOW;
        int np = n * p;
        float[] g = gradOut.data();
        // dY as (out) x (N*P): the layout of the forward product's output.
        for (int img = 0; img < n; img++) {
            for (int o = 0; o < out; o++) System.arraycopy(g, (img * out + o) * p, scratch, o * np + img * p, p);
        }
        Gemm.multiply(false, true, out, kk, np, scratch, 0, np, cols, 0, np, true, weight.grad(), 0, kk, 0);
        if (hasBias) {
            float[] bg = bias.grad();
            for (int o = 0; o < out; o++) {
                double s = 0;
                for (int q = o * np, e = q + np; q < e; q++) s += scratch[q];
                bg[o] += (float) s;
            }
        }
        dcols = ensure(dcols, kk * np);
        Gemm.multiply(true, false, kk, np, out, weight.value(), 0, kk, scratch, 0, np, false, dcols, 0, np, 0);
        float[] dx = new float[n * in * h * w];
        col2im(dcols, h, w, n, lastOH, lastOW, dx);
        return Tensor.of(dx, lastIn);
    }

    private static void checkSize(long size, String what) {
        if (size > Layers.MAX_ELEMENTS)
            throw new IllegalArgumentException(
                    "conv2d: " + what + " would have " + size + " elements: too many (reduce the batch)");
    }

    private static float[] ensure(float[] a, int size) {
        return a.length >= size ? a : new float[size];
    }

    /** cols[(c*k + ki)*k + kj][img*P + oh*OW + ow] = x[img, c, oh*s - pad + ki, ow*s - pad + kj], or 0 in the padding. */
    private void im2col(float[] x, int h, int w, int n, int oh, int ow, float[] cols) {
        int p = oh * ow;
        int np = n * p;
        for (int c = 0; c < in; c++) {
            for (int ki = 0; ki < kernel; ki++) {
                for (int kj = 0; kj < kernel; kj++) {
                    int row = ((c * kernel + ki) * kernel + kj) * np;
                    int lo = firstInside(kj, ow, w);
                    int hi = lastInside(kj, ow, w);
                    for (int img = 0; img < n; img++) {
                        int xPlane = (img * in + c) * h * w;
                        int dst0 = row + img * p;
                        for (int y = 0; y < oh; y++) {
                            int ih = y * stride - padding + ki;
                            int dst = dst0 + y * ow;
                            if (ih < 0 || ih >= h) {
                                Arrays.fill(cols, dst, dst + ow, 0f);
                                continue;
                            }
                            int src = xPlane + ih * w - padding + kj;
                            for (int xo = 0; xo < lo; xo++) cols[dst + xo] = 0f;
                            if (stride == 1) {
                                if (hi > lo) System.arraycopy(x, src + lo, cols, dst + lo, hi - lo);
                            } else {
                                for (int xo = lo; xo < hi; xo++) cols[dst + xo] = x[src + xo * stride];
                            }
                            for (int xo = Math.max(lo, hi); xo < ow; xo++) cols[dst + xo] = 0f;
                        }
                    }
                }
            }
        }
    }

    /** The transpose of {@link #im2col}: adds every unrolled entry back to its input position. */
    private void col2im(float[] cols, int h, int w, int n, int oh, int ow, float[] dx) {
        int p = oh * ow;
        int np = n * p;
        for (int c = 0; c < in; c++) {
            for (int ki = 0; ki < kernel; ki++) {
                for (int kj = 0; kj < kernel; kj++) {
                    int row = ((c * kernel + ki) * kernel + kj) * np;
                    int lo = firstInside(kj, ow, w);
                    int hi = lastInside(kj, ow, w);
                    for (int img = 0; img < n; img++) {
                        int xPlane = (img * in + c) * h * w;
                        int src0 = row + img * p;
                        for (int y = 0; y < oh; y++) {
                            int ih = y * stride - padding + ki;
                            if (ih < 0 || ih >= h) continue;
                            int src = src0 + y * ow;
                            int dst = xPlane + ih * w - padding + kj;
                            for (int xo = lo; xo < hi; xo++) dx[dst + xo * stride] += cols[src + xo];
                        }
                    }
                }
            }
        }
    }

    /** First output column whose tap {@code kj} lies inside the input row. */
    private int firstInside(int kj, int ow, int w) {
        int lo = 0;
        while (lo < ow && lo * stride - padding + kj < 0) lo++;
        return lo;
    }

    /** One past the last output column whose tap {@code kj} lies inside the input row (may be below firstInside). */
    private int lastInside(int kj, int ow, int w) {
        int hi = ow;
        while (hi > 0 && (hi - 1) * stride - padding + kj >= w) hi--;
        return hi;
    }

    @Override
    public String kind() {
        return "conv2d";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("in", in);
        m.put("out", out);
        m.put("kernel", kernel);
        m.put("stride", stride);
        m.put("padding", padding);
        m.put("bias", hasBias);
        m.put("seed", seed);
        return m;
    }
}
