package org.pooling4j.vector;

import org.pooling4j.spi.RowOps;
import org.pooling4j.spi.RowOpsProvider;

/**
 * The service entry the core finds with {@link java.util.ServiceLoader}. Loading this class does
 * not touch the Vector API; {@link #create()} does, and fails with a {@link LinkageError} when
 * {@code jdk.incubator.vector} is not in the module graph (the core checks that first).
 */
public final class VectorRowOpsProvider implements RowOpsProvider {
    @Override
    public RowOps create() {
        return VectorRowOps.create();
    }
}
