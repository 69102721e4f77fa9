package org.pooling4j.draw;

import static org.pooling4j.draw.Svg.colour;
import static org.pooling4j.draw.Svg.esc;
import static org.pooling4j.draw.Svg.px;

/**
 * Writes a {@link Chart} as one inline {@code <svg>} element, every part at the pixel the
 * {@link PngRenderer} draws it. Styles are attributes, so the element needs no style sheet; a
 * browser's sans-serif font stands in for the bitmap font, a little smaller than its cells.
 */
final class SvgRenderer {
    /** Font size of all text: about the bitmap font's 14-pixel capitals at scale 2, in a proportional face. */
    static final int FONT_SIZE = 15;

    private final Chart c;
    private final Chart.Layout l;
    private final StringBuilder b = new StringBuilder(16 * 1024);
    private final int s = Chart.TEXT_SCALE;

    SvgRenderer(Chart chart, Chart.Layout layout) {
        this.c = chart;
        this.l = layout;
    }

    String render() {
        b.append("<svg");
        if (c.id != null) b.append(" id=\"").append(esc(c.id)).append('"');
        b.append(" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
                .append(c.width)
                .append(' ')
                .append(c.height)
                .append("\" width=\"")
                .append(c.width)
                .append("\" height=\"")
                .append(c.height)
                .append("\" role=\"img\" font-family=\"sans-serif\" font-size=\"")
                .append(FONT_SIZE)
                .append("\">");
        b.append("<title>").append(esc(c.name.isEmpty() ? c.title : c.name)).append("</title>");
        if (!c.description.isEmpty())
            b.append("<desc>").append(esc(c.description)).append("</desc>");
        b.append("<rect width=\"")
                .append(c.width)
                .append("\" height=\"")
                .append(c.height)
                .append("\" fill=\"")
                .append(colour(Chart.BACKGROUND))
                .append("\"/>");
        grid();
        for (Chart.Mark m : c.marks) mark(m);
        labels();
        legend();
        return b.append("</svg>\n").toString();
    }

    private void grid() {
        b.append("<g class=\"grid\" stroke-width=\"1\">");
        for (double v : c.x.minorTicks()) vline(l.px(c.x, v), Chart.MINOR);
        for (double v : c.y.minorTicks()) hline(l.py(c.y, v), Chart.MINOR);
        if (c.x.categories() == null) for (double v : c.x.ticks()) vline(l.px(c.x, v), Chart.GRID);
        for (double v : c.y.ticks()) hline(l.py(c.y, v), Chart.GRID);
        b.append("</g>");
    }

    private void vline(double x, int rgb) {
        line(x, l.top, x, l.bottom, rgb);
    }

    private void hline(double y, int rgb) {
        line(l.left, y, l.right, y, rgb);
    }

    private void line(double xa, double ya, double xb, double yb, int rgb) {
        b.append("<line x1=\"")
                .append(px(xa))
                .append("\" y1=\"")
                .append(px(ya))
                .append("\" x2=\"")
                .append(px(xb))
                .append("\" y2=\"")
                .append(px(yb))
                .append("\" stroke=\"")
                .append(colour(rgb))
                .append("\"/>");
    }

    /** Text whose baseline lies where the bitmap font's would for a glyph cell whose top is at {@code top}. */
    private void text(double x, int top, String anchor, int rgb, String t) {
        b.append("<text x=\"")
                .append(px(x))
                .append("\" y=\"")
                .append(top + BitmapFont.ASCENT * s)
                .append('"');
        if (!anchor.equals("start")) b.append(" text-anchor=\"").append(anchor).append('"');
        if (rgb != Chart.INK) b.append(" fill=\"").append(colour(rgb)).append('"');
        b.append('>').append(esc(t)).append("</text>");
    }

    private void labels() {
        b.append("<g class=\"labels\" fill=\"").append(colour(Chart.INK)).append("\">");
        int half = BitmapFont.ASCENT * s / 2;
        for (double v : c.y.ticks())
            text(l.left - 8, (int) Math.round(l.py(c.y, v)) - half, "end", Chart.INK, c.y.label(v));
        for (double v : c.x.ticks()) {
            double x = Math.round(l.px(c.x, v));
            String t = c.x.categories() != null ? Chart.Layout.category(c.x.label(v)) : c.x.label(v);
            if (l.verticalCategories) {
                double y = l.bottom + Chart.Layout.TICK_GAP;
                b.append("<text x=\"")
                        .append(px(x + half))
                        .append("\" y=\"")
                        .append(px(y))
                        .append("\" text-anchor=\"end\" transform=\"rotate(-90 ")
                        .append(px(x + half))
                        .append(' ')
                        .append(px(y))
                        .append(")\">")
                        .append(esc(t))
                        .append("</text>");
            } else {
                text(x, l.bottom + Chart.Layout.TICK_GAP, "middle", Chart.INK, t);
            }
        }
        if (!c.title.isEmpty()) text(l.left, 12, "start", Chart.INK, c.title);
        if (!c.x.title().isEmpty())
            text((l.left + l.right) / 2.0, c.height - 10 - l.line, "middle", Chart.INK, c.x.title());
        if (!c.y.title().isEmpty()) {
            double cx = 10 + BitmapFont.ASCENT * s;
            double cy = (l.top + l.bottom) / 2.0;
            b.append("<text x=\"")
                    .append(px(cx))
                    .append("\" y=\"")
                    .append(px(cy))
                    .append("\" text-anchor=\"middle\" transform=\"rotate(-90 ")
                    .append(px(cx))
                    .append(' ')
                    .append(px(cy))
                    .append(")\">")
                    .append(esc(c.y.title()))
                    .append("</text>");
        }
        b.append("<rect x=\"")
                .append(l.left)
                .append("\" y=\"")
                .append(l.top)
                .append("\" width=\"")
                .append(l.right - l.left)
                .append("\" height=\"")
                .append(l.bottom - l.top)
                .append("\" fill=\"none\" stroke=\"")
                .append(colour(Chart.FRAME))
                .append("\"/></g>");
    }

    private void cls(String cls) {
        if (cls != null) b.append(" class=\"").append(esc(cls)).append('"');
    }

    private void mark(Chart.Mark m) {
        switch (m.kind) {
            case Chart.Mark.LINE -> {
                StringBuilder d = new StringBuilder();
                StringBuilder dots = new StringBuilder();
                for (int i = 0; i < Math.min(m.xs.length, m.ys.length); i++) {
                    if (!Double.isFinite(m.ys[i])) continue;
                    String p = px(l.px(c.x, m.xs[i])) + " " + px(l.py(c.y, m.ys[i]));
                    d.append(d.length() == 0 ? "M" : "L").append(p);
                    dots.append('M').append(p).append("h0");
                }
                b.append("<path fill=\"none\" stroke=\"")
                        .append(colour(m.rgb))
                        .append("\" stroke-width=\"2.5\" d=\"")
                        .append(d)
                        .append("\"/>");
                b.append("<path fill=\"none\" stroke=\"")
                        .append(colour(m.rgb))
                        .append("\" stroke-width=\"8\" stroke-linecap=\"round\" d=\"")
                        .append(dots)
                        .append("\"/>");
            }
            case Chart.Mark.DOTS -> {
                // Zero-length round-capped segments draw as dots and keep the file compact.
                b.append("<path");
                cls(m.cls);
                b.append(" fill=\"none\" stroke=\"")
                        .append(colour(m.rgb))
                        .append("\" stroke-width=\"4.5\" stroke-linecap=\"round\" stroke-opacity=\".55\" d=\"");
                for (int i = 0; i < m.xs.length; i++)
                    b.append('M')
                            .append(px(l.px(c.x, m.xs[i])))
                            .append(' ')
                            .append(px(l.py(c.y, m.ys[i])))
                            .append("h0");
                b.append("\"/>");
            }
            case Chart.Mark.STACK -> {
                b.append("<g>");
                if (m.text != null) b.append("<title>").append(esc(m.text)).append("</title>");
                double x0 = Math.round(l.px(c.x, m.xs[0]));
                double x1 = Math.round(l.px(c.x, m.xs[1]));
                double below = 0;
                for (int i = 0; i < m.ys.length; i++) {
                    if (!(m.ys[i] > 0)) continue;
                    double ya = Math.round(l.py(c.y, below + m.ys[i]));
                    double yb = Math.round(l.py(c.y, below));
                    b.append("<rect x=\"")
                            .append(px(x0))
                            .append("\" y=\"")
                            .append(px(ya))
                            .append("\" width=\"")
                            .append(px(Math.max(1, x1 - x0)))
                            .append("\" height=\"")
                            .append(px(Math.max(1, yb - ya)))
                            .append("\" fill=\"")
                            .append(colour(m.colours[i]))
                            .append("\"/>");
                    below += m.ys[i];
                }
                b.append("</g>");
            }
            case Chart.Mark.DISC -> {
                b.append("<circle");
                cls(m.cls);
                b.append(" cx=\"")
                        .append(px(l.px(c.x, m.xs[0])))
                        .append("\" cy=\"")
                        .append(px(l.py(c.y, m.ys[0])))
                        .append("\" r=\"6\" fill=\"")
                        .append(colour(m.rgb))
                        .append("\" stroke=\"")
                        .append(colour(Chart.INK))
                        .append("\" stroke-width=\"1.5\">");
                if (m.text != null) b.append("<title>").append(esc(m.text)).append("</title>");
                b.append("</circle>");
            }
            case Chart.Mark.HLINE -> {
                double y = l.py(c.y, m.ys[0]);
                b.append("<g");
                cls(m.cls);
                b.append("><line x1=\"")
                        .append(l.left)
                        .append("\" y1=\"")
                        .append(px(y))
                        .append("\" x2=\"")
                        .append(l.right)
                        .append("\" y2=\"")
                        .append(px(y))
                        .append("\" stroke=\"")
                        .append(colour(m.rgb))
                        .append("\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>");
                if (m.text != null && !m.text.isEmpty())
                    text(l.right - 4, (int) Math.round(y) - 5 - BitmapFont.ASCENT * s, "end", m.rgb, m.text);
                b.append("</g>");
            }
            default -> throw new IllegalStateException("mark " + m.kind);
        }
    }

    private void legend() {
        if (c.legend.isEmpty()) return;
        b.append("<g class=\"legend\">");
        int y = l.top + 4;
        for (Chart.Legend e : c.legend) {
            int mid = y + BitmapFont.ASCENT * s / 2;
            int x = l.legendX;
            String col = colour(e.rgb);
            switch (e.kind) {
                case Chart.Legend.LINE ->
                    b.append("<path stroke=\"")
                            .append(col)
                            .append("\" stroke-width=\"2.5\" d=\"M")
                            .append(x)
                            .append(' ')
                            .append(mid)
                            .append("h26\"/><circle cx=\"")
                            .append(x + 13)
                            .append("\" cy=\"")
                            .append(mid)
                            .append("\" r=\"4\" fill=\"")
                            .append(col)
                            .append("\"/>");
                case Chart.Legend.DASHED ->
                    b.append("<path stroke=\"")
                            .append(col)
                            .append("\" stroke-width=\"2\" stroke-dasharray=\"6 4\" d=\"M")
                            .append(x)
                            .append(' ')
                            .append(mid)
                            .append("h26\"/>");
                default ->
                    b.append("<rect x=\"")
                            .append(x + 4)
                            .append("\" y=\"")
                            .append(mid - 7)
                            .append("\" width=\"18\" height=\"14\" fill=\"")
                            .append(col)
                            .append("\"/>");
            }
            text(x + 36, y, "start", Chart.INK, e.name);
            y += l.line + 8;
        }
        b.append("</g>");
    }
}
