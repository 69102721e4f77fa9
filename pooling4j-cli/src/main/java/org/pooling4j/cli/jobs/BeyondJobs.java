package org.pooling4j.cli.jobs;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.pooling4j.Geometry;
import org.pooling4j.Layout;
import org.pooling4j.PoolPlan;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooled;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;
import org.pooling4j.io.Npy;
import org.pooling4j.io.NpyArray;

/**
 * The job runner's operators beyond the frameworks (docs/semantics.md section 16): stochastic, mixed,
 * gated and weighted-average pooling, each 1d/2d/3d and with {@code _backward}, with keys in
 * PyTorch's style; a backward job of an operator with learnable weights writes the weight gradient to
 * {@code grad_weights} when that key is given. The op name, the parameters, the input's rank and the
 * memory format are checked as {@link TorchJobs} checks them.
 */
final class BeyondJobs implements JobFamily {
    /** The operators of this family and the PyTorch-style parameters each accepts. */
    private static final Map<String, Set<String>> PARAMETERS = Map.ofEntries(
            Map.entry("stochastic_pool", Set.of("kernel_size", "stride", "padding", "training")),
            Map.entry(
                    "mixed_pool",
                    Set.of(
                            "kernel_size",
                            "stride",
                            "padding",
                            "ceil_mode",
                            "count_include_pad",
                            "divisor_override",
                            "alpha")),
            Map.entry(
                    "gated_pool",
                    Set.of(
                            "kernel_size",
                            "stride",
                            "padding",
                            "ceil_mode",
                            "count_include_pad",
                            "divisor_override",
                            "weights")),
            Map.entry(
                    "weighted_avg_pool",
                    Set.of("kernel_size", "stride", "padding", "dilation", "ceil_mode", "weights", "sigma")));

    private final Set<String> ops = TorchJobs.ops(List.copyOf(PARAMETERS.keySet()));

    @Override
    public Set<String> ops() {
        return ops;
    }

    @Override
    public Set<String> keys(String op) {
        Set<String> keys = TorchJobs.commonKeys(op, PARAMETERS);
        if (op.startsWith("stochastic_pool")) keys.addAll(List.of("indices", "random_samples", "seed"));
        boolean learnable = op.startsWith("gated_pool") || op.startsWith("weighted_avg_pool");
        if (learnable && op.endsWith("_backward")) keys.add("grad_weights");
        return Collections.unmodifiableSet(keys);
    }

    /**
     * A forward stochastic job writes its draws to {@code indices}; a backward job of a learnable
     * operator its weight gradient to {@code grad_weights}.
     */
    @Override
    public Set<String> outputKeys(String op) {
        if (op.endsWith("_backward")) return Set.of("output", "grad_weights");
        return op.startsWith("stochastic_pool") ? Set.of("output", "indices") : Set.of("output");
    }

    /**
     * Another operator's parameter, as for {@link TorchJobs}, and grad_weights, whose rejection says
     * why the job has no weight gradient.
     */
    @Override
    public Set<String> keysRunRejects(String op) {
        Set<String> keys = new TreeSet<>(TorchJobs.PARAMETERS);
        keys.add("grad_weights");
        return Collections.unmodifiableSet(keys);
    }

    @Override
    public String run(Job j) throws IOException {
        TorchJobs.Input in = TorchJobs.Input.read(j, PARAMETERS);
        return run(j, in.base, in.rank, in.backward, in.x, in.layout, in.batched);
    }

    /** Runs one job whose input {@code x} is already in {@code layout}; returns the kernel's name. */
    private static String run(Job j, String base, int r, boolean backward, Tensor x, Layout layout, boolean batched)
            throws IOException {
        PoolSpec spec = spec(j, base, r);
        boolean learnable = spec.weightsShape() != null;
        if (j.present("grad_weights")) {
            if (!backward) throw j.bad("grad_weights", "is written by the _backward job only");
            if (!learnable) {
                throw j.bad(
                        "grad_weights",
                        base.equals("weighted_avg_pool")
                                ? "a Gaussian (sigma) weighted average has fixed weights and so no weight gradient"
                                : base + " has no weights");
            }
        }
        boolean stochastic = base.equals("stochastic_pool");
        if (stochastic && !spec.training() && j.has("indices")) {
            throw j.bad("indices", "stochastic pooling has indices only in training mode (\"training\": true)");
        }
        // Checks the input (shape, and for stochastic pooling its values) before any file is read.
        Geometry g = Pooling.geometry(spec, x);
        Tensor u = stochastic && spec.training() && j.has("random_samples") ? uniforms(j, g, layout, batched) : null;
        PoolPlan plan = Pooling.plan(spec, x.shape(), layout);
        if (!backward) {
            if (stochastic && spec.training()) {
                Pooled p = Pooling.stochasticPool(spec, x, u);
                j.write("output", TorchJobs.fromLayout(p.values(), batched));
                if (j.has("indices")) j.write("indices", TorchJobs.fromLayout(p.indices(), batched));
                return p.kernel();
            }
            Tensor y = plan.newOutput();
            String kernel = plan.forward(x, y);
            j.write("output", TorchJobs.fromLayout(y, batched));
            return kernel;
        }
        Tensor gy = TorchJobs.toLayout(j.readTensor("grad_output"), layout, batched);
        Tensor dx;
        String kernel;
        if (stochastic && spec.training() && j.fileExists("indices")) {
            dx = plan.newGradInput();
            kernel = plan.backward(x, gy, TorchJobs.toLayout(j.readLongTensor("indices"), layout, batched), dx);
        } else if (stochastic || j.has("grad_weights")) {
            if (stochastic) {
                dx = Pooling.stochasticPoolBackward(spec, x, gy, u);
            } else {
                Pooling.Gradients both = Pooling.backwardWithWeights(spec, x, gy);
                j.write("grad_weights", both.weights());
                dx = both.input();
            }
            // Draws and weight gradients exist on the reference kernel only (the fast kernels decline
            // these operators), which is the kernel the plan chose.
            kernel = plan.kernel(true);
        } else {
            dx = plan.newGradInput();
            kernel = plan.backward(x, gy, dx);
        }
        j.write("output", TorchJobs.fromLayout(dx, batched));
        return kernel;
    }

    private static PoolSpec spec(Job j, String base, int r) throws IOException {
        int[] k = j.ints("kernel_size", r, null);
        int[] s = j.ints("stride", r, k);
        int[] p = j.ints("padding", r, new int[r]);
        PoolSpec.Builder b;
        switch (base) {
            case "stochastic_pool":
                b = PoolSpec.stochastic(k).training(j.bool("training", true));
                // Neither would be used, or one would hide the other: reject rather than ignore.
                if (j.present("seed") && j.present("random_samples"))
                    throw j.bad("seed", "give random_samples or seed, not both");
                if (!j.bool("training", true)) {
                    for (String key : List.of("seed", "random_samples")) {
                        if (j.present(key))
                            throw j.bad(key, "stochastic pooling draws only in training mode (\"training\": true)");
                    }
                }
                // As fractional_max_pool: uniforms from random_samples when given, else from the seed (default 0).
                if (!j.has("random_samples")) b.seed(seed(j));
                break;
            case "mixed_pool":
                b = avgKeys(j, PoolSpec.mixed(j.dbl("alpha"), k));
                break;
            case "gated_pool": {
                if (!j.has("weights"))
                    throw j.bad(
                            "weights", "is required: an .npy of shape (taps), the kernel, (C, taps) or (C, kernel...)");
                Tensor w = j.readTensor("weights");
                b = avgKeys(j, PoolSpec.gated(k).weights(w.data(), w.shape()));
                break;
            }
            default: { // weighted_avg_pool
                b = PoolSpec.weightedAvg(k)
                        .dilation(j.ints("dilation", r, ones(r)))
                        .ceilMode(j.bool("ceil_mode", false));
                if (j.has("weights") == j.has("sigma")) {
                    throw j.bad(
                            j.has("weights") ? "sigma" : "weights",
                            "weighted_avg_pool needs exactly one of weights (kernel-shaped .npy) and sigma");
                }
                if (j.has("weights")) {
                    Tensor w = j.readTensor("weights");
                    b.weights(w.data(), w.shape());
                } else {
                    b.sigma(j.dbl("sigma"));
                }
            }
        }
        return b.stride(s).padding(p).build();
    }

    /** avg_pool's keys: ceil_mode, count_include_pad (default true) and divisor_override. */
    private static PoolSpec.Builder avgKeys(Job j, PoolSpec.Builder b) {
        b.ceilMode(j.bool("ceil_mode", false)).countIncludePad(j.bool("count_include_pad", true));
        if (j.has("divisor_override")) {
            int dv = j.toInt("divisor_override", j.raw("divisor_override"));
            if (dv == 0) throw j.bad("divisor_override", "divisor must be not zero");
            b.divisorOverride(dv);
        }
        return b;
    }

    /** The {@code seed} key as a 64-bit integer (default 0). */
    private static long seed(Job j) {
        Object v = j.raw("seed");
        if (v == null) return 0;
        if (v instanceof Long) return (Long) v;
        if (v instanceof Double && (Double) v == Math.rint((Double) v) && Math.abs((Double) v) < 0x1p63)
            return (long) (double) (Double) v;
        throw j.bad("seed", "must be an integer");
    }

    /**
     * The {@code random_samples} file: one u in [0, 1) per output element, in the output's logical
     * shape. float64 values are checked before conversion and rounded toward zero, so a value just
     * below 1 stays below 1 in float32.
     */
    private static Tensor uniforms(Job j, Geometry g, Layout layout, boolean batched) throws IOException {
        NpyArray a = Npy.read(j.path("random_samples"));
        int[] want = batched
                ? concat(new int[] {g.batch(), g.channels()}, g.outSizes())
                : concat(new int[] {g.channels()}, g.outSizes());
        if (!Arrays.equals(a.shape(), want)) {
            throw j.bad(
                    "random_samples",
                    "shape " + Arrays.toString(a.shape()) + " must equal the output shape " + Arrays.toString(want)
                            + " (one uniform per output element)");
        }
        float[] u;
        if (a.dtype() == NpyArray.DType.FLOAT64) {
            double[] d = (double[]) a.data();
            u = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                if (!(d[i] >= 0 && d[i] < 1))
                    throw j.bad("random_samples", "element " + i + " = " + d[i] + " is outside [0, 1)");
                float f = (float) d[i];
                u[i] = f > d[i] ? Math.nextDown(f) : f;
            }
        } else {
            u = a.toFloats();
            for (int i = 0; i < u.length; i++) {
                if (!(u[i] >= 0 && u[i] < 1))
                    throw j.bad("random_samples", "element " + i + " = " + u[i] + " is outside [0, 1)");
            }
        }
        return TorchJobs.toLayout(new Tensor(u, want, Layout.CHANNELS_FIRST), layout, batched);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int[] ones(int r) {
        int[] a = new int[r];
        Arrays.fill(a, 1);
        return a;
    }
}
