package org.pooling4j.cli;

import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * A tiny 5x7 pixel font for the labels of the pictures the command line draws.
 *
 * <p>AWT text needs installed fonts and fontconfig, which a fresh server or container may lack
 * ({@code Graphics2D.drawString} then fails or draws nothing), so every label is drawn from these
 * glyphs instead, pixel by pixel. Letters are lower case (upper case maps to them); digits and the
 * signs {@code . , : ; - + = / ( ) [ ] % _ ' ! ? < > * # &} and space are included. Unknown characters
 * draw as a hollow box.
 */
final class BitmapFont {
    private BitmapFont() {}

    /** Glyph width and height in font pixels. */
    static final int WIDTH = 5;
    static final int HEIGHT = 7;
    /** Horizontal advance per character in font pixels: the glyph and one pixel of space. */
    static final int ADVANCE = WIDTH + 1;

    /** Every character with a glyph. */
    static final String CHARSET = "abcdefghijklmnopqrstuvwxyz0123456789 .,:;-+=/()[]%_'!?<>*#&";

    // Each glyph: seven rows of five cells, '#' inked, '.' blank, rows separated by '|'.
    private static final String[] GLYPHS = {
        ".....|.....|.###.|....#|.####|#...#|.####", // a
        "#....|#....|####.|#...#|#...#|#...#|####.", // b
        ".....|.....|.###.|#....|#....|#....|.###.", // c
        "....#|....#|.####|#...#|#...#|#...#|.####", // d
        ".....|.....|.###.|#...#|#####|#....|.###.", // e
        "..##.|.#...|.#...|####.|.#...|.#...|.#...", // f
        ".....|.####|#...#|#...#|.####|....#|.###.", // g
        "#....|#....|####.|#...#|#...#|#...#|#...#", // h
        "..#..|.....|.##..|..#..|..#..|..#..|.###.", // i
        "...#.|.....|..##.|...#.|...#.|#..#.|.##..", // j
        "#....|#....|#..#.|#.#..|##...|#.#..|#..#.", // k
        ".##..|..#..|..#..|..#..|..#..|..#..|.###.", // l
        ".....|.....|##.#.|#.#.#|#.#.#|#.#.#|#.#.#", // m
        ".....|.....|####.|#...#|#...#|#...#|#...#", // n
        ".....|.....|.###.|#...#|#...#|#...#|.###.", // o
        ".....|####.|#...#|#...#|####.|#....|#....", // p
        ".....|.####|#...#|#...#|.####|....#|....#", // q
        ".....|.....|#.##.|##..#|#....|#....|#....", // r
        ".....|.....|.####|#....|.###.|....#|####.", // s
        ".#...|.#...|####.|.#...|.#...|.#..#|..##.", // t
        ".....|.....|#...#|#...#|#...#|#..##|.##.#", // u
        ".....|.....|#...#|#...#|#...#|.#.#.|..#..", // v
        ".....|.....|#...#|#.#.#|#.#.#|#.#.#|.#.#.", // w
        ".....|.....|#...#|.#.#.|..#..|.#.#.|#...#", // x
        ".....|#...#|#...#|#...#|.####|....#|.###.", // y
        ".....|.....|#####|...#.|..#..|.#...|#####", // z
        ".###.|#...#|#..##|#.#.#|##..#|#...#|.###.", // 0
        "..#..|.##..|..#..|..#..|..#..|..#..|.###.", // 1
        ".###.|#...#|....#|...#.|..#..|.#...|#####", // 2
        "####.|....#|....#|.###.|....#|....#|####.", // 3
        "...#.|..##.|.#.#.|#..#.|#####|...#.|...#.", // 4
        "#####|#....|####.|....#|....#|#...#|.###.", // 5
        "..##.|.#...|#....|####.|#...#|#...#|.###.", // 6
        "#####|....#|...#.|..#..|.#...|.#...|.#...", // 7
        ".###.|#...#|#...#|.###.|#...#|#...#|.###.", // 8
        ".###.|#...#|#...#|.####|....#|...#.|.##..", // 9
        ".....|.....|.....|.....|.....|.....|.....", // space
        ".....|.....|.....|.....|.....|.##..|.##..", // .
        ".....|.....|.....|.....|.##..|..#..|.#...", // ,
        ".....|.##..|.##..|.....|.##..|.##..|.....", // :
        ".....|.##..|.##..|.....|.##..|..#..|.#...", // ;
        ".....|.....|.....|#####|.....|.....|.....", // -
        ".....|..#..|..#..|#####|..#..|..#..|.....", // +
        ".....|.....|#####|.....|#####|.....|.....", // =
        "....#|....#|...#.|..#..|.#...|#....|#....", // /
        "...#.|..#..|.#...|.#...|.#...|..#..|...#.", // (
        ".#...|..#..|...#.|...#.|...#.|..#..|.#...", // )
        ".###.|.#...|.#...|.#...|.#...|.#...|.###.", // [
        ".###.|...#.|...#.|...#.|...#.|...#.|.###.", // ]
        "##...|##..#|...#.|..#..|.#...|#..##|...##", // %
        ".....|.....|.....|.....|.....|.....|#####", // _
        "..#..|..#..|.#...|.....|.....|.....|.....", // '
        "..#..|..#..|..#..|..#..|..#..|.....|..#..", // !
        ".###.|#...#|....#|...#.|..#..|.....|..#..", // ?
        "...#.|..#..|.#...|#....|.#...|..#..|...#.", // <
        ".#...|..#..|...#.|....#|...#.|..#..|.#...", // >
        ".....|#.#.#|.###.|#####|.###.|#.#.#|.....", // *
        ".#.#.|.#.#.|#####|.#.#.|#####|.#.#.|.#.#.", // #
        ".##..|#..#.|#.#..|.#...|#.#.#|#..#.|.##.#", // &
    };

    private static final String UNKNOWN = "#####|#...#|#...#|#...#|#...#|#...#|#####";

    // Rows as 5-bit masks, bit 4 the leftmost cell; indexed by character for the table's range.
    private static final int[][] BITS = new int[128][];
    private static final int[] UNKNOWN_BITS = parse(UNKNOWN);

    static {
        if (GLYPHS.length != CHARSET.length()) throw new IllegalStateException("glyph table and character set differ in length");
        for (int i = 0; i < GLYPHS.length; i++) BITS[CHARSET.charAt(i)] = parse(GLYPHS[i]);
    }

    private static int[] parse(String glyph) {
        String[] rows = glyph.split("\\|");
        if (rows.length != HEIGHT) throw new IllegalStateException("glyph " + glyph + " has " + rows.length + " rows");
        int[] out = new int[HEIGHT];
        for (int r = 0; r < HEIGHT; r++) {
            if (rows[r].length() != WIDTH) throw new IllegalStateException("glyph " + glyph + " row " + r);
            for (int c = 0; c < WIDTH; c++) if (rows[r].charAt(c) == '#') out[r] |= 1 << (WIDTH - 1 - c);
        }
        return out;
    }

    /** Whether {@code ch} has a glyph of its own (after mapping upper case to lower case). */
    static boolean supports(char ch) {
        char c = Character.toLowerCase(ch);
        return c < 128 && BITS[c] != null;
    }

    /** The glyph's rows, bit 4 the leftmost cell; unknown characters give a hollow box. */
    static int[] glyph(char ch) {
        char c = Character.toLowerCase(ch);
        int[] g = c < 128 ? BITS[c] : null;
        return (g == null ? UNKNOWN_BITS : g).clone();
    }

    /** Width in image pixels of {@code text} drawn at {@code scale}, without the trailing space. */
    static int width(String text, int scale) {
        return text.isEmpty() ? 0 : (text.length() * ADVANCE - 1) * scale;
    }

    /** Height in image pixels of a line at {@code scale}. */
    static int height(int scale) {
        return HEIGHT * scale;
    }

    /**
     * Draws {@code text} with its top-left corner at (x, y), each font pixel a {@code scale x scale}
     * square of colour {@code rgb}; pixels outside the image are skipped.
     */
    static void draw(BufferedImage img, int x, int y, String text, int rgb, int scale) {
        String t = text.toLowerCase(Locale.ROOT);
        int w = img.getWidth();
        int h = img.getHeight();
        for (int i = 0; i < t.length(); i++) {
            int[] g = glyph(t.charAt(i));
            int gx = x + i * ADVANCE * scale;
            for (int r = 0; r < HEIGHT; r++) {
                for (int c = 0; c < WIDTH; c++) {
                    if ((g[r] >> (WIDTH - 1 - c) & 1) == 0) continue;
                    for (int dy = 0; dy < scale; dy++) {
                        int py = y + r * scale + dy;
                        if (py < 0 || py >= h) continue;
                        for (int dx = 0; dx < scale; dx++) {
                            int px = gx + c * scale + dx;
                            if (px >= 0 && px < w) img.setRGB(px, py, rgb);
                        }
                    }
                }
            }
        }
    }
}
