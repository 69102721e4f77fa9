package org.pooling4j.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.pooling4j.Layout;
import org.pooling4j.PoolPlan;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;

/**
 * The fixed cost of one pooling call: max 2x2 over a 1x1x4x4 input (16 values in, 4 out), where
 * the arithmetic is a few nanoseconds and everything else is per-call overhead. Compares a plan's
 * call ({@code plan}: checks that the tensors fit the plan, runs, returns the kernel's name) with
 * the convenience entry points, which look the plan up in a cache and allocate the output
 * ({@code forward}) or write into a given one ({@code forwardInto}).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp pooling4j-bench/target/pooling4j-bench-all.jar \
 *     org.openjdk.jmh.Main PlanCall -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 2,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PlanCallBenchmark {
    private PoolSpec spec;
    private PoolPlan plan;
    private Tensor x;
    private Tensor y;

    @Setup
    public void setUp() {
        float[] d = new float[16];
        for (int i = 0; i < 16; i++) d[i] = i + 1;
        x = Tensor.of(d, 1, 1, 4, 4);
        spec = PoolSpec.max(2, 2).build();
        plan = Pooling.plan(spec, new int[] {1, 1, 4, 4}, Layout.CHANNELS_FIRST);
        y = plan.newOutput();
    }

    @Benchmark
    public String plan() {
        return plan.forward(x, y);
    }

    @Benchmark
    public String forwardInto() {
        return Pooling.forwardInto(spec, x, y, 0);
    }

    @Benchmark
    public Tensor forward() {
        return Pooling.forward(spec, x);
    }
}
