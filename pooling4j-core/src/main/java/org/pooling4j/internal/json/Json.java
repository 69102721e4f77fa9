package org.pooling4j.internal.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The project's one JSON reader and writer (the core has no dependencies, and the other modules use
 * this one rather than a library). Not a public API: the package is internal and may change without
 * notice.
 *
 * <p><b>Reading</b> ({@link #parse}) follows RFC 8259 with one extension: the words {@code NaN},
 * {@code Infinity} and {@code -Infinity}, which Python's {@code json.dumps} writes for non-finite
 * floats. Objects become {@link LinkedHashMap} (keys in file order; a repeated key keeps its last
 * value), arrays {@link ArrayList}, numbers without a fraction or exponent {@link Long} (or
 * {@link Double} when they do not fit in a long), other numbers {@link Double}, and strings,
 * booleans and {@code null} their Java counterparts. Malformed text is an
 * {@link IllegalArgumentException} whose message starts with {@code invalid JSON at line L, column C:}
 * (both counted from 1). Nesting deeper than {@value #MAX_DEPTH} is rejected rather than
 * overflowing the stack.
 *
 * <p><b>Writing</b> ({@link #write}, {@link #pretty}) accepts {@code null}, {@link String},
 * {@link Boolean}, {@link Number}, {@link Map} (keys written with {@link String#valueOf}),
 * {@link Collection}, object arrays and {@code int[]}, {@code long[]} and {@code double[]}. Doubles
 * and floats are written with {@link Double#toString(double)} and, as JSON has no non-finite numbers,
 * NaN and the infinities as {@code null}; a {@link BigDecimal} is written as its plain string, so a
 * caller that needs a fixed number of decimals passes {@code new BigDecimal("1.500")}.
 */
public final class Json {
    /** The deepest nesting {@link #parse} accepts. */
    public static final int MAX_DEPTH = 64;

    private final String s;
    private int i;

    private Json(String s) {
        this.s = s;
    }

    /**
     * Parses one JSON value; only whitespace may surround it.
     *
     * @throws IllegalArgumentException naming the line and column of the first error
     * @throws NullPointerException if {@code text} is null
     */
    public static Object parse(String text) {
        Json p = new Json(text);
        p.space();
        Object v = p.value(0);
        p.space();
        if (p.i != text.length()) throw p.error("text after the value");
        return v;
    }

    /**
     * {@code v} as JSON on one line, with a space after each {@code :} and {@code ,}:
     * {@code {"a": [1, 2], "b": null}}.
     *
     * @throws IllegalArgumentException if {@code v} holds a value of a type not listed above
     */
    public static String write(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v, -1);
        return b.toString();
    }

    /**
     * {@code v} as indented JSON (two spaces a level, no final newline): an object or array whose
     * entries are all scalars or empty stays on one line as {@link #write} writes it; any other has
     * one entry per line. So a list of flat records is one record per line.
     *
     * @throws IllegalArgumentException if {@code v} holds a value of a type not listed above
     */
    public static String pretty(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v, 0);
        return b.toString();
    }

    /**
     * {@code v} as a JSON string literal: quotes, backslashes and control characters escaped, all
     * other characters as they are.
     */
    public static String quote(String v) {
        StringBuilder b = new StringBuilder(v.length() + 2);
        quote(b, v);
        return b.toString();
    }

    // ---- writing ----

    /** {@code level} &lt; 0: everything on one line; otherwise the indentation level of {@code v}. */
    private static void write(StringBuilder b, Object v, int level) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof String) {
            quote(b, (String) v);
        } else if (v instanceof Boolean) {
            b.append(v);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            b.append(Double.isFinite(d) ? Double.toString(d) : "null");
        } else if (v instanceof BigDecimal) {
            b.append(((BigDecimal) v).toPlainString());
        } else if (v instanceof Long
                || v instanceof Integer
                || v instanceof Short
                || v instanceof Byte
                || v instanceof BigInteger) {
            b.append(v);
        } else if (v instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) v;
            boolean lines = level >= 0 && !flat(m.values());
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                separator(b, first, lines, level);
                first = false;
                quote(b, String.valueOf(e.getKey()));
                b.append(": ");
                write(b, e.getValue(), level < 0 ? -1 : level + 1);
            }
            close(b, '}', lines, level);
        } else {
            Collection<?> items = items(v);
            boolean lines = level >= 0 && !flat(items);
            b.append('[');
            boolean first = true;
            for (Object o : items) {
                separator(b, first, lines, level);
                first = false;
                write(b, o, level < 0 ? -1 : level + 1);
            }
            close(b, ']', lines, level);
        }
    }

    private static Collection<?> items(Object v) {
        if (v instanceof Collection) return (Collection<?>) v;
        if (v instanceof Object[]) return java.util.Arrays.asList((Object[]) v);
        List<Object> l = new ArrayList<>();
        if (v instanceof int[]) {
            for (int x : (int[]) v) l.add(x);
        } else if (v instanceof long[]) {
            for (long x : (long[]) v) l.add(x);
        } else if (v instanceof double[]) {
            for (double x : (double[]) v) l.add(x);
        } else {
            throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
        }
        return l;
    }

    /** True when no entry is a non-empty container: such a container is written on one line. */
    private static boolean flat(Collection<?> entries) {
        for (Object o : entries) {
            if (o instanceof Map && !((Map<?, ?>) o).isEmpty()) return false;
            if (o instanceof Collection && !((Collection<?>) o).isEmpty()) return false;
            if (o != null && o.getClass().isArray() && java.lang.reflect.Array.getLength(o) > 0) return false;
        }
        return true;
    }

    private static void separator(StringBuilder b, boolean first, boolean lines, int level) {
        if (lines) {
            b.append(first ? "\n" : ",\n").append("  ".repeat(level + 1));
        } else if (!first) {
            b.append(", ");
        }
    }

    private static void close(StringBuilder b, char bracket, boolean lines, int level) {
        if (lines) b.append('\n').append("  ".repeat(level));
        b.append(bracket);
    }

    private static void quote(StringBuilder b, String v) {
        b.append('"');
        for (int k = 0; k < v.length(); k++) {
            char c = v.charAt(k);
            switch (c) {
                case '"':
                    b.append("\\\"");
                    break;
                case '\\':
                    b.append("\\\\");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                case '\t':
                    b.append("\\t");
                    break;
                case '\b':
                    b.append("\\b");
                    break;
                case '\f':
                    b.append("\\f");
                    break;
                default:
                    if (c < 0x20) b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else b.append(c);
            }
        }
        b.append('"');
    }

    // ---- reading ----

    private IllegalArgumentException error(String what) {
        int line = 1;
        int column = 1;
        for (int k = 0; k < i && k < s.length(); k++) {
            if (s.charAt(k) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new IllegalArgumentException("invalid JSON at line " + line + ", column " + column + ": " + what);
    }

    /** JSON's whitespace: space, tab, line feed and carriage return (RFC 8259 section 2). */
    private void space() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            i++;
        }
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) throw error("nested deeper than " + MAX_DEPTH);
        if (i >= s.length()) throw error("unexpected end, a value expected");
        char c = s.charAt(i);
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            case 'N':
                return literal("NaN", Double.NaN);
            case 'I':
                return literal("Infinity", Double.POSITIVE_INFINITY);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return number();
                throw error("unexpected character " + show(c));
        }
    }

    private static String show(char c) {
        return c < 0x20 || c == 0x7f ? String.format(Locale.ROOT, "U+%04X", (int) c) : "'" + c + "'";
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, i)) throw error("expected " + word);
        i += word.length();
        return v;
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        space();
        if (i < s.length() && s.charAt(i) == '}') {
            i++;
            return m;
        }
        while (true) {
            space();
            if (i >= s.length()) throw error("unterminated object");
            if (s.charAt(i) != '"') throw error("expected a string key, found " + show(s.charAt(i)));
            String k = string();
            space();
            if (i >= s.length() || s.charAt(i) != ':') throw error("expected ':' after the key \"" + k + "\"");
            i++;
            space();
            m.put(k, value(depth + 1));
            space();
            if (i >= s.length()) throw error("unterminated object");
            char c = s.charAt(i);
            if (c == '}') {
                i++;
                return m;
            }
            if (c != ',') throw error("expected ',' or '}', found " + show(c));
            i++;
        }
    }

    private List<Object> array(int depth) {
        List<Object> a = new ArrayList<>();
        i++;
        space();
        if (i < s.length() && s.charAt(i) == ']') {
            i++;
            return a;
        }
        while (true) {
            space();
            if (i < s.length() && s.charAt(i) == ']') throw error("a value expected after ','");
            a.add(value(depth + 1));
            space();
            if (i >= s.length()) throw error("unterminated array");
            char c = s.charAt(i);
            if (c == ']') {
                i++;
                return a;
            }
            if (c != ',') throw error("expected ',' or ']', found " + show(c));
            i++;
        }
    }

    private String string() {
        StringBuilder b = new StringBuilder();
        i++;
        while (true) {
            if (i >= s.length()) throw error("unterminated string");
            char c = s.charAt(i);
            if (c == '"') {
                i++;
                return b.toString();
            }
            if (c < 0x20) throw error("control character " + show(c) + " in a string (write it as an escape)");
            i++;
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i >= s.length()) throw error("unterminated string");
            char e = s.charAt(i);
            switch (e) {
                case '"':
                case '\\':
                case '/':
                    b.append(e);
                    break;
                case 'b':
                    b.append('\b');
                    break;
                case 'f':
                    b.append('\f');
                    break;
                case 'n':
                    b.append('\n');
                    break;
                case 'r':
                    b.append('\r');
                    break;
                case 't':
                    b.append('\t');
                    break;
                case 'u': {
                    int code = 0;
                    for (int k = 1; k <= 4; k++) {
                        int d = i + k < s.length() ? Character.digit(s.charAt(i + k), 16) : -1;
                        if (d < 0) throw error("bad \\u escape: four hex digits expected");
                        code = code * 16 + d;
                    }
                    // A surrogate pair arrives as two escapes; appending each char rebuilds the pair.
                    b.append((char) code);
                    i += 4;
                    break;
                }
                default:
                    throw error("bad escape \\" + e);
            }
            i++;
        }
    }

    /** RFC 8259's number: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}. */
    private Object number() {
        int start = i;
        if (s.charAt(i) == '-') {
            i++;
            if (s.startsWith("Infinity", i)) {
                i += 8;
                return Double.NEGATIVE_INFINITY;
            }
        }
        int intStart = i;
        digits();
        if (i == intStart) throw error("a digit expected in a number");
        if (s.charAt(intStart) == '0' && i - intStart > 1) {
            i = intStart + 1;
            throw error("a number must not start with 0 followed by digits");
        }
        boolean integral = true;
        if (i < s.length() && s.charAt(i) == '.') {
            integral = false;
            i++;
            int f = i;
            digits();
            if (i == f) throw error("a digit expected after the decimal point");
        }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            integral = false;
            i++;
            if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
            int e = i;
            digits();
            if (i == e) throw error("a digit expected in the exponent");
        }
        String t = s.substring(start, i);
        if (integral) {
            try {
                return Long.parseLong(t);
            } catch (NumberFormatException tooBig) {
                return Double.parseDouble(t);
            }
        }
        return Double.parseDouble(t);
    }

    private void digits() {
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
    }
}
