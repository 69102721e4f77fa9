package org.pooling4j.internal.kernels;

import org.pooling4j.Geometry;
import org.pooling4j.PoolOp;
import org.pooling4j.internal.Shapes;

/** The reference kernel's windows of one plane: shared geometry arrays, or per-plane fractional intervals. */
final class Windows {
    final int rank;
    int[][] start;
    int[][] lo;
    int[][] hi;
    int[][] span;
    int[] step;
    final int[] inStride;
    final int[] o;
    final int[] t;
    /** Value of the last {@code maxArg}. */
    float best;
    /** Average of the last {@code torchLp}. */
    float torchAvg;
    /** Row-major strides of a tap within the full window (sliding operators), for {@link #tapIndex()}. */
    final int[] tapStride;

    Windows(Geometry g) {
        rank = g.rank();
        inStride = new int[rank];
        int s = 1;
        for (int a = rank - 1; a >= 0; a--) {
            inStride[a] = s;
            s *= g.inSize(a);
        }
        o = new int[rank];
        t = new int[rank];
        tapStride = new int[rank];
        if (g.spec().op().isSliding()) {
            int ts = 1;
            for (int a = rank - 1; a >= 0; a--) {
                tapStride[a] = ts;
                ts *= g.spec().kernelAt(a);
            }
        }
        if (g.spec().op() == PoolOp.FRACTIONAL_MAX) {
            start = new int[rank][];
            lo = new int[rank][];
            hi = new int[rank][];
            span = hi;
            step = new int[rank];
            for (int a = 0; a < rank; a++) {
                int out = g.outSize(a);
                start[a] = new int[out];
                lo[a] = new int[out];
                hi[a] = new int[out];
                step[a] = 1;
                java.util.Arrays.fill(hi[a], g.spec().kernelAt(a));
            }
        } else {
            start = g.startArray();
            lo = g.validLoArray();
            hi = g.validHiArray();
            span = g.spanArray();
            step = g.stepArray();
        }
    }

    /** Loads the fractional intervals of plane {@code plane}. */
    void loadFractional(Geometry g, float[] samples, int plane) {
        for (int a = 0; a < rank; a++) {
            Shapes.fractionalStarts(
                    samples[plane * rank + a],
                    g.inSize(a),
                    g.outSize(a),
                    g.spec().kernelAt(a),
                    start[a]);
        }
    }

    /** Advances the output odometer {@code o} in row-major order. */
    void nextOutput(int[] outSize) {
        for (int a = rank - 1; a >= 0; a--) {
            if (++o[a] < outSize[a]) return;
            o[a] = 0;
        }
    }

    boolean empty() {
        for (int a = 0; a < rank; a++) {
            if (hi[a][o[a]] <= lo[a][o[a]]) return true;
        }
        return false;
    }

    /** Sets the tap odometer to the first valid tap. */
    void firstTap() {
        for (int a = 0; a < rank; a++) t[a] = lo[a][o[a]];
    }

    /** Advances the tap odometer over valid taps; false when done. */
    boolean nextTap() {
        for (int a = rank - 1; a >= 0; a--) {
            if (++t[a] < hi[a][o[a]]) return true;
            t[a] = lo[a][o[a]];
        }
        return false;
    }

    /** Row-major plane position of the current tap. */
    int tapPosition() {
        int p = 0;
        for (int a = 0; a < rank; a++) p += (start[a][o[a]] + t[a] * step[a]) * inStride[a];
        return p;
    }

    /** Row-major index of the current tap within the full window, padded taps included. */
    int tapIndex() {
        int k = 0;
        for (int a = 0; a < rank; a++) k += t[a] * tapStride[a];
        return k;
    }

    /** Plane position of the first tap at a non-negative position on every axis (PyTorch's initial index). */
    int firstNonNegativePosition() {
        int p = 0;
        for (int a = 0; a < rank; a++) p += (start[a][o[a]] + lo[a][o[a]] * step[a]) * inStride[a];
        return p;
    }

    // Counts are products over axes that can exceed 2^63 with huge kernels; double keeps them
    // exact up to 2^53 and close beyond, where a long would wrap.
    double validCount() {
        double n = 1;
        for (int a = 0; a < rank; a++) n *= hi[a][o[a]] - lo[a][o[a]];
        return n;
    }

    double spanCount() {
        double n = 1;
        for (int a = 0; a < rank; a++) n *= span[a][o[a]];
        return n;
    }
}
