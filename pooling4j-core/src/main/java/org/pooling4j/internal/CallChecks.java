package org.pooling4j.internal;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.pooling4j.Geometry;
import org.pooling4j.Layout;
import org.pooling4j.LongTensor;
import org.pooling4j.PoolOp;
import org.pooling4j.PoolSpec;
import org.pooling4j.Tensor;

/**
 * The checks a call makes on the tensors it is given (the spec and the shape were checked when the
 * geometry was made), and the samples of the randomised operators. Every check throws the clear
 * {@link IllegalArgumentException} of {@link Check#fail} before any work.
 */
public final class CallChecks {
    private CallChecks() {}

    // ---- checks of one call against its geometry
    // ------------------------------------------------------------------------------

    public static void notUnpool(PoolSpec spec) {
        if (spec.op() == PoolOp.MAX_UNPOOL) {
            throw Check.fail(
                    "spec.op", spec.op(), "max unpool needs indices: use Pooling.maxUnpool / maxUnpoolBackward");
        }
    }

    public static void requireMaxType(PoolSpec spec) {
        if (!spec.op().isMaxType())
            throw Check.fail(
                    "spec.op",
                    spec.op(),
                    "indices exist only for max-type operators (MAX, GLOBAL_MAX, ADAPTIVE_MAX, FRACTIONAL_MAX)");
    }

    /** Indices exist for max-type operators and for stochastic pooling in training mode. */
    public static void requireIndexed(PoolSpec spec) {
        if (spec.op() == PoolOp.STOCHASTIC) {
            if (!spec.training())
                throw Check.fail("spec.training", false, "stochastic pooling has indices only in training mode");
            return;
        }
        requireMaxType(spec);
    }

    public static void requireOp(PoolSpec spec, PoolOp op) {
        if (spec.op() != op) throw Check.fail("spec.op", spec.op(), "this call needs " + op);
    }

    /**
     * Refuses {@code kept} (an argmax or gate cache, named {@code name}) unless it comes from a forward
     * of {@code g}'s problem: the same spec, input shape and layout.
     */
    public static void checkSameProblem(Geometry kept, Geometry g, String name, String rule) {
        if (kept == g
                || kept.spec().equals(g.spec())
                        && Arrays.equals(kept.inputShapeRef(), g.inputShapeRef())
                        && kept.layout() == g.layout()) return;
        throw Check.fail(
                name,
                "of " + kept.spec() + " on " + Arrays.toString(kept.inputShapeRef()),
                rule + " " + Arrays.toString(g.inputShapeRef()));
    }

    /** The gradient must have exactly the forward output's shape and the input's layout. */
    public static void checkSameShape(Geometry g, Tensor t, String name) {
        Check.notNull(t, name);
        int[] want = g.outputShapeRef();
        if (!t.hasShape(want)) {
            throw Check.fail(name + " shape", t.shape(), "must equal the output shape " + Arrays.toString(want));
        }
        if (t.layout() != g.layout())
            throw Check.fail(name + " layout", t.layout(), "must equal the input layout " + g.layout());
    }

    /** A preallocated gradient of the input: the input's shape and layout. */
    public static void checkInputShape(Geometry g, Tensor t, String name) {
        Check.notNull(t, name);
        int[] want = g.inputShapeRef();
        if (!t.hasShape(want)) {
            throw Check.fail(name + " shape", t.shape(), "must equal the input shape " + Arrays.toString(want));
        }
        if (t.layout() != g.layout())
            throw Check.fail(name + " layout", t.layout(), "must equal the input layout " + g.layout());
    }

    /** Preallocated indices of a forward: the output's shape and layout. */
    public static void checkOutputIndices(Geometry g, LongTensor indices) {
        int[] want = g.outputShapeRef();
        if (!indices.hasShape(want)) {
            throw Check.fail("indices shape", indices.shape(), "must equal the output shape " + Arrays.toString(want));
        }
        if (indices.layout() != g.layout())
            throw Check.fail("indices layout", indices.layout(), "must equal the input layout " + g.layout());
    }

    /** Indices must have {@code shape} and per-plane values in [0, plane). Checked in full before any work. */
    public static void checkIndices(Geometry g, LongTensor indices, int[] shape, int plane, String name) {
        Check.notNull(indices, name);
        if (!indices.hasShape(shape)) {
            throw Check.fail(name + " shape", indices.shape(), "must equal " + Arrays.toString(shape));
        }
        if (indices.layout() != g.layout())
            throw Check.fail(name + " layout", indices.layout(), "must equal the input layout " + g.layout());
        long[] d = indices.data();
        for (int i = 0; i < d.length; i++) {
            if (d[i] < 0 || d[i] >= plane) {
                throw Check.fail(name + "[" + i + "]", d[i], "a per-plane index must be in [0, " + plane + ")");
            }
        }
    }

    /** Backward indices: the output's shape, and per-plane values in [0, plane) or -1, except for empty windows. */
    public static void checkArgmax(Geometry g, LongTensor indices) {
        Check.notNull(indices, "indices");
        int[] shape = g.outputShapeRef();
        if (!indices.hasShape(shape)) {
            throw Check.fail("indices shape", indices.shape(), "must equal " + Arrays.toString(shape));
        }
        if (indices.layout() != g.layout())
            throw Check.fail("indices layout", indices.layout(), "must equal the input layout " + g.layout());
        long[] d = indices.data();
        int plane = g.inPlane();
        int ps = g.positionStride();
        for (int n = 0; n < g.batch(); n++) {
            for (int c = 0; c < g.channels(); c++) {
                int base = g.planeBase(n, c, g.outPlane());
                for (int q = 0; q < g.outPlane(); q++) {
                    int i = base + q * ps;
                    if ((d[i] < -1 || d[i] >= plane) && !g.emptyWindow(q)) {
                        throw Check.fail(
                                "indices[" + i + "]",
                                d[i],
                                "a per-plane index must be in [0, " + plane + ") (or -1: no element won)");
                    }
                }
            }
        }
    }

    /**
     * The samples an operator draws when the caller gives none: fractional max pooling's per-plane
     * samples and stochastic training's uniforms come from the spec's seed; other operators need none.
     */
    public static float[] defaultSamples(Geometry g) {
        PoolOp op = g.spec().op();
        if (op == PoolOp.FRACTIONAL_MAX) return seededSamples(g);
        if (op == PoolOp.STOCHASTIC && g.spec().training()) return stochasticUniforms(g);
        return null;
    }

    /**
     * Stochastic pooling's uniforms from the spec's seed, one per output element in memory order. Each
     * is a hash (SplitMix64's finaliser) of the seed and the element's logical channels-first index
     * {@code ((n*C + c)*plane + q)}, so it depends on neither the thread count nor the layout. The top
     * 24 bits give a float in [0, 1) exactly.
     */
    public static float[] stochasticUniforms(Geometry g) {
        Long seed = g.spec().seed();
        if (seed == null) {
            throw Check.fail(
                    "seed",
                    "null",
                    "stochastic pooling in training mode needs uniforms (random_samples) or a seed (PoolSpec.Builder.seed)");
        }
        float[] u = new float[g.outputElements()];
        int plane = g.outPlane();
        int ps = g.positionStride();
        for (int n = 0; n < g.batch(); n++) {
            for (int c = 0; c < g.channels(); c++) {
                int base = g.planeBase(n, c, plane);
                long logical = ((long) n * g.channels() + c) * plane;
                for (int q = 0; q < plane; q++) u[base + q * ps] = uniform(seed, logical + q);
            }
        }
        return u;
    }

    /** A uniform float in [0, 1) from (seed, index): SplitMix64's step and finaliser, top 24 bits. */
    public static float uniform(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 40) * 0x1.0p-24f;
    }

    /** Given stochastic uniforms: the output's shape and the input's layout, every value in [0, 1). */
    public static float[] checkUniforms(Geometry g, Tensor uniforms) {
        int[] want = g.outputShapeRef();
        if (!uniforms.hasShape(want)) {
            throw Check.fail(
                    "uniforms shape",
                    uniforms.shape(),
                    "must equal the output shape " + Arrays.toString(want) + " (one u per output element)");
        }
        if (uniforms.layout() != g.layout())
            throw Check.fail("uniforms layout", uniforms.layout(), "must equal the input layout " + g.layout());
        float[] u = uniforms.data();
        for (int i = 0; i < u.length; i++) {
            if (!(u[i] >= 0f && u[i] < 1f)) throw Check.fail("uniforms[" + i + "]", u[i], "every u must be in [0, 1)");
        }
        return u;
    }

    /**
     * Stochastic pooling's inputs are probabilities' weights: each must be finite and {@code >= 0}. The
     * first offender is named by its logical (channels-first) flat index and its (n, c, spatial...)
     * position.
     */
    public static void checkNonNegative(Geometry g, Tensor input) {
        float[] d = input.data();
        // A chunk at a time by a branch-free test of the bits, which the JIT vectorizes: b | (b + 2^23)
        // has its sign bit set exactly for the negative floats (-0 among them), NaN and the
        // infinities. Only a flagged chunk is scanned value by value, which lets -0 pass and names
        // the first offender. (The branch per value took 0.39 ms for LeNet's 589,824 inputs, the
        // chunks 0.21 ms, on every stochastic forward and backward.)
        for (int s = 0; s < d.length; s += NON_NEGATIVE_CHUNK) {
            int e = Math.min(d.length, s + NON_NEGATIVE_CHUNK);
            int flags = 0;
            for (int i = s; i < e; i++) {
                int b = Float.floatToRawIntBits(d[i]);
                flags |= b | (b + 0x00800000);
            }
            if (flags < 0) checkNonNegative(g, d, s, e);
        }
    }

    /** Values checked per chunk by {@link #checkNonNegative(Geometry, Tensor)}. */
    private static final int NON_NEGATIVE_CHUNK = 4096;

    /** The value-by-value check of {@code d[from, to)}: throws for the first value that is not finite and >= 0. */
    private static void checkNonNegative(Geometry g, float[] d, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = d[i];
            if (v >= 0 && v != Float.POSITIVE_INFINITY) continue;
            // Locate element i: plane (n, c) and spatial position q in the geometry's layout.
            int plane = g.inPlane();
            int n;
            int c;
            int q;
            if (g.layout() == Layout.CHANNELS_FIRST) {
                n = i / (g.channels() * plane);
                c = (i / plane) % g.channels();
                q = i % plane;
            } else {
                n = i / (g.channels() * plane);
                c = i % g.channels();
                q = (i / g.channels()) % plane;
            }
            int[] pos = new int[g.rank() + (g.batched() ? 2 : 1)];
            int lead = g.batched() ? 1 : 0;
            if (g.batched()) pos[0] = n;
            pos[lead] = c;
            int rest = q;
            for (int a = g.rank() - 1; a >= 0; a--) {
                pos[lead + 1 + a] = rest % g.inSize(a);
                rest /= g.inSize(a);
            }
            long logical = ((long) n * g.channels() + c) * plane + q;
            String axes = g.batched() ? "(n, c, spatial...)" : "(c, spatial...)";
            throw Check.fail(
                    "input[" + logical + "] at " + axes + " " + Arrays.toString(pos),
                    v,
                    "stochastic pooling needs every input finite and >= 0 (p_i = a_i / sum a)");
        }
    }

    /** Samples drawn from the spec's seed, one per (n, c, axis), uniform in [0, 1). */
    public static float[] seededSamples(Geometry g) {
        Long seed = g.spec().seed();
        if (seed == null) {
            throw Check.fail("seed", "null", "fractional max pooling needs samples or a seed (PoolSpec.Builder.seed)");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        // N x C planes, each with one sample per axis: the product is taken in long and checked.
        int[] shape = {g.batch(), g.channels(), g.rank()};
        int count = Check.elementCount(shape, "samples shape (N, C, rank)");
        Budget.shape("input shape", g.inputShapeRef(), "the samples", shape, Float.BYTES, "floats");
        float[] s = new float[count];
        for (int i = 0; i < s.length; i++) s[i] = rnd.nextInt(1 << 24) / (float) (1 << 24);
        return s;
    }

    /** Converts PyTorch-ordered samples (N, C, rank) into kernel order, checking shape and range. */
    public static float[] torchSamples(Geometry g, Tensor samples) {
        int r = g.rank();
        int[] want = {g.batch(), g.channels(), r};
        if (!Arrays.equals(samples.shape(), want)) {
            throw Check.fail("samples shape", samples.shape(), "must be (N, C, " + r + ") = " + Arrays.toString(want));
        }
        float[] src = samples.data();
        for (int i = 0; i < src.length; i++) {
            if (!(src[i] >= 0f && src[i] < 1f))
                throw Check.fail("samples[" + i + "]", src[i], "every sample must be in [0, 1)");
        }
        float[] s = new float[src.length];
        int planes = g.batch() * g.channels();
        for (int p = 0; p < planes; p++) {
            for (int a = 0; a < r; a++) {
                s[p * r + a] = src[p * r + torchSampleIndex(r, a)];
            }
        }
        return s;
    }

    /** PyTorch's fractional pooling reads sample 0 for the width and 1 for the height in 2D; 3D is in axis order. */
    public static int torchSampleIndex(int rank, int axis) {
        return rank == 2 ? 1 - axis : axis;
    }
}
