package org.pooling4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * Fuzzes the {@code .npy} reader with arbitrary bytes. The only exception a reader may throw is an
 * {@link NpyFormatException} with a message; any other throwable (an index, overflow or negative
 * size exception, an OutOfMemoryError, a hang) is a finding. A file it accepts must survive a write
 * and a second read unchanged. The seeds (valid files of every dtype and format version, and near
 * misses) are in {@code NpyFuzzTestInputs/read}; the regular test run replays them, the build's fuzz
 * executions mutate them (see the README's Tests section).
 */
class NpyFuzzTest {
    @FuzzTest
    void read(byte[] bytes) throws IOException {
        NpyArray a;
        try {
            a = Npy.read(new ByteArrayInputStream(bytes), "fuzz.npy");
        } catch (NpyFormatException e) {
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().isBlank());
            return;
        }
        long size = 1;
        for (int d : a.shape()) size *= d;
        assertEquals(size, a.size());
        assertEquals(a.size(), a.toFloats().length);
        try {
            assertEquals(a.size(), a.toLongs().length);
        } catch (NpyFormatException e) {
            // float arrays are not read as integers: documented
            assertFalse(e.getMessage().isBlank());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, a);
        NpyArray b = Npy.read(new ByteArrayInputStream(out.toByteArray()), "again.npy");
        assertEquals(a.dtype(), b.dtype());
        assertArrayEquals(a.shape(), b.shape());
        assertEquals(true, dataEquals(a.data(), b.data()), "data changed by a write and a read");
    }

    private static boolean dataEquals(Object x, Object y) {
        if (x instanceof float[]) return Arrays.equals((float[]) x, (float[]) y);
        if (x instanceof double[]) return Arrays.equals((double[]) x, (double[]) y);
        if (x instanceof int[]) return Arrays.equals((int[]) x, (int[]) y);
        if (x instanceof long[]) return Arrays.equals((long[]) x, (long[]) y);
        if (x instanceof short[]) return Arrays.equals((short[]) x, (short[]) y);
        return Arrays.equals((byte[]) x, (byte[]) y);
    }
}
