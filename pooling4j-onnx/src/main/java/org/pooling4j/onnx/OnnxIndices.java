package org.pooling4j.onnx;

import org.pooling4j.IndexFormat;
import org.pooling4j.Indices;
import org.pooling4j.Layout;
import org.pooling4j.LongTensor;
import org.pooling4j.internal.Check;

/**
 * Conversions between ONNX MaxPool indices (flattened over the whole N x C x D1 x ... input,
 * row-major, or column-major over the spatial dimensions with {@code storage_order = 1}) and the
 * formats of other systems: PyTorch's per-plane offsets and TensorFlow's channels-last
 * {@code (y*W + x)*C + c} with or without the batch. -1 (no element won) stays -1.
 */
public final class OnnxIndices {
    private OnnxIndices() {}

    /**
     * Converts {@code indices} (int64, the pooled output's shape (N, C, O1, ...)) from one format to
     * another; {@code inputShape} is the shape (N, C, D1, ...) of the tensor that was pooled.
     */
    public static TensorValue convert(TensorValue indices, int[] inputShape, IndexFormat from, IndexFormat to) {
        Check.notNull(indices, "indices");
        Check.notNull(inputShape, "inputShape");
        if (indices.type() != DataType.INT64) throw Check.fail("indices.type", indices.type(), "must be int64");
        if (inputShape.length < 3
                || indices.rank() != inputShape.length
                || indices.dim(0) != inputShape[0]
                || indices.dim(1) != inputShape[1]) {
            throw Check.fail(
                    "inputShape", inputShape, "must be (N, C, D1, ...) with the N and C of indices " + indices);
        }
        int[] spatial = java.util.Arrays.copyOfRange(inputShape, 2, inputShape.length);
        LongTensor t = new LongTensor(indices.l, indices.shape(), Layout.CHANNELS_FIRST);
        LongTensor out = Indices.convert(t, spatial, from, to);
        return TensorValue.ofInt64(out.data(), out.shape());
    }

    /** ONNX global indices to PyTorch's per-plane offsets. */
    public static TensorValue toPerPlane(TensorValue indices, int[] inputShape, boolean columnMajor) {
        return convert(
                indices,
                inputShape,
                columnMajor ? IndexFormat.GLOBAL_COLUMN_MAJOR : IndexFormat.GLOBAL_ROW_MAJOR,
                IndexFormat.PER_PLANE);
    }

    /** PyTorch's per-plane offsets to ONNX global indices. */
    public static TensorValue fromPerPlane(TensorValue indices, int[] inputShape, boolean columnMajor) {
        return convert(
                indices,
                inputShape,
                IndexFormat.PER_PLANE,
                columnMajor ? IndexFormat.GLOBAL_COLUMN_MAJOR : IndexFormat.GLOBAL_ROW_MAJOR);
    }
}
