package org.pooling4j.draw;

import java.util.ArrayList;
import java.util.List;

/**
 * The description of one chart: its size, title, two {@link Axis axes}, the marks drawn in the plot
 * area (lines with markers, dots, stacked bars, discs, dashed horizontal lines) and the legend. The
 * same description renders to PNG pixels ({@link #toCanvas()}) or to an inline SVG element
 * ({@link #toSvg()}), with the same layout: both place every part at the same pixel.
 *
 * <p>Colours are {@code 0xRRGGBB}. Marks are drawn in the order they were added, over the grid.
 */
public final class Chart {
    /** Scale of all text (font pixels to image pixels): 10x18-pixel glyph cells, readable at any size. */
    public static final int TEXT_SCALE = 2;
    /** Colours for up to ten series, distinct from each other on white. */
    public static final int[] PALETTE = {
        0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf
    };

    static final int INK = 0x222222;
    static final int GRID = 0xdddddd;
    static final int MINOR = 0xf0f0f0;
    static final int FRAME = 0x999999;
    static final int BACKGROUND = 0xffffff;
    /** The longest category label drawn; longer ones are cut and end in "..". */
    static final int MAX_CATEGORY_CHARS = 24;

    final int width;
    final int height;
    String title = "";
    String id;
    String name = "";
    String description = "";
    Axis x = Axis.fixed(0, 1, 1);
    Axis y = Axis.fixed(0, 1, 1);
    final List<Mark> marks = new ArrayList<>();
    final List<Legend> legend = new ArrayList<>();

    /** A chart of {@code width x height} pixels. */
    public Chart(int width, int height) {
        if (width < 100 || height < 100)
            throw new IllegalArgumentException("chart " + width + "x" + height + ": at least 100x100");
        this.width = width;
        this.height = height;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The title drawn above the plot (none when empty). */
    public Chart title(String title) {
        this.title = title;
        return this;
    }

    /** For SVG: the element's id, and the name and description a screen reader or tooltip gives. */
    public Chart svgInfo(String id, String name, String description) {
        this.id = id;
        this.name = name;
        this.description = description;
        return this;
    }

    public Chart x(Axis axis) {
        this.x = axis;
        return this;
    }

    public Chart y(Axis axis) {
        this.y = axis;
        return this;
    }

    /** A series: a polyline through the finite points with a marker on each, and a legend entry. */
    public Chart line(String name, int rgb, double[] xs, double[] ys) {
        marks.add(new Mark(Mark.LINE, rgb, xs.clone(), ys.clone(), null, null, null));
        legend.add(new Legend(name, rgb, Legend.LINE));
        return this;
    }

    /** Many small half-transparent dots of one colour (a scatter plot); {@code cls} names them in SVG. */
    public Chart dots(int rgb, double[] xs, double[] ys, String cls) {
        marks.add(new Mark(Mark.DOTS, rgb, xs.clone(), ys.clone(), null, null, cls));
        return this;
    }

    /**
     * A bar from {@code x0} to {@code x1} made of segments stacked from 0: segment i is
     * {@code heights[i]} high in colour {@code colours[i]}; {@code tooltip} (SVG only) may be null.
     */
    public Chart stack(double x0, double x1, double[] heights, int[] colours, String tooltip) {
        if (heights.length != colours.length)
            throw new IllegalArgumentException("heights and colours differ in length");
        marks.add(new Mark(Mark.STACK, 0, new double[] {x0, x1}, heights.clone(), colours.clone(), tooltip, null));
        return this;
    }

    /** A disc ringed in dark grey at (x, y), 6 pixels in radius; {@code cls} names it in SVG, {@code tooltip} may be null. */
    public Chart disc(double x, double y, int rgb, String cls, String tooltip) {
        marks.add(new Mark(Mark.DISC, rgb, new double[] {x}, new double[] {y}, null, tooltip, cls));
        return this;
    }

    /** A dashed line across the plot at {@code y}, with {@code label} (may be empty) above its right end. */
    public Chart hline(double y, int rgb, String label, String cls) {
        marks.add(new Mark(Mark.HLINE, rgb, null, new double[] {y}, null, label, cls));
        return this;
    }

    /** A legend entry of its own: a filled swatch, or a dashed line when {@code dashed}. */
    public Chart legend(String name, int rgb, boolean dashed) {
        legend.add(new Legend(name, rgb, dashed ? Legend.DASHED : Legend.BOX));
        return this;
    }

    /** Renders the chart into a new canvas. */
    public Canvas toCanvas() {
        return new PngRenderer(this, new Layout(this)).render();
    }

    /** Renders the chart as one {@code <svg>} element (no script, no external resource). */
    public String toSvg() {
        return new SvgRenderer(this, new Layout(this)).render();
    }

    static final class Mark {
        static final int LINE = 0;
        static final int DOTS = 1;
        static final int STACK = 2;
        static final int DISC = 3;
        static final int HLINE = 4;
        final int kind;
        final int rgb;
        final double[] xs;
        final double[] ys;
        final int[] colours;
        final String text;
        final String cls;

        Mark(int kind, int rgb, double[] xs, double[] ys, int[] colours, String text, String cls) {
            this.kind = kind;
            this.rgb = rgb;
            this.xs = xs;
            this.ys = ys;
            this.colours = colours;
            this.text = text;
            this.cls = cls;
        }
    }

    static final class Legend {
        static final int LINE = 0;
        static final int BOX = 1;
        static final int DASHED = 2;
        final String name;
        final int rgb;
        final int kind;

        Legend(String name, int rgb, int kind) {
            this.name = name;
            this.rgb = rgb;
            this.kind = kind;
        }
    }

    /** Where everything goes, in pixels; shared by both renderers so that PNG and SVG agree. */
    static final class Layout {
        final int left;
        final int right;
        final int top;
        final int bottom;
        final int line;
        final boolean verticalCategories;
        final int legendX;
        /** Space between the plot's bottom edge and the x tick labels. */
        static final int TICK_GAP = 12;

        Layout(Chart c) {
            int s = TEXT_SCALE;
            line = BitmapFont.height(s);
            top = (c.title.isEmpty() ? 0 : line + 16) + 14;
            int yLabels = 0;
            for (double v : c.y.ticks()) yLabels = Math.max(yLabels, BitmapFont.width(c.y.label(v), s));
            int left = 10 + (c.y.title().isEmpty() ? 0 : line + 10) + yLabels + 10;
            int legendW = 0;
            for (Legend l : c.legend) legendW = Math.max(legendW, 36 + BitmapFont.width(l.name, s));
            int r = c.width - (legendW == 0 ? 20 : legendW + 40);
            List<String> cats = c.x.categories();
            if (cats == null) {
                // The x labels are centred on their ticks: the first and last must not stick out of the picture.
                List<Double> xt = c.x.ticks();
                if (!xt.isEmpty()) {
                    int first = BitmapFont.width(c.x.label(xt.get(0)), s);
                    int last = BitmapFont.width(c.x.label(xt.get(xt.size() - 1)), s);
                    if (legendW == 0) r = Math.min(r, c.width - 8 - last / 2);
                    left = Math.max(left, 8 + first / 2);
                }
            }
            right = r;
            legendX = right + 20;
            boolean vertical = false;
            int tickH = line;
            if (cats != null && !cats.isEmpty()) {
                double band = (double) (right - left) / cats.size();
                int longest = 0;
                for (String n : cats) longest = Math.max(longest, BitmapFont.width(category(n), s));
                vertical = longest > band - 6;
                if (vertical) tickH = longest;
            }
            verticalCategories = vertical;
            this.left = left;
            bottom = c.height - (TICK_GAP + tickH + 10 + (c.x.title().isEmpty() ? 0 : line + 8) + 10);
            if (right - left < 40 || bottom - top < 40) {
                throw new IllegalArgumentException(
                        "chart " + c.width + "x" + c.height + " is too small for its labels");
            }
        }

        double px(Axis a, double v) {
            return left + a.fraction(v) * (right - left);
        }

        double py(Axis a, double v) {
            return bottom - a.fraction(v) * (bottom - top);
        }

        /** A category name as drawn: cut to {@link #MAX_CATEGORY_CHARS}. */
        static String category(String n) {
            return n.length() <= MAX_CATEGORY_CHARS ? n : n.substring(0, MAX_CATEGORY_CHARS - 2) + "..";
        }
    }
}
