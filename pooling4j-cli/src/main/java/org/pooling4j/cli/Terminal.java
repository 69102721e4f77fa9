package org.pooling4j.cli;

import java.io.Console;

/** Whether output goes to a person at a terminal, for output that redraws a line with {@code \r}. */
public final class Terminal {
    /**
     * Set by the {@code ./pooling4j} launcher from {@code [ -t 2 ]}: the JVM itself cannot tell whether
     * standard error alone is redirected.
     */
    public static final String STDERR_PROPERTY = "pooling4j.stderr.terminal";

    private Terminal() {}

    /**
     * True when standard error is an interactive terminal: the launcher's {@value #STDERR_PROPERTY}
     * when set, otherwise whether the JVM has an interactive console ({@code Console.isTerminal()} on
     * JDK 22 and later, where {@code System.console()} is no longer null when redirected).
     */
    public static boolean stderrIsTerminal() {
        String p = System.getProperty(STDERR_PROPERTY);
        if (p != null) return Boolean.parseBoolean(p);
        Console c = System.console();
        if (c == null) return false;
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true; // before JDK 22 a console exists only for a terminal
        }
    }
}
