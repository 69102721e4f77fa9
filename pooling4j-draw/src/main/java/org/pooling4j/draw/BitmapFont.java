package org.pooling4j.draw;

/**
 * A built-in pixel font for the labels of charts and pictures: every printable ASCII character
 * (space to {@code ~}) plus {@code µ}, {@code ×}, {@code α} and {@code σ}, upper and lower case distinct.
 *
 * <p>AWT text needs installed fonts and fontconfig, which a fresh server or container may lack
 * ({@code Graphics2D.drawString} then fails or draws nothing), so every label is drawn from these
 * glyphs instead, pixel by pixel.
 *
 * <p>Each glyph is a cell {@link #WIDTH} pixels wide and {@link #HEIGHT} high: the first
 * {@link #ASCENT} rows stand on the baseline (capitals and digits fill all of them, lower case
 * letters without ascender the last five), the last {@link #DESCENT} rows lie below it and carry
 * the descenders of {@code g j p q y} and the tails of {@code , ;}. Characters without a glyph draw
 * as a hollow box.
 */
public final class BitmapFont {
    private BitmapFont() {}

    /** Glyph width in font pixels. */
    public static final int WIDTH = 5;
    /** Rows above the baseline. */
    public static final int ASCENT = 7;
    /** Rows below the baseline. */
    public static final int DESCENT = 2;
    /** Glyph height in font pixels: ascent and descent. */
    public static final int HEIGHT = ASCENT + DESCENT;
    /** Horizontal advance per character in font pixels: the glyph and one pixel of space. */
    public static final int ADVANCE = WIDTH + 1;

    /** Every character with a glyph of its own, in the order of {@link #GLYPHS}. */
    public static final String CHARSET;

    // Each glyph: up to nine rows of five cells, '#' inked, '.' blank, rows separated by '|'; rows
    // left out at the bottom are blank (most glyphs give the seven rows above the baseline only).
    private static final String[] GLYPHS = {
        ".....|.....|.....|.....|.....|.....|.....", // space
        "..#..|..#..|..#..|..#..|..#..|.....|..#..", // !
        ".#.#.|.#.#.|.#.#.|.....|.....|.....|.....", // "
        ".#.#.|.#.#.|#####|.#.#.|#####|.#.#.|.#.#.", // #
        "..#..|.####|#.#..|.###.|..#.#|####.|..#..", // $
        "##...|##..#|...#.|..#..|.#...|#..##|...##", // %
        ".##..|#..#.|#.#..|.#...|#.#.#|#..#.|.##.#", // &
        "..#..|..#..|.#...|.....|.....|.....|.....", // '
        "...#.|..#..|.#...|.#...|.#...|..#..|...#.", // (
        ".#...|..#..|...#.|...#.|...#.|..#..|.#...", // )
        ".....|#.#.#|.###.|#####|.###.|#.#.#|.....", // *
        ".....|..#..|..#..|#####|..#..|..#..|.....", // +
        ".....|.....|.....|.....|.....|.##..|.##..|..#..|.#...", // ,
        ".....|.....|.....|#####|.....|.....|.....", // -
        ".....|.....|.....|.....|.....|.##..|.##..", // .
        "....#|....#|...#.|..#..|.#...|#....|#....", // /
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
        ".....|.....|.##..|.##..|.....|.##..|.##..", // :
        ".....|.....|.##..|.##..|.....|.##..|.##..|..#..|.#...", // ;
        "...#.|..#..|.#...|#....|.#...|..#..|...#.", // <
        ".....|.....|#####|.....|#####|.....|.....", // =
        ".#...|..#..|...#.|....#|...#.|..#..|.#...", // >
        ".###.|#...#|....#|...#.|..#..|.....|..#..", // ?
        ".###.|#...#|#.###|#.#.#|#.##.|#....|.####", // @
        ".###.|#...#|#...#|#####|#...#|#...#|#...#", // A
        "####.|#...#|#...#|####.|#...#|#...#|####.", // B
        ".###.|#...#|#....|#....|#....|#...#|.###.", // C
        "####.|#...#|#...#|#...#|#...#|#...#|####.", // D
        "#####|#....|#....|####.|#....|#....|#####", // E
        "#####|#....|#....|####.|#....|#....|#....", // F
        ".###.|#...#|#....|#.###|#...#|#...#|.####", // G
        "#...#|#...#|#...#|#####|#...#|#...#|#...#", // H
        ".###.|..#..|..#..|..#..|..#..|..#..|.###.", // I
        "..###|...#.|...#.|...#.|...#.|#..#.|.##..", // J
        "#...#|#..#.|#.#..|##...|#.#..|#..#.|#...#", // K
        "#....|#....|#....|#....|#....|#....|#####", // L
        "#...#|##.##|#.#.#|#.#.#|#...#|#...#|#...#", // M
        "#...#|#...#|##..#|#.#.#|#..##|#...#|#...#", // N
        ".###.|#...#|#...#|#...#|#...#|#...#|.###.", // O
        "####.|#...#|#...#|####.|#....|#....|#....", // P
        ".###.|#...#|#...#|#...#|#.#.#|#..#.|.##.#", // Q
        "####.|#...#|#...#|####.|#.#..|#..#.|#...#", // R
        ".####|#....|#....|.###.|....#|....#|####.", // S
        "#####|..#..|..#..|..#..|..#..|..#..|..#..", // T
        "#...#|#...#|#...#|#...#|#...#|#...#|.###.", // U
        "#...#|#...#|#...#|#...#|#...#|.#.#.|..#..", // V
        "#...#|#...#|#...#|#.#.#|#.#.#|#.#.#|.#.#.", // W
        "#...#|#...#|.#.#.|..#..|.#.#.|#...#|#...#", // X
        "#...#|#...#|.#.#.|..#..|..#..|..#..|..#..", // Y
        "#####|....#|...#.|..#..|.#...|#....|#####", // Z
        ".###.|.#...|.#...|.#...|.#...|.#...|.###.", // [
        "#....|#....|.#...|..#..|...#.|....#|....#", // backslash
        ".###.|...#.|...#.|...#.|...#.|...#.|.###.", // ]
        "..#..|.#.#.|#...#|.....|.....|.....|.....", // ^
        ".....|.....|.....|.....|.....|.....|.....|#####", // _
        ".#...|..#..|...#.|.....|.....|.....|.....", // `
        ".....|.....|.###.|....#|.####|#...#|.####", // a
        "#....|#....|####.|#...#|#...#|#...#|####.", // b
        ".....|.....|.###.|#....|#....|#...#|.###.", // c
        "....#|....#|.####|#...#|#...#|#...#|.####", // d
        ".....|.....|.###.|#...#|#####|#....|.###.", // e
        "..##.|.#..#|.#...|###..|.#...|.#...|.#...", // f
        ".....|.....|.####|#...#|#...#|#...#|.####|....#|.###.", // g
        "#....|#....|####.|#...#|#...#|#...#|#...#", // h
        "..#..|.....|.##..|..#..|..#..|..#..|.###.", // i
        "...#.|.....|..##.|...#.|...#.|...#.|...#.|#..#.|.##..", // j
        "#....|#....|#..#.|#.#..|##...|#.#..|#..#.", // k
        ".##..|..#..|..#..|..#..|..#..|..#..|.###.", // l
        ".....|.....|##.#.|#.#.#|#.#.#|#.#.#|#.#.#", // m
        ".....|.....|#.##.|##..#|#...#|#...#|#...#", // n
        ".....|.....|.###.|#...#|#...#|#...#|.###.", // o
        ".....|.....|####.|#...#|#...#|#...#|####.|#....|#....", // p
        ".....|.....|.####|#...#|#...#|#...#|.####|....#|....#", // q
        ".....|.....|#.##.|##..#|#....|#....|#....", // r
        ".....|.....|.####|#....|.###.|....#|####.", // s
        ".#...|.#...|####.|.#...|.#...|.#..#|..##.", // t
        ".....|.....|#...#|#...#|#...#|#..##|.##.#", // u
        ".....|.....|#...#|#...#|#...#|.#.#.|..#..", // v
        ".....|.....|#...#|#...#|#.#.#|#.#.#|.#.#.", // w
        ".....|.....|#...#|.#.#.|..#..|.#.#.|#...#", // x
        ".....|.....|#...#|#...#|#...#|#...#|.####|....#|.###.", // y
        ".....|.....|#####|...#.|..#..|.#...|#####", // z
        "...##|..#..|..#..|##...|..#..|..#..|...##", // {
        "..#..|..#..|..#..|..#..|..#..|..#..|..#..|..#..|..#..", // |
        "##...|..#..|..#..|...##|..#..|..#..|##...", // }
        ".....|.....|.#...|#.#.#|...#.|.....|.....", // ~
        ".....|.....|#...#|#...#|#...#|##.##|#.##.|#....|#....", // µ (micro sign)
        ".....|.....|.....|.#.#.|..#..|.#.#.|.....", // × (smaller than x, so the two stay apart)
        ".....|.....|.##.#|#..#.|#..#.|#..#.|.##.#", // α (alpha)
        ".....|.....|.####|#.#..|#...#|#...#|.###.", // σ (sigma)
    };

    private static final String UNKNOWN = "#####|#...#|#...#|#...#|#...#|#...#|#####";

    // Rows as 5-bit masks, bit 4 the leftmost cell; indexed by character for the table's range.
    private static final int[][] BITS = new int[0x400][];
    private static final int[] UNKNOWN_BITS = parse(UNKNOWN);

    static {
        StringBuilder cs = new StringBuilder();
        for (char c = ' '; c <= '~'; c++) cs.append(c);
        cs.append('\u00b5').append('\u00d7').append('\u03b1').append('\u03c3');
        CHARSET = cs.toString();
        if (GLYPHS.length != CHARSET.length())
            throw new IllegalStateException("glyph table and character set differ in length");
        for (int i = 0; i < GLYPHS.length; i++) BITS[CHARSET.charAt(i)] = parse(GLYPHS[i]);
    }

    private static int[] parse(String glyph) {
        String[] rows = glyph.split("\\|");
        if (rows.length > HEIGHT) throw new IllegalStateException("glyph " + glyph + " has " + rows.length + " rows");
        int[] out = new int[HEIGHT];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length() != WIDTH) throw new IllegalStateException("glyph " + glyph + " row " + r);
            for (int c = 0; c < WIDTH; c++) if (rows[r].charAt(c) == '#') out[r] |= 1 << (WIDTH - 1 - c);
        }
        return out;
    }

    /** Whether {@code ch} has a glyph of its own. */
    public static boolean supports(char ch) {
        return ch < BITS.length && BITS[ch] != null;
    }

    /** The glyph's {@link #HEIGHT} rows, bit 4 the leftmost cell; characters without a glyph give a hollow box. */
    public static int[] glyph(char ch) {
        int[] g = supports(ch) ? BITS[ch] : UNKNOWN_BITS;
        return g.clone();
    }

    /** Width in image pixels of {@code text} drawn at {@code scale}, without the trailing space. */
    public static int width(String text, int scale) {
        return text.isEmpty() ? 0 : (text.length() * ADVANCE - 1) * scale;
    }

    /** Height in image pixels of a line at {@code scale}, descenders included. */
    public static int height(int scale) {
        return HEIGHT * scale;
    }

    /**
     * Draws {@code text} with the top-left corner of its first cell at (x, y), each font pixel a
     * {@code scale x scale} square of colour {@code rgb}; pixels outside the canvas are skipped.
     * The baseline lies {@code ASCENT * scale} pixels below {@code y}.
     */
    public static void draw(Canvas canvas, int x, int y, String text, int rgb, int scale) {
        for (int i = 0; i < text.length(); i++) {
            int[] g = glyph(text.charAt(i));
            int gx = x + i * ADVANCE * scale;
            for (int r = 0; r < HEIGHT; r++) {
                for (int c = 0; c < WIDTH; c++) {
                    if ((g[r] >> (WIDTH - 1 - c) & 1) != 0)
                        canvas.fillRect(gx + c * scale, y + r * scale, scale, scale, rgb);
                }
            }
        }
    }

    /**
     * Draws {@code text} turned a quarter turn anticlockwise, reading upwards: the glyphs' tops face
     * left, so the text fills the {@code height(scale)} columns from {@code x} and the
     * {@code width(text, scale)} rows up to (not including) {@code yBottom}.
     */
    public static void drawUp(Canvas canvas, int x, int yBottom, String text, int rgb, int scale) {
        for (int i = 0; i < text.length(); i++) {
            int[] g = glyph(text.charAt(i));
            int gy = yBottom - i * ADVANCE * scale;
            for (int r = 0; r < HEIGHT; r++) {
                for (int c = 0; c < WIDTH; c++) {
                    // Glyph column c goes up from the bottom, glyph row r goes right from x.
                    if ((g[r] >> (WIDTH - 1 - c) & 1) != 0)
                        canvas.fillRect(x + r * scale, gy - (c + 1) * scale, scale, scale, rgb);
                }
            }
        }
    }
}
