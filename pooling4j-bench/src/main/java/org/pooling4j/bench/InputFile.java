package org.pooling4j.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** Why an input file cannot be read, worded as the command line's other commands word it. */
final class InputFile {
    private InputFile() {}

    /**
     * {@code null} when {@code p} is a readable regular file, else {@code no such file: PATH},
     * {@code not a file: PATH (a directory)} or {@code cannot read: PATH (permission denied)}, as the
     * other commands of the command line say it.
     */
    static String problem(Path p) {
        if (!Files.exists(p)) return "no such file: " + p;
        if (Files.isDirectory(p)) return "not a file: " + p + " (a directory)";
        if (!Files.isReadable(p)) return "cannot read: " + p + " (permission denied)";
        return null;
    }
}
