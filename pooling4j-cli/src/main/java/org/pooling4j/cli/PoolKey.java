package org.pooling4j.cli;

import jdk.jfr.consumer.RecordedEvent;

/**
 * What the {@code report} and {@code top} commands aggregate pooling calls by: operator, direction,
 * kernel, layout and shapes, the fields of one {@code org.pooling4j.Pool} event that say which code
 * ran on what. Threads and the tuner flag are left out on purpose: they describe how a call was run,
 * and a key whose calls ran on varying thread counts should stay one row.
 */
record PoolKey(String op, String direction, String kernel, String layout, String inputShape, String outputShape) {
    /** The JFR name of the pooling-call event ({@code org.pooling4j.monitor.PoolEvent#NAME}). */
    static final String POOL_EVENT = "org.pooling4j.Pool";
    /** The JFR name of the copy-bandwidth event ({@code org.pooling4j.monitor.BandwidthEvent#NAME}). */
    static final String BANDWIDTH_EVENT = "org.pooling4j.CopyBandwidth";

    /** The key of a pooling-call event; a field the event lacks (another library version) reads as "?". */
    static PoolKey of(RecordedEvent e) {
        return new PoolKey(text(e, "op"), text(e, "direction"), text(e, "kernel"), text(e, "layout"),
                text(e, "inputShape"), text(e, "outputShape"));
    }

    /** {@code inputShape->outputShape}. */
    String shapes() {
        return inputShape + "->" + outputShape;
    }

    /** One line naming the key: {@code op direction kernel layout input->output}. */
    String text() {
        return op + " " + direction + " " + kernel + " " + layout + " " + shapes();
    }

    /** An int field of a recorded event, or {@code dflt} when the event has no such field. */
    static int intField(RecordedEvent e, String name, int dflt) {
        return e.hasField(name) ? e.getInt(name) : dflt;
    }

    /** A long field of a recorded event, or {@code dflt} when the event has no such field. */
    static long longField(RecordedEvent e, String name, long dflt) {
        return e.hasField(name) ? e.getLong(name) : dflt;
    }

    private static String text(RecordedEvent e, String name) {
        String s = e.hasField(name) ? e.getString(name) : null;
        return s == null ? "?" : s;
    }
}
