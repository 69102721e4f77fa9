package org.pooling4j.nn;

import java.util.Objects;

/** Ready-made networks. */
public final class Models {
    private Models() {}

    /**
     * A LeNet-style network for (N, 1, 28, 28) images and 10 classes:
     * conv(1 to 16, 5x5) - ReLU - pool - conv(16 to 32, 5x5) - ReLU - pool - flatten -
     * linear(512 to 128) - ReLU - linear(128 to 10). The pools are {@link Pools#of}{@code (poolKind, 2, 2, seed)}.
     * With {@code poolKind = "none"} there is no pooling: both convolutions get stride 2 and no
     * padding (28 to 12 to 4), so the head is again 32 x 4 x 4 = 512. Weights are seeded from {@code seed}.
     *
     * @throws IllegalArgumentException for an unknown pooling kind
     */
    public static Sequential lenet(String poolKind, long seed) {
        Objects.requireNonNull(poolKind, "poolKind must not be null");
        boolean none = poolKind.equalsIgnoreCase("none");
        int s = none ? 2 : 1;
        Sequential m = new Sequential();
        m.add(new Conv2d(1, 16, 5, s, 0, true, seed));
        m.add(new ReLU());
        if (!none) m.add(Pools.of(poolKind, 2, 2, seed + 1));
        m.add(new Conv2d(16, 32, 5, s, 0, true, seed + 2));
        m.add(new ReLU());
        if (!none) m.add(Pools.of(poolKind, 2, 2, seed + 3));
        m.add(new Flatten());
        m.add(new Linear(512, 128, true, seed + 4));
        m.add(new ReLU());
        m.add(Linear.xavier(128, 10, true, seed + 5));
        m.setInputShape(1, 28, 28);
        return m;
    }
}
