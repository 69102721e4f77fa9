package org.pooling4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pooling4j.cli.CliTest.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.Layout;
import org.pooling4j.Tensor;
import org.pooling4j.io.Npy;

/**
 * Keras's padding words, "same" and "valid", in the job runner and on the command line. On the 4x4
 * input 1..16 with a 3x3 window and stride 2, "same" gives ceil(4 / 2) = 2 outputs per axis and needs
 * (2 - 1) * 2 + 3 - 4 = 1 cell of padding, at the end: the windows cover rows (and columns) 0..2 and
 * 2..3 (plus the padded row 4). Max: 11, 12, 15, 16. Average over the cells inside the input only:
 * {1,2,3,5,6,7,9,10,11} = 54 / 9 = 6, {3,4,7,8,11,12} = 45 / 6 = 7.5, {9,10,11,13,14,15} = 72 / 6 = 12,
 * {11,12,15,16} = 54 / 4 = 13.5. "valid" keeps the one window inside: max 11, average 6.
 */
class KerasPaddingTest {
    @TempDir
    Path dir;

    private static float[] oneToSixteen() {
        float[] d = new float[16];
        for (int i = 0; i < 16; i++) d[i] = i + 1;
        return d;
    }

    private float[] out(String name) throws Exception {
        return Npy.readTensor(dir.resolve(name)).data();
    }

    @Test
    void jobRunnerAcceptsSameAndValidInAnyCase() throws Exception {
        Npy.write(dir.resolve("x.npy"), Tensor.of(oneToSixteen(), 1, 1, 4, 4));
        // The same values as one channel-last picture: (1, 4, 4, 1) has the same memory order.
        Npy.write(dir.resolve("nhwc.npy"), new Tensor(oneToSixteen(), new int[] {1, 4, 4, 1}, Layout.CHANNELS_LAST));
        Files.writeString(
                dir.resolve("jobs.jsonl"),
                String.join(
                        "\n",
                        "{\"id\": \"tmax\", \"op\": \"max_pool2d\", \"kernel_size\": 3, \"stride\": 2, \"padding\": \"same\", \"input\": \"x.npy\", \"output\": \"tmax.npy\"}",
                        "{\"id\": \"tavg\", \"op\": \"avg_pool2d\", \"kernel_size\": 3, \"stride\": 2, \"padding\": \"same\", \"input\": \"x.npy\", \"output\": \"tavg.npy\"}",
                        "{\"id\": \"tvalid\", \"op\": \"avg_pool2d\", \"kernel_size\": 3, \"stride\": 2, \"padding\": \"valid\", \"input\": \"x.npy\", \"output\": \"tvalid.npy\"}",
                        "{\"id\": \"kmax\", \"op\": \"tf.nn.max_pool2d\", \"ksize\": 3, \"strides\": 2, \"padding\": \"same\", \"input\": \"nhwc.npy\", \"output\": \"kmax.npy\"}",
                        "{\"id\": \"kavg\", \"op\": \"tf.nn.avg_pool2d\", \"ksize\": 3, \"strides\": 2, \"padding\": \"Same\", \"input\": \"nhwc.npy\", \"output\": \"kavg.npy\"}",
                        "{\"id\": \"kvalid\", \"op\": \"tf.nn.max_pool2d\", \"ksize\": 3, \"strides\": 2, \"padding\": \"valid\", \"input\": \"nhwc.npy\", \"output\": \"kvalid.npy\"}",
                        "{\"id\": \"bad\", \"op\": \"max_pool2d\", \"kernel_size\": 3, \"padding\": \"full\", \"input\": \"x.npy\", \"output\": \"bad.npy\"}"));
        Object[] r = cli("run", dir.resolve("jobs.jsonl").toString());
        String text = (String) r[1];
        assertTrue(text.trim().endsWith("6 passed, 1 failed"), text);
        assertTrue(
                text.contains("FAIL  bad: key \"padding\" = \"full\": must be an int, a list of ints or \"same\" or"
                        + " \"valid\""),
                text);
        assertArrayEquals(new float[] {11, 12, 15, 16}, out("tmax.npy"));
        assertArrayEquals(new float[] {6, 7.5f, 12, 13.5f}, out("tavg.npy"));
        assertArrayEquals(new float[] {6}, out("tvalid.npy"));
        assertArrayEquals(new float[] {11, 12, 15, 16}, out("kmax.npy"));
        assertArrayEquals(new float[] {6, 7.5f, 12, 13.5f}, out("kavg.npy"));
        assertArrayEquals(new float[] {11}, out("kvalid.npy"));
    }

    @Test
    void explainAcceptsSameAndValid() {
        Object[] r = cli("explain", "--op", "max,avg", "--kernel", "3", "--stride", "2", "--padding", "same");
        String text = (String) r[1];
        assertEquals(0, r[0], text);
        assertTrue(text.matches("(?s).*Output:\\s+11\\s+12\\s+15\\s+16.*"), text);
        assertTrue(text.matches("(?s).*Output:\\s+6\\s+7\\.5\\s+12\\s+13\\.5.*"), text);
        r = cli("explain", "--op", "max", "--kernel", "3", "--stride", "2", "--padding", "VALID");
        assertEquals(0, r[0], (String) r[1]);
        assertTrue(((String) r[1]).matches("(?s).*Output:\\s+11\\s*$"), (String) r[1]);
    }

    @Test
    void imageAcceptsSame() throws Exception {
        Path out = dir.resolve("same.png");
        Object[] r = cli(
                "image",
                "--sample",
                "--op",
                "max",
                "--kernel",
                "3",
                "--stride",
                "2",
                "--padding",
                "same",
                "--out",
                out.toString());
        assertEquals(0, r[0], (String) r[1]);
        // 128 / 2 = 64 pixels a side, as Keras's "same" gives; without padding it would be 63.
        assertEquals(64, javax.imageio.ImageIO.read(out.toFile()).getWidth());
    }
}
