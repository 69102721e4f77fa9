package org.pooling4j.spark.internal;

import java.util.Locale;

/** Spark ML's {@code handleInvalid} convention: what to do with a row whose input breaks a rule. */
public enum HandleInvalid {
    /** Fail the task, naming the row's position and the rule. */
    ERROR,
    /** Drop the row. */
    SKIP,
    /** Keep the row, with null in every output column. */
    KEEP;

    /** The three values as Spark ML writes them. */
    public static final String[] NAMES = {"error", "skip", "keep"};

    public static HandleInvalid of(String name) {
        if (name != null) {
            for (HandleInvalid h : values()) {
                if (h.name().toLowerCase(Locale.ROOT).equals(name)) return h;
            }
        }
        throw new IllegalArgumentException("handleInvalid = " + name + ": must be one of error, skip, keep");
    }
}
