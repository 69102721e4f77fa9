package org.pooling4j.internal;

import java.util.Arrays;

/**
 * Argument checks shared by every public entry point. Each failure names the parameter, shows the
 * offending value and states the rule, and is raised before any work or allocation.
 */
public final class Check {
    private Check() {}

    /** Java arrays hold at most this many elements; every tensor size is checked against it. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    /**
     * {@code value}, or a {@link NullPointerException} naming {@code name}. Written without a message
     * supplier: a capturing lambda is allocated on every call once the JIT has seen a null here, and
     * this check sits on every plan call.
     */
    public static <T> T notNull(T value, String name) {
        if (value == null) throw new NullPointerException(name + " must not be null");
        return value;
    }

    public static IllegalArgumentException fail(String name, Object value, String rule) {
        return new IllegalArgumentException(name + " = " + show(value) + ": " + rule);
    }

    public static String show(Object value) {
        if (value instanceof int[]) return Arrays.toString((int[]) value);
        if (value instanceof long[]) return Arrays.toString((long[]) value);
        if (value instanceof double[]) return Arrays.toString((double[]) value);
        if (value instanceof float[]) return Arrays.toString((float[]) value);
        if (value instanceof Object[]) return Arrays.deepToString((Object[]) value);
        return String.valueOf(value);
    }

    /** Every entry of {@code values} must be at least {@code min}. */
    public static void atLeast(int[] values, int min, String name) {
        notNull(values, name);
        for (int v : values) {
            if (v < min) throw fail(name, values, "every entry must be >= " + min);
        }
    }

    /** The array must have exactly {@code length} entries, one per spatial dimension. */
    public static void length(int[] values, int length, String name) {
        notNull(values, name);
        if (values.length != length) {
            throw fail(
                    name, values, "must have " + length + " entries (one per spatial dimension), has " + values.length);
        }
    }

    /**
     * Product of the dimensions, rejected when any is negative or when the product does not fit in a
     * Java array.
     */
    public static int elementCount(int[] shape, String name) {
        notNull(shape, name);
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw fail(name, shape, "dimensions must be >= 0");
        }
        for (int d : shape) {
            if (d == 0) return 0;
        }
        for (int d : shape) {
            n *= d;
            if (n > MAX_ELEMENTS) {
                throw fail(name, shape, "has more than " + MAX_ELEMENTS + " elements, the most a Java array can hold");
            }
        }
        return (int) n;
    }
}
