package org.pooling4j;

/** The pooling operators of the core. */
public enum PoolOp {
    /** Max over each window; padding never wins. Indices available. */
    MAX,
    /** Mean over each window, with count_include_pad / divisor_override rules. */
    AVG,
    /** Lp norm over each window; see {@link LpMode}. */
    LP,
    /** Max over all spatial positions of each plane. */
    GLOBAL_MAX,
    /** Mean over all spatial positions of each plane. */
    GLOBAL_AVG,
    /** Lp norm over all spatial positions of each plane. */
    GLOBAL_LP,
    /** Max over PyTorch's adaptive bins for a requested output size. */
    ADAPTIVE_MAX,
    /** Mean over PyTorch's adaptive bins for a requested output size. */
    ADAPTIVE_AVG,
    /** Fractional max pooling (Graham 2014) with PyTorch's interval rule; 2D and 3D. */
    FRACTIONAL_MAX,
    /** Inverse of max pooling: scatters values to the positions given by per-plane indices. */
    MAX_UNPOOL;

    /** Whether the operator selects one input per output (and so has indices). */
    public boolean isMaxType() {
        return this == MAX || this == GLOBAL_MAX || this == ADAPTIVE_MAX || this == FRACTIONAL_MAX;
    }

    /** Whether kernel/stride/padding describe a sliding window for this operator. */
    public boolean isSliding() {
        return this == MAX || this == AVG || this == LP;
    }

    public boolean isGlobal() {
        return this == GLOBAL_MAX || this == GLOBAL_AVG || this == GLOBAL_LP;
    }

    public boolean isAdaptive() {
        return this == ADAPTIVE_MAX || this == ADAPTIVE_AVG;
    }
}
