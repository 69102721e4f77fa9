package org.pooling4j.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.pooling4j.draw.Axis;
import org.pooling4j.draw.BitmapFont;

/**
 * The bench's bar chart as a PNG, described with the draw module's chart (no fonts needed): one
 * group per case with a bar of GB/s for each implementation and thread count, and a dashed
 * horizontal line per thread count at the measured copy bandwidth.
 */
public final class Chart {
    private static final int MAX_WIDTH = 12_000;
    private static final int[] OURS = {0x1f77b4, 0x0b3d66, 0x6baed6, 0x08306b};
    private static final int[] THEIRS = {0xff7f0e, 0xa63603, 0xfdae6b, 0x7f2704};
    private static final int[] COPY = {0x2ca02c, 0x006d2c, 0x74c476, 0x00441b};

    private Chart() {}

    /** Draws {@code rows} (copy rows give the lines) into {@code file}. */
    public static void write(List<Result> rows, Path file, String title) throws IOException {
        describe(rows, title).toCanvas().writePng(file);
    }

    /** The chart of {@code rows}: its size grows with the number of cases, up to {@value #MAX_WIDTH} pixels. */
    static org.pooling4j.draw.Chart describe(List<Result> rows, String title) {
        Map<Integer, Double> copy = new TreeMap<>();
        Map<String, List<Result>> groups = new LinkedHashMap<>();
        TreeMap<Integer, Boolean> threadSet = new TreeMap<>();
        boolean anyOrt = false;
        for (Result r : rows) {
            if (r.impl.equals(Result.COPY)) {
                copy.put(r.threads, r.gbps);
                continue;
            }
            groups.computeIfAbsent(r.caseName, k -> new ArrayList<>()).add(r);
            threadSet.put(r.threads, true);
            anyOrt |= r.impl.equals(Result.ORT);
        }
        List<Integer> threads = new ArrayList<>(threadSet.keySet());
        for (Integer t : copy.keySet()) if (!threads.contains(t)) threads.add(t);
        List<String> series = new ArrayList<>();
        for (int t : threads) series.add(Result.POOLING4J + "/" + t);
        if (anyOrt) for (int t : threads) series.add(Result.ORT + "/" + t);

        double top = 0;
        for (List<Result> g : groups.values())
            for (Result r : g) if (Double.isFinite(r.gbps)) top = Math.max(top, r.gbps);
        for (double v : copy.values()) top = Math.max(top, v);

        // Legend entries first: the legend's width is part of the picture's.
        List<String> legendNames = new ArrayList<>();
        List<Integer> legendColours = new ArrayList<>();
        for (String s : series) {
            String[] p = s.split("/");
            legendNames.add(p[0] + ", " + p[1] + (p[1].equals("1") ? " thread" : " threads"));
            legendColours.add(seriesColor(p[0], threads.indexOf(Integer.parseInt(p[1]))));
        }
        int legendW = 0;
        for (String n : legendNames) legendW = Math.max(legendW, BitmapFont.width(n, 2));
        for (Map.Entry<Integer, Double> e : copy.entrySet())
            legendW = Math.max(legendW, BitmapFont.width(copyLabel(e.getKey(), e.getValue()), 2));
        int bars = Math.max(1, series.size());
        int groupW = Math.max(bars * 12 + 18, BitmapFont.height(2) + 8);
        int plotW = Math.max(360, Math.max(1, groups.size()) * groupW);
        int width = (int) Math.min(MAX_WIDTH, Math.max(140 + plotW + legendW + 80, BitmapFont.width(title, 2) + 160));

        List<String> names = new ArrayList<>(groups.keySet());
        int longest = 0;
        for (String n : names) longest = Math.max(longest, n.length());
        // A plot about 420 pixels high above the case names, which may stand upright.
        int height = 560 + BitmapFont.width("x".repeat(Math.min(longest, 24)), 2);
        org.pooling4j.draw.Chart c = new org.pooling4j.draw.Chart(width, height)
                .title(title)
                .x(Axis.categories(names).title("case (GB/s: bytes read + written / median time)"))
                .y(Axis.upTo(top <= 0 ? 1 : top * 1.08).title("GB/s"));
        // Each group's band is [g, g + 1): bars side by side in its middle, a fifth of it left free.
        double barW = 0.8 / bars;
        int gi = 0;
        for (Map.Entry<String, List<Result>> e : groups.entrySet()) {
            for (Result r : e.getValue()) {
                int si = series.indexOf(r.impl + "/" + r.threads);
                if (si < 0 || !Double.isFinite(r.gbps)) continue;
                double x0 = gi + 0.1 + si * barW;
                c.stack(
                        x0,
                        x0 + barW * 0.92,
                        new double[] {r.gbps},
                        new int[] {seriesColor(r.impl, threads.indexOf(r.threads))},
                        e.getKey() + ", " + r.impl + ", " + r.threads + " thr: " + fmt(r.gbps) + " GB/s");
            }
            gi++;
        }
        for (Map.Entry<Integer, Double> e : copy.entrySet()) {
            c.hline(e.getValue(), copyColour(threads, e.getKey()), "", "copy");
        }
        for (int i = 0; i < legendNames.size(); i++) c.legend(legendNames.get(i), legendColours.get(i), false);
        for (Map.Entry<Integer, Double> e : copy.entrySet())
            c.legend(copyLabel(e.getKey(), e.getValue()), copyColour(threads, e.getKey()), true);
        return c;
    }

    private static String copyLabel(int threads, double gbps) {
        return String.format(Locale.ROOT, "copy, %d thr: %s GB/s", threads, fmt(gbps));
    }

    private static int copyColour(List<Integer> threads, int t) {
        return COPY[Math.max(0, threads.indexOf(t)) % COPY.length];
    }

    private static int seriesColor(String impl, int threadIndex) {
        int[] palette = impl.equals(Result.ORT) ? THEIRS : OURS;
        return palette[Math.max(0, threadIndex) % palette.length];
    }

    private static String fmt(double v) {
        if (v == 0) return "0";
        if (v >= 100) return String.format(Locale.ROOT, "%.0f", v);
        if (v >= 10) return String.format(Locale.ROOT, "%.1f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
