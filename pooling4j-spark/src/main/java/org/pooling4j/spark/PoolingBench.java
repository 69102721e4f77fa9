package org.pooling4j.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.pooling4j.Layout;
import org.pooling4j.PoolPlan;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;

/**
 * The scale figure ({@code ./pooling4j spark-bench}): rows/s of one pooling job on {@code local[1]} and
 * {@code local[2]}, and of the plain library on the same rows in this JVM. The rows are generated (seeded),
 * cached in Spark's memory before timing, and each Spark run pools every row and hands it to Spark's
 * {@code noop} sink, so the figure is the transformer's throughput, not a file system's. The plain library run
 * does what the transformer does per batch without Spark: stack the rows of a batch into one tensor, one call,
 * copy each row's output to its own array. Each Spark run also times the same cached rows handed to the same
 * sink without the transformer, so the figure shows which part of the gap is Spark's own handling of the rows.
 */
public final class PoolingBench {
    private PoolingBench() {}

    static final String USAGE = String.join(
            "\n",
            "Usage: pooling4j spark-bench [--rows N] [--shape C,H,W] [--op OP] [--kernel K] [--stride S]"
                    + " [--padding P] [--repeat R]",
            "Rows/s of a pooling job on local[1] and local[2] against the plain library on the same rows.",
            "  --rows N        rows (default 6000)",
            "  --shape C,H,W   row shape, channels-first (default 8,32,32)",
            "  --op OP         operator (default avg)",
            "  --kernel K      kernel (default 2)",
            "  --stride S      stride (default: the kernel)",
            "  --padding P     padding (default 0)",
            "  --p P           norm order of lp (default 2)",
            "  --batch-size N  rows per library call (default 64)",
            "  --partitions P  partitions of the cached data (default 8)",
            "  --repeat R      timed runs of each, the best is reported (default 5)");

    public static void main(String[] args) {
        JobArgs a;
        try {
            a = new JobArgs(
                    args,
                    List.of(
                            "--rows",
                            "--shape",
                            "--op",
                            "--kernel",
                            "--stride",
                            "--padding",
                            "--p",
                            "--batch-size",
                            "--partitions",
                            "--repeat"),
                    List.of("--help", "-h"));
        } catch (IllegalArgumentException e) {
            System.err.println("pooling4j spark-bench: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (a.flag("--help") || a.flag("-h")) {
            System.out.println(USAGE);
            return;
        }
        int rows = a.integer("--rows", 6000);
        int[] shape = a.ints("--shape", new int[] {8, 32, 32});
        String op = a.get("--op", "avg");
        int[] kernel = a.ints("--kernel", new int[] {2});
        int batch = a.integer("--batch-size", 64);
        int partitions = a.integer("--partitions", 8);
        int repeat = a.integer("--repeat", 5);
        if (rows < 1 || repeat < 1 || partitions < 1) {
            throw new IllegalArgumentException("--rows, --repeat and --partitions must be >= 1");
        }
        int size = 1;
        for (int d : shape) size *= d;
        List<float[]> data = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) data.add(row(i, size));
        PoolingTransformer t = new PoolingTransformer()
                .setInputCol("x")
                .setOutputCol("y")
                .setShape(shape)
                .setOp(op)
                .setKernel(kernel)
                .setBatchSize(batch);
        if (a.get("--stride", null) != null) t.setStride(a.ints("--stride", kernel));
        if (a.get("--padding", null) != null) t.setPadding(a.ints("--padding", new int[] {0}));
        if (a.get("--p", null) != null) t.setP(a.number("--p", 2));
        System.out.printf(
                Locale.ROOT,
                "%d rows of shape %s (%.1f MB of floats), %s kernel %s stride %s padding %s, batches of %d, %s cores,"
                        + " %s%n",
                rows,
                java.util.Arrays.toString(shape),
                rows * (double) size * 4 / 1e6,
                op,
                java.util.Arrays.toString(kernel),
                a.get("--stride", "(kernel)"),
                a.get("--padding", "0"),
                batch,
                Runtime.getRuntime().availableProcessors(),
                Pooling.vectorization());
        double lib1 = library(t, data, shape, batch, 1, repeat);
        System.out.printf(Locale.ROOT, "plain library, 1 thread:  %,10.0f rows/s%n", lib1);
        double[] s1 = spark("local[1]", t, data, partitions, repeat);
        System.out.printf(
                Locale.ROOT,
                "Spark local[1]:          %,10.0f rows/s  (%.2f x the plain library)%n",
                s1[0],
                s1[0] / lib1);
        double[] s2 = spark("local[2]", t, data, partitions, repeat);
        System.out.printf(
                Locale.ROOT,
                "Spark local[2]:          %,10.0f rows/s  (%.2f x local[1], %.2f x the plain library on 1 thread)%n",
                s2[0],
                s2[0] / s1[0],
                s2[0] / lib1);
        // What Spark itself costs per row: the same cached rows to the same sink, without the transformer.
        System.out.printf(
                Locale.ROOT,
                "Spark alone (no pooling): local[1] %,10.0f rows/s (%.2f x the plain library), local[2] %,10.0f rows/s%n",
                s1[1],
                s1[1] / lib1,
                s2[1]);
    }

    /** Row {@code i} of the data set, the same in this JVM and on Spark's executors. */
    static float[] row(long i, int size) {
        SplittableRandom rnd = new SplittableRandom(42 + i);
        float[] x = new float[size];
        for (int k = 0; k < size; k++) x[k] = (float) rnd.nextDouble();
        return x;
    }

    private static double library(
            PoolingTransformer t, List<float[]> data, int[] shape, int batch, int threads, int repeat) {
        PoolSpec spec = t.recipe().build(shape.length - 1);
        int[] full = new int[shape.length + 1];
        full[0] = batch;
        System.arraycopy(shape, 0, full, 1, shape.length);
        PoolPlan plan = Pooling.plan(spec, full, Layout.CHANNELS_FIRST, threads);
        int rows = data.size();
        int size = data.get(0).length;
        Tensor in = new Tensor(new float[batch * size], full, Layout.CHANNELS_FIRST);
        Tensor out = plan.newOutput();
        int outRow = out.size() / batch;
        long best = Long.MAX_VALUE;
        long sink = 0;
        for (int r = 0; r <= repeat; r++) { // the first run warms up
            long start = System.nanoTime();
            for (int i = 0; i + batch <= rows; i += batch) {
                for (int j = 0; j < batch; j++) System.arraycopy(data.get(i + j), 0, in.data(), j * size, size);
                plan.forward(in, out);
                for (int j = 0; j < batch; j++) {
                    float[] o = java.util.Arrays.copyOfRange(out.data(), j * outRow, (j + 1) * outRow);
                    sink += o.length;
                }
            }
            long ns = System.nanoTime() - start;
            if (r > 0) best = Math.min(best, ns);
        }
        if (sink == 42) System.out.print("");
        return (rows / batch * batch) / (best / 1e9);
    }

    /** Rows/s of the job, and of the same cached rows handed to the same sink without the transformer. */
    private static double[] spark(String master, PoolingTransformer t, List<float[]> data, int partitions, int repeat) {
        SparkSession spark = SparkSession.builder()
                .master(master)
                .appName("pooling4j spark-bench")
                .config("spark.ui.enabled", "false")
                .getOrCreate();
        try {
            StructType schema = new StructType().add("x", DataTypes.createArrayType(DataTypes.FloatType, false), false);
            int size = data.get(0).length;
            // Generated on the executors (the driver's list would be one task of the whole data set).
            Dataset<Row> df = spark.range(0, data.size(), 1, partitions)
                    .map((MapFunction<Long, Row>) i -> RowFactory.create((Object) row(i, size)), Encoders.row(schema))
                    .persist(StorageLevel.MEMORY_ONLY());
            df.count();
            long best = Long.MAX_VALUE;
            long bare = Long.MAX_VALUE;
            for (int r = 0; r <= repeat; r++) { // the first round warms up
                long start = System.nanoTime();
                t.transform(df).write().format("noop").mode("overwrite").save();
                long ns = System.nanoTime() - start;
                start = System.nanoTime();
                df.write().format("noop").mode("overwrite").save();
                long alone = System.nanoTime() - start;
                if (r > 0) {
                    best = Math.min(best, ns);
                    bare = Math.min(bare, alone);
                }
            }
            df.unpersist(true);
            return new double[] {data.size() / (best / 1e9), data.size() / (bare / 1e9)};
        } finally {
            spark.stop();
        }
    }
}
