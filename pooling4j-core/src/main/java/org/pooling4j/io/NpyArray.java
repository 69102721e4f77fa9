package org.pooling4j.io;

import java.util.Arrays;
import org.pooling4j.internal.Check;

/**
 * A NumPy array as read from or written to a {@code .npy} file: dtype, C-order shape and the data in
 * one of {@code float[]}, {@code double[]}, {@code int[]}, {@code long[]}, {@code byte[]} (uint8, int8) or
 * {@code short[]} (float16 bit patterns).
 */
public final class NpyArray {
    /** The dtypes this library reads and writes, all little-endian. */
    public enum DType {
        FLOAT32("<f4", 4),
        FLOAT64("<f8", 8),
        INT32("<i4", 4),
        INT64("<i8", 8),
        /** Held as {@code byte[]}, each value read as unsigned. */
        UINT8("|u1", 1),
        /** Held as {@code byte[]}. */
        INT8("|i1", 1),
        /** Held as {@code short[]} IEEE binary16 bit patterns. */
        FLOAT16("<f2", 2);

        final String descr;
        final int bytes;

        DType(String descr, int bytes) {
            this.descr = descr;
            this.bytes = bytes;
        }

        public String descr() {
            return descr;
        }
    }

    private final DType dtype;
    private final int[] shape;
    private final Object data;

    NpyArray(DType dtype, int[] shape, Object data) {
        this.dtype = dtype;
        this.shape = shape.clone();
        this.data = data;
    }

    public static NpyArray of(float[] data, int... shape) {
        Check.notNull(data, "data");
        return new NpyArray(DType.FLOAT32, checked(shape, data.length), data);
    }

    public static NpyArray of(double[] data, int... shape) {
        Check.notNull(data, "data");
        return new NpyArray(DType.FLOAT64, checked(shape, data.length), data);
    }

    public static NpyArray of(int[] data, int... shape) {
        Check.notNull(data, "data");
        return new NpyArray(DType.INT32, checked(shape, data.length), data);
    }

    public static NpyArray of(long[] data, int... shape) {
        Check.notNull(data, "data");
        return new NpyArray(DType.INT64, checked(shape, data.length), data);
    }

    /** A uint8 array ({@code |u1}); each byte is read as an unsigned value 0..255. */
    public static NpyArray ofUint8(byte[] data, int... shape) {
        Check.notNull(data, "data");
        return new NpyArray(DType.UINT8, checked(shape, data.length), data);
    }

    public static NpyArray ofInt8(byte[] data, int... shape) {
        Check.notNull(data, "data");
        return new NpyArray(DType.INT8, checked(shape, data.length), data);
    }

    /** A float16 array ({@code <f2}) given as IEEE binary16 bit patterns. */
    public static NpyArray ofFloat16Bits(short[] bits, int... shape) {
        Check.notNull(bits, "bits");
        return new NpyArray(DType.FLOAT16, checked(shape, bits.length), bits);
    }

    private static int[] checked(int[] shape, int length) {
        int n = Check.elementCount(shape, "shape");
        if (n != length) {
            throw new IllegalArgumentException("data.length = " + length + ": must equal the product of shape "
                    + Arrays.toString(shape) + " = " + n);
        }
        return shape;
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int size() {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** The data array: {@code float[]}, {@code double[]}, {@code int[]}, {@code long[]}, {@code byte[]} or {@code short[]} by dtype. */
    public Object data() {
        return data;
    }

    /** Values converted to float32 (exact for float32; rounded for the others). */
    public float[] toFloats() {
        int n = size();
        float[] out = new float[n];
        switch (dtype) {
            case FLOAT32:
                return ((float[]) data).clone();
            case FLOAT64: {
                double[] d = (double[]) data;
                for (int i = 0; i < n; i++) out[i] = (float) d[i];
                return out;
            }
            case INT32: {
                int[] d = (int[]) data;
                for (int i = 0; i < n; i++) out[i] = d[i];
                return out;
            }
            case UINT8: {
                byte[] d = (byte[]) data;
                for (int i = 0; i < n; i++) out[i] = d[i] & 0xff;
                return out;
            }
            case INT8: {
                byte[] d = (byte[]) data;
                for (int i = 0; i < n; i++) out[i] = d[i];
                return out;
            }
            case FLOAT16: {
                short[] d = (short[]) data;
                for (int i = 0; i < n; i++) out[i] = Float16.toFloat(d[i] & 0xffff);
                return out;
            }
            default: {
                long[] d = (long[]) data;
                for (int i = 0; i < n; i++) out[i] = d[i];
                return out;
            }
        }
    }

    /** Values as int64; float arrays are rejected because an index must be an exact integer. */
    public long[] toLongs() throws NpyFormatException {
        int n = size();
        long[] out = new long[n];
        switch (dtype) {
            case INT64:
                return ((long[]) data).clone();
            case INT32: {
                int[] d = (int[]) data;
                for (int i = 0; i < n; i++) out[i] = d[i];
                return out;
            }
            case UINT8: {
                byte[] d = (byte[]) data;
                for (int i = 0; i < n; i++) out[i] = d[i] & 0xff;
                return out;
            }
            case INT8: {
                byte[] d = (byte[]) data;
                for (int i = 0; i < n; i++) out[i] = d[i];
                return out;
            }
            default:
                throw new NpyFormatException(
                        "dtype = " + dtype.descr + ": an integer array (<i8 or <i4) is required here");
        }
    }
}
