package org.pooling4j.nn;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.pooling4j.Tensor;

/**
 * One step of a network with a forward pass, a backward pass and a training/evaluation mode.
 *
 * <p>Inputs are channels-first {@link Tensor}s: (N, C, H, W) for image layers, (N, F) for dense
 * layers. {@link #forward} keeps what {@link #backward} needs (so a layer serves one forward/backward
 * pair at a time and is not thread-safe); {@link #backward} must follow a forward, returns the
 * gradient with respect to that forward's input and <em>adds</em> the parameter gradients into
 * {@link Param#grad()}. Inputs are never modified.
 */
public abstract class Layer {
    private boolean training = true;

    /** The output for {@code x}; what it computes may depend on {@link #training()}. */
    public abstract Tensor forward(Tensor x);

    /** dL/dx of the last forward given dL/dy; adds the parameter gradients into their {@link Param#grad()}. */
    public abstract Tensor backward(Tensor gradOut);

    /** The learnable parameters and buffers, in a fixed order (empty by default). */
    public List<Param> params() {
        return Collections.emptyList();
    }

    /** Training mode (the default) or evaluation mode. */
    public void setTraining(boolean training) {
        this.training = training;
    }

    public boolean training() {
        return training;
    }

    /**
     * The output shape for an input of {@code inputShape} without running the layer.
     *
     * @throws IllegalArgumentException when the layer cannot take such an input, saying why
     */
    public abstract int[] outputShape(int[] inputShape);

    /** The architecture name used in model files, e.g. {@code "conv2d"}. */
    public abstract String kind();

    /** The constructor arguments, as saved in model files (values: numbers, strings, booleans, lists). */
    public Map<String, Object> config() {
        return Collections.emptyMap();
    }

    @Override
    public String toString() {
        return kind() + config();
    }
}
