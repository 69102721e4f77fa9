package org.pooling4j.internal.kernels;

import java.util.Arrays;

/**
 * Per-thread scratch arrays of the fast kernels, so that a call in steady state allocates nothing:
 * each thread (the caller's and each pool worker's) keeps one array per slot and grows it when a
 * larger problem asks. Arrays come back zero-filled over the requested length, as a fresh array
 * would, and may be longer than asked: kernels use the length they asked for, never
 * {@code array.length}. Within one call each use site takes its own slot, so no two live buffers
 * of a thread share an array.
 */
final class Scratch {
    static final int ROW = 0;
    static final int TMP = 1;
    static final int DELTA = 2;
    static final int ARG = 3;
    static final int SUM = 4;
    static final int BLOCKS = 5;
    static final int FLAT = 6;
    static final int PLANES = 7;
    static final int WIDE = 8;
    static final int TAPS = 9;
    static final int TAP_COUNT = 10;
    static final int BLOCK_IN = 11;
    static final int BLOCK_OUT = 12;
    static final int PAIRS = 13;
    static final int PAIR_TAPS = 14;
    static final int PAIR_OUT = 15;
    static final int PAIR_OUT_TAPS = 16;
    static final int WINNERS = 17;
    static final int WINNER_MAX = 18;
    static final int LP_SUM = 19;
    static final int LP_SCALE = 20;
    static final int DEPTH = 21;
    private static final int SLOTS = 22;

    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    private final float[][] floats = new float[SLOTS][];
    private final int[][] ints = new int[SLOTS][];
    private final double[][] doubles = new double[SLOTS][];

    private Scratch() {}

    /** A zero-filled float array of at least {@code n} elements for {@code slot}. */
    static float[] floats(int slot, int n) {
        Scratch s = LOCAL.get();
        float[] a = s.floats[slot];
        if (a == null || a.length < n) {
            s.floats[slot] = a = new float[n];
        } else {
            Arrays.fill(a, 0, n, 0f);
        }
        return a;
    }

    /** A zero-filled int array of at least {@code n} elements for {@code slot}. */
    static int[] ints(int slot, int n) {
        Scratch s = LOCAL.get();
        int[] a = s.ints[slot];
        if (a == null || a.length < n) {
            s.ints[slot] = a = new int[n];
        } else {
            Arrays.fill(a, 0, n, 0);
        }
        return a;
    }

    /** A zero-filled double array of at least {@code n} elements for {@code slot}. */
    static double[] doubles(int slot, int n) {
        Scratch s = LOCAL.get();
        double[] a = s.doubles[slot];
        if (a == null || a.length < n) {
            s.doubles[slot] = a = new double[n];
        } else {
            Arrays.fill(a, 0, n, 0.0);
        }
        return a;
    }
}
