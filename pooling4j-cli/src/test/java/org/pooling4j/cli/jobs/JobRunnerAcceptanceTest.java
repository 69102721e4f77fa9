package org.pooling4j.cli.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.Tensor;
import org.pooling4j.io.Npy;

/**
 * The acceptance run: {@code pooling4j run} on a jobs file that mixes the reproductions of
 * the runner's findings (an undecodable line, keys of another framework, ids that would forge lines
 * or reach the terminal, outputs over inputs, each other, the jobs file, a directory and outside the
 * folder) and a job that asks for 6.4 GB (finding 1) with valid jobs before and after them. It runs
 * as the user runs it, in a JVM of its own with a small heap (256 MB), so that the big job really
 * runs out of memory unless a memory budget rejects it first. Every bad job fails by id in one line,
 * nothing is written for it, the valid jobs give the hand-worked numbers, the inputs and the jobs
 * file keep their bytes, and the exit status is 1.
 */
class JobRunnerAcceptanceTest {
    @TempDir
    Path root;

    @Test
    void aFileOfBadJobsAmongValidOnes() throws Exception {
        Path dir = Files.createDirectories(root.resolve("jobs"));
        float[] x = new float[16];
        for (int i = 0; i < x.length; i++) x[i] = i + 1;
        // x4 = arange(1, 17).reshape(1, 1, 4, 4), the input.
        Npy.write(dir.resolve("x4.npy"), Tensor.of(x, 1, 1, 4, 4));
        Npy.write(dir.resolve("w.npy"), Tensor.zeros(65536));
        Npy.write(dir.resolve("box.npy"), Tensor.of(new float[] {0, 0, 0, 3, 3}, 1, 5));
        Files.createDirectories(dir.resolve("sub"));
        String outside = root.resolve("outside.npy").toString();

        ByteArrayOutputStream file = new ByteArrayOutputStream();
        List<String[]> expected = new ArrayList<>();
        line(file, job("max-before", "\"op\": \"max_pool2d\", \"kernel_size\": 2", "max_before.npy"));
        expected.add(new String[] {"ok    max-before  max_pool2d  "});
        // Finding 4: a Latin-1 byte (e-acute) on its own line.
        file.write(job("latin1-caf\u00e9", "\"op\": \"max_pool2d\", \"kernel_size\": 2", "latin1.npy")
                .getBytes(StandardCharsets.ISO_8859_1));
        file.write('\n');
        expected.add(new String[] {"FAIL  line 2: not valid UTF-8: byte 0xE9 at byte 19 of the line", ", line 2)"});
        // Finding 5: TensorFlow's strides on PyTorch's max_pool2d; data_format on a torch op.
        line(file, job("strides", "\"op\": \"max_pool2d\", \"kernel_size\": 3, \"strides\": 1", "strides.npy"));
        expected.add(new String[] {"FAIL  strides: unknown key \"strides\" (did you mean \"stride\"?)"});
        line(
                file,
                job("data-format", "\"op\": \"avg_pool2d\", \"kernel_size\": 2, \"data_format\": \"NHWC\"", "df.npy"));
        expected.add(new String[] {"FAIL  data-format: unknown key \"data_format\""});
        // Finding 6: an id that would forge an ok line, and one with terminal escape codes.
        line(
                file,
                job(
                        "forged\\nok    fake  max_pool2d  kernel=scalar  0.01 ms",
                        "\"op\": \"max_pool2d\", \"kernel_size\": 0",
                        "forged.npy"));
        expected.add(new String[] {"FAIL  forged\\nok    fake  max_pool2d  kernel=scalar  0.01 ms: kernel = [0, 0]"});
        line(file, job("\\u001b[31mred\\u001b[0m", "\"op\": \"max_pool2d\", \"kernel_size\": 2", "red.npy"));
        expected.add(new String[] {"ok    \\u001b[31mred\\u001b[0m  max_pool2d  "});
        // Finding 7: indices over output, output over the jobs file, over the input, a directory, outside.
        line(
                file,
                job(
                        "indices-is-output",
                        "\"op\": \"max_pool2d\", \"kernel_size\": 2, \"indices\": \"same.npy\"",
                        "same.npy"));
        expected.add(
                new String[] {"FAIL  indices-is-output: key \"output\" = \"same.npy\": is the same file as \"indices\""
                });
        line(file, job("over-jobs", "\"op\": \"max_pool2d\", \"kernel_size\": 2", "jobs.jsonl"));
        expected.add(new String[] {"FAIL  over-jobs: key \"output\" = \"jobs.jsonl\": is the jobs file"});
        line(file, job("over-input", "\"op\": \"avg_pool2d\", \"kernel_size\": 2", "./x4.npy"));
        expected.add(
                new String[] {"FAIL  over-input: key \"output\" = \"./x4.npy\": is the same file as the input \"input\""
                });
        line(file, job("into-dir", "\"op\": \"max_pool2d\", \"kernel_size\": 2", "sub"));
        expected.add(new String[] {"FAIL  into-dir: key \"output\" = \"sub\": is a directory"});
        line(file, job("dotdot", "\"op\": \"max_pool2d\", \"kernel_size\": 2", "sub/../../outside.npy"));
        expected.add(new String[] {"FAIL  dotdot: key \"output\" = \"sub/../../outside.npy\": leads to "});
        line(file, job("absolute", "\"op\": \"max_pool2d\", \"kernel_size\": 2", outside));
        expected.add(new String[] {"FAIL  absolute: key \"output\" = \"" + outside + "\": an absolute output path"});
        // Finding 1: 40000 x 40000 floats from a 4 x 4 input, 6.4 GB.
        line(file, job("huge", "\"op\": \"adaptive_avg_pool2d\", \"output_size\": [40000, 40000]", "huge.npy"));
        expected.add(new String[] {"FAIL  huge: outputSize = [40000, 40000]: the output needs 6400000000 bytes"});
        // Finding 2: tap counts of weighted-average and gated pooling that overflowed an int.
        line(
                file,
                job(
                        "taps",
                        "\"op\": \"weighted_avg_pool2d\", \"kernel_size\": [1000000, 1000000], \"sigma\": 1",
                        "taps.npy"));
        expected.add(new String[] {"FAIL  taps: kernel = [1000000, 1000000]: a window of 1000000 x 1000000"});
        line(
                file,
                job(
                        "gated",
                        "\"op\": \"gated_pool2d\", \"kernel_size\": [65536, 65537], \"weights\": \"w.npy\"",
                        "gated.npy"));
        expected.add(
                new String[] {"FAIL  gated: kernel = [65536, 65537]: a window of 65536 x 65537 = 4295032832 taps"});
        // Finding 3: ROI align sampling 46340^2 points per bin of a 4 x 4 input (25 s per box before).
        line(
                file,
                job(
                        "slow-roi",
                        "\"op\": \"roi_align\", \"boxes\": \"box.npy\", \"output_size\": 1, \"sampling_ratio\": 46340",
                        "roi.npy"));
        expected.add(new String[] {"FAIL  slow-roi: samplingRatio = 46340: the call would read about 8589582400"});
        line(file, job("avg-after", "\"op\": \"avg_pool2d\", \"kernel_size\": 2", "avg_after.npy"));
        expected.add(new String[] {"ok    avg-after  avg_pool2d  "});
        line(
                file,
                job(
                        "max-after",
                        "\"op\": \"max_pool2d\", \"kernel_size\": 2, \"indices\": \"max_after_idx.npy\"",
                        "max_after.npy"));
        expected.add(new String[] {"ok    max-after  max_pool2d  "});
        Path jobs = dir.resolve("jobs.jsonl");
        Files.write(jobs, file.toByteArray());
        // A later file still runs.
        Path more = dir.resolve("more.jsonl");
        Files.writeString(more, job("later", "\"op\": \"max_pool2d\", \"kernel_size\": 2", "later.npy") + "\n");
        expected.add(new String[] {"ok    later  max_pool2d  "});

        byte[] jobsBefore = Files.readAllBytes(jobs);
        byte[] x4Before = Files.readAllBytes(dir.resolve("x4.npy"));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "org.pooling4j.cli.Main",
                        "run",
                        jobs.toString(),
                        more.toString())
                .redirectError(root.resolve("stderr.txt").toFile())
                .start();
        byte[] outBytes = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "still running");
        double seconds = (System.nanoTime() - t0) / 1e9;
        String out = new String(outBytes, StandardCharsets.UTF_8);
        List<String> log = out.lines().toList();

        assertEquals(1, p.exitValue(), out);
        assertEquals(expected.size() + 1, log.size(), out);
        for (int i = 0; i < expected.size(); i++) {
            String[] e = expected.get(i);
            assertTrue(
                    log.get(i).startsWith(e[0]), "line " + i + ": " + log.get(i) + "\nexpected to start with " + e[0]);
            if (e.length > 1) assertTrue(log.get(i).endsWith(e[1]), log.get(i));
        }
        assertEquals("5 passed, 14 failed", log.get(log.size() - 1));
        assertFalse(out.contains("\u001b"), "an escape code reached the output");
        String err = Files.readString(root.resolve("stderr.txt"));
        assertFalse(out.contains("\tat ") || err.contains("\tat "), "a stack trace: " + out + err);
        assertTrue(seconds < 60, "took " + seconds + " s");

        // 2x2 max of 1..16 in rows of 4: {1,2,5,6} -> 6, {3,4,7,8} -> 8, {9,10,13,14} -> 14, {11,12,15,16} -> 16,
        // at per-plane indices 5, 7, 13, 15; the averages are 3.5, 5.5, 11.5, 13.5.
        float[] max = {6, 8, 14, 16};
        assertArrayEquals(max, Npy.readTensor(dir.resolve("max_before.npy")).data());
        assertArrayEquals(max, Npy.readTensor(dir.resolve("red.npy")).data());
        assertArrayEquals(max, Npy.readTensor(dir.resolve("max_after.npy")).data());
        assertArrayEquals(max, Npy.readTensor(dir.resolve("later.npy")).data());
        assertArrayEquals(
                new long[] {5, 7, 13, 15},
                Npy.readLongTensor(dir.resolve("max_after_idx.npy")).data());
        assertArrayEquals(
                new float[] {3.5f, 5.5f, 11.5f, 13.5f},
                Npy.readTensor(dir.resolve("avg_after.npy")).data());
        for (String none : List.of(
                "latin1.npy",
                "strides.npy",
                "df.npy",
                "forged.npy",
                "same.npy",
                "huge.npy",
                "taps.npy",
                "gated.npy",
                "roi.npy")) assertFalse(Files.exists(dir.resolve(none)), none);
        assertFalse(Files.exists(root.resolve("outside.npy")));
        assertArrayEquals(jobsBefore, Files.readAllBytes(jobs));
        assertArrayEquals(x4Before, Files.readAllBytes(dir.resolve("x4.npy")));
    }

    private static String job(String id, String keys, String output) {
        return "{\"id\": \"" + id + "\", " + keys + ", \"input\": \"x4.npy\", \"output\": \"" + output + "\"}";
    }

    private static void line(ByteArrayOutputStream file, String text) throws IOException {
        file.write((text + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
