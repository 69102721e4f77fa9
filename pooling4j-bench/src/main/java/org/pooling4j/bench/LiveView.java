package org.pooling4j.bench;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.pooling4j.monitor.PoolMonitor;

/**
 * {@code bench --live}: switches {@link PoolMonitor} on and refreshes a {@link LiveTable} of its
 * aggregates on a daemon thread every period, on the stream given (the bench passes standard error,
 * so that its results on standard output stay a clean record), plus once more on {@link #close()}.
 *
 * <p>Two styles:
 * <ul>
 *   <li>plain: each refresh is a block of lines after the previous one (for logs and pipes);</li>
 *   <li>terminal: each refresh redraws the screen from its top corner with the bench's own output
 *       so far (its last {@value #TAIL_LINES} lines) and the table under it. Clearing the screen
 *       alone would wipe the bench's result rows as they are printed; redrawing them keeps both in
 *       view. This needs the bench's output to go through {@link #wrap}. The last redraw, on close,
 *       shows the whole output.</li>
 * </ul>
 * Reads never probe the copy bandwidth ({@link PoolMonitor#snapshot(boolean) snapshot(false)}), so
 * the refreshing thread does not disturb the measurements beyond its own short work once a period.
 */
public final class LiveView implements AutoCloseable {
    /**
     * Bench output lines shown above the table in the terminal style while the bench runs: enough to
     * see the cases just measured, few enough that output and table fit a usual terminal (a taller
     * drawing scrolls, and each refresh would then leave a copy in the scroll-back).
     */
    static final int TAIL_LINES = 10;
    /** Cursor to the top-left corner. */
    static final String HOME = "\033[H";
    /** Erase from the cursor to the end of the line. */
    static final String ERASE_LINE = "\033[K";
    /** Erase from the cursor to the end of the screen. */
    static final String ERASE_BELOW = "\033[J";

    private final PrintStream sink;
    private final boolean terminal;
    private final long periodMillis;
    private final boolean wasEnabled;
    private final ByteArrayOutputStream transcript = new ByteArrayOutputStream();
    private IntToDoubleFunction copyGBps = t -> Double.NaN;
    private LiveTable table;
    private Thread thread;
    private volatile boolean stopping;
    private boolean closed;

    /**
     * Switches the monitor on (it is switched back off on {@link #close()} if it was off before).
     *
     * @param sink where the tables go
     * @param terminal redraw in place with ANSI escapes rather than print blocks one after another
     * @param periodMillis time between refreshes
     */
    public LiveView(PrintStream sink, boolean terminal, long periodMillis) {
        if (periodMillis < 1) throw new IllegalArgumentException("periodMillis = " + periodMillis + ": must be >= 1");
        this.sink = sink;
        this.terminal = terminal;
        this.periodMillis = periodMillis;
        this.wasEnabled = PoolMonitor.isEnabled();
        PoolMonitor.enable();
    }

    /**
     * The stream the bench should print its results to: {@code out} itself in the plain style; in the
     * terminal style a stream that writes to {@code out} and keeps a copy for the redraws.
     */
    public PrintStream wrap(PrintStream out) {
        if (!terminal) return out;
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (transcript) {
                    out.write(b);
                    transcript.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (transcript) {
                    out.write(b, off, len);
                    transcript.write(b, off, len);
                }
            }

            @Override
            public void flush() {
                out.flush();
            }
        };
        return new PrintStream(tee, true, StandardCharsets.UTF_8);
    }

    /**
     * Starts refreshing.
     *
     * @param copyGBps copy bandwidth by thread count for the {@code %copy} column of keys whose
     *     {@link org.pooling4j.monitor.PoolStats#copyGBps()} is unknown (the bench's own probe)
     * @throws IllegalStateException if started already or closed
     */
    public synchronized void start(IntToDoubleFunction copyGBps) {
        if (thread != null || closed) throw new IllegalStateException("started already or closed");
        this.copyGBps = copyGBps;
        table = new LiveTable(PoolMonitor.snapshot(false), System.nanoTime());
        thread = new Thread(this::loop, "pooling4j-bench-live");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (!stopping) {
            try {
                Thread.sleep(periodMillis);
            } catch (InterruptedException e) {
                return; // close() interrupts the sleep; it draws the last table itself
            }
            if (stopping) return;
            refresh(false);
        }
    }

    /** Draws one table; {@code last}: the final redraw, with the whole bench output. */
    synchronized void refresh(boolean last) {
        String text = table.next(PoolMonitor.snapshot(false), System.nanoTime(), copyGBps);
        if (!terminal) {
            sink.print(System.lineSeparator() + text);
            sink.flush();
            return;
        }
        String output;
        synchronized (transcript) {
            output = transcript.toString(StandardCharsets.UTF_8);
        }
        List<String> lines = Arrays.asList(output.split("\\R", -1));
        // The text after the last line break is an unfinished line, or nothing.
        lines = lines.subList(0, lines.size() - 1);
        if (!last && lines.size() > TAIL_LINES) lines = lines.subList(lines.size() - TAIL_LINES, lines.size());
        StringBuilder b = new StringBuilder(HOME);
        // Each line erases what is left of the previous drawing after it, and the end of the screen is
        // erased at the end: unlike clearing the whole screen, this does not flicker or push a copy
        // of the screen into the terminal's scroll-back at each refresh.
        for (String l : lines) b.append(l).append(ERASE_LINE).append('\n');
        b.append(ERASE_LINE).append('\n');
        for (String l : text.split("\\R")) b.append(l).append(ERASE_LINE).append('\n');
        b.append(ERASE_BELOW);
        sink.print(b);
        sink.flush();
    }

    /**
     * Stops the refreshing thread (waiting for it), draws the final table, and switches the monitor
     * back off if it was off before. Idempotent.
     */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (closed) return;
            closed = true;
            stopping = true;
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            refresh(true);
        }
        if (!wasEnabled) PoolMonitor.disable();
    }

    /** Whether the refreshing thread is running (for tests). */
    synchronized boolean running() {
        Thread t = thread;
        return t != null && t.isAlive();
    }
}
