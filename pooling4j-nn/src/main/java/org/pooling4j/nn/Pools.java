package org.pooling4j.nn;

import java.util.Locale;
import java.util.Objects;

/** Pooling layers by name, for command lines and studies that compare pooling kinds. */
public final class Pools {
    /** The names {@link #of} knows. */
    public static final String[] KINDS = {
        "max", "avg", "lp2", "lp4", "stochastic", "mixed", "gated", "gaussian", "fractional"
    };

    private Pools() {}

    /**
     * A pooling layer of the named kind: {@code max}, {@code avg}, {@code lp2}, {@code lp4} (Lp of
     * order 2 or 4), {@code stochastic}, {@code mixed} (alpha 0.5), {@code gated}, {@code gaussian}
     * (learnable weighted average starting from a Gaussian of sigma 1) with a
     * {@code kernel x kernel} window and stride {@code stride}; or {@code fractional}: fractional max
     * pooling with a 2 x 2 kernel and output {@code floor(input / stride)} ({@code kernel} is not used).
     * {@code seed} drives the layer's randomness or initialisation.
     *
     * @throws IllegalArgumentException for an unknown name (listing the known ones), {@code kernel}
     *     or {@code stride < 1}, or {@code fractional} with {@code stride < 2}
     */
    public static Layer of(String kind, int kernel, int stride, long seed) {
        Objects.requireNonNull(kind, "kind must not be null");
        Layers.atLeast(kernel, 1, "kernel");
        Layers.atLeast(stride, 1, "stride");
        switch (kind.toLowerCase(Locale.ROOT)) {
            case "max":
                return PoolLayer.max(kernel, stride);
            case "avg":
                return PoolLayer.avg(kernel, stride);
            case "lp2":
                return PoolLayer.lp(2, kernel, stride);
            case "lp4":
                return PoolLayer.lp(4, kernel, stride);
            case "stochastic":
                return PoolLayer.stochastic(kernel, stride, seed);
            case "mixed":
                return PoolLayer.mixed(0.5, kernel, stride);
            case "gated":
                return PoolLayer.gated(kernel, stride, seed);
            case "gaussian":
                return PoolLayer.weightedAvg(kernel, stride, 1.0);
            case "fractional":
                return PoolLayer.fractionalDivide(2, stride, seed);
            default:
                throw new IllegalArgumentException(
                        "kind = \"" + kind + "\": unknown pooling kind; known: " + String.join(", ", KINDS));
        }
    }
}
