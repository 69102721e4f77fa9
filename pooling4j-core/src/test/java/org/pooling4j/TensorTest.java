package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void layoutConversionMovesChannelsLastAndBack() {
        // (N=1, C=2, L=3): channel 0 = 0,1,2; channel 1 = 10,11,12
        Tensor cf = Tensor.of(new float[] {0, 1, 2, 10, 11, 12}, 1, 2, 3);
        Tensor cl = cf.toLayout(Layout.CHANNELS_LAST, true);
        assertArrayEquals(new int[] {1, 3, 2}, cl.shape());
        assertArrayEquals(new float[] {0, 10, 1, 11, 2, 12}, cl.data());
        assertEquals(Layout.CHANNELS_LAST, cl.layout());
        Tensor back = cl.toLayout(Layout.CHANNELS_FIRST, true);
        assertArrayEquals(cf.data(), back.data());
        assertArrayEquals(cf.shape(), back.shape());
        assertSame(cf, cf.toLayout(Layout.CHANNELS_FIRST, true));
    }

    @Test
    void unbatchedLayoutConversion() {
        // (C=2, H=1, W=2) -> (H=1, W=2, C=2)
        Tensor cf = Tensor.of(new float[] {1, 2, 3, 4}, 2, 1, 2);
        Tensor cl = cf.toLayout(Layout.CHANNELS_LAST, false);
        assertArrayEquals(new int[] {1, 2, 2}, cl.shape());
        assertArrayEquals(new float[] {1, 3, 2, 4}, cl.data());
    }

    @Test
    void longTensorLayoutConversionKeepsValuesExact() {
        long big = (1L << 40) + 3;
        LongTensor cf = LongTensor.of(new long[] {big, 1, 2, 3}, 1, 2, 2);
        LongTensor cl = cf.toLayout(Layout.CHANNELS_LAST, true);
        assertArrayEquals(new long[] {big, 2, 1, 3}, cl.data());
        assertArrayEquals(new int[] {1, 2, 2}, cl.shape());
    }

    @Test
    void getUsesRowMajorOffsets() {
        Tensor t = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
        assertEquals(5f, t.get(1, 2));
        assertEquals(3f, t.get(1, 0));
    }

    @Test
    void emptyBatchIsAValidTensor() {
        Tensor t = Tensor.zeros(0, 3, 4);
        assertEquals(0, t.size());
        Tensor y = Pooling.forward(PoolSpec.max(2).build(), t);
        assertArrayEquals(new int[] {0, 3, 2}, y.shape());
    }
}
