package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.pooling4j.Oracle.Grid;
import org.pooling4j.Oracle.LongGrid;
import org.pooling4j.Oracle.Plan;
import org.pooling4j.internal.exec.Kernels;
import org.pooling4j.internal.kernels.PoolKernel;

/**
 * Seeded randomized differential test: the library against the naive {@link Oracle}, forward and
 * backward, over random operators, ranks (1-3, some 4 and 5), layouts, batchedness, sizes, strides,
 * dilations, paddings, ceil mode and value mixes (random floats, small integers for ties, NaN, +-inf,
 * -0.0).
 *
 * <p>Zero mismatches are allowed. Max-type values and indices must be bit-exact, and so must their
 * gradients (the output gradients are multiples of 1/8, so every sum is exact). Average and Lp results
 * must agree within 1e-6 relative to the larger of 1, the value and the magnitude of the terms behind
 * it (so the tolerance is absolute near zero and covers float32 rounding of the terms).
 *
 * <p>Problems the oracle finds invalid (no window fits, fractional output too large, ...) must be
 * rejected by the library with an {@link IllegalArgumentException}; they do not count as cases.
 *
 * <p>System properties: {@code pooling4j.seed} (base seed, default {@value #DEFAULT_SEED}),
 * {@code pooling4j.cases} (valid cases to run, default {@value #DEFAULT_CASES}),
 * {@code pooling4j.case} (run only that case number of the base seed, to reproduce a failure).
 */
class DifferentialTest {
    static final long DEFAULT_SEED = 20240521L;
    static final int DEFAULT_CASES = 50_000;
    /** Upper bound on N*C*outputs*kernel-taps (and on input elements) so the run stays fast. */
    static final long WORK_BUDGET = 150_000;

    static final double RTOL = 1e-6;

    @Test
    void libraryAgreesWithOracle() {
        long base = Long.getLong("pooling4j.seed", DEFAULT_SEED);
        int want = Integer.getInteger("pooling4j.cases", DEFAULT_CASES);
        Integer only = Integer.getInteger("pooling4j.case");
        long t0 = System.nanoTime();
        int valid = 0;
        int rejected = 0;
        int mismatches = 0;
        List<String> messages = new ArrayList<>();
        Map<String, Integer> perOp = new TreeMap<>();
        Map<String, Integer> kinds = new TreeMap<>();
        int attempt = only != null ? only : 0;
        int attemptsLimit = only != null ? only + 1 : Integer.MAX_VALUE;
        while (valid < want && attempt < attemptsLimit) {
            int caseNo = attempt++;
            Case k = Case.generate(base, caseNo);
            if (k == null) continue; // over the work budget: drawn again with the next number
            String outcome;
            try {
                outcome = runWithEveryKernel(k);
            } catch (Throwable e) {
                outcome = "exception " + e;
                if (!(e instanceof Mismatch)) {
                    java.io.StringWriter sw = new java.io.StringWriter();
                    e.printStackTrace(new java.io.PrintWriter(sw));
                    outcome = "unexpected " + sw.toString().lines().limit(6).reduce("", (a, b) -> a + "\n    " + b);
                } else {
                    outcome = e.getMessage();
                }
                mismatches++;
                String kind = k.op + ": "
                        + (e instanceof Mismatch
                                ? outcome.replaceAll("\\(n=.*", "")
                                        .replaceAll("-?[0-9][0-9.E-]*", "#")
                                        .trim()
                                : "unexpected " + e.getClass().getName()
                                        + (e.getStackTrace().length > 0 ? " at " + e.getStackTrace()[0] : ""));
                kinds.merge(kind.length() > 160 ? kind.substring(0, 160) : kind, 1, Integer::sum);
                if (messages.size() < 5) {
                    messages.add("base seed " + base + ", case " + caseNo
                            + " (reproduce: -Dpooling4j.seed=" + base + " -Dpooling4j.case=" + caseNo + ")\n  "
                            + k.describe()
                            + "\n  " + outcome);
                }
                valid++;
                continue;
            }
            if (outcome.equals("rejected")) {
                rejected++;
            } else {
                valid++;
                perOp.merge(outcome, 1, Integer::sum);
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                "DifferentialTest: base seed %d, %d valid cases (%d rejections checked), %d mismatches, %.1f s%n  per op: %s%n",
                base, valid, rejected, mismatches, secs, perOp);
        if (only == null) assertTrue(valid >= want, "ran only " + valid + " cases");
        if (mismatches > 0) {
            StringBuilder byKind = new StringBuilder();
            kinds.forEach((kind, count) ->
                    byKind.append("\n  ").append(count).append(" x ").append(kind.replace('\n', ' ')));
            fail(mismatches + " of " + valid + " cases disagree with the oracle (base seed " + base + "); by kind:"
                    + byKind + "\nfirst cases:\n" + String.join("\n", messages));
        }
    }

    /**
     * Runs the case once per kernel of the dispatcher that accepts its geometry forward, forcing it
     * with {@value Kernels#FORCE_PROPERTY} (so every fast kernel is held to the oracle) and forcing
     * the same kernel backward where it accepts that direction, else the reference kernel; or once
     * with the default dispatch when the property is already set from outside, for unpool and for
     * problems the library must reject.
     */
    static String runWithEveryKernel(Case k) {
        if (System.getProperty(Kernels.FORCE_PROPERTY) != null || k.plan.invalid != null || k.op == PoolOp.MAX_UNPOOL) {
            return k.run();
        }
        Geometry g = Pooling.geometry(k.spec, Oracle.toTensor(k.x, k.layout, k.batched));
        List<String[]> pairs = new ArrayList<>();
        for (PoolKernel kernel : Kernels.all()) {
            if (kernel.declines(g, false) == null) {
                pairs.add(new String[] {kernel.name(), kernel.declines(g, true) == null ? kernel.name() : "reference"});
            }
        }
        if (pairs.isEmpty()) return k.run();
        String outcome = null;
        for (String[] pair : pairs) {
            System.setProperty(Kernels.FORCE_PROPERTY, pair[0]);
            System.setProperty(Kernels.FORCE_BACKWARD_PROPERTY, pair[1]);
            try {
                outcome = k.run();
            } catch (Mismatch m) {
                throw new Mismatch("[kernel " + pair[0] + " / backward " + pair[1] + "] " + m.getMessage());
            } finally {
                System.clearProperty(Kernels.FORCE_PROPERTY);
                System.clearProperty(Kernels.FORCE_BACKWARD_PROPERTY);
            }
        }
        return outcome;
    }

    /** A disagreement between the library and the oracle. */
    static final class Mismatch extends AssertionError {
        Mismatch(String m) {
            super(m);
        }
    }

    // =============================================================================================
    // One random case
    // =============================================================================================

    static final class Case {
        final long seed;
        PoolOp op;
        int rank;
        int n;
        int c;
        int[] in;
        Layout layout;
        boolean batched;
        String valueMode;
        PoolSpec spec;
        String specText;
        Grid x;
        Grid samples;
        LongGrid unpoolIndices;
        Plan plan;
        final SplittableRandom rnd;

        Case(long seed) {
            this.seed = seed;
            this.rnd = new SplittableRandom(seed);
        }

        static Case generate(long base, int caseNo) {
            long seed = new SplittableRandom(base ^ (0x9E3779B97F4A7C15L * (caseNo + 1L))).nextLong();
            Case k = new Case(seed);
            return k.draw() ? k : null;
        }

        private int between(int lo, int hi) {
            return lo + rnd.nextInt(hi - lo + 1);
        }

        private boolean chance(double p) {
            return rnd.nextDouble() < p;
        }

        /** Draws every parameter; false when the case exceeds the work budget. */
        boolean draw() {
            double u = rnd.nextDouble();
            if (u < 0.30) op = PoolOp.MAX;
            else if (u < 0.50) op = PoolOp.AVG;
            else if (u < 0.64) op = PoolOp.LP;
            else if (u < 0.67) op = PoolOp.GLOBAL_MAX;
            else if (u < 0.70) op = PoolOp.GLOBAL_AVG;
            else if (u < 0.72) op = PoolOp.GLOBAL_LP;
            else if (u < 0.79) op = PoolOp.ADAPTIVE_MAX;
            else if (u < 0.85) op = PoolOp.ADAPTIVE_AVG;
            else if (u < 0.93) op = PoolOp.FRACTIONAL_MAX;
            else op = PoolOp.MAX_UNPOOL;

            double r = rnd.nextDouble();
            if (op == PoolOp.FRACTIONAL_MAX) rank = r < 0.65 ? 2 : 3;
            else rank = r < 0.30 ? 1 : r < 0.62 ? 2 : r < 0.90 ? 3 : r < 0.96 ? 4 : 5;
            int maxSize = rank <= 3 ? 12 : 4;

            n = rnd.nextDouble() < 0.08 ? 0 : between(1, 3);
            batched = n != 1 || chance(0.6);
            c = between(1, 5);
            layout = chance(0.5) ? Layout.CHANNELS_FIRST : Layout.CHANNELS_LAST;
            in = new int[rank];
            for (int a = 0; a < rank; a++) in[a] = chance(0.15) ? between(1, 3) : between(1, maxSize);
            if (op == PoolOp.MAX_UNPOOL) for (int a = 0; a < rank; a++) in[a] = between(1, rank <= 3 ? 6 : 3);

            spec = buildSpec(maxSize);
            specText = spec.toString();
            plan = Oracle.plan(spec, in);

            long outPlane = 1;
            for (int o : plan.out) outPlane *= Math.max(o, 1);
            long taps = 1;
            for (int a = 0; a < rank; a++) {
                if (op == PoolOp.MAX || op == PoolOp.AVG || op == PoolOp.LP || op == PoolOp.FRACTIONAL_MAX)
                    taps *= spec.kernel()[a];
                else if (op != PoolOp.MAX_UNPOOL) taps *= in[a];
            }
            long inPlane = Oracle.product(in);
            long planes = (long) Math.max(n, 1) * c;
            if (planes * outPlane * taps > WORK_BUDGET
                    || planes * inPlane > WORK_BUDGET
                    || planes * outPlane > WORK_BUDGET) return false;

            valueMode = drawValueMode();
            x = new Grid(n, c, in);
            for (int i = 0; i < x.v.length; i++) x.v[i] = value();
            if (op == PoolOp.FRACTIONAL_MAX) {
                samples = new Grid(n, c, new int[] {rank});
                for (int i = 0; i < samples.v.length; i++) {
                    double s = rnd.nextDouble();
                    samples.v[i] = s < 0.05 ? 0f : s > 0.95 ? Math.nextDown(1f) : (float) rnd.nextDouble();
                }
            }
            if (op == PoolOp.MAX_UNPOOL && plan.invalid == null) {
                unpoolIndices = new LongGrid(n, c, in);
                int outP = plan.outPlane();
                boolean distinct = chance(0.5) && outP >= inPlane;
                for (int nn = 0; nn < n; nn++) {
                    for (int cc = 0; cc < c; cc++) {
                        int[] perm = permutation(outP);
                        for (int i = 0; i < inPlane; i++) {
                            unpoolIndices.v[unpoolIndices.at(nn, cc, i)] = distinct ? perm[i] : rnd.nextInt(outP);
                        }
                    }
                }
            }
            return true;
        }

        private int[] permutation(int m) {
            int[] p = new int[m];
            for (int i = 0; i < m; i++) p[i] = i;
            for (int i = m - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = p[i];
                p[i] = p[j];
                p[j] = t;
            }
            return p;
        }

        private PoolSpec buildSpec(int maxSize) {
            switch (op) {
                case MAX:
                case AVG:
                case LP:
                    return slidingSpec(maxSize);
                case GLOBAL_MAX:
                    return PoolSpec.globalMax(rank)
                            .nanPolicy(nan())
                            .maxFloor(floor())
                            .build();
                case GLOBAL_AVG:
                    return PoolSpec.globalAvg(rank).build();
                case GLOBAL_LP:
                    return PoolSpec.globalLp(pickP(true), rank).build();
                case ADAPTIVE_MAX:
                case ADAPTIVE_AVG: {
                    Integer[] out = new Integer[rank];
                    for (int a = 0; a < rank; a++) {
                        double s = rnd.nextDouble();
                        out[a] = s < 0.15
                                ? null
                                : s < 0.18 ? Integer.valueOf(0) : Integer.valueOf(between(1, in[a] + 3));
                    }
                    return op == PoolOp.ADAPTIVE_MAX
                            ? PoolSpec.adaptiveMax(out)
                                    .nanPolicy(nan())
                                    .maxFloor(floor())
                                    .build()
                            : PoolSpec.adaptiveAvg(out).build();
                }
                case FRACTIONAL_MAX: {
                    int[] k = new int[rank];
                    for (int a = 0; a < rank; a++) k[a] = between(1, Math.min(5, in[a]));
                    PoolSpec.Builder b =
                            PoolSpec.fractionalMax(k).nanPolicy(nan()).maxFloor(floor());
                    if (chance(0.7)) {
                        int[] o = new int[rank];
                        // mostly valid (o + k - 1 <= I), sometimes one too large
                        for (int a = 0; a < rank; a++)
                            o[a] = chance(0.03) ? in[a] - k[a] + 2 : between(1, in[a] - k[a] + 1);
                        b.outputSize(o);
                    } else {
                        double[] ratio = new double[rank];
                        for (int a = 0; a < rank; a++) ratio[a] = 0.05 + 0.9 * rnd.nextDouble();
                        b.outputRatio(ratio);
                    }
                    return b.build();
                }
                case MAX_UNPOOL: {
                    int[] k = new int[rank];
                    int[] s = new int[rank];
                    int[] pb = new int[rank];
                    int[] pe = new int[rank];
                    for (int a = 0; a < rank; a++) {
                        k[a] = between(1, 5);
                        s[a] = chance(0.4) ? k[a] : between(1, 4);
                        pb[a] = between(0, k[a] - 1);
                        pe[a] = chance(0.7) ? pb[a] : between(0, k[a] - 1);
                    }
                    PoolSpec.Builder b = PoolSpec.maxUnpool(k).stride(s).padding(pb, pe);
                    if (chance(0.3)) {
                        int[] o = new int[rank];
                        for (int a = 0; a < rank; a++) {
                            int def = (in[a] - 1) * s[a] - pb[a] - pe[a] + k[a];
                            o[a] = Math.max(1, def + between(-(s[a] - 1), s[a] - 1) + (chance(0.02) ? s[a] : 0));
                        }
                        b.outputSize(o);
                    }
                    return b.build();
                }
                default:
                    throw new IllegalStateException();
            }
        }

        private NanPolicy nan() {
            return chance(0.75) ? NanPolicy.PROPAGATE : NanPolicy.IGNORE;
        }

        private MaxFloor floor() {
            return chance(0.1) ? MaxFloor.LOWEST_FINITE : MaxFloor.NEGATIVE_INFINITY;
        }

        private double pickP(boolean norm) {
            double[] ps = norm ? new double[] {1, 2, 3, 1.5, 4, 0.5} : new double[] {1, 2, 3, 1.5, 4};
            return ps[rnd.nextInt(ps.length)];
        }

        private PoolSpec slidingSpec(int maxSize) {
            boolean torch = op == PoolOp.LP && chance(0.45);
            int[] k = new int[rank];
            int[] s = new int[rank];
            int[] d = new int[rank];
            int[] pb = new int[rank];
            int[] pe = new int[rank];
            boolean symmetric = chance(0.7);
            for (int a = 0; a < rank; a++) {
                k[a] = between(1, 5);
                s[a] = chance(0.25) ? k[a] : between(1, 4);
                d[a] = torch || chance(0.55) ? 1 : between(2, 3);
                int kEff = d[a] * (k[a] - 1) + 1;
                if (!torch && chance(0.6)) {
                    pb[a] = between(0, kEff - 1);
                    pe[a] = symmetric ? pb[a] : between(0, kEff - 1);
                }
            }
            PoolSpec.Builder b;
            if (op == PoolOp.MAX) {
                b = PoolSpec.max(k).nanPolicy(nan()).maxFloor(floor());
            } else if (op == PoolOp.AVG) {
                b = PoolSpec.avg(k).countIncludePad(chance(0.5));
                if (chance(0.15)) b.divisorOverride(chance(0.8) ? between(1, 9) : -between(1, 3));
            } else {
                b = PoolSpec.lp(pickP(!torch), k).lpMode(torch ? LpMode.PYTORCH : LpMode.NORM);
            }
            b.stride(s).dilation(d);
            double ap = rnd.nextDouble();
            if (ap < 0.12 && !torch) {
                b.autoPad(chance(0.5) ? AutoPad.SAME_UPPER : AutoPad.SAME_LOWER);
            } else if (ap < 0.18) {
                b.autoPad(AutoPad.VALID);
            } else {
                b.padding(pb, pe).ceilMode(chance(0.4));
            }
            return b.build();
        }

        private String drawValueMode() {
            boolean lpBackward = op == PoolOp.LP || op == PoolOp.GLOBAL_LP;
            if (op == PoolOp.LP && spec.lpMode() == LpMode.PYTORCH && spec.p() != 1 && spec.p() != 2) {
                return rnd.nextBoolean() ? "nonneg-floats" : "nonneg-ints"; // avoids cancellation and NaN powers
            }
            double u = rnd.nextDouble();
            if (u < 0.45) return "floats";
            if (u < 0.80) return "ints";
            return lpBackward ? "floats-and-ints" : "specials";
        }

        private double value() {
            switch (valueMode) {
                case "floats":
                    return (float) (rnd.nextDouble() * 20 - 10);
                case "ints":
                    return between(-3, 3);
                case "nonneg-floats":
                    return (float) (rnd.nextDouble() * 4);
                case "nonneg-ints":
                    return between(0, 3);
                case "floats-and-ints":
                    return chance(0.5) ? between(-3, 3) : (float) (rnd.nextDouble() * 20 - 10);
                default: {
                    double u = rnd.nextDouble();
                    if (u < 0.06) return Double.NaN;
                    if (u < 0.10) return Double.POSITIVE_INFINITY;
                    if (u < 0.16) return Double.NEGATIVE_INFINITY;
                    if (u < 0.19) return -0.0;
                    if (u < 0.55) return between(-3, 3);
                    return (float) (rnd.nextDouble() * 20 - 10);
                }
            }
        }

        /** Output gradients: multiples of 1/8 in [-8, 8], so that sums of them are exact. */
        private Grid gradOut(int[] size) {
            Grid g = new Grid(n, c, size);
            for (int i = 0; i < g.v.length; i++) g.v[i] = (rnd.nextInt(129) - 64) / 8.0;
            return g;
        }

        String describe() {
            StringBuilder s = new StringBuilder();
            s.append("caseSeed=")
                    .append(seed)
                    .append(" op=")
                    .append(op)
                    .append(" spec={")
                    .append(specText)
                    .append('}');
            s.append(" nan=").append(spec.nanPolicy()).append(" floor=").append(spec.maxFloor());
            s.append(" N=")
                    .append(n)
                    .append(" C=")
                    .append(c)
                    .append(" spatial=")
                    .append(Arrays.toString(in));
            s.append(' ')
                    .append(layout)
                    .append(batched ? " batched" : " unbatched")
                    .append(" values=")
                    .append(valueMode);
            if (plan != null) {
                s.append(" oracle out=")
                        .append(Arrays.toString(plan.out))
                        .append(" pads=")
                        .append(Arrays.toString(plan.padBegin))
                        .append('/')
                        .append(Arrays.toString(plan.padEnd));
                if (plan.invalid != null) s.append(" invalid: ").append(plan.invalid);
            }
            if (x != null && x.v.length <= 200)
                s.append("\n  x (N,C,spatial row-major) = ").append(Arrays.toString(x.v));
            if (samples != null) s.append("\n  samples (N,C,rank) = ").append(Arrays.toString(samples.v));
            if (unpoolIndices != null && unpoolIndices.v.length <= 200)
                s.append("\n  unpool indices = ").append(Arrays.toString(unpoolIndices.v));
            return s.toString();
        }

        // =========================================================================================
        // Running and comparing
        // =========================================================================================

        /** Runs the case; returns the op name (or "rejected"), throws {@link Mismatch} on disagreement. */
        String run() {
            Tensor xt = Oracle.toTensor(x, layout, batched);
            if (plan.invalid != null) {
                try {
                    if (op == PoolOp.MAX_UNPOOL) {
                        LongGrid zeros = new LongGrid(n, c, in);
                        Pooling.maxUnpool(spec, xt, Oracle.toLongTensor(zeros, layout, batched));
                    } else if (op == PoolOp.FRACTIONAL_MAX) {
                        Pooling.fractionalMaxPool(spec, xt, Oracle.toTensor(samples, Layout.CHANNELS_FIRST, true));
                    } else {
                        Pooling.forward(spec, xt);
                    }
                } catch (IllegalArgumentException expected) {
                    return "rejected";
                }
                throw new Mismatch("the library accepted a problem the oracle finds invalid: " + plan.invalid);
            }
            if (op == PoolOp.MAX_UNPOOL) return runUnpool(xt);
            Tensor samplesT = samples == null ? null : Oracle.toTensor(samples, Layout.CHANNELS_FIRST, true);
            Oracle.Result want = Oracle.forward(spec, x, samples);
            checkShape(
                    "forward output",
                    want.values.size,
                    op == PoolOp.FRACTIONAL_MAX
                            ? Pooling.fractionalMaxPool(spec, xt, samplesT).values()
                            : Pooling.forward(spec, xt));
            Grid gOut = gradOut(want.values.size);
            Tensor gOutT = Oracle.toTensor(gOut, layout, batched);
            if (want.values.plane == 0) {
                // an adaptive output of size 0: forward gives an empty tensor, backward is refused (as PyTorch)
                checkShape("forward values", want.values.size, Pooling.forward(spec, xt));
                try {
                    Pooling.backward(spec, xt, gOutT);
                } catch (IllegalArgumentException expected) {
                    return op.name() + "_EMPTY";
                }
                throw new Mismatch("backward of an empty adaptive output should be refused");
            }
            Grid wantGrad = Oracle.backward(spec, x, gOut, samples);
            if (Oracle.isMaxType(op)) {
                Pooled got = op == PoolOp.FRACTIONAL_MAX
                        ? Pooling.fractionalMaxPool(spec, xt, samplesT)
                        : Pooling.forwardWithIndices(spec, xt);
                checkShape("values", want.values.size, got.values());
                compareExact("forward values", want.values, Oracle.fromTensor(got.values(), rank));
                compareIndices("forward indices", want.indices, Oracle.fromLongTensor(got.indices(), rank));
                if (op != PoolOp.FRACTIONAL_MAX) {
                    compareExact("forward() values", want.values, Oracle.fromTensor(Pooling.forward(spec, xt), rank));
                }
                Tensor gx = op == PoolOp.FRACTIONAL_MAX
                        ? Pooling.fractionalMaxPoolBackward(spec, xt, gOutT, samplesT)
                        : Pooling.backward(spec, xt, gOutT);
                compareExact("backward (recomputed argmax)", wantGrad, Oracle.fromTensor(gx, rank));
                if (op == PoolOp.FRACTIONAL_MAX) checkSeededFractional(xt, gOutT);
                // the forward's own indices are always accepted, empty windows and -1 included
                Tensor gx2 = Pooling.backward(spec, xt, gOutT, got.indices());
                compareExact("backward (given indices)", wantGrad, Oracle.fromTensor(gx2, rank));
                boolean inPlane = true;
                for (long v : want.indices.v) inPlane &= v >= 0 && v < x.plane;
                if (inPlane) checkIndexFormats(want.indices, got.indices());
            } else {
                Tensor y = Pooling.forward(spec, xt);
                compareClose("forward", want.values, Oracle.fromTensor(y, rank));
                Tensor gx = Pooling.backward(spec, xt, gOutT);
                checkShape("backward", in, gx);
                compareClose("backward", wantGrad, Oracle.fromTensor(gx, rank));
            }
            return op.name() + (op == PoolOp.LP ? "_" + spec.lpMode() : "");
        }

        private String runUnpool(Tensor valuesT) {
            LongTensor idxT = Oracle.toLongTensor(unpoolIndices, layout, batched);
            Grid want = Oracle.unpool(spec, x, unpoolIndices);
            Tensor got = Pooling.maxUnpool(spec, valuesT, idxT);
            checkShape("unpool output", want.size, got);
            compareExact("unpool", want, Oracle.fromTensor(got, rank));
            Grid gOut = gradOut(want.size);
            Grid wantGrad = Oracle.unpoolBackward(spec, x, unpoolIndices, gOut);
            Tensor gx = Pooling.maxUnpoolBackward(spec, valuesT, idxT, Oracle.toTensor(gOut, layout, batched));
            checkShape("unpool backward", in, gx);
            compareExact("unpool backward", wantGrad, Oracle.fromTensor(gx, rank));
            return op.name();
        }

        /** With a seed instead of samples, every fractional entry point must draw the same samples. */
        private void checkSeededFractional(Tensor xt, Tensor gOutT) {
            PoolSpec seeded = spec.toBuilder().seed(seed).build();
            Pooled a = Pooling.fractionalMaxPool(seeded, xt, null);
            Pooled b = Pooling.forwardWithIndices(seeded, xt);
            compareExact(
                    "seeded fractionalMaxPool vs forwardWithIndices",
                    Oracle.fromTensor(a.values(), rank),
                    Oracle.fromTensor(b.values(), rank));
            compareIndices(
                    "seeded fractional indices",
                    Oracle.fromLongTensor(a.indices(), rank),
                    Oracle.fromLongTensor(b.indices(), rank));
            compareExact(
                    "seeded fractional forward()",
                    Oracle.fromTensor(a.values(), rank),
                    Oracle.fromTensor(Pooling.forward(seeded, xt), rank));
            compareExact(
                    "seeded fractional backward vs fractionalMaxPoolBackward",
                    Oracle.fromTensor(Pooling.fractionalMaxPoolBackward(seeded, xt, gOutT, null), rank),
                    Oracle.fromTensor(Pooling.backward(seeded, xt, gOutT), rank));
        }

        private void checkIndexFormats(LongGrid want, LongTensor got) {
            for (IndexFormat f : IndexFormat.values()) {
                LongTensor conv = Indices.convert(got, in, IndexFormat.PER_PLANE, f);
                compareIndices(
                        "Indices.convert PER_PLANE -> " + f,
                        Oracle.encodeAll(want, in, f),
                        Oracle.fromLongTensor(conv, rank));
                LongTensor back = Indices.convert(conv, in, f, IndexFormat.PER_PLANE);
                compareIndices("Indices.convert " + f + " -> PER_PLANE", want, Oracle.fromLongTensor(back, rank));
            }
        }

        private void checkShape(String what, int[] spatial, Tensor t) {
            int[] wantShape = Oracle.shapeOf(n, c, spatial, layout, batched);
            if (!Arrays.equals(wantShape, t.shape()) || t.layout() != layout) {
                throw new Mismatch(what + ": shape " + Arrays.toString(t.shape()) + " " + t.layout() + ", expected "
                        + Arrays.toString(wantShape) + " " + layout);
            }
        }

        private String where(Grid g, int i) {
            int p = i % Math.max(g.plane, 1);
            int nc = i / Math.max(g.plane, 1);
            int[] coord = new int[g.size.length];
            for (int a = g.size.length - 1; a >= 0; a--) {
                coord[a] = p % g.size[a];
                p /= g.size[a];
            }
            return "(n=" + nc / g.c + ", c=" + nc % g.c + ", spatial=" + Arrays.toString(coord) + ")";
        }

        private void compareExact(String what, Grid want, Grid got) {
            sameSize(what, want, got);
            for (int i = 0; i < want.v.length; i++) {
                if (Float.floatToIntBits((float) want.v[i]) != Float.floatToIntBits((float) got.v[i])) {
                    throw new Mismatch(what + " at " + where(want, i) + ": library " + (float) got.v[i] + ", oracle "
                            + (float) want.v[i] + " (bit-exact required)");
                }
            }
        }

        private void compareIndices(String what, LongGrid want, LongGrid got) {
            if (!Arrays.equals(want.size, got.size) || want.v.length != got.v.length) {
                throw new Mismatch(
                        what + ": size " + Arrays.toString(got.size) + ", expected " + Arrays.toString(want.size));
            }
            for (int i = 0; i < want.v.length; i++) {
                if (want.v[i] != got.v[i]) {
                    Grid shapeOnly = new Grid(want.n, want.c, want.size);
                    throw new Mismatch(
                            what + " at " + where(shapeOnly, i) + ": library " + got.v[i] + ", oracle " + want.v[i]);
                }
            }
        }

        private void compareClose(String what, Grid want, Grid got) {
            sameSize(what, want, got);
            for (int i = 0; i < want.v.length; i++) {
                double e = want.v[i];
                double a = got.v[i];
                boolean ok;
                if (Double.isNaN(e) || Double.isInfinite(e) || Double.isNaN(a) || Double.isInfinite(a)) {
                    ok = Double.compare(e, a) == 0 || (Double.isNaN(e) && Double.isNaN(a));
                } else {
                    double scale = Math.max(1, Math.max(Math.abs(e), want.mag == null ? 0 : want.mag[i]));
                    ok = Math.abs(a - e) <= RTOL * scale;
                }
                if (!ok) {
                    throw new Mismatch(what + " at " + where(want, i) + ": library " + a + ", oracle " + e + " (|diff| "
                            + Math.abs(a - e) + ", term magnitude " + (want.mag == null ? "?" : want.mag[i]) + ")");
                }
            }
        }

        private void sameSize(String what, Grid want, Grid got) {
            if (!Arrays.equals(want.size, got.size) || want.n != got.n || want.c != got.c) {
                throw new Mismatch(
                        what + ": size " + Arrays.toString(got.size) + ", expected " + Arrays.toString(want.size));
            }
        }
    }
}
