package org.pooling4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.pooling4j.Tensor;

/** Constructors and shapes: clear exceptions naming the parameter, its value and the rule. */
class BadInputTest {
    private static void iae(String start, Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(
                x.getMessage().contains(start), "message \"" + x.getMessage() + "\" should contain \"" + start + "\"");
    }

    @Test
    void constructors() {
        iae("in = 0: must be >= 1", () -> new Conv2d(0, 1, 3, 1, 0, true, 1));
        iae("out = -2: must be >= 1", () -> new Conv2d(1, -2, 3, 1, 0, true, 1));
        iae("kernel = 0: must be >= 1", () -> new Conv2d(1, 1, 0, 1, 0, true, 1));
        iae("stride = 0: must be >= 1", () -> new Conv2d(1, 1, 3, 0, 0, true, 1));
        iae("padding = -1: must be >= 0", () -> new Conv2d(1, 1, 3, 1, -1, true, 1));
        iae("padding = 3: must be < kernel = 3", () -> new Conv2d(1, 1, 3, 1, 3, true, 1));
        iae("too many weights", () -> new Conv2d(1 << 20, 1, 1 << 10, 1, 0, true, 1));
        iae("kernel = 100000", () -> new Conv2d(1, 1, 100000, 1, 0, true, 1));
        iae("too many weights", () -> new Conv2d(1 << 16, 1 << 14, 2, 1, 0, true, 1));
        iae("in = 0", () -> new Linear(0, 3, true, 1));
        iae("too many weights", () -> new Linear(1 << 16, 1 << 16, true, 1));
        iae("p = 1.0: must be in [0, 1)", () -> new Dropout(1.0, 1));
        iae("p = NaN", () -> new Dropout(Double.NaN, 1));
        iae("channels = 0", () -> new BatchNorm2d(0, 0.1, 1e-5));
        iae("momentum = 1.5", () -> new BatchNorm2d(2, 1.5, 1e-5));
        iae("eps = 0.0", () -> new BatchNorm2d(2, 0.1, 0));
        iae("lr = 0.0", () -> new Sgd(0, 0.9, 0));
        iae("momentum = 1.0", () -> new Sgd(0.1, 1.0, 0));
        iae("weightDecay = -1.0", () -> new Sgd(0.1, 0.9, -1));
        iae("beta1 = 1.0", () -> new Adam(0.1, 1.0, 0.999, 1e-8, 0));
        iae("eps = -1.0", () -> new Adam(0.1, 0.9, 0.999, -1, 0));
        iae("lr = NaN", () -> new Adam(0.1).setLearningRate(Double.NaN));
        iae("kernel = 0", () -> PoolLayer.max(0, 1));
        iae("stride = 0", () -> PoolLayer.avg(2, 0));
        iae("ratio = 1.0: must be in (0, 1)", () -> PoolLayer.fractionalMax(2, 1.0, 1));
        iae("outH = 0", () -> PoolLayer.adaptiveAvg(0, 2));
        iae("alpha", () -> PoolLayer.mixed(1.5, 2, 2));
        iae("p = ", () -> PoolLayer.lp(-1, 2, 2));
        iae("initSigma = 0.0", () -> PoolLayer.weightedAvg(2, 2, 0));
        iae("sigma", () -> PoolLayer.gaussian(2, 2, -1));
        iae("kind = \"median\": unknown pooling kind; known: max, avg", () -> Pools.of("median", 2, 2, 1));
        iae("stride = 1: fractional pooling must shrink", () -> Pools.of("fractional", 2, 1, 1));
        iae("kind = \"median\"", () -> Models.lenet("median", 1));
        iae("shape = [2, -1]", () -> new Param("w", true, 2, -1));
        iae(
                "value.length = 3: must equal the product of shape [2, 2] = 4",
                () -> new Param("w", new float[3], true, 2, 2));
        iae("name = \"\"", () -> new Param("", true, 1));
        assertThrows(NullPointerException.class, () -> new Param(null, true, 1));
        assertThrows(NullPointerException.class, () -> Pools.of(null, 2, 2, 1));
        assertThrows(NullPointerException.class, () -> new Sequential(new ReLU(), null));
    }

    @Test
    void shapes() {
        Conv2d c = new Conv2d(3, 4, 5, 1, 0, true, 1);
        iae("must be (N, C, H, W)", () -> c.forward(Tensor.zeros(3, 8, 8)));
        iae("must have 3 channels", () -> c.forward(Tensor.zeros(1, 2, 8, 8)));
        iae("input H = 4: with padding 0 it must be >= kernel = 5", () -> c.outputShape(new int[] {1, 3, 4, 8}));
        iae("must be (N, 5)", () -> new Linear(5, 2, true, 1).forward(Tensor.zeros(2, 4)));
        iae("must be (N, C, H, W)", () -> new BatchNorm2d(2, 0.1, 1e-5).forward(Tensor.zeros(2, 2)));
        iae("training needs more than one value per channel", () -> new BatchNorm2d(2, 0.1, 1e-5)
                .forward(Tensor.zeros(1, 2, 1, 1)));
        iae("pool max: input shape = [1, 1, 1, 1]", () -> PoolLayer.max(2, 2).forward(Tensor.zeros(1, 1, 1, 1)));
        iae("must be (N, C, H, W)", () -> PoolLayer.max(2, 2).outputShape(new int[] {4, 4}));
        iae("finite and >= 0", () -> stochasticOnNegative());
        iae("layer 3 (conv2d)", () -> Models.lenet("max", 1).outputShape(new int[] {1, 1, 12, 12}));
        iae("logits shape = [4]: must be (N, K)", () -> new SoftmaxCrossEntropy().forward(Tensor.zeros(4), new int[4]));
        iae("labels.length = 3: must equal the batch size 2", () -> new SoftmaxCrossEntropy()
                .forward(Tensor.zeros(2, 3), new int[3]));
        iae("labels[1] = 3: must be in [0, 3)", () -> new SoftmaxCrossEntropy()
                .forward(Tensor.zeros(2, 3), new int[] {0, 3}));
        iae("labels[0] = -1", () -> new SoftmaxCrossEntropy().forward(Tensor.zeros(2, 3), new int[] {-1, 0}));
        assertThrows(IllegalStateException.class, () -> new SoftmaxCrossEntropy().backward());
        assertThrows(IllegalStateException.class, () -> new ReLU().backward(Tensor.zeros(1)));
        assertThrows(IllegalStateException.class, () -> new Conv2d(1, 1, 1, 1, 0, true, 1)
                .backward(Tensor.zeros(1, 1, 1, 1)));
        ReLU r = new ReLU();
        r.forward(Tensor.zeros(2, 3));
        iae("gradOut shape = [3, 2]", () -> r.backward(Tensor.zeros(3, 2)));
        assertThrows(NullPointerException.class, () -> r.forward(null));
    }

    private static void stochasticOnNegative() {
        PoolLayer s = PoolLayer.stochastic(2, 2, 1);
        s.forward(Tensor.of(new float[] {1, -1, 2, 3}, 1, 1, 2, 2));
    }

    @Test
    void inputsAreNotModified() {
        Sequential net = Models.lenet("gated", 3);
        Tensor x = GradCheck.random(new java.util.Random(3), 0, 1, 2, 1, 28, 28);
        float[] copy = x.data().clone();
        Tensor y = net.forward(x);
        float[] g = y.data().clone();
        net.backward(y);
        assertTrue(java.util.Arrays.equals(copy, x.data()));
        assertTrue(java.util.Arrays.equals(g, y.data()));
    }

    @Test
    void containerNamesSummaryAndModes() {
        Sequential m = Models.lenet("max", 1);
        assertEquals("0.conv2d.weight", m.params().get(0).name());
        assertEquals("0.conv2d.bias", m.params().get(1).name());
        assertEquals("3.conv2d.weight", m.params().get(2).name());
        assertEquals("7.linear.weight", m.params().get(4).name());
        // 16*25+16 + 32*16*25+32 + 512*128+128 + 128*10+10, counted by hand.
        assertEquals(416 + 12832 + 65664 + 1290, m.parameterCount());
        assertTrue(
                m.params().get(0).value()
                        == ((Conv2d) m.layers().get(0)).weight().value(),
                "the container shares the layers' arrays");
        String s = m.summary(new int[] {1, 1, 28, 28});
        assertTrue(
                s.contains("[1, 32, 4, 4]")
                        && s.contains("[1, 512]")
                        && s.contains("total learnable parameters: 80202"),
                s);
        assertEquals(10, s.lines().count() - 3, s);
        m.setTraining(false);
        for (Layer l : m.layers()) assertTrue(!l.training());
        m.add(new Dropout(0.5, 1));
        assertTrue(!m.layers().get(m.layers().size() - 1).training(), "an added layer takes the container's mode");
        int[] head = Models.lenet("none", 1).layers().get(2).outputShape(new int[] {1, 16, 12, 12});
        assertEquals("[1, 32, 4, 4]", java.util.Arrays.toString(head));
        for (String k : Pools.KINDS) {
            assertEquals(
                    java.util.Arrays.toString(new int[] {1, 10}),
                    java.util.Arrays.toString(Models.lenet(k, 1).outputShape(new int[] {1, 1, 28, 28})),
                    k);
        }
    }
}
