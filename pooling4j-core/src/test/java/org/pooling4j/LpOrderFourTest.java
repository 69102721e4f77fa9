package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pooling4j.internal.exec.Kernels;

/**
 * Lp pooling of order 4, whose root the fast kernels take as two square roots: hand-worked 2 x 2
 * windows whose fourth roots are exact or the float nearest to sqrt(2), in both layouts and on every
 * kernel that takes the problem.
 */
class LpOrderFourTest {
    @AfterEach
    void clearForcedKernels() {
        System.clearProperty(Kernels.FORCE_PROPERTY);
    }

    // Windows (k2 s2 over 2 x 6): {1, 1, 1, 1} -> 4^(1/4) = sqrt(2); {2, 0, 0, 0} -> 16^(1/4) = 2;
    // {-1, 2, -2, 1}: 1 + 16 + 16 + 1 = 34 -> 34^(1/4) = 2.4147364...
    private static final float[] PLANE = {
        1, 1, 2, 0, -1, 2, //
        1, 1, 0, 0, -2, 1
    };
    private static final float[] EXPECTED = {(float) Math.sqrt(2), 2f, 2.4147364f};

    @Test
    void handWorkedWindowsOnEveryKernel() {
        PoolSpec spec = PoolSpec.lp(4, 2, 2).stride(2, 2).build();
        Tensor cf = Tensor.of(PLANE.clone(), 1, 1, 2, 6);
        Tensor cl = new Tensor(PLANE.clone(), new int[] {1, 2, 6, 1}, Layout.CHANNELS_LAST);
        for (Tensor x : new Tensor[] {cf, cl}) {
            // Channels-first 2 x 2 Lp forward runs on the variant kernel; channels-last on cl-*.
            for (String kernel : new String[] {null, "variant", "cl-scalar", "reference"}) {
                if (kernel != null) System.setProperty(Kernels.FORCE_PROPERTY, kernel);
                else System.clearProperty(Kernels.FORCE_PROPERTY);
                boolean fits = kernel == null
                        || kernel.equals("reference")
                        || kernel.startsWith(x.layout() == Layout.CHANNELS_FIRST ? "variant" : "cl-");
                if (!fits) continue;
                float[] y = Pooling.forward(spec, x).data();
                String what = x.layout() + " on " + (kernel == null ? "the default kernel" : kernel);
                assertEquals(3, y.length, what);
                // 34^(1/4) by pow and by two square roots differ in the last double bits at most.
                assertArrayEquals(EXPECTED, y, 1e-6f, what);
                assertEquals(Float.floatToIntBits(EXPECTED[0]), Float.floatToIntBits(y[0]), what);
                assertEquals(Float.floatToIntBits(EXPECTED[1]), Float.floatToIntBits(y[1]), what);
            }
        }
    }
}
