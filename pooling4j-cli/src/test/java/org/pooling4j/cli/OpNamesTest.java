package org.pooling4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pooling4j.cli.CliTest.cli;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One vocabulary of pooling kinds across explain, image and train, with the README's old spellings as aliases. */
class OpNamesTest {
    @TempDir
    Path dir;

    @Test
    void aliasesMapToTheJobRunnersWords() {
        assertEquals("weighted_avg", OpNames.canonical("gaussian"));
        assertEquals("adaptive_avg", OpNames.canonical("Adaptive"));
        assertEquals("global_avg", OpNames.canonical("global"));
        assertEquals("fractional_max", OpNames.canonical("fractional"));
        assertEquals("lp", OpNames.canonical("lp4"));
        assertEquals(4.0, OpNames.impliedP("lp4"));
        assertEquals("max", OpNames.canonical(" MAX "));
        assertEquals("gaussian", OpNames.layerKind("weighted_avg"));
        assertEquals("fractional", OpNames.layerKind("fractional_max"));
        assertEquals("lp2", OpNames.layerKind("lp"));
        assertEquals("lp4", OpNames.layerKind("lp4"));
    }

    /** explain takes the same words as image: the canonical and the alias give the same worked example. */
    @Test
    void explainAcceptsCanonicalNamesAndAliases() {
        String canonical = (String) cli("explain", "--op", "weighted_avg,adaptive_avg,global_avg")[1];
        String alias = (String) cli("explain", "--op", "gaussian,adaptive,global")[1];
        assertEquals(canonical, alias);
        // Global average of 1..16 is 8.5; lp4 of the window {1, 2, 5, 6} is (1 + 16 + 625 + 1296)^(1/4) = 6.6353...
        assertTrue(canonical.contains("= 8.5"), canonical);
        String lp4 = (String) cli("explain", "--op", "lp4")[1];
        assertTrue(lp4.contains("p=4") || lp4.contains("p = 4") || lp4.contains("6.635"), lp4);
        Object[] bad = cli("explain", "--op", "median");
        assertEquals(2, bad[0]);
        assertTrue(((String) bad[1]).contains("also accepted: gaussian = weighted_avg"), (String) bad[1]);
    }

    @Test
    void imageAcceptsCanonicalNamesAndAliases() {
        for (String op : new String[] {"weighted_avg", "gaussian", "fractional_max", "fractional", "adaptive_avg"}) {
            Object[] r = cli(
                    "image",
                    "--sample",
                    "--op",
                    op,
                    "--out",
                    dir.resolve(op + ".png").toString());
            assertEquals(0, r[0], op + ": " + r[1]);
        }
    }
}
