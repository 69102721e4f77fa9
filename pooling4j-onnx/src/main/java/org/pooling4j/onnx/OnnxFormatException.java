package org.pooling4j.onnx;

import java.io.IOException;

/** A model or tensor file that is not valid ONNX protobuf, or that this reader cannot accept. */
public final class OnnxFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public OnnxFormatException(String message) {
        super(message);
    }

    public OnnxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
