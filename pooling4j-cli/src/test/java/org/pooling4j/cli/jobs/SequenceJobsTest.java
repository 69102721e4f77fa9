package org.pooling4j.cli.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.Tensor;
import org.pooling4j.cli.CliTest;
import org.pooling4j.io.Npy;
import org.pooling4j.io.NpyArray;

/**
 * {@code sequence_pool} and {@code sequence_pool_backward} through the job runner against hand-worked
 * values: masks of several dtypes, lengths padded on either side, concatenated modes, and each bad input
 * failing its job with the key, the value and the rule. Values against sentence-transformers are in the
 * core's golden test.
 */
class SequenceJobsTest {
    @TempDir
    Path dir;

    /**
     * Two sequences of three tokens, D = 2: {@code [1,2] [3,4] [5,6]} and {@code [10,20] [30,40] [50,60]};
     * the mask {@code [[1,1,0],[0,1,1]]} pads the first on the right and the second on the left.
     */
    private void files() throws Exception {
        Npy.write(dir.resolve("x.npy"), Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60}, 2, 3, 2));
        Npy.write(dir.resolve("m64.npy"), NpyArray.of(new long[] {1, 1, 0, 0, 1, 1}, 2, 3));
        Npy.write(dir.resolve("m8.npy"), NpyArray.ofUint8(new byte[] {1, 1, 0, 0, 1, 1}, 2, 3));
        Npy.write(dir.resolve("mf.npy"), NpyArray.of(new float[] {1, 1, 0, 0, 1, 1}, 2, 3));
        Npy.write(dir.resolve("md.npy"), NpyArray.of(new double[] {1, 1, 0, 0, 1, 1}, 2, 3));
        Npy.write(dir.resolve("len.npy"), NpyArray.of(new int[] {2, 2}, 2));
        Npy.write(dir.resolve("g.npy"), Tensor.of(new float[] {2, 2, 1, 1, 4, 4, 1, 1}, 2, 4));
        Npy.write(dir.resolve("m2.npy"), NpyArray.of(new long[] {1, 2, 0, 0, 1, 1}, 2, 3));
        Npy.write(dir.resolve("mhalf.npy"), NpyArray.of(new double[] {1, 1, 0, 0, 0.9999999999, 1}, 2, 3));
        Npy.write(dir.resolve("mshape.npy"), NpyArray.of(new long[] {1, 1, 1, 1}, 2, 2));
        Npy.write(dir.resolve("len4.npy"), NpyArray.of(new long[] {3, 4}, 2));
        Npy.write(dir.resolve("lenf.npy"), NpyArray.of(new float[] {1, 2}, 2));
        Npy.write(dir.resolve("x2.npy"), Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
    }

    private String run(String... jobs) throws Exception {
        Files.writeString(dir.resolve("jobs.jsonl"), String.join("\n", jobs));
        return (String) CliTest.cli("run", dir.resolve("jobs.jsonl").toString())[1];
    }

    private static String job(String id, String op, String rest) {
        return "{\"id\": \"" + id + "\", \"op\": \"" + op + "\", \"input\": \"x.npy\", " + rest + "}";
    }

    private float[] read(String file) throws Exception {
        return Npy.readTensor(dir.resolve(file)).data();
    }

    @Test
    void forwardAndBackwardByHand() throws Exception {
        files();
        String text = run(
                job(
                        "mean-max",
                        "sequence_pool",
                        "\"mode\": [\"mean\", \"max\"], \"attention_mask\": \"m64.npy\", \"output\": \"a.npy\""),
                job(
                        "uint8",
                        "sequence_pool",
                        "\"mode\": [\"mean\", \"max\"], \"attention_mask\": \"m8.npy\", \"output\": \"b.npy\""),
                job(
                        "float64",
                        "sequence_pool",
                        "\"mode\": [\"mean\", \"max\"], \"attention_mask\": \"md.npy\", \"output\": \"c.npy\""),
                job(
                        "weighted",
                        "sequence_pool",
                        "\"mode\": \"weightedmean\", \"attention_mask\": \"mf.npy\", \"output\": \"w.npy\""),
                job(
                        "left",
                        "sequence_pool",
                        "\"mode\": [\"cls\", \"lasttoken\"], \"lengths\": \"len.npy\", \"padding_side\": \"left\", \"output\": \"l.npy\""),
                job("right", "sequence_pool", "\"mode\": \"cls\", \"lengths\": \"len.npy\", \"output\": \"r.npy\""),
                job("default", "sequence_pool", "\"output\": \"d.npy\""),
                job(
                        "gem",
                        "sequence_pool",
                        "\"mode\": \"gem\", \"p\": 1, \"attention_mask\": \"m64.npy\", \"output\": \"gem.npy\""),
                job(
                        "grad",
                        "sequence_pool_backward",
                        "\"mode\": [\"mean\", \"max\"], \"attention_mask\": \"m64.npy\", \"grad_output\": \"g.npy\", \"output\": \"gx.npy\""));
        assertTrue(text.trim().endsWith("9 passed, 0 failed"), text);
        float[] meanMax = {2, 3, 3, 4, 40, 50, 50, 60};
        assertArrayEquals(meanMax, read("a.npy"));
        assertArrayEquals(meanMax, read("b.npy"));
        assertArrayEquals(meanMax, read("c.npy"));
        // row 0: (1*[1,2] + 2*[3,4]) / 3; row 1: (2*[30,40] + 3*[50,60]) / 5
        assertArrayEquals(new float[] {7f / 3, 10f / 3, 42, 52}, read("w.npy"), 1e-5f);
        // left padding, lengths 2: masks [0,1,1] twice
        assertArrayEquals(new float[] {3, 4, 5, 6, 30, 40, 50, 60}, read("l.npy"));
        assertArrayEquals(new float[] {1, 2, 10, 20}, read("r.npy"));
        // no mask: the mean of all three tokens
        assertArrayEquals(new float[] {3, 4, 30, 40}, read("d.npy"));
        // GeM with p = 1 is the mean of the unmasked tokens
        assertArrayEquals(new float[] {2, 3, 40, 50}, read("gem.npy"), 1e-5f);
        // mean spreads g/2 over the two tokens, max adds g to the largest
        assertArrayEquals(new float[] {1, 1, 2, 2, 0, 0, 0, 0, 2, 2, 3, 3}, read("gx.npy"));
        Tensor gx = Npy.readTensor(dir.resolve("gx.npy"));
        assertArrayEquals(new int[] {2, 3, 2}, gx.shape());
    }

    @Test
    void badInputFailsTheJobWithTheRule() throws Exception {
        files();
        String[][] cases = {
            {
                job(
                        "both",
                        "sequence_pool",
                        "\"attention_mask\": \"m64.npy\", \"lengths\": \"len.npy\", \"output\": \"o.npy\""),
                "key \"lengths\" = \"len.npy\": give either attention_mask or lengths, not both"
            },
            {
                job("mask-shape", "sequence_pool", "\"attention_mask\": \"mshape.npy\", \"output\": \"o.npy\""),
                "holds shape [2, 2]; must be (N, L) = [2, 3]"
            },
            {
                job("mask-two", "sequence_pool", "\"attention_mask\": \"m2.npy\", \"output\": \"o.npy\""),
                "key \"attention_mask\" = \"m2.npy\": holds 2 at [0, 1]; an attention mask holds only 0 (padding) and 1"
            },
            {
                job("mask-almost-one", "sequence_pool", "\"attention_mask\": \"mhalf.npy\", \"output\": \"o.npy\""),
                "holds 0.9999999999 at [1, 1]"
            },
            {
                job("length-range", "sequence_pool", "\"lengths\": \"len4.npy\", \"output\": \"o.npy\""),
                "key \"lengths\" = \"len4.npy\": holds 4 at [1]; a length must lie in [0, 3]"
            },
            {
                job("length-float", "sequence_pool", "\"lengths\": \"lenf.npy\", \"output\": \"o.npy\""),
                "holds dtype <f4; lengths must be integers"
            },
            {
                job(
                        "side-mask",
                        "sequence_pool",
                        "\"attention_mask\": \"m64.npy\", \"padding_side\": \"left\", \"output\": \"o.npy\""),
                "key \"padding_side\" = \"left\": applies to lengths only"
            },
            {
                job(
                        "side-word",
                        "sequence_pool",
                        "\"lengths\": \"len.npy\", \"padding_side\": \"top\", \"output\": \"o.npy\""),
                "key \"padding_side\" = \"top\": must be \"right\" or \"left\""
            },
            {
                job("mode-unknown", "sequence_pool", "\"mode\": [\"mean\", \"median\"], \"output\": \"o.npy\""),
                "\"median\" is not a mode; use one of cls, lasttoken, max, mean, mean_sqrt_len_tokens, weightedmean, gem"
            },
            {
                job("mode-empty", "sequence_pool", "\"mode\": [], \"output\": \"o.npy\""),
                "key \"mode\" = []: must be a mode name or a non-empty list"
            },
            {
                job("p-zero", "sequence_pool", "\"mode\": \"gem\", \"p\": 0, \"output\": \"o.npy\""),
                "key \"p\" = 0: must be finite and > 0"
            },
            {
                "{\"id\": \"rank\", \"op\": \"sequence_pool\", \"input\": \"x2.npy\", \"output\": \"o.npy\"}",
                "holds shape [2, 2]; sequence_pool needs (N, L, D) token embeddings"
            },
            {
                job(
                        "grad-shape",
                        "sequence_pool_backward",
                        "\"mode\": \"mean\", \"grad_output\": \"g.npy\", \"output\": \"o.npy\""),
                "holds shape [2, 4]; must be (N, modes * D) = [2, 2]"
            },
            {
                job("typo", "sequence_pool", "\"lenghts\": \"len.npy\", \"output\": \"o.npy\""),
                "unknown key \"lenghts\" (did you mean \"lengths\"?)"
            },
        };
        List<String> jobs = new ArrayList<>();
        for (String[] c : cases) jobs.add(c[0]);
        String text = run(jobs.toArray(new String[0]));
        for (String[] c : cases) {
            String id = c[0].substring(8, c[0].indexOf('"', 8));
            assertTrue(
                    text.contains("FAIL  " + id + ": ") && text.contains(c[1]),
                    "no \"" + c[1] + "\" for " + id + " in\n" + text);
        }
        assertTrue(text.trim().endsWith("0 passed, " + cases.length + " failed"), text);
        assertFalse(Files.exists(dir.resolve("o.npy")), "a rejected job wrote its output");
    }
}
