package org.pooling4j.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.pooling4j.Layout;
import org.pooling4j.PoolSpec;
import org.pooling4j.bench.BenchCase.Kind;

/**
 * The standard benchmark suite: float32 pooling layers of well-known networks (ResNet, VGG,
 * Inception, C3D, a raw-audio 1D model), channels-first unless the name ends in {@code _nhwc}, plus
 * three backward cases. The names are fixed: scripts and JSON consumers refer to them.
 *
 * <p>Apart from it, the training cases ({@link #training()}): the pooling kinds that {@code pooling4j
 * study} compares, on the shape of the study's first pooling layer, forward and backward, as
 * pooling4j-nn's layers call them in training. They run with {@code bench --training} or by name.
 */
public final class StandardSuite {
    private static final Layout CF = Layout.CHANNELS_FIRST;
    private static final Layout CL = Layout.CHANNELS_LAST;

    private static final List<BenchCase> CASES;
    private static final List<BenchCase> TRAINING;

    /**
     * The input of the first pooling layer of {@code Models.lenet} (pooling4j-nn) at the study's
     * default batch of 64: conv(1 to 16, 5x5) turns 28x28 images into 16 planes of 24x24.
     */
    static final int[] LENET_POOL_INPUT = {64, 16, 24, 24};

    /** Seed of the training cases' fixed draws and weights (inputs use the bench's seed). */
    static final long TRAINING_SEED = 1;

    static {
        List<BenchCase> l = new ArrayList<>();
        PoolSpec stem = PoolSpec.max(3, 3).stride(2, 2).padding(1).build();
        PoolSpec vgg = PoolSpec.max(2, 2).stride(2, 2).build();
        PoolSpec inception = PoolSpec.avg(3, 3)
                .stride(1, 1)
                .padding(1)
                .countIncludePad(false)
                .build();
        String stemD = "max k3 s2 p1";
        String vggD = "max k2 s2";
        String incD = "avg k3 s1 p1, count_include_pad=false";
        l.add(new BenchCase(
                "resnet_stem_maxpool",
                Kind.FORWARD,
                stem,
                CF,
                new int[] {32, 64, 112, 112},
                "N=32 C=64 112x112, " + stemD));
        l.add(new BenchCase(
                "vgg_pool1", Kind.FORWARD, vgg, CF, new int[] {16, 64, 224, 224}, "N=16 C=64 224x224, " + vggD));
        l.add(new BenchCase(
                "vgg_pool5", Kind.FORWARD, vgg, CF, new int[] {64, 512, 14, 14}, "N=64 C=512 14x14, " + vggD));
        l.add(new BenchCase(
                "inception_avg",
                Kind.FORWARD,
                inception,
                CF,
                new int[] {32, 192, 35, 35},
                "N=32 C=192 35x35, " + incD));
        l.add(new BenchCase(
                "global_avg",
                Kind.FORWARD,
                PoolSpec.globalAvg(2).build(),
                CF,
                new int[] {64, 2048, 7, 7},
                "N=64 C=2048 7x7, global average"));
        l.add(new BenchCase(
                "small_latency", Kind.FORWARD, stem, CF, new int[] {1, 64, 56, 56}, "N=1 C=64 56x56, " + stemD));
        l.add(new BenchCase(
                "c3d_pool",
                Kind.FORWARD,
                PoolSpec.max(2, 2, 2).stride(2, 2, 2).build(),
                CF,
                new int[] {8, 64, 16, 56, 56},
                "N=8 C=64 16x56x56, max 3D k2 s2"));
        l.add(new BenchCase(
                "audio_1d",
                Kind.FORWARD,
                PoolSpec.max(4).stride(4).build(),
                CF,
                new int[] {32, 128, 16000},
                "N=32 C=128 L=16000, max 1D k4 s4"));
        l.add(new BenchCase(
                "resnet_stem_maxpool_nhwc",
                Kind.FORWARD,
                stem,
                CL,
                new int[] {32, 112, 112, 64},
                "N=32 112x112 C=64 (NHWC), " + stemD));
        l.add(new BenchCase(
                "inception_avg_nhwc",
                Kind.FORWARD,
                inception,
                CL,
                new int[] {32, 35, 35, 192},
                "N=32 35x35 C=192 (NHWC), " + incD));
        l.add(new BenchCase(
                "resnet_stem_maxpool_bwd",
                Kind.MAX_BACKWARD,
                stem,
                CF,
                new int[] {32, 64, 112, 112},
                "backward of resnet_stem_maxpool (compact argmax)"));
        l.add(new BenchCase(
                "vgg_pool1_bwd",
                Kind.MAX_BACKWARD,
                vgg,
                CF,
                new int[] {16, 64, 224, 224},
                "backward of vgg_pool1 (compact argmax)"));
        l.add(new BenchCase(
                "inception_avg_bwd",
                Kind.AVG_BACKWARD,
                inception,
                CF,
                new int[] {32, 192, 35, 35},
                "backward of inception_avg"));
        CASES = Collections.unmodifiableList(l);
        TRAINING = Collections.unmodifiableList(trainingCases());
    }

    /**
     * The kinds of {@code Pools.of(kind, 2, 2, seed)} (pooling4j-nn) with the same parameters, plus
     * adaptive max pooling to the same 12x12 output (the same windows as max: its plan runs them on
     * max's kernels, and the layer trains it with the compact argmax, as max). Each forward, then
     * each backward.
     */
    private static List<BenchCase> trainingCases() {
        List<String> names = new ArrayList<>();
        List<PoolSpec> specs = new ArrayList<>();
        List<String> what = new ArrayList<>();
        names.add("lenet_max");
        specs.add(PoolSpec.max(2, 2).stride(2, 2).build());
        what.add("max k2 s2");
        names.add("lenet_avg");
        specs.add(PoolSpec.avg(2, 2).stride(2, 2).build());
        what.add("avg k2 s2");
        names.add("lenet_lp2");
        specs.add(PoolSpec.lp(2, 2, 2).stride(2, 2).build());
        what.add("lp p=2 k2 s2");
        names.add("lenet_lp4");
        specs.add(PoolSpec.lp(4, 2, 2).stride(2, 2).build());
        what.add("lp p=4 k2 s2");
        names.add("lenet_stochastic");
        specs.add(PoolSpec.stochastic(2, 2).stride(2, 2).build());
        what.add("stochastic k2 s2 (training draws)");
        names.add("lenet_mixed");
        specs.add(PoolSpec.mixed(0.5, 2, 2).stride(2, 2).build());
        what.add("mixed alpha=0.5 k2 s2");
        names.add("lenet_gated");
        specs.add(PoolSpec.gated(2, 2).stride(2, 2).weights(gateWeights(), 4).build());
        what.add("gated k2 s2 (learnable gate)");
        names.add("lenet_gaussian");
        specs.add(PoolSpec.weightedAvg(2, 2)
                .stride(2, 2)
                .weights(gaussianWeights(), 2, 2)
                .build());
        what.add("weighted avg k2 s2 (learnable, Gaussian start sigma=1)");
        names.add("lenet_fractional");
        int oh = LENET_POOL_INPUT[2] / 2;
        int ow = LENET_POOL_INPUT[3] / 2;
        specs.add(PoolSpec.fractionalMax(2, 2)
                .outputSize(oh, ow)
                .seed(TRAINING_SEED)
                .build());
        what.add("fractional max k2 to " + oh + "x" + ow + " (training draws)");
        names.add("lenet_adaptive");
        specs.add(PoolSpec.adaptiveMax(oh, ow).build());
        what.add("adaptive max to " + oh + "x" + ow);
        int[] in = LENET_POOL_INPUT;
        String shape = "N=" + in[0] + " C=" + in[1] + " " + in[2] + "x" + in[3] + " (study LeNet pool 1), ";
        List<BenchCase> l = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            l.add(new BenchCase(names.get(i), Kind.TRAINING_FORWARD, specs.get(i), CF, in, shape + what.get(i)));
        }
        for (int i = 0; i < names.size(); i++) {
            l.add(new BenchCase(
                    names.get(i) + "_bwd",
                    Kind.TRAINING_BACKWARD,
                    specs.get(i),
                    CF,
                    in,
                    "backward of " + names.get(i) + " (as the layer runs it)"));
        }
        return l;
    }

    /** The gate of {@code PoolLayer.gated}: small taps in (-0.1, 0.1), drawn as the layer draws them. */
    private static float[] gateWeights() {
        float[] g = new float[4];
        SplittableRandom r = new SplittableRandom(TRAINING_SEED ^ 0x9E3779B97F4A7C15L);
        for (int i = 0; i < g.length; i++) g[i] = (float) ((r.nextDouble() * 2 - 1) * 0.1);
        return g;
    }

    /**
     * The start of {@code PoolLayer.weightedAvg(2, 2, 1.0)}: exp(-d^2 / 2) of each tap's distance d
     * from the window centre; in a 2x2 window every tap is at d^2 = 0.5.
     */
    private static float[] gaussianWeights() {
        float[] w = new float[4];
        Arrays.fill(w, (float) Math.exp(-0.25));
        return w;
    }

    private StandardSuite() {}

    /** Every case, in the order the bench runs them. */
    public static List<BenchCase> all() {
        return CASES;
    }

    /** The case names, in suite order. */
    public static List<String> names() {
        List<String> n = new ArrayList<>();
        for (BenchCase c : CASES) n.add(c.name());
        return n;
    }

    /** The training cases (not in {@link #all()}): the {@code lenet_*} forwards, then their backwards. */
    public static List<BenchCase> training() {
        return TRAINING;
    }

    /** The training case names, in order. */
    public static List<String> trainingNames() {
        List<String> n = new ArrayList<>();
        for (BenchCase c : TRAINING) n.add(c.name());
        return n;
    }

    /** Every name {@link #get} knows: the suite's, then the training cases'. */
    public static List<String> allNames() {
        List<String> n = names();
        n.addAll(trainingNames());
        return n;
    }

    /**
     * The case with this name (of the suite or the training cases).
     *
     * @throws IllegalArgumentException naming the unknown case and listing the known ones
     */
    public static BenchCase get(String name) {
        for (BenchCase c : CASES) {
            if (c.name().equals(name)) return c;
        }
        for (BenchCase c : TRAINING) {
            if (c.name().equals(name)) return c;
        }
        throw new IllegalArgumentException(
                "unknown case '" + name + "'; the suite has: " + String.join(", ", allNames()));
    }
}
