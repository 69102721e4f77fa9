package org.pooling4j.draw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CanvasTest {
    @Test
    void rectanglesAreClippedToTheCanvas() {
        Canvas c = new Canvas(4, 3, 0x000000);
        c.fillRect(-2, 1, 4, 10, 0xff0000);
        // Columns 0 and 1 of rows 1 and 2: the part of the rectangle inside the canvas.
        int n = 0;
        for (int y = 0; y < 3; y++) for (int x = 0; x < 4; x++) if (c.get(x, y) == 0xff0000) n++;
        assertEquals(4, n);
        assertEquals(0xff0000, c.get(1, 2));
        assertEquals(0, c.get(2, 1));
        c.strokeRect(0, 0, 4, 3, 1, 0x00ff00);
        // The border of a 4x3 rectangle: 4 + 4 + 1 + 1 cells; only (1, 1) and (2, 1) are inside.
        assertEquals(0xff0000, c.get(1, 1));
        assertEquals(0, c.get(2, 1));
        assertEquals(0x00ff00, c.get(3, 2));
    }

    @Test
    void blendingMixesByWeight() {
        Canvas c = new Canvas(1, 1, 0x000000);
        c.blend(0, 0, 0xc86432, 0.5);
        // Half of (200, 100, 50) over black: (100, 50, 25).
        assertEquals(100 << 16 | 50 << 8 | 25, c.get(0, 0));
    }

    @Test
    void linesCoverTheirWidthAndDiscsTheirArea() {
        Canvas c = new Canvas(20, 11, 0xffffff);
        c.line(2, 5, 17, 5, 3, 0x000000);
        // Three pixels wide about row 5: rows 4..6 black in the middle, rows 2 and 8 untouched.
        for (int y = 4; y <= 6; y++) assertEquals(0, c.get(10, y), "row " + y);
        assertEquals(0xffffff, c.get(10, 2));
        assertEquals(0xffffff, c.get(10, 8));
        Canvas d = new Canvas(41, 41, 0xffffff);
        d.disc(20, 20, 10, 0x000000);
        // Ink summed over the disc's edge pixels comes close to its area, pi * 10^2 = 314.2.
        double ink = 0;
        for (int y = 0; y < 41; y++) for (int x = 0; x < 41; x++) ink += (255 - (d.get(x, y) & 0xff)) / 255.0;
        assertEquals(Math.PI * 100, ink, 6);
    }

    @Test
    void dashesLeaveGaps() {
        Canvas c = new Canvas(40, 5, 0xffffff);
        c.dashedLine(0, 2, 39, 2, 1, 6, 4, 0x000000);
        // Dashes over [0, 6), [10, 16), [20, 26), [30, 36): x = 3 inked, x = 8 in a gap.
        assertTrue(c.get(3, 2) != 0xffffff);
        assertEquals(0xffffff, c.get(8, 2));
        assertTrue(c.get(13, 2) != 0xffffff);
        assertEquals(0xffffff, c.get(18, 2));
    }

    @Test
    void aPngIntoADirectoryFailsAndLeavesTheDirectory(@TempDir Path dir) throws Exception {
        // ImageIO.write(img, "png", File) deletes what is there first (an empty folder too) and prints
        // the stack trace of a file it cannot open.
        Path empty = Files.createDirectories(dir.resolve("empty"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThrows(IOException.class, () -> new Canvas(4, 4, 0xffffff).writePng(empty));
        } finally {
            System.setErr(oldErr);
        }
        assertTrue(Files.isDirectory(empty));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }
}
