package org.pooling4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.Layout;
import org.pooling4j.PoolOp;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;
import org.pooling4j.bench.BenchCase.Kind;

/**
 * The training cases ({@code bench --training}): names, shapes, what each call computes (checked
 * against hand-worked windows, identities between the kinds, and the reference kernel) and their
 * rows in a quick run.
 */
class TrainingCasesTest {
    private static final List<String> KINDS =
            List.of("max", "avg", "lp2", "lp4", "stochastic", "mixed", "gated", "gaussian", "fractional", "adaptive");

    /** A small seed for the small versions below; printed by the tests that draw from it. */
    private static final long SEED = 20260101L;

    @Test
    void namesShapesAndKinds() {
        List<String> expected = new ArrayList<>();
        for (String k : KINDS) expected.add("lenet_" + k);
        for (String k : KINDS) expected.add("lenet_" + k + "_bwd");
        assertEquals(expected, StandardSuite.trainingNames());
        for (BenchCase c : StandardSuite.training()) {
            assertEquals(c.name().endsWith("_bwd") ? Kind.TRAINING_BACKWARD : Kind.TRAINING_FORWARD, c.kind());
            assertEquals(Layout.CHANNELS_FIRST, c.layout());
            // LeNet's first pool at batch 64: conv 5x5 on 28x28 gives 24x24, 16 channels; every kind
            // halves it: (24 - 2) / 2 + 1 = 12, fractional 24 / 2, adaptive to 12.
            assertArrayEquals(new int[] {64, 16, 24, 24}, c.inputShape(), c.name());
            assertArrayEquals(new int[] {64, 16, 12, 12}, c.outputShape(), c.name());
            assertTrue(!c.ortComparable(), c.name());
        }
        assertEquals(
                PoolOp.ADAPTIVE_MAX, StandardSuite.get("lenet_adaptive").spec().op());
        assertEquals(
                PoolOp.WEIGHTED_AVG, StandardSuite.get("lenet_gaussian").spec().op());
        assertEquals(4.0, StandardSuite.get("lenet_lp4_bwd").spec().p());
        // The suite itself is unchanged: the training cases are apart.
        assertEquals(13, StandardSuite.all().size());
        for (BenchCase c : StandardSuite.all()) assertTrue(!c.name().startsWith("lenet_"), c.name());
    }

    @Test
    void listedAndNamedLikeTheSuite() {
        BenchCommandTest.Run r = BenchCommandTest.bench("--list");
        assertEquals(0, r.status, r.out + r.err);
        assertTrue(r.out.contains("training cases") && r.out.contains("lenet_fractional_bwd"), r.out);
        BenchCommandTest.Run bad = BenchCommandTest.bench("--case", "lenet_nope");
        assertEquals(2, bad.status, bad.out + bad.err);
        assertTrue(bad.err.contains("'lenet_nope'") && bad.err.contains("lenet_gated_bwd"), bad.err);
    }

    @Test
    void bytesMoved() {
        BenchCase f = StandardSuite.get("lenet_lp2");
        long in = 64L * 16 * 24 * 24;
        long out = 64L * 16 * 12 * 12;
        assertEquals(4 * (in + out), f.bytesMoved(0));
        // Max forward writes its argmax too; backward reads it instead of the input.
        assertEquals(4 * (in + out) + out, StandardSuite.get("lenet_max").bytesMoved(1));
        assertEquals(4 * out + out + 4 * in, StandardSuite.get("lenet_max_bwd").bytesMoved(1));
        // Adaptive max trains with the compact argmax too.
        assertEquals(4 * (in + out) + out, StandardSuite.get("lenet_adaptive").bytesMoved(1));
        assertEquals(
                4 * out + out + 4 * in, StandardSuite.get("lenet_adaptive_bwd").bytesMoved(1));
        assertEquals(4 * (out + in), StandardSuite.get("lenet_avg_bwd").bytesMoved(0));
        assertEquals(4 * (out + 2 * in), StandardSuite.get("lenet_gated_bwd").bytesMoved(0));
    }

    /** The case shrunk to N=2, C=3 (same planes), run once on one thread. */
    private static Workload run(String name, long seed) throws Exception {
        Workload w = new Workload(StandardSuite.get(name).withBatchAndChannels(2, 3), seed);
        w.call(1).run();
        return w;
    }

    @Test
    void forwardsAgainstHandWorkedWindowsAndEachOther() throws Exception {
        System.out.println("TrainingCasesTest seed " + SEED);
        Workload max = run("lenet_max", SEED);
        Workload avg = run("lenet_avg", SEED);
        Workload lp2 = run("lenet_lp2", SEED);
        Workload mixed = run("lenet_mixed", SEED);
        Workload gauss = run("lenet_gaussian", SEED);
        Workload adaptive = run("lenet_adaptive", SEED);
        Tensor x = max.input();
        for (float v : x.data()) assertTrue(v >= 0, "inputs after a ReLU");
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < 12; i++) {
                    for (int j = 0; j < 12; j++) {
                        float a = x.get(n, c, 2 * i, 2 * j);
                        float b = x.get(n, c, 2 * i, 2 * j + 1);
                        float d = x.get(n, c, 2 * i + 1, 2 * j);
                        float e = x.get(n, c, 2 * i + 1, 2 * j + 1);
                        double mx = Math.max(Math.max(a, b), Math.max(d, e));
                        double mean = ((double) a + b + d + e) / 4;
                        String at = n + "," + c + "," + i + "," + j;
                        assertEquals(mx, max.output().get(n, c, i, j), 0.0, at);
                        assertEquals(mean, avg.output().get(n, c, i, j), 1e-6, at);
                        double l2 = Math.sqrt((double) a * a + (double) b * b + (double) d * d + (double) e * e);
                        assertEquals(l2, lp2.output().get(n, c, i, j), 1e-5, at);
                        // mixed alpha 0.5; the Gaussian start weighs the 4 taps alike: the mean.
                        assertEquals(0.5 * mx + 0.5 * mean, mixed.output().get(n, c, i, j), 1e-6, at);
                        assertEquals(mean, gauss.output().get(n, c, i, j), 1e-6, at);
                        // Adaptive pooling of 24 to 12 has max's windows.
                        assertEquals(mx, adaptive.output().get(n, c, i, j), 0.0, at);
                    }
                }
            }
        }
    }

    @Test
    void stochasticAndFractionalPickInputValues() throws Exception {
        System.out.println("TrainingCasesTest seed " + SEED);
        for (String name : List.of("lenet_stochastic", "lenet_fractional")) {
            Workload w = run(name, SEED);
            Tensor x = w.input();
            Tensor y = w.output();
            for (int n = 0; n < 2; n++) {
                for (int c = 0; c < 3; c++) {
                    // Every output is one input value of its plane (a drawn tap or a window's max).
                    for (int i = 0; i < 12; i++) {
                        for (int j = 0; j < 12; j++) {
                            float v = y.get(n, c, i, j);
                            boolean found = false;
                            for (int h = 0; h < 24 && !found; h++) {
                                for (int k = 0; k < 24 && !found; k++) found = x.get(n, c, h, k) == v;
                            }
                            assertTrue(found, name + " output " + v + " at " + n + "," + c + "," + i + "," + j);
                        }
                    }
                }
            }
            // The draws are fixed: a second call gives the same output.
            float[] first = y.data().clone();
            w.call(1).run();
            assertArrayEquals(first, w.output().data(), name);
        }
    }

    @Test
    void backwardsAgainstHandWorkedRulesAndEachOther() throws Exception {
        System.out.println("TrainingCasesTest seed " + SEED);
        Workload maxB = run("lenet_max_bwd", SEED);
        Workload avgB = run("lenet_avg_bwd", SEED);
        Workload adaptiveB = run("lenet_adaptive_bwd", SEED);
        Workload gaussB = run("lenet_gaussian_bwd", SEED);
        // The same seed gives the same input and gradOutput to each (see Workload).
        Workload fwd = run("lenet_max", SEED);
        Tensor x = fwd.input();
        Tensor g =
                new Tensor(Workload.random(2 * 3 * 12 * 12, SEED + 1), new int[] {2, 3, 12, 12}, Layout.CHANNELS_FIRST);
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                for (int h = 0; h < 24; h++) {
                    for (int k = 0; k < 24; k++) {
                        int i = h / 2;
                        int j = k / 2;
                        String at = n + "," + c + "," + h + "," + k;
                        // Average: each of the 4 taps gets a quarter.
                        assertEquals(g.get(n, c, i, j) / 4.0, avgB.gradInput().get(n, c, h, k), 1e-7, at);
                        // The Gaussian start weighs the taps alike: the same input gradient.
                        assertEquals(g.get(n, c, i, j) / 4.0, gaussB.gradInput().get(n, c, h, k), 1e-6, at);
                        // Max: the first maximum of the window in scan order takes the whole gradient.
                        float wmax = fwd.output().get(n, c, i, j);
                        int winner = -1;
                        for (int t = 0; t < 4 && winner < 0; t++) {
                            if (x.get(n, c, 2 * i + t / 2, 2 * j + t % 2) == wmax) winner = t;
                        }
                        boolean wins = winner == (h - 2 * i) * 2 + (k - 2 * j);
                        assertEquals(
                                wins ? g.get(n, c, i, j) : 0f, maxB.gradInput().get(n, c, h, k), 0f, at);
                        assertEquals(
                                maxB.gradInput().get(n, c, h, k),
                                adaptiveB.gradInput().get(n, c, h, k),
                                0f,
                                at);
                    }
                }
            }
        }
        assertNotNull(gaussB.weightGrad(), "the learnable weights get their gradient");
        assertEquals(4, gaussB.weightGrad().size());
    }

    /**
     * The stochastic and fractional backwards route by the taps their forward picked, as the layer
     * does: the same gradient as the API's backward that draws every window again from the same
     * uniforms and samples.
     */
    @Test
    void stochasticAndFractionalBackwardsRouteByThePickedTaps() throws Exception {
        System.out.println("TrainingCasesTest seed " + SEED);
        for (String name : List.of("lenet_stochastic_bwd", "lenet_fractional_bwd")) {
            Workload w = run(name, SEED);
            BenchCase c = w.benchCase();
            Tensor x = w.input();
            int[] os = c.outputShape();
            Tensor g = new Tensor(Workload.random(2 * 3 * 12 * 12, SEED + 1), os, Layout.CHANNELS_FIRST);
            Tensor expected = name.startsWith("lenet_stochastic")
                    ? Pooling.stochasticPoolBackward(
                            c.spec(), x, g, Tensor.of(Workload.uniforms(2 * 3 * 12 * 12, SEED + 2), os))
                    : Pooling.fractionalMaxPoolBackward(
                            c.spec(), x, g, Tensor.of(Workload.uniforms(2 * 3 * 2, SEED + 2), 2, 3, 2));
            assertArrayEquals(expected.data(), w.gradInput().data(), name);
            double sum = 0;
            for (float v : w.gradInput().data()) sum += v;
            double want = 0;
            for (float v : g.data()) want += v;
            assertEquals(want, sum, 1e-3, name + ": every window passes its whole gradient on");
        }
    }

    /** Every training case against the reference kernel forced by the system property. */
    @Test
    void everyCaseMatchesTheReferenceKernel() throws Exception {
        System.out.println("TrainingCasesTest seed " + SEED);
        Map<String, float[]> fast = new HashMap<>();
        for (String name : StandardSuite.trainingNames()) fast.put(name, result(run(name, SEED), name));
        String old = System.getProperty("pooling4j.kernel");
        System.setProperty("pooling4j.kernel", "reference");
        try {
            for (String name : StandardSuite.trainingNames()) {
                float[] ref = result(run(name, SEED), name);
                float[] got = fast.get(name);
                assertEquals(ref.length, got.length, name);
                for (int i = 0; i < ref.length; i++) {
                    assertEquals(ref[i], got[i], 1e-5 * Math.max(1, Math.abs(ref[i])), name + " at " + i);
                }
            }
        } finally {
            if (old == null) System.clearProperty("pooling4j.kernel");
            else System.setProperty("pooling4j.kernel", old);
        }
    }

    private static float[] result(Workload w, String name) {
        Tensor t = name.endsWith("_bwd") ? w.gradInput() : w.output();
        assertNotNull(t, name);
        return t.data().clone();
    }

    @Test
    void quickRunHasARowPerCaseAndTheirTimeRelativeToMax(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("t.json");
        BenchCommandTest.Run r = BenchCommandTest.bench(
                "--quick", "--training", "--case", "small_latency", "--threads", "1", "--json", json.toString());
        assertEquals(0, r.status, r.out + r.err);
        assertTrue(r.out.contains("training cases: pooling4j median, x max"), r.out);
        Map<String, Map<String, Object>> ours = new HashMap<>();
        for (Map<String, Object> row : BenchCommandTest.rows(json)) {
            String c = (String) row.get("case");
            if (c.startsWith("lenet_")) {
                assertEquals("pooling4j", row.get("impl"), "no ONNX Runtime row for " + c);
                ours.put(c, row);
            } else if ("small_latency".equals(c) && "pooling4j".equals(row.get("impl"))) {
                assertNull(row.get("x_max"), "x max is for training cases only");
            }
        }
        assertEquals(
                StandardSuite.trainingNames().size(), ours.size(), ours.keySet().toString());
        assertEquals(1.0, ((Number) ours.get("lenet_max").get("x_max")).doubleValue());
        assertEquals(1.0, ((Number) ours.get("lenet_max_bwd").get("x_max")).doubleValue());
        for (String k : KINDS) {
            for (String suffix : List.of("", "_bwd")) {
                Map<String, Object> row = ours.get("lenet_" + k + suffix);
                double ms = ((Number) row.get("median_ms")).doubleValue();
                double maxMs = ((Number) ours.get("lenet_max" + suffix).get("median_ms")).doubleValue();
                double xMax = ((Number) row.get("x_max")).doubleValue();
                // Medians are written with 6 decimals and x max with 4: compare within their rounding.
                assertEquals(ms / maxMs, xMax, 1e-4 + 1e-3 * ms / maxMs, row.toString());
                assertTrue(((String) row.get("kernel")).length() > 0, row.toString());
            }
        }
    }
}
