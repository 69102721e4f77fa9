package org.pooling4j.monitor;

/**
 * Aggregates of the pooling calls of one key (operator, direction, kernel, layout, shapes) since
 * monitoring was switched on or reset. The key {@link #OTHER} folds calls beyond
 * {@link PoolMonitor#MAX_KEYS} distinct keys.
 *
 * @param op operator name as in {@link PoolEvent#op}, or {@link #OTHER}
 * @param direction {@code forward} or {@code backward} (empty for {@link #OTHER})
 * @param kernel kernel name (empty for {@link #OTHER})
 * @param layout {@code channels_first} or {@code channels_last} (empty for {@link #OTHER})
 * @param inputShape input shape, dimensions joined by {@code x} (empty for {@link #OTHER})
 * @param outputShape output shape (empty for {@link #OTHER})
 * @param threads most threads any of these calls ran on
 * @param calls number of calls
 * @param totalNanos summed duration
 * @param bytes summed bytes moved
 * @param p50Nanos median duration (within about 3 %)
 * @param p99Nanos 99th-percentile duration (within about 3 %)
 * @param copyGBps the machine's copy bandwidth on {@code threads} threads, NaN when not known
 */
public record PoolStats(
        String op,
        String direction,
        String kernel,
        String layout,
        String inputShape,
        String outputShape,
        int threads,
        long calls,
        long totalNanos,
        long bytes,
        long p50Nanos,
        long p99Nanos,
        double copyGBps) {
    /** Operator name of the entry that folds calls beyond the key limit. */
    public static final String OTHER = "other";

    /** Mean duration in nanoseconds (0 without calls). */
    public double meanNanos() {
        return calls == 0 ? 0 : (double) totalNanos / calls;
    }

    /** Achieved bandwidth: bytes moved per second over all calls, in GB/s (0 without time). */
    public double gbps() {
        return totalNanos == 0 ? 0 : (double) bytes / totalNanos;
    }

    /** {@link #gbps} as a percentage of the copy bandwidth (NaN when that is not known). */
    public double pctBandwidth() {
        return 100.0 * gbps() / copyGBps;
    }

    /** One line naming the key: {@code op direction kernel layout input->output}. */
    public String key() {
        if (OTHER.equals(op)) return OTHER;
        return op + " " + direction + " " + kernel + " " + layout + " " + inputShape + "->" + outputShape;
    }
}
