package org.pooling4j;

/** Start value of a max reduction, which is what a window without a winning element returns. */
public enum MaxFloor {
    /**
     * Start at negative infinity (PyTorch). A window with no element inside the input returns
     * negative infinity, and its index is that of the window's first tap at a non-negative position.
     */
    NEGATIVE_INFINITY,
    /**
     * Start at {@code -Float.MAX_VALUE} with index -1 (TensorFlow CPU kernels): a window whose
     * elements are all {@code -inf} or ignored NaN returns {@code -3.4028235e38} and index -1.
     */
    LOWEST_FINITE
}
