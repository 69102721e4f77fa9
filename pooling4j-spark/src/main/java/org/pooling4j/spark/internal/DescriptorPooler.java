package org.pooling4j.spark.internal;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.pooling4j.Layout;
import org.pooling4j.Tensor;
import org.pooling4j.descriptor.Descriptors;
import org.pooling4j.descriptor.GemSpec;

/**
 * Turns feature-map rows of shape (C, H, W) ({@code array<float>}, {@code array<double>} or a Spark ML
 * {@code Vector}) into global descriptors (GeM, spatial pyramid pooling, R-MAC), a dense {@code Vector} per row;
 * the rows of one shape in a batch go through one (N, C, H, W) call.
 */
public final class DescriptorPooler extends RowBatcher {
    private static final long serialVersionUID = 1L;

    /** Which descriptor. */
    public enum Kind {
        GEM,
        SPP,
        RMAC
    }

    // Spark ML's Vector type is a struct of 4 fields (type, size, indices, values) in a row.
    private static final int VECTOR_FIELDS = 4;

    private final Kind kind;
    private final double p;
    private final double eps;
    private final int[] levels;
    private final Descriptors.PyramidMode mode;
    private final String column;
    private final TensorPooler.Source source;
    private final int[] fixedShape;
    private final int shapeIndex;
    private transient VectorUDT vectors;

    /**
     * @param levels SPP's levels, or R-MAC's one level count
     * @param fixedShape every row's (C, H, W), or null when {@code shapeIndex} names the shape column
     */
    public DescriptorPooler(
            int inputIndex,
            int rowIdIndex,
            String rowIdName,
            DataType rowIdType,
            HandleInvalid handleInvalid,
            int batchRows,
            long batchElements,
            Kind kind,
            double p,
            double eps,
            int[] levels,
            Descriptors.PyramidMode mode,
            String column,
            TensorPooler.Source source,
            int[] fixedShape,
            int shapeIndex) {
        super(inputIndex, rowIdIndex, rowIdName, rowIdType, handleInvalid, batchRows, batchElements, 1);
        this.kind = kind;
        this.p = p;
        this.eps = eps;
        this.levels = levels.clone();
        this.mode = mode;
        this.column = column;
        this.source = source;
        this.fixedShape = fixedShape == null ? null : fixedShape.clone();
        this.shapeIndex = shapeIndex;
    }

    /**
     * The rule a (C, H, W) shape breaks, or null: three entries, each at least 1, at most
     * {@code Integer.MAX_VALUE} values.
     */
    public static String shapeRule(int[] shape) {
        if (shape.length != 3) return "must have 3 entries (C, H, W)";
        long n = 1;
        for (int d : shape) {
            if (d < 1) return "every entry must be >= 1";
            n *= d;
            if (n > Integer.MAX_VALUE) return "more than " + Integer.MAX_VALUE + " values";
        }
        return null;
    }

    private Vector vector(InternalRow row, int index) {
        if (vectors == null) vectors = new VectorUDT();
        return vectors.deserialize(row.getStruct(index, VECTOR_FIELDS));
    }

    @Override
    protected int[] shapeOf(InternalRow row, int inputIndex) {
        int[] shape = fixedShape;
        if (shape == null) {
            shape = shapeColumn(row, shapeIndex);
            String rule = shapeRule(shape);
            if (rule != null) throw new InvalidRowException("shape " + Arrays.toString(shape) + ": " + rule);
        }
        if (row.isNullAt(inputIndex)) throw new InvalidRowException("inputCol " + column + " is null");
        long length = source == TensorPooler.Source.VECTOR
                ? vector(row, inputIndex).size()
                : row.getArray(inputIndex).numElements();
        long need = (long) shape[0] * shape[1] * shape[2];
        if (length != need) {
            throw new InvalidRowException("inputCol " + column + " has " + length + " values but shape "
                    + Arrays.toString(shape) + " needs " + need);
        }
        return shape;
    }

    @Override
    protected void poolGroup(
            int[] shape, InternalRow[] chunk, int[] rows, int count, Object[][] outputs, String[] invalid) {
        int rowIn = shape[0] * shape[1] * shape[2];
        float[] in = buffer(count, rowIn);
        int index = inputIndex();
        for (int j = 0; j < count; j++) {
            InternalRow row = chunk[rows[j]];
            int off = j * rowIn;
            int k;
            if (source == TensorPooler.Source.VECTOR) {
                Vector v = vector(row, index);
                double[] d = v instanceof DenseVector ? ((DenseVector) v).values() : v.toArray();
                for (int e = 0; e < rowIn; e++) in[off + e] = (float) d[e];
                k = -1;
            } else {
                k = FloatArrays.copy(row.getArray(index), source == TensorPooler.Source.DOUBLES, in, off, rowIn);
            }
            if (k >= 0) {
                Arrays.fill(in, off, off + rowIn, 0f);
                invalid[rows[j]] = "inputCol " + column + " holds a null at element " + k;
            }
        }
        Tensor x = new Tensor(in, new int[] {count, shape[0], shape[1], shape[2]}, Layout.CHANNELS_FIRST);
        Tensor y;
        try {
            switch (kind) {
                case GEM:
                    y = Descriptors.gem(GemSpec.global(2).p(p).eps(eps).build(), x);
                    break;
                case SPP:
                    y = Descriptors.spatialPyramidPool(x, levels, mode);
                    break;
                default:
                    y = Descriptors.rmac(x, levels[0]);
                    break;
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidRowException(
                    "shape " + Arrays.toString(shape) + " does not fit the descriptor: " + e.getMessage());
        }
        float[] out = y.data();
        int rowOut = out.length / count;
        if (vectors == null) vectors = new VectorUDT();
        for (int j = 0; j < count; j++) {
            if (invalid[rows[j]] != null) continue;
            double[] v = new double[rowOut];
            for (int e = 0; e < rowOut; e++) v[e] = out[j * rowOut + e];
            outputs[rows[j]] = new Object[] {vectors.serialize(Vectors.dense(v))};
        }
    }

    // One input buffer per batch shape and partition, reused from batch to batch (large ones from the pool).
    private float[] buffer(int count, int rowIn) {
        List<Integer> key = List.of(count, rowIn);
        Object b = cache().get(key);
        if (b == null) {
            b = floats(Math.toIntExact((long) count * rowIn));
            cache().put(key, b);
        }
        return (float[]) b;
    }
}
