package org.pooling4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A separate oracle for stochastic, mixed, gated and weighted-average pooling, written from the
 * formulas of docs/semantics.md section 16 and calling no library code. Tensors are logical
 * channels-first (N, C, spatial...) arrays of doubles; padding is symmetric.
 *
 * <p>Windows: along axis a, output o reads input positions {@code o*s - p + t*d} for taps
 * {@code t = 0..k-1}; a tap is inside when every coordinate lies in [0, I). The output size is
 * {@code floor((I + 2p - d(k-1) - 1 + (ceil ? s-1 : 0)) / s) + 1}, one less in ceil mode when the last
 * window would start at or after {@code I + p}. Gradients are central differences of the forward in
 * double precision (h = 1e-6), except stochastic training, whose gradient is routed to the drawn tap
 * by definition.
 *
 * <p>Public so that the CLI module's tests can compare the job runner with it.
 */
public final class BeyondOracle {
    /** Operator names as the job runner spells them, without the rank. */
    public enum Op {
        STOCHASTIC,
        MIXED,
        GATED,
        WEIGHTED_AVG
    }

    public final Op op;
    public final int n;
    public final int c;
    public final int[] in;
    public final int[] k;
    public final int[] s;
    public final int[] p;
    public final int[] d;
    public boolean ceil;
    /** Average rule of mixed and gated pooling (default true as PyTorch). */
    public boolean countIncludePad = true;
    /** Divisor override of mixed and gated pooling's average, 0 for none. */
    public int divisorOverride;

    public double alpha;
    /** Gated or weighted-average weights: taps values (shared) or C x taps (per channel, gated). */
    public double[] weights;

    public boolean perChannel;
    /** Weighted-average Gaussian sigma (used when {@link #weights} is null). */
    public double sigma;

    public boolean training = true;
    /** Stochastic uniforms, one per output element in logical order. */
    public double[] u;

    public BeyondOracle(Op op, int n, int c, int[] in, int[] k, int[] s, int[] p, int[] d) {
        this.op = op;
        this.n = n;
        this.c = c;
        this.in = in.clone();
        this.k = k.clone();
        this.s = s.clone();
        this.p = p.clone();
        this.d = d.clone();
    }

    public int rank() {
        return in.length;
    }

    public int[] outSize() {
        int[] o = new int[rank()];
        for (int a = 0; a < rank(); a++) {
            int num = in[a] + 2 * p[a] - d[a] * (k[a] - 1) - 1 + (ceil ? s[a] - 1 : 0);
            int size = Math.floorDiv(num, s[a]) + 1;
            if (ceil && (size - 1) * s[a] >= in[a] + p[a]) size--;
            o[a] = size;
        }
        return o;
    }

    public int taps() {
        int t = 1;
        for (int v : k) t *= v;
        return t;
    }

    static int product(int[] v) {
        int r = 1;
        for (int x : v) r *= x;
        return r;
    }

    public int inputSize() {
        return n * c * product(in);
    }

    public int outputSize() {
        return n * c * product(outSize());
    }

    /** The taps of one window inside the input, in row-major tap order. */
    private static final class Tap {
        final int k;
        final int pos;
        final double[] offset;

        Tap(int k, int pos, double[] offset) {
            this.k = k;
            this.pos = pos;
            this.offset = offset;
        }
    }

    /** One window: its taps inside the input and the include-pad count. */
    private final class Window {
        final List<Tap> inside = new ArrayList<>();
        int padCount;
    }

    private Window window(int[] o) {
        Window w = new Window();
        int r = rank();
        int[] t = new int[r];
        for (int i = 0; i < taps(); i++) {
            int rest = i;
            for (int a = r - 1; a >= 0; a--) {
                t[a] = rest % k[a];
                rest /= k[a];
            }
            boolean inside = true;
            boolean beforePadEnd = true;
            int pos = 0;
            double[] off = new double[r];
            for (int a = 0; a < r; a++) {
                int x = o[a] * s[a] - p[a] + t[a] * d[a];
                if (x < 0 || x >= in[a]) inside = false;
                if (x > in[a] - 1 + p[a]) beforePadEnd = false;
                pos = pos * in[a] + x;
                off[a] = t[a] - (k[a] - 1) / 2.0;
            }
            if (beforePadEnd) w.padCount++;
            if (inside) w.inside.add(new Tap(i, pos, off));
        }
        return w;
    }

    /** Runs {@code body} for every (n, c, output position), with the logical output index. */
    private interface Body {
        void at(int plane, int ch, int[] o, int outIndex, Window w);
    }

    private void each(Body body) {
        int[] out = outSize();
        int outPlane = product(out);
        int[] o = new int[rank()];
        for (int plane = 0; plane < n * c; plane++) {
            for (int q = 0; q < outPlane; q++) {
                int rest = q;
                for (int a = rank() - 1; a >= 0; a--) {
                    o[a] = rest % out[a];
                    rest /= out[a];
                }
                body.at(plane, plane % c, o, plane * outPlane + q, window(o));
            }
        }
    }

    private double tapWeight(int ch, Tap t) {
        if (op == Op.WEIGHTED_AVG && weights == null) {
            double r2 = 0;
            for (double v : t.offset) r2 += v * v;
            return Math.exp(-r2 / (2 * sigma * sigma));
        }
        return perChannel ? weights[ch * taps() + t.k] : weights[t.k];
    }

    /** The forward output, logical order. */
    public double[] forward(double[] x) {
        double[] y = new double[outputSize()];
        int inPlane = product(in);
        each((plane, ch, o, oi, w) -> y[oi] = value(x, plane * inPlane, ch, w, oi, null));
        return y;
    }

    /** Stochastic training's per-plane index of the drawn tap, logical order. */
    public long[] indices(double[] x) {
        long[] idx = new long[outputSize()];
        int inPlane = product(in);
        each((plane, ch, o, oi, w) -> {
            int[] pick = new int[1];
            value(x, plane * inPlane, ch, w, oi, pick);
            idx[oi] = pick[0];
        });
        return idx;
    }

    private double value(double[] x, int base, int ch, Window w, int oi, int[] pick) {
        List<Tap> taps = w.inside;
        switch (op) {
            case STOCHASTIC: {
                double total = 0;
                for (Tap t : taps) total += x[base + t.pos];
                if (!training) {
                    if (total == 0) return 0;
                    double y = 0;
                    for (Tap t : taps) y += x[base + t.pos] / total * x[base + t.pos];
                    return y;
                }
                if (total == 0) {
                    if (pick != null) pick[0] = taps.get(0).pos;
                    return 0;
                }
                double run = 0;
                Tap chosen = null;
                Tap lastPositive = null;
                for (Tap t : taps) {
                    double pr = x[base + t.pos] / total;
                    if (pr > 0) lastPositive = t;
                    run += pr;
                    if (run > u[oi]) {
                        chosen = t;
                        break;
                    }
                }
                if (chosen == null) chosen = lastPositive;
                if (pick != null) pick[0] = chosen.pos;
                return x[base + chosen.pos];
            }
            case WEIGHTED_AVG: {
                double num = 0;
                double den = 0;
                for (Tap t : taps) {
                    num += tapWeight(ch, t) * x[base + t.pos];
                    den += tapWeight(ch, t);
                }
                return taps.isEmpty() ? 0 : num / den;
            }
            default: {
                double max = Double.NEGATIVE_INFINITY;
                double sum = 0;
                double z = 0;
                for (Tap t : taps) {
                    double v = x[base + t.pos];
                    max = Math.max(max, v);
                    sum += v;
                    if (op == Op.GATED) z += tapWeight(ch, t) * v;
                }
                double divisor = divisorOverride != 0 ? divisorOverride : countIncludePad ? w.padCount : taps.size();
                double avg = sum / divisor;
                double m = op == Op.MIXED ? alpha : 1 / (1 + Math.exp(-z));
                return m * max + (1 - m) * avg;
            }
        }
    }

    /** Gradient with respect to the input for the output gradient {@code gy}, logical order. */
    public double[] gradInput(double[] x, double[] gy) {
        double[] gx = new double[x.length];
        if (op == Op.STOCHASTIC && training) {
            long[] idx = indices(x);
            int outPlane = product(outSize());
            int inPlane = product(in);
            for (int i = 0; i < idx.length; i++) gx[(i / outPlane) * inPlane + (int) idx[i]] += gy[i];
            return gx;
        }
        double h = 1e-6;
        for (int i = 0; i < x.length; i++) {
            double keep = x[i];
            x[i] = keep + h;
            double up = dot(forward(x), gy);
            x[i] = keep - h;
            double down = dot(forward(x), gy);
            x[i] = keep;
            gx[i] = (up - down) / (2 * h);
        }
        return gx;
    }

    /** Gradient with respect to the weights (same layout as {@link #weights}). */
    public double[] gradWeights(double[] x, double[] gy) {
        double[] gw = new double[weights.length];
        double h = 1e-6;
        for (int i = 0; i < weights.length; i++) {
            double keep = weights[i];
            weights[i] = keep + h;
            double up = dot(forward(x), gy);
            weights[i] = keep - h;
            double down = dot(forward(x), gy);
            weights[i] = keep;
            gw[i] = (up - down) / (2 * h);
        }
        return gw;
    }

    static double dot(double[] a, double[] b) {
        double r = 0;
        for (int i = 0; i < a.length; i++) r += a[i] * b[i];
        return r;
    }

    @Override
    public String toString() {
        return op + " n=" + n + " c=" + c + " in=" + Arrays.toString(in) + " k=" + Arrays.toString(k) + " s="
                + Arrays.toString(s)
                + " p=" + Arrays.toString(p) + " d=" + Arrays.toString(d) + (ceil ? " ceil" : "")
                + (countIncludePad ? "" : " exclude-pad")
                + (divisorOverride != 0 ? " div=" + divisorOverride : "") + (op == Op.MIXED ? " alpha=" + alpha : "")
                + (op == Op.STOCHASTIC ? (training ? " training" : " eval") : "") + (perChannel ? " per-channel" : "")
                + (op == Op.WEIGHTED_AVG && weights == null ? " sigma=" + sigma : "");
    }
}
