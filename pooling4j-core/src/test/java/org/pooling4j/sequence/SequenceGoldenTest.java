package org.pooling4j.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pooling4j.internal.json.Json;
import org.pooling4j.io.Npy;
import org.pooling4j.io.NpyArray;

/**
 * Every sequence mode against golden files from sentence-transformers 6's {@code Pooling} (and GeM's
 * formula in torch), made by tools/golden/sentence_transformers_golden.py: left and right padding, an
 * all-zero mask row in every case, L = 1, D not a multiple of 16, integer data with ties for max. The
 * gradient is torch autograd's of {@code sum(output * w)}.
 *
 * <p>cls, lasttoken and max must match exactly: outputs bit for bit (signed zeros included), gradients
 * as float values (the zero gradient of a masked token may be −0 in torch, where a product with the
 * mask made it, and +0 here, where nothing was added). The
 * sums may differ from torch's in the order of their additions, so for the means an element must lie
 * within {@code 1e-6 · max(|expected|, 1)}; GeM, whose float32 powers torch and Java round differently,
 * within {@code 1e-5 · max(|expected|, 1)}.
 */
class SequenceGoldenTest {
    private static final String DIR = "/golden/sequence/";
    private static final Set<String> EXACT = Set.of("cls", "lasttoken", "max");

    @SuppressWarnings("unchecked")
    static Stream<Arguments> entries() throws IOException {
        Map<String, Object> manifest = (Map<String, Object>) Json.parse(text(DIR + "manifest.json"));
        List<Arguments> out = new ArrayList<>();
        for (Object o : (List<Object>) manifest.get("entries")) {
            Map<String, Object> e = (Map<String, Object>) o;
            out.add(Arguments.of(e.get("case") + " " + e.get("modes"), e));
        }
        return out.stream();
    }

    @Test
    void manifestCoversEveryModeBothSidesAndAnAllZeroRow() throws IOException {
        Set<String> modes = new java.util.TreeSet<>();
        Set<String> cases = new java.util.TreeSet<>();
        entries().forEach(a -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> e = (Map<String, Object>) a.get()[1];
            for (Object m : (List<?>) e.get("modes")) modes.add((String) m);
            cases.add((String) e.get("case"));
        });
        for (SequenceMode m : SequenceMode.values()) assertTrue(modes.contains(m.wireName()), m.wireName());
        assertTrue(
                cases.contains("small_left") && cases.contains("small_right") && cases.contains("l1_left"),
                cases::toString);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    @SuppressWarnings("unchecked")
    void matchesSentenceTransformers(String name, Map<String, Object> e) throws IOException {
        List<Object> shape = (List<Object>) e.get("shape");
        int n = ((Number) shape.get(0)).intValue();
        int l = ((Number) shape.get(1)).intValue();
        int d = ((Number) shape.get(2)).intValue();
        float[] x = array((String) e.get("x")).toFloats();
        SequenceMask mask = SequenceMask.of(array((String) e.get("mask")).toFloats(), n, l);
        List<SequenceMode> modes = new ArrayList<>();
        for (Object m : (List<?>) e.get("modes")) modes.add(SequenceMode.parse((String) m));
        SequenceSpec spec = SequenceSpec.of(modes, 3.0, 1e-6);
        SequencePlan plan = SequencePooling.plan(spec, n, l, d);

        float[] y = new float[n * plan.outputDim()];
        plan.forward(x, mask, y);
        compare(name + " output", modes, d, array((String) e.get("output")).toFloats(), y, true);

        float[] gx = new float[x.length];
        plan.backward(x, mask, array((String) e.get("weights")).toFloats(), gx);
        // Gradients mix the modes of a concatenation, so a list is exact only when all its modes are.
        List<SequenceMode> gradModes = new ArrayList<>();
        boolean allExact = true;
        for (SequenceMode m : modes) allExact &= EXACT.contains(m.wireName());
        for (int i = 0; i < modes.size(); i++) gradModes.add(allExact ? modes.get(0) : SequenceMode.MEAN);
        if (modes.size() == 1) gradModes = modes;
        compare(
                name + " gradient",
                gradModes.subList(0, 1),
                l * d * n,
                array((String) e.get("grad")).toFloats(),
                gx,
                false);
    }

    /** Element i belongs to mode (i / block) % modes.size(). */
    private static void compare(
            String what, List<SequenceMode> modes, int block, float[] want, float[] got, boolean bits) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            SequenceMode m = modes.get((i / Math.max(block, 1)) % modes.size());
            float w = want[i];
            float g = got[i];
            if (EXACT.contains(m.wireName())) {
                boolean same = bits ? Float.floatToIntBits(w) == Float.floatToIntBits(g) : w == g || (w != w && g != g);
                if (!same) {
                    fail(what + "[" + i + "] (" + m.wireName() + "): expected " + w + ", got " + g + " ("
                            + (bits ? "bit for bit" : "exactly") + ")");
                }
            } else {
                double tol = (m == SequenceMode.GEM ? 1e-5 : 1e-6) * Math.max(Math.abs(w), 1.0);
                if (!(Math.abs(w - g) <= tol)) {
                    fail(what + "[" + i + "] (" + m.wireName() + "): expected " + w + ", got " + g + ", tolerance "
                            + tol);
                }
            }
        }
    }

    private static NpyArray array(String file) throws IOException {
        try (InputStream in = SequenceGoldenTest.class.getResourceAsStream(DIR + file)) {
            if (in == null) throw new IOException("missing golden file " + file);
            return Npy.read(in, file);
        }
    }

    private static String text(String resource) throws IOException {
        try (InputStream in = SequenceGoldenTest.class.getResourceAsStream(resource)) {
            if (in == null) throw new IOException("missing " + resource);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
