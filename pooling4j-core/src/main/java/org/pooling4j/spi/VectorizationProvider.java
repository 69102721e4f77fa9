package org.pooling4j.spi;

/**
 * Found with {@link java.util.ServiceLoader}: the one source of every SIMD implementation (the
 * pooling row operations and the matrix-product micro-kernel), as module {@code pooling4j-vector}
 * provides it. The library looks for one provider once, checks that the JDK can run it, and falls
 * back to the scalar implementations ({@link ScalarRowOps}, {@link ScalarGemmKernel}) otherwise,
 * saying why in {@code Pooling.vectorization()}.
 *
 * <p>Loading the provider class must not touch the Vector API; its methods may, and may fail with
 * an exception or a {@link LinkageError} whose message says why they cannot run here.
 */
public interface VectorizationProvider {
    /** The JDK module the implementations need in the module graph. */
    String REQUIRED_MODULE = "jdk.incubator.vector";

    /** The SIMD row operations of the pooling kernels. */
    RowOps rowOps();

    /** The SIMD micro-kernel of the matrix product. */
    GemmKernel gemmKernel();
}
