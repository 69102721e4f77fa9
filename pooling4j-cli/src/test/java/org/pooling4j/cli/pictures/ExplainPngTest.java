package org.pooling4j.cli.pictures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.cli.CliTest;

class ExplainPngTest {
    @TempDir
    Path dir;

    private static int count(BufferedImage img, int rgb, int x0, int x1) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++)
            for (int x = x0; x < x1; x++) if ((img.getRGB(x, y) & 0xffffff) == rgb) n++;
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
        // Two rows (max, avg), each with a 4x4 input grid and a 2x2 output grid. The longest number,
        // 13.5, is (4 * 6 - 1) * 2 = 46 pixels wide at scale 2; with 25 pixels on either side a cell is 96.
        int cell = 96;
        assertTrue(img.getWidth() >= 16 + 4 * cell + 2 * cell + 16, "width " + img.getWidth());
        assertTrue(img.getHeight() >= 2 * 4 * cell, "height " + img.getHeight());
        // Four windows, four colours; each appears on the input side (outline) and the output side.
        int split = 16 + 4 * cell;
        for (int i = 0; i < 4; i++) {
            int c = ExplainPicture.colour(i);
            assertTrue(
                    count(img, c, 0, split) > 50,
                    "window " + i + " colour " + Integer.toHexString(c) + " on the input grid");
            assertTrue(
                    count(img, c, split, img.getWidth()) > 50,
                    "window " + i + " colour " + Integer.toHexString(c) + " on the output grid");
        }
    }

    @Test
    void numbersKeepClearOfTheCellEdges() throws Exception {
        Path png = dir.resolve("explain.png");
        assertEquals(0, CliTest.cli("explain", "--png", png.toString())[0]);
        BufferedImage img = ImageIO.read(png.toFile());
        // The first row's input grid starts 16 pixels in, below a two-line caption (2 * (18 + 4) + 8);
        // its 96-pixel cells hold black digits only, which must stay 25 pixels from every edge (the
        // deepest window outline ends 2 + 3 * 4 + 3 = 17 pixels in, then a visible gap of 8).
        int cell = 96;
        int top = 16 + 2 * (18 + 4) + 8;
        int black = 0;
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                for (int y = 0; y < cell; y++) {
                    for (int x = 0; x < cell; x++) {
                        if ((img.getRGB(16 + c * cell + x, top + r * cell + y) & 0xffffff) != 0) continue;
                        black++;
                        assertTrue(
                                x >= 25 && x < cell - 25 && y >= 25 && y < cell - 25,
                                "cell (" + r + ", " + c + ") ink at " + x + ", " + y);
                    }
                }
            }
        }
        assertTrue(black > 16 * 10, "digits drawn: " + black + " black pixels");
    }

    @Test
    void captionGivesKernelStrideAndPadding() {
        org.pooling4j.Tensor x = org.pooling4j.Tensor.of(new float[16], 1, 1, 4, 4);
        org.pooling4j.PoolSpec two = org.pooling4j.PoolSpec.max(2, 2).build();
        assertEquals(
                "kernel 2, stride 2, padding 0, output 2x2",
                ExplainPicture.params(two, org.pooling4j.Pooling.geometry(two, x)));
        // 4 + 2 * 1 padding - 3 = 3 steps of 1: 4 outputs per axis.
        org.pooling4j.PoolSpec three =
                org.pooling4j.PoolSpec.avg(3, 3).stride(1, 1).padding(1, 1).build();
        assertEquals(
                "kernel 3, stride 1, padding 1, output 4x4",
                ExplainPicture.params(three, org.pooling4j.Pooling.geometry(three, x)));
        // Width: two taps two apart span 3 cells; (4 - 3) / 2 + 1 = 1 output. Height: (4 - 1) / 1 + 1 = 4.
        org.pooling4j.PoolSpec wide =
                org.pooling4j.PoolSpec.max(1, 2).stride(1, 2).dilation(1, 2).build();
        assertEquals(
                "kernel 1x2, stride 1x2, padding 0, dilation 1x2, output 4x1",
                ExplainPicture.params(wide, org.pooling4j.Pooling.geometry(wide, x)));
        // Lp pooling names its p, mixed pooling its alpha; ceil mode shows when on: (4 - 3) / 2 rounded up + 1 = 2.
        org.pooling4j.PoolSpec lp =
                org.pooling4j.PoolSpec.lp(2, 3, 3).stride(1, 1).build();
        assertEquals(
                "kernel 3, stride 1, padding 0, p 2, output 2x2",
                ExplainPicture.params(lp, org.pooling4j.Pooling.geometry(lp, x)));
        org.pooling4j.PoolSpec mixed = org.pooling4j.PoolSpec.mixed(0.25, 3, 3)
                .stride(2, 2)
                .ceilMode(true)
                .build();
        assertEquals(
                "kernel 3, stride 2, padding 0, ceil mode, alpha 0.25, output 2x2",
                ExplainPicture.params(mixed, org.pooling4j.Pooling.geometry(mixed, x)));
        // Gaussian weights name their sigma; the stride defaults to the kernel: (4 - 3) / 3 + 1 = 1 output.
        org.pooling4j.PoolSpec gauss =
                org.pooling4j.PoolSpec.weightedAvg(3, 3).sigma(0.5).build();
        assertEquals(
                "kernel 3, stride 3, padding 0, sigma 0.5, output 1x1",
                ExplainPicture.params(gauss, org.pooling4j.Pooling.geometry(gauss, x)));
    }

    @Test
    void windowColoursAreDistinct() {
        for (int i = 0; i < 12; i++) {
            for (int j = i + 1; j < 12; j++)
                assertTrue(ExplainPicture.colour(i) != ExplainPicture.colour(j), i + " and " + j);
        }
    }

    @Test
    void overlappingWindowsAndOtherOps() throws Exception {
        Path png = dir.resolve("e.png");
        Object[] r =
                CliTest.cli("explain", "--op", "max,avg,lp", "--kernel", "3", "--stride", "1", "--png", png.toString());
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
        Object[] r = CliTest.cli(
                "explain",
                "--input",
                x.toString(),
                "--png",
                dir.resolve("p.png").toString());
        String text = ((String) r[1]).strip();
        assertEquals(2, r[0], text);
        assertTrue(text.endsWith("--png: draws two-dimensional inputs only; this input has 1 spatial axes"), text);
        assertFalse(dir.resolve("p.png").toFile().exists());
    }

    /** The caption gives the padding the geometry resolved, so Keras's "same" shows its one cell at the end. */
    @Test
    void captionGivesKernelStrideAndResolvedPadding() {
        org.pooling4j.PoolSpec spec = org.pooling4j.PoolSpec.max(3, 3)
                .stride(2, 2)
                .autoPad(org.pooling4j.AutoPad.SAME_UPPER)
                .build();
        org.pooling4j.Tensor x = org.pooling4j.Tensor.zeros(1, 1, 4, 4);
        assertEquals(
                "kernel 3, stride 2, padding 0 before, 1 after (same_upper), output 2x2",
                ExplainPicture.params(spec, org.pooling4j.Pooling.geometry(spec, x)));
        org.pooling4j.PoolSpec plain =
                org.pooling4j.PoolSpec.avg(2, 2).padding(1, 1).build();
        assertEquals(
                "kernel 2, stride 2, padding 1, output 3x3",
                ExplainPicture.params(plain, org.pooling4j.Pooling.geometry(plain, x)));
    }
}
