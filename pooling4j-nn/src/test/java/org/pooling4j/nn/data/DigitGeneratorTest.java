package org.pooling4j.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DigitGeneratorTest {
    private static final int SIDE = 28;
    private static final int PLANE = SIDE * SIDE;

    @Test
    void sameSeedGivesSameImagesAndLabels() {
        long seed = 1234;
        Dataset a = DigitGenerator.generate(400, seed);
        Dataset b = DigitGenerator.generate(400, seed);
        assertArrayEquals(a.images(), b.images(), "seed " + seed);
        assertArrayEquals(a.labels(), b.labels(), "seed " + seed);
        Dataset c = DigitGenerator.generate(400, seed + 1);
        assertFalse(
                Arrays.equals(a.images(), c.images()),
                "seeds " + seed + " and " + (seed + 1) + " gave the same images");
    }

    @Test
    void imageDependsOnlyOnSeedAndIndex() {
        long seed = 99;
        Dataset big = DigitGenerator.generate(250, seed, 1);
        Dataset small = DigitGenerator.generate(37, seed, 1);
        assertArrayEquals(
                small.images(),
                Arrays.copyOf(big.images(), 37 * PLANE),
                "a smaller set is a prefix of a larger one, seed " + seed);
        assertArrayEquals(small.labels(), Arrays.copyOf(big.labels(), 37), "seed " + seed);
        for (int i : new int[] {0, 1, 9, 10, 36, 123, 249}) {
            assertArrayEquals(big.image(i), DigitGenerator.image(seed, i), "image " + i + " alone, seed " + seed);
            assertEquals(big.label(i), DigitGenerator.label(seed, i), "label " + i + ", seed " + seed);
        }
    }

    @Test
    void threadCountDoesNotChangeTheBytes() {
        long seed = 7;
        Dataset one = DigitGenerator.generate(2_003, seed, 1);
        for (int threads : new int[] {2, 3, 8}) {
            Dataset many = DigitGenerator.generate(2_003, seed, threads);
            assertArrayEquals(one.images(), many.images(), threads + " threads, seed " + seed);
            assertArrayEquals(one.labels(), many.labels(), threads + " threads, seed " + seed);
        }
        assertArrayEquals(one.images(), DigitGenerator.generate(2_003, seed).images(), "default threads, seed " + seed);
    }

    @Test
    void labelsAreBalancedAndShuffled() {
        long seed = 5;
        Dataset d = DigitGenerator.generate(1_000, seed);
        int[] counts = new int[10];
        for (int l : d.labels()) counts[l]++;
        for (int k = 0; k < 10; k++) assertEquals(100, counts[k], "digit " + k + ", seed " + seed);
        // Not in a fixed cycle: the first ten labels are not 0..9 in order in every block.
        int inOrder = 0;
        for (int b = 0; b < 100; b++) {
            boolean same = true;
            for (int k = 0; k < 10; k++) same &= d.label(b * 10 + k) == d.label(k);
            if (same) inOrder++;
        }
        assertTrue(inOrder < 10, "blocks of ten repeat the same order " + inOrder + " times, seed " + seed);
        // A count that is not a multiple of ten still gives each digit count / 10 or one more.
        Dataset odd = DigitGenerator.generate(1_007, seed);
        int[] c2 = new int[10];
        for (int l : odd.labels()) c2[l]++;
        for (int k = 0; k < 10; k++) assertTrue(c2[k] == 100 || c2[k] == 101, "digit " + k + ": " + c2[k]);
    }

    @Test
    void greyLevelsInUnitRangeWithBlackBackground() {
        Dataset d = DigitGenerator.generate(500, 11);
        for (float v : d.images()) assertTrue(v >= 0f && v <= 1f, "grey level " + v);
        for (int i = 0; i < d.size(); i++) {
            float[] img = d.image(i);
            // Corners are background in MNIST layout (the digit fits about 20x20 in 28x28, shift <= 3).
            assertEquals(0f, img[0], "image " + i);
            float max = 0;
            for (float v : img) max = Math.max(max, v);
            assertTrue(max > 0.8f, "image " + i + " has peak " + max + ": the strokes should reach near white");
        }
    }

    @Test
    void digitsAreInkedSizedAndCentred() {
        long seed = 21;
        Dataset d = DigitGenerator.generate(1_000, seed);
        double sumX = 0;
        double sumY = 0;
        for (int i = 0; i < d.size(); i++) {
            float[] img = d.image(i);
            double m = 0, mx = 0, my = 0;
            int top = SIDE, bottom = -1, left = SIDE, right = -1;
            for (int r = 0; r < SIDE; r++) {
                for (int c = 0; c < SIDE; c++) {
                    double v = img[r * SIDE + c];
                    m += v;
                    mx += v * c;
                    my += v * r;
                    if (v > 0.25) {
                        top = Math.min(top, r);
                        bottom = Math.max(bottom, r);
                        left = Math.min(left, c);
                        right = Math.max(right, c);
                    }
                }
            }
            String what = "image " + i + " (digit " + d.label(i) + "), seed " + seed;
            assertTrue(m > 15, what + " has only " + m + " of ink");
            double cx = mx / m - 13.5;
            double cy = my / m - 13.5;
            // Centred by centre of mass, then shifted by at most 3 px; clipping at the border moves it a little.
            assertTrue(
                    Math.abs(cx) <= 3.6 && Math.abs(cy) <= 3.6,
                    what + ": centre of mass off by (" + cx + ", " + cy + ")");
            sumX += cx;
            sumY += cy;
            int tall = bottom - top + 1;
            int wide = right - left + 1;
            assertTrue(
                    Math.max(tall, wide) >= 13 && Math.max(tall, wide) <= 25,
                    what + ": inked box " + tall + "x" + wide);
        }
        // The shifts are symmetric, so on average the digits sit at the centre.
        assertTrue(
                Math.abs(sumX / d.size()) < 0.4 && Math.abs(sumY / d.size()) < 0.4,
                "mean centre of mass offset (" + sumX / d.size() + ", " + sumY / d.size() + "), seed " + seed);
    }

    @Test
    void imagesOfOneDigitDiffer() {
        long seed = 31;
        Dataset d = DigitGenerator.generate(600, seed);
        for (int digit = 0; digit < 10; digit++) {
            float[][] imgs = new float[60][];
            int n = 0;
            for (int i = 0; i < d.size(); i++) if (d.label(i) == digit) imgs[n++] = d.image(i);
            double minDist = Double.MAX_VALUE;
            double sumDist = 0;
            int pairs = 0;
            for (int a = 0; a < n; a++) {
                for (int b = a + 1; b < n; b++) {
                    double s = 0;
                    for (int p = 0; p < PLANE; p++) s += (imgs[a][p] - imgs[b][p]) * (imgs[a][p] - imgs[b][p]);
                    minDist = Math.min(minDist, Math.sqrt(s));
                    sumDist += Math.sqrt(s);
                    pairs++;
                }
            }
            assertTrue(
                    minDist > 0.5,
                    "digit " + digit + ": two images almost equal (distance " + minDist + "), seed " + seed);
            // Two strokes drawn apart share little ink: a typical pair is far apart in pixel space.
            assertTrue(sumDist / pairs > 5, "digit " + digit + ": mean distance " + sumDist / pairs + ", seed " + seed);
        }
    }

    @Test
    void digitsAreDistinguishableByANearestCentroidClassifier() {
        Dataset train = DigitGenerator.generate(2_000, 101);
        Dataset test = DigitGenerator.generate(1_000, 202);
        double[][] centroid = new double[10][PLANE];
        int[] count = new int[10];
        for (int i = 0; i < train.size(); i++) {
            float[] img = train.image(i);
            int l = train.label(i);
            count[l]++;
            for (int p = 0; p < PLANE; p++) centroid[l][p] += img[p];
        }
        for (int k = 0; k < 10; k++) for (int p = 0; p < PLANE; p++) centroid[k][p] /= count[k];
        int right = 0;
        for (int i = 0; i < test.size(); i++) {
            float[] img = test.image(i);
            int best = -1;
            double bestD = Double.MAX_VALUE;
            for (int k = 0; k < 10; k++) {
                double s = 0;
                for (int p = 0; p < PLANE; p++) s += (img[p] - centroid[k][p]) * (img[p] - centroid[k][p]);
                if (s < bestD) {
                    bestD = s;
                    best = k;
                }
            }
            if (best == test.label(i)) right++;
        }
        double accuracy = right / (double) test.size();
        System.out.println("nearest-centroid accuracy on generated digits: " + accuracy);
        // Chance is 0.1; shifted digits blur the centroids, so the bound is loose but far above chance.
        assertTrue(accuracy > 0.35, "nearest-centroid accuracy " + accuracy + " (seeds 101, 202)");
    }

    @Test
    void defaultSetsHaveTheDocumentedSizesAndDiffer() {
        Dataset test = DigitGenerator.test();
        assertEquals(DigitGenerator.TEST_SIZE, test.size());
        assertEquals(5_000, test.size());
        assertEquals(28, test.rows());
        assertEquals(28, test.cols());
        assertEquals(20_000, DigitGenerator.TRAIN_SIZE);
        assertFalse(DigitGenerator.TRAIN_SEED == DigitGenerator.TEST_SEED);
        assertFalse(Arrays.equals(DigitGenerator.image(DigitGenerator.TRAIN_SEED, 0), test.image(0)));
    }

    @Test
    void badArgumentsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DigitGenerator.generate(-1, 1));
        assertEquals("count = -1: must be in [0, 1000000]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DigitGenerator.generate(DigitGenerator.MAX_COUNT + 1, 1));
        e = assertThrows(IllegalArgumentException.class, () -> DigitGenerator.generate(10, 1, 0));
        assertEquals("threads = 0: must be >= 1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DigitGenerator.image(1, -1));
        assertEquals(0, DigitGenerator.generate(0, 1).size());
    }
}
