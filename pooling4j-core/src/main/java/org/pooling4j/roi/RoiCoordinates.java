package org.pooling4j.roi;

/**
 * How {@link RoiPooling#roiAlign} maps ROI corners to input coordinates: ONNX RoiAlign's
 * {@code coordinate_transformation_mode}.
 */
public enum RoiCoordinates {
    /**
     * The corner {@code c} maps to {@code c * spatialScale - 0.5}, so that integer input coordinates
     * are pixel centres; the ROI size is used as is, even when it is zero or negative. ONNX RoiAlign-16
     * and later ({@code "half_pixel"}, their default) and torchvision's {@code aligned=True}.
     */
    HALF_PIXEL,
    /**
     * The corner maps to {@code c * spatialScale} without the half-pixel shift, and the ROI width and
     * height are raised to at least 1. ONNX RoiAlign-10's only behaviour ({@code "output_half_pixel"}
     * from opset 16 on) and torchvision's {@code aligned=False}.
     */
    OUTPUT_HALF_PIXEL
}
