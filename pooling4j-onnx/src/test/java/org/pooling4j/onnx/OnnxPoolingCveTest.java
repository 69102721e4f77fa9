package org.pooling4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * TensorFlow's pooling advisories, by bug class, replayed on the ONNX operators (MaxPool, AveragePool,
 * MaxUnpool): each must fail with an {@link OnnxException} whose message names the node's input or
 * attribute, its value and the rule. The same classes through the Java API and the job runner are in
 * the core's TfPoolingCveTest and the cli's TfCveJobsTest.
 */
class OnnxPoolingCveTest {
    static void fails(Runnable r, String message) {
        OnnxException e = assertThrowsExactly(OnnxException.class, r::run);
        assertEquals(message, e.getMessage());
    }

    static TensorValue zeros(int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return TensorValue.ofFloat(new float[n], shape);
    }

    @Nested
    class ArgmaxOutOfRange {
        final TensorValue x = TensorValue.ofFloat(new float[] {5, 6}, 1, 1, 2);

        @Test
        void maxUnpoolIndexPastTheOutput() {
            fails(
                    () -> OnnxNode.of("MaxUnpool")
                            .attr("kernel_shape", 2)
                            .attr("strides", 2)
                            .run(x, TensorValue.ofInt64(new long[] {1, 4}, 1, 1, 2)),
                    "node #0 'maxunpool' (MaxUnpool, opset 22): input I[1] = 4: must index the inferred output of shape [1, 1, 4], in [0, 4)");
        }

        @Test
        void maxUnpoolNegativeIndex() {
            fails(
                    () -> OnnxNode.of("MaxUnpool")
                            .attr("kernel_shape", 2)
                            .attr("strides", 2)
                            .run(x, TensorValue.ofInt64(new long[] {-1, 2}, 1, 1, 2)),
                    "node #0 'maxunpool' (MaxUnpool, opset 22): input I[0] = -1: must index the inferred output of shape [1, 1, 4], in [0, 4)");
        }

        @Test
        void maxUnpoolIndicesOfAnotherShape() {
            fails(
                    () -> OnnxNode.of("MaxUnpool")
                            .attr("kernel_shape", 2)
                            .attr("strides", 2)
                            .run(x, TensorValue.ofInt64(new long[] {1}, 1, 1, 1)),
                    "node #0 'maxunpool' (MaxUnpool, opset 22): input I has shape [1, 1, 1]: must equal the shape of X [1, 1, 2]");
        }
    }

    @Nested
    class EmptyTensor {
        @Test
        void maxPoolOnZeroChannels() {
            fails(
                    () -> OnnxNode.of("MaxPool").attr("kernel_shape", 1, 1).run(zeros(0, 0, 0, 0)),
                    "node #0 'maxpool' (MaxPool, opset 22): input shape = [0, 0, 0, 0]: the channel dimension must be >= 1 (only the batch may be 0)");
        }

        @Test
        void maxPoolOnZeroSpatial() {
            fails(
                    () -> OnnxNode.of("MaxPool")
                            .attr("kernel_shape", 16, 16)
                            .attr("strides", 16, 18)
                            .run(zeros(3, 2, 0, 0)),
                    "node #0 'maxpool' (MaxPool, opset 22): input shape = [3, 2, 0, 0]: spatial dimensions must be >= 1 (only the batch may be 0)");
        }
    }

    @Nested
    class NonPositiveStrideOrSize {
        @Test
        void zeroStride() {
            fails(
                    () -> OnnxNode.of("MaxPool")
                            .attr("kernel_shape", 2, 2)
                            .attr("strides", 0, 1)
                            .run(zeros(1, 1, 4, 4)),
                    "node #0 'maxpool' (MaxPool, opset 22): attribute strides = [0, 1]: every entry must be in [1, 2147483647]");
        }

        @Test
        void zeroKernel() {
            fails(
                    () -> OnnxNode.of("AveragePool").attr("kernel_shape", 2, 0).run(zeros(1, 1, 4, 4)),
                    "node #0 'averagepool' (AveragePool, opset 22): attribute kernel_shape = [2, 0]: every entry must be in [1, 2147483647]");
        }

        @Test
        void negativeKernel() {
            fails(
                    () -> OnnxNode.of("MaxPool").attr("kernel_shape", -2, 2).run(zeros(1, 1, 4, 4)),
                    "node #0 'maxpool' (MaxPool, opset 22): attribute kernel_shape = [-2, 2]: every entry must be in [1, 2147483647]");
        }
    }

    @Nested
    class OverflowingProduct {
        @Test
        void hugeKernel() {
            fails(
                    () -> OnnxNode.of("AveragePool")
                            .attr("kernel_shape", 100_000_000_000_000_000L, 1)
                            .run(zeros(1, 1, 1, 1)),
                    "node #0 'averagepool' (AveragePool, opset 22): attribute kernel_shape = [100000000000000000, 1]: every entry must be in [1, 2147483647]");
        }

        @Test
        void maxUnpoolOutputShapePastAnyArray() {
            fails(
                    () -> OnnxNode.of("MaxUnpool")
                            .attr("kernel_shape", 2)
                            .attr("strides", 2)
                            .run(
                                    TensorValue.ofFloat(new float[] {5, 6}, 1, 1, 2),
                                    TensorValue.ofInt64(new long[] {1, 2}, 1, 1, 2),
                                    TensorValue.ofInt64(new long[] {1, 1, 1L << 40}, 3)),
                    "node #0 'maxunpool' (MaxUnpool, opset 22): input output_shape = [1, 1, 1099511627776]: every dimension must be at least the inferred shape [1, 1, 4] and at most 2147483639");
        }
    }
}
