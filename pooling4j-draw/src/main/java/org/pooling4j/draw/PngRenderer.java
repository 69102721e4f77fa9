package org.pooling4j.draw;

import java.util.List;

/** Draws a {@link Chart} into a {@link Canvas}. */
final class PngRenderer {
    private final Chart c;
    private final Chart.Layout l;
    private final Canvas g;
    private final int s = Chart.TEXT_SCALE;

    PngRenderer(Chart chart, Chart.Layout layout) {
        this.c = chart;
        this.l = layout;
        this.g = new Canvas(chart.width, chart.height, Chart.BACKGROUND);
    }

    Canvas render() {
        grid();
        for (Chart.Mark m : c.marks) mark(m);
        labels();
        legend();
        return g;
    }

    private void grid() {
        boolean xCat = c.x.categories() != null;
        for (double v : c.x.minorTicks()) vline(l.px(c.x, v), Chart.MINOR);
        for (double v : c.y.minorTicks()) hline(l.py(c.y, v), Chart.MINOR);
        if (!xCat) for (double v : c.x.ticks()) vline(l.px(c.x, v), Chart.GRID);
        for (double v : c.y.ticks()) hline(l.py(c.y, v), Chart.GRID);
    }

    private void vline(double x, int rgb) {
        g.fillRect((int) Math.round(x), l.top, 1, l.bottom - l.top, rgb);
    }

    private void hline(double y, int rgb) {
        g.fillRect(l.left, (int) Math.round(y), l.right - l.left, 1, rgb);
    }

    private void labels() {
        g.strokeRect(l.left, l.top, l.right - l.left + 1, l.bottom - l.top + 1, 1, Chart.FRAME);
        int half = BitmapFont.ASCENT * s / 2;
        for (double v : c.y.ticks()) {
            int y = (int) Math.round(l.py(c.y, v));
            g.textRight(l.left - 8, y - half, c.y.label(v), Chart.INK, s);
        }
        for (double v : c.x.ticks()) {
            int x = (int) Math.round(l.px(c.x, v));
            String t = c.x.categories() != null ? Chart.Layout.category(c.x.label(v)) : c.x.label(v);
            if (l.verticalCategories) {
                // Reading upwards, ending just under the axis: the names line up at the plot's edge.
                BitmapFont.drawUp(
                        g,
                        x - BitmapFont.ASCENT * s / 2,
                        l.bottom + Chart.Layout.TICK_GAP + BitmapFont.width(t, s),
                        t,
                        Chart.INK,
                        s);
            } else {
                g.textCentred(x, l.bottom + Chart.Layout.TICK_GAP, t, Chart.INK, s);
            }
        }
        if (!c.title.isEmpty()) g.text(l.left, 12, c.title, Chart.INK, s);
        if (!c.x.title().isEmpty())
            g.textCentred((l.left + l.right) / 2, c.height - 10 - l.line, c.x.title(), Chart.INK, s);
        if (!c.y.title().isEmpty()) {
            int w = BitmapFont.width(c.y.title(), s);
            // Centred on the plot, but inside the picture when longer than the plot is high.
            int end = Math.min(c.height - 2, Math.max(w + 2, (l.top + l.bottom) / 2 + w / 2));
            BitmapFont.drawUp(g, 10, end, c.y.title(), Chart.INK, s);
        }
    }

    private void mark(Chart.Mark m) {
        switch (m.kind) {
            case Chart.Mark.LINE -> {
                double lx = Double.NaN;
                double ly = Double.NaN;
                for (int i = 0; i < Math.min(m.xs.length, m.ys.length); i++) {
                    if (!Double.isFinite(m.ys[i])) continue;
                    double x = l.px(c.x, m.xs[i]);
                    double y = l.py(c.y, m.ys[i]);
                    if (!Double.isNaN(lx)) g.line(lx, ly, x, y, 2.5, m.rgb);
                    lx = x;
                    ly = y;
                }
                for (int i = 0; i < Math.min(m.xs.length, m.ys.length); i++) {
                    if (Double.isFinite(m.ys[i])) g.disc(l.px(c.x, m.xs[i]), l.py(c.y, m.ys[i]), 4, m.rgb);
                }
            }
            case Chart.Mark.DOTS -> {
                for (int i = 0; i < m.xs.length; i++) g.disc(l.px(c.x, m.xs[i]), l.py(c.y, m.ys[i]), 2.25, m.rgb, 0.55);
            }
            case Chart.Mark.STACK -> {
                int x0 = (int) Math.round(l.px(c.x, m.xs[0]));
                int x1 = (int) Math.round(l.px(c.x, m.xs[1]));
                double below = 0;
                for (int i = 0; i < m.ys.length; i++) {
                    if (!(m.ys[i] > 0)) continue;
                    int ya = (int) Math.round(l.py(c.y, below + m.ys[i]));
                    int yb = (int) Math.round(l.py(c.y, below));
                    g.fillRect(x0, ya, Math.max(1, x1 - x0), Math.max(1, yb - ya), m.colours[i]);
                    below += m.ys[i];
                }
            }
            case Chart.Mark.DISC -> {
                double x = l.px(c.x, m.xs[0]);
                double y = l.py(c.y, m.ys[0]);
                g.disc(x, y, 6.75, Chart.INK);
                g.disc(x, y, 5.25, m.rgb);
            }
            case Chart.Mark.HLINE -> {
                double y = l.py(c.y, m.ys[0]);
                g.dashedLine(l.left, y, l.right, y, 1.5, 6, 4, m.rgb);
                if (m.text != null && !m.text.isEmpty())
                    g.textRight(l.right - 4, (int) Math.round(y) - 5 - BitmapFont.ASCENT * s, m.text, m.rgb, s);
            }
            default -> throw new IllegalStateException("mark " + m.kind);
        }
    }

    private void legend() {
        List<Chart.Legend> entries = c.legend;
        int y = l.top + 4;
        for (Chart.Legend e : entries) {
            int mid = y + BitmapFont.ASCENT * s / 2;
            int x = l.legendX;
            switch (e.kind) {
                case Chart.Legend.LINE -> {
                    g.line(x, mid, x + 26, mid, 2.5, e.rgb);
                    g.disc(x + 13, mid, 4, e.rgb);
                }
                case Chart.Legend.DASHED -> g.dashedLine(x, mid, x + 26, mid, 2, 6, 4, e.rgb);
                default -> g.fillRect(x + 4, mid - 7, 18, 14, e.rgb);
            }
            g.text(x + 36, y, e.name, Chart.INK, s);
            y += l.line + 8;
        }
    }
}
