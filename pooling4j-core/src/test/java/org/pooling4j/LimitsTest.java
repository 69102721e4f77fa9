package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.pooling4j.roi.RoiAlignMode;
import org.pooling4j.roi.RoiCoordinates;
import org.pooling4j.roi.RoiPooling;

/**
 * The memory and work budgets ({@link Limits}) and the overflow-proof tap counts: each reproduction of
 * a hostile input is refused before any work with a message naming the parameter, the bytes or
 * values it would need and the budget. Expected sizes are worked by hand in the comments.
 */
class LimitsTest {
    private static final long GIB = 1L << 30;

    /** x4 of the reports: 1..16 as (1, 1, 4, 4). */
    private static Tensor x4() {
        float[] d = new float[16];
        for (int i = 0; i < 16; i++) d[i] = i + 1;
        return Tensor.of(d, 1, 1, 4, 4);
    }

    private String savedBytes;
    private String savedWork;

    @BeforeEach
    void clearBudgets() {
        savedBytes = System.clearProperty(Limits.MAX_BYTES_PROPERTY);
        savedWork = System.clearProperty(Limits.MAX_WORK_PROPERTY);
        Limits.setMaxBytes(0);
        Limits.setMaxWork(0);
    }

    @AfterEach
    void restoreBudgets() {
        Limits.setMaxBytes(0);
        Limits.setMaxWork(0);
        restore(Limits.MAX_BYTES_PROPERTY, savedBytes);
        restore(Limits.MAX_WORK_PROPERTY, savedWork);
    }

    private static void restore(String name, String value) {
        if (value == null) System.clearProperty(name);
        else System.setProperty(name, value);
    }

    /** The exception of {@code call}, which must come within a second (the check runs before any work). */
    private static IllegalArgumentException refused(Executable call) {
        return assertTimeoutPreemptively(
                Duration.ofSeconds(1), () -> assertThrows(IllegalArgumentException.class, call));
    }

    // ---- memory ----------------------------------------------------------------------------------

    @Test
    void adaptiveOutputOverTheBudgetIsRefusedWithTheBytesAndTheBudget() {
        Limits.setMaxBytes(GIB);
        PoolSpec spec = PoolSpec.adaptiveAvg(40000, 40000).build();
        // 1 x 1 x 40000 x 40000 floats = 1.6e9 x 4 bytes.
        IllegalArgumentException e = refused(() -> Pooling.forward(spec, x4()));
        assertEquals(
                "outputSize = [40000, 40000]: the output needs 6400000000 bytes (1 x 1 x 40000 x 40000 floats), over"
                        + " the memory budget of 1073741824 bytes (-Dpooling4j.maxBytes / --max-bytes)",
                e.getMessage());
        // The plan alone is refused too: nothing is allocated for a plan that cannot run.
        refused(() -> Pooling.plan(spec, new int[] {1, 1, 4, 4}, Layout.CHANNELS_FIRST));
    }

    @Test
    void theDefaultBudgetIsHalfTheHeapAndRefusesTheReproduction() {
        assertEquals(Runtime.getRuntime().maxMemory() / 2, Limits.maxBytes());
        assertEquals(Limits.defaultMaxBytes(), Limits.maxBytes());
        assertEquals(1L << 32, Limits.maxWork());
        // 6.4e9 bytes are over half of any heap below 12.8 GB (the test JVM's default heap here).
        assumeTrue(Runtime.getRuntime().maxMemory() < 12_800_000_000L);
        IllegalArgumentException e =
                refused(() -> Pooling.forward(PoolSpec.adaptiveAvg(40000, 40000).build(), x4()));
        assertTrue(e.getMessage().contains("6400000000 bytes"), e.getMessage());
        assertTrue(
                e.getMessage().contains("over the memory budget of " + Limits.maxBytes() + " bytes"), e.getMessage());
    }

    @Test
    void theSystemPropertySetsTheBudgetAtRunTime() {
        // max 2x2 on 1x1x64x64: output 1 x 1 x 32 x 32 floats = 4096 bytes, over a 1 KiB budget.
        Tensor x = Tensor.zeros(1, 1, 64, 64);
        System.setProperty(Limits.MAX_BYTES_PROPERTY, "1k");
        assertEquals(1024, Limits.maxBytes());
        IllegalArgumentException e =
                refused(() -> Pooling.forward(PoolSpec.max(2, 2).build(), x));
        assertEquals(
                "input shape = [1, 1, 64, 64]: the output needs 4096 bytes (1 x 1 x 32 x 32 floats), over the memory"
                        + " budget of 1024 bytes (-Dpooling4j.maxBytes / --max-bytes)",
                e.getMessage());
        System.setProperty(Limits.MAX_BYTES_PROPERTY, "4096");
        assertEquals(4096, Pooling.forward(PoolSpec.max(2, 2).build(), x).size() * 4L);
        // A value set in code wins over the property; 0 gives the property back.
        Limits.setMaxBytes(2048);
        assertEquals(2048, Limits.maxBytes());
        Limits.setMaxBytes(0);
        assertEquals(4096, Limits.maxBytes());
        // A property that does not parse is ignored (with a warning): the default applies.
        System.setProperty(Limits.MAX_BYTES_PROPERTY, "lots");
        assertEquals(Limits.defaultMaxBytes(), Limits.maxBytes());
    }

    @Test
    void everyAllocationOfAPlanIsChecked() {
        PoolPlan plan = Pooling.plan(PoolSpec.max(2, 2).build(), new int[] {1, 1, 64, 64}, Layout.CHANNELS_FIRST);
        // Indices: 1 x 1 x 32 x 32 int64 = 8192 bytes; the float output (4096) still fits.
        Limits.setMaxBytes(4096);
        assertEquals(1024, plan.newOutput().size());
        IllegalArgumentException e = refused(plan::newIndices);
        assertEquals(
                "output shape = [1, 1, 32, 32]: the indices need 8192 bytes (1 x 1 x 32 x 32 int64), over the memory"
                        + " budget of 4096 bytes (-Dpooling4j.maxBytes / --max-bytes)",
                e.getMessage());
        // The input gradient: 64 x 64 floats = 16384 bytes.
        e = refused(plan::newGradInput);
        assertTrue(e.getMessage().contains("needs 16384 bytes (1 x 1 x 64 x 64 floats)"), e.getMessage());
        e = refused(() -> Tensor.zeros(Layout.CHANNELS_LAST, 2, 2048));
        assertTrue(e.getMessage().startsWith("shape = [2, 2048]: the tensor needs 16384 bytes"), e.getMessage());
    }

    @Test
    void theCompactArgmaxTapTableIsChecked() {
        // One 30000 x 30000 window (padding 29999 each side) over a single value: 9e8 taps of 4 bytes.
        Limits.setMaxBytes(GIB);
        PoolSpec spec = PoolSpec.max(30000, 30000).padding(29999).build();
        PoolPlan plan = Pooling.plan(spec, new int[] {1, 1, 1, 1}, Layout.CHANNELS_FIRST);
        IllegalArgumentException e = refused(plan::newArgmax);
        assertEquals(
                "kernel = [30000, 30000]: the compact argmax's tap table needs 3600000000 bytes (900000000 ints, one"
                        + " per tap of a window), over the memory budget of 1073741824 bytes (-Dpooling4j.maxBytes /"
                        + " --max-bytes)",
                e.getMessage());
        // The plain forward reads the one value inside the input.
        assertEquals(
                7f,
                Pooling.forward(spec, Tensor.of(new float[] {7}, 1, 1, 1, 1)).data()[0]);
    }

    @Test
    void maxUnpoolOutputOverTheBudgetIsRefused() {
        Limits.setMaxBytes(GIB);
        // (2 - 1) * 20000 + 1 = 20001 per axis: 20001^2 floats = 1600160004 bytes.
        PoolSpec spec = PoolSpec.maxUnpool(1, 1).stride(20000, 20000).build();
        IllegalArgumentException e = refused(() -> Pooling.plan(spec, new int[] {1, 1, 2, 2}, Layout.CHANNELS_FIRST));
        assertEquals(
                "kernel/stride = [1, 1]/[20000, 20000]: the output needs 1600160004 bytes (1 x 1 x 20001 x 20001"
                        + " floats), over the memory budget of 1073741824 bytes (-Dpooling4j.maxBytes / --max-bytes)",
                e.getMessage());
    }

    @Test
    void oneDimensionalWindowTablesAreCheckedBeforeTheyAreMade() {
        // Adaptive 1-D to 100,000,000 positions: the output is 4e8 bytes, the six int tables 2.4e9.
        Limits.setMaxBytes(GIB);
        IllegalArgumentException e = refused(() ->
                Pooling.plan(PoolSpec.adaptiveMax(100_000_000).build(), new int[] {1, 1, 4}, Layout.CHANNELS_FIRST));
        assertEquals(
                "outputSize = [100000000]: the window tables need 2400000000 bytes (6 x 100000000 ints), over the"
                        + " memory budget of 1073741824 bytes (-Dpooling4j.maxBytes / --max-bytes)",
                e.getMessage());
    }

    @Test
    void roiOutputsOverTheBudgetAreRefused() {
        Limits.setMaxBytes(GIB);
        Tensor box = Tensor.of(new float[] {0, 0, 0, 3, 3}, 1, 5);
        IllegalArgumentException e = refused(() -> RoiPooling.torchRoiPool(x4(), box, 40000, 40000, 1f));
        assertEquals(
                "output size (outH, outW) = [40000, 40000]: the result needs 6400000000 bytes (1 x 1 x 40000 x 40000"
                        + " floats), over the memory budget of 1073741824 bytes (-Dpooling4j.maxBytes / --max-bytes)",
                e.getMessage());
        e = refused(() -> RoiPooling.maxRoiPool(x4(), box, 40000, 40000, 1f));
        assertTrue(
                e.getMessage()
                        .startsWith("pooled size (pooledH, pooledW) = [40000, 40000]: the result needs"
                                + " 6400000000 bytes"),
                e.getMessage());
    }

    // ---- overflow of the tap count ------------------------------------------------------------------

    @Test
    void aKernelWithMoreTapsThanAnArrayHoldsIsRefusedNotWrapped() {
        // 10^6 x 10^6 = 10^12 taps (an int product gives -727379968).
        IllegalArgumentException e =
                refused(() -> PoolSpec.weightedAvg(1000000, 1000000).sigma(1).build());
        assertEquals(
                "kernel = [1000000, 1000000]: a window of 1000000 x 1000000 = 1000000000000 taps has more weights"
                        + " than a Java array holds (2147483639)",
                e.getMessage());
        e = refused(() -> PoolSpec.gated(1000000, 1000000).build());
        assertTrue(e.getMessage().contains("1000000000000 taps"), e.getMessage());
        assertFalse(e.getMessage().contains("-"), e.getMessage());
        // 65536 x 65537 = 4295032832 taps, which an int wraps to 65536: the 65536 weights must not pass.
        float[] w = new float[65536];
        e = refused(() -> PoolSpec.gated(65536, 65537).weights(w).build());
        assertTrue(
                e.getMessage().startsWith("kernel = [65536, 65537]: a window of 65536 x 65537 = 4295032832 taps"),
                e.getMessage());
        e = refused(() -> PoolSpec.weightedAvg(65536, 65537).weights(w).build());
        assertTrue(e.getMessage().contains("4295032832 taps"), e.getMessage());
    }

    @Test
    void gaussianWeightsOverTheBudgetAreRefused() {
        Limits.setMaxBytes(GIB);
        // 46340^2 = 2147395600 taps (just under the array limit) as doubles: 17179164800 bytes.
        IllegalArgumentException e =
                refused(() -> PoolSpec.weightedAvg(46340, 46340).sigma(1).build());
        assertEquals(
                "kernel = [46340, 46340]: the Gaussian weights need 17179164800 bytes (46340 x 46340 doubles, one per"
                        + " tap), over the memory budget of 1073741824 bytes (-Dpooling4j.maxBytes / --max-bytes)",
                e.getMessage());
    }

    // ---- work ----------------------------------------------------------------------------------------

    @Test
    void roiAlignSamplingRatioOverTheWorkBudgetIsRefusedAtOnce() {
        Tensor box = Tensor.of(new float[] {0, 0, 0, 3, 3}, 1, 5);
        // 1 box x 1 channel x 1 bin x 46340^2 samples x 4 corners = 8589582400 > 2^32.
        IllegalArgumentException e = refused(() -> RoiPooling.torchRoiAlign(x4(), box, 1, 1, 1f, 46340, false));
        assertEquals(
                "samplingRatio = 46340: the call would read about 8589582400 input values (1 boxes x 1 channels x 1"
                        + " x 1 bins x 46340 x 46340 samples x 4 corners), over the work budget of 4294967296"
                        + " (-Dpooling4j.maxWork / --max-work)",
                e.getMessage());
        // The estimate covers the whole call: two boxes of 2^31 reads each pass a per-box cap of 2^32
        // but not the call's (2 x 32768^2 samples x 4 = 8589934592).
        Tensor two = Tensor.of(new float[] {0, 0, 0, 3, 3, 0, 1, 1, 2, 2}, 2, 5);
        e = refused(() -> RoiPooling.torchRoiAlign(x4(), two, 1, 1, 1f, 32768, true));
        assertTrue(e.getMessage().contains("about 8589934592 input values (2 boxes"), e.getMessage());
        e = refused(() -> RoiPooling.torchRoiAlignBackward(
                Tensor.zeros(2, 1, 1, 1), two, new int[] {1, 1, 4, 4}, 1f, 32768, true));
        assertTrue(e.getMessage().contains("about 8589934592 input values"), e.getMessage());
        // The ONNX form, and an adaptive grid: a box 2^17 wide at scale 1 on a 1x1 output.
        Tensor rois = Tensor.of(new float[] {0, 0, 46340, 46340}, 1, 4);
        e = refused(() -> RoiPooling.roiAlign(
                x4(), rois, new long[] {0}, 1, 1, 1f, 0, RoiAlignMode.AVG, RoiCoordinates.OUTPUT_HALF_PIXEL));
        assertTrue(
                e.getMessage().startsWith("samplingRatio = 0 (adaptive): the call would read about 8589582400"),
                e.getMessage());
    }

    @Test
    void hugeKernelsOverManyWindowsAreRefusedAndTheWorkBudgetIsSettable() {
        // 1-D max over 200,000 values with a kernel of 100,000 and stride 1: 100,001 windows x 100,000 taps.
        Tensor x = Tensor.zeros(1, 1, 200_000);
        PoolSpec spec = PoolSpec.max(100_000).stride(1).build();
        IllegalArgumentException e = refused(() -> Pooling.forward(spec, x));
        assertEquals(
                "kernel = [100000]: the call would read about 10000100000 input values (1 x 1 planes x 10000100000"
                        + " taps (over 100001 windows)), over the work budget of 4294967296 (-Dpooling4j.maxWork /"
                        + " --max-work)",
                e.getMessage());
        // max 2x2 on 1x1x64x64 reads 32 x 32 x 4 = 4096 values.
        Tensor small = Tensor.zeros(1, 1, 64, 64);
        Limits.setMaxWork(4095);
        e = refused(() -> Pooling.forward(PoolSpec.avg(2, 2).build(), small));
        assertTrue(
                e.getMessage()
                        .contains("about 4096 input values (1 x 1 planes x 64 x 64 taps per axis (over 32 x 32"
                                + " windows)), over the work budget of 4095"),
                e.getMessage());
        Limits.setMaxWork(0);
        System.setProperty(Limits.MAX_WORK_PROPERTY, "4k");
        assertEquals(4096, Limits.maxWork());
        assertEquals(1024, Pooling.forward(PoolSpec.avg(2, 2).build(), small).size());
    }

    @Test
    void tapsInThePaddingAreNotCountedAsWork() {
        // One window of 2^22 taps per axis over a single input value: it reads 1 value, not 2^66.
        int k = 1 << 22;
        Tensor x = Tensor.of(new float[] {1}, 1, 1, 1, 1, 1);
        Tensor y = Pooling.forward(PoolSpec.avg(k, k, k).padding(k - 1).build(), x);
        assertEquals((float) Math.pow(2, -66), y.data()[0]);
    }

    @Test
    void sizesParseWithSuffixesAndBadOnesAreNamed() {
        assertEquals(1073741824L, Limits.parseSize("1073741824", "n"));
        assertEquals(512L << 20, Limits.parseSize("512m", "n"));
        assertEquals(4L << 30, Limits.parseSize("4G", "n"));
        assertEquals(3L << 10, Limits.parseSize(" 3k ", "n"));
        assertEquals(2L << 40, Limits.parseSize("2t", "n"));
        for (String bad : new String[] {"", "abc", "-1", "0", "1.5g", "1gb", "99999999999999999999", "9000000t"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Limits.parseSize(bad, "n"));
            assertTrue(e.getMessage().startsWith("n = " + bad + ": "), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Limits.setMaxBytes(-1));
        assertThrows(IllegalArgumentException.class, () -> Limits.setMaxWork(-1));
    }
}
