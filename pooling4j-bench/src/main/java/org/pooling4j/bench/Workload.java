package org.pooling4j.bench;

import java.util.SplittableRandom;
import org.pooling4j.Argmax;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;

/**
 * The pooling4j side of one case: its tensors, allocated and filled once, and the call that is
 * timed. Drop the object to release the arrays (they are the bulk of the bench's memory).
 *
 * <ul>
 *   <li>forward: random input, preallocated output; times {@code Pooling.forwardInto};</li>
 *   <li>max backward: the compact argmax of a random input is computed once here (not timed),
 *       then input and output are dropped; times {@code Pooling.backwardInto(argmax, gradOutput,
 *       gradInput, threads)};</li>
 *   <li>average backward: times {@code Pooling.backwardInto(spec, input, gradOutput, null,
 *       gradInput, threads)} (the input is only its shape to an average backward).</li>
 * </ul>
 */
public final class Workload {
    private final BenchCase c;
    private Tensor input;
    private Tensor output;
    private Tensor gradOutput;
    private Tensor gradInput;
    private Argmax argmax;
    private final long bytes;

    /** Allocates and fills the tensors of {@code c} from {@code seed}. */
    public Workload(BenchCase c, long seed) {
        this.c = c;
        int[] inShape = c.inputShape();
        int[] outShape = c.outputShape();
        input = new Tensor(random(Math.toIntExact(c.inputElements()), seed), inShape, c.layout());
        output = Tensor.zeros(c.layout(), outShape);
        switch (c.kind()) {
            case FORWARD:
                bytes = c.bytesMoved(0);
                break;
            case MAX_BACKWARD:
                argmax = Pooling.forwardArgmax(
                        c.spec(), input, output, Runtime.getRuntime().availableProcessors());
                input = null;
                output = null;
                gradOutput = new Tensor(random(Math.toIntExact(c.outputElements()), seed + 1), outShape, c.layout());
                gradInput = Tensor.zeros(c.layout(), inShape);
                bytes = c.bytesMoved(argmax.bytesPerEntry());
                break;
            case AVG_BACKWARD:
                output = null;
                gradOutput = new Tensor(random(Math.toIntExact(c.outputElements()), seed + 1), outShape, c.layout());
                gradInput = Tensor.zeros(c.layout(), inShape);
                bytes = c.bytesMoved(0);
                break;
            default:
                throw new AssertionError(c.kind());
        }
    }

    public BenchCase benchCase() {
        return c;
    }

    /** Bytes one call reads or writes ({@link BenchCase#bytesMoved} with this argmax's entry size). */
    public long bytesMoved() {
        return bytes;
    }

    /** The forward input (null for max backward, whose input is dropped once the argmax exists). */
    public Tensor input() {
        return input;
    }

    /** The forward output as the last call left it (null for backward cases). */
    public Tensor output() {
        return output;
    }

    /** The gradient with respect to the input as the last call left it (null for forward cases). */
    public Tensor gradInput() {
        return gradInput;
    }

    /** The compact argmax's bytes per entry (0 unless max backward). */
    public int argmaxBytesPerEntry() {
        return argmax == null ? 0 : argmax.bytesPerEntry();
    }

    /** The timed call on {@code threads} threads; it returns the name of the kernel that ran. */
    public Timing.Call call(int threads) {
        switch (c.kind()) {
            case FORWARD:
                return () -> Pooling.forwardInto(c.spec(), input, output, threads);
            case MAX_BACKWARD:
                return () -> Pooling.backwardInto(argmax, gradOutput, gradInput, threads);
            case AVG_BACKWARD:
                return () -> Pooling.backwardInto(c.spec(), input, gradOutput, null, gradInput, threads);
            default:
                throw new AssertionError(c.kind());
        }
    }

    /** {@code n} floats uniform in [-1, 1) from {@code seed}. */
    public static float[] random(int n, long seed) {
        float[] a = new float[n];
        SplittableRandom r = new SplittableRandom(seed);
        // 24 random bits scaled to [-1, 1): every value exactly representable, ties unlikely.
        for (int i = 0; i < n; i++) a[i] = ((r.nextInt() >> 8) * 0x1p-23f);
        return a;
    }
}
