package org.pooling4j.spark;

import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
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
import org.pooling4j.sequence.SequenceMode;
import org.pooling4j.sequence.SequenceSpec;
import org.pooling4j.spark.internal.RowBatcher;
import org.pooling4j.spark.internal.SequencePooler;

/**
 * A Spark ML {@code Transformer} that pools each row's token embeddings into one sentence vector with
 * pooling4j's sequence pooling ({@code org.pooling4j.sequence}, the modes and results of sentence-transformers
 * 6's {@code Pooling} module). The input column holds one sequence per row:
 *
 * <ul>
 *   <li>{@code array<array<float>>}: L tokens of D values each (every token of a row the same D), or
 *   <li>{@code array<float>}: the L·D values token by token, with D given by the {@code dim} param or L per row
 *       by an integer {@code lengthCol}.
 * </ul>
 *
 * <p>The optional {@code maskCol} ({@code array<int>}, {@code array<bigint>}, {@code array<float>},
 * {@code array<double>} of 0/1, or {@code array<boolean>}) is the attention mask, L values per row; without it
 * every token counts. {@code modes} is one mode name or several, comma-separated ({@code cls}, {@code lasttoken},
 * {@code max}, {@code mean}, {@code mean_sqrt_len_tokens}, {@code weightedmean}, {@code gem}), whose results are
 * concatenated in that order; {@code p} and {@code eps} are GeM's. The output is a dense Spark ML {@code Vector} of
 * modes·D values (the pooled floats widened to double), so it feeds {@code BucketedRandomProjectionLSH},
 * {@code KMeans} and the like.
 *
 * <p>Rows of one (L, D) in a batch of {@code batchSize} rows are pooled by one call of a plan made once per shape
 * and task. Bad rows (null tokens or mask, a null element, tokens of unequal D, a mask of another length than the
 * tokens, a mask value other than 0 or 1, a flat row whose length is not a multiple of {@code dim} or of its
 * length) follow {@code handleInvalid}.
 *
 * <pre>{@code
 * SequencePoolingTransformer pool = new SequencePoolingTransformer()
 *         .setInputCol("tokens").setMaskCol("attention_mask").setOutputCol("embedding").setModes("mean");
 * }</pre>
 */
public class SequencePoolingTransformer extends BatchedTransformer<SequencePoolingTransformer>
        implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final Param<String> modes;
    private final DoubleParam p;
    private final DoubleParam eps;
    private final Param<String> maskCol;
    private final Param<String> lengthCol;
    private final IntParam dim;

    public SequencePoolingTransformer() {
        this(randomUid("sequencePoolingTransformer"));
    }

    /** The constructor Spark ML's reader and {@link #copy} call. */
    public SequencePoolingTransformer(String uid) {
        super(uid);
        modes = new Param<>(
                this,
                "modes",
                "comma-separated sequence pooling modes, concatenated in order (cls, lasttoken, max, mean,"
                        + " mean_sqrt_len_tokens, weightedmean, gem)");
        p = new DoubleParam(this, "p", "gem: the exponent (finite, > 0)");
        eps = new DoubleParam(this, "eps", "gem: the clamp (finite, > 0)");
        maskCol = new Param<>(this, "maskCol", "attention mask column, 0/1 per token (empty: every token counts)");
        lengthCol = new Param<>(this, "lengthCol", "flat array<float> input: an int column with each row's L");
        dim = new IntParam(
                this,
                "dim",
                "flat array<float> input: D, the values per token (0: lengthCol gives L)",
                ParamValidators.gtEq(0));
        setDefault(modes, "mean");
        setDefault(p, SequenceSpec.DEFAULT_P);
        setDefault(eps, SequenceSpec.DEFAULT_EPS);
        setDefault(maskCol, "");
        setDefault(lengthCol, "");
        setDefault(dim, 0);
    }

    // Spark ML's reader finds a stage's static read(); a Java class has no companion object.
    private static final class Reader implements DefaultParamsReadable<SequencePoolingTransformer> {}

    /** The reader Spark ML's {@code Pipeline} and {@code PipelineModel} loaders call. */
    public static MLReader<SequencePoolingTransformer> read() {
        return new Reader().read();
    }

    /** Loads a transformer saved with {@code write().save(path)}. */
    public static SequencePoolingTransformer load(String path) {
        return read().load(path);
    }

    public Param<String> modes() {
        return modes;
    }

    public DoubleParam p() {
        return p;
    }

    public DoubleParam eps() {
        return eps;
    }

    public Param<String> maskCol() {
        return maskCol;
    }

    public Param<String> lengthCol() {
        return lengthCol;
    }

    public IntParam dim() {
        return dim;
    }

    public String getModes() {
        return getOrDefault(modes);
    }

    public SequencePoolingTransformer setModes(String value) {
        set(modes, value);
        return this;
    }

    public SequencePoolingTransformer setP(double value) {
        set(p, value);
        return this;
    }

    public SequencePoolingTransformer setEps(double value) {
        set(eps, value);
        return this;
    }

    public SequencePoolingTransformer setMaskCol(String value) {
        set(maskCol, value);
        return this;
    }

    public SequencePoolingTransformer setLengthCol(String value) {
        set(lengthCol, value);
        return this;
    }

    public SequencePoolingTransformer setDim(int value) {
        set(dim, value);
        return this;
    }

    /** The spec the params give; fails naming the param. */
    SequenceSpec spec() {
        List<SequenceMode> m;
        try {
            m = SequenceSpec.parse(getModes()).modes();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("modes = " + getModes() + ": " + e.getMessage(), e);
        }
        return SequenceSpec.of(m, (Double) getOrDefault(p), (Double) getOrDefault(eps));
    }

    private static boolean isArrayOf(DataType t, DataType element) {
        return t instanceof ArrayType && ((ArrayType) t).elementType().equals(element);
    }

    private SequencePooler.Tokens tokensOf(StructField in) {
        DataType t = in.dataType();
        if (isArrayOf(t, DataTypes.createArrayType(DataTypes.FloatType, true))
                || isArrayOf(t, DataTypes.createArrayType(DataTypes.FloatType, false))) {
            int d = (Integer) getOrDefault(dim);
            String lc = getOrDefault(lengthCol);
            // Each token's array gives D and the outer array L: a param that would say otherwise is a mistake.
            if (d != 0 || !lc.isEmpty()) {
                throw new IllegalArgumentException("dim = " + d + ", lengthCol = '" + lc + "': only for a flat"
                        + " array<float> inputCol; " + in.name() + " is array<array<float>> (leave both unset)");
            }
            return SequencePooler.Tokens.NESTED;
        }
        if (isArrayOf(t, DataTypes.FloatType)) {
            int d = (Integer) getOrDefault(dim);
            String lc = getOrDefault(lengthCol);
            if (d == 0 && lc.isEmpty()) {
                throw new IllegalArgumentException("dim = 0 and lengthCol = '': a flat array<float> inputCol "
                        + in.name() + " needs one of them (D, or a column with each row's L)");
            }
            if (d > 0 && !lc.isEmpty()) {
                throw new IllegalArgumentException("dim = " + d + " and lengthCol = " + lc + ": set only one of them");
            }
            return SequencePooler.Tokens.FLAT;
        }
        throw new IllegalArgumentException("inputCol = " + in.name() + ": type " + t.simpleString()
                + " is not array<array<float>> or array<float>");
    }

    private static SequencePooler.MaskType maskTypeOf(StructField f) {
        DataType t = f.dataType();
        if (t instanceof ArrayType) {
            DataType e = ((ArrayType) t).elementType();
            if (e.equals(DataTypes.IntegerType)) return SequencePooler.MaskType.INT;
            if (e.equals(DataTypes.LongType)) return SequencePooler.MaskType.LONG;
            if (e.equals(DataTypes.FloatType)) return SequencePooler.MaskType.FLOAT;
            if (e.equals(DataTypes.DoubleType)) return SequencePooler.MaskType.DOUBLE;
            if (e.equals(DataTypes.BooleanType)) return SequencePooler.MaskType.BOOLEAN;
        }
        throw new IllegalArgumentException("maskCol = " + f.name() + ": type " + t.simpleString()
                + " is not array<int>, array<bigint>, array<float>, array<double> or array<boolean>");
    }

    @Override
    public StructType transformSchema(StructType schema) {
        StructField in = inputField(schema);
        SequencePooler.Tokens tokens = tokensOf(in);
        spec();
        String mc = getOrDefault(maskCol);
        if (!mc.isEmpty()) maskTypeOf(field(schema, "maskCol", mc));
        String lc = getOrDefault(lengthCol);
        if (tokens == SequencePooler.Tokens.FLAT && !lc.isEmpty()) {
            DataType t = field(schema, "lengthCol", lc).dataType();
            if (!t.equals(DataTypes.IntegerType)) {
                throw new IllegalArgumentException("lengthCol = " + lc + ": type " + t.simpleString() + " is not int");
            }
        }
        String out = getOutputCol();
        checkOutput(schema, "outputCol", out);
        rowIdIndex(schema);
        return schema.add(out, SQLDataTypes.VectorType(), true);
    }

    @Override
    public RowBatcher batcher(StructType schema) {
        StructField in = inputField(schema);
        SequencePooler.Tokens tokens = tokensOf(in);
        int rowId = rowIdIndex(schema);
        String mc = getOrDefault(maskCol);
        String lc = getOrDefault(lengthCol);
        boolean flatByLength = tokens == SequencePooler.Tokens.FLAT && !lc.isEmpty();
        return new SequencePooler(
                schema.fieldIndex(in.name()),
                rowId,
                getRowIdCol(),
                rowId < 0 ? null : schema.fields()[rowId].dataType(),
                handleInvalidMode(),
                getBatchSize(),
                BATCH_ELEMENTS,
                spec(),
                in.name(),
                tokens,
                tokens == SequencePooler.Tokens.FLAT ? (Integer) getOrDefault(dim) : 0,
                flatByLength ? schema.fieldIndex(lc) : -1,
                lc,
                mc.isEmpty() ? -1 : schema.fieldIndex(mc),
                mc,
                mc.isEmpty() ? null : maskTypeOf(field(schema, "maskCol", mc)));
    }

    @Override
    public SequencePoolingTransformer copy(ParamMap extra) {
        return (SequencePoolingTransformer) defaultCopy(extra);
    }
}
