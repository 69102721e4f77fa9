package org.pooling4j.nn.data;

import java.util.SplittableRandom;
import org.pooling4j.internal.Check;

/**
 * Procedurally drawn handwritten- and printed-looking digits, 28x28, laid out like MNIST, so that
 * a network can be trained and tested with nothing downloaded.
 *
 * <p>Each digit is a stroke skeleton (lines, arcs and curves in a unit-height design box) taken from
 * one of several styles per digit, as fonts and hands draw them: 0 oval, narrow or squarish; 1 as a
 * plain stick, with a flag, with a flag and a foot serif; 2 with a straight, wavy or looped base;
 * 3 round-topped or flat-topped; 4 closed or open; 5; 6 and 9 with curved or straight stems; 7 with
 * or without a crossbar, straight or curved; 8 as two loops. Styles vary further in proportions,
 * width (condensed to wide), stroke-end terminals (ticks and balls like serif faces) and
 * thick-thin contrast. The skeleton is then slanted, sheared, rotated and scaled at random, fitted
 * so that its inked bounding box fills about 20x20 pixels, placed so that its centre of mass falls
 * on the centre of the frame (as MNIST does), shifted by up to {@value #MAX_SHIFT} pixels on each
 * axis, and drawn anti-aliased from the distance of each pixel centre to the strokes, with a random
 * stroke thickness, ink level and light grey-level noise. Images are white digits on black, grey
 * levels in [0, 1].
 *
 * <p>Generation is deterministic: image {@code i} and its label depend only on {@code (seed, i)},
 * never on the count or on how many threads draw, so a prefix of a larger set equals a smaller set
 * with the same seed. Labels are balanced: each run of ten consecutive images holds every digit
 * once, in an order shuffled per run.
 */
public final class DigitGenerator {
    private DigitGenerator() {}

    /** Image side in pixels. */
    public static final int SIDE = 28;
    /** Side of the box the digit's bounding box is fitted into before jitter, as in MNIST. */
    public static final int BOX = 20;
    /** Largest random translation, in pixels, on each axis. */
    public static final int MAX_SHIFT = 3;
    /** Seed of {@link #train()}. */
    public static final long TRAIN_SEED = 0x5EED_0001L;
    /** Seed of {@link #test()}, different from the training seed so the sets share no image. */
    public static final long TEST_SEED = 0x5EED_0002L;
    /** Size of {@link #train()}. */
    public static final int TRAIN_SIZE = 20_000;
    /** Size of {@link #test()}. */
    public static final int TEST_SIZE = 5_000;
    /** Most images one call generates (about 3 GB of floats). */
    public static final int MAX_COUNT = 1_000_000;

    // Below this many images per thread, starting threads costs more than it saves.
    private static final int IMAGES_PER_THREAD = 1_000;

    /** The default training set: {@value #TRAIN_SIZE} images from {@link #TRAIN_SEED}. */
    public static Dataset train() {
        return generate(TRAIN_SIZE, TRAIN_SEED);
    }

    /** The default test set: {@value #TEST_SIZE} images from {@link #TEST_SEED}. */
    public static Dataset test() {
        return generate(TEST_SIZE, TEST_SEED);
    }

    /**
     * {@code count} images (28x28) with their labels, drawn on as many threads as the machine has
     * cores when the count is large. The result does not depend on the number of threads.
     *
     * @throws IllegalArgumentException if {@code count} is negative or above {@link #MAX_COUNT}
     */
    public static Dataset generate(int count, long seed) {
        checkCount(count);
        int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), count / IMAGES_PER_THREAD));
        return generate(count, seed, threads);
    }

    /**
     * As {@link #generate(int, long)} on exactly {@code threads} threads (1 draws on the calling
     * thread).
     *
     * @throws IllegalArgumentException if {@code count} is out of range or {@code threads < 1}
     */
    public static Dataset generate(int count, long seed, int threads) {
        checkCount(count);
        if (threads < 1) throw Check.fail("threads", threads, "must be >= 1");
        int plane = SIDE * SIDE;
        float[] images = new float[count * plane];
        int[] labels = new int[count];
        int parts = Math.min(threads, Math.max(1, count));
        if (parts == 1) {
            drawRange(seed, 0, count, images, labels);
        } else {
            Thread[] workers = new Thread[parts - 1];
            RuntimeException[] failure = new RuntimeException[1];
            for (int p = 1; p < parts; p++) {
                int from = (int) ((long) count * p / parts);
                int to = (int) ((long) count * (p + 1) / parts);
                workers[p - 1] = new Thread(() -> drawRange(seed, from, to, images, labels), "digit-generator-" + p);
                workers[p - 1].setDaemon(true);
                workers[p - 1].setUncaughtExceptionHandler((t, e) -> {
                    synchronized (failure) {
                        failure[0] = new IllegalStateException("digit generation failed in " + t.getName(), e);
                    }
                });
                workers[p - 1].start();
            }
            drawRange(seed, 0, (int) ((long) count / parts), images, labels);
            try {
                for (Thread w : workers) w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while generating digits", e);
            }
            synchronized (failure) {
                if (failure[0] != null) throw failure[0];
            }
        }
        return new Dataset(images, labels, SIDE, SIDE);
    }

    /** The label of image {@code index} of the set generated from {@code seed}. */
    public static int label(long seed, int index) {
        if (index < 0) throw Check.fail("index", index, "must be >= 0");
        // Every block of ten images holds each digit once, in an order drawn from (seed, block).
        SplittableRandom r = new SplittableRandom(mix(seed ^ 0x4C41_4245_4C53L, index / 10));
        int[] perm = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        for (int i = 9; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return perm[index % 10];
    }

    /**
     * Image {@code index} of the set generated from {@code seed}, alone: the same grey levels as
     * {@code generate(n, seed).image(index)} for any {@code n > index}.
     */
    public static float[] image(long seed, int index) {
        if (index < 0) throw Check.fail("index", index, "must be >= 0");
        float[] out = new float[SIDE * SIDE];
        new DigitPainter().draw(seed, index, label(seed, index), out, 0);
        return out;
    }

    private static void drawRange(long seed, int from, int to, float[] images, int[] labels) {
        DigitPainter painter = new DigitPainter();
        for (int i = from; i < to; i++) {
            int label = label(seed, i);
            labels[i] = label;
            painter.draw(seed, i, label, images, i * SIDE * SIDE);
        }
    }

    private static void checkCount(int count) {
        if (count < 0 || count > MAX_COUNT) throw Check.fail("count", count, "must be in [0, " + MAX_COUNT + "]");
    }

    /** SplitMix64 finaliser over (seed, index): nearby indices give unrelated streams. */
    static long mix(long seed, long index) {
        long z = seed + 0x9E37_79B9_7F4A_7C15L * (index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
