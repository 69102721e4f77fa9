package org.pooling4j.spark;

import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The pooling job: reads a folder of images (Spark's image source) or a Parquet dataset, pools one column with
 * {@link PoolingTransformer} and writes Parquet (and, for images, optionally PNG files). {@code ./pooling4j spark}
 * runs it in an embedded local Spark; on a cluster it is the main class given to {@code spark-submit}.
 */
public final class PoolingJob {
    private PoolingJob() {}

    static final String USAGE = String.join(
            "\n",
            "Usage: pooling4j spark --input DIR_OR_PARQUET --format image|parquet --output OUT.parquet [options]",
            "Pools one column of a dataset with pooling4j on Apache Spark and writes Parquet.",
            "  --master URL              Spark master, e.g. local[2] (default: what spark-submit sets, else local[*])",
            "  --input PATH              a folder of images (--format image) or a Parquet file or folder",
            "  --format image|parquet    how to read the input",
            "  --column NAME             the column to pool (default: image for --format image)",
            "  --output PATH             the Parquet output (all input columns plus the pooled one)",
            "  --output-column NAME      the pooled column (default: pooled)",
            "  --op OP                   max, avg, lp, global_max, global_avg, global_lp, adaptive_max, adaptive_avg",
            "                            (default avg)",
            "  --kernel K[,K...]         window per spatial axis, one value for all (default 2)",
            "  --stride S[,S...]         default: the kernel",
            "  --padding P[,P...]        default 0",
            "  --dilation D[,D...]       default 1",
            "  --ceil-mode               ceil instead of floor in the output size",
            "  --count-include-pad B     avg: padding counts in the divisor (default true)",
            "  --output-size N[,N...]    adaptive ops: the output size (-1 keeps an axis)",
            "  --p P                     lp ops: the norm order (default 2)",
            "  --layout L                tensors: channels_first (default) or channels_last",
            "  --shape C,D1,...          tensors: the shape of every row (without the batch axis)",
            "  --shape-column NAME       tensors: an array<int> column with each row's shape",
            "  --output-shape-column N   tensors: write each row's output shape to this column",
            "  --handle-invalid H        error (default), skip or keep (null output)",
            "  --row-id-column NAME      a column that names a bad row in errors",
            "  --batch-size N            rows of one shape per library call (default 64)",
            "  --png DIR                 images: also write each pooled image as DIR/NAME.png",
            "  --overwrite               replace the output if it exists");

    static final List<String> KEYS = List.of(
            "--master",
            "--input",
            "--format",
            "--column",
            "--output",
            "--output-column",
            "--op",
            "--kernel",
            "--stride",
            "--padding",
            "--dilation",
            "--count-include-pad",
            "--output-size",
            "--p",
            "--layout",
            "--shape",
            "--shape-column",
            "--output-shape-column",
            "--handle-invalid",
            "--row-id-column",
            "--batch-size",
            "--png");
    static final List<String> FLAGS = List.of("--ceil-mode", "--overwrite", "--help", "-h");

    public static void main(String[] args) {
        JobArgs a;
        try {
            a = new JobArgs(args, KEYS, FLAGS);
            if (a.flag("--help") || a.flag("-h")) {
                System.out.println(USAGE);
                return;
            }
            a.required("--input");
            a.required("--output");
            String format = a.required("--format");
            if (!format.equals("image") && !format.equals("parquet")) {
                throw new IllegalArgumentException("--format = " + format + ": must be image or parquet");
            }
            if (!a.has("--column") && !format.equals("image")) {
                throw new IllegalArgumentException("--column is required for --format parquet");
            }
            if (a.has("--png") && !format.equals("image")) {
                throw new IllegalArgumentException("--png: only for --format image");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("pooling4j spark: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        SparkSession.Builder b = SparkSession.builder().appName("pooling4j pooling job");
        if (a.has("--master")) {
            b.master(a.get("--master", null));
        } else if (System.getProperty("spark.master") == null) {
            b.master("local[*]");
        }
        SparkSession spark = b.getOrCreate();
        int status = 0;
        try {
            run(spark, a);
        } catch (IllegalArgumentException e) {
            System.err.println("pooling4j spark: " + e.getMessage());
            status = 2;
        } finally {
            spark.stop();
        }
        if (status != 0) System.exit(status);
    }

    /** Runs the job on a session; returns the number of rows written. */
    static long run(SparkSession spark, JobArgs a) {
        String format = a.required("--format");
        String input = a.required("--input");
        boolean images = format.equals("image");
        if (!a.has("--column") && !images)
            throw new IllegalArgumentException("--column is required for --format parquet");
        Dataset<Row> in =
                images ? spark.read().format("image").load(input) : spark.read().parquet(input);
        PoolingTransformer t = new PoolingTransformer()
                .setInputCol(a.get("--column", images ? "image" : null))
                .setOutputCol(a.get("--output-column", "pooled"))
                .setOp(a.get("--op", "avg").toLowerCase(Locale.ROOT))
                .setKernel(a.ints("--kernel", new int[] {2}))
                .setStride(a.ints("--stride", new int[0]))
                .setPadding(a.ints("--padding", new int[] {0}))
                .setDilation(a.ints("--dilation", new int[] {1}))
                .setCeilMode(a.flag("--ceil-mode"))
                .setCountIncludePad(!a.has("--count-include-pad") || a.flag("--count-include-pad"))
                .setOutputSize(a.ints("--output-size", new int[] {1}))
                .setP(a.number("--p", 2))
                .setLayout(a.get("--layout", "channels_first"))
                .setShape(a.ints("--shape", new int[0]))
                .setShapeCol(a.get("--shape-column", ""))
                .setOutputShapeCol(a.get("--output-shape-column", ""))
                .setHandleInvalid(a.get("--handle-invalid", "error"))
                .setRowIdCol(a.get("--row-id-column", ""))
                .setBatchSize(a.integer("--batch-size", 64));
        long start = System.nanoTime();
        Dataset<Row> out = t.transform(in).cache();
        out.write()
                .mode(a.flag("--overwrite") ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
                .parquet(a.required("--output"));
        long rows = out.count();
        if (a.has("--png")) ImageFiles.writePngs(out, t.getOutputCol(), a.get("--png", null));
        out.unpersist();
        double s = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "pooled %d rows of %s (%s, kernel %s) in %.1f s -> %s%n",
                rows,
                t.getInputCol(),
                t.getOrDefault(t.op()),
                java.util.Arrays.toString(t.getOrDefault(t.kernel())),
                s,
                a.required("--output"));
        return rows;
    }
}
