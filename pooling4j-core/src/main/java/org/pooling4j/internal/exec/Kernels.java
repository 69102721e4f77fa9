package org.pooling4j.internal.exec;

import org.pooling4j.Geometry;
import org.pooling4j.internal.kernels.ChannelsFirstKernel;
import org.pooling4j.internal.kernels.ChannelsLastKernel;
import org.pooling4j.internal.kernels.FastKernel;
import org.pooling4j.internal.kernels.PoolKernel;
import org.pooling4j.internal.kernels.ReferenceKernel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.pooling4j.spi.RowOps;
import org.pooling4j.spi.RowOpsProvider;
import org.pooling4j.spi.ScalarRowOps;

/**
 * The dispatcher: an ordered list of kernels, fastest first, the reference kernel last. The first
 * kernel that accepts a geometry runs it. The system property {@value #FORCE_PROPERTY} names a
 * kernel to use instead (for tests and comparisons); {@value #FORCE_BACKWARD_PROPERTY}, when set,
 * overrides it for backward calls. If the forced kernel declines, the call fails with its reason
 * rather than silently running another one.
 *
 * <p>The list: {@code cf-simd} and {@code cl-simd} when the SIMD row operations are usable (module
 * {@code pooling4j-vector} on the class path and {@code jdk.incubator.vector} in the module graph),
 * then {@code cf-scalar}, {@code cl-scalar}, then {@code reference}. When the SIMD module is on the
 * class path but cannot run, one warning is logged with the remedy.
 */
public final class Kernels {
    /** System property that forces a kernel by name. */
    public static final String FORCE_PROPERTY = "pooling4j.kernel";
    /** System property that forces the kernel of backward calls (default: {@value #FORCE_PROPERTY}). */
    public static final String FORCE_BACKWARD_PROPERTY = "pooling4j.kernel.backward";
    /** System property: {@code false} disables the SIMD row operations even when they are usable. */
    public static final String SIMD_PROPERTY = "pooling4j.simd";

    private static final System.Logger LOG = System.getLogger("org.pooling4j");
    private static final RowOps SIMD;
    private static final String SIMD_STATUS;
    private static final List<PoolKernel> KERNELS;

    static {
        RowOps simd = null;
        String status;
        if ("false".equalsIgnoreCase(System.getProperty(SIMD_PROPERTY))) {
            status = "scalar: SIMD disabled by -D" + SIMD_PROPERTY + "=false";
        } else {
            String[] why = new String[1];
            simd = loadSimd(why);
            status = simd != null ? simd.describe() : "scalar: " + why[0];
            if (simd == null && why[0].contains("--add-modules")) {
                LOG.log(System.Logger.Level.WARNING, "pooling4j: " + why[0]);
            }
        }
        SIMD = simd;
        SIMD_STATUS = status;
        List<PoolKernel> list = new ArrayList<>();
        if (simd != null) {
            list.add(new ChannelsFirstKernel(simd));
            list.add(new ChannelsLastKernel(simd));
        }
        list.add(new ChannelsFirstKernel(ScalarRowOps.INSTANCE));
        list.add(new ChannelsLastKernel(ScalarRowOps.INSTANCE));
        list.add(new ReferenceKernel());
        KERNELS = Collections.unmodifiableList(list);
    }

    private Kernels() {}

    /** Finds a usable SIMD implementation, or explains in {@code why[0]} why there is none. */
    private static RowOps loadSimd(String[] why) {
        try {
            Iterator<RowOpsProvider> it = ServiceLoader.load(RowOpsProvider.class, Kernels.class.getClassLoader()).iterator();
            if (!it.hasNext()) {
                why[0] = "SIMD kernels not on the class path (add the pooling4j-vector module); using scalar kernels";
                return null;
            }
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                why[0] = "SIMD kernels need the JDK Vector API; run java with --add-modules jdk.incubator.vector. Using scalar kernels";
                return null;
            }
            return it.next().create();
        } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
            why[0] = "SIMD kernels unusable (" + e + "); run java with --add-modules jdk.incubator.vector. Using scalar kernels";
            return null;
        }
    }

    /** The reference kernel: the last of the list, which accepts every problem. */
    public static ReferenceKernel reference() {
        return (ReferenceKernel) KERNELS.get(KERNELS.size() - 1);
    }

    /** The kernels in the order they are tried. */
    public static List<PoolKernel> all() {
        return KERNELS;
    }

    /** Whether the SIMD kernels are in the list. */
    public static boolean simdAvailable() {
        return SIMD != null;
    }

    /** One line on the row operations in use, e.g. "simd: 512-bit vectors, 16 float lanes" or why scalar. */
    public static String vectorization() {
        return SIMD_STATUS;
    }

    /** The kernel that will run {@code g} in the given direction. */
    public static PoolKernel select(Geometry g, boolean backward) {
        String forced = System.getProperty(FORCE_PROPERTY);
        if (backward) {
            String b = System.getProperty(FORCE_BACKWARD_PROPERTY);
            if (b != null && !b.isEmpty()) forced = b;
        }
        if (forced != null && !forced.isEmpty()) {
            for (PoolKernel k : KERNELS) {
                if (k.name().equals(forced)) {
                    String why = k.declines(g, backward);
                    if (why != null) {
                        throw new IllegalStateException(FORCE_PROPERTY + " = " + forced + " cannot run " + g + ": " + why);
                    }
                    return k;
                }
            }
            throw new IllegalStateException(FORCE_PROPERTY + " = " + forced + ": no such kernel; known: " + names());
        }
        for (PoolKernel k : KERNELS) {
            if (k.declines(g, backward) == null) return k;
        }
        throw new IllegalStateException("no kernel accepts " + g);
    }

    /** Whether a system property forces the kernel of calls in this direction (the tuner then stays out). */
    public static boolean forced(boolean backward) {
        String f = System.getProperty(FORCE_PROPERTY);
        if (backward) {
            String b = System.getProperty(FORCE_BACKWARD_PROPERTY);
            if (b != null && !b.isEmpty()) f = b;
        }
        return f != null && !f.isEmpty();
    }

    /** The kernels that accept {@code g} in the given direction, in dispatcher order. */
    public static List<PoolKernel> accepting(Geometry g, boolean backward) {
        List<PoolKernel> r = new ArrayList<>();
        for (PoolKernel k : KERNELS) {
            if (k.declines(g, backward) == null) r.add(k);
        }
        return r;
    }

    /** The fast kernels that accept {@code g} in the given direction (candidates for compact-argmax calls). */
    public static List<FastKernel> acceptingFast(Geometry g, boolean backward) {
        List<FastKernel> r = new ArrayList<>();
        for (PoolKernel k : KERNELS) {
            if (k instanceof FastKernel && k.declines(g, backward) == null) r.add((FastKernel) k);
        }
        return r;
    }

    /** The fast kernel that computes a compact argmax for {@code g} (forced as {@link #select} is), or null. */
    public static FastKernel selectArgmax(Geometry g, boolean backward) {
        PoolKernel k;
        try {
            k = select(g, backward);
        } catch (IllegalStateException e) {
            if (System.getProperty(FORCE_PROPERTY) != null) throw e;
            return null;
        }
        if (k instanceof FastKernel) return (FastKernel) k;
        // The forced or chosen kernel has no compact form: use the first fast kernel that accepts.
        for (PoolKernel f : KERNELS) {
            if (f instanceof FastKernel && f.declines(g, backward) == null) return (FastKernel) f;
        }
        return null;
    }

    private static List<String> names() {
        List<String> n = new ArrayList<>();
        for (PoolKernel k : KERNELS) n.add(k.name());
        return n;
    }
}
