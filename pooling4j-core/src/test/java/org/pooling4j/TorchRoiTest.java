package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.monitor.PoolEvent;
import org.pooling4j.roi.RoiAlignMode;
import org.pooling4j.roi.RoiCoordinates;
import org.pooling4j.roi.RoiPooling;

/**
 * torchvision's region ops ({@link RoiPooling#torchRoiAlign}, {@link RoiPooling#torchRoiPool} and
 * their backwards): hand-worked values, the adjoint identity of the linear roi_align, agreement with the
 * ONNX entry points that share the kernels, channels-last, events and bad input. The torchvision golden
 * files (pooling4j-cli, GoldenJobsTest) check the same ops against torchvision itself.
 */
class TorchRoiTest {
    @TempDir
    Path dir;

    /** A 4x4 plane {@code 4h + w + offset}: linear, so every bilinear sample is {@code 4y + x + offset}. */
    static Tensor ramp(float offset) {
        return Tensor.of(RoiPoolingTest.ramp4x4(offset), 1, 1, 4, 4);
    }

    static Tensor boxes(float... v) {
        return Tensor.of(v, v.length / 5, 5);
    }

    static void rejects(Executable call, String... parts) {
        IllegalArgumentException e = assertThrowsExactly(IllegalArgumentException.class, call);
        for (String p : parts)
            assertTrue(e.getMessage().contains(p), "message \"" + e.getMessage() + "\" lacks \"" + p + "\"");
    }

    // ---- roi_align -----------------------------------------------------------------------------

    @Test
    void alignLegacyAndAlignedOnARamp() {
        Tensor x = ramp(0);
        Tensor b = boxes(0, 0.5f, 0.5f, 2.5f, 2.5f);
        // aligned=false: samples at 1 and 2 on each axis, pixels 5, 6, 9, 10.
        assertArrayEquals(
                new float[] {7.5f},
                RoiPooling.torchRoiAlign(x, b, 1, 1, 1f, 2, false).data());
        // aligned=true: the box moves to [0, 2]; samples at 0.5 and 1.5, mean 4*1 + 1 = 5.
        assertArrayEquals(
                new float[] {5f},
                RoiPooling.torchRoiAlign(x, b, 1, 1, 1f, 2, true).data());
        // Adaptive grid (-1 and 0 alike): [0, 3] in one bin takes ceil(3) = 3 samples per axis, at 0.5, 1.5, 2.5.
        Tensor whole = boxes(0, 0, 0, 3, 3);
        assertArrayEquals(
                new float[] {7.5f},
                RoiPooling.torchRoiAlign(x, whole, 1, 1, 1f, -1, false).data());
        assertArrayEquals(
                new float[] {7.5f},
                RoiPooling.torchRoiAlign(x, whole, 1, 1, 1f, 0, false).data());
        // spatial_scale 0.5 maps the image box [0, 0, 6, 6] onto [0, 3].
        assertArrayEquals(
                new float[] {7.5f},
                RoiPooling.torchRoiAlign(x, boxes(0, 0, 0, 6, 6), 1, 1, 0.5f, -1, false)
                        .data());
    }

    @Test
    void alignReversedBoxes() {
        Tensor x = ramp(0);
        // aligned=false raises the size to 1: one sample at 3.5, clamped to the last pixel (3, 3) = 15.
        assertArrayEquals(
                new float[] {15f},
                RoiPooling.torchRoiAlign(x, boxes(0, 3, 3, 1, 1), 1, 1, 1f, 1, false)
                        .data());
        // aligned=true keeps the size -2: the sample sits at 2.5 - 1 = 1.5 on each axis, 4*1.5 + 1.5.
        assertArrayEquals(
                new float[] {7.5f},
                RoiPooling.torchRoiAlign(x, boxes(0, 3, 3, 1, 1), 1, 1, 1f, 1, true)
                        .data());
        // aligned=true, adaptive, reversed on both axes: the grid is ceil(-2) = -2 per axis, no samples, 0.
        assertArrayEquals(
                new float[] {0f},
                RoiPooling.torchRoiAlign(x, boxes(0, 3, 3, 1, 1), 1, 1, 1f, -1, true)
                        .data());
        // ... and on one axis only torchvision fails on the negative sample count; so does this library.
        rejects(
                () -> RoiPooling.torchRoiAlign(x, boxes(0, 3, 0, 1, 2), 1, 1, 1f, -1, true),
                "boxes[0] = [0.0, 3.0, 0.0, 1.0, 2.0]",
                "negative sample count",
                "2 x -2 per bin");
    }

    @Test
    void alignOutsideSamplesGiveZero() {
        // A 1x4 plane [1, 2, 3, 4]; box [-2, 0, 6, 0] in four bins, one sample each at -1, 1, 3, 5 on x.
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 1, 4);
        // -1 is not below -1, so it clamps to 0; 5 > W is outside and adds nothing.
        assertArrayEquals(
                new float[] {1, 2, 4, 0},
                RoiPooling.torchRoiAlign(x, boxes(0, -2, 0, 6, 0), 1, 4, 1f, 1, false)
                        .data());
    }

    @Test
    void alignBackwardByHand() {
        int[] shape = {1, 1, 4, 4};
        Tensor g = Tensor.of(new float[] {1}, 1, 1, 1, 1);
        Tensor b = boxes(0, 0.5f, 0.5f, 2.5f, 2.5f);
        // aligned=false: the four samples fall on pixels (1,1), (1,2), (2,1), (2,2), each 1/4.
        float[] want = new float[16];
        want[5] = want[6] = want[9] = want[10] = 0.25f;
        assertArrayEquals(
                want,
                RoiPooling.torchRoiAlignBackward(g, b, shape, 1f, 2, false).data());
        // aligned=true: samples at (0.5|1.5, 0.5|1.5), each spreading 1/4 * 1/4 over its four corners.
        float[] al = new float[16];
        float[] pattern = {1, 2, 1, 2, 4, 2, 1, 2, 1};
        for (int i = 0; i < 9; i++) al[(i / 3) * 4 + i % 3] = pattern[i] / 16f;
        assertArrayEquals(
                al, RoiPooling.torchRoiAlignBackward(g, b, shape, 1f, 2, true).data());
        // A sample outside the map passes no gradient: box [-2, 0, 6, 0] on a 1x4 plane, bin 3 is outside.
        Tensor g4 = Tensor.of(new float[] {1, 10, 100, 1000}, 1, 1, 1, 4);
        assertArrayEquals(
                new float[] {1, 10, 0, 100},
                RoiPooling.torchRoiAlignBackward(g4, boxes(0, -2, 0, 6, 0), new int[] {1, 1, 1, 4}, 1f, 1, false)
                        .data());
    }

    /** roi_align is linear in its input, so {@code <A x, g> = <x, A^T g>}: the backward is the exact adjoint. */
    @Test
    void alignBackwardIsTheAdjoint() {
        SplittableRandom rnd = new SplittableRandom(4242);
        for (int t = 0; t < 60; t++) {
            int n = 1 + rnd.nextInt(2), c = 1 + rnd.nextInt(3), h = 1 + rnd.nextInt(9), w = 1 + rnd.nextInt(9);
            int k = rnd.nextInt(5), oh = 1 + rnd.nextInt(4), ow = 1 + rnd.nextInt(4);
            float scale = rnd.nextBoolean() ? 1f : 0.5f;
            int sr = rnd.nextInt(4) - 1;
            boolean aligned = rnd.nextBoolean();
            Tensor x = Tensor.of(randoms(rnd, n * c * h * w), n, c, h, w);
            float[] bx = new float[k * 5];
            for (int i = 0; i < k; i++) {
                bx[i * 5] = rnd.nextInt(n);
                for (int j = 1; j < 5; j++)
                    bx[i * 5 + j] = (float) (rnd.nextDouble(-3, 1.2 * Math.max(h, w) + 3) / scale);
                if (aligned && sr <= 0) {
                    // Keep the corners ordered so that no box has a one-axis negative adaptive grid (rejected).
                    sortPair(bx, i * 5 + 1, i * 5 + 3);
                    sortPair(bx, i * 5 + 2, i * 5 + 4);
                }
            }
            Tensor b = Tensor.of(bx, k, 5);
            Tensor y = RoiPooling.torchRoiAlign(x, b, oh, ow, scale, sr, aligned);
            Tensor g = Tensor.of(randoms(rnd, y.size()), y.shape());
            Tensor dx = RoiPooling.torchRoiAlignBackward(g, b, x.shape(), scale, sr, aligned);
            double lhs = dot(y.data(), g.data());
            double rhs = dot(x.data(), dx.data());
            double mag = absDot(y.data(), g.data()) + 1e-6;
            assertTrue(Math.abs(lhs - rhs) <= 1e-5 * mag, "case " + t + ": <Ax,g> = " + lhs + ", <x,A'g> = " + rhs);
        }
    }

    // ---- roi_pool ------------------------------------------------------------------------------

    @Test
    void poolWindowsAndArgmax() {
        Tensor x = ramp(1);
        // Same windows as ONNX MaxRoiPool (round half away from zero): rows [0,2) [2,4), columns [1,3) [2,4).
        Pooled p = RoiPooling.torchRoiPool(x, boxes(0, 0.6f, 0.4f, 2.5f, 2.5f), 2, 2, 1f);
        assertArrayEquals(new float[] {7, 8, 15, 16}, p.values().data());
        assertArrayEquals(new long[] {6, 7, 14, 15}, p.indices().data());
        // round(-0.5) = -1: bin 0 on each axis is [-1, 0), empty, so 0 with argmax -1.
        p = RoiPooling.torchRoiPool(x, boxes(0, -0.5f, -0.5f, 0.4f, 0.4f), 2, 2, 1f);
        assertArrayEquals(new float[] {0, 0, 0, 1}, p.values().data());
        assertArrayEquals(new long[] {-1, -1, -1, 0}, p.indices().data());
        // A reversed box is raised to 1x1 at its start corner: (3, 3) holds 16.
        p = RoiPooling.torchRoiPool(x, boxes(0, 3, 3, 1, 1), 1, 1, 1f);
        assertArrayEquals(new float[] {16}, p.values().data());
        assertArrayEquals(new long[] {15}, p.indices().data());
    }

    @Test
    void poolTiesNanAndInfinities() {
        // Ties: the first maximum in row-major order wins (torchvision takes only a strictly greater value).
        Tensor twos = Tensor.of(new float[] {1, 2, 2, 2}, 1, 1, 2, 2);
        assertArrayEquals(
                new long[] {1},
                RoiPooling.torchRoiPool(twos, boxes(0, 0, 0, 1, 1), 1, 1, 1f)
                        .indices()
                        .data());
        // NaN is never taken, wherever it stands ([NaN, 1] and [1, NaN] both give 1).
        float nan = Float.NaN;
        Tensor a = Tensor.of(new float[] {nan, 1, 1, nan}, 1, 1, 1, 4);
        Pooled p = RoiPooling.torchRoiPool(a, boxes(0, 0, 0, 3, 0), 1, 2, 1f);
        assertArrayEquals(new float[] {1, 1}, p.values().data());
        assertArrayEquals(new long[] {1, 2}, p.indices().data());
        // A bin of NaN and -inf takes nothing: the lowest finite float, argmax -1 (no gradient).
        Tensor bad = Tensor.of(new float[] {nan, Float.NEGATIVE_INFINITY}, 1, 1, 1, 2);
        p = RoiPooling.torchRoiPool(bad, boxes(0, 0, 0, 1, 0), 1, 1, 1f);
        assertArrayEquals(new float[] {-Float.MAX_VALUE}, p.values().data());
        assertArrayEquals(new long[] {-1}, p.indices().data());
    }

    @Test
    void poolBackwardScattersToTheArgmax() {
        Tensor x = ramp(1);
        // Two boxes with the same maximum (pixel 15) and one empty bin: gradients add up, -1 adds nothing.
        Tensor b = boxes(0, 0, 0, 3, 3, 0, 2, 2, 3, 3, 0, 5, 5, 6, 6);
        Pooled p = RoiPooling.torchRoiPool(x, b, 1, 1, 1f);
        assertArrayEquals(new long[] {15, 15, -1}, p.indices().data());
        Tensor g = Tensor.of(new float[] {1, 2, 100}, 3, 1, 1, 1);
        float[] want = new float[16];
        want[15] = 3;
        assertArrayEquals(
                want,
                RoiPooling.torchRoiPoolBackward(g, b, p.indices(), x.shape()).data());
    }

    // ---- shared kernels, layouts, inputs -------------------------------------------------------

    /** The torchvision entry points run the ONNX kernels: same boxes, same bits. */
    @Test
    void torchvisionAndOnnxShareTheKernels() {
        SplittableRandom rnd = new SplittableRandom(77);
        for (int t = 0; t < 40; t++) {
            int n = 2, c = 2, h = 3 + rnd.nextInt(6), w = 3 + rnd.nextInt(6), k = 1 + rnd.nextInt(4);
            Tensor x = Tensor.of(randoms(rnd, n * c * h * w), n, c, h, w);
            float[] b5 = new float[k * 5];
            float[] b4 = new float[k * 4];
            long[] batch = new long[k];
            for (int i = 0; i < k; i++) {
                batch[i] = rnd.nextInt(n);
                b5[i * 5] = batch[i];
                for (int j = 0; j < 4; j++)
                    b4[i * 4 + j] = b5[i * 5 + 1 + j] = (float) rnd.nextDouble(-2, Math.max(h, w) + 2);
                sortPair(b5, i * 5 + 1, i * 5 + 3);
                sortPair(b5, i * 5 + 2, i * 5 + 4);
                System.arraycopy(b5, i * 5 + 1, b4, i * 4, 4);
            }
            int sr = rnd.nextInt(3);
            for (boolean aligned : new boolean[] {false, true}) {
                Tensor onnx = RoiPooling.roiAlign(
                        x,
                        Tensor.of(b4, k, 4),
                        batch,
                        2,
                        3,
                        1f,
                        sr,
                        RoiAlignMode.AVG,
                        aligned ? RoiCoordinates.HALF_PIXEL : RoiCoordinates.OUTPUT_HALF_PIXEL);
                Tensor tv = RoiPooling.torchRoiAlign(x, Tensor.of(b5, k, 5), 2, 3, 1f, sr, aligned);
                assertArrayEquals(bits(onnx.data()), bits(tv.data()), "roi_align case " + t);
            }
            // Random distinct values: no ties and no NaN, so the two reductions agree.
            Tensor onnx = RoiPooling.maxRoiPool(x, Tensor.of(b5, k, 5), 3, 2, 1f);
            Tensor tv =
                    RoiPooling.torchRoiPool(x, Tensor.of(b5, k, 5), 3, 2, 1f).values();
            assertArrayEquals(bits(onnx.data()), bits(tv.data()), "roi_pool case " + t);
        }
    }

    @Test
    void channelsLastGivesTheSameNumbers() {
        SplittableRandom rnd = new SplittableRandom(9);
        Tensor x = Tensor.of(randoms(rnd, 2 * 3 * 5 * 6), 2, 3, 5, 6);
        Tensor xl = x.toLayout(Layout.CHANNELS_LAST, true);
        Tensor b = boxes(0, -1, 0.5f, 4.2f, 3.9f, 1, 1, 1, 5, 4, 1, 5.5f, 4.5f, 0.5f, 1);
        for (boolean aligned : new boolean[] {false, true}) {
            Tensor y = RoiPooling.torchRoiAlign(x, b, 2, 3, 1f, 2, aligned);
            Tensor yl = RoiPooling.torchRoiAlign(xl, b, 2, 3, 1f, 2, aligned);
            assertEquals(Layout.CHANNELS_LAST, yl.layout());
            assertArrayEquals(
                    bits(y.data()),
                    bits(yl.toLayout(Layout.CHANNELS_FIRST, true).data()));
            Tensor g = Tensor.of(randoms(rnd, y.size()), y.shape());
            Tensor dx = RoiPooling.torchRoiAlignBackward(g, b, x.shape(), 1f, 2, aligned);
            Tensor dxl = RoiPooling.torchRoiAlignBackward(
                    g.toLayout(Layout.CHANNELS_LAST, true), b, xl.shape(), 1f, 2, aligned);
            assertArrayEquals(
                    bits(dx.data()),
                    bits(dxl.toLayout(Layout.CHANNELS_FIRST, true).data()));
        }
        Pooled p = RoiPooling.torchRoiPool(x, b, 2, 2, 1f);
        Pooled pl = RoiPooling.torchRoiPool(xl, b, 2, 2, 1f);
        assertArrayEquals(
                bits(p.values().data()),
                bits(pl.values().toLayout(Layout.CHANNELS_FIRST, true).data()));
        assertArrayEquals(
                p.indices().data(),
                pl.indices().toLayout(Layout.CHANNELS_FIRST, true).data());
        Tensor g = Tensor.of(randoms(rnd, p.values().size()), p.values().shape());
        Tensor dx = RoiPooling.torchRoiPoolBackward(g, b, p.indices(), x.shape());
        Tensor dxl =
                RoiPooling.torchRoiPoolBackward(g.toLayout(Layout.CHANNELS_LAST, true), b, pl.indices(), xl.shape());
        assertArrayEquals(
                bits(dx.data()), bits(dxl.toLayout(Layout.CHANNELS_FIRST, true).data()));
    }

    @Test
    void inputsAreNotModifiedAndNoBoxesGiveEmptyResults() {
        SplittableRandom rnd = new SplittableRandom(3);
        Tensor x = Tensor.of(randoms(rnd, 32), 2, 1, 4, 4);
        Tensor b = boxes(1, 0, 0, 3, 3);
        float[] xb = x.data().clone();
        float[] bb = b.data().clone();
        Tensor g = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        float[] gb = g.data().clone();
        Pooled p = RoiPooling.torchRoiPool(x, b, 2, 2, 1f);
        long[] ab = p.indices().data().clone();
        RoiPooling.torchRoiAlign(x, b, 2, 2, 1f, -1, true);
        RoiPooling.torchRoiAlignBackward(g, b, x.shape(), 1f, -1, true);
        RoiPooling.torchRoiPoolBackward(g, b, p.indices(), x.shape());
        assertArrayEquals(bits(xb), bits(x.data()));
        assertArrayEquals(bits(bb), bits(b.data()));
        assertArrayEquals(bits(gb), bits(g.data()));
        assertArrayEquals(ab, p.indices().data());

        Tensor none = Tensor.zeros(0, 5);
        assertArrayEquals(
                new int[] {0, 1, 3, 2},
                RoiPooling.torchRoiAlign(x, none, 3, 2, 1f, -1, false).shape());
        assertArrayEquals(
                new int[] {0, 1, 3, 2},
                RoiPooling.torchRoiPool(x, none, 3, 2, 1f).indices().shape());
        Tensor dx = RoiPooling.torchRoiAlignBackward(Tensor.zeros(0, 1, 3, 2), none, x.shape(), 1f, -1, false);
        assertArrayEquals(new float[32], dx.data());
    }

    // ---- events ------------------------------------------------------------------------------

    @Test
    void forwardAndBackwardCallsAreTraced() throws Exception {
        // Shapes no other test uses, so these events are told apart from the rest of the JVM's.
        Tensor x = Tensor.of(new float[1 * 3 * 5 * 7], 1, 3, 5, 7);
        Tensor b = boxes(0, 0, 0, 4, 4);
        Tensor g = Tensor.of(new float[3 * 4], 1, 3, 2, 2);
        Path file = dir.resolve("roi.jfr");
        try (Recording r = new Recording()) {
            r.enable(PoolEvent.NAME).withThreshold(Duration.ZERO);
            r.start();
            RoiPooling.torchRoiAlign(x, b, 2, 2, 1f, -1, false);
            RoiPooling.torchRoiAlignBackward(g, b, x.shape(), 1f, -1, false);
            Pooled p = RoiPooling.torchRoiPool(x, b, 2, 2, 1f);
            RoiPooling.torchRoiPoolBackward(g, b, p.indices(), x.shape());
            r.stop();
            r.dump(file);
        }
        List<String> seen = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals(PoolEvent.NAME)
                    || !e.getString("inputShape").equals("1x3x5x7")) continue;
            assertEquals("roi-scalar", e.getString("kernel"));
            assertEquals("1x3x2x2", e.getString("outputShape"));
            seen.add(e.getString("op") + " " + e.getString("direction"));
        }
        seen.sort(null);
        assertEquals(List.of("roi_align backward", "roi_align forward", "roi_pool backward", "roi_pool forward"), seen);
    }

    // ---- bad input -----------------------------------------------------------------------------

    @Test
    void badInputIsRejectedWithTheRule() {
        Tensor x = Tensor.of(new float[2 * 16], 2, 1, 4, 4);
        Tensor ok = boxes(0, 0, 0, 2, 2);
        rejects(
                () -> RoiPooling.torchRoiAlign(x, boxes(2, 0, 0, 2, 2), 1, 1, 1f, -1, false),
                "boxes[0][0] = 2.0",
                "batch index must be in [0, N) = [0, 2)");
        rejects(
                () -> RoiPooling.torchRoiPool(x, boxes(0, 0, 0, 1, 1, -1, 0, 0, 2, 2), 1, 1, 1f),
                "boxes[1][0] = -1.0",
                "[0, 2)");
        rejects(
                () -> RoiPooling.torchRoiPool(x, boxes(0.5f, 0, 0, 2, 2), 1, 1, 1f),
                "boxes[0][0] = 0.5",
                "must be an integer");
        rejects(
                () -> RoiPooling.torchRoiAlign(x, boxes(Float.NaN, 0, 0, 2, 2), 1, 1, 1f, -1, false),
                "boxes[0][0] = NaN",
                "finite");
        rejects(
                () -> RoiPooling.torchRoiAlign(x, boxes(0, 0, Float.NaN, 2, 2), 1, 1, 1f, -1, false),
                "boxes[0][2] = NaN",
                "must be finite");
        rejects(
                () -> RoiPooling.torchRoiPool(x, boxes(0, 0, 0, Float.POSITIVE_INFINITY, 2), 1, 1, 1f),
                "boxes[0][3] = Infinity");
        rejects(
                () -> RoiPooling.torchRoiAlign(x, Tensor.zeros(1, 4), 1, 1, 1f, -1, false),
                "boxes shape = [1, 4]",
                "(K, 5)");
        rejects(() -> RoiPooling.torchRoiPool(x, Tensor.zeros(5), 1, 1, 1f), "boxes shape = [5]");
        rejects(() -> RoiPooling.torchRoiAlign(x, ok, 0, 1, 1f, -1, false), "outH = 0", ">= 1");
        rejects(() -> RoiPooling.torchRoiPool(x, ok, 1, -3, 1f), "outW = -3", ">= 1");
        rejects(() -> RoiPooling.torchRoiAlign(x, ok, 1, 1, 0f, -1, false), "spatialScale = 0.0", "finite and > 0");
        rejects(() -> RoiPooling.torchRoiPool(x, ok, 1, 1, -0.5f), "spatialScale = -0.5");
        rejects(() -> RoiPooling.torchRoiAlign(x, ok, 1, 1, Float.NaN, -1, false), "spatialScale = NaN");
        rejects(
                () -> RoiPooling.torchRoiAlign(Tensor.zeros(1, 4, 4), ok, 1, 1, 1f, -1, false),
                "input shape = [1, 4, 4]",
                "rank 4");
        rejects(
                () -> RoiPooling.torchRoiAlign(x, boxes(0, 0, 0, 1e6f, 1e6f), 1, 1, 1f, -1, false),
                "boxes[0] = ",
                "sampling grid");
        rejects(
                () -> RoiPooling.torchRoiAlign(x, ok, 30000, 30000, 1f, 8, false),
                "samplingRatio = 8",
                "samples per ROI");

        Tensor g = Tensor.of(new float[1], 1, 1, 1, 1);
        rejects(
                () -> RoiPooling.torchRoiAlignBackward(g, ok, new int[] {2, 3, 4, 4}, 1f, -1, false),
                "inputShape = [2, 3, 4, 4]",
                "channel count 3");
        rejects(
                () -> RoiPooling.torchRoiAlignBackward(g, ok, new int[] {2, 1, 4}, 1f, -1, false),
                "inputShape = [2, 1, 4]",
                "rank 4");
        rejects(
                () -> RoiPooling.torchRoiAlignBackward(
                        g, boxes(0, 0, 0, 1, 1, 0, 0, 0, 1, 1), new int[] {2, 1, 4, 4}, 1f, -1, false),
                "gradOutput shape = [1, 1, 1, 1]",
                "K = 2");
        rejects(
                () -> RoiPooling.torchRoiPoolBackward(
                        g, ok, LongTensor.of(new long[] {16}, 1, 1, 1, 1), new int[] {2, 1, 4, 4}),
                "argmax[0] = 16",
                "[0, 16)");
        rejects(
                () -> RoiPooling.torchRoiPoolBackward(
                        g, ok, LongTensor.of(new long[] {-2}, 1, 1, 1, 1), new int[] {2, 1, 4, 4}),
                "argmax[0] = -2");
        rejects(
                () -> RoiPooling.torchRoiPoolBackward(
                        g, ok, LongTensor.of(new long[] {0, 0}, 1, 1, 1, 2), new int[] {2, 1, 4, 4}),
                "argmax shape = [1, 1, 1, 2]");
        rejects(
                () -> RoiPooling.torchRoiPoolBackward(
                        g, boxes(3, 0, 0, 1, 1), LongTensor.of(new long[] {0}, 1, 1, 1, 1), new int[] {2, 1, 4, 4}),
                "boxes[0][0] = 3.0");
        NullPointerException e =
                assertThrowsExactly(NullPointerException.class, () -> RoiPooling.torchRoiPool(x, null, 1, 1, 1f));
        assertEquals("boxes must not be null", e.getMessage());
    }

    @Test
    void rejectionComesBeforeAnyWork() {
        // The bad box is the last; nothing is computed and the inputs are unchanged.
        Tensor x = Tensor.of(new float[16], 1, 1, 4, 4);
        float[] d = {0, 0, 0, 2, 2, 0, 0, 0, 2, 2, 0, 0, 0, 2, Float.NaN};
        float[] before = d.clone();
        rejects(() -> RoiPooling.torchRoiAlign(x, Tensor.of(d, 3, 5), 1, 1, 1f, -1, false), "boxes[2][4] = NaN");
        assertArrayEquals(bits(before), bits(d));
        assertNotNull(x.data());
    }

    // ---- helpers -------------------------------------------------------------------------------

    static float[] randoms(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextDouble(-1, 1);
        return a;
    }

    static void sortPair(float[] a, int i, int j) {
        if (a[i] > a[j]) {
            float t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    static double absDot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += Math.abs((double) a[i] * b[i]);
        return s;
    }

    static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) b[i] = Float.floatToRawIntBits(a[i]);
        return b;
    }
}
