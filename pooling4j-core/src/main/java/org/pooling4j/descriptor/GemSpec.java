package org.pooling4j.descriptor;

import java.util.Arrays;
import org.pooling4j.PoolSpec;
import org.pooling4j.internal.Check;

/**
 * What a generalised-mean (GeM) pooling computes: {@code (mean over the window of max(x, eps)^p)^(1/p)},
 * either over the whole spatial extent ({@link #global}) or over sliding windows ({@link #windowed}).
 * Built like a {@link PoolSpec}: a factory, optional settings, and {@link Builder#build()}, which checks
 * every setting.
 *
 * <p>The windows, their padding and their divisor are those of {@code avg_pool} with
 * {@code count_include_pad = true} and {@code ceil_mode = false}: a padded position contributes 0 to the
 * sum and counts in the divisor, exactly as PyTorch's {@code F.avg_pool2d(x.clamp(min=eps).pow(p), k, s,
 * pad).pow(1/p)} computes it (docs/semantics.md, "Global descriptors").
 */
public final class GemSpec {
    /** The default exponent, 3, as in Radenović et al. and the usual PyTorch GeM layer. */
    public static final double DEFAULT_P = 3;

    /** The default clamp, 1e-6. */
    public static final double DEFAULT_EPS = 1e-6;

    private final int rank;
    private final boolean global;
    private final double p;
    private final double eps;
    private final PoolSpec avg;

    private GemSpec(int rank, boolean global, double p, double eps, PoolSpec avg) {
        this.rank = rank;
        this.global = global;
        this.p = p;
        this.eps = eps;
        this.avg = avg;
    }

    /**
     * GeM over the whole spatial extent of each channel: the output keeps {@code spatialDims} axes of
     * size 1, as PyTorch's formulation with the kernel equal to the input size does.
     *
     * @param spatialDims 1, 2 or 3
     */
    public static Builder global(int spatialDims) {
        checkRank(spatialDims, "spatialDims");
        return new Builder(spatialDims, null);
    }

    /**
     * GeM over sliding windows of {@code kernel} (one entry per spatial axis, 1 to 3 of them); the
     * stride defaults to the kernel and the padding to 0.
     */
    public static Builder windowed(int... kernel) {
        Check.notNull(kernel, "kernel");
        checkRank(kernel.length, "kernel.length");
        return new Builder(kernel.length, kernel.clone());
    }

    private static void checkRank(int r, String name) {
        if (r < 1 || r > 3) throw Check.fail(name, r, "must be 1, 2 or 3 (the spatial dimensions pooled)");
    }

    /** The number of spatial dimensions pooled. */
    public int rank() {
        return rank;
    }

    /** Whether the window is the whole spatial extent. */
    public boolean isGlobal() {
        return global;
    }

    /** The exponent (finite, &gt; 0). */
    public double p() {
        return p;
    }

    /** The clamp applied before the power (finite, &gt; 0); computed in float32 as {@code (float) eps}. */
    public double eps() {
        return eps;
    }

    /** The same windows with another exponent (for a learnable p that changes between calls). */
    public GemSpec withP(double newP) {
        checkP(newP);
        return new GemSpec(rank, global, newP, eps, avg);
    }

    /**
     * The average pooling whose windows, padding and divisor GeM uses: {@code globalAvg} for a global
     * spec, else {@code avg} with {@code countIncludePad(true)} and {@code ceilMode(false)}.
     */
    public PoolSpec averaging() {
        return avg;
    }

    private static void checkP(double p) {
        if (!(p > 0) || Double.isInfinite(p)) throw Check.fail("p", p, "must be finite and > 0");
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GemSpec)) return false;
        GemSpec g = (GemSpec) o;
        return rank == g.rank
                && global == g.global
                && Double.compare(p, g.p) == 0
                && Double.compare(eps, g.eps) == 0
                && avg.equals(g.avg);
    }

    @Override
    public int hashCode() {
        return (avg.hashCode() * 31 + Double.hashCode(p)) * 31 + Double.hashCode(eps);
    }

    @Override
    public String toString() {
        if (global) return "GemSpec{global, rank=" + rank + ", p=" + p + ", eps=" + eps + "}";
        return "GemSpec{kernel=" + Arrays.toString(avg.kernel()) + ", stride=" + Arrays.toString(avg.stride())
                + ", padding=" + Arrays.toString(avg.padBegin()) + ", p=" + p + ", eps=" + eps + "}";
    }

    /** Settings of a {@link GemSpec}; {@link #build()} checks them all. */
    public static final class Builder {
        private final int rank;
        private final int[] kernel;
        private int[] stride;
        private int[] padding;
        private double p = DEFAULT_P;
        private double eps = DEFAULT_EPS;

        private Builder(int rank, int[] kernel) {
            this.rank = rank;
            this.kernel = kernel;
        }

        /** The exponent; default {@link #DEFAULT_P}. */
        public Builder p(double p) {
            this.p = p;
            return this;
        }

        /** The clamp; default {@link #DEFAULT_EPS}. */
        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        /** Stride per axis (one entry is repeated); windowed GeM only; default the kernel. */
        public Builder stride(int... stride) {
            Check.notNull(stride, "stride");
            if (kernel == null)
                throw Check.fail("stride", stride, "global GeM has no stride (its window is the input)");
            this.stride = stride.clone();
            return this;
        }

        /** Zero padding per axis, both sides (one entry is repeated); windowed GeM only; default 0. */
        public Builder padding(int... padding) {
            Check.notNull(padding, "padding");
            if (kernel == null) {
                throw Check.fail("padding", padding, "global GeM has no padding (its window is the input)");
            }
            this.padding = padding.clone();
            return this;
        }

        /**
         * @throws IllegalArgumentException if {@code p} is not finite and &gt; 0, {@code eps} not finite
         *     and &gt; 0 (or 0 in float32), or the kernel, stride or padding break avg_pool's rules
         */
        public GemSpec build() {
            checkP(p);
            if (!(eps > 0) || Double.isInfinite(eps) || (float) eps == 0f || Float.isInfinite((float) eps)) {
                throw Check.fail("eps", eps, "must be finite and > 0 (in float32: at least 1.4e-45)");
            }
            PoolSpec avg;
            if (kernel == null) {
                avg = PoolSpec.globalAvg(rank).build();
            } else {
                PoolSpec.Builder b = PoolSpec.avg(kernel).countIncludePad(true).ceilMode(false);
                if (stride != null) b.stride(stride);
                if (padding != null) b.padding(padding);
                avg = b.build();
            }
            return new GemSpec(rank, kernel == null, p, eps, avg);
        }
    }
}
