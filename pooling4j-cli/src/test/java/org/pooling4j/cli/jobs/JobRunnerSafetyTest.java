package org.pooling4j.cli.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.Tensor;
import org.pooling4j.io.Npy;

/**
 * The job runner never loses a job (issue findings 4 to 7 and the runner's part of finding 1): each
 * bad line or job fails alone in one line, before it writes anything, and the others still run.
 * Expected numbers are worked by hand on x4 = 1..16 as (1, 1, 4, 4): 2x2 max {6, 8, 14, 16}, 2x2
 * average {3.5, 5.5, 11.5, 13.5}.
 */
class JobRunnerSafetyTest {
    private static final float[] MAX_2X2 = {6, 8, 14, 16};
    private static final float[] AVG_2X2 = {3.5f, 5.5f, 11.5f, 13.5f};

    @TempDir
    Path root;

    private Path dir;
    private JobRunner runner;
    private ByteArrayOutputStream buf;

    @BeforeEach
    void inputs() throws IOException {
        dir = Files.createDirectories(root.resolve("jobs"));
        float[] x = new float[16];
        for (int i = 0; i < x.length; i++) x[i] = i + 1;
        Npy.write(dir.resolve("x4.npy"), Tensor.of(x, 1, 1, 4, 4));
        newRunner(JobFamilies::forOp);
    }

    private void newRunner(Function<String, JobFamily> families) {
        buf = new ByteArrayOutputStream();
        runner = new JobRunner(new PrintStream(buf, true, StandardCharsets.UTF_8), false, families);
    }

    private List<String> log() {
        return buf.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private Path jobs(String name, String... lines) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, List.of(lines), StandardCharsets.UTF_8);
        return f;
    }

    private static String max(String id, String output) {
        return "{\"id\": \"" + id
                + "\", \"op\": \"max_pool2d\", \"kernel_size\": 2, \"input\": \"x4.npy\", \"output\": \"" + output
                + "\"}";
    }

    private float[] read(String name) throws IOException {
        return Npy.readTensor(dir.resolve(name)).data();
    }

    // Finding 4: one undecodable byte aborted the whole file and the files after it.

    @Test
    void anUndecodableLineFailsAloneNamingFileAndLine() throws IOException {
        byte[] bad =
                "{\"id\": \"caf\u00e9\", \"op\": \"max_pool2d\", \"kernel_size\": 2, \"input\": \"x4.npy\", \"output\": \"bad.npy\"}"
                        .getBytes(StandardCharsets.ISO_8859_1);
        Path first = dir.resolve("first.jsonl");
        try (var out = Files.newOutputStream(first)) {
            out.write((max("one", "one.npy") + "\n").getBytes(StandardCharsets.UTF_8));
            out.write(bad);
            out.write(("\r\n" + max("three", "three.npy") + "\n").getBytes(StandardCharsets.UTF_8));
            // A character cut short at the end of the file.
            out.write(new byte[] {'{', (byte) 0xC3});
        }
        Path second = jobs("second.jsonl", max("later", "later.npy"));
        runner.run(first);
        runner.run(second);
        List<String> log = log();
        assertEquals(5, log.size(), log.toString());
        assertTrue(log.get(0).startsWith("ok    one  max_pool2d"), log.get(0));
        // {"id": "caf is 11 bytes: the Latin-1 e-acute is byte 12.
        assertEquals(
                "FAIL  line 2: not valid UTF-8: byte 0xE9 at byte 12 of the line (jobs files are UTF-8) (" + first
                        + ", line 2)",
                log.get(1));
        assertTrue(log.get(2).startsWith("ok    three  max_pool2d"), log.get(2));
        assertEquals(
                "FAIL  line 4: not valid UTF-8: byte 0xC3 at byte 2 of the line (jobs files are UTF-8) (" + first
                        + ", line 4)",
                log.get(3));
        assertTrue(log.get(4).startsWith("ok    later  max_pool2d"), log.get(4));
        assertEquals(3, runner.passed);
        assertEquals(2, runner.failed);
        assertFalse(Files.exists(dir.resolve("bad.npy")));
        for (String f : List.of("one.npy", "three.npy", "later.npy")) assertArrayEquals(MAX_2X2, read(f), f);
    }

    @Test
    void aLineThatIsNotJsonFailsAloneNamingFileAndLine() throws IOException {
        Path f = jobs(
                "j.jsonl",
                "\uFEFF" + max("bom", "a.npy"),
                "{\"id\": \"cut\", \"op\": ",
                "[1, 2]",
                max("after", "b.npy"));
        runner.run(f);
        List<String> log = log();
        assertTrue(log.get(0).startsWith("ok    bom  max_pool2d"), log.toString());
        assertTrue(log.get(1).startsWith("FAIL  line 2: invalid JSON at column "), log.get(1));
        assertTrue(log.get(1).endsWith("(" + f + ", line 2)"), log.get(1));
        assertEquals("FAIL  line 3: a job must be a JSON object (" + f + ", line 3)", log.get(2));
        assertTrue(log.get(3).startsWith("ok    after  max_pool2d"), log.get(3));
        assertArrayEquals(MAX_2X2, read("b.npy"));
    }

    // Finding 5: keys of another framework or operator were dropped without a word.

    @Test
    void keysFromAnotherFrameworkOrOperatorAreRejected() throws IOException {
        Npy.write(dir.resolve("boxes.npy"), Tensor.of(new float[] {0, 0, 0, 3, 3}, 1, 5));
        String roi = "\"input\": \"x4.npy\", \"boxes\": \"boxes.npy\", \"output_size\": 2, \"output\": \"r.npy\"";
        String[][] cases = {
            // TensorFlow's strides on PyTorch's max_pool2d ran with the default stride (the kernel, 3).
            {
                "{\"id\": \"strides\", \"op\": \"max_pool2d\", \"kernel_size\": 3, \"strides\": 1, \"input\": \"x4.npy\", \"output\": \"s.npy\"}",
                "FAIL  strides: unknown key \"strides\" (did you mean \"stride\"?)"
            },
            {
                "{\"id\": \"df\", \"op\": \"avg_pool2d\", \"kernel_size\": 2, \"data_format\": \"NHWC\", \"input\": \"x4.npy\", \"output\": \"d.npy\"}",
                "FAIL  df: unknown key \"data_format\""
            },
            {
                "{\"id\": \"df-beyond\", \"op\": \"mixed_pool2d\", \"kernel_size\": 2, \"alpha\": 0.5, \"data_format\": \"NCHW\", \"input\": \"x4.npy\", \"output\": \"d.npy\"}",
                "FAIL  df-beyond: unknown key \"data_format\""
            },
            {
                "{\"id\": \"roi-stride\", \"op\": \"roi_align\", \"stride\": 2, " + roi + "}",
                "FAIL  roi-stride: unknown key \"stride\""
            },
            {
                "{\"id\": \"roi-padding\", \"op\": \"roi_pool\", \"padding\": 1, " + roi + "}",
                "FAIL  roi-padding: unknown key \"padding\""
            },
            {
                "{\"id\": \"tf-torch\", \"op\": \"tf.nn.max_pool2d\", \"ksize\": 2, \"strides\": 2, \"padding\": \"VALID\", \"ceil_mode\": true, \"input\": \"x4.npy\", \"output\": \"t.npy\"}",
                "FAIL  tf-torch: unknown key \"ceil_mode\""
            },
            // A parameter of another pooling function given as null was passed over as absent.
            {
                "{\"id\": \"null\", \"op\": \"max_pool2d\", \"kernel_size\": 2, \"alpha\": null, \"input\": \"x4.npy\", \"output\": \"n.npy\"}",
                "FAIL  null: key \"alpha\" = null: max_pool2d has no parameter alpha"
            },
            {
                "{\"id\": \"roi-null\", \"op\": \"roi_pool\", \"sampling_ratio\": null, " + roi + "}",
                "FAIL  roi-null: key \"sampling_ratio\" = null: roi_pool has no parameter sampling_ratio"
            },
            // A seed next to the file of draws was ignored.
            {
                "{\"id\": \"seed\", \"op\": \"stochastic_pool2d\", \"kernel_size\": 2, \"seed\": 3, \"random_samples\": \"u.npy\", \"input\": \"x4.npy\", \"output\": \"u.npy.out\"}",
                "FAIL  seed: key \"seed\" = 3: give random_samples or seed, not both"
            },
            {
                "{\"id\": \"eval-seed\", \"op\": \"stochastic_pool2d\", \"kernel_size\": 2, \"training\": false, \"seed\": 3, \"input\": \"x4.npy\", \"output\": \"e.npy\"}",
                "FAIL  eval-seed: key \"seed\" = 3: stochastic pooling draws only in training mode (\"training\": true)"
            },
            {
                "{\"id\": \"frac-seed\", \"op\": \"fractional_max_pool2d\", \"kernel_size\": 2, \"output_size\": 2, \"seed\": 1, \"random_samples\": \"u.npy\", \"input\": \"x4.npy\", \"output\": \"f.npy\"}",
                "FAIL  frac-seed: key \"seed\" = 1: give random_samples or seed, not both"
            },
            {
                "{\"id\": \"shape-twice\", \"op\": \"roi_align_backward\", \"input_shape\": [1, 1, 4, 4], \"grad_output\": \"g.npy\", "
                        + roi + "}",
                "FAIL  shape-twice: key \"input_shape\" = [1, 1, 4, 4]: give input or input_shape, not both"
            },
        };
        List<String> lines = new ArrayList<>();
        for (String[] c : cases) lines.add(c[0]);
        lines.add(max("valid", "v.npy"));
        runner.run(jobs("j.jsonl", lines.toArray(String[]::new)));
        List<String> log = log();
        assertEquals(cases.length + 1, log.size(), log.toString());
        for (int i = 0; i < cases.length; i++) assertEquals(cases[i][1], log.get(i));
        assertEquals(cases.length, runner.failed);
        assertArrayEquals(MAX_2X2, read("v.npy"));
        for (String f : List.of("s.npy", "d.npy", "r.npy", "t.npy", "n.npy", "e.npy", "f.npy"))
            assertFalse(Files.exists(dir.resolve(f)), f);
    }

    // Finding 6: ids were printed raw.

    @Test
    void idsAndMessagesArePrintedEscaped() throws IOException {
        String forged =
                "{\"id\": \"x\\nok    forged  max_pool2d  kernel=scalar  0.01 ms\", \"op\": \"max_pool2d\", \"kernel_size\": 0,"
                        + " \"input\": \"x4.npy\", \"output\": \"a.npy\"}";
        String escape = "{\"id\": \"\\u001b[2J\\u001b]0;title\\u0007red\", \"op\": \"max_pool2d\", \"kernel_size\": 2,"
                + " \"input\": \"x4.npy\", \"output\": \"b.npy\"}";
        String key =
                "{\"id\": \"k\", \"op\": \"max_pool2d\", \"kernel_size\": 2, \"a\\rok    k2\": 1, \"input\": \"x4.npy\", \"output\": \"c.npy\"}";
        String op = "{\"op\": \"max\\u2028pool\\u009b31m\", \"input\": \"x4.npy\", \"output\": \"d.npy\"}";
        runner.run(jobs("j.jsonl", forged, escape, key, op));
        String text = buf.toString(StandardCharsets.UTF_8);
        List<String> log = log();
        assertEquals(4, log.size(), text);
        assertEquals(
                "FAIL  x\\nok    forged  max_pool2d  kernel=scalar  0.01 ms: kernel = [0, 0]: every entry must be >= 1",
                log.get(0));
        assertTrue(log.get(1).startsWith("ok    \\u001b[2J\\u001b]0;title\\u0007red  max_pool2d  kernel="), log.get(1));
        assertEquals("FAIL  k: unknown key \"a\\rok    k2\"", log.get(2));
        assertTrue(
                log.get(3).startsWith("FAIL  line 4: op = \"max\\u2028pool\\u009b31m\": unknown operator"), log.get(3));
        for (char c : text.toCharArray()) {
            assertTrue(
                    c == '\n' || (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0) && c != 0x2028), "raw " + (int) c);
        }
    }

    // Finding 7: outputs overwrote inputs, each other and the jobs file, and went anywhere.

    @Test
    void anOutputThatIsAnInputAnotherOutputOrTheJobsFileIsRefusedBeforeAnyWrite() throws IOException {
        byte[] x4 = Files.readAllBytes(dir.resolve("x4.npy"));
        Files.createDirectories(dir.resolve("sub"));
        Npy.write(dir.resolve("g.npy"), Tensor.of(new float[] {1, 1, 1, 1}, 1, 1, 2, 2));
        String[] lines = {
            max("before", "before.npy"),
            "{\"id\": \"idx-is-out\", \"op\": \"max_pool2d\", \"kernel_size\": 2, \"input\": \"x4.npy\", \"output\": \"y.npy\", \"indices\": \"./sub/../y.npy\"}",
            max("out-is-in", "sub/../x4.npy"),
            max("out-is-jobs", "j.jsonl"),
            max("out-is-other-jobs", "k.jsonl"),
            "{\"id\": \"bw-out-is-grad\", \"op\": \"max_pool2d_backward\", \"kernel_size\": 2, \"input\": \"x4.npy\", \"grad_output\": \"g.npy\", \"output\": \"g.npy\"}",
            max("out-is-dir", "sub"),
            max("after", "after.npy"),
        };
        Path f = jobs("j.jsonl", lines);
        Path k = jobs("k.jsonl", max("in-k", "k.npy"));
        byte[] jobsBefore = Files.readAllBytes(f);
        byte[] gBefore = Files.readAllBytes(dir.resolve("g.npy"));
        runner.jobsFiles(List.of(f, k));
        runner.run(f);
        List<String> log = log();
        Path real = dir.toRealPath();
        assertEquals(8, log.size(), log.toString());
        assertTrue(log.get(0).startsWith("ok    before"), log.get(0));
        assertEquals(
                "FAIL  idx-is-out: key \"indices\" = \"./sub/../y.npy\": is the same file as \"output\" ("
                        + real.resolve("y.npy") + "); each output needs a file of its own",
                log.get(1));
        assertEquals(
                "FAIL  out-is-in: key \"output\" = \"sub/../x4.npy\": is the same file as the input \"input\" ("
                        + real.resolve("x4.npy") + "); writing it would overwrite the input",
                log.get(2));
        assertEquals(
                "FAIL  out-is-jobs: key \"output\" = \"j.jsonl\": is the jobs file " + real.resolve("j.jsonl")
                        + "; writing it would destroy the jobs not yet run",
                log.get(3));
        assertTrue(
                log.get(4).startsWith("FAIL  out-is-other-jobs: key \"output\" = \"k.jsonl\": is the jobs file"),
                log.get(4));
        assertTrue(
                log.get(5)
                        .startsWith(
                                "FAIL  bw-out-is-grad: key \"output\" = \"g.npy\": is the same file as the input \"grad_output\""),
                log.get(5));
        assertEquals("FAIL  out-is-dir: key \"output\" = \"sub\": is a directory; give a file name", log.get(6));
        assertTrue(log.get(7).startsWith("ok    after"), log.get(7));
        assertEquals(2, runner.passed);
        assertEquals(6, runner.failed);
        assertFalse(Files.exists(dir.resolve("y.npy")));
        assertArrayEquals(x4, Files.readAllBytes(dir.resolve("x4.npy")));
        assertArrayEquals(gBefore, Files.readAllBytes(dir.resolve("g.npy")));
        assertArrayEquals(jobsBefore, Files.readAllBytes(f));
        assertArrayEquals(MAX_2X2, read("before.npy"));
        assertArrayEquals(MAX_2X2, read("after.npy"));
    }

    @Test
    void theFilesOfSequenceAndDescriptorJobsAreCheckedToo() throws IOException {
        Npy.write(dir.resolve("e.npy"), Tensor.of(new float[] {1, 2, 3, 4}, 1, 2, 2));
        Npy.write(dir.resolve("m.npy"), Tensor.of(new float[] {1, 1}, 1, 2));
        Npy.write(dir.resolve("g.npy"), Tensor.of(new float[] {1}, 1, 1, 1, 1));
        byte[] mask = Files.readAllBytes(dir.resolve("m.npy"));
        byte[] g = Files.readAllBytes(dir.resolve("g.npy"));
        Path f = jobs(
                "j.jsonl",
                "{\"id\": \"mask\", \"op\": \"sequence_pool\", \"mode\": \"mean\", \"input\": \"e.npy\", \"attention_mask\": \"m.npy\", \"output\": \"m.npy\"}",
                "{\"id\": \"gp-in\", \"op\": \"gem_pool2d_backward\", \"input\": \"x4.npy\", \"grad_output\": \"g.npy\", \"output\": \"gx.npy\", \"grad_p\": \"g.npy\"}",
                "{\"id\": \"gp-out\", \"op\": \"gem_pool2d_backward\", \"input\": \"x4.npy\", \"grad_output\": \"g.npy\", \"output\": \"gx.npy\", \"grad_p\": \"../gp.npy\"}",
                "{\"id\": \"mean\", \"op\": \"sequence_pool\", \"mode\": \"mean\", \"input\": \"e.npy\", \"attention_mask\": \"m.npy\", \"output\": \"s.npy\"}");
        runner.run(f);
        List<String> log = log();
        assertEquals(4, log.size(), log.toString());
        assertTrue(
                log.get(0)
                        .startsWith(
                                "FAIL  mask: key \"output\" = \"m.npy\": is the same file as the input \"attention_mask\""),
                log.get(0));
        assertTrue(
                log.get(1)
                        .startsWith(
                                "FAIL  gp-in: key \"grad_p\" = \"g.npy\": is the same file as the input \"grad_output\""),
                log.get(1));
        assertTrue(log.get(2).startsWith("FAIL  gp-out: key \"grad_p\" = \"../gp.npy\": leads to "), log.get(2));
        assertTrue(log.get(3).startsWith("ok    mean"), log.get(3));
        assertFalse(Files.exists(dir.resolve("gx.npy")));
        assertFalse(Files.exists(root.resolve("gp.npy")));
        assertArrayEquals(mask, Files.readAllBytes(dir.resolve("m.npy")));
        assertArrayEquals(g, Files.readAllBytes(dir.resolve("g.npy")));
        // The mean of tokens (1, 2) and (3, 4), both unmasked, worked by hand.
        assertArrayEquals(new float[] {2, 3}, read("s.npy"));
    }

    @Test
    void anOutputThroughALinkToAnInputOrTheJobsFileIsRefused() throws IOException {
        Files.createSymbolicLink(dir.resolve("alias.npy"), dir.resolve("x4.npy"));
        // A dangling link: writing it would create its target, outside the jobs file's folder.
        Files.createSymbolicLink(dir.resolve("dangling.npy"), root.resolve("created.npy"));
        Files.createSymbolicLink(dir.resolve("jobs-link.jsonl"), dir.resolve("j.jsonl"));
        Files.createLink(dir.resolve("hard.npy"), dir.resolve("x4.npy"));
        byte[] x4 = Files.readAllBytes(dir.resolve("x4.npy"));
        runner.run(jobs(
                "j.jsonl",
                max("alias", "alias.npy"),
                max("dangling", "dangling.npy"),
                max("jobs", "jobs-link.jsonl"),
                max("hard", "hard.npy")));
        List<String> log = log();
        assertEquals(4, log.size(), log.toString());
        assertTrue(
                log.get(0)
                        .startsWith(
                                "FAIL  alias: key \"output\" = \"alias.npy\": is the same file as the input \"input\""),
                log.get(0));
        assertTrue(
                log.get(1)
                        .startsWith("FAIL  dangling: key \"output\" = \"dangling.npy\": leads to "
                                + root.toRealPath().resolve("created.npy")),
                log.get(1));
        assertTrue(
                log.get(2).startsWith("FAIL  jobs: key \"output\" = \"jobs-link.jsonl\": is the jobs file"),
                log.get(2));
        assertTrue(
                log.get(3)
                        .startsWith(
                                "FAIL  hard: key \"output\" = \"hard.npy\": is the same file as the input \"input\""),
                log.get(3));
        assertArrayEquals(x4, Files.readAllBytes(dir.resolve("x4.npy")));
        assertFalse(Files.exists(root.resolve("created.npy")));
    }

    @Test
    void outputsOutsideTheJobsFolderNeedAllowOutside() throws IOException {
        Path outside = Files.createDirectories(root.resolve("outside"));
        Files.createSymbolicLink(dir.resolve("link"), outside);
        String abs = outside.resolve("abs.npy").toString();
        String[] lines = {
            max("dotdot", "../escape.npy"), max("abs", abs), max("link", "link/linked.npy"), max("inside", "sub/in.npy")
        };
        Path f = jobs("j.jsonl", lines);
        runner.run(f);
        List<String> log = log();
        Path base = dir.toRealPath();
        assertEquals(
                "FAIL  dotdot: key \"output\" = \"../escape.npy\": leads to "
                        + root.toRealPath().resolve("escape.npy") + ", outside the jobs file's folder " + base
                        + " (give run --allow-outside to write there)",
                log.get(0));
        assertEquals(
                "FAIL  abs: key \"output\" = \"" + abs
                        + "\": an absolute output path; outputs are written under the jobs" + " file's folder " + base
                        + " (give run --allow-outside to write elsewhere)",
                log.get(1));
        assertTrue(
                log.get(2)
                        .startsWith("FAIL  link: key \"output\" = \"link/linked.npy\": leads to "
                                + outside.toRealPath().resolve("linked.npy")),
                log.get(2));
        assertTrue(log.get(3).startsWith("ok    inside"), log.get(3));
        assertFalse(Files.exists(root.resolve("escape.npy")));
        assertFalse(Files.exists(outside.resolve("abs.npy")));
        assertFalse(Files.exists(outside.resolve("linked.npy")));

        newRunner(JobFamilies::forOp);
        runner.allowOutside(true).run(f);
        assertEquals(4, runner.passed, log().toString());
        for (Path p : List.of(root.resolve("escape.npy"), outside.resolve("abs.npy"), outside.resolve("linked.npy")))
            assertArrayEquals(MAX_2X2, Npy.readTensor(p).data(), p.toString());
    }

    // The runner survives a job that runs out of memory or stack, or hits a bug.

    /** max_pool2d as usual, except that the job named by its id throws what its id says. */
    private static final class Throwing implements JobFamily {
        @Override
        public Set<String> ops() {
            return JobFamilies.forOp("max_pool2d").ops();
        }

        @Override
        public Set<String> keys(String op) {
            return JobFamilies.forOp(op).keys(op);
        }

        @Override
        public String run(Job job) throws IOException {
            switch (job.id) {
                case "oom":
                    // As an allocation the heap cannot hold fails (a real one is in JobRunnerAcceptanceTest).
                    throw new OutOfMemoryError("Java heap space");
                case "deep":
                    return deep(0);
                case "bug":
                    Object nothing = null;
                    return nothing.toString();
                default:
                    return JobFamilies.forOp(job.op).run(job);
            }
        }

        private static String deep(int n) {
            return deep(n + 1) + n;
        }
    }

    @Test
    void aJobOutOfMemoryOrStackFailsAloneAndTheNextRuns() throws IOException {
        newRunner(op -> new Throwing());
        runner.run(
                jobs(
                        "j.jsonl",
                        max("before", "a.npy"),
                        max("oom", "oom.npy"),
                        max("deep", "deep.npy"),
                        max("bug", "bug.npy"),
                        "{\"id\": \"after\", \"op\": \"avg_pool2d\", \"kernel_size\": 2, \"input\": \"x4.npy\", \"output\": \"b.npy\"}"));
        List<String> log = log();
        assertEquals(5, log.size(), log.toString());
        assertTrue(log.get(0).startsWith("ok    before"), log.get(0));
        assertTrue(
                log.get(1).startsWith("FAIL  oom: out of memory (the job needs more heap than this JVM has"),
                log.get(1));
        assertTrue(log.get(2).startsWith("FAIL  deep: out of stack (java.lang.StackOverflowError"), log.get(2));
        assertTrue(log.get(3).startsWith("FAIL  bug: internal error: java.lang.NullPointerException"), log.get(3));
        assertTrue(log.get(3).endsWith("(please report this, with the job)"), log.get(3));
        assertTrue(log.get(4).startsWith("ok    after  avg_pool2d"), log.get(4));
        assertEquals(2, runner.passed);
        assertEquals(3, runner.failed);
        assertEquals(1, runner.internalErrors);
        assertArrayEquals(MAX_2X2, read("a.npy"));
        assertArrayEquals(AVG_2X2, read("b.npy"));
    }
}
