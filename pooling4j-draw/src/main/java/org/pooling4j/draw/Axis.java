package org.pooling4j.draw;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * One axis of a {@link Chart}: a value range (linear, logarithmic, or one band per category), its
 * ticks and their labels, and its title. Maps values to a fraction of the axis length; the renderer
 * turns fractions into pixels.
 */
public final class Axis {
    private final double lo;
    private final double hi;
    private final boolean log;
    private final double step;
    private final List<String> categories;
    private String title = "";
    private DoubleFunction<String> format;
    /** Whether {@link #format} was set; if not, linear ticks get as many decimals as the step has. */
    private boolean formatSet;

    private Axis(double lo, double hi, boolean log, double step, List<String> categories) {
        this.lo = lo;
        this.hi = hi;
        this.log = log;
        this.step = step;
        this.categories = categories;
        this.format = Axis::plain;
    }

    /** A logarithmic axis over whole decades covering [min, max] (both &gt; 0). */
    public static Axis log(double min, double max) {
        double a = Math.floor(Math.log10(min));
        double b = Math.ceil(Math.log10(max));
        if (b <= a) b = a + 1;
        return new Axis(Math.pow(10, a), Math.pow(10, b), true, 0, null);
    }

    /** A linear axis from 0 to a round value at or above {@code max}, in about five round steps. */
    public static Axis upTo(double max) {
        double step = niceStep(max > 0 ? max / 5 : 0);
        double hi = Math.max(step, Math.ceil(max / step) * step);
        return new Axis(0, hi, false, step, null);
    }

    /**
     * A linear axis covering [min, max] rounded outwards to a round step chosen for about six steps,
     * so that the ticks fall on round numbers.
     */
    public static Axis around(double min, double max) {
        if (!(min <= max)) {
            min = 0;
            max = 1;
        }
        double step = niceStep((max - min) / 6);
        double lo = Math.floor(min / step) * step;
        double hi = Math.ceil(max / step) * step;
        if (hi - lo < step) hi = lo + step;
        return new Axis(lo, hi, false, step, null);
    }

    /** A linear axis from {@code lo} to {@code hi} exactly, with a tick every {@code step} from {@code lo}. */
    public static Axis fixed(double lo, double hi, double step) {
        if (!(hi > lo) || !(step > 0)) throw new IllegalArgumentException("axis [" + lo + ", " + hi + "] step " + step);
        return new Axis(lo, hi, false, step, null);
    }

    /** One band per category, in order, labelled with its name: value i + 0.5 is the middle of band i. */
    public static Axis categories(List<String> names) {
        return new Axis(0, Math.max(1, names.size()), false, 1, List.copyOf(names));
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw} (1 when raw is not positive). */
    public static double niceStep(double raw) {
        if (!(raw > 0)) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw * (1 - 1e-12)) return m * p;
        }
        return 10 * p;
    }

    /** Sets the axis title. */
    public Axis title(String title) {
        this.title = title;
        return this;
    }

    /**
     * Sets how tick values are written (default: on a linear axis, with as many decimals as the step
     * has, so that 99 and 99.5 read 99.0 and 99.5; on a log axis, the shortest plain decimal).
     */
    public Axis format(DoubleFunction<String> format) {
        this.format = format;
        this.formatSet = true;
        return this;
    }

    public String title() {
        return title;
    }

    public double lo() {
        return lo;
    }

    public double hi() {
        return hi;
    }

    public boolean isLog() {
        return log;
    }

    /** The category names, or null for a numeric axis. */
    public List<String> categories() {
        return categories;
    }

    /** Where {@code v} lies along the axis: 0 at the low end, 1 at the high end, clamped to [0, 1]. */
    public double fraction(double v) {
        double f;
        if (log) {
            f = v <= 0 ? 0 : (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
        } else {
            f = (v - lo) / (hi - lo);
        }
        return Math.max(0, Math.min(1, f));
    }

    /** Tick values: each decade on a log axis, every step on a linear one, each band's middle for categories. */
    public List<Double> ticks() {
        List<Double> t = new ArrayList<>();
        if (categories != null) {
            for (int i = 0; i < categories.size(); i++) t.add(i + 0.5);
        } else if (log) {
            for (double v = lo; v <= hi * 1.0001; v *= 10) t.add(v);
        } else {
            long n = Math.round(Math.floor((hi - lo) / step + 1e-9));
            // Multiples of the step, not repeated sums, so that labels come out round.
            for (long i = 0; i <= n; i++) t.add(lo + i * step);
        }
        return t;
    }

    /** Values for faint grid lines between ticks: 2 and 5 times each decade on a log axis, none otherwise. */
    public List<Double> minorTicks() {
        List<Double> t = new ArrayList<>();
        if (log) {
            for (double v = lo; v < hi; v *= 10) {
                t.add(2 * v);
                t.add(5 * v);
            }
        }
        return t;
    }

    /** The label of tick {@code v}. */
    public String label(double v) {
        if (categories != null) {
            int i = (int) Math.floor(v);
            return i >= 0 && i < categories.size() ? categories.get(i) : "";
        }
        if (!formatSet && !log && step > 0) {
            int decimals = Math.max(0, new java.math.BigDecimal(plain(step)).scale());
            return String.format(Locale.ROOT, "%." + decimals + "f", v);
        }
        return format.apply(v);
    }

    /** {@code v} in at most six significant digits, without trailing zeros: 0.1, 2, 1500, 1e-05 stays 0.00001. */
    public static String plain(double v) {
        if (v == 0) return "0";
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.6g", v))
                .stripTrailingZeros()
                .toPlainString();
    }
}
