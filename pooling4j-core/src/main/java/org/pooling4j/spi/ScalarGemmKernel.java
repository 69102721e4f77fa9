package org.pooling4j.spi;

/**
 * Plain loops over a 4 x 4 tile held in sixteen locals: the fallback implementation of
 * {@link GemmKernel}, and the one SIMD code is compared with.
 */
public final class ScalarGemmKernel implements GemmKernel {
    public static final ScalarGemmKernel INSTANCE = new ScalarGemmKernel();
    private static final int MR = 4;
    private static final int NR = 4;

    private ScalarGemmKernel() {}

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public String describe() {
        return "scalar loops, " + MR + "x" + NR + " tile";
    }

    @Override
    public int mr() {
        return MR;
    }

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public void tile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc) {
        // Sixteen independent accumulators in locals: the JIT keeps them in registers, and the
        // independent chains hide the latency of each multiply-add.
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        float c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        float c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        int ap = aOff;
        int bp = bOff;
        for (int p = 0; p < kc; p++, ap += MR, bp += NR) {
            float b0 = b[bp], b1 = b[bp + 1], b2 = b[bp + 2], b3 = b[bp + 3];
            float a0 = a[ap];
            c00 += a0 * b0;
            c01 += a0 * b1;
            c02 += a0 * b2;
            c03 += a0 * b3;
            float a1 = a[ap + 1];
            c10 += a1 * b0;
            c11 += a1 * b1;
            c12 += a1 * b2;
            c13 += a1 * b3;
            float a2 = a[ap + 2];
            c20 += a2 * b0;
            c21 += a2 * b1;
            c22 += a2 * b2;
            c23 += a2 * b3;
            float a3 = a[ap + 3];
            c30 += a3 * b0;
            c31 += a3 * b1;
            c32 += a3 * b2;
            c33 += a3 * b3;
        }
        int r = cOff;
        c[r] += c00;
        c[r + 1] += c01;
        c[r + 2] += c02;
        c[r + 3] += c03;
        r += ldc;
        c[r] += c10;
        c[r + 1] += c11;
        c[r + 2] += c12;
        c[r + 3] += c13;
        r += ldc;
        c[r] += c20;
        c[r + 1] += c21;
        c[r + 2] += c22;
        c[r + 3] += c23;
        r += ldc;
        c[r] += c30;
        c[r + 1] += c31;
        c[r + 2] += c32;
        c[r + 3] += c33;
    }
}
