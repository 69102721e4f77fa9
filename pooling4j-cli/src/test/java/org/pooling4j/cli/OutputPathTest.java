package org.pooling4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue finding 8: a bad output path (a directory, a file where a folder should be, a folder that
 * cannot be written) ends a command with one line naming the option and the path, and exit status
 * 2, before any work; never a stack trace.
 */
class OutputPathTest {
    @TempDir
    Path dir;

    /** Runs the command; asserts status 2 and that the whole output is the one expected line. */
    private void assertOneLine(String expected, String... args) {
        Object[] r = CliTest.cli(args);
        String text = (String) r[1];
        assertEquals(2, r[0], text);
        assertFalse(text.contains("\tat "), "a stack trace: " + text);
        assertEquals(expected + "\n", text);
    }

    @Test
    void explainPngIntoADirectory() {
        assertOneLine(
                "pooling4j explain: --png " + dir + ": is a directory; give a file name",
                "explain",
                "--png",
                dir.toString());
        // ImageIO.write(img, "png", File) deleted an empty directory and wrote the picture in its place.
        assertTrue(Files.isDirectory(dir));
    }

    @Test
    void imageOutIntoADirectory() {
        assertOneLine(
                "pooling4j image: --out " + dir + ": is a directory; give a file name",
                "image",
                "--sample",
                "--op",
                "max",
                "--out",
                dir.toString());
    }

    @Test
    void aFileWhereAFolderShouldBe() throws Exception {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        Path png = file.resolve("sub/e.png");
        assertOneLine(
                "pooling4j explain: --png " + png + ": " + file + " is not a directory",
                "explain",
                "--png",
                png.toString());
        assertOneLine("pooling4j digits: --out " + file + ": is not a directory", "digits", "--out", file.toString());
    }

    @Test
    void aFolderThatCannotBeWritten() throws Exception {
        Path locked = Files.createDirectories(dir.resolve("locked"));
        assertTrue(locked.toFile().setWritable(false, false));
        try {
            // Root may write anywhere: the check is then moot.
            if (Files.isWritable(locked)) return;
            Path png = locked.resolve("e.png");
            assertOneLine(
                    "pooling4j explain: --png " + png + ": cannot write in " + locked + " (permission denied)",
                    "explain",
                    "--png",
                    png.toString());
        } finally {
            locked.toFile().setWritable(true, false);
        }
    }

    @Test
    void reportOutIntoADirectoryBeforeTheRecordingIsRead() throws Exception {
        Path jfr = Files.writeString(dir.resolve("rec.jfr"), "not a recording");
        assertOneLine(
                "pooling4j report: --out " + dir + ": is a directory; give a file name",
                "report",
                jfr.toString(),
                "--out",
                dir.toString());
    }

    @Test
    void aMissingFolderIsCreated() throws Exception {
        Path png = dir.resolve("new/deeper/e.png");
        Object[] r = CliTest.cli("explain", "--png", png.toString());
        assertEquals(0, r[0], (String) r[1]);
        assertTrue(Files.size(png) > 0);
    }

    @Test
    void trainingCommandsCheckTheirOutputsBeforeTraining() throws Exception {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        assertOneLine(
                "pooling4j train: --save " + dir + ": is a directory; give a file name",
                "train",
                "--save",
                dir.toString());
        assertOneLine("pooling4j study: --out " + file + ": is not a directory", "study", "--out", file.toString());
        assertOneLine("pooling4j demo: --out " + file + ": is not a directory", "demo", "--out", file.toString());
    }
}
