package org.pooling4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.Tensor;
import org.pooling4j.internal.json.Json;
import org.pooling4j.io.Npy;

public class CliTest {
    @TempDir
    Path dir;

    /** Runs the command line capturing stdout and stderr; returns {exit status, text}. */
    public static Object[] cli(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream p = new PrintStream(buf, true, StandardCharsets.UTF_8);
        System.setOut(p);
        System.setErr(p);
        try {
            int rc = Main.execute(args);
            return new Object[] {rc, buf.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void explainShowsTheTutorialExample() {
        Object[] r = cli("explain");
        String text = (String) r[1];
        assertEquals(0, r[0], text);
        // max of windows {1,2,5,6}, {3,4,7,8}, {9,10,13,14}, {11,12,15,16}
        assertTrue(text.contains("max{1, 2, 5, 6} = 6"), text);
        assertTrue(text.contains("max{11, 12, 15, 16} = 16"), text);
        assertTrue(text.contains("avg{1, 2, 5, 6} = 3.5"), text);
        assertTrue(text.matches("(?s).*Output:\\s+6\\s+8\\s+14\\s+16.*"), text);
        assertTrue(text.matches("(?s).*Output:\\s+3\\.5\\s+5\\.5\\s+11\\.5\\s+13\\.5.*"), text);
    }

    @Test
    void explainWithPaddingShowsPadTaps() throws Exception {
        Path x = dir.resolve("x.npy");
        Npy.write(x, Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 6));
        Object[] r = cli(
                "explain",
                "--op",
                "avg",
                "--kernel",
                "3",
                "--stride",
                "2",
                "--padding",
                "1",
                "--ceil-mode",
                "--input",
                x.toString());
        String text = (String) r[1];
        assertEquals(0, r[0], text);
        // include-pad divisors: {pad,1,2}/3 = 1, {2,3,4}/3 = 3, {4,5,6}/3 = 5, {6,pad}/2 = 3 (overhang not counted)
        assertTrue(text.contains("avg{pad, 1, 2} = 1"), text);
        assertTrue(text.contains("avg{6, pad} = 3  (divisor 2)"), text);
    }

    @Test
    void explainShowsStochasticMixedGatedAndWeightedAverage() {
        Object[] r = cli(
                "explain",
                "--op",
                "stochastic,mixed,gated,weighted_avg",
                "--training",
                "false",
                "--alpha",
                "0.25",
                "--sigma",
                "1");
        String text = (String) r[1];
        assertEquals(0, r[0], text);
        // Window {1, 2, 5, 6}: sum 14, sum of squares 66; max 6, avg 3.5; gate weights 0 -> g = 0.5; equal Gaussian
        // weights.
        assertTrue(text.contains("stochastic{1, 2, 5, 6} = 4.71429  (sum a^2 / sum a = 66 / 14)"), text);
        assertTrue(text.contains("mixed{1, 2, 5, 6} = 4.125  (0.25*max 6 + 0.75*avg 3.5)"), text);
        assertTrue(
                text.contains("gated{1, 2, 5, 6} = 4.75  (z = 0, g = sigmoid(z) = 0.5: g*max 6 + (1-g)*avg 3.5)"),
                text);
        assertTrue(text.contains("weighted_avg{1, 2, 5, 6} = 3.5"), text);
        Object[] t = cli("explain", "--op", "stochastic", "--seed", "3");
        assertEquals(0, t[0], (String) t[1]);
        assertTrue(((String) t[1]).contains("p = [0.0714286, 0.142857, 0.357143, 0.428571]"), (String) t[1]);
    }

    @Test
    void explainRejectsUnknownOpWithExitStatus2() {
        Object[] r = cli("explain", "--op", "median");
        assertEquals(2, r[0]);
        assertTrue(((String) r[1]).contains("--op median"), (String) r[1]);
    }

    @Test
    void runReportsFailuresAndContinues() throws Exception {
        Npy.write(dir.resolve("x.npy"), Tensor.of(new float[] {1, 5, 2, 4, 3, 0}, 1, 1, 6));
        Files.writeString(
                dir.resolve("jobs.jsonl"),
                String.join(
                        "\n",
                        "{\"id\": \"good\", \"op\": \"max_pool1d\", \"kernel_size\": 2, \"input\": \"x.npy\", \"output\": \"y.npy\", \"indices\": \"i.npy\"}",
                        "{\"id\": \"zero-kernel\", \"op\": \"max_pool1d\", \"kernel_size\": 0, \"input\": \"x.npy\", \"output\": \"z.npy\"}",
                        "{\"id\": \"no-such-op\", \"op\": \"median_pool1d\", \"input\": \"x.npy\", \"output\": \"z.npy\"}",
                        "not json",
                        "",
                        "{\"id\": \"tf\", \"op\": \"tf.nn.avg_pool1d\", \"ksize\": 2, \"strides\": 2, \"padding\": \"SAME\", \"input\": \"x.npy\", \"data_format\": \"NCW\", \"output\": \"t.npy\"}"));
        Object[] r = cli("run", dir.resolve("jobs.jsonl").toString());
        String text = (String) r[1];
        assertEquals(1, r[0], text);
        assertTrue(text.contains("FAIL  zero-kernel: kernel = [0]: every entry must be >= 1"), text);
        assertTrue(text.contains("FAIL  no-such-op: op = \"median_pool1d\": unknown operator"), text);
        assertTrue(text.contains("FAIL  line 4: invalid JSON"), text);
        String[] lines = text.trim().split("\n");
        assertEquals("2 passed, 3 failed", lines[lines.length - 1]);
        assertArrayEquals(
                new float[] {5, 4, 3}, Npy.readTensor(dir.resolve("y.npy")).data());
        assertArrayEquals(
                new long[] {1, 3, 4}, Npy.readLongTensor(dir.resolve("i.npy")).data());
        // TF SAME on 6 with k=2, s=2 needs no padding: [3, 3, 1.5]
        assertArrayEquals(
                new float[] {3, 3, 1.5f}, Npy.readTensor(dir.resolve("t.npy")).data());
    }

    @Test
    void runRejectsParametersOfAnotherOperator() throws Exception {
        Npy.write(dir.resolve("x.npy"), Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 4));
        Files.writeString(
                dir.resolve("jobs.jsonl"),
                "{\"id\": \"lp-pad\", \"op\": \"lp_pool1d\", \"norm_type\": 2, \"kernel_size\": 2, \"padding\": 1, \"input\": \"x.npy\", \"output\": \"y.npy\"}\n");
        Object[] r = cli("run", dir.resolve("jobs.jsonl").toString());
        assertEquals(1, r[0]);
        assertTrue(((String) r[1]).contains("key \"padding\" = 1: lp_pool1d has no parameter padding"), (String) r[1]);
    }

    @Test
    void missingJobsFileFails() {
        Object[] r = cli("run", dir.resolve("nope.jsonl").toString());
        assertEquals(2, r[0]);
        assertEquals("pooling4j run: no such file: " + dir.resolve("nope.jsonl"), ((String) r[1]).trim());
    }

    @Test
    void jsonParsesJobValues() {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>)
                Json.parse("{\"a\": [1, 2.5, null, true], \"b\": \"x\\\"y\\u0041\", \"c\": -3e2, \"d\": {}}");
        assertEquals(java.util.Arrays.asList(1L, 2.5, null, true), m.get("a"));
        assertEquals("x\"yA", m.get("b"));
        assertEquals(-300.0, m.get("c"));
        assertEquals(Map.of(), m.get("d"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1,]"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{} x"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[".repeat(100) + "]".repeat(100)));
    }

    /** A 4-D array is (N, C, H, W) with 2-D pooling, a 5-D one (N, C, D, H, W) with 3-D pooling, as in PyTorch. */
    @Test
    void explainReadsFourAndFiveAxesAsPyTorchDoes() throws Exception {
        float[] d = new float[32];
        for (int i = 0; i < d.length; i++) d[i] = i + 1;
        Path x4 = dir.resolve("x4.npy");
        Npy.write(x4, Tensor.of(java.util.Arrays.copyOf(d, 16), 1, 1, 4, 4));
        Object[] r = cli("explain", "--op", "max", "--input", x4.toString());
        assertEquals(0, r[0], (String) r[1]);
        // 2x2 windows of the 4x4 plane 1..16.
        assertTrue(((String) r[1]).matches("(?s).*Output:\\s+6\\s+8\\s+14\\s+16\\s*$"), (String) r[1]);
        Path x5 = dir.resolve("x5.npy");
        Npy.write(x5, Tensor.of(d, 1, 1, 2, 4, 4));
        r = cli("explain", "--op", "max", "--input", x5.toString());
        assertEquals(0, r[0], (String) r[1]);
        // 2x2x2 windows: the second 4x4 slab (17..32) holds each window's maximum, 16 more than above.
        assertTrue(
                ((String) r[1]).matches("(?s).*Output:\\s+\\[depth 0\\]\\s+22\\s+24\\s+30\\s+32\\s*$"), (String) r[1]);
    }
}
