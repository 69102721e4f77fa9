package org.pooling4j.cli.jobs;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.pooling4j.cli.OutputFiles;
import org.pooling4j.cli.SafeText;
import org.pooling4j.internal.json.Json;

/**
 * Runs a JSON-lines jobs file: one job per line, each independent. A failing job prints its id and
 * the reason in one line; the others still run. The last line is {@code N passed, M failed}.
 *
 * <p>No job can take the others down:
 *
 * <ul>
 *   <li>the file is read whole before the first job runs, and each line is decoded on its own, so a
 *       line that is not UTF-8 or not JSON fails alone, naming the file and the line;
 *   <li>a job with a key its op does not accept fails before any work ({@code unknown key "kernel"
 *       (did you mean "kernel_size"?)}, {@link JobKeys});
 *   <li>a job whose output is one of its inputs, another of its outputs, a jobs file, or (unless
 *       allowed) outside the jobs file's folder fails before it reads or writes anything
 *       ({@link JobPaths});
 *   <li>a job that runs out of memory or stack fails alone ({@code out of memory}); any other
 *       unexpected exception fails the job as an internal error ({@link #internalErrors});
 *   <li>ids, keys and messages are printed escaped ({@link SafeText}), so that no id can start a line
 *       of its own or reach the terminal as an escape code.
 * </ul>
 */
public final class JobRunner {
    private final PrintStream out;
    private final boolean quiet;
    private final Function<String, JobFamily> families;
    private boolean allowOutside;
    private final Set<Path> jobsFiles = new LinkedHashSet<>();
    public int passed;
    public int failed;
    /** Failed jobs whose cause was a bug rather than the job (an unexpected exception), a subset of {@link #failed}. */
    public int internalErrors;

    public JobRunner(PrintStream out, boolean quiet) {
        this(out, quiet, JobFamilies::forOp);
    }

    /** A runner whose ops are looked up in {@code families} (tests give it families that misbehave). */
    JobRunner(PrintStream out, boolean quiet, Function<String, JobFamily> families) {
        this.out = out;
        this.quiet = quiet;
        this.families = families;
    }

    /**
     * Lets outputs be absolute paths or lead outside the jobs file's folder ({@code run
     * --allow-outside}); they are refused by default.
     */
    public JobRunner allowOutside(boolean allow) {
        this.allowOutside = allow;
        return this;
    }

    /**
     * Names every jobs file of the run, so that no job of any of them may write over one of them
     * (the file being run is always protected).
     */
    public JobRunner jobsFiles(Collection<Path> files) {
        for (Path f : files) jobsFiles.add(OutputFiles.real(f));
        return this;
    }

    /**
     * Runs every job of {@code file}; returns the number of failed jobs so far.
     *
     * @throws IOException when the file itself cannot be read (nothing of it has run then)
     */
    public int run(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path base = OutputFiles.real(dir);
        jobsFiles.add(OutputFiles.real(file));
        // Read whole: a job that writes over the file (refused anyway) cannot cut the run short.
        byte[] bytes = Files.readAllBytes(file);
        String name = SafeText.escape(file.toString());
        CharsetDecoder utf8 = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int line = 0;
        int start = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') end++;
            line++;
            String text = decode(utf8, bytes, start, end, line == 1);
            if (text == null) {
                fail(
                        "line " + line,
                        undecodable(utf8, bytes, start, end) + " (" + name + ", line " + line + ")",
                        false);
            } else {
                String t = text.trim();
                if (!t.isEmpty() && !t.startsWith("//")) runLine(t, line, name, dir, base);
            }
            // \n, \r\n and a lone \r each end a line, as BufferedReader.readLine reads them.
            start = end < bytes.length && bytes[end] == '\r' && end + 1 < bytes.length && bytes[end + 1] == '\n'
                    ? end + 2
                    : end + 1;
        }
        return failed;
    }

    /** The line as text, or null when it is not valid UTF-8; a byte order mark opening the file is dropped. */
    private static String decode(CharsetDecoder utf8, byte[] b, int start, int end, boolean first) {
        if (first
                && end - start >= 3
                && b[start] == (byte) 0xEF
                && b[start + 1] == (byte) 0xBB
                && b[start + 2] == (byte) 0xBF) start += 3;
        utf8.reset();
        CharBuffer chars = CharBuffer.allocate(end - start);
        CoderResult r = utf8.decode(ByteBuffer.wrap(b, start, end - start), chars, true);
        if (r.isError()) return null;
        r = utf8.flush(chars);
        if (r.isError()) return null;
        return chars.flip().toString();
    }

    /** Why the line does not decode: the first bad byte and where it is. */
    private static String undecodable(CharsetDecoder utf8, byte[] b, int start, int end) {
        utf8.reset();
        ByteBuffer in = ByteBuffer.wrap(b, start, end - start);
        CoderResult r = utf8.decode(in, CharBuffer.allocate(end - start), true);
        // The decoder stops at the first byte of the bad sequence (a character cut short included).
        int at = r.isError() ? in.position() : Math.max(start, end - 1);
        return String.format(
                Locale.ROOT,
                "not valid UTF-8: byte 0x%02X at byte %d of the line (jobs files are UTF-8)",
                b[at] & 0xff,
                at - start + 1);
    }

    private void runLine(String text, int line, String fileName, Path dir, Path base) {
        String id = "line " + line;
        long t0 = System.nanoTime();
        try {
            Object parsed;
            try {
                parsed = Json.parse(text);
            } catch (IllegalArgumentException e) {
                // The line is the whole JSON text: its line number is always 1 and says nothing.
                String msg = String.valueOf(e.getMessage())
                        .replaceFirst("^invalid JSON at line 1, column", "invalid JSON at column");
                throw new IllegalArgumentException(msg + " (" + fileName + ", line " + line + ")", e);
            }
            if (!(parsed instanceof Map))
                throw new IllegalArgumentException("a job must be a JSON object (" + fileName + ", line " + line + ")");
            @SuppressWarnings("unchecked")
            Map<String, Object> keys = (Map<String, Object>) parsed;
            Object idValue = keys.get("id");
            if (idValue != null) id = String.valueOf(idValue);
            Job job = new Job(id, keys, dir);
            JobFamily family = families.apply(job.op);
            if (family == null) {
                throw new IllegalArgumentException(
                        "op = \"" + job.op + "\": unknown operator; known: " + JobFamilies.describe());
            }
            JobKeys.check(job, family);
            JobPaths.check(job, family, dir, base, jobsFiles, allowOutside);
            String kernel = family.run(job);
            passed++;
            if (!quiet) {
                out.printf(
                        Locale.ROOT,
                        "ok    %s  %s  kernel=%s  %.2f ms%n",
                        SafeText.escape(id),
                        SafeText.escape(job.op),
                        SafeText.escape(kernel),
                        (System.nanoTime() - t0) / 1e6);
            }
        } catch (IOException | IllegalArgumentException e) {
            // The job's own fault: a bad key or value, a file it cannot read or write.
            fail(id, e.getMessage() == null ? e.toString() : e.getMessage(), false);
        } catch (OutOfMemoryError e) {
            // What the job allocated is garbage now: the next job has the heap back.
            fail(
                    id,
                    "out of memory (the job needs more heap than this JVM has; give the JVM more with -Xmx, e.g."
                            + " POOLING4J_JAVA_OPTS=-Xmx8g, or make the job smaller)",
                    false);
        } catch (StackOverflowError e) {
            fail(id, "out of stack (" + e + ")", false);
        } catch (RuntimeException | Error e) {
            StackTraceElement at = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
            fail(
                    id,
                    "internal error: " + e + (at == null ? "" : " at " + at) + " (please report this, with the job)",
                    true);
        }
    }

    private void fail(String id, String message, boolean internal) {
        failed++;
        if (internal) internalErrors++;
        out.printf(Locale.ROOT, "FAIL  %s: %s%n", SafeText.escape(id), SafeText.escape(message));
    }
}
