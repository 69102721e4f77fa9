package org.pooling4j.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pooling4j.internal.json.Json;

/** One measured row: a case run by one implementation on one thread count. */
public final class Result {
    /** Implementation names as they appear in the table and the JSON. */
    public static final String POOLING4J = "pooling4j";

    public static final String ORT = "onnxruntime";
    public static final String COPY = "copy";
    /** pooling4j with the auto-tuner on. */
    public static final String TUNED = "pooling4j-tuned";
    /** PyTorch (the {@code --peer torch} script), one row per layout. */
    public static final String TORCH = "torch";

    public final String caseName;
    public final String impl;
    public final int threads;
    public final double medianMs;
    public final double minMs;
    public final long bytes;
    public final String kernel;
    /** GB/s (1e9 bytes per second) at the median time. */
    public final double gbps;
    /** Percent of the copy bandwidth at the same thread count; null when there is none. */
    public final Double pctCopy;
    /** ONNX Runtime's median over this row's median (> 1: pooling4j faster); null where not applicable. */
    public Double ratioVsOrt;
    /**
     * The best (lowest) PyTorch median over all its layouts, over this row's median (> 1: pooling4j
     * faster); null where not applicable.
     */
    public Double ratioVsTorch;
    /** The layout of the fastest PyTorch row (pooling4j rows that have {@link #ratioVsTorch}); else null. */
    public String torchBestLayout;
    /**
     * Training cases: this median over the median of {@code lenet_max} (or {@code lenet_max_bwd}) of
     * the same implementation and thread count (> 1: slower than max pooling); null elsewhere.
     */
    public Double xMax;
    /** PyTorch rows: the layout timed (nchw, channels_last, mkldnn, nchw_out); null for other rows. */
    public String layout;
    /** Rows of another library: its name and version (e.g. "torch 1.13.0"); null for pooling4j and copy rows. */
    public String peerVersion;

    public Result(
            String caseName, String impl, int threads, Timing.Result t, long bytes, String kernel, Double copyGbps) {
        this(caseName, impl, threads, t.medianNanos / 1e6, t.minNanos / 1e6, bytes, kernel, copyGbps);
    }

    /** A row from times in milliseconds (a peer process's report). */
    public Result(
            String caseName,
            String impl,
            int threads,
            double medianMs,
            double minMs,
            long bytes,
            String kernel,
            Double copyGbps) {
        this.caseName = caseName;
        this.impl = impl;
        this.threads = threads;
        this.medianMs = medianMs;
        this.minMs = minMs;
        this.bytes = bytes;
        this.kernel = kernel;
        this.gbps = bytes / (medianMs * 1e6);
        this.pctCopy = copyGbps == null || !(copyGbps > 0) ? null : 100 * gbps / copyGbps;
    }

    /**
     * Writes {@code rows} as a JSON array, one object per row and line, keys in a fixed order (the
     * keys added after {@code bytes} came later; readers of older files find them missing).
     */
    public static void writeJson(List<Result> rows, Path file) throws IOException {
        List<Object> list = new ArrayList<>();
        for (Result r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("case", r.caseName);
            m.put("impl", r.impl);
            m.put("threads", r.threads);
            m.put("median_ms", num(r.medianMs, 6));
            m.put("gbps", num(r.gbps, 4));
            m.put("pct_copy_bw", r.pctCopy == null ? null : num(r.pctCopy, 2));
            m.put("ratio_vs_ort", r.ratioVsOrt == null ? null : num(r.ratioVsOrt, 4));
            m.put("min_ms", num(r.minMs, 6));
            m.put("kernel", r.kernel);
            m.put("bytes", r.bytes);
            m.put("ratio_vs_torch", r.ratioVsTorch == null ? null : num(r.ratioVsTorch, 4));
            m.put("torch_best_layout", r.torchBestLayout);
            m.put("x_max", r.xMax == null ? null : num(r.xMax, 4));
            m.put("layout", r.layout);
            m.put("peer_version", r.peerVersion);
            list.add(m);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.write(file, (Json.pretty(list) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** {@code v} with a fixed number of decimals (a BigDecimal keeps them in the JSON); null when not finite. */
    private static BigDecimal num(double v, int decimals) {
        if (!Double.isFinite(v)) return null;
        // Formatter's rounding (of the shortest decimal form) as the files written so far have it.
        return new BigDecimal(String.format(Locale.ROOT, "%." + decimals + "f", v));
    }
}
