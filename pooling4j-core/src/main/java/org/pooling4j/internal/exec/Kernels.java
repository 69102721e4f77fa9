package org.pooling4j.internal.exec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.pooling4j.Geometry;
import org.pooling4j.PoolOp;
import org.pooling4j.PoolSpec;
import org.pooling4j.internal.kernels.ChannelsFirstKernel;
import org.pooling4j.internal.kernels.ChannelsLastKernel;
import org.pooling4j.internal.kernels.FastKernel;
import org.pooling4j.internal.kernels.PoolKernel;
import org.pooling4j.internal.kernels.ReferenceKernel;
import org.pooling4j.internal.kernels.VariantKernel;
import org.pooling4j.spi.RowOps;
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
 * then {@code cf-scalar}, {@code cl-scalar}, {@code variant} (the training variants and Lp backward,
 * which the channels-first and channels-last kernels decline), then {@code reference}. When the SIMD module is on the
 * class path but cannot run, {@link Vectorization} logs one warning with the remedy.
 */
public final class Kernels {
    /** System property that forces a kernel by name. */
    public static final String FORCE_PROPERTY = "pooling4j.kernel";
    /** System property that forces the kernel of backward calls (default: {@value #FORCE_PROPERTY}). */
    public static final String FORCE_BACKWARD_PROPERTY = "pooling4j.kernel.backward";
    /** System property: {@code false} disables the SIMD implementations ({@link Vectorization#SIMD_PROPERTY}). */
    public static final String SIMD_PROPERTY = Vectorization.SIMD_PROPERTY;

    private static final List<PoolKernel> KERNELS;

    static {
        RowOps simd = Vectorization.rowOps();
        List<PoolKernel> list = new ArrayList<>();
        if (simd != null) {
            list.add(new ChannelsFirstKernel(simd));
            list.add(new ChannelsLastKernel(simd));
        }
        list.add(new ChannelsFirstKernel(ScalarRowOps.INSTANCE));
        list.add(new ChannelsLastKernel(ScalarRowOps.INSTANCE));
        list.add(new VariantKernel());
        list.add(new ReferenceKernel());
        KERNELS = Collections.unmodifiableList(list);
    }

    private Kernels() {}

    /** The reference kernel: the last of the list, which accepts every problem. */
    /**
     * The geometry the fast kernels run for {@code g}: adaptive max or average pooling whose windows
     * tile the input (each input size a multiple of the output size, as LeNet's 24 to 12 or a
     * 14 to 7 head) has exactly the windows of max or average pooling with kernel = stride =
     * input / output, whose sliding paths then run it; otherwise {@code g} itself. The plan keeps
     * reporting {@code g}; the reference kernel runs {@code g} too, as the independent check.
     */
    public static Geometry kernelGeometry(Geometry g) {
        PoolSpec spec = g.spec();
        PoolOp op = spec.op();
        if (op != PoolOp.ADAPTIVE_MAX && op != PoolOp.ADAPTIVE_AVG) return g;
        int r = g.rank();
        int[] k = new int[r];
        for (int a = 0; a < r; a++) {
            int in = g.inSize(a);
            int out = g.outSize(a);
            if (out <= 0 || in % out != 0) return g;
            k[a] = in / out;
            for (int o = 0; o < out; o++) {
                if (g.start(a, o) != o * k[a]
                        || g.taps(a, o) != k[a]
                        || g.validLo(a, o) != 0
                        || g.validHi(a, o) != k[a]) return g;
            }
        }
        PoolSpec.Builder b = op == PoolOp.ADAPTIVE_MAX
                ? PoolSpec.max(k).nanPolicy(spec.nanPolicy()).maxFloor(spec.maxFloor())
                : PoolSpec.avg(k);
        Geometry e = Geometry.of(b.stride(k).build(), g.inputShapeRef(), g.layout());
        return Arrays.equals(e.outputShapeRef(), g.outputShapeRef()) ? e : g;
    }

    public static ReferenceKernel reference() {
        return (ReferenceKernel) KERNELS.get(KERNELS.size() - 1);
    }

    /** The kernels in the order they are tried. */
    public static List<PoolKernel> all() {
        return KERNELS;
    }

    /** Whether the SIMD kernels are in the list. */
    public static boolean simdAvailable() {
        return Vectorization.rowOps() != null;
    }

    /** One line on the row operations in use, e.g. "simd: 512-bit vectors, 16 float lanes" or why scalar. */
    public static String vectorization() {
        return Vectorization.rowOpsStatus();
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
                        throw new IllegalStateException(
                                FORCE_PROPERTY + " = " + forced + " cannot run " + g + ": " + why);
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
