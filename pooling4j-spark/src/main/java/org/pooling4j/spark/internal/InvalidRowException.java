package org.pooling4j.spark.internal;

/**
 * Thrown while reading one row's input when the row breaks a rule (a null value, a data length that does not
 * match its shape, a shape the operator cannot apply to); the batcher turns it into the transformer's
 * {@code handleInvalid} behaviour. The message states the rule, without the row's position.
 */
public final class InvalidRowException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidRowException(String rule) {
        super(rule, null, false, false);
    }
}
