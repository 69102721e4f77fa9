package org.pooling4j.onnx;

/**
 * A model this runtime cannot execute as given: an unsupported operator, opset or attribute, a graph
 * that is not well formed, or inputs that do not fit it. The message names the node (index, name,
 * operator and opset) or the graph input concerned.
 */
public final class OnnxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public OnnxException(String message) {
        super(message);
    }

    public OnnxException(String message, Throwable cause) {
        super(message, cause);
    }
}
