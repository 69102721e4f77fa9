package org.pooling4j.vector;

import org.pooling4j.spi.GemmKernel;
import org.pooling4j.spi.RowOps;
import org.pooling4j.spi.VectorizationProvider;

/**
 * This module's service entry, the only one: the SIMD row operations and the matrix-product
 * micro-kernel. Loading this class does not touch the Vector API; each method does, and fails with
 * a {@link LinkageError} when {@code jdk.incubator.vector} is not in the module graph (the core
 * checks that first).
 */
public final class VectorProvider implements VectorizationProvider {
    @Override
    public RowOps rowOps() {
        return VectorRowOps.create();
    }

    @Override
    public GemmKernel gemmKernel() {
        return VectorGemmKernel.create();
    }
}
