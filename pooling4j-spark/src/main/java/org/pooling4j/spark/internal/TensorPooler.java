package org.pooling4j.spark.internal;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.types.DataType;
import org.pooling4j.Layout;
import org.pooling4j.PoolPlan;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;

/** Pools tensor rows ({@code array<float>}, {@code array<double>} or a Spark ML {@code Vector}). */
public final class TensorPooler extends RowBatcher {
    private static final long serialVersionUID = 1L;

    /** Where a row's values are. */
    public enum Source {
        FLOATS,
        DOUBLES,
        VECTOR
    }

    // Spark ML's Vector type is a struct of 4 fields (type, size, indices, values) in a row.
    private static final int VECTOR_FIELDS = 4;

    private final SpecRecipe recipe;
    private final Layout layout;
    private final String column;
    private final Source source;
    private final int[] fixedShape;
    private final int shapeIndex;
    private final boolean writeShape;
    private transient VectorUDT vectors;

    public TensorPooler(
            int inputIndex,
            int rowIdIndex,
            String rowIdName,
            DataType rowIdType,
            HandleInvalid handleInvalid,
            int batchRows,
            long batchElements,
            SpecRecipe recipe,
            Layout layout,
            String column,
            Source source,
            int[] fixedShape,
            int shapeIndex,
            boolean writeShape) {
        super(
                inputIndex,
                rowIdIndex,
                rowIdName,
                rowIdType,
                handleInvalid,
                batchRows,
                batchElements,
                writeShape ? 2 : 1);
        this.recipe = recipe;
        this.layout = layout;
        this.column = column;
        this.source = source;
        this.fixedShape = fixedShape == null ? null : fixedShape.clone();
        this.shapeIndex = shapeIndex;
        this.writeShape = writeShape;
    }

    /**
     * Checks a row shape (without the batch axis): a channel axis and at least one spatial axis, every entry
     * at least 1, at most {@code Integer.MAX_VALUE} values.
     *
     * @throws IllegalArgumentException naming {@code name} and the rule
     */
    public static void checkShape(int[] shape, String name) {
        String rule = shapeRule(shape);
        if (rule != null) throw new IllegalArgumentException(name + " = " + Arrays.toString(shape) + ": " + rule);
    }

    private static String shapeRule(int[] shape) {
        if (shape.length < 2) return "must have a channel axis and at least one spatial axis (2 or more entries)";
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
        long length = source == Source.VECTOR
                ? vector(row, inputIndex).size()
                : row.getArray(inputIndex).numElements();
        long need = 1;
        for (int d : shape) need *= d;
        if (length != need) {
            throw new InvalidRowException("inputCol " + column + " has " + length + " values but shape "
                    + Arrays.toString(shape) + " needs " + need);
        }
        return shape;
    }

    /** One batch shape's plan and stacked buffers. */
    private static final class Slot {
        final PoolPlan plan;
        final Tensor in;
        final Tensor out;
        final int[] rowOutShape;

        Slot(PoolPlan plan, float[] in, float[] out) {
            this.plan = plan;
            this.in = new Tensor(in, plan.inputShape(), plan.layout());
            this.out = new Tensor(out, plan.outputShape(), plan.layout());
            int[] o = plan.outputShape();
            this.rowOutShape = Arrays.copyOfRange(o, 1, o.length);
        }
    }

    @Override
    protected void poolGroup(
            int[] shape, InternalRow[] chunk, int[] rows, int count, Object[][] outputs, String[] invalid) {
        Slot slot = slot(shape, count);
        float[] in = slot.in.data();
        int rowIn = in.length / count;
        int index = inputIndex();
        for (int j = 0; j < count; j++) {
            String bad = copy(chunk[rows[j]], index, in, j * rowIn, rowIn);
            if (bad != null) invalid[rows[j]] = bad;
        }
        slot.plan.forward(slot.in, slot.out);
        float[] out = slot.out.data();
        int rowOut = out.length / count;
        for (int j = 0; j < count; j++) {
            Object value;
            if (source == Source.VECTOR) {
                double[] d = new double[rowOut];
                for (int k = 0; k < rowOut; k++) d[k] = out[j * rowOut + k];
                if (vectors == null) vectors = new VectorUDT();
                value = vectors.serialize(Vectors.dense(d));
            } else {
                // Straight from the batch's output into Spark's binary array, in the chunk's reused buffer.
                value = floatArray(out, j * rowOut, rowOut);
            }
            outputs[rows[j]] = writeShape
                    ? new Object[] {value, UnsafeArrayData.fromPrimitiveArray(slot.rowOutShape)}
                    : new Object[] {value};
        }
    }

    private Slot slot(int[] shape, int count) {
        Integer[] batch = new Integer[shape.length + 1];
        batch[0] = count;
        for (int a = 0; a < shape.length; a++) batch[a + 1] = shape[a];
        List<Integer> key = Arrays.asList(batch);
        Object cached = cache().get(key);
        if (cached == null) {
            int[] full = new int[batch.length];
            for (int a = 0; a < full.length; a++) full[a] = batch[a];
            try {
                PoolSpec spec = recipe.build(shape.length - 1);
                PoolPlan plan = Pooling.plan(spec, full, layout, 1);
                cached = new Slot(plan, floats(count(plan.inputShape())), floats(count(plan.outputShape())));
            } catch (IllegalArgumentException e) {
                cached = "shape " + Arrays.toString(shape) + " does not fit the operator: " + e.getMessage();
            }
            cache().put(key, cached);
        }
        if (cached instanceof String) throw new InvalidRowException((String) cached);
        return (Slot) cached;
    }

    private static int count(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return Math.toIntExact(n);
    }

    /** Copies one row's values; returns the rule it breaks (a null element), or null. */
    private String copy(InternalRow row, int index, float[] dst, int off, int n) {
        if (source == Source.VECTOR) {
            Vector v = vector(row, index);
            double[] d = v instanceof DenseVector ? ((DenseVector) v).values() : v.toArray();
            for (int k = 0; k < n; k++) dst[off + k] = (float) d[k];
            return null;
        }
        int bad = FloatArrays.copy(row.getArray(index), source == Source.DOUBLES, dst, off, n);
        return bad < 0 ? null : nullElement(dst, off, n, bad);
    }

    private String nullElement(float[] dst, int off, int n, int k) {
        Arrays.fill(dst, off, off + n, 0f);
        return "inputCol " + column + " holds a null at element " + k;
    }
}
