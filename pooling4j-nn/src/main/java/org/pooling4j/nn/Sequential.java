package org.pooling4j.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.pooling4j.Tensor;

/**
 * Layers applied in order. Its parameters are the layers' parameters (the same arrays) named
 * {@code "<index>.<kind>.<name>"}, e.g. {@code 0.conv2d.weight}; {@link #setTraining} reaches every
 * layer. It may remember the per-sample input shape (without the batch axis) for model files: set
 * with {@link #setInputShape}, or taken from the first forward.
 */
public final class Sequential extends Layer {
    private final List<Layer> layers = new ArrayList<>();
    private List<Param> params;
    private int[] inputShape;

    /** @throws NullPointerException if a layer is null */
    public Sequential(Layer... layers) {
        Objects.requireNonNull(layers, "layers must not be null");
        for (int i = 0; i < layers.length; i++) {
            Objects.requireNonNull(layers[i], "layers[" + i + "] must not be null");
        }
        for (Layer l : layers) add(l);
    }

    /** Appends a layer (it takes this container's mode); returns this. */
    public Sequential add(Layer layer) {
        Objects.requireNonNull(layer, "layer must not be null");
        if (layer == this)
            throw new IllegalArgumentException("layer = this container: a container cannot contain itself");
        layer.setTraining(training());
        layers.add(layer);
        params = null;
        return this;
    }

    /** The layers (an unmodifiable view). */
    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    /** The per-sample input shape (no batch axis), or null when unknown. */
    public int[] inputShape() {
        return inputShape == null ? null : inputShape.clone();
    }

    /** Sets the per-sample input shape, e.g. {@code (1, 28, 28)}; checked against the layers. Returns this. */
    public Sequential setInputShape(int... shape) {
        Objects.requireNonNull(shape, "shape must not be null");
        int[] batched = new int[shape.length + 1];
        batched[0] = 1;
        System.arraycopy(shape, 0, batched, 1, shape.length);
        outputShape(batched);
        inputShape = shape.clone();
        return this;
    }

    @Override
    public Tensor forward(Tensor x) {
        Layers.notNull(x, "x");
        if (inputShape == null && x.rank() >= 2) inputShape = Arrays.copyOfRange(x.shape(), 1, x.rank());
        Tensor y = x;
        for (Layer l : layers) y = l.forward(y);
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        Layers.notNull(gradOut, "gradOut");
        Tensor g = gradOut;
        for (int i = layers.size() - 1; i >= 0; i--) g = layers.get(i).backward(g);
        return g;
    }

    @Override
    public List<Param> params() {
        if (params == null) {
            List<Param> all = new ArrayList<>();
            for (int i = 0; i < layers.size(); i++) {
                Layer l = layers.get(i);
                for (Param p : l.params()) all.add(p.renamed(i + "." + l.kind() + "." + p.name()));
            }
            params = Collections.unmodifiableList(all);
        }
        return params;
    }

    /** The number of learnable values (buffers excluded). */
    public long parameterCount() {
        long n = 0;
        for (Param p : params()) {
            if (p.trainable()) n += p.size();
        }
        return n;
    }

    @Override
    public void setTraining(boolean training) {
        super.setTraining(training);
        for (Layer l : layers) l.setTraining(training);
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        int[] s = Objects.requireNonNull(inputShape, "inputShape must not be null")
                .clone();
        for (int i = 0; i < layers.size(); i++) {
            try {
                s = layers.get(i).outputShape(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "layer " + i + " (" + layers.get(i).kind() + "): " + e.getMessage(), e);
            }
        }
        return s;
    }

    /**
     * One line per layer (index, kind, output shape for {@code inputShape}, learnable values) and a
     * total line.
     *
     * @throws IllegalArgumentException when a layer cannot take its input
     */
    public String summary(int[] inputShape) {
        Objects.requireNonNull(inputShape, "inputShape must not be null");
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-4s %-14s %-20s %s%n", "#", "kind", "output", "params"));
        sb.append(String.format("%-4s %-14s %-20s %s%n", "", "input", Arrays.toString(inputShape), ""));
        int[] s = inputShape.clone();
        long total = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            try {
                s = l.outputShape(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + i + " (" + l.kind() + "): " + e.getMessage(), e);
            }
            long n = 0;
            for (Param p : l.params()) {
                if (p.trainable()) n += p.size();
            }
            total += n;
            String kind = l instanceof PoolLayer ? "pool/" + l.config().get("op") : l.kind();
            sb.append(String.format("%-4d %-14s %-20s %d%n", i, kind, Arrays.toString(s), n));
        }
        sb.append(String.format("total learnable parameters: %d%n", total));
        return sb.toString();
    }

    @Override
    public String kind() {
        return "sequential";
    }
}
