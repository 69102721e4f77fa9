package org.pooling4j.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import org.pooling4j.Tensor;
import org.pooling4j.descriptor.Descriptors;

/**
 * R-MAC (Tolias et al.) of (N, C, H, W) input to an L2-normalised (N, C) descriptor: the core's
 * {@link Descriptors#rmac} over the multi-scale region grid, with its backward.
 */
public final class Rmac extends Layer {
    private final int levels;
    private Tensor lastX;

    /** @param levels the number of scales, at least 1 (3 in the paper) */
    public Rmac(int levels) {
        this.levels = Layers.atLeast(levels, 1, "levels");
    }

    @Override
    public Tensor forward(Tensor x) {
        Layers.notNull(x, "x");
        outputShape(x.shape());
        Tensor y = Descriptors.rmac(x, levels);
        lastX = x;
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        if (lastX == null) throw Layers.noForward(kind());
        Layers.checkSame(kind(), outputShape(lastX.shape()), gradOut);
        return Descriptors.rmacBackward(lastX, levels, gradOut);
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        Layers.checkNchw(kind(), inputShape, -1);
        if (inputShape[2] < 1 || inputShape[3] < 1) {
            throw new IllegalArgumentException(
                    kind() + ": input shape = " + java.util.Arrays.toString(inputShape) + ": H and W must be >= 1");
        }
        return new int[] {inputShape[0], inputShape[1]};
    }

    @Override
    public String kind() {
        return "rmac";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("levels", levels);
        return m;
    }
}
