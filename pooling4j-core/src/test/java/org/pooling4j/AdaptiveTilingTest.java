package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.pooling4j.internal.exec.Kernels;

/**
 * Adaptive max and average pooling whose windows tile the input run on the sliding windows of
 * kernel = stride = input / output ({@link Kernels#kernelGeometry}). Every plan call is checked
 * against the reference kernel run on the adaptive geometry itself (its own window formula):
 * max values, indices, argmax and gradients bit for bit, averages within float rounding.
 */
class AdaptiveTilingTest {
    private static final long SEED = Long.getLong("pooling4j.seed", 20261207L);

    @Test
    void tilingWindowsBecomeSlidingOnesAndOthersStayAdaptive() {
        Geometry g = Geometry.of(PoolSpec.adaptiveMax(12, 5).build(), new int[] {2, 3, 24, 15}, Layout.CHANNELS_FIRST);
        Geometry k = Kernels.kernelGeometry(g);
        assertEquals(PoolOp.MAX, k.spec().op());
        assertArrayEquals(new int[] {2, 3}, k.spec().kernel());
        assertArrayEquals(new int[] {2, 3}, k.spec().stride());
        assertArrayEquals(g.outputShape(), k.outputShape());
        Geometry avg = Geometry.of(PoolSpec.adaptiveAvg(7).build(), new int[] {1, 14, 4}, Layout.CHANNELS_LAST);
        assertEquals(PoolOp.AVG, Kernels.kernelGeometry(avg).spec().op());
        // 10 to 3: windows of 4 taps that overlap; 7 to 7: identity windows, still a tiling.
        Geometry uneven =
                Geometry.of(PoolSpec.adaptiveMax(3, 7).build(), new int[] {1, 1, 10, 7}, Layout.CHANNELS_FIRST);
        assertSame(uneven, Kernels.kernelGeometry(uneven));
        Geometry max = Geometry.of(PoolSpec.max(2, 2).build(), new int[] {1, 1, 4, 4}, Layout.CHANNELS_FIRST);
        assertSame(max, Kernels.kernelGeometry(max));
        PoolPlan plan =
                Pooling.plan(PoolSpec.adaptiveMax(12, 12).build(), new int[] {4, 8, 24, 24}, Layout.CHANNELS_FIRST, 1);
        assertEquals(PoolOp.ADAPTIVE_MAX, plan.spec().op(), "the plan reports the user's operator");
        assertNotEquals(Kernels.reference().name(), plan.kernel(false));
    }

    @Test
    void plansMatchTheReferenceOnTheAdaptiveWindows() {
        List<String> failures = new ArrayList<>();
        int[][] shapes = {
            {2, 3, 24, 24, 12, 12},
            {1, 5, 15, 14, 5, 7},
            {3, 2, 7, 7, 7, 7},
            {2, 4, 9, 8, 1, 1},
            {1, 3, 33, 34, 11, 17},
            {2, 3, 16, 8},
            {1, 2, 4, 6, 8, 2, 3, 4},
            {0, 3, 8, 8, 4, 4},
        };
        SplittableRandom r = new SplittableRandom(SEED);
        for (int[] s : shapes) {
            int rank = (s.length - 2) / 2;
            int[] in = new int[rank + 2];
            Integer[] out = new Integer[rank];
            in[0] = s[0];
            in[1] = s[1];
            for (int a = 0; a < rank; a++) {
                in[2 + a] = s[2 + a];
                out[a] = s[2 + rank + a];
            }
            for (Layout layout : Layout.values()) {
                for (int kind = 0; kind < 3; kind++) {
                    boolean max = kind < 2;
                    for (String values : new String[] {"floats", "specials"}) {
                        for (int threads : new int[] {1, 2}) {
                            // kind 1: NaN ignored and the lowest finite floor, which the sliding spec must keep.
                            PoolSpec spec = kind == 0
                                    ? PoolSpec.adaptiveMax(out).build()
                                    : kind == 1
                                            ? PoolSpec.adaptiveMax(out)
                                                    .nanPolicy(NanPolicy.IGNORE)
                                                    .maxFloor(MaxFloor.LOWEST_FINITE)
                                                    .build()
                                            : PoolSpec.adaptiveAvg(out).build();
                            String ctx = spec + " x" + java.util.Arrays.toString(in) + " " + layout + " " + values
                                    + " threads=" + threads + " (seed " + SEED + "): ";
                            try {
                                check(spec, memoryShape(in, layout), layout, values, threads, r, ctx, failures);
                            } catch (RuntimeException e) {
                                failures.add(ctx + e);
                            }
                        }
                    }
                }
            }
        }
        if (!failures.isEmpty()) fail(failures.size() + " failures:\n" + String.join("\n", failures));
    }

    private static int[] memoryShape(int[] nchw, Layout layout) {
        if (layout == Layout.CHANNELS_FIRST) return nchw.clone();
        int[] m = new int[nchw.length];
        m[0] = nchw[0];
        System.arraycopy(nchw, 2, m, 1, nchw.length - 2);
        m[nchw.length - 1] = nchw[1];
        return m;
    }

    private static void check(
            PoolSpec spec,
            int[] shape,
            Layout layout,
            String values,
            int threads,
            SplittableRandom r,
            String ctx,
            List<String> failures) {
        PoolPlan plan = Pooling.plan(spec, shape, layout, threads);
        Geometry g = plan.geometry();
        float[] x = new float[g.inputElements()];
        for (int i = 0; i < x.length; i++) x[i] = value(r, values);
        float[] xCopy = x.clone();
        float[] dy = new float[g.outputElements()];
        for (int i = 0; i < dy.length; i++) dy[i] = (float) (r.nextDouble() * 2 - 1);
        Tensor in = new Tensor(x, shape, layout);
        Tensor gradOut = new Tensor(dy, g.outputShape(), layout);
        // The reference on the adaptive geometry: the independent answer.
        float[] wantY = new float[dy.length];
        long[] wantIdx = spec.op().isMaxType() ? new long[dy.length] : null;
        Kernels.reference().forward(g, x, wantY, wantIdx, null, 1);
        float[] wantGrad = new float[x.length];
        Kernels.reference().backward(g, x, dy, wantIdx, null, wantGrad, 1);

        Tensor y = plan.newOutput();
        plan.forward(in, y);
        if (!java.util.Arrays.equals(xCopy, x)) failures.add(ctx + "the forward modified its input");
        compare(failures, ctx + "forward", wantY, y.data(), spec);
        Tensor gi = plan.newGradInput();
        plan.backward(in, gradOut, gi);
        compare(failures, ctx + "backward", wantGrad, gi.data(), spec);
        if (spec.op().isMaxType()) {
            LongTensor idx = plan.newIndices();
            Tensor y2 = plan.newOutput();
            plan.forwardWithIndices(in, y2, idx);
            compare(failures, ctx + "forward with indices", wantY, y2.data(), spec);
            if (!java.util.Arrays.equals(wantIdx, idx.data())) failures.add(ctx + "indices differ");
            Tensor gi2 = plan.newGradInput();
            plan.backward(in, gradOut, idx, gi2);
            compare(failures, ctx + "backward with indices", wantGrad, gi2.data(), spec);
            // The compact argmax has no "no winner" entry, so it refuses the lowest finite floor.
            if (spec.maxFloor() != MaxFloor.NEGATIVE_INFINITY) return;
            Argmax am = plan.newArgmax();
            Tensor y3 = plan.newOutput();
            plan.forwardArgmax(in, y3, am);
            compare(failures, ctx + "argmax forward", wantY, y3.data(), spec);
            if (!java.util.Arrays.equals(wantIdx, am.toIndices().data())) failures.add(ctx + "argmax indices differ");
            Tensor gi3 = plan.newGradInput();
            plan.backwardArgmax(am, gradOut, gi3);
            compare(failures, ctx + "argmax backward", wantGrad, gi3.data(), spec);
        }
    }

    private static float value(SplittableRandom r, String values) {
        if (values.equals("floats")) return (float) (r.nextDouble() * 2 - 1);
        switch (r.nextInt(8)) {
            case 0:
                return 0f;
            case 1:
                return -0f;
            case 2:
                return Float.NaN;
            case 3:
                return Float.NEGATIVE_INFINITY;
            case 4:
                return r.nextInt(3);
            default:
                return (float) (r.nextDouble() * 2 - 1);
        }
    }

    private static void compare(List<String> failures, String what, float[] want, float[] got, PoolSpec spec) {
        boolean exact = spec.op().isMaxType();
        for (int i = 0; i < want.length; i++) {
            boolean ok;
            if (exact || Float.isNaN(want[i]) || Float.isInfinite(want[i])) {
                ok = Float.floatToIntBits(want[i]) == Float.floatToIntBits(got[i]);
            } else {
                ok = Math.abs(want[i] - got[i]) <= 1e-6 * Math.max(1, Math.abs(want[i]));
            }
            if (!ok) {
                failures.add(what + " at " + i + ": expected " + want[i] + ", got " + got[i]);
                return;
            }
        }
    }
}
