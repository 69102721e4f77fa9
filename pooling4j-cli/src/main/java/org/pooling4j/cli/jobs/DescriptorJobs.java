package org.pooling4j.cli.jobs;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.pooling4j.Layout;
import org.pooling4j.Tensor;
import org.pooling4j.descriptor.Descriptors;
import org.pooling4j.descriptor.Descriptors.GemGradients;
import org.pooling4j.descriptor.Descriptors.PyramidMode;
import org.pooling4j.descriptor.GemSpec;

/**
 * The global descriptors (docs/semantics.md, "Global descriptors"), each also with {@code _backward}
 * (the gradient with respect to {@code input} given {@code grad_output}, written to {@code output}):
 *
 * <ul>
 * <li>{@code gem_pool{1,2,3}d}: {@code p} (default 3), {@code eps} (default 1e-6) and optionally
 *     {@code kernel_size}, {@code stride}, {@code padding}; without {@code kernel_size} the pooling is
 *     global and the output keeps size-1 spatial axes. {@code memory_format} as for PyTorch's ops. The
 *     backward job writes dL/dp, a float32 array of shape (1), to {@code grad_p} when that key is given.
 * <li>{@code spatial_pyramid_pool2d}: {@code levels} (default {@code [1, 2, 4]}) and {@code mode}
 *     ({@code "max"}, the default, or {@code "avg"}); input (N, C, H, W), output (N, C * sum(l^2)).
 * <li>{@code rmac}: {@code levels} (default 3); input (N, C, H, W), output (N, C).
 * </ul>
 */
final class DescriptorJobs implements JobFamily {
    private static final Map<String, Set<String>> PARAMETERS =
            Map.of("gem_pool", Set.of("kernel_size", "stride", "padding"));

    private static final Set<String> OPS = allOps();

    private static Set<String> allOps() {
        Set<String> ops = new TreeSet<>(TorchJobs.ops(List.of("gem_pool")));
        for (String op : List.of("spatial_pyramid_pool2d", "rmac")) {
            ops.add(op);
            ops.add(op + "_backward");
        }
        return Collections.unmodifiableSet(ops);
    }

    @Override
    public Set<String> ops() {
        return OPS;
    }

    @Override
    public Set<String> keys(String op) {
        boolean backward = op.endsWith("_backward");
        Set<String> keys;
        if (op.startsWith("gem_pool")) {
            keys = TorchJobs.commonKeys(op, PARAMETERS);
            keys.addAll(List.of("p", "eps"));
            if (backward) keys.add("grad_p");
        } else {
            keys = new TreeSet<>(COMMON_KEYS);
            keys.addAll(List.of("input", "output", "levels", "memory_format"));
            if (op.startsWith("spatial_pyramid_pool")) keys.add("mode");
            if (backward) keys.add("grad_output");
        }
        return Collections.unmodifiableSet(keys);
    }

    /** The backward gem_pool jobs also write dL/dp to grad_p. */
    @Override
    public Set<String> outputKeys(String op) {
        return op.startsWith("gem_pool") && op.endsWith("_backward") ? Set.of("output", "grad_p") : Set.of("output");
    }

    /** PyTorch's other pooling parameters on gem_pool, rejected as having no such parameter; grad_p on a forward job. */
    @Override
    public Set<String> keysRunRejects(String op) {
        if (!op.startsWith("gem_pool")) return Set.of();
        Set<String> keys = new TreeSet<>(TorchJobs.PARAMETERS);
        keys.add("grad_p");
        return Collections.unmodifiableSet(keys);
    }

    @Override
    public String run(Job j) throws IOException {
        if (j.op.startsWith("gem_pool")) return gem(j);
        boolean backward = j.op.endsWith("_backward");
        Layout layout = layout(j);
        Tensor x = j.readTensor("input");
        if (x.rank() != 4) {
            throw new IllegalArgumentException(
                    "input shape " + Arrays.toString(x.shape()) + ": " + j.op + " expects a 4-D (N, C, H, W) input");
        }
        x = TorchJobs.toLayout(x, layout, true);
        if (j.op.startsWith("spatial_pyramid_pool")) {
            int[] levels = j.has("levels") ? j.intsFull("levels") : new int[] {1, 2, 4};
            String m = j.str("mode", "max");
            PyramidMode mode;
            if (m.equals("max")) mode = PyramidMode.MAX;
            else if (m.equals("avg")) mode = PyramidMode.AVG;
            else throw j.bad("mode", "must be \"max\" or \"avg\"");
            if (!backward) {
                j.write("output", Descriptors.spatialPyramidPool(x, levels, mode));
            } else {
                Tensor g = Descriptors.spatialPyramidPoolBackward(x, levels, mode, j.readTensor("grad_output"));
                j.write("output", TorchJobs.fromLayout(g, true));
            }
            return mode == PyramidMode.MAX ? "adaptive_max_pool2d levels" : "adaptive_avg_pool2d levels";
        }
        int levels = j.has("levels") ? j.toInt("levels", j.raw("levels")) : Descriptors.DEFAULT_RMAC_LEVELS;
        if (!backward) {
            j.write("output", Descriptors.rmac(x, levels));
        } else {
            Tensor g = Descriptors.rmacBackward(x, levels, j.readTensor("grad_output"));
            j.write("output", TorchJobs.fromLayout(g, true));
        }
        return "rmac";
    }

    private static Layout layout(Job j) {
        String fmt = j.str("memory_format", "contiguous_format");
        if (fmt.equals("channels_last")) return Layout.CHANNELS_LAST;
        if (fmt.equals("contiguous_format") || fmt.equals("contiguous")) return Layout.CHANNELS_FIRST;
        throw j.bad("memory_format", "must be \"contiguous_format\" or \"channels_last\"");
    }

    private static String gem(Job j) throws IOException {
        if (j.has("grad_p") && !j.op.endsWith("_backward")) {
            throw j.bad("grad_p", "is written by the _backward job only");
        }
        TorchJobs.Input in = TorchJobs.Input.read(j, PARAMETERS);
        int r = in.rank;
        GemSpec.Builder b;
        if (j.has("kernel_size")) {
            b = GemSpec.windowed(j.ints("kernel_size", r, null));
            if (j.has("stride")) b.stride(j.ints("stride", r, null));
            if (j.has("padding")) b.padding(j.ints("padding", r, null));
        } else {
            for (String key : List.of("stride", "padding")) {
                if (j.has(key)) throw j.bad(key, "needs kernel_size (without it gem_pool is global)");
            }
            b = GemSpec.global(r);
        }
        if (j.has("p")) b.p(j.dbl("p"));
        if (j.has("eps")) b.eps(j.dbl("eps"));
        GemSpec spec = b.build();
        if (!in.backward) {
            j.write("output", TorchJobs.fromLayout(Descriptors.gem(spec, in.x), in.batched));
            return "gem";
        }
        Tensor gy = TorchJobs.toLayout(j.readTensor("grad_output"), in.layout, in.batched);
        GemGradients g = Descriptors.gemBackward(spec, in.x, gy);
        j.write("output", TorchJobs.fromLayout(g.input(), in.batched));
        if (j.has("grad_p")) j.write("grad_p", Tensor.of(new float[] {(float) g.p()}, 1));
        return "gem";
    }
}
