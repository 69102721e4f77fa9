package org.pooling4j;

/** Result of a max-type pooling: values, per-plane int64 indices, and the kernel that computed them. */
public final class Pooled {
    private final Tensor values;
    private final LongTensor indices;
    private final String kernel;

    public Pooled(Tensor values, LongTensor indices, String kernel) {
        this.values = values;
        this.indices = indices;
        this.kernel = kernel;
    }

    public Tensor values() {
        return values;
    }

    /** Argmax per output element, {@link IndexFormat#PER_PLANE}, same shape and layout as {@link #values()}. */
    public LongTensor indices() {
        return indices;
    }

    /** Name of the kernel that ran. */
    public String kernel() {
        return kernel;
    }
}
