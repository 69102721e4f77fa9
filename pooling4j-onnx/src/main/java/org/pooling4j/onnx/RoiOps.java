package org.pooling4j.onnx;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.pooling4j.Tensor;
import org.pooling4j.roi.RoiAlignMode;
import org.pooling4j.roi.RoiCoordinates;
import org.pooling4j.roi.RoiPooling;

/** RoiAlign and MaxRoiPool, mapped onto {@link RoiPooling}. */
final class RoiOps {
    private RoiOps() {}

    static List<OpDef> all() {
        return List.of(new RoiAlign(), new MaxRoiPool());
    }

    private static int positive(Node n, String attr, long v) {
        if (v < 1 || v > Integer.MAX_VALUE)
            throw n.error("attribute " + attr + " = " + v + ": must be in [1, " + Integer.MAX_VALUE + "]");
        return (int) v;
    }

    private static float scale(Node n) {
        float s = n.floatAttr("spatial_scale", 1f);
        if (!(s > 0) || Float.isInfinite(s))
            throw n.error("attribute spatial_scale = " + s + ": must be finite and > 0");
        return s;
    }

    /**
     * RoiAlign-10 has no {@code coordinate_transformation_mode}; it behaves as
     * {@code output_half_pixel} (no half-pixel shift, regions at least 1x1). From version 16 the
     * attribute exists and defaults to {@code half_pixel}.
     */
    static final class RoiAlign extends OpDef {
        RoiAlign() {
            super("RoiAlign", 10, 3, 3);
        }

        @Override
        Set<String> attributes(int opset) {
            Set<String> a = attrs("mode", "output_height", "output_width", "sampling_ratio", "spatial_scale");
            return opset >= 16 ? plus(a, "coordinate_transformation_mode") : a;
        }

        @Override
        void check(Node n) {
            mode(n);
            coordinates(n);
            positive(n, "output_height", n.intAttr("output_height", 1));
            positive(n, "output_width", n.intAttr("output_width", 1));
            long sr = n.intAttr("sampling_ratio", 0);
            if (sr < 0 || sr > Integer.MAX_VALUE)
                throw n.error("attribute sampling_ratio = " + sr + ": must be >= 0 (0 = adaptive)");
            scale(n);
        }

        private static RoiAlignMode mode(Node n) {
            String m = n.stringAttr("mode", "avg");
            switch (m) {
                case "avg":
                    return RoiAlignMode.AVG;
                case "max":
                    return RoiAlignMode.MAX;
                default:
                    throw n.error("attribute mode = '" + m + "': must be 'avg' or 'max'");
            }
        }

        private static RoiCoordinates coordinates(Node n) {
            String c =
                    n.stringAttr("coordinate_transformation_mode", n.opset >= 16 ? "half_pixel" : "output_half_pixel");
            switch (c) {
                case "half_pixel":
                    return RoiCoordinates.HALF_PIXEL;
                case "output_half_pixel":
                    return RoiCoordinates.OUTPUT_HALF_PIXEL;
                default:
                    throw n.error("attribute coordinate_transformation_mode = '" + c
                            + "': must be 'half_pixel' or 'output_half_pixel'");
            }
        }

        @Override
        TensorValue[] run(Node n, TensorValue[] in, int outputs) {
            TensorValue x = in[0];
            requireType(n, x, "X", PoolOps.FLOATS);
            if (in[1].type() != x.type())
                throw n.error("input rois has type " + in[1].type() + ": must match X (" + x.type() + ")");
            requireType(n, in[2], "batch_indices", DataType.INT64);
            if (in[2].rank() != 1)
                throw n.error("input batch_indices has shape " + Arrays.toString(in[2].shape()) + ": must be 1-D");
            Tensor y = RoiPooling.roiAlign(
                    PoolOps.asTensor(x),
                    in[1].toTensor(),
                    in[2].toLongArray(),
                    positive(n, "output_height", n.intAttr("output_height", 1)),
                    positive(n, "output_width", n.intAttr("output_width", 1)),
                    scale(n),
                    (int) n.intAttr("sampling_ratio", 0),
                    mode(n),
                    coordinates(n));
            return new TensorValue[] {PoolOps.fromTensor(y, x.type())};
        }
    }

    /** MaxRoiPool: rois are (num_rois, 5) = [batch, x1, y1, x2, y2]; Caffe's rounding of the region. */
    static final class MaxRoiPool extends OpDef {
        MaxRoiPool() {
            super("MaxRoiPool", 1, 2, 2);
        }

        @Override
        Set<String> attributes(int opset) {
            return attrs("pooled_shape", "spatial_scale");
        }

        @Override
        void check(Node n) {
            long[] ps = n.intsAttr("pooled_shape");
            if (ps == null) throw n.error("attribute pooled_shape is required");
            n.intsExact("pooled_shape", 2, 1, 1);
            scale(n);
        }

        @Override
        TensorValue[] run(Node n, TensorValue[] in, int outputs) {
            TensorValue x = in[0];
            requireType(n, x, "X", PoolOps.FLOATS);
            if (in[1].type() != x.type())
                throw n.error("input rois has type " + in[1].type() + ": must match X (" + x.type() + ")");
            int[] ps = n.intsExact("pooled_shape", 2, 1, 1);
            Tensor y = RoiPooling.maxRoiPool(PoolOps.asTensor(x), in[1].toTensor(), ps[0], ps[1], scale(n));
            return new TensorValue[] {PoolOps.fromTensor(y, x.type())};
        }
    }
}
