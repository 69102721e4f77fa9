package org.pooling4j.cli.jobs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.pooling4j.internal.json.Json;

/**
 * Runs a JSON-lines jobs file: one job per line, each independent. A failing job prints its id and
 * the reason; the others still run. The last line is {@code N passed, M failed}. A job with a key
 * its op does not accept fails before any work ({@code unknown key "kernel" (did you mean
 * "kernel_size"?)}).
 */
public final class JobRunner {
    private final PrintStream out;
    private final boolean quiet;
    public int passed;
    public int failed;

    public JobRunner(PrintStream out, boolean quiet) {
        this.out = out;
        this.quiet = quiet;
    }

    /** Runs every job of {@code file}; returns the number of failed jobs. */
    public int run(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        int line = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            while ((text = in.readLine()) != null) {
                line++;
                String t = text.trim();
                if (t.isEmpty() || t.startsWith("//")) continue;
                runLine(t, line, dir);
            }
        }
        return failed;
    }

    private void runLine(String text, int line, Path dir) {
        String id = "line " + line;
        long t0 = System.nanoTime();
        try {
            Object parsed = Json.parse(text);
            if (!(parsed instanceof Map)) throw new IllegalArgumentException("a job must be a JSON object");
            @SuppressWarnings("unchecked")
            Map<String, Object> keys = (Map<String, Object>) parsed;
            Object idValue = keys.get("id");
            if (idValue != null) id = String.valueOf(idValue);
            Job job = new Job(id, keys, dir);
            JobFamily family = JobFamilies.forOp(job.op);
            if (family == null) {
                throw new IllegalArgumentException(
                        "op = \"" + job.op + "\": unknown operator; known: " + JobFamilies.describe());
            }
            JobKeys.check(job, family);
            String kernel = family.run(job);
            passed++;
            if (!quiet) {
                out.printf(
                        Locale.ROOT,
                        "ok    %s  %s  kernel=%s  %.2f ms%n",
                        id,
                        job.op,
                        kernel,
                        (System.nanoTime() - t0) / 1e6);
            }
        } catch (IOException | RuntimeException e) {
            failed++;
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            if (!(e instanceof IllegalArgumentException
                    || e instanceof IOException
                    || e instanceof NullPointerException)) {
                msg = e.getClass().getSimpleName() + ": " + msg;
            }
            out.printf(Locale.ROOT, "FAIL  %s: %s%n", id, msg);
        }
    }
}
