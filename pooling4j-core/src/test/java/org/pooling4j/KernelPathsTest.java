package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pooling4j.internal.Check;
import org.pooling4j.internal.exec.Kernels;
import org.pooling4j.internal.exec.Parallel;
import org.pooling4j.internal.kernels.ChannelsFirstKernel;
import org.pooling4j.internal.kernels.ChannelsLastKernel;
import org.pooling4j.internal.kernels.FastKernel;
import org.pooling4j.internal.kernels.PoolKernel;
import org.pooling4j.monitor.PoolMonitor;
import org.pooling4j.monitor.PoolStats;
import org.pooling4j.spi.RowOps;
import org.pooling4j.spi.ScalarRowOps;

/**
 * The code paths of the fast kernels ({@link ChannelsFirstKernel}, {@link ChannelsLastKernel}, with
 * every row-operation implementation the dispatcher has) one by one, each on a small problem chosen
 * for the path, against the {@code reference} kernel. Where {@link FastKernelsTest} runs hundreds of
 * shapes (too slow to rerun for every mutant), this class is short enough for PIT's test set: the
 * cases below are the ones that decide which branch a kernel takes (row width against
 * {@link ChannelsFirstKernel#NARROW_WIDTH} and {@link ChannelsFirstKernel#SHORT_ROW}, the flat path
 * and its chunks, fix-up columns and direct input rows, windows cut by padding or wholly outside the
 * input, the NaN policy and the floor, column blocks of the channels-last rows, compact argmax of one
 * and more bytes per entry, and work split across threads).
 *
 * <p>Each case runs in both layouts through every fast kernel that accepts it (forced by name as
 * {@link FastKernelsTest} does): forward values into an output prefilled with a value no case
 * produces, forward with indices, the compact argmax and its backward, backward with the
 * reference's indices and with the argmax recomputed, or average backward. Expected values are the
 * reference kernel's ({@link FastKernelsTest#expected}); max-type values, indices and gradients must
 * match bit for bit, averages and Lp within {@value FastKernelsTest#RTOL} relative to
 * {@code max(1, |expected|)}.
 *
 * <p>Each case also runs, called directly, through both kernels built on {@link EdgeRowOps}: row
 * operations that use every freedom the {@link RowOps} contract leaves (the sign of a zero maximum,
 * floats written past a short row), in a fresh thread so that the kernels' scratch arrays are
 * exactly as long as asked. There the channels-first forward must also take the path the case is
 * written for ({@link Path}). The cases of {@link #workSplitAcrossThreads} are above the work
 * threshold, and every call must show in the {@link PoolMonitor} as split over several threads.
 *
 * <p>Data: seeded from {@code pooling4j.seed} (default {@value FastKernelsTest#DEFAULT_SEED}); every
 * failure names the seed, the case, the layout and the kernel.
 */
class KernelPathsTest {
    private static final long SEED = Long.getLong("pooling4j.seed", FastKernelsTest.DEFAULT_SEED);
    /** Threads of the calls that split their work: more than one chunk, and an uneven split. */
    private static final int THREADS = 3;
    /**
     * What outputs and gradients are filled with before a call: a value no case can produce (NaN
     * would hide an element a kernel forgets to write wherever the expected value is NaN).
     */
    private static final float UNWRITTEN = 1234.5f;

    @AfterEach
    void clearForcedKernels() {
        System.clearProperty(Kernels.FORCE_PROPERTY);
        System.clearProperty(Kernels.FORCE_BACKWARD_PROPERTY);
    }

    // =============================================================================================
    // Channels-first: the row path (problems the flat path does not take)
    // =============================================================================================

    @Test
    void channelsFirstNarrowRows() {
        // Rows narrower than NARROW_WIDTH with NaN propagating: the direct per-window loop.
        run(
                "cf narrow",
                c(
                        "max nan ignore, narrow",
                        PoolSpec.max(3, 3)
                                .stride(2)
                                .padding(1)
                                .nanPolicy(NanPolicy.IGNORE)
                                .build(),
                        "specials",
                        1,
                        3,
                        7,
                        11),
                c("adaptive avg, narrow", PoolSpec.adaptiveAvg(3, 4).build(), "floats", 1, 3, 7, 9),
                c("lp, narrow", PoolSpec.lp(2, 2, 3).stride(1, 2).padding(1).build(), "floats", 1, 3, 5, 9),
                // 3D: windows with no tap in depth (whole planes of empty rows), and depth padding.
                c(
                        "max 3D, empty depth, narrow",
                        PoolSpec.max(3, 2, 2)
                                .stride(1)
                                .dilation(2, 1, 1)
                                .padding(4, 0, 0)
                                .build(),
                        "zeros",
                        1,
                        2,
                        1,
                        3,
                        9),
                c(
                        "avg 3D, empty depth, narrow",
                        PoolSpec.avg(3, 2, 2)
                                .stride(1)
                                .dilation(2, 1, 1)
                                .padding(4, 0, 0)
                                .build(),
                        "floats",
                        1,
                        2,
                        1,
                        3,
                        9),
                c(
                        "max 3D, depth padding, narrow",
                        PoolSpec.max(2, 2, 3)
                                .stride(1, 1, 2)
                                .padding(1, 0, 1)
                                .nanPolicy(NanPolicy.IGNORE)
                                .build(),
                        "specials",
                        1,
                        2,
                        3,
                        3,
                        9),
                c("adaptive max, narrow", PoolSpec.adaptiveMax(3, 4).build(), "zeros", 2, 3, 7, 9),
                c("adaptive max, narrow, specials", PoolSpec.adaptiveMax(4, 5).build(), "specials", 1, 5, 8, 13),
                c(
                        "max lowest-finite floor, narrow",
                        PoolSpec.max(3, 3)
                                .stride(2)
                                .padding(1)
                                .maxFloor(MaxFloor.LOWEST_FINITE)
                                .build(),
                        "no-winner",
                        1,
                        3,
                        7,
                        11),
                c(
                        "max, empty columns, narrow",
                        PoolSpec.max(2, 3)
                                .stride(1)
                                .dilation(1, 2)
                                .padding(0, 4)
                                .build(),
                        "zeros",
                        1,
                        3,
                        4,
                        1),
                c("adaptive max 3D, narrow", PoolSpec.adaptiveMax(2, 3, 4).build(), "zeros", 1, 3, 4, 5, 9));
    }

    @Test
    void channelsFirstWideRowsMax() {
        run(
                "cf wide max",
                // Stride 2 with padding: the first full window starts past the row's first float.
                c(
                                "max, empty rows, stride 2",
                                PoolSpec.max(3, 3)
                                        .stride(1, 2)
                                        .dilation(2, 1)
                                        .padding(4, 1)
                                        .build(),
                                "zeros",
                                1,
                                2,
                                1,
                                40)
                        .on(Path.ROWS),
                c(
                        "max 3D, empty depth",
                        PoolSpec.max(3, 2, 2)
                                .stride(1)
                                .dilation(2, 1, 1)
                                .padding(4, 1, 1)
                                .build(),
                        "zeros",
                        1,
                        2,
                        1,
                        3,
                        40),
                c(
                        "max 3D, depth padding",
                        PoolSpec.max(2, 2, 3).stride(1, 1, 2).padding(1, 0, 1).build(),
                        "zeros",
                        1,
                        2,
                        3,
                        3,
                        40),
                c(
                        "max 3D, depth padding, nan ignore",
                        PoolSpec.max(2, 2, 3)
                                .stride(1, 1, 2)
                                .padding(1, 0, 1)
                                .nanPolicy(NanPolicy.IGNORE)
                                .build(),
                        "specials",
                        1,
                        2,
                        3,
                        3,
                        40),
                c("adaptive max 3D", PoolSpec.adaptiveMax(2, 3, 5).build(), "zeros", 1, 2, 3, 4, 40),
                // Adaptive windows of one input row: the input row is the vertical result.
                c("adaptive max, one row per window", PoolSpec.adaptiveMax(6, 7).build(), "zeros", 1, 3, 6, 40),
                // Adaptive windows of several rows shorter than SHORT_ROW: the first two rows side by side.
                c("adaptive max, short rows", PoolSpec.adaptiveMax(2, 9).build(), "zeros", 1, 3, 7, 40),
                c(
                        "adaptive max, short rows, specials",
                        PoolSpec.adaptiveMax(3, 9).build(),
                        "specials",
                        1,
                        2,
                        8,
                        41),
                // Rows of SHORT_ROW floats and more: the first row copied.
                c("adaptive max, long rows", PoolSpec.adaptiveMax(2, 50).build(), "zeros", 1, 2, 5, 130),
                // NaN ignored: from the floor, every column by the scalar loop.
                c(
                                "max nan ignore",
                                PoolSpec.max(3, 3)
                                        .stride(2)
                                        .padding(1)
                                        .nanPolicy(NanPolicy.IGNORE)
                                        .build(),
                                "specials",
                                1,
                                3,
                                7,
                                40)
                        .on(Path.ROWS),
                c(
                        "max nan ignore, long rows",
                        PoolSpec.max(3, 2)
                                .stride(1, 2)
                                .nanPolicy(NanPolicy.IGNORE)
                                .build(),
                        "specials",
                        1,
                        2,
                        4,
                        130),
                c(
                        "max lowest-finite floor, wide",
                        PoolSpec.max(2, 3)
                                .stride(1, 2)
                                .padding(0, 1)
                                .maxFloor(MaxFloor.LOWEST_FINITE)
                                .build(),
                        "no-winner",
                        1,
                        3,
                        4,
                        37),
                // Empty windows (dilation and padding): the row path; whole output rows without a tap.
                c(
                        "max, empty rows",
                        PoolSpec.max(3, 3)
                                .stride(1)
                                .dilation(2, 1)
                                .padding(4, 1)
                                .build(),
                        "zeros",
                        1,
                        3,
                        1,
                        40),
                c(
                        "max, empty rows, nan ignore",
                        PoolSpec.max(3, 3)
                                .stride(1)
                                .dilation(2, 1)
                                .padding(4, 1)
                                .nanPolicy(NanPolicy.IGNORE)
                                .build(),
                        "specials",
                        1,
                        2,
                        1,
                        40),
                c(
                        "max, empty columns, wide",
                        PoolSpec.max(2, 2)
                                .stride(1)
                                .dilation(1, 40)
                                .padding(0, 39)
                                .build(),
                        "zeros",
                        1,
                        2,
                        3,
                        33),
                // Windows reaching past a buffer row: the flat path on buffer rows a whole input row wide.
                c("max, windows past a buffer row", PoolSpec.max(3, 3).stride(1).build(), "zeros", 1, 3, 5, 34)
                        .on(Path.FLAT),
                c(
                        "max 3D nan ignore",
                        PoolSpec.max(2, 2, 3)
                                .stride(1, 2, 2)
                                .padding(0, 1, 1)
                                .nanPolicy(NanPolicy.IGNORE)
                                .build(),
                        "specials",
                        1,
                        2,
                        3,
                        4,
                        35));
    }

    @Test
    void channelsFirstWideRowsAverageAndLp() {
        run(
                "cf wide avg/lp",
                c(
                        "avg 3D, empty depth",
                        PoolSpec.avg(3, 2, 2)
                                .stride(1)
                                .dilation(2, 1, 1)
                                .padding(4, 1, 1)
                                .build(),
                        "floats",
                        1,
                        2,
                        1,
                        3,
                        40),
                c(
                        "lp 3D, empty depth",
                        PoolSpec.lp(2, 3, 2, 2)
                                .stride(1)
                                .dilation(2, 1, 1)
                                .padding(4, 1, 1)
                                .build(),
                        "floats",
                        1,
                        2,
                        1,
                        3,
                        40),
                c("adaptive avg 3D", PoolSpec.adaptiveAvg(2, 3, 5).build(), "floats", 1, 2, 3, 4, 40),
                c("adaptive avg, one row per window", PoolSpec.adaptiveAvg(5, 7).build(), "floats", 1, 3, 5, 40),
                c("adaptive avg, several rows", PoolSpec.adaptiveAvg(2, 7).build(), "floats", 1, 3, 7, 40),
                c(
                        "avg, empty windows",
                        PoolSpec.avg(3, 3)
                                .stride(1)
                                .dilation(2, 1)
                                .padding(4, 1)
                                .build(),
                        "floats",
                        1,
                        3,
                        1,
                        40),
                c(
                        "avg exclude pad, empty columns",
                        PoolSpec.avg(2, 3)
                                .stride(1)
                                .dilation(1, 40)
                                .padding(0, 39)
                                .countIncludePad(false)
                                .build(),
                        "floats",
                        1,
                        2,
                        3,
                        33),
                c(
                                "avg, windows past a buffer row",
                                PoolSpec.avg(3, 3)
                                        .stride(1)
                                        .countIncludePad(false)
                                        .build(),
                                "floats",
                                1,
                                3,
                                5,
                                34)
                        .on(Path.FLAT),
                c("lp 2", PoolSpec.lp(2, 3, 3).stride(2).padding(1).build(), "floats", 1, 3, 7, 40),
                c("lp 1, narrow", PoolSpec.lp(1, 2, 3).stride(1).build(), "floats", 2, 2, 4, 9),
                c("lp 3", PoolSpec.lp(3, 2, 3).stride(1, 2).padding(1, 1).build(), "floats", 1, 2, 5, 33),
                c("lp 4", PoolSpec.lp(4, 3, 2).stride(2).build(), "floats", 1, 2, 5, 34),
                // Planes past the scratch of once-computed terms (ChannelsFirstKernel.LP_PLANE_TERMS
                // floats) compute their terms per output row instead.
                c(
                        "lp 2, plane past the terms scratch",
                        PoolSpec.lp(2, 3, 3).stride(2).build(),
                        "floats",
                        1,
                        2,
                        3,
                        21846),
                c(
                        "lp torch",
                        PoolSpec.lp(2, 3, 3)
                                .stride(2)
                                .lpMode(LpMode.PYTORCH)
                                .ceilMode(true)
                                .build(),
                        "floats",
                        1,
                        3,
                        7,
                        35),
                c(
                        "lp, empty windows",
                        PoolSpec.lp(2, 1, 2)
                                .stride(1)
                                .dilation(1, 40)
                                .padding(0, 39)
                                .build(),
                        "floats",
                        1,
                        2,
                        3,
                        33),
                c(
                        "lp, empty rows",
                        PoolSpec.lp(1.5, 3, 2)
                                .stride(1, 2)
                                .dilation(2, 1)
                                .padding(4, 0)
                                .build(),
                        "floats",
                        1,
                        2,
                        1,
                        34),
                c("lp 3D", PoolSpec.lp(2, 2, 2, 2).stride(2).build(), "floats", 1, 2, 4, 4, 36));
    }

    @Test
    void channelsFirstGlobal() {
        run(
                "cf global",
                c("global max", PoolSpec.globalMax(2).build(), "zeros", 2, 3, 5, 7),
                c("global max specials", PoolSpec.globalMax(1).build(), "specials", 2, 3, 100),
                c(
                        "global max nan ignore",
                        PoolSpec.globalMax(2).nanPolicy(NanPolicy.IGNORE).build(),
                        "specials",
                        1,
                        5,
                        3,
                        4),
                c(
                        "global max, no winner",
                        PoolSpec.globalMax(1)
                                .nanPolicy(NanPolicy.IGNORE)
                                .maxFloor(MaxFloor.LOWEST_FINITE)
                                .build(),
                        "no-winner",
                        1,
                        7,
                        2),
                // Planes longer than the 512-float chunks of the average's sum, and shorter.
                c("global avg, chunks", PoolSpec.globalAvg(1).build(), "floats", 1, 3, 1300),
                c("global avg", PoolSpec.globalAvg(3).build(), "floats", 2, 2, 3, 4, 5)
                        .on(Path.RUNS),
                // ResNet's head: 7x7 planes, an odd count of them (runs go two at a time).
                c("global avg 7x7", PoolSpec.globalAvg(2).build(), "floats", 3, 13, 7, 7)
                        .on(Path.RUNS),
                c("global avg 1 float", PoolSpec.globalAvg(2).build(), "floats", 2, 5, 1, 1)
                        .on(Path.RUNS),
                c("global avg 512", PoolSpec.globalAvg(1).build(), "floats", 1, 3, 512)
                        .on(Path.RUNS),
                // Plain max and average whose one window is the whole plane take the global path.
                c("avg window = 7x7 plane", PoolSpec.avg(7, 7).build(), "floats", 2, 9, 7, 7)
                        .on(Path.RUNS),
                c(
                                "avg window = plane, ceil, stride 2",
                                PoolSpec.avg(7, 7).stride(2, 2).ceilMode(true).build(),
                                "floats",
                                1,
                                5,
                                7,
                                7)
                        .on(Path.RUNS),
                c(
                                "avg window = plane, divisor override",
                                PoolSpec.avg(3, 5).divisorOverride(7).build(),
                                "floats",
                                1,
                                4,
                                3,
                                5)
                        .on(Path.RUNS),
                c("avg window = 3-D plane", PoolSpec.avg(2, 3, 4).build(), "floats", 2, 3, 2, 3, 4)
                        .on(Path.RUNS),
                c("max window = plane", PoolSpec.max(5, 6).build(), "zeros", 2, 3, 5, 6),
                c("max window = 1-D plane", PoolSpec.max(9).build(), "specials", 2, 3, 9),
                c(
                        "max window = plane, nan ignore, no winner",
                        PoolSpec.max(7, 2)
                                .nanPolicy(NanPolicy.IGNORE)
                                .maxFloor(MaxFloor.LOWEST_FINITE)
                                .build(),
                        "no-winner",
                        1,
                        3,
                        7,
                        2),
                // Windows as large as the plane but not the plane: padding, dilation.
                c("avg 7x7 p1 on 7x7", PoolSpec.avg(7, 7).padding(1, 1).build(), "floats", 1, 3, 7, 7),
                c("max 3x3 d2 on 5x5", PoolSpec.max(3, 3).dilation(2, 2).build(), "zeros", 1, 3, 5, 5),
                c("global lp 1", PoolSpec.globalLp(1, 2).build(), "floats", 1, 3, 5, 6),
                c("global lp 2", PoolSpec.globalLp(2, 1).build(), "floats", 1, 3, 20),
                c("global lp 3", PoolSpec.globalLp(3, 2).build(), "floats", 1, 2, 4, 5),
                c("global lp 4", PoolSpec.globalLp(4, 1).build(), "floats", 1, 2, 9));
    }

    // =============================================================================================
    // Channels-first: the blocked path
    // =============================================================================================

    /** The blocked path where the kernel takes it (JDK 21 and later); elsewhere the case's path is not checked. */
    private static final Path BLOCKED = ChannelsFirstKernel.NEWER_JDK ? Path.BLOCKED : Path.ANY;

    @Test
    void channelsFirstBlocked() {
        run(
                "cf blocked",
                // 51 planes: three blocks of 16 and three planes left over for the row path; NaN in some
                // blocks (the NaN-aware comparisons), zeros of both signs (the re-scan).
                c(
                                "max k5 s1 p2 on 13x13",
                                PoolSpec.max(5, 5).stride(1).padding(2).build(),
                                "zeros",
                                3,
                                17,
                                13,
                                13)
                        .on(BLOCKED),
                // Integers: ties, and no NaN anywhere (the plain comparisons).
                c(
                                "max k5 s1 p2, 20 wide",
                                PoolSpec.max(5, 5).stride(1).padding(2).build(),
                                "ints",
                                1,
                                16,
                                20,
                                20)
                        .on(BLOCKED),
                c(
                                "max k5 s1 p2, 13 wide",
                                PoolSpec.max(5, 5).stride(1).padding(2).build(),
                                "ints",
                                1,
                                16,
                                20,
                                13)
                        .on(BLOCKED),
                c(
                                "max k5 s1 p2, 14 wide",
                                PoolSpec.max(5, 5).stride(1).padding(2).build(),
                                "ints",
                                1,
                                16,
                                9,
                                14)
                        .on(BLOCKED),
                // Even windows with padding: one more output than input per axis, windows cut on both sides.
                c("max k4 s1 p2", PoolSpec.max(4, 4).stride(1).padding(2).build(), "specials", 2, 16, 9, 7)
                        .on(BLOCKED),
                // A single output row and column per window row: windows wider than the plane is tall.
                c("max k4 without padding", PoolSpec.max(4, 6).stride(1).build(), "zeros", 1, 32, 4, 13)
                        .on(BLOCKED),
                c(
                                "max k4 dilation 2",
                                PoolSpec.max(4, 4)
                                        .stride(1)
                                        .dilation(2)
                                        .padding(3)
                                        .build(),
                                "zeros",
                                1,
                                16,
                                11,
                                12)
                        .on(BLOCKED),
                c(
                                "avg k5 p2, count_include_pad",
                                PoolSpec.avg(5, 5).stride(1).padding(2).build(),
                                "floats",
                                2,
                                17,
                                13,
                                13)
                        .on(BLOCKED),
                c(
                                "avg k5 p2, padding not counted",
                                PoolSpec.avg(5, 5)
                                        .stride(1)
                                        .padding(2)
                                        .countIncludePad(false)
                                        .build(),
                                "floats",
                                1,
                                16,
                                20,
                                20)
                        .on(BLOCKED),
                // Just outside the blocked path: 15 planes, 21 wide, k3 14 wide, stride 2.
                c("15 planes", PoolSpec.max(5, 5).stride(1).padding(2).build(), "zeros", 1, 15, 13, 13)
                        .on(Path.FLAT),
                c("21 wide", PoolSpec.max(5, 5).stride(1).padding(2).build(), "zeros", 1, 16, 13, 21)
                        .on(Path.FLAT),
                c("k3, 14 wide", PoolSpec.max(3, 3).stride(1).padding(1).build(), "zeros", 1, 16, 13, 14)
                        .on(Path.FLAT),
                // k3 windows up to 13 wide: blocked on the JDKs where that measured faster.
                c("k3, 13 wide", PoolSpec.max(3, 3).stride(1).padding(1).build(), "zeros", 1, 16, 8, 13)
                        .on(BLOCKED),
                c("avg k3, 8 wide", PoolSpec.avg(3, 3).stride(1).padding(1).build(), "floats", 1, 17, 8, 8)
                        .on(BLOCKED),
                c("stride 2", PoolSpec.max(5, 5).stride(2).padding(2).build(), "zeros", 1, 16, 13, 13)
                        .on(Path.FLAT),
                // Planes of exactly BLOCK_PLANE_LIMIT floats, and one row more.
                c("4095-float planes", PoolSpec.max(5, 5).stride(1).padding(2).build(), "ints", 1, 16, 315, 13)
                        .on(BLOCKED),
                c("4108-float planes", PoolSpec.max(5, 5).stride(1).padding(2).build(), "ints", 1, 16, 316, 13)
                        .on(Path.FLAT));
        // One NaN anywhere (the blocks' NaN check), in a block or among the planes left over.
        List<Case> oneNaN = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            oneNaN.add(
                    c("one NaN #" + i, PoolSpec.max(5, 5).stride(1).padding(2).build(), "oneNaN", 2, 17, 9, 11)
                            .on(BLOCKED));
        }
        run("cf blocked, one NaN", oneNaN.toArray(new Case[0]));
        // Both threads take blocks; the three planes left over run after them.
        Case split = c(
                "max k5 s1 p2, threads", PoolSpec.max(5, 5).stride(1).padding(2).build(), "zeros", 4, 67, 13, 13);
        Geometry g = Pooling.geometry(split.spec, Tensor.zeros(split.shape));
        assertTrue(
                4L * (g.inputElements() + g.outputElements()) >= Parallel.WORK_THRESHOLD_BYTES, "below the threshold");
        run("cf blocked threads", THREADS, split.on(BLOCKED));
    }

    // =============================================================================================
    // Channels-first: whole windows scanned by rows (indices, compact argmax, recomputed backward)
    // =============================================================================================

    @Test
    void channelsFirstWindowScans() {
        PoolSpec stem = PoolSpec.max(3, 3).stride(2).padding(1).build();
        run(
                "cf window scans",
                // ResNet's stem window (stride 2, padding: edge windows take the scan one at a time),
                // stride 1, stride 3 (scalar inside the row operation), dilation, 3-D and 1-D windows,
                // rows of whole windows shorter than a vector, one vector and vector tails.
                c("stem 3x3 s2 p1", stem, "zeros", 2, 3, 23, 23).on(Path.SCANS),
                c("stem, 70 wide", stem, "ints", 1, 2, 9, 70).on(Path.SCANS),
                c("stem, NaN", stem, "specials", 2, 3, 15, 37).on(Path.SCANS),
                c("3x3 s1", PoolSpec.max(3, 3).build(), "zeros", 1, 3, 10, 19).on(Path.SCANS),
                c("3x3 s1 p1, NaN", PoolSpec.max(3, 3).padding(1).build(), "specials", 1, 2, 8, 35)
                        .on(Path.SCANS),
                c("3x3 s3", PoolSpec.max(3, 3).stride(3).build(), "ints", 1, 2, 12, 50)
                        .on(Path.SCANS),
                c("2x3 s2 dilated", PoolSpec.max(2, 3).stride(2).dilation(2).build(), "zeros", 1, 2, 11, 41)
                        .on(Path.SCANS),
                c("3-D 2x3x3 s2", PoolSpec.max(2, 3, 3).stride(2).build(), "zeros", 1, 2, 5, 9, 37)
                        .on(Path.SCANS),
                c("1-D k4 s2", PoolSpec.max(4).stride(2).build(), "specials", 2, 3, 77)
                        .on(Path.SCANS),
                c("1 whole window per row", PoolSpec.max(3, 3).stride(2).build(), "zeros", 1, 2, 5, 4)
                        .on(Path.SCANS));
    }

    // =============================================================================================
    // Channels-first: the pairs path (2 x 2 stride-2 windows with indices or the compact argmax)
    // =============================================================================================

    @Test
    void channelsFirstPairs() {
        PoolSpec k2 = PoolSpec.max(2, 2).stride(2).build();
        run(
                "cf pairs",
                // Widths twice the output width (one run of pairs per plane) and one more (a run per
                // row); outputs narrower than a vector (the merges' whole vectors past the row end),
                // exactly one vector, and vector tails.
                c("24 wide", k2, "zeros", 2, 3, 24, 24).on(Path.PAIRS),
                c("8 wide", k2, "zeros", 1, 5, 8, 8).on(Path.PAIRS),
                c("odd width and height", k2, "zeros", 1, 3, 9, 7).on(Path.PAIRS),
                c("2x2 planes", k2, "ints", 1, 7, 2, 2).on(Path.PAIRS),
                c("2x3 planes", k2, "ints", 1, 7, 3, 2).on(Path.PAIRS),
                c("32 wide", k2, "ints", 1, 2, 6, 32).on(Path.PAIRS),
                c("33 wide", k2, "ints", 1, 2, 6, 33).on(Path.PAIRS),
                c("34 wide", k2, "zeros", 1, 2, 5, 34).on(Path.PAIRS),
                c("67 wide", k2, "specials", 1, 2, 4, 67).on(Path.PAIRS),
                // More output rows than one band of 2048 floats holds.
                c("bands", k2, "ints", 1, 2, 132, 130).on(Path.PAIRS),
                c("bands, odd width", k2, "zeros", 1, 1, 100, 91).on(Path.PAIRS),
                c("NaN", k2, "specials", 2, 3, 12, 12).on(Path.PAIRS),
                c("NaN, odd width", k2, "specials", 1, 3, 13, 11).on(Path.PAIRS),
                c(
                                "NaN ignored",
                                PoolSpec.max(2, 2)
                                        .stride(2)
                                        .nanPolicy(NanPolicy.IGNORE)
                                        .build(),
                                "specials",
                                1,
                                4,
                                10,
                                20)
                        .on(Path.PAIRS),
                c(
                                "no winner",
                                PoolSpec.max(2, 2)
                                        .stride(2)
                                        .nanPolicy(NanPolicy.IGNORE)
                                        .maxFloor(MaxFloor.LOWEST_FINITE)
                                        .build(),
                                "no-winner",
                                1,
                                3,
                                8,
                                36)
                        .on(Path.PAIRS),
                c("one NaN", k2, "oneNaN", 1, 5, 14, 14).on(Path.PAIRS),
                // Just outside the pairs path: a cut last window, padding, dilation, 3x3 and 1-D windows.
                c("ceil mode", PoolSpec.max(2, 2).stride(2).ceilMode(true).build(), "zeros", 1, 3, 9, 9),
                c("padding", PoolSpec.max(2, 2).stride(2).padding(1).build(), "zeros", 1, 3, 8, 8),
                c("dilation", PoolSpec.max(2, 2).stride(2).dilation(2).build(), "zeros", 1, 3, 9, 9),
                c("k3 s2", PoolSpec.max(3, 3).stride(2).build(), "zeros", 1, 3, 9, 9),
                c("3-D k2 s2", PoolSpec.max(2, 2, 2).stride(2).build(), "zeros", 1, 3, 4, 6, 6),
                c("1-D k2 s2", PoolSpec.max(2).stride(2).build(), "zeros", 1, 3, 20),
                // Two-row windows whose second row is the next depth tap (the unrolled 2 x 2 scan).
                c(
                        "3-D 2x1x2, depth dilation",
                        PoolSpec.max(2, 1, 2).stride(1, 2, 1).dilation(2, 1, 1).build(),
                        "ints",
                        1,
                        3,
                        5,
                        4,
                        6),
                c("3-D 1x2x2", PoolSpec.max(1, 2, 2).stride(1).build(), "zeros", 1, 3, 3, 5, 6),
                c(
                        "k3 s1 p1 (border windows)",
                        PoolSpec.max(3, 3).stride(1).padding(1).build(),
                        "zeros",
                        1,
                        3,
                        7,
                        9));
        // Average backward where windows tile the plane: every input gradient written once, zeros
        // outside the windows (odd widths and heights), k2 by the vector expansion, others scalar.
        PoolSpec a2 = PoolSpec.avg(2, 2).stride(2).build();
        run(
                "cf tiles",
                c("avg k2 s2, 24 wide", a2, "floats", 2, 3, 24, 24),
                c("avg k2 s2, odd sides", a2, "floats", 1, 3, 9, 35),
                c("avg k2 s2, 2x2", a2, "floats", 1, 3, 2, 2),
                c("avg k2 s2, 66 wide", a2, "floats", 1, 2, 6, 66),
                c("avg k3 s3", PoolSpec.avg(3, 3).stride(3).build(), "floats", 1, 3, 10, 11),
                c("avg 2x3 s(2,3)", PoolSpec.avg(2, 3).stride(2, 3).build(), "floats", 1, 3, 7, 20),
                c(
                        "avg k2 s2, divisor override",
                        PoolSpec.avg(2, 2).stride(2).divisorOverride(3).build(),
                        "floats",
                        1,
                        3,
                        8,
                        8),
                // Not tiles: padding, ceil mode, overlapping windows.
                c("avg k2 s2 p1", PoolSpec.avg(2, 2).stride(2).padding(1).build(), "floats", 1, 3, 8, 8),
                c("avg k2 s2 ceil", PoolSpec.avg(2, 2).stride(2).ceilMode(true).build(), "floats", 1, 3, 9, 9),
                c("avg k3 s2", PoolSpec.avg(3, 3).stride(2).build(), "floats", 1, 3, 9, 9));
        Case split = c("k2 s2, threads", k2, "zeros", 2, 64, 64, 64);
        Geometry g = Pooling.geometry(split.spec, Tensor.zeros(split.shape));
        assertTrue(
                4L * (g.inputElements() + g.outputElements()) >= Parallel.WORK_THRESHOLD_BYTES, "below the threshold");
        run("cf pairs threads", THREADS, split.on(Path.PAIRS));
    }

    // =============================================================================================
    // Channels-first: the flat path
    // =============================================================================================

    @Test
    void channelsFirstFlatMax() {
        run(
                "cf flat max",
                // Narrow planes filling whole chunks: the chunk buffer is used to its end.
                c(
                                "flat, full chunks of narrow planes",
                                PoolSpec.max(2, 2).stride(2).build(),
                                "ints",
                                3,
                                97,
                                14,
                                14)
                        .on(Path.FLAT),
                // The squeezed problem's windows reach past its buffer row: it runs on rows a whole input row wide.
                c(
                                "flat, width 1, windows past a buffer row",
                                PoolSpec.max(3, 1).stride(1).build(),
                                "zeros",
                                1,
                                2,
                                10,
                                1)
                        .on(Path.FLAT),
                // ow * stride != iw with one output row per chunk: each chunk's vertical pass fills the buffer anew.
                c(
                                "flat, odd width, a row per chunk",
                                PoolSpec.max(3, 3).stride(2).padding(1).build(),
                                "ints",
                                1,
                                1,
                                4,
                                4501)
                        .on(Path.FLAT),
                // Buffer rows as far apart as input rows (ow * stride = iw), windows stepping two rows.
                c("flat, k2 s2", PoolSpec.max(2, 2).stride(2).build(), "zeros", 1, 3, 6, 10)
                        .on(Path.FLAT),
                // Stride-1 vertical windows: runs of rows in one vertical pass; fix-ups on both sides.
                c("flat, k3 s1 p1", PoolSpec.max(3, 3).stride(1).padding(1).build(), "zeros", 2, 2, 7, 12)
                        .on(Path.FLAT),
                c(
                        "flat, k3 s1 p1 specials",
                        PoolSpec.max(3, 3).stride(1).padding(1).build(),
                        "specials",
                        1,
                        2,
                        6,
                        9),
                // ow * stride != iw: one vertical call per plane's rows.
                c(
                                "flat, k3 s2 p1, odd width",
                                PoolSpec.max(3, 3).stride(2).padding(1).build(),
                                "zeros",
                                2,
                                2,
                                7,
                                21)
                        .on(Path.FLAT),
                c("flat, ceil mode", PoolSpec.max(2, 2).stride(2).ceilMode(true).build(), "zeros", 1, 3, 7, 11),
                c(
                        "flat, dilated",
                        PoolSpec.max(3, 3).stride(1).dilation(2).padding(2).build(),
                        "zeros",
                        1,
                        2,
                        8,
                        13),
                c(
                        "flat, k5 s3 p2 ceil",
                        PoolSpec.max(5, 5).stride(3).padding(2).ceilMode(true).build(),
                        "specials",
                        1,
                        2,
                        11,
                        14),
                // One input row per output row: the input itself is the buffer, 1D and 2D.
                c("flat direct 1D", PoolSpec.max(4).stride(4).build(), "zeros", 2, 3, 24)
                        .on(Path.DIRECT),
                c("flat direct 2D", PoolSpec.max(1, 2).stride(1, 2).build(), "zeros", 2, 3, 5, 16)
                        .on(Path.DIRECT),
                c("flat direct, chunks", PoolSpec.max(2).stride(2).build(), "zeros", 1, 3, 4200),
                // More output rows than one chunk of FLAT_CHUNK floats: a plane split across chunks.
                c("flat, chunks", PoolSpec.max(2, 2).stride(2).build(), "zeros", 1, 12, 20, 40)
                        .on(Path.FLAT),
                c(
                        "flat, chunk of one row",
                        PoolSpec.max(3, 3).stride(1).padding(1).build(),
                        "zeros",
                        1,
                        2,
                        4,
                        4500),
                // A trivial last axis: the problem one rank lower.
                c("flat, width 1", PoolSpec.max(4, 1).stride(4, 1).build(), "zeros", 2, 3, 16, 1)
                        .on(Path.DIRECT),
                c("flat 3D", PoolSpec.max(2, 2, 2).stride(2).build(), "zeros", 1, 2, 4, 6, 8)
                        .on(Path.FLAT),
                c("flat 3D k3 p1", PoolSpec.max(3, 3, 3).stride(1).padding(1).build(), "zeros", 1, 2, 3, 4, 6));
    }

    @Test
    void channelsFirstFlatAverage() {
        run(
                "cf flat avg",
                c(
                                "flat avg, width 1, windows past a buffer row",
                                PoolSpec.avg(3, 1).stride(1).build(),
                                "floats",
                                1,
                                2,
                                10,
                                1)
                        .on(Path.FLAT),
                c("flat avg direct, chunks", PoolSpec.avg(2).stride(2).build(), "floats", 1, 3, 4200),
                // Divisors that differ from row to row, with a chunk that starts inside a plane.
                c(
                                "flat avg exclude pad, chunks",
                                PoolSpec.avg(3, 3)
                                        .stride(2)
                                        .padding(1)
                                        .countIncludePad(false)
                                        .build(),
                                "floats",
                                1,
                                12,
                                20,
                                40)
                        .on(Path.FLAT),
                c("flat avg, k3 s1 p1", PoolSpec.avg(3, 3).stride(1).padding(1).build(), "floats", 2, 2, 7, 12)
                        .on(Path.FLAT),
                c(
                        "flat avg exclude pad",
                        PoolSpec.avg(3, 3)
                                .stride(1)
                                .padding(1)
                                .countIncludePad(false)
                                .build(),
                        "floats",
                        1,
                        3,
                        6,
                        9),
                c("flat avg, k2 s2", PoolSpec.avg(2, 2).stride(2).build(), "floats", 1, 3, 6, 10)
                        .on(Path.FLAT),
                c("flat avg, k3 s2 p1", PoolSpec.avg(3, 3).stride(2).padding(1).build(), "floats", 2, 2, 7, 21),
                c(
                        "flat avg, divisor override",
                        PoolSpec.avg(3, 3)
                                .stride(2)
                                .padding(1)
                                .divisorOverride(7)
                                .build(),
                        "floats",
                        1,
                        2,
                        7,
                        13),
                c(
                        "flat avg, ceil",
                        PoolSpec.avg(3, 3)
                                .stride(2)
                                .padding(1)
                                .ceilMode(true)
                                .countIncludePad(false)
                                .build(),
                        "floats",
                        1,
                        2,
                        8,
                        16),
                c("flat avg direct 1D", PoolSpec.avg(2).stride(2).build(), "floats", 2, 3, 20)
                        .on(Path.DIRECT),
                c("flat avg, chunks", PoolSpec.avg(2, 2).stride(2).build(), "floats", 1, 12, 20, 40)
                        .on(Path.FLAT),
                c(
                        "flat avg, width 1",
                        PoolSpec.avg(3, 1).stride(1).padding(1, 0).build(),
                        "floats",
                        2,
                        3,
                        15,
                        1),
                c("flat avg 3D", PoolSpec.avg(3, 3, 3).stride(2).padding(1).build(), "floats", 1, 2, 5, 6, 7)
                        .on(Path.FLAT),
                // Average backward by transposed windows: stride 1, several groups of planes.
                c(
                        "flat avg backward, groups",
                        PoolSpec.avg(3, 3).stride(1).padding(1).build(),
                        "floats",
                        3,
                        16,
                        22,
                        22),
                c(
                        "flat avg backward dilated",
                        PoolSpec.avg(3, 3).stride(1).padding(1).dilation(2).build(),
                        "floats",
                        1,
                        2,
                        9,
                        15));
    }

    @Test
    void channelsFirstDepthFirst() {
        // 3-D max with depth kernel above the depth stride: depth slices reduced first, then the 2-D
        // flat path; zero maxima scanned again in (depth, height, width) order. Depth padding (fewer
        // taps at the ends, and one tap), dilation, ceil mode, NaN and signed zeros, and slices whose
        // 2-D problem takes the flat path's fix-ups or reads its rows directly.
        PoolSpec k3 = PoolSpec.max(3, 3, 3).stride(1).padding(1).build();
        run(
                "cf depth first",
                c("k3 s1 p1, zeros", k3, "zeros", 1, 3, 6, 7, 9).on(Path.DEPTH),
                c("k3 s1 p1, NaN", k3, "specials", 2, 2, 5, 9, 17).on(Path.DEPTH),
                c(
                                "k3 s2 in depth, s1 elsewhere",
                                PoolSpec.max(3, 2, 2).stride(2, 1, 1).build(),
                                "ints",
                                1,
                                2,
                                9,
                                8,
                                33)
                        .on(Path.DEPTH),
                c(
                                "k2 s1 dilated depth, ceil",
                                PoolSpec.max(2, 3, 3)
                                        .stride(1, 2, 2)
                                        .dilation(2, 1, 1)
                                        .ceilMode(true)
                                        .build(),
                                "zeros",
                                1,
                                3,
                                7,
                                10,
                                19)
                        .on(Path.DEPTH),
                // 20 output slices of 64 x 64: two groups of depth-reduced slices per plane.
                c("k3 s1 p1, two groups", k3, "zeros", 1, 2, 20, 64, 64).on(Path.DEPTH),
                c("k3 s1, one-wide rows", PoolSpec.max(3, 1, 1).stride(1).build(), "floats", 1, 2, 6, 40, 1)
                        .on(Path.ANY),
                // Depth stride equal to the kernel: the flat path over 3-D row tables, as before.
                c("k2 s2", PoolSpec.max(2, 2, 2).stride(2).build(), "zeros", 1, 2, 6, 8, 18)
                        .on(Path.FLAT));
    }

    @Test
    void channelsFirstFlatRowTableLimit() {
        // Output rows times taps per window's rows: 1024 * 1024, the largest row table the flat path
        // builds, and 1026 * 1024, one the row path runs instead.
        run(
                "cf flat table",
                c("flat, table at the limit", PoolSpec.max(1024, 1).stride(1).build(), "ints", 1, 1, 2047, 2)
                        .on(Path.FLAT),
                c("flat, table past the limit", PoolSpec.max(1024, 1).stride(1).build(), "ints", 1, 1, 2049, 2)
                        .on(Path.ROWS));
    }

    // =============================================================================================
    // Channels-first backward
    // =============================================================================================

    @Test
    void channelsFirstBackward() {
        run(
                "cf backward",
                // Max backward from a byte argmax, from a wider argmax (more than 256 taps), with empty
                // windows, and for adaptive windows (no fixed tap offsets).
                c("max k3 s2 p1", PoolSpec.max(3, 3).stride(2).padding(1).build(), "zeros", 2, 2, 7, 9),
                c("max k17, two-byte argmax", PoolSpec.max(17, 17).stride(3).build(), "ints", 1, 2, 20, 20),
                c(
                        "max, empty windows",
                        PoolSpec.max(2, 3)
                                .stride(1)
                                .dilation(1, 2)
                                .padding(0, 4)
                                .build(),
                        "ints",
                        1,
                        3,
                        4,
                        1),
                c("adaptive max", PoolSpec.adaptiveMax(3, 4).build(), "ints", 1, 2, 7, 10),
                c("global max", PoolSpec.globalMax(2).build(), "ints", 2, 2, 3, 3),
                // Average backward: strided windows (the scatter path), empty windows and rows, adaptive.
                c("avg k3 s2 p1", PoolSpec.avg(3, 3).stride(2).padding(1).build(), "floats", 2, 2, 7, 40),
                c(
                        "avg k2 s2, narrow",
                        PoolSpec.avg(2, 2).stride(2).countIncludePad(false).build(),
                        "floats",
                        1,
                        2,
                        6,
                        9),
                c(
                        "avg, empty rows",
                        PoolSpec.avg(3, 3)
                                .stride(1)
                                .dilation(2, 1)
                                .padding(4, 1)
                                .build(),
                        "floats",
                        1,
                        2,
                        1,
                        12),
                c(
                        "avg, empty columns",
                        PoolSpec.avg(2, 2)
                                .stride(1)
                                .dilation(1, 40)
                                .padding(0, 39)
                                .build(),
                        "floats",
                        1,
                        2,
                        3,
                        33),
                c("adaptive avg", PoolSpec.adaptiveAvg(3, 4).build(), "floats", 1, 2, 7, 10),
                c("global avg", PoolSpec.globalAvg(2).build(), "floats", 1, 2, 3, 5));
    }

    // =============================================================================================
    // Channels-last
    // =============================================================================================

    @Test
    void channelsLastRows() {
        run(
                "cl rows",
                // One window wider than a column block: the row buffer grows to the window.
                c(
                        "max, a window wider than a block",
                        PoolSpec.max(2, 200).stride(1, 50).build(),
                        "zeros",
                        1,
                        17,
                        3,
                        250),
                c(
                        "avg, a window wider than a block",
                        PoolSpec.avg(2, 200).stride(1, 50).build(),
                        "floats",
                        1,
                        17,
                        3,
                        250),
                // One input row per window: read from the input itself.
                c("max 1D", PoolSpec.max(3).stride(2).padding(1).build(), "zeros", 2, 5, 11),
                c("avg 1D", PoolSpec.avg(3).stride(2).padding(1).build(), "floats", 2, 5, 11),
                // Several rows: reduced into the row buffer first.
                c("max 2D", PoolSpec.max(3, 3).stride(2).padding(1).build(), "zeros", 1, 7, 6, 9),
                c(
                        "avg 2D",
                        PoolSpec.avg(2, 3).stride(1, 2).countIncludePad(false).build(),
                        "floats",
                        1,
                        7,
                        5,
                        9),
                // From the floor: NaN ignored, or the lowest-finite floor.
                c(
                        "max nan ignore",
                        PoolSpec.max(3, 2)
                                .stride(1, 2)
                                .nanPolicy(NanPolicy.IGNORE)
                                .build(),
                        "specials",
                        1,
                        5,
                        4,
                        9),
                c(
                        "max nan ignore 1D",
                        PoolSpec.max(3).stride(2).nanPolicy(NanPolicy.IGNORE).build(),
                        "specials",
                        1,
                        5,
                        11),
                c(
                        "max lowest-finite floor",
                        PoolSpec.max(2, 2)
                                .stride(1)
                                .padding(1)
                                .maxFloor(MaxFloor.LOWEST_FINITE)
                                .build(),
                        "no-winner",
                        1,
                        5,
                        4,
                        5),
                // Empty windows: whole output rows, and single columns.
                c(
                        "max, empty rows and columns",
                        PoolSpec.max(3, 3).stride(1).dilation(3).padding(6).build(),
                        "zeros",
                        1,
                        5,
                        2,
                        2),
                c(
                        "avg, empty rows and columns",
                        PoolSpec.avg(3, 3)
                                .stride(1)
                                .dilation(3)
                                .padding(6)
                                .countIncludePad(false)
                                .build(),
                        "floats",
                        1,
                        5,
                        2,
                        2),
                c(
                        "max nan ignore, empty columns",
                        PoolSpec.max(2, 3)
                                .stride(1)
                                .dilation(1, 40)
                                .padding(0, 39)
                                .nanPolicy(NanPolicy.IGNORE)
                                .build(),
                        "specials",
                        1,
                        3,
                        3,
                        33),
                // Rows longer than BLOCK_FLOATS: several column blocks, with dilation and padding.
                c(
                        "max, column blocks",
                        PoolSpec.max(2, 3).stride(1, 2).padding(0, 1).build(),
                        "zeros",
                        1,
                        17,
                        3,
                        150),
                c(
                        "avg, column blocks, dilated",
                        PoolSpec.avg(2, 3)
                                .stride(1, 2)
                                .dilation(1, 3)
                                .padding(0, 3)
                                .build(),
                        "floats",
                        1,
                        17,
                        3,
                        150),
                c(
                        "max, column blocks, one row",
                        PoolSpec.max(1, 3)
                                .stride(1, 2)
                                .padding(0, 1)
                                .nanPolicy(NanPolicy.IGNORE)
                                .build(),
                        "specials",
                        1,
                        17,
                        2,
                        150),
                c("adaptive max", PoolSpec.adaptiveMax(3, 4).build(), "zeros", 1, 5, 7, 9),
                c("adaptive avg", PoolSpec.adaptiveAvg(3, 4).build(), "floats", 1, 5, 7, 9),
                c("global max", PoolSpec.globalMax(2).build(), "zeros", 2, 5, 3, 4),
                c("global avg", PoolSpec.globalAvg(2).build(), "floats", 2, 5, 3, 4),
                c(
                        "max 3D",
                        PoolSpec.max(2, 2, 2).stride(1, 2, 2).padding(0, 1, 1).build(),
                        "zeros",
                        1,
                        5,
                        3,
                        4,
                        5));
    }

    @Test
    void channelsLastPositions() {
        run(
                "cl positions",
                // Windows cut by padding where no tap beats the floor: the winner is the first valid tap.
                c(
                        "max nan ignore, no winner, cut windows",
                        PoolSpec.max(3, 3)
                                .stride(1)
                                .padding(1)
                                .nanPolicy(NanPolicy.IGNORE)
                                .build(),
                        "no-winner",
                        1,
                        3,
                        4,
                        5),
                // Lp: per output position; norm mode with padding and empty windows, PyTorch mode.
                c("lp 2", PoolSpec.lp(2, 3, 3).stride(2).padding(1).build(), "floats", 1, 5, 6, 9),
                c("lp 1", PoolSpec.lp(1, 2).stride(1).build(), "floats", 2, 3, 7),
                c("lp 3 3D", PoolSpec.lp(3, 2, 2, 2).stride(1, 2, 2).build(), "floats", 1, 3, 3, 4, 5),
                c(
                        "lp torch",
                        PoolSpec.lp(2, 2, 3)
                                .stride(2)
                                .lpMode(LpMode.PYTORCH)
                                .ceilMode(true)
                                .build(),
                        "floats",
                        1,
                        5,
                        5,
                        9),
                c(
                        "lp, empty windows",
                        PoolSpec.lp(2, 3, 3).stride(1).dilation(3).padding(6).build(),
                        "floats",
                        1,
                        3,
                        2,
                        2),
                c("global lp", PoolSpec.globalLp(2, 2).build(), "floats", 2, 5, 3, 4),
                // Max with indices and compact argmax: empty windows with either floor.
                c(
                        "max indices, empty windows",
                        PoolSpec.max(3, 3).stride(1).dilation(3).padding(6).build(),
                        "zeros",
                        1,
                        5,
                        2,
                        2),
                c(
                        "max indices, lowest-finite, empty windows",
                        PoolSpec.max(3, 3)
                                .stride(1)
                                .dilation(3)
                                .padding(6)
                                .maxFloor(MaxFloor.LOWEST_FINITE)
                                .build(),
                        "no-winner",
                        1,
                        5,
                        2,
                        2),
                c(
                        "max indices nan ignore",
                        PoolSpec.max(3, 3)
                                .stride(2)
                                .padding(1)
                                .nanPolicy(NanPolicy.IGNORE)
                                .build(),
                        "specials",
                        1,
                        5,
                        5,
                        7),
                c("max indices, ties", PoolSpec.max(3, 3).stride(1).padding(1).build(), "ints", 1, 7, 5, 6));
    }

    @Test
    void channelsLastBackward() {
        run(
                "cl backward",
                c("max k3 s1 p1", PoolSpec.max(3, 3).stride(1).padding(1).build(), "zeros", 2, 5, 5, 6),
                c(
                        "max, empty windows",
                        PoolSpec.max(3, 3).stride(1).dilation(3).padding(6).build(),
                        "ints",
                        2,
                        3,
                        2,
                        2),
                c(
                        "max lowest-finite",
                        PoolSpec.max(2, 2)
                                .stride(1)
                                .padding(1)
                                .maxFloor(MaxFloor.LOWEST_FINITE)
                                .build(),
                        "no-winner",
                        2,
                        5,
                        3,
                        4),
                c("adaptive max", PoolSpec.adaptiveMax(2, 3).build(), "ints", 2, 3, 5, 7),
                c("avg k3 s2 p1", PoolSpec.avg(3, 3).stride(2).padding(1).build(), "floats", 2, 5, 5, 7),
                c(
                        "avg, empty windows",
                        PoolSpec.avg(3, 3)
                                .stride(1)
                                .dilation(3)
                                .padding(6)
                                .countIncludePad(false)
                                .build(),
                        "floats",
                        2,
                        3,
                        2,
                        2),
                c("avg 3D", PoolSpec.avg(2, 2, 2).stride(1).build(), "floats", 2, 3, 3, 3, 4));
    }

    // =============================================================================================
    // Work split across threads
    // =============================================================================================

    @Test
    void workSplitAcrossThreads() {
        // Each problem moves at least Parallel.WORK_THRESHOLD_BYTES, so calls with THREADS threads split it.
        Case[] cases = {
            c("max k3 s2 p1", PoolSpec.max(3, 3).stride(2).padding(1).build(), "ints", 2, 8, 64, 64),
            // Input alone below the threshold, input and output above it.
            c("max k2 s2", PoolSpec.max(2, 2).stride(2).build(), "ints", 2, 8, 60, 62),
            c("adaptive max", PoolSpec.adaptiveMax(20, 20).build(), "ints", 2, 8, 64, 64),
            c(
                    "max nan ignore",
                    PoolSpec.max(2, 2).stride(2).nanPolicy(NanPolicy.IGNORE).build(),
                    "specials",
                    2,
                    8,
                    64,
                    64),
            c("avg k3 s1 p1", PoolSpec.avg(3, 3).stride(1).padding(1).build(), "floats", 2, 8, 64, 64),
            c("avg k2 s2", PoolSpec.avg(2, 2).stride(2).build(), "floats", 2, 8, 64, 64),
            c("global max", PoolSpec.globalMax(2).build(), "ints", 2, 8, 64, 64),
            c("lp", PoolSpec.lp(2, 3, 2).stride(2).build(), "floats", 2, 8, 64, 64),
        };
        for (Case k : cases) {
            Geometry g = Pooling.geometry(k.spec, Tensor.zeros(k.shape));
            assertTrue(
                    4L * (g.inputElements() + g.outputElements()) >= Parallel.WORK_THRESHOLD_BYTES,
                    k.what + " is below the work threshold");
        }
        run("threads", THREADS, cases);
    }

    // =============================================================================================
    // Running one group
    // =============================================================================================

    /**
     * The forward path of the channels-first kernel a case is written for, checked through the
     * row operations it calls ({@link EdgeRowOps}): the results are the same on every path, so
     * without the check a case could drift off its path unnoticed.
     */
    enum Path {
        /** Not checked. */
        ANY,
        /** The flat path with its vertical pass into a chunk buffer. */
        FLAT,
        /** The flat path reading the input rows themselves (no vertical pass). */
        DIRECT,
        /** The row path: one output row at a time. */
        ROWS,
        /** The blocked path: 16 planes interleaved into one block. */
        BLOCKED,
        /**
         * Forward with indices (and the compact argmax) on the pairs path of 2 x 2 stride-2 windows;
         * the plain forward's path is not checked.
         */
        PAIRS,
        /** Global average of planes short enough to be summed as runs by one {@link RowOps#sumRuns} call. */
        RUNS,
        /**
         * Max with indices, with the compact argmax and the recomputed backward scan their whole windows
         * a row at a time ({@link RowOps#windowArgmax}); the plain forward's path is not checked.
         */
        SCANS,
        /**
         * 3-D max whose windows overlap in depth: each output slice's depth taps reduced into one slice
         * ({@link RowOps#max2} over whole slices), then the 2-D problem on it.
         */
        DEPTH
    }

    /** One case: a spec and a batched channels-first input shape, with the kind of values it gets. */
    static final class Case {
        final String what;
        final PoolSpec spec;
        final String mode;
        final int[] shape;
        final Path path;

        Case(String what, PoolSpec spec, String mode, int[] shape, Path path) {
            this.what = what;
            this.spec = spec;
            this.mode = mode;
            this.shape = shape;
            this.path = path;
        }

        /** This case, written for {@code p}. */
        Case on(Path p) {
            return new Case(what, spec, mode, shape, p);
        }
    }

    private static Case c(String what, PoolSpec spec, String mode, int n, int ch, int... spatial) {
        int[] shape = new int[spatial.length + 2];
        shape[0] = n;
        shape[1] = ch;
        System.arraycopy(spatial, 0, shape, 2, spatial.length);
        return new Case(what, spec, mode, shape, Path.ANY);
    }

    private static void run(String group, Case... cases) {
        run(group, 1, cases);
    }

    /**
     * Compares every fast kernel with the reference on each case, both layouts; fails with every
     * difference found. Each case must be taken, forward, by at least one fast kernel of each layout.
     */
    private static void run(String group, int threads, Case... cases) {
        List<String> failures = new ArrayList<>();
        boolean monitored = PoolMonitor.isEnabled();
        if (threads > 1) PoolMonitor.enable();
        try {
            runCases(group, threads, failures, cases);
        } finally {
            if (threads > 1) {
                PoolMonitor.reset();
                if (!monitored) PoolMonitor.disable();
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " comparisons failed:\n  " + String.join("\n  ", failures));
        }
    }

    private static void runCases(String group, int threads, List<String> failures, Case... cases) {
        long groupSeed = FastKernelsTest.mix(SEED, group.hashCode());
        SplittableRandom master = new SplittableRandom(groupSeed);
        for (Case k : cases) {
            long caseSeed = master.nextLong();
            SplittableRandom rnd = new SplittableRandom(caseSeed);
            String label = group + ": " + k.what + ": " + FastKernelsTest.describe(k.spec) + " x"
                    + Arrays.toString(k.shape) + " values=" + k.mode + " threads=" + threads + " (seed " + SEED
                    + ", caseSeed " + caseSeed + ")";
            FastKernelsTest.Problem p =
                    new FastKernelsTest.Problem(label, k.spec, values(rnd, k.mode, k.shape), true, rnd);
            compare(p, k.path, threads, failures);
        }
    }

    private static void compare(FastKernelsTest.Problem p, Path path, int threads, List<String> failures) {
        FastKernelsTest.Expected e = FastKernelsTest.expected(p);
        PoolSpec spec = p.spec;
        boolean max = spec.op().isMaxType();
        boolean compact = max && spec.maxFloor() == MaxFloor.NEGATIVE_INFINITY;
        int r = spec.rank();
        for (Layout layout : Layout.values()) {
            Tensor x = FastKernelsTest.toLayout(p.x, layout, true);
            Geometry g = Pooling.geometry(spec, x);
            Tensor y = FastKernelsTest.toLayout(e.y, layout, true);
            Tensor gradOut = FastKernelsTest.toLayout(e.gradOut, layout, true);
            LongTensor indices = e.indices == null ? null : e.indices.toLayout(layout, true);
            Tensor gradIdx =
                    e.gradWithIndices == null ? null : FastKernelsTest.toLayout(e.gradWithIndices, layout, true);
            Tensor gradRe = e.gradRecomputed == null ? null : FastKernelsTest.toLayout(e.gradRecomputed, layout, true);
            int forwards = 0;
            for (PoolKernel k : FastKernelsTest.fastKernels()) {
                if (k.declines(g, false) != null) continue;
                boolean bwd = k.declines(g, true) == null && gradRe != null;
                String ctx = p.label + ", " + layout + ", kernel " + k.name() + ": ";
                System.setProperty(Kernels.FORCE_PROPERTY, k.name());
                System.setProperty(Kernels.FORCE_BACKWARD_PROPERTY, k.name());
                try {
                    Tensor out = FastKernelsTest.filled(y.shape(), layout, UNWRITTEN);
                    assertEquals(
                            k.name(),
                            call(() -> Pooling.forwardInto(spec, x, out, threads), threads, ctx + "forward ", failures),
                            ctx + "kernel that ran");
                    forwards++;
                    note(
                            failures,
                            ctx + "forward ",
                            max
                                    ? FastKernelsTest.diffExact(y, out, layout, r)
                                    : FastKernelsTest.diffClose(y, out, layout, r));
                    if (max) {
                        Tensor o2 = FastKernelsTest.filled(y.shape(), layout, UNWRITTEN);
                        long[] idx = new long[y.size()];
                        Arrays.fill(idx, Long.MIN_VALUE);
                        LongTensor got = new LongTensor(idx, y.shape(), layout);
                        assertEquals(
                                k.name(),
                                call(
                                        () -> Pooling.forwardInto(spec, x, o2, got, threads),
                                        threads,
                                        ctx + "forward with indices ",
                                        failures),
                                ctx + "kernel that ran");
                        note(
                                failures,
                                ctx + "forward with indices: values ",
                                FastKernelsTest.diffExact(y, o2, layout, r));
                        note(failures, ctx, FastKernelsTest.diffIndices(indices, got, "indices", r));
                    }
                    if (compact) {
                        Tensor o3 = FastKernelsTest.filled(y.shape(), layout, UNWRITTEN);
                        Argmax a = call(
                                () -> Pooling.forwardArgmax(spec, x, o3, threads),
                                threads,
                                ctx + "argmax forward ",
                                failures);
                        note(failures, ctx + "argmax forward: values ", FastKernelsTest.diffExact(y, o3, layout, r));
                        note(
                                failures,
                                ctx,
                                FastKernelsTest.diffIndices(indices, a.toIndices(), "argmax.toIndices()", r));
                        if (bwd) {
                            Tensor gi = FastKernelsTest.filled(x.shape(), layout, UNWRITTEN);
                            assertEquals(
                                    k.name(),
                                    call(
                                            () -> Pooling.backwardInto(a, gradOut, gi, threads),
                                            threads,
                                            ctx + "argmax backward ",
                                            failures),
                                    ctx + "kernel that ran");
                            note(failures, ctx + "argmax backward ", FastKernelsTest.diffExact(gradIdx, gi, layout, r));
                        }
                    }
                    if (bwd && max) {
                        Tensor gi = FastKernelsTest.filled(x.shape(), layout, UNWRITTEN);
                        assertEquals(
                                k.name(),
                                call(
                                        () -> Pooling.backwardInto(spec, x, gradOut, indices, gi, threads),
                                        threads,
                                        ctx + "backward (indices) ",
                                        failures),
                                ctx + "kernel that ran");
                        note(failures, ctx + "backward (indices) ", FastKernelsTest.diffExact(gradIdx, gi, layout, r));
                        Tensor gr = FastKernelsTest.filled(x.shape(), layout, UNWRITTEN);
                        assertEquals(
                                k.name(),
                                call(
                                        () -> Pooling.backwardInto(spec, x, gradOut, null, gr, threads),
                                        threads,
                                        ctx + "backward (recomputed) ",
                                        failures),
                                ctx + "kernel that ran");
                        note(
                                failures,
                                ctx + "backward (recomputed) ",
                                FastKernelsTest.diffExact(gradRe, gr, layout, r));
                    } else if (bwd) {
                        Tensor gi = FastKernelsTest.filled(x.shape(), layout, UNWRITTEN);
                        assertEquals(
                                k.name(),
                                call(
                                        () -> Pooling.backwardInto(spec, x, gradOut, null, gi, threads),
                                        threads,
                                        ctx + "backward ",
                                        failures),
                                ctx + "kernel that ran");
                        note(failures, ctx + "backward ", FastKernelsTest.diffClose(gradRe, gi, layout, r));
                    }
                } catch (RuntimeException ex) {
                    failures.add(ctx + "threw " + ex);
                } finally {
                    System.clearProperty(Kernels.FORCE_PROPERTY);
                    System.clearProperty(Kernels.FORCE_BACKWARD_PROPERTY);
                }
            }
            if (forwards == 0) failures.add(p.label + ", " + layout + ": no fast kernel took the case");
            FastKernel edge = layout == Layout.CHANNELS_FIRST ? EDGE_CF : EDGE_CL;
            if (edge.declines(g, false) == null) {
                Expected want = new Expected(y, indices, gradOut, gradIdx, gradRe);
                try {
                    String ctx = p.label + ", " + layout + ", kernel " + edge.name() + ": ";
                    Path expect = layout == Layout.CHANNELS_FIRST ? path : Path.ANY;
                    Runnable body = () -> direct(edge, g, x, want, expect, threads, ctx, failures);
                    if (threads == 1) inFreshThread(body);
                    else body.run();
                } catch (RuntimeException ex) {
                    failures.add(p.label + ", " + layout + ", kernel " + edge.name() + ": threw " + ex);
                }
            }
        }
    }

    /** The reference's results of one case in one layout. */
    private static final class Expected {
        final Tensor y;
        final LongTensor indices;
        final Tensor gradOut;
        final Tensor gradIdx;
        final Tensor gradRe;

        Expected(Tensor y, LongTensor indices, Tensor gradOut, Tensor gradIdx, Tensor gradRe) {
            this.y = y;
            this.indices = indices;
            this.gradOut = gradOut;
            this.gradIdx = gradIdx;
            this.gradRe = gradRe;
        }
    }

    /**
     * Runs {@code body} in a new thread, whose scratch arrays are then exactly as long as the kernel
     * asks: a request too short for what the kernel and its row operations write fails at once
     * instead of hiding behind a longer array left by an earlier call.
     */
    private static void inFreshThread(Runnable body) {
        Throwable[] thrown = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable ex) {
                thrown[0] = ex;
            }
        });
        t.start();
        try {
            t.join();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
        if (thrown[0] instanceof RuntimeException) throw (RuntimeException) thrown[0];
        if (thrown[0] instanceof Error) throw (Error) thrown[0];
    }

    /**
     * Every direction of kernel {@code k}, called directly (it is not in the dispatcher's list); the
     * forward call must take {@code path}.
     */
    private static void direct(
            FastKernel k, Geometry g, Tensor x, Expected e, Path path, int threads, String ctx, List<String> failures) {
        PoolSpec spec = g.spec();
        boolean max = spec.op().isMaxType();
        int r = spec.rank();
        Layout layout = g.layout();
        Tensor out = FastKernelsTest.filled(e.y.shape(), layout, UNWRITTEN);
        EdgeRowOps spy = (EdgeRowOps) k.ops;
        spy.reset();
        k.forward(g, x.data(), out.data(), null, null, threads);
        if (path == Path.RUNS) {
            if (layout == Layout.CHANNELS_FIRST && spy.sumRunsCalls.get() == 0) {
                failures.add(ctx + "global average should sum its planes as runs, but made no sumRuns call");
            }
        } else if (path == Path.DEPTH) {
            int slice = g.inSize(1) * g.inSize(2);
            if (layout == Layout.CHANNELS_FIRST && spy.longestMax2.get() < slice) {
                failures.add(ctx + "3-D max should reduce whole depth slices of " + slice + " floats first, but its"
                        + " longest max2 took " + spy.longestMax2.get());
            }
        } else if (path != Path.SCANS) {
            note(failures, ctx, spy.pathDiffers(path, g.outSize(g.rank() - 1)));
        }
        note(
                failures,
                ctx + "forward ",
                max ? FastKernelsTest.diffExact(e.y, out, layout, r) : FastKernelsTest.diffClose(e.y, out, layout, r));
        boolean bwd = k.declines(g, true) == null && e.gradRe != null;
        if (max) {
            Tensor o2 = FastKernelsTest.filled(e.y.shape(), layout, UNWRITTEN);
            long[] idx = new long[e.y.size()];
            Arrays.fill(idx, Long.MIN_VALUE);
            spy.reset();
            k.forward(g, x.data(), o2.data(), idx, null, threads);
            if (path == Path.PAIRS && layout == Layout.CHANNELS_FIRST && spy.pairCalls.get() == 0) {
                failures.add(ctx + "forward with indices should take the pairs path, but made no pair scans");
            }
            scans(spy, failures, ctx + "forward with indices", path, layout);
            note(failures, ctx + "forward with indices: values ", FastKernelsTest.diffExact(e.y, o2, layout, r));
            note(
                    failures,
                    ctx,
                    FastKernelsTest.diffIndices(e.indices, new LongTensor(idx, e.y.shape(), layout), "indices", r));
            if (spec.maxFloor() == MaxFloor.NEGATIVE_INFINITY) {
                Tensor o3 = FastKernelsTest.filled(e.y.shape(), layout, UNWRITTEN);
                Argmax a = new Argmax(g);
                spy.reset();
                k.forwardArgmax(g, x.data(), o3.data(), a, threads);
                scans(spy, failures, ctx + "argmax forward", path, layout);
                note(failures, ctx + "argmax forward: values ", FastKernelsTest.diffExact(e.y, o3, layout, r));
                note(failures, ctx, FastKernelsTest.diffIndices(e.indices, a.toIndices(), "argmax.toIndices()", r));
                if (bwd) {
                    Tensor gi = FastKernelsTest.filled(x.shape(), layout, UNWRITTEN);
                    k.backwardArgmax(g, e.gradOut.data(), a, gi.data(), threads);
                    note(failures, ctx + "argmax backward ", FastKernelsTest.diffExact(e.gradIdx, gi, layout, r));
                }
            }
            if (bwd) {
                Tensor gi = FastKernelsTest.filled(x.shape(), layout, UNWRITTEN);
                k.backward(g, x.data(), e.gradOut.data(), e.indices.data(), null, gi.data(), threads);
                note(failures, ctx + "backward (indices) ", FastKernelsTest.diffExact(e.gradIdx, gi, layout, r));
                Tensor gr = FastKernelsTest.filled(x.shape(), layout, UNWRITTEN);
                spy.reset();
                k.backward(g, x.data(), e.gradOut.data(), null, null, gr.data(), threads);
                scans(spy, failures, ctx + "recomputed backward", path, layout);
                note(failures, ctx + "backward (recomputed) ", FastKernelsTest.diffExact(e.gradRe, gr, layout, r));
            }
        } else if (bwd) {
            Tensor gi = FastKernelsTest.filled(x.shape(), layout, UNWRITTEN);
            k.backward(g, x.data(), e.gradOut.data(), null, null, gi.data(), threads);
            note(failures, ctx + "backward ", FastKernelsTest.diffClose(e.gradRe, gi, layout, r));
        }
    }

    /** Notes a failure when a {@link Path#SCANS} case made no {@link RowOps#windowArgmax} call since the reset. */
    private static void scans(EdgeRowOps spy, List<String> failures, String ctx, Path path, Layout layout) {
        if (path == Path.SCANS && layout == Layout.CHANNELS_FIRST && spy.argmaxCalls.get() == 0) {
            failures.add(ctx + " should scan whole windows by rows, but made no windowArgmax call");
        }
    }

    // =============================================================================================
    // Row operations at the edge of their contract
    // =============================================================================================

    private static final FastKernel EDGE_CF = new ChannelsFirstKernel(new EdgeRowOps());
    private static final FastKernel EDGE_CL = new ChannelsLastKernel(new EdgeRowOps());

    /**
     * Row operations that use every freedom {@link RowOps} leaves an implementation, so that a kernel
     * relying on more than the contract shows: the results of the scalar operations, except that
     * every zero maximum where the sign is unspecified ({@link RowOps#maxInto}, {@link RowOps#maxTaps},
     * {@link RowOps#windowMax}, {@link RowOps#maxRange}, {@link RowOps#verticalMax}) gets the other
     * sign, and the vertical passes fill a row shorter than {@link RowOps#VERTICAL_SLACK} floats up
     * to that length with a value no case produces, as a vector of that many lanes could.
     */
    static final class EdgeRowOps implements RowOps {
        /** What the vertical passes leave past a short row. */
        static final float JUNK = 9.5e9f;

        /** Calls of the vertical passes since {@link #reset}. */
        private final AtomicInteger verticalCalls = new AtomicInteger();
        /** The most windows one window operation computed since {@link #reset}. */
        private final AtomicInteger widestWindowCall = new AtomicInteger();

        /** Calls of {@link RowOps#interleave} since {@link #reset}. */
        private final AtomicInteger interleaveCalls = new AtomicInteger();

        /** Calls of {@link RowOps#pairMax} since {@link #reset}. */
        final AtomicInteger pairCalls = new AtomicInteger();

        /** Calls of {@link RowOps#sumRuns} since {@link #reset}. */
        final AtomicInteger sumRunsCalls = new AtomicInteger();

        /** Calls of {@link RowOps#windowArgmax} since {@link #reset}. */
        final AtomicInteger argmaxCalls = new AtomicInteger();

        /** The longest run {@link RowOps#max2} took since {@link #reset}. */
        final AtomicInteger longestMax2 = new AtomicInteger();

        void reset() {
            longestMax2.set(0);
            argmaxCalls.set(0);
            sumRunsCalls.set(0);
            pairCalls.set(0);
            interleaveCalls.set(0);
            verticalCalls.set(0);
            widestWindowCall.set(0);
        }

        /**
         * Null when the calls since {@link #reset} fit {@code path}, for outputs {@code ow} wide: only
         * the buffered flat path makes vertical passes; the flat paths compute a chunk of output rows
         * per window call (several rows, where a chunk holds several), the row path one row.
         */
        String pathDiffers(Path path, int ow) {
            int vertical = verticalCalls.get();
            int widest = widestWindowCall.get();
            int interleaves = interleaveCalls.get();
            boolean ok;
            switch (path) {
                case FLAT:
                    ok = vertical > 0 && interleaves == 0;
                    break;
                case DIRECT:
                    ok = vertical == 0 && widest > ow && interleaves == 0;
                    break;
                case ROWS:
                    ok = vertical == 0 && widest <= ow && interleaves == 0;
                    break;
                case BLOCKED:
                    ok = interleaves > 0;
                    break;
                case PAIRS:
                    ok = true;
                    break;
                default:
                    ok = true;
            }
            return ok
                    ? null
                    : "forward should take the " + path + " path, but made " + interleaves + " interleaves, "
                            + vertical + " vertical passes and window calls of up to " + widest + " windows (outputs "
                            + ow
                            + " wide)";
        }

        private void windows(int count) {
            widestWindowCall.accumulateAndGet(count, Math::max);
        }

        private static final RowOps S = ScalarRowOps.INSTANCE;

        @Override
        public boolean interleave(float[] src, int s, int planeStride, int planes, int n, float[] dst, int d) {
            interleaveCalls.incrementAndGet();
            return S.interleave(src, s, planeStride, planes, n, dst, d);
        }

        @Override
        public void deinterleave(float[] src, int s, int planes, int n, float[] dst, int d, int planeStride) {
            S.deinterleave(src, s, planes, n, dst, d, planeStride);
        }

        @Override
        public void expand(float[] src, int s, int n, int k, float[] dst, int d) {
            S.expand(src, s, n, k, dst, d);
        }

        @Override
        public void pairMax(float[] src, int s, int n, float floor, boolean nan, float[] dst, float[] tap, int d) {
            pairCalls.incrementAndGet();
            S.pairMax(src, s, n, floor, nan, dst, tap, d);
        }

        @Override
        public void maxMerge(
                float[] a,
                float[] aTap,
                int aOff,
                float[] b,
                float[] bTap,
                int bOff,
                float tapShift,
                float[] dst,
                float[] dTap,
                int d,
                int n,
                boolean nan) {
            S.maxMerge(a, aTap, aOff, b, bTap, bOff, tapShift, dst, dTap, d, n, nan);
        }

        @Override
        public String name() {
            return "edge";
        }

        @Override
        public String describe() {
            return "scalar row operations at the edge of their contract (tests)";
        }

        /** As wide as a 512-bit vector, so that the kernels take the paths they take with SIMD. */
        @Override
        public int lanes() {
            return 16;
        }

        private static void flipZeros(float[] a, int off, int n) {
            for (int i = off; i < off + n; i++) if (a[i] == 0f) a[i] = -a[i];
        }

        @Override
        public void max2(float[] a, int aOff, float[] b, int bOff, float[] dst, int dOff, int n, boolean nan) {
            longestMax2.accumulateAndGet(n, Math::max);
            S.max2(a, aOff, b, bOff, dst, dOff, n, nan);
        }

        @Override
        public void maxInto(float[] src, int sOff, float[] acc, int accOff, int n, boolean nan) {
            S.maxInto(src, sOff, acc, accOff, n, nan);
            flipZeros(acc, accOff, n);
        }

        @Override
        public void maxIndexInto(
                float[] src, int sOff, float[] acc, int accOff, int[] arg, int argOff, int n, int tag, boolean nan) {
            S.maxIndexInto(src, sOff, acc, accOff, arg, argOff, n, tag, nan);
        }

        @Override
        public void maxTaps(float[] src, int s, int tapStride, int k, float[] out, int o, int n, boolean nan) {
            S.maxTaps(src, s, tapStride, k, out, o, n, nan);
            flipZeros(out, o, n);
        }

        @Override
        public void sumTaps(float[] src, int s, int tapStride, int k, float[] out, int o, int n) {
            S.sumTaps(src, s, tapStride, k, out, o, n);
        }

        @Override
        public void addInto(float[] src, int sOff, float[] acc, int accOff, int n) {
            S.addInto(src, sOff, acc, accOff, n);
        }

        @Override
        public void divide(float[] acc, int off, int n, float d) {
            S.divide(acc, off, n, d);
        }

        @Override
        public void divideEach(float[] acc, int off, float[] d, int dOff, int n) {
            S.divideEach(acc, off, d, dOff, n);
        }

        @Override
        public void windowMax(
                float[] row, int r, float[] out, int o, int count, int stride, int k, int dil, boolean nan) {
            windows(count);
            S.windowMax(row, r, out, o, count, stride, k, dil, nan);
            flipZeros(out, o, count);
        }

        @Override
        public void windowSum(float[] row, int r, float[] out, int o, int count, int stride, int k, int dil) {
            windows(count);
            S.windowSum(row, r, out, o, count, stride, k, dil);
        }

        @Override
        public void windowScatter(float[] delta, int d, float[] row, int r, int count, int stride, int k, int dil) {
            S.windowScatter(delta, d, row, r, count, stride, k, dil);
        }

        @Override
        public float maxRange(float[] a, int off, int n, float init, boolean nan) {
            float v = S.maxRange(a, off, n, init, nan);
            return v == 0f ? -v : v;
        }

        @Override
        public float sumRange(float[] a, int off, int n) {
            return S.sumRange(a, off, n);
        }

        @Override
        public void windowArgmax(
                float[] src,
                int s,
                int stride,
                int[] delta,
                int taps,
                boolean nan,
                float[] max,
                int m,
                int[] win,
                int w,
                int n) {
            argmaxCalls.incrementAndGet();
            S.windowArgmax(src, s, stride, delta, taps, nan, max, m, win, w, n);
        }

        @Override
        public void sumRuns(float[] a, int off, int n, int runs, float[] dst, int d) {
            sumRunsCalls.incrementAndGet();
            S.sumRuns(a, off, n, runs, dst, d);
        }

        @Override
        public void verticalMax(
                float[] src,
                int base,
                int[] offs,
                int[] cnt,
                int maxT,
                int r0,
                int r1,
                float[] dst,
                int dOff,
                int dStride,
                int n,
                boolean nan) {
            verticalCalls.incrementAndGet();
            // Row by row, in increasing order as the contract says, each followed by its junk.
            for (int row = r0; row < r1; row++) {
                int d = dOff + (row - r0) * dStride;
                S.verticalMax(src, base, offs, cnt, maxT, row, row + 1, dst, d, dStride, n, nan);
                flipZeros(dst, d, n);
                junk(dst, d, n);
            }
        }

        @Override
        public void verticalSum(
                float[] src,
                int base,
                int[] offs,
                int[] cnt,
                int maxT,
                int r0,
                int r1,
                float[] dst,
                int dOff,
                int dStride,
                int n) {
            verticalCalls.incrementAndGet();
            for (int row = r0; row < r1; row++) {
                int d = dOff + (row - r0) * dStride;
                S.verticalSum(src, base, offs, cnt, maxT, row, row + 1, dst, d, dStride, n);
                junk(dst, d, n);
            }
        }

        private static void junk(float[] dst, int d, int n) {
            if (n < VERTICAL_SLACK) Arrays.fill(dst, d + n, d + VERTICAL_SLACK, JUNK);
        }

        @Override
        public int nextZero(float[] a, int from, int to) {
            return S.nextZero(a, from, to);
        }
    }

    /**
     * Runs one call; with {@code threads > 1} the problem is above the work threshold, and the
     * monitor must show that the call was split over more than one thread.
     */
    private static <T> T call(Supplier<T> body, int threads, String what, List<String> failures) {
        if (threads > 1) PoolMonitor.reset();
        T result = body.get();
        if (threads > 1) {
            int most = 0;
            for (PoolStats s : PoolMonitor.snapshot(false)) most = Math.max(most, s.threads());
            if (most < 2) failures.add(what + "ran on " + most + " thread(s) with " + threads + " allowed");
        }
        return result;
    }

    private static void note(List<String> failures, String ctx, String diff) {
        if (diff != null) failures.add(ctx + diff);
    }

    /**
     * A channels-first tensor: the modes of {@link FastKernelsTest#randomTensor}, and {@code zeros}
     * (mostly +0.0 and -0.0 among negative integers, some NaN): many windows whose maximum is a zero
     * of either sign, the case where the separable maxima must be re-scanned in the reference's order.
     */
    private static Tensor values(SplittableRandom rnd, String mode, int[] shape) {
        if (mode.equals("oneNaN")) {
            // Integers (no NaN) except one NaN somewhere: a pass that skips its NaN-aware comparisons
            // for input it believes NaN-free must have looked at every float it reads.
            float[] v = FastKernelsTest.randomTensor(rnd, "ints", shape).data().clone();
            v[rnd.nextInt(v.length)] = Float.NaN;
            return new Tensor(v, shape, Layout.CHANNELS_FIRST);
        }
        if (!mode.equals("zeros")) return FastKernelsTest.randomTensor(rnd, mode, shape);
        float[] v = new float[Check.elementCount(shape, "shape")];
        for (int i = 0; i < v.length; i++) {
            int u = rnd.nextInt(100);
            v[i] = u < 35 ? 0f : u < 70 ? -0f : u < 72 ? Float.NaN : u < 90 ? -1 - rnd.nextInt(3) : 1 + rnd.nextInt(2);
        }
        return new Tensor(v, shape, Layout.CHANNELS_FIRST);
    }
}
