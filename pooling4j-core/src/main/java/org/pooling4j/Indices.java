package org.pooling4j;

import org.pooling4j.internal.Check;

/**
 * Conversions between argmax index formats ({@link IndexFormat}). The index tensor has the pooling
 * output's shape in its own layout, batched (N, C, spatial...) or unbatched; {@code inputSpatial}
 * gives the spatial size of the pooled input. Every value is checked (range and consistency with
 * the element's own batch and channel) before the result is allocated. The value {@link #NONE}
 * (-1, "no element won", as TensorFlow and ONNX Runtime write it) stays -1 in every format.
 */
public final class Indices {
    /** The index of a window where no element won ({@link MaxFloor#LOWEST_FINITE}); kept as is by every conversion. */
    public static final long NONE = -1;

    private Indices() {}

    public static LongTensor convert(LongTensor indices, int[] inputSpatial, IndexFormat from, IndexFormat to) {
        Check.notNull(indices, "indices");
        Check.notNull(inputSpatial, "inputSpatial");
        Check.notNull(from, "from");
        Check.notNull(to, "to");
        int r = inputSpatial.length;
        if (r == 0) throw Check.fail("inputSpatial", inputSpatial, "needs at least one spatial dimension");
        Check.atLeast(inputSpatial, 1, "inputSpatial");
        long plane = Check.elementCount(inputSpatial, "inputSpatial");
        int[] shape = indices.shape();
        boolean batched;
        if (shape.length == r + 2) batched = true;
        else if (shape.length == r + 1) batched = false;
        else
            throw Check.fail(
                    "indices shape",
                    shape,
                    "needs rank " + (r + 2) + " or " + (r + 1) + " for " + r + " spatial dimensions");
        int lead = batched ? 1 : 0;
        int n = batched ? shape[0] : 1;
        int c = indices.layout() == Layout.CHANNELS_FIRST ? shape[lead] : shape[shape.length - 1];
        long outPlane = indices.size() / Math.max(1, (long) n * c);
        long[] src = indices.data();
        // Pass 1: validate everything.
        for (int i = 0; i < src.length; i++) {
            if (src[i] != NONE) decode(src[i], i, indices.layout(), n, c, outPlane, plane, inputSpatial, from);
        }
        long[] dst = new long[src.length];
        for (int i = 0; i < src.length; i++) {
            if (src[i] == NONE) {
                dst[i] = NONE;
                continue;
            }
            long pp = decode(src[i], i, indices.layout(), n, c, outPlane, plane, inputSpatial, from);
            int nc = planeOf(i, indices.layout(), c, outPlane);
            dst[i] = encode(pp, nc / c, nc % c, c, plane, inputSpatial, to);
        }
        return new LongTensor(dst, shape, indices.layout());
    }

    /** n*C + c of element {@code i} of the index tensor. */
    private static int planeOf(int i, Layout layout, int c, long outPlane) {
        if (layout == Layout.CHANNELS_FIRST) return (int) (i / outPlane);
        long nIdx = i / (outPlane * c);
        return (int) (nIdx * c + i % c);
    }

    private static long decode(
            long v, int i, Layout layout, int n, int c, long outPlane, long plane, int[] spatial, IndexFormat from) {
        int nc = planeOf(i, layout, c, outPlane);
        int nn = nc / c;
        int cc = nc % c;
        long pp;
        switch (from) {
            case PER_PLANE:
                pp = v;
                break;
            case GLOBAL_ROW_MAJOR:
                pp = v - (long) nc * plane;
                break;
            case GLOBAL_COLUMN_MAJOR:
                pp = columnToRow(v - (long) nc * plane, spatial, plane);
                break;
            case CHANNELS_LAST:
                if (Math.floorMod(v, (long) c) != cc)
                    throw bad(
                            v,
                            i,
                            from,
                            "its channel " + Math.floorMod(v, (long) c) + " differs from the element's channel " + cc);
                pp = Math.floorDiv(v, (long) c);
                break;
            default:
                if (Math.floorMod(v, (long) c) != cc)
                    throw bad(
                            v,
                            i,
                            from,
                            "its channel " + Math.floorMod(v, (long) c) + " differs from the element's channel " + cc);
                pp = Math.floorDiv(v, (long) c) - nn * plane;
                break;
        }
        if (pp < 0 || pp >= plane)
            throw bad(
                    v, i, from, "it names no position of plane (n=" + nn + ", c=" + cc + ") of " + plane + " elements");
        return pp;
    }

    private static long columnToRow(long cp, int[] spatial, long plane) {
        if (cp < 0 || cp >= plane) return -1;
        long row = 0;
        long rowStride = plane;
        long rest = cp;
        long[] coord = new long[spatial.length];
        for (int a = 0; a < spatial.length; a++) {
            coord[a] = rest % spatial[a];
            rest /= spatial[a];
        }
        for (int a = 0; a < spatial.length; a++) {
            rowStride /= spatial[a];
            row += coord[a] * rowStride;
        }
        return row;
    }

    private static long rowToColumn(long pp, int[] spatial) {
        long col = 0;
        long colStride = 1;
        long rest = pp;
        long[] coord = new long[spatial.length];
        for (int a = spatial.length - 1; a >= 0; a--) {
            coord[a] = rest % spatial[a];
            rest /= spatial[a];
        }
        for (int a = 0; a < spatial.length; a++) {
            col += coord[a] * colStride;
            colStride *= spatial[a];
        }
        return col;
    }

    private static long encode(long pp, int n, int c, int channels, long plane, int[] spatial, IndexFormat to) {
        switch (to) {
            case PER_PLANE:
                return pp;
            case GLOBAL_ROW_MAJOR:
                return ((long) n * channels + c) * plane + pp;
            case GLOBAL_COLUMN_MAJOR:
                return ((long) n * channels + c) * plane + rowToColumn(pp, spatial);
            case CHANNELS_LAST:
                return pp * channels + c;
            default:
                return ((long) n * plane + pp) * channels + c;
        }
    }

    private static IllegalArgumentException bad(long v, int i, IndexFormat from, String why) {
        return new IllegalArgumentException("indices[" + i + "] = " + v + ": not a valid " + from + " index: " + why);
    }
}
