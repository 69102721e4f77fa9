package org.pooling4j.tuning;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.pooling4j.Geometry;
import org.pooling4j.Layout;
import org.pooling4j.MaxFloor;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooling;
import org.pooling4j.internal.exec.Kernels;
import org.pooling4j.internal.exec.Parallel;
import org.pooling4j.internal.exec.Trace;
import org.pooling4j.internal.json.Json;
import org.pooling4j.internal.kernels.PoolKernel;

/**
 * The auto-tuner: on the first call for a key (direction, variant, spec, layout, input shape and
 * thread count) it times the kernels that accept the problem, at several thread counts, on the
 * call's own arrays, keeps the fastest and remembers it for later calls with the same key.
 *
 * <p>Modes ({@link #setMode}, or {@code -D}{@value #MODE_PROPERTY}{@code =off|on|exhaustive}):
 * <ul>
 *   <li>{@link Mode#OFF} (default): the dispatcher's heuristic choice; decisions already known (from
 *       an earlier mode or a loaded wisdom file) still apply.</li>
 *   <li>{@link Mode#ON}: tunes the thread split of the heuristic kernel (the call's thread count or
 *       1), {@value #REPS_ON} timed runs each after a warm-up. It never runs another kernel: in the
 *       same process that can perturb what the JIT compiled for the heuristic kernel.</li>
 *   <li>{@link Mode#EXHAUSTIVE}: every accepting kernel, the reference one too, at 1, 2, 4, ... and
 *       the call's thread count, {@value #REPS_EXHAUSTIVE} timed runs each after a warm-up. Meant
 *       for building a wisdom file ahead of time ({@code pooling4j tune}) in its own process.</li>
 * </ul>
 * Each candidate is warmed up (at least {@value #WARM_RUNS} runs and 50 ms) before it is timed, so
 * the first call of a key costs a fraction of a second per candidate. The heuristic choice is kept unless another candidate's best time beats it by at least
 * {@value #MARGIN_PERCENT} % twice: once in the survey and again when the two are re-timed
 * alternately. Tuning never changes results: every candidate computes the same values (the test
 * suite holds the fast kernels to the reference: max bit-exact, averages within 1e-6 relative),
 * and results do not depend on the thread count.
 *
 * <p>Decisions persist to a wisdom file ({@link #saveWisdom}, {@link #loadWisdom}, or
 * {@code -D}{@value #WISDOM_PROPERTY}{@code =FILE} at start-up): JSON with a header naming the
 * library version, the JDK, the CPU model and the library-wide thread count. A file whose header
 * does not match this process, or that cannot be read or parsed, is ignored with one warning.
 */
public final class Tuner {
    /** Tuning modes. */
    public enum Mode {
        OFF,
        ON,
        EXHAUSTIVE
    }

    /** System property that sets the mode at start-up. */
    public static final String MODE_PROPERTY = "pooling4j.tune";
    /** System property naming a wisdom file to load at start-up. */
    public static final String WISDOM_PROPERTY = "pooling4j.wisdom";
    /** Timed runs per candidate in {@link Mode#ON}. */
    public static final int REPS_ON = 3;
    /** Timed runs per candidate in {@link Mode#EXHAUSTIVE}. */
    public static final int REPS_EXHAUSTIVE = 5;
    /** How much faster than the heuristic choice a candidate must be to replace it. */
    public static final int MARGIN_PERCENT = 4;
    /** Calls whose heuristic run takes longer than this are not tuned (the survey would cost seconds). */
    public static final long MAX_TRIAL_NANOS = 500_000_000L;
    /** Least number of warm-up runs of each candidate. */
    static final int WARM_RUNS = 10;
    /** Least warm-up time of each candidate, in ns. */
    static final long WARM_NANOS = 50_000_000L;
    /** Wisdom file format version. */
    static final int FORMAT = 1;

    private static final System.Logger LOG = System.getLogger("org.pooling4j");
    private static volatile Mode mode = initialMode();
    private static final ConcurrentHashMap<String, Decision> DECISIONS = new ConcurrentHashMap<>();
    /** What each recently seen call runs; emptied whenever the decisions or the mode change. */
    private static final ConcurrentHashMap<Key, Choice> CHOICES = new ConcurrentHashMap<>();
    /** Most entries of {@link #CHOICES}. */
    private static final int MAX_CACHED = 4096;
    /** Whether any decision is known: lets the dispatcher skip the map while the tuner is idle. */
    private static volatile boolean hasDecisions;
    // Bumped whenever a choice may change (mode, cleared or loaded decisions, a new survey): plans
    // cache their choice together with the generation it was made in and ask again when it moved.
    private static volatile int generation;

    /** A counter that changes whenever a cached choice may no longer hold; plans compare it per call. */
    public static int generation() {
        return generation;
    }
    /**
     * Whether a known decision may concern a call below the work threshold: only then do such calls
     * consult the tuner outside exhaustive mode.
     */
    private static volatile boolean hasSmallDecisions;

    static {
        String file = System.getProperty(WISDOM_PROPERTY);
        if (file != null && !file.isBlank()) loadWisdom(Path.of(file));
    }

    private Tuner() {}

    /**
     * One tuning decision.
     *
     * @param key what was tuned: direction, variant, spec, layout, input shape, thread count
     * @param kernel the chosen kernel
     * @param threads the chosen thread count
     * @param heuristicKernel the dispatcher's own choice
     * @param heuristicThreads the call's thread count
     * @param heuristicMs best time of the heuristic choice in the survey, in ms
     * @param tunedMs best time of the chosen one, in ms
     */
    public record Decision(
            String key,
            String kernel,
            int threads,
            String heuristicKernel,
            int heuristicThreads,
            double heuristicMs,
            double tunedMs) {
        /** Whether the choice differs from the heuristic one. */
        public boolean changed() {
            return !kernel.equals(heuristicKernel) || threads != heuristicThreads;
        }
    }

    /** What the dispatcher runs. */
    public record Choice(PoolKernel kernel, int threads, boolean tuned) {}

    /** One run of the call being tuned, with a given kernel and thread count. */
    public interface Trial {
        void run(PoolKernel kernel, int threads);
    }

    private static Mode initialMode() {
        String m = System.getProperty(MODE_PROPERTY);
        if (m == null || m.isBlank()) return Mode.OFF;
        try {
            return Mode.valueOf(m.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "pooling4j: -D" + MODE_PROPERTY + " = " + m
                            + " is not one of off, on, exhaustive; tuning stays off");
            return Mode.OFF;
        }
    }

    /** The current mode. */
    public static Mode mode() {
        return mode;
    }

    /** Sets the mode; known decisions are kept. */
    public static void setMode(Mode m) {
        mode = Objects.requireNonNull(m, "mode");
        CHOICES.clear();
        generation++;
    }

    /** Forgets every decision. */
    public static void clear() {
        DECISIONS.clear();
        CHOICES.clear();
        generation++;
        hasDecisions = false;
        hasSmallDecisions = false;
    }

    /** The decisions known, sorted by key. */
    public static List<Decision> decisions() {
        List<Decision> r = new ArrayList<>(DECISIONS.values());
        r.sort(Comparator.comparing(Decision::key));
        return r;
    }

    /**
     * Whether the dispatcher must consult the tuner for a call. Calls that move less than
     * {@link Parallel#WORK_THRESHOLD_BYTES} run on one thread whatever the split, and their run
     * takes about as long as the lookup in the choice cache; in mode ON they keep the heuristic
     * choice and skip the tuner, unless a known decision may concern them (a loaded wisdom file or
     * an exhaustive survey). Mode EXHAUSTIVE tunes them as well.
     */
    public static boolean active(Geometry g) {
        Mode m = mode;
        if (m == Mode.EXHAUSTIVE || hasSmallDecisions) return true;
        if (m == Mode.OFF && !hasDecisions) return false;
        return !small(g);
    }

    /** Whether a call moves less than the work threshold (input plus output values). */
    public static boolean small(Geometry g) {
        return 4L * ((long) g.inputElements() + g.outputElements()) < Parallel.WORK_THRESHOLD_BYTES;
    }

    /**
     * Whether a key may name a call below the work threshold: its input alone (the shape in the
     * key) is smaller than the threshold. Conservative: a key that cannot be read counts as small.
     */
    public static boolean smallKey(String key) {
        String[] parts = key.split("\\|");
        if (parts.length < 2) return true;
        String shape = parts[parts.length - 2];
        long elems = 1;
        try {
            for (String d : shape.split("x")) {
                elems = Math.multiplyExact(elems, Long.parseLong(d.trim()));
            }
        } catch (NumberFormatException | ArithmeticException e) {
            return true;
        }
        return 4 * elems < Parallel.WORK_THRESHOLD_BYTES;
    }

    /** The key of a call: direction, variant, spec, layout, input shape, threads. */
    public static String key(Geometry g, boolean backward, String variant, int threads) {
        return (backward ? "backward" : "forward") + "|" + variant + "|" + g.spec() + "|"
                + (g.layout() == Layout.CHANNELS_LAST ? "channels_last" : "channels_first") + "|"
                + Trace.shape(g.inputShape()) + "|" + threads;
    }

    /**
     * The kernel and thread count for a call: a known decision for its key, else (tuning on) the
     * result of timing the candidates with {@code trial}, else the heuristic choice. A call whose
     * key was seen before costs one lookup in a small cache (no string is built).
     *
     * @param heuristic the dispatcher's choice
     * @param fastOnly whether only fast kernels may run the call (compact-argmax calls)
     */
    public static Choice choose(
            Geometry g,
            boolean backward,
            String variant,
            int threads,
            PoolKernel heuristic,
            boolean fastOnly,
            Trial trial) {
        if (Kernels.forced(backward)) return new Choice(heuristic, threads, false);
        Key fast = new Key(g, backward, variant, threads);
        Choice c = CHOICES.get(fast);
        if (c != null) return c;
        List<? extends PoolKernel> candidates =
                fastOnly ? Kernels.acceptingFast(g, backward) : Kernels.accepting(g, backward);
        String key = key(g, backward, variant, threads);
        Decision d = DECISIONS.get(key);
        c = d == null ? null : apply(d, g, backward, candidates, threads);
        if (c == null) {
            Mode m = mode;
            if (m == Mode.OFF) {
                c = new Choice(heuristic, threads, false);
            } else {
                d = survey(key, m, heuristic, candidates, threads, trial);
                DECISIONS.put(key, d);
                generation++;
                hasDecisions = true;
                if (small(g)) hasSmallDecisions = true;
                c = apply(d, g, backward, candidates, threads);
                if (c == null) c = new Choice(heuristic, threads, false);
            }
        }
        // Bounded: a program that sees endless shapes only pays the slow path again.
        if (CHOICES.size() >= MAX_CACHED) CHOICES.clear();
        CHOICES.put(fast, c);
        return c;
    }

    private static Choice apply(
            Decision d, Geometry g, boolean backward, List<? extends PoolKernel> candidates, int threads) {
        if (d.threads() < 1 || d.threads() > threads) return null;
        for (PoolKernel k : candidates) {
            if (k.name().equals(d.kernel()) && k.declines(g, backward) == null) {
                return new Choice(k, d.threads(), true);
            }
        }
        return null;
    }

    /**
     * The identity of a call for the choice cache: the same fields as {@link #key}, compared without
     * building the string (the spec's text is cached by {@link PoolSpec#toString()}).
     */
    private static final class Key {
        final String spec;
        final MaxFloor floor;
        final Layout layout;
        final int[] shape;
        final boolean backward;
        final String variant;
        final int threads;
        final int hash;

        Key(Geometry g, boolean backward, String variant, int threads) {
            this.spec = g.spec().toString();
            this.floor = g.spec().maxFloor();
            this.layout = g.layout();
            this.shape = g.inputShape();
            this.backward = backward;
            this.variant = variant;
            this.threads = threads;
            int h = spec.hashCode();
            h = 31 * h + Arrays.hashCode(shape);
            h = 31 * h + layout.hashCode();
            h = 31 * h + floor.hashCode();
            h = 31 * h + variant.hashCode();
            h = 31 * h + threads;
            this.hash = 31 * h + (backward ? 1 : 0);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key)) return false;
            Key k = (Key) o;
            return hash == k.hash
                    && threads == k.threads
                    && backward == k.backward
                    && layout == k.layout
                    && floor == k.floor
                    && variant.equals(k.variant)
                    && Arrays.equals(shape, k.shape)
                    && spec.equals(k.spec);
        }
    }

    private static Decision survey(
            String key, Mode m, PoolKernel heuristic, List<? extends PoolKernel> candidates, int threads, Trial trial) {
        int reps = m == Mode.EXHAUSTIVE ? REPS_EXHAUSTIVE : REPS_ON;
        // Warm-up first: in a fresh JVM the first calls run interpreted or half-compiled, and timing
        // them would pick whichever kernel happened to be compiled first.
        long base = Math.min(warm(trial, heuristic, threads), best(trial, heuristic, threads, reps));
        if (base > MAX_TRIAL_NANOS) {
            return new Decision(key, heuristic.name(), threads, heuristic.name(), threads, base / 1e6, base / 1e6);
        }
        List<Integer> counts = new ArrayList<>();
        counts.add(threads);
        if (m == Mode.EXHAUSTIVE) {
            for (int t = 1; t < threads; t *= 2) counts.add(t);
        } else if (threads > 1) {
            counts.add(1);
        }
        PoolKernel bestKernel = heuristic;
        int bestThreads = threads;
        long bestTime = base;
        for (PoolKernel k : candidates) {
            // ON tries only thread counts of the heuristic kernel. Running another kernel in this
            // process can change what the JIT compiled for the heuristic one (the SIMD and scalar
            // kernels share their class, and a second receiver type at their call sites can stop the
            // inlining the Vector API needs); measured, that made later calls of the unchanged choice
            // up to 2.9x slower. EXHAUSTIVE takes that risk: run it ahead of time (pooling4j tune)
            // and load the wisdom file in the process that pools.
            if (m == Mode.ON && k != heuristic) continue;
            for (int t : counts) {
                if (k == heuristic && t == threads) continue;
                long first = time(trial, k, t);
                // A candidate far slower even on its first run is not worth warming up.
                if (first > 8 * base) continue;
                long time = Math.min(warm(trial, k, t), best(trial, k, t, reps));
                if (time < bestTime) {
                    bestTime = time;
                    bestKernel = k;
                    bestThreads = t;
                }
            }
        }
        if (bestKernel != heuristic || bestThreads != threads) {
            // Confirm against the heuristic, timed alternately so that both see the same conditions.
            long h = Long.MAX_VALUE;
            long c = Long.MAX_VALUE;
            for (int r = 0; r < 2 * reps; r++) {
                h = Math.min(h, time(trial, heuristic, threads));
                c = Math.min(c, time(trial, bestKernel, bestThreads));
            }
            base = Math.min(base, h);
            bestTime = c;
            if (c * 100 > base * (100 - MARGIN_PERCENT)) {
                bestKernel = heuristic;
                bestThreads = threads;
                bestTime = base;
            }
        }
        return new Decision(key, bestKernel.name(), bestThreads, heuristic.name(), threads, base / 1e6, bestTime / 1e6);
    }

    /**
     * Runs a candidate until it is warm: at least {@value #WARM_RUNS} runs and {@value #WARM_NANOS} ns,
     * but no more than 4 × {@value #WARM_NANOS} ns once 3 runs are done (large problems). Returns
     * the best time seen.
     */
    private static long warm(Trial trial, PoolKernel k, int t) {
        long start = System.nanoTime();
        long best = Long.MAX_VALUE;
        for (int n = 1; n <= 10_000; n++) {
            best = Math.min(best, time(trial, k, t));
            long spent = System.nanoTime() - start;
            if (n >= WARM_RUNS && spent >= WARM_NANOS) break;
            if (n >= 3 && spent >= 4 * WARM_NANOS) break;
        }
        return best;
    }

    private static long best(Trial trial, PoolKernel k, int t, int reps) {
        long b = Long.MAX_VALUE;
        for (int r = 0; r < reps; r++) b = Math.min(b, time(trial, k, t));
        return b;
    }

    private static long time(Trial trial, PoolKernel k, int t) {
        long t0 = System.nanoTime();
        trial.run(k, t);
        return System.nanoTime() - t0;
    }

    // ---- wisdom files ---------------------------------------------------------------------------

    /** The library version, from the jar's resources ("unknown" when they are missing). */
    public static String libraryVersion() {
        try (var in = Tuner.class.getResourceAsStream("version.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The CPU model as the operating system names it (Linux: /proc/cpuinfo), else the architecture. */
    public static String cpuModel() {
        try {
            Path info = Path.of("/proc/cpuinfo");
            if (Files.isReadable(info)) {
                for (String line : Files.readAllLines(info, StandardCharsets.UTF_8)) {
                    if (line.startsWith("model name")) {
                        int c = line.indexOf(':');
                        if (c >= 0) return line.substring(c + 1).trim();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the architecture
        }
        return System.getProperty("os.arch") + " x" + Runtime.getRuntime().availableProcessors();
    }

    /** The header a wisdom file must match to be used here. */
    public static Map<String, Object> header() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("format", FORMAT);
        h.put("library", libraryVersion());
        h.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.version"));
        h.put("cpu", cpuModel());
        h.put("threads", Pooling.threads());
        return h;
    }

    /** Writes the known decisions to {@code file} (JSON), replacing it. */
    public static void saveWisdom(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        Map<String, Object> root = new LinkedHashMap<>(header());
        List<Object> list = new ArrayList<>();
        for (Decision d : decisions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", d.key());
            m.put("kernel", d.kernel());
            m.put("threads", d.threads());
            m.put("heuristic_kernel", d.heuristicKernel());
            m.put("heuristic_threads", d.heuristicThreads());
            m.put("heuristic_ms", d.heuristicMs());
            m.put("tuned_ms", d.tunedMs());
            list.add(m);
        }
        root.put("decisions", list);
        // One decision a line, as the hand-written format before it had: diffs of wisdom files stay readable.
        String text = Json.pretty(root) + "\n";
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /**
     * Loads decisions from a wisdom file written by {@link #saveWisdom} on this machine, library
     * version, JDK and thread count. A missing, unreadable, corrupt or stale file is ignored with one
     * warning (never an exception): tuning then starts afresh.
     *
     * @return the number of decisions loaded (0 when the file was ignored)
     */
    public static int loadWisdom(Path file) {
        Objects.requireNonNull(file, "file");
        Object parsed;
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            warn("pooling4j: wisdom file " + file + " ignored: cannot be read (" + e + ")");
            return 0;
        }
        try {
            parsed = Json.parse(text);
        } catch (IllegalArgumentException e) {
            warn("pooling4j: wisdom file " + file + " ignored: cannot be read as JSON (" + e.getMessage() + ")");
            return 0;
        }
        if (!(parsed instanceof Map)) {
            warn("pooling4j: wisdom file " + file + " ignored: not a JSON object");
            return 0;
        }
        Map<?, ?> root = (Map<?, ?>) parsed;
        for (Map.Entry<String, Object> e : header().entrySet()) {
            Object have = root.get(e.getKey());
            String want = String.valueOf(e.getValue());
            if (have == null || !String.valueOf(have).equals(want)) {
                warn("pooling4j: wisdom file " + file + " ignored: stale (" + e.getKey() + " is "
                        + (have == null ? "missing" : String.valueOf(have)) + ", this process has " + want + ")");
                return 0;
            }
        }
        Object list = root.get("decisions");
        if (!(list instanceof List)) {
            warn("pooling4j: wisdom file " + file + " ignored: no \"decisions\" array");
            return 0;
        }
        List<Decision> loaded = new ArrayList<>();
        for (Object o : (List<?>) list) {
            Decision d = decision(o);
            if (d == null) {
                warn("pooling4j: wisdom file " + file + " ignored: malformed decision " + o);
                return 0;
            }
            loaded.add(d);
        }
        for (Decision d : loaded) DECISIONS.put(d.key(), d);
        CHOICES.clear();
        generation++;
        if (!loaded.isEmpty()) hasDecisions = true;
        for (Decision d : loaded) {
            if (smallKey(d.key())) hasSmallDecisions = true;
        }
        return loaded.size();
    }

    private static Decision decision(Object o) {
        if (!(o instanceof Map)) return null;
        Map<?, ?> m = (Map<?, ?>) o;
        Object key = m.get("key");
        Object kernel = m.get("kernel");
        Object threads = m.get("threads");
        Object hk = m.get("heuristic_kernel");
        Object ht = m.get("heuristic_threads");
        Object hms = m.get("heuristic_ms");
        Object tms = m.get("tuned_ms");
        if (!(key instanceof String) || !(kernel instanceof String) || !(hk instanceof String)) return null;
        if (!(threads instanceof Number)
                || !(ht instanceof Number)
                || !(hms instanceof Number)
                || !(tms instanceof Number)) return null;
        double t = ((Number) threads).doubleValue();
        double h = ((Number) ht).doubleValue();
        if (t != Math.rint(t)
                || t < 1
                || t > Parallel.MAX_THREADS
                || h != Math.rint(h)
                || h < 1
                || h > Parallel.MAX_THREADS) return null;
        return new Decision(
                (String) key,
                (String) kernel,
                (int) t,
                (String) hk,
                (int) h,
                ((Number) hms).doubleValue(),
                ((Number) tms).doubleValue());
    }

    private static void warn(String message) {
        LOG.log(System.Logger.Level.WARNING, message);
    }
}
