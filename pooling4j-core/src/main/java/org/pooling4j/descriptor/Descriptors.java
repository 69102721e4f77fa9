package org.pooling4j.descriptor;

import java.util.Arrays;
import org.pooling4j.Geometry;
import org.pooling4j.Layout;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;
import org.pooling4j.internal.Check;

/**
 * Global descriptors of image retrieval and detection, built on the core's pooling: generalised-mean
 * pooling ({@link #gem GeM}, Radenović et al.), spatial pyramid pooling ({@link #spatialPyramidPool SPP},
 * He et al.) and regional maximum activations of convolutions ({@link #rmac R-MAC}, Tolias et al.).
 * The exact rules, with worked examples, are in docs/semantics.md, "Global descriptors".
 *
 * <p>Inputs are {@link Tensor}s in either {@link Layout}; every argument is checked before anything is
 * allocated or computed, and a bad one raises {@link IllegalArgumentException} with the message
 * {@code "<name> = <value>: <rule>"} (a missing one {@link NullPointerException}). Inputs are never
 * modified. The methods are thread-safe.
 */
public final class Descriptors {
    private Descriptors() {}

    /** The gradients of a GeM pooling: with respect to the input, and with respect to the exponent p. */
    public record GemGradients(Tensor input, double p) {}

    /**
     * Generalised-mean pooling: {@code y = (avg_pool(max(x, eps)^p))^(1/p)} with the windows of
     * {@link GemSpec#averaging()}, computed as PyTorch's formulation computes it (float32 clamp, power,
     * average and power; the powers are evaluated in double and rounded).
     *
     * @param spec the windows, p and eps
     * @param input (N, C, D1..Dk) or (C, D1..Dk), or channels-last (N, D1..Dk, C) or (D1..Dk, C), with
     *     k = {@code spec.rank()}
     * @return the pooled tensor in the input's layout; a global spec gives size-1 spatial axes
     * @throws IllegalArgumentException if the input does not fit the windows (as for avg_pool)
     */
    public static Tensor gem(GemSpec spec, Tensor input) {
        Check.notNull(spec, "spec");
        Check.notNull(input, "input");
        Pooling.geometry(spec.averaging(), input);
        Tensor a = Pooling.forward(spec.averaging(), clampPow(input, spec));
        float[] ad = a.data();
        double inv = 1 / spec.p();
        for (int i = 0; i < ad.length; i++) ad[i] = (float) Math.pow(ad[i], inv);
        return a;
    }

    /**
     * The gradients of {@link #gem} given {@code gradOutput}, dL/dy. With {@code c = max(x, eps)},
     * {@code z = c^p}, {@code a = avg_pool(z)} and {@code y = a^(1/p)}:
     * {@code dL/da = dL/dy * (1/p) * a^(1/p - 1)}, {@code dL/dz = avg_pool_backward(dL/da)},
     * {@code dL/dx = dL/dz * p * c^(p-1)} where {@code x >= eps} and 0 where {@code x < eps} (the clamp
     * passes no gradient, as PyTorch's {@code clamp(min=eps)}), and
     * {@code dL/dp = sum(dL/dz * z * ln c) - sum(dL/dy * y * ln a) / p^2}, summed in double.
     *
     * @param gradOutput the shape and layout of {@code gem(spec, input)}
     * @throws IllegalArgumentException if the input does not fit the windows or {@code gradOutput}
     *     has another shape or layout
     */
    public static GemGradients gemBackward(GemSpec spec, Tensor input, Tensor gradOutput) {
        Check.notNull(spec, "spec");
        Check.notNull(input, "input");
        Check.notNull(gradOutput, "gradOutput");
        Geometry g = Pooling.geometry(spec.averaging(), input);
        int[] outShape = g.outputShape();
        if (!gradOutput.hasShape(outShape) || gradOutput.layout() != input.layout()) {
            throw Check.fail(
                    "gradOutput.shape",
                    gradOutput.shape(),
                    "must equal the output shape " + Arrays.toString(outShape) + " in the input's layout "
                            + input.layout() + " (gradOutput is " + gradOutput.layout() + ")");
        }
        double p = spec.p();
        float eps = (float) spec.eps();
        Tensor zt = clampPow(input, spec);
        Tensor at = Pooling.forward(spec.averaging(), zt);
        float[] a = at.data();
        float[] gy = gradOutput.data();
        double inv = 1 / p;
        double gpOut = 0;
        float[] ga = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            double ai = a[i];
            double yi = (float) Math.pow(ai, inv);
            ga[i] = (float) (gy[i] * inv * Math.pow(ai, inv - 1));
            gpOut += gy[i] * yi * Math.log(ai);
        }
        Tensor gz = Pooling.backward(spec.averaging(), zt, new Tensor(ga, outShape, input.layout()));
        float[] x = input.data();
        float[] z = zt.data();
        float[] gzd = gz.data();
        double gpIn = 0;
        // gz's array becomes dL/dx in place: it is ours, freshly allocated by the backward above.
        for (int i = 0; i < x.length; i++) {
            float xi = x[i];
            double c = xi >= eps ? xi : eps;
            gpIn += gzd[i] * (double) z[i] * Math.log(c);
            gzd[i] = xi >= eps ? (float) (gzd[i] * p * Math.pow(c, p - 1)) : 0f;
        }
        return new GemGradients(gz, gpIn - gpOut / (p * p));
    }

    /** max(x, eps)^p in float32, a new tensor of the input's shape and layout. NaN stays NaN. */
    private static Tensor clampPow(Tensor input, GemSpec spec) {
        float[] x = input.data();
        float[] z = new float[x.length];
        float eps = (float) spec.eps();
        double p = spec.p();
        for (int i = 0; i < x.length; i++) {
            float xi = x[i];
            // Written as a comparison, not Math.max, so NaN propagates as in PyTorch's clamp.
            float c = xi < eps ? eps : xi;
            z[i] = (float) Math.pow(c, p);
        }
        return new Tensor(z, input.shape(), input.layout());
    }

    // ---------------------------------------------------------------- spatial pyramid pooling

    /** How each level of a spatial pyramid pools its bins. */
    public enum PyramidMode {
        /** Adaptive max pooling, as {@code adaptive_max_pool2d}. */
        MAX,
        /** Adaptive average pooling, as {@code adaptive_avg_pool2d}. */
        AVG
    }

    /**
     * The length of one sample's spatial-pyramid vector: {@code channels * sum(l * l)}.
     *
     * @throws IllegalArgumentException for bad levels or a length past {@link Check#MAX_ELEMENTS}
     */
    public static int spatialPyramidLength(int channels, int[] levels) {
        if (channels < 0) throw Check.fail("channels", channels, "must be >= 0");
        checkLevels(levels);
        long bins = 0;
        for (int l : levels) bins += (long) l * l;
        long n = bins * channels;
        if (n > Check.MAX_ELEMENTS) {
            throw Check.fail(
                    "levels",
                    levels,
                    "give " + bins + " bins per channel; times " + channels + " channels exceeds "
                            + Check.MAX_ELEMENTS);
        }
        return (int) n;
    }

    private static void checkLevels(int[] levels) {
        Check.notNull(levels, "levels");
        if (levels.length == 0) throw Check.fail("levels", levels, "must have at least one level");
        for (int l : levels) {
            // 46340^2 still fits an int; a larger level could not be an output size anyway.
            if (l < 1 || l > 46340) throw Check.fail("levels", levels, "every level must be in [1, 46340]");
        }
    }

    /**
     * Spatial pyramid pooling (He et al., SPP-net): adaptive max or average pooling of a 2-D feature map
     * to {@code l x l} bins for each {@code l} in {@code levels}, each level flattened channel-major (as
     * {@code torch.flatten(adaptive_max_pool2d(x, l), 1)}: channel, then bin row, then bin column) and
     * the levels concatenated in the order given. The bins are those of the core's adaptive pooling
     * ({@code floor(i * H / l)} to {@code ceil((i + 1) * H / l)}), a level larger than the input included.
     *
     * @param input (N, C, H, W) or channels-last (N, H, W, C); H and W at least 1
     * @param levels bins per side of each level, each at least 1, e.g. {@code {1, 2, 4}}
     * @param mode max or average
     * @return (N, C * sum(l * l)), channels-first
     */
    public static Tensor spatialPyramidPool(Tensor input, int[] levels, PyramidMode mode) {
        Check.notNull(input, "input");
        Check.notNull(mode, "mode");
        int len = checkPyramid(input, levels);
        int n = input.dim(0);
        int c = channels(input);
        float[] out = new float[Check.elementCount(new int[] {n, len}, "output shape")];
        int off = 0;
        for (int l : levels) {
            Tensor y = Pooling.forward(levelSpec(l, mode), input);
            copyLevel(y.data(), input.layout(), n, c, l, out, len, off, true);
            off += c * l * l;
        }
        return Tensor.of(out, n, len);
    }

    /**
     * The gradient of {@link #spatialPyramidPool} with respect to its input: the sum over levels of the
     * core's adaptive-pooling backward of that level's slice of {@code gradOutput} (max levels route each
     * bin's gradient to its first maximum in scan order, as the core's adaptive max pooling does).
     *
     * @param gradOutput (N, C * sum(l * l)), channels-first
     * @return the input's shape and layout
     */
    public static Tensor spatialPyramidPoolBackward(Tensor input, int[] levels, PyramidMode mode, Tensor gradOutput) {
        Check.notNull(input, "input");
        Check.notNull(mode, "mode");
        Check.notNull(gradOutput, "gradOutput");
        int len = checkPyramid(input, levels);
        int n = input.dim(0);
        int c = channels(input);
        int[] expect = {n, len};
        if (!gradOutput.hasShape(expect)) {
            throw Check.fail(
                    "gradOutput.shape", gradOutput.shape(), "must equal the output shape " + Arrays.toString(expect));
        }
        float[] gx = new float[input.size()];
        float[] g = gradOutput.data();
        int off = 0;
        for (int l : levels) {
            boolean cl = input.layout() == Layout.CHANNELS_LAST;
            int[] shape = cl ? new int[] {n, l, l, c} : new int[] {n, c, l, l};
            float[] gl = new float[n * c * l * l];
            copyLevel(gl, input.layout(), n, c, l, g, len, off, false);
            Tensor d = Pooling.backward(levelSpec(l, mode), input, new Tensor(gl, shape, input.layout()));
            float[] dd = d.data();
            for (int i = 0; i < gx.length; i++) gx[i] += dd[i];
            off += c * l * l;
        }
        return new Tensor(gx, input.shape(), input.layout());
    }

    private static PoolSpec levelSpec(int l, PyramidMode mode) {
        return mode == PyramidMode.MAX
                ? PoolSpec.adaptiveMax(l, l).build()
                : PoolSpec.adaptiveAvg(l, l).build();
    }

    /**
     * Copies one level between its pooled tensor {@code level} ((N, C, l, l) or (N, l, l, C)) and its
     * slice of the flat (N, len) vector {@code flat} at {@code off}: into the flat vector when
     * {@code toFlat}, else out of it.
     */
    private static void copyLevel(
            float[] level, Layout layout, int n, int c, int l, float[] flat, int len, int off, boolean toFlat) {
        int bins = l * l;
        for (int b = 0; b < n; b++) {
            int base = b * len + off;
            if (layout == Layout.CHANNELS_FIRST) {
                if (toFlat) System.arraycopy(level, b * c * bins, flat, base, c * bins);
                else System.arraycopy(flat, base, level, b * c * bins, c * bins);
                continue;
            }
            for (int q = 0; q < bins; q++) {
                int src = (b * bins + q) * c;
                for (int ch = 0; ch < c; ch++) {
                    if (toFlat) flat[base + ch * bins + q] = level[src + ch];
                    else level[src + ch] = flat[base + ch * bins + q];
                }
            }
        }
    }

    /** Checks a pyramid's input and levels; returns the vector length per sample. */
    private static int checkPyramid(Tensor input, int[] levels) {
        if (input.rank() != 4) {
            throw Check.fail(
                    "input.shape", input.shape(), "must be (N, C, H, W), or (N, H, W, C) channels-last: rank 4");
        }
        checkLevels(levels);
        int h = spatial(input, 0);
        int w = spatial(input, 1);
        if (h < 1 || w < 1) throw Check.fail("input.shape", input.shape(), "H and W must be >= 1");
        return spatialPyramidLength(channels(input), levels);
    }

    private static int channels(Tensor x) {
        return x.layout() == Layout.CHANNELS_FIRST ? x.dim(1) : x.dim(3);
    }

    private static int spatial(Tensor x, int axis) {
        return x.layout() == Layout.CHANNELS_FIRST ? x.dim(2 + axis) : x.dim(1 + axis);
    }

    // ---------------------------------------------------------------- R-MAC

    /** The most regions an R-MAC grid may have (about 180 levels on a large map). */
    public static final int MAX_RMAC_REGIONS = 1 << 21;

    /** The default number of R-MAC scales, 3. */
    public static final int DEFAULT_RMAC_LEVELS = 3;

    /**
     * The square regions of the R-MAC grid of an {@code h x w} feature map, one row {@code {top, left,
     * side}} per region, level by level (l = 1 first), row-major within a level. With {@code s = min(h,
     * w)} and {@code S = max(h, w)}: level l has regions of side {@code floor(2s / (l + 1))}, l of them
     * along the short axis and {@code l + m} along the long one, where {@code m = 0} for a square map and
     * otherwise the {@code m} in 1..6 whose level-1 overlap {@code (s - (S - s) / m) / s} is closest to 0.4
     * (the smallest such m on a tie). k regions of side r on an axis of length D start at
     * {@code floor(i * (D - r) / (k - 1))}, i = 0..k-1 (at 0 when k = 1). Levels whose side would be 0
     * are left out.
     *
     * @throws IllegalArgumentException if h or w is below 1, levels is below 1, or the grid would have more
     *     than {@link #MAX_RMAC_REGIONS} regions
     */
    public static int[][] rmacRegions(int h, int w, int levels) {
        if (h < 1) throw Check.fail("h", h, "must be >= 1");
        if (w < 1) throw Check.fail("w", w, "must be >= 1");
        if (levels < 1) throw Check.fail("levels", levels, "must be >= 1");
        int s = Math.min(h, w);
        int big = Math.max(h, w);
        int m = extraRegions(s, big);
        // The side floor(2s / (l + 1)) is 0 once l >= 2s: no level past 2s - 1 has regions.
        int top = (int) Math.min(levels, 2L * s - 1);
        long count = 0;
        for (int l = 1; l <= top; l++) count += (long) l * (l + m);
        if (count > MAX_RMAC_REGIONS) {
            throw Check.fail(
                    "levels",
                    levels,
                    "gives " + count + " regions on a " + h + "x" + w + " map, more than " + MAX_RMAC_REGIONS);
        }
        int[][] out = new int[(int) count][];
        int k = 0;
        for (int l = 1; l <= top; l++) {
            int side = (int) (2L * s / (l + 1));
            int kh = h < w ? l : l + m;
            int kw = h < w ? l + m : l;
            for (int i = 0; i < kh; i++) {
                int y0 = start(i, kh, h, side);
                for (int j = 0; j < kw; j++) out[k++] = new int[] {y0, start(j, kw, w, side), side};
            }
        }
        return out;
    }

    private static int extraRegions(int s, int big) {
        if (s == big) return 0;
        int best = 1;
        double bestErr = Double.POSITIVE_INFINITY;
        for (int m = 1; m <= 6; m++) {
            double overlap = (s - (big - s) / (double) m) / s;
            double err = Math.abs(overlap - 0.4);
            if (err < bestErr) {
                bestErr = err;
                best = m;
            }
        }
        return best;
    }

    private static int start(int i, int k, int d, int side) {
        return k == 1 ? 0 : (int) ((long) i * (d - side) / (k - 1));
    }

    /**
     * R-MAC (Tolias et al., 2016): for each region of {@link #rmacRegions} the per-channel maximum over
     * the region, L2-normalised over channels; the region vectors summed and the sum L2-normalised. A
     * vector whose norm is 0 is left at 0 rather than divided. NaN in a region makes that region's
     * maximum NaN. The regions are the paper's grid only: no extra whole-map region and no PCA-whitening
     * between the normalisations (docs/semantics.md).
     *
     * @param input (N, C, H, W) or channels-last (N, H, W, C); H and W at least 1
     * @param levels the number of scales, at least 1 ({@link #DEFAULT_RMAC_LEVELS} in the paper)
     * @return (N, C), channels-first
     */
    public static Tensor rmac(Tensor input, int levels) {
        int[][] regions = checkRmac(input, levels);
        int h = spatial(input, 0);
        int w = spatial(input, 1);
        int n = input.dim(0);
        int c = channels(input);
        float[] x = input.data();
        float[] out = new float[n * c];
        boolean cl = input.layout() == Layout.CHANNELS_LAST;
        float[] v = new float[c];
        double[] sum = new double[c];
        for (int b = 0; b < n; b++) {
            regionSum(x, b, h, w, c, cl, regions, v, null, sum);
            double scale = inverseNorm(sum);
            for (int ch = 0; ch < c; ch++) out[b * c + ch] = (float) (sum[ch] * scale);
        }
        return Tensor.of(out, n, c);
    }

    /**
     * The gradient of {@link #rmac} with respect to its input. With {@code u_r = v_r / |v_r|} the unit
     * vector of region r, {@code S = sum(u_r)} and {@code y = S / |S|}: {@code dL/dS = (g - y (y . g)) /
     * |S|}, {@code dL/dv_r = (dL/dS - u_r (u_r . dL/dS)) / |v_r|}, and each channel's {@code dL/dv_r}
     * goes to the first maximum of the region in scan order (row, then column), as max pooling routes it.
     * A vector left at 0 by the forward (norm 0) passes no gradient.
     *
     * @param gradOutput (N, C), channels-first
     * @return the input's shape and layout
     */
    public static Tensor rmacBackward(Tensor input, int levels, Tensor gradOutput) {
        int[][] regions = checkRmac(input, levels);
        Check.notNull(gradOutput, "gradOutput");
        int n = input.dim(0);
        int c = channels(input);
        int[] expect = {n, c};
        if (!gradOutput.hasShape(expect)) {
            throw Check.fail(
                    "gradOutput.shape", gradOutput.shape(), "must equal the output shape " + Arrays.toString(expect));
        }
        int h = spatial(input, 0);
        int w = spatial(input, 1);
        float[] x = input.data();
        float[] gy = gradOutput.data();
        float[] gx = new float[x.length];
        boolean cl = input.layout() == Layout.CHANNELS_LAST;
        float[] v = new float[c];
        int[] arg = new int[c];
        double[] sum = new double[c];
        double[] gs = new double[c];
        for (int b = 0; b < n; b++) {
            regionSum(x, b, h, w, c, cl, regions, v, null, sum);
            double inv = inverseNorm(sum);
            double dot = 0;
            for (int ch = 0; ch < c; ch++) dot += sum[ch] * inv * gy[b * c + ch];
            for (int ch = 0; ch < c; ch++) gs[ch] = (gy[b * c + ch] - sum[ch] * inv * dot) * inv;
            for (int[] r : regions) {
                regionMax(x, b, h, w, c, cl, r, v, arg);
                double rinv = inverseNorm(v);
                double rdot = 0;
                for (int ch = 0; ch < c; ch++) rdot += v[ch] * rinv * gs[ch];
                for (int ch = 0; ch < c; ch++) {
                    double g = (gs[ch] - v[ch] * rinv * rdot) * rinv;
                    gx[arg[ch]] += (float) g;
                }
            }
        }
        return new Tensor(gx, input.shape(), input.layout());
    }

    private static int[][] checkRmac(Tensor input, int levels) {
        Check.notNull(input, "input");
        if (input.rank() != 4) {
            throw Check.fail(
                    "input.shape", input.shape(), "must be (N, C, H, W), or (N, H, W, C) channels-last: rank 4");
        }
        if (levels < 1) throw Check.fail("levels", levels, "must be >= 1");
        int h = spatial(input, 0);
        int w = spatial(input, 1);
        if (h < 1 || w < 1) throw Check.fail("input.shape", input.shape(), "H and W must be >= 1");
        return rmacRegions(h, w, levels);
    }

    /** Sets {@code sum} to the sum of the unit vectors of the regions' maxima of sample {@code b}. */
    private static void regionSum(
            float[] x, int b, int h, int w, int c, boolean cl, int[][] regions, float[] v, int[] arg, double[] sum) {
        Arrays.fill(sum, 0);
        for (int[] r : regions) {
            regionMax(x, b, h, w, c, cl, r, v, arg);
            double scale = inverseNorm(v);
            for (int ch = 0; ch < c; ch++) sum[ch] += v[ch] * scale;
        }
    }

    /** 1 / |v| in double, or 0 for a zero vector, which so stays 0 (and passes no gradient). */
    private static double inverseNorm(float[] v) {
        double q = 0;
        for (float e : v) q += (double) e * e;
        return q > 0 ? 1 / Math.sqrt(q) : q == 0 ? 0 : q;
    }

    private static double inverseNorm(double[] v) {
        double q = 0;
        for (double e : v) q += e * e;
        return q > 0 ? 1 / Math.sqrt(q) : q == 0 ? 0 : q;
    }

    /**
     * The per-channel maximum of region {@code r} of sample {@code b} into {@code v}, and when
     * {@code arg} is given the flat input index of each channel's first maximum in scan order.
     */
    private static void regionMax(float[] x, int b, int h, int w, int c, boolean cl, int[] r, float[] v, int[] arg) {
        if (cl) regionMaxLast(x, b, h, w, c, r, v, arg);
        else regionMaxFirst(x, b, h, w, c, r, v, arg);
    }

    private static void regionMaxFirst(float[] x, int b, int h, int w, int c, int[] r, float[] v, int[] arg) {
        int side = r[2];
        for (int ch = 0; ch < c; ch++) {
            float best = Float.NEGATIVE_INFINITY;
            int plane = (b * c + ch) * h * w;
            int at = plane + r[0] * w + r[1];
            for (int i = r[0]; i < r[0] + side; i++) {
                int row = plane + i * w;
                for (int j = r[1]; j < r[1] + side; j++) {
                    float e = x[row + j];
                    // A NaN is taken and then kept (nothing compares greater), as max pooling propagates it.
                    if (e > best || (e != e && best == best)) {
                        best = e;
                        at = row + j;
                    }
                }
            }
            v[ch] = best;
            if (arg != null) arg[ch] = at;
        }
    }

    private static void regionMaxLast(float[] x, int b, int h, int w, int c, int[] r, float[] v, int[] arg) {
        Arrays.fill(v, Float.NEGATIVE_INFINITY);
        int side = r[2];
        if (arg != null) {
            int first = ((b * h + r[0]) * w + r[1]) * c;
            for (int ch = 0; ch < c; ch++) arg[ch] = first + ch;
        }
        for (int i = r[0]; i < r[0] + side; i++) {
            for (int j = r[1]; j < r[1] + side; j++) {
                int at = ((b * h + i) * w + j) * c;
                for (int ch = 0; ch < c; ch++) {
                    float e = x[at + ch];
                    float best = v[ch];
                    if (e > best || (e != e && best == best)) {
                        v[ch] = e;
                        if (arg != null) arg[ch] = at + ch;
                    }
                }
            }
        }
    }
}
