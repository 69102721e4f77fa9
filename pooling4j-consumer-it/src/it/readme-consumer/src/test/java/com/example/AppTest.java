package com.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pooling4j.*;

class AppTest {
    @Test
    void maxPoolingWithSimd() {
        float[] data = new float[16];
        for (int i = 0; i < 16; i++) data[i] = i + 1;
        Tensor y = Pooling.forward(PoolSpec.max(2, 2).build(), Tensor.of(data, 1, 1, 4, 4));
        assertArrayEquals(new float[] {6, 8, 14, 16}, y.data());
        assertTrue(Pooling.vectorization().startsWith("simd"), Pooling.vectorization());
    }
}
