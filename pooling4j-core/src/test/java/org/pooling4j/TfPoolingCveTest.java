package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * TensorFlow's pooling security advisories, by bug class, replayed through the Java API with the
 * advisories' own inputs where they translate (shapes NHWC as in TensorFlow, or channels-first where
 * the advisory's point is only the numbers). Each call must fail with an
 * {@link IllegalArgumentException} whose message names the parameter, its value and the rule, before
 * any work. BadInputTest holds the wider bad-input suite; the same classes run through the job runner
 * in the cli module's TfCveJobsTest.
 */
class TfPoolingCveTest {
    static void rejects(Executable call, String message) {
        IllegalArgumentException e = assertThrowsExactly(IllegalArgumentException.class, call);
        assertEquals(message, e.getMessage());
    }

    static Tensor nhwc(int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return new Tensor(new float[n], shape, Layout.CHANNELS_LAST);
    }

    static Tensor nchw(int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return Tensor.of(new float[n], shape);
    }

    /** Mismatched shapes between a max-pool gradient and its forward (CVE-2021-29570, 29576, 29579, 2023-25664). */
    @Nested
    class MaxPoolGradShapeMismatch {
        @Test
        void gradShapeNotTheForwardOutput() {
            // CVE-2021-29570: input [1,1,3,1], k=s=1 -> output [1,1,3,1]; grad [1,1,1,4]
            PoolSpec k1 = PoolSpec.max(1, 1).build();
            rejects(
                    () -> Pooling.backward(k1, nhwc(1, 1, 3, 1), nhwc(1, 1, 1, 4)),
                    "gradOutput shape = [1, 1, 1, 4]: must equal the output shape [1, 1, 3, 1]");
            // CVE-2021-29576: orig_input [11,1,1,1,1] with grad [1,1,1,1,1] (3-D, k=s=1)
            PoolSpec k3 = PoolSpec.max(1, 1, 1).build();
            rejects(
                    () -> Pooling.backward(k3, nhwc(11, 1, 1, 1, 1), nhwc(1, 1, 1, 1, 1)),
                    "gradOutput shape = [1, 1, 1, 1, 1]: must equal the output shape [11, 1, 1, 1, 1]");
            // CVE-2023-25664: orig [11,9,78,9] NHWC, grad [16,16,16,16], ksize 1x1 stride 1x1
            rejects(
                    () -> Pooling.backward(k1, nhwc(11, 9, 78, 9), nhwc(16, 16, 16, 16)),
                    "gradOutput shape = [16, 16, 16, 16]: must equal the output shape [11, 9, 78, 9]");
        }

        @Test
        void argmaxOfTheWrongSize() {
            // CVE-2021-29570: one argmax entry for a grad of 3
            PoolSpec k1 = PoolSpec.max(1, 1).build();
            Tensor x = nhwc(1, 1, 3, 1);
            rejects(
                    () -> Pooling.backward(
                            k1,
                            x,
                            nhwc(1, 1, 3, 1),
                            new LongTensor(new long[1], new int[] {1, 1, 1, 1}, Layout.CHANNELS_LAST)),
                    "indices shape = [1, 1, 1, 1]: must equal [1, 1, 3, 1]");
        }

        @Test
        void channelsFirstGradForChannelsLastInput() {
            PoolSpec k2 = PoolSpec.max(2, 2).build();
            rejects(
                    () -> Pooling.backward(k2, nhwc(1, 4, 4, 1), nchw(1, 1, 2, 2)),
                    "gradOutput shape = [1, 1, 2, 2]: must equal the output shape [1, 2, 2, 1]");
        }
    }

    /** Empty tensors where a kernel would read element 0 (CVE-2021-29573, 29574, 29579, 37674). */
    @Nested
    class EmptyTensor {
        @Test
        void zeroEverything() {
            // CVE-2021-29573: input and grad [0,0,0,0]
            rejects(
                    () -> Pooling.forward(PoolSpec.max(1, 1).build(), nhwc(0, 0, 0, 0)),
                    "input shape = [0, 0, 0, 0]: the channel dimension must be >= 1 (only the batch may be 0)");
        }

        @Test
        void emptyGradForANonEmptyForward() {
            // CVE-2021-29579 (2-D) and CVE-2021-29574 (3-D): orig [1,1,1,1(,1)], grad all zeros
            rejects(
                    () -> Pooling.backward(PoolSpec.max(1, 1).build(), nhwc(1, 1, 1, 1), nhwc(0, 0, 0, 0)),
                    "gradOutput shape = [0, 0, 0, 0]: must equal the output shape [1, 1, 1, 1]");
            rejects(
                    () -> Pooling.backward(PoolSpec.max(1, 1, 1).build(), nhwc(1, 1, 1, 1, 1), nhwc(0, 0, 0, 0, 0)),
                    "gradOutput shape = [0, 0, 0, 0, 0]: must equal the output shape [1, 1, 1, 1, 1]");
        }

        @Test
        void zeroSpatial() {
            // CVE-2021-37674: [3,0,0,2] NHWC, ksize 16x16, strides 16x18
            rejects(
                    () -> Pooling.forward(PoolSpec.max(16, 16).stride(16, 18).build(), nhwc(3, 0, 0, 2)),
                    "input shape = [3, 0, 0, 2]: spatial dimensions must be >= 1 (only the batch may be 0)");
        }

        @Test
        void zeroBatchIsAnEmptyResult() {
            Tensor y = Pooling.forward(PoolSpec.max(2, 2).build(), nhwc(0, 4, 4, 3));
            assertArrayEquals(new int[] {0, 2, 2, 3}, y.shape());
            assertEquals(0, y.data().length);
        }
    }

    /** Zero or negative windows and strides (CVE-2021-29586, 37684, 41196, 2023-25669). */
    @Nested
    class NonPositiveStrideOrSize {
        @Test
        void zeroStride() {
            // TFLite CVE-2021-29586 / 37684: stride 0
            rejects(() -> PoolSpec.max(2, 2).stride(0, 1).build(), "stride = [0, 1]: every entry must be >= 1");
        }

        @Test
        void zeroOrNegativeWindow() {
            // CVE-2021-41196: pool_size [2, 2, 0]
            rejects(() -> PoolSpec.max(2, 2, 0).build(), "kernel = [2, 2, 0]: every entry must be >= 1");
            rejects(() -> PoolSpec.avg(-3).build(), "kernel = [-3]: every entry must be >= 1");
        }

        @Test
        void zeroWindowAndStride() {
            // CVE-2023-25669: ksize [1,0,0,0], strides [1,0,0,0]: the window is reported first
            rejects(() -> PoolSpec.avg(0, 0).stride(0, 0).build(), "kernel = [0, 0]: every entry must be >= 1");
        }

        @Test
        void negativeStrideAndDilation() {
            rejects(() -> PoolSpec.max(2).stride(-1).build(), "stride = [-1]: every entry must be >= 1");
            rejects(() -> PoolSpec.max(2).dilation(-3).build(), "dilation = [-3]: every entry must be >= 1");
        }
    }

    /** User-given argmax/indices outside the input (CVE-2021-29570, TF InvalidArgmaxIndices, MaxUnpool). */
    @Nested
    class ArgmaxOutOfRange {
        final PoolSpec max2 = PoolSpec.max(2).build();
        final Tensor x = Tensor.of(new float[] {1, 4, 3, 2}, 1, 1, 4);
        final Tensor g = Tensor.of(new float[] {10, 20}, 1, 1, 2);

        @Test
        void backwardWithIndicesPastThePlane() {
            rejects(
                    () -> Pooling.backward(max2, x, g, LongTensor.of(new long[] {0, 4}, 1, 1, 2)),
                    "indices[1] = 4: a per-plane index must be in [0, 4) (or -1: no element won)");
            rejects(
                    () -> Pooling.backward(max2, x, g, LongTensor.of(new long[] {-2, 1}, 1, 1, 2)),
                    "indices[0] = -2: a per-plane index must be in [0, 4) (or -1: no element won)");
        }

        @Test
        void unpoolIndexPastTheOutput() {
            PoolSpec un = PoolSpec.maxUnpool(2).build();
            rejects(
                    () -> Pooling.maxUnpool(un, g, LongTensor.of(new long[] {1, 4}, 1, 1, 2)),
                    "indices[1] = 4: a per-plane index must be in [0, 4)");
            rejects(
                    () -> Pooling.maxUnpool(un, g, LongTensor.of(new long[] {-1, 2}, 1, 1, 2)),
                    "indices[0] = -1: a per-plane index must be in [0, 4)");
        }

        @Test
        void tensorFlowIndexOfAnotherBatchOrPastTheTensor() {
            // TF's flat NHWC index with the batch: 2x1x2x1 holds 4 cells; 4 is past the tensor
            LongTensor tf = new LongTensor(new long[] {1, 4}, new int[] {2, 1, 1, 1}, Layout.CHANNELS_LAST);
            rejects(
                    () -> Indices.convert(
                            tf, new int[] {1, 2}, IndexFormat.CHANNELS_LAST_WITH_BATCH, IndexFormat.PER_PLANE),
                    "indices[1] = 4: not a valid CHANNELS_LAST_WITH_BATCH index: it names no position of plane (n=1, c=0) of 2 elements");
        }
    }

    /** Shapes and sizes whose products overflow (CVE-2022-35941, 35963, 35968). */
    @Nested
    class OverflowingProduct {
        @Test
        void hugeWindow() {
            // CVE-2022-35941: ksize 1e20 on [1,1,1,1]; the largest int stands for it
            rejects(
                    () -> Pooling.forward(PoolSpec.avg(Integer.MAX_VALUE, 1).build(), nhwc(1, 1, 1, 1)),
                    "input shape = [1, 1, 1, 1]: computed output size 0 on axis 0 is < 1: input 1 + padding 0+0 is smaller than the effective kernel 2147483647");
        }

        @Test
        void shapeProductPastAnyArray() {
            rejects(
                    () -> Tensor.of(new float[1], 65536, 65536, 1, 1),
                    "shape = [65536, 65536, 1, 1]: has more than 2147483639 elements, the most a Java array can hold");
        }

        @Test
        void negativeShapes() {
            // CVE-2022-35963 / 35968: shapes of -1879048192 and -536870912
            rejects(
                    () -> Pooling.plan(
                            PoolSpec.max(1, 1).build(),
                            new int[] {-536870912, -536870912, -536870912, -536870912},
                            Layout.CHANNELS_LAST),
                    "input shape = [-536870912, -536870912, -536870912, -536870912]: dimensions must be >= 0");
        }

        @Test
        void unpoolOutputSizeFarPastTheWindows() {
            PoolSpec un = PoolSpec.maxUnpool(2, 2)
                    .stride(2, 2)
                    .outputSize(65536, 65536)
                    .build();
            rejects(
                    () -> Pooling.maxUnpool(
                            un, Tensor.of(new float[] {1}, 1, 1, 1, 1), LongTensor.of(new long[] {0}, 1, 1, 1, 1)),
                    "outputSize = [65536, 65536]: entry 0 must be in (0, 4) for input size 1, kernel 2, stride 2, padding 0");
        }

        @Test
        void adaptiveOutputPastAnyArray() {
            rejects(
                    () -> Pooling.forward(PoolSpec.adaptiveMax(65536, 65536).build(), nchw(1, 1, 1, 1)),
                    "output shape = [65536, 65536]: an output of 1 x 1 x [65536, 65536] elements does not fit in a Java array (at most 2147483639)");
        }
    }
}
