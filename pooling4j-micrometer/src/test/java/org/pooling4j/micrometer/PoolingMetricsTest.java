package org.pooling4j.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;
import org.pooling4j.monitor.PoolMonitor;
import org.pooling4j.monitor.PoolStats;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@link PoolingMetrics} against a {@link SimpleMeterRegistry}. The copy bandwidth is fixed at 20 GB/s
 * by the surefire configuration ({@code -Dpooling4j.bandwidth.gbps=20}).
 */
class PoolingMetricsTest {
    private static final double COPY_GBPS = 20;
    private static final List<String> NAMES = List.of(
            PoolingMetrics.CALLS,
            PoolingMetrics.P50,
            PoolingMetrics.P99,
            PoolingMetrics.BANDWIDTH,
            PoolingMetrics.BANDWIDTH_SHARE,
            PoolingMetrics.BYTES);

    private final List<PoolingMetrics> binders = new ArrayList<>();

    @BeforeEach
    void freshMonitor() {
        assertEquals(
                String.valueOf((int) COPY_GBPS),
                System.getProperty("pooling4j.bandwidth.gbps"),
                "the surefire configuration must fix the copy bandwidth");
        PoolMonitor.disable();
        PoolMonitor.reset();
    }

    @AfterEach
    void cleanUp() {
        for (PoolingMetrics m : binders) m.close();
        PoolMonitor.disable();
        PoolMonitor.reset();
    }

    private PoolingMetrics binder(PoolingMetrics m) {
        binders.add(m);
        return m;
    }

    /** 1x1x4x4 max 2x2: 16 floats in, 4 out. */
    private static void shapeA() {
        Pooling.forward(PoolSpec.max(2, 2).build(), Tensor.of(new float[16], 1, 1, 4, 4));
    }

    /** 1x2x8x8 avg 2x2: 128 floats in, 32 out. */
    private static void shapeB() {
        Pooling.forward(PoolSpec.avg(2, 2).build(), Tensor.of(new float[128], 1, 2, 8, 8));
    }

    private static PoolStats stats(String op, String inputShape) {
        for (PoolStats s : PoolMonitor.snapshot(false)) {
            if (s.op().equals(op) && s.inputShape().equals(inputShape)) return s;
        }
        throw new AssertionError("no key " + op + " " + inputShape + " in " + PoolMonitor.snapshot(false));
    }

    private static Tags tags(PoolStats s) {
        return Tags.of(
                "op",
                s.op(),
                "direction",
                s.direction(),
                "kernel",
                s.kernel(),
                "layout",
                s.layout(),
                "input_shape",
                s.inputShape(),
                "output_shape",
                s.outputShape());
    }

    private static FunctionTimer timer(MeterRegistry r, PoolStats s) {
        FunctionTimer t = r.find(PoolingMetrics.CALLS).tags(tags(s)).functionTimer();
        assertNotNull(t, "no " + PoolingMetrics.CALLS + " for " + s.key() + " in " + describe(r));
        return t;
    }

    private static double gauge(MeterRegistry r, String name, PoolStats s) {
        Gauge g = r.find(name).tags(tags(s)).gauge();
        assertNotNull(g, "no " + name + " for " + s.key() + " in " + describe(r));
        return g.value();
    }

    private static double nanos(MeterRegistry r, String name, PoolStats s) {
        TimeGauge g = r.find(name).tags(tags(s)).timeGauge();
        assertNotNull(g, "no " + name + " for " + s.key());
        return g.value(TimeUnit.NANOSECONDS);
    }

    private static String describe(MeterRegistry r) {
        StringBuilder b = new StringBuilder();
        for (Meter m : r.getMeters()) b.append(m.getId()).append('\n');
        return b.toString();
    }

    @Test
    void metersOfTwoShapesCarryTheKeyAsTagsAndLiveValues() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        binder(new PoolingMetrics()).bindTo(reg);
        assertTrue(PoolMonitor.isEnabled(), "binding enables the monitor by default");
        for (int i = 0; i < 3; i++) shapeA();
        for (int i = 0; i < 2; i++) shapeB();

        PoolStats a = stats("max", "1x1x4x4");
        PoolStats b = stats("avg", "1x2x8x8");
        assertEquals("1x1x2x2", a.outputShape());
        assertEquals("1x2x4x4", b.outputShape());
        assertEquals("forward", a.direction());
        assertEquals("channels_first", a.layout());
        assertFalse(a.kernel().isEmpty());

        // Six meters per key, no more: two keys.
        assertEquals(12, reg.getMeters().size(), describe(reg));
        for (String name : NAMES) {
            Set<String> shapes = new TreeSet<>();
            for (Meter m : reg.find(name).meters()) shapes.add(m.getId().getTag("input_shape"));
            assertEquals(Set.of("1x1x4x4", "1x2x8x8"), shapes, name);
        }

        FunctionTimer ta = timer(reg, a);
        assertEquals(3.0, ta.count());
        assertTrue(ta.totalTime(TimeUnit.NANOSECONDS) > 0);
        // The registry converts to its base unit (seconds) and back: equal up to rounding.
        assertEquals(a.totalNanos(), ta.totalTime(TimeUnit.NANOSECONDS), 1e-6 * a.totalNanos());
        assertEquals(2.0, timer(reg, b).count());

        // SimpleMeterRegistry's base time unit is seconds.
        Gauge p50 = reg.find(PoolingMetrics.P50).tags(tags(a)).gauge();
        assertEquals(a.p50Nanos() / 1e9, p50.value(), 1e-15);
        assertEquals(a.p50Nanos(), nanos(reg, PoolingMetrics.P50, a), 1e-6 * a.p50Nanos());
        assertEquals(a.p99Nanos(), nanos(reg, PoolingMetrics.P99, a), 1e-6 * a.p99Nanos());
        assertEquals(b.p50Nanos(), nanos(reg, PoolingMetrics.P50, b), 1e-6 * b.p50Nanos());
        assertTrue(a.p50Nanos() > 0 && a.p99Nanos() >= a.p50Nanos());

        assertEquals(a.gbps(), gauge(reg, PoolingMetrics.BANDWIDTH, a));
        assertTrue(a.gbps() > 0);
        assertEquals(COPY_GBPS, a.copyGBps(), "the bandwidth was probed (from the fixed figure) at bind time");
        assertEquals(a.gbps() / COPY_GBPS, gauge(reg, PoolingMetrics.BANDWIDTH_SHARE, a), 1e-12);
        assertEquals(b.gbps() / COPY_GBPS, gauge(reg, PoolingMetrics.BANDWIDTH_SHARE, b), 1e-12);
        assertEquals(a.pctBandwidth() / 100, gauge(reg, PoolingMetrics.BANDWIDTH_SHARE, a), 1e-12);

        FunctionCounter bytes = reg.find(PoolingMetrics.BYTES).tags(tags(a)).functionCounter();
        assertEquals(a.bytes(), bytes.count());
        // Each call reads 16 floats and writes 4.
        assertEquals(3 * 4 * (16 + 4), bytes.count());

        // Live, not a copy: more calls show at the next read.
        shapeA();
        assertEquals(4.0, ta.count());
        assertEquals(4 * 4 * (16 + 4), bytes.count());
        double total = stats("max", "1x1x4x4").totalNanos();
        assertTrue(total > a.totalNanos());
        assertEquals(total, ta.totalTime(TimeUnit.NANOSECONDS), 1e-6 * total);
    }

    @Test
    void keysThatExistAtBindTimeAndNewShapesAfterIt() {
        PoolMonitor.enable();
        shapeA();
        shapeA();
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        binder(new PoolingMetrics()).bindTo(reg);
        PoolStats a = stats("max", "1x1x4x4");
        assertEquals(2.0, timer(reg, a).count(), "a key seen before bindTo has meters");
        assertEquals(6, reg.getMeters().size(), describe(reg));

        assertNull(reg.find(PoolingMetrics.CALLS).tag("input_shape", "1x2x8x8").functionTimer());
        shapeB();
        PoolStats b = stats("avg", "1x2x8x8");
        assertEquals(1.0, timer(reg, b).count(), "a shape first seen after bindTo gets meters");
        assertEquals(b.gbps(), gauge(reg, PoolingMetrics.BANDWIDTH, b));
        assertEquals(12, reg.getMeters().size());
    }

    @Test
    void disabledMonitorStaysOffAndMetersAppearOnceItIsOn() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        binder(new PoolingMetrics(false)).bindTo(reg);
        assertFalse(PoolMonitor.isEnabled());
        shapeA();
        assertTrue(reg.getMeters().isEmpty(), describe(reg));
        PoolMonitor.enable();
        shapeA();
        assertEquals(1.0, timer(reg, stats("max", "1x1x4x4")).count());
    }

    @Test
    void severalRegistriesAndClose() {
        SimpleMeterRegistry r1 = new SimpleMeterRegistry();
        SimpleMeterRegistry r2 = new SimpleMeterRegistry();
        PoolingMetrics m = binder(new PoolingMetrics(Tags.of("service", "test"), true, true));
        m.bindTo(r1);
        m.bindTo(r2);
        m.bindTo(r1); // again: nothing doubles
        shapeA();
        PoolStats a = stats("max", "1x1x4x4");
        for (SimpleMeterRegistry r : List.of(r1, r2)) {
            assertEquals(6, r.getMeters().size(), describe(r));
            FunctionTimer t = timer(r, a);
            assertEquals(1.0, t.count());
            assertEquals("test", t.getId().getTag("service"), "extra tags are added");
        }

        m.close();
        assertTrue(r1.getMeters().isEmpty(), describe(r1));
        assertTrue(r2.getMeters().isEmpty(), describe(r2));
        shapeB();
        assertTrue(r1.getMeters().isEmpty(), "no meters for keys seen after close: " + describe(r1));
        assertTrue(PoolMonitor.isEnabled(), "close leaves the monitor on");
        m.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> m.bindTo(r1));
    }

    @Test
    void callsBeyondTheKeyLimitAreExportedAsOther() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        binder(new PoolingMetrics()).bindTo(reg);
        for (int i = 0; i < PoolMonitor.MAX_KEYS; i++) {
            PoolMonitor.record("max", "forward", "k", "channels_first", "1x1x" + i, "1x1x1", 100, 1000, 1);
        }
        assertNull(reg.find(PoolingMetrics.CALLS).tag("op", PoolStats.OTHER).functionTimer());
        PoolMonitor.record("max", "forward", "k", "channels_first", "1x1x9999", "1x1x1", 100, 2000, 1);
        PoolMonitor.record("avg", "forward", "k", "channels_first", "1x1x9998", "1x1x1", 50, 4000, 1);
        assertEquals(6 * (PoolMonitor.MAX_KEYS + 1), reg.getMeters().size());

        PoolStats other = PoolMonitor.other();
        assertEquals(2, other.calls());
        FunctionTimer t = timer(reg, other);
        assertEquals(
                Tags.of(
                        "op",
                        "other",
                        "direction",
                        "",
                        "kernel",
                        "",
                        "layout",
                        "",
                        "input_shape",
                        "",
                        "output_shape",
                        ""),
                Tags.of(t.getId().getTags()));
        assertEquals(2.0, t.count());
        assertEquals(6000.0, t.totalTime(TimeUnit.NANOSECONDS), 1e-6);
        assertEquals(
                150.0,
                reg.find(PoolingMetrics.BYTES)
                        .tag("op", "other")
                        .functionCounter()
                        .count());
        assertEquals(150.0 / 6000, gauge(reg, PoolingMetrics.BANDWIDTH, other), 1e-12);
        assertEquals(other.p99Nanos(), nanos(reg, PoolingMetrics.P99, other), 1e-6);
        assertTrue(
                other.p99Nanos() >= 3800 && other.p99Nanos() <= 4200,
                "p99 of {2000, 4000} within 3 %: " + other.p99Nanos());

        // A reset forgets the aggregates: the meters read no calls rather than stale values.
        PoolMonitor.reset();
        assertEquals(0.0, t.count());
        assertTrue(Double.isNaN(gauge(reg, PoolingMetrics.P50, other)));
    }

    @Test
    void shareIsNaNWhileTheCopyBandwidthOfTheThreadCountIsUnknown() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        binder(new PoolingMetrics()).bindTo(reg);
        // 255 threads: probed neither at bind time nor by any test, so its copy bandwidth is not cached.
        PoolMonitor.record("max", "forward", "k", "channels_last", "8x8", "4x4", 320, 1000, 255);
        PoolStats s = PoolMonitor.get("max", "forward", "k", "channels_last", "8x8", "4x4");
        assertTrue(Double.isNaN(s.copyGBps()));
        assertEquals(0.32, gauge(reg, PoolingMetrics.BANDWIDTH, s), 1e-12);
        assertTrue(Double.isNaN(gauge(reg, PoolingMetrics.BANDWIDTH_SHARE, s)));
    }

    @Test
    void theCoreKeepsNoRunTimeDependency() throws Exception {
        Path pom = Paths.get("..", "pooling4j-core", "pom.xml");
        assertTrue(Files.isRegularFile(pom), "run from the module directory: " + pom.toAbsolutePath());
        Element project = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(pom.toFile())
                .getDocumentElement();
        int checked = 0;
        NodeList sections = project.getChildNodes();
        for (int i = 0; i < sections.getLength(); i++) {
            if (!(sections.item(i) instanceof Element)
                    || !((Element) sections.item(i)).getTagName().equals("dependencies")) continue;
            NodeList deps = ((Element) sections.item(i)).getElementsByTagName("dependency");
            for (int j = 0; j < deps.getLength(); j++) {
                Element d = (Element) deps.item(j);
                NodeList scope = d.getElementsByTagName("scope");
                String artifact = d.getElementsByTagName("artifactId").item(0).getTextContent();
                assertTrue(
                        scope.getLength() == 1
                                && scope.item(0).getTextContent().trim().equals("test"),
                        "pooling4j-core depends on " + artifact + " outside test scope");
                checked++;
            }
        }
        assertTrue(checked > 0, "found no dependencies section at all; has the pom moved?");
    }
}
