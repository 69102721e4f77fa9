package org.pooling4j.bench;

import java.util.Locale;

/** Compares two outputs of the same computation (pooling4j and ONNX Runtime). */
public final class Agreement {
    private Agreement() {}

    /**
     * Null when {@code a} and {@code b} agree, otherwise a one-line description of the worst
     * element. Exact: bit-equal floats (max pooling selects an input, so both sides must return the
     * same one). Otherwise {@code |a - b| <= rtol * max(|a|, |b|) + atol} per element.
     */
    public static String compare(float[] a, float[] b, boolean exact, double rtol, double atol) {
        if (a.length != b.length) return "lengths differ: " + a.length + " vs " + b.length;
        int bad = 0;
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < a.length; i++) {
            float x = a[i];
            float y = b[i];
            boolean ok;
            double excess;
            if (exact) {
                ok = Float.floatToIntBits(x) == Float.floatToIntBits(y);
                excess = ok ? 0 : Math.abs((double) x - y) + 1;
            } else {
                double d = Math.abs((double) x - y);
                double tol = rtol * Math.max(Math.abs(x), Math.abs(y)) + atol;
                ok = d <= tol || (Float.isNaN(x) && Float.isNaN(y));
                excess = ok ? 0 : (Double.isNaN(d) ? Double.MAX_VALUE : d / Math.max(tol, Double.MIN_NORMAL));
            }
            if (!ok) {
                bad++;
                if (worst < 0 || excess > worstExcess) {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }
        if (bad == 0) return null;
        return String.format(
                Locale.ROOT,
                "%d of %d elements differ; worst at %d: %s vs %s",
                bad,
                a.length,
                worst,
                Float.toString(a[worst]),
                Float.toString(b[worst]));
    }
}
