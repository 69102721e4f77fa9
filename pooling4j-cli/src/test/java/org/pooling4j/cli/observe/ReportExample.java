package org.pooling4j.cli.observe;

import java.util.Random;
import org.pooling4j.Layout;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;
import org.pooling4j.monitor.MemoryBandwidth;

/**
 * The workload behind docs/report-example.html: a few standard pooling shapes (a ResNet stem max
 * pool, a VGG-style 2x2 max pool in both layouts, an Inception-style 3x3 average pool, a ResNet head
 * global average pool and one backward) on the library's default thread count, after probing the
 * copy bandwidth on 1 and 2 threads so that the recording carries its yardstick. Run it under
 * {@code -XX:StartFlightRecording:filename=rec.jfr}, then {@code pooling4j report rec.jfr}.
 */
public final class ReportExample {
    private ReportExample() {}

    public static void main(String[] args) {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        MemoryBandwidth.copyGBps(1);
        MemoryBandwidth.copyGBps(2);
        Tensor stem = random(8, 64, 112, 112);
        Tensor vgg = random(8, 128, 56, 56);
        Tensor vggNhwc = vgg.toLayout(Layout.CHANNELS_LAST, true);
        Tensor incep = random(8, 192, 28, 28);
        Tensor head = random(8, 2048, 7, 7);
        PoolSpec stemMax = PoolSpec.max(3, 3).stride(2, 2).padding(1, 1).build();
        PoolSpec max2 = PoolSpec.max(2, 2).build();
        PoolSpec avg3 = PoolSpec.avg(3, 3).stride(1, 1).padding(1, 1).build();
        PoolSpec global = PoolSpec.globalAvg(2).build();
        for (int i = 0; i < repeats; i++) {
            Pooling.forward(stemMax, stem);
            Pooling.forward(max2, vgg);
            Pooling.forward(max2, vggNhwc);
            Pooling.forward(avg3, incep);
            Pooling.forward(global, head);
        }
        Tensor y = Pooling.forward(max2, vgg);
        for (int i = 0; i < repeats / 4; i++) Pooling.backward(max2, vgg, y);
    }

    private static Tensor random(int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        float[] d = new float[n];
        Random r = new Random(n);
        for (int i = 0; i < n; i++) d[i] = r.nextFloat();
        return Tensor.of(d, shape);
    }
}
