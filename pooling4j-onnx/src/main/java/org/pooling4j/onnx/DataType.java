package org.pooling4j.onnx;

/**
 * The ONNX element types this module reads, writes and computes with. The number is the
 * {@code TensorProto.DataType} value of the ONNX specification.
 */
public enum DataType {
    FLOAT(1, 4, "float32"),
    UINT8(2, 1, "uint8"),
    INT8(3, 1, "int8"),
    INT32(6, 4, "int32"),
    INT64(7, 8, "int64"),
    FLOAT16(10, 2, "float16"),
    DOUBLE(11, 8, "float64");

    private final int onnx;
    private final int bytes;
    private final String label;

    DataType(int onnx, int bytes, String label) {
        this.onnx = onnx;
        this.bytes = bytes;
        this.label = label;
    }

    /** The {@code TensorProto.DataType} number. */
    public int onnxCode() {
        return onnx;
    }

    /** Bytes per element in {@code raw_data}. */
    public int bytes() {
        return bytes;
    }

    public boolean isFloatingPoint() {
        return this == FLOAT || this == FLOAT16 || this == DOUBLE;
    }

    /** Smallest value of an integer type. */
    long minValue() {
        switch (this) {
            case UINT8:
                return 0;
            case INT8:
                return Byte.MIN_VALUE;
            case INT32:
                return Integer.MIN_VALUE;
            case INT64:
                return Long.MIN_VALUE;
            default:
                throw new IllegalStateException(label + " is not an integer type");
        }
    }

    /** Largest value of an integer type. */
    long maxValue() {
        switch (this) {
            case UINT8:
                return 255;
            case INT8:
                return Byte.MAX_VALUE;
            case INT32:
                return Integer.MAX_VALUE;
            case INT64:
                return Long.MAX_VALUE;
            default:
                throw new IllegalStateException(label + " is not an integer type");
        }
    }

    /** The type with this {@code TensorProto.DataType} number, or null when unsupported. */
    public static DataType fromOnnx(int code) {
        for (DataType t : values()) {
            if (t.onnx == code) return t;
        }
        return null;
    }

    /** ONNX's name of a {@code TensorProto.DataType} number, for messages about any type. */
    public static String onnxName(int code) {
        String[] names = {
            "UNDEFINED",
            "FLOAT",
            "UINT8",
            "INT8",
            "UINT16",
            "INT16",
            "INT32",
            "INT64",
            "STRING",
            "BOOL",
            "FLOAT16",
            "DOUBLE",
            "UINT32",
            "UINT64",
            "COMPLEX64",
            "COMPLEX128",
            "BFLOAT16",
            "FLOAT8E4M3FN",
            "FLOAT8E4M3FNUZ",
            "FLOAT8E5M2",
            "FLOAT8E5M2FNUZ",
            "UINT4",
            "INT4",
            "FLOAT4E2M1"
        };
        return code >= 0 && code < names.length ? names[code] + " (" + code + ")" : "unknown type " + code;
    }

    @Override
    public String toString() {
        return label;
    }
}
