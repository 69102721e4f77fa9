package org.pooling4j;

/** What max pooling does with NaN. */
public enum NanPolicy {
    /**
     * A NaN in a window wins (PyTorch: {@code val > max || isnan(val)}); with several NaNs, the last
     * in scan order gives the index. The default.
     */
    PROPAGATE,
    /** NaN never wins ({@code val > max} only; TensorFlow, oneDNN, {@code numpy.nanmax}). */
    IGNORE,
    /**
     * The window's first tap inside the input is taken whatever it holds (NaN, {@code -inf}); each
     * later tap replaces the current best only when {@code v > best}. So a NaN wins only as the
     * window's first tap and then stays, and a window of {@code -inf} gives {@code -inf} with the
     * index of its first tap. This is TensorFlow's CPU rule for {@code tf.nn.max_pool_with_argmax}
     * and for the argmax behind the 1-D and 2-D max-pool gradients. A window with no tap inside the
     * input returns the {@link MaxFloor} value. Max-type operators only; runs on the reference
     * kernel.
     */
    FIRST_TAP
}
