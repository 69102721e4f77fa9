package org.pooling4j.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * The bench's bar chart as a PNG (java.awt, headless): one group per case with a bar of GB/s for
 * each implementation and thread count, and a dashed horizontal line per thread count at the
 * measured copy bandwidth.
 */
public final class Chart {
    private static final int MAX_WIDTH = 12_000;
    private static final Color[] OURS = {new Color(0x1f77b4), new Color(0x0b3d66), new Color(0x6baed6), new Color(0x08306b)};
    private static final Color[] THEIRS = {new Color(0xff7f0e), new Color(0xa63603), new Color(0xfdae6b), new Color(0x7f2704)};
    private static final Color[] COPY = {new Color(0x2ca02c), new Color(0x006d2c), new Color(0x74c476), new Color(0x00441b)};

    private Chart() {}

    /** Draws {@code rows} (copy rows give the lines) into {@code file}. */
    public static void write(List<Result> rows, Path file, String title) throws IOException {
        System.setProperty("java.awt.headless", "true");
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
        for (List<Result> g : groups.values()) for (Result r : g) if (Double.isFinite(r.gbps)) top = Math.max(top, r.gbps);
        for (double v : copy.values()) top = Math.max(top, v);
        double step = niceStep(top <= 0 ? 1 : top * 1.1 / 6);
        double yMax = step * Math.ceil((top <= 0 ? 1 : top * 1.08) / step);

        int nGroups = Math.max(1, groups.size());
        int bars = series.size();
        int barW = 12;
        int groupW = bars * barW + 18;
        int left = 90;
        int legendW = 250;
        int plotW = nGroups * groupW;
        if (left + plotW + legendW > MAX_WIDTH) {
            barW = Math.max(1, (MAX_WIDTH - left - legendW) / nGroups / (bars + 1));
            groupW = bars * barW + Math.max(2, barW);
            plotW = nGroups * groupW;
        }
        // Room for the title and a readable plot even with one or two cases.
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D sg = scratch.createGraphics();
        int titleW = sg.getFontMetrics(new Font(Font.SANS_SERIF, Font.BOLD, 15)).stringWidth(title);
        sg.dispose();
        plotW = Math.max(plotW, Math.max(360, titleW + 20 - legendW));
        int longest = 0;
        for (String name : groups.keySet()) longest = Math.max(longest, name.length());
        int labelSpace = Math.min(320, 30 + longest * 6);
        int topM = 60;
        int plotH = 420;
        int width = left + plotW + legendW;
        int height = topM + plotH + labelSpace + 40;

        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            Font base = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
            g.setFont(base.deriveFont(Font.BOLD, 15f));
            g.setColor(Color.BLACK);
            g.drawString(title, left, 28);
            g.setFont(base);
            FontMetrics fm = g.getFontMetrics();
            int x0 = left;
            int y0 = topM + plotH;

            // Grid and y axis.
            for (double v = 0; v <= yMax + step / 2; v += step) {
                int y = y0 - (int) Math.round(v / yMax * plotH);
                g.setColor(new Color(0xe6e6e6));
                g.drawLine(x0, y, x0 + plotW, y);
                g.setColor(Color.BLACK);
                String s = fmt(v);
                g.drawString(s, x0 - 8 - fm.stringWidth(s), y + fm.getAscent() / 2 - 1);
            }
            g.drawLine(x0, topM, x0, y0);
            g.drawLine(x0, y0, x0 + plotW, y0);
            AffineTransform saved = g.getTransform();
            g.rotate(-Math.PI / 2);
            String yLabel = "GB/s (bytes read + written / median time)";
            g.drawString(yLabel, -(topM + plotH / 2 + fm.stringWidth(yLabel) / 2), 22);
            g.setTransform(saved);
            String xLabel = "case";
            g.drawString(xLabel, x0 + plotW / 2 - fm.stringWidth(xLabel) / 2, height - 12);

            // Bars.
            int gi = 0;
            for (Map.Entry<String, List<Result>> e : groups.entrySet()) {
                int gx = x0 + gi * groupW + Math.max(1, (groupW - bars * barW) / 2);
                if (groups.size() * groupW < plotW) gx += (plotW - groups.size() * groupW) / 2;
                for (Result r : e.getValue()) {
                    int si = series.indexOf(r.impl + "/" + r.threads);
                    if (si < 0 || !Double.isFinite(r.gbps)) continue;
                    int h = (int) Math.round(Math.min(r.gbps, yMax) / yMax * plotH);
                    g.setColor(seriesColor(r.impl, threads.indexOf(r.threads)));
                    g.fillRect(gx + si * barW, y0 - h, Math.max(1, barW - 1), h);
                }
                // Case label, rotated so that long names fit under narrow groups.
                AffineTransform t = g.getTransform();
                int lx = x0 + gi * groupW + groupW / 2 + (groups.size() * groupW < plotW ? (plotW - groups.size() * groupW) / 2 : 0);
                g.translate(lx, y0 + 10);
                g.rotate(Math.PI / 4);
                g.setColor(Color.BLACK);
                g.drawString(e.getKey(), 0, 0);
                g.setTransform(t);
                gi++;
            }

            // Copy bandwidth lines.
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f));
            for (Map.Entry<Integer, Double> e : copy.entrySet()) {
                int y = y0 - (int) Math.round(Math.min(e.getValue(), yMax) / yMax * plotH);
                g.setColor(COPY[Math.max(0, threads.indexOf(e.getKey())) % COPY.length]);
                g.drawLine(x0, y, x0 + plotW, y);
            }
            g.setStroke(new BasicStroke(1f));

            // Legend.
            int lx = x0 + plotW + 20;
            int ly = topM + 10;
            g.setColor(Color.BLACK);
            g.drawString("legend", lx, ly);
            ly += 8;
            for (String s : series) {
                String[] p = s.split("/");
                int ti = threads.indexOf(Integer.parseInt(p[1]));
                g.setColor(seriesColor(p[0], ti));
                g.fillRect(lx, ly + 4, 14, 12);
                g.setColor(Color.BLACK);
                g.drawString(p[0] + ", " + p[1] + (p[1].equals("1") ? " thread" : " threads"), lx + 20, ly + 15);
                ly += 20;
            }
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f));
            for (Map.Entry<Integer, Double> e : copy.entrySet()) {
                g.setColor(COPY[Math.max(0, threads.indexOf(e.getKey())) % COPY.length]);
                g.drawLine(lx, ly + 10, lx + 14, ly + 10);
                g.setColor(Color.BLACK);
                g.drawString(String.format(Locale.ROOT, "copy, %d thr: %s GB/s", e.getKey(), fmt(e.getValue())), lx + 20, ly + 15);
                ly += 20;
            }
        } finally {
            g.dispose();
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        if (!ImageIO.write(img, "png", file.toFile())) throw new IOException("no PNG writer in this JDK");
    }

    private static Color seriesColor(String impl, int threadIndex) {
        Color[] palette = impl.equals(Result.ORT) ? THEIRS : OURS;
        return palette[Math.max(0, threadIndex) % palette.length];
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw) return m * p;
        }
        return 10 * p;
    }

    private static String fmt(double v) {
        if (v >= 100) return String.format(Locale.ROOT, "%.0f", v);
        if (v >= 10) return String.format(Locale.ROOT, "%.1f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
