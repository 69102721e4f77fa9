package org.pooling4j.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pooling4j.nn.Gemm;
import org.pooling4j.nn.GemmTest;
import org.pooling4j.spi.GemmKernel;
import org.pooling4j.spi.ScalarGemmKernel;

/**
 * Runs in both surefire executions of this module: asserts which matrix-product kernel was
 * selected, and, where the Vector API is present, checks the SIMD kernel against the naive product
 * and against the scalar kernel.
 */
class VectorGemmTest {
    private static final boolean EXPECT_SIMD =
            Boolean.parseBoolean(System.getProperty("pooling4j.expect.simd", "true"));

    @Test
    void theExpectedKernelIsSelected() {
        if (EXPECT_SIMD) {
            assertEquals("simd", Gemm.kernel().name(), Gemm.describe());
            assertTrue(Gemm.describe().startsWith("simd: "), Gemm.describe());
            assertTrue(Gemm.kernel() instanceof VectorGemmKernel);
        } else {
            assertSame(ScalarGemmKernel.INSTANCE, Gemm.kernel(), Gemm.describe());
            assertTrue(Gemm.describe().contains("--add-modules jdk.incubator.vector"), Gemm.describe());
        }
    }

    @Test
    void simdKernelMatchesNaiveAndScalar() {
        if (!EXPECT_SIMD) return; // the class cannot load without the Vector API
        GemmKernel simd = VectorGemmKernel.create();
        GemmTest.sweep(simd, 21);
        Random r = new Random(22);
        int m = 37, n = 101, k = 290;
        float[] a = new float[m * k], b = new float[k * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
        float[] cs = new float[m * n], cv = new float[m * n];
        Gemm.multiply(ScalarGemmKernel.INSTANCE, false, true, m, n, k, a, 0, k, b, 0, k, false, cs, 0, n, 2);
        Gemm.multiply(simd, false, true, m, n, k, a, 0, k, b, 0, k, false, cv, 0, n, 2);
        for (int i = 0; i < cs.length; i++)
            assertEquals(cs[i], cv[i], 1e-4 * (1 + Math.abs(cs[i])), "element " + i + " (seed 22)");
    }
}
