package org.pooling4j.bench.jmh;

import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.pooling4j.Layout;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;
import org.pooling4j.bench.StandardSuite;
import org.pooling4j.bench.Timing;
import org.pooling4j.bench.Workload;
import org.pooling4j.monitor.PoolEvent;
import org.pooling4j.monitor.PoolMonitor;

/**
 * The cost of observing pooling calls, on {@code small_latency} (the standard case where a fixed
 * per-call cost shows most) and on a tiny call that shows that cost in nanoseconds. Each {@code observe} value runs in its own forked JVM:
 * <ul>
 *   <li>{@code none}: {@code -Dpooling4j.events=false}, the instrumentation removed (the baseline);</li>
 *   <li>{@code idle}: instrumentation in place, no recording, monitor off (what every user pays);</li>
 *   <li>{@code recording}: a JFR recording with the pooling event enabled, as {@code -XX:StartFlightRecording} gives;</li>
 *   <li>{@code monitor}: the live aggregates of {@link PoolMonitor} switched on.</li>
 * </ul>
 * Overhead = time / time of {@code none} − 1, from one JMH run (several forks each).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp pooling4j-bench/target/pooling4j-bench-all.jar \
 *     org.openjdk.jmh.Main EventOverhead -f 3 -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(
        value = 3,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class EventOverheadBenchmark {
    /** How calls are observed; see the class comment. */
    @Param({"none", "idle", "recording", "monitor"})
    public String observe;

    /**
     * {@code small_latency} (the standard case) or {@code tiny}: max 2x2 over one 4x4 plane, a call of
     * a few hundred nanoseconds in which the observation's fixed cost is as visible as it gets.
     */
    @Param({"small_latency", "tiny"})
    public String problem;

    /** Threads given to each pooling call. */
    @Param({"1", "2"})
    public int threads;

    private Workload workload;
    private Timing.Call call;
    private Recording recording;

    @Setup(Level.Trial)
    public void setUp() {
        // Before the first pooling call: the switch is read once, when the library's tracing class loads.
        if (observe.equals("none")) System.setProperty("pooling4j.events", "false");
        if (problem.equals("tiny")) {
            PoolSpec spec = PoolSpec.max(2, 2).build();
            Tensor x = new Tensor(Workload.random(16, 7), new int[] {1, 1, 4, 4}, Layout.CHANNELS_FIRST);
            Tensor out = Tensor.zeros(1, 1, 2, 2);
            int t = threads;
            call = () -> Pooling.forwardInto(spec, x, out, t);
        } else {
            workload = new Workload(StandardSuite.get(problem), 0x5EED_B3C4L);
            call = workload.call(threads);
        }
        if (observe.equals("recording")) {
            recording = new Recording();
            recording.enable(PoolEvent.NAME);
            recording.setToDisk(true);
            recording.setMaxSize(64L << 20);
            recording.start();
        } else if (observe.equals("monitor")) {
            PoolMonitor.enable();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (recording != null) recording.close();
        PoolMonitor.disable();
    }

    /** One small_latency forward call into a preallocated output. */
    @Benchmark
    public String pool() throws Exception {
        return call.run();
    }
}
