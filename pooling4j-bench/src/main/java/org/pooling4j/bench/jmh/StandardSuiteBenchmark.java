package org.pooling4j.bench.jmh;

import java.util.concurrent.TimeUnit;
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
import org.pooling4j.bench.StandardSuite;
import org.pooling4j.bench.Timing;
import org.pooling4j.bench.Workload;

/**
 * JMH over the standard suite ({@link StandardSuite}): every case, forward and backward, on each
 * thread count. The timed call is exactly the one {@code pooling4j bench} times.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp pooling4j-bench/target/pooling4j-bench-all.jar \
 *     org.openjdk.jmh.Main StandardSuite -f 1 -wi 2 -i 3 -p caseName=small_latency -p threads=1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// The SIMD kernels need the Vector API in the forked JVM's module graph.
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class StandardSuiteBenchmark {
    /** A case name of the standard suite. */
    @Param({
        "resnet_stem_maxpool",
        "vgg_pool1",
        "vgg_pool5",
        "inception_avg",
        "global_avg",
        "small_latency",
        "c3d_pool",
        "audio_1d",
        "resnet_stem_maxpool_nhwc",
        "inception_avg_nhwc",
        "resnet_stem_maxpool_bwd",
        "vgg_pool1_bwd",
        "inception_avg_bwd"
    })
    public String caseName;

    /** Threads given to each pooling4j call. */
    @Param({"1", "2"})
    public int threads;

    private Workload workload;
    private Timing.Call call;

    @Setup(Level.Trial)
    public void setUp() {
        workload = new Workload(StandardSuite.get(caseName), 0x5EED_B3C4L ^ caseName.hashCode());
        call = workload.call(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        workload = null;
        call = null;
    }

    /** One pooling4j call; returns the kernel name (JMH consumes it). */
    @Benchmark
    public String pool() throws Exception {
        return call.run();
    }
}
