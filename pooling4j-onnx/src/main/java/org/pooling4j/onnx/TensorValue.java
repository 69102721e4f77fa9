package org.pooling4j.onnx;

import java.util.Arrays;
import org.pooling4j.Layout;
import org.pooling4j.Tensor;
import org.pooling4j.internal.Budget;
import org.pooling4j.internal.Check;
import org.pooling4j.io.Float16;
import org.pooling4j.io.NpyArray;

/**
 * A typed ONNX tensor: element type, row-major shape (rank 0 is a scalar) and data. Float and
 * float16 values are held as {@code float[]} (every float16 is exact in float), float64 as
 * {@code double[]}, and the integer types as {@code long[]} with every value inside the type's range.
 *
 * <p>The factories share the array they are given (no copy); the accessors named {@code to...}
 * return new arrays. Operators never modify the values they receive.
 */
public final class TensorValue {
    private final DataType type;
    private final int[] shape;
    private final int size;
    final float[] f;
    final double[] d;
    final long[] l;

    private TensorValue(DataType type, int[] shape, float[] f, double[] d, long[] l) {
        this.type = type;
        this.shape = shape;
        this.size = Check.elementCount(shape, "shape");
        this.f = f;
        this.d = d;
        this.l = l;
    }

    public static TensorValue ofFloat(float[] data, int... shape) {
        Check.notNull(data, "data");
        return new TensorValue(DataType.FLOAT, checked(shape, data.length), data, null, null);
    }

    public static TensorValue ofDouble(double[] data, int... shape) {
        Check.notNull(data, "data");
        return new TensorValue(DataType.DOUBLE, checked(shape, data.length), null, data, null);
    }

    /** A float16 tensor; the values are rounded to float16 (into a new array). */
    public static TensorValue ofFloat16(float[] values, int... shape) {
        Check.notNull(values, "values");
        int[] s = checked(shape, values.length);
        float[] r = new float[values.length];
        for (int i = 0; i < r.length; i++) r[i] = Float16.round(values[i]);
        return new TensorValue(DataType.FLOAT16, s, r, null, null);
    }

    public static TensorValue ofInt64(long[] data, int... shape) {
        return ofIntegers(DataType.INT64, data, shape);
    }

    /** An integer tensor of {@code type} (UINT8, INT8, INT32 or INT64); every value must fit the type. */
    public static TensorValue ofIntegers(DataType type, long[] data, int... shape) {
        Check.notNull(type, "type");
        Check.notNull(data, "data");
        if (type.isFloatingPoint())
            throw Check.fail("type", type, "must be an integer type (uint8, int8, int32, int64)");
        int[] s = checked(shape, data.length);
        long lo = type.minValue();
        long hi = type.maxValue();
        for (int i = 0; i < data.length; i++) {
            if (data[i] < lo || data[i] > hi) {
                throw Check.fail(
                        "data[" + i + "]", data[i], "outside the range of " + type + " [" + lo + ", " + hi + "]");
            }
        }
        return new TensorValue(type, s, null, null, data);
    }

    /**
     * The float32 tensor holding a pooling4j {@link Tensor}'s data (shared). ONNX tensors are
     * channels-first, so a channels-last tensor is rejected: convert it with {@link Tensor#toLayout} first.
     */
    public static TensorValue fromTensor(Tensor t) {
        Check.notNull(t, "tensor");
        if (t.layout() != Layout.CHANNELS_FIRST) {
            throw Check.fail(
                    "tensor.layout",
                    t.layout(),
                    "ONNX tensors are channels-first (N, C, D1, ...); convert with toLayout first");
        }
        return ofFloat(t.data(), t.shape());
    }

    /**
     * A zero tensor.
     *
     * @throws IllegalArgumentException if a dimension is negative, or the tensor would not fit a Java
     *     array or the memory budget ({@link org.pooling4j.Limits#maxBytes()})
     */
    public static TensorValue zeros(DataType type, int... shape) {
        Check.notNull(type, "type");
        int[] s = Check.notNull(shape, "shape").clone();
        int n = Check.elementCount(s, "shape");
        checkBudget("shape", s, type, s);
        switch (type) {
            case FLOAT:
            case FLOAT16:
                return new TensorValue(type, s, new float[n], null, null);
            case DOUBLE:
                return new TensorValue(type, s, null, new double[n], null);
            default:
                return new TensorValue(type, s, null, null, new long[n]);
        }
    }

    /**
     * Checks a tensor of {@code type} and {@code shape} against the memory budget, naming the
     * parameter ({@code name}, {@code value}) that chose the shape.
     */
    static void checkBudget(String name, Object value, DataType type, int[] shape) {
        // float16 is held in float arrays; double and every integer type in 8-byte arrays.
        boolean floats = type == DataType.FLOAT || type == DataType.FLOAT16;
        Budget.shape(name, value, "the tensor", shape, floats ? 4 : 8, floats ? "floats" : "8-byte values");
    }

    private static int[] checked(int[] shape, int length) {
        Check.notNull(shape, "shape");
        int n = Check.elementCount(shape, "shape");
        if (n != length) {
            throw Check.fail(
                    "data.length", length, "must equal the product of shape " + Arrays.toString(shape) + " = " + n);
        }
        return shape.clone();
    }

    public DataType type() {
        return type;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    public int size() {
        return size;
    }

    /** The values as a channels-first float32 {@link Tensor} (a copy; float64 values are rounded). */
    public Tensor toTensor() {
        return new Tensor(toFloatArray(), shape, Layout.CHANNELS_FIRST);
    }

    /** The values converted to float32 (a new array). */
    public float[] toFloatArray() {
        if (f != null) return f.clone();
        float[] out = new float[size];
        for (int i = 0; i < size; i++) out[i] = d != null ? (float) d[i] : (float) l[i];
        return out;
    }

    /** The values converted to float64 (a new array; exact for every type except int64 beyond 2^53). */
    public double[] toDoubleArray() {
        if (d != null) return d.clone();
        double[] out = new double[size];
        for (int i = 0; i < size; i++) out[i] = f != null ? f[i] : l[i];
        return out;
    }

    /** The values of an integer tensor as int64 (a new array); floating-point tensors are rejected. */
    public long[] toLongArray() {
        if (l == null) throw Check.fail("type", type, "an integer tensor is required here");
        return l.clone();
    }

    double getDouble(int i) {
        return f != null ? f[i] : d != null ? d[i] : l[i];
    }

    long getLong(int i) {
        return l != null ? l[i] : (long) getDouble(i);
    }

    /** Stores {@code v} converted to this tensor's type (rounding, or for integers truncation and wrap-around as C casts do). */
    void setDouble(int i, double v) {
        if (type == DataType.FLOAT) f[i] = (float) v;
        else if (type == DataType.FLOAT16) f[i] = Float16.round((float) v);
        else if (d != null) d[i] = v;
        else l[i] = wrap((long) v);
    }

    void setLong(int i, long v) {
        if (l != null) l[i] = wrap(v);
        else setDouble(i, v);
    }

    private long wrap(long v) {
        switch (type) {
            case UINT8:
                return v & 0xff;
            case INT8:
                return (byte) v;
            case INT32:
                return (int) v;
            default:
                return v;
        }
    }

    /** The tensor a {@code .npy} array holds: f4, f8, f2, i8, i4, i1 and u1 map to the ONNX type of the same name (the data is copied). */
    public static TensorValue fromNpy(NpyArray a) {
        Check.notNull(a, "array");
        int[] shape = a.shape();
        Object data = a.data();
        switch (a.dtype()) {
            case FLOAT32:
                return ofFloat(((float[]) data).clone(), shape);
            case FLOAT64:
                return ofDouble(((double[]) data).clone(), shape);
            case FLOAT16:
                return ofFloat16(a.toFloats(), shape);
            default: {
                DataType t = a.dtype() == NpyArray.DType.INT64
                        ? DataType.INT64
                        : a.dtype() == NpyArray.DType.INT32
                                ? DataType.INT32
                                : a.dtype() == NpyArray.DType.INT8 ? DataType.INT8 : DataType.UINT8;
                long[] v;
                try {
                    v = a.toLongs();
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
                return ofIntegers(t, v, shape);
            }
        }
    }

    /** This tensor as a {@code .npy} array of the matching dtype (a copy). */
    public NpyArray toNpy() {
        switch (type) {
            case FLOAT:
                return NpyArray.of(f.clone(), shape);
            case DOUBLE:
                return NpyArray.of(d.clone(), shape);
            case FLOAT16: {
                short[] bits = new short[size];
                for (int i = 0; i < size; i++) bits[i] = (short) Float16.fromFloat(f[i]);
                return NpyArray.ofFloat16Bits(bits, shape);
            }
            case INT64:
                return NpyArray.of(l.clone(), shape);
            case INT32: {
                int[] v = new int[size];
                for (int i = 0; i < size; i++) v[i] = (int) l[i];
                return NpyArray.of(v, shape);
            }
            default: {
                byte[] v = new byte[size];
                for (int i = 0; i < size; i++) v[i] = (byte) l[i];
                return type == DataType.INT8 ? NpyArray.ofInt8(v, shape) : NpyArray.ofUint8(v, shape);
            }
        }
    }

    /** Same data, another shape of the same element count (package use: Reshape, Flatten, ...). */
    TensorValue withShape(int[] newShape) {
        return new TensorValue(type, newShape.clone(), f, d, l);
    }

    /** A copy of element {@code src} of {@code from} (same type) into element {@code dst} of this tensor. */
    void copyElement(TensorValue from, int src, int dst) {
        if (f != null) f[dst] = from.f[src];
        else if (d != null) d[dst] = from.d[src];
        else l[dst] = from.l[src];
    }

    @Override
    public String toString() {
        return type + Arrays.toString(shape);
    }
}
