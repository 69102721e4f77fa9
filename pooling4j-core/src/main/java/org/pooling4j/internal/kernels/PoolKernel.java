package org.pooling4j.internal.kernels;

import org.pooling4j.Geometry;
import org.pooling4j.IndexFormat;
import org.pooling4j.Pooling;

/**
 * How to compute: one implementation of some pooling problems. The dispatcher asks each kernel of
 * its ordered list whether it accepts a {@link Geometry}; the first that does runs it. Kernels trust
 * their arguments: every check has already happened in {@link Geometry#of} and {@link Pooling}.
 *
 * <p>Arrays are in the geometry's layout. Indices are per-plane ({@link IndexFormat#PER_PLANE}).
 * Fractional samples, when the operator needs them, come as {@code samples[(n*C + c)*rank + axis]};
 * stochastic training's uniforms come one per output element, at the element's offset in the output.
 */
public interface PoolKernel {
    /** Short stable name reported by logs, events and the CLI. */
    String name();

    /** {@code null} when this kernel computes {@code g} in the given direction, else the reason it declines. */
    String declines(Geometry g, boolean backward);

    /**
     * Forward pooling into {@code out} (all elements written); {@code indices} is {@code null} or
     * receives the per-plane argmax of max-type operators (the drawn tap of stochastic training). {@code threads >= 1} is the most threads
     * the call may use; results must not depend on it.
     */
    void forward(Geometry g, float[] in, float[] out, long[] indices, float[] samples, int threads);

    /**
     * Gradient with respect to the input, written to every element of {@code gradIn} (its previous
     * contents are ignored). For max-type operators and stochastic training {@code indices}
     * (per-plane) routes the gradient; when {@code null} the argmax (or the draw, from
     * {@code samples}) is recomputed from {@code in}. Results must not depend on
     * {@code threads}.
     */
    void backward(
            Geometry g, float[] in, float[] gradOut, long[] indices, float[] samples, float[] gradIn, int threads);
}
