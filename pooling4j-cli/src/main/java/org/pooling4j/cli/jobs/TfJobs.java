package org.pooling4j.cli.jobs;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pooling4j.AutoPad;
import org.pooling4j.IndexFormat;
import org.pooling4j.Indices;
import org.pooling4j.Layout;
import org.pooling4j.LongTensor;
import org.pooling4j.MaxFloor;
import org.pooling4j.NanPolicy;
import org.pooling4j.PoolPlan;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooled;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;
import org.pooling4j.cli.AutoPadText;

/**
 * Jobs named after TensorFlow's {@code tf.nn} pooling functions, with TensorFlow's keys and rules:
 * channels-last by default ({@code data_format}), {@code ksize}/{@code strides} as an int, a spatial
 * list or a full list with 1 on the batch and channel axes, {@code padding} "SAME" (extra cell at the
 * end), "VALID" (either in any case, so Keras's "same"/"valid" too) or explicit per-side pairs (max pooling only), averages over in-bounds elements only,
 * max starting from {@code -FLT_MAX} with NaN never selected ({@code max_pool_with_argmax} and the 1-D/2-D
 * max-pool gradients take each window's first tap, {@link NanPolicy#FIRST_TAP}), and argmax in
 * {@code (y*W + x)*C + c} form (plus the batch term with {@code include_batch_in_index}).
 */
final class TfJobs implements JobFamily {
    private static final Pattern OP =
            Pattern.compile("tf\\.nn\\.(max_pool|avg_pool|max_pool_with_argmax)([1-3]d)?(_backward)?");

    private static final Set<String> OPS = allOps();

    /** max_pool and avg_pool bare (rank from the input) or 1d/2d/3d; max_pool_with_argmax has no rank suffix. */
    private static Set<String> allOps() {
        Set<String> ops = new TreeSet<>();
        for (String base : List.of("tf.nn.max_pool", "tf.nn.avg_pool")) {
            for (String rank : List.of("", "1d", "2d", "3d")) ops.add(base + rank);
        }
        ops.add("tf.nn.max_pool_with_argmax");
        for (String op : List.copyOf(ops)) ops.add(op + "_backward");
        return Collections.unmodifiableSet(ops);
    }

    @Override
    public Set<String> ops() {
        return OPS;
    }

    @Override
    public Set<String> keys(String op) {
        Set<String> keys = new TreeSet<>(COMMON_KEYS);
        keys.addAll(List.of("input", "output", "ksize", "strides", "padding", "data_format"));
        if (op.endsWith("_backward")) keys.add("grad_output");
        if (op.startsWith("tf.nn.max_pool_with_argmax")) keys.addAll(List.of("argmax", "include_batch_in_index"));
        return Collections.unmodifiableSet(keys);
    }

    /** The forward max_pool_with_argmax writes its argmax (the backward reads it). */
    @Override
    public Set<String> outputKeys(String op) {
        return op.equals("tf.nn.max_pool_with_argmax") ? Set.of("output", "argmax") : Set.of("output");
    }

    /** include_batch_in_index on a plain max or avg pool, rejected as applying to max_pool_with_argmax only. */
    @Override
    public Set<String> keysRunRejects(String op) {
        return op.startsWith("tf.nn.max_pool_with_argmax") ? Set.of() : Set.of("include_batch_in_index");
    }

    @Override
    public String run(Job j) throws IOException {
        Matcher m = OP.matcher(j.op);
        if (!m.matches()) throw new IllegalArgumentException("op = \"" + j.op + "\": unknown operator");
        String base = m.group(1);
        boolean argmax = base.equals("max_pool_with_argmax");
        if (argmax && m.group(2) != null)
            throw new IllegalArgumentException(
                    "op = \"" + j.op + "\": unknown operator (tf.nn.max_pool_with_argmax has no rank suffix)");
        boolean backward = m.group(3) != null;
        Tensor x = j.readTensor("input");
        int r = argmax ? 2 : m.group(2) != null ? m.group(2).charAt(0) - '0' : x.rank() - 2;
        if (r < 1 || x.rank() != r + 2) {
            throw new IllegalArgumentException("input shape " + Arrays.toString(x.shape()) + ": " + j.op
                    + " expects a rank-" + (r + 2) + " tensor (batch, spatial..., channels)");
        }
        Layout layout = layout(j, r, argmax);
        x = x.withLayout(layout);
        int[] k = window(j, "ksize", r, layout);
        int[] s = window(j, "strides", r, layout);
        boolean max = !base.equals("avg_pool");
        // TensorFlow's CPU kernels: tf.nn.max_pool's values never take NaN and start at -FLT_MAX, but
        // max_pool_with_argmax, and the argmax behind the 1-D/2-D max-pool gradient, take each
        // window's first tap and then only strictly larger values (checked against TensorFlow 2.21;
        // docs/semantics.md). The 3-D gradient keeps the plain max rule.
        boolean firstTap = max && (argmax || (backward && r <= 2));
        PoolSpec.Builder b = max
                ? PoolSpec.max(k)
                        .nanPolicy(firstTap ? NanPolicy.FIRST_TAP : NanPolicy.IGNORE)
                        .maxFloor(MaxFloor.LOWEST_FINITE)
                : PoolSpec.avg(k).countIncludePad(false);
        b.stride(s);
        Object pad = j.raw("padding");
        AutoPad auto = pad instanceof String ? AutoPadText.parse((String) pad) : null;
        if (auto == AutoPad.SAME_UPPER || auto == AutoPad.VALID) {
            // TensorFlow writes "SAME"/"VALID", Keras "same"/"valid": the same rules.
            b.autoPad(auto);
        } else if (pad instanceof List) {
            if (!max || argmax)
                throw j.bad(
                        "padding", "explicit padding is accepted by tf.nn.max_pool only; use \"SAME\" or \"VALID\"");
            int[][] pp = explicitPadding(j, r, layout);
            b.padding(pp[0], pp[1]);
        } else {
            throw j.bad("padding", "must be \"SAME\" or \"VALID\" (any case) or a list of [before, after] pairs");
        }
        PoolSpec spec = b.build();
        boolean withBatch = j.bool("include_batch_in_index", false);
        if (!argmax && j.present("include_batch_in_index"))
            throw j.bad("include_batch_in_index", "applies to tf.nn.max_pool_with_argmax only");
        PoolPlan plan = Pooling.plan(spec, x.shape(), x.layout());
        if (!backward) {
            if (argmax) {
                Pooled p = Pooling.forwardWithIndices(spec, x);
                j.write("output", p.values());
                if (j.has("argmax")) j.write("argmax", toTf(p.indices(), x, withBatch));
                return p.kernel();
            }
            Tensor y = plan.newOutput();
            String kernel = plan.forward(x, y);
            j.write("output", y);
            return kernel;
        }
        Tensor g = j.readTensor("grad_output").withLayout(layout);
        Tensor dx = plan.newGradInput();
        String kernel;
        if (argmax && j.fileExists("argmax")) {
            kernel = plan.backward(x, g, fromTf(j, j.readLongTensor("argmax"), x, g, withBatch), dx);
        } else {
            kernel = plan.backward(x, g, dx);
        }
        j.write("output", dx);
        return kernel;
    }

    private static Layout layout(Job j, int r, boolean argmax) {
        String[] last = {"NWC", "NHWC", "NDHWC"};
        String[] first = {"NCW", "NCHW", "NCDHW"};
        String f = j.str("data_format", null);
        if (f == null) return Layout.CHANNELS_LAST;
        if (r <= 3 && f.equals(last[r - 1])) return Layout.CHANNELS_LAST;
        if (r <= 3 && f.equals(first[r - 1]) && !argmax) return Layout.CHANNELS_FIRST;
        if (argmax) throw j.bad("data_format", "tf.nn.max_pool_with_argmax supports \"NHWC\" only");
        throw j.bad(
                "data_format",
                "must be " + (r <= 3 ? "\"" + last[r - 1] + "\" or \"" + first[r - 1] + "\"" : "given for rank " + r));
    }

    /** ksize/strides: an int, 1 or r spatial entries, or r+2 entries with 1 on the batch and channel axes. */
    private static int[] window(Job j, String key, int r, Layout layout) {
        if (!j.has(key)) throw j.bad(key, "is required");
        Object v = j.raw(key);
        if (v instanceof List && ((List<?>) v).size() == r + 2 && r + 2 != 1) {
            int[] full = j.intsFull(key);
            int cAxis = layout == Layout.CHANNELS_LAST ? r + 1 : 1;
            if (full[0] != 1 || full[cAxis] != 1) {
                throw j.bad(key, "must be 1 on the batch and channel dimensions (pooling over them is not supported)");
            }
            int[] out = new int[r];
            int from = layout == Layout.CHANNELS_LAST ? 1 : 2;
            System.arraycopy(full, from, out, 0, r);
            return out;
        }
        return j.ints(key, r, null);
    }

    private static int[][] explicitPadding(Job j, int r, Layout layout) {
        List<?> l = (List<?>) j.raw("padding");
        int[][] pairs = new int[l.size()][];
        for (int i = 0; i < pairs.length; i++) {
            Object e = l.get(i);
            if (!(e instanceof List) || ((List<?>) e).size() != 2)
                throw j.bad("padding", "explicit padding is a list of [before, after] pairs");
            pairs[i] = new int[] {j.toInt("padding", ((List<?>) e).get(0)), j.toInt("padding", ((List<?>) e).get(1))};
        }
        int from;
        if (pairs.length == r + 2) {
            int cAxis = layout == Layout.CHANNELS_LAST ? r + 1 : 1;
            if (pairs[0][0] != 0 || pairs[0][1] != 0 || pairs[cAxis][0] != 0 || pairs[cAxis][1] != 0) {
                throw j.bad("padding", "the batch and channel dimensions must not be padded");
            }
            from = layout == Layout.CHANNELS_LAST ? 1 : 2;
        } else if (pairs.length == r) {
            from = 0;
        } else {
            throw j.bad("padding", "needs " + (r + 2) + " (or " + r + " spatial) [before, after] pairs");
        }
        int[] begin = new int[r];
        int[] end = new int[r];
        for (int a = 0; a < r; a++) {
            begin[a] = pairs[from + a][0];
            end[a] = pairs[from + a][1];
        }
        return new int[][] {begin, end};
    }

    private static int[] spatial(Tensor x) {
        return Arrays.copyOfRange(x.shape(), 1, x.rank() - 1);
    }

    private static IndexFormat format(boolean withBatch) {
        return withBatch ? IndexFormat.CHANNELS_LAST_WITH_BATCH : IndexFormat.CHANNELS_LAST;
    }

    /** Per-plane indices to TensorFlow's flat NHWC form; -1 (no element won) stays -1. */
    private static LongTensor toTf(LongTensor perPlane, Tensor x, boolean withBatch) {
        return Indices.convert(perPlane, spatial(x), IndexFormat.PER_PLANE, format(withBatch));
    }

    /** TensorFlow argmax to per-plane indices; each value must name this element's own batch and channel. */
    private static LongTensor fromTf(Job j, LongTensor tf, Tensor x, Tensor g, boolean withBatch) {
        if (!Arrays.equals(tf.shape(), g.shape())) {
            throw j.bad(
                    "argmax",
                    "shape " + Arrays.toString(tf.shape()) + " must equal the grad_output shape "
                            + Arrays.toString(g.shape()));
        }
        return Indices.convert(
                tf.withLayout(Layout.CHANNELS_LAST), spatial(x), format(withBatch), IndexFormat.PER_PLANE);
    }
}
