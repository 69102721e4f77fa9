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
    MAX_UNPOOL,
    /**
     * Stochastic pooling (Zeiler and Fergus 2013) over non-negative inputs: in training one tap drawn
     * with probability {@code a_i / sum a}, in evaluation the probability-weighted average
     * {@code sum a_i^2 / sum a}. Indices (the drawn tap) in training.
     */
    STOCHASTIC,
    /** Mixed pooling: {@code alpha * max + (1 - alpha) * avg}, max and avg as {@link #MAX} and {@link #AVG}. */
    MIXED,
    /**
     * Gated pooling: {@code g * max + (1 - g) * avg} with {@code g = sigmoid(sum w_k x_k)} over the
     * window's taps inside the input; learnable weights (shared or per channel).
     */
    GATED,
    /**
     * Weighted average {@code sum w_k x_k / sum w_k} over the window's taps inside the input, with
     * learnable kernel-shaped weights or a fixed Gaussian.
     */
    WEIGHTED_AVG;

    // Computed once: events and monitor keys name the operator on every observed call.
    private final String wireName = name().toLowerCase(java.util.Locale.ROOT);

    /**
     * The operator's name in events, monitor keys and reports: the constant's name in lower case
     * ({@code max}, {@code global_avg}, {@code weighted_avg}, ...).
     */
    public String wireName() {
        return wireName;
    }

    /** Whether the operator selects one input per output (and so has indices). */
    public boolean isMaxType() {
        return this == MAX || this == GLOBAL_MAX || this == ADAPTIVE_MAX || this == FRACTIONAL_MAX;
    }

    /** Whether kernel/stride/padding describe a sliding window for this operator. */
    public boolean isSliding() {
        return this == MAX || this == AVG || this == LP || isBeyond();
    }

    /**
     * Whether this is one of the operators beyond the frameworks' pooling ({@link #STOCHASTIC},
     * {@link #MIXED}, {@link #GATED}, {@link #WEIGHTED_AVG}); only the reference kernel runs them.
     */
    public boolean isBeyond() {
        return this == STOCHASTIC || this == MIXED || this == GATED || this == WEIGHTED_AVG;
    }

    /** Whether the operator has learnable weights and so a weight gradient ({@link #GATED}, {@link #WEIGHTED_AVG}). */
    public boolean hasWeights() {
        return this == GATED || this == WEIGHTED_AVG;
    }

    public boolean isGlobal() {
        return this == GLOBAL_MAX || this == GLOBAL_AVG || this == GLOBAL_LP;
    }

    public boolean isAdaptive() {
        return this == ADAPTIVE_MAX || this == ADAPTIVE_AVG;
    }
}
