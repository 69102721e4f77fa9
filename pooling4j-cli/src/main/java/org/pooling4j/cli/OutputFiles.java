package org.pooling4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The checks a command makes on a file it is going to write, before it does any work, so that a bad
 * output path ends the command with one line ({@code pooling4j COMMAND: --out PATH: is a directory})
 * and exit status 2 rather than a stack trace after the work; and the one way the commands tell
 * whether two paths name the same file ({@link #real}).
 */
public final class OutputFiles {
    /** Symbolic links followed before a chain counts as a loop (Linux's own limit). */
    private static final int MAX_LINKS = 40;

    private OutputFiles() {}

    /**
     * Checks that {@code file}, given as {@code option}, can be written: it is not a directory, its
     * nearest existing folder is a folder and writable (missing folders are created on writing), and
     * an existing file there is writable.
     *
     * @return {@code file}
     * @throws IllegalArgumentException {@code OPTION PATH: is a directory} or the reason it cannot be
     *     written
     */
    public static Path file(Path file, String option) {
        String at = option + " " + file + ": ";
        if (Files.isDirectory(file)) throw new IllegalArgumentException(at + "is a directory; give a file name");
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && Files.exists(file) && !Files.isWritable(file))
            throw new IllegalArgumentException(at + "cannot write (permission denied)");
        Path parent = file.toAbsolutePath().getParent();
        while (parent != null && !Files.exists(parent)) parent = parent.getParent();
        if (parent != null) {
            if (!Files.isDirectory(parent)) throw new IllegalArgumentException(at + parent + " is not a directory");
            if (!Files.isWritable(parent))
                throw new IllegalArgumentException(at + "cannot write in " + parent + " (permission denied)");
        }
        return file;
    }

    /**
     * Checks that {@code dir}, given as {@code option}, can take the files a command writes into it:
     * it is a directory or does not exist yet (it is created on writing), and the files in it can be
     * written ({@link #file}).
     *
     * @return {@code dir}
     * @throws IllegalArgumentException {@code OPTION PATH: is not a directory} or the reason it cannot
     *     be written
     */
    public static Path directory(Path dir, String option) {
        if (Files.exists(dir) && !Files.isDirectory(dir))
            throw new IllegalArgumentException(option + " " + dir + ": is not a directory");
        file(dir.resolve("file"), option);
        return dir;
    }

    /**
     * Where {@code p} really is: the absolute path with every symbolic link, {@code .} and {@code ..}
     * resolved as the file system resolves them, also for a file (or folders) that do not exist yet,
     * and for a link to a missing file (the link's target, where a write would go). Two paths name the
     * same file when their real paths are equal.
     */
    public static Path real(Path p) {
        try {
            return real(p.toAbsolutePath(), 0);
        } catch (IOException | SecurityException | InvalidPathException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private static Path real(Path abs, int links) throws IOException {
        if (Files.exists(abs)) return abs.toRealPath();
        Path parent = abs.getParent();
        if (parent == null) return abs;
        if (Files.isSymbolicLink(abs)) {
            // A dangling link: writing to it creates its target.
            if (links >= MAX_LINKS) return abs.normalize();
            return real(parent.resolve(Files.readSymbolicLink(abs)), links + 1);
        }
        Path name = abs.getFileName();
        Path realParent = real(parent, links);
        if (name.toString().equals(".")) return realParent;
        if (name.toString().equals("..")) return realParent.getParent() == null ? realParent : realParent.getParent();
        return realParent.resolve(name);
    }
}
