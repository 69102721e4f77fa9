package org.pooling4j.spi;

/**
 * Found with {@link java.util.ServiceLoader}: a source of {@link GemmKernel}. The core looks for one
 * on first use of {@link org.pooling4j.Gemm} and falls back to {@link ScalarGemmKernel} when none is
 * usable.
 */
public interface GemmKernelProvider {
    /**
     * The implementation, or an exception whose message says why it cannot run here (for example
     * the JDK module it needs is not in the module graph).
     */
    GemmKernel create();
}
