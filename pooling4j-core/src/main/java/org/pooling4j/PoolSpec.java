package org.pooling4j;

import java.util.Arrays;
import org.pooling4j.internal.Budget;
import org.pooling4j.internal.Check;
import org.pooling4j.internal.Shapes;

// Longer than the project's 600 lines on purpose: the immutable spec, its public nested Builder
// (PoolSpec.Builder in users' code) and build()'s checks of every parameter are one type; the checks
// need the builder's fields, and moving the builder out would change the public API.
/**
 * What to compute: an immutable, validated description of one pooling operator and its parameters,
 * independent of any input. Create it with one of the static factories and the {@link Builder}.
 *
 * <p>Every parameter is checked when {@link Builder#build()} runs; checks that need the input
 * (output size, window fit) run in {@link Geometry#of} before any work. Defaults are PyTorch's:
 * stride = kernel, padding 0, dilation 1, floor mode, count_include_pad = true, NaN propagates.
 *
 * <pre>{@code
 * PoolSpec spec = PoolSpec.max(3, 3).stride(2, 2).padding(1, 1).build();
 * }</pre>
 */
public final class PoolSpec {
    private final PoolOp op;
    private final int rank;
    private final int[] kernel;
    private final int[] stride;
    private final int[] padBegin;
    private final int[] padEnd;
    private final AutoPad autoPad;
    private final int[] dilation;
    private final boolean ceilMode;
    private final boolean countIncludePad;
    private final int divisorOverride;
    private final double p;
    private final LpMode lpMode;
    private final NanPolicy nanPolicy;
    private final MaxFloor maxFloor;
    private final int[] outputSize;
    private final double[] outputRatio;
    private final Long seed;
    private final double alpha;
    private final boolean training;
    private final double sigma;
    private final float[] weights;
    private final int[] weightsShape;
    /** Per-tap weights used by the kernels (learned or Gaussian), {@code weightChannels x taps} or {@code taps}. */
    private final double[] tapWeights;
    /** Channels of per-channel weights, or 0 when one set of weights is shared by all channels. */
    private final int weightChannels;
    /** {@link #toString()}, built once: the tuner keys every call by it. Racy but benign (a String). */
    private String text;

    private PoolSpec(Builder b) {
        op = b.op;
        rank = b.rank;
        kernel = b.kernel;
        stride = b.stride;
        padBegin = b.padBegin;
        padEnd = b.padEnd;
        autoPad = b.autoPad;
        dilation = b.dilation;
        ceilMode = b.ceilMode;
        countIncludePad = b.countIncludePad;
        divisorOverride = b.divisorOverride;
        p = b.p;
        lpMode = b.lpMode;
        nanPolicy = b.nanPolicy;
        maxFloor = b.maxFloor;
        outputSize = b.outputSize;
        outputRatio = b.outputRatio;
        seed = b.seed;
        alpha = b.alpha;
        training = b.training == null || b.training;
        sigma = b.sigma;
        weights = b.weights;
        weightsShape = b.weightsShape;
        tapWeights = b.tapWeights;
        weightChannels = b.weightChannels;
    }

    /** Max pooling with the given kernel (one entry per spatial axis). */
    public static Builder max(int... kernel) {
        return new Builder(PoolOp.MAX, kernel);
    }

    /** Average pooling with the given kernel. */
    public static Builder avg(int... kernel) {
        return new Builder(PoolOp.AVG, kernel);
    }

    /** Lp pooling of order {@code p} (true norm by default; see {@link LpMode}). */
    public static Builder lp(double p, int... kernel) {
        return new Builder(PoolOp.LP, kernel).p(p);
    }

    public static Builder globalMax(int spatialDims) {
        return new Builder(PoolOp.GLOBAL_MAX, spatialDims);
    }

    public static Builder globalAvg(int spatialDims) {
        return new Builder(PoolOp.GLOBAL_AVG, spatialDims);
    }

    public static Builder globalLp(double p, int spatialDims) {
        return new Builder(PoolOp.GLOBAL_LP, spatialDims).p(p);
    }

    /** Adaptive max pooling to {@code outputSize}; a {@code null} entry keeps that axis's input size. */
    public static Builder adaptiveMax(Integer... outputSize) {
        return new Builder(PoolOp.ADAPTIVE_MAX, adaptiveSizes(outputSize));
    }

    /** Adaptive average pooling to {@code outputSize}; a {@code null} entry keeps that axis. */
    public static Builder adaptiveAvg(Integer... outputSize) {
        return new Builder(PoolOp.ADAPTIVE_AVG, adaptiveSizes(outputSize));
    }

    /** Fractional max pooling (2D or 3D) with the given kernel; set an output size or ratio. */
    public static Builder fractionalMax(int... kernel) {
        return new Builder(PoolOp.FRACTIONAL_MAX, kernel);
    }

    /**
     * Any sliding-window operator ({@link PoolOp#isSliding()}) by its constant, for code that picks the
     * operator at run time; parameters the operator needs (an Lp order, an alpha, weights) are set on
     * the builder and checked by {@link Builder#build()} as with its own factory.
     *
     * @throws IllegalArgumentException for an operator whose windows are not given by a kernel
     */
    public static Builder windowed(PoolOp op, int... kernel) {
        Check.notNull(op, "op");
        if (!op.isSliding()) {
            throw Check.fail(
                    "op",
                    op,
                    "is not a sliding-window operator; use its own factory (global, adaptive, fractional, unpool)");
        }
        return new Builder(op, kernel);
    }

    /** Max unpooling with the kernel of the max pooling it inverts; stride defaults to the kernel. */
    public static Builder maxUnpool(int... kernel) {
        return new Builder(PoolOp.MAX_UNPOOL, kernel);
    }

    /**
     * Stochastic pooling (Zeiler and Fergus 2013) with the given kernel; inputs must be finite and
     * {@code >= 0}. Training mode (the default) draws one tap per window with probability
     * {@code a_i / sum a}, from given uniforms or from {@link Builder#seed}; evaluation mode
     * ({@code training(false)}) gives {@code sum a_i^2 / sum a}. No dilation.
     */
    public static Builder stochastic(int... kernel) {
        return new Builder(PoolOp.STOCHASTIC, kernel);
    }

    /**
     * Mixed pooling {@code alpha * max + (1 - alpha) * avg} with {@code alpha} in [0, 1]; max and avg
     * follow {@link #max} and {@link #avg} (count_include_pad, divisor_override, ceil mode). No dilation.
     */
    public static Builder mixed(double alpha, int... kernel) {
        return new Builder(PoolOp.MIXED, kernel).alpha(alpha);
    }

    /**
     * Gated pooling {@code g * max + (1 - g) * avg}, {@code g = sigmoid(sum_k w_k x_k)} over the taps
     * inside the input; set the weights with {@link Builder#weights}. Max and avg as in {@link #mixed}.
     */
    public static Builder gated(int... kernel) {
        return new Builder(PoolOp.GATED, kernel);
    }

    /**
     * Weighted average {@code sum w_k x_k / sum w_k} over the taps inside the input (padding is in
     * neither sum); set learnable weights with {@link Builder#weights} or a fixed Gaussian with
     * {@link Builder#sigma}, exactly one.
     */
    public static Builder weightedAvg(int... kernel) {
        return new Builder(PoolOp.WEIGHTED_AVG, kernel);
    }

    private static int[] adaptiveSizes(Integer[] sizes) {
        Check.notNull(sizes, "outputSize");
        if (sizes.length == 0)
            throw Check.fail("outputSize", "[]", "must have one entry per spatial dimension (at least 1)");
        int[] out = new int[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] == null) {
                out[i] = -1;
            } else if (sizes[i] < 0) {
                throw Check.fail("outputSize", sizes, "entries must be >= 0 (or null to keep the input size)");
            } else {
                out[i] = sizes[i];
            }
        }
        return out;
    }

    public PoolOp op() {
        return op;
    }

    /** Number of spatial dimensions. */
    public int rank() {
        return rank;
    }

    /** Kernel per axis; {@code null} for global and adaptive operators. */
    public int[] kernel() {
        return kernel == null ? null : kernel.clone();
    }

    public int[] stride() {
        return stride == null ? null : stride.clone();
    }

    public int[] padBegin() {
        return padBegin.clone();
    }

    public int[] padEnd() {
        return padEnd.clone();
    }

    public AutoPad autoPad() {
        return autoPad;
    }

    public int[] dilation() {
        return dilation.clone();
    }

    public boolean ceilMode() {
        return ceilMode;
    }

    public boolean countIncludePad() {
        return countIncludePad;
    }

    /** The divisor override, or 0 when none is set. */
    public int divisorOverride() {
        return divisorOverride;
    }

    public boolean hasDivisorOverride() {
        return divisorOverride != 0;
    }

    public double p() {
        return p;
    }

    public LpMode lpMode() {
        return lpMode;
    }

    public NanPolicy nanPolicy() {
        return nanPolicy;
    }

    public MaxFloor maxFloor() {
        return maxFloor;
    }

    /** Requested output size ({@code -1} = keep the input size, adaptive only), or {@code null}. */
    public int[] outputSize() {
        return outputSize == null ? null : outputSize.clone();
    }

    /** Fractional output ratio, or {@code null}. */
    public double[] outputRatio() {
        return outputRatio == null ? null : outputRatio.clone();
    }

    /** Seed for drawn fractional samples or stochastic uniforms, or {@code null}. */
    public Long seed() {
        return seed;
    }

    /** Mixed pooling's weight of the maximum, in [0, 1]; NaN for other operators. */
    public double alpha() {
        return alpha;
    }

    /** Stochastic pooling's mode: true (the default) draws a tap, false gives the probability-weighted average. */
    public boolean training() {
        return training;
    }

    /** The Gaussian's sigma (in taps) of a weighted average with fixed weights; NaN when none. */
    public double sigma() {
        return sigma;
    }

    /** The learnable weights as given (a copy), or {@code null} (no weights, or a Gaussian). */
    public float[] weights() {
        return weights == null ? null : weights.clone();
    }

    /** The shape the learnable weights were given with (their gradient has it too), or {@code null}. */
    public int[] weightsShape() {
        return weightsShape == null ? null : weightsShape.clone();
    }

    /** Channels of per-channel gated weights (shape (C, taps) or (C, kernel...)), or 0 when shared. */
    public int weightChannels() {
        return weightChannels;
    }

    /**
     * Number of taps of one window: the product of the kernel, or {@link Integer#MAX_VALUE} when that
     * does not fit an {@code int} (the operators with weights reject such kernels in {@link
     * Builder#build()}, so for them this is exact).
     */
    public int windowTaps() {
        return (int) Math.min(Budget.product(kernel), Integer.MAX_VALUE);
    }

    /** The per-tap weights the kernels use (no copy): learned weights as doubles or the Gaussian. */
    public double[] tapWeights() {
        return tapWeights;
    }

    // Package-private direct access for the geometry and kernels (no copies in inner loops).
    public int kernelAt(int a) {
        return kernel[a];
    }

    public int strideAt(int a) {
        return stride[a];
    }

    int dilationAt(int a) {
        return dilation[a];
    }

    int padBeginAt(int a) {
        return padBegin[a];
    }

    int padEndAt(int a) {
        return padEnd[a];
    }

    int outputSizeAt(int a) {
        return outputSize[a];
    }

    double outputRatioAt(int a) {
        return outputRatio[a];
    }

    /** A builder initialised with this spec's values. */
    public Builder toBuilder() {
        Builder b = new Builder(op, kernel != null && !op.isAdaptive() ? kernel : null, rank);
        b.stride = stride;
        b.padBegin = padBegin;
        b.padEnd = padEnd;
        b.autoPad = autoPad;
        b.dilation = dilation;
        b.ceilMode = ceilMode;
        b.countIncludePad = countIncludePad;
        b.divisorOverride = divisorOverride;
        b.p = p;
        b.lpMode = lpMode;
        b.nanPolicy = nanPolicy;
        b.maxFloor = maxFloor;
        b.outputSize = outputSize;
        b.outputRatio = outputRatio;
        b.seed = seed;
        b.alpha = alpha;
        b.alphaGiven = op == PoolOp.MIXED;
        b.sigmaGiven = !Double.isNaN(sigma);
        b.training = op == PoolOp.STOCHASTIC ? training : null;
        b.sigma = sigma;
        b.weights = weights;
        b.weightsShape = weightsShape;
        return b;
    }

    /**
     * Specs are equal when every parameter is: operator, rank, sizes, padding, options, seed and
     * weights (compared by value, bit for bit). Equal specs give equal results on equal inputs, so
     * plans, tuner decisions and caches key by them.
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof PoolSpec)) return false;
        PoolSpec s = (PoolSpec) o;
        return op == s.op
                && rank == s.rank
                && Arrays.equals(kernel, s.kernel)
                && Arrays.equals(stride, s.stride)
                && Arrays.equals(padBegin, s.padBegin)
                && Arrays.equals(padEnd, s.padEnd)
                && autoPad == s.autoPad
                && Arrays.equals(dilation, s.dilation)
                && ceilMode == s.ceilMode
                && countIncludePad == s.countIncludePad
                && divisorOverride == s.divisorOverride
                && Double.compare(p, s.p) == 0
                && lpMode == s.lpMode
                && nanPolicy == s.nanPolicy
                && maxFloor == s.maxFloor
                && Arrays.equals(outputSize, s.outputSize)
                && Arrays.equals(outputRatio, s.outputRatio)
                && java.util.Objects.equals(seed, s.seed)
                && Double.compare(alpha, s.alpha) == 0
                && training == s.training
                && Double.compare(sigma, s.sigma) == 0
                && Arrays.equals(weights, s.weights)
                && Arrays.equals(weightsShape, s.weightsShape);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = java.util.Objects.hash(
                    op,
                    rank,
                    autoPad,
                    ceilMode,
                    countIncludePad,
                    divisorOverride,
                    p,
                    lpMode,
                    nanPolicy,
                    maxFloor,
                    seed,
                    alpha,
                    training,
                    sigma);
            h = 31 * h + Arrays.hashCode(kernel);
            h = 31 * h + Arrays.hashCode(stride);
            h = 31 * h + Arrays.hashCode(padBegin);
            h = 31 * h + Arrays.hashCode(padEnd);
            h = 31 * h + Arrays.hashCode(dilation);
            h = 31 * h + Arrays.hashCode(outputSize);
            h = 31 * h + Arrays.hashCode(outputRatio);
            h = 31 * h + Arrays.hashCode(weights);
            h = 31 * h + Arrays.hashCode(weightsShape);
            hash = h;
        }
        return h;
    }

    // Cached hashCode (0: not computed yet); racy but benign, as for String.
    private int hash;

    @Override
    public String toString() {
        String t = text;
        if (t == null) {
            t = describe();
            text = t;
        }
        return t;
    }

    private String describe() {
        StringBuilder s =
                new StringBuilder(op.name().toLowerCase()).append(rank).append("d");
        if (kernel != null) s.append(" kernel=").append(Arrays.toString(kernel));
        if (stride != null) s.append(" stride=").append(Arrays.toString(stride));
        if (autoPad != AutoPad.NOTSET) s.append(" auto_pad=").append(autoPad);
        else if (kernel != null)
            s.append(" pad=").append(Arrays.toString(padBegin)).append('/').append(Arrays.toString(padEnd));
        if (op.isSliding()) s.append(" dilation=").append(Arrays.toString(dilation));
        if (ceilMode) s.append(" ceil_mode");
        if (op == PoolOp.AVG || op == PoolOp.MIXED || op == PoolOp.GATED)
            s.append(" count_include_pad=").append(countIncludePad);
        if (divisorOverride != 0) s.append(" divisor_override=").append(divisorOverride);
        if (op == PoolOp.LP || op == PoolOp.GLOBAL_LP)
            s.append(" p=").append(p).append(' ').append(lpMode);
        if (op.isMaxType()) s.append(" nan=").append(nanPolicy);
        if (outputSize != null) s.append(" output_size=").append(Arrays.toString(outputSize));
        if (outputRatio != null) s.append(" output_ratio=").append(Arrays.toString(outputRatio));
        if (op == PoolOp.MIXED) s.append(" alpha=").append(alpha);
        if (op == PoolOp.STOCHASTIC) s.append(training ? " training" : " eval");
        if (!Double.isNaN(sigma)) s.append(" sigma=").append(sigma);
        if (weightsShape != null) s.append(" weights=").append(Arrays.toString(weightsShape));
        return s.toString();
    }

    /** Collects parameters; {@link #build()} validates all of them. Arrays of length 1 are broadcast. */
    public static final class Builder {
        private final PoolOp op;
        private final int rank;
        private final int[] kernel;
        private int[] stride;
        private int[] padBegin;
        private int[] padEnd;
        private AutoPad autoPad = AutoPad.NOTSET;
        private int[] dilation;
        private boolean ceilMode;
        private boolean countIncludePad = true;
        private int divisorOverride;
        private double p = 2;
        private LpMode lpMode = LpMode.NORM;
        private NanPolicy nanPolicy = NanPolicy.PROPAGATE;
        private MaxFloor maxFloor = MaxFloor.NEGATIVE_INFINITY;
        private int[] outputSize;
        private double[] outputRatio;
        private Long seed;
        private double alpha = Double.NaN;
        private boolean alphaGiven;
        private Boolean training;
        private double sigma = Double.NaN;
        private boolean sigmaGiven;
        private float[] weights;
        private int[] weightsShape;
        private double[] tapWeights;
        private int weightChannels;

        Builder(PoolOp op, int[] kernelOrSizes) {
            this.op = op;
            Check.notNull(kernelOrSizes, op.isAdaptive() ? "outputSize" : "kernel");
            if (kernelOrSizes.length == 0) {
                throw Check.fail(
                        op.isAdaptive() ? "outputSize" : "kernel",
                        kernelOrSizes,
                        "must have one entry per spatial dimension (at least 1)");
            }
            this.rank = kernelOrSizes.length;
            if (op.isAdaptive()) {
                this.kernel = null;
                this.outputSize = kernelOrSizes.clone();
            } else {
                this.kernel = kernelOrSizes.clone();
            }
        }

        Builder(PoolOp op, int spatialDims) {
            this.op = op;
            if (spatialDims < 1) throw Check.fail("spatialDims", spatialDims, "must be >= 1");
            this.rank = spatialDims;
            this.kernel = null;
        }

        private Builder(PoolOp op, int[] kernel, int rank) {
            this.op = op;
            this.rank = rank;
            this.kernel = kernel;
        }

        private int[] broadcast(int[] v, String name) {
            Check.notNull(v, name);
            if (v.length == 1 && rank > 1) {
                int[] out = new int[rank];
                Arrays.fill(out, v[0]);
                return out;
            }
            return v.clone();
        }

        /** Stride per axis (default: the kernel, as PyTorch). */
        public Builder stride(int... stride) {
            this.stride = broadcast(stride, "stride");
            return this;
        }

        /** Symmetric padding per axis (same at begin and end). */
        public Builder padding(int... padding) {
            this.padBegin = broadcast(padding, "padding");
            this.padEnd = this.padBegin.clone();
            return this;
        }

        /** Per-side padding: {@code begin[i]} before and {@code end[i]} after axis i. */
        public Builder padding(int[] begin, int[] end) {
            this.padBegin = broadcast(begin, "padBegin");
            this.padEnd = broadcast(end, "padEnd");
            return this;
        }

        public Builder autoPad(AutoPad autoPad) {
            this.autoPad = Check.notNull(autoPad, "autoPad");
            return this;
        }

        public Builder dilation(int... dilation) {
            this.dilation = broadcast(dilation, "dilation");
            return this;
        }

        public Builder ceilMode(boolean ceilMode) {
            this.ceilMode = ceilMode;
            return this;
        }

        public Builder countIncludePad(boolean countIncludePad) {
            this.countIncludePad = countIncludePad;
            return this;
        }

        /** Divide every average by this number instead (PyTorch's divisor_override; not 0). */
        public Builder divisorOverride(int divisor) {
            if (divisor == 0) throw Check.fail("divisorOverride", divisor, "must not be 0");
            this.divisorOverride = divisor;
            return this;
        }

        public Builder p(double p) {
            this.p = p;
            return this;
        }

        public Builder lpMode(LpMode lpMode) {
            this.lpMode = Check.notNull(lpMode, "lpMode");
            return this;
        }

        public Builder nanPolicy(NanPolicy nanPolicy) {
            this.nanPolicy = Check.notNull(nanPolicy, "nanPolicy");
            return this;
        }

        public Builder maxFloor(MaxFloor maxFloor) {
            this.maxFloor = Check.notNull(maxFloor, "maxFloor");
            return this;
        }

        /** Output size: fractional (required unless a ratio is given) or max unpool (optional). */
        public Builder outputSize(int... outputSize) {
            this.outputSize = broadcast(outputSize, "outputSize");
            return this;
        }

        /** Fractional output ratio per axis, each in (0, 1). */
        public Builder outputRatio(double... ratio) {
            Check.notNull(ratio, "outputRatio");
            if (ratio.length == 1 && rank > 1) {
                double[] r = new double[rank];
                Arrays.fill(r, ratio[0]);
                this.outputRatio = r;
            } else {
                this.outputRatio = ratio.clone();
            }
            return this;
        }

        /**
         * Seed of the generator that draws fractional samples, or stochastic pooling's uniforms, when
         * none are given. Stochastic uniforms are a hash of (seed, logical output index), so a seed
         * gives the same result for any thread count and either layout.
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Mixed pooling's weight of the maximum: finite and in [0, 1]. */
        public Builder alpha(double alpha) {
            this.alpha = alpha;
            this.alphaGiven = true;
            return this;
        }

        /** Stochastic pooling's mode (default true: draw a tap; false: probability-weighted average). */
        public Builder training(boolean training) {
            this.training = training;
            return this;
        }

        /** A fixed Gaussian {@code exp(-|d|^2 / (2 sigma^2))} over each tap's distance d (in taps) from the window centre. */
        public Builder sigma(double sigma) {
            this.sigma = sigma;
            this.sigmaGiven = true;
            return this;
        }

        /**
         * Learnable weights, copied. Gated pooling: shape {@code (taps)} or the kernel shape (shared by
         * all channels), or {@code (C, taps)} or {@code (C, kernel...)} (one set per channel).
         * Weighted average: the kernel shape or {@code (taps)}. Taps are in row-major window order
         * (depth, height, width). An empty {@code shape} means {@code (values.length)}.
         */
        public Builder weights(float[] values, int... shape) {
            Check.notNull(values, "weights");
            Check.notNull(shape, "weights shape");
            this.weights = values.clone();
            this.weightsShape = shape.length == 0 ? new int[] {values.length} : shape.clone();
            return this;
        }

        /**
         * Validates every parameter and returns the immutable spec.
         *
         * @throws IllegalArgumentException naming the parameter, its value and the rule it breaks;
         *     also when the weights' tap count (the kernel's product, taken in {@code long}) exceeds a
         *     Java array, or the weights the kernels keep are over the memory budget ({@link Limits})
         */
        public PoolSpec build() {
            if (nanPolicy == NanPolicy.FIRST_TAP
                    && op != PoolOp.MAX
                    && op != PoolOp.GLOBAL_MAX
                    && op != PoolOp.ADAPTIVE_MAX) {
                throw Check.fail(
                        "nanPolicy", nanPolicy, "applies to max, global max and adaptive max pooling only, not " + op);
            }
            boolean sliding = op.isSliding() || op == PoolOp.FRACTIONAL_MAX || op == PoolOp.MAX_UNPOOL;
            if (sliding) {
                Check.atLeast(kernel, 1, "kernel");
                if (stride == null) stride = op == PoolOp.FRACTIONAL_MAX ? null : kernel.clone();
                if (stride != null) {
                    Check.length(stride, rank, "stride");
                    Check.atLeast(stride, 1, "stride");
                }
            } else if (stride != null) {
                throw Check.fail("stride", stride, op + " has no stride");
            }
            if (dilation == null) {
                dilation = ones(rank);
            } else {
                Check.length(dilation, rank, "dilation");
                Check.atLeast(dilation, 1, "dilation");
                if (!isOnes(dilation) && !op.isSliding())
                    throw Check.fail("dilation", dilation, op + " has no dilation");
            }
            if (padBegin == null) {
                padBegin = new int[rank];
                padEnd = new int[rank];
            } else {
                Check.length(padBegin, rank, "padBegin");
                Check.length(padEnd, rank, "padEnd");
                Check.atLeast(padBegin, 0, "padding");
                Check.atLeast(padEnd, 0, "padding");
                boolean any = !isZeros(padBegin) || !isZeros(padEnd);
                if (any && !(op.isSliding() || op == PoolOp.MAX_UNPOOL)) {
                    throw Check.fail("padding", padBegin, op + " has no padding");
                }
                if (any && autoPad != AutoPad.NOTSET) {
                    throw Check.fail(
                            "padding", padBegin, "explicit padding cannot be combined with autoPad = " + autoPad);
                }
                if (op.isSliding()) {
                    for (int a = 0; a < rank; a++) {
                        long k = Shapes.effectiveKernel(kernel[a], dilation[a]);
                        if (padBegin[a] >= k || padEnd[a] >= k) {
                            throw Check.fail(
                                    "padding",
                                    padBegin[a] >= k ? padBegin : padEnd,
                                    "must be smaller than the effective kernel " + k + " on axis " + a
                                            + " (a window may not lie entirely in padding)");
                        }
                    }
                }
            }
            if (autoPad != AutoPad.NOTSET && !op.isSliding())
                throw Check.fail("autoPad", autoPad, op + " has no auto padding");
            if (kernel != null) {
                for (int a = 0; a < rank; a++) {
                    if (Shapes.effectiveKernel(kernel[a], dilation[a]) > Integer.MAX_VALUE) {
                        throw Check.fail(
                                "dilation",
                                dilation,
                                "effective kernel dilation*(kernel-1)+1 on axis " + a + " overflows 2^31-1");
                    }
                }
            }
            if (ceilMode && !(op.isSliding())) throw Check.fail("ceilMode", true, op + " has no ceil mode");
            if (divisorOverride != 0 && op != PoolOp.AVG && op != PoolOp.MIXED && op != PoolOp.GATED) {
                throw Check.fail(
                        "divisorOverride",
                        divisorOverride,
                        "applies to average pooling only (and the avg of mixed and gated pooling), not " + op);
            }
            checkBeyond();
            if (op == PoolOp.LP || op == PoolOp.GLOBAL_LP) {
                if (!(p > 0) || Double.isInfinite(p)) throw Check.fail("p", p, "the norm order must be finite and > 0");
                if (lpMode == LpMode.PYTORCH) {
                    if (op == PoolOp.GLOBAL_LP)
                        throw Check.fail("lpMode", lpMode, "PYTORCH mode applies to LP, not GLOBAL_LP");
                    if (!isZeros(padBegin) || !isZeros(padEnd))
                        throw Check.fail("padding", padBegin, "PyTorch's lp_pool has no padding");
                    if (!isOnes(dilation)) throw Check.fail("dilation", dilation, "PyTorch's lp_pool has no dilation");
                    if (autoPad != AutoPad.NOTSET && autoPad != AutoPad.VALID)
                        throw Check.fail("autoPad", autoPad, "PyTorch's lp_pool has no padding");
                }
            }
            if (op.isAdaptive()) {
                Check.length(outputSize, rank, "outputSize");
                Check.atLeast(outputSize, -1, "outputSize");
            } else if (op == PoolOp.FRACTIONAL_MAX) {
                if (rank != 2 && rank != 3)
                    throw Check.fail(
                            "kernel", kernel, "fractional max pooling is defined for 2 or 3 spatial dimensions");
                if ((outputSize == null) == (outputRatio == null)) {
                    throw Check.fail(
                            "outputSize",
                            outputSize == null ? "null" : outputSize,
                            "fractional max pooling needs exactly one of outputSize and outputRatio");
                }
                if (outputSize != null) {
                    Check.length(outputSize, rank, "outputSize");
                    Check.atLeast(outputSize, 1, "outputSize");
                } else {
                    if (outputRatio.length != rank)
                        throw Check.fail("outputRatio", outputRatio, "must have " + rank + " entries");
                    for (double r : outputRatio) {
                        if (!(r > 0 && r < 1))
                            throw Check.fail("outputRatio", outputRatio, "every ratio must be in (0, 1)");
                    }
                }
            } else if (op == PoolOp.MAX_UNPOOL) {
                if (outputSize != null) {
                    Check.length(outputSize, rank, "outputSize");
                    Check.atLeast(outputSize, 1, "outputSize");
                }
            } else if (outputSize != null) {
                throw Check.fail("outputSize", outputSize, op + " takes no output size");
            }
            if (outputRatio != null && op != PoolOp.FRACTIONAL_MAX)
                throw Check.fail("outputRatio", outputRatio, "applies to fractional max pooling only");
            if (kernel != null) Check.length(kernel, rank, "kernel");
            return new PoolSpec(this);
        }

        /** The parameters of stochastic, mixed, gated and weighted-average pooling. */
        private void checkBeyond() {
            if ((op == PoolOp.STOCHASTIC || op == PoolOp.MIXED || op == PoolOp.GATED) && !isOnes(dilation)) {
                throw Check.fail(
                        "dilation",
                        dilation,
                        op + " has no dilation (its max and avg follow max_pool/avg_pool's keys)");
            }
            if (op == PoolOp.MIXED) {
                if (!(alpha >= 0 && alpha <= 1))
                    throw Check.fail("alpha", alpha, "must be in [0, 1] (y = alpha*max + (1-alpha)*avg)");
            } else if (alphaGiven) {
                throw Check.fail("alpha", alpha, "applies to mixed pooling only, not " + op);
            }
            if (training != null && op != PoolOp.STOCHASTIC)
                throw Check.fail("training", training, "applies to stochastic pooling only, not " + op);
            if (sigmaGiven && op != PoolOp.WEIGHTED_AVG)
                throw Check.fail("sigma", sigma, "applies to weighted average pooling only, not " + op);
            if (weights != null && !op.hasWeights())
                throw Check.fail(
                        "weights", weightsShape, "apply to gated and weighted average pooling only, not " + op);
            tapWeights = null;
            weightChannels = 0;
            if (!op.hasWeights()) return;
            // The tap count in long: a kernel such as [65536, 65537] must not wrap to a small count.
            long tapCount = Budget.product(kernel);
            if (tapCount > Check.MAX_ELEMENTS) {
                throw Check.fail(
                        "kernel",
                        kernel,
                        "a window of " + Budget.dims(kernel) + " = " + tapCount + " taps has more weights than a Java"
                                + " array holds (" + Check.MAX_ELEMENTS + ")");
            }
            int taps = (int) tapCount;
            if (op == PoolOp.WEIGHTED_AVG) {
                if (weights != null && sigmaGiven) {
                    throw Check.fail("sigma", sigma, "give learnable weights or a Gaussian sigma, not both");
                }
                if (weights == null && !sigmaGiven) {
                    throw Check.fail(
                            "weights",
                            "null",
                            "weighted average pooling needs weights (kernel-shaped) or a Gaussian sigma");
                }
                if (weights == null) {
                    if (!(sigma > 0) || Double.isInfinite(sigma))
                        throw Check.fail("sigma", sigma, "must be finite and > 0");
                    Budget.bytes(
                            "kernel",
                            kernel,
                            "the Gaussian weights",
                            taps,
                            Double.BYTES,
                            Budget.dims(kernel) + " doubles, one per tap");
                    tapWeights = gaussian(kernel, sigma);
                    double total = 0;
                    for (double w : tapWeights) total += w;
                    if (!(total > 0)) {
                        throw Check.fail(
                                "sigma",
                                sigma,
                                "is so small that every weight of kernel " + Arrays.toString(kernel)
                                        + " underflows to 0");
                    }
                    return;
                }
            } else if (weights == null) {
                throw Check.fail(
                        "weights",
                        "null",
                        "gated pooling needs weights: shape (" + taps + ") or " + Arrays.toString(kernel)
                                + " shared by all channels, or (C, " + taps + ") or (C, kernel...) per channel");
            }
            long n = 1;
            for (int d : weightsShape) {
                if (d < 1) throw Check.fail("weights shape", weightsShape, "dimensions must be >= 1");
                n *= d;
                if (n > Check.MAX_ELEMENTS) throw Check.fail("weights shape", weightsShape, "has too many elements");
            }
            if (n != weights.length) {
                throw Check.fail(
                        "weights shape",
                        weightsShape,
                        "has " + n + " elements but " + weights.length + " values were given");
            }
            boolean flat = weightsShape.length == 1 && weightsShape[0] == taps;
            boolean kernelShaped = Arrays.equals(weightsShape, kernel);
            boolean perChannel = false;
            if (op == PoolOp.GATED && !flat && !kernelShaped && weightsShape.length >= 2) {
                int[] rest = Arrays.copyOfRange(weightsShape, 1, weightsShape.length);
                perChannel = (rest.length == 1 && rest[0] == taps) || Arrays.equals(rest, kernel);
            }
            if (!flat && !kernelShaped && !perChannel) {
                String want = op == PoolOp.GATED
                        ? "(" + taps + ") or " + Arrays.toString(kernel) + " (shared), or (C, " + taps + ") or (C, "
                                + join(kernel) + ") (per channel)"
                        : Arrays.toString(kernel) + " (the kernel shape) or (" + taps + ")";
                throw Check.fail("weights shape", weightsShape, "must be " + want);
            }
            for (int i = 0; i < weights.length; i++) {
                if (!Float.isFinite(weights[i]))
                    throw Check.fail("weights[" + i + "]", weights[i], "weights must be finite");
            }
            Budget.bytes(
                    "weights shape",
                    weightsShape,
                    "the weights as doubles",
                    weights.length,
                    Double.BYTES,
                    weights.length + " doubles");
            tapWeights = new double[weights.length];
            double total = 0;
            for (int i = 0; i < weights.length; i++) {
                tapWeights[i] = weights[i];
                total += weights[i];
            }
            weightChannels = perChannel ? weightsShape[0] : 0;
            if (op == PoolOp.WEIGHTED_AVG && total == 0) {
                throw Check.fail("weights", weights, "sum to 0: y = sum w x / sum w is undefined");
            }
        }

        /** Gaussian over each tap's distance from the window centre (k-1)/2, in taps, row-major. */
        private static double[] gaussian(int[] kernel, double sigma) {
            int taps = (int) Budget.product(kernel); // checked against Check.MAX_ELEMENTS by the caller
            double[] w = new double[taps];
            int[] t = new int[kernel.length];
            for (int i = 0; i < taps; i++) {
                double d2 = 0;
                for (int a = 0; a < kernel.length; a++) {
                    double d = t[a] - (kernel[a] - 1) / 2.0;
                    d2 += d * d;
                }
                // The centre tap weighs 1 even when sigma^2 underflows (0/0 would give NaN).
                w[i] = d2 == 0 ? 1 : Math.exp(-d2 / (2 * sigma * sigma));
                for (int a = kernel.length - 1; a >= 0; a--) {
                    if (++t[a] < kernel[a]) break;
                    t[a] = 0;
                }
            }
            return w;
        }

        private static String join(int[] a) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < a.length; i++) s.append(i == 0 ? "" : ", ").append(a[i]);
            return s.toString();
        }

        private static int[] ones(int n) {
            int[] a = new int[n];
            Arrays.fill(a, 1);
            return a;
        }

        private static boolean isOnes(int[] a) {
            for (int v : a) if (v != 1) return false;
            return true;
        }

        private static boolean isZeros(int[] a) {
            for (int v : a) if (v != 0) return false;
            return true;
        }
    }
}
