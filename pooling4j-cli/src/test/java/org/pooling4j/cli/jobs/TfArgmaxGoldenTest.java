package org.pooling4j.cli.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.io.Npy;
import org.pooling4j.io.NpyArray;

/**
 * {@code tf.nn.max_pool_with_argmax} (forward, both index forms, backward from an argmax file and
 * recomputed) and {@code tf.nn.max_pool2d} with its gradient, against files TensorFlow itself wrote
 * (tools/golden/tf_argmax_golden.py): NaN first, later and alone in a window, windows of -inf, -inf
 * mixed with NaN, -FLT_MAX, ties, SAME padding before and after. Every value, index and gradient must
 * be bit-exact (NaN matches NaN).
 */
class TfArgmaxGoldenTest {
    @TempDir
    Path work;

    @Test
    void tensorFlowArgmaxRulesBitExact() throws Exception {
        URL url = getClass().getClassLoader().getResource("golden/tf_argmax");
        assertNotNull(url, "golden/tf_argmax is missing from the test resources");
        Path src = Paths.get(url.toURI());
        Path dir = work.resolve("tf_argmax");
        try (Stream<Path> all = Files.walk(src)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path dst = dir.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(dst);
                else Files.copy(p, dst);
            }
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        JobRunner runner = new JobRunner(new PrintStream(buf, true, StandardCharsets.UTF_8), true);
        runner.run(dir.resolve("jobs.jsonl"));
        String log = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, runner.failed, "failed jobs:\n" + log);
        assertEquals(42, runner.passed, log);

        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        int nanValues = 0;
        try (Stream<Path> files = Files.list(dir.resolve("expected"))) {
            for (Path expected : (Iterable<Path>) files.sorted()::iterator) {
                String name = expected.getFileName().toString();
                Path actual = dir.resolve("out").resolve(name);
                compared++;
                if (!Files.exists(actual)) {
                    mismatches.add(name + ": not written");
                    continue;
                }
                NpyArray want = Npy.read(expected);
                if (want.dtype() == NpyArray.DType.FLOAT32) {
                    for (float v : want.toFloats()) if (Float.isNaN(v)) nanValues++;
                }
                String why = GoldenJobsTest.compare(want, Npy.read(actual), true);
                if (why != null) mismatches.add(name + ": " + why);
            }
        }
        assertEquals(54, compared);
        // The suite is about NaN: TensorFlow's outputs must actually hold some.
        assertTrue(nanValues > 10, "only " + nanValues + " NaN values in the expected outputs");
        assertEquals(List.of(), mismatches, mismatches.size() + " of " + compared + " outputs differ");
    }
}
