package org.pooling4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.pooling4j.Limits;

/**
 * Operators whose output size comes from an attribute or an input (MaxUnpool's output_shape,
 * MaxRoiPool's pooled_shape, Pad's pads) and RoiAlign's sampling ratio are held to the memory and work
 * budgets ({@link Limits}) before anything is allocated or computed. Sizes are worked by hand.
 */
class OnnxBudgetTest {
    private static final String BYTES_BUDGET =
            "over the memory budget of 1073741824 bytes (-Dpooling4j.maxBytes / --max-bytes)";

    @BeforeEach
    void oneGibibyte() {
        Limits.setMaxBytes(1L << 30);
        Limits.setMaxWork(0);
    }

    @AfterEach
    void clear() {
        Limits.setMaxBytes(0);
        Limits.setMaxWork(0);
    }

    private static TensorValue x4() {
        float[] d = new float[16];
        for (int i = 0; i < 16; i++) d[i] = i + 1;
        return TensorValue.ofFloat(d, 1, 1, 4, 4);
    }

    private static String refused(Executable call) {
        return assertTimeoutPreemptively(
                        Duration.ofSeconds(1), () -> assertThrows(IllegalArgumentException.class, call))
                .getMessage();
    }

    @Test
    void maxUnpoolOutputShapeOverTheBudget() {
        TensorValue x = TensorValue.ofFloat(new float[] {5}, 1, 1, 1, 1);
        TensorValue i = TensorValue.ofInt64(new long[] {3}, 1, 1, 1, 1);
        // 31623^2 = 1000014129 floats = 4000056516 bytes.
        String m = refused(() -> OnnxNode.of("MaxUnpool")
                .attr("kernel_shape", 2, 2)
                .attr("strides", 2, 2)
                .run(x, i, TensorValue.ofInt64(new long[] {1, 1, 31623, 31623}, 4)));
        assertTrue(
                m.contains("output_shape = [1, 1, 31623, 31623]: the tensor needs 4000056516 bytes (1 x 1 x 31623 x"
                        + " 31623 floats), " + BYTES_BUDGET),
                m);
        assertTrue(m.startsWith("node #0"), m);
        // Within the budget it still runs: [[0, 0], [0, 5]].
        assertArrayEquals(
                new float[] {0, 0, 0, 5},
                OnnxNode.of("MaxUnpool")
                        .attr("kernel_shape", 2, 2)
                        .attr("strides", 2, 2)
                        .run(x, i)
                        .get(0)
                        .toFloatArray());
    }

    @Test
    void maxRoiPoolPooledShapeOverTheBudget() {
        TensorValue rois = TensorValue.ofFloat(new float[] {0, 0, 0, 3, 3}, 1, 5);
        String m = refused(() ->
                OnnxNode.of("MaxRoiPool").attr("pooled_shape", 31623, 31623).run(x4(), rois));
        assertTrue(m.contains("pooled size (pooledH, pooledW) = [31623, 31623]: the result needs 4000056516 bytes"), m);
        assertTrue(m.contains(BYTES_BUDGET), m);
    }

    @Test
    void padPadsOverTheBudget() {
        // 4 + 31620 = 31624 per axis: 31624^2 floats = 4000309504 bytes.
        TensorValue pads = TensorValue.ofInt64(new long[] {0, 0, 0, 0, 0, 0, 31620, 31620}, 8);
        String m = refused(() -> OnnxNode.of("Pad").run(x4(), pads));
        assertTrue(
                m.contains("pads = [0, 0, 0, 0, 0, 0, 31620, 31620] (padded shape [1, 1, 31624, 31624]): the tensor"
                        + " needs 4000309504 bytes (1 x 1 x 31624 x 31624 floats), " + BYTES_BUDGET),
                m);
        // The attribute form (opset 2) too.
        m = refused(() -> OnnxNode.of("Pad")
                .opset(2)
                .attr("pads", 0, 0, 0, 0, 0, 0, 31620, 31620)
                .run(x4()));
        assertTrue(m.contains("4000309504 bytes"), m);
    }

    @Test
    void roiAlignSamplingRatioOverTheWorkBudget() {
        TensorValue rois = TensorValue.ofFloat(new float[] {0, 0, 3, 3}, 1, 4);
        TensorValue batch = TensorValue.ofInt64(new long[] {0}, 1);
        // 1 box x 1 channel x 1 bin x 46340^2 samples x 4 corners = 8589582400 > 2^32.
        String m = refused(() -> OnnxNode.of("RoiAlign")
                .attrInt("output_height", 1)
                .attrInt("output_width", 1)
                .attrInt("sampling_ratio", 46340)
                .run(x4(), rois, batch));
        assertTrue(
                m.contains("samplingRatio = 46340: the call would read about 8589582400 input values (1 boxes x 1"
                        + " channels x 1 x 1 bins x 46340 x 46340 samples x 4 corners), over the work budget of"
                        + " 4294967296 (-Dpooling4j.maxWork / --max-work)"),
                m);
    }

    @Test
    void tensorsMadeFromGivenShapesAreChecked() {
        String m = refused(() -> TensorValue.zeros(DataType.INT64, 1 << 15, 1 << 15));
        // 2^30 int64 values = 2^33 bytes.
        assertTrue(
                m.startsWith("shape = [32768, 32768]: the tensor needs 8589934592 bytes (32768 x 32768 8-byte"
                        + " values), " + BYTES_BUDGET),
                m);
    }
}
