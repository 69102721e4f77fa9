package org.pooling4j.internal.exec;

import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.pooling4j.spi.GemmKernel;
import org.pooling4j.spi.RowOps;
import org.pooling4j.spi.ScalarGemmKernel;
import org.pooling4j.spi.ScalarRowOps;
import org.pooling4j.spi.VectorizationProvider;

/**
 * The one place that finds the SIMD implementations: one {@link VectorizationProvider} looked up
 * once, the JDK checked once, the reason for a scalar fallback stated once (and logged once, as a
 * {@code System.Logger} warning of logger {@code org.pooling4j}, when the remedy is to add the
 * {@code pooling4j-vector} module or the {@code jdk.incubator.vector} JVM module). The pooling kernels and the matrix product take their
 * implementations from here.
 */
public final class Vectorization {
    /** System property: {@code false} disables the SIMD implementations even when they are usable. */
    public static final String SIMD_PROPERTY = "pooling4j.simd";

    private static final System.Logger LOG = System.getLogger("org.pooling4j");
    private static final RowOps ROW_OPS;
    private static final GemmKernel GEMM;
    private static final String ROW_STATUS;
    private static final String GEMM_STATUS;

    static {
        String why = null;
        VectorizationProvider provider = null;
        if ("false".equalsIgnoreCase(System.getProperty(SIMD_PROPERTY))) {
            why = "SIMD disabled by -D" + SIMD_PROPERTY + "=false";
        } else {
            try {
                Iterator<VectorizationProvider> it = ServiceLoader.load(
                                VectorizationProvider.class, Vectorization.class.getClassLoader())
                        .iterator();
                if (!it.hasNext()) {
                    why = "SIMD kernels not on the class path: add the pooling4j-vector module and run java with"
                            + " --add-modules " + VectorizationProvider.REQUIRED_MODULE
                            + " (or -D" + SIMD_PROPERTY + "=false to choose the scalar kernels without this message)";
                } else if (ModuleLayer.boot()
                        .findModule(VectorizationProvider.REQUIRED_MODULE)
                        .isEmpty()) {
                    why = "SIMD kernels need the JDK Vector API; run java with --add-modules "
                            + VectorizationProvider.REQUIRED_MODULE;
                } else {
                    provider = it.next();
                }
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                why = "SIMD kernels unusable (" + e + ")";
            }
        }
        RowOps rows = null;
        GemmKernel gemm = null;
        String rowWhy = why;
        String gemmWhy = why;
        if (provider != null) {
            try {
                rows = provider.rowOps();
            } catch (RuntimeException | LinkageError e) {
                rowWhy = "SIMD row operations unusable (" + e + "); run java with --add-modules "
                        + VectorizationProvider.REQUIRED_MODULE;
            }
            try {
                gemm = provider.gemmKernel();
            } catch (RuntimeException | LinkageError e) {
                gemmWhy = "SIMD matrix product unusable (" + e + "); run java with --add-modules "
                        + VectorizationProvider.REQUIRED_MODULE;
            }
        }
        ROW_OPS = rows;
        GEMM = gemm;
        ROW_STATUS = rows != null ? rows.describe() : "scalar: " + rowWhy + "; using scalar kernels";
        GEMM_STATUS = gemm != null ? gemm.describe() : "scalar: " + gemmWhy + "; using the scalar matrix product";
        // Said once, for a reason the user can act on (a module to add, a JVM option); never when the
        // scalar kernels were asked for with -Dpooling4j.simd=false.
        String remedy = rows == null ? rowWhy : gemm == null ? gemmWhy : null;
        if (remedy != null && remedy.contains("--add-modules"))
            LOG.log(System.Logger.Level.WARNING, "pooling4j: " + remedy);
    }

    private Vectorization() {}

    /** The SIMD row operations, or null when the scalar ones must run ({@link #rowOpsStatus()} says why). */
    public static RowOps rowOps() {
        return ROW_OPS;
    }

    /** The row operations in use: the SIMD ones, or {@link ScalarRowOps#INSTANCE}. */
    public static RowOps rowOpsOrScalar() {
        return ROW_OPS != null ? ROW_OPS : ScalarRowOps.INSTANCE;
    }

    /** One line on the row operations: the SIMD width, or why the scalar ones run. */
    public static String rowOpsStatus() {
        return ROW_STATUS;
    }

    /** The matrix-product micro-kernel in use: the SIMD one, or {@link ScalarGemmKernel#INSTANCE}. */
    public static GemmKernel gemmKernel() {
        return GEMM != null ? GEMM : ScalarGemmKernel.INSTANCE;
    }

    /** One line on the matrix-product kernel: the SIMD one, or why the scalar one runs. */
    public static String gemmStatus() {
        return GEMM_STATUS;
    }
}
