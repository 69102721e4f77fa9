package org.pooling4j.spark.internal;

import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.unsafe.Platform;

/** Copies Spark's float and double arrays into a float buffer, one bulk copy where Spark's binary format allows. */
final class FloatArrays {
    private FloatArrays() {}

    /**
     * Copies the {@code n} elements of {@code a} (floats, or doubles when {@code doubles}, each rounded to the
     * nearest float) to {@code dst} at {@code off}.
     *
     * @return the index of the first null element (the copy is then incomplete), or -1
     */
    static int copy(ArrayData a, boolean doubles, float[] dst, int off, int n) {
        if (!doubles && a instanceof UnsafeArrayData) {
            // Spark's binary array: a null bit set, then the floats; one bulk copy when no bit is set.
            UnsafeArrayData u = (UnsafeArrayData) a;
            Object base = u.getBaseObject();
            long header = UnsafeArrayData.calculateHeaderPortionInBytes(n);
            for (long w = u.getBaseOffset() + 8; w < u.getBaseOffset() + header; w += 8) {
                if (Platform.getLong(base, w) != 0) {
                    for (int k = 0; k < n; k++) if (u.isNullAt(k)) return k;
                }
            }
            Platform.copyMemory(
                    base, u.getBaseOffset() + header, dst, Platform.FLOAT_ARRAY_OFFSET + (long) off * 4, (long) n * 4);
            return -1;
        }
        for (int k = 0; k < n; k++) {
            if (a.isNullAt(k)) return k;
            dst[off + k] = doubles ? (float) a.getDouble(k) : a.getFloat(k);
        }
        return -1;
    }
}
