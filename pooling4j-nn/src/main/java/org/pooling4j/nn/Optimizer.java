package org.pooling4j.nn;

import java.util.List;

/** Updates parameters from their gradients. Buffers ({@link Param#trainable()} false) are left alone. */
public interface Optimizer {
    /** One update of every trainable parameter from its current gradient. */
    void step(List<Param> params);

    /** Sets every gradient to zero (call before each backward pass, since backward adds). */
    default void zeroGrad(List<Param> params) {
        java.util.Objects.requireNonNull(params, "params must not be null");
        for (Param p : params) p.zeroGrad();
    }
}
