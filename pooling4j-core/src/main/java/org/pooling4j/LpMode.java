package org.pooling4j;

/** Which Lp pooling formula is computed. */
public enum LpMode {
    /**
     * The true norm {@code (sum |x|^p)^(1/p)} over the taps inside the input; padding contributes 0,
     * dilation is allowed (ONNX LpPool).
     */
    NORM,
    /**
     * Reproduces {@code torch.nn.functional.lp_pool*d}: {@code (k1*...*kn * avg(x^p))^(1/p)} with
     * the signed power {@code x^p}, no padding, and the average of a partial ceil-mode window taken
     * over its in-bounds taps but scaled by the full kernel size.
     */
    PYTORCH
}
