package org.pooling4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The ONNX project's backend test cases for the pooling operators (in the shared folder beside the
 * repository; skipped with a message when it is absent) and the models exported by PyTorch kept in
 * the test resources. Expected values come from ONNX's reference data and from PyTorch.
 */
class BackendCasesTest {
    /** {@code -Dpooling4j.shared=DIR} overrides; by default the {@code shared} folder beside the repository root. */
    static Path conformanceDir() {
        String prop = System.getProperty("pooling4j.shared");
        Path shared = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath().getParent().resolveSibling("shared");
        return shared.resolve("conformance").resolve("onnx").resolve("node");
    }

    static Path torchDir() throws URISyntaxException {
        return Path.of(BackendCasesTest.class.getResource("/onnx/torch").toURI());
    }

    private static List<DynamicTest> cases(Path dir) throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path c : BackendTestCase.expand(dir)) {
            tests.add(DynamicTest.dynamicTest(c.getFileName().toString(), () -> {
                BackendTestCase.Outcome o = BackendTestCase.run(c);
                assertTrue(o.passed(), () -> o.name() + ": " + o.failure());
            }));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> officialOnnxCases() throws Exception {
        Path dir = conformanceDir();
        Assumptions.assumeTrue(Files.isDirectory(dir), "ONNX conformance cases not found at " + dir + " (set -Dpooling4j.shared); skipped");
        return cases(dir);
    }

    @Test
    void allFiftySixOfficialCasesArePresentAndPass() throws Exception {
        Path dir = conformanceDir();
        Assumptions.assumeTrue(Files.isDirectory(dir), "ONNX conformance cases not found at " + dir + "; skipped");
        int passed = 0;
        List<Path> all = BackendTestCase.expand(dir);
        for (Path c : all) passed += BackendTestCase.run(c).passed() ? 1 : 0;
        assertEquals(56, all.size(), "case folders");
        assertEquals(56, passed, "passed");
    }

    @TestFactory
    List<DynamicTest> pytorchExportedModels() throws Exception {
        List<DynamicTest> t = cases(torchDir());
        assertTrue(t.size() >= 90, "expected the PyTorch corpus in the test resources, found " + t.size());
        return t;
    }
}
