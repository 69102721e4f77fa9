package org.pooling4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BitmapFontTest {
    /** Inked pixels of {@code ch} drawn alone at scale 1 on a black 5x7 picture. */
    private static int inked(char ch, BufferedImage img) {
        int n = 0;
        for (int y = 0; y < 7; y++) for (int x = 0; x < 5; x++) if ((img.getRGB(x, y) & 0xffffff) != 0) n++;
        return n;
    }

    @Test
    void everySupportedCharacterDrawsANonEmptyDistinctGlyph() {
        Map<String, Character> seen = new HashMap<>();
        for (char ch : BitmapFont.CHARSET.toCharArray()) {
            assertTrue(BitmapFont.supports(ch), "supports " + ch);
            if (ch == ' ') continue;
            BufferedImage img = new BufferedImage(5, 7, BufferedImage.TYPE_INT_RGB);
            BitmapFont.draw(img, 0, 0, String.valueOf(ch), 0xffffff, 1);
            assertTrue(inked(ch, img) >= 2, "glyph of '" + ch + "' has " + inked(ch, img) + " pixels");
            Character before = seen.put(Arrays.toString(BitmapFont.glyph(ch)), ch);
            assertTrue(before == null, "'" + ch + "' and '" + before + "' share a glyph");
        }
        assertTrue(BitmapFont.supports('Q'), "upper case maps to lower case");
        assertTrue(!BitmapFont.supports('~') && !BitmapFont.supports('\u00e9'));
    }

    @Test
    void spaceIsBlankAndUnknownIsABox() {
        BufferedImage img = new BufferedImage(5, 7, BufferedImage.TYPE_INT_RGB);
        BitmapFont.draw(img, 0, 0, " ", 0xffffff, 1);
        assertEquals(0, inked(' ', img));
        BitmapFont.draw(img, 0, 0, "~", 0xffffff, 1);
        // A hollow 5x7 box: the border cells only, 2 * 5 + 2 * 5 = 20.
        assertEquals(20, inked('~', img));
    }

    @Test
    void scaleAndAdvance() {
        assertEquals(0, BitmapFont.width("", 2));
        assertEquals(5, BitmapFont.width("a", 1));
        assertEquals((3 * 6 - 1) * 2, BitmapFont.width("max", 2));
        assertEquals(14, BitmapFont.height(2));
        // 'l' drawn at scale 3 is its scale-1 glyph with every pixel a 3x3 block.
        BufferedImage one = new BufferedImage(5, 7, BufferedImage.TYPE_INT_RGB);
        BufferedImage three = new BufferedImage(15, 21, BufferedImage.TYPE_INT_RGB);
        BitmapFont.draw(one, 0, 0, "L", 0xffffff, 1);
        BitmapFont.draw(three, 0, 0, "l", 0xffffff, 3);
        for (int y = 0; y < 21; y++) for (int x = 0; x < 15; x++) assertEquals(one.getRGB(x / 3, y / 3), three.getRGB(x, y), "(" + x + ", " + y + ")");
        // Drawing past the picture's edge is clipped, not an error.
        BitmapFont.draw(one, -3, 4, "wide text", 0xffffff, 2);
    }
}
