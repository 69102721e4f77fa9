package org.pooling4j.cli.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pooling4j.io.Npy;
import org.pooling4j.io.NpyArray;

/**
 * Runs the committed golden job suites through the job runner and compares every output with the
 * expected file: {@code torch/} was produced by PyTorch (tools/golden/torch_golden.py),
 * {@code tf/} by TensorFlow's documented rules worked out independently (tools/golden/tf_rules_golden.py),
 * {@code torchvision/} by torchvision's roi_align and roi_pool (tools/golden/torchvision_golden.py).
 * Max-type values, all indices and roi_pool gradients (sums of the same values in torchvision's order)
 * must be bit-exact; averages, norms and roi_align values and gradients within a relative 1e-5.
 */
class GoldenJobsTest {
    @TempDir
    Path work;

    @ParameterizedTest
    @ValueSource(strings = {"torch", "tf", "torchvision"})
    void goldenSuitePasses(String suite) throws Exception {
        Path src = resource("golden/" + suite);
        if (src == null) {
            fail("golden suite " + suite + " is missing from the test resources");
        }
        Path dir = work.resolve(suite);
        copy(src, dir);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        JobRunner runner = new JobRunner(new PrintStream(buf, true, StandardCharsets.UTF_8), true);
        runner.run(dir.resolve("jobs.jsonl"));
        String log = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, runner.failed, "failed jobs:\n" + log);
        assertTrue(runner.passed > 50, "suite " + suite + " ran only " + runner.passed + " jobs");

        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        try (Stream<Path> files = Files.list(dir.resolve("expected"))) {
            for (Path expected : (Iterable<Path>) files.sorted()::iterator) {
                Path actual = dir.resolve("out").resolve(expected.getFileName().toString());
                compared++;
                if (!Files.exists(actual)) {
                    mismatches.add(expected.getFileName() + ": not written");
                    continue;
                }
                String why = compare(
                        Npy.read(expected),
                        Npy.read(actual),
                        exactFor(expected.getFileName().toString()));
                if (why != null) mismatches.add(expected.getFileName() + ": " + why);
            }
        }
        assertTrue(compared > 50, "only " + compared + " expected files");
        assertEquals(List.of(), mismatches, mismatches.size() + " of " + compared + " outputs differ");
    }

    /** Values of max-type forward ops are copies of inputs, so they must match bit for bit. */
    private static boolean exactFor(String file) {
        boolean maxType = file.contains("max_pool") || file.contains("max_unpool");
        boolean forward = !file.contains("_backward");
        return file.endsWith(".indices.npy")
                || file.endsWith(".argmax.npy")
                || (maxType && forward)
                || file.startsWith("roi_pool");
    }

    static String compare(NpyArray want, NpyArray got, boolean exact) {
        if (!java.util.Arrays.equals(want.shape(), got.shape())) {
            return "shape " + java.util.Arrays.toString(got.shape()) + ", expected "
                    + java.util.Arrays.toString(want.shape());
        }
        if (want.dtype() != got.dtype()) return "dtype " + got.dtype() + ", expected " + want.dtype();
        if (want.dtype() == NpyArray.DType.INT64) {
            long[] a = (long[]) want.data();
            long[] b = (long[]) got.data();
            for (int i = 0; i < a.length; i++) {
                if (a[i] != b[i]) return "index [" + i + "] = " + b[i] + ", expected " + a[i];
            }
            return null;
        }
        float[] a = want.toFloats();
        float[] b = got.toFloats();
        for (int i = 0; i < a.length; i++) {
            if (Float.isNaN(a[i]) || Float.isNaN(b[i])) {
                if (Float.isNaN(a[i]) != Float.isNaN(b[i])) return "[" + i + "] = " + b[i] + ", expected " + a[i];
                continue;
            }
            if (exact) {
                if (Float.floatToIntBits(a[i]) != Float.floatToIntBits(b[i]) && a[i] != b[i])
                    return "[" + i + "] = " + b[i] + ", expected exactly " + a[i];
            } else if (a[i] != b[i]) {
                double tol = 1e-5 * Math.abs(a[i]) + 1e-6;
                if (Float.isInfinite(a[i]) || !(Math.abs((double) a[i] - b[i]) <= tol)) {
                    return "[" + i + "] = " + b[i] + ", expected " + a[i] + " (tolerance " + tol + ")";
                }
            }
        }
        return null;
    }

    private static Path resource(String name) throws URISyntaxException {
        java.net.URL url = GoldenJobsTest.class.getClassLoader().getResource(name);
        return url == null ? null : Paths.get(url.toURI());
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path dst = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(dst);
                else Files.copy(p, dst);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void exactComparisonCatchesOneUlp() {
        NpyArray a = NpyArray.of(new float[] {1f}, 1);
        NpyArray b = NpyArray.of(new float[] {Math.nextUp(1f)}, 1);
        assertTrue(compare(a, b, true) != null);
        assertEquals(null, compare(a, b, false));
        assertArrayEquals(new int[] {1}, a.shape());
    }
}
