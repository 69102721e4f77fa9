package org.pooling4j;

import java.util.Arrays;
import org.pooling4j.internal.Check;

/**
 * A dense int64 tensor, used for argmax indices. Shape and layout follow the same rules as
 * {@link Tensor}; the backing array is shared, not copied.
 */
public final class LongTensor {
    private final long[] data;
    private final int[] shape;
    private final Layout layout;

    public LongTensor(long[] data, int[] shape, Layout layout) {
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

    public static LongTensor of(long[] data, int... shape) {
        return new LongTensor(data, shape, Layout.CHANNELS_FIRST);
    }

    public long[] data() {
        return data;
    }

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

    public long get(int... index) {
        return data[Tensor.offset(shape, index)];
    }

    public LongTensor reshape(int... newShape) {
        return new LongTensor(data, newShape, layout);
    }

    public LongTensor withLayout(Layout newLayout) {
        return new LongTensor(data, shape, newLayout);
    }

    /** Copy in the other memory order; see {@link Tensor#toLayout}. */
    public LongTensor toLayout(Layout target, boolean batched) {
        Check.notNull(target, "target");
        if (target == layout) return this;
        int[] src = Tensor.layoutOrder(shape, layout, batched);
        long[] dst = new long[data.length];
        for (int i = 0; i < dst.length; i++) dst[i] = data[src[i]];
        return new LongTensor(dst, Tensor.swappedShape(shape, layout, batched), target);
    }

    /**
     * The shape, the layout and the values, nested by axis as NumPy prints them, for example
     * {@code "LongTensor[2, 2] CHANNELS_FIRST\n[[ 5,  7],\n [13, 15]]"}; elided beyond 1000 elements
     * as {@link Tensor#toString()} is.
     */
    @Override
    public String toString() {
        return TensorText.format("LongTensor", shape, layout, data.length, i -> Long.toString(data[i]));
    }
}
