package org.pooling4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pooling4j.AutoPad;
import org.pooling4j.Geometry;
import org.pooling4j.PoolOp;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooled;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;
import org.pooling4j.cli.pictures.ExplainPicture;
import org.pooling4j.cli.pictures.Images;
import org.pooling4j.io.Npy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prints pooling worked out window by window: by default the tutorial example (a 4x4 input 1..16,
 * 2x2 windows, stride 2) for max and average pooling.
 */
@Command(
        name = "explain",
        mixinStandardHelpOptions = true,
        description = {
            "Show pooling worked out window by window.",
            "The default input is the 4x4 grid 1..16, with kernel 2, stride 2, max and avg. An --input .npy of shape (L), (H, W) or (D, H, W) is one plane. A 4-D array is (N, C, H, W) with 2-D pooling and a 5-D array (N, C, D, H, W) with 3-D pooling, as in PyTorch; a --kernel with as many entries as spatial axes chooses another split."
        })
public final class ExplainCommand implements Callable<Integer> {
    @Option(
            names = "--op",
            paramLabel = "OP",
            split = ",",
            description = "max, avg, lp, adaptive_max, adaptive_avg, global_max, global_avg, "
                    + "stochastic, mixed, gated, weighted_avg (default: max,avg; also gaussian, adaptive, global, lp2,"
                    + " lp4); sequence_mean (and sequence_cls, sequence_max, ... for every sequence pooling mode)")
    List<String> ops;

    @Option(
            names = "--kernel",
            paramLabel = "N",
            split = ",",
            description = "kernel size per axis (one value = all axes; default 2)")
    int[] kernel;

    @Option(names = "--stride", paramLabel = "N", split = ",", description = "stride per axis (default: the kernel)")
    int[] stride;

    @Option(
            names = "--padding",
            paramLabel = "PAD",
            split = ",",
            description = "symmetric padding per axis (default 0), or same or valid as Keras means them: output ="
                    + " ceil(input / stride) with padded cells never counted, or no padding")
    String[] padding;

    @Option(
            names = "--dilation",
            paramLabel = "N",
            split = ",",
            description = "dilation per axis (max, avg, lp; default 1)")
    int[] dilation;

    @Option(names = "--ceil-mode", description = "round the output size up (a window may not start in the end padding)")
    boolean ceilMode;

    @Option(
            names = "--count-include-pad",
            paramLabel = "BOOL",
            arity = "1",
            description = "average divides by padding cells too (default true, as PyTorch; false with --padding same)")
    Boolean countIncludePadOption;

    @Option(names = "--p", paramLabel = "NUM", description = "Lp norm order (default 2)")
    double p = 2;

    @Option(names = "--output-size", paramLabel = "N", split = ",", description = "adaptive output size per axis")
    int[] outputSize;

    @Option(
            names = "--alpha",
            paramLabel = "NUM",
            description = "mixed: weight of the max in alpha*max + (1-alpha)*avg (default 0.5)")
    double alpha = 0.5;

    @Option(
            names = "--weights",
            paramLabel = "W",
            split = ",",
            description = "gated: one weight per window tap (default all 0: g = 0.5); "
                    + "weighted_avg: kernel-shaped weights in row-major order (default: the Gaussian of --sigma)")
    float[] weights;

    @Option(
            names = "--sigma",
            paramLabel = "NUM",
            description = "weighted_avg: Gaussian sigma in taps when no --weights are given (default 1)")
    double sigma = 1;

    @Option(
            names = "--training",
            paramLabel = "BOOL",
            arity = "1",
            description = "stochastic: draw a tap (true, default) or the probability-weighted average (false)")
    boolean training = true;

    @Option(names = "--seed", paramLabel = "N", description = "stochastic training: seed of the uniforms (default 0)")
    long seed;

    @Option(names = "--input", paramLabel = "FILE.npy", description = "input .npy (float32/float64/int32/int64)")
    Path input;

    @Option(
            names = "--png",
            paramLabel = "FILE.png",
            description = "also draw the example as a PNG: the input with each window outlined in its own colour, "
                    + "and the output cells in the same colours (2D inputs up to 24x24; the first plane)")
    Path png;

    @picocli.CommandLine.Mixin
    org.pooling4j.cli.BudgetOptions budgets;

    @Override
    public Integer call() throws Exception {
        if (input != null) InputFiles.file(input);
        if (png != null) OutputFiles.file(png, "--png");
        if (ops != null && !ops.isEmpty() && SequenceExplain.handles(ops.get(0))) {
            for (String op : ops) {
                if (!SequenceExplain.handles(op)) {
                    throw new IllegalArgumentException("--op " + String.join(",", ops)
                            + ": sequence ops and window ops cannot be explained together (different inputs)");
                }
            }
            SequenceExplain.print(ops, input == null ? null : Npy.readTensor(input));
            return 0;
        }
        Tensor x;
        int rank;
        if (input == null) {
            float[] d = new float[16];
            for (int i = 0; i < 16; i++) d[i] = i + 1;
            x = Tensor.of(d, 1, 1, 4, 4);
            rank = 2;
        } else {
            Tensor raw = Npy.readTensor(input);
            int ar = raw.rank();
            if (ar == 0) throw new IllegalArgumentException("--input " + input + ": a 0-d array cannot be pooled");
            if (kernel != null && kernel.length > 1) {
                rank = kernel.length;
            } else if (outputSize != null && outputSize.length > 1) {
                rank = outputSize.length;
            } else {
                // Up to 3 axes: one plane. More: the leading two are (N, C), as PyTorch reads a 4-D
                // (N, C, H, W) or 5-D (N, C, D, H, W) input; a kernel with more entries picks more axes.
                rank = ar <= 3 ? ar : ar - 2;
            }
            if (ar == rank) {
                int[] s = new int[rank + 2];
                s[0] = 1;
                s[1] = 1;
                System.arraycopy(raw.shape(), 0, s, 2, rank);
                x = raw.reshape(s);
            } else {
                x = raw;
            }
        }
        List<String> which = ops == null ? List.of("max", "avg") : ops;
        System.out.println("Input " + shapeText(x) + ":");
        printPlanes(x, rank);
        if (png != null && rank != 2) {
            throw new IllegalArgumentException(
                    "--png: draws two-dimensional inputs only; this input has " + rank + " spatial axes");
        }
        List<ExplainPicture.Row> rows = new ArrayList<>();
        for (String op : which) {
            String name = OpNames.canonical(op);
            Double impliedP = OpNames.impliedP(op);
            double givenP = p;
            if (impliedP != null) p = impliedP;
            PoolSpec spec = spec(name, rank);
            p = givenP;
            Tensor y = explain(spec, name, x);
            if (png != null) {
                Geometry g = Pooling.geometry(spec, x);
                rows.add(new ExplainPicture.Row(name, spec, g, y));
            }
        }
        if (png != null) {
            java.awt.image.BufferedImage img = ExplainPicture.draw(x, rows);
            Images.writePng(img, png);
            System.out.println();
            System.out.println("wrote " + png + " (" + img.getWidth() + "x" + img.getHeight() + ")");
        }
        return 0;
    }

    private int[] perAxis(int[] v, int rank, int dflt, String name) {
        int[] out = new int[rank];
        if (v == null) {
            java.util.Arrays.fill(out, dflt);
        } else if (v.length == 1) {
            java.util.Arrays.fill(out, v[0]);
        } else if (v.length == rank) {
            out = v.clone();
        } else {
            throw new IllegalArgumentException(
                    name + " = " + java.util.Arrays.toString(v) + ": needs 1 or " + rank + " values");
        }
        return out;
    }

    private int[] paddingNumbers() {
        if (padding == null) return null;
        int[] v = new int[padding.length];
        for (int i = 0; i < v.length; i++) {
            try {
                v[i] = Integer.parseInt(padding[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--padding " + String.join(",", padding)
                        + ": must be integers, one or one per axis, or one of " + AutoPadText.RULE);
            }
        }
        return v;
    }

    private PoolSpec spec(String op, int rank) {
        int[] k = perAxis(kernel, rank, 2, "--kernel");
        int[] s = stride == null ? k : perAxis(stride, rank, 1, "--stride");
        AutoPad word = padding != null && padding.length == 1 ? AutoPadText.parse(padding[0]) : null;
        int[] pad = word != null ? new int[rank] : perAxis(paddingNumbers(), rank, 0, "--padding");
        AutoPad auto = word != null ? word : AutoPad.NOTSET;
        boolean countIncludePad = countIncludePadOption != null ? countIncludePadOption : word == null;
        int[] dil = perAxis(dilation, rank, 1, "--dilation");
        switch (op) {
            case "max":
                return PoolSpec.max(k)
                        .stride(s)
                        .padding(pad)
                        .autoPad(auto)
                        .dilation(dil)
                        .ceilMode(ceilMode)
                        .build();
            case "avg":
                return PoolSpec.avg(k)
                        .stride(s)
                        .padding(pad)
                        .autoPad(auto)
                        .dilation(dil)
                        .ceilMode(ceilMode)
                        .countIncludePad(countIncludePad)
                        .build();
            case "lp":
                return PoolSpec.lp(p, k)
                        .stride(s)
                        .padding(pad)
                        .autoPad(auto)
                        .dilation(dil)
                        .ceilMode(ceilMode)
                        .build();
            case "stochastic":
                return PoolSpec.stochastic(k)
                        .stride(s)
                        .padding(pad)
                        .autoPad(auto)
                        .training(training)
                        .seed(seed)
                        .build();
            case "mixed":
                return PoolSpec.mixed(alpha, k)
                        .stride(s)
                        .padding(pad)
                        .autoPad(auto)
                        .ceilMode(ceilMode)
                        .countIncludePad(countIncludePad)
                        .build();
            case "gated": {
                int taps = 1;
                for (int v : k) taps *= v;
                float[] w = weights != null ? weights : new float[taps];
                return PoolSpec.gated(k)
                        .stride(s)
                        .padding(pad)
                        .autoPad(auto)
                        .ceilMode(ceilMode)
                        .countIncludePad(countIncludePad)
                        .weights(w, w.length)
                        .build();
            }
            case "weighted_avg": {
                PoolSpec.Builder b = PoolSpec.weightedAvg(k)
                        .stride(s)
                        .padding(pad)
                        .autoPad(auto)
                        .dilation(dil)
                        .ceilMode(ceilMode);
                return (weights != null ? b.weights(weights, weights.length) : b.sigma(sigma)).build();
            }
            case "global_max":
                return PoolSpec.globalMax(rank).build();
            case "global_avg":
                return PoolSpec.globalAvg(rank).build();
            case "adaptive_max":
            case "adaptive_avg": {
                int[] o = perAxis(outputSize, rank, 2, "--output-size");
                Integer[] boxed = new Integer[rank];
                for (int i = 0; i < rank; i++) boxed[i] = o[i];
                return op.equals("adaptive_max")
                        ? PoolSpec.adaptiveMax(boxed).build()
                        : PoolSpec.adaptiveAvg(boxed).build();
            }
            default:
                throw new IllegalArgumentException("--op " + op
                        + ": unknown; use max, avg, lp, adaptive_max, adaptive_avg, global_max, global_avg, "
                        + "stochastic, mixed, gated or weighted_avg (" + OpNames.aliasText() + ")");
        }
    }

    private Tensor explain(PoolSpec spec, String op, Tensor x) {
        Geometry g = Pooling.geometry(spec, x);
        boolean max = spec.op().isMaxType() || (spec.op() == PoolOp.STOCHASTIC && spec.training());
        Pooled pooled = max ? Pooling.forwardWithIndices(spec, x) : null;
        Tensor y = max ? pooled.values() : Pooling.forward(spec, x);
        String kernelName = Pooling.kernelFor(spec, x, false);
        System.out.println();
        System.out.println(spec + "  ->  output " + shapeText(y) + "  (kernel: " + kernelName + ")");
        int r = g.rank();
        int[] inStride = new int[r];
        int acc = 1;
        for (int a = r - 1; a >= 0; a--) {
            inStride[a] = acc;
            acc *= g.inSize(a);
        }
        int shown = 0;
        int limit = 64;
        int[] o = new int[r];
        for (int plane = 0; plane < g.batch() * g.channels(); plane++) {
            int n = plane / g.channels();
            int c = plane % g.channels();
            int inBase = g.planeBase(n, c, g.inPlane());
            int outBase = g.planeBase(n, c, g.outPlane());
            java.util.Arrays.fill(o, 0);
            for (int q = 0; q < g.outPlane(); q++, shown++) {
                if (shown == limit) System.out.println("  ... (" + (g.outputElements() - limit) + " more windows)");
                if (shown < limit) {
                    List<String> taps = new ArrayList<>();
                    StringBuilder range = new StringBuilder();
                    collect(g, x, inBase, inStride, o, 0, 0, true, taps);
                    for (int a = 0; a < r; a++) {
                        int first = g.start(a, o[a]);
                        int last = first + (g.taps(a, o[a]) - 1) * g.step(a);
                        range.append(a == 0 ? "" : ", ")
                                .append(first)
                                .append("..")
                                .append(last);
                        if (g.step(a) > 1) range.append(" step ").append(g.step(a));
                    }
                    float v = y.data()[outBase + q * g.positionStride()];
                    StringBuilder line =
                            new StringBuilder("  out").append(index(n, c, o, g)).append(" = ");
                    line.append(op.replace("adaptive_", "").replace("global_", ""))
                            .append('{')
                            .append(String.join(", ", taps))
                            .append('}');
                    line.append(" = ").append(num(v));
                    if (max)
                        line.append("  (index ")
                                .append(pooled.indices().data()[outBase + q * g.positionStride()])
                                .append(')');
                    PoolOp po = spec.op();
                    if (po == PoolOp.AVG || po == PoolOp.GLOBAL_AVG || po == PoolOp.ADAPTIVE_AVG)
                        line.append("  (divisor ").append(divisor(g, spec, o)).append(')');
                    if (po.isBeyond()) {
                        List<double[]> in = new ArrayList<>();
                        inside(g, x, inBase, inStride, o, 0, 0, 0, in);
                        line.append("  (").append(detail(g, spec, c, o, in)).append(')');
                    }
                    line.append("   window ").append(range);
                    System.out.println(line);
                }
                for (int a = r - 1; a >= 0; a--) {
                    if (++o[a] < g.outSize(a)) break;
                    o[a] = 0;
                }
            }
        }
        System.out.println("Output:");
        printPlanes(y, r);
        return y;
    }

    private static long divisor(Geometry g, PoolSpec spec, int[] o) {
        if (spec.hasDivisorOverride()) return spec.divisorOverride();
        long d = 1;
        for (int a = 0; a < g.rank(); a++)
            d *= spec.countIncludePad() ? g.span(a, o[a]) : g.validHi(a, o[a]) - g.validLo(a, o[a]);
        return d;
    }

    /** The taps inside the input in scan order, each as {tap index in the window (row-major), value}. */
    private static void inside(
            Geometry g, Tensor x, int inBase, int[] inStride, int[] o, int axis, int pos, int tap, List<double[]> out) {
        if (axis == g.rank()) {
            out.add(new double[] {tap, x.data()[inBase + pos * g.positionStride()]});
            return;
        }
        for (int t = 0; t < g.taps(axis, o[axis]); t++) {
            int p = g.start(axis, o[axis]) + t * g.step(axis);
            if (p >= 0 && p < g.inSize(axis))
                inside(
                        g,
                        x,
                        inBase,
                        inStride,
                        o,
                        axis + 1,
                        pos + p * inStride[axis],
                        tap * g.taps(axis, o[axis]) + t,
                        out);
        }
    }

    /** How stochastic, mixed, gated and weighted-average pooling reach the window's value. */
    private static String detail(Geometry g, PoolSpec spec, int c, int[] o, List<double[]> in) {
        double sum = 0;
        double squares = 0;
        double maxV = Double.NEGATIVE_INFINITY;
        for (double[] t : in) {
            sum += t[1];
            squares += t[1] * t[1];
            maxV = Math.max(maxV, t[1]);
        }
        switch (spec.op()) {
            case STOCHASTIC: {
                if (!spec.training()) return "sum a^2 / sum a = " + num((float) squares) + " / " + num((float) sum);
                List<String> p = new ArrayList<>();
                for (double[] t : in) p.add(num((float) (sum == 0 ? 0 : t[1] / sum)));
                return "p = [" + String.join(", ", p) + "], drawn with the seed's u";
            }
            case MIXED: {
                double avg = sum / divisor(g, spec, o);
                return spec.alpha() + "*max " + num((float) maxV) + " + " + (1 - spec.alpha()) + "*avg "
                        + num((float) avg);
            }
            case GATED: {
                float[] w = spec.weights();
                int off = spec.weightChannels() == 0 ? 0 : c * spec.windowTaps();
                double z = 0;
                for (double[] t : in) z += w[off + (int) t[0]] * t[1];
                double gate = 1 / (1 + Math.exp(-z));
                double avg = sum / divisor(g, spec, o);
                return "z = " + num((float) z) + ", g = sigmoid(z) = " + num((float) gate) + ": g*max "
                        + num((float) maxV) + " + (1-g)*avg " + num((float) avg);
            }
            case WEIGHTED_AVG: {
                double numer = 0;
                double den = 0;
                List<String> ws = new ArrayList<>();
                for (double[] t : in) {
                    double w = tapWeight(spec, (int) t[0]);
                    ws.add(num((float) w));
                    numer += w * t[1];
                    den += w;
                }
                return "w = [" + String.join(", ", ws) + "]: sum w x / sum w = " + num((float) numer) + " / "
                        + num((float) den);
            }
            default:
                // An operator without a worked form here: its window's taps are listed on the line.
                return in.size() + " taps inside the input";
        }
    }

    /** Weighted average's weight of tap {@code k}: the learned one or the Gaussian of its distance from the centre. */
    private static double tapWeight(PoolSpec spec, int k) {
        if (spec.weights() != null) return spec.weights()[k];
        int[] kernel = spec.kernel();
        double d2 = 0;
        for (int a = kernel.length - 1; a >= 0; a--) {
            double d = k % kernel[a] - (kernel[a] - 1) / 2.0;
            d2 += d * d;
            k /= kernel[a];
        }
        return d2 == 0 ? 1 : Math.exp(-d2 / (2 * spec.sigma() * spec.sigma()));
    }

    /** Lists the window's taps in scan order; taps outside the input print as "pad". */
    private static void collect(
            Geometry g,
            Tensor x,
            int inBase,
            int[] inStride,
            int[] o,
            int axis,
            int pos,
            boolean inside,
            List<String> taps) {
        if (axis == g.rank()) {
            taps.add(inside ? num(x.data()[inBase + pos * g.positionStride()]) : "pad");
            return;
        }
        for (int t = 0; t < g.taps(axis, o[axis]); t++) {
            int p = g.start(axis, o[axis]) + t * g.step(axis);
            // A ceil-mode window may run past the end padding; those cells are not part of the window.
            if (p >= g.inSize(axis) + g.padEnd(axis)) break;
            boolean in = p >= 0 && p < g.inSize(axis);
            collect(g, x, inBase, inStride, o, axis + 1, in ? pos + p * inStride[axis] : pos, inside && in, taps);
        }
    }

    private static String index(int n, int c, int[] o, Geometry g) {
        StringBuilder s = new StringBuilder("[");
        if (g.batch() * g.channels() > 1) s.append(n).append(',').append(c).append(',');
        for (int a = 0; a < o.length; a++) s.append(a == 0 ? "" : ",").append(o[a]);
        return s.append(']').toString();
    }

    public static String num(float v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e7) return String.valueOf((long) v);
        if (Float.isNaN(v) || Float.isInfinite(v)) return String.valueOf(v);
        return String.format(Locale.ROOT, "%.6g", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    private static String shapeText(Tensor t) {
        StringBuilder s = new StringBuilder();
        int[] sh = t.shape();
        for (int i = 0; i < sh.length; i++) s.append(i == 0 ? "" : "x").append(sh[i]);
        return s.toString();
    }

    /** Prints each (n, c) plane: 1D as a row, 2D as a grid, 3D as a sequence of grids. */
    private static void printPlanes(Tensor t, int rank) {
        int[] sh = t.shape();
        int lead = sh.length - rank;
        int planes = 1;
        for (int i = 0; i < lead; i++) planes *= sh[i];
        int plane = 1;
        for (int i = lead; i < sh.length; i++) plane *= sh[i];
        int w = sh[sh.length - 1];
        int h = rank >= 2 ? sh[sh.length - 2] : 1;
        int width = 1;
        for (float v : t.data()) width = Math.max(width, num(v).length());
        for (int p = 0; p < planes && p < 8; p++) {
            if (planes > 1) System.out.println(" plane " + p + ":");
            for (int i = 0; i < plane; i++) {
                if (rank >= 3 && i % (h * w) == 0) System.out.println("  [depth " + i / (h * w) + "]");
                System.out.print(String.format(Locale.ROOT, "%" + (width + 2) + "s", num(t.data()[p * plane + i])));
                if ((i + 1) % w == 0) System.out.println();
            }
        }
        if (planes > 8) System.out.println(" ... (" + (planes - 8) + " more planes)");
    }
}
