package org.pooling4j.nn;

import java.util.Arrays;
import java.util.Objects;
import org.pooling4j.Tensor;

/** Argument checks and small helpers shared by the layers. */
final class Layers {
    /** Largest array the layers allocate (Java's limit). */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private Layers() {}

    static int elementCount(int[] shape, String name) {
        Objects.requireNonNull(shape, name + " must not be null");
        long n = 1;
        for (int d : shape) {
            if (d < 0)
                throw new IllegalArgumentException(name + " = " + Arrays.toString(shape) + ": dimensions must be >= 0");
            n *= d;
            if (n > MAX_ELEMENTS) {
                throw new IllegalArgumentException(
                        name + " = " + Arrays.toString(shape) + ": more than " + MAX_ELEMENTS + " elements");
            }
        }
        return (int) n;
    }

    static int atLeast(int value, int min, String name) {
        if (value < min) throw new IllegalArgumentException(name + " = " + value + ": must be >= " + min);
        return value;
    }

    static Tensor notNull(Tensor t, String name) {
        return Objects.requireNonNull(t, name + " must not be null");
    }

    /** Checks a channels-first input of rank 4 (N, C, H, W) against the layer's channel count (or any when < 0). */
    static void checkNchw(String layer, int[] shape, int channels) {
        Objects.requireNonNull(shape, "inputShape must not be null");
        if (shape.length != 4) {
            throw new IllegalArgumentException(
                    layer + ": input shape = " + Arrays.toString(shape) + ": must be (N, C, H, W)");
        }
        elementCount(shape, "inputShape");
        if (channels >= 0 && shape[1] != channels) {
            throw new IllegalArgumentException(
                    layer + ": input shape = " + Arrays.toString(shape) + ": must have " + channels + " channels");
        }
    }

    static void checkSame(String layer, int[] expected, Tensor grad) {
        Objects.requireNonNull(grad, "gradOut must not be null");
        if (!Arrays.equals(expected, grad.shape())) {
            throw new IllegalArgumentException(layer + ": gradOut shape = " + Arrays.toString(grad.shape())
                    + ": must equal the last forward output's shape " + Arrays.toString(expected));
        }
    }

    static IllegalStateException noForward(String layer) {
        return new IllegalStateException(layer + ": backward called without a forward");
    }
}
