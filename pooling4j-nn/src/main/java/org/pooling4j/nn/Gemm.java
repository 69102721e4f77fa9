package org.pooling4j.nn;

import java.util.Arrays;
import org.pooling4j.Pooling;
import org.pooling4j.internal.Check;
import org.pooling4j.internal.exec.Parallel;
import org.pooling4j.internal.exec.Vectorization;
import org.pooling4j.spi.GemmKernel;
import org.pooling4j.spi.ScalarGemmKernel;

/**
 * A blocked, multithreaded single-precision matrix product {@code C = op(A) op(B)} (or
 * {@code C += op(A) op(B)}), where {@code op} is the identity or the transpose: what convolution and
 * dense layers spend their time in.
 *
 * <p>Every matrix is row-major with a leading dimension: element {@code (i, j)} of a matrix stored
 * with leading dimension {@code ld} at offset {@code off} is {@code x[off + i*ld + j]}. With
 * {@code transA}, {@code A} is stored as its transpose ({@code k x m}), so {@code op(A)} is
 * {@code m x k}; likewise {@code transB} stores {@code B} as {@code n x k}.
 *
 * <p>The driver follows the usual scheme: blocks of {@code op(B)} ({@value #KC} x up to
 * {@value #NC}) and of {@code op(A)} (up to {@value #MC} x {@value #KC}) are packed into per-thread
 * buffers in the order the register-blocked {@link GemmKernel} reads them, so the inner loop streams
 * contiguous memory whatever the transposition; blocks of C are shared out among threads. The
 * kernel is the SIMD one from module {@code pooling4j-vector} when it is usable (the same conditions
 * as the pooling kernels, see {@link Vectorization}), the scalar one otherwise.
 *
 * <p>Results do not depend on the thread count: every element of C is computed by the same sequence
 * of operations whatever the split.
 */
public final class Gemm {
    /** Depth of a packed block: a {@code KC x nr} sliver of B stays in the first-level cache. */
    public static final int KC = 256;
    /** Rows of a packed block of A (rounded up to the kernel's tile): it stays in the second-level cache. */
    public static final int MC = 72;
    /** Columns of a packed block of B (rounded up to the kernel's tile). */
    public static final int NC = 1024;
    /**
     * Below this many floating-point operations ({@code 2 m n k}) a product stays on the caller's
     * thread: waking another core costs a few microseconds, about what one core needs for this much
     * arithmetic.
     */
    public static final long PARALLEL_THRESHOLD_FLOPS = 1L << 21;

    // The SIMD kernel from the library's one vectorization provider when it is usable, else the scalar one.
    private static final GemmKernel SELECTED = Vectorization.gemmKernel();

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private Gemm() {}

    /** The kernel {@link #multiply} uses: the SIMD one when usable, else {@link ScalarGemmKernel#INSTANCE}. */
    public static GemmKernel kernel() {
        return SELECTED;
    }

    /** One line on the kernel in use, or why the scalar one runs. */
    public static String describe() {
        return Vectorization.gemmStatus();
    }

    /**
     * {@code C = op(A) op(B)}, or {@code C += op(A) op(B)} with {@code accumulate}, with the selected
     * kernel. {@code A}, {@code B} and {@code C} must not overlap.
     *
     * @param m rows of {@code op(A)} and C
     * @param n columns of {@code op(B)} and C
     * @param k columns of {@code op(A)}, rows of {@code op(B)}
     * @param threads most threads to use; 0 means the library-wide count ({@link Pooling#threads()})
     * @throws IllegalArgumentException for a negative size, a leading dimension shorter than a stored
     *     row, a matrix that does not fit its array, or a thread count outside [0, 256]
     */
    public static void multiply(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            boolean accumulate,
            float[] c,
            int cOff,
            int ldc,
            int threads) {
        multiply(SELECTED, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc, threads);
    }

    /** As {@link #multiply(boolean, boolean, int, int, int, float[], int, int, float[], int, int, boolean, float[], int, int, int)} with a given kernel (for tests and comparisons). */
    public static void multiply(
            GemmKernel kernel,
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            boolean accumulate,
            float[] c,
            int cOff,
            int ldc,
            int threads) {
        Check.notNull(kernel, "kernel");
        Check.notNull(a, "a");
        Check.notNull(b, "b");
        Check.notNull(c, "c");
        if (m < 0) throw Check.fail("m", m, "must be >= 0");
        if (n < 0) throw Check.fail("n", n, "must be >= 0");
        if (k < 0) throw Check.fail("k", k, "must be >= 0");
        if (threads < 0 || threads > Parallel.MAX_THREADS) {
            throw Check.fail(
                    "threads", threads, "must be 0 (the library-wide count) or in [1, " + Parallel.MAX_THREADS + "]");
        }
        checkMatrix("a", a, aOff, lda, transA ? k : m, transA ? m : k);
        checkMatrix("b", b, bOff, ldb, transB ? n : k, transB ? k : n);
        checkMatrix("c", c, cOff, ldc, m, n);
        if (m == 0 || n == 0) return;
        if (!accumulate) {
            for (int i = 0; i < m; i++) Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
        }
        if (k == 0) return;
        int t = threads == 0 ? Pooling.threads() : threads;
        long flops = 2L * m * n * k;
        if (flops < PARALLEL_THRESHOLD_FLOPS) t = 1;
        int mr = kernel.mr();
        int nr = kernel.nr();
        int mc = roundUp(MC, mr);
        int nc = roundUp(NC, nr);
        int mBlocks = ceilDiv(m, mc);
        int nBlocks = ceilDiv(n, nc);
        if (t > 1 && mBlocks * (long) nBlocks < t) {
            // Too few blocks of C to go round: narrow the column blocks, then the row blocks.
            int wantN = ceilDiv(t, mBlocks);
            nc = Math.min(nc, Math.max(nr, roundUp(ceilDiv(n, wantN), nr)));
            nBlocks = ceilDiv(n, nc);
            if (mBlocks * (long) nBlocks < t) {
                int wantM = ceilDiv(t, nBlocks);
                mc = Math.min(mc, Math.max(mr, roundUp(ceilDiv(m, wantM), mr)));
                mBlocks = ceilDiv(m, mc);
            }
        }
        Job job = new Job(kernel, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, mc, nc, mBlocks);
        int units = mBlocks * nBlocks;
        Parallel.run(units, Math.min(t, units), job);
    }

    private static void checkMatrix(String name, float[] x, int off, int ld, int rows, int cols) {
        if (off < 0) throw Check.fail(name + " offset", off, "must be >= 0");
        if (ld < Math.max(1, cols))
            throw Check.fail("ld" + name, ld, "must be >= max(1, " + cols + ") (the stored row length)");
        if (rows == 0 || cols == 0) return;
        long last = off + (long) (rows - 1) * ld + cols - 1;
        if (last >= x.length) {
            throw Check.fail(
                    name + ".length",
                    x.length,
                    "must exceed the last element's index " + last + " (" + rows + " x " + cols
                            + " stored with leading dimension " + ld + " at offset " + off + ")");
        }
    }

    private static int ceilDiv(int a, int b) {
        return (int) (((long) a + b - 1) / b);
    }

    private static int roundUp(int a, int b) {
        return ceilDiv(a, b) * b;
    }

    /** Per-thread packing buffers, grown when a larger block (or a kernel with a larger tile) needs them. */
    private static final class Buffers {
        float[] a = new float[0];
        float[] b = new float[0];
        float[] tile = new float[0];

        void ensure(int aSize, int bSize, int tileSize) {
            if (a.length < aSize) a = new float[aSize];
            if (b.length < bSize) b = new float[bSize];
            if (tile.length < tileSize) tile = new float[tileSize];
        }
    }

    /**
     * One product split into blocks of C numbered column block first ({@code unit = nb * mBlocks + mb}),
     * so that a thread's contiguous run of units shares column blocks and packs each block of B once.
     */
    private static final class Job implements Parallel.Body {
        final GemmKernel kernel;
        final boolean transA, transB;
        final int m, n, k;
        final float[] a, b, c;
        final int aOff, lda, bOff, ldb, cOff, ldc;
        final int mc, nc, mBlocks, mr, nr;

        Job(
                GemmKernel kernel,
                boolean transA,
                boolean transB,
                int m,
                int n,
                int k,
                float[] a,
                int aOff,
                int lda,
                float[] b,
                int bOff,
                int ldb,
                float[] c,
                int cOff,
                int ldc,
                int mc,
                int nc,
                int mBlocks) {
            this.kernel = kernel;
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.b = b;
            this.bOff = bOff;
            this.ldb = ldb;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.mc = mc;
            this.nc = nc;
            this.mBlocks = mBlocks;
            this.mr = kernel.mr();
            this.nr = kernel.nr();
        }

        @Override
        public void run(int from, int to) {
            Buffers buf = BUFFERS.get();
            buf.ensure(mc * KC, KC * nc, mr * nr);
            float[] ap = buf.a;
            float[] bp = buf.b;
            float[] tile = buf.tile;
            int u = from;
            while (u < to) {
                int nb = u / mBlocks;
                int mbFrom = u - nb * mBlocks;
                int mbTo = Math.min(mBlocks, mbFrom + (to - u));
                int j0 = nb * nc;
                int ncCur = Math.min(nc, n - j0);
                for (int p0 = 0; p0 < k; p0 += KC) {
                    int kc = Math.min(KC, k - p0);
                    packB(bp, p0, kc, j0, ncCur);
                    for (int mb = mbFrom; mb < mbTo; mb++) {
                        int i0 = mb * mc;
                        int mcCur = Math.min(mc, m - i0);
                        packA(ap, i0, mcCur, p0, kc);
                        macro(ap, bp, tile, i0, mcCur, j0, ncCur, kc);
                    }
                }
                u += mbTo - mbFrom;
            }
        }

        /** Rows {@code i0 .. i0+rows} of op(A), columns {@code p0 .. p0+kc}, as slivers of mr rows. */
        private void packA(float[] ap, int i0, int rows, int p0, int kc) {
            for (int ir = 0; ir < rows; ir += mr) {
                int base = ir * kc;
                int live = Math.min(mr, rows - ir);
                for (int r = 0; r < mr; r++) {
                    int dst = base + r;
                    if (r >= live) {
                        for (int p = 0; p < kc; p++, dst += mr) ap[dst] = 0f;
                    } else if (transA) {
                        // op(A)(i, p) = a[p*lda + i]
                        int src = aOff + p0 * lda + i0 + ir + r;
                        for (int p = 0; p < kc; p++, dst += mr, src += lda) ap[dst] = a[src];
                    } else {
                        int src = aOff + (i0 + ir + r) * lda + p0;
                        for (int p = 0; p < kc; p++, dst += mr) ap[dst] = a[src + p];
                    }
                }
            }
        }

        /** Rows {@code p0 .. p0+kc} of op(B), columns {@code j0 .. j0+cols}, as slivers of nr columns. */
        private void packB(float[] bp, int p0, int kc, int j0, int cols) {
            for (int jr = 0; jr < cols; jr += nr) {
                int base = jr * kc;
                int live = Math.min(nr, cols - jr);
                if (transB) {
                    // op(B)(p, j) = b[j*ldb + p]
                    for (int q = 0; q < nr; q++) {
                        int dst = base + q;
                        if (q >= live) {
                            for (int p = 0; p < kc; p++, dst += nr) bp[dst] = 0f;
                        } else {
                            int src = bOff + (j0 + jr + q) * ldb + p0;
                            for (int p = 0; p < kc; p++, dst += nr) bp[dst] = b[src + p];
                        }
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        int dst = base + p * nr;
                        System.arraycopy(b, bOff + (p0 + p) * ldb + j0 + jr, bp, dst, live);
                        for (int q = live; q < nr; q++) bp[dst + q] = 0f;
                    }
                }
            }
        }

        private void macro(float[] ap, float[] bp, float[] tile, int i0, int rows, int j0, int cols, int kc) {
            for (int jr = 0; jr < cols; jr += nr) {
                int liveC = Math.min(nr, cols - jr);
                for (int ir = 0; ir < rows; ir += mr) {
                    int liveR = Math.min(mr, rows - ir);
                    int cAt = cOff + (i0 + ir) * ldc + j0 + jr;
                    if (liveR == mr && liveC == nr) {
                        kernel.tile(kc, ap, ir * kc, bp, jr * kc, c, cAt, ldc);
                    } else {
                        // Edge tile: the kernel writes a whole tile, so it goes to a scratch tile first.
                        Arrays.fill(tile, 0, mr * nr, 0f);
                        kernel.tile(kc, ap, ir * kc, bp, jr * kc, tile, 0, nr);
                        for (int r = 0; r < liveR; r++) {
                            int dst = cAt + r * ldc;
                            int src = r * nr;
                            for (int q = 0; q < liveC; q++) c[dst + q] += tile[src + q];
                        }
                    }
                }
            }
        }
    }
}
