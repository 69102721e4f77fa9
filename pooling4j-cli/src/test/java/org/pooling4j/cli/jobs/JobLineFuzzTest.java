package org.pooling4j.cli.jobs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.pooling4j.internal.json.Json;

/**
 * Fuzzes what the job runner does with one line before any work: the JSON parser ({@link Json}),
 * building the {@link Job}, finding its family and checking its keys ({@link JobKeys}), then every
 * typed accessor on every key. The only exception allowed out is an IllegalArgumentException with a
 * message (the runner prints it as the job's reason); any other throwable is a finding. Nothing is
 * read or written: paths are only resolved, against a temporary folder. The seeds (jobs of each
 * family and near misses) are in {@code JobLineFuzzTestInputs/jobLine}.
 */
class JobLineFuzzTest {
    private static Path dir;

    @BeforeAll
    static void setUp() throws IOException {
        dir = Files.createTempDirectory("job-line-fuzz");
    }

    @AfterAll
    static void tearDown() throws IOException {
        Files.deleteIfExists(dir);
    }

    @FuzzTest
    void jobLine(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (IllegalArgumentException e) {
            documented(e);
            return;
        }
        // The writer must give back text the parser reads as the same value.
        Object again = Json.parse(Json.write(parsed));
        assertTrue(Json.write(again).equals(Json.write(parsed)), "write/parse round trip changed " + text);
        if (!(parsed instanceof Map)) return;
        @SuppressWarnings("unchecked")
        Map<String, Object> keys = (Map<String, Object>) parsed;
        Job job;
        JobFamily family;
        try {
            job = new Job(String.valueOf(keys.get("id")), keys, dir);
            family = JobFamilies.forOp(job.op);
            if (family == null) return;
            JobKeys.check(job, family);
        } catch (IllegalArgumentException e) {
            documented(e);
            return;
        }
        List<String> names = new ArrayList<>(job.keyNames());
        for (String key : names) {
            access(() -> job.ints(key, 2, new int[] {1, 1}));
            access(() -> job.ints(key, 3, null));
            access(() -> job.intsFull(key));
            access(() -> job.bool(key, false));
            access(() -> job.dbl(key));
            access(() -> job.str(key, ""));
            access(() -> job.path(key));
        }
    }

    private static void access(Runnable r) {
        try {
            r.run();
        } catch (IllegalArgumentException e) {
            documented(e);
        }
    }

    private static void documented(IllegalArgumentException e) {
        assertNotNull(e.getMessage(), e.toString());
        assertFalse(e.getMessage().isBlank(), e.toString());
    }
}
