package org.pooling4j.draw;

/** Text helpers for SVG and HTML written by hand: escaping, short coordinates, colours. */
public final class Svg {
    private Svg() {}

    /** Escapes text for HTML and SVG content and attribute values. */
    public static String esc(String s) {
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
    public static String px(double v) {
        long tenths = Math.round(v * 10);
        long whole = tenths / 10;
        long frac = Math.abs(tenths % 10);
        String sign = tenths < 0 && whole == 0 ? "-" : "";
        return frac == 0 ? sign + whole : sign + whole + "." + frac;
    }

    /** {@code 0xRRGGBB} as {@code #rrggbb}. */
    public static String colour(int rgb) {
        return String.format(java.util.Locale.ROOT, "#%06x", rgb & 0xffffff);
    }
}
