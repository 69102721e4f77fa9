package org.pooling4j.sequence;

import java.util.Locale;

/**
 * How {@link SequencePooling} reduces the tokens of one sequence to one vector. The first six are
 * sentence-transformers 6's {@code Pooling} modes under its names, with its results (including for a
 * row whose attention mask is all zeros; see docs/semantics.md, "Sequence pooling"); {@link #GEM} is the
 * generalised mean over the unmasked tokens.
 */
public enum SequenceMode {
    /** The first token whose mask is 1 (token 0 with right padding); token 0 when the mask is all zeros. */
    CLS("cls"),
    /**
     * The last token whose mask is 1 (token L−1 with left padding), multiplied by its mask value; an
     * all-zero row gives token 0 times 0, that is zeros (NaN where token 0 holds a non-finite value).
     */
    LASTTOKEN("lasttoken"),
    /**
     * The per-feature maximum over the tokens whose mask is 1 (masked tokens count as −∞); an all-zero
     * row gives −∞. NaN wins, as in {@code torch.max}.
     */
    MAX("max"),
    /** {@code Σ x·m / max(Σ m, 1e-9)}: the mean of the unmasked tokens; an all-zero row gives zeros. */
    MEAN("mean"),
    /** {@code Σ x·m / sqrt(max(Σ m, 1e-9))}; an all-zero row gives zeros. */
    MEAN_SQRT_LEN_TOKENS("mean_sqrt_len_tokens"),
    /**
     * {@code Σ x·m·w / max(Σ m·w, 1e-9)} with position weights {@code w = 1..L} (the weight of a token is
     * its position in the padded row plus one, whatever the padding side); an all-zero row gives zeros.
     */
    WEIGHTEDMEAN("weightedmean"),
    /**
     * Generalised mean {@code (Σ m·max(x, eps)^p / max(Σ m, 1e-9))^(1/p)} (default {@code p} 3,
     * {@code eps} 1e-6); an all-zero row gives zeros.
     */
    GEM("gem");

    private final String wireName;

    SequenceMode(String wireName) {
        this.wireName = wireName;
    }

    /** The mode's name in sentence-transformers and in job files, e.g. {@code "mean_sqrt_len_tokens"}. */
    public String wireName() {
        return wireName;
    }

    /**
     * The mode named {@code name} (its {@link #wireName}, any case).
     *
     * @throws IllegalArgumentException naming the value and the known names
     */
    public static SequenceMode parse(String name) {
        if (name == null) throw new NullPointerException("mode must not be null");
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (SequenceMode m : values()) {
            if (m.wireName.equals(n)) return m;
        }
        throw new IllegalArgumentException("mode = \"" + name + "\": unknown; use one of " + names());
    }

    /** The wire names, comma-separated, in declaration order. */
    public static String names() {
        StringBuilder s = new StringBuilder();
        for (SequenceMode m : values()) s.append(s.length() == 0 ? "" : ", ").append(m.wireName);
        return s.toString();
    }
}
