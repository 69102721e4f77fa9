package org.pooling4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;

/**
 * Small helpers for charts drawn as plain inline SVG: axes that map values to pixels (logarithmic or
 * linear) with their ticks, and escaping of text. No scripts and no external resources: a chart is a
 * string that a browser renders on its own.
 */
final class Svg {
    private Svg() {}

    /** Escapes text for HTML and SVG content and attribute values. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A coordinate with one decimal (enough for a screen pixel, short in the file). */
    static String px(double v) {
        long tenths = Math.round(v * 10);
        long whole = tenths / 10;
        long frac = Math.abs(tenths % 10);
        String sign = tenths < 0 && whole == 0 ? "-" : "";
        return frac == 0 ? sign + whole : sign + whole + "." + frac;
    }

    /** Maps a value range to a pixel range, logarithmic or linear. */
    static final class Axis {
        final double lo;
        final double hi;
        final double p0;
        final double p1;
        final boolean log;

        private Axis(double lo, double hi, double p0, double p1, boolean log) {
            this.lo = lo;
            this.hi = hi;
            this.p0 = p0;
            this.p1 = p1;
            this.log = log;
        }

        /**
         * A logarithmic axis over whole decades covering [min, max] (both &gt; 0), drawn from pixel
         * {@code p0} (the low end) to {@code p1}.
         */
        static Axis log(double min, double max, double p0, double p1) {
            double a = Math.floor(Math.log10(min));
            double b = Math.ceil(Math.log10(max));
            if (b <= a) b = a + 1;
            return new Axis(Math.pow(10, a), Math.pow(10, b), p0, p1, true);
        }

        /** A linear axis from 0 to a round value at or above {@code max}. */
        static Axis linear(double max, double p0, double p1) {
            double step = niceStep(max);
            double hi = Math.max(step, Math.ceil(max / step) * step);
            return new Axis(0, hi, p0, p1, false);
        }

        /** Pixel of a value (clamped to the axis ends). */
        double at(double v) {
            double f;
            if (log) {
                f = v <= 0 ? 0 : (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
            } else {
                f = (v - lo) / (hi - lo);
            }
            f = Math.max(0, Math.min(1, f));
            return p0 + f * (p1 - p0);
        }

        /** Tick values: each decade on a log axis, 4 to 8 round steps on a linear one. */
        List<Double> ticks() {
            List<Double> t = new ArrayList<>();
            if (log) {
                for (double v = lo; v <= hi * 1.0001; v *= 10) t.add(v);
            } else {
                double step = niceStep(hi);
                for (double v = 0; v <= hi * 1.0001; v += step) t.add(v);
            }
            return t;
        }

        /** Values for faint grid lines between ticks: 2 and 5 times each decade on a log axis. */
        List<Double> minorTicks() {
            List<Double> t = new ArrayList<>();
            if (log) {
                for (double v = lo; v < hi; v *= 10) {
                    t.add(2 * v);
                    t.add(5 * v);
                }
            }
            return t;
        }

        /** A step of 1, 2 or 5 times a power of ten giving about five steps up to {@code max}. */
        static double niceStep(double max) {
            if (!(max > 0)) return 1;
            double raw = max / 5;
            double p = Math.pow(10, Math.floor(Math.log10(raw)));
            double m = raw / p;
            return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
        }
    }

    /**
     * Grid lines and tick labels of an x axis at the bottom ({@code y0}) and a y axis on the left
     * ({@code x0}) of the plot area, with axis titles.
     */
    static void axes(StringBuilder b, Axis x, Axis y, DoubleFunction<String> xLabel, DoubleFunction<String> yLabel,
            String xTitle, String yTitle) {
        double x0 = x.p0;
        double x1 = x.p1;
        double y0 = y.p0;
        double y1 = y.p1;
        b.append("<g class=\"grid\">");
        for (double v : x.minorTicks()) line(b, x.at(v), y0, x.at(v), y1, "minor");
        for (double v : y.minorTicks()) line(b, x0, y.at(v), x1, y.at(v), "minor");
        for (double v : x.ticks()) line(b, x.at(v), y0, x.at(v), y1, "major");
        for (double v : y.ticks()) line(b, x0, y.at(v), x1, y.at(v), "major");
        b.append("</g><g class=\"labels\">");
        for (double v : x.ticks()) {
            b.append("<text x=\"").append(px(x.at(v))).append("\" y=\"").append(px(y0 + 16))
                    .append("\" text-anchor=\"middle\">").append(esc(xLabel.apply(v))).append("</text>");
        }
        for (double v : y.ticks()) {
            b.append("<text x=\"").append(px(x0 - 6)).append("\" y=\"").append(px(y.at(v) + 4))
                    .append("\" text-anchor=\"end\">").append(esc(yLabel.apply(v))).append("</text>");
        }
        b.append("<text x=\"").append(px((x0 + x1) / 2)).append("\" y=\"").append(px(y0 + 36))
                .append("\" text-anchor=\"middle\" class=\"title\">").append(esc(xTitle)).append("</text>");
        double cy = (y0 + y1) / 2;
        b.append("<text x=\"14\" y=\"").append(px(cy)).append("\" text-anchor=\"middle\" class=\"title\" transform=\"rotate(-90 14 ")
                .append(px(cy)).append(")\">").append(esc(yTitle)).append("</text>");
        b.append("<rect x=\"").append(px(x0)).append("\" y=\"").append(px(y1)).append("\" width=\"").append(px(x1 - x0))
                .append("\" height=\"").append(px(y0 - y1)).append("\" class=\"frame\"/></g>");
    }

    private static void line(StringBuilder b, double xa, double ya, double xb, double yb, String cls) {
        b.append("<line x1=\"").append(px(xa)).append("\" y1=\"").append(px(ya)).append("\" x2=\"").append(px(xb))
                .append("\" y2=\"").append(px(yb)).append("\" class=\"").append(cls).append("\"/>");
    }
}
