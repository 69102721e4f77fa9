package org.pooling4j.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.pooling4j.Layout;
import org.pooling4j.PoolSpec;
import org.pooling4j.bench.BenchCase.Kind;

/**
 * The standard benchmark suite: float32 pooling layers of well-known networks (ResNet, VGG,
 * Inception, C3D, a raw-audio 1D model), channels-first unless the name ends in {@code _nhwc}, plus
 * three backward cases. The names are fixed: scripts and JSON consumers refer to them.
 */
public final class StandardSuite {
    private static final Layout CF = Layout.CHANNELS_FIRST;
    private static final Layout CL = Layout.CHANNELS_LAST;

    private static final List<BenchCase> CASES;

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

    /**
     * The case with this name.
     *
     * @throws IllegalArgumentException naming the unknown case and listing the known ones
     */
    public static BenchCase get(String name) {
        for (BenchCase c : CASES) {
            if (c.name().equals(name)) return c;
        }
        throw new IllegalArgumentException("unknown case '" + name + "'; the suite has: " + String.join(", ", names()));
    }
}
