package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.function.ThrowingSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pooling4j.internal.Check;
import org.pooling4j.internal.Shapes;
import org.pooling4j.io.Npy;
import org.pooling4j.io.NpyArray;

/**
 * The bad-input suite: every invalid-parameter class of reliability.md §5.3 with at least one
 * ACCEPTED case (the legal boundary, with a check of the result) and at least three REJECTED cases
 * (boundary, zero, extreme), plus the CVE regressions of §4.2 translated to this API.
 *
 * <p>Rules checked on every rejection: the exception type is exactly {@link IllegalArgumentException}
 * or {@link NullPointerException} (never ArrayIndexOutOfBounds, Arithmetic, NegativeArraySize or
 * OutOfMemoryError), and the message contains the parameter name and the offending value, in the
 * library's {@code "name = value: rule"} form. Every accepted call is run through
 * {@link #accepted}, which also checks that the inputs are bitwise unchanged afterwards (D4).
 *
 * <p>Class 21 (quantized variants: min/max ranges, scale) does not apply: the library has no
 * quantized operators, no scale/zero-point and no side inputs for value ranges.
 *
 * <p>The nested class {@link Regressions} keeps the cases the first version of the library got wrong.
 */
class BadInputTest {

    // ---- helpers ---------------------------------------------------------------------------------

    /** Deterministic, tie-free data for a shape. */
    static Tensor seq(int... shape) {
        int n = Check.elementCount(shape, "shape");
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = ((i * 37) % 101) / 8f - 6f;
        return Tensor.of(d, shape);
    }

    static Tensor seq(Layout layout, int... shape) {
        return new Tensor(seq(shape).data(), shape, layout);
    }

    /** Raw-bit copies of the data (and shapes) of tensors, to prove inputs were not modified. */
    static List<Object> snapshot(Object... inputs) {
        List<Object> s = new ArrayList<>();
        for (Object o : inputs) {
            if (o instanceof Tensor) {
                Tensor t = (Tensor) o;
                float[] d = t.data();
                int[] bits = new int[d.length];
                for (int i = 0; i < d.length; i++) bits[i] = Float.floatToRawIntBits(d[i]);
                s.add(bits);
                s.add(t.shape());
            } else if (o instanceof LongTensor) {
                s.add(((LongTensor) o).data().clone());
                s.add(((LongTensor) o).shape());
            } else if (o instanceof int[]) {
                s.add(((int[]) o).clone());
            } else if (o instanceof long[]) {
                s.add(((long[]) o).clone());
            } else if (o instanceof float[]) {
                float[] d = (float[]) o;
                int[] bits = new int[d.length];
                for (int i = 0; i < d.length; i++) bits[i] = Float.floatToRawIntBits(d[i]);
                s.add(bits);
            }
        }
        return s;
    }

    static void assertSame(List<Object> before, List<Object> after) {
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) {
            Object b = before.get(i);
            Object a = after.get(i);
            if (b instanceof int[]) assertArrayEquals((int[]) b, (int[]) a, "input " + i + " was modified");
            else assertArrayEquals((long[]) b, (long[]) a, "input " + i + " was modified");
        }
    }

    /** Runs an accepted call and checks the inputs are bitwise unchanged afterwards (reliability D4). */
    static <T> T accepted(ThrowingSupplier<T> call, Object... inputs) {
        List<Object> before = snapshot(inputs);
        T r = assertDoesNotThrow(call);
        assertSame(before, snapshot(inputs));
        return r;
    }

    /**
     * The call must throw exactly IllegalArgumentException whose message contains every fragment
     * (the parameter name and the offending value, e.g. {@code "kernel = [0]"}).
     */
    static IllegalArgumentException rejects(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrowsExactly(IllegalArgumentException.class, call);
        String m = e.getMessage();
        assertNotNull(m, "exception without a message");
        for (String f : fragments) {
            assertTrue(m.contains(f), () -> "message \"" + m + "\" does not contain \"" + f + "\"");
        }
        return e;
    }

    /**
     * The call must throw exactly NullPointerException whose message names the parameter: either the
     * library's {@code "<name> must not be null"} or the JDK's helpful message {@code ... "<name>" is null}.
     */
    static NullPointerException npe(Executable call, String name) {
        NullPointerException e = assertThrowsExactly(NullPointerException.class, call);
        String m = String.valueOf(e.getMessage());
        assertTrue(
                m.contains(name + " must not be null") || m.contains("\"" + name + "\" is null"),
                () -> "NPE message \"" + m + "\" does not name the parameter \"" + name + "\"");
        return e;
    }

    static Tensor fwd(PoolSpec spec, Tensor x) {
        return accepted(() -> Pooling.forward(spec, x), x);
    }

    // ---- 1. kernel size <= 0 --------------------------------------------------------------------

    @Nested
    @DisplayName("1 kernel size <= 0 (CVE-2021-41196, CVE-2023-25669)")
    class C01KernelSize {
        @Test
        void acceptsKernelOne() {
            Tensor x = seq(1, 2, 5);
            Tensor y = fwd(PoolSpec.max(1).build(), x);
            assertArrayEquals(new int[] {1, 2, 5}, y.shape());
            assertArrayEquals(x.data(), y.data());
        }

        @Test
        void acceptsKernelEqualToInput() {
            Tensor x = Tensor.of(new float[] {1, 7, 3, 2}, 1, 1, 4);
            Tensor y = fwd(PoolSpec.max(4).build(), x);
            assertArrayEquals(new int[] {1, 1, 1}, y.shape());
            assertEquals(7f, y.data()[0]);
            assertEquals(3.25f, fwd(PoolSpec.avg(4).build(), x).data()[0]);
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
        void rejectsNonPositiveKernelForEverySlidingOp(int k) {
            String v = "kernel = [" + k + "]";
            rejects(() -> PoolSpec.max(k).build(), v, ">= 1");
            rejects(() -> PoolSpec.avg(k).build(), v);
            rejects(() -> PoolSpec.lp(2, k).build(), v);
            rejects(() -> PoolSpec.maxUnpool(k).build(), v);
            rejects(() -> PoolSpec.fractionalMax(k, 2).outputSize(1, 1).build(), "kernel = [" + k + ", 2]");
        }

        @Test
        void rejectsZeroOnOneAxisOf3d() {
            // CVE-2021-41196: Keras MaxPooling3D pool_size=[2, 2, 0] on input [3, 4, 10, 11, 12].
            rejects(() -> PoolSpec.max(2, 2, 0).build(), "kernel = [2, 2, 0]");
        }

        @Test
        void rejectsZeroKernelAndZeroStride() {
            // CVE-2023-25669: AvgPoolGrad with ksize [1,0,0,0] and strides [1,0,0,0].
            rejects(() -> PoolSpec.avg(0, 0).stride(0, 0).build(), "kernel = [0, 0]");
        }
    }

    // ---- 2. stride <= 0 ---------------------------------------------------------------------

    @Nested
    @DisplayName("2 stride <= 0 (CVE-2021-29586, CVE-2021-37684)")
    class C02Stride {
        @Test
        void acceptsStrideOne() {
            Tensor x = Tensor.of(new float[] {1, 5, 2, 4, 3}, 1, 1, 5);
            Tensor y = fwd(PoolSpec.max(2).stride(1).build(), x);
            assertArrayEquals(new int[] {1, 1, 4}, y.shape());
            assertArrayEquals(new float[] {5, 5, 4, 4}, y.data());
        }

        @Test
        void acceptsHugeStride() {
            Tensor x = Tensor.of(new float[] {1, 5, 2, 4, 3}, 1, 1, 5);
            Tensor y = fwd(PoolSpec.max(2).stride(Integer.MAX_VALUE).build(), x);
            assertArrayEquals(new float[] {5}, y.data());
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
        void rejectsNonPositiveStride(int s) {
            rejects(() -> PoolSpec.max(2).stride(s).build(), "stride = [" + s + "]", ">= 1");
            rejects(() -> PoolSpec.avg(2).stride(s).build(), "stride = [" + s + "]");
            rejects(() -> PoolSpec.lp(2, 2).stride(s).build(), "stride = [" + s + "]");
            rejects(() -> PoolSpec.maxUnpool(2).stride(s).build(), "stride = [" + s + "]");
        }

        @Test
        void rejectsZeroStrideOnOneAxis() {
            rejects(() -> PoolSpec.avg(2, 2).stride(1, 0).build(), "stride = [1, 0]");
        }

        @Test
        void rejectsBroadcastZeroStride() {
            // TFLite (CVE-2021-29586): stride_height/width = 0.
            rejects(() -> PoolSpec.avg(2, 2).stride(0).build(), "stride = [0, 0]");
        }
    }

    // ---- 3. dilation <= 0 -------------------------------------------------------------------

    @Nested
    @DisplayName("3 dilation <= 0")
    class C03Dilation {
        @Test
        void acceptsDilationOneAndTwo() {
            Tensor x = Tensor.of(new float[] {1, 9, 3}, 1, 1, 3);
            assertArrayEquals(
                    new float[] {9, 9},
                    fwd(PoolSpec.max(2).stride(1).dilation(1).build(), x).data());
            Tensor y = fwd(PoolSpec.max(2).stride(1).dilation(2).build(), x);
            assertArrayEquals(new int[] {1, 1, 1}, y.shape());
            assertArrayEquals(new float[] {3}, y.data()); // taps 0 and 2
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -3, Integer.MIN_VALUE})
        void rejectsNonPositiveDilation(int d) {
            rejects(() -> PoolSpec.max(2).dilation(d).build(), "dilation = [" + d + "]", ">= 1");
            rejects(() -> PoolSpec.avg(2).dilation(d).build(), "dilation = [" + d + "]");
            rejects(() -> PoolSpec.lp(2, 2).dilation(d).build(), "dilation = [" + d + "]");
        }

        @Test
        void rejectsNegativeDilationOnOneAxisOf3d() {
            // PyTorch issue 136716: quantized_max_pool3d with dilation -3.
            rejects(() -> PoolSpec.max(2, 2, 2).dilation(1, 1, -3).build(), "dilation = [1, 1, -3]");
        }
    }

    // ---- 4. padding < 0 ---------------------------------------------------------------------

    @Nested
    @DisplayName("4 padding < 0")
    class C04NegativePadding {
        @Test
        void acceptsZeroAndAsymmetricPadding() {
            Tensor x = Tensor.of(new float[] {1, 5, 2, 4}, 1, 1, 4);
            assertArrayEquals(
                    new float[] {5, 4},
                    fwd(PoolSpec.max(2).padding(0).build(), x).data());
            Tensor y = fwd(PoolSpec.max(2).padding(new int[] {1}, new int[] {0}).build(), x);
            assertArrayEquals(new int[] {1, 1, 2}, y.shape());
            assertArrayEquals(new float[] {1, 5}, y.data());
        }

        @ParameterizedTest
        @ValueSource(ints = {-1, -2, Integer.MIN_VALUE})
        void rejectsNegativePadding(int p) {
            rejects(() -> PoolSpec.max(3).padding(p).build(), "padding = [" + p + "]", ">= 0");
            rejects(() -> PoolSpec.avg(3).padding(p).build(), "padding = [" + p + "]");
            rejects(() -> PoolSpec.maxUnpool(3).padding(p).build(), "padding = [" + p + "]");
        }

        @Test
        void rejectsNegativeEndPaddingOnly() {
            rejects(() -> PoolSpec.max(3).padding(new int[] {1}, new int[] {-1}).build(), "padding = [-1]");
        }

        @Test
        void rejectsNegativePaddingOnOneAxis() {
            rejects(() -> PoolSpec.avg(3, 3).padding(1, -1).build(), "padding = [1, -1]");
        }
    }

    // ---- 5. padding >= effective kernel -----------------------------------------------------

    @Nested
    @DisplayName("5 padding >= effective kernel (window entirely in padding)")
    class C05PaddingTooLarge {
        @Test
        void acceptsPaddingEffectiveKernelMinusOne() {
            Tensor x = Tensor.of(new float[] {4}, 1, 1, 1);
            Tensor y = fwd(PoolSpec.max(3).stride(1).padding(2).build(), x);
            assertArrayEquals(new int[] {1, 1, 3}, y.shape());
            assertArrayEquals(new float[] {4, 4, 4}, y.data());
            // count_include_pad = true: every window counts 3 taps
            assertArrayEquals(
                    new float[] {4 / 3f, 4 / 3f, 4 / 3f},
                    fwd(PoolSpec.avg(3).stride(1).padding(2).build(), x).data());
            // dilation 3, kernel 2: effective kernel 4, padding 3 is the largest legal value
            assertDoesNotThrow(() -> PoolSpec.max(2).dilation(3).padding(3).build());
        }

        @Test
        void rejectsPaddingEqualToKernel() {
            rejects(() -> PoolSpec.max(3).padding(3).build(), "padding = [3]", "effective kernel 3");
            rejects(() -> PoolSpec.avg(3, 3).padding(1, 3).build(), "padding = [1, 3]", "axis 1");
        }

        @Test
        void rejectsAnyPaddingWithKernelOne() {
            rejects(() -> PoolSpec.max(1).padding(1).build(), "padding = [1]", "effective kernel 1");
        }

        @Test
        void rejectsHugePadding() {
            rejects(() -> PoolSpec.lp(2, 3).padding(Integer.MAX_VALUE).build(), "padding = [2147483647]");
        }

        @Test
        void rejectsPaddingAtDilatedBoundary() {
            rejects(() -> PoolSpec.max(2).dilation(2).padding(3).build(), "padding = [3]", "effective kernel 3");
        }

        @Test
        void rejectsEndPaddingOnly() {
            rejects(() -> PoolSpec.avg(2).padding(new int[] {0}, new int[] {2}).build(), "padding = [2]");
        }
    }

    // ---- 6. computed output size <= 0 -------------------------------------------------------

    @Nested
    @DisplayName("6 computed output size <= 0 (CVE-2022-35989, CVE-2022-35941)")
    class C06OutputSize {
        @Test
        void acceptsWindowEqualToInputAndPaddedFit() {
            Tensor x = Tensor.of(new float[] {2, 8, 1, 3}, 1, 1, 2, 2);
            Tensor y = fwd(PoolSpec.max(2, 2).build(), x);
            assertArrayEquals(new int[] {1, 1, 1, 1}, y.shape());
            assertEquals(8f, y.data()[0]);
            // kernel 2 on input 1 fits once padding 1 is added
            Tensor z = fwd(PoolSpec.max(2).padding(1).build(), Tensor.of(new float[] {5}, 1, 1, 1));
            assertArrayEquals(new float[] {5}, z.data());
            // ceil mode keeps the partial last window
            assertArrayEquals(
                    new int[] {1, 1, 3},
                    fwd(PoolSpec.max(2).ceilMode(true).build(), seq(1, 1, 5)).shape());
        }

        @Test
        void rejectsWindowLargerThanInput() {
            // CVE-2022-35989: NCHW input [1,1,1,1], ksize [1,1,2,2], VALID.
            Tensor x = seq(1, 1, 1, 1);
            rejects(
                    () -> Pooling.forward(PoolSpec.max(2, 2).build(), x),
                    "input shape = [1, 1, 1, 1]",
                    "computed output size 0");
            rejects(
                    () -> Pooling.forward(
                            PoolSpec.max(2, 2).autoPad(AutoPad.VALID).build(), x),
                    "input shape = [1, 1, 1, 1]",
                    "output size 0");
        }

        @Test
        void rejectsHugeKernel() {
            // CVE-2022-35941: ksize [1, 1e20, 1, 1] on [1,1,1,1]; 1e20 does not fit an int, so the largest int.
            Tensor x = seq(1, 1, 1, 1);
            rejects(
                    () -> Pooling.forward(PoolSpec.avg(Integer.MAX_VALUE, 1).build(), x),
                    "input shape = [1, 1, 1, 1]",
                    "effective kernel 2147483647");
            rejects(
                    () -> Pooling.backward(PoolSpec.avg(Integer.MAX_VALUE, 1).build(), x, x),
                    "input shape = [1, 1, 1, 1]");
        }

        @Test
        void rejectsDilationPushingWindowPastInput() {
            Tensor x = seq(1, 1, 5);
            rejects(
                    () -> Pooling.forward(PoolSpec.max(2).dilation(5).build(), x),
                    "input shape = [1, 1, 5]",
                    "effective kernel 6");
            // effective kernel exactly 2^31-1
            rejects(
                    () -> Pooling.forward(
                            PoolSpec.max(2).dilation(Integer.MAX_VALUE - 1).build(), x),
                    "effective kernel 2147483647");
        }

        @Test
        void rejectsValidModeOneShort() {
            rejects(
                    () -> Pooling.forward(
                            PoolSpec.lp(2, 3).autoPad(AutoPad.VALID).build(), seq(2, 2)),
                    "input shape = [2, 2]",
                    "output size 0");
        }
    }

    // ---- 7. array length != spatial dims; empty kernel list ----------------------------------

    @Nested
    @DisplayName("7 parameter arity (PyTorch issue 116323: empty kernel list)")
    class C07Arity {
        @Test
        void acceptsBroadcastOfLengthOne() {
            PoolSpec s = PoolSpec.max(2, 3).stride(1).padding(1).dilation(1).build();
            assertArrayEquals(new int[] {1, 1}, s.stride());
            assertArrayEquals(new int[] {1, 1}, s.padBegin());
            Tensor y = fwd(s, seq(1, 1, 4, 4));
            assertArrayEquals(new int[] {1, 1, 5, 4}, y.shape());
        }

        @Test
        void rejectsEmptyKernel() {
            rejects(() -> PoolSpec.max().build(), "kernel = []");
            rejects(() -> PoolSpec.avg(new int[0]), "kernel = []");
            rejects(() -> PoolSpec.lp(2), "kernel = []");
            rejects(() -> PoolSpec.fractionalMax(), "kernel = []");
            rejects(() -> PoolSpec.maxUnpool(), "kernel = []");
        }

        @Test
        void rejectsStrideLengthMismatch() {
            rejects(() -> PoolSpec.max(2, 2).stride(1, 1, 1).build(), "stride = [1, 1, 1]", "must have 2 entries");
            rejects(() -> PoolSpec.max(2).stride().build(), "stride = []", "must have 1 entries");
        }

        @Test
        void rejectsDilationAndPaddingLengthMismatch() {
            rejects(() -> PoolSpec.max(2, 2).dilation(1, 1, 1).build(), "dilation = [1, 1, 1]");
            rejects(() -> PoolSpec.max(2, 2, 2).padding(0, 0).build(), "padBegin = [0, 0]");
            rejects(
                    () -> PoolSpec.max(2, 2)
                            .padding(new int[] {0, 0}, new int[] {0, 0, 0})
                            .build(),
                    "padEnd = [0, 0, 0]");
        }

        @Test
        void rejectsOutputSizeAndRatioLengthMismatch() {
            rejects(() -> PoolSpec.maxUnpool(2, 2).outputSize(4, 4, 4).build(), "outputSize = [4, 4, 4]");
            rejects(() -> PoolSpec.fractionalMax(2, 2).outputSize(2, 2, 2).build(), "outputSize = [2, 2, 2]");
            rejects(
                    () -> PoolSpec.fractionalMax(2, 2)
                            .outputRatio(0.5, 0.5, 0.5)
                            .build(),
                    "outputRatio = [0.5, 0.5, 0.5]");
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
        void rejectsGlobalSpatialDims(int dims) {
            rejects(() -> PoolSpec.globalMax(dims), "spatialDims = " + dims);
            rejects(() -> PoolSpec.globalAvg(dims), "spatialDims = " + dims);
            rejects(() -> PoolSpec.globalLp(2, dims), "spatialDims = " + dims);
        }
    }

    // ---- 8. input rank ----------------------------------------------------------------------

    @Nested
    @DisplayName("8 input rank")
    class C08Rank {
        @Test
        void acceptsBatchedAndUnbatched() {
            PoolSpec s = PoolSpec.max(2).build();
            Tensor batched = seq(1, 3, 4);
            Tensor unbatched = Tensor.of(batched.data().clone(), 3, 4);
            Tensor yb = fwd(s, batched);
            Tensor yu = fwd(s, unbatched);
            assertArrayEquals(new int[] {1, 3, 2}, yb.shape());
            assertArrayEquals(new int[] {3, 2}, yu.shape());
            assertArrayEquals(yb.data(), yu.data());
            assertArrayEquals(
                    new int[] {2, 1, 1, 1, 1},
                    fwd(PoolSpec.max(2, 2, 2).build(), seq(2, 1, 2, 2, 2)).shape());
        }

        @Test
        void rejectsRank0() {
            rejects(
                    () -> Pooling.forward(PoolSpec.max(1, 1).build(), Tensor.of(new float[] {1})),
                    "input shape = []",
                    "got rank 0");
        }

        @Test
        void rejectsRank1() {
            rejects(() -> Pooling.forward(PoolSpec.max(1, 1).build(), seq(4)), "input shape = [4]", "got rank 1");
            rejects(() -> Pooling.forward(PoolSpec.max(1).build(), seq(4)), "input shape = [4]", "got rank 1");
        }

        @Test
        void rejectsRank2For2d() {
            rejects(
                    () -> Pooling.forward(PoolSpec.avg(2, 2).build(), seq(4, 4)),
                    "input shape = [4, 4]",
                    "rank 4",
                    "got rank 2");
        }

        @Test
        void rejectsRankTooLarge() {
            rejects(
                    () -> Pooling.forward(PoolSpec.max(2, 2).build(), seq(1, 1, 1, 4, 4)),
                    "input shape = [1, 1, 1, 4, 4]",
                    "got rank 5");
            rejects(() -> Pooling.forward(PoolSpec.adaptiveAvg(1, 1, 1).build(), seq(1, 1, 1, 1, 2, 2)), "got rank 6");
            rejects(() -> Pooling.forward(PoolSpec.globalMax(1).build(), seq(1, 1, 1, 4)), "got rank 4");
        }
    }

    // ---- 9. zero-size dims --------------------------------------------------------------------

    @Nested
    @DisplayName("9 zero channels / zero spatial rejected, zero batch accepted")
    class C09ZeroSize {
        @Test
        void acceptsZeroBatchForwardAndBackward() {
            PoolSpec s = PoolSpec.max(2).build();
            Tensor x = Tensor.zeros(0, 3, 4);
            Tensor y = fwd(s, x);
            assertArrayEquals(new int[] {0, 3, 2}, y.shape());
            assertEquals(0, y.size());
            Tensor g = Tensor.zeros(0, 3, 2);
            Tensor dx = accepted(() -> Pooling.backward(s, x, g), x, g);
            assertArrayEquals(new int[] {0, 3, 4}, dx.shape());
            Pooled p = accepted(() -> Pooling.forwardWithIndices(s, x), x);
            assertArrayEquals(new int[] {0, 3, 2}, p.indices().shape());
            Tensor xl = Tensor.zeros(Layout.CHANNELS_LAST, 0, 4, 4, 3);
            assertArrayEquals(
                    new int[] {0, 2, 2, 3}, fwd(PoolSpec.avg(2, 2).build(), xl).shape());
        }

        @Test
        void rejectsZeroChannels() {
            rejects(
                    () -> Pooling.forward(PoolSpec.max(2).build(), Tensor.zeros(1, 0, 4)),
                    "input shape = [1, 0, 4]",
                    "channel");
            rejects(
                    () -> Pooling.forward(PoolSpec.max(2).build(), Tensor.zeros(0, 4)),
                    "input shape = [0, 4]",
                    "channel");
            rejects(
                    () -> Pooling.forward(PoolSpec.max(2).build(), Tensor.zeros(Layout.CHANNELS_LAST, 1, 4, 0)),
                    "input shape = [1, 4, 0]");
        }

        @Test
        void rejectsZeroSpatial() {
            rejects(
                    () -> Pooling.forward(PoolSpec.globalAvg(1).build(), Tensor.zeros(1, 1, 0)),
                    "input shape = [1, 1, 0]",
                    "spatial");
            rejects(
                    () -> Pooling.forward(PoolSpec.adaptiveMax(1, 1).build(), Tensor.zeros(1, 1, 4, 0)),
                    "input shape = [1, 1, 4, 0]");
        }

        @Test
        void rejectsAllZero() {
            // CVE-2021-29573: input and grad [0,0,0,0], argmax [0] (batch 0 used as divisor).
            Tensor x = Tensor.zeros(0, 0, 0, 0);
            rejects(
                    () -> Pooling.backward(PoolSpec.max(1, 1).build(), x, x, LongTensor.of(new long[0], 0)),
                    "input shape = [0, 0, 0, 0]");
        }

        @Test
        void rejectsZeroSpatialNhwc() {
            // CVE-2021-37674: orig_input/orig_output/grad [3,0,0,2] NHWC, ksize 16x16, strides 16x18, explicit padding.
            Tensor x = Tensor.zeros(Layout.CHANNELS_LAST, 3, 0, 0, 2);
            PoolSpec s = PoolSpec.max(16, 16)
                    .stride(16, 18)
                    .padding(new int[] {14, 15}, new int[] {3, 5})
                    .build();
            rejects(() -> Pooling.backward(s, x, x), "input shape = [3, 0, 0, 2]", "spatial");
        }
    }

    // ---- 10. data length != product(shape) ---------------------------------------------------

    @Nested
    @DisplayName("10 data length != product(shape)")
    class C10DataLength {
        @Test
        void acceptsExactLengthAndEmpty() {
            Tensor t = Tensor.of(new float[4], 1, 1, 4);
            assertEquals(4, t.size());
            assertEquals(0, Tensor.of(new float[0], 0, 1, 4).size());
            assertEquals(1, Tensor.of(new float[] {3}).size()); // rank 0 holds one element
            assertEquals(2, LongTensor.of(new long[2], 1, 2).size());
        }

        @Test
        void rejectsOneTooMany() {
            rejects(() -> Tensor.of(new float[5], 1, 1, 4), "data.length = 5", "[1, 1, 4] = 4");
            rejects(() -> LongTensor.of(new long[5], 1, 1, 4), "data.length = 5");
        }

        @Test
        void rejectsEmptyDataForNonEmptyShape() {
            rejects(() -> Tensor.of(new float[0], 1, 1, 1), "data.length = 0", "= 1");
            rejects(() -> Tensor.of(new float[0]), "data.length = 0"); // rank 0 needs one element
        }

        @Test
        void rejectsReshapeAndLayoutOnWrongCount() {
            Tensor t = seq(1, 1, 4);
            rejects(() -> t.reshape(1, 1, 5), "data.length = 4", "[1, 1, 5] = 5");
            rejects(() -> LongTensor.of(new long[4], 4).reshape(3), "data.length = 4");
        }

        @Test
        void rejectsOutOfRangeElementAccess() {
            Tensor t = seq(1, 1, 4);
            rejects(() -> t.get(0, 0, 4), "index = [0, 0, 4]", "[0, 4)");
            rejects(() -> t.get(0, 0, -1), "index = [0, 0, -1]");
            rejects(() -> t.get(0, 0), "index = [0, 0]", "3 entries");
            rejects(() -> LongTensor.of(new long[2], 2).get(Integer.MIN_VALUE), "index = [-2147483648]");
        }
    }

    // ---- 11. shape products / index arithmetic overflow --------------------------------------

    @Nested
    @DisplayName("11 overflow of shape products and index arithmetic")
    class C11Overflow {
        @Test
        void acceptsLargestShapesWithoutAllocating() {
            // 46340^2 = 2,147,395,600 <= 2^31 - 9: a legal input shape (never allocated here).
            Geometry g = accepted(() ->
                    Geometry.of(PoolSpec.globalMax(2).build(), new int[] {1, 1, 46340, 46340}, Layout.CHANNELS_FIRST));
            assertArrayEquals(new int[] {1, 1, 1, 1}, g.outputShape());
            assertEquals(46340 * 46340, g.inPlane());
            Geometry h = accepted(() -> Geometry.of(
                    PoolSpec.max(46340, 46340).build(), new int[] {1, 1, 46340, 46340}, Layout.CHANNELS_FIRST));
            assertArrayEquals(new int[] {1, 1, 1, 1}, h.outputShape());
            // effective kernel exactly 2^31 - 1 is representable
            PoolSpec s = accepted(
                    () -> PoolSpec.max(2).dilation(Integer.MAX_VALUE - 1).build());
            assertEquals(Integer.MAX_VALUE, Shapes.effectiveKernel(s.kernel()[0], s.dilation()[0]));
        }

        @Test
        void rejectsShapeProductOverflow() {
            rejects(() -> Tensor.zeros(65536, 65536, 2), "shape = [65536, 65536, 2]", "more than");
            rejects(() -> Tensor.of(new float[1], 65536, 65536, 2), "shape = [65536, 65536, 2]");
            rejects(
                    () -> Geometry.of(
                            PoolSpec.max(2, 2).build(), new int[] {1, 1, 46341, 46341}, Layout.CHANNELS_FIRST),
                    "input shape = [1, 1, 46341, 46341]");
            rejects(() -> Tensor.zeros(Integer.MAX_VALUE), "shape = [2147483647]");
        }

        @Test
        void rejectsEffectiveKernelOverflow() {
            rejects(() -> PoolSpec.max(3).dilation(Integer.MAX_VALUE).build(), "dilation = [2147483647]", "overflows");
            rejects(() -> PoolSpec.avg(Integer.MAX_VALUE).dilation(2).build(), "dilation = [2]", "overflows");
            rejects(() -> PoolSpec.lp(1, 2, 2).dilation(1, Integer.MAX_VALUE).build(), "dilation = [1, 2147483647]");
        }

        @Test
        void rejectsOutputThatOverflows() {
            // AdaptiveMaxPool1d with output 0x3FFFFFFFFFFFFFFF (numel overflow): the largest int here.
            Tensor x = seq(1, 1, 1);
            rejects(
                    () -> Pooling.forward(
                            PoolSpec.adaptiveMax(Integer.MAX_VALUE).build(), x),
                    "output shape = [2147483647]");
            // 3-D output of (2^21)^3 = 2^63 elements: the long product overflows to negative
            int k = 1 << 21;
            rejects(
                    () -> Geometry.of(
                            PoolSpec.max(k, k, k).stride(1).padding(k - 1).build(),
                            new int[] {1, 1, 1, 1, 1},
                            Layout.CHANNELS_FIRST),
                    "[2097152, 2097152, 2097152]");
            // (2^22)^3 = 2^66 elements: the long product wraps to 0
            int k2 = 1 << 22;
            rejects(
                    () -> Geometry.of(
                            PoolSpec.max(k2, k2, k2).stride(1).padding(k2 - 1).build(),
                            new int[] {1, 1, 1, 1, 1},
                            Layout.CHANNELS_FIRST),
                    "[4194304, 4194304, 4194304]");
            // max unpool: (2-1)*2^30 + 2^30 = 2^31 positions
            rejects(
                    () -> Geometry.of(PoolSpec.maxUnpool(1 << 30).build(), new int[] {1, 1, 2}, Layout.CHANNELS_FIRST),
                    "output size = 2147483648");
        }

        @Test
        void rejectsPaddedExtentOverflow() {
            int big = Integer.MAX_VALUE - 1;
            rejects(
                    () -> Geometry.of(
                            PoolSpec.max(Integer.MAX_VALUE).padding(big).build(),
                            new int[] {1, 1, 2},
                            Layout.CHANNELS_FIRST),
                    "padding = [2147483646]",
                    "overflows");
        }
    }

    // ---- 12. negative or absurd shape arguments ----------------------------------------------

    @Nested
    @DisplayName("12 negative / absurd user-given shapes (CVE-2022-35963, CVE-2022-35968)")
    class C12NegativeShapes {
        @Test
        void acceptsZeroDims() {
            assertArrayEquals(new int[] {0, 1, 1}, Tensor.zeros(0, 1, 1).shape());
            assertArrayEquals(
                    new int[] {0, 2, 2},
                    accepted(() -> Geometry.of(PoolSpec.avg(2).build(), new int[] {0, 2, 4}, Layout.CHANNELS_FIRST))
                            .outputShape());
        }

        @Test
        void rejectsCve202235968Shape() {
            int v = -536870912;
            rejects(() -> Tensor.zeros(v, v, v, v), "shape = [-536870912, -536870912, -536870912, -536870912]", ">= 0");
            rejects(
                    () -> Geometry.of(PoolSpec.avg(1, 1).build(), new int[] {v, v, v, v}, Layout.CHANNELS_LAST),
                    "input shape = [-536870912, -536870912, -536870912, -536870912]");
        }

        @Test
        void rejectsCve202235963Shape() {
            int v = -1879048192;
            rejects(
                    () -> Tensor.of(new float[0], v, v, v, v),
                    "shape = [-1879048192, -1879048192, -1879048192, -1879048192]");
            rejects(() -> LongTensor.of(new long[0], v, v, v, v), "shape = [-1879048192");
        }

        @Test
        void rejectsMinusOne() {
            rejects(() -> Tensor.zeros(1, -1, 4), "shape = [1, -1, 4]", ">= 0");
            rejects(
                    () -> Geometry.of(PoolSpec.max(2).build(), new int[] {-1, 1, 4}, Layout.CHANNELS_FIRST),
                    "input shape = [-1, 1, 4]");
            // two negatives whose product is positive must still be rejected
            rejects(() -> Tensor.of(new float[4], -2, -2), "shape = [-2, -2]");
        }

        @Test
        void rejectsMinValue() {
            rejects(() -> Tensor.zeros(Integer.MIN_VALUE), "shape = [-2147483648]");
        }
    }

    // ---- 13. backward: grad shape != forward output shape ------------------------------------

    @Nested
    @DisplayName("13 backward: gradOutput shape != output shape (CVE-2021-29576/29577, 2023-25664)")
    class C13GradShape {
        @Test
        void acceptsExactShape() {
            PoolSpec s = PoolSpec.avg(2, 2).build();
            Tensor x = seq(1, 1, 4, 4);
            Tensor g = Tensor.of(new float[] {1, 1, 1, 1}, 1, 1, 2, 2);
            Tensor dx = accepted(() -> Pooling.backward(s, x, g), x, g);
            assertArrayEquals(new int[] {1, 1, 4, 4}, dx.shape());
            for (float v : dx.data()) assertEquals(0.25f, v);
        }

        @Test
        void rejectsCve202129576() {
            // MaxPool3DGradGrad: orig_input [11,1,1,1,1] vs orig_output/grad [1,1,1,1,1], k = s = 1.
            Tensor x = seq(11, 1, 1, 1, 1);
            Tensor g = seq(1, 1, 1, 1, 1);
            rejects(
                    () -> Pooling.backward(PoolSpec.max(1, 1, 1).build(), x, g),
                    "gradOutput shape = [1, 1, 1, 1, 1]",
                    "[11, 1, 1, 1, 1]");
        }

        @Test
        void rejectsCve202129577() {
            // AvgPool3DGrad: orig_input_shape [10,6,3,7,7] vs grad [3,1,1,1,1], k = s = 1, SAME.
            Tensor x = seq(10, 6, 3, 7, 7);
            Tensor g = seq(3, 1, 1, 1, 1);
            rejects(
                    () -> Pooling.backward(
                            PoolSpec.avg(1, 1, 1).autoPad(AutoPad.SAME_UPPER).build(), x, g),
                    "gradOutput shape = [3, 1, 1, 1, 1]",
                    "[10, 6, 3, 7, 7]");
        }

        @Test
        void rejectsCve202325664() {
            // AvgPoolGrad: grad [16,16,16,16] inconsistent with the output shape.
            Tensor x = seq(1, 1, 4, 4);
            rejects(
                    () -> Pooling.backward(PoolSpec.avg(2, 2).build(), x, seq(16, 16, 16, 16)),
                    "gradOutput shape = [16, 16, 16, 16]");
        }

        @Test
        void rejectsTransposedRankAndLayoutMismatch() {
            Tensor x = seq(1, 1, 2, 4);
            PoolSpec s = PoolSpec.max(2, 2).build();
            rejects(() -> Pooling.backward(s, x, seq(1, 1, 2, 1)), "gradOutput shape = [1, 1, 2, 1]", "[1, 1, 1, 2]");
            rejects(() -> Pooling.backward(s, x, seq(1, 1, 2)), "gradOutput shape = [1, 1, 2]");
            Tensor gl = new Tensor(new float[2], new int[] {1, 1, 1, 2}, Layout.CHANNELS_LAST);
            rejects(() -> Pooling.backward(s, x, gl), "gradOutput layout = CHANNELS_LAST");
        }

        @Test
        void rejectsFractionalAndUnpoolGradMismatch() {
            // CVE-2021-29578: orig [1,3,2,3] vs out_backprop [1,1,1,1].
            Tensor x = seq(1, 3, 2, 3);
            PoolSpec f = PoolSpec.fractionalMax(1, 1).outputSize(1, 2).seed(1).build();
            rejects(
                    () -> Pooling.fractionalMaxPoolBackward(f, x, seq(1, 1, 1, 1), null),
                    "gradOutput shape = [1, 1, 1, 1]",
                    "[1, 3, 1, 2]");
            PoolSpec u = PoolSpec.maxUnpool(2).build();
            Tensor ux = seq(1, 1, 2);
            LongTensor idx = LongTensor.of(new long[] {0, 3}, 1, 1, 2);
            rejects(
                    () -> Pooling.maxUnpoolBackward(u, ux, idx, seq(1, 1, 5)),
                    "gradOutput shape = [1, 1, 5]",
                    "[1, 1, 4]");
        }
    }

    // ---- 14. backward: empty grad where the forward had data ----------------------------------

    @Nested
    @DisplayName("14 backward: empty gradOutput for a non-empty forward (CVE-2021-29574/29579)")
    class C14EmptyGrad {
        @Test
        void acceptsEmptyGradForZeroBatch() {
            Tensor x = Tensor.zeros(0, 1, 2, 2);
            Tensor g = Tensor.zeros(0, 1, 1, 1);
            Tensor dx = accepted(() -> Pooling.backward(PoolSpec.max(2, 2).build(), x, g), x, g);
            assertArrayEquals(new int[] {0, 1, 2, 2}, dx.shape());
        }

        @Test
        void rejectsCve202129579() {
            // MaxPoolGrad: orig_input/orig_output [1,1,1,1], grad empty [0,0,0,0].
            Tensor x = seq(1, 1, 1, 1);
            rejects(
                    () -> Pooling.backward(PoolSpec.max(1, 1).build(), x, Tensor.zeros(0, 0, 0, 0)),
                    "gradOutput shape = [0, 0, 0, 0]");
        }

        @Test
        void rejectsCve202129574() {
            // MaxPool3DGradGrad: orig [1,1,1,1,1], grad empty [0,0,0,0,0].
            Tensor x = seq(1, 1, 1, 1, 1);
            rejects(
                    () -> Pooling.backward(PoolSpec.max(1, 1, 1).build(), x, Tensor.zeros(0, 0, 0, 0, 0)),
                    "gradOutput shape = [0, 0, 0, 0, 0]");
            rejects(
                    () -> Pooling.backward(
                            PoolSpec.max(1, 1, 1).build(), x, x, LongTensor.of(new long[0], 0, 0, 0, 0, 0)),
                    "indices shape = [0, 0, 0, 0, 0]");
        }

        @Test
        void rejectsZeroBatchGradForBatchOneInput() {
            Tensor x = seq(1, 1, 4);
            rejects(
                    () -> Pooling.backward(PoolSpec.avg(2).build(), x, Tensor.zeros(0, 1, 2)),
                    "gradOutput shape = [0, 1, 2]");
        }

        @Test
        void rejectsEmptyGradForFractionalAndUnpool() {
            Tensor x = seq(1, 1, 4, 4);
            PoolSpec f = PoolSpec.fractionalMax(2, 2).outputSize(2, 2).seed(7).build();
            rejects(
                    () -> Pooling.fractionalMaxPoolBackward(f, x, Tensor.zeros(0, 1, 2, 2), null),
                    "gradOutput shape = [0, 1, 2, 2]");
            PoolSpec u = PoolSpec.maxUnpool(2).build();
            rejects(
                    () -> Pooling.maxUnpoolBackward(
                            u, seq(1, 1, 2), LongTensor.of(new long[] {0, 1}, 1, 1, 2), Tensor.zeros(1, 1, 0)),
                    "gradOutput shape = [1, 1, 0]");
        }
    }

    // ---- 15. indices: shape and values --------------------------------------------------------

    @Nested
    @DisplayName("15 indices: shape mismatch, values outside [0, plane) (CVE-2021-29570, TF InvalidArgmaxIndices)")
    class C15Indices {
        final PoolSpec max2 = PoolSpec.max(2).build();
        final Tensor x = Tensor.of(new float[] {1, 4, 3, 2}, 1, 1, 4);
        final Tensor g = Tensor.of(new float[] {10, 20}, 1, 1, 2);

        @Test
        void acceptsForwardIndicesAndBoundaryValues() {
            Pooled p = accepted(() -> Pooling.forwardWithIndices(max2, x), x);
            assertArrayEquals(new long[] {1, 2}, p.indices().data());
            Tensor dx = accepted(() -> Pooling.backward(max2, x, g, p.indices()), x, g, p.indices());
            assertArrayEquals(new float[] {0, 10, 20, 0}, dx.data());
            // indices 0 and plane-1 are the legal extremes
            LongTensor edge = LongTensor.of(new long[] {0, 3}, 1, 1, 2);
            assertArrayEquals(
                    new float[] {10, 0, 0, 20},
                    accepted(() -> Pooling.backward(max2, x, g, edge), x, g, edge)
                            .data());
            Tensor up = accepted(
                    () -> Pooling.maxUnpool(PoolSpec.maxUnpool(2).build(), p.values(), p.indices()),
                    p.values(),
                    p.indices());
            assertArrayEquals(new float[] {0, 4, 3, 0}, up.data());
        }

        @Test
        void acceptsMinusOneAsNoWinner() {
            // -1 = no element won (MaxFloor.LOWEST_FINITE); it routes no gradient
            LongTensor idx = LongTensor.of(new long[] {-1, 2}, 1, 1, 2);
            assertArrayEquals(
                    new float[] {0, 0, 20, 0},
                    accepted(() -> Pooling.backward(max2, x, g, idx), x, g, idx).data());
            PoolSpec low = PoolSpec.max(2).maxFloor(MaxFloor.LOWEST_FINITE).build();
            Tensor inf = Tensor.of(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, 1, 1, 2);
            Pooled p = accepted(() -> Pooling.forwardWithIndices(low, inf), inf);
            assertArrayEquals(new long[] {-1}, p.indices().data());
            Tensor one = Tensor.of(new float[] {1}, 1, 1, 1);
            assertArrayEquals(
                    new float[] {0, 0},
                    accepted(() -> Pooling.backward(low, inf, one, p.indices()), inf, one, p.indices())
                            .data());
        }

        @Test
        void acceptsForwardIndicesOfWindowsEntirelyInPadding() {
            // kernel 2, dilation 3 (effective 4), padding 3 on input 1: windows 1 and 2 read only padding
            PoolSpec s = PoolSpec.max(2).stride(1).dilation(3).padding(3).build();
            Tensor x1 = Tensor.of(new float[] {7}, 1, 1, 1);
            Pooled p = accepted(() -> Pooling.forwardWithIndices(s, x1), x1);
            assertArrayEquals(
                    new float[] {7, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 7},
                    p.values().data());
            Tensor g4 = Tensor.of(new float[] {1, 10, 100, 1000}, 1, 1, 4);
            Tensor viaIdx = accepted(() -> Pooling.backward(s, x1, g4, p.indices()), x1, g4, p.indices());
            assertArrayEquals(new float[] {1001}, viaIdx.data());
            assertArrayEquals(Pooling.backward(s, x1, g4).data(), viaIdx.data());
            // the index of an empty window is ignored whatever it is
            LongTensor junk = LongTensor.of(new long[] {0, 999999, Long.MIN_VALUE, 0}, 1, 1, 4);
            assertArrayEquals(
                    new float[] {1001},
                    accepted(() -> Pooling.backward(s, x1, g4, junk), x1, g4, junk)
                            .data());
            // but not that of a window with an in-bounds tap
            LongTensor bad = LongTensor.of(new long[] {1, 0, 0, 0}, 1, 1, 4);
            rejects(() -> Pooling.backward(s, x1, g4, bad), "indices[0] = 1", "[0, 1)");
        }

        @ParameterizedTest
        @ValueSource(longs = {-2, 4, 999999, Long.MIN_VALUE, Long.MAX_VALUE})
        void rejectsOutOfRangeBackwardIndex(long v) {
            LongTensor idx = LongTensor.of(new long[] {0, v}, 1, 1, 2);
            rejects(() -> Pooling.backward(max2, x, g, idx), "indices[1] = " + v, "[0, 4)");
        }

        @ParameterizedTest
        @ValueSource(longs = {-1, 4, 999999, Long.MIN_VALUE})
        void rejectsOutOfRangeUnpoolIndex(long v) {
            // unpool of a [1,1,2] input with kernel 2: output plane 4
            PoolSpec u = PoolSpec.maxUnpool(2).build();
            Tensor in = Tensor.of(new float[] {5, 6}, 1, 1, 2);
            LongTensor idx = LongTensor.of(new long[] {v, 2}, 1, 1, 2);
            rejects(() -> Pooling.maxUnpool(u, in, idx), "indices[0] = " + v, "[0, 4)");
            rejects(() -> Pooling.maxUnpoolBackward(u, in, idx, seq(1, 1, 4)), "indices[0] = " + v);
        }

        @Test
        void rejectsCve202129570() {
            // MaxPoolGradWithArgmax: input [1,1,3,1], grad with 4 elements, argmax shape [1], k = s = 1, SAME.
            PoolSpec s = PoolSpec.max(1, 1).autoPad(AutoPad.SAME_UPPER).build();
            Tensor in = seq(1, 1, 3, 1);
            Tensor grad = seq(1, 1, 3, 1);
            rejects(
                    () -> Pooling.backward(s, in, grad, LongTensor.of(new long[] {0}, 1)),
                    "indices shape = [1]",
                    "[1, 1, 3, 1]");
            rejects(
                    () -> Pooling.backward(s, in, seq(1, 1, 1, 4), LongTensor.of(new long[] {0}, 1)),
                    "gradOutput shape = [1, 1, 1, 4]");
        }

        @Test
        void rejectsIndexShapeAndLayoutMismatch() {
            rejects(
                    () -> Pooling.backward(max2, x, g, LongTensor.of(new long[] {0, 1, 2}, 1, 1, 3)),
                    "indices shape = [1, 1, 3]");
            rejects(
                    () -> Pooling.maxUnpool(PoolSpec.maxUnpool(2).build(), g, LongTensor.of(new long[] {0, 1}, 2)),
                    "indices shape = [2]");
            LongTensor cl = new LongTensor(new long[] {0, 1}, new int[] {1, 2, 1}, Layout.CHANNELS_LAST);
            rejects(() -> Pooling.backward(max2, x, g, cl), "indices shape = [1, 2, 1]");
            LongTensor cl2 = new LongTensor(new long[] {0, 1}, new int[] {1, 1, 2}, Layout.CHANNELS_LAST);
            rejects(() -> Pooling.backward(max2, x, g, cl2), "indices layout = CHANNELS_LAST");
        }

        @Test
        void rejectsBadLastIndexBeforeAnyWork() {
            // the bad value is the last one: all are validated before the scatter
            Tensor in = seq(1, 2, 3);
            long[] v = {0, 1, 2, 3, 4, 6};
            LongTensor idx = LongTensor.of(v, 1, 2, 3);
            rejects(() -> Pooling.maxUnpool(PoolSpec.maxUnpool(2).build(), in, idx), "indices[5] = 6", "[0, 6)");
        }

        @Test
        void rejectsIndicesOnNonMaxOperator() {
            rejects(
                    () -> Pooling.backward(PoolSpec.avg(2).build(), x, g, LongTensor.of(new long[] {0, 2}, 1, 1, 2)),
                    "spec.op = AVG");
        }
    }

    // ---- 15b. Indices.convert with inconsistent values ---------------------------------------

    @Nested
    @DisplayName("15b Indices.convert: values inconsistent with their element")
    class C15bIndexConvert {
        // two channels, two outputs each, input spatial [4]: plane 4
        final LongTensor perPlane = LongTensor.of(new long[] {1, 3, 0, 2}, 1, 2, 2);

        @Test
        void acceptsRoundTrips() {
            int[] sp = {4};
            LongTensor global = accepted(
                    () -> Indices.convert(perPlane, sp, IndexFormat.PER_PLANE, IndexFormat.GLOBAL_ROW_MAJOR),
                    perPlane,
                    sp);
            assertArrayEquals(new long[] {1, 3, 4, 6}, global.data());
            LongTensor back = Indices.convert(global, sp, IndexFormat.GLOBAL_ROW_MAJOR, IndexFormat.PER_PLANE);
            assertArrayEquals(perPlane.data(), back.data());
            LongTensor tf = Indices.convert(perPlane, sp, IndexFormat.PER_PLANE, IndexFormat.CHANNELS_LAST);
            assertArrayEquals(new long[] {2, 6, 1, 5}, tf.data());
            assertArrayEquals(
                    perPlane.data(),
                    Indices.convert(tf, sp, IndexFormat.CHANNELS_LAST, IndexFormat.PER_PLANE)
                            .data());
        }

        @Test
        void noWinnerSentinelPassesThroughEveryFormat() {
            // -1 = "no element won" (TensorFlow, ONNX Runtime); it is not a position, so it stays -1.
            LongTensor idx = LongTensor.of(new long[] {1, Indices.NONE, 0, 2}, 1, 2, 2);
            for (IndexFormat f : IndexFormat.values()) {
                LongTensor out = Indices.convert(idx, new int[] {4}, IndexFormat.PER_PLANE, f);
                assertEquals(-1L, out.data()[1], f.toString());
                assertArrayEquals(
                        idx.data(),
                        Indices.convert(out, new int[] {4}, f, IndexFormat.PER_PLANE)
                                .data(),
                        f.toString());
            }
        }

        @ParameterizedTest
        @ValueSource(longs = {-2, 4, 999999, Long.MIN_VALUE})
        void rejectsPerPlaneOutOfRange(long v) {
            LongTensor bad = LongTensor.of(new long[] {1, 3, 0, v}, 1, 2, 2);
            rejects(
                    () -> Indices.convert(bad, new int[] {4}, IndexFormat.PER_PLANE, IndexFormat.GLOBAL_ROW_MAJOR),
                    "indices[3] = " + v);
        }

        @Test
        void rejectsGlobalIndexOfAnotherPlane() {
            // element 2 belongs to channel 1 (positions 4..7) but names position 2 of channel 0
            LongTensor bad = LongTensor.of(new long[] {1, 3, 2, 6}, 1, 2, 2);
            rejects(
                    () -> Indices.convert(bad, new int[] {4}, IndexFormat.GLOBAL_ROW_MAJOR, IndexFormat.PER_PLANE),
                    "indices[2] = 2");
            rejects(
                    () -> Indices.convert(bad, new int[] {4}, IndexFormat.GLOBAL_COLUMN_MAJOR, IndexFormat.PER_PLANE),
                    "indices[2] = 2");
        }

        @Test
        void rejectsChannelsLastWrongChannelOrBatch() {
            // CHANNELS_LAST value = pos*C + c; element 0 is channel 0 but 3 = 1*2 + 1 names channel 1
            LongTensor bad = LongTensor.of(new long[] {3, 6, 1, 5}, 1, 2, 2);
            rejects(
                    () -> Indices.convert(bad, new int[] {4}, IndexFormat.CHANNELS_LAST, IndexFormat.PER_PLANE),
                    "indices[0] = 3",
                    "channel");
            // batch 1 element naming batch 0 with CHANNELS_LAST_WITH_BATCH
            LongTensor two = LongTensor.of(new long[] {0, 0}, 2, 1, 1);
            rejects(
                    () -> Indices.convert(
                            two, new int[] {4}, IndexFormat.CHANNELS_LAST_WITH_BATCH, IndexFormat.PER_PLANE),
                    "indices[1] = 0");
        }

        @Test
        void rejectsBadInputSpatial() {
            rejects(
                    () -> Indices.convert(perPlane, new int[] {0}, IndexFormat.PER_PLANE, IndexFormat.GLOBAL_ROW_MAJOR),
                    "inputSpatial = [0]");
            rejects(
                    () -> Indices.convert(
                            perPlane, new int[] {-4}, IndexFormat.PER_PLANE, IndexFormat.GLOBAL_ROW_MAJOR),
                    "inputSpatial = [-4]");
            rejects(
                    () -> Indices.convert(perPlane, new int[] {2, 2, 2}, IndexFormat.PER_PLANE, IndexFormat.PER_PLANE),
                    "indices shape = [1, 2, 2]");
        }
    }

    // ---- 16. unpool output_size ---------------------------------------------------------------

    @Nested
    @DisplayName("16 max unpool output size outside (default - stride, default + stride)")
    class C16UnpoolOutputSize {
        final Tensor in = Tensor.of(new float[] {5, 6}, 1, 1, 2);
        final LongTensor idx = LongTensor.of(new long[] {1, 2}, 1, 1, 2);

        @Test
        void acceptsDefaultPlusMinusStrideMinusOne() {
            // default (2-1)*2 + 2 = 4, stride 2: 3, 4, 5 are legal
            for (int o : new int[] {3, 4, 5}) {
                PoolSpec u = PoolSpec.maxUnpool(2).outputSize(o).build();
                Tensor y = accepted(() -> Pooling.maxUnpool(u, in, idx), in, idx);
                assertArrayEquals(new int[] {1, 1, o}, y.shape());
                assertEquals(5f, y.data()[1]);
                assertEquals(6f, y.data()[2]);
            }
        }

        @Test
        void rejectsDefaultMinusStride() {
            PoolSpec u = PoolSpec.maxUnpool(2).outputSize(2).build();
            rejects(() -> Pooling.maxUnpool(u, in, idx), "outputSize = [2]", "(2, 6)");
        }

        @Test
        void rejectsDefaultPlusStride() {
            PoolSpec u = PoolSpec.maxUnpool(2).outputSize(6).build();
            rejects(() -> Pooling.maxUnpool(u, in, idx), "outputSize = [6]", "(2, 6)");
            PoolSpec big = PoolSpec.maxUnpool(2).outputSize(Integer.MAX_VALUE).build();
            rejects(() -> Pooling.maxUnpool(big, in, idx), "outputSize = [2147483647]");
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
        void rejectsNonPositiveOutputSize(int o) {
            rejects(() -> PoolSpec.maxUnpool(2).outputSize(o).build(), "outputSize = [" + o + "]", ">= 1");
        }

        @Test
        void rejectsNegativeDefaultSize() {
            // (1-1)*1 - 2*5 + 2 = -8
            PoolSpec u = PoolSpec.maxUnpool(2).stride(1).padding(5).build();
            rejects(
                    () -> Pooling.maxUnpool(
                            u, Tensor.of(new float[] {1}, 1, 1, 1), LongTensor.of(new long[] {0}, 1, 1, 1)),
                    "input shape = [1, 1, 1]",
                    "-8");
        }
    }

    // ---- 17. adaptive output size -------------------------------------------------------------

    @Nested
    @DisplayName("17 adaptive output size: empty, wrong length, negative")
    class C17Adaptive {
        @Test
        void acceptsOneLargerThanInputKeepAndZero() {
            Tensor x = Tensor.of(new float[] {1, 5, 2}, 1, 1, 3);
            assertArrayEquals(
                    new float[] {5}, fwd(PoolSpec.adaptiveMax(1).build(), x).data());
            Tensor up = fwd(PoolSpec.adaptiveAvg(5).build(), x);
            assertArrayEquals(new int[] {1, 1, 5}, up.shape());
            assertArrayEquals(
                    new int[] {1, 1, 3},
                    fwd(PoolSpec.adaptiveMax((Integer) null).build(), x).shape());
            // 0 is a legal forward size (PyTorch): empty result
            assertArrayEquals(
                    new int[] {1, 1, 0}, fwd(PoolSpec.adaptiveAvg(0).build(), x).shape());
        }

        @Test
        void rejectsEmptyList() {
            rejects(() -> PoolSpec.adaptiveMax(), "outputSize = []");
            rejects(() -> PoolSpec.adaptiveAvg(new Integer[0]), "outputSize = []");
        }

        @ParameterizedTest
        @ValueSource(ints = {-1, -2, Integer.MIN_VALUE})
        void rejectsNegative(int o) {
            rejects(() -> PoolSpec.adaptiveMax(o), "outputSize = [" + o + "]", ">= 0");
            rejects(() -> PoolSpec.adaptiveAvg(2, o), "outputSize = [2, " + o + "]");
        }

        @Test
        void rejectsBackwardOfEmptyOutput() {
            // PyTorch: "Expected grad_output to have non-zero size"
            Tensor x = seq(1, 1, 3);
            Tensor g = Tensor.zeros(1, 1, 0);
            rejects(
                    () -> Pooling.backward(PoolSpec.adaptiveAvg(0).build(), x, g),
                    "gradOutput shape = [1, 1, 0]",
                    "non-empty");
            rejects(() -> Pooling.backward(PoolSpec.adaptiveMax(0).build(), x, g), "gradOutput shape = [1, 1, 0]");
            rejects(
                    () -> Pooling.backward(PoolSpec.adaptiveMax(0).build(), x, g, LongTensor.of(new long[0], 1, 1, 0)),
                    "gradOutput shape = [1, 1, 0]");
            rejects(
                    () -> Pooling.backward(
                            PoolSpec.adaptiveAvg(2, 0).build(), seq(1, 1, 2, 2), Tensor.zeros(1, 1, 2, 0)),
                    "gradOutput shape = [1, 1, 2, 0]");
        }

        @Test
        void rejectsWrongLengthForInput() {
            // note: a length-2 size on a [N, C, L] input is read as an unbatched 2-D [C, H, W] input (rank ambiguity)
            rejects(
                    () -> Pooling.forward(PoolSpec.adaptiveAvg(2, 2).build(), seq(1, 4)),
                    "input shape = [1, 4]",
                    "got rank 2");
            rejects(
                    () -> Pooling.forward(PoolSpec.adaptiveMax(2).build(), seq(1, 1, 4, 4)),
                    "input shape = [1, 1, 4, 4]");
        }
    }

    // ---- 18. divisor override -----------------------------------------------------------------

    @Nested
    @DisplayName("18 avg divisor_override: 0 rejected, negative legal")
    class C18Divisor {
        final Tensor x = Tensor.of(new float[] {2, 4, 6, 8}, 1, 1, 4);

        @Test
        void acceptsNegativeOneAndMinValue() {
            assertArrayEquals(
                    new float[] {-3, -7},
                    fwd(PoolSpec.avg(2).divisorOverride(-2).build(), x).data());
            assertArrayEquals(
                    new float[] {6, 14},
                    fwd(PoolSpec.avg(2).divisorOverride(1).build(), x).data());
            Tensor y = fwd(PoolSpec.avg(2).divisorOverride(Integer.MIN_VALUE).build(), x);
            assertEquals((float) (6.0 / Integer.MIN_VALUE), y.data()[0]);
        }

        @Test
        void rejectsZero() {
            rejects(() -> PoolSpec.avg(2).divisorOverride(0), "divisorOverride = 0", "not be 0");
        }

        @Test
        void rejectsOnMaxAndLp() {
            rejects(() -> PoolSpec.max(2).divisorOverride(3).build(), "divisorOverride = 3", "average pooling only");
            rejects(() -> PoolSpec.lp(2, 2).divisorOverride(-1).build(), "divisorOverride = -1");
        }

        @Test
        void rejectsOnGlobalAndAdaptive() {
            rejects(
                    () -> PoolSpec.globalAvg(1)
                            .divisorOverride(Integer.MAX_VALUE)
                            .build(),
                    "divisorOverride = 2147483647");
            rejects(() -> PoolSpec.adaptiveAvg(2).divisorOverride(2).build(), "divisorOverride = 2");
        }
    }

    // ---- 19. fractional ratio and output size -------------------------------------------------

    @Nested
    @DisplayName(
            "19 fractional: ratio outside (0,1), output 0, output+kernel-1 > input (CVE-2021-29550, 2022-21735, 2022-41900)")
    class C19FractionalRatio {
        final Tensor x = seq(1, 1, 4, 4);

        @Test
        void acceptsBoundaryRatiosAndSizes() {
            Pooled p = accepted(
                    () -> Pooling.forwardWithIndices(
                            PoolSpec.fractionalMax(2, 2)
                                    .outputRatio(0.5)
                                    .seed(3)
                                    .build(),
                            x),
                    x);
            assertArrayEquals(new int[] {1, 1, 2, 2}, p.values().shape());
            // output + kernel - 1 == input is the largest legal output
            Tensor y = fwd(PoolSpec.fractionalMax(2, 2).outputSize(3, 3).seed(3).build(), x);
            assertArrayEquals(new int[] {1, 1, 3, 3}, y.shape());
            // a ratio just under 1 on input 4 gives output 3
            assertArrayEquals(
                    new int[] {1, 1, 3, 3},
                    fwd(PoolSpec.fractionalMax(2, 2).outputRatio(0.999).seed(3).build(), x)
                            .shape());
            // kernel = input, output 1
            assertArrayEquals(
                    new int[] {1, 1, 1, 1},
                    fwd(PoolSpec.fractionalMax(4, 4).outputSize(1, 1).seed(1).build(), x)
                            .shape());
        }

        @Test
        void rejectsRatioZeroAndNegative() {
            rejects(
                    () -> PoolSpec.fractionalMax(2, 2).outputRatio(0.0, 0.5).build(),
                    "outputRatio = [0.0, 0.5]",
                    "(0, 1)");
            rejects(() -> PoolSpec.fractionalMax(2, 2).outputRatio(-0.5).build(), "outputRatio = [-0.5, -0.5]");
            rejects(
                    () -> PoolSpec.fractionalMax(2, 2)
                            .outputRatio(-Double.MAX_VALUE)
                            .build(),
                    "outputRatio = [-1.7976931348623157E308");
        }

        @Test
        void rejectsRatioOneAndAbove() {
            // CVE-2021-29550 used 1.0000014345305555; TF's pooling_ratio is our 1/ratio
            rejects(() -> PoolSpec.fractionalMax(2, 2).outputRatio(1.0).build(), "outputRatio = [1.0, 1.0]");
            rejects(
                    () -> PoolSpec.fractionalMax(2, 2)
                            .outputRatio(1.0000014345305555, 0.5)
                            .build(),
                    "outputRatio = [1.0000014345305555, 0.5]");
            rejects(() -> PoolSpec.fractionalMax(2, 2).outputRatio(2.0, 3.0).build(), "outputRatio = [2.0, 3.0]");
        }

        @Test
        void rejectsNanAndInfinity() {
            rejects(
                    () -> PoolSpec.fractionalMax(2, 2)
                            .outputRatio(Double.NaN, 0.5)
                            .build(),
                    "outputRatio = [NaN, 0.5]");
            rejects(
                    () -> PoolSpec.fractionalMax(2, 2)
                            .outputRatio(0.5, Double.POSITIVE_INFINITY)
                            .build(),
                    "outputRatio = [0.5, Infinity]");
            rejects(
                    () -> PoolSpec.fractionalMax(2, 2)
                            .outputRatio(Double.NEGATIVE_INFINITY)
                            .build(),
                    "outputRatio = [-Infinity, -Infinity]");
        }

        @Test
        void rejectsRatioGivingOutputZero() {
            // CVE-2021-29550: input 1 with ratio 0.99 -> floor(0.99) = 0 (division by zero in TF)
            Tensor one = seq(1, 1, 1, 1);
            PoolSpec s = PoolSpec.fractionalMax(1, 1).outputRatio(0.99).seed(1).build();
            rejects(() -> Pooling.forward(s, one), "outputRatio = [0.99, 0.99]", "output size 0");
            // CVE-2022-21735: value [1,1,4,1] (NHWC) -> rows 1 with pooling ratio 1.44 -> our ratio 1/1.44
            Tensor v = Tensor.of(new float[] {1, 4, 2, 3}, 1, 1, 1, 4);
            PoolSpec t = PoolSpec.fractionalMax(1, 1)
                    .outputRatio(1 / 1.44, 1 / 1.73)
                    .seed(1)
                    .build();
            rejects(
                    () -> Pooling.forward(t, v),
                    "outputRatio = " + Arrays.toString(new double[] {1 / 1.44, 1 / 1.73}),
                    "axis 0");
            rejects(
                    () -> Pooling.fractionalMaxPool(
                            PoolSpec.fractionalMax(1, 1)
                                    .outputRatio(Double.MIN_VALUE)
                                    .build(),
                            x,
                            null),
                    "outputRatio = [4.9E-324, 4.9E-324]");
        }

        @Test
        void rejectsOutputPlusKernelTooLarge() {
            rejects(
                    () -> Pooling.forward(
                            PoolSpec.fractionalMax(2, 2)
                                    .outputSize(4, 4)
                                    .seed(1)
                                    .build(),
                            x),
                    "outputSize = [4, 4]",
                    "output 4 + kernel 2 - 1",
                    "input size 4");
            rejects(
                    () -> Pooling.forward(
                            PoolSpec.fractionalMax(5, 1)
                                    .outputSize(1, 1)
                                    .seed(1)
                                    .build(),
                            x),
                    "outputSize = [1, 1]",
                    "kernel 5");
            rejects(
                    () -> Pooling.forward(
                            PoolSpec.fractionalMax(Integer.MAX_VALUE, 1)
                                    .outputSize(1, 1)
                                    .seed(1)
                                    .build(),
                            x),
                    "kernel 2147483647");
            rejects(
                    () -> Pooling.forward(
                            PoolSpec.fractionalMax(4, 4)
                                    .outputRatio(0.5)
                                    .seed(1)
                                    .build(),
                            x),
                    "outputSize = ratio 0.5 -> 2",
                    "kernel 4");
        }

        @Test
        void rejectsMissingBothOrWrongRankOrZeroSize() {
            rejects(() -> PoolSpec.fractionalMax(2, 2).build(), "outputSize = null", "exactly one");
            rejects(
                    () -> PoolSpec.fractionalMax(2, 2)
                            .outputSize(1, 1)
                            .outputRatio(0.5)
                            .build(),
                    "outputSize = [1, 1]",
                    "exactly one");
            rejects(() -> PoolSpec.fractionalMax(2).outputSize(1).build(), "kernel = [2]", "2 or 3 spatial");
            rejects(() -> PoolSpec.fractionalMax(2, 2, 2, 2).outputSize(1).build(), "kernel = [2, 2, 2, 2]");
            rejects(() -> PoolSpec.fractionalMax(2, 2).outputSize(0).build(), "outputSize = [0, 0]", ">= 1");
        }
    }

    // ---- 20. fractional samples ---------------------------------------------------------------

    /*
     * The API takes PyTorch's _random_samples (N, C, rank) only; pooling sequences (TF's
     * row/col_pooling_sequence of CVE-2021-29578, 2021-37651, 2022-21730, 2022-35981, 2022-41897) cannot
     * be given, so those cases reduce to samples of the wrong shape or outside [0, 1).
     */
    @Nested
    @DisplayName("20 fractional samples: wrong shape, outside [0,1), NaN")
    class C20FractionalSamples {
        final PoolSpec spec = PoolSpec.fractionalMax(2, 2).outputSize(2, 2).build();
        final Tensor x = seq(1, 2, 5, 5);

        @Test
        void acceptsExtremeLegalSamples() {
            Tensor s = Tensor.of(new float[] {0f, Math.nextDown(1f), 0.5f, 0f}, 1, 2, 2);
            Pooled p = accepted(() -> Pooling.fractionalMaxPool(spec, x, s), x, s);
            assertArrayEquals(new int[] {1, 2, 2, 2}, p.values().shape());
            Tensor g = Tensor.of(new float[] {1, 1, 1, 1, 1, 1, 1, 1}, 1, 2, 2, 2);
            Tensor dx = accepted(() -> Pooling.fractionalMaxPoolBackward(spec, x, g, s), x, g, s);
            float sum = 0;
            for (float v : dx.data()) sum += v;
            assertEquals(8f, sum);
            // unbatched input: samples (1, C, 2)
            Tensor xu = seq(2, 5, 5);
            assertArrayEquals(
                    new int[] {2, 2, 2},
                    accepted(() -> Pooling.fractionalMaxPool(spec, xu, s), xu, s)
                            .values()
                            .shape());
        }

        @Test
        void rejectsWrongShape() {
            rejects(() -> Pooling.fractionalMaxPool(spec, x, seq(1, 2, 3)), "samples shape = [1, 2, 3]", "[1, 2, 2]");
            rejects(() -> Pooling.fractionalMaxPool(spec, x, seq(2, 2, 2)), "samples shape = [2, 2, 2]");
            rejects(() -> Pooling.fractionalMaxPool(spec, x, seq(4)), "samples shape = [4]");
            rejects(
                    () -> Pooling.fractionalMaxPoolBackward(spec, x, seq(1, 2, 2, 2), Tensor.zeros(0, 2, 2)),
                    "samples shape = [0, 2, 2]");
        }

        @ParameterizedTest
        @ValueSource(floats = {1f, -1e-7f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.5f, 1e30f})
        void rejectsOutOfRangeSample(float v) {
            Tensor s = Tensor.of(new float[] {0.25f, 0.5f, 0.75f, v}, 1, 2, 2);
            rejects(() -> Pooling.fractionalMaxPool(spec, x, s), "samples[3] = " + v, "[0, 1)");
            rejects(() -> Pooling.fractionalMaxPoolBackward(spec, x, seq(1, 2, 2, 2), s), "samples[3] = " + v);
        }

        @Test
        void rejectsNoSamplesAndNoSeed() {
            rejects(() -> Pooling.fractionalMaxPool(spec, x, null), "seed = null");
            rejects(() -> Pooling.forward(spec, x), "seed = null");
            rejects(() -> Pooling.fractionalMaxPoolBackward(spec, x, seq(1, 2, 2, 2), null), "seed = null");
        }
    }

    // ---- 22. Lp norm order --------------------------------------------------------------------

    @Nested
    @DisplayName("22 Lp: p <= 0, NaN, infinite")
    class C22LpOrder {
        @Test
        void acceptsOneAndTwo() {
            Tensor x = Tensor.of(new float[] {3, -4, 1, 2}, 1, 1, 4);
            assertArrayEquals(
                    new float[] {7, 3}, fwd(PoolSpec.lp(1, 2).build(), x).data());
            assertArrayEquals(
                    new float[] {5, (float) Math.sqrt(5)},
                    fwd(PoolSpec.lp(2, 2).build(), x).data());
            assertArrayEquals(
                    new float[] {(float) Math.sqrt(30)},
                    fwd(PoolSpec.globalLp(2, 1).build(), x).data());
            // a tiny positive order is legal (finite and > 0)
            assertDoesNotThrow(() -> PoolSpec.lp(Double.MIN_VALUE, 2).build());
        }

        @ParameterizedTest
        @ValueSource(doubles = {0.0, -0.0, -1.0, -Double.MAX_VALUE})
        void rejectsNonPositive(double p) {
            rejects(() -> PoolSpec.lp(p, 2).build(), "p = " + p, "> 0");
            rejects(() -> PoolSpec.globalLp(p, 2).build(), "p = " + p);
            rejects(() -> PoolSpec.lp(2, 2).lpMode(LpMode.PYTORCH).p(p).build(), "p = " + p);
        }

        @ParameterizedTest
        @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
        void rejectsNanAndInfinite(double p) {
            rejects(() -> PoolSpec.lp(p, 2).build(), "p = " + p, "finite");
            rejects(() -> PoolSpec.globalLp(p, 1).build(), "p = " + p);
        }
    }

    // ---- 23. unsupported combinations ---------------------------------------------------------

    @Nested
    @DisplayName("23 unsupported parameter / operator combinations")
    class C23Unsupported {
        @Test
        void acceptsNeutralValues() {
            // dilation 1 and zero padding are neutral, so allowed where the feature does not exist
            assertDoesNotThrow(() -> PoolSpec.maxUnpool(2).dilation(1).build());
            assertDoesNotThrow(
                    () -> PoolSpec.max(2).padding(0).autoPad(AutoPad.SAME_UPPER).build());
            // PyTorch-mode Lp with VALID (no padding) is fine
            Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 4);
            Tensor y = fwd(
                    PoolSpec.lp(1, 2)
                            .lpMode(LpMode.PYTORCH)
                            .autoPad(AutoPad.VALID)
                            .build(),
                    x);
            assertArrayEquals(new float[] {3, 7}, y.data());
        }

        @Test
        void rejectsDilationWhereThereIsNone() {
            rejects(() -> PoolSpec.maxUnpool(2).dilation(2).build(), "dilation = [2]", "MAX_UNPOOL has no dilation");
            rejects(() -> PoolSpec.adaptiveMax(2).dilation(2).build(), "dilation = [2]", "ADAPTIVE_MAX");
            rejects(() -> PoolSpec.globalAvg(2).dilation(1, 3).build(), "dilation = [1, 3]");
            rejects(
                    () -> PoolSpec.fractionalMax(2, 2)
                            .outputSize(1, 1)
                            .dilation(2)
                            .build(),
                    "dilation = [2, 2]");
            rejects(() -> PoolSpec.lp(2, 2).lpMode(LpMode.PYTORCH).dilation(2).build(), "dilation = [2]", "lp_pool");
        }

        @Test
        void rejectsPaddingWhereThereIsNone() {
            rejects(
                    () -> PoolSpec.max(3).padding(1).autoPad(AutoPad.SAME_UPPER).build(),
                    "padding = [1]",
                    "autoPad = SAME_UPPER");
            rejects(() -> PoolSpec.avg(3).autoPad(AutoPad.VALID).padding(1).build(), "padding = [1]", "VALID");
            rejects(() -> PoolSpec.lp(2, 3).lpMode(LpMode.PYTORCH).padding(1).build(), "padding = [1]", "lp_pool");
            rejects(() -> PoolSpec.adaptiveAvg(2).padding(1).build(), "padding = [1]", "ADAPTIVE_AVG has no padding");
            rejects(
                    () -> PoolSpec.fractionalMax(2, 2)
                            .outputSize(1, 1)
                            .padding(1)
                            .build(),
                    "padding = [1, 1]");
        }

        @Test
        void rejectsAutoPadCeilStrideWhereThereIsNone() {
            rejects(
                    () -> PoolSpec.lp(2, 3)
                            .lpMode(LpMode.PYTORCH)
                            .autoPad(AutoPad.SAME_LOWER)
                            .build(),
                    "autoPad = SAME_LOWER");
            rejects(
                    () -> PoolSpec.globalMax(1).autoPad(AutoPad.SAME_UPPER).build(),
                    "autoPad = SAME_UPPER",
                    "GLOBAL_MAX");
            rejects(() -> PoolSpec.adaptiveMax(2).ceilMode(true).build(), "ceilMode = true");
            rejects(() -> PoolSpec.globalAvg(2).stride(1).build(), "stride = [1, 1]", "GLOBAL_AVG has no stride");
            rejects(() -> PoolSpec.globalLp(2, 1).lpMode(LpMode.PYTORCH).build(), "lpMode = PYTORCH");
        }

        @Test
        void rejectsOutputSizeWhereThereIsNone() {
            rejects(() -> PoolSpec.max(2).outputSize(2).build(), "outputSize = [2]", "MAX takes no output size");
            rejects(
                    () -> PoolSpec.maxUnpool(2).outputRatio(0.5).build(),
                    "outputRatio = [0.5]",
                    "fractional max pooling only");
            rejects(() -> PoolSpec.adaptiveAvg(2).outputRatio(0.5).build(), "outputRatio = [0.5]");
        }

        @Test
        void rejectsWrongEntryPointForOperator() {
            Tensor x = seq(1, 1, 4);
            rejects(() -> Pooling.forward(PoolSpec.maxUnpool(2).build(), x), "spec.op = MAX_UNPOOL", "indices");
            rejects(() -> Pooling.forwardWithIndices(PoolSpec.avg(2).build(), x), "spec.op = AVG");
            rejects(
                    () -> Pooling.maxUnpool(PoolSpec.max(2).build(), x, LongTensor.of(new long[] {0, 1}, 1, 1, 2)),
                    "spec.op = MAX");
            rejects(
                    () -> Pooling.fractionalMaxPool(PoolSpec.max(2, 2).build(), seq(1, 1, 4, 4), null),
                    "spec.op = MAX");
            rejects(() -> Pooling.backward(PoolSpec.maxUnpool(2).build(), x, x), "spec.op = MAX_UNPOOL");
        }
    }

    // ---- 24. nulls ---------------------------------------------------------------------------

    @Nested
    @DisplayName("24 null arguments -> NullPointerException naming the parameter")
    class C24Nulls {
        final Tensor x = seq(1, 1, 4);
        final PoolSpec max2 = PoolSpec.max(2).build();

        @Test
        void acceptsNullWhereDocumented() {
            // a null adaptive entry keeps the input size; null samples draw from the seed
            assertArrayEquals(
                    new int[] {1, 1, 4},
                    fwd(PoolSpec.adaptiveAvg((Integer) null).build(), x).shape());
            Tensor x2 = seq(1, 1, 4, 4);
            PoolSpec f = PoolSpec.fractionalMax(2, 2).outputSize(2, 2).seed(5).build();
            Pooled a = accepted(() -> Pooling.fractionalMaxPool(f, x2, null), x2);
            assertArrayEquals(Pooling.forward(f, x2).data(), a.values().data());
        }

        @Test
        void rejectsNullBuilderArguments() {
            npe(() -> PoolSpec.max((int[]) null), "kernel");
            npe(() -> PoolSpec.avg((int[]) null), "kernel");
            npe(() -> PoolSpec.lp(2, (int[]) null), "kernel");
            npe(() -> PoolSpec.fractionalMax((int[]) null), "kernel");
            npe(() -> PoolSpec.maxUnpool((int[]) null), "kernel");
            npe(() -> PoolSpec.adaptiveMax((Integer[]) null), "outputSize");
            npe(() -> PoolSpec.adaptiveAvg((Integer[]) null), "outputSize");
            npe(() -> PoolSpec.max(2).stride((int[]) null), "stride");
            npe(() -> PoolSpec.max(2).padding((int[]) null), "padding");
            npe(() -> PoolSpec.max(2).padding(null, new int[] {0}), "padBegin");
            npe(() -> PoolSpec.max(2).padding(new int[] {0}, null), "padEnd");
            npe(() -> PoolSpec.max(2).dilation((int[]) null), "dilation");
            npe(() -> PoolSpec.max(2).autoPad(null), "autoPad");
            npe(() -> PoolSpec.lp(2, 2).lpMode(null), "lpMode");
            npe(() -> PoolSpec.max(2).nanPolicy(null), "nanPolicy");
            npe(() -> PoolSpec.max(2).maxFloor(null), "maxFloor");
            npe(() -> PoolSpec.maxUnpool(2).outputSize((int[]) null), "outputSize");
            npe(() -> PoolSpec.fractionalMax(2, 2).outputRatio((double[]) null), "outputRatio");
        }

        @Test
        void rejectsNullTensorArguments() {
            npe(() -> new Tensor(null, new int[] {1}, Layout.CHANNELS_FIRST), "data");
            npe(() -> new Tensor(new float[1], null, Layout.CHANNELS_FIRST), "shape");
            npe(() -> new Tensor(new float[1], new int[] {1}, null), "layout");
            npe(() -> Tensor.of(null, 1), "data");
            npe(() -> Tensor.zeros((int[]) null), "shape");
            npe(() -> Tensor.zeros((Layout) null, 1), "layout");
            npe(() -> new LongTensor(null, new int[] {1}, Layout.CHANNELS_FIRST), "data");
            npe(() -> LongTensor.of(new long[1], (int[]) null), "shape");
            npe(() -> x.reshape((int[]) null), "shape");
            npe(() -> x.get((int[]) null), "index");
            npe(() -> x.toLayout(null, true), "target");
            npe(() -> x.withLayout(null), "layout");
        }

        @Test
        void rejectsNullPoolingArguments() {
            LongTensor idx = LongTensor.of(new long[] {0, 2}, 1, 1, 2);
            Tensor g = seq(1, 1, 2);
            npe(() -> Pooling.forward(null, x), "spec");
            npe(() -> Pooling.forward(max2, null), "input");
            npe(() -> Pooling.forwardWithIndices(null, x), "spec");
            npe(() -> Pooling.forwardWithIndices(max2, null), "input");
            npe(() -> Pooling.backward(max2, null, g), "input");
            npe(() -> Pooling.backward(max2, x, null), "gradOutput");
            npe(() -> Pooling.backward(max2, x, g, null), "indices");
            npe(() -> Pooling.backward(max2, x, null, idx), "gradOutput");
            npe(() -> Pooling.maxUnpool(PoolSpec.maxUnpool(2).build(), g, null), "indices");
            npe(() -> Pooling.maxUnpool(null, g, idx), "spec");
            npe(() -> Pooling.maxUnpoolBackward(PoolSpec.maxUnpool(2).build(), g, idx, null), "gradOutput");
            npe(
                    () -> Pooling.fractionalMaxPool(
                            PoolSpec.fractionalMax(2, 2).outputSize(1, 1).build(), null, null),
                    "input");
            npe(() -> Pooling.geometry(max2, null), "input");
            npe(() -> Pooling.kernelFor(null, x, false), "spec");
            npe(() -> Geometry.of(null, new int[] {1, 1, 4}, Layout.CHANNELS_FIRST), "spec");
            npe(() -> Geometry.of(max2, null, Layout.CHANNELS_FIRST), "input shape");
            npe(() -> Geometry.of(max2, new int[] {1, 1, 4}, null), "layout");
        }

        @Test
        void rejectsNullIndicesConvertArguments() {
            LongTensor idx = LongTensor.of(new long[] {0}, 1, 1, 1);
            npe(() -> Indices.convert(null, new int[] {4}, IndexFormat.PER_PLANE, IndexFormat.PER_PLANE), "indices");
            npe(() -> Indices.convert(idx, null, IndexFormat.PER_PLANE, IndexFormat.PER_PLANE), "inputSpatial");
            npe(() -> Indices.convert(idx, new int[] {4}, null, IndexFormat.PER_PLANE), "from");
            npe(() -> Indices.convert(idx, new int[] {4}, IndexFormat.PER_PLANE, null), "to");
        }

        @Test
        void rejectsNullNpyArguments() {
            npe(() -> Npy.read((Path) null), "file");
            npe(() -> Npy.write((Path) null, x), "file");
            npe(() -> Npy.write(Path.of("unused.npy"), (Tensor) null), "tensor");
            npe(() -> Npy.write(Path.of("unused.npy"), (LongTensor) null), "tensor");
            npe(() -> Npy.write(Path.of("unused.npy"), (NpyArray) null), "array");
            npe(() -> NpyArray.of(new float[1], (int[]) null), "shape");
            // these have no explicit check; the JDK's helpful NPE message names the parameter
            // (needs classes compiled with -g, Maven's default)
            NpyArray a = NpyArray.of(new float[] {1}, 1);
            npe(() -> Npy.read((InputStream) null, "x.npy"), "in");
            npe(() -> Npy.write((OutputStream) null, a), "out");
            npe(() -> Npy.write(new ByteArrayOutputStream(), null), "array");
            npe(() -> NpyArray.of((float[]) null, 1), "data");
            npe(() -> NpyArray.of((long[]) null, 1), "data");
        }
    }

    // ---- 25. validation complete before any work ---------------------------------------------

    @Nested
    @DisplayName("25 validation complete before work: no output allocated, inputs unchanged, fast failure")
    class C25ValidationFirst {
        /** Bytes allocated by this thread while running {@code call}, or -1 if the JVM cannot tell. */
        long allocatedBy(Executable call) throws Throwable {
            java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            assumeTrue(mx instanceof com.sun.management.ThreadMXBean);
            com.sun.management.ThreadMXBean smx = (com.sun.management.ThreadMXBean) mx;
            assumeTrue(smx.isThreadAllocatedMemorySupported() && smx.isThreadAllocatedMemoryEnabled());
            long before = smx.getCurrentThreadAllocatedBytes();
            call.execute();
            return smx.getCurrentThreadAllocatedBytes() - before;
        }

        long millis(Executable call) throws Throwable {
            long t0 = System.nanoTime();
            call.execute();
            return (System.nanoTime() - t0) / 1_000_000;
        }

        @Test
        void acceptedCallsLeaveInputsUnchanged() {
            // NaN payloads, -0.0 and infinities must survive bit for bit
            float[] d = {
                Float.intBitsToFloat(0x7fc00123),
                -0f,
                Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY,
                1e-45f,
                -3f,
                2f,
                0f
            };
            Tensor x = Tensor.of(d, 1, 2, 4);
            Tensor g = Tensor.of(new float[] {1, 2, 3, 4}, 1, 2, 2);
            for (PoolSpec s : new PoolSpec[] {
                PoolSpec.max(2).build(),
                PoolSpec.avg(2).build(),
                PoolSpec.lp(3, 2).build(),
                PoolSpec.adaptiveMax(2).build(),
                PoolSpec.adaptiveAvg(2).build()
            }) {
                accepted(() -> Pooling.forward(s, x), x);
                accepted(() -> Pooling.backward(s, x, g), x, g);
            }
            Pooled p = accepted(() -> Pooling.forwardWithIndices(PoolSpec.max(2).build(), x), x);
            accepted(() -> Pooling.backward(PoolSpec.max(2).build(), x, g, p.indices()), x, g, p.indices());
            accepted(() -> Pooling.maxUnpool(PoolSpec.maxUnpool(2).build(), g, p.indices()), g, p.indices());
            accepted(
                    () -> Pooling.maxUnpoolBackward(PoolSpec.maxUnpool(2).build(), g, p.indices(), x),
                    g,
                    p.indices(),
                    x);
            accepted(
                    () -> Indices.convert(
                            p.indices(), new int[] {4}, IndexFormat.PER_PLANE, IndexFormat.GLOBAL_COLUMN_MAJOR),
                    p.indices());
            accepted(() -> x.toLayout(Layout.CHANNELS_LAST, true), x);
        }

        @Test
        void rejectedCallsLeaveInputsUnchanged() {
            Tensor in = seq(1, 2, 3);
            LongTensor idx = LongTensor.of(new long[] {0, 1, 2, 3, 4, 99}, 1, 2, 3);
            Tensor g = seq(1, 2, 6);
            List<Object> before = snapshot(in, idx, g);
            rejects(() -> Pooling.maxUnpool(PoolSpec.maxUnpool(2).build(), in, idx), "indices[5] = 99");
            rejects(() -> Pooling.maxUnpoolBackward(PoolSpec.maxUnpool(2).build(), in, idx, g), "indices[5] = 99");
            rejects(() -> Pooling.backward(PoolSpec.max(2).build(), g, in, idx), "indices[5] = 99");
            assertSame(before, snapshot(in, idx, g));
        }

        @Test
        void rejectedUnpoolAllocatesNoOutput() throws Throwable {
            // output would be 2000 x 2000 floats = 16 MB; the bad index is the very last one
            int n = 1000;
            Tensor in = Tensor.zeros(1, 1, n, n);
            long[] v = new long[n * n];
            for (int i = 0; i < v.length; i++) v[i] = ((i / n) * 2L) * (2L * n) + (i % n) * 2L;
            v[v.length - 1] = -1;
            LongTensor idx = LongTensor.of(v, 1, 1, n, n);
            PoolSpec u = PoolSpec.maxUnpool(2, 2).build();
            rejects(() -> Pooling.maxUnpool(u, in, idx)); // warm up
            long bytes = allocatedBy(() -> rejects(() -> Pooling.maxUnpool(u, in, idx), "indices[999999] = -1"));
            assertTrue(bytes < 1_000_000, "a rejected max unpool allocated " + bytes + " bytes");
        }

        @Test
        void rejectedBackwardAllocatesNoGradient() throws Throwable {
            // gradient would be 2000 x 2000 floats = 16 MB
            Tensor x = Tensor.zeros(1, 1, 2000, 2000);
            Tensor g = Tensor.zeros(1, 1, 1000, 1000);
            long[] v = new long[1000 * 1000];
            v[v.length - 1] = 4_000_000;
            LongTensor idx = LongTensor.of(v, 1, 1, 1000, 1000);
            PoolSpec s = PoolSpec.max(2, 2).build();
            rejects(() -> Pooling.backward(s, x, g, idx)); // warm up
            long bytes = allocatedBy(() -> rejects(() -> Pooling.backward(s, x, g, idx), "indices[999999] = 4000000"));
            assertTrue(bytes < 1_000_000, "a rejected backward allocated " + bytes + " bytes");
            Tensor badGrad = Tensor.zeros(1, 1, 1000, 999);
            long bytes2 = allocatedBy(
                    () -> rejects(() -> Pooling.backward(s, x, badGrad), "gradOutput shape = [1, 1, 1000, 999]"));
            assertTrue(bytes2 < 1_000_000, "a rejected backward allocated " + bytes2 + " bytes");
        }

        @Test
        void hugeClaimsFailFastWithoutAllocating() throws Throwable {
            // warm up class loading
            rejects(() -> Geometry.of(PoolSpec.max(2).build(), new int[] {1, 1, 1}, Layout.CHANNELS_FIRST));
            // input shape claiming 2^31+ elements (never allocated)
            long t1 = millis(() -> rejects(
                    () -> Geometry.of(
                            PoolSpec.max(2, 2).build(), new int[] {1, 1, 46341, 46341}, Layout.CHANNELS_FIRST),
                    "input shape = [1, 1, 46341, 46341]"));
            assertTrue(t1 < 100, "took " + t1 + " ms");
            long t2 = millis(() -> rejects(() -> Tensor.zeros(65536, 65536, 2), "shape = [65536, 65536, 2]"));
            assertTrue(t2 < 100, "took " + t2 + " ms");
            // a legal 2^31-9-element input whose window does not fit
            long t3 = millis(() -> rejects(
                    () -> Geometry.of(
                            PoolSpec.avg(Integer.MAX_VALUE).build(),
                            new int[] {1, 1, (int) Check.MAX_ELEMENTS},
                            Layout.CHANNELS_FIRST),
                    "computed output size 0"));
            assertTrue(t3 < 100, "took " + t3 + " ms");
            // outputs of ~2^31 elements requested from a tiny input
            Tensor tiny = seq(1, 1, 1);
            long t4 = millis(() -> rejects(
                    () -> Pooling.forward(
                            PoolSpec.adaptiveAvg(Integer.MAX_VALUE).build(), tiny),
                    "output shape"));
            assertTrue(t4 < 100, "took " + t4 + " ms");
            long b5 = allocatedBy(() -> rejects(
                    () -> Pooling.maxUnpool(
                            PoolSpec.maxUnpool(1 << 30).build(),
                            seq(1, 1, 2),
                            LongTensor.of(new long[] {0, 1}, 1, 1, 2)),
                    "output size = 2147483648"));
            assertTrue(b5 < 1_000_000, "allocated " + b5 + " bytes");
            // CVE-2022-35968 style shape, rejected before anything is sized from it
            long b6 = allocatedBy(
                    () -> rejects(() -> Tensor.zeros(-536870912, -536870912, -536870912, -536870912), "shape"));
            assertTrue(b6 < 100_000, "allocated " + b6 + " bytes");
        }
    }

    // ---- known gaps: the library does the wrong thing today ----------------------------------

    /** Each test states the correct behaviour for a case the library once got wrong. */
    @Nested
    @DisplayName("Regressions (each once failed)")
    class Regressions {
        @Test
        @DisplayName("class 11: 3-D avg divisor k^3 overflows long -> silently returns Infinity")
        void avg3dDivisorOverflow() {
            int k = 1 << 22; // padded extent 2^23 - 1 per axis, one window of 2^22 taps per axis
            PoolSpec s = PoolSpec.avg(k, k, k).padding(k - 1).build();
            Tensor x = Tensor.of(new float[] {1}, 1, 1, 1, 1, 1);
            Tensor y = fwd(s, x);
            assertArrayEquals(new int[] {1, 1, 1, 1, 1}, y.shape());
            // the only input element divided by the (2^22)^3 = 2^66 taps of the padded window
            assertEquals((float) Math.pow(2, -66), y.data()[0]);
        }

        @Test
        @DisplayName("class 11: 3-D PyTorch-mode Lp kernel volume k^3 overflows long -> silently returns 0")
        void torchLp3dKernelVolumeOverflow() {
            // ceil mode lets a kernel of 2^22 (stride 2^22) cover an input of 1 on every axis
            int k = 1 << 22;
            PoolSpec s = PoolSpec.lp(1, k, k, k)
                    .lpMode(LpMode.PYTORCH)
                    .ceilMode(true)
                    .build();
            Tensor x = Tensor.of(new float[] {2}, 1, 1, 1, 1, 1);
            Tensor y = fwd(s, x);
            assertArrayEquals(new int[] {1, 1, 1, 1, 1}, y.shape());
            // torch.nn.functional.lp_pool3d: (k^3 * avg(x^1))^(1/1) = 2^66 * 2
            assertEquals((float) Math.pow(2, 67), y.data()[0]);
        }

        @Test
        @DisplayName("class 23: outputRatio on MAX is reported as 'outputSize = null'")
        void outputRatioOnMaxIsMisnamed() {
            rejects(() -> PoolSpec.max(2).outputRatio(0.5).build(), "outputRatio = [0.5]");
        }

        @Test
        @DisplayName("class 15b: Indices.convert inputSpatial whose product overflows long")
        void indicesConvertPlaneOverflow() {
            // 65536^4 = 2^64 wraps to 0 in the long plane product
            LongTensor idx = LongTensor.of(new long[] {0}, 1, 1, 1, 1, 1, 1);
            rejects(
                    () -> Indices.convert(
                            idx,
                            new int[] {65536, 65536, 65536, 65536},
                            IndexFormat.PER_PLANE,
                            IndexFormat.GLOBAL_ROW_MAJOR),
                    "inputSpatial = [65536, 65536, 65536, 65536]");
        }

        @Test
        @DisplayName("class 15b: Indices.convert inputSpatial whose long product wraps to a small positive plane")
        void indicesConvertPlaneWrapsPositive() {
            // 65537^4 = 2^64 + 4*2^48 + ... wraps to about 1.1e15: accepted today, and the result is meaningless
            LongTensor idx = LongTensor.of(new long[] {5}, 1, 1, 1, 1, 1, 1);
            int[] sp = {65537, 65537, 65537, 65537};
            rejects(
                    () -> Indices.convert(idx, sp, IndexFormat.PER_PLANE, IndexFormat.GLOBAL_COLUMN_MAJOR),
                    "inputSpatial = [65537, 65537, 65537, 65537]");
        }

        @Test
        @DisplayName("class 11: an empty shape whose prefix product exceeds 2^31 is rejected")
        void emptyShapeWithLargePrefix() {
            Tensor t = accepted(() -> Tensor.zeros(65536, 65536, 0));
            assertEquals(0, t.size());
        }
    }
}
