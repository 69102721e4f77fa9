package org.pooling4j;

import org.pooling4j.internal.Budget;
import org.pooling4j.internal.Check;

/**
 * The two budgets that keep a call on hostile or mistaken input from exhausting the heap or the
 * processor. Both are checked when a call is planned and validated, before any work or allocation,
 * and a call over either fails with an {@link IllegalArgumentException} naming the parameter, its
 * value, what the call would need and the budget, for example
 * {@code outputSize = [40000, 40000]: the output needs 6400000000 bytes (1 x 1 x 40000 x 40000
 * floats), over the memory budget of 1073741824 bytes (-Dpooling4j.maxBytes / --max-bytes)}.
 *
 * <ul>
 *   <li><b>Memory</b> ({@link #maxBytes()}): every single allocation whose size comes from the
 *       caller's sizes (an output, indices, a gradient, window tables, weights, a workspace, an ONNX
 *       intermediate tensor) must fit. Default: half of {@link Runtime#maxMemory()}; set with
 *       {@code -Dpooling4j.maxBytes=N} (plain bytes or a {@code k}, {@code m}, {@code g} or {@code t}
 *       suffix, powers of 1024) or {@link #setMaxBytes(long)}.
 *   <li><b>Work</b> ({@link #maxWork()}): an estimate of the input values one call reads (the taps of
 *       every window of every plane; four per bilinear sample of ROI align), for calls whose cost is
 *       not proportional to their output. Default {@value #DEFAULT_MAX_WORK} (2^32: seconds of one
 *       core; the largest pooling layer of the benchmark's shape corpus reads about 10^9); set with
 *       {@code -Dpooling4j.maxWork=N} (same suffixes) or {@link #setMaxWork(long)}.
 * </ul>
 *
 * <p>A value set here wins over the system property, which is read when a call is checked (so it may
 * change at run time); a property that does not parse is ignored with one warning (logger
 * {@code org.pooling4j}) and the default applies.
 */
public final class Limits {
    /** System property of the memory budget in bytes. */
    public static final String MAX_BYTES_PROPERTY = "pooling4j.maxBytes";

    /** System property of the work budget in input values read per call. */
    public static final String MAX_WORK_PROPERTY = "pooling4j.maxWork";

    /** The default work budget: 2^32 input values read by one call. */
    public static final long DEFAULT_MAX_WORK = 1L << 32;

    private Limits() {}

    /**
     * The memory budget in bytes now in force: the value of {@link #setMaxBytes(long)}, else
     * {@code -Dpooling4j.maxBytes}, else {@link #defaultMaxBytes()}.
     */
    public static long maxBytes() {
        return Budget.maxBytes();
    }

    /** Half of {@link Runtime#maxMemory()}: room for the allocation and for the inputs it came from. */
    public static long defaultMaxBytes() {
        return Runtime.getRuntime().maxMemory() / 2;
    }

    /**
     * Sets the memory budget for every later call of this JVM; {@code 0} clears it (the system
     * property or the default applies again).
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public static void setMaxBytes(long bytes) {
        if (bytes < 0) throw Check.fail("maxBytes", bytes, "must be > 0 (or 0 to clear)");
        Budget.setMaxBytes(bytes);
    }

    /**
     * The work budget now in force: the value of {@link #setMaxWork(long)}, else
     * {@code -Dpooling4j.maxWork}, else {@link #DEFAULT_MAX_WORK}.
     */
    public static long maxWork() {
        return Budget.maxWork();
    }

    /**
     * Sets the work budget (input values read by one call) for every later call of this JVM;
     * {@code 0} clears it.
     *
     * @throws IllegalArgumentException if {@code values} is negative
     */
    public static void setMaxWork(long values) {
        if (values < 0) throw Check.fail("maxWork", values, "must be > 0 (or 0 to clear)");
        Budget.setMaxWork(values);
    }

    /**
     * Parses a size as the property and the command line take it: a positive integer, optionally
     * followed by {@code k}, {@code m}, {@code g} or {@code t} (either case; powers of 1024), e.g.
     * {@code 1073741824}, {@code 512m}, {@code 4G}.
     *
     * @throws IllegalArgumentException naming {@code name} when the text is not such a size or the
     *     value does not fit a {@code long}
     */
    public static long parseSize(String text, String name) {
        return Budget.parse(text, name);
    }
}
