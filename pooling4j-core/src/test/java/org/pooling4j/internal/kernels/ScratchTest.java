package org.pooling4j.internal.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link Scratch}: an array of at least the requested length, zero-filled over that
 * length as a fresh array would be, kept per thread and slot and reused while it is long enough (a
 * call in steady state allocates nothing), replaced by a longer one when a larger problem asks.
 * Each test runs in a new thread, whose slots start empty.
 */
class ScratchTest {
    @Test
    void floatsAreReusedAndZeroFilledOverTheRequestedLength() throws Exception {
        inFreshThread(() -> {
            float[] a = Scratch.floats(Scratch.ROW, 10);
            assertTrue(a.length >= 10);
            Arrays.fill(a, 7f);
            // The same length again, then a shorter one: the same array, zeros over what was asked.
            float[] b = Scratch.floats(Scratch.ROW, a.length);
            assertSame(a, b);
            for (float v : b) assertEquals(0f, v);
            Arrays.fill(b, 7f);
            float[] c = Scratch.floats(Scratch.ROW, 4);
            assertSame(a, c);
            for (int i = 0; i < 4; i++) assertEquals(0f, c[i], "element " + i);
            // Longer than the slot holds: a new, longer array.
            float[] d = Scratch.floats(Scratch.ROW, a.length + 1);
            assertNotSame(a, d);
            assertTrue(d.length >= a.length + 1);
            for (float v : d) assertEquals(0f, v);
            // Slots are independent.
            assertNotSame(d, Scratch.floats(Scratch.TMP, 4));
        });
    }

    @Test
    void intsAreReusedAndZeroFilledOverTheRequestedLength() throws Exception {
        inFreshThread(() -> {
            int[] a = Scratch.ints(Scratch.ARG, 6);
            assertTrue(a.length >= 6);
            Arrays.fill(a, -1);
            int[] b = Scratch.ints(Scratch.ARG, a.length);
            assertSame(a, b);
            for (int v : b) assertEquals(0, v);
            Arrays.fill(b, -1);
            int[] c = Scratch.ints(Scratch.ARG, 3);
            assertSame(a, c);
            for (int i = 0; i < 3; i++) assertEquals(0, c[i], "element " + i);
            int[] d = Scratch.ints(Scratch.ARG, a.length + 1);
            assertNotSame(a, d);
            assertTrue(d.length >= a.length + 1);
            for (int v : d) assertEquals(0, v);
        });
    }

    @Test
    void doublesAreReusedAndZeroFilledOverTheRequestedLength() throws Exception {
        inFreshThread(() -> {
            double[] a = Scratch.doubles(Scratch.SUM, 5);
            assertTrue(a.length >= 5);
            Arrays.fill(a, 2.5);
            double[] b = Scratch.doubles(Scratch.SUM, a.length);
            assertSame(a, b);
            for (double v : b) assertEquals(0.0, v);
            Arrays.fill(b, 2.5);
            double[] c = Scratch.doubles(Scratch.SUM, 2);
            assertSame(a, c);
            for (int i = 0; i < 2; i++) assertEquals(0.0, c[i], "element " + i);
            double[] d = Scratch.doubles(Scratch.SUM, a.length + 1);
            assertNotSame(a, d);
            assertTrue(d.length >= a.length + 1);
            for (double v : d) assertEquals(0.0, v);
        });
    }

    @Test
    void eachThreadHasItsOwnArrays() throws Exception {
        float[][] seen = new float[2][];
        inFreshThread(() -> seen[0] = Scratch.floats(Scratch.ROW, 8));
        inFreshThread(() -> seen[1] = Scratch.floats(Scratch.ROW, 8));
        assertNotSame(seen[0], seen[1]);
    }

    private static void inFreshThread(Runnable body) throws Exception {
        Throwable[] thrown = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable ex) {
                thrown[0] = ex;
            }
        });
        t.start();
        t.join();
        if (thrown[0] instanceof Error) throw (Error) thrown[0];
        if (thrown[0] instanceof Exception) throw (Exception) thrown[0];
    }
}
