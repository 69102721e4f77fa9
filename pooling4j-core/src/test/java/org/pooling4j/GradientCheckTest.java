package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pooling4j.Oracle.Grid;
import org.pooling4j.Oracle.LongGrid;

/**
 * Finite-difference gradient check of every differentiable operator in 1D, 2D and 3D.
 *
 * <p>For a loss {@code L(x) = sum_j w_j y_j(x)} with random weights {@code w} (the output gradient),
 * the library's {@code Pooling.backward...} result must equal the central difference
 * {@code (L(x + h e_i) - L(x - h e_i)) / 2h} element by element (|diff| <= 1e-4 + 1e-3 |fd|):
 * <ul>
 *   <li>always with the forward evaluated in double precision by the {@link Oracle} (h = 1e-6);</li>
 *   <li>additionally, for the piecewise-linear operators (max-type, average, unpool), with the forward
 *       evaluated by the library itself in float32 with a float-exact step h = 1/64.</li>
 * </ul>
 * Inputs are tie-free (distinct values of each plane at least 0.125 apart, never 0), so no step moves
 * an argmax and |x| is differentiable. Each check also proves it can fail: the same comparison
 * applied to the library gradient with one element changed by 1% must report a mismatch.
 */
class GradientCheckTest {
    static final double RTOL = 1e-3;
    static final double ATOL = 1e-4;
    static final double H_DOUBLE = 1e-6;
    static final double H_FLOAT = 1.0 / 64;

    /** One problem: an operator on an input of logical shape (N, C, spatial...). */
    static final class Problem {
        final String name;
        final PoolSpec spec;
        final int n;
        final int c;
        final int[] spatial;
        final Layout layout;
        final boolean positive;

        Problem(String name, PoolSpec spec, Layout layout, boolean positive, int n, int c, int... spatial) {
            this.name = name;
            this.spec = spec;
            this.n = n;
            this.c = c;
            this.spatial = spatial;
            this.layout = layout;
            this.positive = positive;
        }

        boolean piecewiseLinear() {
            PoolOp op = spec.op();
            return op != PoolOp.LP && op != PoolOp.GLOBAL_LP;
        }

        @Override
        public String toString() {
            return name + " on " + n + "x" + c + "x" + Arrays.toString(spatial) + " " + layout;
        }
    }

    static final Layout CF = Layout.CHANNELS_FIRST;
    static final Layout CL = Layout.CHANNELS_LAST;

    static Stream<Problem> problems() {
        List<Problem> p = new ArrayList<>();
        // ---- 1D
        p.add(new Problem("max1d k3 s2 p1", PoolSpec.max(3).stride(2).padding(1).build(), CF, false, 2, 2, 9));
        p.add(new Problem(
                "max1d k2 s1 d2 p1 ceil",
                PoolSpec.max(2).stride(1).dilation(2).padding(1).ceilMode(true).build(),
                CL,
                false,
                1,
                3,
                8));
        p.add(new Problem(
                "avg1d k3 s2 p1 ceil include",
                PoolSpec.avg(3).stride(2).padding(1).ceilMode(true).build(),
                CF,
                false,
                2,
                2,
                9));
        p.add(new Problem(
                "avg1d k3 s2 p1 ceil exclude",
                PoolSpec.avg(3)
                        .stride(2)
                        .padding(1)
                        .ceilMode(true)
                        .countIncludePad(false)
                        .build(),
                CL,
                false,
                2,
                2,
                10));
        p.add(new Problem(
                "avg1d k2 d2 pad1/0 divisor3",
                PoolSpec.avg(2)
                        .stride(1)
                        .dilation(2)
                        .padding(new int[] {1}, new int[] {0})
                        .divisorOverride(3)
                        .build(),
                CF,
                false,
                1,
                2,
                7));
        p.add(new Problem(
                "lp1d NORM p2 k3 s2 p1 d2",
                PoolSpec.lp(2, 3).stride(2).padding(1).dilation(2).build(),
                CF,
                false,
                2,
                2,
                11));
        p.add(new Problem("lp1d NORM p1 k2 s1", PoolSpec.lp(1, 2).stride(1).build(), CL, false, 1, 2, 7));
        p.add(new Problem(
                "lp1d NORM p3 k3 s2 ceil",
                PoolSpec.lp(3, 3).stride(2).ceilMode(true).build(),
                CF,
                false,
                2,
                1,
                8));
        p.add(new Problem(
                "lp1d PYTORCH p2 k3 s2 ceil",
                PoolSpec.lp(2, 3)
                        .stride(2)
                        .ceilMode(true)
                        .lpMode(LpMode.PYTORCH)
                        .build(),
                CF,
                true,
                2,
                2,
                8));
        p.add(new Problem(
                "lp1d PYTORCH p1.5 k2 s1",
                PoolSpec.lp(1.5, 2).stride(1).lpMode(LpMode.PYTORCH).build(),
                CL,
                true,
                1,
                2,
                6));
        p.add(new Problem("globalMax1d", PoolSpec.globalMax(1).build(), CF, false, 2, 3, 7));
        p.add(new Problem("globalAvg1d", PoolSpec.globalAvg(1).build(), CL, false, 2, 3, 7));
        p.add(new Problem("globalLp1d p2", PoolSpec.globalLp(2, 1).build(), CF, false, 2, 3, 7));
        p.add(new Problem("adaptiveMax1d 10->4", PoolSpec.adaptiveMax(4).build(), CF, false, 2, 2, 10));
        p.add(new Problem("adaptiveAvg1d 5->7", PoolSpec.adaptiveAvg(7).build(), CL, false, 2, 2, 5));
        p.add(new Problem("maxUnpool1d k2 s2", PoolSpec.maxUnpool(2).build(), CF, false, 2, 2, 5));
        // ---- 2D
        p.add(new Problem(
                "max2d k(3,2) s(2,1) p(1,0) d(1,2)",
                PoolSpec.max(3, 2).stride(2, 1).padding(1, 0).dilation(1, 2).build(),
                CF,
                false,
                2,
                2,
                7,
                8));
        p.add(new Problem(
                "max2d SAME_UPPER k3 s2",
                PoolSpec.max(3, 3).stride(2).autoPad(AutoPad.SAME_UPPER).build(),
                CL,
                false,
                1,
                3,
                6,
                7));
        p.add(new Problem(
                "avg2d k3 s2 p1 ceil include",
                PoolSpec.avg(3, 3).stride(2).padding(1).ceilMode(true).build(),
                CF,
                false,
                1,
                2,
                6,
                7));
        p.add(new Problem(
                "avg2d k3 s2 p1 ceil exclude",
                PoolSpec.avg(3, 3)
                        .stride(2)
                        .padding(1)
                        .ceilMode(true)
                        .countIncludePad(false)
                        .build(),
                CL,
                false,
                1,
                2,
                6,
                7));
        p.add(new Problem(
                "avg2d SAME_LOWER k(2,3) s2",
                PoolSpec.avg(2, 3).stride(2).autoPad(AutoPad.SAME_LOWER).build(),
                CF,
                false,
                2,
                1,
                5,
                6));
        p.add(new Problem(
                "lp2d NORM p2 k2 s1 p1",
                PoolSpec.lp(2, 2, 2).stride(1).padding(1).build(),
                CF,
                false,
                1,
                2,
                5,
                4));
        p.add(new Problem(
                "lp2d NORM p3 k2 d2", PoolSpec.lp(3, 2, 2).stride(1).dilation(2).build(), CL, false, 1, 2, 5, 6));
        p.add(new Problem(
                "lp2d PYTORCH p2 k(2,3) s2 ceil",
                PoolSpec.lp(2, 2, 3)
                        .stride(2)
                        .ceilMode(true)
                        .lpMode(LpMode.PYTORCH)
                        .build(),
                CF,
                true,
                1,
                2,
                5,
                7));
        p.add(new Problem(
                "lp2d PYTORCH p3 k2",
                PoolSpec.lp(3, 2, 2).lpMode(LpMode.PYTORCH).build(),
                CL,
                true,
                2,
                1,
                4,
                6));
        p.add(new Problem("globalMax2d", PoolSpec.globalMax(2).build(), CL, false, 2, 2, 4, 5));
        p.add(new Problem("globalAvg2d", PoolSpec.globalAvg(2).build(), CF, false, 2, 2, 4, 5));
        p.add(new Problem("globalLp2d p3", PoolSpec.globalLp(3, 2).build(), CL, false, 2, 2, 4, 5));
        p.add(new Problem(
                "adaptiveMax2d (7,9)->(3,4)", PoolSpec.adaptiveMax(3, 4).build(), CF, false, 1, 2, 7, 9));
        p.add(new Problem(
                "adaptiveAvg2d (4,3)->(5,2)", PoolSpec.adaptiveAvg(5, 2).build(), CL, false, 1, 2, 4, 3));
        p.add(new Problem(
                "fractionalMax2d k2 (9,8)->(4,3)",
                PoolSpec.fractionalMax(2, 2).outputSize(4, 3).build(),
                CF,
                false,
                2,
                2,
                9,
                8));
        p.add(new Problem(
                "fractionalMax2d k(3,2) (10,7)->(5,6)",
                PoolSpec.fractionalMax(3, 2).outputSize(5, 6).build(),
                CL,
                false,
                1,
                2,
                10,
                7));
        p.add(new Problem("maxUnpool2d k2 s2", PoolSpec.maxUnpool(2, 2).build(), CL, false, 1, 2, 3, 4));
        // ---- 3D
        p.add(new Problem(
                "max3d k2 s1 p1 d(1,1,2)",
                PoolSpec.max(2, 2, 2).stride(1).padding(1).dilation(1, 1, 2).build(),
                CF,
                false,
                1,
                2,
                3,
                4,
                5));
        p.add(new Problem(
                "avg3d k(2,2,3) s2 p1 ceil",
                PoolSpec.avg(2, 2, 3).stride(2).padding(1).ceilMode(true).build(),
                CL,
                false,
                1,
                2,
                4,
                3,
                5));
        p.add(new Problem("lp3d NORM p2 k2", PoolSpec.lp(2, 2, 2, 2).stride(1).build(), CF, false, 1, 1, 3, 4, 4));
        p.add(new Problem(
                "lp3d PYTORCH p2 k2 s2 ceil",
                PoolSpec.lp(2, 2, 2, 2).ceilMode(true).lpMode(LpMode.PYTORCH).build(),
                CL,
                true,
                1,
                2,
                3,
                4,
                5));
        p.add(new Problem("globalMax3d", PoolSpec.globalMax(3).build(), CF, false, 1, 2, 2, 3, 4));
        p.add(new Problem("globalAvg3d", PoolSpec.globalAvg(3).build(), CL, false, 1, 2, 2, 3, 4));
        p.add(new Problem("globalLp3d p1.5", PoolSpec.globalLp(1.5, 3).build(), CF, false, 1, 2, 2, 3, 4));
        p.add(new Problem(
                "adaptiveMax3d (4,5,3)->(2,3,3)", PoolSpec.adaptiveMax(2, 3, 3).build(), CL, false, 1, 2, 4, 5, 3));
        p.add(new Problem(
                "adaptiveAvg3d (3,4,5)->(2,null,4)",
                PoolSpec.adaptiveAvg(2, null, 4).build(),
                CF,
                false,
                1,
                2,
                3,
                4,
                5));
        p.add(new Problem(
                "fractionalMax3d k2 (6,6,5)->(3,3,2)",
                PoolSpec.fractionalMax(2, 2, 2).outputSize(3, 3, 2).build(),
                CF,
                false,
                1,
                2,
                6,
                6,
                5));
        p.add(new Problem("maxUnpool3d k2 s2", PoolSpec.maxUnpool(2, 2, 2).build(), CF, false, 1, 2, 2, 3, 2));
        return p.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("problems")
    void backwardMatchesFiniteDifferences(Problem pr) {
        SplittableRandom rnd = new SplittableRandom(pr.name.hashCode());
        if (pr.spec.op() == PoolOp.MAX_UNPOOL) {
            checkUnpool(pr, rnd);
            return;
        }
        Grid x = tieFree(pr.n, pr.c, pr.spatial, pr.positive, rnd);
        Grid samples = null;
        if (pr.spec.op() == PoolOp.FRACTIONAL_MAX) {
            samples = new Grid(pr.n, pr.c, new int[] {pr.spatial.length});
            for (int i = 0; i < samples.v.length; i++) samples.v[i] = (float) rnd.nextDouble();
        }
        Oracle.Plan plan = Oracle.plan(pr.spec, pr.spatial);
        if (plan.wins != null) {
            for (Oracle.Win w : plan.wins) assertTrue(w.pos.length > 0, "test problem has an empty window: " + pr);
        }
        Grid w = weights(pr.n, pr.c, plan.out, rnd);
        Tensor xt = Oracle.toTensor(x, pr.layout, true);
        Tensor wt = Oracle.toTensor(w, pr.layout, true);
        Tensor samplesT = samples == null ? null : Oracle.toTensor(samples, CF, true);

        Tensor gradT = pr.spec.op() == PoolOp.FRACTIONAL_MAX
                ? Pooling.fractionalMaxPoolBackward(pr.spec, xt, wt, samplesT)
                : Pooling.backward(pr.spec, xt, wt);
        double[] analytic = Oracle.fromTensor(gradT, pr.spatial.length).v;

        final Grid s = samples;
        double[] fd = finiteDifference(x, H_DOUBLE, xp -> loss(Oracle.forward(pr.spec, xp, s).values, w));
        assertClose(pr + " vs double-precision finite differences of the oracle", fd, analytic);
        assertCanFail(pr, fd, analytic);

        if (pr.piecewiseLinear()) {
            double[] fdLib = finiteDifference(x, H_FLOAT, xp -> {
                Tensor t = Oracle.toTensor(xp, pr.layout, true);
                Tensor y = pr.spec.op() == PoolOp.FRACTIONAL_MAX
                        ? Pooling.fractionalMaxPool(pr.spec, t, samplesT).values()
                        : Pooling.forward(pr.spec, t);
                return loss(Oracle.fromTensor(y, pr.spatial.length), w);
            });
            assertClose(pr + " vs float32 finite differences of the library forward", fdLib, analytic);
        }
        if (Oracle.isMaxType(pr.spec.op())) {
            // routing by the forward's indices must give the same gradient as recomputing the argmax
            Pooled fwd = pr.spec.op() == PoolOp.FRACTIONAL_MAX
                    ? Pooling.fractionalMaxPool(pr.spec, xt, samplesT)
                    : Pooling.forwardWithIndices(pr.spec, xt);
            assertNotNull(fwd.indices());
            if (pr.spec.op() != PoolOp.FRACTIONAL_MAX) {
                double[] viaIdx =
                        Oracle.fromTensor(Pooling.backward(pr.spec, xt, wt, fwd.indices()), pr.spatial.length).v;
                assertClose(pr + " backward with indices", fd, viaIdx);
            }
        }
    }

    /**
     * Library defect check, separate so that it shows up on its own: the public
     * {@code Pooling.backward(spec, input, gradOut, indices)} accepts FRACTIONAL_MAX (a max-type
     * operator) and must route the gradient by the given indices.
     */
    @Test
    void fractionalBackwardWithGivenIndices() {
        Problem pr = problems()
                .filter(q -> q.name.startsWith("fractionalMax2d k2"))
                .findFirst()
                .orElseThrow();
        SplittableRandom rnd = new SplittableRandom(7);
        Grid x = tieFree(pr.n, pr.c, pr.spatial, false, rnd);
        Grid samples = new Grid(pr.n, pr.c, new int[] {2});
        for (int i = 0; i < samples.v.length; i++) samples.v[i] = (float) rnd.nextDouble();
        Tensor xt = Oracle.toTensor(x, pr.layout, true);
        Tensor samplesT = Oracle.toTensor(samples, CF, true);
        Pooled fwd = Pooling.fractionalMaxPool(pr.spec, xt, samplesT);
        Grid w = weights(pr.n, pr.c, Oracle.fromTensor(fwd.values(), 2).size, rnd);
        Tensor wt = Oracle.toTensor(w, pr.layout, true);
        Tensor expected = Pooling.fractionalMaxPoolBackward(pr.spec, xt, wt, samplesT);
        Tensor viaIdx = Pooling.backward(pr.spec, xt, wt, fwd.indices());
        assertTrue(
                Arrays.equals(expected.data(), viaIdx.data()),
                "backward routed by the fractional forward's indices differs");
    }

    private void checkUnpool(Problem pr, SplittableRandom rnd) {
        int r = pr.spatial.length;
        int[] k = pr.spec.kernel();
        // indices from a real max pooling (k = s, no padding: disjoint windows, so distinct indices)
        Oracle.Plan plan = Oracle.plan(pr.spec, pr.spatial);
        Grid big = tieFree(pr.n, pr.c, plan.out, false, rnd);
        PoolSpec pool = PoolSpec.max(k).stride(pr.spec.stride()).build();
        Oracle.Result pooled = Oracle.forward(pool, big, null);
        assertEquals(
                Arrays.toString(pr.spatial), Arrays.toString(pooled.values.size), "pooled size = unpool input size");
        LongGrid idx = pooled.indices;
        Grid values = tieFree(pr.n, pr.c, pr.spatial, false, rnd);
        Grid w = weights(pr.n, pr.c, plan.out, rnd);
        Tensor vt = Oracle.toTensor(values, pr.layout, true);
        LongTensor it = Oracle.toLongTensor(idx, pr.layout, true);
        Tensor wt = Oracle.toTensor(w, pr.layout, true);
        double[] analytic = Oracle.fromTensor(Pooling.maxUnpoolBackward(pr.spec, vt, it, wt), r).v;
        double[] fd = finiteDifference(values, H_DOUBLE, v -> loss(Oracle.unpool(pr.spec, v, idx), w));
        assertClose(pr + " vs oracle finite differences", fd, analytic);
        assertCanFail(pr, fd, analytic);
        double[] fdLib = finiteDifference(
                values,
                H_FLOAT,
                v -> loss(
                        Oracle.fromTensor(Pooling.maxUnpool(pr.spec, Oracle.toTensor(v, pr.layout, true), it), r), w));
        assertClose(pr + " vs library finite differences", fdLib, analytic);
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** Distinct values per plane, spaced 0.125 apart, offset by 1/16 so none is 0 (exact in float). */
    static Grid tieFree(int n, int c, int[] spatial, boolean positive, SplittableRandom rnd) {
        Grid g = new Grid(n, c, spatial);
        for (int nn = 0; nn < n; nn++) {
            for (int cc = 0; cc < c; cc++) {
                int[] perm = new int[g.plane];
                for (int i = 0; i < perm.length; i++) perm[i] = i;
                for (int i = perm.length - 1; i > 0; i--) {
                    int j = rnd.nextInt(i + 1);
                    int t = perm[i];
                    perm[i] = perm[j];
                    perm[j] = t;
                }
                for (int q = 0; q < g.plane; q++) {
                    double v = positive ? perm[q] * 0.125 + 0.25 : (perm[q] - g.plane / 2) * 0.125 + 0.0625;
                    g.v[g.at(nn, cc, q)] = v;
                }
            }
        }
        return g;
    }

    /** Output-gradient weights: nonzero multiples of 1/4 in [-2, 2]. */
    static Grid weights(int n, int c, int[] size, SplittableRandom rnd) {
        Grid w = new Grid(n, c, size);
        for (int i = 0; i < w.v.length; i++) {
            int k = rnd.nextInt(16) - 8;
            w.v[i] = (k >= 0 ? k + 1 : k) / 4.0;
        }
        return w;
    }

    static double loss(Grid y, Grid w) {
        double s = 0;
        for (int i = 0; i < y.v.length; i++) s += w.v[i] * y.v[i];
        return s;
    }

    static double[] finiteDifference(Grid x, double h, Function<Grid, Double> f) {
        double[] g = new double[x.v.length];
        for (int i = 0; i < g.length; i++) {
            Grid plus = new Grid(x.n, x.c, x.size, x.v.clone());
            Grid minus = new Grid(x.n, x.c, x.size, x.v.clone());
            plus.v[i] += h;
            minus.v[i] -= h;
            g[i] = (f.apply(plus) - f.apply(minus)) / (2 * h);
        }
        return g;
    }

    static String mismatch(double[] want, double[] got) {
        if (want.length != got.length) return "length " + got.length + " != " + want.length;
        for (int i = 0; i < want.length; i++) {
            if (!(Math.abs(got[i] - want[i]) <= ATOL + RTOL * Math.abs(want[i]))) {
                return "element " + i + " (canonical N,C,spatial order): backward " + got[i] + ", finite difference "
                        + want[i];
            }
        }
        return null;
    }

    static void assertClose(String what, double[] fd, double[] analytic) {
        String m = mismatch(fd, analytic);
        if (m != null) fail(what + ": " + m);
        boolean nonzero = false;
        for (double v : fd) nonzero |= Math.abs(v) > 1e-3;
        assertTrue(nonzero, what + ": the finite-difference gradient is zero everywhere, the check would be vacuous");
    }

    /** The comparison must notice a 1% error in a single element. */
    static void assertCanFail(Problem pr, double[] fd, double[] analytic) {
        int big = 0;
        for (int i = 1; i < analytic.length; i++) if (Math.abs(analytic[i]) > Math.abs(analytic[big])) big = i;
        double[] wrong = analytic.clone();
        wrong[big] = wrong[big] * 1.01 + Math.copySign(2 * ATOL, wrong[big]);
        assertNotNull(mismatch(fd, wrong), pr + ": the gradient check does not notice a wrong element");
    }
}
