package org.pooling4j.spark.internal;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataType;
import org.pooling4j.sequence.SequenceMask;
import org.pooling4j.sequence.SequenceMode;
import org.pooling4j.sequence.SequencePlan;
import org.pooling4j.sequence.SequencePooling;
import org.pooling4j.sequence.SequenceSpec;

/**
 * Pools token-embedding rows (one sequence per row, {@code array<array<float>>} or a flat {@code array<float>})
 * under an optional attention mask into a dense Spark ML {@code Vector} of {@code modes × D} values; rows are
 * grouped by (L, D).
 */
public final class SequencePooler extends RowBatcher {
    private static final long serialVersionUID = 1L;

    /** How a row's tokens are stored. */
    public enum Tokens {
        /** {@code array<array<float>>}: L arrays of D floats. */
        NESTED,
        /** {@code array<float>} of L·D floats, with D fixed by a param or L by a column. */
        FLAT
    }

    /** The mask column's element type. */
    public enum MaskType {
        INT,
        LONG,
        FLOAT,
        DOUBLE,
        BOOLEAN
    }

    // The spec's parts: SequenceSpec is not serializable, and the function travels to the executors.
    private final SequenceMode[] modes;
    private final double p;
    private final double eps;
    private transient SequenceSpec spec;
    private final String column;
    private final Tokens tokens;
    private final int dim;
    private final int lengthIndex;
    private final String lengthName;
    private final int maskIndex;
    private final String maskName;
    private final MaskType maskType;
    private transient VectorUDT vectors;

    /**
     * @param dim for {@link Tokens#FLAT}: D, or 0 when {@code lengthIndex} gives L
     * @param lengthIndex for {@link Tokens#FLAT}: the length column's index, or -1
     * @param maskIndex the mask column's index, or -1 (every token counts)
     */
    public SequencePooler(
            int inputIndex,
            int rowIdIndex,
            String rowIdName,
            DataType rowIdType,
            HandleInvalid handleInvalid,
            int batchRows,
            long batchElements,
            SequenceSpec spec,
            String column,
            Tokens tokens,
            int dim,
            int lengthIndex,
            String lengthName,
            int maskIndex,
            String maskName,
            MaskType maskType) {
        super(inputIndex, rowIdIndex, rowIdName, rowIdType, handleInvalid, batchRows, batchElements, 1);
        this.modes = spec.modes().toArray(new SequenceMode[0]);
        this.p = spec.p();
        this.eps = spec.eps();
        this.spec = spec;
        this.column = column;
        this.tokens = tokens;
        this.dim = dim;
        this.lengthIndex = lengthIndex;
        this.lengthName = lengthName;
        this.maskIndex = maskIndex;
        this.maskName = maskName;
        this.maskType = maskType;
    }

    @Override
    protected int[] shapeOf(InternalRow row, int inputIndex) {
        if (row.isNullAt(inputIndex)) throw new InvalidRowException("inputCol " + column + " is null");
        ArrayData a = row.getArray(inputIndex);
        int n = a.numElements();
        int len;
        int d;
        if (tokens == Tokens.NESTED) {
            len = n;
            if (len < 1) throw new InvalidRowException("inputCol " + column + " has no tokens");
            d = -1;
            for (int t = 0; t < len; t++) {
                if (a.isNullAt(t)) throw new InvalidRowException("inputCol " + column + " holds a null at token " + t);
                int dt = a.getArray(t).numElements();
                if (d < 0) d = dt;
                else if (dt != d) {
                    throw new InvalidRowException("inputCol " + column + ": token " + t + " has " + dt
                            + " values but token 0 has " + d + " (every token needs the same D)");
                }
            }
            if (d < 1) throw new InvalidRowException("inputCol " + column + ": the tokens have no values (D = 0)");
        } else if (dim > 0) {
            d = dim;
            if (n == 0 || n % d != 0) {
                throw new InvalidRowException(
                        "inputCol " + column + " has " + n + " values, which is not a positive multiple of dim = " + d);
            }
            len = n / d;
        } else {
            if (row.isNullAt(lengthIndex)) throw new InvalidRowException("lengthCol " + lengthName + " is null");
            len = row.getInt(lengthIndex);
            if (len < 1 || n == 0 || n % len != 0) {
                throw new InvalidRowException("inputCol " + column + " has " + n
                        + " values, which is not a positive multiple of lengthCol " + lengthName + " = " + len);
            }
            d = n / len;
        }
        if (maskIndex >= 0) {
            if (row.isNullAt(maskIndex)) throw new InvalidRowException("maskCol " + maskName + " is null");
            ArrayData m = row.getArray(maskIndex);
            if (m.numElements() != len) {
                throw new InvalidRowException("maskCol " + maskName + " has " + m.numElements()
                        + " values but the row has " + len + " tokens");
            }
            for (int t = 0; t < len; t++) {
                if (maskValue(m, t) < 0) {
                    throw new InvalidRowException("maskCol " + maskName + " holds "
                            + (m.isNullAt(t) ? "a null" : "a value other than 0 or 1") + " at token " + t);
                }
            }
        }
        return new int[] {len, d};
    }

    /** The mask value at {@code t} as 0 or 1, or -1 when it is null or anything else. */
    private int maskValue(ArrayData m, int t) {
        if (m.isNullAt(t)) return -1;
        switch (maskType) {
            case INT:
                int i = m.getInt(t);
                return i == 0 || i == 1 ? i : -1;
            case LONG:
                long l = m.getLong(t);
                return l == 0 || l == 1 ? (int) l : -1;
            case FLOAT:
                float f = m.getFloat(t);
                return f == 0f ? 0 : f == 1f ? 1 : -1;
            case DOUBLE:
                double v = m.getDouble(t);
                return v == 0 ? 0 : v == 1 ? 1 : -1;
            default:
                return m.getBoolean(t) ? 1 : 0;
        }
    }

    /** One (N, L, D) batch shape's plan and buffers. */
    private static final class Slot {
        final SequencePlan plan;
        final float[] x;
        final float[] mask;
        final float[] out;

        Slot(SequencePlan plan, float[] x, float[] mask, float[] out) {
            this.plan = plan;
            this.x = x;
            this.mask = mask;
            this.out = out;
        }
    }

    @Override
    protected void poolGroup(
            int[] shape, InternalRow[] chunk, int[] rows, int count, Object[][] outputs, String[] invalid) {
        int len = shape[0];
        int d = shape[1];
        Slot slot = slot(count, len, d);
        float[] x = slot.x;
        float[] mask = slot.mask;
        int index = inputIndex();
        for (int j = 0; j < count; j++) {
            InternalRow row = chunk[rows[j]];
            ArrayData a = row.getArray(index);
            int base = j * len * d;
            String bad = null;
            if (tokens == Tokens.NESTED) {
                for (int t = 0; t < len && bad == null; t++) {
                    int k = FloatArrays.copy(a.getArray(t), false, x, base + t * d, d);
                    if (k >= 0) bad = "inputCol " + column + " holds a null at token " + t + ", element " + k;
                }
            } else {
                int k = FloatArrays.copy(a, false, x, base, len * d);
                if (k >= 0) bad = "inputCol " + column + " holds a null at element " + k;
            }
            if (maskIndex >= 0) {
                ArrayData m = row.getArray(maskIndex);
                for (int t = 0; t < len; t++) mask[j * len + t] = maskValue(m, t);
            } else {
                Arrays.fill(mask, j * len, (j + 1) * len, 1f);
            }
            if (bad != null) {
                // The row's output is ignored; its values are made harmless for the batch call.
                Arrays.fill(x, base, base + len * d, 0f);
                invalid[rows[j]] = bad;
            }
        }
        slot.plan.forward(x, SequenceMask.of(mask, count, len), slot.out);
        int outDim = slot.plan.outputDim();
        if (vectors == null) vectors = new VectorUDT();
        for (int j = 0; j < count; j++) {
            if (invalid[rows[j]] != null) continue;
            double[] v = new double[outDim];
            for (int k = 0; k < outDim; k++) v[k] = slot.out[j * outDim + k];
            outputs[rows[j]] = new Object[] {vectors.serialize(Vectors.dense(v))};
        }
    }

    private Slot slot(int count, int len, int d) {
        List<Integer> key = List.of(count, len, d);
        Object cached = cache().get(key);
        if (cached == null) {
            if (spec == null) spec = SequenceSpec.of(Arrays.asList(modes), p, eps);
            try {
                SequencePlan plan = SequencePooling.plan(spec, count, len, d);
                cached = new Slot(
                        plan,
                        floats(Math.toIntExact((long) count * len * d)),
                        floats(count * len),
                        floats(count * plan.outputDim()));
            } catch (IllegalArgumentException e) {
                cached = "shape (L = " + len + ", D = " + d + ") does not fit: " + e.getMessage();
            }
            cache().put(key, cached);
        }
        if (cached instanceof String) throw new InvalidRowException((String) cached);
        return (Slot) cached;
    }
}
