package org.pooling4j.cli.jobs;

import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pooling4j.AutoPad;
import org.pooling4j.Layout;
import org.pooling4j.LongTensor;
import org.pooling4j.LpMode;
import org.pooling4j.PoolPlan;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooled;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;
import org.pooling4j.cli.AutoPadText;

/**
 * Jobs named after {@code torch.nn.functional} with PyTorch's parameter names, defaults, checks and
 * semantics. The optional key {@code "memory_format": "channels_last"} runs the job in the
 * channels-last layout (the files stay in PyTorch's logical NCHW order).
 *
 * <p>The operators beyond PyTorch in the same style ({@link BeyondJobs}) share this family's checks
 * of the op name, the parameters and the input ({@link Input}).
 */
final class TorchJobs implements JobFamily {
    /**
     * An operator in PyTorch's style: base name, rank 1 to 3, optional {@code _backward}. Which bases
     * exist is each family's business (its map of parameters per base).
     */
    private static final Pattern OP = Pattern.compile("([a-z_]*pool)([1-3])d(_backward)?");

    /** PyTorch parameter names; a job may only use those of its own operator. */
    static final java.util.Set<String> PARAMETERS = java.util.Set.of(
            "kernel_size",
            "stride",
            "padding",
            "dilation",
            "ceil_mode",
            "count_include_pad",
            "divisor_override",
            "norm_type",
            "output_size",
            "output_ratio",
            "training",
            "alpha",
            "weights",
            "sigma");

    private static final java.util.Map<String, java.util.Set<String>> ALLOWED = java.util.Map.ofEntries(
            java.util.Map.entry(
                    "max_pool", java.util.Set.of("kernel_size", "stride", "padding", "dilation", "ceil_mode")),
            java.util.Map.entry(
                    "avg_pool",
                    java.util.Set.of(
                            "kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override")),
            java.util.Map.entry("lp_pool", java.util.Set.of("norm_type", "kernel_size", "stride", "ceil_mode")),
            java.util.Map.entry("adaptive_max_pool", java.util.Set.of("output_size")),
            java.util.Map.entry("adaptive_avg_pool", java.util.Set.of("output_size")),
            java.util.Map.entry("fractional_max_pool", java.util.Set.of("kernel_size", "output_size", "output_ratio")),
            java.util.Map.entry("max_unpool", java.util.Set.of("kernel_size", "stride", "padding", "output_size")));

    /** The operators of this family (its bases in ranks 1 to 3). */
    private static final List<String> BASES = List.of(
            "max_pool",
            "avg_pool",
            "lp_pool",
            "adaptive_max_pool",
            "adaptive_avg_pool",
            "fractional_max_pool",
            "max_unpool");

    /** {@code base} in ranks 1 to 3 (fractional max pooling 2 and 3 only), each also with {@code _backward}. */
    static Set<String> ops(List<String> bases) {
        Set<String> ops = new TreeSet<>();
        for (String base : bases) {
            for (int r = base.equals("fractional_max_pool") ? 2 : 1; r <= 3; r++) {
                ops.add(base + r + "d");
                ops.add(base + r + "d_backward");
            }
        }
        return Collections.unmodifiableSet(ops);
    }

    /**
     * The keys of {@code op} ({@code base}, rank, {@code _backward}) that every operator in PyTorch's
     * style accepts, with its parameters from {@code allowed}, the family's map of parameters per base
     * (avg_pool1d has no divisor_override).
     */
    static Set<String> commonKeys(String op, Map<String, Set<String>> allowed) {
        Matcher m = OP.matcher(op);
        if (!m.matches() || !allowed.containsKey(m.group(1)))
            throw new IllegalArgumentException("op = \"" + op + "\": unknown operator");
        Set<String> keys = new TreeSet<>(COMMON_KEYS);
        keys.addAll(List.of("input", "output", "memory_format"));
        if (m.group(3) != null) keys.add("grad_output");
        keys.addAll(allowed.get(m.group(1)));
        if (m.group(2).equals("1")) keys.remove("divisor_override");
        return keys;
    }

    private final Set<String> ops = ops(BASES);

    @Override
    public Set<String> ops() {
        return ops;
    }

    @Override
    public Set<String> keys(String op) {
        Set<String> keys = commonKeys(op, ALLOWED);
        String base = OP.matcher(op).replaceAll("$1");
        // indices: written by a forward job when given, read by a backward job when the file exists.
        if (base.equals("max_pool") || base.equals("adaptive_max_pool") || base.equals("max_unpool"))
            keys.add("indices");
        if (base.equals("fractional_max_pool")) keys.addAll(List.of("indices", "random_samples", "seed"));
        return Collections.unmodifiableSet(keys);
    }

    /** Forward max-type jobs write their argmax to {@code indices} when given (max_unpool reads it). */
    @Override
    public Set<String> outputKeys(String op) {
        boolean writesIndices = !op.endsWith("_backward")
                && (op.startsWith("max_pool")
                        || op.startsWith("adaptive_max_pool")
                        || op.startsWith("fractional_max_pool"));
        return writesIndices ? Set.of("output", "indices") : Set.of("output");
    }

    /** Another operator's parameter: {@link Input#read} names the operator that lacks it. */
    @Override
    public Set<String> keysRunRejects(String op) {
        return PARAMETERS;
    }

    @Override
    public String run(Job j) throws IOException {
        Input in = Input.read(j, ALLOWED);
        String base = in.base;
        int r = in.rank;
        boolean backward = in.backward;
        Tensor x = in.x;
        Layout layout = in.layout;
        boolean batched = in.batched;
        PoolSpec spec = spec(j, base, r, x, batched);
        // One plan per job: every call below reports the kernel that ran it.
        PoolPlan plan = Pooling.plan(spec, x.shape(), layout);
        if (base.equals("max_unpool")) {
            LongTensor idx = toLayout(j.readLongTensor("indices"), layout, batched);
            String kernel;
            Tensor out;
            if (!backward) {
                out = plan.newOutput();
                kernel = plan.maxUnpool(x, idx, out);
            } else {
                Tensor g = toLayout(j.readTensor("grad_output"), layout, batched);
                out = plan.newGradInput();
                kernel = plan.maxUnpoolBackward(idx, g, out);
            }
            j.write("output", fromLayout(out, batched));
            return kernel;
        }
        Tensor samples = null;
        if (base.equals("fractional_max_pool") && j.has("random_samples")) {
            samples = j.readTensor("random_samples");
            if (!batched && samples.rank() == 2) samples = samples.reshape(1, samples.dim(0), samples.dim(1));
        }
        boolean fractional = base.equals("fractional_max_pool");
        boolean maxType = base.equals("max_pool") || base.equals("adaptive_max_pool") || fractional;
        if (!backward) {
            if (maxType) {
                Pooled p =
                        fractional ? Pooling.fractionalMaxPool(spec, x, samples) : Pooling.forwardWithIndices(spec, x);
                j.write("output", fromLayout(p.values(), batched));
                if (j.has("indices")) j.write("indices", fromLayout(p.indices(), batched));
                return p.kernel();
            }
            Tensor y = plan.newOutput();
            String kernel = plan.forward(x, y);
            j.write("output", fromLayout(y, batched));
            return kernel;
        }
        Tensor g = toLayout(j.readTensor("grad_output"), layout, batched);
        Tensor dx;
        String kernel;
        if (fractional) {
            dx = Pooling.fractionalMaxPoolBackward(spec, x, g, samples);
            // Fractional windows vary per plane: only the reference kernel runs them, as the plan chose.
            kernel = plan.kernel(true);
        } else if (maxType && j.fileExists("indices")) {
            LongTensor idx = toLayout(j.readLongTensor("indices"), layout, batched);
            dx = plan.newGradInput();
            kernel = plan.backward(x, g, idx, dx);
        } else {
            dx = plan.newGradInput();
            kernel = plan.backward(x, g, dx);
        }
        j.write("output", fromLayout(dx, batched));
        return kernel;
    }

    /** A job's operator, rank and input after the checks every operator in PyTorch's style makes, in this order. */
    static final class Input {
        final String base;
        final int rank;
        final boolean backward;
        /** The input, already in {@link #layout}. */
        final Tensor x;

        final Layout layout;
        final boolean batched;

        private Input(String base, int rank, boolean backward, Tensor x, Layout layout, boolean batched) {
            this.base = base;
            this.rank = rank;
            this.backward = backward;
            this.x = x;
            this.layout = layout;
            this.batched = batched;
        }

        /** Reads a job of a family whose parameters per base are {@code allowed}. */
        static Input read(Job j, Map<String, Set<String>> allowed) throws IOException {
            Matcher m = OP.matcher(j.op);
            if (!m.matches() || !allowed.containsKey(m.group(1))) {
                throw new IllegalArgumentException("op = \"" + j.op + "\": unknown operator");
            }
            String base = m.group(1);
            int r = Integer.parseInt(m.group(2));
            boolean backward = m.group(3) != null;

            for (String key : PARAMETERS) {
                // A parameter of another pooling function is a mistake PyTorch would reject (unexpected keyword).
                if (j.present(key) && !allowed.get(base).contains(key))
                    throw j.bad(key, base + r + "d has no parameter " + key);
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
            return new Input(base, r, backward, x, layout, batched);
        }
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

    /**
     * Keras's {@code "padding": "same"} or {@code "valid"} on max_pool and avg_pool (PyTorch itself takes
     * numbers only), or null when the padding is absent or numeric.
     */
    private static AutoPad paddingWord(Job j) {
        if (!j.has("padding") || !(j.raw("padding") instanceof String)) return null;
        AutoPad a = AutoPadText.parse((String) j.raw("padding"));
        if (a == null) throw j.bad("padding", "must be an int, a list of ints or " + AutoPadText.RULE);
        return a;
    }

    private static PoolSpec spec(Job j, String base, int r, Tensor x, boolean batched) {
        switch (base) {
            case "max_pool": {
                int[] k = j.ints("kernel_size", r, null);
                int[] s = j.ints("stride", r, k);
                AutoPad word = paddingWord(j);
                int[] p = word != null ? new int[r] : j.ints("padding", r, new int[r]);
                int[] d = j.ints("dilation", r, ones(r));
                if (word == null) halfKernelRule(j, k, p);
                return PoolSpec.max(k)
                        .stride(s)
                        .padding(p)
                        .autoPad(word != null ? word : AutoPad.NOTSET)
                        .dilation(d)
                        .ceilMode(j.bool("ceil_mode", false))
                        .build();
            }
            case "avg_pool": {
                int[] k = j.ints("kernel_size", r, null);
                int[] s = j.ints("stride", r, k);
                AutoPad word = paddingWord(j);
                int[] p = word != null ? new int[r] : j.ints("padding", r, new int[r]);
                if (word == null) halfKernelRule(j, k, p);
                if (r == 3) {
                    // avg_pool3d checks the unpadded input against the kernel (check_input_size).
                    int[] in = spatial(x, r, batched);
                    for (int a = 0; a < r; a++) {
                        if (in[a] < k[a])
                            throw j.bad(
                                    "kernel_size",
                                    "avg_pool3d needs input size >= kernel size on every axis, input "
                                            + java.util.Arrays.toString(in));
                    }
                }
                // With Keras's "same" the padded cells are not counted (Keras's and TensorFlow's rule),
                // unless the job says otherwise.
                PoolSpec.Builder b = PoolSpec.avg(k)
                        .stride(s)
                        .padding(p)
                        .autoPad(word != null ? word : AutoPad.NOTSET)
                        .ceilMode(j.bool("ceil_mode", false))
                        .countIncludePad(j.bool("count_include_pad", word == null));
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
                return PoolSpec.lp(j.dbl("norm_type"), k)
                        .stride(s)
                        .lpMode(LpMode.PYTORCH)
                        .ceilMode(j.bool("ceil_mode", false))
                        .build();
            }
            case "adaptive_max_pool":
            case "adaptive_avg_pool": {
                Integer[] out = adaptiveSize(j, r);
                return base.equals("adaptive_max_pool")
                        ? PoolSpec.adaptiveMax(out).build()
                        : PoolSpec.adaptiveAvg(out).build();
            }
            case "fractional_max_pool": {
                int[] k = j.ints("kernel_size", r, null);
                PoolSpec.Builder b = PoolSpec.fractionalMax(k);
                if (j.has("output_size") && j.has("output_ratio"))
                    throw j.bad("output_ratio", "give output_size or output_ratio, not both");
                if (j.has("output_size")) {
                    b.outputSize(j.ints("output_size", r, null));
                } else if (j.has("output_ratio")) {
                    b.outputRatio(ratios(j, r));
                } else {
                    throw j.bad("output_size", "fractional_max_pool requires output_size or output_ratio");
                }
                // The draws come from the file or from the seed: a seed given with the file would be ignored.
                if (j.present("seed") && j.present("random_samples"))
                    throw j.bad("seed", "give random_samples or seed, not both");
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
                    // PyTorch accepts the full size (with N, C) or the spatial size; the spatial part is the last r
                    // entries.
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
                throw j.bad(
                        "padding",
                        "pad should be smaller than or equal to half of kernel size (PyTorch), kernel "
                                + java.util.Arrays.toString(k));
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
