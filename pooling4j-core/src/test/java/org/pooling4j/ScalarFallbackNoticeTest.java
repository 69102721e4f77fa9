package org.pooling4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.pooling4j.spi.VectorizationProvider;

/**
 * With only pooling4j-core on the class path (this module's own test run; pooling4j-vector reruns
 * this suite with its SIMD module present, where the test does not apply) the scalar kernels run and
 * the library says so once, naming the module to add and the JVM option.
 */
class ScalarFallbackNoticeTest {

    private static boolean noSimdModule() {
        return ServiceLoader.load(VectorizationProvider.class).findFirst().isEmpty();
    }

    @Test
    void statusNamesTheMissingModuleAndTheOption() {
        assumeTrue(noSimdModule() && System.getProperty("pooling4j.simd") == null);
        String v = Pooling.vectorization();
        assertTrue(v.startsWith("scalar: "), v);
        assertTrue(v.contains("add the pooling4j-vector module"), v);
        assertTrue(v.contains("--add-modules jdk.incubator.vector"), v);
    }

    /** A fresh JVM, so that the one-time notice is not already spent by earlier tests. */
    @Test
    void aFreshJvmLogsOneLineForManyCalls() throws Exception {
        assumeTrue(noSimdModule());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ThreeCalls.class.getName())
                .redirectErrorStream(false)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), err);
        assertEquals("[6.0, 8.0, 14.0, 16.0] x3", out.trim());
        List<String> notices =
                err.lines().filter(l -> l.contains("pooling4j-vector")).collect(Collectors.toList());
        assertEquals(1, notices.size(), err);
        assertTrue(notices.get(0).contains("--add-modules jdk.incubator.vector"), err);
    }

    /** Pools three times in one JVM. */
    public static final class ThreeCalls {
        public static void main(String[] args) {
            float[] data = new float[16];
            for (int i = 0; i < 16; i++) data[i] = i + 1;
            Tensor x = Tensor.of(data, 1, 1, 4, 4);
            float[] y = null;
            for (int i = 0; i < 3; i++)
                y = Pooling.forward(PoolSpec.max(2, 2).build(), x).data();
            System.out.println(java.util.Arrays.toString(y) + " x3");
        }
    }
}
