package org.pooling4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class SafeTextTest {
    @Test
    void controlsSeparatorsAndOverridesAreEscaped() {
        assertEquals("a\\nb\\rc\\td", SafeText.escape("a\nb\rc\td"));
        assertEquals("\\u001b[31mred\\u001b[0m", SafeText.escape("\u001b[31mred\u001b[0m"));
        assertEquals("\\u0000\\u007f\\u009b\\u2028\\u2029", SafeText.escape("\u0000\u007f\u009b\u2028\u2029"));
        // Right-to-left override and isolate: they reorder what follows on the line.
        assertEquals("x\\u202egnp.exe\\u2066", SafeText.escape("x\u202egnp.exe\u2066"));
        assertEquals("null", SafeText.escape(null));
    }

    @Test
    void printableTextIsLeftAsItIs() {
        String s = "caf\u00e9 \u65e5\u672c \uD83D\uDE00 a\\b \"q\"";
        assertSame(s, SafeText.escape(s));
    }

    @Test
    void aLoneSurrogateIsEscapedAndAPairIsKept() {
        assertEquals("a\\ud83db", SafeText.escape("a\uD83Db"));
        assertEquals("\\ude00", SafeText.escape("\uDE00"));
        assertEquals("\uD83D\uDE00\\ud83d", SafeText.escape("\uD83D\uDE00\uD83D"));
    }
}
