package org.pooling4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The order of calls that {@link Timing#interleaved} makes, and what it counts. */
class TimingTest {
    /** A call that takes about a millisecond and logs which side ran. */
    private static Timing.Call logging(StringBuilder log, char side) {
        return () -> {
            log.append(side);
            Thread.sleep(1);
            return "label-" + side;
        };
    }

    @Test
    void roundsAlternateWhichSideGoesFirst() throws Exception {
        StringBuilder log = new StringBuilder();
        // 2 warm-up calls each, at least 6 timed calls each over 3 rounds, no time minimum.
        Timing.Plan plan = new Timing.Plan(2, 0, 0, 6, 0, 100, 3);
        Timing.Result[] r = Timing.interleaved(logging(log, 'a'), logging(log, 'b'), plan);
        String s = log.toString();
        // Warm-ups (a, then b); round 0 a then b; round 1 b then a; round 2 a then b. Each turn is
        // its settling calls (at least one, for at least 2 ms) and then its 2 timed calls.
        assertTrue(s.matches("aabb(a{3,})(b{6,})(a{6,})(b{3,})"), s);
        assertEquals(6, r[0].calls, s);
        assertEquals(6, r[1].calls, s);
        assertEquals("label-a", r[0].label);
        assertEquals("label-b", r[1].label);
        // Each timed call slept about a millisecond.
        assertTrue(r[0].minNanos >= 900_000 && r[0].medianNanos >= r[0].minNanos, r[0].medianNanos + "");
        assertTrue(r[1].minNanos >= 900_000 && r[1].medianNanos >= r[1].minNanos, r[1].medianNanos + "");
    }

    @Test
    void oneRoundIsTwoPlainMeasurements() throws Exception {
        StringBuilder log = new StringBuilder();
        Timing.Plan plan = new Timing.Plan(2, 0, 0, 5, 0, 5, 1);
        Timing.Result[] r = Timing.interleaved(logging(log, 'a'), logging(log, 'b'), plan);
        // No settling calls with a single round: the warm-ups, then 5 timed calls each.
        assertEquals("aabbaaaaabbbbb", log.toString());
        assertEquals(5, r[0].calls);
        assertEquals(5, r[1].calls);
    }

    @Test
    void theQuickPlanHasOneRoundAndTheStandardPlanTen() {
        assertEquals(1, Timing.Plan.quick().slices);
        assertEquals(10, Timing.Plan.standard().slices);
    }
}
