package org.pooling4j.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pooling4j.Tensor;
import org.pooling4j.descriptor.Descriptors;
import org.pooling4j.descriptor.Descriptors.PyramidMode;

/**
 * Spatial pyramid pooling (He et al.) of (N, C, H, W) input to (N, C * sum(l^2)) for any H and W: the
 * core's {@link Descriptors#spatialPyramidPool}, adaptive max or average pooling at each level, flattened
 * channel-major and concatenated in level order. It ends the convolutional part of a network in place
 * of a {@link Flatten}, so that a {@link Linear} layer after it sees one size whatever the image size.
 */
public final class SpatialPyramidPool2d extends Layer {
    private final int[] levels;
    private final PyramidMode mode;
    private Tensor lastX;

    /**
     * @param levels bins per side of each level, e.g. {@code {1, 2, 4}}
     * @param mode max or average
     */
    public SpatialPyramidPool2d(int[] levels, PyramidMode mode) {
        if (levels == null) throw new NullPointerException("levels must not be null");
        if (mode == null) throw new NullPointerException("mode must not be null");
        this.levels = levels.clone();
        this.mode = mode;
        // Checks the levels now, with the core's message.
        Descriptors.spatialPyramidLength(1, this.levels);
    }

    @Override
    public Tensor forward(Tensor x) {
        Layers.notNull(x, "x");
        outputShape(x.shape());
        Tensor y = Descriptors.spatialPyramidPool(x, levels, mode);
        lastX = x;
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        if (lastX == null) throw Layers.noForward(kind());
        Layers.checkSame(kind(), outputShape(lastX.shape()), gradOut);
        return Descriptors.spatialPyramidPoolBackward(lastX, levels, mode, gradOut);
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        Layers.checkNchw(kind(), inputShape, -1);
        return new int[] {inputShape[0], Descriptors.spatialPyramidLength(inputShape[1], levels)};
    }

    @Override
    public String kind() {
        return "spatial_pyramid_pool2d";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Object> l = new ArrayList<>();
        for (int v : levels) l.add((long) v);
        m.put("levels", l);
        m.put("mode", mode.name().toLowerCase(Locale.ROOT));
        return m;
    }

    /** Rebuilds the layer from {@link #config()} (model files). */
    static SpatialPyramidPool2d fromConfig(Map<String, Object> c) {
        Object l = c.get("levels");
        if (!(l instanceof List) || ((List<?>) l).isEmpty()) {
            throw new IllegalArgumentException("levels = " + l + ": must be a non-empty list of integers");
        }
        List<?> list = (List<?>) l;
        int[] levels = new int[list.size()];
        for (int i = 0; i < levels.length; i++) {
            if (!(list.get(i) instanceof Long)) {
                throw new IllegalArgumentException("levels = " + l + ": must be a non-empty list of integers");
            }
            long v = (Long) list.get(i);
            if (v < 1 || v > Integer.MAX_VALUE)
                throw new IllegalArgumentException("levels = " + l + ": entries must be >= 1");
            levels[i] = (int) v;
        }
        String mode = ConfigReader.string(c, "mode");
        if (!mode.equals("max") && !mode.equals("avg")) {
            throw new IllegalArgumentException("mode = \"" + mode + "\": must be \"max\" or \"avg\"");
        }
        return new SpatialPyramidPool2d(levels, mode.equals("max") ? PyramidMode.MAX : PyramidMode.AVG);
    }
}
