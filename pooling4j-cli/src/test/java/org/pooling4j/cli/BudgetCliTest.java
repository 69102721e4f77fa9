package org.pooling4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.Limits;
import org.pooling4j.Tensor;
import org.pooling4j.io.Npy;
import org.pooling4j.onnx.OnnxNode;
import org.pooling4j.onnx.TensorValue;

/**
 * The reproductions of the memory, work and tap-count findings through the command line: each bad
 * job fails alone, in one line naming the parameter, the size and the budget, within a second, and
 * the jobs around it still give their values; {@code --max-bytes} and {@code --max-work} set the
 * budgets for one command only.
 */
class BudgetCliTest {
    private static final String GIB_BUDGET =
            "over the memory budget of 1073741824 bytes (-Dpooling4j.maxBytes / --max-bytes)";

    @TempDir
    Path dir;

    private static Object[] cli(String... args) {
        return assertTimeoutPreemptively(Duration.ofSeconds(5), () -> CliTest.cli(args));
    }

    /** x4 of the reports: 1..16 as (1, 1, 4, 4). */
    private Path x4() throws Exception {
        float[] d = new float[16];
        for (int i = 0; i < 16; i++) d[i] = i + 1;
        Path p = dir.resolve("x4.npy");
        Npy.write(p, Tensor.of(d, 1, 1, 4, 4));
        return p;
    }

    private Path jobs(String... lines) throws Exception {
        Path p = dir.resolve("jobs.jsonl");
        Files.writeString(p, String.join("\n", lines) + "\n");
        return p;
    }

    /** max 2x2 of x4: [[6, 8], [14, 16]]. */
    private static String okJob(String id) {
        return "{\"id\": \"" + id + "\", \"op\": \"max_pool2d\", \"kernel_size\": 2, \"input\": \"x4.npy\","
                + " \"output\": \"" + id + ".npy\"}";
    }

    @Test
    void hugeAdaptiveOutputFailsAloneAndTheNextJobRuns() throws Exception {
        x4();
        Path file = jobs(
                okJob("before"),
                "{\"id\": \"big\", \"op\": \"adaptive_avg_pool2d\", \"output_size\": [40000, 40000], \"input\":"
                        + " \"x4.npy\", \"output\": \"big.npy\"}",
                okJob("after"));
        Object[] r = cli("run", "--max-bytes", "1g", file.toString());
        String text = (String) r[1];
        assertEquals(1, r[0], text);
        assertTrue(
                text.contains("FAIL  big: outputSize = [40000, 40000]: the output needs 6400000000 bytes (1 x 1 x"
                        + " 40000 x 40000 floats), " + GIB_BUDGET + "\n"),
                text);
        assertTrue(text.trim().endsWith("2 passed, 1 failed"), text);
        assertFalse(Files.exists(dir.resolve("big.npy")));
        assertArrayEquals(
                new float[] {6, 8, 14, 16}, Npy.read(dir.resolve("after.npy")).toFloats());
        // The option held for that command only.
        assertEquals(Limits.defaultMaxBytes(), Limits.maxBytes());
    }

    @Test
    void hugeAdaptiveOutputFailsUnderTheDefaultBudget() throws Exception {
        // 6.4e9 bytes are over the default (half the heap) for any heap below 12.8 GB.
        assumeTrue(Runtime.getRuntime().maxMemory() < 12_800_000_000L);
        x4();
        Path file = jobs(
                "{\"id\": \"big\", \"op\": \"adaptive_avg_pool2d\", \"output_size\": [40000, 40000], \"input\":"
                        + " \"x4.npy\", \"output\": \"big.npy\"}",
                okJob("after"));
        Object[] r = cli("run", file.toString());
        String text = (String) r[1];
        assertEquals(1, r[0], text);
        assertTrue(text.contains("FAIL  big: outputSize = [40000, 40000]: the output needs 6400000000 bytes"), text);
        assertTrue(text.contains("over the memory budget of " + Limits.defaultMaxBytes() + " bytes"), text);
        assertTrue(text.trim().endsWith("1 passed, 1 failed"), text);
    }

    @Test
    void explainWithAHugeOutputSizeIsOneLine() {
        Object[] r = cli("explain", "--op", "adaptive_avg", "--output-size", "40000", "--max-bytes", "1073741824");
        assertEquals(2, r[0], (String) r[1]);
        // The input is shown first; then the refusal, in one line.
        assertTrue(
                ((String) r[1])
                        .endsWith(
                                "\npooling4j explain: outputSize = [40000, 40000]: the output needs 6400000000 bytes (1 x 1 x 40000 x"
                                        + " 40000 floats), " + GIB_BUDGET + "\n"),
                (String) r[1]);
        assertFalse(((String) r[1]).contains("Exception"), (String) r[1]);
        Object[] bad = cli("explain", "--max-bytes", "lots");
        assertEquals(2, bad[0]);
        assertTrue(((String) bad[1]).contains("--max-bytes"), (String) bad[1]);
    }

    @Test
    void roiAlignSamplingRatioStopsAtOnceAndTheWorkBudgetIsSettable() throws Exception {
        x4();
        Npy.write(dir.resolve("box.npy"), Tensor.of(new float[] {0, 0, 0, 3, 3}, 1, 5));
        Npy.write(dir.resolve("boxes.npy"), Tensor.of(new float[] {0, 0, 0, 3, 3, 0, 1, 1, 2, 2}, 2, 5));
        Path file = jobs(
                "{\"id\": \"slow\", \"op\": \"roi_align\", \"input\": \"x4.npy\", \"boxes\": \"box.npy\","
                        + " \"output_size\": 1, \"sampling_ratio\": 46340, \"output\": \"slow.npy\"}",
                "{\"id\": \"two\", \"op\": \"roi_align\", \"input\": \"x4.npy\", \"boxes\": \"boxes.npy\","
                        + " \"output_size\": 1, \"sampling_ratio\": 32768, \"output\": \"two.npy\"}",
                okJob("after"));
        Object[] r = cli("run", file.toString());
        String text = (String) r[1];
        // 1 x 1 x 1 x 46340^2 x 4 = 8589582400; two boxes: 2 x 32768^2 x 4 = 8589934592 (> 2^32 each).
        assertTrue(
                text.contains("FAIL  slow: samplingRatio = 46340: the call would read about 8589582400 input values"
                        + " (1 boxes x 1 channels x 1 x 1 bins x 46340 x 46340 samples x 4 corners), over the work"
                        + " budget of 4294967296 (-Dpooling4j.maxWork / --max-work)\n"),
                text);
        assertTrue(text.contains("FAIL  two: samplingRatio = 32768: the call would read about 8589934592"), text);
        assertTrue(text.trim().endsWith("1 passed, 2 failed"), text);
        // A lower budget stops a normal job: max 2x2 of x4 reads 16 values.
        Object[] low = cli("run", "--max-work", "15", jobs(okJob("ok")).toString());
        assertEquals(1, low[0], (String) low[1]);
        assertTrue(((String) low[1]).contains("over the work budget of 15 "), (String) low[1]);
    }

    @Test
    void tapCountsOfWeightedAndGatedPoolingDoNotWrap() throws Exception {
        x4();
        Npy.write(dir.resolve("w.npy"), Tensor.zeros(65536));
        Path file = jobs(
                "{\"id\": \"wa\", \"op\": \"weighted_avg_pool2d\", \"kernel_size\": [1000000, 1000000], \"sigma\": 1,"
                        + " \"input\": \"x4.npy\", \"output\": \"wa.npy\"}",
                "{\"id\": \"gated\", \"op\": \"gated_pool2d\", \"kernel_size\": [65536, 65537], \"weights\":"
                        + " \"w.npy\", \"input\": \"x4.npy\", \"output\": \"g.npy\"}",
                okJob("after"));
        Object[] r = cli("run", file.toString());
        String text = (String) r[1];
        assertTrue(
                text.contains("FAIL  wa: kernel = [1000000, 1000000]: a window of 1000000 x 1000000 = 1000000000000"
                        + " taps has more weights than a Java array holds (2147483639)\n"),
                text);
        assertTrue(
                text.contains("FAIL  gated: kernel = [65536, 65537]: a window of 65536 x 65537 = 4295032832 taps"),
                text);
        assertFalse(text.contains("Exception"), text);
        assertTrue(text.trim().endsWith("1 passed, 2 failed"), text);
    }

    /** A one-node model file whose graph inputs are in0, in1, ... */
    private Path model(String name, OnnxNode node, int inputs) throws Exception {
        Path p = dir.resolve(name + ".onnx");
        Files.write(p, node.toModel(inputs).toByteArray());
        return p;
    }

    private Object[] onnxRun(Path model, String... inputs) {
        String[] args = new String[4 + 2 * inputs.length + 2];
        int i = 0;
        args[i++] = "onnx-run";
        args[i++] = model.toString();
        for (String in : inputs) {
            args[i++] = "--input";
            args[i++] = in;
        }
        args[i++] = "--output-dir";
        args[i++] = dir.resolve("out").toString();
        args[i++] = "--max-bytes";
        args[i] = "1g";
        return cli(args);
    }

    @Test
    void onnxRunRefusesOutputsSizedByTheModel() throws Exception {
        Path x = x4();
        // MaxUnpool to output_shape (1, 1, 31623, 31623): 31623^2 floats = 4000056516 bytes.
        Path xs = dir.resolve("xs.npy");
        Npy.write(xs, Tensor.of(new float[] {5}, 1, 1, 1, 1));
        Path idx = dir.resolve("idx.npy");
        Npy.write(idx, TensorValue.ofInt64(new long[] {3}, 1, 1, 1, 1).toNpy());
        Path shape = dir.resolve("shape.npy");
        Npy.write(shape, TensorValue.ofInt64(new long[] {1, 1, 31623, 31623}, 4).toNpy());
        Object[] r = onnxRun(
                model(
                        "unpool",
                        OnnxNode.of("MaxUnpool").attr("kernel_shape", 2, 2).attr("strides", 2, 2),
                        3),
                "in0=" + xs,
                "in1=" + idx,
                "in2=" + shape);
        String text = (String) r[1];
        assertEquals(2, r[0], text);
        assertTrue(text.startsWith("pooling4j onnx-run: "), text);
        assertTrue(text.contains("output_shape = [1, 1, 31623, 31623]: the tensor needs 4000056516 bytes"), text);
        assertTrue(text.contains(GIB_BUDGET), text);
        assertEquals(1, text.trim().split("\n").length, text);

        Path rois = dir.resolve("rois.npy");
        Npy.write(rois, Tensor.of(new float[] {0, 0, 0, 3, 3}, 1, 5));
        r = onnxRun(
                model("roipool", OnnxNode.of("MaxRoiPool").attr("pooled_shape", 31623, 31623), 2),
                "in0=" + x,
                "in1=" + rois);
        text = (String) r[1];
        assertEquals(2, r[0], text);
        assertTrue(text.contains("[31623, 31623]: the result needs 4000056516 bytes"), text);

        // Pad (opset 2, pads attribute) to (1, 1, 31624, 31624): 4000309504 bytes.
        r = onnxRun(
                model("pad", OnnxNode.of("Pad").opset(2).attr("pads", 0, 0, 0, 0, 0, 0, 31620, 31620), 1), "in0=" + x);
        text = (String) r[1];
        assertEquals(2, r[0], text);
        assertTrue(text.contains("pads = [0, 0, 0, 0, 0, 0, 31620, 31620]"), text);
        assertTrue(text.contains("needs 4000309504 bytes"), text);
        assertFalse(Files.exists(dir.resolve("out/out0.npy")));
    }
}
