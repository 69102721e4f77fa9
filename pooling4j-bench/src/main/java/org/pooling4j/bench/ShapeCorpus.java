package org.pooling4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pooling4j.Geometry;
import org.pooling4j.Layout;
import org.pooling4j.PoolSpec;
import org.pooling4j.bench.BenchCase.Kind;

/**
 * Reader of the pooling shape corpus (oneDNN benchdnn problem descriptors plus reference networks;
 * the repository keeps a copy with its README in this module's test resources, {@code perf/pool_shapes.csv}) and its translation into benchmark cases.
 *
 * <p>The corpus keeps benchdnn's conventions: every row carries all three axes d, h, w (unused ones
 * are 1 with padding 0), {@code dims} says which are real (1D: w; 2D: h, w; 3D: d, h, w);
 * <b>dilation is 0-based</b> ({@code 0} = none, effective kernel {@code (k-1)*(d+1)+1}); the left
 * padding is given and the right padding ({@code pd_r, ph_r, pw_r}) is derived, and may be negative
 * when the window grid ends before the input does. {@code alg} is {@code max}, {@code avg_np}
 * (exclude padding), {@code avg_p} (include padding), {@code avg(global)}, {@code avg(adaptive)} (an
 * equivalent fixed window) or empty (the benchdnn batch files run such shapes with every algorithm).
 */
public final class ShapeCorpus {
    /** Columns a corpus file must have. */
    static final String[] REQUIRED = {
        "dims", "mb", "ic", "id", "ih", "iw", "od", "oh", "ow", "kd", "kh", "kw", "sd", "sh", "sw", "pd", "ph", "pw",
        "dd", "dh", "dw", "pd_r", "ph_r", "pw_r"
    };

    private ShapeCorpus() {}

    /**
     * One data row. Sizes are longs: the corpus has rows beyond 2^32 ({@code large_index}). Axis
     * arrays are in the order d, h, w whatever {@code dims} is.
     */
    public static final class Row {
        /** 1-based number of the data row (the header is not counted). */
        public final int number;

        public final String name;
        public final String category;
        public final int dims;
        public final long mb;
        public final long ic;
        public final long[] in = new long[3];
        public final long[] out = new long[3];
        public final long[] kernel = new long[3];
        public final long[] stride = new long[3];
        /** Left (front, top) padding. */
        public final long[] padBegin = new long[3];
        /** Derived right (back, bottom) padding; may be negative. */
        public final long[] padEnd = new long[3];
        /** benchdnn's 0-based dilation. */
        public final long[] dilation0 = new long[3];

        public final String alg;
        public final String dir;
        public final String dt;

        Row(int number, Map<String, String> v) {
            this.number = number;
            this.name = v.getOrDefault("name", "");
            this.category = v.getOrDefault("category", "");
            this.dims = (int) num(v, "dims");
            this.mb = num(v, "mb");
            this.ic = num(v, "ic");
            String[] ax = {"d", "h", "w"};
            for (int a = 0; a < 3; a++) {
                in[a] = num(v, "i" + ax[a]);
                out[a] = num(v, "o" + ax[a]);
                kernel[a] = num(v, "k" + ax[a]);
                stride[a] = num(v, "s" + ax[a]);
                padBegin[a] = num(v, "p" + ax[a]);
                padEnd[a] = num(v, "p" + ax[a] + "_r");
                dilation0[a] = num(v, "d" + ax[a]);
            }
            this.alg = v.getOrDefault("alg", "");
            this.dir = v.getOrDefault("dir", "");
            this.dt = v.getOrDefault("dt", "");
        }

        private long num(Map<String, String> v, String key) {
            String s = v.get(key);
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException | NullPointerException e) {
                throw new IllegalArgumentException(
                        "row " + number + ": column " + key + " is not an integer: '" + s + "'");
            }
        }

        /** The case name: the row's name, or {@code row<N>} when it has none. */
        public String caseName() {
            return name.isEmpty() ? "row" + number : name;
        }

        /** First axis (0 = d, 1 = h, 2 = w) that exists for this row's dimensionality. */
        int firstAxis() {
            return 3 - dims;
        }

        /** Effective (dilated) kernel on axis {@code a}. */
        public long effectiveKernel(int a) {
            return (kernel[a] - 1) * (dilation0[a] + 1) + 1;
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder("row ")
                    .append(number)
                    .append(' ')
                    .append(caseName())
                    .append(": ")
                    .append(dims)
                    .append("D mb")
                    .append(mb)
                    .append(" ic")
                    .append(ic);
            for (int a = firstAxis(); a < 3; a++) {
                s.append(" [i")
                        .append(in[a])
                        .append(" o")
                        .append(out[a])
                        .append(" k")
                        .append(kernel[a])
                        .append(" s")
                        .append(stride[a])
                        .append(" p")
                        .append(padBegin[a])
                        .append('/')
                        .append(padEnd[a])
                        .append(" d")
                        .append(dilation0[a])
                        .append(']');
            }
            return s.append(" alg=").append(alg.isEmpty() ? "(none)" : alg).toString();
        }
    }

    /** A row turned into a case, or the reason it cannot run. */
    public static final class Planned {
        public final Row row;
        /** The case, or null when skipped. */
        public final BenchCase benchCase;
        /** Why the row is skipped (null when it runs). */
        public final String skipReason;
        /** What was changed to run the row (null when nothing): e.g. a cropped input tail. */
        public final String note;

        Planned(Row row, BenchCase benchCase, String skipReason, String note) {
            this.row = row;
            this.benchCase = benchCase;
            this.skipReason = skipReason;
            this.note = note;
        }
    }

    /** Rows chosen to run: their cases (in row order), notes on changed rows, and skipped rows with reasons. */
    public static final class Selection {
        public final List<BenchCase> cases = new java.util.ArrayList<>();
        public final java.util.Map<BenchCase, String> notes = new java.util.LinkedHashMap<>();
        public final List<String> skipped = new java.util.ArrayList<>();
    }

    /**
     * Plans rows {@code from..to} (1-based, inclusive) of {@code corpus}. With {@code sample > 0},
     * draws that many runnable rows at random (from {@code seed}) out of the range and runs them in
     * row order; otherwise takes the runnable rows in order, at most {@code limit} (null: all).
     */
    public static Selection select(
            List<Row> corpus,
            int from,
            int to,
            Integer limit,
            Integer sample,
            long seed,
            String defaultAlg,
            long maxBytes) {
        Selection sel = new Selection();
        List<Integer> order = new java.util.ArrayList<>();
        for (int i = from; i <= Math.min(to, corpus.size()); i++) order.add(i);
        int want = limit == null ? Integer.MAX_VALUE : limit;
        if (sample != null) {
            java.util.Collections.shuffle(order, new java.util.Random(seed));
            want = sample;
        }
        java.util.TreeMap<Integer, Planned> taken = new java.util.TreeMap<>();
        for (int i : order) {
            if (taken.size() >= want) break;
            Planned p = plan(corpus.get(i - 1), defaultAlg, maxBytes);
            if (p.benchCase == null) {
                sel.skipped.add("skip row " + i + " (" + p.row.caseName() + "): " + p.skipReason);
            } else {
                taken.put(i, p);
            }
        }
        for (Planned p : taken.values()) {
            sel.cases.add(p.benchCase);
            if (p.note != null) sel.notes.put(p.benchCase, p.note);
        }
        return sel;
    }

    /**
     * Reads every data row of a corpus file.
     *
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when a required column is missing or a value is malformed
     */
    public static List<Row> read(Path file) throws IOException {
        List<List<String>> records = parseCsv(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        if (records.isEmpty()) throw new IllegalArgumentException(file + ": empty file (expected a header line)");
        List<String> header = records.get(0);
        for (String col : REQUIRED) {
            if (!header.contains(col)) throw new IllegalArgumentException(file + ": missing column '" + col + "'");
        }
        List<Row> rows = new ArrayList<>();
        for (int r = 1; r < records.size(); r++) {
            List<String> rec = records.get(r);
            if (rec.size() == 1 && rec.get(0).isEmpty()) continue; // a blank line
            if (rec.size() != header.size()) {
                throw new IllegalArgumentException(
                        file + ": data row " + r + " has " + rec.size() + " fields, the header " + header.size());
            }
            Map<String, String> v = new HashMap<>();
            for (int i = 0; i < header.size(); i++) v.put(header.get(i), rec.get(i));
            rows.add(new Row(rows.size() + 1, v));
        }
        return Collections.unmodifiableList(rows);
    }

    /** RFC 4180 records: comma-separated, fields optionally in double quotes with "" for a quote. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> out = new ArrayList<>();
        List<String> rec = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < n && text.charAt(i + 1) == '"') {
                        f.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    f.append(ch);
                }
                continue;
            }
            if (ch == '"') {
                quoted = true;
                any = true;
            } else if (ch == ',') {
                rec.add(f.toString());
                f.setLength(0);
                any = true;
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') i++;
                rec.add(f.toString());
                f.setLength(0);
                out.add(rec);
                rec = new ArrayList<>();
                any = false;
            } else {
                f.append(ch);
                any = true;
            }
        }
        if (quoted) throw new IllegalArgumentException("CSV ends inside a quoted field");
        if (any || f.length() > 0) {
            rec.add(f.toString());
            out.add(rec);
        }
        return out;
    }

    /**
     * Turns a row into a float32, channels-first, forward case, or says why it cannot run.
     *
     * <ul>
     *   <li>The algorithm is the row's; an empty {@code alg} takes {@code defaultAlg}.</li>
     *   <li>A negative right padding means the last {@code -pad_r} input elements of that axis are
     *       never read. When floor mode with zero right padding gives the row's output size anyway
     *       the input is kept; otherwise the input is cropped by {@code -pad_r} (noted), which gives
     *       exactly the row's output and reads the same elements.</li>
     *   <li>Rows whose input plus output exceed {@code maxBytes}, whose windows lie entirely in
     *       padding (benchdnn's "kernel in padding" corner cases), or that pooling4j rejects are
     *       skipped with the reason.</li>
     * </ul>
     */
    public static Planned plan(Row row, String defaultAlg, long maxBytes) {
        String alg = row.alg.isEmpty() ? defaultAlg : row.alg;
        String algKey = alg.toLowerCase(Locale.ROOT);
        if (row.dims < 1 || row.dims > 3) return skip(row, "dims must be 1, 2 or 3, got " + row.dims);
        int r = row.dims;
        int first = row.firstAxis();
        int[] in = new int[r];
        int[] kernel = new int[r];
        int[] stride = new int[r];
        int[] dil = new int[r];
        int[] padB = new int[r];
        int[] padE = new int[r];
        StringBuilder note = new StringBuilder();
        long inPlane = 1;
        long outPlane = 1;
        boolean global = true;
        for (int a = first; a < 3; a++) {
            int j = a - first;
            String axis = "dhw".substring(a, a + 1);
            if (row.padBegin[a] < 0) return skip(row, "negative left padding p" + axis + "=" + row.padBegin[a]);
            if (row.out[a] < 1) return skip(row, "empty output o" + axis + "=" + row.out[a]);
            long k = row.effectiveKernel(a);
            long i = row.in[a];
            if (row.padEnd[a] < 0) {
                long floorOut = (i + row.padBegin[a] - k) >= 0 ? (i + row.padBegin[a] - k) / row.stride[a] + 1 : 0;
                if (floorOut != row.out[a]) {
                    i += row.padEnd[a];
                    note.append(note.length() == 0 ? "" : "; ")
                            .append("i")
                            .append(axis)
                            .append(' ')
                            .append(row.in[a])
                            .append(" cropped to ")
                            .append(i)
                            .append(" (p")
                            .append(axis)
                            .append("_r=")
                            .append(row.padEnd[a])
                            .append(": the tail is never read)");
                }
            }
            if (i < 1
                    || i > Integer.MAX_VALUE
                    || row.kernel[a] > Integer.MAX_VALUE
                    || row.stride[a] > Integer.MAX_VALUE
                    || row.dilation0[a] >= Integer.MAX_VALUE
                    || row.padBegin[a] > Integer.MAX_VALUE
                    || row.padEnd[a] > Integer.MAX_VALUE) {
                return skip(row, "axis " + axis + " sizes do not fit a Java array index");
            }
            in[j] = (int) i;
            kernel[j] = (int) row.kernel[a];
            stride[j] = (int) row.stride[a];
            dil[j] = (int) row.dilation0[a] + 1;
            padB[j] = (int) row.padBegin[a];
            padE[j] = (int) Math.max(0, row.padEnd[a]);
            inPlane = satMul(inPlane, i);
            outPlane = satMul(outPlane, row.out[a]);
            global &= row.kernel[a] == row.in[a]
                    && row.out[a] == 1
                    && row.padBegin[a] == 0
                    && row.padEnd[a] == 0
                    && row.dilation0[a] == 0;
        }
        long planes = satMul(row.mb, row.ic);
        long inElems = satMul(planes, inPlane);
        long outElems = satMul(planes, outPlane);
        long bytes = satMul(4, inElems + outElems < 0 ? Long.MAX_VALUE : inElems + outElems);
        if (bytes > maxBytes) {
            return skip(
                    row,
                    String.format(
                            Locale.ROOT,
                            "input + output need %s > the size cap %s (--max-mb)",
                            mib(bytes),
                            mib(maxBytes)));
        }
        if (inElems > Integer.MAX_VALUE - 16
                || outElems > Integer.MAX_VALUE - 16
                || row.mb > Integer.MAX_VALUE
                || row.ic > Integer.MAX_VALUE) {
            return skip(row, "a tensor has more elements than a Java array can hold");
        }
        PoolSpec spec;
        String desc;
        try {
            switch (algKey) {
                case "max":
                    spec = PoolSpec.max(kernel)
                            .stride(stride)
                            .dilation(dil)
                            .padding(padB, padE)
                            .build();
                    break;
                case "avg_np":
                    spec = PoolSpec.avg(kernel)
                            .stride(stride)
                            .dilation(dil)
                            .padding(padB, padE)
                            .countIncludePad(false)
                            .build();
                    break;
                case "avg_p":
                case "avg(adaptive)":
                    spec = PoolSpec.avg(kernel)
                            .stride(stride)
                            .dilation(dil)
                            .padding(padB, padE)
                            .countIncludePad(true)
                            .build();
                    break;
                case "avg(global)":
                    spec = global
                            ? PoolSpec.globalAvg(r).build()
                            : PoolSpec.avg(kernel)
                                    .stride(stride)
                                    .dilation(dil)
                                    .padding(padB, padE)
                                    .countIncludePad(true)
                                    .build();
                    break;
                default:
                    return skip(
                            row, "unknown alg '" + alg + "' (known: max, avg_np, avg_p, avg(global), avg(adaptive))");
            }
        } catch (IllegalArgumentException e) {
            return skip(row, "pooling4j rejects the spec: " + e.getMessage());
        }
        int[] shape = new int[r + 2];
        shape[0] = (int) row.mb;
        shape[1] = (int) row.ic;
        System.arraycopy(in, 0, shape, 2, r);
        Geometry g;
        try {
            g = Geometry.of(spec, shape, Layout.CHANNELS_FIRST);
        } catch (IllegalArgumentException e) {
            return skip(row, "pooling4j rejects the shape: " + e.getMessage());
        }
        for (int a = first; a < 3; a++) {
            if (g.outSize(a - first) != row.out[a]) {
                return skip(
                        row,
                        "output size " + g.outSize(a - first) + " on axis " + "dhw".charAt(a)
                                + " differs from the row's " + row.out[a]);
            }
        }
        desc = row + (row.alg.isEmpty() ? " (alg " + defaultAlg + ")" : "");
        BenchCase c = new BenchCase(row.caseName(), Kind.FORWARD, spec, Layout.CHANNELS_FIRST, shape, desc);
        return new Planned(row, c, null, note.length() == 0 ? null : note.toString());
    }

    private static Planned skip(Row row, String why) {
        return new Planned(row, null, why, null);
    }

    private static long satMul(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) return lo;
        return Long.MAX_VALUE;
    }

    static String mib(long bytes) {
        if (bytes == Long.MAX_VALUE) return "more than 8 EiB";
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
