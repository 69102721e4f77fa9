package org.pooling4j.cli.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.cli.CliTest;
import org.pooling4j.cli.Main;

/**
 * {@code pooling4j top} against real child JVMs running {@link PoolingLoop}. Attaching needs the
 * Attach API to work between JVMs of the same user, as it does on Linux and macOS; where it does not,
 * these tests fail rather than skip, since then {@code top} does not work there either.
 */
class TopCommandTest {
    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A started {@link PoolingLoop} and the kernel it reported. */
    record Child(Process process, String kernel) {
        long pid() {
            return process.pid();
        }
    }

    /** Starts a PoolingLoop JVM that runs for {@code seconds} and waits for its "ready" line. */
    Child startLoop(double seconds, String... more) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Path err = dir.resolve("child-" + children.size() + ".err");
        Process p = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Dpooling4j.bandwidth.gbps=20",
                        PoolingLoop.class.getName(),
                        Double.toString(seconds),
                        more.length > 0 ? more[0] : "")
                .redirectError(err.toFile())
                .start();
        children.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        try {
            line = CompletableFuture.supplyAsync(() -> {
                        try {
                            return out.readLine();
                        } catch (java.io.IOException e) {
                            return null;
                        }
                    })
                    .get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            line = null;
        }
        if (line == null || !line.startsWith("ready ")) {
            fail("PoolingLoop did not start: stdout " + line + ", stderr: "
                    + (Files.exists(err) ? Files.readString(err) : ""));
        }
        return new Child(p, line.substring("ready ".length()).trim());
    }

    @Test
    @Timeout(60)
    void showsTheTargetsCallsThenRefusesTheDeadProcess() throws Exception {
        Child c = startLoop(60);
        Object[] r = CliTest.cli("top", "--pid", Long.toString(c.pid()), "--count", "2", "--interval", "1");
        String text = (String) r[1];
        assertEquals(0, r[0], text);
        assertEquals(2, text.split("pooling4j top  pid " + c.pid(), -1).length - 1, "two refreshes expected:\n" + text);
        String key = "max forward " + c.kernel() + " channels_first " + PoolingLoop.INPUT + "->" + PoolingLoop.OUTPUT;
        double best = 0;
        for (String line : text.split("\n")) {
            if (line.endsWith(key))
                best = Math.max(best, Double.parseDouble(line.trim().split("\\s+")[0]));
        }
        assertTrue(best > 0, "no refresh shows calls/s > 0 for " + key + ":\n" + text);
        // The bandwidth comes from the target's -Dpooling4j.bandwidth.gbps, read over JMX.
        assertTrue(text.contains("copy bandwidth: 20.0 GB/s (the target's -Dpooling4j.bandwidth.gbps)"), text);

        c.process().destroyForcibly();
        assertTrue(c.process().waitFor(10, TimeUnit.SECONDS), "child did not die");
        r = CliTest.cli("top", "--pid", Long.toString(c.pid()), "--count", "1");
        assertEquals(2, r[0], (String) r[1]);
        assertEquals("pooling4j top: --pid " + c.pid() + ": no such process", ((String) r[1]).trim());
    }

    @Test
    @Timeout(60)
    void endsWithStatus0WhenTheTargetExits() throws Exception {
        // The target exits 3 s after top has attached (started its recording), however long that took.
        Child c = startLoop(3, "after-watch");
        Object[] r = CliTest.cli("top", "--pid", Long.toString(c.pid()), "--interval", "0.5");
        String text = (String) r[1];
        assertEquals(0, r[0], text);
        assertTrue(text.contains("pooling4j top: pid " + c.pid() + " exited"), text);
        assertTrue(c.process().waitFor(5, TimeUnit.SECONDS), "child still running after top saw it exit");
    }

    @Test
    @Timeout(90)
    void ctrlCEndsWithStatus0() throws Exception {
        Child c = startLoop(60);
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Path err = dir.resolve("top.err");
        List<String> cmd = new ArrayList<>();
        // A process started in the background inherits SIGINT ignored (shells start background jobs so),
        // and a JVM then never sees the signal; GNU env gives top the default disposition back, as a
        // terminal's foreground job has it.
        if (envResetsSignals()) cmd.addAll(List.of("env", "--default-signal=INT"));
        cmd.addAll(List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "top",
                "--pid",
                Long.toString(c.pid()),
                "--interval",
                "0.5"));
        Process top = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        children.add(top);
        BufferedReader out = new BufferedReader(new InputStreamReader(top.getInputStream(), StandardCharsets.UTF_8));
        // Interrupt once the first table is out, so the stream to the target is up.
        String first = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (java.io.IOException e) {
                        return null;
                    }
                })
                .get(30, TimeUnit.SECONDS);
        assertTrue(
                first != null && first.startsWith("pooling4j top  pid " + c.pid()),
                "first line " + first + ", stderr: " + Files.readString(err));
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(top.pid()))
                .inheritIO()
                .start();
        assertEquals(0, kill.waitFor(), "kill -INT failed");
        // Top ends at most TopCommand.EXIT_WAIT_SECONDS after the signal, however slow closing is.
        assertTrue(top.waitFor(TopCommand.EXIT_WAIT_SECONDS + 15, TimeUnit.SECONDS), "top still running after SIGINT");
        String stderr = Files.readString(err);
        assertEquals(0, top.exitValue(), stderr);
        assertTrue(stderr.contains("pooling4j top: stopped"), stderr);
        assertTrue(c.process().isAlive(), "the target must outlive top");
    }

    /** Whether {@code env --default-signal} (GNU coreutils 8.31 and later) is there. */
    private static boolean envResetsSignals() {
        try {
            Process p = new ProcessBuilder("env", "--default-signal=INT", "true")
                    .redirectErrorStream(true)
                    .start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void refusesAProcessThatIsNotAJvm() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "30").start();
        children.add(sleep);
        Object[] r = CliTest.cli("top", "--pid", Long.toString(sleep.pid()));
        assertEquals(2, r[0], (String) r[1]);
        assertTrue(
                ((String) r[1]).contains("pooling4j top: --pid " + sleep.pid() + ": not a JVM the Attach API can see"),
                (String) r[1]);
        assertTrue(sleep.isAlive(), "top must not signal a process that is not a JVM");
    }

    @Test
    void rejectsBadOptions() {
        Object[] r = CliTest.cli("top", "--pid", "1", "--interval", "0");
        assertEquals(2, r[0], (String) r[1]);
        assertEquals("pooling4j top: --interval 0.0: must be between 0.1 and 3600 seconds", ((String) r[1]).trim());
        r = CliTest.cli("top", "--pid", Long.toString(ProcessHandle.current().pid()));
        assertEquals(2, r[0], (String) r[1]);
        assertTrue(((String) r[1]).contains("that is this process"), (String) r[1]);
    }
}
