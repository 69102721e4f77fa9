package org.pooling4j.cli.jobs;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.pooling4j.Layout;
import org.pooling4j.LongTensor;
import org.pooling4j.Pooled;
import org.pooling4j.Tensor;
import org.pooling4j.roi.RoiPooling;

/**
 * torchvision's region ops, {@code roi_align} and {@code roi_pool}, each also with {@code _backward}
 * (the gradient with respect to {@code input}), with torchvision's parameter names and defaults:
 * {@code boxes} ((K, 5) rows {@code [batch_index, x1, y1, x2, y2]}), {@code output_size} (an int or
 * {@code [h, w]}), {@code spatial_scale} (1.0), and for roi_align {@code sampling_ratio} (−1, adaptive)
 * and {@code aligned} (false). Files stay in torchvision's NCHW order; {@code "memory_format":
 * "channels_last"} runs the job in the channels-last layout.
 *
 * <p>The backward jobs read {@code grad_output} and take the input shape from {@code input} (or from
 * {@code input_shape}, {@code [N, C, H, W]}). {@code roi_pool_backward} uses the argmax in
 * {@code indices} when that file exists, and otherwise recomputes it from {@code input}; the forward
 * {@code roi_pool} writes its argmax to {@code indices} when the key is given.
 */
final class RoiJobs implements JobFamily {
    private static final Set<String> OPS = Set.of("roi_align", "roi_pool", "roi_align_backward", "roi_pool_backward");
    private static final Set<String> ALIGN_ONLY = Set.of("sampling_ratio", "aligned");

    @Override
    public Set<String> ops() {
        return OPS;
    }

    @Override
    public Set<String> keys(String op) {
        Set<String> keys = new TreeSet<>(COMMON_KEYS);
        keys.addAll(List.of("input", "output", "boxes", "output_size", "spatial_scale", "memory_format"));
        if (op.startsWith("roi_align")) keys.addAll(ALIGN_ONLY);
        // roi_pool's argmax: written by the forward job when given, read by the backward one when the file exists.
        else keys.add("indices");
        if (op.endsWith("_backward")) keys.addAll(List.of("grad_output", "input_shape"));
        return Collections.unmodifiableSet(keys);
    }

    /** The forward roi_pool writes its argmax to {@code indices} when given (the backward reads it). */
    @Override
    public Set<String> outputKeys(String op) {
        return op.equals("roi_pool") ? Set.of("output", "indices") : Set.of("output");
    }

    /** roi_align's parameters on roi_pool, rejected as torchvision's roi_pool has no such parameter. */
    @Override
    public Set<String> keysRunRejects(String op) {
        return op.startsWith("roi_align") ? Set.of() : ALIGN_ONLY;
    }

    @Override
    public String run(Job j) throws IOException {
        boolean align = j.op.startsWith("roi_align");
        boolean backward = j.op.endsWith("_backward");
        if (!align) {
            for (String key : ALIGN_ONLY) {
                // torchvision's roi_pool has no such parameter (an unexpected keyword in Python).
                if (j.present(key)) throw j.bad(key, "roi_pool has no parameter " + key);
            }
        }
        if (backward && j.present("input_shape") && j.present("input")) {
            // One of them would be ignored: say which shape counts rather than pick one.
            throw j.bad("input_shape", "give input or input_shape, not both");
        }
        int[] out = outputSize(j);
        float scale = spatialScale(j);
        int samplingRatio = align && j.has("sampling_ratio") ? j.toInt("sampling_ratio", j.raw("sampling_ratio")) : -1;
        boolean aligned = align && j.bool("aligned", false);
        String fmt = j.str("memory_format", "contiguous_format");
        Layout layout;
        if (fmt.equals("channels_last")) layout = Layout.CHANNELS_LAST;
        else if (fmt.equals("contiguous_format") || fmt.equals("contiguous")) layout = Layout.CHANNELS_FIRST;
        else throw j.bad("memory_format", "must be \"contiguous_format\" or \"channels_last\"");
        Tensor boxes = j.readTensor("boxes");

        if (!backward) {
            Tensor x = nchw(j, j.readTensor("input"), "input").toLayout(layout, true);
            if (align) {
                j.write(
                        "output",
                        nchw(RoiPooling.torchRoiAlign(x, boxes, out[0], out[1], scale, samplingRatio, aligned)));
            } else {
                Pooled p = RoiPooling.torchRoiPool(x, boxes, out[0], out[1], scale);
                j.write("output", nchw(p.values()));
                if (j.has("indices")) j.write("indices", p.indices().toLayout(Layout.CHANNELS_FIRST, true));
            }
            return "roi-scalar";
        }

        Tensor g = nchw(j, j.readTensor("grad_output"), "grad_output");
        int[] gs = g.shape();
        if (gs[2] != out[0] || gs[3] != out[1]) {
            throw j.bad(
                    "grad_output",
                    "its shape " + Arrays.toString(gs) + " must end in output_size " + Arrays.toString(out));
        }
        g = g.toLayout(layout, true);
        Tensor dx;
        if (align) {
            dx = RoiPooling.torchRoiAlignBackward(g, boxes, inputShape(j, layout), scale, samplingRatio, aligned);
        } else if (j.fileExists("indices")) {
            LongTensor a = j.readLongTensor("indices");
            if (!Arrays.equals(a.shape(), gs)) {
                throw j.bad(
                        "indices",
                        "its shape " + Arrays.toString(a.shape()) + " must equal grad_output's " + Arrays.toString(gs));
            }
            dx = RoiPooling.torchRoiPoolBackward(g, boxes, a.toLayout(layout, true), inputShape(j, layout));
        } else {
            // No argmax given: recompute it with the forward, as torchvision's autograd saved it.
            Tensor x = nchw(j, j.readTensor("input"), "input").toLayout(layout, true);
            Pooled p = RoiPooling.torchRoiPool(x, boxes, out[0], out[1], scale);
            dx = RoiPooling.torchRoiPoolBackward(g, boxes, p.indices(), x.shape());
        }
        j.write("output", nchw(dx));
        return "roi-scalar";
    }

    private static Tensor nchw(Tensor t) {
        return t.toLayout(Layout.CHANNELS_FIRST, true);
    }

    /** A file must hold a 4-D (N, C, H, W) array: torchvision's region ops take no unbatched input. */
    private static Tensor nchw(Job j, Tensor t, String key) {
        if (t.rank() != 4) {
            throw j.bad(
                    key, "holds shape " + Arrays.toString(t.shape()) + "; " + j.op + " needs a 4-D (N, C, H, W) array");
        }
        return t;
    }

    /** {@code output_size}: an int, or a list of one or two ints; each at least 1. */
    private static int[] outputSize(Job j) {
        Object v = j.raw("output_size");
        if (v == null) throw j.bad("output_size", "is required: an int or [h, w]");
        int[] s;
        if (v instanceof List) {
            List<?> l = (List<?>) v;
            if (l.size() != 1 && l.size() != 2) throw j.bad("output_size", "must be an int or a list of 2 ints [h, w]");
            s = new int[] {j.toInt("output_size", l.get(0)), j.toInt("output_size", l.get(l.size() - 1))};
        } else {
            int k = j.toInt("output_size", v);
            s = new int[] {k, k};
        }
        if (s[0] < 1 || s[1] < 1) throw j.bad("output_size", "every entry must be >= 1");
        return s;
    }

    /**
     * {@code spatial_scale}, finite and &gt; 0, rounded to float32 as torchvision's float kernels
     * round it.
     */
    private static float spatialScale(Job j) {
        if (!j.has("spatial_scale")) return 1f;
        double d = j.dbl("spatial_scale");
        float f = (float) d;
        if (!(Float.isFinite(f) && f > 0f)) throw j.bad("spatial_scale", "must be finite and > 0 (as a float32)");
        return f;
    }

    /** The forward input's shape, in {@code layout}'s order: from {@code input_shape} or {@code input}. */
    private static int[] inputShape(Job j, Layout layout) throws IOException {
        int[] s;
        if (j.has("input_shape")) {
            s = j.intsFull("input_shape");
            if (s.length != 4) throw j.bad("input_shape", "must be [N, C, H, W]");
        } else {
            s = nchw(j, j.readTensor("input"), "input").shape();
        }
        return layout == Layout.CHANNELS_LAST ? new int[] {s[0], s[2], s[3], s[1]} : s;
    }
}
