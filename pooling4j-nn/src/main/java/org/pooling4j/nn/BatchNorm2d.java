package org.pooling4j.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pooling4j.Tensor;

/**
 * Batch normalisation over (N, C, H, W): per channel, {@code y = gamma (x - mean) / sqrt(var + eps) + beta}.
 * Training uses the batch's mean and (biased) variance and updates the running buffers
 * {@code running = (1 - momentum) running + momentum batch} (the variance buffer with the unbiased
 * estimate, as PyTorch); evaluation uses the running buffers. Gamma starts at 1, beta at 0, the
 * running mean at 0 and the running variance at 1.
 */
public final class BatchNorm2d extends Layer {
    private final int channels;
    private final double momentum, eps;
    private final Param gamma, beta, runningMean, runningVar;
    private float[] xhat;
    private double[] invStd;
    private int[] lastShape;
    private boolean lastTraining;

    /** @throws IllegalArgumentException unless {@code channels >= 1}, {@code 0 <= momentum <= 1} and {@code eps > 0} */
    public BatchNorm2d(int channels, double momentum, double eps) {
        this.channels = Layers.atLeast(channels, 1, "channels");
        if (!(momentum >= 0 && momentum <= 1))
            throw new IllegalArgumentException("momentum = " + momentum + ": must be in [0, 1]");
        if (!(eps > 0 && eps < Double.POSITIVE_INFINITY))
            throw new IllegalArgumentException("eps = " + eps + ": must be finite and > 0");
        this.momentum = momentum;
        this.eps = eps;
        gamma = new Param("gamma", true, channels);
        java.util.Arrays.fill(gamma.value(), 1f);
        beta = new Param("beta", true, channels);
        runningMean = new Param("running_mean", false, channels);
        runningVar = new Param("running_var", false, channels);
        java.util.Arrays.fill(runningVar.value(), 1f);
    }

    @Override
    public List<Param> params() {
        return List.of(gamma, beta, runningMean, runningVar);
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        Layers.checkNchw("batchnorm2d", inputShape, channels);
        return inputShape.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        Layers.notNull(x, "x");
        int[] s = outputShape(x.shape());
        int n = s[0], plane = s[2] * s[3];
        long m = (long) n * plane;
        boolean train = training();
        if (train && m < 2) {
            throw new IllegalArgumentException("batchnorm2d: input shape = " + java.util.Arrays.toString(s)
                    + ": training needs more than one value per channel");
        }
        float[] a = x.data();
        float[] y = new float[a.length];
        xhat = new float[a.length];
        invStd = new double[channels];
        float[] g = gamma.value(), b = beta.value(), rm = runningMean.value(), rv = runningVar.value();
        for (int c = 0; c < channels; c++) {
            double mean, var;
            if (train) {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    for (int q = (i * channels + c) * plane, e = q + plane; q < e; q++) sum += a[q];
                }
                mean = sum / m;
                double ss = 0;
                for (int i = 0; i < n; i++) {
                    for (int q = (i * channels + c) * plane, e = q + plane; q < e; q++) {
                        double d = a[q] - mean;
                        ss += d * d;
                    }
                }
                var = ss / m;
                rm[c] = (float) ((1 - momentum) * rm[c] + momentum * mean);
                rv[c] = (float) ((1 - momentum) * rv[c] + momentum * ss / (m - 1));
            } else {
                mean = rm[c];
                var = rv[c];
            }
            double is = 1 / Math.sqrt(var + eps);
            invStd[c] = is;
            for (int i = 0; i < n; i++) {
                for (int q = (i * channels + c) * plane, e = q + plane; q < e; q++) {
                    float h = (float) ((a[q] - mean) * is);
                    xhat[q] = h;
                    y[q] = g[c] * h + b[c];
                }
            }
        }
        lastShape = s;
        lastTraining = train;
        return Tensor.of(y, s);
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        if (lastShape == null) throw Layers.noForward("batchnorm2d");
        Layers.checkSame("batchnorm2d", lastShape, gradOut);
        int n = lastShape[0], plane = lastShape[2] * lastShape[3];
        double m = (double) n * plane;
        float[] go = gradOut.data();
        float[] dx = new float[go.length];
        float[] g = gamma.value(), gg = gamma.grad(), bg = beta.grad();
        for (int c = 0; c < channels; c++) {
            double sumG = 0, sumGH = 0;
            for (int i = 0; i < n; i++) {
                for (int q = (i * channels + c) * plane, e = q + plane; q < e; q++) {
                    sumG += go[q];
                    sumGH += go[q] * (double) xhat[q];
                }
            }
            gg[c] += (float) sumGH;
            bg[c] += (float) sumG;
            double k = g[c] * invStd[c];
            for (int i = 0; i < n; i++) {
                for (int q = (i * channels + c) * plane, e = q + plane; q < e; q++) {
                    // Training: the batch statistics depend on x too, which removes the gradient's
                    // mean and its component along xhat.
                    dx[q] = lastTraining ? (float) (k * (go[q] - sumG / m - xhat[q] * sumGH / m)) : (float) (k * go[q]);
                }
            }
        }
        return Tensor.of(dx, lastShape);
    }

    @Override
    public String kind() {
        return "batchnorm2d";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> mp = new LinkedHashMap<>();
        mp.put("channels", channels);
        mp.put("momentum", momentum);
        mp.put("eps", eps);
        return mp;
    }
}
