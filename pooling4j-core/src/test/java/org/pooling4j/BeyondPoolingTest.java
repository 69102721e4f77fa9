package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.pooling4j.BeyondOracle.Op;
import org.pooling4j.internal.exec.Kernels;
import org.pooling4j.internal.exec.Trace;
import org.pooling4j.internal.kernels.PoolKernel;

/**
 * Stochastic, mixed, gated and weighted-average pooling: seeded random problems against the separate
 * {@link BeyondOracle} (forward, indices, input and weight gradients by finite differences), the
 * worked examples of docs/semantics.md section 16, a chi-square test of stochastic draws,
 * determinism across thread counts and layouts, and bad input. Every failure message carries the
 * seed of its problem.
 */
class BeyondPoolingTest {
    static final Layout CF = Layout.CHANNELS_FIRST;
    static final Layout CL = Layout.CHANNELS_LAST;

    /** A random problem: the oracle with its parameters, plus what the library call needs. */
    static final class Case {
        final long seed;
        final BeyondOracle o;
        final float[] x;
        float[] gy;
        float[] weights;
        int[] weightsShape;
        final Layout layout;
        final boolean batched;

        Case(long seed, BeyondOracle o, float[] x, float[] gy, Layout layout, boolean batched) {
            this.seed = seed;
            this.o = o;
            this.x = x;
            this.gy = gy;
            this.layout = layout;
            this.batched = batched;
        }

        @Override
        public String toString() {
            return "seed " + seed + ": " + o + " " + layout + (batched ? "" : " unbatched")
                    + (weightsShape != null ? " weights " + Arrays.toString(weightsShape) : "");
        }
    }

    static Case randomCase(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Op op = Op.values()[r.nextInt(4)];
        int rank = 1 + r.nextInt(3);
        int[] in = new int[rank];
        int[] k = new int[rank];
        int[] s = new int[rank];
        int[] p = new int[rank];
        int[] d = new int[rank];
        for (int a = 0; a < rank; a++) {
            k[a] = 1 + r.nextInt(rank == 3 ? 2 : 3);
            d[a] = op == Op.WEIGHTED_AVG ? 1 + r.nextInt(2) : 1;
            s[a] = 1 + r.nextInt(2);
            p[a] = r.nextInt(k[a] / 2 + 1);
            in[a] = d[a] * (k[a] - 1) + 1 + r.nextInt(rank == 3 ? 2 : 4);
        }
        boolean batched = r.nextInt(4) != 0;
        int n = batched ? 1 + r.nextInt(2) : 1;
        int c = 1 + r.nextInt(3);
        BeyondOracle o = new BeyondOracle(op, n, c, in, k, s, p, d);
        o.ceil = r.nextBoolean();
        float[] x = new float[o.inputSize()];
        // Distinct values at least 1/64 apart (no max ties, no finite-difference step crosses one).
        int[] perm = permutation(r, x.length);
        for (int i = 0; i < x.length; i++)
            x[i] = (perm[i] + 1) / 64f * (op == Op.STOCHASTIC || r.nextBoolean() ? 1 : -1);
        if (op == Op.STOCHASTIC) {
            for (int i = 0; i < x.length; i++) x[i] = Math.abs(x[i]);
            o.training = r.nextBoolean();
            // Some zeros in training: zero taps are never drawn; an all-zero window gives 0. (Not in
            // evaluation, where an all-zero window's gradient is defined as 0 and has no difference quotient.)
            if (o.training) for (int i = 0; i < x.length; i++) if (r.nextInt(5) == 0) x[i] = 0;
        }
        Case cs = new Case(seed, o, x, null, r.nextBoolean() ? CF : CL, batched);
        int taps = o.taps();
        if (op == Op.MIXED || op == Op.GATED) {
            o.countIncludePad = r.nextBoolean();
            if (r.nextInt(4) == 0) o.divisorOverride = 1 + r.nextInt(5);
        }
        if (op == Op.MIXED) o.alpha = new double[] {0, 1, 0.25, r.nextDouble()}[r.nextInt(4)];
        if (op == Op.GATED) {
            o.perChannel = r.nextBoolean();
            cs.weights = new float[(o.perChannel ? c : 1) * taps];
            for (int i = 0; i < cs.weights.length; i++) cs.weights[i] = (r.nextInt(33) - 16) / 8f;
            boolean kernelShaped = r.nextBoolean();
            int[] shape = kernelShaped ? k : new int[] {taps};
            cs.weightsShape = o.perChannel ? prepend(c, shape) : shape;
        }
        if (op == Op.WEIGHTED_AVG) {
            if (r.nextBoolean()) {
                o.sigma = 0.5 + r.nextDouble() * 2;
            } else {
                cs.weights = new float[taps];
                // Positive weights: every window's in-input total is nonzero.
                for (int i = 0; i < taps; i++) cs.weights[i] = (1 + r.nextInt(16)) / 8f;
                cs.weightsShape = r.nextBoolean() ? k : new int[] {taps};
            }
        }
        if (cs.weights != null) o.weights = toDouble(cs.weights);
        if (op == Op.STOCHASTIC) {
            o.u = new double[o.outputSize()];
            for (int i = 0; i < o.u.length; i++) o.u[i] = r.nextInt(1 << 24) / (double) (1 << 24);
        }
        cs.gy = new float[o.outputSize()];
        for (int i = 0; i < cs.gy.length; i++) cs.gy[i] = (r.nextInt(17) - 8) / 4f;
        return cs;
    }

    static int[] permutation(SplittableRandom r, int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    static int[] prepend(int first, int[] rest) {
        int[] out = new int[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    static PoolSpec spec(Case cs) {
        BeyondOracle o = cs.o;
        PoolSpec.Builder b;
        switch (o.op) {
            case STOCHASTIC:
                b = PoolSpec.stochastic(o.k).training(o.training);
                break;
            case MIXED:
                b = PoolSpec.mixed(o.alpha, o.k);
                break;
            case GATED:
                b = PoolSpec.gated(o.k).weights(cs.weights, cs.weightsShape);
                break;
            default:
                b = PoolSpec.weightedAvg(o.k).dilation(o.d);
                if (cs.weights != null) b.weights(cs.weights, cs.weightsShape);
                else b.sigma(o.sigma);
        }
        b.stride(o.s).padding(o.p).ceilMode(o.ceil);
        if (o.op == Op.MIXED || o.op == Op.GATED) {
            b.countIncludePad(o.countIncludePad);
            if (o.divisorOverride != 0) b.divisorOverride(o.divisorOverride);
        }
        return b.build();
    }

    /** A logical channels-first array as a tensor of the case's layout and batchedness. */
    static Tensor tensor(Case cs, float[] data, int[] spatial) {
        int[] shape = cs.batched ? prepend(cs.o.n, prepend(cs.o.c, spatial)) : prepend(cs.o.c, spatial);
        Tensor t = new Tensor(data.clone(), shape, CF);
        return cs.layout == CF ? t : t.toLayout(CL, cs.batched);
    }

    static float[] logical(Case cs, Tensor t) {
        return t.toLayout(CF, cs.batched).data();
    }

    static long[] logical(Case cs, LongTensor t) {
        return t.toLayout(CF, cs.batched).data();
    }

    static void close(String what, Case cs, double[] want, float[] got, double rtol, double atol) {
        assertEquals(want.length, got.length, cs + ": " + what + " length");
        for (int i = 0; i < want.length; i++) {
            if (!(Math.abs(want[i] - got[i]) <= atol + rtol * Math.abs(want[i]))) {
                fail(cs + ": " + what + "[" + i + "] = " + got[i] + ", oracle " + want[i] + "\n oracle "
                        + Arrays.toString(want) + "\n got    " + Arrays.toString(got));
            }
        }
    }

    @Test
    void randomProblemsAgreeWithTheOracle() {
        long master = 0x5eed_b1d5L;
        SplittableRandom seeds = new SplittableRandom(master);
        int[] perOp = new int[4];
        for (int i = 0; i < 160; i++) {
            Case cs = randomCase(seeds.nextLong());
            perOp[cs.o.op.ordinal()]++;
            check(cs);
        }
        for (int v : perOp) assertTrue(v > 20, "every operator was drawn: " + Arrays.toString(perOp));
    }

    static void check(Case cs) {
        BeyondOracle o = cs.o;
        PoolSpec spec = spec(cs);
        Tensor x = tensor(cs, cs.x, o.in);
        float[] before = x.data().clone();
        double[] xd = toDouble(cs.x);
        double[] gyd = toDouble(cs.gy);
        Tensor gy = tensor(cs, cs.gy, o.outSize());
        Tensor u = o.u == null ? null : tensor(cs, toFloat(o.u), o.outSize());

        double[] want = o.forward(xd);
        Tensor dx;
        if (o.op == Op.STOCHASTIC) {
            Pooled r = Pooling.stochasticPool(spec, x, u);
            close("output", cs, want, logical(cs, r.values()), 1e-6, 1e-6);
            if (o.training) {
                assertArrayEquals(o.indices(xd), logical(cs, r.indices()), cs + ": indices");
                Tensor byIndices = Pooling.backward(spec, x, gy, r.indices());
                dx = Pooling.stochasticPoolBackward(spec, x, gy, u);
                assertArrayEquals(byIndices.data(), dx.data(), cs + ": backward by indices = backward by uniforms");
            } else {
                assertNull(r.indices(), cs + ": no indices in evaluation");
                dx = Pooling.stochasticPoolBackward(spec, x, gy, null);
            }
        } else {
            close("output", cs, want, logical(cs, Pooling.forward(spec, x)), 1e-6, 1e-6);
            dx = Pooling.backward(spec, x, gy);
        }
        close("grad input", cs, o.gradInput(xd, gyd), logical(cs, dx), 1e-4, 1e-4);
        if (cs.weights != null) {
            Pooling.Gradients gr = Pooling.backwardWithWeights(spec, x, gy);
            assertArrayEquals(dx.data(), gr.input().data(), cs + ": both backward calls give the same input gradient");
            assertArrayEquals(
                    cs.weightsShape, gr.weights().shape(), cs + ": the weight gradient has the weights' shape");
            close("grad weights", cs, o.gradWeights(xd, gyd), gr.weights().data(), 1e-4, 1e-4);
        }
        assertArrayEquals(before, x.data(), cs + ": the input is not modified");
    }

    static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    @Test
    void theComparisonCanFail() {
        // The same check with one weight changed must disagree with the oracle's gradient or output.
        SplittableRandom seeds = new SplittableRandom(7);
        Case cs;
        do {
            cs = randomCase(seeds.nextLong());
        } while (cs.o.op != Op.GATED);
        check(cs);
        Case other = new Case(cs.seed, cs.o, cs.x, cs.gy, cs.layout, cs.batched);
        other.weights = cs.weights.clone();
        other.weights[0] += 0.5f;
        other.weightsShape = cs.weightsShape;
        assertThrows(AssertionError.class, () -> check(other), cs + ": a changed weight must be noticed");
    }

    // ---- worked examples of docs/semantics.md section 16 -------------------------------------

    @Test
    void workedExamples() {
        // Stochastic, a = [1, 2, 0, 5] (one 2x2 window): p = [1/8, 2/8, 0, 5/8]; u = 0.3 -> running
        // sums 0.125, 0.375 > 0.3 -> tap 1, value 2. Evaluation: (1 + 4 + 0 + 25) / 8 = 3.75.
        Tensor a = Tensor.of(new float[] {1, 2, 0, 5}, 1, 1, 2, 2);
        Pooled st =
                Pooling.stochasticPool(PoolSpec.stochastic(2, 2).build(), a, Tensor.of(new float[] {0.3f}, 1, 1, 1, 1));
        assertEquals(2f, st.values().data()[0]);
        assertEquals(1L, st.indices().data()[0]);
        Tensor ev = Pooling.forward(PoolSpec.stochastic(2, 2).training(false).build(), a);
        assertEquals(3.75f, ev.data()[0]);
        // Evaluation gradient (2 a_j S - Q) / S^2 with S = 8, Q = 30: [-14, 2, -30, 50] / 64.
        Tensor g = Pooling.stochasticPoolBackward(
                PoolSpec.stochastic(2, 2).training(false).build(), a, Tensor.of(new float[] {1}, 1, 1, 1, 1), null);
        assertArrayEquals(new float[] {-14 / 64f, 2 / 64f, -30 / 64f, 50 / 64f}, g.data(), 1e-7f);

        // Mixed, x = [1, 3, 2, 6], kernel 2: max [3, 6], avg [2, 4]; alpha 0.25 -> [2.25, 4.5].
        Tensor x = Tensor.of(new float[] {1, 3, 2, 6}, 1, 1, 4);
        assertArrayEquals(
                new float[] {2.25f, 4.5f},
                Pooling.forward(PoolSpec.mixed(0.25, 2).build(), x).data());

        // Gated, x = [1, 3, 2, 6], kernel 2, w = [1, -1]: z = [-2, -4]; g = sigmoid(z);
        // y0 = g0*3 + (1-g0)*2 = 2 + g0, y1 = 4 + 2 g1.
        double g0 = 1 / (1 + Math.exp(2));
        double g1 = 1 / (1 + Math.exp(4));
        Tensor gated = Pooling.forward(
                PoolSpec.gated(2).weights(new float[] {1, -1}, 2).build(), x);
        assertArrayEquals(new float[] {(float) (2 + g0), (float) (4 + 2 * g1)}, gated.data(), 1e-6f);

        // Weighted average, x = [1, 2, 3], kernel 3, stride 2, padding 1, w = [1, 2, 1]: windows
        // [pad, 1, 2] and [2, 3, pad]; y0 = (2*1 + 1*2) / (2 + 1) = 4/3, y1 = (1*2 + 2*3) / (1 + 2) = 8/3.
        Tensor x3w = Tensor.of(new float[] {1, 2, 3}, 1, 1, 3);
        PoolSpec ws = PoolSpec.weightedAvg(3)
                .stride(2)
                .padding(1)
                .weights(new float[] {1, 2, 1}, 3)
                .build();
        assertArrayEquals(new float[] {4 / 3f, 8 / 3f}, Pooling.forward(ws, x3w).data(), 1e-6f);
        // Its weight gradient for gy = [1, 1]: (x_k - y) / sum w per in-input tap:
        // window 0: taps 1, 2 -> (1 - 4/3)/3, (2 - 4/3)/3; window 1: taps 0, 1 -> (2 - 8/3)/3, (3 - 8/3)/3.
        Pooling.Gradients wg = Pooling.backwardWithWeights(ws, x3w, Tensor.of(new float[] {1, 1}, 1, 1, 2));
        assertArrayEquals(
                new float[] {-2 / 9f, -1 / 9f + 1 / 9f, 2 / 9f}, wg.weights().data(), 1e-6f);
        // Gaussian sigma 1 over kernel 3: weights [e^-0.5, 1, e^-0.5]; x = [1, 2, 3] -> 2 by symmetry.
        Tensor x3 = Tensor.of(new float[] {1, 2, 3}, 1, 1, 3);
        assertEquals(
                2f,
                Pooling.forward(PoolSpec.weightedAvg(3).sigma(1).build(), x3).data()[0],
                1e-6f);
        // With padding 1 and stride 2 the first window holds [pad, 1, 2]: (1*1 + e^-0.5*2) / (1 + e^-0.5).
        double e = Math.exp(-0.5);
        Tensor gp = Pooling.forward(
                PoolSpec.weightedAvg(3).stride(2).padding(1).sigma(1).build(), x3);
        assertEquals((float) ((1 + 2 * e) / (1 + e)), gp.data()[0], 1e-6f);
    }

    // ---- stochastic draws ---------------------------------------------------------------------

    /** Chi-square statistic of tap counts against probabilities (taps with p = 0 must never be drawn). */
    static double chiSquare(long[] counts, double[] p, long draws) {
        double chi = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] == 0) {
                if (counts[i] != 0) return Double.POSITIVE_INFINITY;
                continue;
            }
            double expected = p[i] * draws;
            chi += (counts[i] - expected) * (counts[i] - expected) / expected;
        }
        return chi;
    }

    /** Counts which tap of a repeated 2x2 window [0, 1, 3, 4] is drawn: (1, 1, 2, 2*m) windows, stride 2. */
    static long[] drawCounts(Tensor uniforms, long seed, int m) {
        float[] x = new float[4 * m];
        for (int j = 0; j < m; j++) {
            x[2 * j] = 0;
            x[2 * j + 1] = 1;
            x[2 * m + 2 * j] = 3;
            x[2 * m + 2 * j + 1] = 4;
        }
        Tensor in = Tensor.of(x, 1, 1, 2, 2 * m);
        PoolSpec spec = PoolSpec.stochastic(2, 2).seed(seed).build();
        Pooled r = Pooling.stochasticPool(spec, in, uniforms);
        long[] counts = new long[4];
        for (int j = 0; j < m; j++) {
            long idx = r.indices().data()[j];
            int row = (int) (idx / (2 * m));
            int col = (int) (idx % (2 * m)) - 2 * j;
            assertTrue(col == 0 || col == 1, "index " + idx + " lies in window " + j);
            counts[row * 2 + col]++;
            assertEquals(x[(int) idx], r.values().data()[j], "the value is the drawn tap's");
        }
        return counts;
    }

    @Test
    void stochasticTrainingDrawsEachTapWithItsProbability() {
        int m = 40_000;
        double[] p = {0, 1 / 8.0, 3 / 8.0, 4 / 8.0};
        // Critical value of chi-square with 2 degrees of freedom (3 taps with p > 0) at 0.001.
        double critical = 13.82;
        long[] seeded = drawCounts(null, 20240611L, m);
        double chi = chiSquare(seeded, p, m);
        assertTrue(
                chi < critical, "seeded draws " + Arrays.toString(seeded) + ": chi-square " + chi + " (seed 20240611)");
        // The statistic does detect wrong probabilities (uniform over the nonzero taps).
        assertTrue(chiSquare(seeded, new double[] {0, 1 / 3.0, 1 / 3.0, 1 / 3.0}, m) > 100, "chi-square can fail");

        // Given uniforms from an independent generator.
        SplittableRandom r = new SplittableRandom(99);
        float[] u = new float[m];
        for (int i = 0; i < m; i++) u[i] = r.nextInt(1 << 24) / (float) (1 << 24);
        long[] given = drawCounts(Tensor.of(u, 1, 1, 1, m), 0, m);
        double chi2 = chiSquare(given, p, m);
        assertTrue(chi2 < critical, "given uniforms " + Arrays.toString(given) + ": chi-square " + chi2 + " (seed 99)");
    }

    @Test
    void roundingNeverDrawsAZeroTap() {
        // Probabilities 1/3 each do not sum to exactly 1 in floating point for every u; the last
        // positive tap wins when the running sum stays at or below u. u just below 1:
        Tensor x = Tensor.of(new float[] {3, 3, 3, 0}, 1, 1, 4);
        Pooled r = Pooling.stochasticPool(
                PoolSpec.stochastic(4).build(), x, Tensor.of(new float[] {Math.nextDown(1f)}, 1, 1, 1));
        assertEquals(2L, r.indices().data()[0]);
        // All-zero window: 0, index of its first tap; gradient goes there.
        Tensor z = Tensor.of(new float[] {0, 0, 0, 0}, 1, 1, 4);
        Pooled rz =
                Pooling.stochasticPool(PoolSpec.stochastic(2).build(), z, Tensor.of(new float[] {0.5f, 0.9f}, 1, 1, 2));
        assertArrayEquals(new long[] {0, 2}, rz.indices().data());
        assertArrayEquals(new float[] {0, 0}, rz.values().data());
        Tensor ev = Pooling.forward(PoolSpec.stochastic(2).training(false).build(), z);
        assertArrayEquals(new float[] {0, 0}, ev.data());
        Tensor gz = Pooling.stochasticPoolBackward(
                PoolSpec.stochastic(2).training(false).build(), z, Tensor.of(new float[] {1, 1}, 1, 1, 2), null);
        assertArrayEquals(new float[] {0, 0, 0, 0}, gz.data(), "the all-zero window's evaluation gradient is 0");
    }

    @Test
    void seededResultsDoNotDependOnThreadsOrLayout() {
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[2 * 3 * 40 * 40];
        for (int i = 0; i < x.length; i++) x[i] = r.nextInt(100) / 10f;
        Tensor cf = Tensor.of(x, 2, 3, 40, 40);
        Tensor cl = cf.toLayout(CL, true);
        PoolSpec spec = PoolSpec.stochastic(3, 3).stride(2).padding(1).seed(77).build();
        Tensor one = Pooling.forward(spec, cf, 1);
        Tensor four = Pooling.forward(spec, cf, 4);
        assertArrayEquals(one.data(), four.data(), "1 vs 4 threads (seed 77)");
        Tensor out = Tensor.zeros(one.shape());
        LongTensor idx = new LongTensor(new long[one.size()], one.shape(), CF);
        Pooling.forwardInto(spec, cf, out, idx, 3);
        assertArrayEquals(one.data(), out.data(), "forwardInto with 3 threads");
        assertArrayEquals(
                one.data(),
                Pooling.forward(spec, cl, 2).toLayout(CF, true).data(),
                "channels-last gives the same draws");
        assertArrayEquals(Pooling.forwardWithIndices(spec, cf).indices().data(), idx.data());
        Tensor other = Pooling.forward(spec.toBuilder().seed(78).build(), cf, 1);
        assertFalse(Arrays.equals(one.data(), other.data()), "another seed draws differently");
        // Backward by seed routes to the forward's draws.
        Tensor gy = Tensor.zeros(one.shape());
        Arrays.fill(gy.data(), 1f);
        Tensor viaSeed = Pooling.backward(spec, cf, gy);
        Tensor viaIdx = Pooling.backward(spec, cf, gy, idx);
        assertArrayEquals(viaIdx.data(), viaSeed.data());
        Tensor gi = Tensor.zeros(cf.shape());
        Pooling.backwardInto(spec, cf, gy, null, gi, 4);
        assertArrayEquals(viaSeed.data(), gi.data());
        for (PoolSpec s : List.of(
                PoolSpec.mixed(0.3, 3, 3).stride(2).padding(1).build(),
                PoolSpec.gated(3, 3).stride(2).weights(new float[9]).build(),
                PoolSpec.weightedAvg(3, 3).dilation(2).padding(2).sigma(1.5).build())) {
            assertArrayEquals(
                    Pooling.forward(s, cf, 1).data(), Pooling.forward(s, cf, 4).data(), s.toString());
            assertArrayEquals(
                    Pooling.forward(s, cf, 1).data(),
                    Pooling.forward(s, cl, 3).toLayout(CF, true).data(),
                    s.toString());
        }
    }

    @Test
    void perChannelGatedWeightsUseTheirChannelsRow() {
        // Channel 0 gates fully to max (large positive logit), channel 1 fully to avg.
        Tensor x = Tensor.of(new float[] {1, 3, 1, 3}, 1, 2, 2);
        PoolSpec spec =
                PoolSpec.gated(2).weights(new float[] {50, 50, -50, -50}, 2, 2).build();
        assertEquals(2, spec.weightChannels());
        assertArrayEquals(new float[] {3, 2}, Pooling.forward(spec, x).data(), 1e-6f);
        // The same (2, 2) weights with a kernel of 2x2 are kernel-shaped and shared.
        assertEquals(0, PoolSpec.gated(2, 2).weights(new float[4], 2, 2).build().weightChannels());
    }

    @Test
    void kernelsReportTheVariantKernelAndTrace() {
        Tensor x = Tensor.of(new float[16], 1, 1, 4, 4);
        for (PoolSpec s : List.of(
                PoolSpec.stochastic(2, 2).training(false).build(),
                PoolSpec.mixed(0.5, 2, 2).build(),
                PoolSpec.gated(2, 2).weights(new float[4], 4).build(),
                PoolSpec.weightedAvg(2, 2).sigma(1).build())) {
            assertEquals("variant", Pooling.kernelFor(s, x, false), s.toString());
            assertEquals("variant", Pooling.kernelFor(s, x, true), s.toString());
            // The channels-first and channels-last kernels leave these operators alone.
            for (PoolKernel k : Kernels.all()) {
                if (k.name().startsWith("cf-") || k.name().startsWith("cl-"))
                    assertTrue(k.declines(Pooling.geometry(s, x), false) != null, k.name());
            }
        }
        assertEquals("stochastic", Trace.opName(PoolOp.STOCHASTIC));
        assertEquals("mixed", Trace.opName(PoolOp.MIXED));
        assertEquals("gated", Trace.opName(PoolOp.GATED));
        assertEquals("weighted_avg", Trace.opName(PoolOp.WEIGHTED_AVG));
    }

    @Test
    void callsAreTracedUnderTheirOpNames() {
        org.pooling4j.monitor.PoolMonitor.reset();
        org.pooling4j.monitor.PoolMonitor.enable();
        try {
            Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 1, 1, 4, 4);
            Tensor gy = Tensor.of(new float[] {1, 1, 1, 1}, 1, 1, 2, 2);
            PoolSpec gated = PoolSpec.gated(2, 2)
                    .weights(new float[] {1, 0, 0, -1}, 2, 2)
                    .build();
            Pooling.forward(gated, x);
            Pooling.backwardWithWeights(gated, x, gy);
            Pooling.stochasticPool(PoolSpec.stochastic(2, 2).seed(1).build(), x, null);
            Pooling.backward(PoolSpec.mixed(0.5, 2, 2).build(), x, gy);
            Pooling.forward(PoolSpec.weightedAvg(2, 2).sigma(1).build(), x);
            String[][] keys = {
                {"gated", "forward"},
                {"gated", "backward"},
                {"stochastic", "forward"},
                {"mixed", "backward"},
                {"weighted_avg", "forward"}
            };
            for (String[] k : keys) {
                assertTrue(
                        org.pooling4j.monitor.PoolMonitor.get(
                                        k[0], k[1], "variant", "channels_first", "1x1x4x4", "1x1x2x2")
                                != null,
                        k[0] + " " + k[1] + " recorded: " + org.pooling4j.monitor.PoolMonitor.snapshot(false));
            }
        } finally {
            org.pooling4j.monitor.PoolMonitor.disable();
            org.pooling4j.monitor.PoolMonitor.reset();
        }
    }

    // ---- bad input ----------------------------------------------------------------------------

    static void rejects(String part, Supplier<Object> call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::get);
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should contain '" + part + "'");
    }

    /**
     * Stochastic pooling's input check runs chunk by chunk on the bits, then value by value in a
     * flagged chunk: over several chunks, -0 (flagged by the bits) passes, and the first offender
     * is named wherever it lies, whatever its kind.
     */
    @Test
    void stochasticInputCheckFindsTheFirstOffenderPastTheFirstChunks() {
        PoolSpec st = PoolSpec.stochastic(2, 2).seed(1).build();
        int n = 3 * 64 * 64; // 12,288 values: three chunks of 4,096
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = i % 3 == 0 ? -0f : i % 7;
        x[n - 1] = Float.MAX_VALUE;
        assertNotNull(Pooling.forward(st, Tensor.of(x.clone(), 1, 3, 64, 64)), "-0 and finite values pass");
        float[] bad = {
            -1f,
            -Float.MIN_VALUE,
            Float.NaN,
            Float.intBitsToFloat(0xffc00000),
            Float.NEGATIVE_INFINITY,
            Float.POSITIVE_INFINITY
        };
        int[] at = {4096, 9000, n - 1, 5000, 4095, 12000};
        for (int k = 0; k < bad.length; k++) {
            float[] y = x.clone();
            y[at[k]] = bad[k];
            // A later offender of another kind must not be the one named.
            if (at[k] < n - 2) y[n - 2] = -5f;
            int i = at[k];
            String where = "input[" + i + "] at (n, c, spatial...) [0, " + i / 4096 + ", " + (i % 4096) / 64 + ", "
                    + i % 64 + "] = " + bad[k];
            rejects(where, () -> Pooling.forward(st, Tensor.of(y, 1, 3, 64, 64)));
        }
    }

    @Test
    void badInputIsRejectedWithItsReason() {
        PoolSpec st = PoolSpec.stochastic(2, 2).seed(1).build();
        Tensor neg = Tensor.of(new float[] {1, 2, 3, 4, 5, -1, 7, 8}, 1, 2, 2, 2);
        rejects("input[5] at (n, c, spatial...) [0, 1, 0, 1] = -1.0", () -> Pooling.forward(st, neg));
        Tensor nan = Tensor.of(new float[] {1, Float.NaN, 3, 4}, 1, 2, 2);
        rejects("input[1] at (c, spatial...) [0, 0, 1] = NaN", () -> Pooling.forward(st, nan));
        rejects(
                "= Infinity",
                () -> Pooling.forward(st, Tensor.of(new float[] {1, Float.POSITIVE_INFINITY, 3, 4}, 1, 1, 2, 2)));
        // Channels-last: the position is the logical one.
        Tensor negCl = neg.toLayout(CL, true);
        rejects("input[5] at (n, c, spatial...) [0, 1, 0, 1]", () -> Pooling.forward(st, negCl));
        rejects(
                "needs uniforms (random_samples) or a seed",
                () -> Pooling.forward(PoolSpec.stochastic(2, 2).build(), Tensor.of(new float[4], 1, 1, 2, 2)));
        Tensor ok = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        rejects(
                "uniforms[0] = 1.0: every u must be in [0, 1)",
                () -> Pooling.stochasticPool(st, ok, Tensor.of(new float[] {1f}, 1, 1, 1, 1)));
        rejects(
                "uniforms[0] = NaN",
                () -> Pooling.stochasticPool(st, ok, Tensor.of(new float[] {Float.NaN}, 1, 1, 1, 1)));
        rejects("uniforms shape = [1, 1, 2]", () -> Pooling.stochasticPool(st, ok, Tensor.of(new float[2], 1, 1, 2)));
        PoolSpec eval = PoolSpec.stochastic(2, 2).training(false).build();
        rejects("indices only in training mode", () -> Pooling.forwardWithIndices(eval, ok));
        rejects("dilation = [2, 2]", () -> PoolSpec.stochastic(2, 2).dilation(2).build());

        rejects("alpha = -0.1: must be in [0, 1]", () -> PoolSpec.mixed(-0.1, 2).build());
        rejects("alpha = 1.5", () -> PoolSpec.mixed(1.5, 2).build());
        rejects("alpha = NaN", () -> PoolSpec.mixed(Double.NaN, 2).build());
        rejects(
                "alpha = 0.5: applies to mixed pooling only",
                () -> PoolSpec.avg(2).alpha(0.5).build());
        rejects(
                "training = false: applies to stochastic",
                () -> PoolSpec.max(2).training(false).build());

        rejects("gated pooling needs weights", () -> PoolSpec.gated(2, 2).build());
        rejects(
                "weights shape = [5]: must be (4) or [2, 2] (shared), or (C, 4) or (C, 2, 2) (per channel)",
                () -> PoolSpec.gated(2, 2).weights(new float[5], 5).build());
        rejects(
                "weights shape = [2, 3]",
                () -> PoolSpec.gated(2, 2).weights(new float[6], 2, 3).build());
        rejects(
                "has 4 elements but 3 values",
                () -> PoolSpec.gated(2, 2).weights(new float[3], 4).build());
        rejects(
                "weights[1] = NaN: weights must be finite",
                () -> PoolSpec.gated(2).weights(new float[] {1, Float.NaN}, 2).build());
        PoolSpec perChannel = PoolSpec.gated(2).weights(new float[6], 3, 2).build();
        rejects("per-channel weights need 2 rows", () -> Pooling.forward(perChannel, Tensor.of(new float[8], 1, 2, 4)));

        rejects(
                "weights shape = [3, 3]: must be [3] (the kernel shape) or (3)",
                () -> PoolSpec.weightedAvg(3).weights(new float[9], 3, 3).build());
        rejects(
                "weighted average pooling needs weights (kernel-shaped) or a Gaussian sigma",
                () -> PoolSpec.weightedAvg(3).build());
        rejects("not both", () -> PoolSpec.weightedAvg(3)
                .sigma(1)
                .weights(new float[] {1, 1, 1})
                .build());
        rejects(
                "sigma = 0.0: must be finite and > 0",
                () -> PoolSpec.weightedAvg(3).sigma(0).build());
        rejects("sigma = -1.0", () -> PoolSpec.weightedAvg(3).sigma(-1).build());
        rejects("sigma = NaN", () -> PoolSpec.weightedAvg(3).sigma(Double.NaN).build());
        rejects(
                "sigma = Infinity",
                () -> PoolSpec.weightedAvg(3).sigma(Double.POSITIVE_INFINITY).build());
        rejects(
                "every weight of kernel [2] underflows",
                () -> PoolSpec.weightedAvg(2).sigma(1e-200).build());
        rejects(
                "sum to 0",
                () -> PoolSpec.weightedAvg(3).weights(new float[] {1, 0, -1}).build());
        rejects(
                "sum to 0",
                () -> PoolSpec.weightedAvg(2).weights(new float[] {0, 0}).build());
        // Nonzero in total, but the first window's in-input taps weigh 0.
        PoolSpec edge = PoolSpec.weightedAvg(3)
                .padding(1)
                .weights(new float[] {1, 0, 0})
                .build();
        rejects(
                "window at output position [0]",
                () -> Pooling.forward(edge, Tensor.of(new float[] {1, 2, 3}, 1, 1, 3)));
        PoolSpec tiny = PoolSpec.weightedAvg(3).padding(2).sigma(0.01).build();
        rejects(
                "sigma = 0.01: the taps of the window at output position [0]",
                () -> Pooling.forward(tiny, Tensor.of(new float[] {1, 2, 3}, 1, 1, 3)));
        rejects(
                "no weight gradient",
                () -> Pooling.backwardWithWeights(
                        PoolSpec.weightedAvg(3).sigma(1).build(),
                        Tensor.of(new float[3], 1, 1, 3),
                        Tensor.of(new float[1], 1, 1, 1)));
        rejects(
                "only GATED and WEIGHTED_AVG",
                () -> Pooling.backwardWithWeights(
                        PoolSpec.avg(3).build(), Tensor.of(new float[3], 1, 1, 3), Tensor.of(new float[1], 1, 1, 1)));
        rejects(
                "weights = [2]: apply to gated and weighted",
                () -> PoolSpec.mixed(0.5, 2).weights(new float[2]).build());
        rejects(
                "sigma = 1.0: applies to weighted",
                () -> PoolSpec.gated(2).sigma(1).weights(new float[2]).build());
        rejects(
                "divisorOverride = 3: applies to average pooling only (and the avg of mixed and gated pooling), not WEIGHTED_AVG",
                () -> PoolSpec.weightedAvg(2).sigma(1).divisorOverride(3).build());
    }

    @Test
    void specTextNamesTheParameters() {
        List<String> texts = new ArrayList<>();
        texts.add(PoolSpec.mixed(0.25, 2).build().toString());
        texts.add(PoolSpec.stochastic(2).training(false).build().toString());
        texts.add(PoolSpec.weightedAvg(3).sigma(1.5).build().toString());
        texts.add(PoolSpec.gated(2, 2).weights(new float[8], 2, 4).build().toString());
        assertTrue(texts.get(0).contains("alpha=0.25"), texts.toString());
        assertTrue(texts.get(1).contains("eval"), texts.toString());
        assertTrue(texts.get(2).contains("sigma=1.5"), texts.toString());
        assertTrue(texts.get(3).contains("weights=[2, 4]"), texts.toString());
    }
}
