package org.pooling4j;

/** What max pooling does with NaN. */
public enum NanPolicy {
    /**
     * A NaN in a window wins (PyTorch: {@code val > max || isnan(val)}); with several NaNs, the last
     * in scan order gives the index. The default.
     */
    PROPAGATE,
    /** NaN never wins ({@code val > max} only; TensorFlow, oneDNN, {@code numpy.nanmax}). */
    IGNORE
}
