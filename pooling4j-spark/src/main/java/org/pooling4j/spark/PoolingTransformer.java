package org.pooling4j.spark;

import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.ml.image.ImageSchema;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.pooling4j.Layout;
import org.pooling4j.spark.internal.ImagePooler;
import org.pooling4j.spark.internal.RowBatcher;
import org.pooling4j.spark.internal.SpecRecipe;
import org.pooling4j.spark.internal.TensorPooler;

/**
 * A Spark ML {@code Transformer} that pools one column with pooling4j: the params mirror {@code PoolSpec}
 * (operator, kernel, stride, padding, dilation, ceil mode, count_include_pad, Lp order, output size of the
 * adaptive operators, layout). The input column is one of:
 *
 * <ul>
 *   <li>a tensor: {@code array<float>} (or {@code array<double>}) holding one sample in row-major order, with
 *       its shape without the batch axis, {@code [C, D1, ..., Dk]} channels-first or {@code [D1, ..., Dk, C]}
 *       channels-last, given by the {@code shape} param or per row by a {@code shapeCol} column
 *       ({@code array<int>}); the output is {@code array<float>}, and {@code outputShapeCol}, when set, gets
 *       each row's output shape ({@code array<int>}, same axis order);
 *   <li>a Spark ML {@code Vector} with a shape as above; the values are pooled as floats (each double rounded
 *       to the nearest float) and the output is a dense {@code Vector} of the pooled floats;
 *   <li>an image struct of Spark's image data source ({@code spark.read.format("image")}: origin, height,
 *       width, nChannels, mode, data in that order, 8-bit BGR(A) pixels row-major, height × width × channels); the image is
 *       pooled over height and width, channels-last, and the output is an image struct of the same schema
 *       (origin, nChannels and mode kept, height and width the pooled ones) whose bytes are the pooled floats
 *       rounded to the nearest integer, ties to even ({@code Math.rint}), then clamped to 0..255.
 * </ul>
 *
 * <p>A kernel, stride, padding, dilation or output size with one entry applies to every spatial axis. Rows are
 * pooled per partition in batches of {@code batchSize} rows of one shape, one library call per batch, one
 * thread per task. Bad rows (null, a data length that does not match the shape, a bad shape, an image that is
 * not 8-bit with 1, 3 or 4 channels, a shape the operator cannot apply to) follow {@code handleInvalid}.
 *
 * <pre>{@code
 * PoolingTransformer pool = new PoolingTransformer()
 *         .setInputCol("image").setOutputCol("small").setOp("avg").setKernel(2);
 * Dataset<Row> out = pool.transform(spark.read().format("image").load("photos/"));
 * }</pre>
 */
public class PoolingTransformer extends BatchedTransformer<PoolingTransformer> implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final Param<String> op;
    private final IntArrayParam kernel;
    private final IntArrayParam stride;
    private final IntArrayParam padding;
    private final IntArrayParam dilation;
    private final BooleanParam ceilMode;
    private final BooleanParam countIncludePad;
    private final IntArrayParam outputSize;
    private final DoubleParam p;
    private final Param<String> lpMode;
    private final Param<String> layout;
    private final IntArrayParam shape;
    private final Param<String> shapeCol;
    private final Param<String> outputShapeCol;

    public PoolingTransformer() {
        this(randomUid("poolingTransformer"));
    }

    /** The constructor Spark ML's reader and {@link #copy} call. */
    public PoolingTransformer(String uid) {
        super(uid);
        op = new Param<>(
                this,
                "op",
                "pooling operator: " + String.join(", ", SpecRecipe.OPS),
                ParamValidators.inArray(Arrays.asList(SpecRecipe.OPS)));
        kernel = new IntArrayParam(this, "kernel", "window size per spatial axis (one entry: every axis)");
        stride = new IntArrayParam(this, "stride", "stride per spatial axis (empty: the kernel)");
        padding = new IntArrayParam(this, "padding", "zero (or -inf) padding on both sides per spatial axis");
        dilation = new IntArrayParam(this, "dilation", "dilation per spatial axis");
        ceilMode = new BooleanParam(this, "ceilMode", "ceil instead of floor in the output size");
        countIncludePad = new BooleanParam(this, "countIncludePad", "avg: padding counts in the divisor");
        outputSize =
                new IntArrayParam(this, "outputSize", "adaptive ops: output size per spatial axis (-1 keeps the axis)");
        p = new DoubleParam(this, "p", "lp, global_lp: the norm order (> 0)");
        lpMode = new Param<>(
                this,
                "lpMode",
                "lp: norm (the true p-norm) or pytorch (torch's lp_pool, sum scaled by the window)",
                ParamValidators.inArray(Arrays.asList("norm", "pytorch")));
        layout = new Param<>(
                this,
                "layout",
                "tensor columns: channels_first ([C, D1, ...]) or channels_last ([D1, ..., C]); images are"
                        + " always channels-last",
                ParamValidators.inArray(Arrays.asList("channels_first", "channels_last")));
        shape = new IntArrayParam(this, "shape", "tensor columns: the shape of every row, without the batch axis");
        shapeCol = new Param<>(this, "shapeCol", "tensor columns: an array<int> column with each row's shape");
        outputShapeCol = new Param<>(
                this, "outputShapeCol", "tensor columns: a column to write each row's output shape to (empty: none)");
        setDefault(op, "avg");
        setDefault(kernel, new int[] {2});
        setDefault(stride, new int[0]);
        setDefault(padding, new int[] {0});
        setDefault(dilation, new int[] {1});
        setDefault(ceilMode, false);
        setDefault(countIncludePad, true);
        setDefault(outputSize, new int[] {1});
        setDefault(p, 2.0);
        setDefault(lpMode, "norm");
        setDefault(layout, "channels_first");
        setDefault(shape, new int[0]);
        setDefault(shapeCol, "");
        setDefault(outputShapeCol, "");
    }

    // Spark ML's reader finds a stage's static read(); a Java class has no companion object, so the public
    // DefaultParamsReadable trait is implemented by a nested class instead.
    private static final class Reader implements DefaultParamsReadable<PoolingTransformer> {}

    /** The reader Spark ML's {@code Pipeline} and {@code PipelineModel} loaders call. */
    public static MLReader<PoolingTransformer> read() {
        return new Reader().read();
    }

    /** Loads a transformer saved with {@code write().save(path)}. */
    public static PoolingTransformer load(String path) {
        return read().load(path);
    }

    public Param<String> op() {
        return op;
    }

    public IntArrayParam kernel() {
        return kernel;
    }

    public IntArrayParam stride() {
        return stride;
    }

    public IntArrayParam padding() {
        return padding;
    }

    public IntArrayParam dilation() {
        return dilation;
    }

    public BooleanParam ceilMode() {
        return ceilMode;
    }

    public BooleanParam countIncludePad() {
        return countIncludePad;
    }

    public IntArrayParam outputSize() {
        return outputSize;
    }

    public DoubleParam p() {
        return p;
    }

    public Param<String> lpMode() {
        return lpMode;
    }

    public Param<String> layout() {
        return layout;
    }

    public IntArrayParam shape() {
        return shape;
    }

    public Param<String> shapeCol() {
        return shapeCol;
    }

    public Param<String> outputShapeCol() {
        return outputShapeCol;
    }

    public PoolingTransformer setOp(String value) {
        set(op, value);
        return this;
    }

    public PoolingTransformer setKernel(int... value) {
        set(kernel, value);
        return this;
    }

    public PoolingTransformer setStride(int... value) {
        set(stride, value);
        return this;
    }

    public PoolingTransformer setPadding(int... value) {
        set(padding, value);
        return this;
    }

    public PoolingTransformer setDilation(int... value) {
        set(dilation, value);
        return this;
    }

    public PoolingTransformer setCeilMode(boolean value) {
        set(ceilMode, value);
        return this;
    }

    public PoolingTransformer setCountIncludePad(boolean value) {
        set(countIncludePad, value);
        return this;
    }

    public PoolingTransformer setOutputSize(int... value) {
        set(outputSize, value);
        return this;
    }

    public PoolingTransformer setP(double value) {
        set(p, value);
        return this;
    }

    public PoolingTransformer setLpMode(String value) {
        set(lpMode, value);
        return this;
    }

    public PoolingTransformer setLayout(String value) {
        set(layout, value);
        return this;
    }

    public PoolingTransformer setShape(int... value) {
        set(shape, value);
        return this;
    }

    public PoolingTransformer setShapeCol(String value) {
        set(shapeCol, value);
        return this;
    }

    public PoolingTransformer setOutputShapeCol(String value) {
        set(outputShapeCol, value);
        return this;
    }

    /** The operator parameters as the executors get them. */
    SpecRecipe recipe() {
        return new SpecRecipe(
                getOrDefault(op),
                getOrDefault(kernel),
                getOrDefault(stride),
                getOrDefault(padding),
                getOrDefault(dilation),
                (Boolean) getOrDefault(ceilMode),
                (Boolean) getOrDefault(countIncludePad),
                getOrDefault(outputSize),
                (Double) getOrDefault(p),
                getOrDefault(lpMode).equals("pytorch"));
    }

    private Layout tensorLayout() {
        return Layout.valueOf(getOrDefault(layout).toUpperCase(Locale.ROOT));
    }

    /** What the input column holds. */
    enum Kind {
        FLOATS,
        DOUBLES,
        VECTOR,
        IMAGE
    }

    static Kind kindOf(StructField f) {
        DataType t = f.dataType();
        if (t instanceof ArrayType) {
            DataType e = ((ArrayType) t).elementType();
            if (e.equals(DataTypes.FloatType)) return Kind.FLOATS;
            if (e.equals(DataTypes.DoubleType)) return Kind.DOUBLES;
        }
        if (t.equals(SQLDataTypes.VectorType())) return Kind.VECTOR;
        if (t instanceof StructType && isImage((StructType) t)) return Kind.IMAGE;
        throw new IllegalArgumentException("inputCol = " + f.name() + ": type " + t.simpleString()
                + " is not array<float>, array<double>, a Spark ML Vector or an image struct (origin, height,"
                + " width, nChannels, mode, data)");
    }

    // The image source's fields, names and types in its order.
    private static boolean isImage(StructType t) {
        StructField[] want = ImageSchema.columnSchema().fields();
        StructField[] got = t.fields();
        if (got.length != want.length) return false;
        for (int i = 0; i < want.length; i++) {
            if (!got[i].name().equals(want[i].name()) || !got[i].dataType().equals(want[i].dataType())) return false;
        }
        return true;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        StructField in = inputField(schema);
        Kind kind = kindOf(in);
        SpecRecipe recipe = recipe();
        String out = getOutputCol();
        checkOutput(schema, "outputCol", out);
        rowIdIndex(schema);
        if (kind == Kind.IMAGE) {
            recipe.build(2); // the params' own checks, before any job runs
            return schema.add(out, ImageSchema.columnSchema(), true);
        }
        int[] fixed = getOrDefault(shape);
        String sc = getOrDefault(shapeCol);
        if (fixed.length == 0 && sc.isEmpty()) {
            throw new IllegalArgumentException(
                    "shape = [] and shapeCol = '': a tensor column needs one of them (its shape without the batch axis)");
        }
        if (fixed.length > 0 && !sc.isEmpty()) {
            throw new IllegalArgumentException(
                    "shape = " + Arrays.toString(fixed) + " and shapeCol = " + sc + ": set only one of them");
        }
        if (!sc.isEmpty()) {
            DataType t = field(schema, "shapeCol", sc).dataType();
            if (!(t instanceof ArrayType && ((ArrayType) t).elementType().equals(DataTypes.IntegerType))) {
                throw new IllegalArgumentException(
                        "shapeCol = " + sc + ": type " + t.simpleString() + " is not array<int>");
            }
        } else {
            TensorPooler.checkShape(fixed, "shape");
            recipe.build(fixed.length - 1);
        }
        StructType res = schema.add(
                out,
                kind == Kind.VECTOR ? SQLDataTypes.VectorType() : DataTypes.createArrayType(DataTypes.FloatType, false),
                true);
        String os = getOrDefault(outputShapeCol);
        if (!os.isEmpty()) {
            checkOutput(res, "outputShapeCol", os);
            res = res.add(os, DataTypes.createArrayType(DataTypes.IntegerType, false), true);
        }
        return res;
    }

    @Override
    public RowBatcher batcher(StructType schema) {
        StructField in = inputField(schema);
        Kind kind = kindOf(in);
        int inputIndex = schema.fieldIndex(in.name());
        int rowId = rowIdIndex(schema);
        String rowIdName = getRowIdCol();
        DataType rowIdType = rowId < 0 ? null : schema.fields()[rowId].dataType();
        if (kind == Kind.IMAGE) {
            return new ImagePooler(
                    inputIndex,
                    rowId,
                    rowIdName,
                    rowIdType,
                    handleInvalidMode(),
                    getBatchSize(),
                    BATCH_ELEMENTS,
                    recipe());
        }
        int[] fixed = getOrDefault(shape);
        String sc = getOrDefault(shapeCol);
        return new TensorPooler(
                inputIndex,
                rowId,
                rowIdName,
                rowIdType,
                handleInvalidMode(),
                getBatchSize(),
                BATCH_ELEMENTS,
                recipe(),
                tensorLayout(),
                in.name(),
                kind == Kind.VECTOR
                        ? TensorPooler.Source.VECTOR
                        : kind == Kind.FLOATS ? TensorPooler.Source.FLOATS : TensorPooler.Source.DOUBLES,
                fixed.length == 0 ? null : fixed,
                sc.isEmpty() ? -1 : schema.fieldIndex(sc),
                !getOrDefault(outputShapeCol).isEmpty());
    }

    @Override
    public PoolingTransformer copy(ParamMap extra) {
        return (PoolingTransformer) defaultCopy(extra);
    }
}
