package org.pooling4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pooling4j.cli.CliTest.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that reads files reports a missing one the same way: one line, {@code pooling4j
 * COMMAND: no such file: PATH}, exit status 2, and nothing printed before it.
 */
class MissingFileTest {
    @TempDir
    Path dir;

    private void assertMissing(String command, Path missing, String... args) {
        List<String> all = new ArrayList<>();
        all.add(command);
        all.addAll(List.of(args));
        Object[] r = cli(all.toArray(new String[0]));
        assertEquals("pooling4j " + command + ": no such file: " + missing + "\n", r[1], String.join(" ", all));
        assertEquals(2, r[0], String.join(" ", all));
    }

    @Test
    void everyCommandThatReadsFilesSaysNoSuchFile() throws Exception {
        Path nope = dir.resolve("nope");
        Path present = dir.resolve("present.bin");
        Files.write(present, new byte[] {1});
        String out = dir.resolve("out").toString();

        assertMissing("run", nope, nope.toString());
        // Checked up front: the first jobs file is not run when a later one is missing.
        assertMissing("run", nope, present.toString(), nope.toString());
        assertMissing("explain", nope, "--input", nope.toString());
        assertMissing("image", nope, nope.toString(), "--out", out + ".png");
        assertMissing("report", nope, nope.toString());
        assertMissing("onnx-test", nope, nope.toString());
        assertMissing("onnx-run", nope, nope.toString(), "--output-dir", out);
        assertMissing("onnx-run", nope, present.toString(), "--input", "x=" + nope, "--output-dir", out);
        assertMissing("train", nope, "--dataset", "mnist:" + nope, "--epochs", "1");
        assertMissing("study", nope, "--charts-from", nope.toString());
        // eval checks all three files before loading any of them.
        assertMissing(
                "eval",
                nope,
                "--model",
                nope.toString(),
                "--images",
                present.toString(),
                "--labels",
                present.toString());
        assertMissing(
                "eval",
                nope,
                "--model",
                present.toString(),
                "--images",
                present.toString(),
                "--labels",
                nope.toString());
    }

    @Test
    void aDirectoryWhereAFileIsExpectedIsNamedSo() {
        Object[] r = cli("explain", "--input", dir.toString());
        assertEquals("pooling4j explain: not a file: " + dir + " (a directory)\n", r[1]);
        assertEquals(2, r[0]);
        Object[] t = cli("train", "--dataset", "mnist:" + dir.resolve("x.npy"), "--epochs", "1");
        assertEquals("pooling4j train: no such file: " + dir.resolve("x.npy") + "\n", t[1]);
    }
}
