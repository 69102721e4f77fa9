package org.pooling4j.cli.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.LongTensor;
import org.pooling4j.Tensor;
import org.pooling4j.io.Npy;
import org.pooling4j.monitor.PoolMonitor;
import org.pooling4j.monitor.PoolStats;

/** The job runner names the kernel that ran each job, the same name the library's monitor records. */
class KernelReportTest {
    private static final Pattern OK = Pattern.compile("^ok +(\\S+) +(\\S+) +kernel=(\\S+) .*");

    @TempDir
    Path dir;

    @Test
    void everyJobReportsTheKernelTheMonitorSaw() throws IOException {
        float[] x = new float[16];
        for (int i = 0; i < x.length; i++) x[i] = i + 1;
        Npy.write(dir.resolve("x.npy"), Tensor.of(x, 1, 1, 4, 4));
        Npy.write(dir.resolve("g.npy"), Tensor.of(new float[] {1, 1, 1, 1}, 1, 1, 2, 2));
        // Pooled values 6, 8, 14, 16 of max 2x2 on 1..16, with their per-plane indices 5, 7, 13, 15.
        Npy.write(dir.resolve("p.npy"), Tensor.of(new float[] {6, 8, 14, 16}, 1, 1, 2, 2));
        Npy.write(
                dir.resolve("i.npy"),
                new LongTensor(new long[] {5, 7, 13, 15}, new int[] {1, 1, 2, 2}, org.pooling4j.Layout.CHANNELS_FIRST));
        Path file = dir.resolve("jobs.jsonl");
        Files.write(
                file,
                List.of(
                        "{\"id\": \"avg\", \"op\": \"avg_pool2d\", \"kernel_size\": 2, \"input\": \"x.npy\", \"output\": \"a.npy\"}",
                        "{\"id\": \"avgb\", \"op\": \"avg_pool2d_backward\", \"kernel_size\": 2, \"input\": \"x.npy\", \"grad_output\": \"g.npy\", \"output\": \"ga.npy\"}",
                        "{\"id\": \"tf\", \"op\": \"tf.nn.avg_pool2d\", \"ksize\": 2, \"strides\": 2, \"padding\": \"VALID\", \"data_format\": \"NCHW\", \"input\": \"x.npy\", \"output\": \"t.npy\"}",
                        "{\"id\": \"mixed\", \"op\": \"mixed_pool2d\", \"kernel_size\": 2, \"alpha\": 0.5, \"input\": \"x.npy\", \"output\": \"m.npy\"}",
                        "{\"id\": \"unpool\", \"op\": \"max_unpool2d\", \"kernel_size\": 2, \"input\": \"p.npy\", \"indices\": \"i.npy\", \"output\": \"u.npy\"}"),
                StandardCharsets.UTF_8);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PoolMonitor.reset();
        PoolMonitor.enable();
        try {
            JobRunner runner = new JobRunner(new PrintStream(buf, true, StandardCharsets.UTF_8), false);
            runner.run(file);
            assertEquals(5, runner.passed, buf.toString(StandardCharsets.UTF_8));
        } finally {
            PoolMonitor.disable();
        }
        List<String> recorded = new ArrayList<>();
        for (PoolStats s : PoolMonitor.snapshot(false)) recorded.add(s.op() + " " + s.direction() + " " + s.kernel());
        List<String> log = buf.toString(StandardCharsets.UTF_8).lines().toList();
        String[][] want = {
            {"avg", "forward"}, {"avg", "backward"}, {"avg", "forward"}, {"mixed", "forward"}, {"max_unpool", "forward"}
        };
        for (int i = 0; i < want.length; i++) {
            Matcher m = OK.matcher(log.get(i));
            assertTrue(m.matches(), log.get(i));
            String key = want[i][0] + " " + want[i][1] + " " + m.group(3);
            assertTrue(
                    recorded.contains(key),
                    "job " + m.group(1) + " reported " + m.group(3) + "; the monitor saw " + recorded);
        }
        // Unpooling runs its own loops, and says so in both places.
        assertTrue(log.get(4).contains("kernel=unpool-scalar"), log.get(4));
    }
}
