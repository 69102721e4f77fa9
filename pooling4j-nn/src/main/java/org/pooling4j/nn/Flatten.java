package org.pooling4j.nn;

import java.util.Arrays;
import org.pooling4j.Tensor;

/** (N, d1, d2, ...) to (N, d1*d2*...), sharing the data (no copy). */
public final class Flatten extends Layer {
    private int[] lastIn;

    @Override
    public Tensor forward(Tensor x) {
        Layers.notNull(x, "x");
        int[] os = outputShape(x.shape());
        lastIn = x.shape();
        return Tensor.of(x.data(), os);
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        if (lastIn == null) throw Layers.noForward("flatten");
        Layers.checkSame("flatten", outputShape(lastIn), gradOut);
        return Tensor.of(gradOut.data(), lastIn);
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        int total = Layers.elementCount(inputShape, "inputShape");
        if (inputShape.length < 2) {
            throw new IllegalArgumentException("flatten: input shape = " + Arrays.toString(inputShape)
                    + ": must have a batch axis and at least one more");
        }
        return new int[] {inputShape[0], inputShape[0] == 0 ? 0 : total / inputShape[0]};
    }

    @Override
    public String kind() {
        return "flatten";
    }
}
