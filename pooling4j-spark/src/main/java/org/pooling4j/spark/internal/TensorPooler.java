package org.pooling4j.spark.internal;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.pooling4j.Layout;
import org.pooling4j.PoolPlan;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;
import scala.collection.Iterator;
import scala.collection.Seq;

/** Pools tensor rows ({@code array<float>}, {@code array<double>} or a Spark ML {@code Vector}). */
public final class TensorPooler extends RowBatcher {
    private static final long serialVersionUID = 1L;

    /** Where a row's values are. */
    public enum Source {
        ARRAY,
        VECTOR
    }

    private final SpecRecipe recipe;
    private final Layout layout;
    private final String column;
    private final Source source;
    private final int[] fixedShape;
    private final int shapeIndex;
    private final boolean writeShape;

    public TensorPooler(
            int inputIndex,
            int rowIdIndex,
            String rowIdName,
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
        super(inputIndex, rowIdIndex, rowIdName, handleInvalid, batchRows, batchElements, writeShape ? 2 : 1);
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

    @Override
    protected int[] shapeOf(Row row, int inputIndex) {
        int[] shape = fixedShape;
        if (shape == null) {
            if (row.isNullAt(shapeIndex)) throw new InvalidRowException("the shape column is null");
            List<Object> s = row.getList(shapeIndex);
            shape = new int[s.size()];
            for (int i = 0; i < shape.length; i++) {
                Object v = s.get(i);
                if (v == null) throw new InvalidRowException("the shape column " + s + " holds a null");
                shape[i] = (Integer) v;
            }
            String rule = shapeRule(shape);
            if (rule != null) throw new InvalidRowException("shape " + Arrays.toString(shape) + ": " + rule);
        }
        if (row.isNullAt(inputIndex)) throw new InvalidRowException("inputCol " + column + " is null");
        Object v = row.get(inputIndex);
        long length = source == Source.VECTOR ? ((Vector) v).size() : ((Seq<?>) v).length();
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

        Slot(PoolPlan plan) {
            this.plan = plan;
            this.in =
                    new Tensor(new float[Math.toIntExact(count(plan.inputShape()))], plan.inputShape(), plan.layout());
            this.out = plan.newOutput();
            int[] o = plan.outputShape();
            this.rowOutShape = Arrays.copyOfRange(o, 1, o.length);
        }
    }

    private static long count(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    @Override
    protected void poolGroup(int[] shape, Row[] chunk, int[] rows, int count, Object[][] outputs, String[] invalid) {
        Slot slot = slot(shape, count);
        float[] in = slot.in.data();
        int rowIn = in.length / count;
        int index = inputIndex();
        for (int j = 0; j < count; j++) {
            String bad = copy(chunk[rows[j]].get(index), in, j * rowIn, rowIn);
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
                value = Vectors.dense(d);
            } else {
                value = Arrays.copyOfRange(out, j * rowOut, (j + 1) * rowOut);
            }
            outputs[rows[j]] = writeShape ? new Object[] {value, slot.rowOutShape.clone()} : new Object[] {value};
        }
    }

    private Slot slot(int[] shape, int count) {
        int[] batch = new int[shape.length + 1];
        batch[0] = count;
        System.arraycopy(shape, 0, batch, 1, shape.length);
        List<Integer> key = Arrays.asList(Arrays.stream(batch).boxed().toArray(Integer[]::new));
        Object cached = cache().get(key);
        if (cached == null) {
            try {
                PoolSpec spec = recipe.build(shape.length - 1);
                cached = new Slot(Pooling.plan(spec, batch, layout, 1));
            } catch (IllegalArgumentException e) {
                cached = "shape " + Arrays.toString(shape) + " does not fit the operator: " + e.getMessage();
            }
            cache().put(key, cached);
        }
        if (cached instanceof String) throw new InvalidRowException((String) cached);
        return (Slot) cached;
    }

    /** Copies one row's values; returns the rule it breaks (a null element), or null. */
    private String copy(Object v, float[] dst, int off, int n) {
        if (v instanceof DenseVector) {
            double[] d = ((DenseVector) v).values();
            for (int k = 0; k < n; k++) dst[off + k] = (float) d[k];
            return null;
        }
        if (v instanceof Vector) {
            double[] d = ((Vector) v).toArray();
            for (int k = 0; k < n; k++) dst[off + k] = (float) d[k];
            return null;
        }
        if (v instanceof scala.collection.mutable.ArraySeq.ofFloat) {
            System.arraycopy(((scala.collection.mutable.ArraySeq.ofFloat) v).array(), 0, dst, off, n);
            return null;
        }
        if (v instanceof scala.collection.immutable.ArraySeq.ofFloat) {
            System.arraycopy(((scala.collection.immutable.ArraySeq.ofFloat) v).unsafeArray(), 0, dst, off, n);
            return null;
        }
        Iterator<?> it = ((Seq<?>) v).iterator();
        for (int k = 0; k < n; k++) {
            Object e = it.next();
            if (e == null) {
                java.util.Arrays.fill(dst, off, off + n, 0f);
                return "inputCol " + column + " holds a null at element " + k;
            }
            dst[off + k] = ((Number) e).floatValue();
        }
        return null;
    }
}
