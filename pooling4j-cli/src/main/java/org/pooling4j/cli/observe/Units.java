package org.pooling4j.cli.observe;

import java.util.Locale;

/** Number formats shared by the {@code report} and {@code top} commands (always {@link Locale#ROOT}). */
final class Units {
    private Units() {}

    /**
     * A duration with three significant digits and a unit chosen by size: {@code 850 ns},
     * {@code 12.3 µs}, {@code 4.56 ms}, {@code 1.20 s}. {@code micro} is the microsecond sign to use
     * ({@code "µ"} for HTML, {@code "u"} where the terminal may not be UTF-8).
     */
    static String duration(double nanos, String micro) {
        if (Double.isNaN(nanos)) return "-";
        double a = Math.abs(nanos);
        if (a < 1e3) return sig3(nanos) + " ns";
        if (a < 1e6) return sig3(nanos / 1e3) + " " + micro + "s";
        if (a < 1e9) return sig3(nanos / 1e6) + " ms";
        return sig3(nanos / 1e9) + " s";
    }

    /** Three significant digits, no exponent below 10^6: 0.123, 1.23, 12.3, 123, 1234. */
    static String sig3(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return String.valueOf(v);
        double a = Math.abs(v);
        if (a >= 100 || a == 0) return String.format(Locale.ROOT, "%.0f", v);
        if (a >= 10) return String.format(Locale.ROOT, "%.1f", v);
        if (a >= 1) return String.format(Locale.ROOT, "%.2f", v);
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /**
     * A byte count with a decimal unit, as GB/s is decimal: {@code 512 B}, {@code 4.10 kB},
     * {@code 12.3 MB}.
     */
    static String bytes(double b) {
        String[] units = {"B", "kB", "MB", "GB", "TB"};
        int u = 0;
        while (Math.abs(b) >= 999.5 && u < units.length - 1) {
            b /= 1000;
            u++;
        }
        return (u == 0 ? String.format(Locale.ROOT, "%.0f", b) : sig3(b)) + " " + units[u];
    }

    /** {@code String.format} in {@link Locale#ROOT}. */
    static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /**
     * The {@code q}-quantile of sorted values by the nearest-rank rule: the {@code ceil(q·n)}-th
     * smallest (so p50 of 1..4 is 2 and p99 of 100 values is the 99th); NaN for no values.
     */
    static double quantile(long[] sorted, int n, double q) {
        if (n == 0) return Double.NaN;
        int rank = (int) Math.ceil(q * n);
        return sorted[Math.max(0, Math.min(n, rank) - 1)];
    }

    /** A moment as {@code 2026-12-07 00:30:12 UTC}, from nanoseconds since the epoch. */
    static String utcTime(long epochNanos) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
                .format(java.time.Instant.ofEpochSecond(0, epochNanos).atOffset(java.time.ZoneOffset.UTC));
    }
}
