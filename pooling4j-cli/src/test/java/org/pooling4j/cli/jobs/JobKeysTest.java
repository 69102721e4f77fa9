package org.pooling4j.cli.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.Tensor;
import org.pooling4j.io.Npy;

class JobKeysTest {
    @TempDir
    Path dir;

    private JobRunner runner;

    /** Writes x.npy = 1..16 as (1, 1, 4, 4) and runs {@code jobs}; returns the runner's log lines. */
    private List<String> run(String... jobs) throws IOException {
        float[] x = new float[16];
        for (int i = 0; i < x.length; i++) x[i] = i + 1;
        Npy.write(dir.resolve("x.npy"), Tensor.of(x, 1, 1, 4, 4));
        Path file = dir.resolve("jobs.jsonl");
        Files.write(file, List.of(jobs), StandardCharsets.UTF_8);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        runner = new JobRunner(new PrintStream(buf, true, StandardCharsets.UTF_8), false);
        runner.run(file);
        return buf.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void aMisspeltKeyFailsWithTheNearestAcceptedKey() throws IOException {
        List<String> log = run(
                "{\"id\": \"short\", \"op\": \"max_pool2d\", \"kernel\": 2, \"input\": \"x.npy\", \"output\": \"a.npy\"}",
                "{\"id\": \"typo\", \"op\": \"avg_pool2d\", \"kernel_size\": 2, \"strid\": 2, \"input\": \"x.npy\", \"output\": \"b.npy\"}",
                "{\"id\": \"tf\", \"op\": \"tf.nn.max_pool2d\", \"ksize\": 2, \"stride\": 2, \"padding\": \"VALID\", \"input\": \"x.npy\", \"output\": \"c.npy\"}");
        assertEquals(
                List.of(
                        "FAIL  short: unknown key \"kernel\" (did you mean \"kernel_size\"?)",
                        "FAIL  typo: unknown key \"strid\" (did you mean \"stride\"?)",
                        "FAIL  tf: unknown key \"stride\" (did you mean \"strides\"?)"),
                log);
        assertEquals(0, runner.passed);
        assertEquals(3, runner.failed);
    }

    @Test
    void aKeyNearNothingFailsWithoutASuggestion() throws IOException {
        List<String> log = run(
                "{\"id\": \"colour\", \"op\": \"max_pool2d\", \"kernel_size\": 2, \"colour\": \"red\", \"input\": \"x.npy\", \"output\": \"a.npy\"}");
        assertEquals(List.of("FAIL  colour: unknown key \"colour\""), log);
        assertEquals(1, runner.failed);
    }

    @Test
    void theBadJobFailsAloneAndBeforeAnyWork() throws IOException {
        List<String> log = run(
                "{\"id\": \"before\", \"op\": \"max_pool2d\", \"kernel_size\": 2, \"input\": \"x.npy\", \"output\": \"max.npy\"}",
                "{\"id\": \"bad\", \"op\": \"max_pool2d\", \"kernel_size\": 2, \"kernal_size\": 3, \"input\": \"x.npy\", \"output\": \"bad.npy\"}",
                "{\"id\": \"after\", \"op\": \"avg_pool2d\", \"kernel_size\": 2, \"input\": \"x.npy\", \"output\": \"avg.npy\"}");
        assertEquals(3, log.size(), log.toString());
        assertTrue(log.get(0).startsWith("ok    before  max_pool2d  kernel="), log.get(0));
        assertEquals("FAIL  bad: unknown key \"kernal_size\" (did you mean \"kernel_size\"?)", log.get(1));
        assertTrue(log.get(2).startsWith("ok    after  avg_pool2d  kernel="), log.get(2));
        assertEquals(2, runner.passed);
        assertEquals(1, runner.failed);
        // 1..16 in rows of 4, 2x2 windows: {1,2,5,6}, {3,4,7,8}, {9,10,13,14}, {11,12,15,16}.
        assertArrayEquals(
                new float[] {6, 8, 14, 16},
                Npy.readTensor(dir.resolve("max.npy")).data());
        assertArrayEquals(
                new float[] {3.5f, 5.5f, 11.5f, 13.5f},
                Npy.readTensor(dir.resolve("avg.npy")).data());
        assertFalse(Files.exists(dir.resolve("bad.npy")), "the rejected job wrote its output");
    }

    @Test
    void aFamilysOwnReasonForAKeyStillWins() throws IOException {
        List<String> log = run(
                "{\"id\": \"dil\", \"op\": \"avg_pool2d\", \"kernel_size\": 2, \"dilation\": 2, \"input\": \"x.npy\", \"output\": \"a.npy\"}");
        assertEquals("FAIL  dil: key \"dilation\" = 2: avg_pool2d has no parameter dilation", log.get(0));
    }

    @Test
    void editDistance() {
        assertEquals(3, JobKeys.distance("kitten", "sitting"));
        assertEquals(5, JobKeys.distance("kernel", "kernel_size"));
        assertEquals(1, JobKeys.distance("strides", "stride"));
        // A swap of two neighbours is one edit.
        assertEquals(1, JobKeys.distance("inptu", "input"));
        assertEquals(0, JobKeys.distance("", ""));
        assertEquals(2, JobKeys.distance("", "op"));
    }

    @Test
    void nearestAcceptedKey() {
        List<String> accepted = List.of("id", "op", "input", "output", "kernel_size", "stride", "padding");
        assertEquals("kernel_size", JobKeys.nearest("kernel", accepted));
        assertEquals("kernel_size", JobKeys.nearest("kernel_shape", accepted));
        assertEquals("padding", JobKeys.nearest("pad", accepted));
        assertEquals("input", JobKeys.nearest("inptu", accepted));
        // Two letters are too short to stand for a longer name, and two edits are too many for a two-letter name.
        assertNull(JobKeys.nearest("ke", accepted));
        // One edit from both "id" and "op": the first accepted key wins.
        assertEquals("id", JobKeys.nearest("ip", List.of("id", "op", "input")));
        assertNull(JobKeys.nearest("colour", accepted));
    }
}
