package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pooling4j.internal.exec.Kernels;
import org.pooling4j.internal.kernels.PoolKernel;
import org.pooling4j.internal.kernels.ReferenceKernel;
import org.pooling4j.internal.kernels.VariantKernel;

/**
 * The {@code variant} kernel (stochastic, mixed, gated, weighted average, fractional max, Lp backward, Lp forward over 2 x 2 windows)
 * against the {@code reference} kernel, called directly on seeded random problems: ranks 1 to 3, odd
 * sizes, widths around vector lengths, padding, dilation, ceil mode, kernels larger than the input,
 * empty batches, the NaN policy and max floor, and data with ties, -0.0, NaN and infinities for the
 * operators that take a maximum.
 *
 * <p>Expected values come from the reference kernel only. The variant kernel evaluates each window by
 * the reference's formulas in the reference's order, so its contract is bit-identical results
 * (compared with {@link Float#floatToIntBits}, which treats every NaN alike) for every operator but Lp,
 * where integer orders take products instead of {@link Math#pow}: Lp gradients must agree within
 * {@value #RTOL} relative to {@code max(1, |reference|)}, and so must weight gradients (summed per
 * plane first). Every failure names the case's seed; {@code -Dpooling4j.seed} changes the base seed.
 */
class VariantKernelTest {
    static final long DEFAULT_SEED = 20250611L;
    static final double RTOL = 1e-6;
    private static final long SEED = Long.getLong("pooling4j.seed", DEFAULT_SEED);

    /** The problems drawn; stochastic and Lp come in two modes each. */
    enum Kind {
        STOCHASTIC_TRAIN,
        STOCHASTIC_EVAL,
        MIXED,
        GATED,
        GATED_PER_CHANNEL,
        WEIGHTED,
        GAUSSIAN,
        FRACTIONAL,
        LP,
        LP_TORCH,
        GLOBAL_LP
    }

    @AfterEach
    void clearForcedKernels() {
        System.clearProperty(Kernels.FORCE_PROPERTY);
    }

    static VariantKernel variant() {
        for (PoolKernel k : Kernels.all()) {
            if (k.name().equals(VariantKernel.NAME)) return (VariantKernel) k;
        }
        return fail("no variant kernel in the dispatcher's list " + Kernels.all());
    }

    /** One random problem: spec, input, output gradient and the random numbers its operator needs. */
    static final class Problem {
        final long seed;
        final Kind kind;
        final PoolSpec spec;
        final Tensor x;
        final Geometry g;
        final float[] gy;
        final float[] samples;

        Problem(long seed, Kind kind, PoolSpec spec, Tensor x, float[] gy, float[] samples) {
            this.seed = seed;
            this.kind = kind;
            this.spec = spec;
            this.x = x;
            this.g = Pooling.geometry(spec, x);
            this.gy = gy;
            this.samples = samples;
        }

        @Override
        public String toString() {
            return "seed " + seed + ": " + kind + " " + spec + " on " + Arrays.toString(x.shape());
        }
    }

    /** A random problem of {@code kind}, or null when the drawn parameters make no valid geometry. */
    static Problem randomProblem(long seed, Kind kind) {
        return randomProblem(seed, kind, null);
    }

    /**
     * A seeded problem of {@code kind}; with {@code fixedKernel} (one size per axis, its length the
     * rank) the window has that shape and is never larger than the input, everything else is drawn as
     * usual.
     */
    static Problem randomProblem(long seed, Kind kind, int[] fixedKernel) {
        SplittableRandom r = new SplittableRandom(seed);
        int rank = fixedKernel != null ? fixedKernel.length : 1 + r.nextInt(3);
        int[] in = new int[rank];
        int[] k = new int[rank];
        int[] s = new int[rank];
        int[] p = new int[rank];
        int[] d = new int[rank];
        boolean dilated = kind == Kind.WEIGHTED || kind == Kind.GAUSSIAN || kind == Kind.LP;
        // Kernels larger than the input, padding making up the rest.
        boolean tiny = r.nextInt(8) == 0 && fixedKernel == null;
        for (int a = 0; a < rank; a++) {
            k[a] = 1 + r.nextInt(rank == 3 ? 3 : 4);
            if (fixedKernel != null) k[a] = fixedKernel[a];
            d[a] = dilated && r.nextInt(3) == 0 ? 2 : 1;
            s[a] = 1 + r.nextInt(3);
            p[a] = r.nextInt(k[a] / 2 + 1);
            int maxIn = rank == 1 ? 70 : rank == 2 ? 35 : 9;
            // Widths around 8, 16 and 32 lanes on the last axis, odd sizes elsewhere.
            in[a] = a == rank - 1 && r.nextBoolean()
                    ? new int[] {7, 15, 16, 17, 31, 33, 65}[r.nextInt(7)] % (maxIn + 1)
                    : 1 + r.nextInt(maxIn);
            if (tiny) {
                in[a] = 1 + r.nextInt(2);
                k[a] = in[a] + 1 + r.nextInt(2);
                p[a] = k[a] / 2;
                d[a] = 1;
            }
            if (in[a] < 1) in[a] = 1;
            if (fixedKernel != null) in[a] = Math.max(in[a], k[a]);
        }
        int n = r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(2);
        int c = 1 + r.nextInt(3);
        PoolSpec.Builder b;
        switch (kind) {
            case STOCHASTIC_TRAIN:
            case STOCHASTIC_EVAL:
                b = PoolSpec.stochastic(k).training(kind == Kind.STOCHASTIC_TRAIN);
                break;
            case MIXED:
                b = PoolSpec.mixed(r.nextInt(3) == 0 ? r.nextInt(2) : r.nextDouble(), k);
                break;
            case GATED:
            case GATED_PER_CHANNEL: {
                int taps = 1;
                for (int v : k) taps *= v;
                boolean per = kind == Kind.GATED_PER_CHANNEL;
                float[] w = new float[per ? c * taps : taps];
                for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextDouble() * 2 - 1);
                b = per
                        ? PoolSpec.gated(k).weights(w, c, taps)
                        : PoolSpec.gated(k).weights(w, k);
                break;
            }
            case WEIGHTED: {
                int taps = 1;
                for (int v : k) taps *= v;
                float[] w = new float[taps];
                // Positive weights, one of them sometimes 0, so the denominator never vanishes.
                for (int i = 0; i < w.length; i++) w[i] = (float) (0.05 + r.nextDouble());
                if (taps > 1 && r.nextBoolean()) w[r.nextInt(taps)] = 0f;
                b = PoolSpec.weightedAvg(k).weights(w, k);
                break;
            }
            case GAUSSIAN:
                b = PoolSpec.weightedAvg(k).sigma(0.5 + r.nextDouble() * 2);
                break;
            case FRACTIONAL: {
                int[] o = new int[rank];
                for (int a = 0; a < rank; a++) {
                    k[a] = Math.min(k[a], in[a]);
                    o[a] = 1 + r.nextInt(in[a] - k[a] + 1);
                }
                b = PoolSpec.fractionalMax(k).outputSize(o);
                break;
            }
            case LP:
            case LP_TORCH:
                b = PoolSpec.lp(new double[] {1, 2, 3, 4, 2.5, 1.5}[r.nextInt(6)], k);
                if (kind == Kind.LP_TORCH) b.lpMode(LpMode.PYTORCH);
                break;
            case GLOBAL_LP:
                b = PoolSpec.globalLp(new double[] {1, 2, 3, 4, 2.5}[r.nextInt(5)], rank);
                break;
            default:
                throw new AssertionError(kind);
        }
        boolean sliding = kind != Kind.FRACTIONAL && kind != Kind.GLOBAL_LP;
        if (sliding) {
            b.stride(s).padding(p);
            if (dilated) b.dilation(d);
            if (r.nextInt(3) == 0) b.ceilMode(true);
            if ((kind == Kind.MIXED || kind == Kind.GATED) && r.nextInt(3) == 0) b.countIncludePad(true);
            if ((kind == Kind.MIXED || kind == Kind.GATED) && r.nextInt(6) == 0) b.divisorOverride(1 + r.nextInt(5));
        }
        boolean maxType =
                kind == Kind.MIXED || kind == Kind.GATED || kind == Kind.GATED_PER_CHANNEL || kind == Kind.FRACTIONAL;
        if (maxType) {
            if (r.nextInt(3) == 0) b.nanPolicy(NanPolicy.IGNORE);
            if (r.nextInt(3) == 0) b.maxFloor(MaxFloor.LOWEST_FINITE);
        }
        PoolSpec spec;
        int[] shape = new int[rank + 2];
        shape[0] = n;
        shape[1] = c;
        System.arraycopy(in, 0, shape, 2, rank);
        Tensor x;
        try {
            spec = b.build();
            x = Tensor.zeros(shape);
            Pooling.geometry(spec, x);
        } catch (IllegalArgumentException e) {
            return null;
        }
        float[] xs = x.data();
        boolean stochastic = kind == Kind.STOCHASTIC_TRAIN || kind == Kind.STOCHASTIC_EVAL;
        boolean special = maxType && r.nextBoolean();
        for (int i = 0; i < xs.length; i++) {
            float v;
            if (stochastic) {
                // Non-negative, as stochastic pooling requires: many zeros (all-zero windows) and ties.
                v = r.nextBoolean() ? r.nextInt(3) : (float) (r.nextDouble() * 4);
            } else if (maxType) {
                // Small integers: many ties, and -0.0 beside +0.0.
                v = r.nextBoolean() ? r.nextInt(5) - 2 : (float) (r.nextDouble() * 2 - 1);
                if (v == 0 && r.nextBoolean()) v = -0f;
                if (special && r.nextInt(12) == 0) {
                    v = new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f}[r.nextInt(4)];
                }
            } else {
                v = r.nextInt(6) == 0 ? (r.nextBoolean() ? 0f : -0f) : (float) (r.nextDouble() * 8 - 4);
            }
            xs[i] = v;
        }
        Geometry g = Pooling.geometry(spec, x);
        // Output gradients: multiples of 1/8 in [-8, 8], so that max-type gradient sums are exact.
        float[] gy = new float[g.outputElements()];
        for (int i = 0; i < gy.length; i++) gy[i] = (r.nextInt(129) - 64) / 8f;
        float[] samples = null;
        if (kind == Kind.STOCHASTIC_TRAIN) {
            samples = new float[g.outputElements()];
            for (int i = 0; i < samples.length; i++) {
                int pick = r.nextInt(10);
                samples[i] = pick == 0 ? 0f : pick == 1 ? Math.nextDown(1f) : (float) r.nextDouble();
                if (samples[i] >= 1f) samples[i] = Math.nextDown(1f);
            }
        } else if (kind == Kind.FRACTIONAL) {
            samples = new float[n * c * rank];
            for (int i = 0; i < samples.length; i++) samples[i] = Math.min((float) r.nextDouble(), Math.nextDown(1f));
        }
        return new Problem(seed, kind, spec, x, gy, samples);
    }

    @Test
    void randomProblemsAgreeWithTheReference() {
        SplittableRandom base = new SplittableRandom(SEED);
        Map<Kind, Integer> ran = new EnumMap<>(Kind.class);
        int empty = 0;
        int tiny = 0;
        for (int i = 0; i < 2500; i++) {
            long seed = base.nextLong();
            Kind kind = Kind.values()[i % Kind.values().length];
            Problem pr = randomProblem(seed, kind);
            if (pr == null) continue;
            compare(pr, 1 + (int) Math.floorMod(seed, 3));
            ran.merge(kind, 1, Integer::sum);
            if (pr.g.batch() == 0) empty++;
            for (int a = 0; a < pr.g.rank(); a++) {
                if (pr.spec.op().isSliding() && pr.spec.kernelAt(a) > pr.g.inSize(a)) {
                    tiny++;
                    break;
                }
            }
        }
        for (Kind kind : Kind.values()) {
            assertTrue(ran.getOrDefault(kind, 0) >= 50, "seed " + SEED + ": only " + ran.get(kind) + " " + kind);
        }
        assertTrue(empty >= 10, "seed " + SEED + ": only " + empty + " empty batches");
        assertTrue(tiny >= 10, "seed " + SEED + ": only " + tiny + " kernels larger than the input");
    }

    /**
     * The 2 x 2 windows of training layers, which the kernel takes by an unrolled scan with selects
     * (and, in padded or cropped windows of larger kernels, whenever two rows of two taps are
     * valid): rank 2 (k 2x2) and rank 3 (k 1x2x2 or 2x1x2), with the usual draws of strides, padding,
     * ceil mode, dilation, both NaN policies and max floors, and data full of ties, signed zeros,
     * NaN and infinities.
     */
    @Test
    void twoByTwoWindowsAgreeWithTheReference() {
        SplittableRandom base = new SplittableRandom(SEED ^ 0x2b2L);
        int[][] kernels = {{2, 2}, {2, 2}, {1, 2, 2}, {2, 1, 2}};
        Map<Kind, Integer> ran = new EnumMap<>(Kind.class);
        Kind[] kinds = Kind.values();
        for (int i = 0; i < 3000; i++) {
            long seed = base.nextLong();
            Kind kind = kinds[i % kinds.length];
            if (kind == Kind.GLOBAL_LP) continue;
            Problem pr = randomProblem(seed, kind, kernels[(i / kinds.length) % kernels.length]);
            if (pr == null) continue;
            compare(pr, 1 + (int) Math.floorMod(seed, 3));
            ran.merge(kind, 1, Integer::sum);
        }
        for (Kind kind : kinds) {
            if (kind == Kind.GLOBAL_LP) continue;
            assertTrue(ran.getOrDefault(kind, 0) >= 50, "seed " + SEED + ": only " + ran.get(kind) + " " + kind);
        }
    }

    /**
     * Lp backward of integer order where the windows tile the plane (stride equal to the kernel, no
     * padding, no dilation), which the kernel writes once per gradient instead of zero-filling and
     * accumulating: kernels 2x2 (unrolled), 3x3, 2x3, 1x2 and rank 1, widths and heights that leave
     * columns and rows outside every window (their gradients must be 0), orders 1, 2, 3, 4 and 7,
     * signed zeros, all-zero windows (norm 0: no gradient) and, sometimes, NaN and infinities.
     */
    @Test
    void lpBackwardOfTilingWindowsAgreesWithTheReference() {
        SplittableRandom r = new SplittableRandom(SEED ^ 0x71e5L);
        int[][] kernels = {{2, 2}, {3, 3}, {2, 3}, {1, 2}, {4}};
        double[] orders = {1, 2, 3, 4, 7};
        int ran = 0;
        for (int[] k : kernels) {
            for (double p : orders) {
                for (int trial = 0; trial < 6; trial++) {
                    long seed = r.nextLong();
                    SplittableRandom d = new SplittableRandom(seed);
                    int rank = k.length;
                    int[] shape = new int[rank + 2];
                    shape[0] = d.nextInt(6) == 0 ? 0 : 1 + d.nextInt(2);
                    shape[1] = 1 + d.nextInt(3);
                    for (int a = 0; a < rank; a++) shape[2 + a] = k[a] * (1 + d.nextInt(9)) + d.nextInt(k[a]);
                    PoolSpec spec = PoolSpec.lp(p, k).stride(k).build();
                    Tensor x = Tensor.zeros(shape);
                    float[] xs = x.data();
                    boolean special = d.nextInt(4) == 0;
                    for (int i = 0; i < xs.length; i++) {
                        float v = d.nextInt(6) == 0 ? (d.nextBoolean() ? 0f : -0f) : (float) (d.nextDouble() * 8 - 4);
                        if (special && d.nextInt(20) == 0) {
                            v = new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}[d.nextInt(3)];
                        }
                        xs[i] = v;
                    }
                    // Whole windows of zeros: the first window of some planes.
                    int planeLen = xs.length / Math.max(1, shape[0] * shape[1]);
                    int iw = shape[shape.length - 1];
                    for (int pl = 0; pl < shape[0] * shape[1]; pl += 2) {
                        for (int i = 0; i < (rank == 2 ? k[0] : 1); i++) {
                            for (int j = 0; j < k[rank - 1]; j++)
                                xs[pl * planeLen + i * iw + j] = d.nextBoolean() ? 0f : -0f;
                        }
                    }
                    Geometry g = Pooling.geometry(spec, x);
                    float[] gy = new float[g.outputElements()];
                    for (int i = 0; i < gy.length; i++) gy[i] = (d.nextInt(129) - 64) / 8f;
                    assertEquals(VariantKernel.NAME, Pooling.kernelFor(spec, x, true), spec.toString());
                    compare(new Problem(seed, Kind.LP, spec, x, gy, null), 1 + d.nextInt(2));
                    ran++;
                }
            }
        }
        assertEquals(kernels.length * orders.length * 6, ran);
    }

    /** Forward (values, indices) and backward (with and without indices, weight gradients) of one problem. */
    static void compare(Problem pr, int threads) {
        VariantKernel v = variant();
        ReferenceKernel ref = Kernels.reference();
        Geometry g = pr.g;
        PoolSpec spec = pr.spec;
        PoolOp op = spec.op();
        boolean lp = op == PoolOp.LP || op == PoolOp.GLOBAL_LP;
        // Lp forward: only true-norm 2-D windows of 2 x 2 taps.
        boolean lpForward = op == PoolOp.LP
                && spec.lpMode() != LpMode.PYTORCH
                && g.rank() == 2
                && spec.kernelAt(0) == 2
                && spec.kernelAt(1) == 2;
        boolean backwardOnly = lp && !lpForward;
        assertNull(v.declines(g, true), pr.toString());
        assertEquals(backwardOnly, v.declines(g, false) != null, pr.toString());
        float[] x = pr.x.data();
        int outN = g.outputElements();
        boolean indexed = op == PoolOp.FRACTIONAL_MAX || (op == PoolOp.STOCHASTIC && spec.training());
        long[] refIdx = indexed ? new long[outN] : null;
        float[] refOut = new float[outN];
        ref.forward(g, x, refOut, refIdx, pr.samples, 1);
        if (!backwardOnly) {
            float[] out = new float[outN];
            Arrays.fill(out, Float.NaN);
            long[] idx = indexed ? new long[outN] : null;
            if (idx != null) Arrays.fill(idx, Long.MIN_VALUE);
            v.forward(g, x, out, idx, pr.samples, threads);
            if (lp) assertClose(refOut, out, pr + ": forward");
            else assertBits(refOut, out, pr + ": forward");
            if (indexed) assertEquals(Arrays.toString(refIdx), Arrays.toString(idx), pr + ": indices");
            // Without indices the values are the same.
            float[] plain = new float[outN];
            v.forward(g, x, plain, null, pr.samples, threads);
            if (lp) assertClose(refOut, plain, pr + ": forward without indices");
            else assertBits(refOut, plain, pr + ": forward without indices");
        }
        int inN = g.inputElements();
        // Backward recomputing the argmax / draw (or without any index for the others).
        float[] refGrad = new float[inN];
        ref.backward(g, x, pr.gy, null, pr.samples, refGrad, 1);
        float[] grad = new float[inN];
        Arrays.fill(grad, Float.NaN);
        v.backward(g, x, pr.gy, null, pr.samples, grad, threads);
        if (lp) assertClose(refGrad, grad, pr + ": backward");
        else assertBits(refGrad, grad, pr + ": backward");
        if (indexed) {
            // Routed by the reference's indices; fractional needs no samples then.
            float[] refRouted = new float[inN];
            ref.backward(g, x, pr.gy, refIdx, pr.samples, refRouted, 1);
            float[] routed = new float[inN];
            Arrays.fill(routed, Float.NaN);
            v.backward(g, x, pr.gy, refIdx, op == PoolOp.FRACTIONAL_MAX ? null : pr.samples, routed, threads);
            assertBits(refRouted, routed, pr + ": backward with indices");
        }
        if (op.hasWeights() && spec.tapWeights() != null) {
            double[] refW = new double[spec.tapWeights().length];
            double[] w = new double[refW.length];
            Arrays.fill(refW, 0.25);
            Arrays.fill(w, 0.25); // both add into what is there
            float[] refGi = new float[inN];
            ref.backward(g, x, pr.gy, null, null, refGi, refW);
            float[] gi = new float[inN];
            Arrays.fill(gi, Float.NaN);
            v.backward(g, x, pr.gy, null, null, gi, w, threads);
            assertBits(refGi, gi, pr + ": backward with weights, input gradient");
            if (op == PoolOp.GATED) {
                // From the forward's gates, maxima and winners: the same output, and the same bits of
                // both gradients as the backward that computes them again.
                float[] outG = new float[outN];
                double[] gates = new double[outN];
                float[] maxima = new float[outN];
                int[] winners = new int[outN];
                v.forwardGates(g, x, outG, gates, maxima, winners, threads);
                assertBits(refOut, outG, pr + ": forward keeping the gates");
                double[] wc = new double[refW.length];
                Arrays.fill(wc, 0.25);
                float[] gc = new float[inN];
                Arrays.fill(gc, Float.NaN);
                v.backward(g, x, pr.gy, null, null, gc, wc, gates, maxima, winners, threads);
                assertBits(refGi, gc, pr + ": backward from the kept gates, input gradient");
                for (int i = 0; i < w.length; i++) {
                    if (Double.doubleToLongBits(w[i]) != Double.doubleToLongBits(wc[i])) {
                        fail(pr + ": weight gradient " + i + " from the kept gates: " + wc[i] + ", recomputed " + w[i]);
                    }
                }
            }
            for (int i = 0; i < w.length; i++) {
                double tol = RTOL * Math.max(1, Math.abs(refW[i]));
                // A NaN or infinite input makes the weight gradient non-finite: it must then match exactly.
                boolean same =
                        Double.isFinite(refW[i]) ? Math.abs(refW[i] - w[i]) <= tol : Double.compare(refW[i], w[i]) == 0;
                if (!same) {
                    fail(pr + ": weight gradient " + i + ": reference " + refW[i] + ", variant " + w[i]);
                }
            }
        }
    }

    static void assertBits(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                fail(what + ": element " + i + ": reference " + expected[i] + ", variant " + actual[i]);
            }
        }
    }

    static void assertClose(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            float a = actual[i];
            if (!Float.isFinite(e)) {
                if (Float.floatToIntBits(e) != Float.floatToIntBits(a)) {
                    fail(what + ": element " + i + ": reference " + e + ", variant " + a);
                }
                continue;
            }
            if (!(Math.abs(e - a) <= RTOL * Math.max(1, Math.abs(e)))) {
                fail(what + ": element " + i + ": reference " + e + ", variant " + a);
            }
        }
    }

    /** Problems big enough to be split among threads give the same bits on 1, 2 and 3 threads. */
    @Test
    void resultsDoNotDependOnTheThreadCount() {
        SplittableRandom base = new SplittableRandom(SEED ^ 0x5DEECE66DL);
        VariantKernel v = variant();
        for (Kind kind : Kind.values()) {
            long seed = base.nextLong();
            SplittableRandom r = new SplittableRandom(seed);
            PoolSpec spec = bigSpec(kind, r);
            // 4 x 8 planes of 60 x 60: 460 KB of input, above the threshold under which calls stay on one thread.
            Tensor x = Tensor.zeros(4, 8, 60, 60);
            float[] xs = x.data();
            for (int i = 0; i < xs.length; i++) xs[i] = (float) r.nextDouble() * 3;
            Geometry g = Pooling.geometry(spec, x);
            float[] gy = new float[g.outputElements()];
            for (int i = 0; i < gy.length; i++) gy[i] = (float) (r.nextDouble() * 2 - 1);
            float[] samples = kind == Kind.STOCHASTIC_TRAIN
                    ? new float[g.outputElements()]
                    : kind == Kind.FRACTIONAL ? new float[4 * 8 * 2] : null;
            if (samples != null) {
                for (int i = 0; i < samples.length; i++) samples[i] = (float) r.nextDouble() * 0.999f;
            }
            String what = "seed " + seed + ": " + kind + " " + spec;
            boolean forward = v.declines(g, false) == null;
            float[] out1 = null;
            float[] grad1 = null;
            double[] w1 = null;
            for (int t = 1; t <= 3; t++) {
                float[] out = new float[g.outputElements()];
                if (forward) v.forward(g, xs, out, null, samples, t);
                float[] grad = new float[g.inputElements()];
                double[] w = spec.op().hasWeights() ? new double[spec.tapWeights().length] : null;
                v.backward(g, xs, gy, null, samples, grad, w, t);
                if (t == 1) {
                    out1 = out;
                    grad1 = grad;
                    w1 = w;
                } else {
                    assertBits(out1, out, what + ": forward on " + t + " threads");
                    assertBits(grad1, grad, what + ": backward on " + t + " threads");
                    if (w != null) assertEquals(Arrays.toString(w1), Arrays.toString(w), what + ": weights, " + t);
                }
            }
        }
    }

    private static PoolSpec bigSpec(Kind kind, SplittableRandom r) {
        float[] w = new float[9];
        for (int i = 0; i < w.length; i++) w[i] = (float) (0.1 + r.nextDouble());
        switch (kind) {
            case STOCHASTIC_TRAIN:
            case STOCHASTIC_EVAL:
                return PoolSpec.stochastic(3, 3)
                        .stride(2, 2)
                        .training(kind == Kind.STOCHASTIC_TRAIN)
                        .build();
            case MIXED:
                return PoolSpec.mixed(0.3, 3, 3).stride(2, 2).padding(1, 1).build();
            case GATED:
                return PoolSpec.gated(3, 3).stride(2, 2).weights(w, 3, 3).build();
            case GATED_PER_CHANNEL: {
                float[] pc = new float[8 * 9];
                for (int i = 0; i < pc.length; i++) pc[i] = (float) (r.nextDouble() - 0.5);
                return PoolSpec.gated(3, 3).stride(2, 2).weights(pc, 8, 9).build();
            }
            case WEIGHTED:
                return PoolSpec.weightedAvg(3, 3)
                        .stride(2, 2)
                        .padding(1, 1)
                        .weights(w, 3, 3)
                        .build();
            case GAUSSIAN:
                return PoolSpec.weightedAvg(3, 3).sigma(1).build();
            case FRACTIONAL:
                return PoolSpec.fractionalMax(3, 3).outputSize(25, 29).build();
            case LP:
                return PoolSpec.lp(4, 2, 2).build();
            case LP_TORCH:
                return PoolSpec.lp(2, 3, 3).stride(2, 2).lpMode(LpMode.PYTORCH).build();
            case GLOBAL_LP:
                return PoolSpec.globalLp(3, 2).build();
            default:
                throw new AssertionError(kind);
        }
    }

    /** The dispatcher gives the variants and Lp backward to this kernel, and leaves Lp forward to cf. */
    @Test
    void dispatcherPicksTheVariantKernel() {
        Tensor x = Tensor.zeros(2, 3, 12, 12);
        float[] w = {1, 2, 3, 4};
        PoolSpec[] specs = {
            PoolSpec.stochastic(2, 2).build(),
            PoolSpec.stochastic(2, 2).training(false).build(),
            PoolSpec.mixed(0.5, 2, 2).build(),
            PoolSpec.gated(2, 2).weights(w, 2, 2).build(),
            PoolSpec.weightedAvg(2, 2).weights(w, 2, 2).build(),
            PoolSpec.weightedAvg(2, 2).sigma(1).build(),
            PoolSpec.fractionalMax(2, 2).outputSize(6, 6).build()
        };
        for (PoolSpec spec : specs) {
            assertEquals(VariantKernel.NAME, Pooling.kernelFor(spec, x, false), spec.toString());
            assertEquals(VariantKernel.NAME, Pooling.kernelFor(spec, x, true), spec.toString());
        }
        PoolSpec lp = PoolSpec.lp(2, 3, 3).build();
        assertEquals(VariantKernel.NAME, Pooling.kernelFor(lp, x, true));
        assertTrue(Pooling.kernelFor(lp, x, false).startsWith("cf-"));
        // The training layers' 2 x 2 window: Lp forward too, in true-norm mode.
        PoolSpec lp2x2 = PoolSpec.lp(4, 2, 2).stride(2, 2).build();
        assertEquals(VariantKernel.NAME, Pooling.kernelFor(lp2x2, x, false));
        PoolSpec torch2x2 = PoolSpec.lp(2, 2, 2).lpMode(LpMode.PYTORCH).build();
        assertTrue(Pooling.kernelFor(torch2x2, x, false).startsWith("cf-"));
        Tensor cl = Tensor.zeros(Layout.CHANNELS_LAST, 2, 12, 12, 3);
        assertEquals("reference", Pooling.kernelFor(specs[2], cl, false));
        assertNotNull(variant().declines(Pooling.geometry(PoolSpec.max(2, 2).build(), x), false));
    }

    /** Through the public API: gradients with weights from the variant kernel equal the forced reference's. */
    @Test
    void backwardWithWeightsRunsOnTheVariantKernel() {
        SplittableRandom r = new SplittableRandom(SEED + 7);
        Tensor x = Tensor.zeros(3, 4, 13, 11);
        float[] xs = x.data();
        for (int i = 0; i < xs.length; i++) xs[i] = (float) (r.nextDouble() * 2 - 1);
        float[] w = new float[9];
        for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextDouble() - 0.3);
        for (PoolSpec spec : new PoolSpec[] {
            PoolSpec.gated(3, 3).stride(2, 2).padding(1, 1).weights(w, 3, 3).build(),
            PoolSpec.weightedAvg(3, 3).stride(2, 2).weights(w, 3, 3).build()
        }) {
            Geometry g = Pooling.geometry(spec, x);
            float[] gys = new float[g.outputElements()];
            for (int i = 0; i < gys.length; i++) gys[i] = (float) (r.nextDouble() * 2 - 1);
            Tensor gy = Tensor.of(gys, g.outputShape());
            Pooling.Gradients fast = Pooling.backwardWithWeights(spec, x, gy);
            System.setProperty(Kernels.FORCE_PROPERTY, "reference");
            Pooling.Gradients ref = Pooling.backwardWithWeights(spec, x, gy);
            System.clearProperty(Kernels.FORCE_PROPERTY);
            assertBits(ref.input().data(), fast.input().data(), "seed " + SEED + ": " + spec + " input gradient");
            float[] rw = ref.weights().data();
            float[] fw = fast.weights().data();
            for (int i = 0; i < rw.length; i++) {
                assertTrue(
                        Math.abs(rw[i] - fw[i]) <= RTOL * Math.max(1, Math.abs(rw[i])),
                        "seed " + SEED + ": " + spec + " weight " + i + ": " + rw[i] + " vs " + fw[i]);
            }
        }
    }
}
