package org.pooling4j.cli.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.pooling4j.internal.json.Json;

class JobFamiliesTest {
    @Test
    void everyOpHasExactlyOneFamily() {
        // 7 PyTorch operators in 3 ranks (fractional max pooling in 2), 4 beyond in 3 ranks, TensorFlow's
        // max_pool and avg_pool bare and in 3 ranks plus max_pool_with_argmax, and torchvision's 2; each twice
        // (_backward); the global descriptors gem_pool in 3 ranks, spatial_pyramid_pool2d and rmac, each twice;
        // and sequence_pool, twice.
        assertEquals(
                2 * (20 + 12 + 9 + 2) + 2 * (3 + 1 + 1) + 2, JobFamilies.ops().size());
        int sum = 0;
        for (JobFamily f : JobFamilies.ALL) sum += f.ops().size();
        assertEquals(JobFamilies.ops().size(), sum);
        assertTrue(JobFamilies.forOp("max_pool2d") instanceof TorchJobs);
        assertTrue(JobFamilies.forOp("gated_pool3d_backward") instanceof BeyondJobs);
        assertTrue(JobFamilies.forOp("tf.nn.avg_pool") instanceof TfJobs);
        assertTrue(JobFamilies.forOp("roi_pool_backward") instanceof RoiJobs);
        assertTrue(JobFamilies.forOp("gem_pool3d_backward") instanceof DescriptorJobs);
        assertTrue(JobFamilies.forOp("rmac") instanceof DescriptorJobs);
        assertTrue(JobFamilies.forOp("sequence_pool_backward") instanceof SequenceJobs);
        assertSame(JobFamilies.forOp("max_pool1d"), JobFamilies.forOp("max_unpool3d_backward"));
        assertNull(JobFamilies.forOp("fractional_max_pool1d"));
        assertNull(JobFamilies.forOp("tf.nn.max_pool_with_argmax2d"));
        assertNull(JobFamilies.forOp("max_pool4d"));
        assertNull(JobFamilies.forOp("max_pool"));
    }

    @Test
    void theKnownOpsInCompactForm() {
        assertEquals(
                "adaptive_avg_pool{1d,2d,3d}, adaptive_max_pool{1d,2d,3d}, avg_pool{1d,2d,3d}, fractional_max_pool{2d,3d}, "
                        + "gated_pool{1d,2d,3d}, gem_pool{1d,2d,3d}, lp_pool{1d,2d,3d}, max_pool{1d,2d,3d}, max_unpool{1d,2d,3d}, mixed_pool{1d,2d,3d}, "
                        + "rmac, roi_align, roi_pool, sequence_pool, spatial_pyramid_pool2d, stochastic_pool{1d,2d,3d}, tf.nn.avg_pool{,1d,2d,3d}, tf.nn.max_pool{,1d,2d,3d}, "
                        + "tf.nn.max_pool_with_argmax, weighted_avg_pool{1d,2d,3d}; each also with _backward",
                JobFamilies.describe());
    }

    @Test
    void declaredKeysOfSomeOps() {
        assertEquals(
                Set.of(
                        "id",
                        "op",
                        "input",
                        "output",
                        "memory_format",
                        "kernel_size",
                        "stride",
                        "padding",
                        "dilation",
                        "ceil_mode",
                        "indices"),
                keys("max_pool2d"));
        assertEquals(
                Set.of(
                        "id",
                        "op",
                        "input",
                        "output",
                        "memory_format",
                        "grad_output",
                        "kernel_size",
                        "stride",
                        "padding",
                        "ceil_mode",
                        "count_include_pad"),
                keys("avg_pool1d_backward"));
        assertTrue(keys("avg_pool2d").contains("divisor_override"));
        assertEquals(
                Set.of(
                        "id",
                        "op",
                        "input",
                        "output",
                        "memory_format",
                        "kernel_size",
                        "stride",
                        "padding",
                        "dilation",
                        "ceil_mode",
                        "weights",
                        "sigma",
                        "grad_output",
                        "grad_weights"),
                keys("weighted_avg_pool2d_backward"));
        assertEquals(
                Set.of("id", "op", "input", "output", "ksize", "strides", "padding", "data_format"),
                keys("tf.nn.avg_pool"));
        assertEquals(
                Set.of(
                        "id",
                        "op",
                        "input",
                        "output",
                        "ksize",
                        "strides",
                        "padding",
                        "data_format",
                        "argmax",
                        "include_batch_in_index",
                        "grad_output"),
                keys("tf.nn.max_pool_with_argmax_backward"));
        assertEquals(
                Set.of(
                        "id",
                        "op",
                        "input",
                        "output",
                        "boxes",
                        "output_size",
                        "spatial_scale",
                        "memory_format",
                        "indices"),
                keys("roi_pool"));
    }

    /** The job lines of the README's examples use declared keys only. */
    @Test
    void theReadmeExamplesUseDeclaredKeys() {
        List<String> lines = List.of(
                "{\"id\": \"a\", \"op\": \"max_pool2d\", \"kernel_size\": [3, 3], \"stride\": [2, 2], \"padding\": 1, \"ceil_mode\": true, "
                        + "\"input\": \"x.npy\", \"output\": \"y.npy\", \"indices\": \"i.npy\"}",
                "{\"id\": \"b\", \"op\": \"avg_pool2d_backward\", \"kernel_size\": 2, \"input\": \"x.npy\", \"grad_output\": \"gy.npy\", \"output\": \"gx.npy\"}",
                "{\"id\": \"c\", \"op\": \"tf.nn.max_pool_with_argmax\", \"ksize\": 2, \"strides\": 2, \"padding\": \"SAME\", \"input\": \"nhwc.npy\", "
                        + "\"output\": \"y.npy\", \"argmax\": \"am.npy\"}",
                "{\"op\": \"roi_align\", \"input\": \"x.npy\", \"boxes\": \"boxes.npy\", \"output_size\": [7, 7], \"spatial_scale\": 0.0625, "
                        + "\"sampling_ratio\": 2, \"aligned\": true, \"output\": \"y.npy\"}",
                "{\"op\": \"roi_pool_backward\", \"input\": \"x.npy\", \"boxes\": \"boxes.npy\", \"output_size\": 7, \"grad_output\": \"gy.npy\", \"output\": \"gx.npy\"}");
        for (String line : lines) {
            Map<?, ?> job = (Map<?, ?>) Json.parse(line);
            Set<String> used = new TreeSet<>();
            for (Object k : job.keySet()) used.add((String) k);
            Set<String> declared = keys((String) job.get("op"));
            assertTrue(declared.containsAll(used), used + " not all in " + declared);
        }
    }

    private static Set<String> keys(String op) {
        return JobFamilies.forOp(op).keys(op);
    }
}
