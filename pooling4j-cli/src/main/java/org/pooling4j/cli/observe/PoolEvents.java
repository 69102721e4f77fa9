package org.pooling4j.cli.observe;

import jdk.jfr.consumer.RecordedEvent;
import org.pooling4j.monitor.PoolKey;

/**
 * Reading the library's JFR events back, for the {@code report} and {@code top} commands: the event
 * names and field readers that tolerate a field the event lacks (a recording made by another library
 * version), so an older or newer recording still reads.
 */
final class PoolEvents {
    /** The JFR name of the pooling-call event ({@code org.pooling4j.monitor.PoolEvent#NAME}). */
    static final String POOL_EVENT = "org.pooling4j.Pool";
    /** The JFR name of the copy-bandwidth event ({@code org.pooling4j.monitor.BandwidthEvent#NAME}). */
    static final String BANDWIDTH_EVENT = "org.pooling4j.CopyBandwidth";

    private PoolEvents() {}

    /** The key of a pooling-call event; a field the event lacks reads as "?". */
    static PoolKey key(RecordedEvent e) {
        return new PoolKey(
                text(e, "op"),
                text(e, "direction"),
                text(e, "kernel"),
                text(e, "layout"),
                text(e, "inputShape"),
                text(e, "outputShape"));
    }

    /** An int field of a recorded event, or {@code dflt} when the event has no such field. */
    static int intField(RecordedEvent e, String name, int dflt) {
        return e.hasField(name) ? e.getInt(name) : dflt;
    }

    /** A long field of a recorded event, or {@code dflt} when the event has no such field. */
    static long longField(RecordedEvent e, String name, long dflt) {
        return e.hasField(name) ? e.getLong(name) : dflt;
    }

    /** A string field of a recorded event, or "?" when the event has no such field or it is null. */
    static String text(RecordedEvent e, String name) {
        String s = e.hasField(name) ? e.getString(name) : null;
        return s == null ? "?" : s;
    }
}
