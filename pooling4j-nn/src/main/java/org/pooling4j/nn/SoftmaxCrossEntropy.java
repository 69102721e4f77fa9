package org.pooling4j.nn;

import java.util.Arrays;
import java.util.Objects;
import org.pooling4j.Tensor;

/**
 * Softmax followed by the negative log-likelihood of the true class, averaged over the batch:
 * {@code L = (1/N) sum_i (logsumexp(z_i) - z_i[y_i])}. The log-sum-exp subtracts each row's maximum,
 * so large logits do not overflow. Its gradient is {@code (softmax(z_i) - onehot(y_i)) / N}.
 */
public final class SoftmaxCrossEntropy {
    private float[] probs;
    private int[] labels;
    private int[] shape;
    private int[] predictions;

    /**
     * The mean loss of {@code logits} (N, K) against {@code labels} (N values in [0, K)).
     *
     * @throws IllegalArgumentException for a shape that is not (N, K) with N, K >= 1, a label count
     *     other than N, or a label outside [0, K)
     */
    public float forward(Tensor logits, int[] labels) {
        Objects.requireNonNull(logits, "logits must not be null");
        Objects.requireNonNull(labels, "labels must not be null");
        int[] s = logits.shape();
        if (s.length != 2 || s[0] < 1 || s[1] < 1) {
            throw new IllegalArgumentException(
                    "logits shape = " + Arrays.toString(s) + ": must be (N, K) with N >= 1 and K >= 1");
        }
        int n = s[0], k = s[1];
        if (labels.length != n) {
            throw new IllegalArgumentException("labels.length = " + labels.length + ": must equal the batch size " + n);
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException("labels[" + i + "] = " + labels[i] + ": must be in [0, " + k + ")");
            }
        }
        float[] z = logits.data();
        float[] p = new float[n * k];
        int[] pred = new int[n];
        double loss = 0;
        for (int i = 0; i < n; i++) {
            int row = i * k;
            float max = z[row];
            int arg = 0;
            for (int j = 1; j < k; j++) {
                if (z[row + j] > max) {
                    max = z[row + j];
                    arg = j;
                }
            }
            pred[i] = arg;
            double sum = 0;
            for (int j = 0; j < k; j++) sum += Math.exp((double) z[row + j] - max);
            double lse = max + Math.log(sum);
            loss += lse - z[row + labels[i]];
            for (int j = 0; j < k; j++) p[row + j] = (float) Math.exp(z[row + j] - lse);
        }
        this.probs = p;
        this.labels = labels.clone();
        this.shape = s;
        this.predictions = pred;
        return (float) (loss / n);
    }

    /** dL/dlogits of the last forward's mean loss. */
    public Tensor backward() {
        if (probs == null) throw new IllegalStateException("softmax cross-entropy: backward called without a forward");
        int n = shape[0], k = shape[1];
        float[] g = new float[n * k];
        float inv = 1f / n;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) g[i * k + j] = probs[i * k + j] * inv;
            g[i * k + labels[i]] -= inv;
        }
        return Tensor.of(g, shape);
    }

    /** The arg-max class of each row of the last logits (the first one on ties). */
    public int[] predictions() {
        if (predictions == null) throw new IllegalStateException("softmax cross-entropy: no forward yet");
        return predictions.clone();
    }
}
