package org.pooling4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pooling4j.Layout;
import org.pooling4j.PoolOp;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;
import org.pooling4j.bench.BenchCase.Kind;

/** The standard suite is the documented one: names, shapes, specs and (hand-computed) output shapes. */
class StandardSuiteTest {
    private static final Layout CF = Layout.CHANNELS_FIRST;
    private static final Layout CL = Layout.CHANNELS_LAST;

    @Test
    void namesAreFixedAndInOrder() {
        assertEquals(
                List.of(
                        "resnet_stem_maxpool",
                        "vgg_pool1",
                        "vgg_pool5",
                        "inception_avg",
                        "global_avg",
                        "small_latency",
                        "c3d_pool",
                        "audio_1d",
                        "resnet_stem_maxpool_nhwc",
                        "inception_avg_nhwc",
                        "resnet_stem_maxpool_bwd",
                        "vgg_pool1_bwd",
                        "inception_avg_bwd"),
                StandardSuite.names());
    }

    @Test
    void resnetStem() {
        // (112 + 2*1 - 3) / 2 + 1 = 56
        check(
                "resnet_stem_maxpool",
                Kind.FORWARD,
                CF,
                PoolOp.MAX,
                new int[] {3, 3},
                new int[] {2, 2},
                new int[] {1, 1},
                true,
                new int[] {32, 64, 112, 112},
                new int[] {32, 64, 56, 56});
        check(
                "resnet_stem_maxpool_nhwc",
                Kind.FORWARD,
                CL,
                PoolOp.MAX,
                new int[] {3, 3},
                new int[] {2, 2},
                new int[] {1, 1},
                true,
                new int[] {32, 112, 112, 64},
                new int[] {32, 56, 56, 64});
        check(
                "resnet_stem_maxpool_bwd",
                Kind.MAX_BACKWARD,
                CF,
                PoolOp.MAX,
                new int[] {3, 3},
                new int[] {2, 2},
                new int[] {1, 1},
                true,
                new int[] {32, 64, 112, 112},
                new int[] {32, 64, 56, 56});
        // 56 -> (56 + 2 - 3) / 2 + 1 = 28
        check(
                "small_latency",
                Kind.FORWARD,
                CF,
                PoolOp.MAX,
                new int[] {3, 3},
                new int[] {2, 2},
                new int[] {1, 1},
                true,
                new int[] {1, 64, 56, 56},
                new int[] {1, 64, 28, 28});
    }

    @Test
    void vgg() {
        check(
                "vgg_pool1",
                Kind.FORWARD,
                CF,
                PoolOp.MAX,
                new int[] {2, 2},
                new int[] {2, 2},
                new int[] {0, 0},
                true,
                new int[] {16, 64, 224, 224},
                new int[] {16, 64, 112, 112});
        check(
                "vgg_pool1_bwd",
                Kind.MAX_BACKWARD,
                CF,
                PoolOp.MAX,
                new int[] {2, 2},
                new int[] {2, 2},
                new int[] {0, 0},
                true,
                new int[] {16, 64, 224, 224},
                new int[] {16, 64, 112, 112});
        check(
                "vgg_pool5",
                Kind.FORWARD,
                CF,
                PoolOp.MAX,
                new int[] {2, 2},
                new int[] {2, 2},
                new int[] {0, 0},
                true,
                new int[] {64, 512, 14, 14},
                new int[] {64, 512, 7, 7});
    }

    @Test
    void inception() {
        // Stride 1 with padding 1 keeps 35x35; padding is not counted in the averages.
        for (String n : new String[] {"inception_avg", "inception_avg_bwd"}) {
            check(
                    n,
                    n.endsWith("bwd") ? Kind.AVG_BACKWARD : Kind.FORWARD,
                    CF,
                    PoolOp.AVG,
                    new int[] {3, 3},
                    new int[] {1, 1},
                    new int[] {1, 1},
                    false,
                    new int[] {32, 192, 35, 35},
                    new int[] {32, 192, 35, 35});
        }
        check(
                "inception_avg_nhwc",
                Kind.FORWARD,
                CL,
                PoolOp.AVG,
                new int[] {3, 3},
                new int[] {1, 1},
                new int[] {1, 1},
                false,
                new int[] {32, 35, 35, 192},
                new int[] {32, 35, 35, 192});
    }

    @Test
    void globalAverage() {
        BenchCase c = StandardSuite.get("global_avg");
        assertEquals(PoolOp.GLOBAL_AVG, c.spec().op());
        assertEquals(2, c.spec().rank());
        assertArrayEquals(new int[] {64, 2048, 7, 7}, c.inputShape());
        assertArrayEquals(
                new int[] {1, 2048, 1, 1}, Pooling.geometry(c.spec(), input(c)).outputShape());
        assertArrayEquals(new int[] {64, 2048, 1, 1}, c.outputShape());
    }

    @Test
    void threeDAndOneD() {
        // 16x56x56 -> 8x28x28
        check(
                "c3d_pool",
                Kind.FORWARD,
                CF,
                PoolOp.MAX,
                new int[] {2, 2, 2},
                new int[] {2, 2, 2},
                new int[] {0, 0, 0},
                true,
                new int[] {8, 64, 16, 56, 56},
                new int[] {8, 64, 8, 28, 28});
        // 16000 / 4 = 4000
        check(
                "audio_1d",
                Kind.FORWARD,
                CF,
                PoolOp.MAX,
                new int[] {4},
                new int[] {4},
                new int[] {0},
                true,
                new int[] {32, 128, 16000},
                new int[] {32, 128, 4000});
    }

    @Test
    void bytesFollowTheDocumentedFormulas() {
        BenchCase f = StandardSuite.get("resnet_stem_maxpool");
        long in = 32L * 64 * 112 * 112;
        long out = 32L * 64 * 56 * 56;
        assertEquals(4 * (in + out), f.bytesMoved(0));
        BenchCase b = StandardSuite.get("resnet_stem_maxpool_bwd");
        assertEquals(4 * out + out + 4 * in, b.bytesMoved(1));
        BenchCase a = StandardSuite.get("inception_avg_bwd");
        long ai = 32L * 192 * 35 * 35;
        assertEquals(4 * (ai + ai), a.bytesMoved(0));
    }

    @Test
    void onlyChannelsFirstForwardCasesGoToOnnxRuntime() {
        for (BenchCase c : StandardSuite.all()) {
            boolean expected = c.kind() == Kind.FORWARD && c.layout() == CF;
            assertEquals(expected, c.ortComparable(), c.name());
        }
        assertTrue(StandardSuite.get("audio_1d").ortComparable());
        assertFalse(StandardSuite.get("inception_avg_nhwc").ortComparable());
    }

    @Test
    void unknownNamesAreRefusedWithTheList() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StandardSuite.get("nope"));
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("vgg_pool5"), e.getMessage());
    }

    private static void check(
            String name,
            Kind kind,
            Layout layout,
            PoolOp op,
            int[] kernel,
            int[] stride,
            int[] pad,
            boolean includePad,
            int[] in,
            int[] out) {
        BenchCase c = StandardSuite.get(name);
        assertEquals(name, c.name());
        assertEquals(kind, c.kind(), name);
        assertEquals(layout, c.layout(), name);
        PoolSpec s = c.spec();
        assertEquals(op, s.op(), name);
        assertArrayEquals(kernel, s.kernel(), name);
        assertArrayEquals(stride, s.stride(), name);
        assertArrayEquals(pad, s.padBegin(), name);
        assertArrayEquals(pad, s.padEnd(), name);
        assertArrayEquals(ones(kernel.length), s.dilation(), name);
        assertFalse(s.ceilMode(), name);
        if (op == PoolOp.AVG) assertEquals(includePad, s.countIncludePad(), name);
        assertArrayEquals(in, c.inputShape(), name);
        assertArrayEquals(batch1(out), Pooling.geometry(s, input(c)).outputShape(), name);
        assertArrayEquals(out, c.outputShape(), name);
    }

    /**
     * A tensor of the case's shape with batch 1 (output shapes do not depend on the batch, and the
     * full-size inputs are up to 200 MB).
     */
    private static Tensor input(BenchCase c) {
        int[] s = c.inputShape();
        s[0] = 1;
        return new Tensor(new float[(int) BenchCase.product(s)], s, c.layout());
    }

    private static int[] batch1(int[] shape) {
        int[] s = shape.clone();
        s[0] = 1;
        return s;
    }

    private static int[] ones(int n) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, 1);
        return a;
    }
}
