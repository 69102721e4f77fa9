package org.pooling4j.monitor;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The JDK Flight Recorder event {@value #NAME}: the machine's measured memory-copy bandwidth, emitted
 * each time {@link MemoryBandwidth} probes it, so that a recording carries the yardstick its pooling
 * calls are compared with.
 */
@Name(BandwidthEvent.NAME)
@Label("Pooling Copy Bandwidth")
@Category({"pooling4j"})
@Description("Memory-copy bandwidth probed by pooling4j: bytes read plus written per second")
@StackTrace(false)
public final class BandwidthEvent extends Event {
    /** The event's name in recordings. */
    public static final String NAME = "org.pooling4j.CopyBandwidth";

    /** Threads the copy ran on. */
    @Label("Threads")
    public int threads;

    /** Measured bandwidth in GB/s (10^9 bytes per second, read plus written). */
    @Label("GB/s")
    public double gbps;
}
