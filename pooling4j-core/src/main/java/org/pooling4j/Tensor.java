package org.pooling4j;

import java.util.Arrays;

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
            throw Check.fail("data.length", data.length, "must equal the product of shape " + Arrays.toString(shape) + " = " + n);
        }
        this.data = data;
        this.shape = shape.clone();
        this.layout = layout;
    }

    /** A channels-first tensor over {@code data}. */
    public static Tensor of(float[] data, int... shape) {
        return new Tensor(data, shape, Layout.CHANNELS_FIRST);
    }

    /** A zero-filled channels-first tensor. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new float[Check.elementCount(shape, "shape")], shape, Layout.CHANNELS_FIRST);
    }

    /** A zero-filled tensor in the given layout. */
    public static Tensor zeros(Layout layout, int... shape) {
        return new Tensor(new float[Check.elementCount(shape, "shape")], shape, layout);
    }

    /** The backing array (shared, not a copy). */
    public float[] data() {
        return data;
    }

    /** A copy of the shape, in memory order. */
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
     * Copy of this tensor in the other memory order. {@code channelsAxisFirst} decides how the
     * leading axes are read: for a batched tensor pass {@code true}; an unbatched tensor (no N axis)
     * passes {@code false}.
     */
    public Tensor toLayout(Layout target, boolean batched) {
        Check.notNull(target, "target");
        if (target == layout) return this;
        int lead = batched ? 1 : 0;
        if (shape.length < lead + 2) {
            throw Check.fail("shape", shape, "needs a channel axis and at least one spatial axis to change layout");
        }
        int n = batched ? shape[0] : 1;
        int spatialCount = shape.length - lead - 1;
        int c;
        long p = 1;
        int[] out = new int[shape.length];
        if (batched) out[0] = shape[0];
        if (layout == Layout.CHANNELS_FIRST) {
            c = shape[lead];
            for (int i = 0; i < spatialCount; i++) {
                p *= shape[lead + 1 + i];
                out[lead + i] = shape[lead + 1 + i];
            }
            out[out.length - 1] = c;
        } else {
            c = shape[shape.length - 1];
            out[lead] = c;
            for (int i = 0; i < spatialCount; i++) {
                p *= shape[lead + i];
                out[lead + 1 + i] = shape[lead + i];
            }
        }
        float[] dst = new float[data.length];
        int planes = (int) p;
        for (int b = 0; b < n; b++) {
            int base = b * c * planes;
            for (int ch = 0; ch < c; ch++) {
                for (int q = 0; q < planes; q++) {
                    if (layout == Layout.CHANNELS_FIRST) {
                        dst[base + q * c + ch] = data[base + ch * planes + q];
                    } else {
                        dst[base + ch * planes + q] = data[base + q * c + ch];
                    }
                }
            }
        }
        return new Tensor(dst, out, target);
    }

    static int offset(int[] shape, int[] index) {
        Check.notNull(index, "index");
        if (index.length != shape.length) {
            throw Check.fail("index", index, "must have " + shape.length + " entries for shape " + Arrays.toString(shape));
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

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape) + " " + layout;
    }
}
