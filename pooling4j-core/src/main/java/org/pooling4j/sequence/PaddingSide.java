package org.pooling4j.sequence;

/** Where the padding tokens of a shorter sequence sit when a mask is built from lengths. */
public enum PaddingSide {
    /** Real tokens first, padding after them (mask {@code 1 1 1 0 0}): BERT-style tokenizers. */
    RIGHT,
    /** Padding first, real tokens last (mask {@code 0 0 1 1 1}): decoder-style models. */
    LEFT
}
