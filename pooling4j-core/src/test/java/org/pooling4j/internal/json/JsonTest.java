package org.pooling4j.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void scalarsParseToTheirJavaTypes() {
        assertEquals(Boolean.TRUE, Json.parse("true"));
        assertEquals(Boolean.FALSE, Json.parse(" false "));
        assertNull(Json.parse("null"));
        assertEquals("", Json.parse("\"\""));
        assertEquals(0L, Json.parse("0"));
        assertEquals(-12L, Json.parse("-12"));
        assertEquals(9223372036854775807L, Json.parse("9223372036854775807"));
        // One past Long.MAX_VALUE does not fit: a double.
        assertEquals(9.223372036854775808e18, Json.parse("9223372036854775808"));
        assertEquals(2.5, Json.parse("2.5"));
        assertEquals(-300.0, Json.parse("-3e2"));
        assertEquals(0.015, Json.parse("1.5E-2"));
        assertEquals(100.0, Json.parse("1e+2"));
        // A fraction or exponent makes a double even when the value is whole.
        assertEquals(1.0, Json.parse("1.0"));
        assertTrue(Double.isNaN((Double) Json.parse("NaN")));
        assertEquals(Double.POSITIVE_INFINITY, Json.parse("Infinity"));
        assertEquals(Double.NEGATIVE_INFINITY, Json.parse("-Infinity"));
    }

    @Test
    void escapesAndUnicode() {
        assertEquals("a\"b\\c/d", Json.parse("\"a\\\"b\\\\c\\/d\""));
        assertEquals("\b\f\n\r\t", Json.parse("\"\\b\\f\\n\\r\\t\""));
        assertEquals("A\u00e9", Json.parse("\"\\u0041\\u00E9\""));
        // U+1F600 (grinning face) is the surrogate pair D83D DE00.
        assertEquals("\ud83d\ude00", Json.parse("\"\\ud83d\\ude00\""));
        assertEquals("\ud83d\ude00", Json.parse("\"\ud83d\ude00\""));
        assertEquals("\u00fc\u4e2d", Json.parse("\"\u00fc\u4e2d\""));
    }

    @Test
    void nestingKeepsKeyOrder() {
        Object v = Json.parse("{\"b\": [1, {\"c\": []}, \"x\"], \"a\": {}, \"b2\": null}");
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("c", List.of());
        Map<String, Object> want = new LinkedHashMap<>();
        want.put("b", Arrays.asList(1L, inner, "x"));
        want.put("a", Map.of());
        want.put("b2", null);
        assertEquals(want, v);
        assertEquals(List.of("b", "a", "b2"), new ArrayList<>(((Map<?, ?>) v).keySet()));
        assertTrue(v instanceof LinkedHashMap);
        // A repeated key keeps its last value, as Python's json does.
        assertEquals(Map.of("k", 2L), Json.parse("{\"k\": 1, \"k\": 2}"));
        assertEquals(List.of(List.of(List.of())), Json.parse("[[[]]]"));
        assertEquals(List.of(1L, 2L), Json.parse("\r\n\t[1,2]\n"));
    }

    @Test
    void depthLimit() {
        Object ok = Json.parse("[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1));
        assertTrue(ok instanceof List);
        String deep = "[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2);
        assertEquals("invalid JSON at line 1, column 66: nested deeper than 64", message(deep));
    }

    @Test
    void everyErrorNamesLineAndColumn() {
        assertEquals("invalid JSON at line 1, column 1: unexpected end, a value expected", message(""));
        assertEquals("invalid JSON at line 1, column 2: unterminated object", message("{"));
        assertEquals("invalid JSON at line 1, column 6: expected ':' after the key \"a\"", message("{\"a\" 1}"));
        assertEquals("invalid JSON at line 1, column 4: a value expected after ','", message("[1,]"));
        assertEquals("invalid JSON at line 1, column 7: expected true", message("{\"a\": tru}"));
        assertEquals("invalid JSON at line 1, column 5: unterminated string", message("\"abc"));
        assertEquals("invalid JSON at line 1, column 5: text after the value", message("[1] x"));
        assertEquals("invalid JSON at line 1, column 2: expected a string key, found '1'", message("{1: 2}"));
        assertEquals("invalid JSON at line 1, column 4: expected ',' or ']', found '2'", message("[1 2]"));
        assertEquals("invalid JSON at line 1, column 8: expected ',' or '}', found ']'", message("{\"a\": 1]"));
        assertEquals("invalid JSON at line 1, column 4: unexpected end, a value expected", message("[1,"));
        assertEquals("invalid JSON at line 1, column 1: unexpected character 'x'", message("x"));
        assertEquals("invalid JSON at line 1, column 3: bad escape \\x", message("\"\\x\""));
        assertEquals(
                "invalid JSON at line 1, column 3: bad \\u escape: four hex digits expected", message("\"\\u12g4\""));
        assertEquals("invalid JSON at line 1, column 3: bad \\u escape: four hex digits expected", message("\"\\u12"));
        assertEquals(
                "invalid JSON at line 1, column 2: control character U+000A in a string (write it as an escape)",
                message("\"\n\""));
        assertEquals(
                "invalid JSON at line 1, column 2: a number must not start with 0 followed by digits", message("01"));
        assertEquals("invalid JSON at line 1, column 3: a digit expected after the decimal point", message("1."));
        assertEquals("invalid JSON at line 1, column 3: a digit expected in the exponent", message("1e"));
        assertEquals("invalid JSON at line 1, column 2: a digit expected in a number", message("-"));
        assertEquals("invalid JSON at line 1, column 1: unexpected character '+'", message("+1"));
        // Lines and columns count from 1; the column restarts after each line feed.
        assertEquals(
                "invalid JSON at line 3, column 3: expected ',' or '}', found '\"'",
                message("{\n\"a\": 1\n  \"b\": 2}"));
    }

    @Test
    void writesOnOneLine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "q\"b\\s\n\t\u0001\u00e9");
        m.put("i", 3);
        m.put("l", -4L);
        m.put("d", 0.5);
        m.put("f", 0.25f);
        m.put("nan", Double.NaN);
        m.put("big", new BigDecimal("1.500"));
        m.put("t", true);
        m.put("n", null);
        m.put("ints", new int[] {1, 2});
        m.put("e", List.of());
        m.put("o", Map.of());
        assertEquals(
                "{\"s\": \"q\\\"b\\\\s\\n\\t\\u0001\u00e9\", \"i\": 3, \"l\": -4, \"d\": 0.5, \"f\": 0.25, \"nan\": null, "
                        + "\"big\": 1.500, \"t\": true, \"n\": null, \"ints\": [1, 2], \"e\": [], \"o\": {}}",
                Json.write(m));
        assertEquals("\"\\b\\f\\r\"", Json.quote("\b\f\r"));
        assertEquals("[1.0E20, 1.0E-5, 123.0]", Json.write(new double[] {1e20, 1e-5, 123}));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    }

    @Test
    void prettyPutsEachEntryOfANestedContainerOnItsLine() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("k", "x");
        a.put("n", 1);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", 1);
        root.put("shape", List.of(2, 3));
        root.put("rows", List.of(a, a));
        root.put("none", List.of());
        String want = "{\n"
                + "  \"format\": 1,\n"
                + "  \"shape\": [2, 3],\n"
                + "  \"rows\": [\n"
                + "    {\"k\": \"x\", \"n\": 1},\n"
                + "    {\"k\": \"x\", \"n\": 1}\n"
                + "  ],\n"
                + "  \"none\": []\n"
                + "}";
        assertEquals(want, Json.pretty(root));
        assertEquals("[1, 2]", Json.pretty(List.of(1, 2)));
        assertEquals("\"s\"", Json.pretty("s"));
    }

    @Test
    void writtenTextReadsBack() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", Arrays.asList(1L, -2.5, "\u0000\u001f\"\\/", null, true, Map.of("x", List.of())));
        m.put("b", "\ud83d\ude00");
        assertEquals(m, Json.parse(Json.write(m)));
        assertEquals(m, Json.parse(Json.pretty(m)));
    }

    private static String message(String text) {
        return assertThrows(IllegalArgumentException.class, () -> Json.parse(text), text)
                .getMessage();
    }
}
