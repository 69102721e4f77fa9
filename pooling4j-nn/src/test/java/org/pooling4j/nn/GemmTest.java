package org.pooling4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pooling4j.spi.GemmKernel;
import org.pooling4j.spi.ScalarGemmKernel;

/**
 * The blocked product against a naive triple loop in double, for sizes that hit every path (single
 * elements, partial tiles, exact tiles, several blocks of K and of C), every transposition, offsets
 * and padded leading dimensions, accumulation, and 1 and 2 threads. Runs with the selected kernel
 * (the SIMD one when this suite runs in pooling4j-vector with the Vector API) and the scalar one.
 */
public class GemmTest {
    static final int[] SIZES = {1, 2, 3, 7, 15, 16, 17, 31, 33, 63, 65, 100, 257};

    @Test
    void selectedKernelMatchesNaive() {
        sweep(Gemm.kernel(), 11);
    }

    @Test
    void scalarKernelMatchesNaive() {
        sweep(ScalarGemmKernel.INSTANCE, 12);
    }

    /** All transpositions over a spread of shapes; every size appears as m, n and k. */
    public static void sweep(GemmKernel kernel, long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < SIZES.length; i++) {
            for (int variant = 0; variant < 4; variant++) {
                int m = SIZES[i];
                int n = SIZES[(i + 3 + variant) % SIZES.length];
                int k = SIZES[(i + 7 + 2 * variant) % SIZES.length];
                check(kernel, variant / 2 == 1, variant % 2 == 1, m, n, k, r, seed);
                check(kernel, variant / 2 == 1, variant % 2 == 1, n, k, m, r, seed);
                check(kernel, variant / 2 == 1, variant % 2 == 1, k, m, n, r, seed);
            }
        }
        // Larger than one block in every direction (m > MC, n > NC, k > KC), threaded.
        check(kernel, false, false, 150, 1100, 600, r, seed);
        check(kernel, true, true, 77, 1030, 300, r, seed);
        check(kernel, true, false, 33, 400, 4096 / 8, r, seed);
    }

    static void check(GemmKernel kernel, boolean ta, boolean tb, int m, int n, int k, Random r, long seed) {
        int padA = r.nextInt(3), padB = r.nextInt(3), padC = r.nextInt(3);
        int aRows = ta ? k : m, aCols = ta ? m : k;
        int bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = aCols + padA, ldb = bCols + padB, ldc = n + padC;
        int aOff = r.nextInt(4), bOff = r.nextInt(4), cOff = r.nextInt(4);
        float[] a = fill(r, aOff + aRows * lda);
        float[] b = fill(r, bOff + bRows * ldb);
        float[] c0 = fill(r, cOff + m * ldc);
        for (boolean acc : new boolean[] {false, true}) {
            for (int threads : new int[] {1, 2}) {
                float[] c = c0.clone();
                float[] aCopy = a.clone(), bCopy = b.clone();
                Gemm.multiply(kernel, ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, acc, c, cOff, ldc, threads);
                String what = kernel.name() + " ta=" + ta + " tb=" + tb + " m=" + m + " n=" + n + " k=" + k + " acc="
                        + acc + " threads=" + threads + " (seed " + seed + ")";
                assertTrue(
                        java.util.Arrays.equals(a, aCopy) && java.util.Arrays.equals(b, bCopy),
                        what + ": inputs modified");
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0, mag = 0;
                        for (int p = 0; p < k; p++) {
                            double x = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                            double y = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                            s += x * y;
                            mag += Math.abs(x * y);
                        }
                        if (acc) s += c0[cOff + i * ldc + j];
                        float got = c[cOff + i * ldc + j];
                        if (Math.abs(got - s) > 1e-6 * (mag + 1) * 4)
                            fail(what + ": C[" + i + "][" + j + "] = " + got + ", expected " + s);
                    }
                    // Padding between rows is never written.
                    for (int j = n; j < ldc && i < m - 1; j++) {
                        if (c[cOff + i * ldc + j] != c0[cOff + i * ldc + j])
                            fail(what + ": wrote outside C at row " + i + " column " + j);
                    }
                }
                for (int q = 0; q < cOff; q++) assertEquals(c0[q], c[q], what + ": wrote before C");
            }
        }
    }

    static float[] fill(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        Random r = new Random(5);
        float[] a = fill(r, 64 * 300), b = fill(r, 300 * 900);
        float[] c1 = new float[64 * 900], c2 = new float[64 * 900];
        Gemm.multiply(false, false, 64, 900, 300, a, 0, 300, b, 0, 900, false, c1, 0, 900, 1);
        Gemm.multiply(false, false, 64, 900, 300, a, 0, 300, b, 0, 900, false, c2, 0, 900, 2);
        assertTrue(java.util.Arrays.equals(c1, c2));
    }

    @Test
    void emptyShapes() {
        float[] c = {7f, 7f};
        Gemm.multiply(false, false, 1, 2, 0, new float[0], 0, 1, new float[0], 0, 2, false, c, 0, 2, 1);
        assertEquals(0f, c[0], "k = 0 gives a zero product");
        c[0] = 7f;
        Gemm.multiply(false, false, 1, 2, 0, new float[0], 0, 1, new float[0], 0, 2, true, c, 0, 2, 1);
        assertEquals(7f, c[0], "k = 0 adds nothing");
        Gemm.multiply(false, false, 0, 0, 3, new float[0], 0, 3, new float[0], 0, 1, false, new float[0], 0, 1, 1);
    }

    @Test
    void badArguments() {
        float[] x = new float[12];
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Gemm.multiply(false, false, -1, 2, 2, x, 0, 2, x, 0, 2, false, new float[4], 0, 2, 1));
        assertTrue(e.getMessage().startsWith("m = -1"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> Gemm.multiply(false, false, 3, 4, 4, x, 0, 4, x, 0, 4, false, new float[12], 0, 4, 1));
        assertTrue(e.getMessage().startsWith("b.length = 12"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> Gemm.multiply(false, false, 2, 2, 3, x, 0, 2, x, 0, 2, false, new float[4], 0, 2, 1));
        assertTrue(e.getMessage().startsWith("lda = 2"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> Gemm.multiply(false, false, 2, 2, 2, x, 0, 2, x, 0, 2, false, new float[4], 0, 2, 257));
        assertTrue(e.getMessage().startsWith("threads = 257"), e.getMessage());
        assertThrows(
                NullPointerException.class,
                () -> Gemm.multiply(false, false, 1, 1, 1, null, 0, 1, x, 0, 1, false, x, 0, 1, 1));
        e = assertThrows(
                IllegalArgumentException.class,
                () -> Gemm.multiply(false, false, 2, 2, 2, x, -1, 2, x, 0, 2, false, new float[4], 0, 2, 1));
        assertTrue(e.getMessage().startsWith("a offset = -1"), e.getMessage());
    }
}
