package org.pooling4j.cli;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import org.pooling4j.Geometry;
import org.pooling4j.Tensor;

/**
 * The picture of {@code explain --png}: for each operator one row with the input grid, every
 * window outlined in its own colour, and the output grid, each cell filled with its window's colour
 * and showing its value. Labels use {@link BitmapFont}, never AWT text.
 */
final class ExplainPicture {
    private ExplainPicture() {}

    /** Largest input side drawn: beyond it the cells and their numbers would not fit a picture. */
    static final int MAX_SIDE = 24;

    private static final int FONT = 2;
    private static final int MARGIN = 16;
    private static final int BACKGROUND = 0xffffff;
    private static final int GRID = 0x606060;
    private static final int TEXT = 0x000000;

    /** One explained operator: its title, the input plane's geometry and its output plane. */
    static final class Row {
        final String title;
        final Geometry geometry;
        final Tensor output;

        Row(String title, Geometry geometry, Tensor output) {
            this.title = title;
            this.geometry = geometry;
            this.output = output;
        }
    }

    /**
     * Colour of window {@code i}: hues a golden-ratio turn apart, so neighbouring windows never
     * share a colour and the first dozen are clearly distinct.
     */
    static int colour(int i) {
        float hue = (float) ((i * 0.618_033_988_75) % 1.0);
        float brightness = i % 2 == 0 ? 0.85f : 0.7f;
        return Color.HSBtoRGB(hue, 0.85f, brightness) & 0xffffff;
    }

    /**
     * Draws the rows for the first plane of a two-dimensional input {@code x} (shape (N, C, H, W)).
     *
     * @throws IllegalArgumentException if the input is not 2D or larger than {@link #MAX_SIDE}
     */
    static BufferedImage draw(Tensor x, List<Row> rows) {
        if (x.rank() != 4) throw new IllegalArgumentException("--png: draws two-dimensional inputs only (shape (H, W), (C, H, W) or (N, C, H, W))");
        int h = x.dim(2);
        int w = x.dim(3);
        if (h > MAX_SIDE || w > MAX_SIDE) {
            throw new IllegalArgumentException("--png: input " + h + "x" + w + " is too large to draw; at most " + MAX_SIDE + "x" + MAX_SIDE);
        }
        // One cell size for the whole picture, wide enough for the longest number shown.
        int longest = 1;
        for (int i = 0; i < h * w; i++) longest = Math.max(longest, ExplainCommand.num(x.data()[i]).length());
        int outW = 0;
        int outH = 0;
        int titleW = 0;
        for (Row r : rows) {
            Geometry g = r.geometry;
            int oh = g.outSize(0);
            int ow = g.outSize(1);
            outW = Math.max(outW, ow);
            outH = Math.max(outH, oh);
            for (int i = 0; i < oh * ow; i++) longest = Math.max(longest, ExplainCommand.num(r.output.data()[i]).length());
            titleW = Math.max(titleW, BitmapFont.width(r.title, FONT));
        }
        int cell = Math.max(40, BitmapFont.width("0".repeat(longest), FONT) + 12);
        int arrow = 60;
        int titleH = BitmapFont.height(FONT) + 12;
        int rowH = titleH + Math.max(h, outH) * cell + MARGIN;
        int width = Math.max(MARGIN + w * cell + arrow + outW * cell + MARGIN, titleW + 2 * MARGIN);
        int height = MARGIN + rows.size() * rowH;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        fill(img, 0, 0, width, height, BACKGROUND);
        float[] in = x.data();
        for (int k = 0; k < rows.size(); k++) {
            Row r = rows.get(k);
            Geometry g = r.geometry;
            int top = MARGIN + k * rowH;
            BitmapFont.draw(img, MARGIN, top, r.title, TEXT, FONT);
            int gy = top + titleH;
            int gx = MARGIN;
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    drawCell(img, gx + xx * cell, gy + y * cell, cell, 0xf0f0f0, ExplainCommand.num(in[y * w + xx]));
                }
            }
            int oh = g.outSize(0);
            int ow = g.outSize(1);
            int ox0 = gx + w * cell + arrow;
            // The arrow between the grids: a bar and a head.
            int ay = gy + Math.min(h, oh) * cell / 2;
            fill(img, gx + w * cell + 12, ay - 1, arrow - 28, 3, GRID);
            for (int i = 0; i < 8; i++) fill(img, gx + w * cell + arrow - 16 + i, ay - 7 + i, 1, 15 - 2 * i, GRID);
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int i = oy * ow + ox;
                    int c = colour(i);
                    // The window's cells inside the input, outlined; overlapping windows get different insets.
                    int r0 = Math.max(0, g.start(0, oy));
                    int r1 = Math.min(h - 1, g.start(0, oy) + (g.taps(0, oy) - 1) * g.step(0));
                    int c0 = Math.max(0, g.start(1, ox));
                    int c1 = Math.min(w - 1, g.start(1, ox) + (g.taps(1, ox) - 1) * g.step(1));
                    if (r0 <= r1 && c0 <= c1) {
                        int inset = 2 + (i % 3) * 4;
                        outline(img, gx + c0 * cell + inset, gy + r0 * cell + inset,
                                (c1 - c0 + 1) * cell - 2 * inset, (r1 - r0 + 1) * cell - 2 * inset, 3, c);
                    }
                    drawCell(img, ox0 + ox * cell, gy + oy * cell, cell, lighten(c), ExplainCommand.num(r.output.data()[i]));
                    outline(img, ox0 + ox * cell + 2, gy + oy * cell + 2, cell - 4, cell - 4, 3, c);
                }
            }
        }
        return img;
    }

    private static int lighten(int rgb) {
        int r = (rgb >> 16 & 0xff) + 255 >> 1;
        int g = (rgb >> 8 & 0xff) + 255 >> 1;
        int b = (rgb & 0xff) + 255 >> 1;
        return r << 16 | g << 8 | b;
    }

    private static void drawCell(BufferedImage img, int x, int y, int size, int fillRgb, String text) {
        fill(img, x, y, size, size, fillRgb);
        outline(img, x, y, size, size, 1, GRID);
        int tw = BitmapFont.width(text, FONT);
        BitmapFont.draw(img, x + (size - tw) / 2, y + (size - BitmapFont.height(FONT)) / 2, text, TEXT, FONT);
    }

    private static void fill(BufferedImage img, int x, int y, int w, int h, int rgb) {
        for (int yy = Math.max(0, y); yy < Math.min(img.getHeight(), y + h); yy++) {
            for (int xx = Math.max(0, x); xx < Math.min(img.getWidth(), x + w); xx++) img.setRGB(xx, yy, rgb);
        }
    }

    private static void outline(BufferedImage img, int x, int y, int w, int h, int t, int rgb) {
        fill(img, x, y, w, t, rgb);
        fill(img, x, y + h - t, w, t, rgb);
        fill(img, x, y, t, h, rgb);
        fill(img, x + w - t, y, t, h, rgb);
    }
}
