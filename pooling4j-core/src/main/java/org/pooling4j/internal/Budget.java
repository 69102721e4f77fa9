package org.pooling4j.internal;

import java.util.Locale;
import org.pooling4j.Limits;

/**
 * The rules of {@link Limits}: the budgets in force, the checks every allocation and every
 * expensive call make against them, and saturating products for the estimates. Each check fails
 * with {@link Check#fail} naming the parameter that asked for the size, before anything is
 * allocated or computed.
 */
public final class Budget {
    private Budget() {}

    /** What the messages say the user can change. */
    static final String BYTES_HINT = "(-D" + Limits.MAX_BYTES_PROPERTY + " / --max-bytes)";

    static final String WORK_HINT = "(-D" + Limits.MAX_WORK_PROPERTY + " / --max-work)";

    private static volatile long bytesOverride;
    private static volatile long workOverride;

    /** The last property text seen and its value, so that a check parses a property only when it changes. */
    private record Parsed(String text, long value) {}

    private static volatile Parsed bytesProperty;
    private static volatile Parsed workProperty;

    public static void setMaxBytes(long bytes) {
        bytesOverride = bytes;
    }

    public static void setMaxWork(long work) {
        workOverride = work;
    }

    /** The value set with {@link Limits#setMaxBytes}, or 0 when none is. */
    public static long bytesOverride() {
        return bytesOverride;
    }

    /** The value set with {@link Limits#setMaxWork}, or 0 when none is. */
    public static long workOverride() {
        return workOverride;
    }

    public static long maxBytes() {
        long o = bytesOverride;
        if (o > 0) return o;
        long p = property(Limits.MAX_BYTES_PROPERTY, true);
        return p > 0 ? p : Limits.defaultMaxBytes();
    }

    public static long maxWork() {
        long o = workOverride;
        if (o > 0) return o;
        long p = property(Limits.MAX_WORK_PROPERTY, false);
        return p > 0 ? p : Limits.DEFAULT_MAX_WORK;
    }

    /** The property's value, or 0 when it is unset or does not parse (warned about once per text). */
    private static long property(String name, boolean bytes) {
        String text = System.getProperty(name);
        if (text == null || text.isBlank()) return 0;
        Parsed last = bytes ? bytesProperty : workProperty;
        if (last != null && last.text.equals(text)) return last.value;
        long v;
        try {
            v = parse(text, name);
        } catch (IllegalArgumentException e) {
            System.getLogger("org.pooling4j")
                    .log(
                            System.Logger.Level.WARNING,
                            "pooling4j: ignoring -D" + name + "=" + text + " (" + e.getMessage()
                                    + "); using the default");
            v = 0;
        }
        Parsed p = new Parsed(text, v);
        if (bytes) bytesProperty = p;
        else workProperty = p;
        return v;
    }

    /** A positive integer with an optional k/m/g/t suffix (powers of 1024). */
    public static long parse(String text, String name) {
        Check.notNull(text, name);
        String t = text.trim().toLowerCase(Locale.ROOT);
        int shift = 0;
        if (!t.isEmpty()) {
            char last = t.charAt(t.length() - 1);
            int s = "kmgt".indexOf(last);
            if (s >= 0) {
                shift = 10 * (s + 1);
                t = t.substring(0, t.length() - 1);
            }
        }
        if (t.isEmpty() || t.length() > 19 || !t.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw Check.fail(name, text, "must be a positive integer, optionally with a k, m, g or t suffix");
        }
        long v = Long.parseLong(t);
        if (v < 1) throw Check.fail(name, text, "must be > 0");
        if (v > (Long.MAX_VALUE >> shift)) throw Check.fail(name, text, "is larger than " + Long.MAX_VALUE);
        return v << shift;
    }

    /** {@code a * b} for non-negative factors, {@link Long#MAX_VALUE} when it overflows. */
    public static long times(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
    }

    /** {@code a + b} for non-negative terms, {@link Long#MAX_VALUE} when it overflows. */
    public static long plus(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }

    /** The product of the dimensions (each {@code >= 0}), saturating at {@link Long#MAX_VALUE}. */
    public static long product(int[] dims) {
        long n = 1;
        for (int d : dims) n = times(n, d);
        return n;
    }

    /** {@code a x b x c} for a message. */
    public static String dims(int[] dims) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < dims.length; i++) s.append(i == 0 ? "" : " x ").append(dims[i]);
        return s.toString();
    }

    /**
     * Checks an allocation of {@code elements} values of {@code elementBytes} bytes each against the
     * memory budget.
     *
     * @param name the parameter that asked for the size, named in the message with {@code value}
     * @param what what would be allocated ("the output", "the indices": a name ending in s takes "need")
     * @param count how the element count arises, e.g. {@code "1 x 1 x 40000 x 40000 floats"}
     */
    public static void bytes(String name, Object value, String what, long elements, int elementBytes, String count) {
        long need = times(elements, elementBytes);
        long budget = maxBytes();
        if (need > budget) {
            throw Check.fail(
                    name,
                    value,
                    what + (what.endsWith("s") ? " need " : " needs ")
                            + (need == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : need) + " bytes (" + count
                            + "), over the memory budget of " + budget + " bytes " + BYTES_HINT);
        }
    }

    /**
     * Checks a tensor of {@code shape} ({@code elementBytes} bytes per element) against the memory
     * budget; {@code unit} names the element type in the message ("floats").
     */
    public static void shape(String name, Object value, String what, int[] shape, int elementBytes, String unit) {
        long budget = maxBytes();
        long n = product(shape);
        // The common case costs one product and one comparison; the message is built only on failure.
        if (times(n, elementBytes) > budget) bytes(name, value, what, n, elementBytes, dims(shape) + " " + unit);
    }

    /**
     * Checks an estimate of the input values one call reads against the work budget.
     *
     * @param how how the estimate arises, e.g. {@code "1 boxes x 1 channels x 1 x 1 bins x 46340 x 46340
     *     samples x 4 corners"}
     */
    public static void work(String name, Object value, long reads, String how) {
        long budget = maxWork();
        if (reads > budget) {
            throw Check.fail(
                    name,
                    value,
                    "the call would read about " + (reads == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : reads)
                            + " input values (" + how + "), over the work budget of " + budget + " " + WORK_HINT);
        }
    }
}
