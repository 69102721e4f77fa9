package org.pooling4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** One measured row: a case run by one implementation on one thread count. */
public final class Result {
    /** Implementation names as they appear in the table and the JSON. */
    public static final String POOLING4J = "pooling4j";
    public static final String ORT = "onnxruntime";
    public static final String COPY = "copy";
    /** pooling4j with the auto-tuner on. */
    public static final String TUNED = "pooling4j-tuned";

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

    public Result(String caseName, String impl, int threads, Timing.Result t, long bytes, String kernel, Double copyGbps) {
        this.caseName = caseName;
        this.impl = impl;
        this.threads = threads;
        this.medianMs = t.medianNanos / 1e6;
        this.minMs = t.minNanos / 1e6;
        this.bytes = bytes;
        this.kernel = kernel;
        this.gbps = bytes / t.medianNanos;
        this.pctCopy = copyGbps == null || !(copyGbps > 0) ? null : 100 * gbps / copyGbps;
    }

    /** Writes {@code rows} as a JSON array, one object per row, keys in a fixed order. */
    public static void writeJson(List<Result> rows, Path file) throws IOException {
        StringBuilder s = new StringBuilder("[\n");
        for (int i = 0; i < rows.size(); i++) {
            Result r = rows.get(i);
            s.append("  {\"case\": ").append(quote(r.caseName))
                    .append(", \"impl\": ").append(quote(r.impl))
                    .append(", \"threads\": ").append(r.threads)
                    .append(", \"median_ms\": ").append(num(r.medianMs, 6))
                    .append(", \"gbps\": ").append(num(r.gbps, 4))
                    .append(", \"pct_copy_bw\": ").append(r.pctCopy == null ? "null" : num(r.pctCopy, 2))
                    .append(", \"ratio_vs_ort\": ").append(r.ratioVsOrt == null ? "null" : num(r.ratioVsOrt, 4))
                    .append(", \"min_ms\": ").append(num(r.minMs, 6))
                    .append(", \"kernel\": ").append(r.kernel == null ? "null" : quote(r.kernel))
                    .append(", \"bytes\": ").append(r.bytes)
                    .append(i + 1 < rows.size() ? "},\n" : "}\n");
        }
        s.append("]\n");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.write(file, s.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String num(double v, int decimals) {
        if (!Double.isFinite(v)) return "null";
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** A JSON string literal. */
    static String quote(String v) {
        StringBuilder s = new StringBuilder("\"");
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"': s.append("\\\""); break;
                case '\\': s.append("\\\\"); break;
                case '\n': s.append("\\n"); break;
                case '\r': s.append("\\r"); break;
                case '\t': s.append("\\t"); break;
                default:
                    if (c < 0x20) s.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else s.append(c);
            }
        }
        return s.append('"').toString();
    }
}
