package org.pooling4j.vector;

import org.pooling4j.spi.GemmKernel;
import org.pooling4j.spi.GemmKernelProvider;

/**
 * The service entry the core's {@link org.pooling4j.Gemm} finds with {@link java.util.ServiceLoader}.
 * Loading this class does not touch the Vector API; {@link #create()} does (the core first checks
 * that {@code jdk.incubator.vector} is in the module graph).
 */
public final class VectorGemmKernelProvider implements GemmKernelProvider {
    @Override
    public GemmKernel create() {
        return VectorGemmKernel.create();
    }
}
