package org.pooling4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pooling4j.Tensor;

/** Every layer's backward against central finite differences (see {@link GradCheck}). */
class LayerGradientTest {
    private static final long SEED = 20240611L;

    @Test
    void conv2dVariants() {
        int[][] variants = {{1, 0, 1}, {1, 1, 1}, {2, 1, 0}, {2, 0, 1}, {3, 2, 1}};
        for (int[] v : variants) {
            long seed = SEED + v[0] * 10 + v[1] * 3 + v[2];
            Random r = new Random(seed);
            Conv2d c = new Conv2d(2, 3, 3, v[0], v[1], v[2] == 1, seed);
            if (v[2] == 1) {
                for (int i = 0; i < 3; i++) c.bias().value()[i] = (float) r.nextGaussian();
            }
            GradCheck.check(
                    "conv2d stride " + v[0] + " padding " + v[1] + " bias " + (v[2] == 1),
                    seed,
                    c,
                    GradCheck.random(r, -1, 1, 2, 2, 7, 6));
        }
    }

    @Test
    void linear() {
        Random r = new Random(SEED);
        GradCheck.check("linear", SEED, new Linear(5, 4, true, SEED), GradCheck.random(r, -1, 1, 3, 5));
        GradCheck.check(
                "linear xavier no bias", SEED, Linear.xavier(5, 4, false, SEED), GradCheck.random(r, -1, 1, 3, 5));
    }

    @Test
    void reluAwayFromTheKink() {
        Random r = new Random(SEED);
        Tensor x = GradCheck.random(r, -1, 1, 2, 3, 4, 4);
        for (int i = 0; i < x.size(); i++) {
            if (Math.abs(x.data()[i]) < 0.05) x.data()[i] = 0.5f;
        }
        GradCheck.check("relu", SEED, new ReLU(), x);
    }

    @Test
    void flatten() {
        GradCheck.check("flatten", SEED, new Flatten(), GradCheck.random(new Random(SEED), -1, 1, 2, 3, 2, 2));
    }

    @Test
    void dropoutWithAFixedMask() {
        Dropout d = new Dropout(0.4, SEED);
        Tensor x = GradCheck.random(new Random(SEED), -1, 1, 2, 3, 4, 4);
        d.forward(x);
        d.freezeMask(true);
        GradCheck.check("dropout", SEED, d, x);
        d.setTraining(false);
        assertEquals(x, d.forward(x), "evaluation is the identity");
    }

    @Test
    void batchNormTraining() {
        BatchNorm2d bn = new BatchNorm2d(3, 0.1, 1e-5);
        Random r = new Random(SEED);
        for (int c = 0; c < 3; c++) {
            bn.params().get(0).value()[c] = (float) (0.5 + r.nextDouble());
            bn.params().get(1).value()[c] = (float) r.nextGaussian();
        }
        GradCheck.check("batchnorm2d training", SEED, bn, GradCheck.random(r, -2, 2, 3, 3, 3, 3));
    }

    @Test
    void batchNormEvaluation() {
        BatchNorm2d bn = new BatchNorm2d(2, 0.1, 1e-5);
        Random r = new Random(SEED);
        bn.forward(GradCheck.random(r, -2, 2, 4, 2, 3, 3));
        bn.setTraining(false);
        GradCheck.check("batchnorm2d evaluation", SEED, bn, GradCheck.random(r, -2, 2, 2, 2, 3, 3));
    }

    private static Tensor distinctInput(long seed) {
        return GradCheck.distinct(new Random(seed), 0.05, 0.01, 2, 2, 7, 7);
    }

    @Test
    void maxAvgLpMixedPools() {
        check("max", PoolLayer.max(2, 2));
        check("max overlapping", PoolLayer.max(3, 2));
        check("avg", PoolLayer.avg(3, 2));
        check("lp2", PoolLayer.lp(2, 2, 2));
        check("lp4", PoolLayer.lp(4, 3, 1));
        check("mixed", PoolLayer.mixed(0.3, 2, 2));
    }

    @Test
    void globalAndAdaptivePools() {
        check("global max", PoolLayer.globalMax());
        check("global avg", PoolLayer.globalAvg());
        check("adaptive max", PoolLayer.adaptiveMax(3, 2));
        check("adaptive avg", PoolLayer.adaptiveAvg(3, 4));
    }

    @Test
    void fractionalWithFixedSamples() {
        PoolLayer eval = PoolLayer.fractionalMax(2, 0.6, SEED);
        eval.setTraining(false);
        check("fractional evaluation", eval);
        PoolLayer train = PoolLayer.fractionalDivide(2, 2, SEED);
        train.forward(distinctInput(SEED));
        train.freezeDraws(true);
        check("fractional training, fixed samples", train);
    }

    @Test
    void stochasticEvaluationAndFixedDraws() {
        PoolLayer eval = PoolLayer.stochastic(2, 2, SEED);
        eval.setTraining(false);
        check("stochastic evaluation", eval);
        PoolLayer train = PoolLayer.stochastic(3, 2, SEED);
        train.forward(distinctInput(SEED));
        train.freezeDraws(true);
        check("stochastic training, fixed draws", train);
    }

    @Test
    void gatedAndWeightedIncludingTheirWeights() {
        PoolLayer g = PoolLayer.gated(2, 2, SEED);
        Random r = new Random(SEED);
        for (int i = 0; i < 4; i++) g.weights().value()[i] = (float) r.nextGaussian();
        check("gated", g);
        PoolLayer w = PoolLayer.weightedAvg(3, 2, 1.0);
        w.weights().value()[4] = 1.7f;
        check("weighted", w);
        check("gaussian fixed", PoolLayer.gaussian(3, 1, 0.8));
    }

    private static void check(String what, PoolLayer layer) {
        GradCheck.check(what, SEED, layer, distinctInput(SEED));
        assertNotNull(layer.lastKernel(), what + ": kernel name");
    }

    @Test
    void softmaxCrossEntropy() {
        Random r = new Random(SEED);
        Tensor z = GradCheck.random(r, -3, 3, 4, 5);
        int[] labels = {0, 4, 2, 2};
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        ce.forward(z, labels);
        float[] g = ce.backward().data();
        float[] zd = z.data().clone();
        for (int i = 0; i < zd.length; i++) {
            float keep = zd[i];
            zd[i] = (float) (keep + GradCheck.H);
            double lp = lossDouble(zd, labels, 5);
            zd[i] = (float) (keep - GradCheck.H);
            double lm = lossDouble(zd, labels, 5);
            zd[i] = keep;
            GradCheck.compare("softmax cross-entropy dL/dz[" + i + "]", SEED, (lp - lm) / (2 * GradCheck.H), g[i]);
            // The layer's own float loss agrees with the double reference.
            assertEquals(
                    lossDouble(zd, labels, 5), new SoftmaxCrossEntropy().forward(Tensor.of(zd, 4, 5), labels), 1e-5);
        }
    }

    /** Independent reference: the mean of -log(softmax) in double, without the max shift. */
    private static double lossDouble(float[] z, int[] labels, int k) {
        double total = 0;
        for (int i = 0; i < labels.length; i++) {
            double s = 0;
            for (int j = 0; j < k; j++) s += Math.exp(z[i * k + j]);
            total += -Math.log(Math.exp(z[i * k + labels[i]]) / s);
        }
        return total / labels.length;
    }

    @Test
    void wholeTinyNetworkParametersAndInput() {
        long seed = SEED + 7;
        Sequential net = new Sequential(
                new Conv2d(2, 3, 3, 1, 1, true, seed),
                new ReLU(),
                PoolLayer.max(2, 2),
                new Flatten(),
                new Linear(3 * 3 * 3, 4, true, seed + 1));
        Random r = new Random(seed);
        for (Param p : net.params()) {
            if (p.name().endsWith("bias")) {
                for (int i = 0; i < p.size(); i++) p.value()[i] = (float) (0.1 * r.nextGaussian());
            }
        }
        GradCheck.check("conv-relu-pool-flatten-linear", seed, net, GradCheck.random(r, -1, 1, 2, 2, 6, 6));
    }
}
