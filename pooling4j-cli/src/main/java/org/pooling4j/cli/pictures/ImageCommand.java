package org.pooling4j.cli.pictures;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.pooling4j.AutoPad;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;
import org.pooling4j.cli.AutoPadText;
import org.pooling4j.cli.ExplainCommand;
import org.pooling4j.cli.InputFiles;
import org.pooling4j.cli.OpNames;
import org.pooling4j.cli.OutputFiles;
import org.pooling4j.draw.BitmapFont;
import org.pooling4j.draw.Canvas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Pools a picture: every channel of a PNG/JPEG through one pooling operator, written as a PNG of the
 * pooled size, or all operators side by side with {@code --grid}.
 */
@Command(
        name = "image",
        mixinStandardHelpOptions = true,
        description = {
            "Pool a picture channel by channel and write the result as PNG.",
            "Grey pictures have 1 channel, colour ones 3; alpha is kept as one more channel and pooled like the others. Values are 0..255 and are rounded and clamped to 0..255 when written."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  pooling4j image in.png --op max --kernel 2 --out out.png",
            "  pooling4j image in.png --grid --out grid.png    (input and every kind)",
            "  pooling4j image --sample sample.png             (the built-in picture)",
            "  pooling4j image --sample --grid --out grid.png  (the sample's grid)"
        })
public final class ImageCommand implements Callable<Integer> {
    /** The kinds, in the grid's order. */
    static final List<String> KINDS = List.of(
            "max",
            "avg",
            "lp",
            "min",
            "stochastic",
            "mixed",
            "weighted_avg",
            "fractional_max",
            "adaptive_avg",
            "global_avg");

    @Parameters(
            arity = "0..1",
            paramLabel = "IMAGE",
            description = "input picture (PNG, JPEG, ...); with --sample, where to write the sample picture")
    Path input;

    @Option(names = "--sample", description = "use the built-in 128x128 sample picture as input")
    boolean sample;

    @Option(
            names = "--op",
            paramLabel = "OP",
            description = "max, avg (padding not counted), lp (--p), min (= -max(-x)), stochastic (evaluation rule: "
                    + "sum x^2 / sum x), mixed (--alpha), weighted_avg (Gaussian weights, --sigma), fractional_max"
                    + " (--ratio), adaptive_avg (--size), global_avg (default max; also gaussian, fractional,"
                    + " adaptive, global)")
    String op = "max";

    @Option(
            names = "--kernel",
            paramLabel = "N",
            split = ",",
            description = "kernel size, one value or H,W (default 2)")
    int[] kernel = {2};

    @Option(
            names = "--stride",
            paramLabel = "N",
            split = ",",
            description = "stride, one value or H,W (default: the kernel)")
    int[] stride;

    @Option(
            names = "--padding",
            paramLabel = "PAD",
            split = ",",
            description = "padding, one value or H,W (default 0), or same or valid as Keras means them")
    String[] padding = {"0"};

    @Option(names = "--p", paramLabel = "NUM", description = "lp: norm order (default 2)")
    double p = 2;

    @Option(
            names = "--alpha",
            paramLabel = "NUM",
            description = "mixed: weight of the max in alpha*max + (1-alpha)*avg (default 0.5)")
    double alpha = 0.5;

    @Option(names = "--sigma", paramLabel = "NUM", description = "weighted_avg: Gaussian sigma in taps (default 1)")
    double sigma = 1;

    @Option(
            names = "--ratio",
            paramLabel = "NUM",
            description = "fractional: output size / input size, in (0, 1) (default 0.5)")
    double ratio = 0.5;

    @Option(
            names = "--size",
            paramLabel = "N",
            split = ",",
            description = "adaptive: output size, one value or H,W (default: half the input)")
    int[] size;

    @Option(
            names = "--seed",
            paramLabel = "N",
            description = "fractional: seed of the random pooling regions (default 0)")
    long seed;

    @Option(
            names = "--scale",
            paramLabel = "N",
            description = "upscale the written picture by this factor, nearest neighbour (default 1)")
    int scale = 1;

    @Option(
            names = "--grid",
            description = "write the input and every kind side by side, each upscaled to the input's size and labelled")
    boolean grid;

    @Option(names = "--out", paramLabel = "FILE.png", description = "output PNG")
    Path out;

    @picocli.CommandLine.Mixin
    org.pooling4j.cli.BudgetOptions budgets;

    @Override
    public Integer call() throws Exception {
        if (!sample && input != null) InputFiles.file(input);
        if (out != null) OutputFiles.file(out, "--out");
        if (sample && input != null) OutputFiles.file(input, "IMAGE");
        if (scale < 1 || scale > 64) throw new IllegalArgumentException("--scale = " + scale + ": must be in [1, 64]");
        Tensor x;
        String name;
        if (sample) {
            BufferedImage s = Images.sample();
            if (input != null) {
                Images.writePng(s, input);
                System.out.println("wrote " + input + " (128x128 sample picture)");
            }
            if (out == null) {
                if (input == null)
                    throw new IllegalArgumentException(
                            "--sample: give a path to write the sample to, or --out with --op or --grid");
                return 0;
            }
            x = Images.toTensor(s, "sample");
            name = "sample";
        } else {
            if (input == null) throw new IllegalArgumentException("IMAGE: give an input picture or --sample");
            if (out == null) throw new IllegalArgumentException("--out: missing (the PNG to write)");
            x = Images.read(input);
            name = input.getFileName().toString();
        }
        if (grid) {
            BufferedImage g = grid(x);
            Images.writePng(Images.upscale(g, scale, scale), out);
            System.out.println("wrote " + out + " (" + g.getWidth() * scale + "x" + g.getHeight() * scale
                    + ", input and " + KINDS.size() + " kinds)");
            return 0;
        }
        String kind = OpNames.canonical(op);
        if (OpNames.impliedP(op) != null) p = OpNames.impliedP(op);
        Tensor y = pool(kind, x);
        BufferedImage img = Images.upscale(Images.toImage(y), scale, scale);
        Images.writePng(img, out);
        System.out.println("wrote " + out + " (" + name + " " + x.dim(3) + "x" + x.dim(2) + ", " + x.dim(1) + " channel"
                + (x.dim(1) == 1 ? "" : "s") + " -> " + kind + " " + y.dim(3) + "x" + y.dim(2)
                + (scale > 1 ? ", shown x" + scale : "") + ")");
        return 0;
    }

    /** Keras's "same"/"valid" (or ONNX's names) given as --padding, else NOTSET. */
    private AutoPad autoPad() {
        AutoPad a = padding.length == 1 ? AutoPadText.parse(padding[0]) : null;
        return a == null ? AutoPad.NOTSET : a;
    }

    private int[] paddingNumbers() {
        int[] v = new int[padding.length];
        for (int i = 0; i < v.length; i++) {
            try {
                v[i] = Integer.parseInt(padding[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--padding " + String.join(",", padding)
                        + ": must be one integer or H,W, or one of " + AutoPadText.RULE);
            }
        }
        return v;
    }

    private static int[] pair(int[] v, String name) {
        if (v.length == 1) return new int[] {v[0], v[0]};
        if (v.length == 2) return v.clone();
        throw new IllegalArgumentException(name + " = " + java.util.Arrays.toString(v) + ": needs 1 or 2 values (H,W)");
    }

    /** Pools every channel of the (1, C, H, W) tensor with the given kind. */
    Tensor pool(String kind, Tensor x) {
        int[] k = pair(kernel, "--kernel");
        int[] s = stride == null ? k : pair(stride, "--stride");
        AutoPad auto = autoPad();
        int[] pad = auto != AutoPad.NOTSET ? new int[2] : pair(paddingNumbers(), "--padding");
        switch (kind) {
            case "max":
                return Pooling.forward(
                        PoolSpec.max(k).stride(s).padding(pad).autoPad(auto).build(), x);
            case "avg":
                // Padding cells are not counted: zeros from outside the picture would darken its border.
                return Pooling.forward(
                        PoolSpec.avg(k)
                                .stride(s)
                                .padding(pad)
                                .autoPad(auto)
                                .countIncludePad(false)
                                .build(),
                        x);
            case "lp":
                return Pooling.forward(
                        PoolSpec.lp(p, k).stride(s).padding(pad).autoPad(auto).build(), x);
            case "min": {
                // Min pooling is not an operator of the library: it is -max(-x).
                float[] neg = x.data().clone();
                for (int i = 0; i < neg.length; i++) neg[i] = -neg[i];
                Tensor m = Pooling.forward(
                        PoolSpec.max(k)
                                .stride(s)
                                .padding(pad)
                                .autoPad(auto)
                                .autoPad(auto)
                                .build(),
                        Tensor.of(neg, x.shape()));
                float[] d = m.data();
                for (int i = 0; i < d.length; i++) d[i] = -d[i];
                return m;
            }
            case "stochastic":
                return Pooling.forward(
                        PoolSpec.stochastic(k)
                                .stride(s)
                                .padding(pad)
                                .autoPad(auto)
                                .training(false)
                                .build(),
                        x);
            case "mixed":
                return Pooling.forward(
                        PoolSpec.mixed(alpha, k)
                                .stride(s)
                                .padding(pad)
                                .autoPad(auto)
                                .countIncludePad(false)
                                .build(),
                        x);
            case "weighted_avg":
                return Pooling.forward(
                        PoolSpec.weightedAvg(k)
                                .stride(s)
                                .padding(pad)
                                .autoPad(auto)
                                .sigma(sigma)
                                .build(),
                        x);
            case "fractional_max":
                return Pooling.forward(
                        PoolSpec.fractionalMax(k).outputRatio(ratio).seed(seed).build(), x);
            case "adaptive_avg": {
                int[] o = size == null
                        ? new int[] {Math.max(1, x.dim(2) / 2), Math.max(1, x.dim(3) / 2)}
                        : pair(size, "--size");
                return Pooling.forward(PoolSpec.adaptiveAvg(o[0], o[1]).build(), x);
            }
            case "global_avg":
                return Pooling.forward(PoolSpec.globalAvg(2).build(), x);
            default:
                throw new IllegalArgumentException("--op " + kind + ": unknown; use " + String.join(", ", KINDS) + " ("
                        + OpNames.aliasText() + ")");
        }
    }

    /**
     * The parameters a kind's panel is labelled with: k kernel, s stride, pad padding (when not 0),
     * then the kind's own: p of Lp pooling, α of mixed pooling, σ of the Gaussian, r the fractional ratio.
     */
    String params(String kind, Tensor y) {
        int[] k = pair(kernel, "--kernel");
        int[] s = stride == null ? k : pair(stride, "--stride");
        AutoPad auto = autoPad();
        int[] pad = auto != AutoPad.NOTSET ? new int[2] : pair(paddingNumbers(), "--padding");
        String ks = "k" + dims(k) + " s" + dims(s)
                + (auto != AutoPad.NOTSET
                        ? " " + padding[0].trim().toLowerCase(java.util.Locale.ROOT)
                        : pad[0] == 0 && pad[1] == 0 ? "" : " pad" + dims(pad));
        switch (kind) {
            case "lp":
                return ks + " p=" + ExplainCommand.num((float) p);
            case "mixed":
                return ks + " \u03b1=" + ExplainCommand.num((float) alpha);
            case "weighted_avg":
                return ks + " \u03c3=" + ExplainCommand.num((float) sigma);
            case "fractional_max":
                return "k" + dims(k) + " r=" + ExplainCommand.num((float) ratio);
            case "adaptive_avg":
            case "global_avg":
                return "out " + y.dim(2) + "x" + y.dim(3);
            default:
                return ks;
        }
    }

    private static String dims(int[] v) {
        return v[0] == v[1] ? String.valueOf(v[0]) : v[0] + "x" + v[1];
    }

    /**
     * The input and every kind side by side, six panels to a row, each upscaled to the input's size
     * with nearest neighbour and labelled under it with its name and parameters, in dark text on
     * white at the bitmap font's scale 2.
     */
    BufferedImage grid(Tensor x) {
        int w = x.dim(3);
        int h = x.dim(2);
        List<BufferedImage> panels = new ArrayList<>();
        List<String[]> labels = new ArrayList<>();
        panels.add(Images.toImage(x));
        labels.add(new String[] {"input", w + "x" + h});
        for (String kind : KINDS) {
            Tensor y = pool(kind, x);
            panels.add(Images.resizeNearest(Images.toImage(y), w, h));
            labels.add(new String[] {kind, params(kind, y)});
        }
        int gap = 6;
        int line = BitmapFont.height(GRID_FONT) + 4;
        int labelH = 2 * line + gap;
        int cols = Math.min(panels.size(), 6);
        int rows = (panels.size() + cols - 1) / cols;
        // A label must fit under its panel, with room to spare: widen the cell when the picture is narrower.
        int cellW = w;
        for (String[] l : labels) for (String s : l) cellW = Math.max(cellW, BitmapFont.width(s, GRID_FONT) + 2 * gap);
        long gw = gap + (long) cols * (cellW + gap);
        long gh = gap + (long) rows * (h + labelH + gap);
        Images.checkSize(gw, gh, "grid");
        Canvas img = new Canvas((int) gw, (int) gh, GRID_BACKGROUND);
        for (int i = 0; i < panels.size(); i++) {
            int px = gap + (i % cols) * (cellW + gap) + (cellW - w) / 2;
            int py = gap + (i / cols) * (h + labelH + gap);
            // A thin frame in the gap: panels with white areas would otherwise merge into the background.
            img.strokeRect(px - 1, py - 1, w + 2, h + 2, 1, 0xb0b0b0);
            img.drawImage(panels.get(i), px, py);
            int cx = gap + (i % cols) * (cellW + gap) + cellW / 2;
            String[] l = labels.get(i);
            img.textCentred(cx, py + h + 4, l[0], 0x000000, GRID_FONT);
            img.textCentred(cx, py + h + 4 + line, l[1], 0x333333, GRID_FONT);
        }
        return img.image();
    }

    /** Scale of the grid's labels: 10x18-pixel glyph cells. */
    static final int GRID_FONT = 2;
    /** The grid's background, behind panels and labels. */
    static final int GRID_BACKGROUND = 0xffffff;
}
