package org.pooling4j.cli.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.BeyondOracle;
import org.pooling4j.BeyondOracle.Op;
import org.pooling4j.io.Npy;
import org.pooling4j.io.NpyArray;

/**
 * Runs every new op name of the job runner (stochastic_pool, mixed_pool, gated_pool,
 * weighted_avg_pool; 1d, 2d, 3d; forward and _backward; contiguous and channels_last; grad_weights)
 * and compares each written file with the core's separate {@link BeyondOracle}. Bad jobs must fail
 * with a message naming the key or position.
 */
class BeyondJobsTest {
    @TempDir
    Path dir;

    /** One job and what its outputs must be. */
    private static final class Expect {
        final String id;
        final Map<String, double[]> floats = new LinkedHashMap<>();
        final Map<String, long[]> longs = new LinkedHashMap<>();

        Expect(String id) {
            this.id = id;
        }
    }

    private final List<String> lines = new ArrayList<>();
    private final List<Expect> expects = new ArrayList<>();

    private static int[] shape(BeyondOracle o, int[] spatial) {
        int[] s = new int[spatial.length + 2];
        s[0] = o.n;
        s[1] = o.c;
        System.arraycopy(spatial, 0, s, 2, spatial.length);
        return s;
    }

    private String npy(String name, double[] data, int[] shape, boolean float64) throws IOException {
        Path p = dir.resolve("in").resolve(name);
        Files.createDirectories(p.getParent());
        if (float64) {
            Npy.write(p, NpyArray.of(data.clone(), shape));
        } else {
            float[] f = new float[data.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) data[i];
            Npy.write(p, NpyArray.of(f, shape));
        }
        return "in/" + name;
    }

    private static String list(int[] v) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) s.append(i == 0 ? "" : ", ").append(v[i]);
        return s.append(']').toString();
    }

    /** Adds the forward and backward jobs of one problem. */
    private void addJobs(String id, BeyondOracle o, SplittableRandom r, boolean channelsLast, int[] weightsShape)
            throws IOException {
        String base = o.op.name().toLowerCase(Locale.ROOT) + "_pool" + o.rank() + "d";
        int inSize = o.inputSize();
        double[] x = new double[inSize];
        for (int i = 0; i < inSize; i++) {
            // Distinct values 1/64 apart: no max ties; non-negative for stochastic pooling.
            x[i] = (i * 37 % inSize + 1) / 64.0 * (o.op == Op.STOCHASTIC || i % 3 != 0 ? 1 : -1);
        }
        double[] gy = new double[o.outputSize()];
        for (int i = 0; i < gy.length; i++) gy[i] = (r.nextInt(9) - 4) / 2.0;
        StringBuilder keys = new StringBuilder();
        keys.append(", \"kernel_size\": ")
                .append(list(o.k))
                .append(", \"stride\": ")
                .append(list(o.s))
                .append(", \"padding\": ")
                .append(list(o.p));
        if (o.op == Op.WEIGHTED_AVG) keys.append(", \"dilation\": ").append(list(o.d));
        if (o.op != Op.STOCHASTIC) keys.append(", \"ceil_mode\": ").append(o.ceil);
        if (o.op == Op.MIXED || o.op == Op.GATED) {
            keys.append(", \"count_include_pad\": ").append(o.countIncludePad);
            if (o.divisorOverride != 0) keys.append(", \"divisor_override\": ").append(o.divisorOverride);
        }
        if (o.op == Op.MIXED) keys.append(", \"alpha\": ").append(o.alpha);
        if (o.op == Op.STOCHASTIC) {
            keys.append(", \"training\": ").append(o.training);
            if (o.training) {
                // float64 uniforms for odd ids, float32 for even: both must be read exactly.
                boolean f64 = id.hashCode() % 2 != 0;
                double[] u = new double[o.outputSize()];
                for (int i = 0; i < u.length; i++)
                    u[i] = f64 ? r.nextInt(1 << 24) / (double) (1 << 24) : r.nextInt(1 << 24) / (double) (1 << 24);
                o.u = u;
                keys.append(", \"random_samples\": \"")
                        .append(npy(id + ".u.npy", u, shape(o, o.outSize()), f64))
                        .append('"');
            }
        }
        boolean learnable = o.weights != null;
        if (learnable)
            keys.append(", \"weights\": \"")
                    .append(npy(id + ".w.npy", o.weights, weightsShape, false))
                    .append('"');
        if (o.op == Op.WEIGHTED_AVG && !learnable) keys.append(", \"sigma\": ").append(o.sigma);
        if (channelsLast) keys.append(", \"memory_format\": \"channels_last\"");
        String input = npy(id + ".x.npy", x, shape(o, o.in), false);

        Expect f = new Expect(id + "_fwd");
        String fwd = "{\"id\": \"" + f.id + "\", \"op\": \"" + base + "\"" + keys + ", \"input\": \"" + input
                + "\", \"output\": \"out/" + f.id + ".y.npy\"";
        if (o.op == Op.STOCHASTIC && o.training) {
            fwd += ", \"indices\": \"out/" + f.id + ".idx.npy\"";
            f.longs.put("out/" + f.id + ".idx.npy", o.indices(x));
        }
        lines.add(fwd + "}");
        f.floats.put("out/" + f.id + ".y.npy", o.forward(x));
        expects.add(f);

        Expect b = new Expect(id + "_bwd");
        String bwd = "{\"id\": \"" + b.id + "\", \"op\": \"" + base + "_backward\"" + keys + ", \"input\": \"" + input
                + "\", \"grad_output\": \"" + npy(id + ".gy.npy", gy, shape(o, o.outSize()), false)
                + "\", \"output\": \"out/" + b.id + ".dx.npy\"";
        if (learnable) {
            bwd += ", \"grad_weights\": \"out/" + b.id + ".dw.npy\"";
            b.floats.put("out/" + b.id + ".dw.npy", o.gradWeights(x, gy));
        }
        lines.add(bwd + "}");
        b.floats.put("out/" + b.id + ".dx.npy", o.gradInput(x, gy));
        expects.add(b);

        if (o.op == Op.STOCHASTIC && o.training) {
            // Backward routed by the forward's indices file (the forward job runs first).
            Expect bi = new Expect(id + "_bwd_idx");
            lines.add("{\"id\": \"" + bi.id + "\", \"op\": \"" + base + "_backward\", \"kernel_size\": " + list(o.k)
                    + ", \"stride\": " + list(o.s)
                    + ", \"padding\": " + list(o.p) + (channelsLast ? ", \"memory_format\": \"channels_last\"" : "")
                    + ", \"input\": \"" + input
                    + "\", \"grad_output\": \"in/" + id + ".gy.npy\", \"indices\": \"out/" + f.id
                    + ".idx.npy\", \"output\": \"out/" + bi.id + ".dx.npy\"}");
            bi.floats.put("out/" + bi.id + ".dx.npy", o.gradInput(x, gy));
            expects.add(bi);
        }
    }

    private BeyondOracle problem(Op op, int rank, SplittableRandom r) {
        int[] in = new int[rank];
        int[] k = new int[rank];
        int[] s = new int[rank];
        int[] p = new int[rank];
        int[] d = new int[rank];
        for (int a = 0; a < rank; a++) {
            k[a] = 2 + r.nextInt(2);
            s[a] = 1 + r.nextInt(2);
            p[a] = r.nextInt(k[a] / 2 + 1);
            d[a] = op == Op.WEIGHTED_AVG && rank < 3 ? 1 + r.nextInt(2) : 1;
            in[a] = d[a] * (k[a] - 1) + 1 + r.nextInt(rank == 3 ? 2 : 3);
        }
        BeyondOracle o = new BeyondOracle(op, 1 + r.nextInt(2), 1 + r.nextInt(2), in, k, s, p, d);
        // stochastic_pool's keys have no ceil_mode.
        o.ceil = op != Op.STOCHASTIC && r.nextBoolean();
        return o;
    }

    @Test
    void everyNewOpNameAgreesWithTheOracle() throws Exception {
        SplittableRandom r = new SplittableRandom(314159);
        int jobs = 0;
        for (Op op : Op.values()) {
            for (int rank = 1; rank <= 3; rank++) {
                for (int variant = 0; variant < 2; variant++) {
                    BeyondOracle o = problem(op, rank, r);
                    boolean channelsLast = variant == 1;
                    int[] weightsShape = null;
                    switch (op) {
                        case STOCHASTIC:
                            o.training = variant == 0 || rank == 2;
                            break;
                        case MIXED:
                            o.alpha = variant == 0 ? 0.25 : 0.7;
                            o.countIncludePad = variant == 0;
                            if (rank == 2 && variant == 1) o.divisorOverride = 3;
                            break;
                        case GATED: {
                            o.perChannel = variant == 1;
                            o.weights = new double[(o.perChannel ? o.c : 1) * o.taps()];
                            for (int i = 0; i < o.weights.length; i++) o.weights[i] = (r.nextInt(9) - 4) / 4.0;
                            weightsShape = o.perChannel ? new int[] {o.c, o.taps()} : o.k.clone();
                            break;
                        }
                        default:
                            if (variant == 0) {
                                o.weights = new double[o.taps()];
                                for (int i = 0; i < o.weights.length; i++) o.weights[i] = (1 + r.nextInt(8)) / 4.0;
                                weightsShape = o.k.clone();
                            } else {
                                o.sigma = 1.25;
                            }
                    }
                    addJobs(
                            op.name().toLowerCase(Locale.ROOT) + rank + "d_" + variant,
                            o,
                            r,
                            channelsLast,
                            weightsShape);
                    jobs++;
                }
            }
        }
        assertEquals(24, jobs);
        String log = runJobs();
        for (String name : List.of("stochastic_pool", "mixed_pool", "gated_pool", "weighted_avg_pool")) {
            for (int rank = 1; rank <= 3; rank++) {
                assertTrue(log.contains(name + rank + "d "), name + rank + "d ran:\n" + log);
                assertTrue(log.contains(name + rank + "d_backward "), name + rank + "d_backward ran:\n" + log);
            }
        }
        List<String> bad = new ArrayList<>();
        int compared = 0;
        for (Expect e : expects) {
            for (Map.Entry<String, double[]> f : e.floats.entrySet()) {
                compared++;
                float[] got = Npy.read(dir.resolve(f.getKey())).toFloats();
                double[] want = f.getValue();
                if (got.length != want.length) {
                    bad.add(e.id + " " + f.getKey() + ": length " + got.length + ", expected " + want.length);
                    continue;
                }
                for (int i = 0; i < want.length; i++) {
                    if (!(Math.abs(want[i] - got[i]) <= 1e-4 + 1e-4 * Math.abs(want[i]))) {
                        bad.add(e.id + " " + f.getKey() + "[" + i + "] = " + got[i] + ", oracle " + want[i]);
                        break;
                    }
                }
            }
            for (Map.Entry<String, long[]> f : e.longs.entrySet()) {
                compared++;
                NpyArray a = Npy.read(dir.resolve(f.getKey()));
                assertEquals(NpyArray.DType.INT64, a.dtype(), e.id + ": indices are int64");
                if (!Arrays.equals(f.getValue(), a.toLongs()))
                    bad.add(e.id + " " + f.getKey() + ": " + Arrays.toString(a.toLongs()) + ", oracle "
                            + Arrays.toString(f.getValue()));
            }
        }
        assertEquals(List.of(), bad, bad.size() + " of " + compared + " files differ from the oracle");
        assertTrue(compared > 60, "compared " + compared);
    }

    private String runJobs() throws IOException {
        Path file = dir.resolve("jobs.jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        JobRunner runner = new JobRunner(new PrintStream(buf, true, StandardCharsets.UTF_8), false);
        runner.run(file);
        String log = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, runner.failed, "failed jobs:\n" + log);
        assertEquals(lines.size(), runner.passed, log);
        return log;
    }

    @Test
    void seededStochasticJobsRepeatAndDrawFromTheWindow() throws Exception {
        double[] x = {1, 0, 2, 5, 3, 0, 0, 4};
        String in = npy("seeded.x.npy", x, new int[] {1, 2, 4}, false);
        for (String fmt : List.of("contiguous_format", "channels_last")) {
            for (int rep = 0; rep < 2; rep++) {
                lines.add("{\"id\": \"s_" + fmt + rep
                        + "\", \"op\": \"stochastic_pool1d\", \"kernel_size\": 2, \"seed\": 12345, \"memory_format\": \""
                        + fmt + "\", \"input\": \"" + in + "\", \"output\": \"out/s_" + fmt + rep
                        + ".npy\", \"indices\": \"out/s_" + fmt + rep + ".idx.npy\"}");
            }
        }
        runJobs();
        float[] first = Npy.read(dir.resolve("out/s_contiguous_format0.npy")).toFloats();
        long[] idx = Npy.read(dir.resolve("out/s_contiguous_format0.idx.npy")).toLongs();
        for (String f :
                List.of("out/s_contiguous_format1.npy", "out/s_channels_last0.npy", "out/s_channels_last1.npy")) {
            assertArrayEquals(first, Npy.read(dir.resolve(f)).toFloats(), f);
        }
        // Window j of channel c covers positions 2j, 2j+1; the drawn tap is nonzero unless the window is all zero.
        for (int q = 0; q < 4; q++) {
            int c = q / 2;
            int j = q % 2;
            assertTrue(idx[q] == 2 * j || idx[q] == 2 * j + 1, "index " + idx[q] + " in window " + j);
            assertEquals(x[c * 4 + (int) idx[q]], first[q], 0);
            assertTrue(first[q] > 0, "a zero tap is never drawn from a window with a positive one");
        }
    }

    @Test
    void badJobsFailWithTheirReason() throws Exception {
        String neg = npy("neg.x.npy", new double[] {1, 2, -3, 4}, new int[] {1, 1, 4}, false);
        String ok = npy("ok.x.npy", new double[] {1, 2, 3, 4}, new int[] {1, 1, 4}, false);
        String nan = npy("nan.x.npy", new double[] {1, Double.NaN, 3, 4}, new int[] {1, 1, 4}, false);
        String w5 = npy("w5.npy", new double[] {1, 1, 1, 1, 1}, new int[] {5}, false);
        String u1 = npy("u1.npy", new double[] {0.5, 1.0}, new int[] {1, 1, 2}, true);
        String[][] cases = {
            {
                "{\"op\": \"stochastic_pool1d\", \"kernel_size\": 2, \"seed\": 1, \"input\": \"" + neg
                        + "\", \"output\": \"out/a.npy\"}",
                "input[2] at (n, c, spatial...) [0, 0, 2] = -3.0"
            },
            {
                "{\"op\": \"stochastic_pool1d\", \"kernel_size\": 2, \"input\": \"" + nan
                        + "\", \"output\": \"out/a.npy\"}",
                "= NaN"
            },
            {
                "{\"op\": \"stochastic_pool1d\", \"kernel_size\": 2, \"input\": \"" + ok + "\", \"random_samples\": \""
                        + u1 + "\", \"output\": \"out/a.npy\"}",
                "element 1 = 1.0 is outside [0, 1)"
            },
            {
                "{\"op\": \"stochastic_pool1d\", \"kernel_size\": 2, \"training\": false, \"input\": \"" + ok
                        + "\", \"output\": \"out/a.npy\", \"indices\": \"out/i.npy\"}",
                "indices only in training mode"
            },
            {
                "{\"op\": \"stochastic_pool1d\", \"kernel_size\": 2, \"dilation\": 2, \"input\": \"" + ok
                        + "\", \"output\": \"out/a.npy\"}",
                "has no parameter dilation"
            },
            {
                "{\"op\": \"mixed_pool1d\", \"kernel_size\": 2, \"alpha\": 1.5, \"input\": \"" + ok
                        + "\", \"output\": \"out/a.npy\"}",
                "alpha = 1.5: must be in [0, 1]"
            },
            {
                "{\"op\": \"mixed_pool1d\", \"kernel_size\": 2, \"input\": \"" + ok + "\", \"output\": \"out/a.npy\"}",
                "key \"alpha\" = null: is required"
            },
            {
                "{\"op\": \"gated_pool1d\", \"kernel_size\": 2, \"weights\": \"" + w5 + "\", \"input\": \"" + ok
                        + "\", \"output\": \"out/a.npy\"}",
                "weights shape = [5]: must be (2) or [2] (shared)"
            },
            {
                "{\"op\": \"weighted_avg_pool1d\", \"kernel_size\": 2, \"weights\": \"" + w5 + "\", \"input\": \"" + ok
                        + "\", \"output\": \"out/a.npy\"}",
                "weights shape = [5]"
            },
            {
                "{\"op\": \"weighted_avg_pool1d\", \"kernel_size\": 2, \"sigma\": 0, \"input\": \"" + ok
                        + "\", \"output\": \"out/a.npy\"}",
                "sigma = 0.0: must be finite and > 0"
            },
            {
                "{\"op\": \"weighted_avg_pool1d\", \"kernel_size\": 2, \"input\": \"" + ok
                        + "\", \"output\": \"out/a.npy\"}",
                "exactly one of weights"
            },
            {
                "{\"op\": \"weighted_avg_pool1d_backward\", \"kernel_size\": 2, \"sigma\": 1, \"input\": \"" + ok
                        + "\", \"grad_output\": \"" + ok
                        + "\", \"output\": \"out/a.npy\", \"grad_weights\": \"out/gw.npy\"}",
                "fixed weights"
            },
        };
        for (String[] c : cases) lines.add(c[0]);
        Path file = dir.resolve("bad.jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        JobRunner runner = new JobRunner(new PrintStream(buf, true, StandardCharsets.UTF_8), true);
        runner.run(file);
        String log = buf.toString(StandardCharsets.UTF_8);
        assertEquals(cases.length, runner.failed, log);
        String[] out = log.split("\n");
        for (int i = 0; i < cases.length; i++) {
            if (!out[i].contains(cases[i][1]))
                fail("job " + (i + 1) + ": '" + out[i] + "' should contain '" + cases[i][1] + "'");
        }
    }
}
