package org.pooling4j.cli.observe;

import java.util.Random;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;

/**
 * A JVM for {@link TopCommandTest} to watch: max-pools a 1x8x32x32 input (3x3, stride 2, padding 1)
 * about a thousand times a second, prints {@code ready KERNEL} after the first call, and exits after
 * {@code args[0]} seconds (default 60) so that a test that forgets it does not leave it running.
 */
public final class PoolingLoop {
    /** The input shape, as the pooling events spell it. */
    static final String INPUT = "1x8x32x32";
    /** The output shape. */
    static final String OUTPUT = "1x8x16x16";

    private PoolingLoop() {}

    public static void main(String[] args) throws InterruptedException {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 60;
        PoolSpec spec = PoolSpec.max(3, 3).stride(2, 2).padding(1, 1).build();
        float[] data = new float[8 * 32 * 32];
        Random r = new Random(1);
        for (int i = 0; i < data.length; i++) data[i] = r.nextFloat();
        Tensor x = Tensor.of(data, 1, 8, 32, 32);
        Tensor y = Tensor.zeros(1, 8, 16, 16);
        String kernel = Pooling.forwardInto(spec, x, y, 1);
        System.out.println("ready " + kernel);
        System.out.flush();
        long until = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < until) {
            Pooling.forwardInto(spec, x, y, 1);
            // About a thousand calls a second: a steady stream without loading the machine.
            Thread.sleep(1);
        }
    }
}
