package org.pooling4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.io.Float16;

/** TensorProto reading and writing; expected bit patterns are worked out from IEEE 754 by hand. */
class TensorProtosTest {

    private static TensorValue roundTrip(TensorValue v) throws Exception {
        return TensorProtos.parse(TensorProtos.toProto(v, "t").toByteArray(), "t");
    }

    @Test
    void everyTypeRoundTripsThroughRawData() throws Exception {
        TensorValue f = TensorValue.ofFloat(
                new float[] {1.5f, -0f, Float.NaN, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, 3}, 2, 3);
        TensorValue back = roundTrip(f);
        assertEquals(DataType.FLOAT, back.type());
        assertArrayEquals(new int[] {2, 3}, back.shape());
        assertArrayEquals(f.toFloatArray(), back.toFloatArray());
        assertArrayEquals(
                new double[] {0.1, -1e300},
                roundTrip(TensorValue.ofDouble(new double[] {0.1, -1e300}, 2)).toDoubleArray());
        for (DataType t : new DataType[] {DataType.UINT8, DataType.INT8, DataType.INT32, DataType.INT64}) {
            long[] v = {t.minValue(), 0, 1, t.maxValue()};
            TensorValue r = roundTrip(TensorValue.ofIntegers(t, v, 4));
            assertEquals(t, r.type());
            assertArrayEquals(v, r.toLongArray(), t.toString());
        }
        TensorValue h = roundTrip(TensorValue.ofFloat16(new float[] {1f, 65504f, 0x1p-24f, -2.5f}, 4));
        assertEquals(DataType.FLOAT16, h.type());
        assertArrayEquals(new float[] {1f, 65504f, 0x1p-24f, -2.5f}, h.toFloatArray());
        // A scalar (rank 0) holds one element.
        assertEquals(1, roundTrip(TensorValue.ofInt64(new long[] {7})).size());
    }

    @Test
    void rawDataIsLittleEndian() throws Exception {
        // 1.0f = 0x3F800000, stored low byte first; int32 258 = 0x00000102.
        TensorProto t = TensorProto.newBuilder()
                .setDataType(1)
                .addDims(1)
                .setRawData(ByteString.copyFrom(new byte[] {0, 0, (byte) 0x80, 0x3f}))
                .build();
        assertArrayEquals(new float[] {1f}, TensorProtos.fromProto(t, "t").toFloatArray());
        TensorProto i = TensorProto.newBuilder()
                .setDataType(6)
                .addDims(1)
                .setRawData(ByteString.copyFrom(new byte[] {2, 1, 0, 0}))
                .build();
        assertArrayEquals(new long[] {258}, TensorProtos.fromProto(i, "t").toLongArray());
        // float16 0x3C00 = 1.0, 0xC000 = -2.0, 0x7BFF = 65504, 0x0001 = 2^-24.
        TensorProto h = TensorProto.newBuilder()
                .setDataType(10)
                .addDims(4)
                .setRawData(ByteString.copyFrom(new byte[] {0, 0x3c, 0, (byte) 0xc0, (byte) 0xff, 0x7b, 1, 0}))
                .build();
        assertArrayEquals(
                new float[] {1f, -2f, 65504f, 0x1p-24f},
                TensorProtos.fromProto(h, "t").toFloatArray());
    }

    @Test
    void typedFieldsAreRead() throws Exception {
        TensorProto f = TensorProto.newBuilder()
                .setDataType(1)
                .addDims(2)
                .addFloatData(0.5f)
                .addFloatData(-1f)
                .build();
        assertArrayEquals(
                new float[] {0.5f, -1f}, TensorProtos.fromProto(f, "f").toFloatArray());
        TensorProto d = TensorProto.newBuilder()
                .setDataType(11)
                .addDims(1)
                .addDoubleData(0.25)
                .build();
        assertArrayEquals(new double[] {0.25}, TensorProtos.fromProto(d, "d").toDoubleArray());
        TensorProto l = TensorProto.newBuilder()
                .setDataType(7)
                .addDims(2)
                .addInt64Data(-5)
                .addInt64Data(Long.MAX_VALUE)
                .build();
        assertArrayEquals(
                new long[] {-5, Long.MAX_VALUE}, TensorProtos.fromProto(l, "l").toLongArray());
        TensorProto u = TensorProto.newBuilder()
                .setDataType(2)
                .addDims(2)
                .addInt32Data(0)
                .addInt32Data(255)
                .build();
        assertArrayEquals(new long[] {0, 255}, TensorProtos.fromProto(u, "u").toLongArray());
        TensorProto i8 = TensorProto.newBuilder()
                .setDataType(3)
                .addDims(2)
                .addInt32Data(-128)
                .addInt32Data(127)
                .build();
        assertArrayEquals(
                new long[] {-128, 127}, TensorProtos.fromProto(i8, "i8").toLongArray());
        // float16 in int32_data holds the bit pattern: 0x3555 = 0.333251953125.
        TensorProto h = TensorProto.newBuilder()
                .setDataType(10)
                .addDims(1)
                .addInt32Data(0x3555)
                .build();
        assertArrayEquals(
                new float[] {0.333251953125f}, TensorProtos.fromProto(h, "h").toFloatArray());
    }

    @Test
    void badTensorsAreRejectedWithTheReason() {
        OnnxFormatException ext = assertThrows(
                OnnxFormatException.class,
                () -> TensorProtos.fromProto(
                        TensorProto.newBuilder()
                                .setName("w")
                                .setDataType(1)
                                .addDims(4)
                                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                                .addExternalData(StringStringEntryProto.newBuilder()
                                        .setKey("location")
                                        .setValue("w.bin"))
                                .build(),
                        "init"));
        assertTrue(
                ext.getMessage().contains("external data") && ext.getMessage().contains("'w'"), ext.getMessage());
        OnnxFormatException len = assertThrows(
                OnnxFormatException.class,
                () -> TensorProtos.fromProto(
                        TensorProto.newBuilder()
                                .setDataType(1)
                                .addDims(3)
                                .setRawData(ByteString.copyFrom(new byte[8]))
                                .build(),
                        "x"));
        assertTrue(
                len.getMessage().contains("raw_data has 8 bytes")
                        && len.getMessage().contains("need 12"),
                len.getMessage());
        OnnxFormatException typed = assertThrows(
                OnnxFormatException.class,
                () -> TensorProtos.fromProto(
                        TensorProto.newBuilder()
                                .setDataType(1)
                                .addDims(3)
                                .addFloatData(1)
                                .build(),
                        "x"));
        assertTrue(typed.getMessage().contains("float_data has 1 values"), typed.getMessage());
        OnnxFormatException type = assertThrows(
                OnnxFormatException.class,
                () -> TensorProtos.fromProto(
                        TensorProto.newBuilder().setDataType(16).addDims(1).build(), "x"));
        assertTrue(type.getMessage().contains("BFLOAT16 (16)"), type.getMessage());
        OnnxFormatException neg = assertThrows(
                OnnxFormatException.class,
                () -> TensorProtos.fromProto(
                        TensorProto.newBuilder().setDataType(1).addDims(-1).build(), "x"));
        assertTrue(neg.getMessage().contains("dims = [-1]"), neg.getMessage());
        // A huge claimed shape with no data is rejected from the sizes alone, without allocating.
        OnnxFormatException huge = assertThrows(
                OnnxFormatException.class,
                () -> TensorProtos.fromProto(
                        TensorProto.newBuilder()
                                .setDataType(1)
                                .addDims(1L << 20)
                                .addDims(1L << 20)
                                .build(),
                        "x"));
        assertTrue(huge.getMessage().contains("more than"), huge.getMessage());
        OnnxFormatException range = assertThrows(
                OnnxFormatException.class,
                () -> TensorProtos.fromProto(
                        TensorProto.newBuilder()
                                .setDataType(2)
                                .addDims(1)
                                .addInt32Data(256)
                                .build(),
                        "x"));
        assertTrue(range.getMessage().contains("256"), range.getMessage());
    }

    @Test
    void truncatedBytesGiveAFormatError() {
        byte[] full = TensorProtos.toProto(TensorValue.ofFloat(new float[16], 4, 4), "x")
                .toByteArray();
        for (int cut = 1; cut < full.length; cut += 7) {
            byte[] part = java.util.Arrays.copyOf(full, cut);
            assertThrows(OnnxFormatException.class, () -> TensorProtos.parse(part, "x"), "cut at " + cut);
        }
    }

    @Test
    void writesFilesThatReadBack(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("sub").resolve("input_0.pb");
        TensorProtos.write(f, TensorValue.ofInt64(new long[] {3, 1, 4}, 3), "I");
        assertTrue(Files.size(f) > 0);
        assertArrayEquals(new long[] {3, 1, 4}, TensorProtos.read(f).toLongArray());
    }

    @Test
    void float16RoundsToNearestEven() {
        // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties to even gives 1.
        assertEquals(0x3C00, Float16.fromFloat(1f + 0x1p-11f));
        // 1 + 3*2^-11 lies halfway between 1 + 2^-10 (odd) and 1 + 2^-9 (even): rounds up.
        assertEquals(0x3C02, Float16.fromFloat(1f + 3 * 0x1p-11f));
        assertEquals(0x7C00, Float16.fromFloat(65520f)); // halfway to 2^16 rounds to infinity
        assertEquals(0x7BFF, Float16.fromFloat(65519f));
        assertEquals(0x0001, Float16.fromFloat(0x1p-24f));
        assertEquals(0x0000, Float16.fromFloat(0x1p-26f));
        assertEquals(0x8000, Float16.fromFloat(-0f));
        assertTrue(Float.isNaN(Float16.toFloat(Float16.fromFloat(Float.NaN))));
        assertEquals(0xFC00, Float16.fromFloat(Float.NEGATIVE_INFINITY));
        // 0.1f = 0x3DCCCCCD -> half 0x2E66 (0.0999755859375).
        assertEquals(0x2E66, Float16.fromFloat(0.1f));
        for (int bits = 0; bits < 0x10000; bits++) {
            float v = Float16.toFloat(bits);
            if (!Float.isNaN(v)) assertEquals(bits, Float16.fromFloat(v), "bits " + Integer.toHexString(bits));
        }
    }
}
