package org.pooling4j.spi;

/** Plain loops: the fallback implementation of {@link RowOps}, and the one SIMD code is compared with. */
public final class ScalarRowOps implements RowOps {
    public static final ScalarRowOps INSTANCE = new ScalarRowOps();

    private ScalarRowOps() {}

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public String describe() {
        return "scalar loops";
    }

    @Override
    public int lanes() {
        return 1;
    }

    @Override
    public void max2(float[] a, int aOff, float[] b, int bOff, float[] dst, int dOff, int n, boolean nan) {
        for (int i = 0; i < n; i++) {
            float x = a[aOff + i];
            float y = b[bOff + i];
            dst[dOff + i] = y > x || (nan && y != y) ? y : x;
        }
    }

    @Override
    public void maxInto(float[] src, int sOff, float[] acc, int accOff, int n, boolean nan) {
        if (nan) {
            // Branch-free; only the sign of a zero maximum may differ from the scan (see RowOps).
            for (int i = 0; i < n; i++) acc[accOff + i] = Math.max(acc[accOff + i], src[sOff + i]);
            return;
        }
        for (int i = 0; i < n; i++) {
            float y = src[sOff + i];
            if (y > acc[accOff + i] || (nan && y != y)) acc[accOff + i] = y;
        }
    }

    @Override
    public void maxIndexInto(
            float[] src, int sOff, float[] acc, int accOff, int[] arg, int argOff, int n, int tag, boolean nan) {
        for (int i = 0; i < n; i++) {
            float y = src[sOff + i];
            if (y > acc[accOff + i] || (nan && y != y)) {
                acc[accOff + i] = y;
                arg[argOff + i] = tag;
            }
        }
    }

    @Override
    public void maxTaps(float[] src, int s, int tapStride, int k, float[] out, int o, int n, boolean nan) {
        for (int i = 0; i < n; i++) {
            float best = src[s + i];
            for (int t = 1; t < k; t++) {
                float v = src[s + t * tapStride + i];
                if (v > best || (nan && v != v)) best = v;
            }
            out[o + i] = best;
        }
    }

    @Override
    public void sumTaps(float[] src, int s, int tapStride, int k, float[] out, int o, int n) {
        for (int i = 0; i < n; i++) {
            float sum = src[s + i];
            for (int t = 1; t < k; t++) sum += src[s + t * tapStride + i];
            out[o + i] = sum;
        }
    }

    @Override
    public void avgTaps(float[] src, int s, int tapStride, int k, float[] out, int o, int n, float d) {
        for (int i = 0; i < n; i++) {
            float sum = src[s + i];
            for (int t = 1; t < k; t++) sum += src[s + t * tapStride + i];
            out[o + i] = sum / d;
        }
    }

    @Override
    public void addInto(float[] src, int sOff, float[] acc, int accOff, int n) {
        for (int i = 0; i < n; i++) acc[accOff + i] += src[sOff + i];
    }

    @Override
    public void divide(float[] acc, int off, int n, float d) {
        for (int i = 0; i < n; i++) acc[off + i] /= d;
    }

    @Override
    public void divideEach(float[] acc, int off, float[] d, int dOff, int n) {
        for (int i = 0; i < n; i++) acc[off + i] /= d[dOff + i];
    }

    @Override
    public void windowMax(float[] row, int r, float[] out, int o, int count, int stride, int k, int dil, boolean nan) {
        if (nan) {
            // Math.max is branch-free (the compare-and-branch form mispredicts on real data) and
            // propagates NaN; it differs from the scan only in the sign of a zero maximum, which the
            // RowOps contract leaves unspecified here.
            for (int j = 0; j < count; j++) {
                int p = r + j * stride;
                float best = row[p];
                for (int t = 1; t < k; t++) best = Math.max(best, row[p + t * dil]);
                out[o + j] = best;
            }
            return;
        }
        for (int j = 0; j < count; j++) {
            int p = r + j * stride;
            float best = row[p];
            for (int t = 1; t < k; t++) {
                float y = row[p + t * dil];
                if (y > best || (nan && y != y)) best = y;
            }
            out[o + j] = best;
        }
    }

    @Override
    public void windowSum(float[] row, int r, float[] out, int o, int count, int stride, int k, int dil) {
        for (int j = 0; j < count; j++) {
            int p = r + j * stride;
            float s = row[p];
            for (int t = 1; t < k; t++) s += row[p + t * dil];
            out[o + j] = s;
        }
    }

    @Override
    public void windowAvg(
            float[] row, int r, float[] out, int o, int count, int stride, int k, int dil, float[] div, int dOff) {
        for (int j = 0; j < count; j++) {
            int p = r + j * stride;
            float s = row[p];
            for (int t = 1; t < k; t++) s += row[p + t * dil];
            out[o + j] = s / div[dOff + j];
        }
    }

    @Override
    public void windowScatter(float[] delta, int d, float[] row, int r, int count, int stride, int k, int dil) {
        for (int j = 0; j < count; j++) {
            float v = delta[d + j];
            int p = r + j * stride;
            for (int t = 0; t < k; t++) row[p + t * dil] += v;
        }
    }

    @Override
    public float maxRange(float[] a, int off, int n, float init, boolean nan) {
        float best = init;
        for (int i = 0; i < n; i++) {
            float y = a[off + i];
            if (y > best || (nan && y != y)) best = y;
        }
        return best;
    }

    @Override
    public float sumRange(float[] a, int off, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) s += a[off + i];
        return s;
    }

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
        for (int i = 0; i < n; i++) {
            int p = s + i * stride;
            float best = src[p + delta[0]];
            int arg = 0;
            for (int t = 1; t < taps; t++) {
                float v = src[p + delta[t]];
                if (v > best || (nan && v != v)) {
                    best = v;
                    arg = t;
                }
            }
            max[m + i] = best;
            win[w + i] = arg;
        }
    }

    @Override
    public void sumRuns(float[] a, int off, int n, int runs, float[] dst, int d) {
        for (int r = 0; r < runs; r++) dst[d + r] = sumRange(a, off + r * n, n);
    }

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
        for (int r = r0; r < r1; r++) {
            int d = dOff + (r - r0) * dStride;
            int o = r * maxT;
            System.arraycopy(src, base + offs[o], dst, d, n);
            for (int t = 1; t < cnt[r]; t++) maxInto(src, base + offs[o + t], dst, d, n, nan);
        }
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
        for (int r = r0; r < r1; r++) {
            int d = dOff + (r - r0) * dStride;
            int o = r * maxT;
            System.arraycopy(src, base + offs[o], dst, d, n);
            for (int t = 1; t < cnt[r]; t++) addInto(src, base + offs[o + t], dst, d, n);
        }
    }

    @Override
    public int nextZero(float[] a, int from, int to) {
        for (int i = from; i < to; i++) if (a[i] == 0f) return i;
        return to;
    }

    @Override
    public boolean interleave(float[] src, int s, int planeStride, int planes, int n, float[] dst, int d) {
        // Plane by plane: each source row is read as one stream.
        boolean nan = false;
        for (int j = 0; j < planes; j++) {
            int r = s + j * planeStride;
            for (int i = 0; i < n; i++) {
                float v = src[r + i];
                nan |= v != v;
                dst[d + i * planes + j] = v;
            }
        }
        return nan;
    }

    /** Whether any of {@code a[off .. off+n)} is NaN. */
    public boolean anyNaN(float[] a, int off, int n) {
        for (int i = off; i < off + n; i++) if (a[i] != a[i]) return true;
        return false;
    }

    @Override
    public void deinterleave(float[] src, int s, int planes, int n, float[] dst, int d, int planeStride) {
        for (int j = 0; j < planes; j++) {
            int r = d + j * planeStride;
            for (int i = 0; i < n; i++) dst[r + i] = src[s + i * planes + j];
        }
    }

    @Override
    public void pairMax(float[] src, int s, int n, float floor, boolean nan, float[] dst, float[] tap, int d) {
        for (int i = 0; i < n; i++) {
            float x = src[s + 2 * i];
            float y = src[s + 2 * i + 1];
            float best = floor;
            int t = -1;
            if (x > best || (nan && x != x)) {
                best = x;
                t = 0;
            }
            if (y > best || (nan && y != y)) {
                best = y;
                t = 1;
            }
            dst[d + i] = best;
            if (tap != null) tap[d + i] = t;
        }
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
        for (int i = 0; i < n; i++) {
            float x = a[aOff + i];
            float y = b[bOff + i];
            if (y > x || (nan && y != y)) {
                dst[d + i] = y;
                dTap[d + i] = bTap[bOff + i] + tapShift;
            } else {
                dst[d + i] = x;
                dTap[d + i] = aTap[aOff + i];
            }
        }
    }

    @Override
    public void expand(float[] src, int s, int n, int k, float[] dst, int d) {
        for (int i = 0; i < n; i++) {
            float v = src[s + i];
            int o = d + i * k;
            for (int t = 0; t < k; t++) dst[o + t] = v;
        }
    }
}
