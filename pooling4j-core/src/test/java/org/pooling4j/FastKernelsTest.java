package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.pooling4j.internal.Check;
import org.pooling4j.internal.Shapes;
import org.pooling4j.internal.exec.Kernels;
import org.pooling4j.internal.exec.Parallel;
import org.pooling4j.internal.kernels.PoolKernel;
import org.pooling4j.internal.kernels.ReferenceKernel;
import org.pooling4j.internal.kernels.VariantKernel;

/**
 * Every fast kernel of the dispatcher ({@link Kernels#all()} minus {@code reference} and {@code variant},
 * which {@link VariantKernelTest} covers: the scalar
 * kernels, and the SIMD ones when the Vector API is usable) against the {@code reference} kernel,
 * each forced by name through {@value Kernels#FORCE_PROPERTY} / {@value Kernels#FORCE_BACKWARD_PROPERTY}.
 * Compared: forward values ({@link Pooling#forwardInto}, output prefilled with NaN so an element a
 * kernel forgets to write shows), forward indices ({@link Pooling#forwardWithIndices}), the compact
 * argmax ({@link Pooling#forwardArgmax}: values, {@link Argmax#toIndices()}, and the backward it
 * routes), backward with the reference's indices and backward without indices (max recomputes the
 * argmax; average). A kernel that declines a direction ({@link PoolKernel#declines}) is skipped for
 * it; every test asserts how many comparisons of each kind ran, so none can pass vacuously.
 *
 * <p>Tolerances. Max-type values, indices and max-type gradients must be bit-identical (compared with
 * {@link Float#floatToIntBits}, which treats every NaN alike; the output gradients are multiples of
 * 1/8 in [-8, 8], so their sums are exact in any order). Averages, Lp norms and average gradients must
 * agree within {@value #RTOL} relative to {@code max(1, |reference|)}; a non-finite reference must be
 * matched exactly. The data keeps such sums well conditioned: small integers (many ties, and -0.0
 * beside +0.0), floats in [-1, 1) or [-4, 4), and a few NaN, +-inf and -0.0.
 *
 * <p>The reference runs once per problem on the channels-first tensor; the expected channels-last
 * results are its transposes (results, per-plane indices included, do not depend on the layout).
 *
 * <p>Cases: (a) the shape corpus of real networks' pooling layers ({@code perf/pool_shapes.csv} in
 * pooling4j-bench's test resources, whose README gives its conventions) with batch and channels
 * cut down; (b) sizes around vector tails and other corner cases;
 * plus a thread-count independence check on problems large enough to be split, and the argument
 * checks of the preallocated-output entry points.
 *
 * <p>System properties: {@code pooling4j.seed} (base seed, default {@value #DEFAULT_SEED}),
 * {@code pooling4j.shared} (the folder holding {@code perf/pool_shapes.csv}; the build sets it), {@code pooling4j.fast.only} (run only the cases whose
 * description contains this text, to reproduce a failure). Every failure names the seed, the case
 * and the kernel.
 */
class FastKernelsTest {
    static final long DEFAULT_SEED = 20250607L;
    static final double RTOL = 1e-6;
    /** Largest input (N*C*spatial) of a corpus case. */
    static final int MAX_INPUT = 200_000;
    /** Largest N*C*outputs*taps of a corpus case: bounds the reference kernel's time. */
    static final long MAX_WORK = 1_500_000;

    private static final long SEED = Long.getLong("pooling4j.seed", DEFAULT_SEED);
    private static final String ONLY = System.getProperty("pooling4j.fast.only");

    @AfterEach
    void clearForcedKernels() {
        System.clearProperty(Kernels.FORCE_PROPERTY);
        System.clearProperty(Kernels.FORCE_BACKWARD_PROPERTY);
    }

    // =============================================================================================
    // (a) the shape corpus
    // =============================================================================================

    @Test
    void corpusShapesAgreeWithTheReference() throws IOException {
        Path csv = corpus();
        // The corpus is in the repository: a missing file is a broken build, not a reason to skip.
        assertNotNull(csv, "perf/pool_shapes.csv not found (set -Dpooling4j.shared=DIR to the folder holding it)");
        long t0 = System.nanoTime();
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<String> header = splitCsv(lines.get(0));
        Map<String, Integer> col = new HashMap<>();
        for (int i = 0; i < header.size(); i++) col.put(header.get(i), i);
        Tally tally = new Tally("corpus");
        // (geometry, alg) -> whether it ran: a later row with the same key is covered by the first.
        Map<String, Boolean> seen = new HashMap<>();
        Map<String, Integer> skipped = new TreeMap<>();
        int rowsUsed = 0;
        int rowsCovered = 0;
        int cases = 0;
        for (int li = 1; li < lines.size(); li++) {
            if (lines.get(li).isBlank()) continue;
            int lineNo = li + 1;
            List<String> f = splitCsv(lines.get(li));
            Row row = new Row(f, col);
            if (row.category.equals("large_index")) {
                skipped.merge("large_index", 1, Integer::sum);
                continue;
            }
            boolean usedOne = false;
            boolean covered = true;
            for (String alg : row.algs()) {
                String key = row.geometryKey() + " " + alg;
                if (seen.containsKey(key)) {
                    skipped.merge("repeats of a (geometry, alg) already run or skipped", 1, Integer::sum);
                    covered &= seen.get(key);
                    continue;
                }
                seen.put(key, false);
                covered = false;
                if (row.kernelInPadding()) {
                    // benchdnn's "kernel in padding" rows: a window may lie wholly in padding, which PoolSpec refuses.
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> row.spec(alg),
                            "csv line " + lineNo + " should be refused");
                    skipped.merge("kernel in padding (refused by PoolSpec)", 1, Integer::sum);
                    continue;
                }
                PoolSpec spec = row.spec(alg);
                int[] nc = row.batchAndChannels(spec);
                if (nc == null) {
                    skipped.merge(
                            "too large even at N = C = 1 (> " + MAX_INPUT + " inputs or > " + MAX_WORK
                                    + " output taps)",
                            1,
                            Integer::sum);
                    continue;
                }
                long caseSeed = mix(SEED, li * 8L + alg.hashCode());
                SplittableRandom rnd = new SplittableRandom(caseSeed);
                String mode = pick(rnd, new String[] {"ints", "floats", "specials"}, new double[] {0.4, 0.35, 0.25});
                int[] shape = new int[row.rank + 2];
                shape[0] = nc[0];
                shape[1] = nc[1];
                System.arraycopy(row.in, 0, shape, 2, row.rank);
                String label = "csv line " + lineNo + " " + row.category + " alg=" + alg + " " + describe(spec) + " x"
                        + Arrays.toString(shape) + " values=" + mode + " caseSeed=" + caseSeed;
                if (ONLY != null && !label.contains(ONLY)) continue;
                // The conversion must reproduce benchdnn's output size wherever its end padding is not negative.
                int[] out = Pooling.geometry(spec, Tensor.zeros(shape)).outSizes();
                for (int a = 0; a < row.rank; a++) {
                    if (row.padEnd[a] >= 0 && out[a] != row.out[a]) {
                        fail("csv line " + lineNo + ": converted output size " + Arrays.toString(out)
                                + " differs from benchdnn's " + Arrays.toString(row.out) + " (" + describe(spec) + ")");
                    }
                }
                Problem p = new Problem(label, spec, randomTensor(rnd, mode, shape), true, rnd);
                check(p, tally);
                seen.put(key, true);
                cases++;
                usedOne = true;
            }
            if (usedOne) rowsUsed++;
            if (usedOne || covered) rowsCovered++;
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                "FastKernelsTest corpus: seed %d, %d of %d rows run (%d cases of (geometry, alg), each in both layouts),"
                        + " %d rows covered with their repeats; skipped %s; %.1f s%n  %s%n",
                SEED, rowsUsed, lines.size() - 1, cases, rowsCovered, skipped, secs, tally);
        tally.assertClean();
        if (ONLY == null) {
            assertTrue(rowsUsed >= 150, "only " + rowsUsed + " corpus rows were usable");
            tally.assertAtLeast(Map.of(
                    "forward",
                    300,
                    "indices",
                    200,
                    "argmax forward",
                    200,
                    "argmax backward",
                    200,
                    "backward (indices)",
                    200,
                    "backward (recomputed)",
                    200,
                    "backward (avg)",
                    100));
        }
    }

    /**
     * {@code DIR/perf/pool_shapes.csv} for {@code -Dpooling4j.shared=DIR}, else the repository's copy
     * in pooling4j-bench's test resources seen from this module's folder; null when neither exists.
     */
    static Path corpus() {
        String prop = System.getProperty("pooling4j.shared");
        Path dir = prop != null ? Path.of(prop) : Path.of("..", "pooling4j-bench", "src", "test", "resources");
        Path p = dir.resolve("perf").resolve("pool_shapes.csv");
        return Files.isRegularFile(p) ? p : null;
    }

    /** Splits one CSV line: commas outside double quotes, {@code ""} inside quotes is a quote. */
    static List<String> splitCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString());
        return out;
    }

    /** One corpus row in the library's terms (see perf/README.md beside the corpus for the conventions). */
    static final class Row {
        final String category;
        final String alg;
        final int rank;
        final int mb;
        final int ic;
        final int[] in;
        final int[] out;
        final int[] kernel;
        final int[] stride;
        final int[] dilation;
        final int[] padBegin;
        /** benchdnn's end padding, possibly negative (the window grid stops before the input does). */
        final int[] padEnd;

        private final String key;

        Row(List<String> f, Map<String, Integer> col) {
            category = f.get(col.get("category"));
            alg = f.get(col.get("alg"));
            rank = Integer.parseInt(f.get(col.get("dims")));
            mb = (int) Math.min(Integer.MAX_VALUE, Long.parseLong(f.get(col.get("mb"))));
            ic = (int) Math.min(Integer.MAX_VALUE, Long.parseLong(f.get(col.get("ic"))));
            in = new int[rank];
            out = new int[rank];
            kernel = new int[rank];
            stride = new int[rank];
            dilation = new int[rank];
            padBegin = new int[rank];
            padEnd = new int[rank];
            String[] axes = {"d", "h", "w"};
            StringBuilder k = new StringBuilder().append(rank);
            for (int a = 0; a < rank; a++) {
                String x = axes[3 - rank + a];
                in[a] = (int) Math.min(Integer.MAX_VALUE, Long.parseLong(f.get(col.get("i" + x))));
                out[a] = (int) Math.min(Integer.MAX_VALUE, Long.parseLong(f.get(col.get("o" + x))));
                kernel[a] = Integer.parseInt(f.get(col.get("k" + x)));
                stride[a] = Integer.parseInt(f.get(col.get("s" + x)));
                // benchdnn's dilation is 0-based: 0 means consecutive taps.
                dilation[a] = Integer.parseInt(f.get(col.get("d" + x))) + 1;
                padBegin[a] = Integer.parseInt(f.get(col.get("p" + x)));
                padEnd[a] = Integer.parseInt(f.get(col.get("p" + x + "_r")));
                k.append(' ')
                        .append(in[a])
                        .append('/')
                        .append(kernel[a])
                        .append('/')
                        .append(stride[a])
                        .append('/')
                        .append(dilation[a])
                        .append('/')
                        .append(padBegin[a])
                        .append('/')
                        .append(padEnd[a]);
            }
            key = k.toString();
        }

        String geometryKey() {
            return key;
        }

        /** Whether some begin or end padding reaches a whole effective kernel. */
        boolean kernelInPadding() {
            for (int a = 0; a < rank; a++) {
                long kEff = Shapes.effectiveKernel(kernel[a], dilation[a]);
                if (padBegin[a] >= kEff || padEnd[a] >= kEff) return true;
            }
            return false;
        }

        /** The algorithms to run: the row's own, or all three when the shape file leaves it open. */
        List<String> algs() {
            if (alg.isEmpty()) return List.of("max", "avg_np", "avg_p");
            if (alg.startsWith("avg(")) return List.of("avg_p"); // global / adaptive written as a fixed window
            return List.of(alg);
        }

        /**
         * The spec: benchdnn's kernel, stride, 1-based dilation and begin padding; a negative end
         * padding becomes 0 with the input kept whole (the library then ignores the same tail, or gives
         * more outputs when the tail holds a whole stride).
         */
        PoolSpec spec(String a) {
            int[] pe = new int[rank];
            for (int i = 0; i < rank; i++) pe[i] = Math.max(0, padEnd[i]);
            PoolSpec.Builder b = a.equals("max")
                    ? PoolSpec.max(kernel)
                    : PoolSpec.avg(kernel).countIncludePad(a.equals("avg_p"));
            return b.stride(stride).dilation(dilation).padding(padBegin, pe).build();
        }

        /** {N, C} within the size caps: N = min(mb, 2), C the largest of 17, 5, 3, 1 (at most ic) that fits; null if none. */
        int[] batchAndChannels(PoolSpec spec) {
            long plane = 1;
            for (int v : in) plane *= v;
            for (int n = Math.min(mb, 2); n >= 1; n--) {
                for (int c : new int[] {17, 5, 3, 1}) {
                    if (c > ic) continue;
                    if ((long) n * c * plane > MAX_INPUT) continue;
                    int[] shape = new int[rank + 2];
                    shape[0] = n;
                    shape[1] = c;
                    System.arraycopy(in, 0, shape, 2, rank);
                    Geometry g = Pooling.geometry(spec, Tensor.zeros(shape));
                    long taps = 1;
                    for (int t : kernel) taps *= t;
                    if ((long) g.outputElements() * taps > MAX_WORK) continue;
                    return new int[] {n, c};
                }
            }
            return null;
        }
    }

    // =============================================================================================
    // (b) vector tails and corner cases
    // =============================================================================================

    /** Row widths around 8- and 16-float vectors, and the narrowest widths. */
    static final int[] TAIL_WIDTHS = {1, 2, 3, 4, 5, 7, 9, 15, 17, 23, 25, 31, 33, 39, 41, 47, 49, 55, 57, 63, 65};
    /** Channel counts: primes around vector lengths for channels-last, small ones for channels-first. */
    static final int[] CHANNELS = {1, 2, 3, 7, 13, 17, 31, 67};

    @Test
    void vectorTailsAndCornerCasesAgreeWithTheReference() {
        long t0 = System.nanoTime();
        Tally tally = new Tally("tails");
        List<Problem> problems = new ArrayList<>(handWrittenProblems());
        SplittableRandom master = new SplittableRandom(mix(SEED, 0x7A11L));
        int rejected = 0;
        for (int round = 0; round < 40; round++) {
            for (int w : TAIL_WIDTHS) {
                long caseSeed = master.nextLong();
                Problem p = null;
                SplittableRandom rnd = new SplittableRandom(caseSeed);
                for (int attempt = 0; p == null; attempt++) {
                    p = randomProblem(rnd, w, caseSeed, attempt);
                    if (p == null) rejected++;
                }
                problems.add(p);
            }
        }
        int ran = 0;
        for (Problem p : problems) {
            if (ONLY != null && !p.label.contains(ONLY)) continue;
            check(p, tally);
            ran++;
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                "FastKernelsTest tails: seed %d, %d problems (%d random draws rejected as invalid), %.1f s%n  %s%n",
                SEED, ran, rejected, secs, tally);
        tally.assertClean();
        if (ONLY == null) {
            tally.assertAtLeast(Map.of(
                    "forward",
                    500,
                    "indices",
                    150,
                    "argmax forward",
                    100,
                    "argmax backward",
                    100,
                    "backward (indices)",
                    150,
                    "backward (recomputed)",
                    150,
                    "backward (avg)",
                    100,
                    "declined backward",
                    20));
        }
    }

    /** The corner cases named one by one. */
    private static List<Problem> handWrittenProblems() {
        List<Problem> list = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(mix(SEED, 0xC0FFEEL));
        // A 2x2 input under a 5x5 kernel: every window is mostly padding.
        list.add(problem(
                rnd,
                "kernel larger than input",
                PoolSpec.max(5, 5).stride(1).padding(2).build(),
                "ints",
                true,
                2,
                3,
                2,
                2));
        list.add(problem(
                rnd,
                "kernel larger than input",
                PoolSpec.max(5, 5).stride(2).padding(2).ceilMode(true).build(),
                "specials",
                true,
                1,
                17,
                2,
                2));
        list.add(problem(
                rnd,
                "kernel larger than input",
                PoolSpec.avg(5, 5).stride(1).padding(2).build(),
                "floats",
                true,
                2,
                3,
                2,
                2));
        list.add(problem(
                rnd,
                "kernel larger than input",
                PoolSpec.avg(5, 5).stride(1).padding(2).countIncludePad(false).build(),
                "ints",
                true,
                2,
                7,
                2,
                2));
        list.add(problem(
                rnd,
                "kernel larger than input",
                PoolSpec.lp(2, 5, 5).stride(1).padding(2).build(),
                "floats",
                true,
                1,
                13,
                2,
                2));
        list.add(problem(
                rnd,
                "kernel larger than input 1D",
                PoolSpec.max(5).stride(3).padding(2).build(),
                "ints",
                true,
                3,
                31,
                2));
        // Empty batch: nothing to compute, nothing to break.
        list.add(problem(
                rnd, "empty batch", PoolSpec.max(3, 3).stride(2).padding(1).build(), "ints", true, 0, 3, 7, 9));
        list.add(problem(
                rnd, "empty batch", PoolSpec.avg(3, 3).stride(2).padding(1).build(), "floats", true, 0, 17, 7, 9));
        list.add(problem(rnd, "empty batch", PoolSpec.adaptiveMax(3, 4).build(), "ints", true, 0, 5, 7, 9));
        list.add(problem(rnd, "empty batch", PoolSpec.globalAvg(1).build(), "ints", true, 0, 5, 33));
        // Unbatched inputs (C, spatial...).
        list.add(problem(rnd, "unbatched", PoolSpec.max(2, 2).build(), "ints", false, 1, 5, 6, 17));
        list.add(problem(rnd, "unbatched", PoolSpec.max(3).stride(1).padding(1).build(), "specials", false, 1, 67, 33));
        list.add(problem(
                rnd,
                "unbatched",
                PoolSpec.avg(3, 3, 3)
                        .stride(2)
                        .padding(1)
                        .countIncludePad(false)
                        .build(),
                "floats",
                false,
                1,
                7,
                5,
                6,
                17));
        list.add(problem(rnd, "unbatched", PoolSpec.adaptiveAvg(3, 5).build(), "floats", false, 1, 13, 7, 31));
        // NaN ignored, and the lowest-finite floor (no compact argmax): windows of only -inf / NaN have no winner.
        list.add(problem(
                rnd,
                "nan ignore",
                PoolSpec.max(3, 3)
                        .stride(1)
                        .padding(1)
                        .nanPolicy(NanPolicy.IGNORE)
                        .build(),
                "specials",
                true,
                2,
                17,
                9,
                33));
        list.add(problem(
                rnd,
                "no winner",
                PoolSpec.max(2, 3)
                        .stride(1, 2)
                        .nanPolicy(NanPolicy.IGNORE)
                        .maxFloor(MaxFloor.LOWEST_FINITE)
                        .build(),
                "no-winner",
                true,
                2,
                7,
                8,
                17));
        list.add(problem(
                rnd,
                "no winner",
                PoolSpec.max(3)
                        .stride(2)
                        .padding(1)
                        .maxFloor(MaxFloor.LOWEST_FINITE)
                        .build(),
                "no-winner",
                true,
                2,
                31,
                65));
        list.add(problem(
                rnd,
                "no winner",
                PoolSpec.globalMax(2)
                        .nanPolicy(NanPolicy.IGNORE)
                        .maxFloor(MaxFloor.LOWEST_FINITE)
                        .build(),
                "no-winner",
                true,
                3,
                13,
                2,
                2));
        list.add(problem(
                rnd,
                "no winner",
                PoolSpec.adaptiveMax(2, 3).maxFloor(MaxFloor.LOWEST_FINITE).build(),
                "no-winner",
                true,
                1,
                17,
                5,
                7));
        // Dilation with padding: windows with no tap inside the input (value -inf / 0, no gradient).
        list.add(problem(
                rnd,
                "empty windows",
                PoolSpec.max(3).stride(1).dilation(2).padding(4).build(),
                "ints",
                true,
                2,
                17,
                1));
        list.add(problem(
                rnd,
                "empty windows",
                PoolSpec.avg(3)
                        .stride(1)
                        .dilation(2)
                        .padding(4)
                        .countIncludePad(false)
                        .build(),
                "ints",
                true,
                2,
                3,
                1));
        list.add(problem(
                rnd,
                "empty windows",
                PoolSpec.max(3, 3).stride(1).dilation(2).padding(4).build(),
                "ints",
                true,
                1,
                7,
                1,
                17));
        list.add(problem(
                rnd,
                "empty windows",
                PoolSpec.max(3, 3)
                        .stride(1)
                        .dilation(2)
                        .padding(4)
                        .maxFloor(MaxFloor.LOWEST_FINITE)
                        .build(),
                "ints",
                true,
                1,
                7,
                17,
                1));
        // Global and adaptive operators, adaptive sizes that do not divide the input (or exceed it).
        list.add(problem(rnd, "global", PoolSpec.globalMax(1).build(), "specials", true, 2, 3, 1000));
        list.add(problem(rnd, "global", PoolSpec.globalMax(2).build(), "ints", true, 2, 17, 33, 17));
        list.add(problem(rnd, "global", PoolSpec.globalAvg(3).build(), "floats", true, 2, 5, 3, 9, 65));
        list.add(problem(rnd, "global", PoolSpec.globalLp(3, 2).build(), "floats", true, 2, 13, 7, 33));
        list.add(problem(rnd, "adaptive", PoolSpec.adaptiveMax(3, 4).build(), "ints", true, 2, 5, 10, 7));
        list.add(problem(rnd, "adaptive", PoolSpec.adaptiveAvg(3, 4).build(), "floats", true, 2, 17, 10, 7));
        list.add(problem(rnd, "adaptive", PoolSpec.adaptiveMax(5).build(), "specials", true, 2, 31, 17));
        list.add(problem(rnd, "adaptive", PoolSpec.adaptiveMax(5, null).build(), "ints", true, 1, 3, 3, 33));
        list.add(problem(rnd, "adaptive", PoolSpec.adaptiveAvg(2, 3, 4).build(), "floats", true, 2, 3, 5, 7, 9));
        list.add(problem(
                rnd,
                "adaptive",
                PoolSpec.adaptiveMax(2, 3, 4).nanPolicy(NanPolicy.IGNORE).build(),
                "specials",
                true,
                2,
                13,
                5,
                7,
                9));
        // Average pooling rules.
        list.add(problem(
                rnd,
                "divisor override",
                PoolSpec.avg(3, 3).stride(2).padding(1).divisorOverride(7).build(),
                "ints",
                true,
                2,
                17,
                9,
                33));
        list.add(problem(
                rnd, "divisor override", PoolSpec.avg(2).divisorOverride(-2).build(), "floats", true, 2, 3, 65));
        list.add(problem(
                rnd,
                "ceil mode",
                PoolSpec.avg(3, 3)
                        .stride(2)
                        .padding(1)
                        .ceilMode(true)
                        .countIncludePad(true)
                        .build(),
                "ints",
                true,
                2,
                7,
                8,
                16));
        list.add(problem(
                rnd,
                "ceil mode",
                PoolSpec.avg(3, 3)
                        .stride(2)
                        .padding(1)
                        .ceilMode(true)
                        .countIncludePad(false)
                        .build(),
                "ints",
                true,
                2,
                7,
                8,
                16));
        list.add(problem(
                rnd, "ceil mode", PoolSpec.max(2, 2).stride(2).ceilMode(true).build(), "ints", true, 2, 31, 9, 17));
        // Lp in both modes (backward: channels-last norm mode on cl-*, channels-first on the variant kernel).
        list.add(problem(rnd, "lp", PoolSpec.lp(2, 3, 3).stride(2).padding(1).build(), "floats", true, 2, 17, 9, 33));
        list.add(problem(rnd, "lp", PoolSpec.lp(1, 2, 3).stride(1).build(), "ints", true, 2, 3, 9, 17));
        list.add(problem(
                rnd,
                "lp",
                PoolSpec.lp(2, 3, 3)
                        .stride(2)
                        .lpMode(LpMode.PYTORCH)
                        .ceilMode(true)
                        .build(),
                "floats",
                true,
                2,
                7,
                9,
                31));
        // Large strides and the widest tails.
        list.add(problem(rnd, "stride 5", PoolSpec.max(5, 5).stride(5).build(), "ints", true, 2, 13, 11, 65));
        list.add(problem(
                rnd, "stride 5", PoolSpec.avg(4, 4).stride(5).padding(1).build(), "floats", true, 2, 13, 11, 65));
        list.add(problem(
                rnd,
                "3D tails",
                PoolSpec.max(2, 3, 3).stride(1, 2, 2).padding(0, 1, 1).build(),
                "ints",
                true,
                2,
                17,
                3,
                5,
                33));
        // The flat path of the channels-first kernel, case by case: chunks spanning many narrow
        // planes, planes larger than a chunk, rows shorter than a vector, the input itself as the
        // buffer (1D, no fix-ups), runs of stride-1 rows, fix-up columns on both sides, windows that
        // reach past a buffer row (refused: the row path runs), 3D taps, and average backward by
        // transposed windows (stride 1, with and without padding, dilated).
        list.add(problem(
                rnd, "flat: many narrow planes", PoolSpec.max(2, 2).stride(2).build(), "floats", true, 3, 97, 14, 14));
        list.add(problem(
                rnd,
                "flat: plane larger than a chunk",
                PoolSpec.max(3, 3).stride(2).padding(1).build(),
                "specials",
                true,
                1,
                2,
                90,
                131));
        list.add(problem(
                rnd,
                "flat: rows shorter than a vector",
                PoolSpec.max(3, 3).stride(1).padding(1).build(),
                "ints",
                true,
                2,
                41,
                7,
                7));
        list.add(problem(
                rnd, "flat: 1D input as buffer", PoolSpec.max(4).stride(4).build(), "floats", true, 3, 5, 4096));
        list.add(problem(
                rnd, "flat: 1D input as buffer, avg", PoolSpec.avg(2).stride(2).build(), "floats", true, 2, 3, 100));
        list.add(problem(
                rnd,
                "flat: stride-1 runs, avg",
                PoolSpec.avg(3, 3).stride(1).padding(1).countIncludePad(false).build(),
                "floats",
                true,
                2,
                9,
                35,
                35));
        list.add(problem(
                rnd,
                "flat: fix-ups both sides",
                PoolSpec.max(5, 5).stride(3).padding(2).ceilMode(true).build(),
                "specials",
                true,
                2,
                5,
                23,
                29));
        list.add(problem(
                rnd,
                "flat: windows past a buffer row",
                PoolSpec.max(3, 3).stride(1).build(),
                "ints",
                true,
                2,
                64,
                4,
                4));
        list.add(problem(rnd, "flat: width 1", PoolSpec.max(4, 1).stride(4, 1).build(), "floats", true, 2, 33, 118, 1));
        list.add(problem(
                rnd, "flat: 3D k2 s2", PoolSpec.max(2, 2, 2).stride(2).build(), "specials", true, 2, 7, 6, 10, 18));
        list.add(problem(
                rnd,
                "flat: 3D k3 s2 avg",
                PoolSpec.avg(3, 3, 3).stride(2).padding(1).build(),
                "floats",
                true,
                1,
                5,
                9,
                12,
                12));
        list.add(problem(
                rnd,
                "flat: avg backward dilated",
                PoolSpec.avg(3, 3).stride(1).padding(1).dilation(2).build(),
                "floats",
                true,
                2,
                6,
                19,
                37));
        list.add(problem(
                rnd, "flat: avg backward valid", PoolSpec.avg(2, 3).stride(1).build(), "floats", true, 2, 6, 20, 17));
        // Windows reaching past the ow * stride floats a buffer row keeps run on rows iw (or the next
        // multiple of the stride) floats apart: stride 1 without right padding, strides that do not divide the
        // row, dilation, left padding only, rows shorter and longer than a vector, 1-D to 3-D, max and average.
        list.add(problem(
                rnd,
                "wide: max s1 left pad only",
                PoolSpec.max(4, 3)
                        .stride(1)
                        .padding(new int[] {0, 1}, new int[] {0, 0})
                        .build(),
                "specials",
                true,
                2,
                5,
                20,
                15));
        list.add(problem(
                rnd, "wide: max s1 tiny planes", PoolSpec.max(3, 3).stride(1).build(), "ints", true, 2, 9, 4, 4));
        list.add(problem(
                rnd, "wide: max s2 k6 odd width", PoolSpec.max(4, 6).stride(2).build(), "floats", true, 2, 3, 37, 33));
        list.add(problem(
                rnd,
                "wide: max s3 dilated",
                PoolSpec.max(2, 4).stride(3).dilation(1, 2).build(),
                "specials",
                true,
                1,
                4,
                11,
                40));
        list.add(problem(
                rnd,
                "wide: avg s1 valid long rows",
                PoolSpec.avg(3, 3).stride(1).build(),
                "floats",
                true,
                1,
                3,
                9,
                70));
        list.add(problem(
                rnd,
                "wide: avg s2 right pad short",
                PoolSpec.avg(3, 5)
                        .stride(2)
                        .padding(new int[] {1, 2}, new int[] {0, 0})
                        .countIncludePad(false)
                        .build(),
                "floats",
                true,
                2,
                3,
                13,
                21));
        list.add(problem(rnd, "wide: max 1D s1", PoolSpec.max(5).stride(1).build(), "ints", true, 3, 4, 23));
        // Small planes whose edge columns are many (padding): buffer rows that carry their pad lanes.
        list.add(problem(
                rnd,
                "padded: max k5 p2 13x13",
                PoolSpec.max(5, 5).stride(1).padding(2).build(),
                "specials",
                true,
                2,
                5,
                13,
                13));
        list.add(problem(
                rnd,
                "padded: avg k5 p2 exclude pad",
                PoolSpec.avg(5, 5).stride(1).padding(2).countIncludePad(false).build(),
                "floats",
                true,
                2,
                3,
                13,
                13));
        list.add(problem(
                rnd,
                "padded: max dilated k3 p2",
                PoolSpec.max(3, 3).stride(1).padding(2).dilation(2).build(),
                "ints",
                true,
                1,
                4,
                9,
                11));
        list.add(problem(
                rnd,
                "padded: max s2 p1 7x7",
                PoolSpec.max(3, 3).stride(2).padding(1).build(),
                "specials",
                true,
                2,
                6,
                7,
                7));
        list.add(problem(
                rnd,
                "padded: avg s1 p1 8x8",
                PoolSpec.avg(3, 3).stride(1).padding(1).build(),
                "floats",
                true,
                3,
                4,
                8,
                8));
        list.add(problem(
                rnd, "wide: max 3D s1", PoolSpec.max(2, 2, 3).stride(1).build(), "specials", true, 1, 3, 4, 5, 17));
        return list;
    }

    private static Problem problem(
            SplittableRandom master,
            String what,
            PoolSpec spec,
            String mode,
            boolean batched,
            int n,
            int c,
            int... spatial) {
        long caseSeed = master.nextLong();
        SplittableRandom rnd = new SplittableRandom(caseSeed);
        int lead = batched ? 1 : 0;
        int[] shape = new int[spatial.length + 1 + lead];
        if (batched) shape[0] = n;
        shape[lead] = c;
        System.arraycopy(spatial, 0, shape, lead + 1, spatial.length);
        String label = what + ": " + describe(spec) + " x" + Arrays.toString(shape) + (batched ? "" : " unbatched")
                + " values=" + mode + " caseSeed=" + caseSeed;
        return new Problem(label, spec, randomTensor(rnd, mode, shape), batched, rnd);
    }

    /** A random problem whose last axis has {@code width} elements, or null when the draw is invalid. */
    private static Problem randomProblem(SplittableRandom rnd, int width, long caseSeed, int attempt) {
        int rank = chance(rnd, 0.35) ? 1 : chance(rnd, 0.6) ? 2 : 3;
        int[] in = new int[rank];
        in[rank - 1] = width;
        if (rank >= 2) in[rank - 2] = 1 + rnd.nextInt(8);
        if (rank == 3) in[0] = 1 + rnd.nextInt(4);
        String opName =
                pick(rnd, new String[] {"max", "avg", "lp", "gmax", "gavg", "glp", "amax", "aavg"}, new double[] {
                    0.36, 0.25, 0.08, 0.05, 0.05, 0.03, 0.10, 0.08
                });
        PoolSpec spec;
        try {
            spec = randomSpec(rnd, opName, in);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int c = CHANNELS[rnd.nextInt(CHANNELS.length)];
        double u = rnd.nextDouble();
        int n = u < 0.04 ? 0 : u < 0.55 ? 1 : 1 + rnd.nextInt(3);
        boolean batched = n != 1 || chance(rnd, 0.6);
        long plane = 1;
        for (int v : in) plane *= v;
        while (c > 1 && (long) Math.max(n, 1) * c * plane > 40_000) c = c / 2;
        int lead = batched ? 1 : 0;
        int[] shape = new int[rank + 1 + lead];
        if (batched) shape[0] = n;
        shape[lead] = c;
        System.arraycopy(in, 0, shape, lead + 1, rank);
        try {
            Pooling.geometry(spec, Tensor.zeros(shape)); // the window must fit
        } catch (IllegalArgumentException e) {
            return null;
        }
        String mode = pick(
                rnd, new String[] {"ints", "floats", "specials", "no-winner"}, new double[] {0.4, 0.3, 0.25, 0.05});
        if (spec.op() == PoolOp.LP && spec.lpMode() == LpMode.PYTORCH) mode = chance(rnd, 0.5) ? "ints" : "floats";
        String label =
                "width " + width + ": " + describe(spec) + " x" + Arrays.toString(shape) + (batched ? "" : " unbatched")
                        + " values=" + mode + " caseSeed=" + caseSeed + (attempt > 0 ? " draw " + attempt : "");
        return new Problem(label, spec, randomTensor(rnd, mode, shape), batched, rnd);
    }

    private static PoolSpec randomSpec(SplittableRandom rnd, String op, int[] in) {
        int rank = in.length;
        switch (op) {
            case "gmax":
                return PoolSpec.globalMax(rank)
                        .nanPolicy(nanPolicy(rnd))
                        .maxFloor(maxFloor(rnd))
                        .build();
            case "gavg":
                return PoolSpec.globalAvg(rank).build();
            case "glp":
                return PoolSpec.globalLp(1 + rnd.nextInt(3), rank).build();
            case "amax":
            case "aavg": {
                Integer[] out = new Integer[rank];
                for (int a = 0; a < rank; a++) out[a] = chance(rnd, 0.1) ? null : 1 + rnd.nextInt(in[a] + 3);
                return op.equals("amax")
                        ? PoolSpec.adaptiveMax(out)
                                .nanPolicy(nanPolicy(rnd))
                                .maxFloor(maxFloor(rnd))
                                .build()
                        : PoolSpec.adaptiveAvg(out).build();
            }
            default:
                break;
        }
        boolean torch = op.equals("lp") && chance(rnd, 0.3);
        int[] k = new int[rank];
        int[] s = new int[rank];
        int[] d = new int[rank];
        int[] pb = new int[rank];
        int[] pe = new int[rank];
        boolean symmetric = chance(rnd, 0.7);
        for (int a = 0; a < rank; a++) {
            // Mostly small kernels; sometimes one larger than the axis, reached through padding.
            k[a] = chance(rnd, 0.1) ? in[a] + 1 + rnd.nextInt(3) : 1 + rnd.nextInt(5);
            s[a] = chance(rnd, 0.25) ? Math.min(k[a], 5) : 1 + rnd.nextInt(5);
            d[a] = torch || chance(rnd, 0.7) ? 1 : 2;
            int kEff = d[a] * (k[a] - 1) + 1;
            if (!torch && chance(rnd, 0.55)) {
                pb[a] = rnd.nextInt(kEff);
                pe[a] = symmetric ? pb[a] : rnd.nextInt(kEff);
            }
        }
        PoolSpec.Builder b;
        if (op.equals("max")) {
            b = PoolSpec.max(k).nanPolicy(nanPolicy(rnd)).maxFloor(maxFloor(rnd));
        } else if (op.equals("avg")) {
            b = PoolSpec.avg(k).countIncludePad(chance(rnd, 0.5));
            if (chance(rnd, 0.15)) b.divisorOverride(new int[] {1, 3, 7, -2}[rnd.nextInt(4)]);
        } else if (torch) {
            b = PoolSpec.lp(2, k).lpMode(LpMode.PYTORCH);
        } else {
            b = PoolSpec.lp(new double[] {1, 2, 3, 1.5}[rnd.nextInt(4)], k);
        }
        return b.stride(s)
                .dilation(d)
                .padding(pb, pe)
                .ceilMode(chance(rnd, 0.3))
                .build();
    }

    private static NanPolicy nanPolicy(SplittableRandom rnd) {
        return chance(rnd, 0.25) ? NanPolicy.IGNORE : NanPolicy.PROPAGATE;
    }

    private static MaxFloor maxFloor(SplittableRandom rnd) {
        return chance(rnd, 0.15) ? MaxFloor.LOWEST_FINITE : MaxFloor.NEGATIVE_INFINITY;
    }

    // =============================================================================================
    // The comparison of one problem
    // =============================================================================================

    /** One problem: a spec and a channels-first input (batched or not) with its random source. */
    static final class Problem {
        final String label;
        final PoolSpec spec;
        final Tensor x;
        final boolean batched;
        final SplittableRandom rnd;

        Problem(String label, PoolSpec spec, Tensor x, boolean batched, SplittableRandom rnd) {
            this.label = label;
            this.spec = spec;
            this.x = x;
            this.batched = batched;
            this.rnd = rnd;
        }
    }

    /** What the reference kernel gives, channels-first. */
    static final class Expected {
        Tensor y;
        LongTensor indices;
        Tensor gradOut;
        Tensor gradWithIndices;
        Tensor gradRecomputed;
    }

    /** The fast kernels: every kernel of the dispatcher but the reference. */
    static List<PoolKernel> fastKernels() {
        List<PoolKernel> list = new ArrayList<>();
        for (PoolKernel k : Kernels.all()) {
            // The variant kernel takes none of the operators compared here but Lp backward; its own
            // test (VariantKernelTest) compares it with the reference.
            if (!k.name().equals(ReferenceKernel.NAME) && !k.name().equals(VariantKernel.NAME)) list.add(k);
        }
        return list;
    }

    private static void force(String forward, String backward) {
        System.setProperty(Kernels.FORCE_PROPERTY, forward);
        System.setProperty(Kernels.FORCE_BACKWARD_PROPERTY, backward);
    }

    private static void unforce() {
        System.clearProperty(Kernels.FORCE_PROPERTY);
        System.clearProperty(Kernels.FORCE_BACKWARD_PROPERTY);
    }

    static Expected expected(Problem p) {
        PoolSpec spec = p.spec;
        boolean max = spec.op().isMaxType();
        Expected e = new Expected();
        force(ReferenceKernel.NAME, ReferenceKernel.NAME);
        try {
            Pooled r = max ? Pooling.forwardWithIndices(spec, p.x) : null;
            e.y = max ? r.values() : Pooling.forward(spec, p.x);
            e.indices = max ? r.indices() : null;
            assertEquals(ReferenceKernel.NAME, max ? r.kernel() : Pooling.kernelFor(spec, p.x, false));
            // Output gradients: multiples of 1/8 in [-8, 8], so sums of them are exact in any order.
            float[] go = new float[e.y.size()];
            for (int i = 0; i < go.length; i++) go[i] = (p.rnd.nextInt(129) - 64) / 8f;
            e.gradOut = new Tensor(go, e.y.shape(), Layout.CHANNELS_FIRST);
            // Lp backward too: channels-last Lp backward runs on cl-* (channels-first on the variant kernel).
            if (Pooling.geometry(spec, p.x).outPlane() > 0) {
                e.gradRecomputed = Pooling.backward(spec, p.x, e.gradOut);
                if (max) e.gradWithIndices = Pooling.backward(spec, p.x, e.gradOut, e.indices);
            }
        } finally {
            unforce();
        }
        return e;
    }

    /** Runs every comparison of {@code p} for every fast kernel and both layouts. */
    static void check(Problem p, Tally t) {
        Expected e;
        try {
            e = expected(p);
        } catch (RuntimeException ex) {
            t.failure("seed " + SEED + ", case {" + p.label + "}: the reference kernel failed: " + ex);
            return;
        }
        PoolSpec spec = p.spec;
        boolean max = spec.op().isMaxType();
        boolean compactArgmax = max && spec.maxFloor() == MaxFloor.NEGATIVE_INFINITY;
        int r = spec.rank();
        for (Layout layout : Layout.values()) {
            Tensor x = toLayout(p.x, layout, p.batched);
            Geometry g = Pooling.geometry(spec, x);
            Tensor y = toLayout(e.y, layout, p.batched);
            Tensor gradOut = toLayout(e.gradOut, layout, p.batched);
            LongTensor indices = e.indices == null ? null : e.indices.toLayout(layout, p.batched);
            for (PoolKernel k : fastKernels()) {
                String ctx = "seed " + SEED + ", case {" + p.label + "}, " + layout + ", kernel " + k.name();
                boolean fwd = k.declines(g, false) == null;
                boolean bwd = k.declines(g, true) == null && e.gradRecomputed != null;
                if (!fwd) t.ran("declined forward");
                if (k.declines(g, true) != null) t.ran("declined backward");
                force(k.name(), k.name());
                try {
                    if (fwd) {
                        Tensor out = filled(y.shape(), layout, Float.NaN);
                        t.ranAs(
                                "forward",
                                k,
                                () -> {
                                    assertEquals(k.name(), Pooling.forwardInto(spec, x, out, 0), "kernel that ran");
                                    return max ? diffExact(y, out, layout, r) : diffClose(y, out, layout, r);
                                },
                                ctx);
                        if (max) {
                            t.ranAs(
                                    "indices",
                                    k,
                                    () -> {
                                        Pooled res = Pooling.forwardWithIndices(spec, x);
                                        assertEquals(k.name(), res.kernel(), "kernel that ran");
                                        String d = diffExact(y, res.values(), layout, r);
                                        return d != null
                                                ? "values " + d
                                                : diffIndices(indices, res.indices(), "indices", r);
                                    },
                                    ctx);
                        }
                        if (compactArgmax) {
                            Argmax[] holder = new Argmax[1];
                            t.ranAs(
                                    "argmax forward",
                                    k,
                                    () -> {
                                        Tensor o = filled(y.shape(), layout, Float.NaN);
                                        holder[0] = Pooling.forwardArgmax(spec, x, o, 0);
                                        String d = diffExact(y, o, layout, r);
                                        return d != null
                                                ? "values " + d
                                                : diffIndices(indices, holder[0].toIndices(), "argmax.toIndices()", r);
                                    },
                                    ctx);
                            if (bwd && holder[0] != null) {
                                Argmax a = holder[0];
                                t.ranAs(
                                        "argmax backward",
                                        k,
                                        () -> {
                                            Tensor gi = filled(x.shape(), layout, Float.NaN);
                                            assertEquals(
                                                    k.name(),
                                                    Pooling.backwardInto(a, gradOut, gi, 0),
                                                    "kernel that ran");
                                            return diffExact(
                                                    toLayout(e.gradWithIndices, layout, p.batched), gi, layout, r);
                                        },
                                        ctx);
                            }
                        }
                    }
                    if (bwd && max) {
                        t.ranAs(
                                "backward (indices)",
                                k,
                                () -> {
                                    Tensor gi = filled(x.shape(), layout, Float.NaN);
                                    assertEquals(
                                            k.name(),
                                            Pooling.backwardInto(spec, x, gradOut, indices, gi, 0),
                                            "kernel that ran");
                                    return diffExact(toLayout(e.gradWithIndices, layout, p.batched), gi, layout, r);
                                },
                                ctx);
                        t.ranAs(
                                "backward (recomputed)",
                                k,
                                () -> diffExact(
                                        toLayout(e.gradRecomputed, layout, p.batched),
                                        Pooling.backward(spec, x, gradOut),
                                        layout,
                                        r),
                                ctx);
                    } else if (bwd) {
                        t.ranAs(
                                "backward (avg)",
                                k,
                                () -> {
                                    Tensor gi = filled(x.shape(), layout, Float.NaN);
                                    assertEquals(
                                            k.name(),
                                            Pooling.backwardInto(spec, x, gradOut, null, gi, 0),
                                            "kernel that ran");
                                    return diffClose(toLayout(e.gradRecomputed, layout, p.batched), gi, layout, r);
                                },
                                ctx);
                    }
                } finally {
                    unforce();
                }
            }
        }
    }

    /** Comparison counts per kind and per kernel, and the first failures. */
    static final class Tally {
        interface Comparison {
            /** null when equal, else what differs. */
            String run();
        }

        final String name;
        final Map<String, Integer> counts = new TreeMap<>();
        final Map<String, Integer> perKernel = new TreeMap<>();
        final List<String> failures = new ArrayList<>();
        /** Failures grouped by kind (what was compared, kernel, layout, the difference without its numbers). */
        final Map<String, Integer> kinds = new TreeMap<>();

        int failureCount;

        Tally(String name) {
            this.name = name;
        }

        void ran(String what) {
            counts.merge(what, 1, Integer::sum);
        }

        void failure(String message) {
            failureCount++;
            if (failures.size() < 10) failures.add(message);
        }

        /** Runs one comparison; a difference or an exception is recorded as a failure with {@code ctx}. */
        void ranAs(String what, PoolKernel k, Comparison c, String ctx) {
            ran(what);
            perKernel.merge(k.name() + " " + what, 1, Integer::sum);
            String d;
            try {
                d = c.run();
            } catch (Throwable ex) {
                java.io.StringWriter sw = new java.io.StringWriter();
                ex.printStackTrace(new java.io.PrintWriter(sw));
                d = "threw " + sw.toString().lines().limit(5).reduce("", (a, b) -> a + "\n      " + b);
            }
            if (d != null) {
                failure(ctx + ": " + what + ": " + d);
                String layout = ctx.contains("CHANNELS_LAST") ? "CHANNELS_LAST" : "CHANNELS_FIRST";
                String kind = k.name() + " " + layout + " " + what + ": "
                        + d.lines()
                                .limit(3)
                                .reduce("", (a, b) -> a + " " + b.trim())
                                .replaceAll("-?[0-9][0-9.E-]*", "#")
                                .replaceAll("\\(n=[^)]*\\)", "")
                                .trim();
                kinds.merge(kind, 1, Integer::sum);
            }
        }

        void assertClean() {
            if (failureCount > 0) {
                StringBuilder byKind = new StringBuilder();
                kinds.forEach((kind, count) ->
                        byKind.append("\n  ").append(count).append(" x ").append(kind));
                fail(name + ": " + failureCount + " comparisons failed; by kind:" + byKind + "\nthe first:\n  "
                        + String.join("\n  ", failures));
            }
        }

        /**
         * Every kind must have run at least as often as given, and every fast kernel must have run
         * each kind its layout can take (so a kernel silently skipped would be noticed).
         */
        void assertAtLeast(Map<String, Integer> minimum) {
            for (Map.Entry<String, Integer> m : minimum.entrySet()) {
                int got = counts.getOrDefault(m.getKey(), 0);
                assertTrue(
                        got >= m.getValue(),
                        name + ": only " + got + " '" + m.getKey() + "' comparisons ran (want >= " + m.getValue()
                                + "): " + this);
                if (m.getKey().startsWith("declined")) continue;
                for (PoolKernel k : fastKernels()) {
                    int kc = perKernel.getOrDefault(k.name() + " " + m.getKey(), 0);
                    assertTrue(
                            kc >= m.getValue() / (2 * fastKernels().size()),
                            name + ": kernel " + k.name() + " ran only " + kc + " '" + m.getKey() + "' comparisons: "
                                    + this);
                }
            }
            if (Boolean.parseBoolean(System.getProperty("pooling4j.expect.simd", "false"))) {
                assertTrue(
                        perKernel.containsKey("cf-simd forward") && perKernel.containsKey("cl-simd forward"),
                        "the SIMD kernels were expected in this run: " + Pooling.vectorization());
            }
        }

        @Override
        public String toString() {
            return "comparisons " + counts + ", per kernel " + perKernel;
        }
    }

    // =============================================================================================
    // Thread-count independence
    // =============================================================================================

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        SplittableRandom master = new SplittableRandom(mix(SEED, 0x7EADL));
        Object[][] problems = {
            {"max k3 s2 p1 64x64", PoolSpec.max(3, 3).stride(2).padding(1).build(), new int[] {4, 24, 64, 64}},
            {
                "avg k3 s1 p1 exclude-pad 64x64",
                PoolSpec.avg(3, 3).stride(1).padding(1).countIncludePad(false).build(),
                new int[] {4, 24, 64, 64}
            },
            {"max 3D k2 s2", PoolSpec.max(2, 2, 2).stride(2).build(), new int[] {2, 8, 16, 24, 24}},
            {"max 1D k4 s4", PoolSpec.max(4).stride(4).build(), new int[] {4, 24, 2048}},
            // Averages of non-integer values, whose float sums show any change of order; odd plane counts,
            // so that the threads' chunks start at odd planes too.
            {"global avg 7x7 floats", PoolSpec.globalAvg(2).build(), new int[] {31, 65, 7, 7}, "floats"},
            {"avg k7 on 7x7 floats", PoolSpec.avg(7, 7).build(), new int[] {31, 65, 7, 7}, "floats"},
            {"adaptive avg 14 to 7 floats", PoolSpec.adaptiveAvg(7, 7).build(), new int[] {8, 41, 14, 14}, "floats"},
        };
        int compared = 0;
        List<String> failures = new ArrayList<>();
        for (Object[] pr : problems) {
            PoolSpec spec = (PoolSpec) pr[1];
            int[] shape = (int[]) pr[2];
            long caseSeed = master.nextLong();
            SplittableRandom rnd = new SplittableRandom(caseSeed);
            Tensor xCf = randomTensor(rnd, pr.length > 3 ? (String) pr[3] : "ints", shape);
            Geometry gCf = Pooling.geometry(spec, xCf);
            // Above the threshold, so that the calls below really split their work.
            assertTrue(
                    4L * (gCf.inputElements() + gCf.outputElements()) >= Parallel.WORK_THRESHOLD_BYTES,
                    pr[0] + " is below the work threshold");
            float[] go = new float[gCf.outputElements()];
            for (int i = 0; i < go.length; i++) go[i] = (rnd.nextInt(129) - 64) / 8f;
            Tensor gradOutCf = new Tensor(go, gCf.outputShape(), Layout.CHANNELS_FIRST);
            for (Layout layout : Layout.values()) {
                Tensor x = toLayout(xCf, layout, true);
                Tensor gradOut = toLayout(gradOutCf, layout, true);
                Geometry g = Pooling.geometry(spec, x);
                for (PoolKernel k : fastKernels()) {
                    if (k.declines(g, false) != null) continue;
                    force(k.name(), k.name());
                    try {
                        Map<String, Object> one = runWithThreads(spec, x, gradOut, 1);
                        for (int threads : new int[] {2, 4, 8}) {
                            Map<String, Object> many = runWithThreads(spec, x, gradOut, threads);
                            for (Map.Entry<String, Object> r : one.entrySet()) {
                                compared++;
                                if (!sameBits(r.getValue(), many.get(r.getKey()))) {
                                    failures.add("seed " + SEED + ", caseSeed " + caseSeed + ", " + pr[0] + " "
                                            + Arrays.toString(shape) + " " + layout + ", kernel " + k.name() + ": "
                                            + r.getKey() + " with " + threads + " threads differs from 1 thread");
                                }
                            }
                        }
                    } finally {
                        unforce();
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        // Each problem x 2 layouts x each kernel of that layout x 3 thread counts x at least 2 results.
        assertTrue(
                compared >= problems.length * 2 * (fastKernels().size() / 2) * 3 * 2,
                "only " + compared + " thread comparisons ran");
    }

    /** Every result of the preallocated-output entry points with {@code threads} threads. */
    private static Map<String, Object> runWithThreads(PoolSpec spec, Tensor x, Tensor gradOut, int threads) {
        Map<String, Object> r = new TreeMap<>();
        Geometry g = Pooling.geometry(spec, x);
        Tensor out = filled(g.outputShape(), x.layout(), Float.NaN);
        boolean max = spec.op().isMaxType();
        LongTensor idx = max ? new LongTensor(new long[g.outputElements()], g.outputShape(), x.layout()) : null;
        Pooling.forwardInto(spec, x, out, idx, threads);
        r.put("forward values", out.data());
        Tensor gi = filled(g.inputShape(), x.layout(), Float.NaN);
        Pooling.backwardInto(spec, x, gradOut, null, gi, threads);
        r.put(max ? "backward (recomputed)" : "backward", gi.data());
        if (max) {
            r.put("forward indices", idx.data());
            Tensor gi2 = filled(g.inputShape(), x.layout(), Float.NaN);
            Pooling.backwardInto(spec, x, gradOut, idx, gi2, threads);
            r.put("backward (indices)", gi2.data());
            Tensor out2 = filled(g.outputShape(), x.layout(), Float.NaN);
            Argmax a = Pooling.forwardArgmax(spec, x, out2, threads);
            r.put("argmax values", out2.data());
            r.put("argmax indices", a.toIndices().data());
            Tensor gi3 = filled(g.inputShape(), x.layout(), Float.NaN);
            Pooling.backwardInto(a, gradOut, gi3, threads);
            r.put("argmax backward", gi3.data());
        }
        return r;
    }

    private static boolean sameBits(Object a, Object b) {
        if (a instanceof long[]) return Arrays.equals((long[]) a, (long[]) b);
        float[] x = (float[]) a;
        float[] y = (float[]) b;
        if (x.length != y.length) return false;
        for (int i = 0; i < x.length; i++) {
            if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) return false;
        }
        return true;
    }

    // =============================================================================================
    // Argument checks of the preallocated-output entry points
    // =============================================================================================

    @Test
    void newEntryPointsCheckTheirArgumentsBeforeWritingAnything() {
        SplittableRandom rnd = new SplittableRandom(mix(SEED, 0xA5L));
        PoolSpec max = PoolSpec.max(3, 3).stride(2).padding(1).build();
        Tensor x = randomTensor(rnd, "ints", new int[] {2, 3, 9, 9});
        float[] xCopy = x.data().clone();
        Geometry g = Pooling.geometry(max, x);
        Tensor out = filled(g.outputShape(), Layout.CHANNELS_FIRST, 42f);
        LongTensor idx = new LongTensor(new long[g.outputElements()], g.outputShape(), Layout.CHANNELS_FIRST);
        Arrays.fill(idx.data(), 42);
        Tensor gradOut = filled(g.outputShape(), Layout.CHANNELS_FIRST, 0.5f);
        Tensor gradIn = filled(g.inputShape(), Layout.CHANNELS_FIRST, 42f);
        Argmax argmax = Pooling.forwardArgmax(max, x, Tensor.zeros(g.outputShape()), 1);
        LongTensor goodIdx = Pooling.forwardWithIndices(max, x).indices();

        for (int threads : new int[] {-1, 257}) {
            rejects("threads", () -> Pooling.forwardInto(max, x, out, threads));
            rejects("threads", () -> Pooling.forwardInto(max, x, out, idx, threads));
            rejects("threads", () -> Pooling.forwardArgmax(max, x, out, threads));
            rejects("threads", () -> Pooling.backwardInto(argmax, gradOut, gradIn, threads));
            rejects("threads", () -> Pooling.backwardInto(max, x, gradOut, null, gradIn, threads));
            rejects("threads", () -> Pooling.backwardInto(max, x, gradOut, goodIdx, gradIn, threads));
        }
        // The output of the wrong shape (one row too many).
        int[] wrongOut = g.outputShape();
        wrongOut[2]++;
        Tensor badOut = filled(wrongOut, Layout.CHANNELS_FIRST, 42f);
        rejects("output", () -> Pooling.forwardInto(max, x, badOut, 1));
        rejects("output", () -> Pooling.forwardArgmax(max, x, badOut, 1));
        assertAll42(badOut.data());
        // An output sharing the input's array (a spec whose output has the input's shape).
        PoolSpec same = PoolSpec.max(3, 3).stride(1).padding(1).build();
        rejects("output", () -> Pooling.forwardInto(same, x, x, 1));
        rejects(
                "output",
                () -> Pooling.forwardInto(same, x, new Tensor(x.data(), x.shape(), Layout.CHANNELS_FIRST), null, 1));
        rejects("output", () -> Pooling.forwardArgmax(same, x, x, 1));
        // A gradient of the input with the wrong shape.
        int[] wrongIn = g.inputShape();
        wrongIn[3]--;
        Tensor badGradIn = filled(wrongIn, Layout.CHANNELS_FIRST, 42f);
        rejects("gradInput", () -> Pooling.backwardInto(max, x, gradOut, null, badGradIn, 1));
        rejects("gradInput", () -> Pooling.backwardInto(max, x, gradOut, goodIdx, badGradIn, 1));
        rejects("gradInput", () -> Pooling.backwardInto(argmax, gradOut, badGradIn, 1));
        assertAll42(badGradIn.data());
        // No compact argmax for average pooling, nor for the lowest-finite floor (it has no "no winner" entry).
        rejects(
                "spec",
                () -> Pooling.forwardArgmax(
                        PoolSpec.avg(3, 3).stride(2).padding(1).build(), x, out, 1));
        rejects(
                "spec",
                () -> Pooling.forwardArgmax(
                        max.toBuilder().maxFloor(MaxFloor.LOWEST_FINITE).build(), x, out, 1));
        // The library-wide thread count.
        int before = Pooling.threads();
        rejects("threads", () -> Pooling.setThreads(0));
        rejects("threads", () -> Pooling.setThreads(257));
        assertEquals(before, Pooling.threads());
        // Nothing was written by any refused call.
        assertAll42(out.data());
        for (long v : idx.data()) assertEquals(42, v);
        assertAll42(gradIn.data());
        assertArrayEquals(xCopy, x.data());
    }

    private static void rejects(String parameter, Executable call) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, call, "a bad " + parameter + " was accepted");
        assertTrue(
                e.getMessage().startsWith(parameter + " ") || e.getMessage().startsWith(parameter + "="),
                "the message should name " + parameter + ": " + e.getMessage());
    }

    private static void assertAll42(float[] a) {
        for (int i = 0; i < a.length; i++) assertEquals(42f, a[i], "element " + i + " was written by a refused call");
    }

    // =============================================================================================
    // Helpers
    // =============================================================================================

    static long mix(long seed, long salt) {
        return new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (salt + 1))).nextLong();
    }

    static boolean chance(SplittableRandom rnd, double p) {
        return rnd.nextDouble() < p;
    }

    static String pick(SplittableRandom rnd, String[] names, double[] weights) {
        double u = rnd.nextDouble();
        for (int i = 0; i < names.length - 1; i++) {
            if (u < weights[i]) return names[i];
            u -= weights[i];
        }
        return names[names.length - 1];
    }

    /** The spec and, for max-type operators, the floor (which the spec's text leaves out). */
    static String describe(PoolSpec spec) {
        return spec + (spec.op().isMaxType() ? " floor=" + spec.maxFloor() : "");
    }

    /**
     * A channels-first tensor of {@code shape} with values of the given mode: {@code ints} (-3..3,
     * some zeros as -0.0: many ties), {@code floats} in [-1, 1), {@code specials} (NaN, +-inf, -0.0
     * among integers and floats), {@code no-winner} (mostly -inf and NaN, so that some windows have
     * no finite element).
     */
    static Tensor randomTensor(SplittableRandom rnd, String mode, int[] shape) {
        float[] v = new float[Check.elementCount(shape, "shape")];
        for (int i = 0; i < v.length; i++) v[i] = value(rnd, mode);
        return new Tensor(v, shape, Layout.CHANNELS_FIRST);
    }

    private static float value(SplittableRandom rnd, String mode) {
        switch (mode) {
            case "ints": {
                int v = rnd.nextInt(7) - 3;
                return v == 0 && rnd.nextInt(3) == 0 ? -0f : v;
            }
            case "floats":
                return (float) (rnd.nextDouble() * 2 - 1);
            case "no-winner": {
                double u = rnd.nextDouble();
                if (u < 0.5) return Float.NEGATIVE_INFINITY;
                if (u < 0.7) return Float.NaN;
                return rnd.nextInt(7) - 3;
            }
            default: {
                double u = rnd.nextDouble();
                if (u < 0.03) return Float.NaN;
                if (u < 0.05) return Float.POSITIVE_INFINITY;
                if (u < 0.07) return Float.NEGATIVE_INFINITY;
                if (u < 0.10) return -0f;
                if (u < 0.55) return rnd.nextInt(7) - 3;
                return (float) (rnd.nextDouble() * 8 - 4);
            }
        }
    }

    static Tensor filled(int[] shape, Layout layout, float v) {
        float[] a = new float[Check.elementCount(shape, "shape")];
        Arrays.fill(a, v);
        return new Tensor(a, shape, layout);
    }

    static Tensor toLayout(Tensor t, Layout layout, boolean batched) {
        return t.layout() == layout ? t : t.toLayout(layout, batched);
    }

    /** (n, c, spatial coordinates) of flat element {@code i} of a tensor of {@code shape} in {@code layout}. */
    static String where(int[] shape, Layout layout, int rankSpatial, int i) {
        int lead = shape.length - rankSpatial - 1;
        int c = layout == Layout.CHANNELS_FIRST ? shape[lead] : shape[shape.length - 1];
        int[] sp = layout == Layout.CHANNELS_FIRST
                ? Arrays.copyOfRange(shape, lead + 1, shape.length)
                : Arrays.copyOfRange(shape, lead, shape.length - 1);
        int plane = 1;
        for (int v : sp) plane *= v;
        int n;
        int ch;
        int pos;
        if (layout == Layout.CHANNELS_FIRST) {
            pos = i % plane;
            ch = (i / plane) % c;
            n = i / (plane * c);
        } else {
            ch = i % c;
            pos = (i / c) % plane;
            n = i / (plane * c);
        }
        int[] coord = new int[sp.length];
        for (int a = sp.length - 1; a >= 0; a--) {
            coord[a] = pos % sp[a];
            pos /= sp[a];
        }
        return "element " + i + " (n=" + n + ", c=" + ch + ", spatial=" + Arrays.toString(coord) + ")";
    }

    /** Bit-exact comparison (every NaN alike); null when equal. */
    static String diffExact(Tensor want, Tensor got, Layout layout, int r) {
        String s = sameShape(want.shape(), got.shape());
        if (s != null) return s;
        float[] w = want.data();
        float[] g = got.data();
        for (int i = 0; i < w.length; i++) {
            if (Float.floatToIntBits(w[i]) != Float.floatToIntBits(g[i])) {
                return "at " + where(want.shape(), layout, r, i) + ": expected " + w[i] + ", got " + g[i]
                        + " (bit-exact required)";
            }
        }
        return null;
    }

    /** Within {@value #RTOL} relative to max(1, |expected|); non-finite values must match exactly. */
    static String diffClose(Tensor want, Tensor got, Layout layout, int r) {
        String s = sameShape(want.shape(), got.shape());
        if (s != null) return s;
        float[] w = want.data();
        float[] g = got.data();
        for (int i = 0; i < w.length; i++) {
            boolean ok;
            if (!Float.isFinite(w[i]) || !Float.isFinite(g[i])) {
                ok = Float.floatToIntBits(w[i]) == Float.floatToIntBits(g[i]);
            } else {
                ok = Math.abs((double) g[i] - w[i]) <= RTOL * Math.max(1, Math.abs((double) w[i]));
            }
            if (!ok) {
                return "at " + where(want.shape(), layout, r, i) + ": expected " + w[i] + ", got " + g[i] + " (|diff| "
                        + Math.abs((double) g[i] - w[i]) + ", tolerance " + RTOL + " x max(1, |expected|))";
            }
        }
        return null;
    }

    static String diffIndices(LongTensor want, LongTensor got, String what, int r) {
        String s = sameShape(want.shape(), got.shape());
        if (s != null) return what + " " + s;
        long[] w = want.data();
        long[] g = got.data();
        for (int i = 0; i < w.length; i++) {
            if (w[i] != g[i]) {
                return what + " at " + where(want.shape(), want.layout(), r, i) + ": expected " + w[i] + ", got "
                        + g[i];
            }
        }
        return null;
    }

    private static String sameShape(int[] want, int[] got) {
        return Arrays.equals(want, got)
                ? null
                : "shape " + Arrays.toString(got) + ", expected " + Arrays.toString(want);
    }
}
