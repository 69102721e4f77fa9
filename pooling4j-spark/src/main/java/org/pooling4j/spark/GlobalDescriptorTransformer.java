package org.pooling4j.spark;

import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.ml.linalg.SQLDataTypes;
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
import org.pooling4j.descriptor.Descriptors;
import org.pooling4j.descriptor.GemSpec;
import org.pooling4j.spark.internal.DescriptorPooler;
import org.pooling4j.spark.internal.RowBatcher;
import org.pooling4j.spark.internal.TensorPooler;

/**
 * A Spark ML {@code Transformer} that turns each row's feature map into a global descriptor with pooling4j's
 * {@code org.pooling4j.descriptor.Descriptors}: {@code gem} (generalised mean over the whole map, params {@code p}
 * and {@code eps}; C values), {@code spp} (spatial pyramid pooling, params {@code levels}, default
 * {@code [1, 2, 4]}, and {@code mode} max or avg; C·Σl² values, level by level, each channel-major) or
 * {@code rmac} (R-MAC, {@code levels} one entry, the number of scales, default 3; C values).
 *
 * <p>The input column holds one channels-first (C, H, W) map per row: {@code array<float>} (or
 * {@code array<double>}, or a Spark ML {@code Vector}; doubles are rounded to the nearest float) in row-major
 * order, its shape given by the {@code shape} param or per row by an {@code array<int>} {@code shapeCol}. The
 * output is a dense Spark ML {@code Vector} (the floats widened to double). The rows of one shape in a batch of
 * {@code batchSize} rows go through one (N, C, H, W) call. Bad rows (null, a null element, a data length that does
 * not match the shape, a bad shape) follow {@code handleInvalid}.
 *
 * <pre>{@code
 * GlobalDescriptorTransformer gem = new GlobalDescriptorTransformer()
 *         .setInputCol("features").setOutputCol("descriptor").setShape(512, 7, 7).setDescriptor("gem").setP(3);
 * }</pre>
 */
public class GlobalDescriptorTransformer extends BatchedTransformer<GlobalDescriptorTransformer>
        implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private static final String[] DESCRIPTORS = {"gem", "spp", "rmac"};

    private final Param<String> descriptor;
    private final DoubleParam p;
    private final DoubleParam eps;
    private final IntArrayParam levels;
    private final Param<String> mode;
    private final IntArrayParam shape;
    private final Param<String> shapeCol;

    public GlobalDescriptorTransformer() {
        this(randomUid("globalDescriptorTransformer"));
    }

    /** The constructor Spark ML's reader and {@link #copy} call. */
    public GlobalDescriptorTransformer(String uid) {
        super(uid);
        descriptor = new Param<>(
                this,
                "descriptor",
                "gem, spp (spatial pyramid pooling) or rmac",
                ParamValidators.inArray(Arrays.asList(DESCRIPTORS)));
        p = new DoubleParam(this, "p", "gem: the exponent (finite, > 0)");
        eps = new DoubleParam(this, "eps", "gem: the clamp (finite, > 0)");
        levels = new IntArrayParam(
                this,
                "levels",
                "spp: bins per side of each level (empty: [1, 2, 4]); rmac: one entry, the number of scales (empty:"
                        + " 3)");
        mode = new Param<>(this, "mode", "spp: max or avg", ParamValidators.inArray(Arrays.asList("max", "avg")));
        shape = new IntArrayParam(this, "shape", "the (C, H, W) of every row");
        shapeCol = new Param<>(this, "shapeCol", "an array<int> column with each row's (C, H, W)");
        setDefault(descriptor, "gem");
        setDefault(p, GemSpec.DEFAULT_P);
        setDefault(eps, GemSpec.DEFAULT_EPS);
        setDefault(levels, new int[0]);
        setDefault(mode, "max");
        setDefault(shape, new int[0]);
        setDefault(shapeCol, "");
    }

    // Spark ML's reader finds a stage's static read(); a Java class has no companion object.
    private static final class Reader implements DefaultParamsReadable<GlobalDescriptorTransformer> {}

    /** The reader Spark ML's {@code Pipeline} and {@code PipelineModel} loaders call. */
    public static MLReader<GlobalDescriptorTransformer> read() {
        return new Reader().read();
    }

    /** Loads a transformer saved with {@code write().save(path)}. */
    public static GlobalDescriptorTransformer load(String path) {
        return read().load(path);
    }

    public Param<String> descriptor() {
        return descriptor;
    }

    public DoubleParam p() {
        return p;
    }

    public DoubleParam eps() {
        return eps;
    }

    public IntArrayParam levels() {
        return levels;
    }

    public Param<String> mode() {
        return mode;
    }

    public IntArrayParam shape() {
        return shape;
    }

    public Param<String> shapeCol() {
        return shapeCol;
    }

    public GlobalDescriptorTransformer setDescriptor(String value) {
        set(descriptor, value);
        return this;
    }

    public GlobalDescriptorTransformer setP(double value) {
        set(p, value);
        return this;
    }

    public GlobalDescriptorTransformer setEps(double value) {
        set(eps, value);
        return this;
    }

    public GlobalDescriptorTransformer setLevels(int... value) {
        set(levels, value);
        return this;
    }

    public GlobalDescriptorTransformer setMode(String value) {
        set(mode, value);
        return this;
    }

    public GlobalDescriptorTransformer setShape(int... value) {
        set(shape, value);
        return this;
    }

    public GlobalDescriptorTransformer setShapeCol(String value) {
        set(shapeCol, value);
        return this;
    }

    private DescriptorPooler.Kind kind() {
        return DescriptorPooler.Kind.valueOf(getOrDefault(descriptor).toUpperCase(Locale.ROOT));
    }

    /** The levels in effect for the descriptor, checked. */
    private int[] effectiveLevels(DescriptorPooler.Kind kind) {
        int[] l = getOrDefault(levels);
        if (kind == DescriptorPooler.Kind.SPP) {
            if (l.length == 0) return new int[] {1, 2, 4};
            for (int v : l) {
                if (v < 1)
                    throw new IllegalArgumentException("levels = " + Arrays.toString(l) + ": every level must be >= 1");
            }
            return l;
        }
        if (kind == DescriptorPooler.Kind.RMAC) {
            if (l.length == 0) return new int[] {Descriptors.DEFAULT_RMAC_LEVELS};
            if (l.length != 1 || l[0] < 1) {
                throw new IllegalArgumentException(
                        "levels = " + Arrays.toString(l) + ": rmac takes one entry, the number of scales, >= 1");
            }
            return l;
        }
        return new int[0];
    }

    private static TensorPooler.Source sourceOf(StructField f) {
        DataType t = f.dataType();
        if (t instanceof ArrayType) {
            DataType e = ((ArrayType) t).elementType();
            if (e.equals(DataTypes.FloatType)) return TensorPooler.Source.FLOATS;
            if (e.equals(DataTypes.DoubleType)) return TensorPooler.Source.DOUBLES;
        }
        if (t.equals(SQLDataTypes.VectorType())) return TensorPooler.Source.VECTOR;
        throw new IllegalArgumentException("inputCol = " + f.name() + ": type " + t.simpleString()
                + " is not array<float>, array<double> or a Spark ML Vector");
    }

    @Override
    public StructType transformSchema(StructType schema) {
        sourceOf(inputField(schema));
        DescriptorPooler.Kind kind = kind();
        effectiveLevels(kind);
        if (kind == DescriptorPooler.Kind.GEM) {
            GemSpec.global(2)
                    .p((Double) getOrDefault(p))
                    .eps((Double) getOrDefault(eps))
                    .build();
        }
        int[] fixed = getOrDefault(shape);
        String sc = getOrDefault(shapeCol);
        if (fixed.length == 0 && sc.isEmpty()) {
            throw new IllegalArgumentException("shape = [] and shapeCol = '': set one of them (each row's (C, H, W))");
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
            String rule = DescriptorPooler.shapeRule(fixed);
            if (rule != null) throw new IllegalArgumentException("shape = " + Arrays.toString(fixed) + ": " + rule);
        }
        String out = getOutputCol();
        checkOutput(schema, "outputCol", out);
        rowIdIndex(schema);
        return schema.add(out, SQLDataTypes.VectorType(), true);
    }

    @Override
    public RowBatcher batcher(StructType schema) {
        StructField in = inputField(schema);
        DescriptorPooler.Kind kind = kind();
        int rowId = rowIdIndex(schema);
        int[] fixed = getOrDefault(shape);
        String sc = getOrDefault(shapeCol);
        return new DescriptorPooler(
                schema.fieldIndex(in.name()),
                rowId,
                getRowIdCol(),
                rowId < 0 ? null : schema.fields()[rowId].dataType(),
                handleInvalidMode(),
                getBatchSize(),
                BATCH_ELEMENTS,
                kind,
                (Double) getOrDefault(p),
                (Double) getOrDefault(eps),
                effectiveLevels(kind),
                getOrDefault(mode).equals("avg") ? Descriptors.PyramidMode.AVG : Descriptors.PyramidMode.MAX,
                in.name(),
                sourceOf(in),
                fixed.length == 0 ? null : fixed,
                sc.isEmpty() ? -1 : schema.fieldIndex(sc));
    }

    @Override
    public GlobalDescriptorTransformer copy(ParamMap extra) {
        return (GlobalDescriptorTransformer) defaultCopy(extra);
    }
}
