package org.pooling4j.cli.jobs;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pooling4j.Layout;
import org.pooling4j.LongTensor;
import org.pooling4j.LpMode;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooled;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;

/**
 * Jobs named after {@code torch.nn.functional} with PyTorch's parameter names, defaults, checks and
 * semantics. The optional key {@code "memory_format": "channels_last"} runs the job in the
 * channels-last layout (the files stay in PyTorch's logical NCHW order).
 *
 * <p>Also the operators beyond PyTorch in the same style (docs/semantics.md section 16):
 * {@code stochastic_pool}, {@code mixed_pool}, {@code gated_pool} and {@code weighted_avg_pool}, each
 * 1d/2d/3d and with {@code _backward}; a backward job of an operator with learnable weights writes the
 * weight gradient to {@code grad_weights} when that key is given.
 */
final class TorchJobs {
    private static final Pattern OP = Pattern.compile(
            "(max_pool|avg_pool|lp_pool|adaptive_max_pool|adaptive_avg_pool|fractional_max_pool|max_unpool"
                    + "|stochastic_pool|mixed_pool|gated_pool|weighted_avg_pool)([1-3])d(_backward)?");

    /** PyTorch parameter names; a job may only use those of its own operator. */
    private static final java.util.Set<String> PARAMETERS = java.util.Set.of("kernel_size", "stride", "padding", "dilation",
            "ceil_mode", "count_include_pad", "divisor_override", "norm_type", "output_size", "output_ratio",
            "training", "alpha", "weights", "sigma");

    private static final java.util.Map<String, java.util.Set<String>> ALLOWED = java.util.Map.ofEntries(
            java.util.Map.entry("max_pool", java.util.Set.of("kernel_size", "stride", "padding", "dilation", "ceil_mode")),
            java.util.Map.entry("avg_pool", java.util.Set.of("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override")),
            java.util.Map.entry("lp_pool", java.util.Set.of("norm_type", "kernel_size", "stride", "ceil_mode")),
            java.util.Map.entry("adaptive_max_pool", java.util.Set.of("output_size")),
            java.util.Map.entry("adaptive_avg_pool", java.util.Set.of("output_size")),
            java.util.Map.entry("fractional_max_pool", java.util.Set.of("kernel_size", "output_size", "output_ratio")),
            java.util.Map.entry("max_unpool", java.util.Set.of("kernel_size", "stride", "padding", "output_size")),
            java.util.Map.entry("stochastic_pool", java.util.Set.of("kernel_size", "stride", "padding", "training")),
            java.util.Map.entry("mixed_pool", java.util.Set.of("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override", "alpha")),
            java.util.Map.entry("gated_pool", java.util.Set.of("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override", "weights")),
            java.util.Map.entry("weighted_avg_pool", java.util.Set.of("kernel_size", "stride", "padding", "dilation", "ceil_mode", "weights", "sigma")));

    private TorchJobs() {}

    static boolean handles(String op) {
        return OP.matcher(op).matches();
    }

    /** Runs the job; returns the name of the kernel used. */
    static String run(Job j) throws IOException {
        Matcher m = OP.matcher(j.op);
        if (!m.matches()) throw new IllegalArgumentException("op = \"" + j.op + "\": unknown operator");
        String base = m.group(1);
        int r = Integer.parseInt(m.group(2));
        boolean backward = m.group(3) != null;
        if (base.equals("fractional_max_pool") && r == 1) throw new IllegalArgumentException("op = \"" + j.op + "\": fractional max pooling is 2d or 3d");

        for (String key : PARAMETERS) {
            // A parameter of another pooling function is a mistake PyTorch would reject (unexpected keyword).
            if (j.has(key) && !ALLOWED.get(base).contains(key)) throw j.bad(key, base + r + "d has no parameter " + key);
        }
        Tensor x = j.readTensor("input");
        if (x.rank() != r + 1 && x.rank() != r + 2) {
            throw new IllegalArgumentException("input shape " + java.util.Arrays.toString(x.shape()) + ": " + j.op
                    + " expects a " + (r + 1) + "-D (unbatched) or " + (r + 2) + "-D (batched) input");
        }
        boolean batched = x.rank() == r + 2;
        String fmt = j.str("memory_format", "contiguous_format");
        Layout layout;
        if (fmt.equals("channels_last") || fmt.equals("channels_last_3d")) layout = Layout.CHANNELS_LAST;
        else if (fmt.equals("contiguous_format") || fmt.equals("contiguous")) layout = Layout.CHANNELS_FIRST;
        else throw j.bad("memory_format", "must be \"contiguous_format\" or \"channels_last\"");
        x = toLayout(x, layout, batched);

        if (BeyondJobs.handles(base)) return BeyondJobs.run(j, base, r, backward, x, layout, batched);
        PoolSpec spec = spec(j, base, r, x, batched);
        if (base.equals("max_unpool")) {
            LongTensor idx = toLayout(j.readLongTensor("indices"), layout, batched);
            if (!backward) {
                j.write("output", fromLayout(Pooling.maxUnpool(spec, x, idx), batched));
            } else {
                Tensor g = toLayout(j.readTensor("grad_output"), layout, batched);
                j.write("output", fromLayout(Pooling.maxUnpoolBackward(spec, x, idx, g), batched));
            }
            return "reference";
        }
        Tensor samples = null;
        if (base.equals("fractional_max_pool") && j.has("random_samples")) {
            samples = j.readTensor("random_samples");
            if (!batched && samples.rank() == 2) samples = samples.reshape(1, samples.dim(0), samples.dim(1));
        }
        boolean maxType = base.equals("max_pool") || base.equals("adaptive_max_pool") || base.equals("fractional_max_pool");
        String kernel = Pooling.kernelFor(spec, x, backward);
        if (!backward) {
            if (maxType) {
                Pooled p = base.equals("fractional_max_pool") ? Pooling.fractionalMaxPool(spec, x, samples) : Pooling.forwardWithIndices(spec, x);
                j.write("output", fromLayout(p.values(), batched));
                if (j.has("indices")) j.write("indices", fromLayout(p.indices(), batched));
                return p.kernel();
            }
            j.write("output", fromLayout(Pooling.forward(spec, x), batched));
            return kernel;
        }
        Tensor g = toLayout(j.readTensor("grad_output"), layout, batched);
        Tensor dx;
        if (base.equals("fractional_max_pool")) {
            dx = Pooling.fractionalMaxPoolBackward(spec, x, g, samples);
        } else if (maxType && j.fileExists("indices")) {
            dx = Pooling.backward(spec, x, g, toLayout(j.readLongTensor("indices"), layout, batched));
        } else {
            dx = Pooling.backward(spec, x, g);
        }
        j.write("output", fromLayout(dx, batched));
        return kernel;
    }

    static Tensor toLayout(Tensor t, Layout layout, boolean batched) {
        return layout == Layout.CHANNELS_FIRST ? t : t.toLayout(layout, batched);
    }

    static LongTensor toLayout(LongTensor t, Layout layout, boolean batched) {
        return layout == Layout.CHANNELS_FIRST ? t : t.toLayout(layout, batched);
    }

    static Tensor fromLayout(Tensor t, boolean batched) {
        return t.toLayout(Layout.CHANNELS_FIRST, batched);
    }

    static LongTensor fromLayout(LongTensor t, boolean batched) {
        return t.toLayout(Layout.CHANNELS_FIRST, batched);
    }

    private static PoolSpec spec(Job j, String base, int r, Tensor x, boolean batched) {
        switch (base) {
            case "max_pool": {
                int[] k = j.ints("kernel_size", r, null);
                int[] s = j.ints("stride", r, k);
                int[] p = j.ints("padding", r, new int[r]);
                int[] d = j.ints("dilation", r, ones(r));
                halfKernelRule(j, k, p);
                return PoolSpec.max(k).stride(s).padding(p).dilation(d).ceilMode(j.bool("ceil_mode", false)).build();
            }
            case "avg_pool": {
                int[] k = j.ints("kernel_size", r, null);
                int[] s = j.ints("stride", r, k);
                int[] p = j.ints("padding", r, new int[r]);
                halfKernelRule(j, k, p);
                if (r == 3) {
                    // avg_pool3d checks the unpadded input against the kernel (check_input_size).
                    int[] in = spatial(x, r, batched);
                    for (int a = 0; a < r; a++) {
                        if (in[a] < k[a]) throw j.bad("kernel_size", "avg_pool3d needs input size >= kernel size on every axis, input " + java.util.Arrays.toString(in));
                    }
                }
                PoolSpec.Builder b = PoolSpec.avg(k).stride(s).padding(p).ceilMode(j.bool("ceil_mode", false))
                        .countIncludePad(j.bool("count_include_pad", true));
                if (j.has("divisor_override")) {
                    if (r == 1) throw j.bad("divisor_override", "avg_pool1d has no divisor_override");
                    int dv = j.toInt("divisor_override", j.raw("divisor_override"));
                    if (dv == 0) throw j.bad("divisor_override", "divisor must be not zero");
                    b.divisorOverride(dv);
                }
                return b.build();
            }
            case "lp_pool": {
                int[] k = j.ints("kernel_size", r, null);
                int[] s = j.ints("stride", r, k);
                return PoolSpec.lp(j.dbl("norm_type"), k).stride(s).lpMode(LpMode.PYTORCH).ceilMode(j.bool("ceil_mode", false)).build();
            }
            case "adaptive_max_pool":
            case "adaptive_avg_pool": {
                Integer[] out = adaptiveSize(j, r);
                return base.equals("adaptive_max_pool") ? PoolSpec.adaptiveMax(out).build() : PoolSpec.adaptiveAvg(out).build();
            }
            case "fractional_max_pool": {
                int[] k = j.ints("kernel_size", r, null);
                PoolSpec.Builder b = PoolSpec.fractionalMax(k);
                if (j.has("output_size") && j.has("output_ratio")) throw j.bad("output_ratio", "give output_size or output_ratio, not both");
                if (j.has("output_size")) {
                    b.outputSize(j.ints("output_size", r, null));
                } else if (j.has("output_ratio")) {
                    b.outputRatio(ratios(j, r));
                } else {
                    throw j.bad("output_size", "fractional_max_pool requires output_size or output_ratio");
                }
                if (!j.has("random_samples")) b.seed(j.has("seed") ? j.toInt("seed", j.raw("seed")) : 0);
                return b.build();
            }
            default: { // max_unpool
                int[] k = j.ints("kernel_size", r, null);
                int[] s = j.ints("stride", r, k);
                int[] p = j.ints("padding", r, new int[r]);
                PoolSpec.Builder b = PoolSpec.maxUnpool(k).stride(s).padding(p);
                if (j.has("output_size")) {
                    int[] full = j.intsFull("output_size");
                    if (full.length < r) throw j.bad("output_size", "needs at least " + r + " entries");
                    // PyTorch accepts the full size (with N, C) or the spatial size; the spatial part is the last r entries.
                    b.outputSize(java.util.Arrays.copyOfRange(full, full.length - r, full.length));
                }
                return b.build();
            }
        }
    }

    /** PyTorch's rule for max/avg/lp pooling: padding at most half the (undilated) kernel. */
    private static void halfKernelRule(Job j, int[] k, int[] p) {
        for (int a = 0; a < k.length; a++) {
            if (p[a] > k[a] / 2) {
                throw j.bad("padding", "pad should be smaller than or equal to half of kernel size (PyTorch), kernel " + java.util.Arrays.toString(k));
            }
        }
    }

    private static int[] spatial(Tensor x, int r, boolean batched) {
        int lead = batched ? 2 : 1;
        int[] s = new int[r];
        int[] shape = x.shape();
        if (x.layout() == Layout.CHANNELS_FIRST) System.arraycopy(shape, lead, s, 0, r);
        else System.arraycopy(shape, lead - 1, s, 0, r);
        return s;
    }

    private static Integer[] adaptiveSize(Job j, int r) {
        Object v = j.raw("output_size");
        if (v == null) throw j.bad("output_size", "is required");
        Integer[] out = new Integer[r];
        if (v instanceof List) {
            List<?> l = (List<?>) v;
            if (l.size() != r && l.size() != 1) throw j.bad("output_size", "must have " + r + " entries");
            for (int i = 0; i < r; i++) {
                Object e = l.get(l.size() == 1 ? 0 : i);
                out[i] = e == null ? null : j.toInt("output_size", e);
            }
        } else {
            java.util.Arrays.fill(out, j.toInt("output_size", v));
        }
        return out;
    }

    private static double[] ratios(Job j, int r) {
        Object v = j.raw("output_ratio");
        double[] out = new double[r];
        if (v instanceof List) {
            List<?> l = (List<?>) v;
            if (l.size() != r && l.size() != 1) throw j.bad("output_ratio", "must have " + r + " entries");
            for (int i = 0; i < r; i++) {
                Object e = l.get(l.size() == 1 ? 0 : i);
                if (!(e instanceof Number)) throw j.bad("output_ratio", "entries must be numbers");
                out[i] = ((Number) e).doubleValue();
            }
        } else if (v instanceof Number) {
            java.util.Arrays.fill(out, ((Number) v).doubleValue());
        } else {
            throw j.bad("output_ratio", "must be a number or a list of numbers");
        }
        return out;
    }

    private static int[] ones(int r) {
        int[] a = new int[r];
        java.util.Arrays.fill(a, 1);
        return a;
    }
}
