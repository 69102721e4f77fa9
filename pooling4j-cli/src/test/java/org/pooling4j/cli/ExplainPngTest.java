package org.pooling4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainPngTest {
    @TempDir
    Path dir;

    private static int count(BufferedImage img, int rgb, int x0, int x1) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) for (int x = x0; x < x1; x++) if ((img.getRGB(x, y) & 0xffffff) == rgb) n++;
        return n;
    }

    @Test
    void drawsTheTutorialExampleWithColouredWindows() throws Exception {
        Path png = dir.resolve("explain.png");
        Object[] r = CliTest.cli("explain", "--png", png.toString());
        String text = (String) r[1];
        assertEquals(0, r[0], text);
        // The text output is unchanged.
        assertTrue(text.contains("max{1, 2, 5, 6} = 6"), text);
        assertTrue(text.contains("wrote " + png), text);
        BufferedImage img = ImageIO.read(png.toFile());
        // Two rows (max, avg), each with a 4x4 input grid and a 2x2 output grid of 40-pixel cells.
        assertTrue(img.getWidth() >= 16 + 4 * 40 + 2 * 40 + 16, "width " + img.getWidth());
        assertTrue(img.getHeight() >= 2 * 4 * 40, "height " + img.getHeight());
        // Four windows, four colours; each appears on the input side (outline) and the output side.
        int split = 16 + 4 * 40;
        for (int i = 0; i < 4; i++) {
            int c = ExplainPicture.colour(i);
            assertTrue(count(img, c, 0, split) > 50, "window " + i + " colour " + Integer.toHexString(c) + " on the input grid");
            assertTrue(count(img, c, split, img.getWidth()) > 50, "window " + i + " colour " + Integer.toHexString(c) + " on the output grid");
        }
    }

    @Test
    void windowColoursAreDistinct() {
        for (int i = 0; i < 12; i++) {
            for (int j = i + 1; j < 12; j++) assertTrue(ExplainPicture.colour(i) != ExplainPicture.colour(j), i + " and " + j);
        }
    }

    @Test
    void overlappingWindowsAndOtherOps() throws Exception {
        Path png = dir.resolve("e.png");
        Object[] r = CliTest.cli("explain", "--op", "max,avg,lp", "--kernel", "3", "--stride", "1", "--png", png.toString());
        assertEquals(0, r[0], (String) r[1]);
        BufferedImage img = ImageIO.read(png.toFile());
        // Three rows now: taller than the two-row picture of 2x2 windows.
        assertTrue(img.getHeight() >= 3 * 4 * 40, "height " + img.getHeight());
        assertTrue(count(img, ExplainPicture.colour(3), 0, img.getWidth()) > 50);
    }

    @Test
    void onlyTwoDimensionalInputsAreDrawn() throws Exception {
        Path x = dir.resolve("x.npy");
        org.pooling4j.io.Npy.write(x, org.pooling4j.Tensor.of(new float[] {1, 2, 3, 4}, 4));
        Object[] r = CliTest.cli("explain", "--input", x.toString(), "--png", dir.resolve("p.png").toString());
        String text = ((String) r[1]).strip();
        assertEquals(2, r[0], text);
        assertTrue(text.endsWith("--png: draws two-dimensional inputs only; this input has 1 spatial axes"), text);
        assertFalse(dir.resolve("p.png").toFile().exists());
    }
}
