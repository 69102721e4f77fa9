package org.pooling4j.internal.kernels;

import org.pooling4j.Argmax;
import org.pooling4j.Geometry;
import org.pooling4j.Layout;
import org.pooling4j.LpMode;
import org.pooling4j.MaxFloor;
import org.pooling4j.NanPolicy;
import org.pooling4j.PoolOp;
import org.pooling4j.PoolSpec;
import org.pooling4j.internal.Box;
import org.pooling4j.spi.RowOps;

/**
 * What the two fast kernels ({@link ChannelsFirstKernel}, {@link ChannelsLastKernel}) share: the
 * problems they take, exact per-window scans for the cases their fast loops do not cover, and the
 * compact argmax entry points.
 */
public abstract class FastKernel implements PoolKernel {
    public final RowOps ops;
    private final String name;

    public FastKernel(String prefix, RowOps ops) {
        this.ops = ops;
        this.name = prefix + "-" + ops.name();
    }

    @Override
    public final String name() {
        return name;
    }

    /** The reason a fast kernel declines {@code g} whatever its layout, or null. */
    public static String declinesCommon(Geometry g, boolean backward) {
        PoolOp op = g.spec().op();
        if (op == PoolOp.FRACTIONAL_MAX) return "fractional windows vary per plane; the reference kernel runs them";
        if (op == PoolOp.MAX_UNPOOL) return "max unpool has its own path";
        // The operators these kernels compute, listed: one added to PoolOp later runs on the reference
        // kernel until a fast kernel is written (and tested against it) for it.
        switch (op) {
            case MAX:
            case AVG:
            case LP:
            case GLOBAL_MAX:
            case GLOBAL_AVG:
            case GLOBAL_LP:
            case ADAPTIVE_MAX:
            case ADAPTIVE_AVG:
                break;
            default:
                return op + " runs on the reference kernel";
        }
        if (g.spec().nanPolicy() == NanPolicy.FIRST_TAP) return "NanPolicy.FIRST_TAP runs on the reference kernel";
        if (g.rank() > 3) return "rank " + g.rank() + " > 3";
        boolean lp = op == PoolOp.LP || op == PoolOp.GLOBAL_LP;
        // Channels-last Lp backward of sliding windows in the norm's own mode runs here (ChannelsLastKernel);
        // channels-first Lp backward runs on the variant kernel.
        if (lp
                && backward
                && (g.layout() == Layout.CHANNELS_FIRST
                        || op != PoolOp.LP
                        || g.spec().lpMode() != LpMode.NORM)) return "Lp backward runs on the reference kernel";
        // Over 2 x 2 windows the row passes cost more than the windows: VariantKernel takes those.
        if (lp && g.layout() == Layout.CHANNELS_FIRST && VariantKernel.takesLpForward(g))
            return "Lp forward over 2 x 2 windows runs on the variant kernel";
        if (lp && g.spec().lpMode() == LpMode.PYTORCH) {
            for (int a = 0; a < g.rank(); a++) {
                if (g.padBegin(a) != 0 || g.padEnd(a) != 0)
                    return "PyTorch-mode Lp with padding runs on the reference kernel";
            }
        }
        return null;
    }

    /** Whether the compact argmax can describe {@code g}: max-type with the negative-infinity floor. */
    public static String declinesArgmax(Geometry g) {
        if (!g.spec().op().isMaxType()) return "only max-type operators have an argmax";
        if (g.spec().maxFloor() != MaxFloor.NEGATIVE_INFINITY)
            return "the compact argmax has no 'no winner' entry (MaxFloor.LOWEST_FINITE)";
        return null;
    }

    /** Forward max-type pooling writing window-local argmax offsets into {@code argmax}. */
    public abstract void forwardArgmax(Geometry g, float[] in, float[] out, Argmax argmax, int threads);

    /** Max-type backward routed by a compact argmax; overwrites {@code gradIn}. */
    public abstract void backwardArgmax(Geometry g, float[] gradOut, Argmax argmax, float[] gradIn, int threads);

    public static float floor(PoolSpec spec) {
        return spec.maxFloor() == MaxFloor.LOWEST_FINITE ? -Float.MAX_VALUE : Float.NEGATIVE_INFINITY;
    }

    /**
     * Whether a running maximum may start from the first tap instead of the floor: true when the
     * floor is negative infinity and NaN propagates, where both give the same bits.
     */
    public static boolean startsFromFirstTap(PoolSpec spec) {
        return spec.maxFloor() == MaxFloor.NEGATIVE_INFINITY && spec.nanPolicy() == NanPolicy.PROPAGATE;
    }

    /** The most input rows of any window (rows of the window's depth and height taps). */
    static int maxRows(Box b) {
        int m = 1;
        for (int a = 0; a < b.od; a++) {
            for (int bb = 0; bb < b.oh; bb++) m = Math.max(m, (b.hd[a] - b.ld[a]) * (b.hh[bb] - b.lh[bb]));
        }
        return m;
    }

    /** Row stride of the input plane for axis d (channels-first offsets; multiply by C for channels-last). */
    public static int rowOf(Box b, int a, int bb, int ta, int tb) {
        return (b.sd[a] + ta * b.dd) * b.ih + b.sh[bb] + tb * b.dh;
    }

    /**
     * The reference scan of one window in row-major tap order: the maximum and, in {@code arg[0]},
     * the plane position of the winner (or -1 / the first valid position as the reference gives);
     * in {@code arg[1]} the window-local offset of the winner (0 when none won).
     * {@code stride} is the distance between plane positions in memory (1 or C).
     */
    public static float scanMax(
            Box b, PoolSpec spec, float[] in, int base, int stride, int a, int bb, int c, int[] arg) {
        boolean nan = spec.nanPolicy() == NanPolicy.PROPAGATE;
        float best = floor(spec);
        int pos = spec.maxFloor() == MaxFloor.LOWEST_FINITE ? -1 : b.firstValid(a, bb, c);
        // When no tap beats the floor the winner is the first valid tap, as in the reference.
        int local = b.emptyAt(a, bb, c) ? 0 : b.localOffset(a, bb, c, b.ld[a], b.lh[bb], b.lw[c]);
        if (!b.emptyAt(a, bb, c)) {
            for (int ta = b.ld[a]; ta < b.hd[a]; ta++) {
                for (int tb = b.lh[bb]; tb < b.hh[bb]; tb++) {
                    int row = rowOf(b, a, bb, ta, tb) * b.iw + b.sw[c];
                    for (int tc = b.lw[c]; tc < b.hw[c]; tc++) {
                        int p = row + tc * b.dw;
                        float v = in[base + p * stride];
                        if (v > best || (nan && v != v)) {
                            best = v;
                            pos = p;
                            local = (ta * b.kh[bb] + tb) * b.kw[c] + tc;
                        }
                    }
                }
            }
        }
        if (arg != null) {
            arg[0] = pos;
            arg[1] = local;
        }
        return best;
    }

    private static final long ONE_BITS = Double.doubleToRawLongBits(1.0);

    /**
     * The reference's gate {@link ReferenceKernel#sigmoid} with the same value bit for bit, without
     * its branch on the sign of {@code z}: both of the reference's forms divide by {@code 1 + e} with
     * {@code e = exp(-|z|)}, over 1 for {@code z >= 0} (-0 included) and over {@code e} otherwise,
     * and the numerator is picked by the sign bit. Learned gates put z on both sides of 0, where the
     * branch mispredicted about every other window (147,456 gates: 2.6 -> 2.0 ms in a standalone
     * loop, one thread).
     */
    public static double sigmoid(double z) {
        double e = Math.exp(-Math.abs(z));
        long negative = Double.doubleToRawLongBits(z) >> 63;
        double num = Double.longBitsToDouble((ONE_BITS & ~negative) | (Double.doubleToRawLongBits(e) & negative));
        return num / (1 + e);
    }

    /**
     * The reference scan's winner among the four taps of a 2 x 2 window, in scan order: 0 to 3, or -1
     * when none beats the floor. Where the maximum by {@link Math#max} (which C2 compiles without
     * branches) is a number above the floor, or the floor itself when that is negative infinity (the
     * first tap then stays the winner, and holds the floor's value), the winner is the first tap equal
     * to it, taken by int selects: on ReLU outputs full of equal zeros the scan's branch per tap
     * mispredicts about once per window. Otherwise (NaN, or nothing above a finite floor) the scan.
     */
    public static int winner4(float v0, float v1, float v2, float v3, float floor, boolean finiteFloor, boolean nan) {
        float m = Math.max(Math.max(v0, v1), Math.max(v2, v3));
        if (beats(m, floor, finiteFloor)) {
            int l = 3;
            l = v2 == m ? 2 : l;
            l = v1 == m ? 1 : l;
            return v0 == m ? 0 : l;
        }
        float best = floor;
        int l = -1;
        if (v0 > best || (nan && v0 != v0)) {
            best = v0;
            l = 0;
        }
        if (v1 > best || (nan && v1 != v1)) {
            best = v1;
            l = 1;
        }
        if (v2 > best || (nan && v2 != v2)) {
            best = v2;
            l = 2;
        }
        if (v3 > best || (nan && v3 != v3)) l = 3;
        return l;
    }

    /**
     * Whether a window maximum {@code m} taken by {@link Math#max} is the reference scan's: a number
     * greater than the floor, or equal to it when the floor is negative infinity.
     */
    static boolean beats(float m, float floor, boolean finiteFloor) {
        return m > floor | (!finiteFloor & m == floor);
    }

    /** |x|^p (norm mode) or the signed x^p (PyTorch mode), as the reference kernel computes each term. */
    public static float lpTerm(float x, double p, boolean torch) {
        if (torch) {
            // Other integer orders by products (the sign of x^p as Math.pow gives it); see below.
            int order = integerOrder(p);
            if (order > 0 && p != 1 && p != 2 && p != 4) return (float) products(x, order);
            return (float) Math.pow(x, p);
        }
        double a = Math.abs((double) x);
        if (p == 1) return (float) a;
        if (p == 2) return (float) (a * a);
        // Order 4 (a common choice in training) as two products: Math.pow costs tens of nanoseconds per element.
        if (p == 4) return (float) ((a * a) * (a * a));
        // Other small integer orders as products too (Math.pow per element was most of an order-3
        // forward): in double, p - 1 roundings of 2^-53 each before the float result, so within the 1e-6
        // relative that Lp keeps against the reference's Math.pow.
        int order = integerOrder(p);
        if (order > 0) return (float) products(a, order);
        return (float) Math.pow(a, p);
    }

    /** Integer orders up to this take products instead of {@link Math#pow} (Lp terms and slopes). */
    static final int MAX_PRODUCT_ORDER = 8;

    /** {@code p} as an integer order taken by products (1 to {@link #MAX_PRODUCT_ORDER}), or -1. */
    static int integerOrder(double p) {
        return p >= 1 && p <= MAX_PRODUCT_ORDER && p == Math.rint(p) ? (int) p : -1;
    }

    /** {@code x^n} by {@code n} products in double, {@code n >= 0}. */
    static double products(double x, int n) {
        double r = 1;
        for (int k = 0; k < n; k++) r *= x;
        return r;
    }

    /** Final Lp value from the sum of terms over {@code valid} taps. */
    public static float lpFinish(double sum, double p, boolean torch, double valid, double kernelVolume) {
        if (torch) {
            float avg = (float) (sum / valid);
            return (float) Math.pow((double) avg * kernelVolume, 1.0 / p);
        }
        if (p == 1) return (float) sum;
        if (p == 2) return (float) Math.sqrt(sum);
        // Order 4 as two square roots (as the variant kernel's Lp backward takes it): Math.pow per
        // output cost more than the whole rest of a 2 x 2 window.
        if (p == 4) return (float) Math.sqrt(Math.sqrt(sum));
        return (float) Math.pow(sum, 1.0 / p);
    }

    public static double kernelVolume(PoolSpec spec) {
        if (!spec.op().isSliding()) return 1;
        double v = 1;
        for (int a = 0; a < spec.rank(); a++) v *= spec.kernelAt(a);
        return v;
    }
}
