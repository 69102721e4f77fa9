package org.pooling4j.cli.pictures;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.pooling4j.cli.training.StudyCommand;
import org.pooling4j.draw.Axis;
import org.pooling4j.draw.Chart;

/** The study's line charts, described with the draw module's {@link Chart} and written as PNG. */
public final class Charts {
    public static final int WIDTH = 900;
    public static final int HEIGHT = 560;

    private Charts() {}

    public static void accuracyCurves(List<StudyCommand.Row> rows, Path file) throws IOException {
        Map<String, double[]> s = StudyCommand.series(rows, false);
        int n = rows.get(0).epochs().size();
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) xs[i] = i + 1;
        line("test accuracy per epoch", "epoch", "test accuracy %", xs, s)
                .toCanvas()
                .writePng(file);
    }

    public static void shiftTolerance(List<StudyCommand.Row> rows, Path file) throws IOException {
        Map<String, double[]> s = StudyCommand.series(rows, true);
        double[] xs = new double[StudyCommand.MAX_SHIFT + 1];
        for (int i = 0; i < xs.length; i++) xs[i] = i;
        line("accuracy on test digits shifted by d pixels", "shift d (pixels)", "test accuracy %", xs, s)
                .toCanvas()
                .writePng(file);
    }

    /**
     * A line chart of accuracies (fractions, shown as percent): one series per entry of
     * {@code series} in {@link Chart#PALETTE} order, a tick at every x.
     */
    static Chart line(String title, String xLabel, String yLabel, double[] xs, Map<String, double[]> series) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] ys : series.values()) {
            for (double y : ys) {
                if (Double.isFinite(y)) {
                    lo = Math.min(lo, 100 * y);
                    hi = Math.max(hi, 100 * y);
                }
            }
        }
        double x0 = xs[0];
        double x1 = xs.length > 1 ? xs[xs.length - 1] : x0 + 1;
        Chart c = new Chart(WIDTH, HEIGHT)
                .title(title)
                .x(Axis.fixed(x0, x1, 1).title(xLabel))
                .y(Axis.around(lo, hi).title(yLabel));
        int i = 0;
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            double[] pct = e.getValue().clone();
            for (int j = 0; j < pct.length; j++) pct[j] *= 100;
            c.line(e.getKey(), Chart.PALETTE[i++ % Chart.PALETTE.length], xs, pct);
        }
        return c;
    }
}
