package org.pooling4j.roi;

/**
 * How {@link RoiPooling#roiAlign} reduces the samples of one output bin, as ONNX RoiAlign's
 * {@code mode} attribute and ONNX Runtime's CPU kernel define it.
 */
public enum RoiAlignMode {
    /**
     * The mean of the bilinearly interpolated samples: the sum over samples of
     * {@code w1*v1 + w2*v2 + w3*v3 + w4*v4}, divided by the sample count of the bin.
     */
    AVG,
    /**
     * ONNX Runtime's max: each sample gives the largest of its four <em>weighted</em> corner values
     * {@code w_i*v_i} (not their sum, so not the interpolated value), and the bin gives the largest
     * over its samples, not divided by the count. This is what the ONNX reference implementation and
     * the ONNX conformance data compute.
     */
    MAX
}
