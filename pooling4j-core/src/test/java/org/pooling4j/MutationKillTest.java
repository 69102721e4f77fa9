package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Hand-worked cases at the edges of the validation rules, written where PIT's mutants of
 * {@link PoolSpec} and {@link Geometry} survived the other tests (a {@code >=} turned into
 * {@code >}, an {@code r + 1} into another rank): each value is worked out from the rule, not taken
 * from the code's output.
 */
class MutationKillTest {
    private static IllegalArgumentException rejected(org.junit.jupiter.api.function.Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String p : parts) assertTrue(e.getMessage().contains(p), e.getMessage() + " lacks " + p);
        return e;
    }

    @Test
    void paddingEqualToTheEffectiveKernelIsRejectedOnEitherSide() {
        // kernel 2, dilation 3: the window spans 3*(2-1)+1 = 4 elements; padding 3 leaves one real
        // element in the first window, padding 4 none.
        assertDoesNotThrow(() -> PoolSpec.max(2)
                .dilation(3)
                .padding(new int[] {3}, new int[] {3})
                .build());
        rejected(
                () -> PoolSpec.max(2)
                        .dilation(3)
                        .padding(new int[] {4}, new int[] {0})
                        .build(),
                "padding = [4]",
                "effective kernel 4");
        rejected(
                () -> PoolSpec.max(2)
                        .dilation(3)
                        .padding(new int[] {0}, new int[] {4})
                        .build(),
                "padding = [4]",
                "effective kernel 4");
    }

    @Test
    void weightsWithAnAxisOfOneAreKernelShaped() {
        // kernel (1, 2) over one row 1 2 3 4, stride = kernel: windows (1, 2) and (3, 4);
        // weights (1, 3): (1*1 + 3*2) / 4 = 1.75 and (1*3 + 3*4) / 4 = 3.75.
        PoolSpec spec =
                PoolSpec.weightedAvg(1, 2).weights(new float[] {1, 3}, 1, 2).build();
        Tensor y = Pooling.forward(spec, Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 1, 4));
        assertArrayEquals(new int[] {1, 1, 1, 2}, y.shape());
        assertArrayEquals(new float[] {1.75f, 3.75f}, y.data(), 1e-6f);
    }

    @Test
    void anUnbatchedInputHasOneRankLess() {
        // (C, H, W) = (1, 2, 4), values 1..8 row-major; 2x2 max windows: max(1, 2, 5, 6) = 6 and
        // max(3, 4, 7, 8) = 8; the output keeps the input's rank: (1, 1, 2).
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 2, 4);
        Tensor y = Pooling.forward(PoolSpec.max(2, 2).build(), x);
        assertArrayEquals(new int[] {1, 1, 2}, y.shape());
        assertArrayEquals(new float[] {6, 8}, y.data());
        rejected(() -> Pooling.forward(PoolSpec.max(2, 2).build(), Tensor.of(new float[] {1, 2}, 1, 2)), "rank");
    }

    @Test
    void maxUnpoolToAnOutputOfOneElement() {
        // (I - 1)*s - 2*pad + k = (1 - 1)*1 - 0 + 1 = 1: the smallest output there is.
        Tensor y = Pooling.maxUnpool(
                PoolSpec.maxUnpool(1).build(),
                Tensor.of(new float[] {5}, 1, 1, 1),
                LongTensor.of(new long[] {0}, 1, 1, 1));
        assertArrayEquals(new int[] {1, 1, 1}, y.shape());
        assertArrayEquals(new float[] {5}, y.data());
    }
}
