package org.pooling4j;

/**
 * How an argmax index names an input element. Kernels produce {@link #PER_PLANE};
 * {@link Indices#convert} translates between all formats.
 */
public enum IndexFormat {
    /** Flat position within the (n, c) plane, row-major over the spatial axes (PyTorch). */
    PER_PLANE,
    /** Flat position in the whole N x C x D1..Dk tensor, spatial row-major (ONNX storage_order = 0). */
    GLOBAL_ROW_MAJOR,
    /** As {@link #GLOBAL_ROW_MAJOR} but the spatial position is column-major (ONNX storage_order = 1). */
    GLOBAL_COLUMN_MAJOR,
    /** {@code (spatial row-major) * C + c}, without the batch (TensorFlow max_pool_with_argmax). */
    CHANNELS_LAST,
    /** {@code ((n * spatial) + position) * C + c} (TensorFlow with include_batch_in_index = true). */
    CHANNELS_LAST_WITH_BATCH
}
