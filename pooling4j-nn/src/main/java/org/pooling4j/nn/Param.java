package org.pooling4j.nn;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named array a layer learns ({@link #trainable()}) or keeps as state (a buffer such as batch
 * norm's running mean), with a gradient array of the same length. The arrays are shared, not
 * copied: optimisers update {@link #value()} in place and backward passes add into {@link #grad()}.
 */
public final class Param {
    private final String name;
    private final float[] value;
    private final float[] grad;
    private final int[] shape;
    private final boolean trainable;

    /**
     * A zero-filled parameter.
     *
     * @throws IllegalArgumentException for an empty name, a negative dimension or an overflowing size
     */
    public Param(String name, boolean trainable, int... shape) {
        this(name, new float[Layers.elementCount(shape, "shape")], trainable, shape);
    }

    /**
     * A parameter over {@code value} (shared, not copied).
     *
     * @throws IllegalArgumentException when {@code value.length} is not the product of {@code shape}
     */
    public Param(String name, float[] value, boolean trainable, int... shape) {
        this(
                checkName(name),
                Objects.requireNonNull(value, "value must not be null"),
                new float[checkLength(value, shape)],
                shape.clone(),
                trainable);
    }

    /** Shares the arrays of another parameter under a new name (the container's view of a layer's parameter). */
    private Param(String name, float[] value, float[] grad, int[] shape, boolean trainable) {
        this.name = name;
        this.value = value;
        this.grad = grad;
        this.shape = shape;
        this.trainable = trainable;
    }

    /** The same arrays under another name. */
    Param renamed(String newName) {
        return new Param(checkName(newName), value, grad, shape, trainable);
    }

    private static String checkName(String name) {
        Objects.requireNonNull(name, "name must not be null");
        if (name.isEmpty()) throw new IllegalArgumentException("name = \"\": must not be empty");
        return name;
    }

    private static int checkLength(float[] value, int[] shape) {
        Objects.requireNonNull(shape, "shape must not be null");
        int n = Layers.elementCount(shape, "shape");
        if (value.length != n) {
            throw new IllegalArgumentException("value.length = " + value.length + ": must equal the product of shape "
                    + Arrays.toString(shape) + " = " + n);
        }
        return n;
    }

    public String name() {
        return name;
    }

    /** The values (shared). */
    public float[] value() {
        return value;
    }

    /** The gradient, same length as {@link #value()} (shared); backward passes add into it. */
    public float[] grad() {
        return grad;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** The element count. */
    public int size() {
        return value.length;
    }

    /** False for buffers (state that is saved with the model but not learned); optimisers skip them. */
    public boolean trainable() {
        return trainable;
    }

    /** Sets the gradient to zero. */
    public void zeroGrad() {
        Arrays.fill(grad, 0f);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + (trainable ? "" : " (buffer)");
    }
}
