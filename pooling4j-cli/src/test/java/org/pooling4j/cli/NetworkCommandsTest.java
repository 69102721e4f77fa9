package org.pooling4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.cli.pictures.Charts;
import org.pooling4j.cli.training.Training;
import org.pooling4j.nn.ModelIo;
import org.pooling4j.nn.Sequential;
import org.pooling4j.nn.data.Dataset;
import org.pooling4j.nn.data.DigitGenerator;
import org.pooling4j.nn.data.Idx;

/** train, eval, study and demo end to end, on small data so each runs in seconds. */
class NetworkCommandsTest {
    @TempDir
    Path dir;

    private static Object[] cli(String... args) {
        return CliTest.cli(args);
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no match for " + regex + " in:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void trainLearnsSavesAndEvalReadsTheModelBack() throws Exception {
        Path model = dir.resolve("m.npz");
        Object[] r = cli(
                "train",
                "--train-size",
                "3000",
                "--test-size",
                "500",
                "--epochs",
                "2",
                "--no-progress",
                "--save",
                model.toString());
        String text = (String) r[1];
        assertEquals(0, r[0], text);
        // One line per epoch with every figure the command promises.
        assertTrue(
                text.matches(
                        "(?s).*epoch 1/2  loss \\d+\\.\\d+  train \\d+\\.\\d+ %  test \\d+\\.\\d+ %  \\d+ images/s  "
                                + "\\d+\\.\\d+ s  pooling \\d+\\.\\d+ % of the time.*"),
                text);
        double share = number(text, "epoch 2/2 .* pooling (\\d+\\.\\d+) % of the time");
        assertTrue(share > 0 && share < 100, text);
        // 3,000 digits and two epochs are far from the full run, but far above chance (10 %).
        double test = number(text, "test accuracy (\\d+\\.\\d+) %");
        assertTrue(test > 80, text);
        // Every learnable value is in the file: conv 1->16 5x5 (416) + conv 16->32 5x5 (12,832)
        // + linear 512->128 (65,664) + linear 128->10 (1,290).
        assertEquals(416 + 12_832 + 65_664 + 1_290, ModelIo.load(model).parameterCount());

        // eval on IDX files written here: digits the model has not seen (another seed).
        Dataset data = DigitGenerator.generate(300, 987654321L);
        Path images = dir.resolve("x-idx3-ubyte");
        Path labels = dir.resolve("y-idx1-ubyte");
        Idx.writeImages(images, data);
        Idx.writeLabels(labels, data.labels());
        r = cli("eval", "--model", model.toString(), "--images", images.toString(), "--labels", labels.toString());
        text = (String) r[1];
        assertEquals(0, r[0], text);
        double acc = number(text, "300 images, accuracy (\\d+\\.\\d+) %");
        // Each confusion row sums to the number of that digit among the labels, and the diagonal to
        // the accuracy.
        int[] count = new int[10];
        for (int y : data.labels()) count[y]++;
        long diagonal = 0;
        for (int d = 0; d < 10; d++) {
            Matcher m = Pattern.compile("(?m)^\\s+" + d + "((?:\\s+\\d+){10})\\s+\\d+\\.\\d%$")
                    .matcher(text);
            assertTrue(m.find(), "row " + d + " in\n" + text);
            String[] cells = m.group(1).trim().split("\\s+");
            long sum = 0;
            for (String c : cells) sum += Long.parseLong(c);
            assertEquals(count[d], sum, "row " + d);
            diagonal += Long.parseLong(cells[d]);
        }
        assertEquals(
                String.format(Locale.ROOT, "%.2f", 100.0 * diagonal / 300), String.format(Locale.ROOT, "%.2f", acc));

        // The saved model gives the same predictions when loaded through the library.
        Sequential net = ModelIo.load(model);
        assertEquals(diagonal / 300.0, Training.accuracy(net, data, 64, null), 1e-12);
    }

    @Test
    void badOptionsAreRejectedWithOneLine() throws Exception {
        Object[] r = cli("train", "--pool", "median");
        assertEquals(2, r[0], (String) r[1]);
        assertTrue(((String) r[1]).contains("median"), (String) r[1]);
        r = cli("train", "--epochs", "0");
        assertEquals(2, r[0]);
        assertTrue(((String) r[1]).contains("--epochs = 0: must be >= 1"), (String) r[1]);
        r = cli("train", "--dataset", "imagenet");
        assertEquals(2, r[0]);
        assertTrue(((String) r[1]).contains("--dataset = imagenet"), (String) r[1]);
        r = cli("train", "--lr", "-1", "--epochs", "1", "--train-size", "10", "--test-size", "10");
        assertEquals(2, r[0]);
        assertTrue(((String) r[1]).contains("--lr = -1.0"), (String) r[1]);
        r = cli("train", "--dataset", "mnist:" + dir.resolve("nothing-here"), "--epochs", "1");
        assertEquals(2, r[0]);
        r = cli("eval", "--model", dir.resolve("missing.npz").toString(), "--images", "a", "--labels", "b");
        assertEquals(2, r[0]);
        Path notModel = dir.resolve("not.npz");
        Files.writeString(notModel, "hello");
        r = cli("eval", "--model", notModel.toString(), "--images", "a", "--labels", "b");
        assertEquals(2, r[0]);
        r = cli("study", "--kinds", "max,median");
        assertEquals(2, r[0]);
        assertTrue(((String) r[1]).contains("median"), (String) r[1]);
    }

    @Test
    void studyWritesItsTableAndCharts() throws Exception {
        Path out = dir.resolve("study");
        Object[] r = cli(
                "study",
                "--kinds",
                "max,avg,none",
                "--epochs",
                "2",
                "--train-size",
                "1000",
                "--test-size",
                "200",
                "--out",
                out.toString());
        String text = (String) r[1];
        assertEquals(0, r[0], text);
        String md = Files.readString(out.resolve("study.md"));
        for (String k : new String[] {"max", "avg", "none"}) {
            Matcher m = Pattern.compile(
                            "(?m)^\\| " + k + " \\| (\\d+\\.\\d+) % \\| (\\d+\\.\\d+) % \\| (\\d+\\.\\d+) % \\| "
                                    + "(\\d+\\.\\d+) % \\| (\\d+\\.\\d+) % \\| (\\d+)×(\\d+)×(\\d+) \\| ([\\d,]+) \\|")
                    .matcher(md);
            assertTrue(m.find(), k + " row in\n" + md);
            // The head sees 32 channels of 4x4 in every variant of the network: 512*128+128 + 128*10+10.
            assertEquals("32", m.group(6));
            assertEquals("4", m.group(7));
            assertEquals(
                    512 * 128 + 128 + 128 * 10 + 10, Long.parseLong(m.group(9).replace(",", "")));
            for (int g = 1; g <= 5; g++) {
                double v = Double.parseDouble(m.group(g));
                assertTrue(v >= 0 && v <= 100, k + " column " + g + ": " + v);
            }
        }
        for (String png : new String[] {"accuracy.png", "shift.png"}) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertEquals(Charts.WIDTH, img.getWidth(), png);
            assertEquals(Charts.HEIGHT, img.getHeight(), png);
            // Every series is drawn in its own colour.
            for (int i = 0; i < 3; i++)
                assertTrue(hasColour(img, org.pooling4j.draw.Chart.PALETTE[i]), png + " series " + i);
        }
    }

    private static boolean hasColour(BufferedImage img, int rgb) {
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xffffff) == (rgb & 0xffffff)) return true;
            }
        }
        return false;
    }

    @Test
    void demoRunsEveryPart() throws Exception {
        Path out = dir.resolve("demo");
        Object[] r = cli("demo", "--train-size", "600", "--test-size", "200", "--out", out.toString());
        String text = (String) r[1];
        assertEquals(0, r[0], text);
        assertTrue(text.contains("max{1, 2, 5, 6} = 6"), text);
        assertTrue(text.matches("(?s).*max  test \\d+\\.\\d+ %.*avg  test \\d+\\.\\d+ %.*"), text);
        // The tracking summary saw the training's pooling calls, forward and backward.
        assertTrue(text.matches("(?s).*max forward \\S+\\s+\\d+.*"), text);
        assertTrue(text.matches("(?s).*max backward \\S+\\s+\\d+.*"), text);
        BufferedImage grid = ImageIO.read(out.resolve("grid.png").toFile());
        BufferedImage explain = ImageIO.read(out.resolve("explain.png").toFile());
        assertTrue(grid.getWidth() > 128 && grid.getHeight() >= 128, grid.getWidth() + "x" + grid.getHeight());
        assertTrue(explain.getWidth() > 0 && explain.getHeight() > 0);
    }

    /** Redirected output gets the per-epoch lines only, never the bar's \r frames. */
    @Test
    void noProgressBarFramesWhenStandardErrorIsNotATerminal() {
        System.setProperty(Terminal.STDERR_PROPERTY, "false");
        try {
            Object[] r = cli("train", "--train-size", "256", "--test-size", "64", "--epochs", "1");
            String text = (String) r[1];
            assertEquals(0, r[0], text);
            assertTrue(text.contains("epoch 1/1  loss "), text);
            assertTrue(text.indexOf('\r') < 0, "a \\r frame in redirected output: " + text);
        } finally {
            System.clearProperty(Terminal.STDERR_PROPERTY);
        }
        System.setProperty(Terminal.STDERR_PROPERTY, "true");
        try {
            Object[] r = cli("train", "--train-size", "256", "--test-size", "64", "--epochs", "1");
            assertTrue(((String) r[1]).contains("\repoch 1/1 ["), (String) r[1]);
        } finally {
            System.clearProperty(Terminal.STDERR_PROPERTY);
        }
    }
}
