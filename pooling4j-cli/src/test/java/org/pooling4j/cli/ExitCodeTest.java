package org.pooling4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The exit statuses are distinct and documented: 0 success, 1 some job failed, 2 a usage or file
 * error, 3 an internal error (one line, asking for a report).
 */
class ExitCodeTest {
    @TempDir
    Path dir;

    /** A command that fails the way its argument says. */
    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @Parameters(index = "0")
        String how;

        @Override
        public Integer call() throws Exception {
            switch (how) {
                case "npe":
                    throw new NullPointerException("a bug");
                case "state":
                    throw new IllegalStateException("a broken invariant");
                case "io":
                    throw new java.nio.file.NoSuchFileException("gone.npy");
                case "arg":
                    throw new IllegalArgumentException("--x 5: must be < 4");
                case "oom":
                    throw new OutOfMemoryError("Java heap space");
                default:
                    return 0;
            }
        }
    }

    private static Object[] boom(String how) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        CommandLine cl = new CommandLine(new Boom());
        PrintWriter w = new PrintWriter(new PrintStream(buf, true, StandardCharsets.UTF_8), true);
        cl.setErr(w);
        cl.setOut(w);
        int rc = Main.execute(cl, how);
        w.flush();
        return new Object[] {rc, buf.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void anUnexpectedExceptionIsAnInternalErrorInOneLine() {
        for (String how : new String[] {"npe", "state"}) {
            Object[] r = boom(how);
            String text = (String) r[1];
            assertEquals(Main.EXIT_INTERNAL, r[0], text);
            assertEquals(1, text.lines().count(), text);
            assertTrue(text.startsWith("pooling4j boom: internal error: java.lang."), text);
            assertTrue(text.trim().endsWith("(please report this, with the command line and its files)"), text);
        }
        Object[] oom = boom("oom");
        assertEquals(Main.EXIT_INTERNAL, oom[0]);
        assertTrue(((String) oom[1]).startsWith("pooling4j: out of memory"), (String) oom[1]);
    }

    @Test
    void usageAndFileErrorsAreStatus2() {
        Object[] io = boom("io");
        assertEquals(Main.EXIT_USAGE, io[0]);
        assertEquals("pooling4j boom: no such file: gone.npy\n", io[1]);
        Object[] arg = boom("arg");
        assertEquals(Main.EXIT_USAGE, arg[0]);
        assertEquals("pooling4j boom: --x 5: must be < 4\n", arg[1]);
        assertEquals(0, boom("fine")[0]);
        // picocli's own usage errors.
        assertEquals(2, CliTest.cli("run", "--no-such-option", "x")[0]);
        assertEquals(2, CliTest.cli("run", dir.resolve("missing.jsonl").toString())[0]);
    }

    @Test
    void runIs0WhenAllPassAnd1WhenAJobFails() throws Exception {
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) x[i] = i + 1;
        org.pooling4j.io.Npy.write(dir.resolve("x.npy"), org.pooling4j.Tensor.of(x, 1, 1, 4, 4));
        String good =
                "{\"id\": \"g\", \"op\": \"max_pool2d\", \"kernel_size\": 2, \"input\": \"x.npy\", \"output\": \"y.npy\"}";
        Path ok = Files.writeString(dir.resolve("ok.jsonl"), good + "\n");
        Path bad = Files.writeString(
                dir.resolve("bad.jsonl"),
                good
                        + "\n{\"id\": \"b\", \"op\": \"max_pool2d\", \"kernel_size\": 9, \"input\": \"x.npy\", \"output\": \"z.npy\"}\n");
        assertEquals(Main.EXIT_OK, CliTest.cli("run", ok.toString())[0]);
        Object[] r = CliTest.cli("run", bad.toString());
        assertEquals(Main.EXIT_FAILED, r[0], (String) r[1]);
    }

    @Test
    void theHelpDocumentsTheStatuses() {
        String top = (String) CliTest.cli("--help")[1];
        assertTrue(top.contains("Exit status: 0 success"), top);
        assertTrue(top.contains("3 internal error"), top);
        String run = (String) CliTest.cli("run", "--help")[1];
        assertTrue(run.contains("Exit status: 0 every job passed; 1 some job failed; 2 usage or file error"), run);
        assertTrue(run.contains("--allow-outside"), run);
        String onnx = (String) CliTest.cli("onnx-run", "--help")[1];
        assertTrue(onnx.contains("Exit status: 0 done; 2 usage or file error"), onnx);
        assertFalse(onnx.contains("\tat "), onnx);
    }
}
