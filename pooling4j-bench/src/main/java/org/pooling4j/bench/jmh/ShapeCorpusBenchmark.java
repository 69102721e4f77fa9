package org.pooling4j.bench.jmh;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
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
import org.pooling4j.bench.ShapeCorpus;
import org.pooling4j.bench.Timing;
import org.pooling4j.bench.Workload;

/**
 * JMH over rows of the shape corpus, each run as a float32 forward channels-first case (the rules of
 * {@link ShapeCorpus#plan}; rows without an algorithm run as max). The file is the system property
 * {@value #FILE_PROPERTY}, by default {@value #DEFAULT_FILE} relative to the working directory (run
 * from the repository root); forked JVMs inherit the property from the command line.
 *
 * <p>The default rows are reference-network layers of the corpus as it stands (ResNet-50 stem in
 * PyTorch's and in benchdnn's padding, VGG-16 first and last pools, Inception-v3 average and global
 * pools, C3D, the M5 audio model); pick others with {@code -p row=...}. A row that cannot run
 * fails its trial with the reason.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp pooling4j-bench/target/pooling4j-bench-all.jar \
 *     org.openjdk.jmh.Main ShapeCorpus -f 1 -wi 2 -i 3 -p row=1266,1295 -p threads=1
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
public class ShapeCorpusBenchmark {
    /** System property naming the corpus file. */
    public static final String FILE_PROPERTY = "pooling4j.bench.shapes";
    /** The corpus relative to the repository root: the copy kept in this module's test resources. */
    public static final String DEFAULT_FILE = "pooling4j-bench/src/test/resources/perf/pool_shapes.csv";
    /** Size cap of one row's input plus output. */
    private static final long MAX_BYTES = 1024L << 20;

    /** 1-based data row of the corpus. */
    @Param({"1263", "1266", "1268", "1272", "1281", "1289", "1291", "1295"})
    public int row;

    /** Threads given to each pooling4j call. */
    @Param({"1", "2"})
    public int threads;

    private Workload workload;
    private Timing.Call call;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path file = Paths.get(System.getProperty(FILE_PROPERTY, DEFAULT_FILE));
        List<ShapeCorpus.Row> rows = ShapeCorpus.read(file);
        if (row < 1 || row > rows.size())
            throw new IllegalArgumentException("row " + row + ": " + file + " has " + rows.size() + " data rows");
        ShapeCorpus.Planned p = ShapeCorpus.plan(rows.get(row - 1), "max", MAX_BYTES);
        if (p.benchCase == null) throw new IllegalStateException("row " + row + " cannot run: " + p.skipReason);
        workload = new Workload(p.benchCase, 0x5EED_B3C4L ^ row);
        call = workload.call(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        workload = null;
        call = null;
    }

    /** One pooling4j forward call; returns the kernel name (JMH consumes it). */
    @Benchmark
    public String pool() throws Exception {
        return call.run();
    }
}
