package org.pooling4j.monitor;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The JDK Flight Recorder event of one pooling call, {@value #NAME}. The library emits one per
 * forward or backward call of every operator (the event's duration is the call's), enabled by
 * default in any recording ({@code -XX:StartFlightRecording} or {@link jdk.jfr.Recording}).
 *
 * <p>Cost: the library creates the event, calls {@code begin()} and {@code end()}, and fills the
 * fields only when {@code shouldCommit()} says a recording wants it; when no recording runs the JIT
 * removes the event object, so a call allocates nothing for it. {@code -Dpooling4j.events=false}
 * removes the instrumentation entirely (used to measure its overhead).
 */
@Name(PoolEvent.NAME)
@Label("Pooling call")
@Category({"pooling4j"})
@Description("One pooling call: operator, direction, kernel, shapes, bytes moved and threads")
@StackTrace(false)
public final class PoolEvent extends Event {
    /** The event's name in recordings. */
    public static final String NAME = "org.pooling4j.Pool";

    /**
     * Operator: {@code max}, {@code avg}, {@code lp}, {@code global_max}, {@code global_avg},
     * {@code global_lp}, {@code adaptive_max}, {@code adaptive_avg}, {@code fractional_max},
     * {@code max_unpool}, {@code roi_align}, {@code roi_pool}.
     */
    @Label("Operator")
    public String op;

    /** {@code forward} or {@code backward}. */
    @Label("Direction")
    public String direction;

    /** Number of spatial dimensions (1, 2, 3, ...). */
    @Label("Rank")
    public int rank;

    /** {@code channels_first} or {@code channels_last}. */
    @Label("Layout")
    public String layout;

    /** Name of the kernel that ran, as {@code Pooling.kernelFor} reports it. */
    @Label("Kernel")
    public String kernel;

    /** Input shape, dimensions joined by {@code x}, e.g. {@code 32x64x112x112}. */
    @Label("Input Shape")
    public String inputShape;

    /** Output shape, dimensions joined by {@code x}. */
    @Label("Output Shape")
    public String outputShape;

    /** Bytes of all arrays the call read or wrote (inputs, outputs, indices), each counted once. */
    @Label("Bytes Moved")
    @DataAmount
    public long bytes;

    /** Threads the call ran on (1: the caller's thread only). */
    @Label("Threads")
    public int threads;

    /** Whether the kernel and thread count came from the auto-tuner rather than the heuristic. */
    @Label("Tuned")
    public boolean tuned;
}
