package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pooling4j.internal.exec.Kernels;
import org.pooling4j.internal.kernels.PoolKernel;

class KernelsTest {
    @AfterEach
    void clear() {
        System.clearProperty(Kernels.FORCE_PROPERTY);
    }

    @Test
    void referenceIsTheLastKernelAndAcceptsEverySlidingProblem() {
        PoolKernel last = Kernels.all().get(Kernels.all().size() - 1);
        assertEquals("reference", last.name());
        Tensor x = Tensor.zeros(1, 2, 5, 5);
        Geometry g;
        for (PoolSpec spec : new PoolSpec[] {
            PoolSpec.max(2, 2).build(),
            PoolSpec.avg(3, 3).padding(1).build(),
            PoolSpec.lp(3, 2, 2).build(),
            PoolSpec.globalAvg(2).build(),
            PoolSpec.adaptiveMax(3, null).build(),
            PoolSpec.fractionalMax(2, 2).outputSize(3, 3).seed(1).build()
        }) {
            g = Pooling.geometry(spec, x);
            assertEquals(null, last.declines(g, false), spec.toString());
            assertEquals(null, last.declines(g, true), spec.toString());
        }
    }

    @Test
    void fastKernelsTakeTheirLayoutAndLeaveFractionalAndLpBackwardToTheVariantKernel() {
        Tensor cf = Tensor.zeros(1, 2, 5, 5);
        Tensor cl = Tensor.zeros(Layout.CHANNELS_LAST, 1, 5, 5, 2);
        String simdOrScalar = Kernels.simdAvailable() ? "simd" : "scalar";
        assertEquals("cf-" + simdOrScalar, Pooling.kernelFor(PoolSpec.max(2, 2).build(), cf, false));
        assertEquals("cl-" + simdOrScalar, Pooling.kernelFor(PoolSpec.max(2, 2).build(), cl, true));
        assertEquals(
                "cf-" + simdOrScalar, Pooling.kernelFor(PoolSpec.lp(2, 3, 3).build(), cf, false));
        // Lp forward over the training layers' 2 x 2 windows runs on the variant kernel.
        assertEquals("variant", Pooling.kernelFor(PoolSpec.lp(2, 2, 2).build(), cf, false));
        assertEquals("variant", Pooling.kernelFor(PoolSpec.lp(2, 2, 2).build(), cf, true));
        // Channels-last Lp backward in the norm's mode runs on cl-*; PyTorch's mode stays on the reference.
        assertEquals(
                "cl-" + simdOrScalar, Pooling.kernelFor(PoolSpec.lp(2, 2, 2).build(), cl, true));
        assertEquals(
                "reference",
                Pooling.kernelFor(PoolSpec.lp(2, 2, 2).lpMode(LpMode.PYTORCH).build(), cl, true));
        assertEquals(
                "variant",
                Pooling.kernelFor(
                        PoolSpec.fractionalMax(2, 2).outputSize(3, 3).seed(1).build(), cf, false));
        PoolKernel scalarCf = null;
        for (PoolKernel k : Kernels.all()) if (k.name().equals("cf-scalar")) scalarCf = k;
        assertTrue(scalarCf.declines(Pooling.geometry(PoolSpec.max(2, 2).build(), cl), false)
                .contains("channels-last"));
    }

    @Test
    void forcedKernelIsUsedOrTheCallFailsWithTheReason() {
        Tensor x = Tensor.of(new float[] {1, 3, 2, 4}, 1, 1, 4);
        System.setProperty(Kernels.FORCE_PROPERTY, "reference");
        Pooled p = Pooling.forwardWithIndices(PoolSpec.max(2).build(), x);
        assertEquals("reference", p.kernel());
        assertArrayEquals(new float[] {3, 4}, p.values().data());
        System.setProperty(Kernels.FORCE_PROPERTY, "no-such-kernel");
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> Pooling.forward(PoolSpec.max(2).build(), x));
        assertTrue(
                e.getMessage().contains("pooling4j.kernel = no-such-kernel: no such kernel; known: ["), e.getMessage());
        assertTrue(e.getMessage().contains("reference]"), e.getMessage());
    }
}
