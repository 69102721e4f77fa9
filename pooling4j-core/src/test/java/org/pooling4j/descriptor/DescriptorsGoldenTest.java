package org.pooling4j.descriptor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.pooling4j.Layout;
import org.pooling4j.Tensor;
import org.pooling4j.descriptor.Descriptors.GemGradients;
import org.pooling4j.descriptor.Descriptors.PyramidMode;
import org.pooling4j.internal.json.Json;
import org.pooling4j.io.Npy;

/**
 * GeM and spatial pyramid pooling against PyTorch 1.13 (tools/golden/descriptors_golden.py): values,
 * input gradients and, for GeM, the gradient with respect to p, in both layouts.
 */
class DescriptorsGoldenTest {
    // Read as class-path resources through streams: these tests also run from the core's test jar
    // (module pooling4j-vector), where the files are jar entries, not paths.
    private static final String DIR = "/golden/descriptors/";

    private static byte[] resource(String file) throws IOException {
        try (java.io.InputStream in = DescriptorsGoldenTest.class.getResourceAsStream(DIR + file)) {
            if (in == null) throw new IOException("missing golden file " + DIR + file);
            return in.readAllBytes();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> cases() throws IOException {
        Map<String, Object> m = (Map<String, Object>)
                Json.parse(new String(resource("manifest.json"), java.nio.charset.StandardCharsets.UTF_8));
        return (List<Map<String, Object>>) m.get("cases");
    }

    @TestFactory
    Stream<DynamicTest> golden() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        int gem = 0, spp = 0;
        for (Map<String, Object> c : cases()) {
            String name = (String) c.get("name");
            if (c.get("kind").equals("gem")) {
                gem++;
                for (Layout l : Layout.values()) tests.add(DynamicTest.dynamicTest(name + " " + l, () -> gem(c, l)));
            } else {
                spp++;
                for (Layout l : Layout.values()) tests.add(DynamicTest.dynamicTest(name + " " + l, () -> spp(c, l)));
            }
        }
        assertEquals(11, gem, "GeM cases in the manifest");
        assertEquals(4, spp, "SPP cases in the manifest");
        return tests.stream();
    }

    private static Tensor read(Map<String, Object> c, String key) throws IOException {
        String file = (String) c.get(key);
        org.pooling4j.io.NpyArray a = Npy.read(new java.io.ByteArrayInputStream(resource(file)), file);
        return new Tensor(a.toFloats(), a.shape(), Layout.CHANNELS_FIRST);
    }

    private static int[] ints(Object o) {
        List<?> l = (List<?>) o;
        int[] v = new int[l.size()];
        for (int i = 0; i < v.length; i++) v[i] = ((Number) l.get(i)).intValue();
        return v;
    }

    private static void gem(Map<String, Object> c, Layout layout) throws IOException {
        int rank = ((Number) c.get("rank")).intValue();
        GemSpec.Builder b = Boolean.TRUE.equals(c.get("global"))
                ? GemSpec.global(rank)
                : GemSpec.windowed(ints(c.get("kernel")))
                        .stride(ints(c.get("stride")))
                        .padding(ints(c.get("padding")));
        GemSpec spec = b.p(((Number) c.get("p")).doubleValue())
                .eps(((Number) c.get("eps")).doubleValue())
                .build();
        Tensor x = to(read(c, "input"), layout);
        Tensor gy = to(read(c, "grad_output"), layout);
        Tensor y = Descriptors.gem(spec, x);
        assertEquals(layout, y.layout());
        close(read(c, "output"), from(y), 1e-5, c.get("name") + " output");
        GemGradients g = Descriptors.gemBackward(spec, x, gy);
        close(read(c, "grad_input"), from(g.input()), 1e-4, c.get("name") + " grad_input");
        double gp = ((Number) c.get("grad_p")).doubleValue();
        // torch sums dL/dp in float32; ours is summed in double.
        assertEquals(gp, g.p(), 1e-4 * Math.max(1, Math.abs(gp)), c.get("name") + " grad_p");
    }

    private static void spp(Map<String, Object> c, Layout layout) throws IOException {
        int[] levels = ints(c.get("levels"));
        PyramidMode mode = c.get("mode").equals("max") ? PyramidMode.MAX : PyramidMode.AVG;
        Tensor x = to(read(c, "input"), layout);
        Tensor y = Descriptors.spatialPyramidPool(x, levels, mode);
        Tensor want = read(c, "output");
        assertArrayEquals(want.shape(), y.shape());
        if (mode == PyramidMode.MAX) assertArrayEquals(want.data(), y.data(), c.get("name") + " output");
        else close(want, y, 1e-6, c.get("name") + " output");
        Tensor gx = Descriptors.spatialPyramidPoolBackward(x, levels, mode, read(c, "grad_output"));
        close(read(c, "grad_input"), from(gx), 1e-6, c.get("name") + " grad_input");
    }

    private static Tensor to(Tensor t, Layout layout) {
        return t.toLayout(layout, true);
    }

    private static Tensor from(Tensor t) {
        return t.toLayout(Layout.CHANNELS_FIRST, true);
    }

    /** Each element within {@code rel} of the expected value relative to max(1, |expected|). */
    static void close(Tensor want, Tensor got, double rel, String what) {
        assertArrayEquals(want.shape(), got.shape(), what + " shape");
        float[] w = want.data();
        float[] g = got.data();
        for (int i = 0; i < w.length; i++) {
            double tol = rel * Math.max(1, Math.abs(w[i]));
            int at = i;
            assertTrue(Math.abs(w[i] - g[i]) <= tol, () -> what + "[" + at + "]: expected " + w[at] + ", got " + g[at]);
        }
    }
}
