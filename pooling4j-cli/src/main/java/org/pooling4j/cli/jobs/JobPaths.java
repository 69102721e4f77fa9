package org.pooling4j.cli.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.pooling4j.cli.OutputFiles;

/**
 * The runner's check of where a job's files lead, made before the job reads or writes anything, so
 * that no job can destroy what it or the run needs. Paths are compared as {@link OutputFiles#real}
 * resolves them ({@code ..}, {@code .} and symbolic links followed), so that {@code y.npy},
 * {@code ./y.npy} and a link to it are one file. A job fails, naming the key and its value, when an
 * output is
 *
 * <ul>
 *   <li>one of the job's inputs ({@code "output": "x.npy"} with {@code "input": "x.npy"}),
 *   <li>another of its outputs ({@code "indices"} equal to {@code "output"}: one would overwrite the
 *       other),
 *   <li>one of the run's jobs files (writing it would cut off the jobs not yet read),
 *   <li>a directory, or
 *   <li>an absolute path or a path that leads outside the jobs file's folder, unless the run allows
 *       it ({@code run --allow-outside}).
 * </ul>
 */
final class JobPaths {
    private JobPaths() {}

    /**
     * @param base the real path of the jobs file's folder
     * @param jobsFiles the real paths of every jobs file of the run
     * @throws IllegalArgumentException {@code key "K" = "V": RULE}
     */
    static void check(Job job, JobFamily family, Path dir, Path base, Set<Path> jobsFiles, boolean allowOutside) {
        Set<String> outputKeys = family.outputKeys(job.op);
        Map<Path, String> outputs = new LinkedHashMap<>();
        for (String key : job.keyNames()) {
            if (!outputKeys.contains(key) || !(job.raw(key) instanceof String)) continue;
            String value = (String) job.raw(key);
            Path given = parse(job, key, value);
            if (given.isAbsolute() && !allowOutside) {
                throw job.bad(
                        key,
                        "an absolute output path; outputs are written under the jobs file's folder " + base
                                + " (give run --allow-outside to write elsewhere)");
            }
            Path real = OutputFiles.real(dir.resolve(given));
            if (!allowOutside && !real.startsWith(base)) {
                throw job.bad(
                        key,
                        "leads to " + real + ", outside the jobs file's folder " + base
                                + " (give run --allow-outside to write there)");
            }
            if (jobsFiles.contains(real) || sameFileIn(real, jobsFiles) != null) {
                throw job.bad(key, "is the jobs file " + real + "; writing it would destroy the jobs not yet run");
            }
            if (Files.isDirectory(real)) throw job.bad(key, "is a directory; give a file name");
            Path hardLinked = sameFileIn(real, outputs.keySet());
            if (hardLinked != null) real = hardLinked;
            String before = outputs.putIfAbsent(real, key);
            if (before != null) {
                throw job.bad(
                        key,
                        "is the same file as \"" + before + "\" (" + real + "); each output needs a file of its own");
            }
        }
        for (String key : job.keyNames()) {
            if (!JobFamily.FILE_KEYS.contains(key) || outputKeys.contains(key) || !(job.raw(key) instanceof String))
                continue;
            Path real = OutputFiles.real(dir.resolve(parse(job, key, (String) job.raw(key))));
            Path hardLinked = sameFileIn(real, outputs.keySet());
            String output = outputs.get(hardLinked != null ? hardLinked : real);
            if (output != null) {
                throw job.bad(
                        output,
                        "is the same file as the input \"" + key + "\" (" + real
                                + "); writing it would overwrite the input");
            }
        }
    }

    /**
     * The path of {@code among} that is the same existing file as {@code real} under another name (a
     * hard link), or null.
     */
    private static Path sameFileIn(Path real, Set<Path> among) {
        if (!Files.exists(real)) return null;
        for (Path p : among) {
            try {
                if (!p.equals(real) && Files.exists(p) && Files.isSameFile(p, real)) return p;
            } catch (IOException | SecurityException e) {
                // Unreadable attributes: the paths were compared already.
            }
        }
        return null;
    }

    private static Path parse(Job job, String key, String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw job.bad(key, "is not a valid path (" + e.getReason() + ")");
        }
    }
}
