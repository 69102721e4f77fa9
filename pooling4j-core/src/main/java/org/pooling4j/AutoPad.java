package org.pooling4j;

/** How padding is chosen (ONNX's auto_pad; TensorFlow's SAME is {@link #SAME_UPPER}). */
public enum AutoPad {
    /** Padding is given explicitly (begin and end per axis). */
    NOTSET,
    /** Output = ceil(I / s); the total padding is split with the odd cell at the end (TensorFlow "SAME"). */
    SAME_UPPER,
    /** Output = ceil(I / s); the total padding is split with the odd cell at the beginning. */
    SAME_LOWER,
    /** No padding: output = floor((I - K) / s) + 1. */
    VALID
}
