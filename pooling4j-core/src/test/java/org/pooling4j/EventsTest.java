package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.monitor.PoolEvent;
import org.pooling4j.roi.RoiAlignMode;
import org.pooling4j.roi.RoiCoordinates;
import org.pooling4j.roi.RoiPooling;

/** Records pooling calls with an in-process JFR recording and checks each event's fields. */
class EventsTest {
    @TempDir
    Path dir;

    @Test
    void everyCallEmitsOneEventWithItsFields() throws Exception {
        // Shapes no other test uses, so the events are told apart from anything else in the JVM.
        Tensor x = Tensor.of(ramp(1 * 3 * 7 * 9), 1, 3, 7, 9);
        PoolSpec max = PoolSpec.max(3, 3).stride(2, 2).padding(1, 1).build();
        PoolSpec avg = PoolSpec.avg(2, 2).build();
        Tensor cl = new Tensor(
                ramp(2 * 5 * 11), new int[] {2, 11, 5}, Layout.CHANNELS_LAST); // N, L, C for 1D channels-last
        PoolSpec avg1 = PoolSpec.avg(3).stride(2).build();
        Tensor rois = Tensor.of(new float[] {0, 0, 4, 4}, 1, 4);

        List<RecordedEvent> events;
        Path file = dir.resolve("calls.jfr");
        String maxKernel = Pooling.kernelFor(max, x, false);
        String avgBackwardKernel = Pooling.kernelFor(avg, x, true);
        String clKernel = Pooling.kernelFor(avg1, cl, false);
        try (Recording r = new Recording()) {
            r.enable(PoolEvent.NAME).withThreshold(Duration.ZERO);
            r.start();
            Pooling.forwardWithIndices(max, x);
            Pooling.backward(avg, x, Tensor.of(new float[1 * 3 * 3 * 4], 1, 3, 3, 4));
            Pooling.forward(avg1, cl);
            RoiPooling.roiAlign(x, rois, new long[] {0}, 2, 2, 1f, 2, RoiAlignMode.AVG, RoiCoordinates.HALF_PIXEL);
            r.stop();
            r.dump(file);
        }
        events = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (e.getEventType().getName().equals(PoolEvent.NAME)) events.add(e);
        }
        List<RecordedEvent> mine = new ArrayList<>();
        for (RecordedEvent e : events) {
            String in = e.getString("inputShape");
            if (in.equals("1x3x7x9") || in.equals("2x11x5")) mine.add(e);
        }
        assertEquals(4, mine.size(), "events: " + mine);

        RecordedEvent f = find(mine, "max", "forward");
        assertEquals(2, f.getInt("rank"));
        assertEquals("channels_first", f.getString("layout"));
        assertEquals(maxKernel, f.getString("kernel"));
        assertEquals("1x3x4x5", f.getString("outputShape"));
        // input 189 floats read, 60 outputs written with an int64 index each
        assertEquals(4L * 189 + (4L + 8L) * 60, f.getLong("bytes"));
        assertEquals(1, f.getInt("threads"));
        assertFalse(f.getBoolean("tuned"));
        assertTrue(f.getDuration().toNanos() > 0, "duration " + f.getDuration());

        RecordedEvent b = find(mine, "avg", "backward");
        assertEquals(avgBackwardKernel, b.getString("kernel"));
        assertEquals("1x3x3x4", b.getString("outputShape"));
        // gradient of the output read (36 floats), gradient of the input written (189 floats)
        assertEquals(4L * 36 + 4L * 189, b.getLong("bytes"));

        RecordedEvent c = find(mine, "avg", "forward");
        assertEquals(1, c.getInt("rank"));
        assertEquals("channels_last", c.getString("layout"));
        assertEquals(clKernel, c.getString("kernel"));
        assertEquals("2x5x5", c.getString("outputShape"));
        assertEquals(4L * 110 + 4L * 50, c.getLong("bytes"));

        RecordedEvent a = find(mine, "roi_align", "forward");
        assertEquals("roi-scalar", a.getString("kernel"));
        assertEquals("1x3x2x2", a.getString("outputShape"));
        assertEquals(4L * (189 + 4 + 12), a.getLong("bytes"));
    }

    @Test
    void multithreadedCallsReportTheirThreads() throws Exception {
        // 2 x 64 planes of 64 x 64: 2 MiB in, well above the work threshold, so 2 threads are used.
        Tensor x = Tensor.of(ramp(2 * 64 * 64 * 64), 2, 64, 64, 64);
        PoolSpec max = PoolSpec.max(2, 2).build();
        Path file = dir.resolve("threads.jfr");
        try (Recording r = new Recording()) {
            r.enable(PoolEvent.NAME).withThreshold(Duration.ZERO);
            r.start();
            Pooling.forward(max, x, 2);
            Pooling.forward(max, x, 1);
            r.stop();
            r.dump(file);
        }
        List<Integer> threads = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (e.getEventType().getName().equals(PoolEvent.NAME)
                    && e.getString("inputShape").equals("2x64x64x64")) {
                threads.add(e.getInt("threads"));
            }
        }
        assertEquals(List.of(2, 1), threads);
        Files.delete(file);
    }

    private static RecordedEvent find(List<RecordedEvent> events, String op, String direction) {
        RecordedEvent found = null;
        for (RecordedEvent e : events) {
            if (e.getString("op").equals(op) && e.getString("direction").equals(direction)) {
                assertEquals(null, found, "two events for " + op + " " + direction);
                found = e;
            }
        }
        assertNotNull(found, "no event for " + op + " " + direction + " in " + events);
        return found;
    }

    static float[] ramp(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (i * 37 % 101) - 50;
        return a;
    }
}
