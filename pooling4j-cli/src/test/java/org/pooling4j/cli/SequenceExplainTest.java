package org.pooling4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.Tensor;
import org.pooling4j.io.Npy;

/** {@code explain --op sequence_mean} and the other sequence modes, against the hand-worked example. */
class SequenceExplainTest {
    @TempDir
    Path dir;

    @Test
    void sequenceMeanWorkedExample() {
        Object[] r = CliTest.cli("explain", "--op", "sequence_mean");
        String out = (String) r[1];
        System.out.println(out);
        assertEquals(0, r[0], out);
        assertTrue(out.contains("Token embeddings 3x4x2 (N, L, D)"), out);
        assertTrue(out.contains(" sequence 0 (mask 1 1 1 0, padded on the right):"), out);
        assertTrue(out.contains(" sequence 1 (mask 0 0 1 1, padded on the left):"), out);
        assertTrue(out.contains(" sequence 2 (mask 0 0 0 0, all zeros):"), out);
        // (1+3+5)/3, (2+4+6)/3; (6+8)/2, (2+3)/2; an all-zero row gives zeros
        assertTrue(out.contains("  out[0] = ([1, 2] + [3, 4] + [5, 6]) / 3 = [3, 4]"), out);
        assertTrue(out.contains("  out[1] = ([6, 2] + [8, 3]) / 2 = [7, 2.5]"), out);
        assertTrue(out.contains("  out[2] = 0 / 1e-9 = [0, 0]"), out);
    }

    @Test
    void otherModesAndAnInputFile() throws Exception {
        String out =
                (String) CliTest.cli("explain", "--op", "sequence_lasttoken,sequence_max,sequence_weightedmean")[1];
        assertTrue(out.contains("  out[0] = token 2 = [5, 6]"), out);
        assertTrue(out.contains("  out[2] = token 0 * 0 (no token has mask 1) = [0, 0]"), out);
        assertTrue(out.contains("  out[1] = max{[6, 2], [8, 3]} = [8, 3]"), out);
        assertTrue(out.contains("  out[2] = max over no token = [-Infinity, -Infinity]"), out);
        // (3*6 + 4*8) / 7 = 50/7, (3*2 + 4*3) / 7 = 18/7
        assertTrue(out.contains("  out[1] = (3*[6, 2] + 4*[8, 3]) / 7 = [7.14286, 2.57143]"), out);
        Npy.write(dir.resolve("x.npy"), Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
        out = (String)
                CliTest.cli(
                        "explain",
                        "--op",
                        "sequence_cls",
                        "--input",
                        dir.resolve("x.npy").toString())[1];
        assertTrue(out.contains("(every token counts)") && out.contains("  out[0] = token 0 = [1, 2]"), out);
    }

    @Test
    void unknownSequenceModeAndMixedOps() {
        Object[] r = CliTest.cli("explain", "--op", "sequence_median");
        assertEquals(2, r[0]);
        assertTrue(
                ((String) r[1])
                        .contains(
                                "--op sequence_median: unknown; the sequence ops are sequence_cls, sequence_lasttoken"),
                (String) r[1]);
        r = CliTest.cli("explain", "--op", "sequence_mean,max");
        assertEquals(2, r[0]);
        assertTrue(((String) r[1]).contains("cannot be explained together"), (String) r[1]);
    }
}
