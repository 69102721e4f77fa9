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
 * chain of two-vector shuffles (one for s = 2): loads and blends are cheap next to the memory
 * traffic, and no gather instruction is needed.
 */
final class VectorRowOps implements RowOps {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Largest stride served by the shuffle chain; larger strides take the scalar loop. */
    private static final int MAX_STRIDE = 8;
    /** SHUFFLES[s][k]: step k (1..s-1) of the chain that collects lanes s*i of s vectors. */
    private static final VectorShuffle<Float>[][] SHUFFLES = buildShuffles();

    private final ScalarRowOps scalar = ScalarRowOps.INSTANCE;

    private VectorRowOps() {}

    static VectorRowOps create() {
        if (L < 4 || I.length() != L) {
            throw new UnsupportedOperationException("preferred vector width " + F.vectorBitSize() + " bits is too small for SIMD pooling");
        }
        return new VectorRowOps();
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[][] buildShuffles() {
        VectorShuffle<Float>[][] all = new VectorShuffle[MAX_STRIDE + 1][];
        for (int s = 2; s <= MAX_STRIDE && s <= L; s++) {
            all[s] = new VectorShuffle[s];
            for (int k = 1; k < s; k++) {
                int[] idx = new int[L];
                for (int i = 0; i < L; i++) {
                    int src = s * i;           // position in the concatenation of the s vectors
                    int vec = src / L;
                    // Step 1 reads vector 0 as it is; later steps read the partial result, where
                    // lanes from earlier vectors already sit at i. Lanes of vector k come from the
                    // second operand (index L + lane, partially wrapped by the API); lanes of later
                    // vectors are filled by later steps.
                    if (vec == k) idx[i] = L + (src - k * L);
                    else if (vec < k && k == 1) idx[i] = src;
                    else idx[i] = i;
                }
                all[s][k] = VectorShuffle.fromArray(F, idx, 0);
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

    private static FloatVector pick(FloatVector acc, FloatVector v, boolean nan) {
        VectorMask<Float> m = v.compare(VectorOperators.GT, acc);
        if (nan) m = m.or(v.test(VectorOperators.IS_NAN));
        return acc.blend(v, m);
    }

    @Override
    public void max2(float[] a, int aOff, float[] b, int bOff, float[] dst, int dOff, int n, boolean nan) {
        int i = 0;
        for (int end = F.loopBound(n); i < end; i += L) {
            FloatVector x = FloatVector.fromArray(F, a, aOff + i);
            FloatVector y = FloatVector.fromArray(F, b, bOff + i);
            pick(x, y, nan).intoArray(dst, dOff + i);
        }
        if (i < n) scalar.max2(a, aOff + i, b, bOff + i, dst, dOff + i, n - i, nan);
    }

    @Override
    public void maxInto(float[] src, int sOff, float[] acc, int accOff, int n, boolean nan) {
        int i = 0;
        for (int end = F.loopBound(n); i < end; i += L) {
            FloatVector x = FloatVector.fromArray(F, acc, accOff + i);
            FloatVector y = FloatVector.fromArray(F, src, sOff + i);
            pick(x, y, nan).intoArray(acc, accOff + i);
        }
        if (i < n) scalar.maxInto(src, sOff + i, acc, accOff + i, n - i, nan);
    }

    @Override
    public void maxIndexInto(float[] src, int sOff, float[] acc, int accOff, int[] arg, int argOff, int n, int tag, boolean nan) {
        int i = 0;
        IntVector t = IntVector.broadcast(I, tag);
        for (int end = F.loopBound(n); i < end; i += L) {
            FloatVector x = FloatVector.fromArray(F, acc, accOff + i);
            FloatVector y = FloatVector.fromArray(F, src, sOff + i);
            VectorMask<Float> m = y.compare(VectorOperators.GT, x);
            if (nan) m = m.or(y.test(VectorOperators.IS_NAN));
            x.blend(y, m).intoArray(acc, accOff + i);
            IntVector.fromArray(I, arg, argOff + i).blend(t, m.cast(I)).intoArray(arg, argOff + i);
        }
        if (i < n) scalar.maxIndexInto(src, sOff + i, acc, accOff + i, arg, argOff + i, n - i, tag, nan);
    }

    @Override
    public void add2(float[] a, int aOff, float[] b, int bOff, float[] dst, int dOff, int n) {
        int i = 0;
        for (int end = F.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(F, a, aOff + i).add(FloatVector.fromArray(F, b, bOff + i)).intoArray(dst, dOff + i);
        }
        if (i < n) scalar.add2(a, aOff + i, b, bOff + i, dst, dOff + i, n - i);
    }

    @Override
    public void addInto(float[] src, int sOff, float[] acc, int accOff, int n) {
        int i = 0;
        for (int end = F.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(F, acc, accOff + i).add(FloatVector.fromArray(F, src, sOff + i)).intoArray(acc, accOff + i);
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

    @Override
    public void windowMax(float[] row, int r, float[] out, int o, int count, int stride, int k, int dil, boolean nan) {
        int j = 0;
        if (stride == 1) {
            for (int end = F.loopBound(count); j < end; j += L) {
                int p = r + j;
                FloatVector acc = FloatVector.fromArray(F, row, p);
                for (int t = 1; t < k; t++) acc = pick(acc, FloatVector.fromArray(F, row, p + t * dil), nan);
                acc.intoArray(out, o + j);
            }
        } else if (stride <= MAX_STRIDE && SHUFFLES[stride] != null) {
            VectorShuffle<Float>[] chain = SHUFFLES[stride];
            int span = stride * L;
            int reach = span - 1 + (k - 1) * dil;   // last element read by a block, from its first
            for (; j + L <= count && r + j * stride + reach < row.length; j += L) {
                int p = r + j * stride;
                FloatVector res = null;
                for (int v = 0; v < stride; v++) {
                    int q = p + v * L;
                    FloatVector acc = FloatVector.fromArray(F, row, q);
                    for (int t = 1; t < k; t++) acc = pick(acc, FloatVector.fromArray(F, row, q + t * dil), nan);
                    res = v == 0 ? acc : res.rearrange(chain[v], acc);
                }
                res.intoArray(out, o + j);
            }
        }
        if (j < count) scalar.windowMax(row, r + j * stride, out, o + j, count - j, stride, k, dil, nan);
    }

    @Override
    public void windowSum(float[] row, int r, float[] out, int o, int count, int stride, int k, int dil) {
        int j = 0;
        if (stride == 1) {
            for (int end = F.loopBound(count); j < end; j += L) {
                int p = r + j;
                FloatVector acc = FloatVector.fromArray(F, row, p);
                for (int t = 1; t < k; t++) acc = acc.add(FloatVector.fromArray(F, row, p + t * dil));
                acc.intoArray(out, o + j);
            }
        } else if (stride <= MAX_STRIDE && SHUFFLES[stride] != null) {
            VectorShuffle<Float>[] chain = SHUFFLES[stride];
            int reach = stride * L - 1 + (k - 1) * dil;
            for (; j + L <= count && r + j * stride + reach < row.length; j += L) {
                int p = r + j * stride;
                FloatVector res = null;
                for (int v = 0; v < stride; v++) {
                    int q = p + v * L;
                    FloatVector acc = FloatVector.fromArray(F, row, q);
                    for (int t = 1; t < k; t++) acc = acc.add(FloatVector.fromArray(F, row, q + t * dil));
                    res = v == 0 ? acc : res.rearrange(chain[v], acc);
                }
                res.intoArray(out, o + j);
            }
        }
        if (j < count) scalar.windowSum(row, r + j * stride, out, o + j, count - j, stride, k, dil);
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
                FloatVector.fromArray(F, row, base + j).add(FloatVector.fromArray(F, delta, d + j)).intoArray(row, base + j);
            }
            for (; j < count; j++) row[base + j] += delta[d + j];
        }
    }

    @Override
    public float maxRange(float[] a, int off, int n, float init, boolean nan) {
        if (n < 2 * L) return scalar.maxRange(a, off, n, init, nan);
        FloatVector acc = FloatVector.broadcast(F, init);
        int i = 0;
        for (int end = F.loopBound(n); i < end; i += L) acc = pick(acc, FloatVector.fromArray(F, a, off + i), nan);
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
}
