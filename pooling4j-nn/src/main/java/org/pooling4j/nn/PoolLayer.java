package org.pooling4j.nn;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.pooling4j.Argmax;
import org.pooling4j.GateCache;
import org.pooling4j.Geometry;
import org.pooling4j.Layout;
import org.pooling4j.LongTensor;
import org.pooling4j.PoolOp;
import org.pooling4j.PoolPlan;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooled;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;

// Longer than the project's 600 lines on purpose: one layer serves every pooling kind, and each
// kind's spec, forward, backward and model-file form sit side by side in its switches, so a kind is
// read, and added, in one place (docs/architecture.md, "Adding an operator").
/**
 * Every 2D pooling operator of the core as a layer over channels-first (N, C, H, W) input. The
 * pooling itself is the core's ({@link Pooling} with a {@link PoolSpec}); this class adds the
 * layer's state: training/evaluation behaviour, seeded randomness, and learnable weights.
 *
 * <ul>
 * <li>{@link #max}, {@link #avg}, {@link #lp}, {@link #mixed}: square window and stride.
 * <li>{@link #globalMax}, {@link #globalAvg}: one value per channel (output (N, C, 1, 1)).
 * <li>{@link #adaptiveMax}, {@link #adaptiveAvg}: a fixed output size.
 * <li>{@link #fractionalMax}: pseudo-random windows; training draws fresh samples each forward from
 *     the layer's seeded generator, evaluation uses fixed samples derived from the seed.
 * <li>{@link #stochastic}: training draws one tap per window (probability proportional to the value)
 *     from the seeded generator; evaluation gives {@code sum a^2 / sum a}. Inputs must be finite and
 *     {@code >= 0}: place it after a ReLU.
 * <li>{@link #gated}: {@code g max + (1 - g) avg} with {@code g = sigmoid(w . window)}, the tap
 *     weights {@code w} a learnable {@link Param} "gate" (shared by all channels).
 * <li>{@link #weightedAvg}: {@code sum w x / sum w} with learnable tap weights "weights" initialised
 *     to a Gaussian of the tap's distance from the window centre; {@link #gaussian}: the same with a
 *     fixed Gaussian.
 * </ul>
 */
public final class PoolLayer extends Layer {
    /**
     * The op names of model files: the core operator's name in lower case, and "gaussian" for a
     * weighted average with fixed Gaussian weights (no learnable weights).
     */
    private static final List<String> MODEL_OPS = modelOps();

    private static List<String> modelOps() {
        // Global Lp and max unpooling are no layers; every other operator is, under its wire name.
        List<String> names = new java.util.ArrayList<>();
        for (PoolOp op : PoolOp.values()) {
            if (op != PoolOp.GLOBAL_LP && op != PoolOp.MAX_UNPOOL) names.add(op.wireName());
        }
        names.add("gaussian");
        return List.copyOf(names);
    }

    private final PoolOp op;
    private final int kernel, stride;
    private final double p, alpha, sigma, ratio;
    private final int outH, outW;
    private final long seed;
    private final Param weights;
    private final PoolSpec fixedSpec;
    private final PoolSpec evalSpec;
    private final SplittableRandom random;

    private PoolSpec lastSpec;
    private Tensor lastX;
    private Tensor lastSamples;
    // The taps fractional max and stochastic training picked in the last forward: backward routes by
    // them instead of redrawing every window.
    private LongTensor lastIndices;
    private Argmax lastArgmax;
    private int[] lastOut;
    private String lastKernel;
    private boolean frozen;
    private boolean argmaxUnavailable;
    private PoolSpec fractionalSpec;
    private int fractionalH = -1, fractionalW = -1;

    /** {@code fixedWeights}: a weighted average whose weights are the fixed Gaussian of {@code sigma}, not learnable ones. */
    // The max-pooling plan of the last input shape (see maxPlan).
    private PoolPlan maxPlan;

    private PoolLayer(
            PoolOp op,
            boolean fixedWeights,
            int kernel,
            int stride,
            double p,
            double alpha,
            double sigma,
            double ratio,
            int outH,
            int outW,
            long seed) {
        this.op = op;
        this.kernel = kernel;
        this.stride = stride;
        this.p = p;
        this.alpha = alpha;
        this.sigma = sigma;
        this.ratio = ratio;
        this.outH = outH;
        this.outW = outW;
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        PoolSpec fixed = null;
        PoolSpec eval = null;
        Param w = null;
        switch (op) {
            case LP:
                fixed = PoolSpec.lp(p, kernel, kernel).stride(stride, stride).build();
                break;
            case MIXED:
                fixed = PoolSpec.mixed(alpha, kernel, kernel)
                        .stride(stride, stride)
                        .build();
                break;
            case GLOBAL_MAX:
                fixed = PoolSpec.globalMax(2).build();
                break;
            case GLOBAL_AVG:
                fixed = PoolSpec.globalAvg(2).build();
                break;
            case ADAPTIVE_MAX:
                fixed = PoolSpec.adaptiveMax(outH, outW).build();
                break;
            case ADAPTIVE_AVG:
                fixed = PoolSpec.adaptiveAvg(outH, outW).build();
                break;
            case STOCHASTIC:
                fixed = PoolSpec.stochastic(kernel, kernel)
                        .stride(stride, stride)
                        .build();
                eval = PoolSpec.stochastic(kernel, kernel)
                        .stride(stride, stride)
                        .training(false)
                        .build();
                break;
            case FRACTIONAL_MAX:
                // Validates kernel and ratio now; the spec actually used is rebuilt per input size.
                if (ratio > 0)
                    PoolSpec.fractionalMax(kernel, kernel)
                            .outputRatio(ratio, ratio)
                            .seed(seed)
                            .build();
                break;
            case GATED:
                w = new Param("gate", true, kernel * kernel);
                // Small random gates: g starts near 1/2 (an even mix of max and average) but the taps differ.
                float[] gv = w.value();
                SplittableRandom r = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
                for (int i = 0; i < gv.length; i++) gv[i] = (float) ((r.nextDouble() * 2 - 1) * 0.1);
                specWith(w.value());
                break;
            case WEIGHTED_AVG:
                if (fixedWeights) {
                    fixed = PoolSpec.weightedAvg(kernel, kernel)
                            .stride(stride, stride)
                            .sigma(sigma)
                            .build();
                    break;
                }
                w = new Param("weights", true, kernel, kernel);
                float[] wv = w.value();
                double c = (kernel - 1) / 2.0;
                for (int i = 0; i < kernel; i++) {
                    for (int j = 0; j < kernel; j++) {
                        double d2 = (i - c) * (i - c) + (j - c) * (j - c);
                        wv[i * kernel + j] = (float) Math.exp(-d2 / (2 * sigma * sigma));
                    }
                }
                specWith(w.value());
                break;
            default:
                // max, avg and any other sliding-window operator with nothing beyond kernel and stride.
                if (!op.isSliding()) throw new AssertionError(op);
                fixed = PoolSpec.windowed(op, kernel, kernel)
                        .stride(stride, stride)
                        .build();
                break;
        }
        this.fixedSpec = fixed;
        this.evalSpec = eval;
        this.weights = w;
    }

    private static int checkKernel(int kernel) {
        return Layers.atLeast(kernel, 1, "kernel");
    }

    private static int checkStride(int stride) {
        return Layers.atLeast(stride, 1, "stride");
    }

    /**
     * Any sliding-window operator that has no parameter beyond kernel and stride (max, avg, and
     * operators added to the core later), {@code kernel x kernel} window, stride {@code stride}.
     *
     * @throws IllegalArgumentException for operators with parameters of their own, naming their factory
     */
    public static PoolLayer windowed(PoolOp op, int kernel, int stride) {
        if (op == null) throw new NullPointerException("op must not be null");
        if (!windowOnly(op)) {
            throw new IllegalArgumentException(
                    "op = " + op + ": PoolLayer.windowed takes sliding-window operators without "
                            + "parameters of their own; use the operator's factory (lp, mixed, stochastic, gated, weightedAvg, ...)");
        }
        return new PoolLayer(op, false, checkKernel(kernel), checkStride(stride), 0, 0, 0, 0, 0, 0, 0);
    }

    /** Max pooling, {@code kernel x kernel} window, stride {@code stride}. */
    public static PoolLayer max(int kernel, int stride) {
        return new PoolLayer(PoolOp.MAX, false, checkKernel(kernel), checkStride(stride), 0, 0, 0, 0, 0, 0, 0);
    }

    /** Average pooling (no padding). */
    public static PoolLayer avg(int kernel, int stride) {
        return new PoolLayer(PoolOp.AVG, false, checkKernel(kernel), checkStride(stride), 0, 0, 0, 0, 0, 0, 0);
    }

    /** Lp pooling {@code (sum x^p)^(1/p)}; the core checks {@code p}. */
    public static PoolLayer lp(double p, int kernel, int stride) {
        return new PoolLayer(PoolOp.LP, false, checkKernel(kernel), checkStride(stride), p, 0, 0, 0, 0, 0, 0);
    }

    /** Global max: output (N, C, 1, 1). */
    public static PoolLayer globalMax() {
        return new PoolLayer(PoolOp.GLOBAL_MAX, false, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** Global average: output (N, C, 1, 1). */
    public static PoolLayer globalAvg() {
        return new PoolLayer(PoolOp.GLOBAL_AVG, false, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** Adaptive max pooling to {@code outH x outW}. */
    public static PoolLayer adaptiveMax(int outH, int outW) {
        return new PoolLayer(
                PoolOp.ADAPTIVE_MAX,
                false,
                0,
                0,
                0,
                0,
                0,
                0,
                Layers.atLeast(outH, 1, "outH"),
                Layers.atLeast(outW, 1, "outW"),
                0);
    }

    /** Adaptive average pooling to {@code outH x outW}. */
    public static PoolLayer adaptiveAvg(int outH, int outW) {
        return new PoolLayer(
                PoolOp.ADAPTIVE_AVG,
                false,
                0,
                0,
                0,
                0,
                0,
                0,
                Layers.atLeast(outH, 1, "outH"),
                Layers.atLeast(outW, 1, "outW"),
                0);
    }

    /**
     * Fractional max pooling with output {@code floor(size * ratio)} on both axes.
     *
     * @throws IllegalArgumentException unless {@code 0 < ratio < 1} and {@code kernel >= 1}
     */
    public static PoolLayer fractionalMax(int kernel, double ratio, long seed) {
        if (!(ratio > 0 && ratio < 1)) throw new IllegalArgumentException("ratio = " + ratio + ": must be in (0, 1)");
        return new PoolLayer(PoolOp.FRACTIONAL_MAX, false, checkKernel(kernel), 0, 0, 0, 0, ratio, 0, 0, seed);
    }

    /** Fractional max pooling to a fixed output size {@code outH x outW}. */
    public static PoolLayer fractionalMax(int kernel, int outH, int outW, long seed) {
        return new PoolLayer(
                PoolOp.FRACTIONAL_MAX,
                false,
                checkKernel(kernel),
                0,
                0,
                0,
                0,
                0,
                Layers.atLeast(outH, 1, "outH"),
                Layers.atLeast(outW, 1, "outW"),
                seed);
    }

    /** Fractional max pooling whose output is {@code floor(size / divisor)} on both axes (no rounding error). */
    static PoolLayer fractionalDivide(int kernel, int divisor, long seed) {
        if (divisor < 2)
            throw new IllegalArgumentException(
                    "stride = " + divisor + ": fractional pooling must shrink its input (stride >= 2)");
        return new PoolLayer(PoolOp.FRACTIONAL_MAX, false, checkKernel(kernel), divisor, 0, 0, 0, 0, 0, 0, seed);
    }

    /** Stochastic pooling; training draws come from a generator seeded with {@code seed}. */
    public static PoolLayer stochastic(int kernel, int stride, long seed) {
        return new PoolLayer(
                PoolOp.STOCHASTIC, false, checkKernel(kernel), checkStride(stride), 0, 0, 0, 0, 0, 0, seed);
    }

    /** Mixed pooling {@code alpha max + (1 - alpha) avg} with a fixed {@code alpha} in [0, 1]. */
    public static PoolLayer mixed(double alpha, int kernel, int stride) {
        return new PoolLayer(PoolOp.MIXED, false, checkKernel(kernel), checkStride(stride), 0, alpha, 0, 0, 0, 0, 0);
    }

    /** Gated pooling with learnable gate weights (one per tap, shared by the channels), initialised from {@code seed}. */
    public static PoolLayer gated(int kernel, int stride, long seed) {
        return new PoolLayer(PoolOp.GATED, false, checkKernel(kernel), checkStride(stride), 0, 0, 0, 0, 0, 0, seed);
    }

    /** Weighted average with learnable tap weights, initialised to a Gaussian of width {@code initSigma} (taps). */
    public static PoolLayer weightedAvg(int kernel, int stride, double initSigma) {
        if (!(initSigma > 0 && initSigma < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("initSigma = " + initSigma + ": must be finite and > 0");
        }
        return new PoolLayer(
                PoolOp.WEIGHTED_AVG, false, checkKernel(kernel), checkStride(stride), 0, 0, initSigma, 0, 0, 0, 0);
    }

    /** Weighted average with a fixed Gaussian of width {@code sigma} (taps); no parameters. */
    public static PoolLayer gaussian(int kernel, int stride, double sigma) {
        return new PoolLayer(
                PoolOp.WEIGHTED_AVG, true, checkKernel(kernel), checkStride(stride), 0, 0, sigma, 0, 0, 0, 0);
    }

    /**
     * The core operator the layer runs. A {@link #gaussian} layer is {@link PoolOp#WEIGHTED_AVG} with
     * {@link #weights()} null; a {@link #weightedAvg} layer has its learnable weights there.
     */
    public PoolOp op() {
        return op;
    }

    /** The learnable tap weights of gated and learnable weighted-average pooling, or null. */
    public Param weights() {
        return weights;
    }

    /** The name of the core kernel the last forward ran, or null before the first forward. */
    public String lastKernel() {
        return lastKernel;
    }

    /** Reuses the last random draws for the following training forwards of the same shape (for gradient checks). */
    void freezeDraws(boolean frozen) {
        this.frozen = frozen;
    }

    @Override
    public List<Param> params() {
        return weights == null ? Collections.emptyList() : List.of(weights);
    }

    private PoolSpec specWith(float[] w) {
        if (op == PoolOp.GATED)
            return PoolSpec.gated(kernel, kernel)
                    .stride(stride, stride)
                    .weights(w, w.length)
                    .build();
        return PoolSpec.weightedAvg(kernel, kernel)
                .stride(stride, stride)
                .weights(w, kernel, kernel)
                .build();
    }

    /** The spec for an input of this shape (fractional pooling's output size depends on it). */
    private PoolSpec spec(int[] shape) {
        switch (op) {
            case GATED:
            case WEIGHTED_AVG:
                // A fixed Gaussian never changes; learnable weights do, and the spec is immutable:
                // rebuild it with the weights as they are now.
                return weights == null ? fixedSpec : specWith(weights.value());
            case STOCHASTIC:
                return training() ? fixedSpec : evalSpec;
            case FRACTIONAL_MAX:
                if (shape.length == 4
                        && (shape[2] != fractionalH || shape[3] != fractionalW || fractionalSpec == null)) {
                    PoolSpec.Builder b = PoolSpec.fractionalMax(kernel, kernel).seed(seed);
                    if (ratio > 0) {
                        b.outputRatio(ratio, ratio);
                    } else if (stride > 0) {
                        b.outputSize(shape[2] / stride, shape[3] / stride);
                    } else {
                        b.outputSize(outH, outW);
                    }
                    fractionalSpec = b.build();
                    fractionalH = shape[2];
                    fractionalW = shape[3];
                }
                return fractionalSpec;
            default:
                return fixedSpec;
        }
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        Layers.checkNchw(kind() + " " + opName(), inputShape, -1);
        if (op == PoolOp.FRACTIONAL_MAX && stride > 0 && (inputShape[2] / stride < 1 || inputShape[3] / stride < 1)) {
            throw new IllegalArgumentException("pool fractional: input shape = " + Arrays.toString(inputShape)
                    + ": H and W must be >= the stride " + stride);
        }
        try {
            return Geometry.of(spec(inputShape), inputShape, Layout.CHANNELS_FIRST)
                    .outputShape();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "pool " + opName() + ": input shape = " + Arrays.toString(inputShape) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        Layers.notNull(x, "x");
        int[] os = outputShape(x.shape());
        PoolSpec spec = spec(x.shape());
        Tensor y;
        lastArgmax = null;
        lastSamples = null;
        lastIndices = null;
        lastGates = null;
        boolean train = training();
        switch (op) {
            case MAX:
            case ADAPTIVE_MAX:
                // Max and adaptive max keep the compact argmax for the backward (adaptive max whose
                // windows tile the input runs the same kernels as max).
                y = Tensor.zeros(os);
                if (!argmaxUnavailable) {
                    try {
                        PoolPlan plan = maxPlan(spec, x);
                        lastArgmax = plan.newArgmax();
                        lastKernel = plan.forwardArgmax(x, y, lastArgmax);
                        break;
                    } catch (IllegalArgumentException e) {
                        // No compact argmax for this geometry: the general path below recomputes it.
                        argmaxUnavailable = true;
                    }
                }
                lastKernel = Pooling.forwardInto(spec, x, y, 0);
                break;
            case FRACTIONAL_MAX: {
                Tensor s = null;
                if (train) {
                    s = frozen && lastDraws != null && lastDraws.size() == x.dim(0) * x.dim(1) * 2
                            ? lastDraws
                            : draws(x.dim(0), x.dim(1), 2);
                }
                Pooled r = Pooling.fractionalMaxPool(spec, x, s);
                y = r.values();
                lastKernel = r.kernel();
                lastSamples = s;
                lastIndices = r.indices();
                break;
            }
            case STOCHASTIC: {
                Tensor u = null;
                if (train) {
                    int count = Layers.elementCount(os, "output shape");
                    u = frozen && lastDraws != null && lastDraws.size() == count ? lastDraws : draws(os);
                }
                Pooled r = Pooling.stochasticPool(spec, x, u);
                y = r.values();
                lastKernel = r.kernel();
                lastSamples = u;
                // Training only: evaluation's result has no indices.
                lastIndices = r.indices();
                break;
            }
            case GATED:
                y = Tensor.zeros(os);
                if (weights != null) {
                    // The backward takes the gates, maxima and winners from here instead of
                    // computing them again; each forward refills the previous one's cache.
                    lastGates = gateCache = Pooling.gatedForwardInto(spec, x, y, gateCache);
                    lastKernel = lastGates.kernel();
                } else {
                    lastKernel = Pooling.forwardInto(spec, x, y, 0);
                }
                break;
            default:
                y = Tensor.zeros(os);
                lastKernel = Pooling.forwardInto(spec, x, y, 0);
                break;
        }
        if (lastSamples != null) lastDraws = lastSamples;
        lastSpec = spec;
        lastX = x;
        lastOut = os;
        return y;
    }

    private Tensor lastDraws;

    /** Gated pooling's gates, maxima and winners from the last forward, or null. */
    private GateCache lastGates;

    /** The cache the gated forwards refill (kept when lastGates is cleared, so steps allocate none). */
    private GateCache gateCache;

    /** Uniforms in [0, 1) from the layer's generator. */
    private Tensor draws(int... shape) {
        float[] u = new float[Layers.elementCount(shape, "draws")];
        for (int i = 0; i < u.length; i++) {
            // float(nextDouble()) can round up to 1.0f, which the core rejects.
            float v = (float) random.nextDouble();
            u[i] = v < 1f ? v : Math.nextDown(1f);
        }
        return Tensor.of(u, shape);
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        if (lastX == null) throw Layers.noForward("pool " + opName());
        Layers.checkSame("pool " + opName(), lastOut, gradOut);
        switch (op) {
            case MAX:
            case ADAPTIVE_MAX:
                if (lastArgmax != null) {
                    Tensor gi = Tensor.zeros(lastX.shape());
                    Pooling.backwardInto(lastArgmax, gradOut, gi, 0);
                    return gi;
                }
                return Pooling.backward(lastSpec, lastX, gradOut);
            case FRACTIONAL_MAX:
                if (lastIndices != null) return Pooling.backward(lastSpec, lastX, gradOut, lastIndices);
                return Pooling.fractionalMaxPoolBackward(lastSpec, lastX, gradOut, lastSamples);
            case STOCHASTIC:
                if (lastIndices != null) return Pooling.backward(lastSpec, lastX, gradOut, lastIndices);
                return Pooling.stochasticPoolBackward(lastSpec, lastX, gradOut, lastSamples);
            case GATED:
            case WEIGHTED_AVG: {
                if (weights == null) return Pooling.backward(lastSpec, lastX, gradOut);
                Pooling.Gradients g = Pooling.backwardWithWeights(lastSpec, lastX, gradOut, lastGates);
                float[] gw = g.weights().data();
                float[] acc = weights.grad();
                for (int i = 0; i < acc.length; i++) acc[i] += gw[i];
                return g.input();
            }
            default:
                return Pooling.backward(lastSpec, lastX, gradOut);
        }
    }

    /** The op's name in model files and messages (one of {@link #MODEL_OPS}). */
    private String opName() {
        return op == PoolOp.WEIGHTED_AVG && weights == null ? "gaussian" : op.wireName();
    }

    @Override
    public String kind() {
        return "pool";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", opName());
        switch (op) {
            case GLOBAL_MAX:
            case GLOBAL_AVG:
                break;
            case ADAPTIVE_MAX:
            case ADAPTIVE_AVG:
                m.put("outH", outH);
                m.put("outW", outW);
                break;
            case FRACTIONAL_MAX:
                m.put("kernel", kernel);
                if (ratio > 0) {
                    m.put("ratio", ratio);
                } else if (stride > 0) {
                    m.put("divisor", stride);
                } else {
                    m.put("outH", outH);
                    m.put("outW", outW);
                }
                m.put("seed", seed);
                break;
            default:
                m.put("kernel", kernel);
                m.put("stride", stride);
                if (op == PoolOp.LP) m.put("p", p);
                if (op == PoolOp.MIXED) m.put("alpha", alpha);
                if (op == PoolOp.STOCHASTIC || op == PoolOp.GATED) m.put("seed", seed);
                if (op == PoolOp.WEIGHTED_AVG) m.put("sigma", sigma);
                break;
        }
        return m;
    }

    /** The plan of max pooling on {@code x}'s shape: kept while spec and shape stay the same (every batch of an epoch). */
    private PoolPlan maxPlan(PoolSpec spec, Tensor x) {
        PoolPlan p = maxPlan;
        if (p == null
                || !p.spec().equals(spec)
                || !x.hasShape(p.geometry().inputShapeRef())
                || p.layout() != x.layout()) {
            maxPlan = p = Pooling.plan(spec, x.shape(), x.layout());
        }
        return p;
    }

    /** Whether {@code op} is a sliding window with no parameter beyond kernel and stride. */
    private static boolean windowOnly(PoolOp op) {
        return op.isSliding() && op != PoolOp.LP && op != PoolOp.MIXED && op != PoolOp.STOCHASTIC && !op.hasWeights();
    }

    /** The sliding-window operator without parameters of its own whose wire name is {@code name}, or null. */
    private static PoolOp windowedOp(String name) {
        for (PoolOp op : PoolOp.values()) {
            if (op.wireName().equalsIgnoreCase(name) && windowOnly(op)) return op;
        }
        return null;
    }

    /** Rebuilds a pooling layer from {@link #config()} (model files). */
    static PoolLayer fromConfig(Map<String, Object> c) {
        String name = ConfigReader.string(c, "op");
        switch (name.toLowerCase(Locale.ROOT)) {
            case "lp":
                return lp(
                        ConfigReader.number(c, "p"),
                        ConfigReader.integer(c, "kernel"),
                        ConfigReader.integer(c, "stride"));
            case "mixed":
                return mixed(
                        ConfigReader.number(c, "alpha"),
                        ConfigReader.integer(c, "kernel"),
                        ConfigReader.integer(c, "stride"));
            case "global_max":
                return globalMax();
            case "global_avg":
                return globalAvg();
            case "adaptive_max":
                return adaptiveMax(ConfigReader.integer(c, "outH"), ConfigReader.integer(c, "outW"));
            case "adaptive_avg":
                return adaptiveAvg(ConfigReader.integer(c, "outH"), ConfigReader.integer(c, "outW"));
            case "stochastic":
                return stochastic(
                        ConfigReader.integer(c, "kernel"),
                        ConfigReader.integer(c, "stride"),
                        ConfigReader.longValue(c, "seed"));
            case "gated":
                return gated(
                        ConfigReader.integer(c, "kernel"),
                        ConfigReader.integer(c, "stride"),
                        ConfigReader.longValue(c, "seed"));
            case "weighted_avg":
                return weightedAvg(
                        ConfigReader.integer(c, "kernel"),
                        ConfigReader.integer(c, "stride"),
                        ConfigReader.number(c, "sigma"));
            case "gaussian":
                return gaussian(
                        ConfigReader.integer(c, "kernel"),
                        ConfigReader.integer(c, "stride"),
                        ConfigReader.number(c, "sigma"));
            case "fractional_max": {
                int k = ConfigReader.integer(c, "kernel");
                long s = ConfigReader.longValue(c, "seed");
                if (c.containsKey("ratio")) return fractionalMax(k, ConfigReader.number(c, "ratio"), s);
                if (c.containsKey("divisor")) return fractionalDivide(k, ConfigReader.integer(c, "divisor"), s);
                return fractionalMax(k, ConfigReader.integer(c, "outH"), ConfigReader.integer(c, "outW"), s);
            }
            default: {
                // max, avg and operators added to the core later: a sliding window with kernel and stride only.
                PoolOp op = windowedOp(name);
                if (op == null)
                    throw new IllegalArgumentException("pool op = \"" + name + "\": unknown; known: " + MODEL_OPS);
                return windowed(op, ConfigReader.integer(c, "kernel"), ConfigReader.integer(c, "stride"));
            }
        }
    }
}
