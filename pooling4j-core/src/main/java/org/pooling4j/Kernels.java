package org.pooling4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The dispatcher: an ordered list of kernels, fastest first, the reference kernel last. The first
 * kernel that accepts a geometry runs it. The system property {@value #FORCE_PROPERTY} names a
 * kernel to use instead (for tests and comparisons); if that kernel declines, the call fails with
 * its reason rather than silently running another one.
 */
public final class Kernels {
    /** System property that forces a kernel by name. */
    public static final String FORCE_PROPERTY = "pooling4j.kernel";

    private static final List<PoolKernel> KERNELS;

    static {
        List<PoolKernel> list = new ArrayList<>();
        list.add(new ReferenceKernel());
        KERNELS = Collections.unmodifiableList(list);
    }

    private Kernels() {}

    /** The kernels in the order they are tried. */
    public static List<PoolKernel> all() {
        return KERNELS;
    }

    /** The kernel that will run {@code g} in the given direction. */
    public static PoolKernel select(Geometry g, boolean backward) {
        String forced = System.getProperty(FORCE_PROPERTY);
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

    private static List<String> names() {
        List<String> n = new ArrayList<>();
        for (PoolKernel k : KERNELS) n.add(k.name());
        return n;
    }
}
