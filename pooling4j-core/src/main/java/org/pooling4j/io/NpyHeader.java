package org.pooling4j.io;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The header of a {@code .npy} file, read as NumPy's reader reads it: the text is a Python literal
 * ({@code ast.literal_eval}) that must be a dict with exactly the keys {@code 'descr'},
 * {@code 'fortran_order'} and {@code 'shape'} (a duplicate key keeps its last value, as in Python),
 * {@code shape} a tuple of integers and {@code fortran_order} a bool. The literal syntax follows
 * Python: either quote, triple quotes, string prefixes {@code r u b}, escapes, implicit concatenation,
 * comments, line breaks inside brackets, trailing commas, decimal/hex/octal/binary integers with
 * underscores, unary signs on numbers; for format versions 1.0 and 2.0 a Python 2 {@code L} after an
 * integer is dropped, as NumPy does for files written by Python 2.
 */
final class NpyHeader {
    /** NumPy's default {@code max_header_size}, in characters. */
    static final int MAX_CHARS = 10_000;

    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

    /** A Python tuple (a list is a plain {@link List}; NumPy accepts only a tuple for the shape). */
    private static final class Tuple {
        final List<Object> items;

        Tuple(List<Object> items) {
            this.items = items;
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder("(");
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) s.append(", ");
                s.append(repr(items.get(i)));
            }
            return s.append(items.size() == 1 ? ",)" : ")").toString();
        }
    }

    /** Python bytes, set, None and float/complex: values that are never valid here, kept for messages. */
    private static final class Other {
        final String text;

        Other(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    final Object descr;
    final boolean fortranOrder;
    final int[] shape;

    private NpyHeader(Object descr, boolean fortranOrder, int[] shape) {
        this.descr = descr;
        this.fortranOrder = fortranOrder;
        this.shape = shape;
    }

    static NpyHeader parse(String text, boolean python2Longs, String name) throws NpyFormatException {
        Object v = new Parser(text, python2Longs, name).document();
        if (!(v instanceof Map)) throw new NpyFormatException(name + ": header is not a dictionary: " + clip(repr(v)));
        Map<?, ?> d = (Map<?, ?>) v;
        if (!d.keySet().equals(KEYS)) {
            Set<String> keys = new TreeSet<>();
            for (Object k : d.keySet()) keys.add(repr(k));
            String rule =
                    " (a .npy header has exactly the keys 'descr', 'fortran_order' and 'shape'; found " + keys + ")";
            for (String k : new TreeSet<>(KEYS)) {
                if (!d.containsKey(k)) throw new NpyFormatException(name + ": header has no '" + k + "' entry" + rule);
            }
            for (Object k : d.keySet()) {
                if (!KEYS.contains(k))
                    throw new NpyFormatException(name + ": header has the extra key " + clip(repr(k)) + rule);
            }
        }
        Object s = d.get("shape");
        if (!(s instanceof Tuple))
            throw new NpyFormatException(name + ": 'shape' is not a tuple of integers: " + clip(repr(s)));
        List<Object> items = ((Tuple) s).items;
        int[] shape = new int[items.size()];
        for (int i = 0; i < shape.length; i++) {
            Object e = items.get(i);
            if (!(e instanceof BigInteger)) {
                throw new NpyFormatException(
                        name + ": shape = " + clip(repr(s)) + ": entry " + i + " = " + repr(e) + " is not an integer");
            }
            BigInteger b = (BigInteger) e;
            if (b.signum() < 0 || b.bitLength() > 31) {
                throw new NpyFormatException(name + ": shape entry " + b + " is out of range [0, 2^31) (entry " + i
                        + " of " + clip(repr(s)) + ")" + (b.signum() < 0 ? ": a dimension is never negative" : ""));
            }
            shape[i] = b.intValue();
        }
        Object f = d.get("fortran_order");
        if (!(f instanceof Boolean))
            throw new NpyFormatException(
                    name + ": fortran_order = " + clip(repr(f)) + " is not a boolean (True or False)");
        return new NpyHeader(d.get("descr"), (Boolean) f, shape);
    }

    static String repr(Object v) {
        if (v instanceof String) return "'" + v + "'";
        if (v instanceof Boolean) return (Boolean) v ? "True" : "False";
        if (v instanceof Map) return "{...}";
        if (v instanceof List) {
            StringBuilder s = new StringBuilder("[");
            for (Object e : (List<?>) v) s.append(s.length() > 1 ? ", " : "").append(repr(e));
            return s.append(']').toString();
        }
        return String.valueOf(v);
    }

    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /** Recursive descent over Python's literal grammar (what {@code ast.literal_eval} accepts). */
    private static final class Parser {
        private final String src;
        private final boolean python2Longs;
        private final String name;
        private int pos;
        private int depth;

        Parser(String src, boolean python2Longs, String name) {
            this.src = src;
            this.python2Longs = python2Longs;
            this.name = name;
        }

        private NpyFormatException error(String what) {
            String shown = src.length() > 120 ? src.substring(0, 117) + "..." : src;
            StringBuilder esc = new StringBuilder();
            for (int i = 0; i < shown.length(); i++) {
                char c = shown.charAt(i);
                if (c < 0x20 || c == 0x7f) esc.append(String.format("\\x%02x", (int) c));
                else esc.append(c);
            }
            return new NpyFormatException(name + ": header is not a Python literal that NumPy reads: " + what
                    + " at character " + pos + " of \"" + esc + "\"");
        }

        Object document() throws NpyFormatException {
            if (src.indexOf('\0') >= 0) {
                pos = src.indexOf('\0');
                throw error("NUL character (Python source cannot hold one)");
            }
            // ast.literal_eval strips leading spaces and tabs; blank and comment lines may follow.
            while (pos < src.length() && (src.charAt(pos) == ' ' || src.charAt(pos) == '\t')) pos++;
            while (true) {
                int lineStart = pos;
                boolean indented = false;
                while (pos < src.length() && " \t\f".indexOf(src.charAt(pos)) >= 0) {
                    char c = src.charAt(pos++);
                    indented = c != '\f'; // a form feed resets the indentation, as in Python
                }
                if (pos < src.length() && src.charAt(pos) == '#') skipComment();
                if (pos < src.length() && isNewline(src.charAt(pos))) {
                    skipNewline();
                    continue;
                }
                if (pos >= src.length()) throw error("empty expression");
                if (indented && lineStart > 0) throw error("unexpected indent");
                break;
            }
            Object v = value();
            skip();
            if (pos < src.length() && src.charAt(pos) == ',') throw error("a bare tuple at the top level");
            // After the expression: blanks, comments and line breaks only.
            while (pos < src.length()) {
                char c = src.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\f' || isNewline(c)) pos++;
                else if (c == '#') skipComment();
                else throw error("unexpected " + describe(c) + " after the expression");
            }
            return v;
        }

        private static boolean isNewline(char c) {
            return c == '\n' || c == '\r';
        }

        private void skipNewline() {
            if (src.charAt(pos) == '\r' && pos + 1 < src.length() && src.charAt(pos + 1) == '\n') pos++;
            pos++;
        }

        private void skipComment() {
            while (pos < src.length() && !isNewline(src.charAt(pos))) pos++;
        }

        /** Blanks and comments; inside brackets also line breaks and backslash continuations. */
        private void skip() throws NpyFormatException {
            while (pos < src.length()) {
                char c = src.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\f') pos++;
                else if (c == '#') skipComment();
                else if (isNewline(c) && depth > 0) skipNewline();
                else if (c == '\\' && pos + 1 < src.length() && isNewline(src.charAt(pos + 1))) {
                    pos++;
                    skipNewline();
                    if (depth == 0 && pos >= src.length()) throw error("line continuation at the end");
                } else return;
            }
        }

        private static String describe(char c) {
            return c < 0x20 || c == 0x7f ? String.format("character \\x%02x", (int) c) : "'" + c + "'";
        }

        private char peek() throws NpyFormatException {
            skip();
            if (pos >= src.length()) throw error("unexpected end of the header");
            return src.charAt(pos);
        }

        private void expect(char c) throws NpyFormatException {
            if (peek() != c) throw error("expected '" + c + "', found " + describe(src.charAt(pos)));
            pos++;
        }

        private Object value() throws NpyFormatException {
            char c = peek();
            switch (c) {
                case '{':
                    return braces();
                case '(':
                    return parens();
                case '[':
                    return list();
                case '+':
                case '-': {
                    pos++;
                    int at = pos;
                    Object v = value();
                    // literal_eval allows a sign only on a number literal (not on a signed one, a bool or None).
                    boolean signed = src.charAt(skipParensFrom(at)) == '+' || src.charAt(skipParensFrom(at)) == '-';
                    if (signed || !(v instanceof BigInteger || v instanceof Double || isComplex(v)))
                        throw error("a sign applies to a number only");
                    if (v instanceof BigInteger) return c == '-' ? ((BigInteger) v).negate() : v;
                    if (v instanceof Double) return c == '-' ? -(Double) v : v;
                    return v;
                }
                default:
                    break;
            }
            if (c == '\'' || c == '"' || stringPrefixAt(pos) > 0) return strings();
            if ((c >= '0' && c <= '9') || (c == '.' && pos + 1 < src.length() && isDigit(src.charAt(pos + 1))))
                return number();
            if (Character.isLetter(c) || c == '_' || c > 0x7f) {
                int start = pos;
                while (pos < src.length() && isIdentifierPart(src.charAt(pos))) pos++;
                String word = src.substring(start, pos);
                switch (word) {
                    case "True":
                        return Boolean.TRUE;
                    case "False":
                        return Boolean.FALSE;
                    case "None":
                        return new Other("None");
                    default:
                        pos = start;
                        throw error("name '" + word + "' is not a literal");
                }
            }
            throw error("unexpected " + describe(c));
        }

        private int skipParensFrom(int at) {
            int p = at;
            while (p < src.length() && (src.charAt(p) == '(' || " \t\f\r\n".indexOf(src.charAt(p)) >= 0)) p++;
            return Math.min(p, src.length() - 1);
        }

        private static boolean isComplex(Object v) {
            return v instanceof Other && ((Other) v).text.endsWith("j");
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private static boolean isIdentifierPart(char c) {
            return Character.isLetterOrDigit(c) || c == '_' || c > 0x7f;
        }

        private Object braces() throws NpyFormatException {
            pos++;
            depth++;
            if (peek() == '}') {
                pos++;
                depth--;
                return new LinkedHashMap<>();
            }
            Object first = value();
            if (peek() == ':') {
                Map<Object, Object> m = new LinkedHashMap<>();
                pos++;
                put(m, first, value());
                while (true) {
                    char c = peek();
                    if (c == '}') break;
                    expect(',');
                    if (peek() == '}') break;
                    Object k = value();
                    expect(':');
                    put(m, k, value());
                }
                pos++;
                depth--;
                return m;
            }
            List<Object> items = new ArrayList<>();
            items.add(first);
            sequenceTail(items, '}');
            return new Other("{set}");
        }

        private void put(Map<Object, Object> m, Object k, Object v) throws NpyFormatException {
            if (k instanceof Map || k instanceof List || (k instanceof Other && ((Other) k).text.equals("{set}")))
                throw error("unhashable dictionary key");
            if (k instanceof Other || k instanceof Tuple || k instanceof BigInteger || k instanceof Boolean) {
                // Never one of the three keys; keep it apart so the key check reports it.
                k = new Other(repr(k));
            }
            // As in a Python dict literal: a repeated key keeps its last value.
            m.remove(k);
            m.put(k, v);
        }

        private Object parens() throws NpyFormatException {
            pos++;
            depth++;
            if (peek() == ')') {
                pos++;
                depth--;
                return new Tuple(new ArrayList<>());
            }
            Object first = value();
            if (peek() == ')') {
                pos++;
                depth--;
                return first;
            }
            List<Object> items = new ArrayList<>();
            items.add(first);
            sequenceTail(items, ')');
            return new Tuple(items);
        }

        private Object list() throws NpyFormatException {
            pos++;
            depth++;
            List<Object> items = new ArrayList<>();
            if (peek() == ']') {
                pos++;
                depth--;
                return items;
            }
            items.add(value());
            sequenceTail(items, ']');
            return items;
        }

        /** After a first item: {@code (, item)* ,? close}. */
        private void sequenceTail(List<Object> items, char close) throws NpyFormatException {
            while (true) {
                char c = peek();
                if (c == close) break;
                expect(',');
                if (peek() == close) break;
                items.add(value());
            }
            pos++;
            depth--;
        }

        /** Length of a string prefix (r, u, b, br, rb in any case) followed by a quote at {@code p}, or 0. */
        private int stringPrefixAt(int p) {
            int n = 0;
            while (n < 2 && p + n < src.length() && "rRuUbBfF".indexOf(src.charAt(p + n)) >= 0) n++;
            return n > 0 && p + n < src.length() && (src.charAt(p + n) == '\'' || src.charAt(p + n) == '"') ? n : 0;
        }

        private Object strings() throws NpyFormatException {
            StringBuilder out = new StringBuilder();
            Boolean bytes = null;
            do {
                int n = stringPrefixAt(pos);
                String prefix = src.substring(pos, pos + n).toLowerCase(java.util.Locale.ROOT);
                if (prefix.contains("f")) throw error("an f-string is not a literal");
                if (prefix.length() == 2 && !(prefix.equals("br") || prefix.equals("rb")))
                    throw error("invalid string prefix '" + prefix + "'");
                boolean b = prefix.contains("b");
                boolean raw = prefix.contains("r");
                if (bytes != null && bytes != b) throw error("bytes and str literals cannot be concatenated");
                bytes = b;
                pos += n;
                stringBody(out, raw, b);
                skip();
            } while (pos < src.length()
                    && (src.charAt(pos) == '\'' || src.charAt(pos) == '"' || stringPrefixAt(pos) > 0));
            return bytes ? new Other("b'" + out + "'") : out.toString();
        }

        private void stringBody(StringBuilder out, boolean raw, boolean bytes) throws NpyFormatException {
            char q = src.charAt(pos);
            boolean triple = src.startsWith("" + q + q + q, pos);
            pos += triple ? 3 : 1;
            while (true) {
                if (pos >= src.length()) throw error("unterminated string");
                char c = src.charAt(pos);
                if (c == q && (!triple || src.startsWith("" + q + q + q, pos))) {
                    pos += triple ? 3 : 1;
                    return;
                }
                if (isNewline(c) && !triple) throw error("unterminated string (line break)");
                if (bytes && c > 0x7f) throw error("bytes literal with a non-ASCII character");
                if (c != '\\') {
                    out.append(c);
                    pos++;
                    continue;
                }
                if (pos + 1 >= src.length()) throw error("unterminated string");
                char e = src.charAt(pos + 1);
                if (raw) {
                    // A raw string keeps the backslash; it still stops the next quote from closing.
                    out.append(c).append(e);
                    pos += 2;
                    continue;
                }
                pos += 2;
                switch (e) {
                    case '\n':
                        break;
                    case '\r':
                        if (pos < src.length() && src.charAt(pos) == '\n') pos++;
                        break;
                    case '\\':
                    case '\'':
                    case '"':
                        out.append(e);
                        break;
                    case 'a':
                        out.append('\u0007');
                        break;
                    case 'b':
                        out.append('\b');
                        break;
                    case 'f':
                        out.append('\f');
                        break;
                    case 'n':
                        out.append('\n');
                        break;
                    case 'r':
                        out.append('\r');
                        break;
                    case 't':
                        out.append('\t');
                        break;
                    case 'v':
                        out.append('\u000b');
                        break;
                    case 'x':
                        out.appendCodePoint(hex(2));
                        break;
                    case 'u':
                    case 'U':
                        if (bytes) {
                            out.append('\\').append(e);
                        } else {
                            int cp = hex(e == 'u' ? 4 : 8);
                            // Eight hex digits above 7fffffff overflow to a negative int.
                            if (cp < 0 || cp > Character.MAX_CODE_POINT) throw error("\\U escape out of range");
                            out.appendCodePoint(cp);
                        }
                        break;
                    case 'N':
                        if (bytes) out.append('\\').append(e);
                        else throw error("\\N{...} escapes are not supported in a .npy header");
                        break;
                    default:
                        if (e >= '0' && e <= '7') {
                            int v = e - '0';
                            for (int i = 0;
                                    i < 2 && pos < src.length() && src.charAt(pos) >= '0' && src.charAt(pos) <= '7';
                                    i++) {
                                v = v * 8 + src.charAt(pos++) - '0';
                            }
                            out.appendCodePoint(v);
                        } else {
                            // Python keeps an unknown escape as written (with a warning).
                            out.append('\\').append(e);
                        }
                }
            }
        }

        private int hex(int digits) throws NpyFormatException {
            if (pos + digits > src.length()) throw error("truncated \\x/\\u escape");
            int v = 0;
            for (int i = 0; i < digits; i++) {
                int d = Character.digit(src.charAt(pos + i), 16);
                if (d < 0) throw error("bad hex digit in an escape");
                v = v * 16 + d;
            }
            pos += digits;
            return v;
        }

        private Object number() throws NpyFormatException {
            int start = pos;
            Object v;
            char c0 = src.charAt(pos);
            char c1 = pos + 1 < src.length() ? Character.toLowerCase(src.charAt(pos + 1)) : ' ';
            if (c0 == '0' && (c1 == 'x' || c1 == 'o' || c1 == 'b')) {
                int radix = c1 == 'x' ? 16 : c1 == 'o' ? 8 : 2;
                pos += 2;
                String digits = digits(radix, true);
                if (digits.isEmpty()) throw error("invalid number literal");
                v = new BigInteger(digits, radix);
            } else {
                String intPart = digits(10, false);
                boolean isFloat = false;
                if (pos < src.length() && src.charAt(pos) == '.') {
                    pos++;
                    if (pos < src.length() && isDigit(src.charAt(pos))) digits(10, false);
                    isFloat = true;
                }
                if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
                    pos++;
                    if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) pos++;
                    if (digits(10, false).isEmpty()) throw error("invalid exponent");
                    isFloat = true;
                }
                boolean imaginary = pos < src.length() && (src.charAt(pos) == 'j' || src.charAt(pos) == 'J');
                if (imaginary) pos++;
                if (imaginary) {
                    v = new Other(src.substring(start, pos));
                } else if (isFloat) {
                    v = Double.valueOf(src.substring(start, pos).replace("_", ""));
                } else {
                    // Python 3: no leading zeros in a non-zero decimal integer.
                    if (intPart.length() > 1 && intPart.charAt(0) == '0' && !intPart.matches("0+"))
                        throw error("leading zeros in a decimal integer");
                    v = new BigInteger(intPart);
                }
            }
            if (pos < src.length() && isIdentifierPart(src.charAt(pos))) {
                if (python2Longs
                        && v instanceof BigInteger
                        && src.charAt(pos) == 'L'
                        && (pos + 1 >= src.length() || !isIdentifierPart(src.charAt(pos + 1)))) {
                    pos++; // NumPy drops Python 2's long suffix in format 1.0 and 2.0 headers.
                } else {
                    throw error("invalid number literal");
                }
            }
            return v;
        }

        /** Digits of {@code radix} with single underscores between them (one may lead after 0x). */
        private String digits(int radix, boolean leadingUnderscore) throws NpyFormatException {
            StringBuilder d = new StringBuilder();
            boolean lastUnderscore = false;
            if (leadingUnderscore && pos < src.length() && src.charAt(pos) == '_') {
                pos++;
                lastUnderscore = true;
            }
            while (pos < src.length()) {
                char c = src.charAt(pos);
                if (c == '_') {
                    if (lastUnderscore || d.length() == 0) throw error("invalid underscore in a number");
                    lastUnderscore = true;
                    pos++;
                } else if (Character.digit(c, radix) >= 0 && c < 0x80) {
                    d.append(c);
                    lastUnderscore = false;
                    pos++;
                } else if (radix < 10 && isDigit(c)) {
                    throw error("invalid digit '" + c + "' in a base-" + radix + " literal");
                } else {
                    break;
                }
            }
            if (lastUnderscore) throw error("invalid underscore in a number");
            return d.toString();
        }
    }
}
