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

    /**
     * {@code null} when {@code p} can be written (missing folders are created), else {@code OPTION
     * PATH: is a directory; give a file name}, {@code OPTION PATH: FOLDER is not a directory} or
     * {@code OPTION PATH: cannot write in FOLDER (permission denied)}, as the other commands say it.
     */
    static String outputProblem(Path p, String option) {
        String at = option + " " + p + ": ";
        if (Files.isDirectory(p)) return at + "is a directory; give a file name";
        if (Files.exists(p) && !Files.isWritable(p)) return at + "cannot write (permission denied)";
        Path parent = p.toAbsolutePath().getParent();
        while (parent != null && !Files.exists(parent)) parent = parent.getParent();
        if (parent != null && !Files.isDirectory(parent)) return at + parent + " is not a directory";
        if (parent != null && !Files.isWritable(parent))
            return at + "cannot write in " + parent + " (permission denied)";
        return null;
    }
}
