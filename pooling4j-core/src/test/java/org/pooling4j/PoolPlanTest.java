package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Plans: hand-worked results, zero allocation per call in steady state, and one plan shared by many threads. */
class PoolPlanTest {

    private static Tensor tutorial() {
        float[] d = new float[16];
        for (int i = 0; i < 16; i++) d[i] = i + 1;
        return Tensor.of(d, 1, 1, 4, 4);
    }

    @Test
    void theTutorialExampleByHand() {
        PoolPlan max = Pooling.plan(PoolSpec.max(2, 2).build(), new int[] {1, 1, 4, 4}, Layout.CHANNELS_FIRST);
        Tensor y = max.newOutput();
        LongTensor idx = max.newIndices();
        String k = max.forwardWithIndices(tutorial(), y, idx);
        assertArrayEquals(new float[] {6, 8, 14, 16}, y.data());
        assertArrayEquals(new long[] {5, 7, 13, 15}, idx.data());
        assertEquals(max.kernel(false), k);
        Tensor gx = max.newGradInput();
        max.backward(tutorial(), Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2), idx, gx);
        float[] want = new float[16];
        want[5] = 1;
        want[7] = 2;
        want[13] = 3;
        want[15] = 4;
        assertArrayEquals(want, gx.data());

        PoolPlan avg = Pooling.plan(PoolSpec.avg(2, 2).build(), new int[] {1, 1, 4, 4}, Layout.CHANNELS_FIRST);
        Tensor a = avg.newOutput();
        avg.forward(tutorial(), a);
        assertArrayEquals(new float[] {3.5f, 5.5f, 11.5f, 13.5f}, a.data());
        // Each input gets a quarter of its window's gradient.
        Tensor ga = avg.newGradInput();
        avg.backward(tutorial(), Tensor.of(new float[] {4, 8, 12, 16}, 1, 1, 2, 2), ga);
        assertEquals(1f, ga.data()[0]);
        assertEquals(2f, ga.data()[3]);
        assertEquals(4f, ga.data()[15]);
    }

    @Test
    void aCallWithTheWrongShapeOrLayoutIsRefusedWithTheNumbers() {
        PoolPlan p = Pooling.plan(PoolSpec.max(2, 2).build(), new int[] {1, 1, 4, 4}, Layout.CHANNELS_FIRST);
        Tensor wrong = Tensor.zeros(Layout.CHANNELS_FIRST, 1, 1, 6, 6);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> p.forward(wrong, p.newOutput()));
        assertTrue(e.getMessage().contains("[1, 1, 6, 6]") && e.getMessage().contains("[1, 1, 4, 4]"), e.getMessage());
        Tensor x = tutorial();
        assertThrows(
                IllegalArgumentException.class, () -> p.forward(x, Tensor.zeros(Layout.CHANNELS_FIRST, 1, 1, 3, 2)));
        assertThrows(
                IllegalArgumentException.class,
                () -> p.forward(x, new Tensor(x.data(), new int[] {1, 1, 2, 2}, Layout.CHANNELS_FIRST)));
        Tensor nhwc = x.toLayout(Layout.CHANNELS_LAST, true);
        assertThrows(IllegalArgumentException.class, () -> p.forward(nhwc, p.newOutput()));
    }

    @Test
    void equalSpecsAreEqualAndHashAlike() {
        PoolSpec a = PoolSpec.avg(3, 3)
                .stride(2, 2)
                .padding(1, 1)
                .countIncludePad(false)
                .build();
        PoolSpec b = PoolSpec.avg(3, 3)
                .stride(2, 2)
                .padding(1, 1)
                .countIncludePad(false)
                .build();
        PoolSpec c = PoolSpec.avg(3, 3)
                .stride(2, 2)
                .padding(1, 1)
                .countIncludePad(true)
                .build();
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, c);
        assertNotEquals(
                PoolSpec.max(2, 2).build(), PoolSpec.max(2, 2).stride(1, 1).build());
        assertEquals(
                PoolSpec.weightedAvg(2, 2).sigma(1.0).build(),
                PoolSpec.weightedAvg(2, 2).sigma(1.0).build());
        assertNotEquals(
                PoolSpec.weightedAvg(2, 2).sigma(1.0).build(),
                PoolSpec.weightedAvg(2, 2).sigma(1.5).build());
    }

    /**
     * Measured in a JVM of its own ({@link AllocationProbe}), as an application that runs one plan
     * sees it: in the test JVM, hundreds of earlier problems have shaped the JIT's profiles and
     * inlining decisions, and code the JIT left unoptimised boxes vectors that a real run never
     * boxes. The probe's output names each call and the bytes it allocated per call.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"max, CHANNELS_FIRST", "max, CHANNELS_LAST", "avg, CHANNELS_FIRST", "avg, CHANNELS_LAST"})
    void aPlanCallAllocatesNothingAfterTheFirst(String op, Layout layout) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.nio.file.Paths.get(System.getProperty("java.home"), "bin", "java")
                .toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // Debugger agents would make the child wait for a debugger; everything else (module
            // flags, coverage agents, heap settings) is what this suite runs with.
            if (!a.startsWith("-agentlib:jdwp")) cmd.add(a);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(AllocationProbe.class.getName());
        cmd.add(op);
        cmd.add(layout.name());
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(child.waitFor(3, java.util.concurrent.TimeUnit.MINUTES), "probe did not end");
        assertEquals(0, child.exitValue(), "probe failed:\n" + out);
        int lines = 0;
        for (String line : out.split("\n")) {
            if (!line.startsWith("allocated ")) continue;
            String[] f = line.trim().split(" ");
            lines++;
            assertEquals(0L, Long.parseLong(f[2]), "bytes allocated per " + f[1] + " call:\n" + out);
        }
        assertEquals(op.equals("max") ? 6 : 2, lines, "calls measured:\n" + out);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"max, CHANNELS_FIRST", "max, CHANNELS_LAST", "avg, CHANNELS_FIRST", "avg, CHANNELS_LAST"})
    void sixteenThreadsSharingOnePlanGetTheResultsOfOne(String op, Layout layout) throws Exception {
        long seed = 11;
        PoolSpec spec = (op.equals("max") ? PoolSpec.max(3, 3) : PoolSpec.avg(3, 3))
                .stride(2, 2)
                .build();
        int[] shape = layout == Layout.CHANNELS_FIRST ? new int[] {1, 3, 15, 15} : new int[] {1, 15, 15, 3};
        PoolPlan p = Pooling.plan(spec, shape, layout);
        Random r = new Random(seed);
        List<Tensor> inputs = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        List<float[]> expectedGrad = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            float[] d = new float[3 * 15 * 15];
            for (int j = 0; j < d.length; j++) d[j] = (float) r.nextGaussian();
            Tensor x = new Tensor(d, shape, layout);
            inputs.add(x);
            // The expectation comes from the reference kernel, a separate implementation.
            System.setProperty("pooling4j.kernel", "reference");
            try {
                PoolPlan ref = Pooling.plan(spec, shape, layout, 1);
                Tensor y = ref.newOutput();
                ref.forward(x, y);
                expected.add(y.data());
                Tensor gx = ref.newGradInput();
                ref.backward(x, y, gx);
                expectedGrad.add(gx.data());
            } finally {
                System.clearProperty("pooling4j.kernel");
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> done = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int me = i;
                Callable<String> c = () -> {
                    Tensor y = p.newOutput();
                    Tensor gx = p.newGradInput();
                    for (int rep = 0; rep < 300; rep++) {
                        p.forward(inputs.get(me), y);
                        p.backward(inputs.get(me), y, gx);
                        float[] want = expected.get(me);
                        float[] got = y.data();
                        for (int j = 0; j < want.length; j++) {
                            if (op.equals("max")
                                    ? Float.floatToIntBits(want[j]) != Float.floatToIntBits(got[j])
                                    : Math.abs(want[j] - got[j]) > 1e-6f * (1 + Math.abs(want[j]))) {
                                return "thread " + me + " rep " + rep + " output " + j + ": " + got[j] + " != "
                                        + want[j] + " (seed " + seed + ")";
                            }
                        }
                        float[] wantG = expectedGrad.get(me);
                        float[] gotG = gx.data();
                        for (int j = 0; j < wantG.length; j++) {
                            if (Math.abs(wantG[j] - gotG[j]) > 1e-5f * (1 + Math.abs(wantG[j]))) {
                                return "thread " + me + " rep " + rep + " gradient " + j + ": " + gotG[j] + " != "
                                        + wantG[j] + " (seed " + seed + ")";
                            }
                        }
                    }
                    return null;
                };
                done.add(pool.submit(c));
            }
            for (Future<String> f : done) assertEquals(null, f.get());
        } finally {
            pool.shutdown();
        }
    }
}
