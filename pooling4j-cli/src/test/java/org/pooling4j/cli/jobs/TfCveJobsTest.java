package org.pooling4j.cli.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.cli.CliTest;
import org.pooling4j.io.Npy;
import org.pooling4j.io.NpyArray;

/**
 * TensorFlow's pooling security advisories, by bug class, as jobs files run by {@code pooling4j run}
 * (the advisories' inputs where they translate; TensorFlow ops are NHWC). Every bad job must fail
 * alone, by id, with a message naming the key or file, the value and the rule; it writes nothing, and
 * the valid job placed after the bad ones still runs and gives the right numbers. The same classes
 * through the Java API are in the core module's TfPoolingCveTest.
 */
class TfCveJobsTest {
    @TempDir
    Path dir;

    @BeforeEach
    void files() throws Exception {
        float[] x16 = new float[16];
        for (int i = 0; i < 16; i++) x16[i] = i + 1;
        write("x4.npy", NpyArray.of(x16, 1, 1, 4, 4)); // torch layout (N, C, H, W)
        write("x4nhwc.npy", NpyArray.of(x16, 1, 4, 4, 1));
        write("x1131.npy", NpyArray.of(new float[] {1, 2, 3}, 1, 1, 3, 1));
        write("g1114.npy", NpyArray.of(new float[4], 1, 1, 1, 4));
        write("g1131.npy", NpyArray.of(new float[] {1, 2, 3}, 1, 1, 3, 1));
        write("a1.npy", NpyArray.of(new long[] {0}, 1));
        write("x1111.npy", NpyArray.of(new float[] {5}, 1, 1, 1, 1));
        write("e0000.npy", NpyArray.of(new float[0], 0, 0, 0, 0));
        write("e3002.npy", NpyArray.of(new float[0], 3, 0, 0, 2));
        write("x11111.npy", NpyArray.of(new float[] {5}, 1, 1, 1, 1, 1));
        write("e00000.npy", NpyArray.of(new float[0], 0, 0, 0, 0, 0));
        write("g2x2.npy", NpyArray.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2));
        write("g2x2nhwc.npy", NpyArray.of(new float[] {1, 2, 3, 4}, 1, 2, 2, 1));
        write("i3.npy", NpyArray.of(new long[] {5, 7, 13}, 1, 1, 1, 3));
        write("i99.npy", NpyArray.of(new long[] {5, 99, 13, 15}, 1, 1, 2, 2));
        write("ineg.npy", NpyArray.of(new long[] {5, -2, 13, 15}, 1, 1, 2, 2));
        write("a99.npy", NpyArray.of(new long[] {5, 99, 13, 15}, 1, 2, 2, 1));
    }

    private void write(String name, NpyArray a) throws Exception {
        Npy.write(dir.resolve(name), a);
    }

    private static String job(String id, String op, String rest) {
        return "{\"id\": \"" + id + "\", \"op\": \"" + op + "\", " + rest + ", \"output\": \"o-" + id + ".npy\"}";
    }

    /** The valid job run after the bad ones: 2x2 max pooling of 1..16 gives [6, 8, 14, 16]. */
    private static final String VALID =
            "{\"id\": \"valid\", \"op\": \"max_pool2d\", \"input\": \"x4.npy\", \"kernel_size\": 2, \"output\": \"ok.npy\"}";

    /** Runs the bad jobs then the valid one; each bad job must fail with every fragment of its message. */
    private void check(String[][] cases) throws Exception {
        List<String> jobs = new ArrayList<>();
        for (String[] c : cases) jobs.add(c[0]);
        jobs.add(VALID);
        Path file = dir.resolve("jobs.jsonl");
        Files.writeString(file, String.join("\n", jobs) + "\n");
        String text = (String) CliTest.cli("run", file.toString())[1];
        for (String[] c : cases) {
            String id = c[0].substring(8, c[0].indexOf('"', 8));
            int at = text.indexOf("FAIL  " + id + ": ");
            assertTrue(at >= 0, id + " did not fail in\n" + text);
            String line = text.substring(at, text.indexOf('\n', at) < 0 ? text.length() : text.indexOf('\n', at));
            for (int i = 1; i < c.length; i++) {
                assertTrue(line.contains(c[i]), "no \"" + c[i] + "\" in the line for " + id + ": " + line);
            }
            assertFalse(Files.exists(dir.resolve("o-" + id + ".npy")), id + ": a rejected job wrote its output");
        }
        assertTrue(text.trim().endsWith("1 passed, " + cases.length + " failed"), text);
        assertArrayEquals(
                new float[] {6, 8, 14, 16},
                Npy.readTensor(dir.resolve("ok.npy")).data());
    }

    /** CVE-2021-29570, 29576, 29579, 2023-25664: gradients and argmax that do not match the forward. */
    @Nested
    class MaxPoolGradShapeMismatch {
        @Test
        void gradAndArgmaxShapes() throws Exception {
            check(new String[][] {
                {
                    job(
                            "tf-grad",
                            "tf.nn.max_pool2d_backward",
                            "\"input\": \"x1131.npy\", \"grad_output\": \"g1114.npy\", \"ksize\": 1, \"strides\": 1, \"padding\": \"VALID\""),
                    "[1, 1, 1, 4]",
                    "must equal the output shape [1, 1, 3, 1]"
                },
                {
                    job(
                            "tf-argmax-size",
                            "tf.nn.max_pool_with_argmax_backward",
                            "\"input\": \"x1131.npy\", \"grad_output\": \"g1131.npy\", \"argmax\": \"a1.npy\", \"ksize\": 1, \"strides\": 1, \"padding\": \"VALID\""),
                    "key \"argmax\"",
                    "shape [1] must equal the grad_output shape [1, 1, 3, 1]"
                },
                {
                    job(
                            "torch-indices-size",
                            "max_pool2d_backward",
                            "\"input\": \"x4.npy\", \"grad_output\": \"g2x2.npy\", \"indices\": \"i3.npy\", \"kernel_size\": 2"),
                    "[1, 1, 1, 3]",
                    "must equal [1, 1, 2, 2]"
                },
                {
                    job(
                            "torch-grad",
                            "max_pool2d_backward",
                            "\"input\": \"x4.npy\", \"grad_output\": \"g1114.npy\", \"kernel_size\": 2"),
                    "[1, 1, 1, 4]",
                    "must equal the output shape [1, 1, 2, 2]"
                },
            });
        }
    }

    /** CVE-2021-29573, 29574, 29579, 37674: empty tensors. */
    @Nested
    class EmptyTensor {
        @Test
        void emptyInputsAndGradients() throws Exception {
            check(new String[][] {
                {
                    job(
                            "all-zero",
                            "tf.nn.max_pool2d",
                            "\"input\": \"e0000.npy\", \"ksize\": 1, \"strides\": 1, \"padding\": \"VALID\""),
                    "[0, 0, 0, 0]",
                    "the channel dimension must be >= 1 (only the batch may be 0)"
                },
                {
                    job(
                            "zero-spatial",
                            "tf.nn.max_pool2d",
                            "\"input\": \"e3002.npy\", \"ksize\": 16, \"strides\": [16, 18], \"padding\": \"VALID\""),
                    "[3, 0, 0, 2]",
                    "spatial dimensions must be >= 1 (only the batch may be 0)"
                },
                {
                    job(
                            "empty-grad-2d",
                            "tf.nn.max_pool2d_backward",
                            "\"input\": \"x1111.npy\", \"grad_output\": \"e0000.npy\", \"ksize\": 1, \"strides\": 1, \"padding\": \"VALID\""),
                    "[0, 0, 0, 0]",
                    "must equal the output shape [1, 1, 1, 1]"
                },
                {
                    job(
                            "empty-grad-3d",
                            "tf.nn.max_pool3d_backward",
                            "\"input\": \"x11111.npy\", \"grad_output\": \"e00000.npy\", \"ksize\": 1, \"strides\": 1, \"padding\": \"VALID\""),
                    "[0, 0, 0, 0, 0]",
                    "must equal the output shape [1, 1, 1, 1, 1]"
                },
            });
        }
    }

    /** CVE-2021-29586, 37684, 41196, 2023-25669: zero or negative windows and strides. */
    @Nested
    class NonPositiveStrideOrSize {
        @Test
        void zeroAndNegative() throws Exception {
            check(new String[][] {
                {
                    job(
                            "stride-0",
                            "tf.nn.max_pool2d",
                            "\"input\": \"x4nhwc.npy\", \"ksize\": 2, \"strides\": [1, 0, 1, 1], \"padding\": \"VALID\""),
                    "stride = [0, 1]",
                    ">= 1"
                },
                {
                    job(
                            "ksize-0",
                            "tf.nn.max_pool3d",
                            "\"input\": \"x11111.npy\", \"ksize\": [2, 2, 0], \"strides\": 1, \"padding\": \"SAME\""),
                    "kernel",
                    "[2, 2, 0]",
                    ">= 1"
                },
                {
                    job(
                            "ksize-stride-0",
                            "tf.nn.avg_pool2d",
                            "\"input\": \"x4nhwc.npy\", \"ksize\": [1, 0, 0, 1], \"strides\": [1, 0, 0, 1], \"padding\": \"VALID\""),
                    "kernel",
                    "[0, 0]",
                    ">= 1"
                },
                {
                    job("torch-stride-neg", "max_pool2d", "\"input\": \"x4.npy\", \"kernel_size\": 2, \"stride\": -1"),
                    "stride",
                    "-1",
                    ">= 1"
                },
            });
        }
    }

    /** CVE-2021-29570, TF InvalidArgmaxIndices, MaxUnpool: indices outside the input. */
    @Nested
    class ArgmaxOutOfRange {
        @Test
        void indicesPastTheInput() throws Exception {
            check(new String[][] {
                {
                    job(
                            "tf-argmax-99",
                            "tf.nn.max_pool_with_argmax_backward",
                            "\"input\": \"x4nhwc.npy\", \"grad_output\": \"g2x2nhwc.npy\", \"argmax\": \"a99.npy\", \"ksize\": 2, \"strides\": 2, \"padding\": \"VALID\""),
                    "indices[1] = 99",
                    "not a valid CHANNELS_LAST index"
                },
                {
                    job(
                            "torch-backward-99",
                            "max_pool2d_backward",
                            "\"input\": \"x4.npy\", \"grad_output\": \"g2x2.npy\", \"indices\": \"i99.npy\", \"kernel_size\": 2"),
                    "indices[1] = 99",
                    "must be in [0, 16)"
                },
                {
                    job(
                            "unpool-99",
                            "max_unpool2d",
                            "\"input\": \"g2x2.npy\", \"indices\": \"i99.npy\", \"kernel_size\": 2"),
                    "indices[1] = 99",
                    "must be in [0, 16)"
                },
                {
                    job(
                            "unpool-negative",
                            "max_unpool2d",
                            "\"input\": \"g2x2.npy\", \"indices\": \"ineg.npy\", \"kernel_size\": 2"),
                    "indices[1] = -2",
                    "must be in [0, 16)"
                },
            });
        }
    }

    /** CVE-2022-35941, 35963, 35968: sizes whose products overflow. */
    @Nested
    class OverflowingProduct {
        @Test
        void hugeSizes() throws Exception {
            check(new String[][] {
                {
                    job(
                            "ksize-1e20",
                            "tf.nn.avg_pool2d",
                            "\"input\": \"x1111.npy\", \"ksize\": [1, 1e20, 1, 1], \"strides\": 1, \"padding\": \"VALID\""),
                    "\"ksize\"",
                    "1e20",
                },
                {
                    job(
                            "ksize-int-max",
                            "tf.nn.avg_pool2d",
                            "\"input\": \"x1111.npy\", \"ksize\": [1, 2147483647, 1, 1], \"strides\": 1, \"padding\": \"VALID\""),
                    "computed output size -2147483645 on axis 0 is < 1",
                    "effective kernel 2147483647"
                },
                {
                    job(
                            "adaptive-2-pow-32",
                            "adaptive_max_pool2d",
                            "\"input\": \"x4.npy\", \"output_size\": [65536, 65536]"),
                    "[65536, 65536]",
                },
                {
                    job(
                            "unpool-output-overflow",
                            "max_unpool2d",
                            "\"input\": \"g2x2.npy\", \"indices\": \"i99.npy\", \"kernel_size\": 2, \"output_size\": [2147483647, 2147483647]"),
                    "outputSize = [2147483647, 2147483647]: entry 0 must be in (2, 6)",
                },
            });
        }
    }
}
