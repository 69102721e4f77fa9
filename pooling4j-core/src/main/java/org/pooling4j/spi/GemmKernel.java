package org.pooling4j.spi;

/**
 * The register-blocked inner loop of the matrix product {@code org.pooling4j.nn.Gemm} (module {@code pooling4j-nn}), behind one seam
 * so that a SIMD implementation (module {@code pooling4j-vector}) can replace the scalar one. This is
 * a service-provider interface for that module, not an API for users.
 *
 * <p>The driver packs a sliver of A as {@code kc} columns of {@link #mr()} consecutive values (row
 * index fastest) and a sliver of B as {@code kc} rows of {@link #nr()} consecutive values, padding
 * with zeros, so the kernel streams both from contiguous memory and only ever sees whole tiles.
 */
public interface GemmKernel {
    /** Short name: {@code "simd"} or {@code "scalar"}. */
    String name();

    /** One line for logs: the implementation, tile and, for SIMD, the vector width. */
    String describe();

    /** Rows of the register tile (rows of C one call updates). */
    int mr();

    /** Columns of the register tile; the driver keeps B slivers this wide. */
    int nr();

    /**
     * {@code C[i][j] += sum over p < kc of a[aOff + p*mr + i] * b[bOff + p*nr + j]} for
     * {@code i < mr}, {@code j < nr}, with {@code C[i][j]} at {@code c[cOff + i*ldc + j]}. The ranges
     * are valid (nothing is checked here); {@code kc >= 1}. Sums may be evaluated in any order and
     * with fused multiply-adds.
     */
    void tile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc);
}
