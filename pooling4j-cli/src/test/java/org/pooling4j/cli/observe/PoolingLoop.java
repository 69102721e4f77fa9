package org.pooling4j.cli.observe;

import java.util.Random;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;

/**
 * A JVM for {@link TopCommandTest} to watch: max-pools a 1x8x32x32 input (3x3, stride 2, padding 1)
 * about a thousand times a second, prints {@code ready KERNEL} after the first call, and exits after
 * {@code args[0]} seconds (default 60) so that a test that forgets it does not leave it running. With
 * {@code args[1]} = {@code after-watch}, the seconds count from the moment a Flight Recorder recording
 * starts in this JVM, which is what {@code top} does when it attaches (at most 60 s after start
 * all the same): a test of what {@code top} does when its target exits then does not depend on how
 * long attaching takes on a loaded machine.
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
        boolean afterWatch = args.length > 1 && args[1].equals("after-watch");
        long start = System.nanoTime();
        long until = afterWatch ? Long.MAX_VALUE : start + (long) (seconds * 1e9);
        while (System.nanoTime() < until && System.nanoTime() - start < 60_000_000_000L) {
            if (afterWatch
                    && until == Long.MAX_VALUE
                    && !jdk.jfr.FlightRecorder.getFlightRecorder()
                            .getRecordings()
                            .isEmpty()) {
                until = System.nanoTime() + (long) (seconds * 1e9);
            }
            Pooling.forwardInto(spec, x, y, 1);
            // About a thousand calls a second: a steady stream without loading the machine.
            Thread.sleep(1);
        }
    }
}
