package org.pooling4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.internal.json.Json;

/**
 * The PyTorch peer without PyTorch: discovery order, the answer's parsing, the case list sent, and
 * the bench end to end with a stand-in "python" (a shell script with canned answers).
 */
class TorchPeerTest {
    @Test
    void discoveryOrder() {
        assertEquals(List.of("py-opt"), TorchPeer.candidates("py-opt", Map.of("POOLING4J_PYTHON", "py-env")));
        assertEquals(List.of("py-env"), TorchPeer.candidates(null, Map.of("POOLING4J_PYTHON", "py-env")));
        assertEquals(List.of("python3", "/usr/bin/python3"), TorchPeer.candidates(null, Map.of()));
        assertEquals(
                List.of("python3", "/usr/bin/python3"), TorchPeer.candidates(null, Map.of("POOLING4J_PYTHON", " ")));
    }

    @Test
    void parsesAnAnswerAndPicksTheFastestLayoutPerThreadCount() throws IOException {
        String line = "{\"case\": \"vgg_pool5\", \"rows\": ["
                + "{\"layout\": \"nchw\", \"threads\": 1, \"median_ms\": 2.5, \"min_ms\": 2.0, \"label\": \"max_pool\"},"
                + "{\"layout\": \"channels_last\", \"threads\": 1, \"median_ms\": 1.25, \"min_ms\": 1.0, \"label\": \"max_pool\"},"
                + "{\"layout\": \"mkldnn\", \"threads\": 1, \"median_ms\": 5, \"min_ms\": 4, \"label\": \"max_pool\"},"
                + "{\"layout\": \"nchw\", \"threads\": 2, \"median_ms\": 3.0, \"min_ms\": 2.75, \"label\": \"max_pool\"}],"
                + " \"skipped\": [\"nchw_out: missing\"]}";
        TorchPeer.Answer a = TorchPeer.parse(line, "vgg_pool5");
        assertEquals(4, a.rows.size());
        assertEquals(List.of("nchw_out: missing"), a.skipped);
        // 1 thread: min(2.5, 1.25, 5) = 1.25, channels_last; 2 threads: the only row.
        assertEquals("channels_last", a.best(1).layout);
        assertEquals(1.25, a.best(1).medianMs);
        assertEquals(1.0, a.best(1).minMs);
        assertEquals("nchw", a.best(2).layout);
        assertEquals(3.0, a.best(2).medianMs);
        assertNull(a.best(4));
    }

    @Test
    void rejectsAnswersThatDoNotFit() {
        assertThrows(IOException.class, () -> TorchPeer.parse("{\"case\": \"b\", \"rows\": []}", "a"));
        assertThrows(IOException.class, () -> TorchPeer.parse("not json", "a"));
        assertThrows(IOException.class, () -> TorchPeer.parse("{\"case\": \"a\"}", "a"));
        assertThrows(
                IOException.class,
                () -> TorchPeer.parse(
                        "{\"case\": \"a\", \"rows\": [{\"layout\": \"nchw\", \"threads\": 1, \"median_ms\": 0, \"min_ms\": 0}]}",
                        "a"));
        assertEquals("2.1.0", TorchPeer.greeting("{\"torch\": \"2.1.0\", \"python\": \"3.11\"}"));
        assertNull(TorchPeer.greeting("{\"error\": \"cannot import torch\"}"));
        assertNull(TorchPeer.greeting("Traceback (most recent call last):"));
    }

    @Test
    void caseListUsesTorchsLogicalShapeAndParameters() {
        Timing.Plan q = Timing.Plan.quick();
        // NHWC (32, 112, 112, 64) is torch's (32, 64, 112, 112); (112 + 2 - 3) / 2 + 1 = 56.
        Map<String, Object> m = TorchPeer.caseJson(StandardSuite.get("resnet_stem_maxpool_nhwc"), List.of(1, 2), q, 7);
        assertEquals("forward", m.get("kind"));
        assertEquals("max", m.get("op"));
        assertArrayEquals(new int[] {32, 64, 112, 112}, (int[]) m.get("shape"));
        assertArrayEquals(new int[] {56, 56}, (int[]) m.get("output_size"));
        assertArrayEquals(new int[] {3, 3}, (int[]) m.get("kernel"));
        assertArrayEquals(new int[] {1, 1}, (int[]) m.get("pad_begin"));
        assertEquals("channels_last", m.get("layout"));
        assertEquals(false, m.get("relu"));
        assertEquals(2, m.get("warmup_calls"));
        assertEquals(5, m.get("min_calls"));
        assertEquals(List.of(1, 2), m.get("threads"));
        // Adaptive pooling has no kernel: ones stand in; the output is 24 / 2 = 12 per axis.
        Map<String, Object> a = TorchPeer.caseJson(StandardSuite.get("lenet_adaptive_bwd"), List.of(1), q, 7);
        assertEquals("training-backward", a.get("kind"));
        assertEquals("adaptive_max", a.get("op"));
        assertArrayEquals(new int[] {1, 1}, (int[]) a.get("kernel"));
        assertArrayEquals(new int[] {12, 12}, (int[]) a.get("output_size"));
        assertArrayEquals(new int[] {64, 16, 24, 24}, (int[]) a.get("shape"));
        assertEquals(true, a.get("relu"));
        assertEquals(
                2.0,
                TorchPeer.caseJson(StandardSuite.get("lenet_lp2"), List.of(1), q, 7)
                        .get("p"));
        // It is one JSON line.
        assertTrue(!Json.write(m).contains("\n"));
    }

    @Test
    void noPythonWithTorchPrintsOneLineAndNoTorchRow(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("b.json");
        BenchCommandTest.Run r = BenchCommandTest.bench(
                "--quick",
                "--case",
                "small_latency",
                "--threads",
                "1",
                "--no-ort",
                "--peer",
                "torch",
                "--python",
                dir.resolve("no-such-python").toString(),
                "--json",
                json.toString());
        assertEquals(0, r.status, r.out + r.err);
        assertTrue(r.out.contains(TorchPeer.NOT_AVAILABLE + "\n"), r.out);
        assertTrue(r.out.contains("no-such-python: cannot run"), r.out);
        for (Map<String, Object> row : BenchCommandTest.rows(json)) {
            assertTrue(!"torch".equals(row.get("impl")), row.toString());
            assertNull(row.get("ratio_vs_torch"), row.toString());
        }
    }

    /** A stand-in for python: greets like the script, then answers each case line with canned rows. */
    private static Path fakePython(Path dir, String greeting, String answer) throws IOException {
        Path f = dir.resolve("fake-python");
        StringBuilder s = new StringBuilder("#!/bin/sh\n");
        s.append("echo '").append(greeting).append("'\n");
        if (answer != null)
            s.append("while read line; do echo '").append(answer).append("'; done\n");
        else s.append("exit 3\n");
        Files.write(f, s.toString().getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    @Test
    void aPythonWithoutTorchIsNotUsed(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell for the stand-in python");
        Path py = fakePython(dir, "{\"error\": \"cannot import torch: No module named torch\"}", null);
        BenchCommandTest.Run r = BenchCommandTest.bench(
                "--quick",
                "--case",
                "small_latency",
                "--threads",
                "1",
                "--no-ort",
                "--peer",
                "torch",
                "--python",
                py.toString());
        assertEquals(0, r.status, r.out + r.err);
        assertTrue(r.out.contains(TorchPeer.NOT_AVAILABLE), r.out);
        assertTrue(r.out.contains("No module named torch"), r.out);
        assertTrue(!r.out.contains("small_latency             torch"), r.out);
    }

    @Test
    void torchRowsAreMergedWithTheirRatio(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell for the stand-in python");
        String answer = "{\"case\": \"small_latency\", \"rows\": ["
                + "{\"layout\": \"nchw\", \"threads\": 1, \"median_ms\": 2.0, \"min_ms\": 1.5, \"label\": \"max_pool\"},"
                + "{\"layout\": \"channels_last\", \"threads\": 1, \"median_ms\": 0.5, \"min_ms\": 0.25, \"label\": \"max_pool\"}"
                + "], \"skipped\": [\"mkldnn: test\"]}";
        Path py = fakePython(dir, "{\"torch\": \"0.0-test\", \"python\": \"sh\", \"mkldnn\": false}", answer);
        Path json = dir.resolve("b.json");
        BenchCommandTest.Run r = BenchCommandTest.bench(
                "--quick",
                "--case",
                "small_latency",
                "--threads",
                "1",
                "--no-ort",
                "--peer",
                "torch",
                "--python",
                py.toString(),
                "--json",
                json.toString());
        assertEquals(0, r.status, r.out + r.err);
        assertTrue(r.out.contains("PyTorch peer: torch 0.0-test"), r.out);
        assertTrue(r.out.contains("channels_last: max_pool"), "the table shows the fastest layout: " + r.out);
        List<Map<String, Object>> torch = new ArrayList<>();
        Map<String, Object> ours = null;
        for (Map<String, Object> row : BenchCommandTest.rows(json)) {
            if ("torch".equals(row.get("impl"))) torch.add(row);
            if ("pooling4j".equals(row.get("impl"))) ours = row;
        }
        assertNotNull(ours);
        assertEquals(2, torch.size(), torch.toString());
        assertEquals("nchw", torch.get(0).get("layout"));
        assertEquals("channels_last", torch.get(1).get("layout"));
        assertEquals("torch 0.0-test", torch.get(1).get("peer_version"));
        assertEquals(0.5, ((Number) torch.get(1).get("median_ms")).doubleValue());
        assertEquals(0.25, ((Number) torch.get(1).get("min_ms")).doubleValue());
        // The case's bytes, 4 * (64*56*56 + 64*28*28) = 1003520, in 0.5 ms: 2.00704 GB/s.
        assertEquals(1003520.0, ((Number) torch.get(1).get("bytes")).doubleValue());
        assertEquals(2.0070, ((Number) torch.get(1).get("gbps")).doubleValue(), 1e-9);
        // vs torch: the fastest torch median (0.5 ms) over ours.
        double oursMs = ((Number) ours.get("median_ms")).doubleValue();
        assertEquals(0.5 / oursMs, ((Number) ours.get("ratio_vs_torch")).doubleValue(), 1e-4 + 1e-4 * (0.5 / oursMs));
        assertEquals("channels_last", ours.get("torch_best_layout"));
        assertNull(ours.get("peer_version"));
    }

    @Test
    void peerUsageErrors() {
        BenchCommandTest.Run r = BenchCommandTest.bench("--peer", "tensorflow");
        assertEquals(2, r.status, r.out + r.err);
        assertTrue(r.err.contains("--peer") && r.err.contains("'tensorflow'") && r.err.contains("torch"), r.err);
        BenchCommandTest.Run p = BenchCommandTest.bench("--python", "python3");
        assertEquals(2, p.status, p.out + p.err);
        assertTrue(p.err.contains("--python") && p.err.contains("needs --peer torch"), p.err);
    }
}
