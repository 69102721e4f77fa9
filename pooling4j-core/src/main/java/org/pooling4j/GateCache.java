package org.pooling4j;

/**
 * What a gated pooling forward computed for each window, kept for its backward: the gate, the
 * window's maximum and the maximum's position. Filled by {@link Pooling#gatedForwardInto} and read by
 * {@link Pooling#backwardWithWeights(PoolSpec, Tensor, Tensor, GateCache)}, which then neither scans
 * the windows again nor evaluates their gates' exponentials; the gradients are the same bits as
 * without it. It belongs to the forward that filled it: the same spec (weights included), input
 * shape and input values.
 *
 * <p>Where the forward ran on a kernel that keeps nothing (channels-last input, rank above 3),
 * {@link #kept()} is false and the backward recomputes, as without a cache.
 *
 * <p>A training loop can hand each step's forward the cache of the step before
 * ({@link Pooling#gatedForwardInto(PoolSpec, Tensor, Tensor, GateCache)}): the forward then refills
 * it, and a step allocates nothing for it. The cache then belongs to the new forward only.
 */
public final class GateCache {
    private volatile Geometry geometry;
    final double[] gates;
    final float[] maxima;
    final int[] winners;
    private volatile boolean kept;
    private volatile String kernel;

    GateCache(Geometry geometry) {
        this.geometry = geometry;
        int n = geometry.outputElements();
        gates = new double[n];
        maxima = new float[n];
        winners = new int[n];
    }

    /** Bytes one cache holds per output element: a double gate, a float maximum and an int position. */
    static final int BYTES_PER_OUTPUT = Double.BYTES + Float.BYTES + Integer.BYTES;

    /** Whether this cache's arrays hold the windows of {@code g} (at least as many outputs). */
    boolean fits(Geometry g) {
        return gates.length >= g.outputElements();
    }

    /** Makes this cache the one of a new forward of {@code g}, before it fills it again. */
    void renew(Geometry g) {
        kept = false;
        kernel = null;
        geometry = g;
    }

    void filled(String kernel, boolean kept) {
        this.kernel = kernel;
        this.kept = kept;
    }

    /** The geometry (spec and input shape) of the forward that filled this cache. */
    public Geometry geometry() {
        return geometry;
    }

    /** Whether the forward kept its windows (false: its kernel keeps nothing, the backward recomputes). */
    public boolean kept() {
        return kept;
    }

    /** The name of the kernel that ran the forward. */
    public String kernel() {
        return kernel;
    }
}
