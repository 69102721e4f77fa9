package org.pooling4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;
import org.pooling4j.monitor.PoolMonitor;
import org.pooling4j.monitor.PoolStats;

/** The {@code --live} table's text and the view that refreshes it. */
class LiveTableTest {
    /** 1 GB/s (3e6 bytes in 3e6 ns) at a known 20 GB/s copy bandwidth: 5 %. */
    private static final PoolStats MAX = new PoolStats(
            "max",
            "forward",
            "max2d-cf",
            "channels_first",
            "1x64x56x56",
            "1x64x28x28",
            2,
            30,
            3_000_000,
            3_000_000,
            1_500,
            2_500_000,
            20);
    /** 4 GB/s on 1 thread, copy bandwidth unknown to the monitor. */
    private static final PoolStats AVG = new PoolStats(
            "avg",
            "backward",
            "avg2d-cl-simd",
            "channels_last",
            "8x7x7x512",
            "8x1x1x512",
            1,
            4,
            1_000,
            4_000,
            250,
            300,
            Double.NaN);

    private static final PoolStats OTHER = new PoolStats(
            PoolStats.OTHER, "", "", "", "", "", 3, 2, 2_000_000_000L, 1_000, 900_000_000, 1_100_000_000, Double.NaN);

    @AfterEach
    void monitorOff() {
        PoolMonitor.disable();
        PoolMonitor.reset();
    }

    private static List<String> lines(String text) {
        return List.of(text.split("\\R"));
    }

    @Test
    void rowsAndColumns() {
        String text = LiveTable.format(
                List.of(MAX, AVG, OTHER), Map.of(MAX.key(), 10L), 2.0, t -> t == 1 ? 10.0 : Double.NaN);
        List<String> l = lines(text);
        assertEquals(5, l.size(), text);
        assertEquals("pooling4j live: 3 keys, 36 calls; calls/s over the last 2.0 s", l.get(0));
        String header = l.get(1);
        for (String h : List.of(
                "op",
                "dir",
                "kernel",
                "layout",
                "input -> output",
                "thr",
                "calls",
                "calls/s",
                "p50",
                "p99",
                "GB/s",
                "%copy")) {
            assertTrue(header.contains(h), h + " in " + header);
        }
        String max = l.get(2);
        // (30 - 10) calls / 2 s; 3e6 bytes / 3e6 ns = 1 GB/s = 5 % of the monitor's 20 GB/s.
        assertEquals(
                List.of(
                        "max",
                        "forward",
                        "max2d-cf",
                        "channels_first",
                        "1x64x56x56",
                        "->",
                        "1x64x28x28",
                        "2",
                        "30",
                        "10.0",
                        "1.5",
                        "us",
                        "2.50",
                        "ms",
                        "1.00",
                        "5.0"),
                List.of(max.trim().split(" +")),
                max);
        // No previous count: all 4 calls in the interval; 4 GB/s over the fallback of 10 GB/s (1 thread).
        String avg = l.get(3);
        assertEquals(
                List.of(
                        "avg",
                        "backward",
                        "avg2d-cl-simd",
                        "channels_last",
                        "8x7x7x512",
                        "->",
                        "8x1x1x512",
                        "1",
                        "4",
                        "2.0",
                        "250",
                        "ns",
                        "300",
                        "ns",
                        "4.00",
                        "40.0"),
                List.of(avg.trim().split(" +")),
                avg);
        String other = l.get(4);
        assertTrue(other.trim().startsWith("other"), other);
        assertTrue(
                other.contains("(keys beyond the limit)") && other.contains("900.00 ms") && other.contains("1.10 s"),
                other);
        assertTrue(other.endsWith(" -"), "no copy bandwidth known for the other entry: " + other);

        // Numbers are right-aligned under their headers, names left-aligned.
        assertEquals(header.indexOf("calls/s") + "calls/s".length(), max.indexOf(" 10.0 ") + " 10.0".length(), text);
        assertEquals(header.indexOf("calls/s") + "calls/s".length(), avg.indexOf(" 2.0 ") + " 2.0".length(), text);
        assertEquals(header.indexOf("%copy") + "%copy".length(), max.length(), text);
        assertEquals(header.indexOf("kernel"), max.indexOf("max2d-cf"));
        assertEquals(header.indexOf("kernel"), avg.indexOf("avg2d-cl-simd"));
    }

    @Test
    void emptyAndUnknownValues() {
        assertEquals(
                List.of("pooling4j live: 0 keys, 0 calls; calls/s over the last 1.0 s", "  (no pooling calls yet)"),
                lines(LiveTable.format(List.of(), Map.of(), 1.0, t -> 5.0)));
        PoolStats idle =
                new PoolStats("max", "forward", "k", "channels_first", "4x4", "2x2", 0, 0, 0, 0, 0, 0, Double.NaN);
        String row = lines(LiveTable.format(List.of(idle), Map.of(), 1.0, t -> Double.NaN))
                .get(2);
        // thr calls calls/s p50 p99 GB/s %copy
        assertEquals(
                List.of("-", "0", "0.0", "-", "-", "-", "-"),
                List.of(row.trim().split(" +")).subList(7, 14),
                row);
    }

    @Test
    void durations() {
        assertEquals("-", LiveTable.duration(5, 0));
        assertEquals("999 ns", LiveTable.duration(999, 1));
        assertEquals("1.0 us", LiveTable.duration(1_000, 1));
        assertEquals("999.99 ms", LiveTable.duration(999_990_000, 1));
        assertEquals("12.35 s", LiveTable.duration(12_345_678_901L, 1));
    }

    @Test
    void ratesAreOverTheIntervalSinceThePreviousRefresh() {
        LiveTable t = new LiveTable(List.of(withCalls(MAX, 100)), 0);
        String first = t.next(List.of(withCalls(MAX, 150)), 500_000_000, x -> Double.NaN);
        assertTrue(first.contains("calls/s over the last 0.5 s"), first);
        assertEquals("100.0", List.of(lines(first).get(2).trim().split(" +")).get(9), first);
        String second = t.next(List.of(withCalls(MAX, 450)), 1_500_000_000, x -> Double.NaN);
        assertEquals("300.0", List.of(lines(second).get(2).trim().split(" +")).get(9), second);
        // After a reset the count restarts below the previous one: it counts from zero.
        String third = t.next(List.of(withCalls(MAX, 7)), 2_500_000_000L, x -> Double.NaN);
        assertEquals("7.0", List.of(lines(third).get(2).trim().split(" +")).get(9), third);
    }

    private static PoolStats withCalls(PoolStats s, long calls) {
        return new PoolStats(
                s.op(),
                s.direction(),
                s.kernel(),
                s.layout(),
                s.inputShape(),
                s.outputShape(),
                s.threads(),
                calls,
                s.totalNanos(),
                s.bytes(),
                s.p50Nanos(),
                s.p99Nanos(),
                s.copyGBps());
    }

    @Test
    void plainViewRefreshesWhileCallsAreMadeAndStops() throws Exception {
        PoolMonitor.disable();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        LiveView view = new LiveView(new PrintStream(sink, true, StandardCharsets.UTF_8), false, 20);
        assertTrue(PoolMonitor.isEnabled(), "the view switches the monitor on");
        PrintStream out = System.out;
        assertTrue(view.wrap(out) == out, "the plain style leaves the output alone");
        view.start(t -> 10.0);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!text(sink).contains("1x1x4x4 -> 1x1x2x2") && System.nanoTime() < deadline) {
            Pooling.forward(PoolSpec.max(2, 2).build(), Tensor.of(new float[16], 1, 1, 4, 4));
            Thread.sleep(5);
        }
        assertTrue(view.running());
        view.close();
        assertFalse(view.running(), "close stops the thread");
        assertFalse(PoolMonitor.isEnabled(), "close restores the monitor's state");
        String text = text(sink);
        assertTrue(text.contains("1x1x4x4 -> 1x1x2x2"), text);
        assertTrue(
                text.split("pooling4j live:", -1).length - 1 >= 2, "a refresh while running and one on close: " + text);
        assertFalse(text.contains("\033["), "no escapes in the plain style");
        int before = text.length();
        Thread.sleep(60);
        assertEquals(before, text(sink).length(), "nothing is printed after close");
        view.close();
    }

    @Test
    void terminalViewRedrawsTheBenchOutputAboveTheTable() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        ByteArrayOutputStream results = new ByteArrayOutputStream();
        try (LiveView view = new LiveView(new PrintStream(sink, true, StandardCharsets.UTF_8), true, 60_000)) {
            PrintStream out = view.wrap(new PrintStream(results, true, StandardCharsets.UTF_8));
            view.start(t -> Double.NaN);
            for (int i = 1; i <= 30; i++) out.println("result row " + i);
            out.print("unfinished");
            Pooling.forward(PoolSpec.avg(2, 2).build(), Tensor.of(new float[16], 1, 1, 4, 4));
            view.refresh(false);
            String drawn = text(sink);
            assertTrue(drawn.startsWith(LiveView.HOME), drawn);
            assertTrue(drawn.endsWith(LiveView.ERASE_BELOW), drawn);
            // While running: the last TAIL_LINES finished lines, then the table.
            int firstShown = 30 - LiveView.TAIL_LINES + 1;
            assertFalse(drawn.contains("result row " + (firstShown - 1) + LiveView.ERASE_LINE), drawn);
            assertTrue(drawn.contains("result row " + firstShown + LiveView.ERASE_LINE), drawn);
            assertTrue(drawn.indexOf("result row 30") < drawn.indexOf("pooling4j live:"), drawn);
            assertTrue(drawn.contains("1x1x4x4 -> 1x1x2x2"), drawn);
            assertFalse(drawn.contains("unfinished"), drawn);
            sink.reset();
        }
        // The results themselves went through untouched, and the last redraw (on close) shows them all.
        assertTrue(
                text(results).startsWith("result row 1\n") || text(results).startsWith("result row 1\r\n"),
                text(results));
        String last = text(sink);
        assertTrue(last.contains("result row 1" + LiveView.ERASE_LINE) && last.contains("result row 30"), last);
    }

    private static String text(ByteArrayOutputStream b) {
        return b.toString(StandardCharsets.UTF_8);
    }
}
