package org.pooling4j.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.pooling4j.Tensor;

class DatasetTest {
    // Two 3x3 images: the first holds 1..9 (tenths), the second 10..18 (tenths / 2).
    private static final float[] FIRST = {.1f, .2f, .3f, .4f, .5f, .6f, .7f, .8f, .9f};
    private static final float[] SECOND = {.50f, .55f, .60f, .65f, .70f, .75f, .80f, .85f, .90f};

    private static Dataset twoImages() {
        float[] px = new float[18];
        System.arraycopy(FIRST, 0, px, 0, 9);
        System.arraycopy(SECOND, 0, px, 9, 9);
        return Dataset.of(px, new int[] {3, 7}, 3, 3);
    }

    @Test
    void shiftedRightByOne() {
        Dataset s = twoImages().shifted(1, 0);
        assertArrayEquals(new float[] {0, .1f, .2f, 0, .4f, .5f, 0, .7f, .8f}, s.image(0));
        assertArrayEquals(new float[] {0, .50f, .55f, 0, .65f, .70f, 0, .80f, .85f}, s.image(1));
        assertArrayEquals(new int[] {3, 7}, s.labels());
    }

    @Test
    void shiftedLeftAndUp() {
        assertArrayEquals(
                new float[] {.2f, .3f, 0, .5f, .6f, 0, .8f, .9f, 0},
                twoImages().shifted(-1, 0).image(0));
        assertArrayEquals(
                new float[] {.4f, .5f, .6f, .7f, .8f, .9f, 0, 0, 0},
                twoImages().shifted(0, -1).image(0));
        assertArrayEquals(
                new float[] {0, 0, 0, .1f, .2f, .3f, .4f, .5f, .6f},
                twoImages().shifted(0, 1).image(0));
    }

    @Test
    void shiftedDiagonallyAndFarOut() {
        // Down one and right two: only column 0 of rows 0 and 1 survives, (0, 0) = .1 lands at (1, 2)
        // and (1, 0) = .4 at (2, 2).
        assertArrayEquals(
                new float[] {0, 0, 0, 0, 0, .1f, 0, 0, .4f},
                twoImages().shifted(2, 1).image(0));
        // Up two and left one: pixel (2, 1) = .8 and (2, 2) = .9 land at (0, 0) and (0, 1).
        assertArrayEquals(
                new float[] {.8f, .9f, 0, 0, 0, 0, 0, 0, 0},
                twoImages().shifted(-1, -2).image(0));
        assertArrayEquals(new float[9], twoImages().shifted(3, 0).image(1));
        assertArrayEquals(new float[9], twoImages().shifted(0, -5).image(0));
        assertArrayEquals(
                new float[9],
                twoImages().shifted(Integer.MIN_VALUE, Integer.MAX_VALUE).image(0));
        assertArrayEquals(FIRST, twoImages().shifted(0, 0).image(0));
    }

    @Test
    void shiftedLeavesTheSourceUnchanged() {
        Dataset d = twoImages();
        float[] before = d.images().clone();
        d.shifted(1, 1);
        assertArrayEquals(before, d.images());
    }

    @Test
    void subsetBatchAndLabels() {
        Dataset d = twoImages();
        Dataset sub = d.subset(1, 2);
        assertEquals(1, sub.size());
        assertArrayEquals(SECOND, sub.image(0));
        assertArrayEquals(new int[] {7}, sub.labels());
        assertEquals(0, d.subset(2, 2).size());

        int[] order = {1, 0, 1};
        Tensor t = d.batch(order, 0, 3);
        assertArrayEquals(new int[] {3, 1, 3, 3}, t.shape());
        for (int p = 0; p < 9; p++) {
            assertEquals(SECOND[p], t.get(0, 0, p / 3, p % 3));
            assertEquals(FIRST[p], t.get(1, 0, p / 3, p % 3));
            assertEquals(SECOND[p], t.get(2, 0, p / 3, p % 3));
        }
        assertArrayEquals(new int[] {3, 7}, d.batchLabels(order, 1, 3));
        assertArrayEquals(new int[] {1, 1, 3, 3}, d.batch(order, 2, 3).shape());
        // The batch is a copy.
        t.data()[0] = 1f;
        assertEquals(.50f, d.image(1)[0]);
    }

    @Test
    void ofCopiesAndValidates() {
        float[] px = FIRST.clone();
        Dataset d = Dataset.of(px, new int[] {4}, 3, 3);
        px[0] = 1f;
        assertEquals(.1f, d.image(0)[0]);
        assertEquals(
                "images.length = 8: must equal labels.length * rows * cols = 1 * 3 * 3 = 9",
                assertThrows(IllegalArgumentException.class, () -> Dataset.of(new float[8], new int[1], 3, 3))
                        .getMessage());
        assertEquals(
                "rows = 0: must be >= 1",
                assertThrows(IllegalArgumentException.class, () -> Dataset.of(new float[0], new int[0], 0, 3))
                        .getMessage());
        assertEquals(
                "images[2] = 1.5: grey levels must lie in [0, 1]",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> Dataset.of(new float[] {0, 0, 1.5f, 0}, new int[1], 2, 2))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> Dataset.of(new float[] {Float.NaN}, new int[1], 1, 1));
        assertEquals(
                "labels[0] = -1: must be >= 0",
                assertThrows(IllegalArgumentException.class, () -> Dataset.of(new float[1], new int[] {-1}, 1, 1))
                        .getMessage());
        assertEquals(
                "images must not be null",
                assertThrows(NullPointerException.class, () -> Dataset.of(null, new int[1], 1, 1))
                        .getMessage());
    }

    @Test
    void badRangesAreRejected() {
        Dataset d = twoImages();
        assertEquals(
                "from = 3: must be in [0, size() = 2]",
                assertThrows(IllegalArgumentException.class, () -> d.subset(3, 3))
                        .getMessage());
        assertEquals(
                "to = 0: must be in [from = 1, size() = 2]",
                assertThrows(IllegalArgumentException.class, () -> d.subset(1, 0))
                        .getMessage());
        assertEquals(
                "order[1] = 2: must be an image index in [0, 2)",
                assertThrows(IllegalArgumentException.class, () -> d.batch(new int[] {0, 2}, 0, 2))
                        .getMessage());
        assertEquals(
                "to = 3: must be in [from = 0, order.length = 2]",
                assertThrows(IllegalArgumentException.class, () -> d.batchLabels(new int[] {0, 1}, 0, 3))
                        .getMessage());
        assertEquals(
                "order must not be null",
                assertThrows(NullPointerException.class, () -> d.batch(null, 0, 0))
                        .getMessage());
    }
}
