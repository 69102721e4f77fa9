package org.pooling4j.draw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ChartTest {
    @Test
    void axesPickRoundTicks() {
        // (84.6 - 57.3) / 6 = 4.55 rounds up to a step of 5; the range widens to [55, 85].
        Axis a = Axis.around(57.3, 84.6);
        assertEquals(List.of(55.0, 60.0, 65.0, 70.0, 75.0, 80.0, 85.0), a.ticks());
        // 12 / 5 = 2.4 rounds up to 5: 0 to 15.
        assertEquals(List.of(0.0, 5.0, 10.0, 15.0), Axis.upTo(12).ticks());
        // Whole decades around [3, 250]: 1 to 1000, so 10 lies a third of the way along.
        Axis log = Axis.log(3, 250);
        assertEquals(List.of(1.0, 10.0, 100.0, 1000.0), log.ticks());
        assertEquals(1.0 / 3, log.fraction(10), 1e-12);
        assertEquals(List.of(2.0, 5.0, 20.0, 50.0, 200.0, 500.0), log.minorTicks());
        Axis cat = Axis.categories(List.of("a", "b", "c"));
        assertEquals(List.of(0.5, 1.5, 2.5), cat.ticks());
        assertEquals("b", cat.label(1.5));
        assertEquals(0.5, cat.fraction(1.5), 1e-12);
        // Multiples of 0.1, not sums: the seventh tick is 0.7, not 0.7000000000000001.
        assertEquals(
                "0.7", Axis.fixed(0, 1, 0.1).label(Axis.fixed(0, 1, 0.1).ticks().get(7)));
        // Linear labels carry the step's decimals: (99.9 - 96.9) / 6 = 0.5, so 99 reads 99.0 next to 99.5;
        // whole steps give whole numbers, and a format of one's own wins.
        Axis acc = Axis.around(96.9, 99.9);
        assertEquals("99.0", acc.label(99.0));
        assertEquals("99.5", acc.label(99.5));
        assertEquals("10", Axis.upTo(12).label(10.0));
        assertEquals("x", Axis.upTo(12).format(v -> "x").label(10.0));
    }

    @Test
    void pngAndSvgPlaceMarksAtTheSamePixel() {
        Chart c = new Chart(400, 300)
                .title("t")
                .x(Axis.fixed(0, 10, 2).title("x"))
                .y(Axis.fixed(0, 100, 20).title("y"))
                .disc(5, 50, 0x00ff00, "key", "middle");
        // The disc's fill, inside its dark ring, is pure green: its centroid is the disc's centre.
        Canvas png = c.toCanvas();
        double sx = 0;
        double sy = 0;
        int n = 0;
        for (int y = 0; y < png.height(); y++) {
            for (int x = 0; x < png.width(); x++) {
                if (png.get(x, y) == 0x00ff00) {
                    sx += x;
                    sy += y;
                    n++;
                }
            }
        }
        assertTrue(n > 50, "disc pixels " + n);
        String svg = c.toSvg();
        Matcher m = Pattern.compile("<circle class=\"key\" cx=\"([\\d.]+)\" cy=\"([\\d.]+)\"")
                .matcher(svg);
        assertTrue(m.find(), svg);
        assertEquals(Double.parseDouble(m.group(1)), sx / n, 0.5);
        assertEquals(Double.parseDouble(m.group(2)), sy / n, 0.5);
        assertTrue(svg.contains("<title>middle</title>"), svg);
        // x = 5 of [0, 10] and y = 50 of [0, 100]: the middle of the plot area.
        Chart.Layout l = new Chart.Layout(c);
        assertEquals((l.left + l.right) / 2.0, sx / n, 0.5);
        assertEquals((l.top + l.bottom) / 2.0, sy / n, 0.5);
    }

    @Test
    void svgEscapesTextAndKeepsTheIdAndTooltips() {
        Chart c = new Chart(300, 200)
                .svgInfo("h", "a <b> & c", "desc")
                .x(Axis.log(1, 100))
                .y(Axis.upTo(4))
                .stack(2, 3, new double[] {1, 2}, new int[] {0xff0000, 0x0000ff}, "2 calls")
                .hline(3, 0xcc0000, "copy \"x\"", "copy");
        String svg = c.toSvg();
        assertTrue(svg.startsWith("<svg id=\"h\""), svg);
        assertTrue(svg.contains("<title>a &lt;b&gt; &amp; c</title>"), svg);
        assertTrue(svg.contains("<g><title>2 calls</title><rect"), svg);
        assertEquals(2, svg.split("fill=\"#(ff0000|0000ff)\"", -1).length - 1, svg);
        assertTrue(svg.contains("copy &quot;x&quot;"), svg);
    }

    @Test
    void seriesAndLegendUseTheirColours() {
        Chart c = new Chart(500, 300)
                .x(Axis.fixed(1, 3, 1))
                .y(Axis.around(0, 1))
                .line("one", Chart.PALETTE[0], new double[] {1, 2, 3}, new double[] {0.1, 0.5, Double.NaN})
                .line("two", Chart.PALETTE[1], new double[] {1, 2, 3}, new double[] {0.9, 0.2, 0.3});
        Canvas png = c.toCanvas();
        for (int colour : new int[] {Chart.PALETTE[0], Chart.PALETTE[1]}) {
            int n = 0;
            for (int y = 0; y < png.height(); y++)
                for (int x = 0; x < png.width(); x++) if (png.get(x, y) == colour) n++;
            assertTrue(n > 100, Integer.toHexString(colour) + ": " + n);
        }
        // The missing third point of "one" is skipped: one segment, two markers in its path.
        String svg = c.toSvg();
        Matcher m = Pattern.compile("stroke=\"#1f77b4\" stroke-width=\"2.5\" d=\"M[\\d.]+ [\\d.]+L[\\d.]+ [\\d.]+\"")
                .matcher(svg);
        assertTrue(m.find(), svg);
    }
}
