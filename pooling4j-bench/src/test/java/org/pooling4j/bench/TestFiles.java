package org.pooling4j.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates the shared shape corpus for tests. */
final class TestFiles {
    /** Relative location of the corpus under an ancestor of the working directory. */
    static final String CORPUS = "shared/perf/pool_shapes.csv";

    private TestFiles() {}

    /**
     * The corpus file, or null when absent. {@code -Dpooling4j.shared=DIR} names the shared
     * directory; otherwise the working directory and its ancestors are searched for
     * {@value #CORPUS} (the repository's {@code ../shared} is found from the module directory).
     */
    static Path corpus() {
        String shared = System.getProperty("pooling4j.shared");
        if (shared != null && !shared.isEmpty()) {
            Path p = Paths.get(shared, "perf", "pool_shapes.csv");
            return Files.isRegularFile(p) ? p : null;
        }
        for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve(CORPUS);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }
}
