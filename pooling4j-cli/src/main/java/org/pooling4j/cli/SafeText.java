package org.pooling4j.cli;

/**
 * Text from a user's file (a job id, a key, a path, a message quoting them) made safe to print on one
 * line of a terminal: control characters, line and paragraph separators, bidirectional overrides and
 * lone surrogates are written as escapes ({@code \n}, {@code \r}, {@code \t}, {@code \u001b}), so that
 * such text can neither start a line of its own (forging an {@code ok} line) nor send escape codes to
 * the terminal.
 */
public final class SafeText {
    private SafeText() {}

    /** {@code s} with every character that could break or restyle the line escaped; null reads "null". */
    public static String escape(String s) {
        if (s == null) return "null";
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = replacement(s, i, c);
            if (rep == null) {
                if (b != null) b.append(c);
                continue;
            }
            if (b == null) b = new StringBuilder(s.length() + 16).append(s, 0, i);
            b.append(rep);
        }
        return b == null ? s : b.toString();
    }

    private static String replacement(String s, int i, char c) {
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            default:
        }
        boolean unsafe = c < 0x20
                || (c >= 0x7f && c < 0xa0) // DEL and the C1 controls (0x9b is a one-byte escape on some terminals)
                || c == 0x2028
                || c == 0x2029
                || c == 0x200e
                || c == 0x200f
                || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069)
                || c == 0xfeff;
        if (!unsafe && Character.isSurrogate(c)) {
            // A pair is one printable character; a lone half cannot be encoded.
            boolean paired = Character.isHighSurrogate(c)
                    ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                    : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
            unsafe = !paired;
        }
        return unsafe ? String.format("\\u%04x", (int) c) : null;
    }
}
