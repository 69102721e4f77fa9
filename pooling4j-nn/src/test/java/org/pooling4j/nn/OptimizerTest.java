package org.pooling4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Optimiser steps against values worked by hand. */
class OptimizerTest {
    @Test
    void sgdWithMomentumAndWeightDecay() {
        Param p = new Param("w", new float[] {1.0f, -2.0f}, true, 2);
        Param buffer = new Param("b", new float[] {5f}, false, 1);
        Sgd sgd = new Sgd(0.1, 0.9, 0.01);
        List<Param> ps = List.of(p, buffer);
        // Step 1: g = grad + 0.01 w = (0.5 + 0.01, 1 - 0.02) = (0.51, 0.98); v = g; w -= 0.1 v.
        p.grad()[0] = 0.5f;
        p.grad()[1] = 1.0f;
        buffer.grad()[0] = 3f;
        sgd.step(ps);
        assertEquals(1.0 - 0.051, p.value()[0], 1e-6);
        assertEquals(-2.0 - 0.098, p.value()[1], 1e-6);
        assertEquals(5f, buffer.value()[0], "buffers are skipped");
        // Step 2: w = (0.949, -2.098); g = (0.5 + 0.00949, 1 - 0.02098) = (0.50949, 0.97902);
        // v = 0.9 (0.51, 0.98) + g = (0.96849, 1.86102); w -= 0.1 v.
        sgd.step(ps);
        assertEquals(0.949 - 0.096849, p.value()[0], 1e-6);
        assertEquals(-2.098 - 0.186102, p.value()[1], 1e-6);
        sgd.zeroGrad(ps);
        assertEquals(0f, p.grad()[0]);
        assertEquals(0f, buffer.grad()[0]);
    }

    @Test
    void sgdPlain() {
        Param p = new Param("w", new float[] {2f}, true, 1);
        Sgd sgd = new Sgd(0.5, 0, 0);
        p.grad()[0] = 1f;
        sgd.step(List.of(p));
        sgd.step(List.of(p));
        assertEquals(1f, p.value()[0], 0f);
        sgd.setLearningRate(0.25);
        sgd.step(List.of(p));
        assertEquals(0.75f, p.value()[0], 0f);
    }

    @Test
    void adamBiasCorrection() {
        Param p = new Param("w", new float[] {1f}, true, 1);
        Adam adam = new Adam(0.1, 0.9, 0.999, 1e-8, 0);
        // Step 1, g = 2: m = 0.2, v = 0.004; mhat = 2, vhat = 4; w -= 0.1 * 2 / (2 + 1e-8) = 0.1.
        p.grad()[0] = 2f;
        adam.step(List.of(p));
        assertEquals(0.9, p.value()[0], 1e-6);
        // Step 2, g = -1: m = 0.18 - 0.1 = 0.08, v = 0.003996 + 0.001 = 0.004996;
        // mhat = 0.08 / 0.19 = 0.42105263, vhat = 0.004996 / 0.001999 = 2.49924962; sqrt = 1.58090152;
        // w -= 0.1 * 0.42105263 / 1.58090152 = 0.02663369.
        p.grad()[0] = -1f;
        adam.step(List.of(p));
        assertEquals(0.9 - 0.02663369, p.value()[0], 1e-6);
        // Step 3, g = 0.5: m = 0.072 + 0.05 = 0.122, v = 0.004991004 + 0.00025 = 0.005241004;
        // mhat = 0.122 / 0.271 = 0.45018450, vhat = 0.005241004 / 0.002997001 = 1.74874946; sqrt = 1.32240291;
        // step = 0.1 * 0.45018450 / 1.32240291 = 0.03404289.
        p.grad()[0] = 0.5f;
        adam.step(List.of(p));
        assertEquals(0.9 - 0.02663369 - 0.03404289, p.value()[0], 2e-6);
    }

    @Test
    void adamWeightDecayIsAddedToTheGradient() {
        Param p = new Param("w", new float[] {2f}, true, 1);
        Adam adam = new Adam(0.01, 0.9, 0.999, 1e-8, 0.5);
        // g = 0 + 0.5 * 2 = 1: the first step moves by lr (mhat / sqrt(vhat) = 1).
        adam.step(List.of(p));
        assertEquals(1.99, p.value()[0], 1e-6);
    }
}
