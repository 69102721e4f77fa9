package org.pooling4j.cli.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.LongTensor;
import org.pooling4j.Tensor;
import org.pooling4j.cli.CliTest;
import org.pooling4j.io.Npy;

/**
 * The region-op jobs ({@code roi_align}, {@code roi_pool} and their backwards) through the job runner:
 * keys, defaults, the argmax file, and bad input reported as a failed job naming the key or box, the
 * value and the rule. Values against torchvision are in the golden suite (GoldenJobsTest).
 */
class RoiJobsTest {
    @TempDir
    Path dir;

    /** A (2, 1, 4, 4) input holding {@code 4h + w + 1} in both images, and a box file per name. */
    private void files() throws Exception {
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) x[i] = i % 16 + 1;
        Npy.write(dir.resolve("x.npy"), Tensor.of(x, 2, 1, 4, 4));
        box("ok", 1, 0.6f, 0.4f, 2.5f, 2.5f);
        box("batch2", 2, 0, 0, 2, 2);
        box("batchneg", -1, 0, 0, 2, 2);
        box("batchhalf", 0.5f, 0, 0, 2, 2);
        box("nan", 0, 0, Float.NaN, 2, 2);
        box("reversed", 0, 3, 3, 1, 1);
        Npy.write(dir.resolve("b4.npy"), Tensor.of(new float[] {0, 0, 2, 2}, 1, 4));
        Npy.write(dir.resolve("g.npy"), Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2));
    }

    private void box(String name, float... v) throws Exception {
        Npy.write(dir.resolve(name + ".npy"), Tensor.of(v, v.length / 5, 5));
    }

    private String run(String... jobs) throws Exception {
        Files.writeString(dir.resolve("jobs.jsonl"), String.join("\n", jobs));
        return (String) CliTest.cli("run", dir.resolve("jobs.jsonl").toString())[1];
    }

    private static String job(String id, String op, String rest) {
        return "{\"id\": \"" + id + "\", \"op\": \"" + op + "\", \"input\": \"x.npy\", " + rest + "}";
    }

    @Test
    void forwardAndBackwardJobs() throws Exception {
        files();
        String text = run(
                job(
                        "pool",
                        "roi_pool",
                        "\"boxes\": \"ok.npy\", \"output_size\": 2, \"output\": \"p.npy\", \"indices\": \"a.npy\""),
                job(
                        "pool-cl",
                        "roi_pool",
                        "\"boxes\": \"ok.npy\", \"output_size\": [2, 2], \"memory_format\": \"channels_last\", \"output\": \"pcl.npy\""),
                job(
                        "pool-bw-argmax",
                        "roi_pool_backward",
                        "\"boxes\": \"ok.npy\", \"output_size\": 2, \"grad_output\": \"g.npy\", \"indices\": \"a.npy\", \"output\": \"dp1.npy\""),
                job(
                        "pool-bw-recompute",
                        "roi_pool_backward",
                        "\"boxes\": \"ok.npy\", \"output_size\": 2, \"grad_output\": \"g.npy\", \"output\": \"dp2.npy\""),
                job(
                        "align",
                        "roi_align",
                        "\"boxes\": \"ok.npy\", \"output_size\": [1, 1], \"sampling_ratio\": 2, \"aligned\": true, \"spatial_scale\": 0.5, \"output\": \"r.npy\""),
                job(
                        "align-neg-sr",
                        "roi_align",
                        "\"boxes\": \"ok.npy\", \"output_size\": [2, 2], \"sampling_ratio\": -7, \"output\": \"r1.npy\""),
                job(
                        "align-zero-sr",
                        "roi_align",
                        "\"boxes\": \"ok.npy\", \"output_size\": [2, 2], \"sampling_ratio\": 0, \"output\": \"r2.npy\""),
                job(
                        "align-bw",
                        "roi_align_backward",
                        "\"boxes\": \"ok.npy\", \"output_size\": 2, \"grad_output\": \"g.npy\", \"sampling_ratio\": 2, \"output\": \"dr.npy\""),
                "{\"id\": \"align-bw-shape\", \"op\": \"roi_align_backward\", \"input_shape\": [2, 1, 4, 4], \"boxes\": \"ok.npy\", "
                        + "\"output_size\": 2, \"grad_output\": \"g.npy\", \"sampling_ratio\": 2, \"memory_format\": \"channels_last\", \"output\": \"dr2.npy\"}",
                job(
                        "reversed",
                        "roi_pool",
                        "\"boxes\": \"reversed.npy\", \"output_size\": 1, \"output\": \"rev.npy\""));
        assertTrue(text.trim().endsWith("10 passed, 0 failed"), text);
        // Worked example of docs/semantics.md §17, in image 1 (batch index 1).
        assertArrayEquals(
                new float[] {7, 8, 15, 16}, Npy.readTensor(dir.resolve("p.npy")).data());
        assertArrayEquals(
                new long[] {6, 7, 14, 15},
                Npy.readLongTensor(dir.resolve("a.npy")).data());
        assertArrayEquals(
                new float[] {7, 8, 15, 16},
                Npy.readTensor(dir.resolve("pcl.npy")).data());
        float[] dp = new float[32];
        dp[16 + 6] = 1;
        dp[16 + 7] = 2;
        dp[16 + 14] = 3;
        dp[16 + 15] = 4;
        assertArrayEquals(dp, Npy.readTensor(dir.resolve("dp1.npy")).data());
        assertArrayEquals(dp, Npy.readTensor(dir.resolve("dp2.npy")).data());
        // aligned, scale 0.5: [0.3, 0.2, 1.25, 1.25] - 0.5 -> samples at y 0.0125|0.5375, x -0.0125|0.5125 (clamped at
        // 0).
        assertEquals(1, Npy.readTensor(dir.resolve("r.npy")).size());
        // Negative sampling ratios are torchvision's adaptive grid, like 0.
        assertArrayEquals(
                Npy.readTensor(dir.resolve("r2.npy")).data(),
                Npy.readTensor(dir.resolve("r1.npy")).data());
        assertArrayEquals(
                Npy.readTensor(dir.resolve("dr.npy")).data(),
                Npy.readTensor(dir.resolve("dr2.npy")).data());
        assertArrayEquals(
                new int[] {2, 1, 4, 4}, Npy.readTensor(dir.resolve("dr.npy")).shape());
        // x2 < x1 as torchvision: the window is raised to 1x1 at (3, 3).
        assertArrayEquals(
                new float[] {16}, Npy.readTensor(dir.resolve("rev.npy")).data());
    }

    @Test
    void badInputFailsTheJobWithTheRule() throws Exception {
        files();
        Npy.write(dir.resolve("a2.npy"), LongTensor.of(new long[] {0, 99, 0, 0}, 1, 1, 2, 2));
        String[][] cases = {
            {
                job("batch-range", "roi_align", "\"boxes\": \"batch2.npy\", \"output_size\": 2, \"output\": \"o.npy\""),
                "boxes[0][0] = 2.0: the batch index must be in [0, N) = [0, 2)"
            },
            {
                job(
                        "batch-negative",
                        "roi_pool",
                        "\"boxes\": \"batchneg.npy\", \"output_size\": 2, \"output\": \"o.npy\""),
                "boxes[0][0] = -1.0: the batch index must be in [0, N) = [0, 2)"
            },
            {
                job(
                        "batch-fraction",
                        "roi_pool",
                        "\"boxes\": \"batchhalf.npy\", \"output_size\": 2, \"output\": \"o.npy\""),
                "boxes[0][0] = 0.5: the batch index must be an integer"
            },
            {
                job("nan-box", "roi_align", "\"boxes\": \"nan.npy\", \"output_size\": 2, \"output\": \"o.npy\""),
                "boxes[0][2] = NaN: must be finite"
            },
            {
                job("shape", "roi_align", "\"boxes\": \"b4.npy\", \"output_size\": 2, \"output\": \"o.npy\""),
                "boxes shape = [1, 4]: must be (K, 5)"
            },
            {
                job("size-zero", "roi_align", "\"boxes\": \"ok.npy\", \"output_size\": [0, 2], \"output\": \"o.npy\""),
                "key \"output_size\" = [0, 2]: every entry must be >= 1"
            },
            {
                job(
                        "size-three",
                        "roi_pool",
                        "\"boxes\": \"ok.npy\", \"output_size\": [1, 2, 3], \"output\": \"o.npy\""),
                "key \"output_size\" = [1, 2, 3]: must be an int or a list of 2 ints"
            },
            {
                job("size-missing", "roi_pool", "\"boxes\": \"ok.npy\", \"output\": \"o.npy\""),
                "key \"output_size\" = null: is required"
            },
            {
                job(
                        "scale-zero",
                        "roi_align",
                        "\"boxes\": \"ok.npy\", \"output_size\": 2, \"spatial_scale\": 0, \"output\": \"o.npy\""),
                "key \"spatial_scale\" = 0: must be finite and > 0"
            },
            {
                job(
                        "scale-negative",
                        "roi_pool",
                        "\"boxes\": \"ok.npy\", \"output_size\": 2, \"spatial_scale\": -0.25, \"output\": \"o.npy\""),
                "key \"spatial_scale\" = -0.25: must be finite and > 0"
            },
            {
                job(
                        "pool-aligned",
                        "roi_pool",
                        "\"boxes\": \"ok.npy\", \"output_size\": 2, \"aligned\": true, \"output\": \"o.npy\""),
                "key \"aligned\" = true: roi_pool has no parameter aligned"
            },
            {
                job(
                        "sr-float",
                        "roi_align",
                        "\"boxes\": \"ok.npy\", \"output_size\": 2, \"sampling_ratio\": 1.5, \"output\": \"o.npy\""),
                "key \"sampling_ratio\" = 1.5: entry 1.5 is not an integer"
            },
            {
                job(
                        "grad-size",
                        "roi_align_backward",
                        "\"boxes\": \"ok.npy\", \"output_size\": 3, \"grad_output\": \"g.npy\", \"output\": \"o.npy\""),
                "must end in output_size [3, 3]"
            },
            {
                job(
                        "argmax-range",
                        "roi_pool_backward",
                        "\"boxes\": \"ok.npy\", \"output_size\": 2, \"grad_output\": \"g.npy\", \"indices\": \"a2.npy\", \"output\": \"o.npy\""),
                "argmax[1] = 99: must be -1 (nothing taken) or a position h * W + w in [0, H * W) = [0, 16)"
            },
            {
                job(
                        "format",
                        "roi_pool",
                        "\"boxes\": \"ok.npy\", \"output_size\": 2, \"memory_format\": \"nhwc\", \"output\": \"o.npy\""),
                "key \"memory_format\" = \"nhwc\""
            },
        };
        List<String> jobs = new ArrayList<>();
        for (String[] c : cases) jobs.add(c[0]);
        String text = run(jobs.toArray(new String[0]));
        for (String[] c : cases) {
            String id = c[0].substring(8, c[0].indexOf('"', 8));
            assertTrue(
                    text.contains("FAIL  " + id + ": ") && text.contains(c[1]),
                    "no \"" + c[1] + "\" for " + id + " in\n" + text);
        }
        assertTrue(text.trim().endsWith("0 passed, " + cases.length + " failed"), text);
        assertFalse(Files.exists(dir.resolve("o.npy")), "a rejected job wrote its output");
    }
}
