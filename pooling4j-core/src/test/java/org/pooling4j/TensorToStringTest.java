package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link Tensor#toString()} and {@link LongTensor#toString()}: expected texts written out by hand. */
class TensorToStringTest {

    @Test
    void smallTensorShowsShapeLayoutAndEveryValueAligned() {
        Tensor t = Tensor.of(new float[] {6, 8, 14, 16}, 1, 1, 2, 2);
        assertEquals("Tensor[1, 1, 2, 2] CHANNELS_FIRST\n" + "[[[[ 6.0,  8.0],\n" + "   [14.0, 16.0]]]]", t.toString());
    }

    @Test
    void higherAxesAreSeparatedByBlankLinesAndLayoutIsNamed() {
        Tensor t = new Tensor(new float[] {1, 2, 3, 4, 5.5f, -6, 7, 8}, new int[] {2, 2, 2}, Layout.CHANNELS_LAST);
        assertEquals(
                "Tensor[2, 2, 2] CHANNELS_LAST\n"
                        + "[[[ 1.0,  2.0],\n"
                        + "  [ 3.0,  4.0]],\n"
                        + "\n"
                        + " [[ 5.5, -6.0],\n"
                        + "  [ 7.0,  8.0]]]",
                t.toString());
    }

    @Test
    void longTensorShowsItsIntegers() {
        LongTensor t = LongTensor.of(new long[] {5, 7, 13, 15}, 2, 2);
        assertEquals("LongTensor[2, 2] CHANNELS_FIRST\n" + "[[ 5,  7],\n" + " [13, 15]]", t.toString());
    }

    @Test
    void nonFiniteValuesAndEmptyTensors() {
        assertEquals(
                "Tensor[3] CHANNELS_FIRST\n[     NaN, Infinity,      0.5]",
                Tensor.of(new float[] {Float.NaN, Float.POSITIVE_INFINITY, 0.5f}, 3)
                        .toString());
        assertEquals(
                "Tensor[0, 4] CHANNELS_FIRST\n[]", Tensor.of(new float[0], 0, 4).toString());
    }

    @Test
    void largeTensorShowsThreeEntriesAtEachEndOfEachAxis() {
        // 40 x 40 = 1600 elements > 1000: rows 0, 1, 2, ..., 37, 38, 39 and the same columns. Element (r, c)
        // holds r * 40 + c, so the widest value shown is 1599.0 (6 characters).
        float[] v = new float[1600];
        for (int i = 0; i < v.length; i++) v[i] = i;
        String expected = "Tensor[40, 40] CHANNELS_FIRST\n"
                + "[[   0.0,    1.0,    2.0, ...,   37.0,   38.0,   39.0],\n"
                + " [  40.0,   41.0,   42.0, ...,   77.0,   78.0,   79.0],\n"
                + " [  80.0,   81.0,   82.0, ...,  117.0,  118.0,  119.0],\n"
                + " ...,\n"
                + " [1480.0, 1481.0, 1482.0, ..., 1517.0, 1518.0, 1519.0],\n"
                + " [1520.0, 1521.0, 1522.0, ..., 1557.0, 1558.0, 1559.0],\n"
                + " [1560.0, 1561.0, 1562.0, ..., 1597.0, 1598.0, 1599.0]]";
        assertEquals(expected, Tensor.of(v, 40, 40).toString());
    }

    @Test
    void thousandElementsArePrintedInFullWithLongRowsWrapped() {
        // Exactly 1000 elements: not elided. Every value is 5 characters wide ("  0.0" .. "999.0"). A line of k
        // cells with its trailing comma is 1 + 5k + 2(k - 1) + 1 = 7k characters, so at most 10 cells fit
        // in 75 columns (70); continuation lines are indented by one space under the bracket.
        float[] v = new float[1000];
        for (int i = 0; i < v.length; i++) v[i] = i;
        String s = Tensor.of(v, 1000).toString();
        String[] lines = s.split("\n");
        assertEquals("Tensor[1000] CHANNELS_FIRST", lines[0]);
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].length() > 75) throw new AssertionError("line " + i + " longer than 75: " + lines[i]);
        }
        assertEquals("[  0.0,   1.0,   2.0,   3.0,   4.0,   5.0,   6.0,   7.0,   8.0,   9.0,", lines[1]);
        assertEquals("  10.0,  11.0,  12.0,  13.0,  14.0,  15.0,  16.0,  17.0,  18.0,  19.0,", lines[2]);
        assertEquals(" 999.0]", lines[lines.length - 1].substring(lines[lines.length - 1].length() - 7));
    }
}
