package org.pooling4j.nn;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pooling4j.Tensor;
import org.pooling4j.descriptor.Descriptors;
import org.pooling4j.descriptor.Descriptors.GemGradients;
import org.pooling4j.descriptor.GemSpec;

/**
 * Generalised-mean (GeM) pooling of (N, C, H, W) input, {@code (mean over the window of max(x, eps)^p)^(1/p)}
 * (the core's {@link Descriptors#gem}), with the exponent a learnable one-element {@link Param} "p"
 * (or a fixed one). {@link #global} gives (N, C, 1, 1), the usual retrieval head; {@link #windowed} slides
 * a square window with avg_pool's zero padding. Backward adds dL/dp into the parameter's gradient; an
 * optimiser step that leaves p at or below 0 makes the next forward fail with the core's message.
 */
public final class GemPool2d extends Layer {
    private final int kernel, stride, padding;
    private final double eps;
    private final boolean learnable;
    private final Param p;

    private Tensor lastX;
    private GemSpec lastSpec;

    private GemPool2d(int kernel, int stride, int padding, double p, double eps, boolean learnable) {
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.eps = eps;
        this.learnable = learnable;
        this.p = new Param("p", new float[] {(float) p}, learnable, 1);
        // Checks p, eps, kernel, stride and padding now, with the core's messages.
        spec();
    }

    /** Global GeM, output (N, C, 1, 1); {@code p} is the starting exponent, learnable when {@code learnable}. */
    public static GemPool2d global(double p, double eps, boolean learnable) {
        return new GemPool2d(0, 0, 0, p, eps, learnable);
    }

    /** Global GeM with p = 3 (learnable) and eps = 1e-6, as in Radenović et al. */
    public static GemPool2d global() {
        return global(GemSpec.DEFAULT_P, GemSpec.DEFAULT_EPS, true);
    }

    /** GeM over {@code kernel x kernel} windows, stride {@code stride}, zero padding {@code padding} on every side. */
    public static GemPool2d windowed(int kernel, int stride, int padding, double p, double eps, boolean learnable) {
        return new GemPool2d(
                Layers.atLeast(kernel, 1, "kernel"),
                Layers.atLeast(stride, 1, "stride"),
                Layers.atLeast(padding, 0, "padding"),
                p,
                eps,
                learnable);
    }

    /** The exponent parameter (one element). */
    public Param p() {
        return p;
    }

    private GemSpec spec() {
        GemSpec.Builder b = kernel == 0
                ? GemSpec.global(2)
                : GemSpec.windowed(kernel, kernel).stride(stride, stride).padding(padding, padding);
        return b.p(p.value()[0]).eps(eps).build();
    }

    @Override
    public Tensor forward(Tensor x) {
        Layers.notNull(x, "x");
        outputShape(x.shape());
        GemSpec s = spec();
        Tensor y = Descriptors.gem(s, x);
        lastX = x;
        lastSpec = s;
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        if (lastX == null) throw Layers.noForward(kind());
        Layers.checkSame(kind(), outputShape(lastX.shape()), gradOut);
        GemGradients g = Descriptors.gemBackward(lastSpec, lastX, gradOut);
        if (learnable) p.grad()[0] += (float) g.p();
        return g.input();
    }

    @Override
    public List<Param> params() {
        return List.of(p);
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        Layers.checkNchw(kind(), inputShape, -1);
        if (kernel == 0) return new int[] {inputShape[0], inputShape[1], 1, 1};
        int[] out = inputShape.clone();
        for (int a = 2; a < 4; a++) {
            int span = inputShape[a] + 2 * padding - kernel;
            if (span < 0) {
                throw new IllegalArgumentException(kind() + ": input shape = " + Arrays.toString(inputShape)
                        + ": H and W plus twice the padding " + padding + " must be >= the kernel " + kernel);
            }
            out[a] = span / stride + 1;
        }
        return out;
    }

    @Override
    public String kind() {
        return "gem_pool2d";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (kernel > 0) {
            m.put("kernel", kernel);
            m.put("stride", stride);
            m.put("padding", padding);
        }
        m.put("p", (double) p.value()[0]);
        m.put("eps", eps);
        m.put("learnable", learnable);
        return m;
    }

    /** Rebuilds the layer from {@link #config()} (model files); a learnable p is then loaded as a parameter. */
    static GemPool2d fromConfig(Map<String, Object> c) {
        double p = ConfigReader.number(c, "p");
        double eps = ConfigReader.number(c, "eps");
        boolean learnable = ConfigReader.bool(c, "learnable");
        if (!c.containsKey("kernel")) return global(p, eps, learnable);
        return windowed(
                ConfigReader.integer(c, "kernel"),
                ConfigReader.integer(c, "stride"),
                ConfigReader.integer(c, "padding"),
                p,
                eps,
                learnable);
    }
}
