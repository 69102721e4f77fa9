package org.pooling4j.nn.data;

import java.io.IOException;

/**
 * An IDX file that {@link Idx} does not accept: wrong magic number, a non-positive or too large
 * dimension, truncated or trailing data, image and label counts that differ, or a label out of range.
 * The message names the file.
 */
public final class IdxFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public IdxFormatException(String message) {
        super(message);
    }
}
