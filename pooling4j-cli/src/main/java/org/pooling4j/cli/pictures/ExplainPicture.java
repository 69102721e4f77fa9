package org.pooling4j.cli.pictures;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import org.pooling4j.Geometry;
import org.pooling4j.PoolSpec;
import org.pooling4j.Tensor;
import org.pooling4j.cli.ExplainCommand;
import org.pooling4j.draw.BitmapFont;
import org.pooling4j.draw.Canvas;

/**
 * The picture of {@code explain --png}: for each operator one row with the input grid, every
 * window outlined in its own colour, and the output grid, each cell filled with its window's colour
 * and showing its value, under a caption with the operator's kernel, stride and padding. Drawn on a
 * {@link Canvas} with its bitmap font, never AWT text.
 */
public final class ExplainPicture {
    private ExplainPicture() {}

    /** Largest input side drawn: beyond it the cells and their numbers would not fit a picture. */
    static final int MAX_SIDE = 24;

    private static final int FONT = 2;
    private static final int MARGIN = 16;
    /**
     * Space between a cell's edge and its number: more than the deepest window outline (inset 2 + 3 * 4,
     * 3 thick: 17 pixels), so that outlines never run into the numbers.
     */
    private static final int PAD = 20;

    private static final int BACKGROUND = 0xffffff;
    private static final int GRID = 0x606060;
    private static final int TEXT = 0x000000;

    /** One explained operator: its caption (two lines), the input plane's geometry and its output plane. */
    public static final class Row {
        final String title;
        final String params;
        final Geometry geometry;
        final Tensor output;

        public Row(String name, PoolSpec spec, Geometry geometry, Tensor output) {
            this.title = name;
            this.params = params(spec, geometry);
            this.geometry = geometry;
            this.output = output;
        }
    }

    /**
     * The caption's second line: kernel, stride, padding (and dilation when not 1, ceil mode when
     * on), the operator's own parameter (p of Lp pooling, alpha of mixed pooling, sigma of Gaussian
     * weights), output size.
     */
    static String params(PoolSpec spec, Geometry g) {
        StringBuilder b = new StringBuilder();
        if (spec.kernel() != null) {
            b.append("kernel ").append(dims(spec.kernel()));
            if (spec.stride() != null) b.append(", stride ").append(dims(spec.stride()));
            // The padding the geometry resolved: with auto padding (same) the spec itself holds zeros.
            int[] lo = new int[g.rank()];
            int[] hi = new int[g.rank()];
            for (int a = 0; a < g.rank(); a++) {
                lo[a] = g.padBegin(a);
                hi[a] = g.padEnd(a);
            }
            b.append(", padding ")
                    .append(java.util.Arrays.equals(lo, hi) ? dims(lo) : dims(lo) + " before, " + dims(hi) + " after");
            if (spec.autoPad() != org.pooling4j.AutoPad.NOTSET)
                b.append(" (")
                        .append(spec.autoPad().name().toLowerCase(java.util.Locale.ROOT))
                        .append(')');
            int[] d = spec.dilation();
            boolean one = true;
            for (int v : d) one &= v == 1;
            if (!one) b.append(", dilation ").append(dims(d));
            if (spec.ceilMode()) b.append(", ceil mode");
            b.append(", ");
        }
        switch (spec.op()) {
            case LP, GLOBAL_LP ->
                b.append("p ").append(org.pooling4j.draw.Axis.plain(spec.p())).append(", ");
            case MIXED ->
                b.append("alpha ")
                        .append(org.pooling4j.draw.Axis.plain(spec.alpha()))
                        .append(", ");
            case WEIGHTED_AVG -> {
                if (spec.weights() == null)
                    b.append("sigma ")
                            .append(org.pooling4j.draw.Axis.plain(spec.sigma()))
                            .append(", ");
            }
            default -> {}
        }
        return b.append("output ")
                .append(g.outSize(0))
                .append('x')
                .append(g.outSize(1))
                .toString();
    }

    /** One number when every axis has the same value, else the values joined by x. */
    private static String dims(int[] v) {
        boolean same = true;
        for (int x : v) same &= x == v[0];
        if (same) return String.valueOf(v[0]);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) b.append(i == 0 ? "" : "x").append(v[i]);
        return b.toString();
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
    public static BufferedImage draw(Tensor x, List<Row> rows) {
        if (x.rank() != 4)
            throw new IllegalArgumentException(
                    "--png: draws two-dimensional inputs only (shape (H, W), (C, H, W) or (N, C, H, W))");
        int h = x.dim(2);
        int w = x.dim(3);
        if (h > MAX_SIDE || w > MAX_SIDE) {
            throw new IllegalArgumentException(
                    "--png: input " + h + "x" + w + " is too large to draw; at most " + MAX_SIDE + "x" + MAX_SIDE);
        }
        // One cell size for the whole picture, wide enough for the longest number shown.
        int longest = 1;
        for (int i = 0; i < h * w; i++)
            longest = Math.max(longest, ExplainCommand.num(x.data()[i]).length());
        int outW = 0;
        int outH = 0;
        int titleW = 0;
        for (Row r : rows) {
            Geometry g = r.geometry;
            int oh = g.outSize(0);
            int ow = g.outSize(1);
            outW = Math.max(outW, ow);
            outH = Math.max(outH, oh);
            for (int i = 0; i < oh * ow; i++)
                longest =
                        Math.max(longest, ExplainCommand.num(r.output.data()[i]).length());
            titleW = Math.max(titleW, Math.max(BitmapFont.width(r.title, FONT), BitmapFont.width(r.params, FONT)));
        }
        // The value must stay clear of every outline: the deepest inset of an overlapping window's outline
        // (2 + 3 * 4), its stroke (3) and a visible gap of 8 on each side of the text.
        int clear = Math.max(PAD, 2 + 3 * 4 + 3 + 8);
        int cell = Math.max(40, BitmapFont.width("0".repeat(longest), FONT) + 2 * clear);
        cell = Math.max(cell, BitmapFont.ASCENT * FONT + 2 * clear);
        int arrow = 60;
        int titleH = 2 * (BitmapFont.height(FONT) + 4) + 8;
        int rowH = titleH + Math.max(h, outH) * cell + MARGIN;
        int width = Math.max(MARGIN + w * cell + arrow + outW * cell + MARGIN, titleW + 2 * MARGIN);
        int height = MARGIN + rows.size() * rowH;
        Canvas img = new Canvas(width, height, BACKGROUND);
        float[] in = x.data();
        for (int k = 0; k < rows.size(); k++) {
            Row r = rows.get(k);
            Geometry g = r.geometry;
            int top = MARGIN + k * rowH;
            img.text(MARGIN, top, r.title, TEXT, FONT);
            img.text(MARGIN, top + BitmapFont.height(FONT) + 4, r.params, TEXT, FONT);
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
            boolean overlap = overlaps(g, 0) || overlaps(g, 1);
            // The arrow between the grids: a bar and a head.
            int ay = gy + Math.min(h, oh) * cell / 2;
            img.fillRect(gx + w * cell + 12, ay - 1, arrow - 28, 3, GRID);
            for (int i = 0; i < 8; i++) img.fillRect(gx + w * cell + arrow - 16 + i, ay - 7 + i, 1, 15 - 2 * i, GRID);
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
                        // Windows that overlap their neighbours get one of four insets by the parity of
                        // their row and column, so that no two neighbouring outlines run along the same
                        // line; windows that do not overlap all keep the same small inset.
                        int inset = overlap ? 2 + ((oy % 2) * 2 + ox % 2) * 4 : 4;
                        img.strokeRect(
                                gx + c0 * cell + inset,
                                gy + r0 * cell + inset,
                                (c1 - c0 + 1) * cell - 2 * inset,
                                (r1 - r0 + 1) * cell - 2 * inset,
                                3,
                                c);
                    }
                    drawCell(
                            img,
                            ox0 + ox * cell,
                            gy + oy * cell,
                            cell,
                            lighten(c),
                            ExplainCommand.num(r.output.data()[i]));
                    img.strokeRect(ox0 + ox * cell + 2, gy + oy * cell + 2, cell - 4, cell - 4, 3, c);
                }
            }
        }
        return img.image();
    }

    /** Whether neighbouring windows along {@code axis} share input cells. */
    private static boolean overlaps(Geometry g, int axis) {
        for (int o = 0; o + 1 < g.outSize(axis); o++) {
            int end = g.start(axis, o) + (g.taps(axis, o) - 1) * g.step(axis);
            if (g.start(axis, o + 1) <= end) return true;
        }
        return false;
    }

    private static int lighten(int rgb) {
        int r = (rgb >> 16 & 0xff) + 255 >> 1;
        int g = (rgb >> 8 & 0xff) + 255 >> 1;
        int b = (rgb & 0xff) + 255 >> 1;
        return r << 16 | g << 8 | b;
    }

    private static void drawCell(Canvas img, int x, int y, int size, int fillRgb, String text) {
        img.fillRect(x, y, size, size, fillRgb);
        img.strokeRect(x, y, size, size, 1, GRID);
        // Centred on the digits' height: numbers have no descenders.
        img.textCentred(x + size / 2, y + (size - BitmapFont.ASCENT * FONT) / 2, text, TEXT, FONT);
    }
}
