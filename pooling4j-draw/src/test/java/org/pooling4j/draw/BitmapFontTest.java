package org.pooling4j.draw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BitmapFontTest {
    private static final int W = BitmapFont.WIDTH;
    private static final int H = BitmapFont.HEIGHT;

    /** {@code ch} drawn alone at scale 1, white on a black canvas of one glyph cell. */
    private static Canvas render(char ch) {
        Canvas c = new Canvas(W, H, 0);
        c.text(0, 0, String.valueOf(ch), 0xffffff, 1);
        return c;
    }

    private static int inked(Canvas c, int row0, int row1) {
        int n = 0;
        for (int y = row0; y < row1; y++) for (int x = 0; x < c.width(); x++) if (c.get(x, y) != 0) n++;
        return n;
    }

    private static String pixels(Canvas c) {
        StringBuilder b = new StringBuilder();
        for (int y = 0; y < c.height(); y++) for (int x = 0; x < c.width(); x++) b.append(c.get(x, y) != 0 ? '#' : '.');
        return b.toString();
    }

    @Test
    void lowerCaseLettersWithDescendersReachBelowTheBaselineAndNoOthersDo() {
        String descenders = "gjpqy";
        for (char ch = 'a'; ch <= 'z'; ch++) {
            Canvas c = render(ch);
            int below = inked(c, BitmapFont.ASCENT, H);
            if (descenders.indexOf(ch) >= 0) {
                assertTrue(below >= 2, "'" + ch + "' has " + below + " pixels below the baseline");
            } else {
                assertEquals(0, below, "'" + ch + "' reaches below the baseline");
            }
            assertTrue(inked(c, 0, BitmapFont.ASCENT) >= 4, "'" + ch + "' above the baseline");
            // The lower case letter is its own glyph: not its capital, and not a digit that looks alike.
            char upper = Character.toUpperCase(ch);
            assertNotEquals(pixels(render(upper)), pixels(c), ch + " and " + upper);
            for (char d = '0'; d <= '9'; d++) assertNotEquals(pixels(render(d)), pixels(c), ch + " and " + d);
        }
        // The letters the first font drew as capitals or digits ("inPut", "av9", "accuracY").
        assertNotEquals(pixels(render('9')), pixels(render('g')));
        assertNotEquals(pixels(render('9')), pixels(render('q')));
        // The stem of p runs down its left column from the x-height (row 2) to the bottom of the
        // descender (row 8); the two rows above the x-height are empty.
        Canvas p = render('p');
        for (int y = 0; y < H; y++) assertEquals(y >= 2, p.get(0, y) != 0, "p column 0 row " + y);
        // Capitals and digits stand on the baseline: nothing below it.
        for (char ch : "ABGJPQY0123456789".toCharArray())
            assertEquals(0, inked(render(ch), BitmapFont.ASCENT, H), "" + ch);
    }

    @Test
    void everyPrintableAsciiCharacterHasADistinctGlyph() {
        Map<String, Character> seen = new HashMap<>();
        for (char ch = ' '; ch <= '~'; ch++) {
            assertTrue(BitmapFont.supports(ch), "supports '" + ch + "'");
            Canvas c = render(ch);
            if (ch == ' ') {
                assertEquals(0, inked(c, 0, H));
                continue;
            }
            assertTrue(inked(c, 0, H) >= 2, "glyph of '" + ch + "' has " + inked(c, 0, H) + " pixels");
            Character before = seen.put(pixels(c), ch);
            assertTrue(before == null, "'" + ch + "' and '" + before + "' share a glyph");
        }
        assertEquals(95, seen.size() + 1);
        // The two signs of the charts' units outside ASCII.
        assertTrue(BitmapFont.supports('\u00b5') && BitmapFont.supports('\u00d7'));
        assertFalse(seen.containsKey(pixels(render('\u00d7'))), "× looks like another character");
        // And the two Greek letters of the image grid's labels (mixed pooling's alpha, the Gaussian's sigma).
        for (char ch : new char[] {'\u03b1', '\u03c3'}) {
            assertTrue(BitmapFont.supports(ch), "supports " + ch);
            assertFalse(seen.containsKey(pixels(render(ch))), ch + " looks like another character");
        }
        assertFalse(BitmapFont.supports('\u00e9') || BitmapFont.supports('\u2603'));
    }

    @Test
    void unknownCharactersDrawAHollowBox() {
        Canvas c = render('\u2603');
        // A 5x7 box above the baseline, the border cells only: 2 * 5 + 2 * 5 = 20.
        assertEquals(20, inked(c, 0, H));
        assertEquals(0, inked(c, BitmapFont.ASCENT, H));
        assertTrue(Arrays.equals(BitmapFont.glyph('\u2603'), BitmapFont.glyph('\u00e9')));
    }

    @Test
    void scaleAdvanceAndTurnedText() {
        assertEquals(0, BitmapFont.width("", 2));
        assertEquals(5, BitmapFont.width("a", 1));
        assertEquals((3 * 6 - 1) * 2, BitmapFont.width("max", 2));
        assertEquals(18, BitmapFont.height(2));
        // 'l' drawn at scale 3 is its scale-1 glyph with every pixel a 3x3 block.
        Canvas one = render('l');
        Canvas three = new Canvas(3 * W, 3 * H, 0);
        three.text(0, 0, "l", 0xffffff, 3);
        for (int y = 0; y < 3 * H; y++)
            for (int x = 0; x < 3 * W; x++)
                assertEquals(one.get(x / 3, y / 3), three.get(x, y), "(" + x + ", " + y + ")");
        // 'L' turned to read upwards: its stem (column 0, rows 0..6) becomes the bottom row from x to
        // x + 6, and its foot (row 6, columns 0..4) the column x + 6 from the bottom up five pixels.
        Canvas up = new Canvas(H, W, 0);
        BitmapFont.drawUp(up, 0, W, "L", 0xffffff, 1);
        for (int x = 0; x < H; x++) assertEquals(x < 7, up.get(x, W - 1) != 0, "bottom row x " + x);
        for (int y = 0; y < W; y++) assertTrue(up.get(6, y) != 0, "column 6 y " + y);
        assertEquals(7 + 4, inked(up, 0, W));
        // Drawing past the canvas's edge is clipped, not an error.
        one.text(-3, 4, "wide text", 0xffffff, 2);
    }
}
