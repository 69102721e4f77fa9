package org.pooling4j.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.pooling4j.spi.RowOps;
import org.pooling4j.spi.ScalarRowOps;

/**
 * {@link RowOps} with the JDK Vector API at the platform's preferred width. Every method has the
 * same shape: a vector body over whole vectors, then the scalar implementation for the tail.
 *
 * <p>Maxima use compare-and-blend rather than {@code lanewise(MAX)}: the blend keeps the earlier
 * value on ties (so -0 and +0 stay as a scalar scan leaves them) and lets NaN win only when asked,
 * which is the reference kernel's rule; {@code MAX} would not.
 *
 * <p>Strided windows ({@link #windowMax} with stride s > 1) are computed at every position of s
 * consecutive vectors with shifted loads, then every s-th lane is gathered into one vector by a
 * single-vector shuffles and blends (strides 2, 3 and 4; others run scalar): loads and blends are cheap next to the memory
 * traffic, and no gather instruction is needed.
 */
final class VectorRowOps implements RowOps {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Largest stride served by the shuffle chain; larger strides take the scalar loop. */
    private static final int MAX_STRIDE = 8;
    /** Runs longer than this many floats are summed one at a time (their reductions are rare). */
    private static final int SUM_RUN_LIMIT = 1024;
    /** Whether {@link #sumRuns} sums two runs per iteration (JDK 21 and later; see there). */
    static final boolean PIPELINED_REDUCTIONS = Runtime.version().feature() >= 21;
    /**
     * SHUFFLES[s][k] moves the lanes of vector k (of s consecutive vectors) that are multiples of s
     * to their place in the compacted result; MASKS[s][k] selects those places. Single-vector
     * shuffles and blends: the two-vector form of rearrange is about 6x slower on JDK 17.
     */
    private static final VectorShuffle<Float>[][] SHUFFLES = buildShuffles();

    private static final VectorMask<Float>[][] MASKS = buildMasks();

    // The hot loops take their shuffles and masks from static final fields, which C2 treats as
    // constants; elements of the tables above are not, and a shuffle loaded from an array is
    // re-checked on every use.
    private static final VectorShuffle<Float> S2_0 = SHUFFLES[2][0];
    private static final VectorShuffle<Float> S2_1 = SHUFFLES[2][1];
    private static final VectorMask<Float> M2_1 = MASKS[2][1];
    private static final VectorShuffle<Float> S3_0 = L >= 4 ? SHUFFLES[3][0] : null;
    private static final VectorShuffle<Float> S3_1 = L >= 4 ? SHUFFLES[3][1] : null;
    private static final VectorShuffle<Float> S3_2 = L >= 4 ? SHUFFLES[3][2] : null;
    private static final VectorMask<Float> M3_1 = L >= 4 ? MASKS[3][1] : null;
    private static final VectorMask<Float> M3_2 = L >= 4 ? MASKS[3][2] : null;
    private static final VectorShuffle<Float> S4_0 = L >= 4 ? SHUFFLES[4][0] : null;
    private static final VectorShuffle<Float> S4_1 = L >= 4 ? SHUFFLES[4][1] : null;
    private static final VectorShuffle<Float> S4_2 = L >= 4 ? SHUFFLES[4][2] : null;
    private static final VectorShuffle<Float> S4_3 = L >= 4 ? SHUFFLES[4][3] : null;
    private static final VectorMask<Float> M4_1 = L >= 4 ? MASKS[4][1] : null;
    private static final VectorMask<Float> M4_2 = L >= 4 ? MASKS[4][2] : null;
    private static final VectorMask<Float> M4_3 = L >= 4 ? MASKS[4][3] : null;
    /**
     * As S4_k, for the positions two past the multiples of 4 (lane i takes position 4i + 2 of the four
     * vectors); the masks M4_k select their places as well.
     */
    private static final VectorShuffle<Float> S4P2_0 = L >= 4 ? phaseShuffle(4, 2, 0) : null;

    private static final VectorShuffle<Float> S4P2_1 = L >= 4 ? phaseShuffle(4, 2, 1) : null;
    private static final VectorShuffle<Float> S4P2_2 = L >= 4 ? phaseShuffle(4, 2, 2) : null;
    private static final VectorShuffle<Float> S4P2_3 = L >= 4 ? phaseShuffle(4, 2, 3) : null;

    /** Lane j takes lane j / 2 (DUP_LO) or L / 2 + j / 2 (DUP_HI): a vector's values, each twice. */
    private static final VectorShuffle<Float> DUP_LO = VectorShuffle.fromOp(F, j -> j / 2);

    private static final VectorShuffle<Float> DUP_HI = VectorShuffle.fromOp(F, j -> L / 2 + j / 2);

    private final ScalarRowOps scalar = ScalarRowOps.INSTANCE;

    private VectorRowOps() {}

    static VectorRowOps create() {
        if (L < 4 || I.length() != L) {
            throw new UnsupportedOperationException(
                    "preferred vector width " + F.vectorBitSize() + " bits is too small for SIMD pooling");
        }
        return new VectorRowOps();
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[][] buildShuffles() {
        VectorShuffle<Float>[][] all = new VectorShuffle[MAX_STRIDE + 1][];
        for (int s = 2; s <= MAX_STRIDE && s <= L; s++) {
            all[s] = new VectorShuffle[s];
            for (int k = 0; k < s; k++) all[s][k] = phaseShuffle(s, 0, k);
        }
        return all;
    }

    /**
     * Lane i takes position {@code s * i + phase} of the concatenation of s vectors where that position
     * lies in vector k, else lane 0.
     */
    private static VectorShuffle<Float> phaseShuffle(int s, int phase, int k) {
        int[] idx = new int[L];
        for (int i = 0; i < L; i++) {
            int src = s * i + phase;
            idx[i] = src / L == k ? src - k * L : 0;
        }
        return VectorShuffle.fromArray(F, idx, 0);
    }

    @SuppressWarnings("unchecked")
    private static VectorMask<Float>[][] buildMasks() {
        VectorMask<Float>[][] all = new VectorMask[MAX_STRIDE + 1][];
        for (int s = 2; s <= MAX_STRIDE && s <= L; s++) {
            all[s] = new VectorMask[s];
            for (int k = 0; k < s; k++) {
                boolean[] m = new boolean[L];
                for (int i = 0; i < L; i++) m[i] = s * i / L == k;
                all[s][k] = VectorMask.fromArray(F, m, 0);
            }
        }
        return all;
    }

    @Override
    public String name() {
        return "simd";
    }

    @Override
    public String describe() {
        return "simd: " + F.vectorBitSize() + "-bit vectors, " + L + " float lanes (jdk.incubator.vector)";
    }

    @Override
    public int lanes() {
        return L;
    }

    // Maxima come in two copies, with and without NaN propagation, each a loop without branches:
    // a mask chosen by a branch inside the loop makes C2 box the vectors (measured 5x slower). The
    // comparisons are written out at each use rather than in a helper returning a vector: when C2
    // leaves such a helper uninlined (it did on JDK 25 once other call sites had shaped the profile)
    // every vector it returns is boxed, and a plan call allocates.

    @Override
    public void max2(float[] a, int aOff, float[] b, int bOff, float[] dst, int dOff, int n, boolean nan) {
        int i = 0;
        int end = F.loopBound(n);
        if (nan) {
            for (; i < end; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, aOff + i);
                FloatVector y = FloatVector.fromArray(F, b, bOff + i);
                x.blend(y, y.compare(VectorOperators.GT, x).or(y.compare(VectorOperators.NE, y)))
                        .intoArray(dst, dOff + i);
            }
        } else {
            for (; i < end; i += L) {
                FloatVector x = FloatVector.fromArray(F, a, aOff + i);
                FloatVector y = FloatVector.fromArray(F, b, bOff + i);
                x.blend(y, y.compare(VectorOperators.GT, x)).intoArray(dst, dOff + i);
            }
        }
        if (i < n && n >= L && dst != a && dst != b) {
            // A last whole vector that overlaps the previous one: recomputing a maximum is harmless
            // and beats a scalar tail. Not when dst is an input: re-reading half of a vector just
            // stored defeats store-to-load forwarding and stalls longer than the scalar tail takes.
            i = n - L;
            FloatVector x = FloatVector.fromArray(F, a, aOff + i);
            FloatVector y = FloatVector.fromArray(F, b, bOff + i);
            if (nan) {
                x.blend(y, y.compare(VectorOperators.GT, x).or(y.compare(VectorOperators.NE, y)))
                        .intoArray(dst, dOff + i);
            } else {
                x.blend(y, y.compare(VectorOperators.GT, x)).intoArray(dst, dOff + i);
            }
            return;
        }
        if (i < n) scalar.max2(a, aOff + i, b, bOff + i, dst, dOff + i, n - i, nan);
    }

    @Override
    public void maxInto(float[] src, int sOff, float[] acc, int accOff, int n, boolean nan) {
        max2(acc, accOff, src, sOff, acc, accOff, n, nan);
    }

    @Override
    public void maxIndexInto(
            float[] src, int sOff, float[] acc, int accOff, int[] arg, int argOff, int n, int tag, boolean nan) {
        int i = 0;
        IntVector t = IntVector.broadcast(I, tag);
        int end = F.loopBound(n);
        if (nan) {
            for (; i < end; i += L) {
                FloatVector x = FloatVector.fromArray(F, acc, accOff + i);
                FloatVector y = FloatVector.fromArray(F, src, sOff + i);
                VectorMask<Float> m = y.compare(VectorOperators.GT, x).or(y.compare(VectorOperators.NE, y));
                x.blend(y, m).intoArray(acc, accOff + i);
                IntVector.fromArray(I, arg, argOff + i).blend(t, m.cast(I)).intoArray(arg, argOff + i);
            }
        } else {
            for (; i < end; i += L) {
                FloatVector x = FloatVector.fromArray(F, acc, accOff + i);
                FloatVector y = FloatVector.fromArray(F, src, sOff + i);
                VectorMask<Float> m = y.compare(VectorOperators.GT, x);
                x.blend(y, m).intoArray(acc, accOff + i);
                IntVector.fromArray(I, arg, argOff + i).blend(t, m.cast(I)).intoArray(arg, argOff + i);
            }
        }
        if (i < n) scalar.maxIndexInto(src, sOff + i, acc, accOff + i, arg, argOff + i, n - i, tag, nan);
    }

    // One channels-last window's taps per call: each block of channels is reduced over the taps in
    // registers and stored once (per-tap calls read and wrote the output once per tap). A last whole
    // vector overlapping the previous one recomputes a few lanes instead of a scalar tail.

    @Override
    public void maxTaps(float[] src, int s, int tapStride, int k, float[] out, int o, int n, boolean nan) {
        if (n < L) {
            scalar.maxTaps(src, s, tapStride, k, out, o, n, nan);
            return;
        }
        int last = n - L;
        // Counted loops, then the last block on its own (see verticalMax).
        int i = 0;
        if (nan && k == 3) {
            // The interior windows of 3 x 3 layers: taps unrolled (the loop over a variable tap count is
            // neither unrolled nor free of its range checks).
            int t2 = 2 * tapStride;
            for (; i < last; i += L) max3n(src, s + i, s + tapStride + i, s + t2 + i, out, o + i);
            max3n(src, s + last, s + tapStride + last, s + t2 + last, out, o + last);
        } else if (nan) {
            for (; i < last; i += L) maxTapsBlockNaN(src, s + i, tapStride, k, out, o + i);
            maxTapsBlockNaN(src, s + last, tapStride, k, out, o + last);
        } else {
            for (; i < last; i += L) maxTapsBlock(src, s + i, tapStride, k, out, o + i);
            maxTapsBlock(src, s + last, tapStride, k, out, o + last);
        }
    }

    private static void maxTapsBlockNaN(float[] src, int s, int tapStride, int k, float[] out, int o) {
        FloatVector acc = FloatVector.fromArray(F, src, s);
        for (int t = 1; t < k; t++) {
            FloatVector v = FloatVector.fromArray(F, src, s + t * tapStride);
            acc = acc.blend(v, v.compare(VectorOperators.GT, acc).or(v.compare(VectorOperators.NE, v)));
        }
        acc.intoArray(out, o);
    }

    private static void maxTapsBlock(float[] src, int s, int tapStride, int k, float[] out, int o) {
        FloatVector acc = FloatVector.fromArray(F, src, s);
        for (int t = 1; t < k; t++) {
            FloatVector v = FloatVector.fromArray(F, src, s + t * tapStride);
            acc = acc.blend(v, v.compare(VectorOperators.GT, acc));
        }
        acc.intoArray(out, o);
    }

    // Tap numbers ride in float lanes as 2^23 + t, whose bits are those of 2^23 plus t: the integers
    // come out by a reinterpretation and one subtraction. A float-to-int conversion (F2I) ran the
    // Vector API's allocating fallback on JDK 17.
    private static final float TAP_ZERO = 8388608f;
    private static final int TAP_BITS = Float.floatToRawIntBits(TAP_ZERO);

    @Override
    public void windowArgmax(
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
            int n) {
        // Whole vectors of windows (strides 1 and 2: shifted loads, and for stride 2 the compaction of
        // two loads by the stride-2 shuffles); each lane runs the scan with a compare and two blends
        // per tap, its tap numbers kept as floats (see TAP_ZERO). The last vector overlaps
        // the one before; with stride 2 a load reads one float past its last window, so vectors that
        // would read past the array take the scalar loop.
        int done = 0;
        if (n >= L && (stride == 1 || stride == 2)) {
            int span = 0;
            for (int t = 0; t < taps; t++) span = Math.max(span, delta[t]);
            int last = n - L;
            if (stride == 2) last = Math.min(last, Math.floorDiv(src.length - s - span - 2 * L, 2));
            if (last >= 0) {
                if (stride == 1) {
                    done = nan
                            ? argmax1NaN(src, s, delta, taps, max, m, win, w, 0, last)
                            : argmax1(src, s, delta, taps, max, m, win, w, 0, last);
                } else {
                    done = nan
                            ? argmax2NaN(src, s, delta, taps, max, m, win, w, 0, last)
                            : argmax2(src, s, delta, taps, max, m, win, w, 0, last);
                }
                if (done < n && last == n - L) {
                    // The overlapping last vector.
                    if (stride == 1) {
                        if (nan) argmax1NaN(src, s, delta, taps, max, m, win, w, last, last);
                        else argmax1(src, s, delta, taps, max, m, win, w, last, last);
                    } else if (nan) {
                        argmax2NaN(src, s, delta, taps, max, m, win, w, last, last);
                    } else {
                        argmax2(src, s, delta, taps, max, m, win, w, last, last);
                    }
                    done = n;
                }
            }
        }
        if (done < n) {
            scalar.windowArgmax(
                    src, s + done * stride, stride, delta, taps, nan, max, m + done, win, w + done, n - done);
        }
    }

    private static int argmax1(
            float[] src, int s, int[] delta, int taps, float[] max, int m, int[] win, int w, int from, int to) {
        int i = from;
        for (; i <= to; i += L) {
            int p = s + i;
            FloatVector best = FloatVector.fromArray(F, src, p + delta[0]);
            FloatVector arg = FloatVector.broadcast(F, TAP_ZERO);
            for (int t = 1; t < taps; t++) {
                FloatVector v = FloatVector.fromArray(F, src, p + delta[t]);
                VectorMask<Float> gt = v.compare(VectorOperators.GT, best);
                best = best.blend(v, gt);
                arg = arg.blend(TAP_ZERO + t, gt);
            }
            best.intoArray(max, m + i);
            arg.reinterpretAsInts().sub(TAP_BITS).intoArray(win, w + i);
        }
        return i;
    }

    private static int argmax1NaN(
            float[] src, int s, int[] delta, int taps, float[] max, int m, int[] win, int w, int from, int to) {
        int i = from;
        for (; i <= to; i += L) {
            int p = s + i;
            FloatVector best = FloatVector.fromArray(F, src, p + delta[0]);
            FloatVector arg = FloatVector.broadcast(F, TAP_ZERO);
            for (int t = 1; t < taps; t++) {
                FloatVector v = FloatVector.fromArray(F, src, p + delta[t]);
                VectorMask<Float> gt = v.compare(VectorOperators.GT, best).or(v.compare(VectorOperators.NE, v));
                best = best.blend(v, gt);
                arg = arg.blend(TAP_ZERO + t, gt);
            }
            best.intoArray(max, m + i);
            arg.reinterpretAsInts().sub(TAP_BITS).intoArray(win, w + i);
        }
        return i;
    }

    private static int argmax2(
            float[] src, int s, int[] delta, int taps, float[] max, int m, int[] win, int w, int from, int to) {
        int i = from;
        for (; i <= to; i += L) {
            int p = s + 2 * i;
            FloatVector best = FloatVector.fromArray(F, src, p + delta[0])
                    .rearrange(S2_0)
                    .blend(FloatVector.fromArray(F, src, p + delta[0] + L).rearrange(S2_1), M2_1);
            FloatVector arg = FloatVector.broadcast(F, TAP_ZERO);
            for (int t = 1; t < taps; t++) {
                FloatVector v = FloatVector.fromArray(F, src, p + delta[t])
                        .rearrange(S2_0)
                        .blend(FloatVector.fromArray(F, src, p + delta[t] + L).rearrange(S2_1), M2_1);
                VectorMask<Float> gt = v.compare(VectorOperators.GT, best);
                best = best.blend(v, gt);
                arg = arg.blend(TAP_ZERO + t, gt);
            }
            best.intoArray(max, m + i);
            arg.reinterpretAsInts().sub(TAP_BITS).intoArray(win, w + i);
        }
        return i;
    }

    private static int argmax2NaN(
            float[] src, int s, int[] delta, int taps, float[] max, int m, int[] win, int w, int from, int to) {
        int i = from;
        for (; i <= to; i += L) {
            int p = s + 2 * i;
            FloatVector best = FloatVector.fromArray(F, src, p + delta[0])
                    .rearrange(S2_0)
                    .blend(FloatVector.fromArray(F, src, p + delta[0] + L).rearrange(S2_1), M2_1);
            FloatVector arg = FloatVector.broadcast(F, TAP_ZERO);
            for (int t = 1; t < taps; t++) {
                FloatVector v = FloatVector.fromArray(F, src, p + delta[t])
                        .rearrange(S2_0)
                        .blend(FloatVector.fromArray(F, src, p + delta[t] + L).rearrange(S2_1), M2_1);
                VectorMask<Float> gt = v.compare(VectorOperators.GT, best).or(v.compare(VectorOperators.NE, v));
                best = best.blend(v, gt);
                arg = arg.blend(TAP_ZERO + t, gt);
            }
            best.intoArray(max, m + i);
            arg.reinterpretAsInts().sub(TAP_BITS).intoArray(win, w + i);
        }
        return i;
    }

    @Override
    public void sumTaps(float[] src, int s, int tapStride, int k, float[] out, int o, int n) {
        if (n < L) {
            scalar.sumTaps(src, s, tapStride, k, out, o, n);
            return;
        }
        int last = n - L;
        // Counted loop, then the last block on its own (see verticalMax).
        for (int i = 0; i < last; i += L) sumTapsBlock(src, s + i, tapStride, k, out, o + i);
        sumTapsBlock(src, s + last, tapStride, k, out, o + last);
    }

    @Override
    public void avgTaps(float[] src, int s, int tapStride, int k, float[] out, int o, int n, float d) {
        if (n < L) {
            scalar.avgTaps(src, s, tapStride, k, out, o, n, d);
            return;
        }
        // Divided in registers: sumTaps then divide stored every output twice. The divisor goes to the
        // block methods as a float: a vector argument of a call C2 does not inline is boxed, an allocation
        // per call (PoolPlanTest's allocation check caught it).
        int last = n - L;
        if (k == 3) {
            // Taps unrolled, as in maxTaps.
            int t2 = 2 * tapStride;
            for (int i = 0; i < last; i += L) avg3Taps(src, s + i, s + tapStride + i, s + t2 + i, out, o + i, d);
            avg3Taps(src, s + last, s + tapStride + last, s + t2 + last, out, o + last, d);
            return;
        }
        for (int i = 0; i < last; i += L) avgTapsBlock(src, s + i, tapStride, k, out, o + i, d);
        avgTapsBlock(src, s + last, tapStride, k, out, o + last, d);
    }

    private static void avg3Taps(float[] src, int i0, int i1, int i2, float[] out, int o, float d) {
        FloatVector.fromArray(F, src, i0)
                .add(FloatVector.fromArray(F, src, i1))
                .add(FloatVector.fromArray(F, src, i2))
                .div(d)
                .intoArray(out, o);
    }

    private static void avgTapsBlock(float[] src, int s, int tapStride, int k, float[] out, int o, float d) {
        FloatVector acc = FloatVector.fromArray(F, src, s);
        for (int t = 1; t < k; t++) acc = acc.add(FloatVector.fromArray(F, src, s + t * tapStride));
        acc.div(d).intoArray(out, o);
    }

    private static void sumTapsBlock(float[] src, int s, int tapStride, int k, float[] out, int o) {
        FloatVector acc = FloatVector.fromArray(F, src, s);
        for (int t = 1; t < k; t++) acc = acc.add(FloatVector.fromArray(F, src, s + t * tapStride));
        acc.intoArray(out, o);
    }

    @Override
    public void addInto(float[] src, int sOff, float[] acc, int accOff, int n) {
        int i = 0;
        for (int end = F.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(F, acc, accOff + i)
                    .add(FloatVector.fromArray(F, src, sOff + i))
                    .intoArray(acc, accOff + i);
        }
        if (i < n) scalar.addInto(src, sOff + i, acc, accOff + i, n - i);
    }

    @Override
    public void divide(float[] acc, int off, int n, float d) {
        int i = 0;
        for (int end = F.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(F, acc, off + i).div(d).intoArray(acc, off + i);
        }
        if (i < n) scalar.divide(acc, off + i, n - i, d);
    }

    /** Whole vectors of windows that stride {@code s} can serve without reading past {@code row}. */
    private static int blocks(float[] row, int r, int count, int s, int k, int dil) {
        long reach = (long) s * L - 1 + (long) (k - 1) * dil;
        int n = count / L;
        while (n > 0 && r + (long) (n - 1) * L * s + reach >= row.length) n--;
        return n * L;
    }

    @Override
    public void divideEach(float[] acc, int off, float[] d, int dOff, int n) {
        int i = 0;
        for (int end = F.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(F, acc, off + i)
                    .div(FloatVector.fromArray(F, d, dOff + i))
                    .intoArray(acc, off + i);
        }
        if (i < n) scalar.divideEach(acc, off + i, d, dOff + i, n - i);
    }

    // windowMax and windowSum dispatch to one small method per stride and NaN rule: each is compiled
    // on its own, so the profile of one stride (or an earlier problem) cannot push another's vector
    // code past C2's inlining budget (measured: a 1D stride-4 problem ran 6x slower after 2D
    // stride-2 problems when all strides shared one method).

    @Override
    public void windowMax(float[] row, int r, float[] out, int o, int count, int stride, int k, int dil, boolean nan) {
        int j = 0;
        if (stride == 1) {
            j = nan
                    ? (k == 2
                            ? m1n2(row, r, out, o, count, k, dil)
                            : k == 3 ? m1n3(row, r, out, o, count, k, dil) : m1nK(row, r, out, o, count, k, dil))
                    : (k == 2
                            ? m12(row, r, out, o, count, k, dil)
                            : k == 3 ? m13(row, r, out, o, count, k, dil) : m1K(row, r, out, o, count, k, dil));
        } else if (stride == 2) {
            int end = blocks(row, r, count, 2, k, dil);
            j = nan
                    ? (k == 2
                            ? m2n2(row, r, out, o, end, k, dil)
                            : k == 3 ? m2n3(row, r, out, o, end, k, dil) : m2nK(row, r, out, o, end, k, dil))
                    : (k == 2
                            ? m22(row, r, out, o, end, k, dil)
                            : k == 3 ? m23(row, r, out, o, end, k, dil) : m2K(row, r, out, o, end, k, dil));
        } else if (stride == 4 && L >= 4) {
            int end = blocks(row, r, count, 4, k, dil);
            j = nan
                    ? (k == 4 ? m4n4(row, r, out, o, end, k, dil) : m4nK(row, r, out, o, end, k, dil))
                    : (k == 4 ? m44(row, r, out, o, end, k, dil) : m4K(row, r, out, o, end, k, dil));
        } else if (stride == 3 && L >= 4) {
            int end = blocks(row, r, count, 3, k, dil);
            j = nan ? (m3nK(row, r, out, o, end, k, dil)) : (m3K(row, r, out, o, end, k, dil));
        }
        if (j < count && j > 0 && (stride <= 2 || stride <= 4 && L >= 4)) {
            // One more block ending at the last window, overlapping the previous one (idempotent).
            int last = count - L;
            if (r + (long) last * stride + (long) stride * L - 1 + (long) (k - 1) * dil < row.length) {
                windowMax(row, r + last * stride, out, o + last, L, stride, k, dil, nan);
                return;
            }
        }
        if (j < count) scalar.windowMax(row, r + j * stride, out, o + j, count - j, stride, k, dil, nan);
    }

    // One method per stride, NaN rule and tap count (2, 3, 4 or any), each a single loop with every
    // vector operation written out: a helper method returning a vector is inlined only while its own
    // compiled code is small, and where C2 declines, each returned vector is boxed (measured on JDK 25:
    // 270 boxed vectors, 26 KB, per average-pooling call that should allocate nothing).

    private static int m12(float[] row, int r, float[] out, int o, int count, int k, int dil) {
        int j = 0;
        for (int end = F.loopBound(count); j < end; j += L) {
            FloatVector a = FloatVector.fromArray(F, row, r + j);
            FloatVector a1 = FloatVector.fromArray(F, row, r + j + dil);
            a = a.blend(a1, a1.compare(VectorOperators.GT, a));
            a.intoArray(out, o + j);
        }
        return j;
    }

    private static int m13(float[] row, int r, float[] out, int o, int count, int k, int dil) {
        int j = 0;
        for (int end = F.loopBound(count); j < end; j += L) {
            FloatVector a = FloatVector.fromArray(F, row, r + j);
            FloatVector a1 = FloatVector.fromArray(F, row, r + j + dil);
            a = a.blend(a1, a1.compare(VectorOperators.GT, a));
            FloatVector a2 = FloatVector.fromArray(F, row, r + j + 2 * dil);
            a = a.blend(a2, a2.compare(VectorOperators.GT, a));
            a.intoArray(out, o + j);
        }
        return j;
    }

    private static int m1K(float[] row, int r, float[] out, int o, int count, int k, int dil) {
        int j = 0;
        for (int end = F.loopBound(count); j < end; j += L) {
            FloatVector a = FloatVector.fromArray(F, row, r + j);
            for (int t = 1; t < k; t++) {
                FloatVector v = FloatVector.fromArray(F, row, r + j + t * dil);
                a = a.blend(v, v.compare(VectorOperators.GT, a));
            }
            a.intoArray(out, o + j);
        }
        return j;
    }

    private static int m1n2(float[] row, int r, float[] out, int o, int count, int k, int dil) {
        int j = 0;
        for (int end = F.loopBound(count); j < end; j += L) {
            FloatVector a = FloatVector.fromArray(F, row, r + j);
            FloatVector a1 = FloatVector.fromArray(F, row, r + j + dil);
            a = a.blend(a1, a1.compare(VectorOperators.GT, a).or(a1.compare(VectorOperators.NE, a1)));
            a.intoArray(out, o + j);
        }
        return j;
    }

    private static int m1n3(float[] row, int r, float[] out, int o, int count, int k, int dil) {
        int j = 0;
        for (int end = F.loopBound(count); j < end; j += L) {
            FloatVector a = FloatVector.fromArray(F, row, r + j);
            FloatVector a1 = FloatVector.fromArray(F, row, r + j + dil);
            a = a.blend(a1, a1.compare(VectorOperators.GT, a).or(a1.compare(VectorOperators.NE, a1)));
            FloatVector a2 = FloatVector.fromArray(F, row, r + j + 2 * dil);
            a = a.blend(a2, a2.compare(VectorOperators.GT, a).or(a2.compare(VectorOperators.NE, a2)));
            a.intoArray(out, o + j);
        }
        return j;
    }

    private static int m1nK(float[] row, int r, float[] out, int o, int count, int k, int dil) {
        int j = 0;
        for (int end = F.loopBound(count); j < end; j += L) {
            FloatVector a = FloatVector.fromArray(F, row, r + j);
            for (int t = 1; t < k; t++) {
                FloatVector v = FloatVector.fromArray(F, row, r + j + t * dil);
                a = a.blend(v, v.compare(VectorOperators.GT, a).or(v.compare(VectorOperators.NE, v)));
            }
            a.intoArray(out, o + j);
        }
        return j;
    }

    private static int m22(float[] row, int r, float[] out, int o, int end, int k, int dil) {
        int j = 0;
        for (; j < end; j += L) {
            int p = r + 2 * j;
            FloatVector a = FloatVector.fromArray(F, row, p);
            FloatVector a1 = FloatVector.fromArray(F, row, p + dil);
            a = a.blend(a1, a1.compare(VectorOperators.GT, a));
            FloatVector b = FloatVector.fromArray(F, row, p + L);
            FloatVector b1 = FloatVector.fromArray(F, row, p + L + dil);
            b = b.blend(b1, b1.compare(VectorOperators.GT, b));
            a.rearrange(S2_0).blend(b.rearrange(S2_1), M2_1).intoArray(out, o + j);
        }
        return j;
    }

    private static int m23(float[] row, int r, float[] out, int o, int end, int k, int dil) {
        int j = 0;
        for (; j < end; j += L) {
            int p = r + 2 * j;
            FloatVector a = FloatVector.fromArray(F, row, p);
            FloatVector a1 = FloatVector.fromArray(F, row, p + dil);
            a = a.blend(a1, a1.compare(VectorOperators.GT, a));
            FloatVector a2 = FloatVector.fromArray(F, row, p + 2 * dil);
            a = a.blend(a2, a2.compare(VectorOperators.GT, a));
            FloatVector b = FloatVector.fromArray(F, row, p + L);
            FloatVector b1 = FloatVector.fromArray(F, row, p + L + dil);
            b = b.blend(b1, b1.compare(VectorOperators.GT, b));
            FloatVector b2 = FloatVector.fromArray(F, row, p + L + 2 * dil);
            b = b.blend(b2, b2.compare(VectorOperators.GT, b));
            a.rearrange(S2_0).blend(b.rearrange(S2_1), M2_1).intoArray(out, o + j);
        }
        return j;
    }

    private static int m2K(float[] row, int r, float[] out, int o, int end, int k, int dil) {
        int j = 0;
        for (; j < end; j += L) {
            int p = r + 2 * j;
            FloatVector a = FloatVector.fromArray(F, row, p);
            for (int t = 1; t < k; t++) {
                FloatVector v = FloatVector.fromArray(F, row, p + t * dil);
                a = a.blend(v, v.compare(VectorOperators.GT, a));
            }
            FloatVector b = FloatVector.fromArray(F, row, p + L);
            for (int t = 1; t < k; t++) {
                FloatVector v = FloatVector.fromArray(F, row, p + L + t * dil);
                b = b.blend(v, v.compare(VectorOperators.GT, b));
            }
            a.rearrange(S2_0).blend(b.rearrange(S2_1), M2_1).intoArray(out, o + j);
        }
        return j;
    }

    private static int m2n2(float[] row, int r, float[] out, int o, int end, int k, int dil) {
        int j = 0;
        for (; j < end; j += L) {
            int p = r + 2 * j;
            FloatVector a = FloatVector.fromArray(F, row, p);
            FloatVector a1 = FloatVector.fromArray(F, row, p + dil);
            a = a.blend(a1, a1.compare(VectorOperators.GT, a).or(a1.compare(VectorOperators.NE, a1)));
            FloatVector b = FloatVector.fromArray(F, row, p + L);
            FloatVector b1 = FloatVector.fromArray(F, row, p + L + dil);
            b = b.blend(b1, b1.compare(VectorOperators.GT, b).or(b1.compare(VectorOperators.NE, b1)));
            a.rearrange(S2_0).blend(b.rearrange(S2_1), M2_1).intoArray(out, o + j);
        }
        return j;
    }

    private static int m2n3(float[] row, int r, float[] out, int o, int end, int k, int dil) {
        int j = 0;
        for (; j < end; j += L) {
            int p = r + 2 * j;
            FloatVector a = FloatVector.fromArray(F, row, p);
            FloatVector a1 = FloatVector.fromArray(F, row, p + dil);
            a = a.blend(a1, a1.compare(VectorOperators.GT, a).or(a1.compare(VectorOperators.NE, a1)));
            FloatVector a2 = FloatVector.fromArray(F, row, p + 2 * dil);
            a = a.blend(a2, a2.compare(VectorOperators.GT, a).or(a2.compare(VectorOperators.NE, a2)));
            FloatVector b = FloatVector.fromArray(F, row, p + L);
            FloatVector b1 = FloatVector.fromArray(F, row, p + L + dil);
            b = b.blend(b1, b1.compare(VectorOperators.GT, b).or(b1.compare(VectorOperators.NE, b1)));
            FloatVector b2 = FloatVector.fromArray(F, row, p + L + 2 * dil);
            b = b.blend(b2, b2.compare(VectorOperators.GT, b).or(b2.compare(VectorOperators.NE, b2)));
            a.rearrange(S2_0).blend(b.rearrange(S2_1), M2_1).intoArray(out, o + j);
        }
        return j;
    }

    private static int m2nK(float[] row, int r, float[] out, int o, int end, int k, int dil) {
        int j = 0;
        for (; j < end; j += L) {
            int p = r + 2 * j;
            FloatVector a = FloatVector.fromArray(F, row, p);
            for (int t = 1; t < k; t++) {
                FloatVector v = FloatVector.fromArray(F, row, p + t * dil);
                a = a.blend(v, v.compare(VectorOperators.GT, a).or(v.compare(VectorOperators.NE, v)));
            }
            FloatVector b = FloatVector.fromArray(F, row, p + L);
            for (int t = 1; t < k; t++) {
                FloatVector v = FloatVector.fromArray(F, row, p + L + t * dil);
                b = b.blend(v, v.compare(VectorOperators.GT, b).or(v.compare(VectorOperators.NE, v)));
            }
            a.rearrange(S2_0).blend(b.rearrange(S2_1), M2_1).intoArray(out, o + j);
        }
        return j;
    }

    private static int m3K(float[] row, int r, float[] out, int o, int end, int k, int dil) {
        int j = 0;
        for (; j < end; j += L) {
            int p = r + 3 * j;
            FloatVector a = FloatVector.fromArray(F, row, p);
            for (int t = 1; t < k; t++) {
                FloatVector v = FloatVector.fromArray(F, row, p + t * dil);
                a = a.blend(v, v.compare(VectorOperators.GT, a));
            }
            FloatVector b = FloatVector.fromArray(F, row, p + L);
            for (int t = 1; t < k; t++) {
                FloatVector v = FloatVector.fromArray(F, row, p + L + t * dil);
                b = b.blend(v, v.compare(VectorOperators.GT, b));
            }
            FloatVector c = FloatVector.fromArray(F, row, p + 2 * L);
            for (int t = 1; t < k; t++) {
                FloatVector v = FloatVector.fromArray(F, row, p + 2 * L + t * dil);
                c = c.blend(v, v.compare(VectorOperators.GT, c));
            }
            a.rearrange(S3_0)
                    .blend(b.rearrange(S3_1), M3_1)
                    .blend(c.rearrange(S3_2), M3_2)
                    .intoArray(out, o + j);
        }
        return j;
    }

    private static int m3nK(float[] row, int r, float[] out, int o, int end, int k, int dil) {
        int j = 0;
        for (; j < end; j += L) {
            int p = r + 3 * j;
            FloatVector a = FloatVector.fromArray(F, row, p);
            for (int t = 1; t < k; t++) {
                FloatVector v = FloatVector.fromArray(F, row, p + t * dil);
                a = a.blend(v, v.compare(VectorOperators.GT, a).or(v.compare(VectorOperators.NE, v)));
            }
            FloatVector b = FloatVector.fromArray(F, row, p + L);
            for (int t = 1; t < k; t++) {
                FloatVector v = FloatVector.fromArray(F, row, p + L + t * dil);
                b = b.blend(v, v.compare(VectorOperators.GT, b).or(v.compare(VectorOperators.NE, v)));
            }
            FloatVector c = FloatVector.fromArray(F, row, p + 2 * L);
            for (int t = 1; t < k; t++) {
                FloatVector v = FloatVector.fromArray(F, row, p + 2 * L + t * dil);
                c = c.blend(v, v.compare(VectorOperators.GT, c).or(v.compare(VectorOperators.NE, v)));
            }
            a.rearrange(S3_0)
                    .blend(b.rearrange(S3_1), M3_1)
                    .blend(c.rearrange(S3_2), M3_2)
                    .intoArray(out, o + j);
        }
        return j;
    }

    private static int m44(float[] row, int r, float[] out, int o, int end, int k, int dil) {
        int j = 0;
        for (; j < end; j += L) {
            int p = r + 4 * j;
            FloatVector a = FloatVector.fromArray(F, row, p);
            FloatVector a1 = FloatVector.fromArray(F, row, p + dil);
            a = a.blend(a1, a1.compare(VectorOperators.GT, a));
            FloatVector a2 = FloatVector.fromArray(F, row, p + 2 * dil);
            a = a.blend(a2, a2.compare(VectorOperators.GT, a));
            FloatVector a3 = FloatVector.fromArray(F, row, p + 3 * dil);
            a = a.blend(a3, a3.compare(VectorOperators.GT, a));
            FloatVector b = FloatVector.fromArray(F, row, p + L);
            FloatVector b1 = FloatVector.fromArray(F, row, p + L + dil);
            b = b.blend(b1, b1.compare(VectorOperators.GT, b));
            FloatVector b2 = FloatVector.fromArray(F, row, p + L + 2 * dil);
            b = b.blend(b2, b2.compare(VectorOperators.GT, b));
            FloatVector b3 = FloatVector.fromArray(F, row, p + L + 3 * dil);
            b = b.blend(b3, b3.compare(VectorOperators.GT, b));
            FloatVector c = FloatVector.fromArray(F, row, p + 2 * L);
            FloatVector c1 = FloatVector.fromArray(F, row, p + 2 * L + dil);
            c = c.blend(c1, c1.compare(VectorOperators.GT, c));
            FloatVector c2 = FloatVector.fromArray(F, row, p + 2 * L + 2 * dil);
            c = c.blend(c2, c2.compare(VectorOperators.GT, c));
            FloatVector c3 = FloatVector.fromArray(F, row, p + 2 * L + 3 * dil);
            c = c.blend(c3, c3.compare(VectorOperators.GT, c));
            FloatVector d = FloatVector.fromArray(F, row, p + 3 * L);
            FloatVector d1 = FloatVector.fromArray(F, row, p + 3 * L + dil);
            d = d.blend(d1, d1.compare(VectorOperators.GT, d));
            FloatVector d2 = FloatVector.fromArray(F, row, p + 3 * L + 2 * dil);
            d = d.blend(d2, d2.compare(VectorOperators.GT, d));
            FloatVector d3 = FloatVector.fromArray(F, row, p + 3 * L + 3 * dil);
            d = d.blend(d3, d3.compare(VectorOperators.GT, d));
            a.rearrange(S4_0)
                    .blend(b.rearrange(S4_1), M4_1)
                    .blend(c.rearrange(S4_2), M4_2)
                    .blend(d.rearrange(S4_3), M4_3)
                    .intoArray(out, o + j);
        }
        return j;
    }

    private static int m4K(float[] row, int r, float[] out, int o, int end, int k, int dil) {
        int j = 0;
        for (; j < end; j += L) {
            int p = r + 4 * j;
            FloatVector a = FloatVector.fromArray(F, row, p);
            for (int t = 1; t < k; t++) {
                FloatVector v = FloatVector.fromArray(F, row, p + t * dil);
                a = a.blend(v, v.compare(VectorOperators.GT, a));
            }
            FloatVector b = FloatVector.fromArray(F, row, p + L);
            for (int t = 1; t < k; t++) {
                FloatVector v = FloatVector.fromArray(F, row, p + L + t * dil);
                b = b.blend(v, v.compare(VectorOperators.GT, b));
            }
            FloatVector c = FloatVector.fromArray(F, row, p + 2 * L);
            for (int t = 1; t < k; t++) {
                FloatVector v = FloatVector.fromArray(F, row, p + 2 * L + t * dil);
                c = c.blend(v, v.compare(VectorOperators.GT, c));
            }
            FloatVector d = FloatVector.fromArray(F, row, p + 3 * L);
            for (int t = 1; t < k; t++) {
                FloatVector v = FloatVector.fromArray(F, row, p + 3 * L + t * dil);
                d = d.blend(v, v.compare(VectorOperators.GT, d));
            }
            a.rearrange(S4_0)
                    .blend(b.rearrange(S4_1), M4_1)
                    .blend(c.rearrange(S4_2), M4_2)
                    .blend(d.rearrange(S4_3), M4_3)
                    .intoArray(out, o + j);
        }
        return j;
    }

    private static int m4n4(float[] row, int r, float[] out, int o, int end, int k, int dil) {
        if (dil == 1) return m4n4Pairs(row, r, out, o, end);
        int j = 0;
        for (; j < end; j += L) {
            int p = r + 4 * j;
            FloatVector a = FloatVector.fromArray(F, row, p);
            FloatVector a1 = FloatVector.fromArray(F, row, p + dil);
            a = a.blend(a1, a1.compare(VectorOperators.GT, a).or(a1.compare(VectorOperators.NE, a1)));
            FloatVector a2 = FloatVector.fromArray(F, row, p + 2 * dil);
            a = a.blend(a2, a2.compare(VectorOperators.GT, a).or(a2.compare(VectorOperators.NE, a2)));
            FloatVector a3 = FloatVector.fromArray(F, row, p + 3 * dil);
            a = a.blend(a3, a3.compare(VectorOperators.GT, a).or(a3.compare(VectorOperators.NE, a3)));
            FloatVector b = FloatVector.fromArray(F, row, p + L);
            FloatVector b1 = FloatVector.fromArray(F, row, p + L + dil);
            b = b.blend(b1, b1.compare(VectorOperators.GT, b).or(b1.compare(VectorOperators.NE, b1)));
            FloatVector b2 = FloatVector.fromArray(F, row, p + L + 2 * dil);
            b = b.blend(b2, b2.compare(VectorOperators.GT, b).or(b2.compare(VectorOperators.NE, b2)));
            FloatVector b3 = FloatVector.fromArray(F, row, p + L + 3 * dil);
            b = b.blend(b3, b3.compare(VectorOperators.GT, b).or(b3.compare(VectorOperators.NE, b3)));
            FloatVector c = FloatVector.fromArray(F, row, p + 2 * L);
            FloatVector c1 = FloatVector.fromArray(F, row, p + 2 * L + dil);
            c = c.blend(c1, c1.compare(VectorOperators.GT, c).or(c1.compare(VectorOperators.NE, c1)));
            FloatVector c2 = FloatVector.fromArray(F, row, p + 2 * L + 2 * dil);
            c = c.blend(c2, c2.compare(VectorOperators.GT, c).or(c2.compare(VectorOperators.NE, c2)));
            FloatVector c3 = FloatVector.fromArray(F, row, p + 2 * L + 3 * dil);
            c = c.blend(c3, c3.compare(VectorOperators.GT, c).or(c3.compare(VectorOperators.NE, c3)));
            FloatVector d = FloatVector.fromArray(F, row, p + 3 * L);
            FloatVector d1 = FloatVector.fromArray(F, row, p + 3 * L + dil);
            d = d.blend(d1, d1.compare(VectorOperators.GT, d).or(d1.compare(VectorOperators.NE, d1)));
            FloatVector d2 = FloatVector.fromArray(F, row, p + 3 * L + 2 * dil);
            d = d.blend(d2, d2.compare(VectorOperators.GT, d).or(d2.compare(VectorOperators.NE, d2)));
            FloatVector d3 = FloatVector.fromArray(F, row, p + 3 * L + 3 * dil);
            d = d.blend(d3, d3.compare(VectorOperators.GT, d).or(d3.compare(VectorOperators.NE, d3)));
            a.rearrange(S4_0)
                    .blend(b.rearrange(S4_1), M4_1)
                    .blend(c.rearrange(S4_2), M4_2)
                    .blend(d.rearrange(S4_3), M4_3)
                    .intoArray(out, o + j);
        }
        return j;
    }

    /**
     * Stride-4 windows of 4 adjacent floats as a tree: the maximum of each adjacent pair at every position
     * (shifted loads), the pairs at positions 4i and 4i + 2 gathered by shuffles, and their maximum. A
     * later pair replaces an earlier one under the same rule as a later tap, so the result is the scan's
     * (the first of equal values, the last NaN). Half the blends of the scan at every position.
     */
    private static int m4n4Pairs(float[] row, int r, float[] out, int o, int end) {
        int j = 0;
        for (; j < end; j += L) {
            int p = r + 4 * j;
            // Written out rather than a helper returning a vector, which would be boxed where not inlined.
            FloatVector a = FloatVector.fromArray(F, row, p);
            FloatVector a1 = FloatVector.fromArray(F, row, p + 1);
            a = a.blend(a1, a1.compare(VectorOperators.GT, a).or(a1.compare(VectorOperators.NE, a1)));
            FloatVector b = FloatVector.fromArray(F, row, p + L);
            FloatVector b1 = FloatVector.fromArray(F, row, p + L + 1);
            b = b.blend(b1, b1.compare(VectorOperators.GT, b).or(b1.compare(VectorOperators.NE, b1)));
            FloatVector c = FloatVector.fromArray(F, row, p + 2 * L);
            FloatVector c1 = FloatVector.fromArray(F, row, p + 2 * L + 1);
            c = c.blend(c1, c1.compare(VectorOperators.GT, c).or(c1.compare(VectorOperators.NE, c1)));
            FloatVector d = FloatVector.fromArray(F, row, p + 3 * L);
            FloatVector d1 = FloatVector.fromArray(F, row, p + 3 * L + 1);
            d = d.blend(d1, d1.compare(VectorOperators.GT, d).or(d1.compare(VectorOperators.NE, d1)));
            FloatVector lo = a.rearrange(S4_0)
                    .blend(b.rearrange(S4_1), M4_1)
                    .blend(c.rearrange(S4_2), M4_2)
                    .blend(d.rearrange(S4_3), M4_3);
            FloatVector hi = a.rearrange(S4P2_0)
                    .blend(b.rearrange(S4P2_1), M4_1)
                    .blend(c.rearrange(S4P2_2), M4_2)
                    .blend(d.rearrange(S4P2_3), M4_3);
            lo.blend(hi, hi.compare(VectorOperators.GT, lo).or(hi.compare(VectorOperators.NE, hi)))
                    .intoArray(out, o + j);
        }
        return j;
    }

    private static int m4nK(float[] row, int r, float[] out, int o, int end, int k, int dil) {
        int j = 0;
        for (; j < end; j += L) {
            int p = r + 4 * j;
            FloatVector a = FloatVector.fromArray(F, row, p);
            for (int t = 1; t < k; t++) {
                FloatVector v = FloatVector.fromArray(F, row, p + t * dil);
                a = a.blend(v, v.compare(VectorOperators.GT, a).or(v.compare(VectorOperators.NE, v)));
            }
            FloatVector b = FloatVector.fromArray(F, row, p + L);
            for (int t = 1; t < k; t++) {
                FloatVector v = FloatVector.fromArray(F, row, p + L + t * dil);
                b = b.blend(v, v.compare(VectorOperators.GT, b).or(v.compare(VectorOperators.NE, v)));
            }
            FloatVector c = FloatVector.fromArray(F, row, p + 2 * L);
            for (int t = 1; t < k; t++) {
                FloatVector v = FloatVector.fromArray(F, row, p + 2 * L + t * dil);
                c = c.blend(v, v.compare(VectorOperators.GT, c).or(v.compare(VectorOperators.NE, v)));
            }
            FloatVector d = FloatVector.fromArray(F, row, p + 3 * L);
            for (int t = 1; t < k; t++) {
                FloatVector v = FloatVector.fromArray(F, row, p + 3 * L + t * dil);
                d = d.blend(v, v.compare(VectorOperators.GT, d).or(v.compare(VectorOperators.NE, v)));
            }
            a.rearrange(S4_0)
                    .blend(b.rearrange(S4_1), M4_1)
                    .blend(c.rearrange(S4_2), M4_2)
                    .blend(d.rearrange(S4_3), M4_3)
                    .intoArray(out, o + j);
        }
        return j;
    }

    private static int s13(float[] row, int r, float[] out, int o, int count, int k, int dil) {
        int j = 0;
        for (int end = F.loopBound(count); j < end; j += L) {
            FloatVector a = FloatVector.fromArray(F, row, r + j);
            FloatVector a1 = FloatVector.fromArray(F, row, r + j + dil);
            a = a.add(a1);
            FloatVector a2 = FloatVector.fromArray(F, row, r + j + 2 * dil);
            a = a.add(a2);
            a.intoArray(out, o + j);
        }
        return j;
    }

    private static int s1K(float[] row, int r, float[] out, int o, int count, int k, int dil) {
        int j = 0;
        for (int end = F.loopBound(count); j < end; j += L) {
            FloatVector a = FloatVector.fromArray(F, row, r + j);
            for (int t = 1; t < k; t++) {
                FloatVector v = FloatVector.fromArray(F, row, r + j + t * dil);
                a = a.add(v);
            }
            a.intoArray(out, o + j);
        }
        return j;
    }

    private static int s23(float[] row, int r, float[] out, int o, int end, int k, int dil) {
        int j = 0;
        for (; j < end; j += L) {
            int p = r + 2 * j;
            FloatVector a = FloatVector.fromArray(F, row, p);
            FloatVector a1 = FloatVector.fromArray(F, row, p + dil);
            a = a.add(a1);
            FloatVector a2 = FloatVector.fromArray(F, row, p + 2 * dil);
            a = a.add(a2);
            FloatVector b = FloatVector.fromArray(F, row, p + L);
            FloatVector b1 = FloatVector.fromArray(F, row, p + L + dil);
            b = b.add(b1);
            FloatVector b2 = FloatVector.fromArray(F, row, p + L + 2 * dil);
            b = b.add(b2);
            a.rearrange(S2_0).blend(b.rearrange(S2_1), M2_1).intoArray(out, o + j);
        }
        return j;
    }

    private static int s2K(float[] row, int r, float[] out, int o, int end, int k, int dil) {
        int j = 0;
        for (; j < end; j += L) {
            int p = r + 2 * j;
            FloatVector a = FloatVector.fromArray(F, row, p);
            for (int t = 1; t < k; t++) {
                FloatVector v = FloatVector.fromArray(F, row, p + t * dil);
                a = a.add(v);
            }
            FloatVector b = FloatVector.fromArray(F, row, p + L);
            for (int t = 1; t < k; t++) {
                FloatVector v = FloatVector.fromArray(F, row, p + L + t * dil);
                b = b.add(v);
            }
            a.rearrange(S2_0).blend(b.rearrange(S2_1), M2_1).intoArray(out, o + j);
        }
        return j;
    }

    @Override
    public void windowSum(float[] row, int r, float[] out, int o, int count, int stride, int k, int dil) {
        int j = 0;
        if (stride == 1) {
            j = k == 3 ? s13(row, r, out, o, count, k, dil) : s1K(row, r, out, o, count, k, dil);
        } else if (stride == 2) {
            int end = blocks(row, r, count, 2, k, dil);
            j = k == 3 ? s23(row, r, out, o, end, k, dil) : s2K(row, r, out, o, end, k, dil);
        }
        if (j < count && j > 0 && stride <= 2) {
            int last = count - L;
            if (r + (long) last * stride + (long) stride * L - 1 + (long) (k - 1) * dil < row.length) {
                windowSum(row, r + last * stride, out, o + last, L, stride, k, dil);
                return;
            }
        }
        if (j < count) scalar.windowSum(row, r + j * stride, out, o + j, count - j, stride, k, dil);
    }

    // One pass: the sums are divided in registers and stored once (windowSum then divideEach stored
    // every output twice). Whole vectors, then a last vector ending at the last output (overlapping;
    // recomputed lanes get the same values).
    @Override
    public void windowAvg(
            float[] row, int r, float[] out, int o, int count, int stride, int k, int dil, float[] div, int dOff) {
        if (stride == 2) {
            int end = blocks(row, r, count, 2, k, dil);
            int j = k == 2
                    ? a22(row, r, out, o, end, dil, div, dOff)
                    : k == 3 ? a23(row, r, out, o, end, dil, div, dOff) : a2K(row, r, out, o, end, k, dil, div, dOff);
            if (j < count && j > 0) {
                int last = count - L;
                if (r + (long) last * 2 + 2L * L - 1 + (long) (k - 1) * dil < row.length) {
                    if (k == 2) a22(row, r + 2 * last, out, o + last, L, dil, div, dOff + last);
                    else if (k == 3) a23(row, r + 2 * last, out, o + last, L, dil, div, dOff + last);
                    else a2K(row, r + 2 * last, out, o + last, L, k, dil, div, dOff + last);
                    return;
                }
            }
            if (j < count) scalar.windowAvg(row, r + 2 * j, out, o + j, count - j, 2, k, dil, div, dOff + j);
            return;
        }
        if (stride != 1 || count < L) {
            scalar.windowAvg(row, r, out, o, count, stride, k, dil, div, dOff);
            return;
        }
        int last = count - L;
        if (k == 3) {
            for (int j = 0; j < last; j += L) avg3(row, r + j, dil, out, o + j, div, dOff + j);
            avg3(row, r + last, dil, out, o + last, div, dOff + last);
        } else {
            for (int j = 0; j < last; j += L) avgK(row, r + j, k, dil, out, o + j, div, dOff + j);
            avgK(row, r + last, k, dil, out, o + last, div, dOff + last);
        }
    }

    /** Stride-2 averages of 2 taps; returns the outputs done. */
    private static int a22(float[] row, int r, float[] out, int o, int end, int dil, float[] div, int dOff) {
        int j = 0;
        for (; j < end; j += L) {
            int p = r + 2 * j;
            FloatVector a = FloatVector.fromArray(F, row, p).add(FloatVector.fromArray(F, row, p + dil));
            FloatVector b = FloatVector.fromArray(F, row, p + L).add(FloatVector.fromArray(F, row, p + L + dil));
            a.rearrange(S2_0)
                    .blend(b.rearrange(S2_1), M2_1)
                    .div(FloatVector.fromArray(F, div, dOff + j))
                    .intoArray(out, o + j);
        }
        return j;
    }

    /** Stride-2 averages of 3 taps, as {@link #s23} with the division; returns the outputs done. */
    private static int a23(float[] row, int r, float[] out, int o, int end, int dil, float[] div, int dOff) {
        int j = 0;
        for (; j < end; j += L) {
            int p = r + 2 * j;
            FloatVector a = FloatVector.fromArray(F, row, p)
                    .add(FloatVector.fromArray(F, row, p + dil))
                    .add(FloatVector.fromArray(F, row, p + 2 * dil));
            FloatVector b = FloatVector.fromArray(F, row, p + L)
                    .add(FloatVector.fromArray(F, row, p + L + dil))
                    .add(FloatVector.fromArray(F, row, p + L + 2 * dil));
            a.rearrange(S2_0)
                    .blend(b.rearrange(S2_1), M2_1)
                    .div(FloatVector.fromArray(F, div, dOff + j))
                    .intoArray(out, o + j);
        }
        return j;
    }

    /** Stride-2 averages of k taps, as {@link #s2K} with the division; returns the outputs done. */
    private static int a2K(float[] row, int r, float[] out, int o, int end, int k, int dil, float[] div, int dOff) {
        int j = 0;
        for (; j < end; j += L) {
            int p = r + 2 * j;
            FloatVector a = FloatVector.fromArray(F, row, p);
            for (int t = 1; t < k; t++) a = a.add(FloatVector.fromArray(F, row, p + t * dil));
            FloatVector b = FloatVector.fromArray(F, row, p + L);
            for (int t = 1; t < k; t++) b = b.add(FloatVector.fromArray(F, row, p + L + t * dil));
            a.rearrange(S2_0)
                    .blend(b.rearrange(S2_1), M2_1)
                    .div(FloatVector.fromArray(F, div, dOff + j))
                    .intoArray(out, o + j);
        }
        return j;
    }

    private static void avg3(float[] row, int p, int dil, float[] out, int o, float[] div, int d) {
        FloatVector.fromArray(F, row, p)
                .add(FloatVector.fromArray(F, row, p + dil))
                .add(FloatVector.fromArray(F, row, p + 2 * dil))
                .div(FloatVector.fromArray(F, div, d))
                .intoArray(out, o);
    }

    private static void avgK(float[] row, int p, int k, int dil, float[] out, int o, float[] div, int d) {
        FloatVector a = FloatVector.fromArray(F, row, p);
        for (int t = 1; t < k; t++) a = a.add(FloatVector.fromArray(F, row, p + t * dil));
        a.div(FloatVector.fromArray(F, div, d)).intoArray(out, o);
    }

    @Override
    public void windowScatter(float[] delta, int d, float[] row, int r, int count, int stride, int k, int dil) {
        if (stride != 1) {
            scalar.windowScatter(delta, d, row, r, count, stride, k, dil);
            return;
        }
        int bound = F.loopBound(count);
        for (int t = 0; t < k; t++) {
            int base = r + t * dil;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector.fromArray(F, row, base + j)
                        .add(FloatVector.fromArray(F, delta, d + j))
                        .intoArray(row, base + j);
            }
            for (; j < count; j++) row[base + j] += delta[d + j];
        }
    }

    @Override
    public float maxRange(float[] a, int off, int n, float init, boolean nan) {
        if (n < 2 * L) return scalar.maxRange(a, off, n, init, nan);
        FloatVector acc = FloatVector.broadcast(F, init);
        int i = 0;
        int end = F.loopBound(n);
        if (nan) {
            for (; i < end; i += L) {
                FloatVector v = FloatVector.fromArray(F, a, off + i);
                acc = acc.blend(v, v.compare(VectorOperators.GT, acc).or(v.compare(VectorOperators.NE, v)));
            }
        } else {
            for (; i < end; i += L) {
                FloatVector v = FloatVector.fromArray(F, a, off + i);
                acc = acc.blend(v, v.compare(VectorOperators.GT, acc));
            }
        }
        float best = init;
        for (int lane = 0; lane < L; lane++) {
            float v = acc.lane(lane);
            if (v > best || (nan && v != v)) best = v;
        }
        return scalar.maxRange(a, off + i, n - i, best, nan);
    }

    @Override
    public float sumRange(float[] a, int off, int n) {
        if (n < 2 * L) return scalar.sumRange(a, off, n);
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int end = F.loopBound(n); i < end; i += L) acc = acc.add(FloatVector.fromArray(F, a, off + i));
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[off + i];
        return s;
    }

    // Global average pooling of small planes (7x7 in ResNet's head) is one short run per plane: a
    // reduction across lanes per plane is the cost there, not the loads. Two runs per iteration
    // keep two reductions in flight, and a run's partial last vector is one whole load with the
    // lanes past the run blended to zero (reading into the next run, never past the array), which
    // replaces the scalar tail. Global average over 64x2048 planes of 7x7, one thread, old and new
    // jars alternated: JDK 25 1.17-1.28 ms against 1.78-1.84 ms with one sumRange per run; JDK 17
    // 2.4-3.0 ms against 2.1-3.6 ms (no gain there, where a float reduction across lanes costs
    // more), so JDK 17 keeps one sumRange per run.
    @Override
    public void sumRuns(float[] a, int off, int n, int runs, float[] dst, int d) {
        if (!PIPELINED_REDUCTIONS || n < L || n > SUM_RUN_LIMIT) {
            for (int r = 0; r < runs; r++) dst[d + r] = sumRange(a, off + r * n, n);
            return;
        }
        int end = F.loopBound(n);
        VectorMask<Float> tail = F.indexInRange(0, n - end);
        FloatVector zero = FloatVector.zero(F);
        // Runs whose whole-vector tail load stays inside the array.
        long room = (long) a.length - off - end - L;
        long fit = room < 0 ? 0 : room / n + 1;
        int safe = (int) Math.max(0, Math.min(runs, fit));
        int r = 0;
        for (; r + 1 < safe; r += 2) {
            int o0 = off + r * n;
            int o1 = o0 + n;
            FloatVector s0 = zero.blend(FloatVector.fromArray(F, a, o0 + end), tail);
            FloatVector s1 = zero.blend(FloatVector.fromArray(F, a, o1 + end), tail);
            for (int i = 0; i < end; i += L) {
                s0 = s0.add(FloatVector.fromArray(F, a, o0 + i));
                s1 = s1.add(FloatVector.fromArray(F, a, o1 + i));
            }
            dst[d + r] = s0.reduceLanes(VectorOperators.ADD);
            dst[d + r + 1] = s1.reduceLanes(VectorOperators.ADD);
        }
        // The runs left, one at a time in the same order of operations, so that a run's sum does not
        // depend on its neighbours (the thread split, the batch): near the array's end the tail is a
        // masked load, which reads only the run's lanes and gives the same zeros as the blend.
        for (; r < runs; r++) {
            int o0 = off + r * n;
            FloatVector s0 = r < safe
                    ? zero.blend(FloatVector.fromArray(F, a, o0 + end), tail)
                    : end < n ? FloatVector.fromArray(F, a, o0 + end, tail) : zero;
            for (int i = 0; i < end; i += L) s0 = s0.add(FloatVector.fromArray(F, a, o0 + i));
            dst[d + r] = s0.reduceLanes(VectorOperators.ADD);
        }
    }

    // Vertical passes over a table of rows: each output row's taps are reduced block by block in
    // registers and stored once, so a narrow plane costs one call instead of one call per row, and
    // the row buffer is written once instead of read and written per tap.

    // The vertical loops stay inside verticalMax and verticalSum, one loop per tap count: the two
    // methods run once per output row, so C2 compiles them early and recompiles them when a new tap
    // count appears. (Split into one small method per row shape, a shape first met on a cold path
    // stayed at the first compilation tier, where the Vector API runs its boxed fallback: 2-D k2 s2
    // on 224-wide rows ran 5x slower after a k3 s2 problem.)

    @Override
    public void verticalMax(
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
            boolean nan) {
        int last = n - L;
        for (int r = r0; r < r1; r++) {
            int d = dOff + (r - r0) * dStride;
            int o = r * maxT;
            int taps = cnt[r];
            if (last < 0) {
                // A row shorter than a vector: one whole vector, its extra lanes written past the
                // row (the contract's slack), unless the reads would leave the array.
                // A row's offsets increase with t (the contract): its last tap reaches furthest.
                if (base + offs[o + taps - 1] + L > src.length || d + L > dst.length) {
                    scalar.verticalMax(src, base, offs, cnt, maxT, r, r + 1, dst, d, dStride, n, nan);
                    continue;
                }
            }
            int first = base + offs[o];
            // Whole blocks, then one block ending at the row's end (overlapping; a maximum recomputed
            // from the inputs is the same), or the single short block.
            int c = 0;
            int stop = Math.max(last, 0);
            // Counted loops (then the last block on its own): C2 hoists the range checks of a counted loop
            // and unrolls it; the earlier form, a loop whose step was min(c + L, stop), kept four checks
            // per vector and ran a 3-tap vertical sum 3x slower in a standalone measurement. Rows of at
            // most two vectors take their blocks without a loop: the counted loop's setup made 14-wide
            // rows (vgg_pool5) 15 % slower.
            if (nan && taps == 3) {
                int a1 = base + offs[o + 1];
                int a2 = base + offs[o + 2];
                if (stop > L) {
                    for (; c < stop; c += L) max3n(src, first + c, a1 + c, a2 + c, dst, d + c);
                } else if (stop > 0) {
                    max3n(src, first, a1, a2, dst, d);
                }
                max3n(src, first + stop, a1 + stop, a2 + stop, dst, d + stop);
            } else if (nan && taps == 4) {
                // 2 x 2 rows of 3-D windows (C3D's k2 s2).
                int a1 = base + offs[o + 1];
                int a2 = base + offs[o + 2];
                int a3 = base + offs[o + 3];
                if (stop > L) {
                    for (; c < stop; c += L) max4n(src, first + c, a1 + c, a2 + c, a3 + c, dst, d + c);
                } else if (stop > 0) {
                    max4n(src, first, a1, a2, a3, dst, d);
                }
                max4n(src, first + stop, a1 + stop, a2 + stop, a3 + stop, dst, d + stop);
            } else if (nan && taps == 2) {
                int a1 = base + offs[o + 1];
                if (stop > L) {
                    for (; c < stop; c += L) max2n(src, first + c, a1 + c, dst, d + c);
                } else if (stop > 0) {
                    max2n(src, first, a1, dst, d);
                }
                max2n(src, first + stop, a1 + stop, dst, d + stop);
            } else {
                if (stop > L) {
                    for (; c < stop; c += L) maxK(src, base, offs, o, taps, first, c, dst, d, nan);
                } else if (stop > 0) {
                    maxK(src, base, offs, o, taps, first, 0, dst, d, nan);
                }
                maxK(src, base, offs, o, taps, first, stop, dst, d, nan);
            }
        }
    }

    private static void max3n(float[] src, int i0, int i1, int i2, float[] dst, int d) {
        FloatVector x = FloatVector.fromArray(F, src, i0);
        FloatVector y = FloatVector.fromArray(F, src, i1);
        x = x.blend(y, y.compare(VectorOperators.GT, x).or(y.compare(VectorOperators.NE, y)));
        FloatVector z = FloatVector.fromArray(F, src, i2);
        x.blend(z, z.compare(VectorOperators.GT, x).or(z.compare(VectorOperators.NE, z)))
                .intoArray(dst, d);
    }

    private static void max4n(float[] src, int i0, int i1, int i2, int i3, float[] dst, int d) {
        FloatVector x = FloatVector.fromArray(F, src, i0);
        FloatVector y = FloatVector.fromArray(F, src, i1);
        x = x.blend(y, y.compare(VectorOperators.GT, x).or(y.compare(VectorOperators.NE, y)));
        FloatVector z = FloatVector.fromArray(F, src, i2);
        x = x.blend(z, z.compare(VectorOperators.GT, x).or(z.compare(VectorOperators.NE, z)));
        FloatVector w = FloatVector.fromArray(F, src, i3);
        x.blend(w, w.compare(VectorOperators.GT, x).or(w.compare(VectorOperators.NE, w)))
                .intoArray(dst, d);
    }

    private static void max2n(float[] src, int i0, int i1, float[] dst, int d) {
        FloatVector x = FloatVector.fromArray(F, src, i0);
        FloatVector y = FloatVector.fromArray(F, src, i1);
        x.blend(y, y.compare(VectorOperators.GT, x).or(y.compare(VectorOperators.NE, y)))
                .intoArray(dst, d);
    }

    /** The block at {@code c} of a vertical maximum over {@code taps} rows. */
    private static void maxK(
            float[] src, int base, int[] offs, int o, int taps, int first, int c, float[] dst, int d, boolean nan) {
        FloatVector acc = FloatVector.fromArray(F, src, first + c);
        for (int t = 1; t < taps; t++) {
            FloatVector v = FloatVector.fromArray(F, src, base + offs[o + t] + c);
            VectorMask<Float> m = v.compare(VectorOperators.GT, acc);
            acc = acc.blend(v, nan ? m.or(v.compare(VectorOperators.NE, v)) : m);
        }
        acc.intoArray(dst, d + c);
    }

    @Override
    public void verticalSum(
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
            int n) {
        int last = n - L;
        for (int r = r0; r < r1; r++) {
            int d = dOff + (r - r0) * dStride;
            int o = r * maxT;
            int taps = cnt[r];
            if (last < 0) {
                // A row's offsets increase with t (the contract): its last tap reaches furthest.
                if (base + offs[o + taps - 1] + L > src.length || d + L > dst.length) {
                    scalar.verticalSum(src, base, offs, cnt, maxT, r, r + 1, dst, d, dStride, n);
                    continue;
                }
            }
            int first = base + offs[o];
            int c = 0;
            int stop = Math.max(last, 0);
            // Counted loops, as in verticalMax.
            if (taps == 3) {
                int a1 = base + offs[o + 1];
                int a2 = base + offs[o + 2];
                if (stop > L) {
                    for (; c < stop; c += L) sum3(src, first + c, a1 + c, a2 + c, dst, d + c);
                } else if (stop > 0) {
                    sum3(src, first, a1, a2, dst, d);
                }
                sum3(src, first + stop, a1 + stop, a2 + stop, dst, d + stop);
            } else if (taps == 2) {
                int a1 = base + offs[o + 1];
                if (stop > L) {
                    for (; c < stop; c += L) sum2(src, first + c, a1 + c, dst, d + c);
                } else if (stop > 0) {
                    sum2(src, first, a1, dst, d);
                }
                sum2(src, first + stop, a1 + stop, dst, d + stop);
            } else {
                if (stop > L) {
                    for (; c < stop; c += L) sumK(src, base, offs, o, taps, first, c, dst, d);
                } else if (stop > 0) {
                    sumK(src, base, offs, o, taps, first, 0, dst, d);
                }
                sumK(src, base, offs, o, taps, first, stop, dst, d);
            }
        }
    }

    private static void sum3(float[] src, int i0, int i1, int i2, float[] dst, int d) {
        FloatVector.fromArray(F, src, i0)
                .add(FloatVector.fromArray(F, src, i1))
                .add(FloatVector.fromArray(F, src, i2))
                .intoArray(dst, d);
    }

    private static void sum2(float[] src, int i0, int i1, float[] dst, int d) {
        FloatVector.fromArray(F, src, i0).add(FloatVector.fromArray(F, src, i1)).intoArray(dst, d);
    }

    /** The block at {@code c} of a vertical sum over {@code taps} rows. */
    private static void sumK(float[] src, int base, int[] offs, int o, int taps, int first, int c, float[] dst, int d) {
        FloatVector acc = FloatVector.fromArray(F, src, first + c);
        for (int t = 1; t < taps; t++) acc = acc.add(FloatVector.fromArray(F, src, base + offs[o + t] + c));
        acc.intoArray(dst, d + c);
    }

    @Override
    public int nextZero(float[] a, int from, int to) {
        int i = from;
        for (int end = to - L; i <= end; i += L) {
            VectorMask<Float> z = FloatVector.fromArray(F, a, i).compare(VectorOperators.EQ, 0f);
            if (z.anyTrue()) return i + z.firstTrue();
        }
        return scalar.nextZero(a, i, to);
    }

    /**
     * Per-thread gather maps of {@link #interleave} and {@link #deinterleave}: lane j reads
     * {@code j * stride}; rebuilt only when a call asks for another stride.
     */
    private static final class Maps {
        final int[] planeMap = new int[L];
        final int[] laneMap = new int[L];
        int planeStride = -1;
        int laneStride = -1;

        int[] planes(int stride) {
            if (stride != planeStride) {
                for (int j = 0; j < L; j++) planeMap[j] = j * stride;
                planeStride = stride;
            }
            return planeMap;
        }

        int[] lanes(int stride) {
            if (stride != laneStride) {
                for (int j = 0; j < L; j++) laneMap[j] = j * stride;
                laneStride = stride;
            }
            return laneMap;
        }
    }

    private static final ThreadLocal<Maps> MAPS = ThreadLocal.withInitial(Maps::new);

    /**
     * Whether the interleaves use the Vector API's gathers: on JDK 17 a gather with an index map
     * compiled, in some runs, to its boxed fallback (tens of KB allocated per call, found with JFR's
     * allocation samples), so there the scalar loops run, which allocate nothing.
     */
    private static final boolean GATHERS = Runtime.version().feature() >= 21;

    @Override
    public boolean interleave(float[] src, int s, int planeStride, int planes, int n, float[] dst, int d) {
        // One gather per position and group of L planes, stored as one vector: measured faster than
        // either scalar loop order (the reads stay L sequential streams, the writes whole vectors).
        if (!GATHERS || planes % L != 0 || n < L) return scalar.interleave(src, s, planeStride, planes, n, dst, d);
        int[] map = MAPS.get().planes(planeStride);
        boolean nan = false;
        for (int g = 0; g < planes; g += L) {
            int r = s + g * planeStride;
            for (int i = 0; i < n; i++) {
                FloatVector.fromArray(F, src, r + i, map, 0).intoArray(dst, d + i * planes + g);
            }
        }
        // The NaN check reads the rows again, from cache, as plain vectors: folded into the gather loop
        // it doubled that loop's time on JDK 17.
        for (int j = 0; j < planes && !nan; j++) nan = anyNaN(src, s + j * planeStride, n);
        return nan;
    }

    /** Whether any of {@code a[off .. off+n)} is NaN; {@code n >= L}. */
    private boolean anyNaN(float[] a, int off, int n) {
        // v - v is NaN exactly where v is NaN or infinite: a subtract and an add per vector, and a
        // scalar look only when some lane was either.
        FloatVector acc = FloatVector.zero(F);
        int last = off + n - L;
        for (int i = off; i < last; i += L) {
            FloatVector v = FloatVector.fromArray(F, a, i);
            acc = acc.add(v.sub(v));
        }
        FloatVector v = FloatVector.fromArray(F, a, last);
        acc = acc.add(v.sub(v));
        float sum = acc.reduceLanes(VectorOperators.ADD);
        return sum != sum && scalar.anyNaN(a, off, n);
    }

    @Override
    public void deinterleave(float[] src, int s, int planes, int n, float[] dst, int d, int planeStride) {
        // Each plane's row gathered L positions at a time from the block (in cache) and stored as one
        // vector; the last vector of a row overlaps the one before instead of running a scalar tail.
        if (!GATHERS || n < L) {
            scalar.deinterleave(src, s, planes, n, dst, d, planeStride);
            return;
        }
        int[] map = MAPS.get().lanes(planes);
        int last = n - L;
        for (int j = 0; j < planes; j++) {
            int r = d + j * planeStride;
            for (int i = 0; i < last; i += L)
                FloatVector.fromArray(F, src, s + i * planes + j, map, 0).intoArray(dst, r + i);
            FloatVector.fromArray(F, src, s + last * planes + j, map, 0).intoArray(dst, r + last);
        }
    }

    // pairMax computes the pair's scan at every position of two vectors (shifted loads), then keeps
    // the even positions with the stride-2 shuffles, values and taps alike.

    @Override
    public void pairMax(float[] src, int s, int n, float floor, boolean nan, float[] dst, float[] tap, int d) {
        int j = 0;
        // The shifted load of the second vector reads one float past the last pair.
        int end = Math.min(n - L, Math.floorDiv(src.length - s - 2 * L - 1, 2));
        if (end >= 0) {
            if (tap == null) j = nan ? pairsNaN(src, s, end, floor, dst, d) : pairs(src, s, end, floor, dst, d);
            else j = nan ? pairTapsNaN(src, s, end, floor, dst, tap, d) : pairTaps(src, s, end, floor, dst, tap, d);
        }
        if (j < n) scalar.pairMax(src, s + 2 * j, n - j, floor, nan, dst, tap, d + j);
    }

    private static int pairs(float[] src, int s, int end, float floor, float[] dst, int d) {
        FloatVector f = FloatVector.broadcast(F, floor);
        int j = 0;
        for (; j <= end; j += L) {
            int p = s + 2 * j;
            FloatVector x0 = FloatVector.fromArray(F, src, p);
            FloatVector x1 = FloatVector.fromArray(F, src, p + 1);
            FloatVector a = f.blend(x0, x0.compare(VectorOperators.GT, f));
            a = a.blend(x1, x1.compare(VectorOperators.GT, a));
            FloatVector y0 = FloatVector.fromArray(F, src, p + L);
            FloatVector y1 = FloatVector.fromArray(F, src, p + L + 1);
            FloatVector b = f.blend(y0, y0.compare(VectorOperators.GT, f));
            b = b.blend(y1, y1.compare(VectorOperators.GT, b));
            a.rearrange(S2_0).blend(b.rearrange(S2_1), M2_1).intoArray(dst, d + j);
        }
        return j;
    }

    private static int pairsNaN(float[] src, int s, int end, float floor, float[] dst, int d) {
        FloatVector f = FloatVector.broadcast(F, floor);
        int j = 0;
        for (; j <= end; j += L) {
            int p = s + 2 * j;
            FloatVector x0 = FloatVector.fromArray(F, src, p);
            FloatVector x1 = FloatVector.fromArray(F, src, p + 1);
            FloatVector a = f.blend(x0, x0.compare(VectorOperators.GT, f).or(x0.compare(VectorOperators.NE, x0)));
            a = a.blend(x1, x1.compare(VectorOperators.GT, a).or(x1.compare(VectorOperators.NE, x1)));
            FloatVector y0 = FloatVector.fromArray(F, src, p + L);
            FloatVector y1 = FloatVector.fromArray(F, src, p + L + 1);
            FloatVector b = f.blend(y0, y0.compare(VectorOperators.GT, f).or(y0.compare(VectorOperators.NE, y0)));
            b = b.blend(y1, y1.compare(VectorOperators.GT, b).or(y1.compare(VectorOperators.NE, y1)));
            a.rearrange(S2_0).blend(b.rearrange(S2_1), M2_1).intoArray(dst, d + j);
        }
        return j;
    }

    private static int pairTaps(float[] src, int s, int end, float floor, float[] dst, float[] tap, int d) {
        FloatVector f = FloatVector.broadcast(F, floor);
        FloatVector none = FloatVector.broadcast(F, -1f);
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int j = 0;
        for (; j <= end; j += L) {
            int p = s + 2 * j;
            FloatVector x0 = FloatVector.fromArray(F, src, p);
            FloatVector x1 = FloatVector.fromArray(F, src, p + 1);
            VectorMask<Float> m = x0.compare(VectorOperators.GT, f);
            FloatVector a = f.blend(x0, m);
            FloatVector ta = none.blend(zero, m);
            m = x1.compare(VectorOperators.GT, a);
            a = a.blend(x1, m);
            ta = ta.blend(one, m);
            FloatVector y0 = FloatVector.fromArray(F, src, p + L);
            FloatVector y1 = FloatVector.fromArray(F, src, p + L + 1);
            m = y0.compare(VectorOperators.GT, f);
            FloatVector b = f.blend(y0, m);
            FloatVector tb = none.blend(zero, m);
            m = y1.compare(VectorOperators.GT, b);
            b = b.blend(y1, m);
            tb = tb.blend(one, m);
            a.rearrange(S2_0).blend(b.rearrange(S2_1), M2_1).intoArray(dst, d + j);
            ta.rearrange(S2_0).blend(tb.rearrange(S2_1), M2_1).intoArray(tap, d + j);
        }
        return j;
    }

    private static int pairTapsNaN(float[] src, int s, int end, float floor, float[] dst, float[] tap, int d) {
        FloatVector f = FloatVector.broadcast(F, floor);
        FloatVector none = FloatVector.broadcast(F, -1f);
        FloatVector zero = FloatVector.zero(F);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int j = 0;
        for (; j <= end; j += L) {
            int p = s + 2 * j;
            FloatVector x0 = FloatVector.fromArray(F, src, p);
            FloatVector x1 = FloatVector.fromArray(F, src, p + 1);
            VectorMask<Float> m = x0.compare(VectorOperators.GT, f).or(x0.compare(VectorOperators.NE, x0));
            FloatVector a = f.blend(x0, m);
            FloatVector ta = none.blend(zero, m);
            m = x1.compare(VectorOperators.GT, a).or(x1.compare(VectorOperators.NE, x1));
            a = a.blend(x1, m);
            ta = ta.blend(one, m);
            FloatVector y0 = FloatVector.fromArray(F, src, p + L);
            FloatVector y1 = FloatVector.fromArray(F, src, p + L + 1);
            m = y0.compare(VectorOperators.GT, f).or(y0.compare(VectorOperators.NE, y0));
            FloatVector b = f.blend(y0, m);
            FloatVector tb = none.blend(zero, m);
            m = y1.compare(VectorOperators.GT, b).or(y1.compare(VectorOperators.NE, y1));
            b = b.blend(y1, m);
            tb = tb.blend(one, m);
            a.rearrange(S2_0).blend(b.rearrange(S2_1), M2_1).intoArray(dst, d + j);
            ta.rearrange(S2_0).blend(tb.rearrange(S2_1), M2_1).intoArray(tap, d + j);
        }
        return j;
    }

    @Override
    public void maxMerge(
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
            boolean nan) {
        int end = F.loopBound(n);
        int i = nan
                ? mergeNaN(a, aTap, aOff, b, bTap, bOff, tapShift, dst, dTap, d, end)
                : merge(a, aTap, aOff, b, bTap, bOff, tapShift, dst, dTap, d, end);
        if (i < n) scalar.maxMerge(a, aTap, aOff + i, b, bTap, bOff + i, tapShift, dst, dTap, d + i, n - i, nan);
    }

    private static int merge(
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
            int end) {
        int i = 0;
        for (; i < end; i += L) {
            FloatVector x = FloatVector.fromArray(F, a, aOff + i);
            FloatVector y = FloatVector.fromArray(F, b, bOff + i);
            VectorMask<Float> m = y.compare(VectorOperators.GT, x);
            FloatVector tx = FloatVector.fromArray(F, aTap, aOff + i);
            FloatVector ty = FloatVector.fromArray(F, bTap, bOff + i).add(tapShift);
            x.blend(y, m).intoArray(dst, d + i);
            tx.blend(ty, m).intoArray(dTap, d + i);
        }
        return i;
    }

    private static int mergeNaN(
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
            int end) {
        int i = 0;
        for (; i < end; i += L) {
            FloatVector x = FloatVector.fromArray(F, a, aOff + i);
            FloatVector y = FloatVector.fromArray(F, b, bOff + i);
            VectorMask<Float> m = y.compare(VectorOperators.GT, x).or(y.compare(VectorOperators.NE, y));
            FloatVector tx = FloatVector.fromArray(F, aTap, aOff + i);
            FloatVector ty = FloatVector.fromArray(F, bTap, bOff + i).add(tapShift);
            x.blend(y, m).intoArray(dst, d + i);
            tx.blend(ty, m).intoArray(dTap, d + i);
        }
        return i;
    }

    @Override
    public void expand(float[] src, int s, int n, int k, float[] dst, int d) {
        int i = 0;
        if (k == 2) {
            int end = F.loopBound(n);
            for (; i < end; i += L) {
                FloatVector v = FloatVector.fromArray(F, src, s + i);
                v.rearrange(DUP_LO).intoArray(dst, d + 2 * i);
                v.rearrange(DUP_HI).intoArray(dst, d + 2 * i + L);
            }
        }
        if (i < n) scalar.expand(src, s + i, n - i, k, dst, d + i * k);
    }
}
