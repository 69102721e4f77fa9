package org.pooling4j.tuning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.pooling4j.Geometry;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;
import org.pooling4j.internal.json.Json;

/**
 * Fuzzes the wisdom-file reader ({@link Tuner#loadWisdom}), whose contract is to ignore a bad file
 * with one warning and never throw. Two placeholders let mutated files get past the header check,
 * which a fuzzer could not guess (it names this machine's CPU and JDK): {@code @HEADER@} is
 * replaced by this process's header fields and {@code @KEY@} by the tuner key of the call below.
 * Whatever the file loads, the call must still give the values it gives without a wisdom file: a
 * decision may choose a kernel and thread count, never change a result.
 */
class WisdomFuzzTest {
    private static final PoolSpec AVG = PoolSpec.avg(2, 2).build();
    private static final Tensor X = input();
    private static Path dir;
    private static Path file;
    private static float[] expected1;
    private static float[] expected2;
    private static Level level;
    private static String header;
    private static String key;

    private static Tensor input() {
        float[] v = new float[1 * 4 * 12 * 12];
        for (int i = 0; i < v.length; i++) v[i] = (i * 37 % 101) - 50;
        return Tensor.of(v, 1, 4, 12, 12);
    }

    @BeforeAll
    static void setUp() throws IOException {
        dir = Files.createTempDirectory("wisdom-fuzz");
        file = dir.resolve("wisdom.json");
        // Each malformed file logs one warning: millions of runs would flood the test output.
        Logger log = Logger.getLogger("org.pooling4j");
        level = log.getLevel();
        log.setLevel(Level.OFF);
        StringBuilder h = new StringBuilder();
        for (Map.Entry<String, Object> e : Tuner.header().entrySet()) {
            if (h.length() > 0) h.append(", ");
            h.append(Json.quote(e.getKey())).append(": ").append(Json.write(e.getValue()));
        }
        header = h.toString();
        Geometry g = Pooling.geometry(AVG, X);
        key = Tuner.key(g, false, "values", 1);
        Tuner.clear();
        expected1 = Pooling.forward(AVG, X, 1).data().clone();
        expected2 = Pooling.forward(AVG, X, 2).data().clone();
    }

    @AfterAll
    static void tearDown() throws IOException {
        Tuner.clear();
        Logger.getLogger("org.pooling4j").setLevel(level);
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    @FuzzTest
    void loadWisdom(byte[] bytes) throws IOException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        text = text.replace("@HEADER@", header).replace("@KEY@", key);
        Files.write(file, text.getBytes(StandardCharsets.UTF_8));
        try {
            int n = Tuner.loadWisdom(file);
            assertTrue(n >= 0, "loaded " + n);
            if (n == 0) return;
            assertArrayEquals(expected1, Pooling.forward(AVG, X, 1).data());
            assertArrayEquals(expected2, Pooling.forward(AVG, X, 2).data());
        } finally {
            Tuner.clear();
        }
    }
}
