package org.pooling4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The ONNX project's backend test cases for the pooling operators and the models exported by PyTorch,
 * both kept in the test resources. Expected values come from ONNX's reference data and from PyTorch.
 */
class BackendCasesTest {
    /** The ONNX backend test cases (test resources, {@code onnx/node}). */
    static Path conformanceDir() throws URISyntaxException {
        return Path.of(BackendCasesTest.class.getResource("/onnx/node").toURI());
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
        return cases(conformanceDir());
    }

    @Test
    void allFiftySixOfficialCasesArePresentAndPass() throws Exception {
        Path dir = conformanceDir();
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
