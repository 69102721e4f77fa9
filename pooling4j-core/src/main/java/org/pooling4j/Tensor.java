package org.pooling4j;

import java.util.Arrays;
import org.pooling4j.internal.Budget;
import org.pooling4j.internal.Check;

/**
 * A dense float32 tensor: a shape, a layout and a row-major backing array.
 *
 * <p>A batched pooling tensor with k spatial dimensions has rank k + 2: (N, C, D1..Dk) in
 * {@link Layout#CHANNELS_FIRST}, (N, D1..Dk, C) in {@link Layout#CHANNELS_LAST}. An unbatched
 * tensor has rank k + 1: (C, D1..Dk) or (D1..Dk, C). The shape array is indexed in memory order, so
 * element {@code (i0, i1, ...)} of the shape lives at {@code ((i0 * s1 + i1) * s2 + ...)}.
 *
 * <p>The backing array is shared, not copied: the library never writes to an input tensor's array,
 * and callers must not change it while a call that reads it runs.
 */
public final class Tensor {
    private final float[] data;
    private final int[] shape;
    private final Layout layout;

    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a dimension is negative, the element count overflows or
     *     {@code data.length} differs from the product of the shape
     */
    public Tensor(float[] data, int[] shape, Layout layout) {
        Check.notNull(data, "data");
        Check.notNull(shape, "shape");
        Check.notNull(layout, "layout");
        int n = Check.elementCount(shape, "shape");
        if (data.length != n) {
            throw Check.fail(
                    "data.length",
                    data.length,
                    "must equal the product of shape " + Arrays.toString(shape) + " = " + n);
        }
        this.data = data;
        this.shape = shape.clone();
        this.layout = layout;
    }

    /** A channels-first tensor over {@code data}. */
    public static Tensor of(float[] data, int... shape) {
        return new Tensor(data, shape, Layout.CHANNELS_FIRST);
    }

    /**
     * A zero-filled channels-first tensor.
     *
     * @throws IllegalArgumentException if a dimension is negative, or the tensor would not fit a Java
     *     array or the memory budget ({@link Limits#maxBytes()})
     */
    public static Tensor zeros(int... shape) {
        return zeros(Layout.CHANNELS_FIRST, shape);
    }

    /**
     * A zero-filled tensor in the given layout.
     *
     * @throws IllegalArgumentException if a dimension is negative, or the tensor would not fit a Java
     *     array or the memory budget ({@link Limits#maxBytes()})
     */
    public static Tensor zeros(Layout layout, int... shape) {
        int n = Check.elementCount(shape, "shape");
        Budget.shape("shape", shape, "the tensor", shape, Float.BYTES, "floats");
        return new Tensor(new float[n], shape, layout);
    }

    /** The backing array (shared, not a copy). */
    public float[] data() {
        return data;
    }

    /** A copy of the shape, in memory order. */
    /** Whether the shape equals {@code shape} (no copy is made). */
    public boolean hasShape(int[] shape) {
        return java.util.Arrays.equals(this.shape, shape);
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim(int i) {
        return shape[i];
    }

    public int rank() {
        return shape.length;
    }

    public Layout layout() {
        return layout;
    }

    public int size() {
        return data.length;
    }

    /** Element at the given index, in memory order of the shape. */
    public float get(int... index) {
        return data[offset(shape, index)];
    }

    /** Same data viewed with another shape of equal element count and the same layout. */
    public Tensor reshape(int... newShape) {
        return new Tensor(data, newShape, layout);
    }

    /** Same data (no copy) labelled with another layout; the shape is kept as is. */
    public Tensor withLayout(Layout newLayout) {
        return new Tensor(data, shape, newLayout);
    }

    /**
     * Copy of this tensor in the other memory order. Pass {@code batched = true} for (N, C, spatial...)
     * / (N, spatial..., C) and {@code false} for an unbatched tensor without the N axis.
     */
    public Tensor toLayout(Layout target, boolean batched) {
        Check.notNull(target, "target");
        if (target == layout) return this;
        int[] src = layoutOrder(shape, layout, batched);
        float[] dst = new float[data.length];
        for (int i = 0; i < dst.length; i++) dst[i] = data[src[i]];
        return new Tensor(dst, swappedShape(shape, layout, batched), target);
    }

    /** Shape of the same logical tensor in the other layout. */
    static int[] swappedShape(int[] shape, Layout from, boolean batched) {
        int lead = batched ? 1 : 0;
        if (shape.length < lead + 2) {
            throw Check.fail("shape", shape, "needs a channel axis and at least one spatial axis to change layout");
        }
        int[] out = shape.clone();
        int last = shape.length - 1;
        if (from == Layout.CHANNELS_FIRST) {
            System.arraycopy(shape, lead + 1, out, lead, last - lead);
            out[last] = shape[lead];
        } else {
            System.arraycopy(shape, lead, out, lead + 1, last - lead);
            out[lead] = shape[last];
        }
        return out;
    }

    /**
     * For each element of the tensor in the other layout, the offset of the same logical element in
     * a tensor of {@code shape} laid out as {@code from}.
     */
    static int[] layoutOrder(int[] shape, Layout from, boolean batched) {
        int lead = batched ? 1 : 0;
        swappedShape(shape, from, batched);
        int n = batched ? shape[0] : 1;
        int c = from == Layout.CHANNELS_FIRST ? shape[lead] : shape[shape.length - 1];
        int total = Check.elementCount(shape, "shape");
        int plane = n == 0 || c == 0 ? 0 : total / n / c;
        int[] src = new int[total];
        int i = 0;
        for (int b = 0; b < n; b++) {
            int base = b * c * plane;
            if (from == Layout.CHANNELS_FIRST) {
                // destination is channels-last: position-major, channel fastest
                for (int q = 0; q < plane; q++) {
                    for (int ch = 0; ch < c; ch++) src[i++] = base + ch * plane + q;
                }
            } else {
                for (int ch = 0; ch < c; ch++) {
                    for (int q = 0; q < plane; q++) src[i++] = base + q * c + ch;
                }
            }
        }
        return src;
    }

    static int offset(int[] shape, int[] index) {
        Check.notNull(index, "index");
        if (index.length != shape.length) {
            throw Check.fail(
                    "index", index, "must have " + shape.length + " entries for shape " + Arrays.toString(shape));
        }
        int off = 0;
        for (int i = 0; i < shape.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw Check.fail("index", index, "entry " + i + " must be in [0, " + shape[i] + ")");
            }
            off = off * shape[i] + index[i];
        }
        return off;
    }

    /**
     * The shape, the layout and the values, nested by axis as NumPy prints them, for example
     * {@code "Tensor[2, 2] CHANNELS_FIRST\n[[ 6.0,  8.0],\n [14.0, 16.0]]"}. Values are in
     * {@link Float#toString(float)} form, right-aligned to a common width. A tensor of more than 1000
     * elements shows the first and last 3 entries of each axis longer than 6, with {@code ...} between.
     */
    @Override
    public String toString() {
        return TensorText.format("Tensor", shape, layout, data.length, i -> Float.toString(data[i]));
    }
}
