package org.pooling4j.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Line charts of the study, drawn with Java2D into PNG files. Text uses the CLI's bitmap font, so the
 * charts need no installed fonts.
 */
final class Charts {
    static final int WIDTH = 900;
    static final int HEIGHT = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = 200;
    private static final int TOP = 70;
    private static final int BOTTOM = 70;
    /** One colour per series, distinct on white (ten kinds). */
    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    private Charts() {}

    static void accuracyCurves(List<StudyCommand.Row> rows, Path file) throws IOException {
        Map<String, double[]> s = StudyCommand.series(rows, false);
        int n = rows.get(0).epochs().size();
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) xs[i] = i + 1;
        write(line("test accuracy per epoch", "epoch", "test accuracy %", xs, s, 100), file);
    }

    static void shiftTolerance(List<StudyCommand.Row> rows, Path file) throws IOException {
        Map<String, double[]> s = StudyCommand.series(rows, true);
        double[] xs = new double[StudyCommand.MAX_SHIFT + 1];
        for (int i = 0; i < xs.length; i++) xs[i] = i;
        write(line("accuracy on test digits shifted by d pixels", "shift d (pixels)", "test accuracy %", xs, s, 100), file);
    }

    static void write(BufferedImage img, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) java.nio.file.Files.createDirectories(parent);
        if (!ImageIO.write(img, "png", file.toFile())) throw new IOException("no PNG writer");
    }

    /**
     * A line chart: one polyline with markers per series, y scaled by {@code yScale} (fractions as
     * percent), axes with ticks, a legend on the right.
     */
    static BufferedImage line(String title, String xLabel, String yLabel, double[] xs, Map<String, double[]> series, double yScale) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            double ymin = Double.POSITIVE_INFINITY;
            double ymax = Double.NEGATIVE_INFINITY;
            for (double[] ys : series.values()) {
                for (double y : ys) {
                    if (Double.isFinite(y)) {
                        ymin = Math.min(ymin, y * yScale);
                        ymax = Math.max(ymax, y * yScale);
                    }
                }
            }
            if (!(ymin <= ymax)) {
                ymin = 0;
                ymax = 1;
            }
            // Round the range outwards to a tick step so the grid lines fall on round numbers.
            double step = niceStep((ymax - ymin) / 6);
            ymin = Math.floor(ymin / step) * step;
            ymax = Math.ceil(ymax / step) * step;
            if (ymax - ymin < step) ymax = ymin + step;
            double xmin = xs[0];
            double xmax = xs[xs.length - 1];
            if (xmax == xmin) xmax = xmin + 1;
            int pw = WIDTH - LEFT - RIGHT;
            int ph = HEIGHT - TOP - BOTTOM;
            Color grid = new Color(0xdddddd);
            Color ink = new Color(0x222222);
            for (double y = ymin; y <= ymax + step / 2; y += step) {
                int py = TOP + (int) Math.round(ph * (1 - (y - ymin) / (ymax - ymin)));
                g.setColor(grid);
                g.drawLine(LEFT, py, LEFT + pw, py);
                String t = String.format(Locale.ROOT, step < 1 ? "%.1f" : "%.0f", y);
                BitmapFont.draw(img, LEFT - 8 - BitmapFont.width(t, 2), py - BitmapFont.height(2) / 2, t, ink.getRGB(), 2);
            }
            for (double x : xs) {
                int px = LEFT + (int) Math.round(pw * (x - xmin) / (xmax - xmin));
                g.setColor(grid);
                g.drawLine(px, TOP, px, TOP + ph);
                String t = String.format(Locale.ROOT, "%.0f", x);
                BitmapFont.draw(img, px - BitmapFont.width(t, 2) / 2, TOP + ph + 8, t, ink.getRGB(), 2);
            }
            g.setColor(ink);
            g.drawRect(LEFT, TOP, pw, ph);
            BitmapFont.draw(img, LEFT, 10, title, ink.getRGB(), 2);
            BitmapFont.draw(img, LEFT + pw / 2 - BitmapFont.width(xLabel, 2) / 2, HEIGHT - 30, xLabel, ink.getRGB(), 2);
            BitmapFont.draw(img, 8, TOP - 30, yLabel, ink.getRGB(), 2);
            g.setStroke(new BasicStroke(2.2f));
            int i = 0;
            for (Map.Entry<String, double[]> e : series.entrySet()) {
                Color c = PALETTE[i % PALETTE.length];
                g.setColor(c);
                double[] ys = e.getValue();
                int lastX = -1;
                int lastY = -1;
                for (int j = 0; j < Math.min(xs.length, ys.length); j++) {
                    if (!Double.isFinite(ys[j])) continue;
                    int px = LEFT + (int) Math.round(pw * (xs[j] - xmin) / (xmax - xmin));
                    int py = TOP + (int) Math.round(ph * (1 - (ys[j] * yScale - ymin) / (ymax - ymin)));
                    if (lastX >= 0) g.drawLine(lastX, lastY, px, py);
                    g.fillOval(px - 4, py - 4, 8, 8);
                    lastX = px;
                    lastY = py;
                }
                int ly = TOP + 10 + 26 * i;
                g.fillRect(LEFT + pw + 20, ly + 2, 24, 8);
                BitmapFont.draw(img, LEFT + pw + 52, ly, e.getKey(), ink.getRGB(), 2);
                i++;
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        if (!(raw > 0)) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw) return m * p;
        }
        return 10 * p;
    }
}
