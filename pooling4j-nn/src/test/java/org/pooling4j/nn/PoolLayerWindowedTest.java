package org.pooling4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pooling4j.PoolOp;
import org.pooling4j.PoolSpec;
import org.pooling4j.Tensor;

/** The generic sliding-window layer and spec factory that a new operator reaches without code of its own. */
class PoolLayerWindowedTest {
    private static Tensor tutorial() {
        float[] d = new float[16];
        for (int i = 0; i < 16; i++) d[i] = i + 1;
        return Tensor.of(d, 1, 1, 4, 4);
    }

    @Test
    void aWindowedLayerPoolsAsItsOperator() {
        // 2x2 windows of 1..16, by hand: max 6 8 14 16, mean 3.5 5.5 11.5 13.5.
        assertArrayEquals(
                new float[] {6, 8, 14, 16},
                PoolLayer.windowed(PoolOp.MAX, 2, 2).forward(tutorial()).data());
        assertArrayEquals(
                new float[] {3.5f, 5.5f, 11.5f, 13.5f},
                PoolLayer.windowed(PoolOp.AVG, 2, 2).forward(tutorial()).data());
        assertEquals("avg", PoolLayer.windowed(PoolOp.AVG, 2, 2).config().get("op"));
    }

    @Test
    void operatorsWithParametersOfTheirOwnAreSentToTheirFactory() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> PoolLayer.windowed(PoolOp.LP, 2, 2));
        assertTrue(e.getMessage().contains("op = LP") && e.getMessage().contains("factory"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PoolLayer.windowed(PoolOp.GATED, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> PoolLayer.windowed(PoolOp.GLOBAL_MAX, 2, 2));
    }

    @Test
    void theGenericSpecFactoryEqualsTheNamedOne() {
        assertEquals(
                PoolSpec.avg(3, 3).stride(2, 2).build(),
                PoolSpec.windowed(PoolOp.AVG, 3, 3).stride(2, 2).build());
        assertEquals(
                PoolSpec.lp(2, 2, 2).build(),
                PoolSpec.windowed(PoolOp.LP, 2, 2).p(2).build());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> PoolSpec.windowed(PoolOp.GLOBAL_MAX, 2));
        assertTrue(e.getMessage().contains("GLOBAL_MAX") && e.getMessage().contains("sliding-window"), e.getMessage());
    }
}
