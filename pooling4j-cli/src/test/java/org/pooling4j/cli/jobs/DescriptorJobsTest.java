package org.pooling4j.cli.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.internal.json.Json;
import org.pooling4j.io.Npy;
import org.pooling4j.io.NpyArray;

/**
 * The descriptor ops of the job runner: gem_pool{1,2,3}d and spatial_pyramid_pool2d (with _backward)
 * against the PyTorch golden files of pooling4j-core (tools/golden/descriptors_golden.py), in both
 * memory formats; hand-worked GeM, SPP and R-MAC jobs; and bad jobs, each failing with its reason.
 */
class DescriptorJobsTest {
    private static final String GOLDEN = "/golden/descriptors/";

    @TempDir
    Path dir;

    private final List<String> lines = new ArrayList<>();

    /** Copies a golden file out of the class path (a directory or the core's test jar). */
    private String golden(String name) throws IOException {
        Path p = dir.resolve("golden").resolve(name);
        Files.createDirectories(p.getParent());
        try (InputStream in = DescriptorJobsTest.class.getResourceAsStream(GOLDEN + name)) {
            if (in == null) throw new IllegalStateException("missing golden file " + name);
            Files.copy(in, p);
        }
        return "golden/" + name;
    }

    private String npy(String name, float[] data, int... shape) throws IOException {
        Path p = dir.resolve("in").resolve(name);
        Files.createDirectories(p.getParent());
        Npy.write(p, NpyArray.of(data, shape));
        return "in/" + name;
    }

    private float[] read(String rel) throws IOException {
        return Npy.read(dir.resolve(rel)).toFloats();
    }

    private String run(boolean expectAllPass) throws IOException {
        Path file = dir.resolve("jobs.jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        JobRunner runner = new JobRunner(new PrintStream(buf, true, StandardCharsets.UTF_8), !expectAllPass);
        runner.run(file);
        String log = buf.toString(StandardCharsets.UTF_8);
        if (expectAllPass) {
            assertEquals(0, runner.failed, "failed jobs:\n" + log);
            assertEquals(lines.size(), runner.passed, log);
        }
        return log;
    }

    private static String list(Object o) {
        return Json.write(o);
    }

    @Test
    @SuppressWarnings("unchecked")
    void goldenCasesThroughTheRunner() throws IOException {
        String manifest;
        try (InputStream in = DescriptorJobsTest.class.getResourceAsStream(GOLDEN + "manifest.json")) {
            manifest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Map<String, Object>> cases =
                (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(manifest)).get("cases");
        List<Object[]> checks = new ArrayList<>(); // {output path, golden name, tolerance}
        List<Object[]> gradP = new ArrayList<>(); // {output path, expected}
        for (Map<String, Object> c : cases) {
            String name = (String) c.get("name");
            String x = golden((String) c.get("input"));
            String gy = golden((String) c.get("grad_output"));
            golden((String) c.get("output"));
            golden((String) c.get("grad_input"));
            for (String fmt : List.of("contiguous_format", "channels_last")) {
                String id = name + "_" + fmt;
                StringBuilder keys = new StringBuilder();
                String op;
                if (c.get("kind").equals("gem")) {
                    op = "gem_pool" + c.get("rank") + "d";
                    keys.append(", \"p\": ")
                            .append(c.get("p"))
                            .append(", \"eps\": ")
                            .append(c.get("eps"));
                    if (!Boolean.TRUE.equals(c.get("global"))) {
                        keys.append(", \"kernel_size\": ").append(list(c.get("kernel")));
                        keys.append(", \"stride\": ").append(list(c.get("stride")));
                        keys.append(", \"padding\": ").append(list(c.get("padding")));
                    }
                } else {
                    op = "spatial_pyramid_pool2d";
                    keys.append(", \"levels\": ").append(list(c.get("levels")));
                    keys.append(", \"mode\": \"").append(c.get("mode")).append('"');
                }
                keys.append(", \"memory_format\": \"").append(fmt).append('"');
                lines.add("{\"id\": \"" + id + "\", \"op\": \"" + op + "\"" + keys + ", \"input\": \"" + x
                        + "\", \"output\": \"out/" + id + ".y.npy\"}");
                String gp = c.get("kind").equals("gem") ? ", \"grad_p\": \"out/" + id + ".gp.npy\"" : "";
                lines.add("{\"id\": \"" + id + "_b\", \"op\": \"" + op + "_backward\"" + keys + ", \"input\": \"" + x
                        + "\", \"grad_output\": \"" + gy + "\", \"output\": \"out/" + id + ".gx.npy\"" + gp + "}");
                checks.add(new Object[] {"out/" + id + ".y.npy", c.get("output"), 1e-5});
                checks.add(new Object[] {"out/" + id + ".gx.npy", c.get("grad_input"), 1e-4});
                if (!gp.isEmpty()) gradP.add(new Object[] {"out/" + id + ".gp.npy", c.get("grad_p")});
            }
        }
        run(true);
        for (Object[] k : checks) {
            NpyArray want = Npy.read(dir.resolve("golden").resolve((String) k[1]));
            NpyArray got = Npy.read(dir.resolve((String) k[0]));
            assertArrayEquals(want.shape(), got.shape(), (String) k[0]);
            float[] w = want.toFloats();
            float[] g = got.toFloats();
            double rel = (Double) k[2];
            for (int i = 0; i < w.length; i++) {
                if (Math.abs(w[i] - g[i]) > rel * Math.max(1, Math.abs(w[i]))) {
                    fail(k[0] + "[" + i + "]: expected " + w[i] + " (PyTorch), got " + g[i]);
                }
            }
        }
        assertEquals(2 * 11, gradP.size());
        for (Object[] k : gradP) {
            NpyArray got = Npy.read(dir.resolve((String) k[0]));
            assertArrayEquals(new long[] {1}, toLongs(got.shape()), (String) k[0]);
            double want = ((Number) k[1]).doubleValue();
            assertEquals(want, got.toFloats()[0], 1e-4 * Math.max(1, Math.abs(want)), (String) k[0]);
        }
    }

    private static long[] toLongs(int[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }

    @Test
    void handWorkedJobs() throws IOException {
        // GeM, global: ((1 + 8 + 27 + eps^3) / 4)^(1/3) = 9^(1/3); unbatched (C, L) input.
        String g1 = npy("g1.npy", new float[] {1, 2, -1, 3}, 1, 4);
        lines.add("{\"id\": \"gem\", \"op\": \"gem_pool1d\", \"input\": \"" + g1 + "\", \"output\": \"out/gem.npy\"}");
        // Windowed with avg_pool's padding counted: [pad, 2], [2, 4], [4, pad] with p = 1.
        String g2 = npy("g2.npy", new float[] {2, 4}, 1, 1, 2);
        lines.add(
                "{\"id\": \"gemw\", \"op\": \"gem_pool1d\", \"p\": 1, \"kernel_size\": 2, \"stride\": 1, \"padding\": 1,"
                        + " \"input\": \"" + g2 + "\", \"output\": \"out/gemw.npy\"}");
        // Backward of one window [1, 3], p = 2: dy/dx = x / (2 sqrt 5); dy/dp as worked in DescriptorsTest.
        String g3 = npy("g3.npy", new float[] {1, 3}, 1, 1, 2);
        String one = npy("one.npy", new float[] {1}, 1, 1, 1);
        lines.add("{\"id\": \"gemb\", \"op\": \"gem_pool1d_backward\", \"p\": 2, \"input\": \"" + g3
                + "\", \"grad_output\": \"" + one
                + "\", \"output\": \"out/gemb.npy\", \"grad_p\": \"out/gemb.p.npy\"}");
        // SPP of [[1, 5, 2], [4, 3, 6]] at levels [1, 2] (bins worked in DescriptorsTest).
        String s = npy("s.npy", new float[] {1, 5, 2, 4, 3, 6}, 1, 1, 2, 3);
        String ones = npy("ones.npy", new float[] {1, 1, 1, 1, 1}, 1, 5);
        for (String fmt : List.of("contiguous_format", "channels_last")) {
            lines.add("{\"id\": \"sppmax_" + fmt + "\", \"op\": \"spatial_pyramid_pool2d\", \"levels\": [1, 2],"
                    + " \"memory_format\": \"" + fmt + "\", \"input\": \"" + s + "\", \"output\": \"out/sppmax_" + fmt
                    + ".npy\"}");
            lines.add("{\"id\": \"sppb_" + fmt + "\", \"op\": \"spatial_pyramid_pool2d_backward\", \"levels\": [1, 2],"
                    + " \"memory_format\": \"" + fmt + "\", \"input\": \"" + s + "\", \"grad_output\": \"" + ones
                    + "\", \"output\": \"out/sppb_" + fmt + ".npy\"}");
        }
        lines.add("{\"id\": \"sppavg\", \"op\": \"spatial_pyramid_pool2d\", \"levels\": [1, 2], \"mode\": \"avg\","
                + " \"input\": \"" + s + "\", \"output\": \"out/sppavg.npy\"}");
        // Default levels [1, 2, 4]: 21 bins per channel.
        lines.add("{\"id\": \"sppdefault\", \"op\": \"spatial_pyramid_pool2d\", \"input\": \"" + s
                + "\", \"output\": \"out/sppdefault.npy\"}");
        // R-MAC of the 3x4 two-channel example of DescriptorsTest: (1.2, 5.6) / sqrt(32.8).
        float[] r = new float[24];
        r[0] = 3;
        r[12 + 4 + 1] = 4;
        String rx = npy("r.npy", r, 1, 2, 3, 4);
        lines.add("{\"id\": \"rmac\", \"op\": \"rmac\", \"levels\": 2, \"input\": \"" + rx
                + "\", \"output\": \"out/rmac.npy\"}");
        lines.add("{\"id\": \"rmacl\", \"op\": \"rmac\", \"levels\": 2, \"memory_format\": \"channels_last\","
                + " \"input\": \"" + rx + "\", \"output\": \"out/rmacl.npy\"}");
        // One channel: every region's unit vector is 1, so the output is constant and the gradient 0.
        String r1 = npy("r1.npy", new float[] {1, 2, 3, 4, 5, 6}, 1, 1, 2, 3);
        String g = npy("g.npy", new float[] {0.5f}, 1, 1);
        lines.add("{\"id\": \"rmac1\", \"op\": \"rmac\", \"input\": \"" + r1 + "\", \"output\": \"out/rmac1.npy\"}");
        lines.add("{\"id\": \"rmacb\", \"op\": \"rmac_backward\", \"input\": \"" + r1 + "\", \"grad_output\": \"" + g
                + "\", \"output\": \"out/rmacb.npy\"}");
        run(true);

        assertArrayEquals(new float[] {2.0800838f}, read("out/gem.npy"), 1e-6f);
        assertArrayEquals(new int[] {1, 1}, Npy.read(dir.resolve("out/gem.npy")).shape());
        assertArrayEquals(new float[] {1, 3, 2}, read("out/gemw.npy"), 1e-6f);
        double r5 = Math.sqrt(5);
        assertArrayEquals(new float[] {(float) (1 / (2 * r5)), (float) (3 / (2 * r5))}, read("out/gemb.npy"), 1e-6f);
        double dp = r5 * (-Math.log(5) / 4 + (9 * Math.log(3) / 2) / (2 * 5));
        assertEquals(dp, read("out/gemb.p.npy")[0], 1e-6);
        for (String fmt : List.of("contiguous_format", "channels_last")) {
            assertArrayEquals(new float[] {6, 5, 5, 4, 6}, read("out/sppmax_" + fmt + ".npy"), fmt);
            assertArrayEquals(new float[] {0, 2, 0, 1, 0, 2}, read("out/sppb_" + fmt + ".npy"), fmt);
            assertArrayEquals(
                    new int[] {1, 1, 2, 3},
                    Npy.read(dir.resolve("out/sppb_" + fmt + ".npy")).shape());
        }
        assertArrayEquals(new float[] {3.5f, 3, 3.5f, 3.5f, 4.5f}, read("out/sppavg.npy"), 1e-6f);
        assertArrayEquals(
                new int[] {1, 21}, Npy.read(dir.resolve("out/sppdefault.npy")).shape());
        double norm = Math.sqrt(32.8);
        float[] want = {(float) (1.2 / norm), (float) (5.6 / norm)};
        assertArrayEquals(want, read("out/rmac.npy"), 1e-6f);
        assertArrayEquals(want, read("out/rmacl.npy"), 1e-6f);
        assertArrayEquals(new float[] {1}, read("out/rmac1.npy"), 1e-7f);
        assertArrayEquals(new float[6], read("out/rmacb.npy"));
    }

    @Test
    void badJobsFailWithTheirReason() throws IOException {
        String x2 = npy("x2.npy", new float[16], 1, 1, 4, 4);
        String x3 = npy("x3.npy", new float[16], 1, 4, 4);
        String[][] cases = {
            {
                "{\"op\": \"gem_pool2d\", \"stride\": 2, \"input\": \"" + x2 + "\", \"output\": \"out/a.npy\"}",
                "needs kernel_size"
            },
            {
                "{\"op\": \"gem_pool2d\", \"p\": 0, \"input\": \"" + x2 + "\", \"output\": \"out/a.npy\"}",
                "p = 0.0: must be finite and > 0"
            },
            {"{\"op\": \"gem_pool2d\", \"eps\": -1, \"input\": \"" + x2 + "\", \"output\": \"out/a.npy\"}", "eps = -1.0"
            },
            {
                "{\"op\": \"gem_pool2d\", \"grad_p\": \"out/p.npy\", \"input\": \"" + x2
                        + "\", \"output\": \"out/a.npy\"}",
                "is written by the _backward job only"
            },
            {
                "{\"op\": \"gem_pool2d\", \"dilation\": 2, \"input\": \"" + x2 + "\", \"output\": \"out/a.npy\"}",
                "gem_pool2d has no parameter dilation"
            },
            {
                "{\"op\": \"gem_pool2d\", \"kernel_size\": 2, \"padding\": 2, \"input\": \"" + x2
                        + "\", \"output\": \"out/a.npy\"}",
                "padding"
            },
            {
                "{\"op\": \"spatial_pyramid_pool2d\", \"mode\": \"min\", \"input\": \"" + x2
                        + "\", \"output\": \"out/a.npy\"}",
                "key \"mode\" = \"min\": must be \"max\" or \"avg\""
            },
            {
                "{\"op\": \"spatial_pyramid_pool2d\", \"levels\": [1, 0], \"input\": \"" + x2
                        + "\", \"output\": \"out/a.npy\"}",
                "levels = [1, 0]"
            },
            {
                "{\"op\": \"spatial_pyramid_pool2d\", \"input\": \"" + x3 + "\", \"output\": \"out/a.npy\"}",
                "expects a 4-D (N, C, H, W) input"
            },
            {
                "{\"op\": \"rmac\", \"levels\": 0, \"input\": \"" + x2 + "\", \"output\": \"out/a.npy\"}",
                "levels = 0: must be >= 1"
            },
            {
                "{\"op\": \"rmac\", \"levles\": 2, \"input\": \"" + x2 + "\", \"output\": \"out/a.npy\"}",
                "unknown key \"levles\" (did you mean \"levels\"?)"
            },
            {
                "{\"op\": \"rmac_backward\", \"input\": \"" + x2 + "\", \"grad_output\": \"" + x2
                        + "\", \"output\": \"out/a.npy\"}",
                "gradOutput.shape = [1, 1, 4, 4]"
            },
        };
        for (String[] c : cases) lines.add(c[0]);
        String log = run(false);
        String[] out = log.split("\n");
        assertEquals(cases.length, out.length, log);
        for (int i = 0; i < cases.length; i++) {
            if (!out[i].contains(cases[i][1]))
                fail("job " + (i + 1) + ": '" + out[i] + "' should contain '" + cases[i][1] + "'");
        }
        assertTrue(
                log.contains("FAIL") || log.toLowerCase(java.util.Locale.ROOT).contains("fail"), log);
    }

    @Test
    void declaredKeys() {
        DescriptorJobs f = new DescriptorJobs();
        assertEquals(
                java.util.Set.of(
                        "id",
                        "op",
                        "input",
                        "output",
                        "memory_format",
                        "grad_output",
                        "kernel_size",
                        "stride",
                        "padding",
                        "p",
                        "eps",
                        "grad_p"),
                f.keys("gem_pool2d_backward"));
        assertEquals(
                java.util.Set.of("id", "op", "input", "output", "memory_format", "levels", "mode"),
                f.keys("spatial_pyramid_pool2d"));
        assertEquals(
                java.util.Set.of("id", "op", "input", "output", "memory_format", "levels", "grad_output"),
                f.keys("rmac_backward"));
    }
}
