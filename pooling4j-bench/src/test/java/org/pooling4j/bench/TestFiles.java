package org.pooling4j.bench;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Locates the shape corpus for tests. */
final class TestFiles {
    /** The corpus's place in the test resources (with a README on its origin and conventions beside it). */
    static final String CORPUS = "/perf/pool_shapes.csv";

    private TestFiles() {}

    /** The corpus file, from the test resources, so the tests that read it never depend on files outside the repository. */
    static Path corpus() {
        URL url = TestFiles.class.getResource(CORPUS);
        if (url == null) throw new IllegalStateException("test resource " + CORPUS + " is missing");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
