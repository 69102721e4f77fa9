package org.pooling4j.spark;

import java.util.Arrays;
import java.util.UUID;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.pooling4j.spark.internal.HandleInvalid;
import org.pooling4j.spark.internal.RowBatcher;

/**
 * What every pooling4j transformer shares: the input and output column params, Spark ML's
 * {@code handleInvalid} (error, skip, keep), an optional row id column that error messages name, and the
 * batch size; {@link #transform} runs a {@link RowBatcher} over each partition, so rows of one shape are
 * pooled by one library call per batch on one thread per task.
 *
 * @param <T> the concrete transformer, for the setters
 */
public abstract class BatchedTransformer<T extends BatchedTransformer<T>> extends Transformer {
    private static final long serialVersionUID = 1L;

    /** Most input values (floats) gathered for one batch, whatever {@code batchSize} says: 16 Mi, 64 MiB. */
    static final long BATCH_ELEMENTS = 1L << 24;

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final Param<String> handleInvalid;
    private final Param<String> rowIdCol;
    private final IntParam batchSize;

    protected BatchedTransformer(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "input column name");
        outputCol = new Param<>(this, "outputCol", "output column name");
        handleInvalid = new Param<>(
                this,
                "handleInvalid",
                "how to handle a bad row: error (fail, naming the row and the rule), skip (drop the row) or keep"
                        + " (output null)",
                ParamValidators.inArray(Arrays.asList(HandleInvalid.NAMES)));
        rowIdCol = new Param<>(this, "rowIdCol", "column whose value names a bad row in error messages (empty: none)");
        batchSize = new IntParam(
                this, "batchSize", "most rows of one shape pooled by one library call (>= 1)", ParamValidators.gtEq(1));
        setDefault(handleInvalid, "error");
        setDefault(rowIdCol, "");
        setDefault(batchSize, 64);
    }

    /** A new uid with the given prefix, as Spark ML's own stages make them. */
    protected static String randomUid(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> inputCol() {
        return inputCol;
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public Param<String> handleInvalid() {
        return handleInvalid;
    }

    public Param<String> rowIdCol() {
        return rowIdCol;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public String getInputCol() {
        return getOrDefault(inputCol);
    }

    public String getOutputCol() {
        return getOrDefault(outputCol);
    }

    public String getHandleInvalid() {
        return getOrDefault(handleInvalid);
    }

    public String getRowIdCol() {
        return getOrDefault(rowIdCol);
    }

    public int getBatchSize() {
        return (Integer) getOrDefault(batchSize);
    }

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }

    public T setInputCol(String value) {
        set(inputCol, value);
        return self();
    }

    public T setOutputCol(String value) {
        set(outputCol, value);
        return self();
    }

    public T setHandleInvalid(String value) {
        set(handleInvalid, value);
        return self();
    }

    public T setRowIdCol(String value) {
        set(rowIdCol, value);
        return self();
    }

    public T setBatchSize(int value) {
        set(batchSize, value);
        return self();
    }

    /**
     * The per-partition function for a dataset of the given schema (after {@link #transformSchema}); public
     * so that it can run outside Spark, on an iterator of rows.
     */
    public abstract RowBatcher batcher(StructType schema);

    /**
     * Pools the input column of every row. The rows are handled in Spark's internal row format (a
     * {@code mapPartitions} over the dataset's internal rows, made into a DataFrame again): going through
     * {@code Row} objects would box every tensor element twice. This uses the classic (non-Connect) Spark
     * session's {@code queryExecution().toRdd()} and {@code internalCreateDataFrame}.
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema(), true);
        RowBatcher f = batcher(dataset.schema());
        if (!(dataset instanceof org.apache.spark.sql.classic.Dataset)) {
            throw new IllegalArgumentException("dataset: a Spark Connect dataset; pooling4j transformers run in a"
                    + " classic Spark session (the driver holds the SparkContext)");
        }
        org.apache.spark.sql.classic.Dataset<?> classic = (org.apache.spark.sql.classic.Dataset<?>) dataset;
        RDD<InternalRow> rows = classic.queryExecution().toRdd();
        RDD<InternalRow> pooled = rows.toJavaRDD().mapPartitions(f).rdd();
        return classic.sparkSession().internalCreateDataFrame(pooled, out, false);
    }

    /** The input column's field; fails naming the column when it is missing or not set. */
    protected final StructField inputField(StructType schema) {
        if (!isDefined(inputCol)) throw new IllegalArgumentException("inputCol is not set");
        return field(schema, "inputCol", getInputCol());
    }

    /** Checks the output column names (set, not already in the schema). */
    protected final void checkOutput(StructType schema, String param, String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException(param + " is not set");
        if (Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException(param + " = " + name + ": the input already has a column of that name");
        }
    }

    protected static StructField field(StructType schema, String param, String name) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException(
                    param + " = " + name + ": no such column; the columns are " + Arrays.toString(schema.fieldNames()));
        }
        return schema.apply(name);
    }

    /** The row id column's index, or -1 when none is set. */
    protected final int rowIdIndex(StructType schema) {
        String id = getRowIdCol();
        if (id.isEmpty()) return -1;
        field(schema, "rowIdCol", id);
        return schema.fieldIndex(id);
    }

    protected final HandleInvalid handleInvalidMode() {
        return HandleInvalid.of(getHandleInvalid());
    }
}
