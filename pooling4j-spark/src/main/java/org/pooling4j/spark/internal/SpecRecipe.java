package org.pooling4j.spark.internal;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import org.pooling4j.LpMode;
import org.pooling4j.PoolSpec;

/**
 * The transformer's operator parameters, shipped to the executors (a {@link PoolSpec} is built there, once per
 * number of spatial axes): a kernel, stride, padding, dilation or output size given with one entry applies to
 * every axis, as in PyTorch.
 */
public final class SpecRecipe implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Operator names, as the {@code op} param and the job's {@code --op} take them. */
    public static final String[] OPS = {
        "max", "avg", "lp", "global_max", "global_avg", "global_lp", "adaptive_max", "adaptive_avg"
    };

    private final String op;
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;
    private final boolean ceilMode;
    private final boolean countIncludePad;
    private final int[] outputSize;
    private final double p;
    private final boolean pytorchLp;

    public SpecRecipe(
            String op,
            int[] kernel,
            int[] stride,
            int[] padding,
            int[] dilation,
            boolean ceilMode,
            boolean countIncludePad,
            int[] outputSize,
            double p,
            boolean pytorchLp) {
        if (op == null || !Arrays.asList(OPS).contains(op)) {
            throw new IllegalArgumentException("op = " + op + ": must be one of " + String.join(", ", OPS));
        }
        this.op = op;
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        this.ceilMode = ceilMode;
        this.countIncludePad = countIncludePad;
        this.outputSize = outputSize.clone();
        this.p = p;
        this.pytorchLp = pytorchLp;
    }

    public String op() {
        return op;
    }

    private boolean windowed() {
        return op.equals("max") || op.equals("avg") || op.equals("lp");
    }

    /**
     * The spec for inputs with {@code rank} spatial axes.
     *
     * @throws IllegalArgumentException naming the parameter when a list has neither 1 nor {@code rank} entries
     *     or the spec's own checks fail
     */
    public PoolSpec build(int rank) {
        PoolSpec.Builder b;
        switch (op) {
            case "global_max":
                b = PoolSpec.globalMax(rank);
                break;
            case "global_avg":
                b = PoolSpec.globalAvg(rank);
                break;
            case "global_lp":
                b = PoolSpec.globalLp(p, rank);
                break;
            case "adaptive_max":
            case "adaptive_avg": {
                int[] s = fit("outputSize", outputSize, rank);
                Integer[] sizes = new Integer[rank];
                for (int a = 0; a < rank; a++) sizes[a] = s[a] < 0 ? null : s[a];
                b = op.equals("adaptive_max") ? PoolSpec.adaptiveMax(sizes) : PoolSpec.adaptiveAvg(sizes);
                break;
            }
            default: {
                int[] k = fit("kernel", kernel, rank);
                b = op.equals("max") ? PoolSpec.max(k) : op.equals("avg") ? PoolSpec.avg(k) : PoolSpec.lp(p, k);
                if (stride.length > 0) b.stride(fit("stride", stride, rank));
                b.padding(fit("padding", padding, rank));
                b.dilation(fit("dilation", dilation, rank));
                b.ceilMode(ceilMode);
                if (op.equals("avg")) b.countIncludePad(countIncludePad);
                if (op.equals("lp") && pytorchLp) b.lpMode(LpMode.PYTORCH);
            }
        }
        return b.build();
    }

    private static int[] fit(String name, int[] v, int rank) {
        if (v.length == rank) return v.clone();
        if (v.length == 1) {
            int[] out = new int[rank];
            Arrays.fill(out, v[0]);
            return out;
        }
        throw new IllegalArgumentException(name + " = " + Arrays.toString(v) + ": has " + v.length
                + " entries but the input has " + rank + (rank == 1 ? " spatial axis" : " spatial axes")
                + " (give 1 entry for every axis, or 1 per axis)");
    }

    @Override
    public String toString() {
        return op.toUpperCase(Locale.ROOT) + " kernel " + Arrays.toString(kernel);
    }
}
