package org.pooling4j;

import org.pooling4j.internal.Box;
import org.pooling4j.internal.Check;

/**
 * A compact argmax workspace: for each output of a max-type pooling, the window-local offset of its
 * maximum (row-major over the window's taps, padding included) in one byte when a window has at
 * most 256 taps, two bytes up to 65,536, four beyond. A max backward reads 1 or 2 bytes per output
 * instead of the 8 of an int64 index. {@link #toIndices()} converts to the per-plane int64 format
 * (and through {@link Indices#convert} to the others).
 *
 * <p>Produced by {@link Pooling#forwardArgmax} and consumed by {@link Pooling#backwardInto(Argmax,
 * Tensor, Tensor, int)}; it belongs to the geometry it was computed for.
 */
public final class Argmax {
    private final Geometry geometry;
    private final byte[] bytes;
    private final short[] shorts;
    private final int[] ints;
    private final int size;

    Argmax(Geometry g) {
        this.geometry = g;
        this.size = g.outputElements();
        long taps = g.box().maxTaps;
        bytes = taps <= 256 ? new byte[size] : null;
        shorts = bytes == null && taps <= 65536 ? new short[size] : null;
        ints = bytes == null && shorts == null ? new int[size] : null;
    }

    /** Bytes per entry of the compact argmax of {@code g}: 1, 2 or 4, from its largest window. */
    public static int bytesPerEntry(Geometry g) {
        long taps = g.box().maxTaps;
        return taps <= 256 ? 1 : taps <= 65536 ? 2 : 4;
    }

    /** Bytes per entry: 1, 2 or 4. */
    public int bytesPerEntry() {
        return bytes != null ? 1 : shorts != null ? 2 : 4;
    }

    /** Number of entries (the output's element count). */
    public int size() {
        return size;
    }

    /** The geometry (spec and input shape) this workspace describes. */
    public Geometry geometry() {
        return geometry;
    }

    /** The one-byte entries, or null when entries are wider. */
    public byte[] byteArray() {
        return bytes;
    }

    public int get(int i) {
        return bytes != null ? bytes[i] & 0xFF : shorts != null ? shorts[i] & 0xFFFF : ints[i];
    }

    public void set(int i, int v) {
        if (bytes != null) bytes[i] = (byte) v;
        else if (shorts != null) shorts[i] = (short) v;
        else ints[i] = v;
    }

    /** Window-local offset of output element {@code i} (memory order of the output). */
    public int offset(int i) {
        if (i < 0 || i >= size) throw Check.fail("i", i, "must be in [0, " + size + ")");
        return get(i);
    }

    /**
     * The per-plane int64 indices ({@link IndexFormat#PER_PLANE}) the reference kernel returns, in the
     * output's shape and layout.
     */
    public LongTensor toIndices() {
        Geometry g = geometry;
        Box b = g.box();
        org.pooling4j.internal.Budget.shape(
                "output shape", g.outputShapeRef(), "the indices", g.outputShapeRef(), Long.BYTES, "int64");
        long[] idx = new long[size];
        int ch = g.channels();
        boolean cf = g.layout() == Layout.CHANNELS_FIRST;
        int outPlane = b.outPlane();
        for (int i = 0; i < size; i++) {
            int q = cf ? i % outPlane : (i / ch) % outPlane;
            int c = q % b.ow;
            int bb = (q / b.ow) % b.oh;
            int a = q / (b.ow * b.oh);
            idx[i] = b.emptyAt(a, bb, c) ? b.firstValid(a, bb, c) : b.positionOf(a, bb, c, get(i));
        }
        return new LongTensor(idx, g.outputShape(), g.layout());
    }

    /** The indices in another format: {@code Indices.convert(toIndices(), inputSpatial, PER_PLANE, format)}. */
    public LongTensor toIndices(IndexFormat format) {
        Check.notNull(format, "format");
        return Indices.convert(toIndices(), geometry.inSizes(), IndexFormat.PER_PLANE, format);
    }
}
