package org.pooling4j.sequence;

import java.util.Arrays;
import org.pooling4j.Tensor;
import org.pooling4j.internal.Check;

/**
 * An attention mask of N rows by L tokens: 1 for a real token, 0 for padding. The padding may sit on
 * either side (or anywhere: every mode reads the mask token by token, as sentence-transformers does).
 * Immutable; the factories copy their input and check every value before keeping it.
 */
public final class SequenceMask {
    private final float[] values;
    private final int rows;
    private final int length;
    // Per row: the first and the last token whose mask is 1, or -1 for an all-zero row.
    private final int[] first;
    private final int[] last;

    private SequenceMask(float[] values, int rows, int length) {
        this.values = values;
        this.rows = rows;
        this.length = length;
        this.first = new int[rows];
        this.last = new int[rows];
        for (int r = 0; r < rows; r++) {
            int f = -1;
            int l = -1;
            for (int t = 0; t < length; t++) {
                if (values[r * length + t] != 0f) {
                    if (f < 0) f = t;
                    l = t;
                }
            }
            first[r] = f;
            last[r] = l;
        }
    }

    /**
     * A mask from {@code rows × length} values in row-major order, each exactly 0 or 1.
     *
     * @throws IllegalArgumentException if a size is out of range, {@code mask.length} differs from
     *     {@code rows * length}, or a value is neither 0 nor 1 (its row and token are named)
     */
    public static SequenceMask of(float[] mask, int rows, int length) {
        Check.notNull(mask, "mask");
        checkSizes(rows, length);
        long n = (long) rows * length;
        if (mask.length != n) {
            throw Check.fail(
                    "mask.length", mask.length, "must equal rows * length = " + rows + " * " + length + " = " + n);
        }
        for (int i = 0; i < mask.length; i++) {
            float v = mask[i];
            if (v != 0f && v != 1f) {
                throw new IllegalArgumentException("mask[" + i / length + ", " + i % length + "] = " + v
                        + ": an attention mask holds only 0 (padding) and 1 (token)");
            }
        }
        return new SequenceMask(mask.clone(), rows, length);
    }

    /**
     * A mask from a tensor of shape (N, L), or (L) for one sequence; values exactly 0 or 1.
     *
     * @throws IllegalArgumentException if the rank is not 1 or 2 or a value is neither 0 nor 1
     */
    public static SequenceMask of(Tensor mask) {
        Check.notNull(mask, "mask");
        if (mask.rank() == 1) return of(mask.data(), 1, mask.dim(0));
        if (mask.rank() == 2) return of(mask.data(), mask.dim(0), mask.dim(1));
        throw Check.fail("mask.shape", mask.shape(), "an attention mask is (N, L), or (L) for one sequence");
    }

    /**
     * A mask whose row {@code i} has {@code lengths[i]} ones, after the zeros ({@link PaddingSide#LEFT})
     * or before them ({@link PaddingSide#RIGHT}).
     *
     * @throws IllegalArgumentException if {@code length < 1} or a length lies outside {@code [0, length]}
     */
    public static SequenceMask ofLengths(int[] lengths, int length, PaddingSide side) {
        Check.notNull(lengths, "lengths");
        Check.notNull(side, "side");
        checkSizes(lengths.length, length);
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] < 0 || lengths[i] > length) {
                throw new IllegalArgumentException("lengths[" + i + "] = " + lengths[i] + ": must lie in [0, " + length
                        + "] (the padded sequence length)");
            }
        }
        float[] m = new float[lengths.length * length];
        for (int i = 0; i < lengths.length; i++) {
            int from = side == PaddingSide.RIGHT ? 0 : length - lengths[i];
            Arrays.fill(m, i * length + from, i * length + from + lengths[i], 1f);
        }
        return new SequenceMask(m, lengths.length, length);
    }

    /** A mask of ones: every token is real (what sentence-transformers uses without an attention mask). */
    public static SequenceMask ones(int rows, int length) {
        checkSizes(rows, length);
        float[] m = new float[rows * length];
        Arrays.fill(m, 1f);
        return new SequenceMask(m, rows, length);
    }

    private static void checkSizes(int rows, int length) {
        if (rows < 0) throw Check.fail("rows", rows, "must be >= 0");
        if (length < 1) throw Check.fail("length", length, "must be >= 1 (a sequence has at least one position)");
        if ((long) rows * length > Check.MAX_ELEMENTS) {
            throw new IllegalArgumentException("mask shape = [" + rows + ", " + length + "]: has more than "
                    + Check.MAX_ELEMENTS + " elements, the most a Java array can hold");
        }
    }

    /** N, the number of sequences. */
    public int rows() {
        return rows;
    }

    /** L, the padded sequence length. */
    public int length() {
        return length;
    }

    /** The mask value (0 or 1) of token {@code token} of row {@code row}. */
    public float get(int row, int token) {
        return values[row * length + token];
    }

    /** The number of ones in row {@code row}. */
    public int count(int row) {
        int c = 0;
        for (int t = 0; t < length; t++) if (values[row * length + t] != 0f) c++;
        return c;
    }

    /** A copy of the values, row-major (N × L). */
    public float[] values() {
        return values.clone();
    }

    /** The mask as an (N, L) tensor (a copy). */
    public Tensor toTensor() {
        return Tensor.of(values.clone(), rows, length);
    }

    // The backing array and the per-row first/last ones, for the kernels (never handed out).
    float[] raw() {
        return values;
    }

    int first(int row) {
        return first[row];
    }

    int last(int row) {
        return last[row];
    }

    @Override
    public String toString() {
        return "SequenceMask[" + rows + ", " + length + "]";
    }
}
