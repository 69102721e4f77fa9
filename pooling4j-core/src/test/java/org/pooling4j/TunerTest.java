package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.internal.exec.Kernels;
import org.pooling4j.internal.json.Json;
import org.pooling4j.tuning.Tuner;

class TunerTest {
    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) warnings.add(r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void start() {
        Tuner.clear();
        Tuner.setMode(Tuner.Mode.OFF);
        Logger.getLogger("org.pooling4j").addHandler(capture);
    }

    @AfterEach
    void stop() {
        Logger.getLogger("org.pooling4j").removeHandler(capture);
        Tuner.clear();
        Tuner.setMode(Tuner.Mode.OFF);
    }

    private static Tensor random(long seed, int... shape) {
        Random r = new Random(seed);
        int n = 1;
        for (int s : shape) n *= s;
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return Tensor.of(a, shape);
    }

    @Test
    void tuningNeverChangesResults() {
        long seed = 20261121L;
        Tensor x = random(seed, 2, 24, 33, 31);
        Tensor cl = x.toLayout(Layout.CHANNELS_LAST, true);
        PoolSpec[] specs = {
            PoolSpec.max(3, 3).stride(2, 2).padding(1, 1).build(),
            PoolSpec.max(2, 2).build(),
            PoolSpec.avg(3, 3).stride(1, 1).padding(1, 1).countIncludePad(false).build(),
            PoolSpec.lp(2, 2, 2).build(),
            PoolSpec.globalAvg(2).build(),
            PoolSpec.adaptiveMax(5, 4).build()
        };
        for (Tensor in : new Tensor[] {x, cl}) {
            for (PoolSpec spec : specs) {
                String what = "seed " + seed + ", " + spec + ", " + in.layout();
                Tuner.clear();
                Tuner.setMode(Tuner.Mode.OFF);
                Pooled plain = spec.op().isMaxType()
                        ? Pooling.forwardWithIndices(spec, in)
                        : new Pooled(Pooling.forward(spec, in), null, "");
                Tensor gradOut = random(seed + 1, plain.values().shape());
                gradOut = in.layout() == Layout.CHANNELS_LAST
                        ? new Tensor(gradOut.data(), plain.values().shape(), Layout.CHANNELS_LAST)
                        : gradOut;
                Tensor plainGrad = spec.op() == PoolOp.LP ? null : Pooling.backward(spec, in, gradOut);

                Tuner.setMode(Tuner.Mode.EXHAUSTIVE);
                Pooled tuned = spec.op().isMaxType()
                        ? Pooling.forwardWithIndices(spec, in)
                        : new Pooled(Pooling.forward(spec, in), null, "");
                Tensor tunedGrad = spec.op() == PoolOp.LP ? null : Pooling.backward(spec, in, gradOut);
                assertFalse(Tuner.decisions().isEmpty(), what);
                if (spec.op().isMaxType()) {
                    assertArrayEquals(plain.values().data(), tuned.values().data(), what);
                    assertArrayEquals(plain.indices().data(), tuned.indices().data(), what);
                    assertArrayEquals(plainGrad.data(), tunedGrad.data(), what);
                } else {
                    assertClose(plain.values().data(), tuned.values().data(), what);
                    if (plainGrad != null) assertClose(plainGrad.data(), tunedGrad.data(), what);
                }
            }
        }
    }

    private static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            double tol = 1e-6 * Math.max(1, Math.abs(want[i]));
            assertTrue(Math.abs(want[i] - got[i]) <= tol, what + " at " + i + ": " + want[i] + " vs " + got[i]);
        }
    }

    @Test
    void decisionsAreReusedAndSurviveAWisdomRoundTrip() throws Exception {
        Tensor x = random(3, 1, 8, 128, 128); // 512 KiB: above the work threshold
        PoolSpec max = PoolSpec.max(2, 2).build();
        Tuner.setMode(Tuner.Mode.ON);
        Pooling.forward(max, x, 2);
        Pooling.forwardWithIndices(max, x);
        List<Tuner.Decision> first = Tuner.decisions();
        assertEquals(2, first.size(), first.toString());
        Pooling.forward(max, x, 2); // same key: no new decision
        assertEquals(first, Tuner.decisions());
        for (Tuner.Decision d : first) {
            assertTrue(d.tunedMs() <= d.heuristicMs(), d.toString());
            assertTrue(d.key().startsWith("forward|"), d.key());
        }

        Path file = dir.resolve("wisdom.json");
        Tuner.saveWisdom(file);
        Tuner.clear();
        assertTrue(Tuner.decisions().isEmpty());
        assertEquals(2, Tuner.loadWisdom(file));
        assertEquals(first, Tuner.decisions());
        assertTrue(warnings.isEmpty(), warnings.toString());
        String text = Files.readString(file);
        assertTrue(
                text.contains("\"cpu\": ")
                        && text.contains("\"jdk\": ")
                        && text.contains("\"library\": ")
                        && text.contains("\"threads\": " + Pooling.threads()),
                text);
    }

    @Test
    void aLoadedDecisionIsWhatRuns() throws Exception {
        Tensor x = random(5, 1, 4, 12, 12);
        PoolSpec avg = PoolSpec.avg(2, 2).build();
        Geometry g = Pooling.geometry(avg, x);
        String key = Tuner.key(g, false, "values", 1);
        Path file = dir.resolve("hand.json");
        StringBuilder b = new StringBuilder("{");
        Tuner.header().forEach((k, v) -> b.append(Json.quote(k))
                .append(": ")
                .append(Json.write(v))
                .append(", "));
        b.append("\"decisions\": [{\"key\": ")
                .append(Json.quote(key))
                .append(
                        ", \"kernel\": \"reference\", \"threads\": 1, "
                                + "\"heuristic_kernel\": \"x\", \"heuristic_threads\": 1, \"heuristic_ms\": 1.0, \"tuned_ms\": 0.5}]}");
        Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
        assertEquals(1, Tuner.loadWisdom(file));
        // Mode OFF, yet the loaded decision applies.
        assertEquals("reference", Pooling.forwardInto(avg, x, Tensor.zeros(1, 4, 6, 6), 1));
        // Another thread count is another key: the heuristic choice.
        assertEquals(Pooling.kernelFor(avg, x, false), Pooling.forwardInto(avg, x, Tensor.zeros(1, 4, 6, 6), 2));
    }

    @Test
    void staleOrCorruptWisdomIsIgnoredWithOneWarning() throws Exception {
        Tensor x = random(9, 1, 8, 128, 128);
        Tuner.setMode(Tuner.Mode.ON);
        Pooling.forward(PoolSpec.max(2, 2).build(), x, 1);
        Path file = dir.resolve("w.json");
        Tuner.saveWisdom(file);
        String good = Files.readString(file);
        Tuner.clear();

        Path stale = dir.resolve("stale.json");
        Files.writeString(stale, good.replaceFirst("\"jdk\": \"[^\"]*\"", "\"jdk\": \"Some JDK 1.0\""));
        assertEquals(0, Tuner.loadWisdom(stale));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("stale") && warnings.get(0).contains("Some JDK 1.0"), warnings.get(0));
        assertTrue(Tuner.decisions().isEmpty());

        Path staleVersion = dir.resolve("stale2.json");
        Files.writeString(staleVersion, good.replaceFirst("\"library\": \"[^\"]*\"", "\"library\": \"0.0.1\""));
        assertEquals(0, Tuner.loadWisdom(staleVersion));
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(1).contains("library is 0.0.1"), warnings.get(1));

        Path corrupt = dir.resolve("corrupt.json");
        Files.writeString(corrupt, good.substring(0, good.length() / 2));
        assertEquals(0, Tuner.loadWisdom(corrupt));
        assertEquals(3, warnings.size(), warnings.toString());
        assertTrue(warnings.get(2).contains("cannot be read as JSON"), warnings.get(2));

        Path badEntry = dir.resolve("bad.json");
        Files.writeString(badEntry, good.replaceFirst("\"threads\": 1,", "\"threads\": -4,"));
        assertEquals(0, Tuner.loadWisdom(badEntry));
        assertEquals(4, warnings.size(), warnings.toString());
        assertTrue(warnings.get(3).contains("malformed decision"), warnings.get(3));

        assertEquals(0, Tuner.loadWisdom(dir.resolve("missing.json")));
        assertEquals(5, warnings.size(), warnings.toString());
        assertTrue(Tuner.decisions().isEmpty());
        // Still usable after all that.
        assertEquals(1, Tuner.loadWisdom(file));
        assertEquals(5, warnings.size(), warnings.toString());
    }

    @Test
    void callsBelowTheWorkThresholdSkipTheTunerInModeOn() {
        PoolSpec max = PoolSpec.max(2, 2).build();
        // 1x4x64x64 input (64 KiB) plus its 16 KiB output: below the 256 KiB threshold.
        Tensor small = random(13, 1, 4, 64, 64);
        // 1x16x128x128 (1 MiB): above it.
        Tensor large = random(14, 1, 16, 128, 128);
        assertTrue(Tuner.small(Pooling.geometry(max, small)));
        assertFalse(Tuner.small(Pooling.geometry(max, large)));

        Tuner.setMode(Tuner.Mode.ON);
        Pooling.forward(max, small, 2);
        assertTrue(Tuner.decisions().isEmpty(), Tuner.decisions().toString());
        Pooling.forward(max, large, 2);
        assertEquals(1, Tuner.decisions().size(), Tuner.decisions().toString());

        // Exhaustive mode tunes small calls too.
        Tuner.clear();
        Tuner.setMode(Tuner.Mode.EXHAUSTIVE);
        Pooling.forward(max, small, 2);
        assertEquals(1, Tuner.decisions().size(), Tuner.decisions().toString());
        assertTrue(
                Tuner.decisions().get(0).key().contains("|1x4x64x64|2"),
                Tuner.decisions().get(0).key());
    }

    @Test
    void aKeyIsSmallWhenItsInputIsBelowTheThreshold() {
        assertTrue(Tuner.smallKey("forward|values|max k=2x2|channels_first|1x4x64x64|2"));
        assertFalse(Tuner.smallKey("forward|values|max k=2x2|channels_first|1x16x128x128|2"));
        // 65,536 floats are exactly the threshold: not small.
        assertFalse(Tuner.smallKey("backward|indices|s|channels_last|1x65536|1"));
        assertTrue(Tuner.smallKey("backward|indices|s|channels_last|1x65535|1"));
        // Unreadable keys count as small, so their decisions are still consulted.
        assertTrue(Tuner.smallKey("nonsense"));
        assertTrue(Tuner.smallKey("a|b|c|d|12xq|1"));
        assertTrue(Tuner.smallKey("a|b|c|d|99999999999x99999999999|1"));
    }

    @Test
    void forcedKernelBypassesTheTuner() {
        Tensor x = random(11, 1, 2, 8, 8);
        Tuner.setMode(Tuner.Mode.EXHAUSTIVE);
        System.setProperty(Kernels.FORCE_PROPERTY, "reference");
        try {
            assertEquals("reference", Pooling.forwardInto(PoolSpec.max(2, 2).build(), x, Tensor.zeros(1, 2, 4, 4), 1));
            assertTrue(Tuner.decisions().isEmpty());
        } finally {
            System.clearProperty(Kernels.FORCE_PROPERTY);
        }
    }
}
