package org.pooling4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pooling4j.internal.json.Json;

/**
 * Crafted {@code .npy} files with NumPy's own verdict on each (tools/golden/npy_header_cases.py ran
 * {@code numpy.load} on them): the reader accepts what NumPy accepts, with NumPy's shape and values;
 * refuses, saying so, what NumPy accepts but pooling4j does not support (Fortran order, big-endian,
 * complex, dtype names); and rejects with an {@link NpyFormatException} naming the file whatever NumPy
 * rejects (extra, missing or duplicate keys, NUL characters, {@code (1,,,1,,2,3)}, negative or
 * overflowing shapes, short data, bad versions, over-long headers...).
 */
class NpyNumpyVerdictTest {
    @TempDir
    Path dir;

    static Stream<Map<?, ?>> cases() throws IOException {
        List<Map<?, ?>> out = new ArrayList<>();
        try (InputStream in = resource("manifest.jsonl")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) out.add((Map<?, ?>) Json.parse(line));
            }
        }
        assertTrue(out.size() >= 80, "only " + out.size() + " cases");
        return out.stream();
    }

    private static InputStream resource(String file) {
        InputStream in = NpyNumpyVerdictTest.class.getClassLoader().getResourceAsStream("npy-headers/" + file);
        assertNotNull(in, "npy-headers/" + file + " is missing from the test resources");
        return in;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameVerdictAsNumpy(Map<?, ?> c) throws IOException {
        String file = (String) c.get("file");
        byte[] bytes;
        try (InputStream in = resource(file)) {
            bytes = in.readAllBytes();
        }
        String ours = (String) c.get("pooling4j");
        if (ours.equals("accept")) {
            NpyArray a = Npy.read(new ByteArrayInputStream(bytes), file);
            List<?> shape = (List<?>) c.get("shape");
            int[] want = new int[shape.size()];
            for (int i = 0; i < want.length; i++) want[i] = ((Number) shape.get(i)).intValue();
            assertArrayEquals(want, a.shape(), file);
            assertEquals(c.get("dtype"), a.dtype().descr, file);
            List<?> values = (List<?>) c.get("values");
            if (a.dtype() == NpyArray.DType.FLOAT32) {
                float[] got = a.toFloats();
                assertEquals(values.size(), got.length, file);
                for (int i = 0; i < got.length; i++)
                    assertEquals(((Number) values.get(i)).floatValue(), got[i], file + " [" + i + "]");
            } else {
                long[] got = a.toLongs();
                assertEquals(values.size(), got.length, file);
                for (int i = 0; i < got.length; i++)
                    assertEquals(((Number) values.get(i)).longValue(), got[i], file + " [" + i + "]");
            }
            return;
        }
        NpyFormatException e = assertThrowsExactly(
                NpyFormatException.class,
                () -> Npy.read(new ByteArrayInputStream(bytes), file),
                file + ": NumPy says " + c.get("numpy") + " " + c.get("error"));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        if (ours.equals("refuse")) assertTrue(e.getMessage().contains("not supported"), e.getMessage());
        // The same verdict from a file, where the reader also knows the file's size.
        Path f = dir.resolve(file);
        Files.write(f, bytes);
        NpyFormatException fromFile = assertThrowsExactly(NpyFormatException.class, () -> Npy.read(f), file);
        assertTrue(fromFile.getMessage().startsWith(f + ": "), fromFile.getMessage());
    }

    @Test
    void aShapeLargerThanTheFileIsRefusedFromTheFileSize() throws IOException {
        // 10^9 float32 claimed, 8 data bytes present: refused before any data is read.
        String h = "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000,), }";
        byte[] head = h.getBytes(StandardCharsets.ISO_8859_1);
        byte[] file = new byte[10 + head.length + 8];
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) head.length, 0};
        System.arraycopy(magic, 0, file, 0, 10);
        System.arraycopy(head, 0, file, 10, head.length);
        Path f = dir.resolve("short.npy");
        Files.write(f, file);
        NpyFormatException e = assertThrowsExactly(NpyFormatException.class, () -> Npy.read(f));
        assertEquals(f + ": truncated: shape [1000000000] of <f4 needs 4000000000 data bytes, found 8", e.getMessage());
    }
}
