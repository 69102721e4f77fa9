package org.pooling4j.nn;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pooling4j.Tensor;

/**
 * Dense layer {@code y = x W^T + b} over (N, in) input: weight (out, in), optional bias (out).
 * He-normal initialisation by default (for a layer followed by a ReLU); {@link #xavier} for one that
 * is not (an output layer). Forward and backward are single {@link Gemm} calls.
 */
public final class Linear extends Layer {
    /** The weight initialisations. */
    public enum InitKind {
        HE,
        XAVIER
    }

    private final int in, out;
    private final boolean hasBias;
    private final long seed;
    private final InitKind init;
    private final Param weight;
    private final Param bias;
    private Tensor lastX;

    /** He-normal initialised (fan-in {@code in}); bias starts at 0. */
    public Linear(int in, int out, boolean bias, long seed) {
        this(in, out, bias, seed, InitKind.HE);
    }

    /**
     * @throws IllegalArgumentException unless {@code in >= 1}, {@code out >= 1} and {@code in * out} fits an array
     */
    public Linear(int in, int out, boolean bias, long seed, InitKind init) {
        this.in = Layers.atLeast(in, 1, "in");
        this.out = Layers.atLeast(out, 1, "out");
        if ((long) in * out > Layers.MAX_ELEMENTS)
            throw new IllegalArgumentException("in * out = " + (long) in * out + ": too many weights");
        this.init = java.util.Objects.requireNonNull(init, "init must not be null");
        this.hasBias = bias;
        this.seed = seed;
        this.weight = new Param("weight", true, out, in);
        if (init == InitKind.HE) {
            Init.heNormal(weight.value(), in, seed);
        } else {
            Init.xavierUniform(weight.value(), in, out, seed);
        }
        this.bias = bias ? new Param("bias", true, out) : null;
    }

    /** Xavier-uniform initialised, for a layer not followed by a ReLU. */
    public static Linear xavier(int in, int out, boolean bias, long seed) {
        return new Linear(in, out, bias, seed, InitKind.XAVIER);
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
        java.util.Objects.requireNonNull(inputShape, "inputShape must not be null");
        if (inputShape.length != 2 || inputShape[1] != in || inputShape[0] < 0) {
            throw new IllegalArgumentException(
                    "linear: input shape = " + Arrays.toString(inputShape) + ": must be (N, " + in + ")");
        }
        if ((long) inputShape[0] * out > Layers.MAX_ELEMENTS) {
            throw new IllegalArgumentException(
                    "linear: input shape = " + Arrays.toString(inputShape) + ": the output would be too large");
        }
        return new int[] {inputShape[0], out};
    }

    @Override
    public Tensor forward(Tensor x) {
        Layers.notNull(x, "x");
        int[] os = outputShape(x.shape());
        int n = os[0];
        float[] y = new float[n * out];
        Gemm.multiply(false, true, n, out, in, x.data(), 0, in, weight.value(), 0, in, false, y, 0, out, 0);
        if (hasBias) {
            float[] b = bias.value();
            for (int i = 0; i < n; i++) {
                for (int o = 0; o < out; o++) y[i * out + o] += b[o];
            }
        }
        lastX = x;
        return Tensor.of(y, os);
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        if (lastX == null) throw Layers.noForward("linear");
        int n = lastX.dim(0);
        Layers.checkSame("linear", new int[] {n, out}, gradOut);
        float[] g = gradOut.data();
        Gemm.multiply(true, false, out, in, n, g, 0, out, lastX.data(), 0, in, true, weight.grad(), 0, in, 0);
        if (hasBias) {
            float[] bg = bias.grad();
            for (int i = 0; i < n; i++) {
                for (int o = 0; o < out; o++) bg[o] += g[i * out + o];
            }
        }
        float[] dx = new float[n * in];
        Gemm.multiply(false, false, n, in, out, g, 0, out, weight.value(), 0, in, false, dx, 0, in, 0);
        return Tensor.of(dx, n, in);
    }

    @Override
    public String kind() {
        return "linear";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("in", in);
        m.put("out", out);
        m.put("bias", hasBias);
        m.put("seed", seed);
        m.put("init", init.name().toLowerCase(java.util.Locale.ROOT));
        return m;
    }
}
