package org.pooling4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one check every command makes on the files it reads, before it does or prints anything else,
 * so that a missing or unreadable file is reported the same way everywhere: the command's usual
 * error line ({@code pooling4j COMMAND: no such file: PATH}) and exit status 2.
 */
public final class InputFiles {
    private InputFiles() {}

    /** A file a command cannot read; {@link Main} prints its message and exits with status 2. */
    public static final class Unreadable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unreadable(String message) {
            super(message);
        }
    }

    /**
     * @throws Unreadable {@code no such file: PATH}, {@code not a file: PATH (a directory)} or
     *     {@code cannot read: PATH (permission denied)}
     */
    public static Path file(Path p) {
        if (!Files.exists(p)) throw new Unreadable("no such file: " + p);
        if (Files.isDirectory(p)) throw new Unreadable("not a file: " + p + " (a directory)");
        if (!Files.isReadable(p)) throw new Unreadable("cannot read: " + p + " (permission denied)");
        return p;
    }

    /**
     * @throws Unreadable {@code no such file: PATH}, {@code not a directory: PATH} or
     *     {@code cannot read: PATH (permission denied)}
     */
    public static Path directory(Path p) {
        if (!Files.exists(p)) throw new Unreadable("no such file: " + p);
        if (!Files.isDirectory(p)) throw new Unreadable("not a directory: " + p);
        if (!Files.isReadable(p)) throw new Unreadable("cannot read: " + p + " (permission denied)");
        return p;
    }

    /** A file or a directory (a command that takes either). */
    public static Path exists(Path p) {
        if (!Files.exists(p)) throw new Unreadable("no such file: " + p);
        if (!Files.isReadable(p)) throw new Unreadable("cannot read: " + p + " (permission denied)");
        return p;
    }
}
