package org.pooling4j.bench;

import java.util.Arrays;
import java.util.Objects;
import org.pooling4j.Geometry;
import org.pooling4j.Layout;
import org.pooling4j.PoolOp;
import org.pooling4j.PoolSpec;

/**
 * One benchmark problem: a name, what is timed ({@link Kind}), the pooling spec, the layout and the
 * input shape (memory order of the layout, batched). Immutable.
 */
public final class BenchCase {
    /** What one timed call computes. */
    public enum Kind {
        /** {@code Pooling.forwardInto} into a preallocated output. */
        FORWARD,
        /** Max backward routed by the compact argmax workspace, computed once before timing. */
        MAX_BACKWARD,
        /** Average backward ({@code Pooling.backwardInto} with null indices). */
        AVG_BACKWARD,
        /**
         * The forward a pooling4j-nn pooling layer runs in training, for any operator, on inputs after a
         * ReLU (non-negative, as stochastic pooling needs): max with its compact argmax, stochastic and
         * fractional max with fixed draws, gated keeping its gate cache, the others
         * {@code Pooling.forwardInto}.
         */
        TRAINING_FORWARD,
        /**
         * The backward a pooling4j-nn pooling layer runs after {@link #TRAINING_FORWARD}: max by the
         * argmax, stochastic and fractional max with the forward's draws, gated (from the forward's gate
         * cache) and weighted average with their weight gradients, the others {@code Pooling.backward}.
         */
        TRAINING_BACKWARD;

        /** The name in listings and in the peer's case list: lower case, '-' between words. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        /** Whether a call computes a gradient. */
        public boolean backward() {
            return this != FORWARD && this != TRAINING_FORWARD;
        }
    }

    private final String name;
    private final Kind kind;
    private final PoolSpec spec;
    private final Layout layout;
    private final int[] inputShape;
    private final String description;

    /**
     * @throws IllegalArgumentException when the spec does not fit the input shape (checked here, so a
     *     case that exists can always run)
     */
    public BenchCase(String name, Kind kind, PoolSpec spec, Layout layout, int[] inputShape, String description) {
        this.name = Objects.requireNonNull(name, "name");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.inputShape = inputShape.clone();
        this.description = Objects.requireNonNull(description, "description");
        if (inputShape.length != spec.rank() + 2) {
            throw new IllegalArgumentException(name + ": input shape " + Arrays.toString(inputShape)
                    + " must be batched (rank " + (spec.rank() + 2) + ")");
        }
        if (kind == Kind.MAX_BACKWARD && spec.op() != PoolOp.MAX)
            throw new IllegalArgumentException(name + ": max backward needs a max spec");
        if (kind == Kind.AVG_BACKWARD && spec.op() != PoolOp.AVG && spec.op() != PoolOp.GLOBAL_AVG) {
            throw new IllegalArgumentException(name + ": average backward needs an average spec");
        }
        geometry();
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    public PoolSpec spec() {
        return spec;
    }

    public Layout layout() {
        return layout;
    }

    /** A copy of the input shape, in the layout's memory order. */
    public int[] inputShape() {
        return inputShape.clone();
    }

    /** One line for listings, e.g. "N=32 C=64 112x112, max k3 s2 p1". */
    public String description() {
        return description;
    }

    /** The spec resolved against the input shape. */
    public Geometry geometry() {
        return Geometry.of(spec, inputShape, layout);
    }

    public int[] outputShape() {
        return geometry().outputShape();
    }

    public long inputElements() {
        return product(inputShape);
    }

    public long outputElements() {
        return product(outputShape());
    }

    /** Whether ONNX Runtime runs this case: forward, channels-first (ONNX's only layout), max or average. */
    public boolean ortComparable() {
        if (kind != Kind.FORWARD || layout != Layout.CHANNELS_FIRST) return false;
        PoolOp op = spec.op();
        return op == PoolOp.MAX || op == PoolOp.AVG || op == PoolOp.GLOBAL_AVG || op == PoolOp.GLOBAL_MAX;
    }

    /**
     * Bytes one call reads or writes: forward 4·(input + output); max backward 4·gradOutput +
     * {@code argmaxBytesPerEntry}·outputs + 4·gradInput; average backward 4·(gradOutput + gradInput).
     * Training forward: 4·(input + output), plus {@code argmaxBytesPerEntry}·outputs for max and
     * adaptive max (the argmax they write; 0 for the others). Training backward: as max backward
     * where there is an argmax, as average backward for average; the others read the input too: 4·(gradOutput + input + gradInput). Index and draw arrays of
     * stochastic and fractional pooling are not counted (they are no tensors of the problem).
     */
    public long bytesMoved(int argmaxBytesPerEntry) {
        long in = inputElements();
        long out = outputElements();
        switch (kind) {
            case FORWARD:
                return 4 * (in + out);
            case MAX_BACKWARD:
                return 4 * out + (long) argmaxBytesPerEntry * out + 4 * in;
            case AVG_BACKWARD:
                return 4 * (out + in);
            case TRAINING_FORWARD:
                // Max and adaptive max train with the compact argmax (0 bytes per entry otherwise).
                return 4 * (in + out) + (long) argmaxBytesPerEntry * out;
            case TRAINING_BACKWARD:
                // Max and adaptive max: the compact argmax; stochastic and fractional: 8-byte indices.
                if (argmaxBytesPerEntry > 0) return 4 * out + (long) argmaxBytesPerEntry * out + 4 * in;
                if (spec.op() == PoolOp.AVG) return 4 * (out + in);
                return 4 * (out + 2 * in);
            default:
                throw new AssertionError(kind);
        }
    }

    /** The same problem with another batch size and channel count (smaller versions for tests). */
    public BenchCase withBatchAndChannels(int n, int c) {
        int[] s = inputShape.clone();
        s[0] = n;
        s[layout == Layout.CHANNELS_FIRST ? 1 : s.length - 1] = c;
        return new BenchCase(name, kind, spec, layout, s, description);
    }

    static long product(int[] shape) {
        long p = 1;
        for (int d : shape) p *= d;
        return p;
    }

    @Override
    public String toString() {
        return name + " (" + description + ")";
    }
}
