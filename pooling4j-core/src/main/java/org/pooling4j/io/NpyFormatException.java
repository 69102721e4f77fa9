package org.pooling4j.io;

import java.io.IOException;

/** A {@code .npy} file that this reader does not accept: bad magic, unsupported dtype or order, truncation. */
public final class NpyFormatException extends IOException {
    public NpyFormatException(String message) {
        super(message);
    }
}
