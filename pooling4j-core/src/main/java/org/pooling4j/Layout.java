package org.pooling4j;

/**
 * Memory order of a pooling tensor.
 *
 * <p>Both layouts describe the same logical tensor (batch N, channels C, spatial sizes D1..Dk); they
 * differ only in which index varies fastest in memory. Results, including per-plane indices, are the
 * same for both layouts.
 */
public enum Layout {
    /** (N, C, D1, ..., Dk), the last spatial index fastest: PyTorch's default and ONNX's only layout. */
    CHANNELS_FIRST,
    /** (N, D1, ..., Dk, C), the channel fastest: TensorFlow's default and PyTorch's channels_last. */
    CHANNELS_LAST
}
