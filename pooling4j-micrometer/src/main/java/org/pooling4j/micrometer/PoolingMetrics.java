package org.pooling4j.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.pooling4j.Pooling;
import org.pooling4j.monitor.MemoryBandwidth;
import org.pooling4j.monitor.PoolMonitor;
import org.pooling4j.monitor.PoolStats;

/**
 * Exports the live pooling aggregates of {@link PoolMonitor} to Micrometer: one set of meters per
 * key (operator, direction, kernel, layout, input and output shape), so that pooling shows next to an
 * application's other metrics in Prometheus, OTLP or any other Micrometer registry.
 *
 * <pre>{@code
 * PoolingMetrics metrics = new PoolingMetrics();   // switches PoolMonitor on when bound
 * metrics.bindTo(registry);
 * ...
 * metrics.close();                                 // stops adding meters, removes those it added
 * }</pre>
 *
 * <p>Meters per key, all tagged {@code op}, {@code direction}, {@code kernel}, {@code layout},
 * {@code input_shape}, {@code output_shape} (shapes as {@code 1x64x56x56}) plus the tags given to the
 * constructor:
 * <ul>
 *   <li>{@value #CALLS} – a {@link FunctionTimer}: number of calls and their summed duration;</li>
 *   <li>{@value #P50} and {@value #P99} – {@link TimeGauge}s: median and 99th-percentile duration
 *       (within about 3 %, see {@link org.pooling4j.monitor.LatencyHistogram}), in the registry's
 *       base time unit (seconds for most registries); NaN before the first call;</li>
 *   <li>{@value #BANDWIDTH} – a gauge: bytes moved per second over all calls, in GB/s (10^9 bytes per
 *       second); NaN before the first call;</li>
 *   <li>{@value #BANDWIDTH_SHARE} – a gauge: that bandwidth as a ratio (not a percentage) of the
 *       machine's copy bandwidth on the same number of threads; NaN while that is not known;</li>
 *   <li>{@value #BYTES} – a {@link FunctionCounter}: bytes read or written by all calls.</li>
 * </ul>
 * Calls beyond {@link PoolMonitor#MAX_KEYS} keys are folded by the monitor into one key whose
 * {@code op} tag is {@value PoolStats#OTHER} and whose other key tags are empty.
 *
 * <p>Meters read the monitor each time they are read (a scrape), never a copy taken at bind time.
 * Meters of keys that exist at {@link #bindTo} are registered then; meters of later keys are
 * registered by a {@linkplain PoolMonitor#addKeyListener key listener} on the thread that makes the
 * key's first call, so they appear as new shapes are seen. {@link PoolMonitor#reset()} sets the
 * values back to zero (counters then restart, as after a process restart) and the keys' meters read
 * NaN and zero until their key is called again.
 *
 * <p>Copy bandwidth: reading a meter never probes it (a probe takes about 0.1 s and saturates the
 * memory bus, nothing a scrape should do). Instead {@link #bindTo} probes it once, unless disabled in
 * the constructor, for one thread, for {@link Pooling#threads()} and for the thread count of each
 * existing key; {@value #BANDWIDTH_SHARE} of a key whose calls ran on another thread count is NaN
 * until that count is probed, e.g. by {@link MemoryBandwidth#copyGBps(int)} or
 * {@link PoolMonitor#snapshot()}. {@code -Dpooling4j.bandwidth.gbps=X} fixes the figure and makes
 * every probe free.
 *
 * <p>An instance may be bound to several registries; each new key then gets meters in all of them.
 * It is thread-safe. {@link #close()} removes its key listener and the meters it registered; it does
 * not switch the monitor off, which other users may rely on.
 */
public final class PoolingMetrics implements MeterBinder, AutoCloseable {
    /** Name of the timer of calls (count and total time). */
    public static final String CALLS = "pooling4j.calls";
    /** Name of the median-latency gauge. */
    public static final String P50 = "pooling4j.latency.p50";
    /** Name of the 99th-percentile-latency gauge. */
    public static final String P99 = "pooling4j.latency.p99";
    /** Name of the achieved-bandwidth gauge, in GB/s. */
    public static final String BANDWIDTH = "pooling4j.bandwidth";
    /** Name of the gauge of achieved bandwidth over copy bandwidth (a ratio, 1 = copy speed). */
    public static final String BANDWIDTH_SHARE = "pooling4j.bandwidth.share";
    /** Name of the counter of bytes moved. */
    public static final String BYTES = "pooling4j.bytes";

    /** Base unit of {@value #BANDWIDTH}. */
    static final String GIGABYTES_PER_SECOND = "gigabytes.per.second";

    private final Tags extraTags;
    private final boolean enableMonitor;
    private final boolean probeBandwidth;
    /** Every key seen; holds the objects the meters read, which registries reference only weakly. */
    private final ConcurrentHashMap<Key, Key> keys = new ConcurrentHashMap<>();

    private final List<Bound> bound = new CopyOnWriteArrayList<>();
    private final Consumer<PoolStats> listener = this::onNewKey;
    private boolean listening;
    private volatile boolean closed;

    /** Exports with no extra tags, switches the monitor on and probes the copy bandwidth when bound. */
    public PoolingMetrics() {
        this(Tags.empty(), true, true);
    }

    /**
     * @param enableMonitor whether {@link #bindTo} calls {@link PoolMonitor#enable()}; with
     *     {@code false} the meters stay at zero until the application enables the monitor itself
     */
    public PoolingMetrics(boolean enableMonitor) {
        this(Tags.empty(), enableMonitor, true);
    }

    /**
     * @param tags tags added to every meter (e.g. the model or service name)
     * @param enableMonitor whether {@link #bindTo} calls {@link PoolMonitor#enable()}
     * @param probeBandwidth whether {@link #bindTo} probes the copy bandwidth (see the class comment);
     *     without it {@value #BANDWIDTH_SHARE} is NaN until somebody else probes
     */
    public PoolingMetrics(Iterable<Tag> tags, boolean enableMonitor, boolean probeBandwidth) {
        this.extraTags = Tags.of(Objects.requireNonNull(tags, "tags"));
        this.enableMonitor = enableMonitor;
        this.probeBandwidth = probeBandwidth;
    }

    /**
     * Registers the meters of every key the monitor holds and, from now on, of every new key.
     * Binding the same registry again only adds meters that are missing.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        Bound b;
        synchronized (this) {
            if (closed) throw new IllegalStateException("PoolingMetrics is closed");
            b = boundFor(registry);
            // The listener goes in before the snapshot is taken, so that no key created in between
            // is missed; a key both listed and announced is registered twice, which is harmless.
            if (!listening) {
                PoolMonitor.addKeyListener(listener);
                listening = true;
            }
        }
        if (enableMonitor) PoolMonitor.enable();
        List<PoolStats> existing = PoolMonitor.snapshot(false);
        if (probeBandwidth) probe(existing);
        for (PoolStats s : existing) register(b, keys.computeIfAbsent(Key.of(s), k -> k));
    }

    /**
     * Removes the key listener and every meter this binder registered, in every registry. Idempotent.
     * The monitor keeps its state (and stays on).
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
            if (listening) PoolMonitor.removeKeyListener(listener);
        }
        for (Bound b : bound) {
            for (Meter m : b.meters) b.registry.remove(m);
        }
        bound.clear();
        keys.clear();
    }

    private Bound boundFor(MeterRegistry registry) {
        for (Bound b : bound) {
            if (b.registry == registry) return b;
        }
        Bound b = new Bound(registry);
        bound.add(b);
        return b;
    }

    /** The key listener: runs on the thread of a key's first call, so it only registers meters. */
    private void onNewKey(PoolStats s) {
        if (closed) return;
        Key k = keys.computeIfAbsent(Key.of(s), x -> x);
        for (Bound b : bound) {
            try {
                register(b, k);
            } catch (RuntimeException e) {
                // A registry that refuses a meter (e.g. a clashing name registered by someone else)
                // must not make the application's pooling call fail; the key is tried again at the
                // next bindTo of that registry.
            }
        }
    }

    private static void probe(List<PoolStats> existing) {
        Set<Integer> counts = new TreeSet<>();
        counts.add(1);
        counts.add(Pooling.threads());
        for (PoolStats s : existing) counts.add(s.threads());
        for (int t : counts) {
            if (t >= 1 && t <= 256) MemoryBandwidth.copyGBps(t);
        }
    }

    private void register(Bound b, Key k) {
        Tags tags = k.tags().and(extraTags);
        MeterRegistry r = b.registry;
        add(
                b,
                FunctionTimer.builder(CALLS, k, Key::calls, Key::totalNanos, TimeUnit.NANOSECONDS)
                        .tags(tags)
                        .description("pooling calls and their summed duration")
                        .register(r));
        add(
                b,
                TimeGauge.builder(P50, k, TimeUnit.NANOSECONDS, Key::p50Nanos)
                        .tags(tags)
                        .description("median duration of a pooling call (within about 3 %)")
                        .register(r));
        add(
                b,
                TimeGauge.builder(P99, k, TimeUnit.NANOSECONDS, Key::p99Nanos)
                        .tags(tags)
                        .description("99th-percentile duration of a pooling call (within about 3 %)")
                        .register(r));
        add(
                b,
                Gauge.builder(BANDWIDTH, k, Key::gbps)
                        .baseUnit(GIGABYTES_PER_SECOND)
                        .tags(tags)
                        .description("bytes read and written per second of pooling, in GB/s")
                        .register(r));
        add(
                b,
                Gauge.builder(BANDWIDTH_SHARE, k, Key::share)
                        .baseUnit("ratio")
                        .tags(tags)
                        .description("achieved bandwidth over the copy bandwidth on the same thread count")
                        .register(r));
        add(
                b,
                FunctionCounter.builder(BYTES, k, Key::bytes)
                        .baseUnit(BaseUnits.BYTES)
                        .tags(tags)
                        .description("bytes read and written by pooling calls")
                        .register(r));
    }

    private void add(Bound b, Meter m) {
        b.meters.add(m);
        // A key announced while close() runs: close() may already have passed this registry's meters.
        if (closed) b.registry.remove(m);
    }

    /** A registry this binder is bound to and the meters it put there. */
    private static final class Bound {
        final MeterRegistry registry;
        final Set<Meter> meters = ConcurrentHashMap.newKeySet();

        Bound(MeterRegistry registry) {
            this.registry = registry;
        }
    }

    /**
     * One monitor key; the object every meter of the key reads. Each read looks the key's current
     * aggregates up, so values are live; a key forgotten by {@link PoolMonitor#reset()} reads as
     * no calls.
     */
    record Key(String op, String direction, String kernel, String layout, String inputShape, String outputShape) {
        static Key of(PoolStats s) {
            return new Key(s.op(), s.direction(), s.kernel(), s.layout(), s.inputShape(), s.outputShape());
        }

        /** The folding entry: named {@link PoolStats#OTHER} with empty key fields. */
        boolean isOther() {
            return PoolStats.OTHER.equals(op) && direction.isEmpty() && kernel.isEmpty();
        }

        Tags tags() {
            return Tags.of(
                    "op",
                    op,
                    "direction",
                    direction,
                    "kernel",
                    kernel,
                    "layout",
                    layout,
                    "input_shape",
                    inputShape,
                    "output_shape",
                    outputShape);
        }

        /** The current aggregates, or null when the monitor has none for this key. */
        PoolStats current() {
            return isOther()
                    ? PoolMonitor.other()
                    : PoolMonitor.get(op, direction, kernel, layout, inputShape, outputShape);
        }

        long calls() {
            PoolStats s = current();
            return s == null ? 0 : s.calls();
        }

        double totalNanos() {
            PoolStats s = current();
            return s == null ? 0 : s.totalNanos();
        }

        double bytes() {
            PoolStats s = current();
            return s == null ? 0 : s.bytes();
        }

        double p50Nanos() {
            PoolStats s = current();
            return s == null || s.calls() == 0 ? Double.NaN : s.p50Nanos();
        }

        double p99Nanos() {
            PoolStats s = current();
            return s == null || s.calls() == 0 ? Double.NaN : s.p99Nanos();
        }

        double gbps() {
            PoolStats s = current();
            return s == null || s.calls() == 0 || s.totalNanos() == 0 ? Double.NaN : s.gbps();
        }

        double share() {
            PoolStats s = current();
            if (s == null || s.calls() == 0 || s.totalNanos() == 0) return Double.NaN;
            double copy = s.copyGBps();
            // NaN while the copy bandwidth on this thread count has not been probed.
            return copy > 0 && !Double.isInfinite(copy) ? s.gbps() / copy : Double.NaN;
        }
    }
}
