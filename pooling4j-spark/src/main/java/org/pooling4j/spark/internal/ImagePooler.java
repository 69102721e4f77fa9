package org.pooling4j.spark.internal;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataType;
import org.pooling4j.Layout;
import org.pooling4j.PoolPlan;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;

/**
 * Pools the image structs of Spark's image data source: 8-bit pixels, 1, 3 or 4 channels (OpenCV modes
 * CV_8UC1 = 0, CV_8UC3 = 16, CV_8UC4 = 24), row-major height × width × channels, pooled channels-last over
 * height and width; the pooled floats are rounded half to even and clamped to 0..255. The struct's fields are
 * read in the image source's order: origin, height, width, nChannels, mode, data.
 */
public final class ImagePooler extends RowBatcher {
    private static final long serialVersionUID = 1L;

    private final SpecRecipe recipe;

    public ImagePooler(
            int inputIndex,
            int rowIdIndex,
            String rowIdName,
            DataType rowIdType,
            HandleInvalid handleInvalid,
            int batchRows,
            long batchElements,
            SpecRecipe recipe) {
        super(inputIndex, rowIdIndex, rowIdName, rowIdType, handleInvalid, batchRows, batchElements, 1);
        this.recipe = recipe;
    }

    /** The OpenCV mode of 8-bit unsigned images with {@code channels} channels, or -1. */
    public static int mode8u(int channels) {
        switch (channels) {
            case 1:
                return 0;
            case 3:
                return 16;
            case 4:
                return 24;
            default:
                return -1;
        }
    }

    private static final String[] FIELDS = {"origin", "height", "width", "nChannels", "mode", "data"};
    private static final int HEIGHT = 1, WIDTH = 2, CHANNELS = 3, MODE = 4, DATA = 5;

    @Override
    protected int[] shapeOf(InternalRow row, int inputIndex) {
        if (row.isNullAt(inputIndex)) throw new InvalidRowException("the image is null");
        InternalRow img = row.getStruct(inputIndex, FIELDS.length);
        for (int f = HEIGHT; f <= DATA; f++) {
            if (img.isNullAt(f)) throw new InvalidRowException("the image's " + FIELDS[f] + " is null");
        }
        int h = img.getInt(HEIGHT);
        int w = img.getInt(WIDTH);
        int c = img.getInt(CHANNELS);
        int mode = img.getInt(MODE);
        byte[] data = img.getBinary(DATA);
        if (h < 1 || w < 1) throw new InvalidRowException("image size " + h + " x " + w + ": must be at least 1 x 1");
        if (mode8u(c) < 0) throw new InvalidRowException("nChannels = " + c + ": must be 1, 3 or 4");
        if (mode != mode8u(c)) {
            throw new InvalidRowException("mode = " + mode + ": an 8-bit image with " + c
                    + " channels must have OpenCV mode " + mode8u(c) + " (other pixel types are not pooled)");
        }
        long need = (long) h * w * c;
        if (data.length != need) {
            throw new InvalidRowException("the image's data has " + data.length + " bytes but height " + h + " x width "
                    + w + " x nChannels " + c + " needs " + need);
        }
        return new int[] {h, w, c};
    }

    private static final class Slot {
        final PoolPlan plan;
        final Tensor in;
        final Tensor out;

        Slot(PoolPlan plan, float[] in, float[] out) {
            this.plan = plan;
            this.in = new Tensor(in, plan.inputShape(), Layout.CHANNELS_LAST);
            this.out = new Tensor(out, plan.outputShape(), Layout.CHANNELS_LAST);
        }
    }

    @Override
    protected void poolGroup(
            int[] shape, InternalRow[] chunk, int[] rows, int count, Object[][] outputs, String[] invalid) {
        List<Integer> key = Arrays.asList(count, shape[0], shape[1], shape[2]);
        Object cached = cache().get(key);
        if (cached == null) {
            try {
                PoolPlan plan = Pooling.plan(
                        recipe.build(2), new int[] {count, shape[0], shape[1], shape[2]}, Layout.CHANNELS_LAST, 1);
                cached = new Slot(plan, floats(size(plan.inputShape())), floats(size(plan.outputShape())));
            } catch (IllegalArgumentException e) {
                cached = "image " + shape[0] + " x " + shape[1] + " does not fit the operator: " + e.getMessage();
            }
            cache().put(key, cached);
        }
        if (cached instanceof String) throw new InvalidRowException((String) cached);
        Slot slot = (Slot) cached;
        float[] in = slot.in.data();
        int rowIn = in.length / count;
        int index = inputIndex();
        for (int j = 0; j < count; j++) {
            byte[] data = chunk[rows[j]].getStruct(index, FIELDS.length).getBinary(DATA);
            int off = j * rowIn;
            for (int k = 0; k < rowIn; k++) in[off + k] = data[k] & 0xFF;
        }
        slot.plan.forward(slot.in, slot.out);
        float[] out = slot.out.data();
        int[] os = slot.plan.outputShape();
        int rowOut = out.length / count;
        for (int j = 0; j < count; j++) {
            byte[] bytes = new byte[rowOut];
            int off = j * rowOut;
            for (int k = 0; k < rowOut; k++) bytes[k] = toByte(out[off + k]);
            InternalRow img = chunk[rows[j]].getStruct(index, FIELDS.length);
            Object origin = img.isNullAt(0) ? null : img.getUTF8String(0).clone();
            outputs[rows[j]] = new Object[] {
                new GenericInternalRow(new Object[] {origin, os[1], os[2], shape[2], img.getInt(MODE), bytes})
            };
        }
    }

    private static int size(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return Math.toIntExact(n);
    }

    /** Rounds half to even and clamps to 0..255 (NaN, which 8-bit inputs cannot give, becomes 0). */
    public static byte toByte(float v) {
        double r = Math.rint(v);
        if (!(r > 0)) return 0;
        if (r >= 255) return (byte) 255;
        return (byte) (int) r;
    }
}
