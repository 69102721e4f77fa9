package org.pooling4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pooling4j.Tensor;

/** Conv2d's forward against a direct convolution written here (no im2col, no matrix product). */
class Conv2dTest {
    @Test
    void forwardMatchesDirectConvolution() {
        int[][] cases = {
            // n, in, out, h, w, k, stride, padding, bias
            {1, 1, 1, 5, 5, 3, 1, 0, 0}, {2, 3, 4, 9, 7, 3, 2, 1, 1}, {3, 2, 5, 8, 8, 5, 1, 2, 1},
            {2, 4, 3, 11, 6, 4, 3, 3, 0}, {1, 1, 16, 28, 28, 5, 1, 0, 1}, {2, 16, 32, 12, 12, 5, 1, 0, 1},
            {2, 3, 2, 6, 9, 1, 1, 0, 1}, {1, 2, 3, 4, 4, 4, 1, 3, 1},
        };
        for (int ci = 0; ci < cases.length; ci++) {
            int[] c = cases[ci];
            long seed = 77 + ci;
            Random r = new Random(seed);
            Conv2d conv = new Conv2d(c[1], c[2], c[5], c[6], c[7], c[8] == 1, seed);
            if (c[8] == 1) {
                for (int i = 0; i < c[2]; i++) conv.bias().value()[i] = (float) r.nextGaussian();
            }
            Tensor x = GradCheck.random(r, -1, 1, c[0], c[1], c[3], c[4]);
            Tensor y = conv.forward(x);
            double[] ref =
                    direct(x, conv.weight().value(), c[8] == 1 ? conv.bias().value() : null, c[2], c[5], c[6], c[7]);
            int oh = (c[3] + 2 * c[7] - c[5]) / c[6] + 1;
            int ow = (c[4] + 2 * c[7] - c[5]) / c[6] + 1;
            assertArrayEquals(new int[] {c[0], c[2], oh, ow}, y.shape(), "case " + ci);
            assertEquals(ref.length, y.size());
            for (int i = 0; i < ref.length; i++)
                assertEquals(
                        ref[i],
                        y.data()[i],
                        1e-4 * (1 + Math.abs(ref[i])),
                        "case " + ci + " at " + i + " (seed " + seed + ")");
        }
    }

    static double[] direct(Tensor x, float[] w, float[] b, int out, int k, int s, int pad) {
        int n = x.dim(0), in = x.dim(1), h = x.dim(2), wd = x.dim(3);
        int oh = (h + 2 * pad - k) / s + 1, ow = (wd + 2 * pad - k) / s + 1;
        double[] y = new double[n * out * oh * ow];
        for (int img = 0; img < n; img++)
            for (int o = 0; o < out; o++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        double acc = b == null ? 0 : b[o];
                        for (int c = 0; c < in; c++)
                            for (int u = 0; u < k; u++)
                                for (int v = 0; v < k; v++) {
                                    int yy = i * s - pad + u, xx = j * s - pad + v;
                                    if (yy < 0 || yy >= h || xx < 0 || xx >= wd) continue;
                                    acc += (double) x.get(img, c, yy, xx) * w[((o * in + c) * k + u) * k + v];
                                }
                        y[((img * out + o) * oh + i) * ow + j] = acc;
                    }
        return y;
    }
}
