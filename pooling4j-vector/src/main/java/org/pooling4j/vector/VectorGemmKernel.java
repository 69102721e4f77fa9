package org.pooling4j.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.pooling4j.spi.GemmKernel;

/**
 * {@link GemmKernel} with the JDK Vector API: a 6 x (2 vectors) tile in twelve vector accumulators
 * updated with fused multiply-adds, at the platform's preferred width (6 x 32 with 512-bit vectors,
 * 6 x 16 with 256-bit ones). Twelve accumulators, two B vectors and one broadcast fit the sixteen
 * registers of AVX2 without spilling; each step loads two vectors of B and six scalars of A for
 * twelve multiply-adds.
 */
final class VectorGemmKernel implements GemmKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final int MR = 6;
    private static final int NR = 2 * L;

    private VectorGemmKernel() {}

    static VectorGemmKernel create() {
        if (L < 4)
            throw new UnsupportedOperationException(
                    "preferred vector width " + F.vectorBitSize() + " bits is too small for the SIMD product");
        return new VectorGemmKernel();
    }

    @Override
    public String name() {
        return "simd";
    }

    @Override
    public String describe() {
        return "simd: " + F.vectorBitSize() + "-bit vectors, " + MR + "x" + NR + " tile";
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
        FloatVector z = FloatVector.zero(F);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        int ap = aOff;
        int bp = bOff;
        for (int p = 0; p < kc; p++, ap += MR, bp += NR) {
            FloatVector b0 = FloatVector.fromArray(F, b, bp);
            FloatVector b1 = FloatVector.fromArray(F, b, bp + L);
            FloatVector x = FloatVector.broadcast(F, a[ap]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, a[ap + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, a[ap + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, a[ap + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(F, a[ap + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(F, a[ap + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        int r = cOff;
        FloatVector.fromArray(F, c, r).add(c00).intoArray(c, r);
        FloatVector.fromArray(F, c, r + L).add(c01).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(F, c, r).add(c10).intoArray(c, r);
        FloatVector.fromArray(F, c, r + L).add(c11).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(F, c, r).add(c20).intoArray(c, r);
        FloatVector.fromArray(F, c, r + L).add(c21).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(F, c, r).add(c30).intoArray(c, r);
        FloatVector.fromArray(F, c, r + L).add(c31).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(F, c, r).add(c40).intoArray(c, r);
        FloatVector.fromArray(F, c, r + L).add(c41).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(F, c, r).add(c50).intoArray(c, r);
        FloatVector.fromArray(F, c, r + L).add(c51).intoArray(c, r + L);
    }
}
