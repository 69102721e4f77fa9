package org.pooling4j.cli.pictures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.cli.CliTest;

class ImageCommandTest {
    @TempDir
    Path dir;

    private static final long SEED = 42;

    private static Object[] cli(String... args) {
        return CliTest.cli(args);
    }

    private Path png(String name, BufferedImage img) throws IOException {
        Path p = dir.resolve(name);
        ImageIO.write(img, "png", p.toFile());
        return p;
    }

    private static BufferedImage random(int w, int h, int type, long seed) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (type == BufferedImage.TYPE_BYTE_GRAY) img.getRaster().setSample(x, y, 0, r.nextInt(256));
                else img.setRGB(x, y, r.nextInt());
            }
        }
        return img;
    }

    private BufferedImage run(String... args) throws IOException {
        Object[] r = cli(args);
        assertEquals(0, r[0], (String) r[1]);
        String out = null;
        for (int i = 0; i < args.length - 1; i++) if (args[i].equals("--out")) out = args[i + 1];
        BufferedImage img = ImageIO.read(Path.of(out).toFile());
        assertTrue(img != null, "no picture written: " + r[1]);
        return img;
    }

    @Test
    void outputSizeFollowsKernelStrideAndPadding() throws IOException {
        // 13 wide, 10 high. Pooled size per axis: floor((in + 2 * pad - kernel) / stride) + 1.
        Path in = png("in.png", random(13, 10, BufferedImage.TYPE_INT_RGB, SEED));
        String out = dir.resolve("out.png").toString();
        int[][] cases = {
            // kernel, stride, padding, expected width, expected height
            {2, 2, 0, 6, 5},
            {3, 2, 1, 7, 5},
            {3, 1, 0, 11, 8},
            {4, 3, 2, 5, 4},
        };
        for (int[] c : cases) {
            BufferedImage img = run(
                    "image",
                    in.toString(),
                    "--op",
                    "avg",
                    "--kernel",
                    "" + c[0],
                    "--stride",
                    "" + c[1],
                    "--padding",
                    "" + c[2],
                    "--out",
                    out);
            assertEquals(c[3], img.getWidth(), "width for kernel " + c[0] + " stride " + c[1] + " padding " + c[2]);
            assertEquals(c[4], img.getHeight(), "height for kernel " + c[0] + " stride " + c[1] + " padding " + c[2]);
        }
        // Kernel 2 high and 3 wide, stride 1 down and 2 across.
        BufferedImage img =
                run("image", in.toString(), "--op", "max", "--kernel", "2,3", "--stride", "1,2", "--out", out);
        assertEquals(6, img.getWidth());
        assertEquals(9, img.getHeight());
        img = run("image", in.toString(), "--op", "max", "--scale", "3", "--out", out);
        assertEquals(18, img.getWidth());
        assertEquals(15, img.getHeight());
        img = run("image", in.toString(), "--op", "fractional", "--ratio", "0.5", "--out", out);
        assertEquals(6, img.getWidth());
        assertEquals(5, img.getHeight());
        img = run("image", in.toString(), "--op", "adaptive", "--size", "3,4", "--out", out);
        assertEquals(4, img.getWidth());
        assertEquals(3, img.getHeight());
        img = run("image", in.toString(), "--op", "global", "--out", out);
        assertEquals(1, img.getWidth());
        assertEquals(1, img.getHeight());
    }

    @Test
    void channelCountsAreKept() throws IOException {
        String out = dir.resolve("out.png").toString();
        BufferedImage grey = run(
                "image",
                png("g.png", random(8, 6, BufferedImage.TYPE_BYTE_GRAY, SEED)).toString(),
                "--out",
                out);
        assertEquals(1, grey.getColorModel().getNumComponents());
        BufferedImage rgb = run(
                "image",
                png("c.png", random(8, 6, BufferedImage.TYPE_INT_RGB, SEED)).toString(),
                "--out",
                out);
        assertEquals(3, rgb.getColorModel().getNumComponents());
        assertFalse(rgb.getColorModel().hasAlpha());
        BufferedImage src = random(8, 6, BufferedImage.TYPE_INT_ARGB, SEED);
        BufferedImage rgba = run("image", png("a.png", src).toString(), "--out", out);
        assertEquals(4, rgba.getColorModel().getNumComponents());
        assertTrue(rgba.getColorModel().hasAlpha());
        // Alpha is pooled like a colour: the max of the top-left window's alpha values.
        int a = 0;
        for (int y = 0; y < 2; y++) for (int x = 0; x < 2; x++) a = Math.max(a, src.getRGB(x, y) >>> 24);
        assertEquals(a, rgba.getRGB(0, 0) >>> 24);
    }

    /** Channel {@code c} of pixel (x, y): 0..2 red, green, blue, 3 alpha. */
    private static int channel(BufferedImage img, int x, int y, int c) {
        int argb = img.getRGB(x, y);
        return c == 3 ? argb >>> 24 : (argb >> (16 - 8 * c)) & 0xff;
    }

    @Test
    void maxIsAtLeastAverageWhichIsAtLeastMin() throws IOException {
        Path in = png("in.png", random(11, 9, BufferedImage.TYPE_INT_ARGB, SEED));
        String[] common = {"--kernel", "3", "--stride", "2", "--padding", "1"};
        BufferedImage max = run(concat(
                new String[] {
                    "image",
                    in.toString(),
                    "--op",
                    "max",
                    "--out",
                    dir.resolve("max.png").toString()
                },
                common));
        BufferedImage avg = run(concat(
                new String[] {
                    "image",
                    in.toString(),
                    "--op",
                    "avg",
                    "--out",
                    dir.resolve("avg.png").toString()
                },
                common));
        BufferedImage min = run(concat(
                new String[] {
                    "image",
                    in.toString(),
                    "--op",
                    "min",
                    "--out",
                    dir.resolve("min.png").toString()
                },
                common));
        boolean someStrict = false;
        for (int y = 0; y < max.getHeight(); y++) {
            for (int x = 0; x < max.getWidth(); x++) {
                for (int c = 0; c < 4; c++) {
                    int hi = channel(max, x, y, c);
                    int mid = channel(avg, x, y, c);
                    int lo = channel(min, x, y, c);
                    String at = "pixel (" + x + ", " + y + ") channel " + c + ", seed " + SEED;
                    assertTrue(hi >= mid, at + ": max " + hi + " < avg " + mid);
                    assertTrue(mid >= lo, at + ": avg " + mid + " < min " + lo);
                    someStrict |= hi > lo;
                }
            }
        }
        assertTrue(someStrict, "random pixels should give windows whose max exceeds their min");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void pooledValuesMatchHandComputedWindows() throws IOException {
        // A 4x4 grey picture; the top-left 2x2 window holds 10, 20 / 30, 40.
        int[] px = {10, 20, 200, 0, 30, 40, 0, 100, 7, 7, 7, 7, 7, 7, 7, 7};
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 16; i++) img.getRaster().setSample(i % 4, i / 4, 0, px[i]);
        Path in = png("in.png", img);
        String out = dir.resolve("o.png").toString();
        // Each expected value worked out by hand for the window {10, 20, 30, 40}.
        Object[][] cases = {
            {"max", 40},
            {"avg", 25}, // 100 / 4
            {"min", 10},
            {"lp", 55}, // sqrt(100 + 400 + 900 + 1600) = 54.77
            {"stochastic", 30}, // (100 + 400 + 900 + 1600) / 100
            {"mixed", 33}, // 0.5 * 40 + 0.5 * 25 = 32.5, rounded half up
            {"gaussian", 25}, // every tap of a 2x2 window is equally far from its centre
        };
        for (Object[] c : cases) {
            BufferedImage o = run("image", in.toString(), "--op", (String) c[0], "--out", out);
            assertEquals(c[1], o.getRaster().getSample(0, 0, 0), (String) c[0]);
        }
        // Top-right window {200, 0, 0, 100}: max 200, avg 75.
        assertEquals(
                200,
                run("image", in.toString(), "--op", "max", "--out", out)
                        .getRaster()
                        .getSample(1, 0, 0));
        assertEquals(
                75,
                run("image", in.toString(), "--op", "avg", "--out", out)
                        .getRaster()
                        .getSample(1, 0, 0));
        // Global average of all sixteen: (10+20+200+0+30+40+0+100+8*7) / 16 = 456 / 16 = 28.5 -> 29.
        assertEquals(
                29,
                run("image", in.toString(), "--op", "global", "--out", out)
                        .getRaster()
                        .getSample(0, 0, 0));
    }

    @Test
    void gridShowsTheInputAndEveryKind() throws IOException {
        // 180 pixels wide, wider than every label with its margins (the longest, "fractional_max", is
        // (14 * 6 - 1) * 2 = 166 pixels at scale 2, plus 2 * 6 = 178), so the layout is: gap 6, six panels
        // to a row, each panel 180 + 6 wide, and under each panel two label lines of 18 + 4 pixels and a gap of 6.
        BufferedImage src = random(180, 40, BufferedImage.TYPE_INT_RGB, SEED);
        Path in = png("in.png", src);
        BufferedImage grid = run(
                "image",
                in.toString(),
                "--grid",
                "--out",
                dir.resolve("grid.png").toString());
        assertEquals(6 + 6 * (180 + 6), grid.getWidth());
        assertEquals(6 + 2 * (40 + 50 + 6), grid.getHeight());
        int panels = 1 + ImageCommand.KINDS.size();
        String[] content = new String[panels];
        for (int i = 0; i < panels; i++) {
            int x0 = 6 + (i % 6) * 186;
            int y0 = 6 + (i / 6) * 96;
            StringBuilder key = new StringBuilder();
            for (int y = 0; y < 40; y++)
                for (int x = 0; x < 180; x++)
                    key.append(grid.getRGB(x0 + x, y0 + y)).append(',');
            content[i] = key.toString();
            if (i == 0) {
                for (int y = 0; y < 40; y++)
                    for (int x = 0; x < 180; x++) assertEquals(src.getRGB(x, y), grid.getRGB(x0 + x, y0 + y));
            }
        }
        // Panel order: input, then KINDS. Some kinds coincide here by their definitions: on 2x2 windows
        // the Gaussian weights are all equal (every tap is as far from the centre), and adaptive
        // pooling to half of an even size has the same 2x2 windows, so both equal plain average
        // pooling; fractional max pooling to half of an even size has the step (in - k) / (out - 1) = 2
        // exactly, so its regions are the 2x2 windows of max pooling. Every other pair differs.
        int max = 1 + ImageCommand.KINDS.indexOf("max");
        int avg = 1 + ImageCommand.KINDS.indexOf("avg");
        int gaussian = 1 + ImageCommand.KINDS.indexOf("weighted_avg");
        int adaptive = 1 + ImageCommand.KINDS.indexOf("adaptive_avg");
        int fractional = 1 + ImageCommand.KINDS.indexOf("fractional_max");
        int[] group = new int[panels];
        for (int i = 0; i < panels; i++) group[i] = i;
        group[gaussian] = avg;
        group[adaptive] = avg;
        group[fractional] = max;
        for (int i = 0; i < panels; i++) {
            for (int j = i + 1; j < panels; j++) {
                boolean same = content[i].equals(content[j]);
                assertEquals(
                        group[i] == group[j], same, "panels " + i + " and " + j + " equal: " + same + ", seed " + SEED);
            }
        }
        // Labels are drawn under the panels: the label band of the first panel (below the panel's
        // one-pixel frame) is not all background.
        int inked = 0;
        for (int y = 48; y < 46 + 50; y++)
            for (int x = 6; x < 166; x++) if ((grid.getRGB(x, y) & 0xffffff) != ImageCommand.GRID_BACKGROUND) inked++;
        assertTrue(inked > 100, "label pixels under the input panel: " + inked);
        // With --scale the whole grid is enlarged.
        BufferedImage big = run(
                "image",
                in.toString(),
                "--grid",
                "--scale",
                "2",
                "--out",
                dir.resolve("grid2.png").toString());
        assertEquals(2 * grid.getWidth(), big.getWidth());
    }

    @Test
    void sampleIsWrittenAndCanBePooled() throws IOException {
        Path sample = dir.resolve("sample.png");
        Object[] r = cli("image", "--sample", sample.toString());
        assertEquals(0, r[0], (String) r[1]);
        BufferedImage s = ImageIO.read(sample.toFile());
        assertEquals(128, s.getWidth());
        assertEquals(128, s.getHeight());
        BufferedImage max = run(
                "image",
                "--sample",
                "--op",
                "max",
                "--out",
                dir.resolve("m.png").toString());
        BufferedImage avg = run(
                "image",
                "--sample",
                "--op",
                "avg",
                "--out",
                dir.resolve("a.png").toString());
        assertEquals(64, max.getWidth());
        // Fine stripes make max and average pooling differ visibly: count clearly different pixels.
        int differ = 0;
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                for (int c = 0; c < 3; c++) if (channel(max, x, y, c) - channel(avg, x, y, c) > 60) differ++;
            }
        }
        assertTrue(differ > 500, "pixels where max exceeds avg by more than 60: " + differ);
        BufferedImage grid =
                run("image", "--sample", "--grid", "--out", dir.resolve("g.png").toString());
        assertTrue(grid.getWidth() > 6 * 128);
    }

    private void assertOneLineError(String expectedPart, String... args) {
        Object[] r = cli(args);
        String text = ((String) r[1]).strip();
        assertEquals(2, r[0], text);
        assertTrue(text.contains(expectedPart), text);
        assertFalse(text.contains("\n"), "one line expected: " + text);
        assertFalse(text.contains("Exception"), text);
    }

    @Test
    void badInputGivesExitCodeTwoAndOneLine() throws IOException {
        String out = dir.resolve("o.png").toString();
        assertOneLineError("no such file", "image", dir.resolve("missing.png").toString(), "--out", out);
        Path text = Files.writeString(dir.resolve("text.png"), "not a picture");
        assertOneLineError("not a picture", "image", text.toString(), "--out", out);
        Path small = png("small.png", random(3, 3, BufferedImage.TYPE_INT_RGB, SEED));
        assertOneLineError("pooling4j image:", "image", small.toString(), "--kernel", "5", "--out", out);
        assertOneLineError("--op median: unknown", "image", small.toString(), "--op", "median", "--out", out);
        assertOneLineError("--scale = 0", "image", small.toString(), "--scale", "0", "--out", out);
        assertOneLineError("--out: missing", "image", small.toString());
        assertFalse(Files.exists(Path.of(out)));
    }
}
