package com.example;

import org.pooling4j.*;

public class App {
    public static void main(String[] args) {
        float[] data = new float[16];
        for (int i = 0; i < 16; i++) data[i] = i + 1;
        Tensor x = Tensor.of(data, 1, 1, 4, 4); // N, C, H, W: the 4x4 input 1..16

        Pooled y = Pooling.forwardWithIndices(PoolSpec.max(2, 2).build(), x);
        System.out.println(y.values()); // [[6, 8], [14, 16]]
        System.out.println(y.indices()); // [[5, 7], [13, 15]]
        System.out.println(Pooling.forward(PoolSpec.avg(2, 2).build(), x)); // [[3.5, 5.5], [11.5, 13.5]]
        System.out.println(Pooling.vectorization()); // "simd: ..." when the SIMD kernels run
    }
}
