package org.pooling4j;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;

/**
 * Run by {@link PoolPlanTest} in a JVM of its own: plans one 3x3 stride-2 padded max or average
 * pooling, runs each of its calls in steady state and prints {@code allocated NAME BYTES} per call,
 * the least over repeated rounds.
 */
public final class AllocationProbe {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocationProbe() {}

    /** Arguments: {@code max|avg} and a {@link Layout} name. */
    public static void main(String[] args) {
        String op = args[0];
        Layout layout = Layout.valueOf(args[1]);
        PoolSpec spec = (op.equals("max") ? PoolSpec.max(3, 3) : PoolSpec.avg(3, 3))
                .stride(2, 2)
                .padding(1, 1)
                .build();
        int[] shape = layout == Layout.CHANNELS_FIRST ? new int[] {2, 8, 17, 19} : new int[] {2, 17, 19, 8};
        // Measured as an application runs by default: no recording, no monitor, no tuner.
        org.pooling4j.monitor.PoolMonitor.disable();
        org.pooling4j.tuning.Tuner.setMode(org.pooling4j.tuning.Tuner.Mode.OFF);
        PoolPlan p = Pooling.plan(spec, shape, layout, 1);
        System.out.println("plan " + p);
        Random r = new Random(7);
        float[] d = new float[2 * 8 * 17 * 19];
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian();
        Tensor x = new Tensor(d, shape, layout);
        Tensor y = p.newOutput();
        Tensor gy = p.newOutput();
        Arrays.fill(gy.data(), 1f);
        Tensor gx = p.newGradInput();
        report("forward", allocatedPerCall(() -> p.forward(x, y)));
        report("backward", allocatedPerCall(() -> p.backward(x, gy, gx)));
        if (op.equals("max")) {
            LongTensor idx = p.newIndices();
            Argmax am = p.newArgmax();
            report("forwardWithIndices", allocatedPerCall(() -> p.forwardWithIndices(x, y, idx)));
            report("backwardWithIndices", allocatedPerCall(() -> p.backward(x, gy, idx, gx)));
            report("forwardArgmax", allocatedPerCall(() -> p.forwardArgmax(x, y, am)));
            report("backwardArgmax", allocatedPerCall(() -> p.backwardArgmax(am, gy, gx)));
        }
    }

    private static void report(String name, long bytes) {
        System.out.println("allocated " + name + " " + bytes);
    }

    /**
     * Allocated bytes of this thread per run of {@code body} in steady state: after a warm-up, the
     * least of repeated rounds. Rounds go on until one allocates nothing, for at most a minute: on
     * a loaded machine the C2 compiler can lag the warm-up by many seconds, and until it catches up
     * the Vector API runs its boxed fallback, which allocates.
     */
    private static long allocatedPerCall(Runnable body) {
        int calls = 2_000;
        for (int i = 0; i < 10_000; i++) body.run();
        long least = Long.MAX_VALUE;
        long deadline = System.nanoTime() + 60_000_000_000L;
        for (int round = 0; least > 0 && (round < 3 || System.nanoTime() < deadline); round++) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < calls; i++) body.run();
            least = Math.min(least, THREADS.getCurrentThreadAllocatedBytes() - before);
        }
        return least / calls;
    }
}
