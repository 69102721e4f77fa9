package org.pooling4j.sequence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.pooling4j.Tensor;

/**
 * Sequence pooling against hand-worked values, against the separately written {@link SequenceReference}
 * on seeded random batches (forward and backward), the reference's gradient against central finite
 * differences, and every bad argument.
 */
class SequencePoolingTest {
    private static final String[] NAMES = {
        "cls", "lasttoken", "max", "mean", "mean_sqrt_len_tokens", "weightedmean", "gem"
    };

    /** Three tokens of two features, the last one padding (mask 1 1 0). */
    @Test
    void handWorkedRightPadding() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        SequenceMask m = SequenceMask.of(new float[] {1, 1, 0}, 1, 3);
        assertArrayEquals(new float[] {1, 2}, out("cls", x, m));
        assertArrayEquals(new float[] {3, 4}, out("lasttoken", x, m));
        assertArrayEquals(new float[] {3, 4}, out("max", x, m));
        assertArrayEquals(new float[] {2, 3}, out("mean", x, m));
        assertArrayEquals(
                new float[] {(float) (4 / Math.sqrt(2)), (float) (6 / Math.sqrt(2))},
                out("mean_sqrt_len_tokens", x, m),
                1e-6f);
        // weights 1, 2 (3 is masked): (1*1 + 2*3) / 3, (1*2 + 2*4) / 3
        assertArrayEquals(new float[] {7f / 3, 10f / 3}, out("weightedmean", x, m), 1e-6f);
        // ((1 + 27) / 2)^(1/3), ((8 + 64) / 2)^(1/3)
        assertArrayEquals(new float[] {(float) Math.cbrt(14), (float) Math.cbrt(36)}, out("gem", x, m), 1e-6f);
        // concatenation in the order given
        assertArrayEquals(new float[] {2, 3, 1, 2}, out("mean,cls", x, m));
    }

    /** The same tokens padded on the left (mask 0 1 1): cls is token 1, lasttoken token 2, weights 2 and 3. */
    @Test
    void handWorkedLeftPadding() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 1, 3, 2);
        SequenceMask m = SequenceMask.ofLengths(new int[] {2}, 3, PaddingSide.LEFT);
        assertArrayEquals(new float[] {0, 1, 1}, m.values());
        assertArrayEquals(new float[] {3, 4}, out("cls", x, m));
        assertArrayEquals(new float[] {5, 6}, out("lasttoken", x, m));
        assertArrayEquals(new float[] {5, 6}, out("max", x, m));
        assertArrayEquals(new float[] {4, 5}, out("mean", x, m));
        // (2*3 + 3*5) / 5, (2*4 + 3*6) / 5
        assertArrayEquals(new float[] {21f / 5, 26f / 5}, out("weightedmean", x, m), 1e-6f);
        Tensor y = SequencePooling.forward(SequenceSpec.parse("mean"), x, m);
        assertArrayEquals(new int[] {1, 2}, y.shape());
    }

    /** An all-zero mask row, as sentence-transformers 6 treats it. */
    @Test
    void allZeroRow() {
        Tensor x = Tensor.of(new float[] {-1, 2, 3, 4}, 1, 2, 2);
        SequenceMask m = SequenceMask.ofLengths(new int[] {0}, 2, PaddingSide.RIGHT);
        assertArrayEquals(new float[] {-1, 2}, out("cls", x, m));
        float[] last = out("lasttoken", x, m);
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(last[0]), "token 0 times 0");
        assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(last[1]));
        assertArrayEquals(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, out("max", x, m));
        for (String zero : new String[] {"mean", "mean_sqrt_len_tokens", "weightedmean", "gem"}) {
            assertArrayEquals(new float[] {0, 0}, out(zero, x, m), zero);
        }
        Tensor g = SequencePooling.backward(
                SequenceSpec.parse("cls,max,mean,gem"), x, m, Tensor.of(new float[] {1, 1, 1, 1, 1, 1, 1, 1}, 1, 8));
        // only cls passes a gradient, to token 0
        assertArrayEquals(new float[] {1, 1, 0, 0}, g.data());
    }

    @Test
    void unbatchedAndWithoutMask() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        Tensor y = SequencePooling.forward(SequenceSpec.of(SequenceMode.MEAN, SequenceMode.MAX), x);
        assertArrayEquals(new int[] {4}, y.shape());
        assertArrayEquals(new float[] {3, 4, 5, 6}, y.data());
        Tensor g = SequencePooling.backward(
                SequenceSpec.of(SequenceMode.MAX), x, SequenceMask.ones(1, 3), Tensor.of(new float[] {2, 3}, 2));
        assertArrayEquals(new int[] {3, 2}, g.shape());
        assertArrayEquals(new float[] {0, 0, 0, 0, 2, 3}, g.data());
    }

    /** torch.max's tie rule: the first of equal maxima takes the gradient; a NaN wins (the first one). */
    @Test
    void maxTiesAndNaN() {
        Tensor x = Tensor.of(new float[] {1, Float.NaN, 5, 2, 5, Float.NaN}, 1, 3, 2);
        SequenceMask m = SequenceMask.ones(1, 3);
        float[] y = out("max", x, m);
        assertEquals(5f, y[0]);
        assertTrue(Float.isNaN(y[1]));
        Tensor g = SequencePooling.backward(SequenceSpec.parse("max"), x, m, Tensor.of(new float[] {1, 1}, 1, 2));
        assertArrayEquals(new float[] {0, 1, 1, 0, 0, 0}, g.data());
    }

    /** Plan results equal the reference on seeded random batches, every mode and concatenation. */
    @Test
    void matchesReferenceOnRandomBatches() {
        long seed = 0x5E0_2026L;
        SplittableRandom r = new SplittableRandom(seed);
        for (int trial = 0; trial < 60; trial++) {
            int n = 1 + r.nextInt(4);
            int l = 1 + r.nextInt(9);
            int d = 1 + r.nextInt(40);
            int k = 1 + r.nextInt(3);
            String[] modes = new String[k];
            List<SequenceMode> list = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                modes[i] = NAMES[r.nextInt(NAMES.length)];
                list.add(SequenceMode.parse(modes[i]));
            }
            double p = 1 + 4 * r.nextDouble();
            int[] lengths = new int[n];
            for (int i = 0; i < n; i++) lengths[i] = r.nextInt(l + 1);
            PaddingSide side = r.nextBoolean() ? PaddingSide.LEFT : PaddingSide.RIGHT;
            float[] x = new float[n * l * d];
            for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 4 - 2);
            SequenceMask mask = SequenceMask.ofLengths(lengths, l, side);
            SequencePlan plan = SequencePooling.plan(SequenceSpec.of(list, p, 1e-6), n, l, d);
            float[] y = new float[n * plan.outputDim()];
            plan.forward(x, mask, y);
            float[] gy = new float[y.length];
            for (int i = 0; i < gy.length; i++) gy[i] = (float) (r.nextDouble() * 2 - 1);
            float[] gx = new float[x.length];
            plan.backward(x, mask, gy, gx);

            double[] xd = toDouble(x);
            double[] md = toDouble(mask.values());
            double[] yRef = SequenceReference.forward(modes, p, 1e-6, xd, md, n, l, d);
            double[] gRef = SequenceReference.backward(modes, p, 1e-6, xd, md, toDouble(gy), n, l, d);
            String ctx = "seed " + seed + " trial " + trial + " modes " + String.join(",", modes) + " n=" + n + " l="
                    + l + " d=" + d + " p=" + p + " " + side;
            close(ctx + " output", yRef, y, 2e-5);
            close(ctx + " gradient", gRef, gx, 2e-5);
        }
    }

    /** The reference's analytic gradient against central differences of its own forward. */
    @Test
    void referenceGradientMatchesFiniteDifferences() {
        long seed = 77;
        SplittableRandom r = new SplittableRandom(seed);
        int n = 2, l = 4, d = 3;
        double[] mask = toDouble(
                SequenceMask.ofLengths(new int[] {3, 4}, l, PaddingSide.LEFT).values());
        for (String mode : NAMES) {
            double[] x = new double[n * l * d];
            // distinct values away from the clamp, so max's choice and gem's clamp are stable under the step
            for (int i = 0; i < x.length; i++) x[i] = 0.1 + i * 0.37 % 3 + r.nextDouble() * 0.01;
            double[] g = new double[n * d];
            for (int i = 0; i < g.length; i++) g[i] = r.nextDouble() * 2 - 1;
            String[] modes = {mode};
            double[] an = SequenceReference.backward(modes, 2.5, 1e-6, x, mask, g, n, l, d);
            double h = 1e-6;
            for (int i = 0; i < x.length; i++) {
                double keep = x[i];
                x[i] = keep + h;
                double up = dot(SequenceReference.forward(modes, 2.5, 1e-6, x, mask, n, l, d), g);
                x[i] = keep - h;
                double down = dot(SequenceReference.forward(modes, 2.5, 1e-6, x, mask, n, l, d), g);
                x[i] = keep;
                double fd = (up - down) / (2 * h);
                if (Math.abs(fd - an[i]) > 1e-6 + 1e-5 * Math.abs(fd)) {
                    fail("seed " + seed + " " + mode + " x[" + i + "]: finite difference " + fd + ", analytic "
                            + an[i]);
                }
            }
        }
    }

    @Test
    void planChecksShapesAndReturnsItsKernel() {
        SequencePlan plan = SequencePooling.plan(SequenceSpec.parse("mean,max"), 2, 3, 4);
        assertArrayEquals(new int[] {2, 8}, plan.outputShape());
        Tensor x = Tensor.zeros(2, 3, 4);
        SequenceMask m = SequenceMask.ones(2, 3);
        assertSame(SequencePlan.KERNEL, plan.forward(x, m, plan.newOutput()));
        bad("x.shape = [2, 4, 3]", () -> plan.forward(Tensor.zeros(2, 4, 3), m, plan.newOutput()));
        bad("out.shape = [2, 4]", () -> plan.forward(x, m, Tensor.zeros(2, 4)));
        bad("mask shape = [2, 4]", () -> plan.forward(x, SequenceMask.ones(2, 4), plan.newOutput()));
        bad("gradOut.shape = [2, 4]", () -> plan.backward(x, m, Tensor.zeros(2, 4), plan.newGradInput()));
        bad("x.length = 5", () -> plan.forward(new float[5], m, new float[16]));
        bad("must not be the same array", () -> {
            float[] a = new float[24];
            plan.backward(a, m, new float[16], a);
        });
    }

    /** A plan call allocates nothing (least over rounds after a warm-up, on this thread). */
    @Test
    void planCallsAllocateNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        SequencePlan plan =
                SequencePooling.plan(SequenceSpec.parse("cls,lasttoken,max,mean,weightedmean,gem"), 3, 5, 37);
        float[] x = new float[3 * 5 * 37];
        for (int i = 0; i < x.length; i++) x[i] = (i * 7 % 11) - 5;
        SequenceMask m = SequenceMask.ofLengths(new int[] {5, 2, 0}, 5, PaddingSide.LEFT);
        float[] y = new float[3 * plan.outputDim()];
        float[] gx = new float[x.length];
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 20 && least > 0; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 200; i++) {
                plan.forward(x, m, y);
                plan.backward(x, m, y, gx);
            }
            least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertEquals(0, least, "bytes allocated by 200 forward and backward calls");
    }

    @Test
    void badArguments() {
        bad("mask[1, 0] = 0.5", () -> SequenceMask.of(new float[] {1, 1, 0.5f, 0}, 2, 2));
        bad("mask[0, 1] = NaN", () -> SequenceMask.of(new float[] {1, Float.NaN}, 1, 2));
        bad("mask.length = 3", () -> SequenceMask.of(new float[] {1, 1, 1}, 2, 2));
        bad("lengths[1] = 5", () -> SequenceMask.ofLengths(new int[] {1, 5}, 4, PaddingSide.RIGHT));
        bad("lengths[0] = -1", () -> SequenceMask.ofLengths(new int[] {-1}, 4, PaddingSide.LEFT));
        bad("length = 0", () -> SequenceMask.ones(1, 0));
        bad("mask.shape = [1, 2, 2]", () -> SequenceMask.of(Tensor.zeros(1, 2, 2)));
        bad("mode = \"median\"", () -> SequenceSpec.parse("mean,median"));
        bad("mode = \"\"", () -> SequenceSpec.parse(""));
        bad("p = 0.0", () -> SequenceSpec.of(List.of(SequenceMode.GEM), 0, 1e-6));
        bad("p = NaN", () -> SequenceSpec.of(List.of(SequenceMode.GEM), Double.NaN, 1e-6));
        bad("eps = -1.0", () -> SequenceSpec.of(List.of(SequenceMode.GEM), 3, -1));
        bad("modes = []", () -> SequenceSpec.of(List.of(), 3, 1e-6));
        bad("x.shape = [2]", () -> SequencePooling.forward(SequenceSpec.parse("mean"), Tensor.zeros(2)));
        bad("x.shape = [2, 0, 3]", () -> SequencePooling.forward(SequenceSpec.parse("mean"), Tensor.zeros(2, 0, 3)));
        bad(
                "mask shape = [1, 3]",
                () -> SequencePooling.forward(
                        SequenceSpec.parse("mean"), Tensor.zeros(2, 3, 1), SequenceMask.ones(1, 3)));
        bad(
                "gradOut.shape = [4]",
                () -> SequencePooling.backward(
                        SequenceSpec.parse("mean"), Tensor.zeros(2, 3), SequenceMask.ones(1, 2), Tensor.zeros(4)));
        bad("length = 0", () -> SequencePooling.plan(SequenceSpec.parse("mean"), 1, 0, 1));
        bad("more than", () -> SequencePooling.plan(SequenceSpec.parse("mean,max"), 65536, 65536, 2));
        assertThrows(NullPointerException.class, () -> SequenceSpec.of((SequenceMode) null));
    }

    private static void bad(String expected, Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(
                ex.getMessage().contains(expected),
                () -> "message \"" + ex.getMessage() + "\" lacks \"" + expected + "\"");
    }

    private static float[] out(String modes, Tensor x, SequenceMask m) {
        return SequencePooling.forward(SequenceSpec.parse(modes), x, m).data();
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static void close(String what, double[] want, float[] got, double rel) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            double w = want[i];
            double g = got[i];
            if (w == g) continue;
            if (Math.abs(w - g) > rel * Math.max(Math.abs(w), 1.0))
                fail(what + "[" + i + "]: reference " + w + ", got " + g);
        }
    }
}
