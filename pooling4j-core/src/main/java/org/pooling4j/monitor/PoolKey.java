package org.pooling4j.monitor;

import java.util.Objects;

/**
 * What pooling calls are aggregated by, in the live monitor, in the JFR events and in the
 * {@code report} and {@code top} views: operator, direction, kernel, layout and shapes — the fields
 * that say which code ran on what. Threads and the tuner flag are left out on purpose: they
 * describe how a call was run, and a key whose calls ran on varying thread counts stays one row.
 *
 * <p>A plan builds its keys once, so recording a call builds no string; shapes are written
 * {@code 1x64x112x112}, layouts {@code channels_first} / {@code channels_last}, directions
 * {@code forward} / {@code backward}.
 */
public record PoolKey(
        String op, String direction, String kernel, String layout, String inputShape, String outputShape) {
    /** Every component is required. */
    public PoolKey {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(inputShape, "inputShape");
        Objects.requireNonNull(outputShape, "outputShape");
    }

    /** {@code inputShape->outputShape}. */
    public String shapes() {
        return inputShape + "->" + outputShape;
    }

    /** One line naming the key: {@code op direction kernel layout input->output}. */
    public String text() {
        return op + " " + direction + " " + kernel + " " + layout + " " + shapes();
    }

    /** The same key with another kernel (a plan whose tuner chose another kernel). */
    public PoolKey withKernel(String k) {
        return k.equals(kernel) ? this : new PoolKey(op, direction, k, layout, inputShape, outputShape);
    }
}
