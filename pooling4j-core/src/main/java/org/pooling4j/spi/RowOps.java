package org.pooling4j.spi;

/**
 * The few loops the fast kernels spend their time in, behind one seam so that a SIMD implementation
 * (module {@code pooling4j-vector}) can replace the scalar one. This is a service-provider interface
 * for that module, not an API for users.
 *
 * <p>Contract shared by every method: the ranges are valid (kernels check nothing here), arrays
 * never alias unless said, and maxima follow the reference kernel's rule: a later value replaces
 * the running maximum only when it is strictly greater, or, with {@code nan}, when it is NaN. With
 * the running value as the earlier one in scan order, results are then bit-identical to a scalar
 * scan. Sums may be evaluated in any order (results agree with the scalar order within float
 * rounding).
 */
public interface RowOps {
    /** Short name used in kernel names: {@code "simd"} or {@code "scalar"}. */
    String name();

    /** One line for logs: the implementation and, for SIMD, the vector width. */
    String describe();

    /**
     * Floats one operation handles at once: the vector width in lanes, 1 for scalar loops. Kernels
     * choose layouts by it (the blocked path only pays with whole vectors of planes).
     */
    int lanes();

    /** {@code dst[i] = b[i] > a[i] (or nan && b[i] is NaN) ? b[i] : a[i]}, where a is earlier in scan order. */
    void max2(float[] a, int aOff, float[] b, int bOff, float[] dst, int dOff, int n, boolean nan);

    /**
     * {@code acc[i] = src[i] > acc[i] (or nan && src[i] is NaN) ? src[i] : acc[i]}, except that the
     * sign of a zero result is unspecified.
     */
    void maxInto(float[] src, int sOff, float[] acc, int accOff, int n, boolean nan);

    /**
     * As {@link #maxInto}, and where the value is replaced {@code arg[argOff + i] = tag}: the
     * argmax of a channels-last window, one tap at a time.
     */
    void maxIndexInto(
            float[] src, int sOff, float[] acc, int accOff, int[] arg, int argOff, int n, int tag, boolean nan);

    /**
     * The taps of one channels-last window at once: for {@code i < n},
     * {@code out[o + i] = max over t < k, in t order, of src[s + t * tapStride + i]}, the first tap starting
     * the running maximum ({@code k >= 1}); {@code out} does not overlap what is read. The sign of a zero
     * maximum is unspecified; everything else follows the rule above.
     */
    void maxTaps(float[] src, int s, int tapStride, int k, float[] out, int o, int n, boolean nan);

    /** As {@link #maxTaps}, with sums (taps added in t order per element). */
    void sumTaps(float[] src, int s, int tapStride, int k, float[] out, int o, int n);

    /**
     * As {@link #sumTaps}, each sum then divided by {@code d} (a division, as {@link #divide} does), in one
     * pass.
     */
    default void avgTaps(float[] src, int s, int tapStride, int k, float[] out, int o, int n, float d) {
        sumTaps(src, s, tapStride, k, out, o, n);
        divide(out, o, n, d);
    }

    /** {@code acc[i] += src[i]}; {@code src} and {@code acc} may be the same array at distinct ranges. */
    void addInto(float[] src, int sOff, float[] acc, int accOff, int n);

    /** {@code acc[i] = acc[i] / d}. */
    void divide(float[] acc, int off, int n, float d);

    /** {@code acc[off + i] = acc[off + i] / d[dOff + i]}. */
    void divideEach(float[] acc, int off, float[] d, int dOff, int n);

    /**
     * Max over windows lying wholly inside {@code row}: for {@code j < count},
     * {@code out[o + j] = max over t < k of row[r + j*stride + t*dil]}. The sign of a zero
     * maximum is unspecified (callers re-scan zero results where the sign matters); everything else,
     * NaN included, follows the rule above.
     */
    void windowMax(float[] row, int r, float[] out, int o, int count, int stride, int k, int dil, boolean nan);

    /** Sums over windows lying wholly inside {@code row}, as {@link #windowMax}. */
    void windowSum(float[] row, int r, float[] out, int o, int count, int stride, int k, int dil);

    /**
     * Averages over windows lying wholly inside {@code row}: for {@code j < count},
     * {@code out[o + j] = (sum over t < k, in t order, of row[r + j*stride + t*dil]) / div[dOff + j]}, a
     * division per output (not a product with a reciprocal), so that results equal a sum then a
     * division. {@code out} does not overlap what is read.
     */
    default void windowAvg(
            float[] row, int r, float[] out, int o, int count, int stride, int k, int dil, float[] div, int dOff) {
        windowSum(row, r, out, o, count, stride, k, dil);
        divideEach(out, o, div, dOff, count);
    }

    /**
     * The transpose of {@link #windowSum}: for {@code j < count} and {@code t < k},
     * {@code row[r + j*stride + t*dil] += delta[d + j]}.
     */
    void windowScatter(float[] delta, int d, float[] row, int r, int count, int stride, int k, int dil);

    /** Max of {@code a[off .. off+n)} starting from {@code init}; {@code n >= 0}. The sign of a zero result is unspecified. */
    float maxRange(float[] a, int off, int n, float init, boolean nan);

    /** Sum of {@code a[off .. off+n)}. */
    float sumRange(float[] a, int off, int n);

    /**
     * The reference's scan of {@code n} whole windows spaced {@code stride} floats apart: window
     * {@code i}'s taps are {@code src[s + i * stride + delta[t]]}, {@code t < taps}, scanned in
     * {@code t} order from the first tap, a later tap winning when it is greater than the best so far
     * or, with {@code nan}, when it is NaN. Writes the best value to {@code max[m + i]} (bit for bit
     * the winning tap) and the winning {@code t} to {@code win[w + i]}; {@code taps >= 1}.
     */
    void windowArgmax(
            float[] src,
            int s,
            int stride,
            int[] delta,
            int taps,
            boolean nan,
            float[] max,
            int m,
            int[] win,
            int w,
            int n);

    /**
     * Sums of {@code runs} consecutive runs of {@code n} floats: for {@code r < runs},
     * {@code dst[d + r] = } the sum of {@code a[off + r*n .. off + (r+1)*n)}; {@code n >= 1}.
     * Implementations may read (never write) past a run's end while they stay inside {@code a}.
     */
    void sumRuns(float[] a, int off, int n, int runs, float[] dst, int d);

    /**
     * How many floats past the end of a row {@link #verticalMax} and {@link #verticalSum} may write,
     * and read past the last tap row, when a row is shorter than one vector.
     */
    int VERTICAL_SLACK = 64;

    /**
     * Vertical max over a table of input rows, one output row per table row: for {@code R} in
     * {@code [r0, r1)} and {@code i < n},
     * {@code dst[dOff + (R - r0) * dStride + i] = max over t < cnt[R], in t order, of src[base + offs[R * maxT + t] + i]},
     * the first tap starting the running maximum ({@code cnt[R] >= 1}; a row's offsets increase with
     * {@code t}, as the input rows of a window in scan order do). Rows are written in
     * increasing {@code R}; an implementation may also write {@code dst} beyond {@code n} in a row,
     * up to {@link #VERTICAL_SLACK} floats, which a later row or the caller's slack absorbs
     * ({@code dStride >= n}). It reads only elements of {@code src} that exist. The sign of a zero
     * maximum is unspecified; everything else follows the rule above.
     */
    void verticalMax(
            float[] src,
            int base,
            int[] offs,
            int[] cnt,
            int maxT,
            int r0,
            int r1,
            float[] dst,
            int dOff,
            int dStride,
            int n,
            boolean nan);

    /** As {@link #verticalMax}, with sums (taps added in t order per lane). */
    void verticalSum(
            float[] src,
            int base,
            int[] offs,
            int[] cnt,
            int maxT,
            int r0,
            int r1,
            float[] dst,
            int dOff,
            int dStride,
            int n);

    /** The first {@code i} in {@code [from, to)} with {@code a[i] == 0} (either sign), or {@code to}. */
    int nextZero(float[] a, int from, int to);

    /**
     * Interleaves {@code planes} rows of {@code n} floats, {@code planeStride} apart, into one
     * position-major block: for {@code i < n} and {@code j < planes},
     * {@code dst[d + i * planes + j] = src[s + j * planeStride + i]}. Values are copied bit for bit.
     *
     * @return whether any value copied is NaN (callers then know whether NaN-aware maxima are needed)
     */
    boolean interleave(float[] src, int s, int planeStride, int planes, int n, float[] dst, int d);

    /**
     * The inverse of {@link #interleave}: for {@code i < n} and {@code j < planes},
     * {@code dst[d + j * planeStride + i] = src[s + i * planes + j]}. Values are copied bit for bit;
     * nothing else of {@code dst} is written.
     */
    void deinterleave(float[] src, int s, int planes, int n, float[] dst, int d, int planeStride);

    /**
     * The first half of a 2 x 2, stride-2 max in scan order: for {@code i < n}, {@code src[s + 2i]}
     * and then {@code src[s + 2i + 1]} are scanned from {@code floor}, a value winning when it is
     * greater than the best so far or, with {@code nan}, NaN. {@code dst[d + i]} is the best
     * ({@code floor} when neither won) and, unless {@code tap} is null, {@code tap[d + i]} the winner:
     * 0, 1, or -1 when neither won. Values are copied bit for bit (the sign of a zero included).
     */
    void pairMax(float[] src, int s, int n, float floor, boolean nan, float[] dst, float[] tap, int d);

    /**
     * The scan continued over a later candidate: for {@code i < n}, {@code b[bOff + i]} wins over
     * {@code a[aOff + i]} when greater or, with {@code nan}, NaN; {@code dst[d + i]} is the winner's
     * value (bit for bit) and {@code dTap[d + i]} is {@code bTap[bOff + i] + tapShift} where b won,
     * {@code aTap[aOff + i]} where not. {@code dst} and {@code dTap} may be {@code a} and {@code aTap}
     * (same offsets) but do not otherwise overlap what is read.
     */
    void maxMerge(
            float[] a,
            float[] aTap,
            int aOff,
            float[] b,
            float[] bTap,
            int bOff,
            float tapShift,
            float[] dst,
            float[] dTap,
            int d,
            int n,
            boolean nan);

    /**
     * Each value repeated {@code k} times: for {@code i < n} and {@code t < k},
     * {@code dst[d + i * k + t] = src[s + i]}, bit for bit; {@code dst} does not overlap {@code src}.
     */
    void expand(float[] src, int s, int n, int k, float[] dst, int d);
}
