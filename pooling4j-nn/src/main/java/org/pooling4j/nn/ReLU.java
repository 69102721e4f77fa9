package org.pooling4j.nn;

import org.pooling4j.Tensor;

/** {@code max(0, x)} elementwise, any shape; the gradient at 0 is taken as 0. */
public final class ReLU extends Layer {
    private Tensor lastX;

    @Override
    public Tensor forward(Tensor x) {
        Layers.notNull(x, "x");
        float[] a = x.data();
        float[] y = new float[a.length];
        for (int i = 0; i < a.length; i++) y[i] = a[i] > 0 ? a[i] : 0f;
        lastX = x;
        return Tensor.of(y, x.shape());
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        if (lastX == null) throw Layers.noForward("relu");
        Layers.checkSame("relu", lastX.shape(), gradOut);
        float[] a = lastX.data();
        float[] g = gradOut.data();
        float[] dx = new float[a.length];
        for (int i = 0; i < a.length; i++) dx[i] = a[i] > 0 ? g[i] : 0f;
        return Tensor.of(dx, lastX.shape());
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        Layers.elementCount(inputShape, "inputShape");
        return inputShape.clone();
    }

    @Override
    public String kind() {
        return "relu";
    }
}
