package org.pooling4j.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.pooling4j.internal.Check;
import org.pooling4j.io.Float16;

/**
 * Reads and writes {@code onnx.TensorProto}. Reading accepts {@code raw_data} (little-endian) and
 * the typed fields ({@code float_data}, {@code int32_data}, {@code int64_data}, {@code double_data})
 * for the types of {@link DataType}; external data and segmented tensors are rejected. Every size is
 * checked against the bytes actually present before anything is allocated.
 */
public final class TensorProtos {
    /** Protobuf messages are limited to 2 GiB; a larger file cannot be a valid tensor. */
    static final long MAX_FILE_BYTES = Integer.MAX_VALUE;

    private TensorProtos() {}

    /** Reads a serialized TensorProto file (the {@code input_0.pb} files of ONNX test cases). */
    public static TensorValue read(Path file) throws IOException {
        Check.notNull(file, "file");
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES)
            throw new OnnxFormatException(file + ": " + size + " bytes, larger than the 2 GiB protobuf limit");
        return parse(Files.readAllBytes(file), file.toString());
    }

    /** Parses a serialized TensorProto; {@code what} names it in messages. */
    public static TensorValue parse(byte[] bytes, String what) throws OnnxFormatException {
        Check.notNull(bytes, "bytes");
        TensorProto t;
        try {
            t = TensorProto.parseFrom(CodedInputStream.newInstance(bytes));
        } catch (IOException e) {
            throw new OnnxFormatException(what + ": not a valid TensorProto (" + e.getMessage() + ")", e);
        }
        return fromProto(t, what);
    }

    /** The tensor a TensorProto holds; {@code what} names it in messages. */
    public static TensorValue fromProto(TensorProto t, String what) throws OnnxFormatException {
        Check.notNull(t, "tensor");
        String label = what + (t.getName().isEmpty() ? "" : " (tensor '" + t.getName() + "')");
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            throw new OnnxFormatException(label + ": external data (data_location = EXTERNAL) is not supported;"
                    + " save the model with its tensors embedded (onnx.save_model(..., save_as_external_data=False))");
        }
        if (t.hasSegment()) throw new OnnxFormatException(label + ": segmented tensors are not supported");
        DataType type = DataType.fromOnnx(t.getDataType());
        if (type == null) {
            throw new OnnxFormatException(label + ": data_type = " + DataType.onnxName(t.getDataType())
                    + ": supported are FLOAT, DOUBLE, FLOAT16, INT64, INT32, INT8, UINT8");
        }
        if (t.getDimsCount() > 64)
            throw new OnnxFormatException(label + ": rank " + t.getDimsCount() + " is more than 64");
        int[] shape = new int[t.getDimsCount()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            long dim = t.getDims(i);
            if (dim < 0 || dim > Check.MAX_ELEMENTS) {
                throw new OnnxFormatException(label + ": dims = " + t.getDimsList()
                        + ": every dimension must be in [0, " + Check.MAX_ELEMENTS + "]");
            }
            shape[i] = (int) dim;
            count = count == 0 || dim == 0 ? 0 : count * dim;
            if (count > Check.MAX_ELEMENTS) {
                throw new OnnxFormatException(
                        label + ": dims = " + t.getDimsList() + ": more than " + Check.MAX_ELEMENTS + " elements");
            }
        }
        int n = (int) count;
        if (t.hasRawData()) {
            ByteString raw = t.getRawData();
            if (raw.size() != (long) n * type.bytes()) {
                throw new OnnxFormatException(label + ": raw_data has " + raw.size() + " bytes, dims "
                        + Arrays.toString(shape) + " of " + type + " need " + (long) n * type.bytes());
            }
            return fromRaw(raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN), type, shape, n);
        }
        return fromTyped(t, type, shape, n, label);
    }

    private static TensorValue fromRaw(ByteBuffer bb, DataType type, int[] shape, int n) {
        switch (type) {
            case FLOAT: {
                float[] v = new float[n];
                bb.asFloatBuffer().get(v);
                return TensorValue.ofFloat(v, shape);
            }
            case DOUBLE: {
                double[] v = new double[n];
                bb.asDoubleBuffer().get(v);
                return TensorValue.ofDouble(v, shape);
            }
            case FLOAT16: {
                TensorValue out = TensorValue.zeros(type, shape);
                for (int i = 0; i < n; i++) out.f[i] = Float16.toFloat(bb.getShort() & 0xffff);
                return out;
            }
            default: {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    switch (type) {
                        case UINT8:
                            v[i] = bb.get() & 0xff;
                            break;
                        case INT8:
                            v[i] = bb.get();
                            break;
                        case INT32:
                            v[i] = bb.getInt();
                            break;
                        default:
                            v[i] = bb.getLong();
                            break;
                    }
                }
                return TensorValue.ofIntegers(type, v, shape);
            }
        }
    }

    private static TensorValue fromTyped(TensorProto t, DataType type, int[] shape, int n, String label)
            throws OnnxFormatException {
        String field;
        int have;
        switch (type) {
            case FLOAT:
                field = "float_data";
                have = t.getFloatDataCount();
                break;
            case DOUBLE:
                field = "double_data";
                have = t.getDoubleDataCount();
                break;
            case INT64:
                field = "int64_data";
                have = t.getInt64DataCount();
                break;
            default:
                field = "int32_data";
                have = t.getInt32DataCount();
                break;
        }
        if (have != n) {
            throw new OnnxFormatException(
                    label + ": " + field + " has " + have + " values, dims " + Arrays.toString(shape) + " need " + n);
        }
        switch (type) {
            case FLOAT: {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) v[i] = t.getFloatData(i);
                return TensorValue.ofFloat(v, shape);
            }
            case DOUBLE: {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) v[i] = t.getDoubleData(i);
                return TensorValue.ofDouble(v, shape);
            }
            case FLOAT16: {
                // The spec stores float16 bit patterns in the low 16 bits of int32_data.
                TensorValue out = TensorValue.zeros(type, shape);
                for (int i = 0; i < n; i++) {
                    int bits = t.getInt32Data(i);
                    if ((bits & ~0xffff) != 0)
                        throw new OnnxFormatException(
                                label + ": int32_data[" + i + "] = " + bits + " is not a float16 bit pattern");
                    out.f[i] = Float16.toFloat(bits);
                }
                return out;
            }
            default: {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = type == DataType.INT64 ? t.getInt64Data(i) : t.getInt32Data(i);
                    if (v[i] < type.minValue() || v[i] > type.maxValue()) {
                        throw new OnnxFormatException(
                                label + ": " + field + "[" + i + "] = " + v[i] + " is outside the range of " + type);
                    }
                }
                return TensorValue.ofIntegers(type, v, shape);
            }
        }
    }

    /** The TensorProto of {@code value} with {@code raw_data} (little-endian), as ONNX test data is written. */
    public static TensorProto toProto(TensorValue value, String name) {
        Check.notNull(value, "value");
        int n = value.size();
        ByteBuffer bb = ByteBuffer.allocate(n * value.type().bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            switch (value.type()) {
                case FLOAT:
                    bb.putFloat(value.f[i]);
                    break;
                case FLOAT16:
                    bb.putShort((short) Float16.fromFloat(value.f[i]));
                    break;
                case DOUBLE:
                    bb.putDouble(value.d[i]);
                    break;
                case UINT8:
                case INT8:
                    bb.put((byte) value.l[i]);
                    break;
                case INT32:
                    bb.putInt((int) value.l[i]);
                    break;
                default:
                    bb.putLong(value.l[i]);
                    break;
            }
        }
        TensorProto.Builder b = TensorProto.newBuilder()
                .setDataType(value.type().onnxCode())
                .setRawData(ByteString.copyFrom(bb.array()));
        for (int dim : value.shape()) b.addDims(dim);
        if (name != null) b.setName(name);
        return b.build();
    }

    public static void write(Path file, TensorValue value, String name) throws IOException {
        Check.notNull(file, "file");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.write(file, toProto(value, name).toByteArray());
    }
}
