package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pooling4j.internal.exec.Kernels;
import org.pooling4j.internal.kernels.PoolKernel;
import org.pooling4j.internal.kernels.ReferenceKernel;

/**
 * The compact argmax workspace ({@link Argmax}) on examples worked out by hand: window-local offsets
 * (row-major over the window's taps, padding taps counted), the per-plane indices they stand for,
 * the entry width, the conversion to other index formats, and the independence from the layout.
 * Each example runs on every fast kernel that takes its layout, forced by name, so the scalar and the
 * SIMD kernels are both held to the hand-written numbers.
 */
class ArgmaxTest {
    @AfterEach
    void clearForcedKernels() {
        System.clearProperty(Kernels.FORCE_PROPERTY);
        System.clearProperty(Kernels.FORCE_BACKWARD_PROPERTY);
    }

    /** Names of the fast kernels that take {@code x} forward under {@code spec}; at least one. */
    private static List<String> kernelsFor(PoolSpec spec, Tensor x) {
        Geometry g = Pooling.geometry(spec, x);
        List<String> names = new ArrayList<>();
        for (PoolKernel k : Kernels.all()) {
            if (!k.name().equals(ReferenceKernel.NAME) && k.declines(g, false) == null) names.add(k.name());
        }
        assertTrue(!names.isEmpty(), "no fast kernel takes " + g);
        return names;
    }

    private static void force(String kernel) {
        System.setProperty(Kernels.FORCE_PROPERTY, kernel);
        System.setProperty(Kernels.FORCE_BACKWARD_PROPERTY, kernel);
    }

    private static int[] offsets(Argmax a) {
        int[] o = new int[a.size()];
        for (int i = 0; i < o.length; i++) o[i] = a.offset(i);
        return o;
    }

    @Test
    void twoByTwoStrideTwoByHand() {
        // 1x1x4x4, max 2x2 stride 2: four disjoint windows; ties go to the first tap in row-major order.
        Tensor x = Tensor.of(
                new float[] {
                    1, 5, 2, 0,
                    3, 4, 8, 8,
                    9, 0, 6, 7,
                    2, 9, 7, 1
                },
                1,
                1,
                4,
                4);
        PoolSpec spec = PoolSpec.max(2, 2).build();
        // Window (0,0) = [1 5; 3 4]: 5 at tap (0,1) -> offset 1, plane position 0*4+1 = 1.
        // Window (0,1) = [2 0; 8 8]: 8 first at tap (1,0) -> offset 2, position 1*4+2 = 6.
        // Window (1,0) = [9 0; 2 9]: 9 first at tap (0,0) -> offset 0, position 2*4+0 = 8.
        // Window (1,1) = [6 7; 7 1]: 7 first at tap (0,1) -> offset 1, position 2*4+3 = 11.
        float[] values = {5, 8, 9, 7};
        int[] offsets = {1, 2, 0, 1};
        long[] indices = {1, 6, 8, 11};
        for (String k : kernelsFor(spec, x)) {
            force(k);
            Tensor out = Tensor.zeros(1, 1, 2, 2);
            Argmax a = Pooling.forwardArgmax(spec, x, out, 1);
            assertArrayEquals(values, out.data(), k);
            assertEquals(1, a.bytesPerEntry(), k);
            assertEquals(4, a.size(), k);
            assertArrayEquals(offsets, offsets(a), k);
            assertArrayEquals(indices, a.toIndices().data(), k);
            assertArrayEquals(new int[] {1, 1, 2, 2}, a.toIndices().shape(), k);
            // The backward routes each output's gradient to its winner and zero elsewhere.
            Tensor gradIn = Tensor.zeros(1, 1, 4, 4);
            Arrays.fill(gradIn.data(), Float.NaN);
            assertEquals(
                    k, Pooling.backwardInto(a, Tensor.of(new float[] {0.5f, -1f, 2f, 0.25f}, 1, 1, 2, 2), gradIn, 1));
            assertArrayEquals(new float[] {0, 0.5f, 0, 0, 0, 0, -1f, 0, 2f, 0, 0, 0.25f, 0, 0, 0, 0}, gradIn.data(), k);
        }
    }

    @Test
    void paddedTapsCountInTheLocalOffset() {
        // 1x1x4x4, max 3x3 stride 2 padding 1: output 2x2, window (i,j) starts at input (2i-1, 2j-1).
        Tensor x = Tensor.of(
                new float[] {
                    20, 3, 2, 1,
                    4, 19, 6, 7,
                    30, 0, 10, 11,
                    12, 13, 14, 25
                },
                1,
                1,
                4,
                4);
        PoolSpec spec = PoolSpec.max(3, 3).stride(2).padding(1).build();
        // Window (0,0) covers rows -1..1, cols -1..1; its top row and left column are padding (taps
        // 0, 1, 2, 3 and 6). Its maximum 20 at input (0,0) is tap (1,1): offset 1*3+1 = 4, position 0.
        // Window (0,1), rows -1..1, cols 1..3: 19 at input (1,1) is tap (2,0): offset 6, position 5.
        // Window (1,0), rows 1..3, cols -1..1: 30 at input (2,0) is tap (1,1): offset 4, position 8.
        // Window (1,1), rows 1..3, cols 1..3: 25 at input (3,3) is tap (2,2): offset 8, position 15.
        float[] values = {20, 19, 30, 25};
        int[] offsets = {4, 6, 4, 8};
        long[] indices = {0, 5, 8, 15};
        for (String k : kernelsFor(spec, x)) {
            force(k);
            Tensor out = Tensor.zeros(1, 1, 2, 2);
            Argmax a = Pooling.forwardArgmax(spec, x, out, 1);
            assertArrayEquals(values, out.data(), k);
            assertArrayEquals(offsets, offsets(a), k);
            assertArrayEquals(indices, a.toIndices().data(), k);
        }
        System.clearProperty(Kernels.FORCE_PROPERTY);
        System.clearProperty(Kernels.FORCE_BACKWARD_PROPERTY);
        assertArrayEquals(
                indices, Pooling.forwardWithIndices(spec, x).indices().data(), "the int64 indices of the same problem");
    }

    @Test
    void entryWidthFollowsTheTapCount() {
        // 16x16 = 256 taps: offsets 0..255 fit one byte. The maximum on the last tap stores 255.
        checkSingleWindow(16, 16, 1);
        // 17x16 = 272 taps: two bytes. The maximum on the last tap stores 271.
        checkSingleWindow(17, 16, 2);
        // A global max over 300x300 = 90,000 taps: four bytes.
        Tensor x = Tensor.zeros(1, 1, 300, 300);
        x.data()[299 * 300 + 7] = 1;
        for (String k : kernelsFor(PoolSpec.globalMax(2).build(), x)) {
            force(k);
            Argmax a = Pooling.forwardArgmax(PoolSpec.globalMax(2).build(), x, Tensor.zeros(1, 1, 1, 1), 1);
            assertEquals(4, a.bytesPerEntry(), k);
            assertEquals(299 * 300 + 7, a.offset(0), k);
            assertArrayEquals(new long[] {299 * 300 + 7}, a.toIndices().data(), k);
        }
    }

    /** A kh x kw max over a kh x kw input (one window) with its maximum on the last tap. */
    private static void checkSingleWindow(int kh, int kw, int bytes) {
        int taps = kh * kw;
        float[] v = new float[taps];
        for (int i = 0; i < taps; i++) v[i] = i % 7; // ties everywhere but the last tap
        v[taps - 1] = 100;
        Tensor x = Tensor.of(v, 1, 1, kh, kw);
        PoolSpec spec = PoolSpec.max(kh, kw).build();
        for (String k : kernelsFor(spec, x)) {
            force(k);
            Tensor out = Tensor.zeros(1, 1, 1, 1);
            Argmax a = Pooling.forwardArgmax(spec, x, out, 1);
            assertEquals(bytes, a.bytesPerEntry(), k + " " + kh + "x" + kw);
            assertEquals(100f, out.data()[0], k);
            assertEquals(taps - 1, a.offset(0), k + " " + kh + "x" + kw);
            assertArrayEquals(new long[] {taps - 1}, a.toIndices().data(), k);
            Tensor gradIn = Tensor.zeros(1, 1, kh, kw);
            Pooling.backwardInto(a, Tensor.of(new float[] {3}, 1, 1, 1, 1), gradIn, 1);
            float[] want = new float[taps];
            want[taps - 1] = 3;
            assertArrayEquals(want, gradIn.data(), k);
        }
    }

    @Test
    void otherIndexFormatsAreConversionsOfThePerPlaneIndices() {
        SplittableRandom rnd = new SplittableRandom(42);
        float[] v = new float[2 * 3 * 7 * 9];
        for (int i = 0; i < v.length; i++) v[i] = rnd.nextInt(5);
        Tensor x = Tensor.of(v, 2, 3, 7, 9);
        PoolSpec spec = PoolSpec.max(3, 3).stride(2).padding(1).build();
        LongTensor reference = Pooling.forwardWithIndices(spec, x).indices();
        for (String k : kernelsFor(spec, x)) {
            force(k);
            Argmax a = Pooling.forwardArgmax(spec, x, Tensor.zeros(2, 3, 4, 5), 1);
            LongTensor perPlane = a.toIndices();
            assertArrayEquals(reference.data(), perPlane.data(), k);
            for (IndexFormat f : IndexFormat.values()) {
                LongTensor want = Indices.convert(perPlane, new int[] {7, 9}, IndexFormat.PER_PLANE, f);
                LongTensor got = a.toIndices(f);
                assertArrayEquals(want.shape(), got.shape(), k + " " + f);
                assertArrayEquals(want.data(), got.data(), k + " " + f);
            }
            // Spelled out for one entry: (n=1, c=2, output (3,4)) in the global row-major format.
            int i = ((1 * 3 + 2) * 4 + 3) * 5 + 4;
            assertEquals(
                    (1 * 3 + 2) * 63 + perPlane.data()[i],
                    a.toIndices(IndexFormat.GLOBAL_ROW_MAJOR).data()[i],
                    k);
        }
    }

    @Test
    void channelsLastGivesTheIndicesOfChannelsFirstOnTransposedData() {
        SplittableRandom rnd = new SplittableRandom(7);
        float[] v = new float[2 * 5 * 9 * 11];
        for (int i = 0; i < v.length; i++) v[i] = rnd.nextInt(4) - 1; // many ties
        Tensor cf = Tensor.of(v, 2, 5, 9, 11);
        Tensor cl = cf.toLayout(Layout.CHANNELS_LAST, true);
        for (PoolSpec spec : new PoolSpec[] {
            PoolSpec.max(3, 3).stride(2).padding(1).build(),
            PoolSpec.max(2, 3)
                    .stride(1, 2)
                    .dilation(2, 1)
                    .padding(1, 0)
                    .ceilMode(true)
                    .build(),
            PoolSpec.adaptiveMax(4, 3).build(),
            PoolSpec.globalMax(2).build()
        }) {
            System.clearProperty(Kernels.FORCE_PROPERTY);
            LongTensor reference = Pooling.forwardWithIndices(spec, cf).indices();
            int[] outCf = Pooling.geometry(spec, cf).outputShape();
            int[] outCl = Pooling.geometry(spec, cl).outputShape();
            for (String kf : kernelsFor(spec, cf)) {
                for (String kl : kernelsFor(spec, cl)) {
                    force(kf);
                    Tensor yCf = Tensor.zeros(outCf);
                    Argmax aCf = Pooling.forwardArgmax(spec, cf, yCf, 1);
                    force(kl);
                    Tensor yCl = Tensor.zeros(Layout.CHANNELS_LAST, outCl);
                    Argmax aCl = Pooling.forwardArgmax(spec, cl, yCl, 1);
                    String what = spec + " " + kf + " vs " + kl;
                    assertArrayEquals(reference.data(), aCf.toIndices().data(), what);
                    assertArrayEquals(
                            aCf.toIndices().data(),
                            aCl.toIndices()
                                    .toLayout(Layout.CHANNELS_FIRST, true)
                                    .data(),
                            what);
                    assertArrayEquals(
                            yCf.data(),
                            yCl.toLayout(Layout.CHANNELS_FIRST, true).data(),
                            what);
                    // The workspaces themselves hold the same offsets, each in its own memory order.
                    int[] oCl = offsets(aCl);
                    int[] oClAsCf = new int[oCl.length];
                    int[] src = Tensor.layoutOrder(outCl, Layout.CHANNELS_LAST, true);
                    for (int i = 0; i < oCl.length; i++) oClAsCf[i] = oCl[src[i]];
                    assertArrayEquals(offsets(aCf), oClAsCf, what);
                }
            }
        }
    }
}
