package org.pooling4j.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pooling4j.Layout;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;
import org.pooling4j.internal.exec.Kernels;

/**
 * Runs in both surefire executions of this module: with {@code --add-modules jdk.incubator.vector}
 * it asserts the SIMD kernels were selected; without it, that the scalar kernels were, with a
 * message naming the remedy. A silent fallback in either direction fails the build.
 */
class SimdSelectionTest {
    private static final boolean EXPECT_SIMD =
            Boolean.parseBoolean(System.getProperty("pooling4j.expect.simd", "true"));

    @Test
    void theExpectedImplementationIsSelected() {
        assertEquals(EXPECT_SIMD, Kernels.simdAvailable(), "vectorization: " + Pooling.vectorization());
        String kind = EXPECT_SIMD ? "simd" : "scalar";
        assertEquals(
                "cf-" + kind,
                Pooling.kernelFor(PoolSpec.max(3, 3).stride(2, 2).padding(1).build(), Tensor.zeros(2, 3, 9, 9), false));
        assertEquals(
                "cl-" + kind,
                Pooling.kernelFor(PoolSpec.avg(2).build(), Tensor.zeros(Layout.CHANNELS_LAST, 2, 9, 3), true));
        if (EXPECT_SIMD) {
            assertTrue(Pooling.vectorization().startsWith("simd: "), Pooling.vectorization());
            assertEquals("cf-simd", Kernels.all().get(0).name());
        } else {
            assertTrue(Pooling.vectorization().contains("--add-modules jdk.incubator.vector"), Pooling.vectorization());
            assertTrue(Kernels.all().stream().noneMatch(k -> k.name().endsWith("-simd")));
        }
    }
}
