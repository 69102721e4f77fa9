package org.pooling4j.spi;

/**
 * Found with {@link java.util.ServiceLoader}: a source of {@link RowOps}. The core looks for one at
 * start-up and falls back to {@link ScalarRowOps} when none is usable.
 */
public interface RowOpsProvider {
    /**
     * The implementation, or an exception whose message says why it cannot run here (for example
     * the JDK module it needs is not in the module graph).
     */
    RowOps create();
}
