package org.pooling4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.Tensor;
import org.pooling4j.descriptor.Descriptors.PyramidMode;

/**
 * The descriptor layers: finite-difference checks of GeM (input and the learnable p), spatial pyramid
 * pooling and R-MAC; hand-worked values; a learnable p that moves under SGD; model files; bad arguments.
 */
class DescriptorLayersTest {
    @TempDir
    Path dir;

    @Test
    void gemGradientsIncludingP() {
        Random r = new Random(181);
        // Inputs kept above eps and away from 0, where the clamp has its kink.
        GradCheck.check("gem global", 181, GemPool2d.global(), GradCheck.random(r, 0.2, 2, 2, 3, 4, 5));
        GradCheck.check(
                "gem windowed",
                182,
                GemPool2d.windowed(3, 2, 1, 2.5, 1e-6, true),
                GradCheck.random(r, 0.2, 2, 1, 2, 6, 5));
        GemPool2d fixed = GemPool2d.global(4, 1e-6, false);
        assertTrue(!fixed.p().trainable());
        GradCheck.check("gem fixed p", 183, fixed, GradCheck.random(r, 0.2, 2, 1, 2, 3, 3));
        assertEquals(0f, fixed.p().grad()[0]);
    }

    @Test
    void gemHandWorkedAndLearnsP() {
        // One channel [[1, 3]], p = 2: sqrt((1 + 9) / 2) = sqrt(5); output (1, 1, 1, 1).
        GemPool2d g = GemPool2d.global(2, 1e-6, true);
        Tensor x = Tensor.of(new float[] {1, 3}, 1, 1, 1, 2);
        Tensor y = g.forward(x);
        assertArrayEquals(new int[] {1, 1, 1, 1}, y.shape());
        assertEquals(Math.sqrt(5), y.data()[0], 1e-6);
        // dy/dp = y (-ln a / p^2 + mean(z ln x) / (p a)) with a = 5, mean(z ln x) = 9 ln 3 / 2.
        g.backward(Tensor.of(new float[] {1}, 1, 1, 1, 1));
        double dp = Math.sqrt(5) * (-Math.log(5) / 4 + (9 * Math.log(3) / 2) / 10);
        assertEquals(dp, g.p().grad()[0], 1e-6);
        // Descent on -y raises p (GeM tends to the window's max, 3, as p grows): p and the output grow.
        Sgd sgd = new Sgd(2, 0, 0);
        for (int i = 0; i < 20; i++) {
            g.p().zeroGrad();
            g.forward(x);
            g.backward(Tensor.of(new float[] {-1}, 1, 1, 1, 1));
            sgd.step(g.params());
        }
        assertTrue(g.p().value()[0] > 3, "p = " + g.p().value()[0]);
        // ((1 + 3^p) / 2)^(1/p) at p = 3 is 14^(1/3) = 2.41.
        assertTrue(g.forward(x).data()[0] > 2.41f, "y = " + g.forward(x).data()[0]);
    }

    @Test
    void sppAndRmacGradients() {
        Random r = new Random(184);
        GradCheck.check(
                "spp max",
                184,
                new SpatialPyramidPool2d(new int[] {1, 2, 3}, PyramidMode.MAX),
                GradCheck.distinct(r, -2, 0.05, 2, 2, 5, 6));
        GradCheck.check(
                "spp avg",
                185,
                new SpatialPyramidPool2d(new int[] {2, 1}, PyramidMode.AVG),
                GradCheck.random(r, -1, 1, 1, 3, 4, 7));
        GradCheck.check("rmac", 186, new Rmac(3), GradCheck.distinct(r, -1, 0.05, 2, 3, 6, 8));
    }

    @Test
    void sppMakesAFixedLengthForAnyImageSize() {
        SpatialPyramidPool2d spp = new SpatialPyramidPool2d(new int[] {1, 2, 4}, PyramidMode.MAX);
        assertArrayEquals(new int[] {2, 3 * 21}, spp.outputShape(new int[] {2, 3, 13, 7}));
        assertArrayEquals(new int[] {2, 3 * 21}, spp.outputShape(new int[] {2, 3, 4, 40}));
        Sequential net = new Sequential(spp, new Linear(3 * 21, 2, true, 1, Linear.InitKind.HE));
        assertArrayEquals(
                new int[] {1, 2}, net.forward(Tensor.zeros(1, 3, 9, 11)).shape());
        assertArrayEquals(
                new int[] {1, 2}, net.forward(Tensor.zeros(1, 3, 5, 5)).shape());
    }

    @Test
    void modelFilesRoundTrip() throws Exception {
        Random r = new Random(187);
        GemPool2d gem = GemPool2d.windowed(2, 1, 0, 3, 1e-6, true);
        gem.p().value()[0] = 2.75f; // as if trained
        Sequential m = new Sequential(gem, new SpatialPyramidPool2d(new int[] {1, 2}, PyramidMode.AVG));
        Sequential m2 = new Sequential(GemPool2d.global(), new Rmac(2));
        for (Sequential s : new Sequential[] {m, m2}) {
            Tensor x = GradCheck.random(r, 0, 1, 2, 3, 6, 6);
            Path f = dir.resolve(s.layers().get(1).kind() + ".npz");
            ModelIo.save(s, f);
            Sequential back = ModelIo.load(f);
            assertArrayEquals(s.forward(x).data(), back.forward(x).data());
            for (int i = 0; i < s.layers().size(); i++) {
                assertEquals(s.layers().get(i).config(), back.layers().get(i).config());
            }
        }
        assertEquals(
                2.75f,
                ((GemPool2d) ModelIo.load(dir.resolve("spatial_pyramid_pool2d.npz"))
                                .layers()
                                .get(0))
                        .p()
                        .value()[0]);
    }

    @Test
    void badArguments() {
        assertMessage(() -> GemPool2d.global(0, 1e-6, true), "p = 0.0: must be finite and > 0");
        assertMessage(() -> GemPool2d.global(3, 0, true), "eps = 0.0");
        assertMessage(() -> GemPool2d.windowed(2, 1, 2, 3, 1e-6, true), "padding");
        assertMessage(() -> GemPool2d.windowed(0, 1, 0, 3, 1e-6, true), "kernel = 0: must be >= 1");
        assertMessage(() -> new SpatialPyramidPool2d(new int[0], PyramidMode.MAX), "levels = []");
        assertMessage(() -> new Rmac(0), "levels = 0: must be >= 1");
        assertMessage(() -> GemPool2d.global().forward(Tensor.zeros(2, 3, 4)), "must be (N, C, H, W)");
        assertMessage(
                () -> GemPool2d.windowed(3, 1, 0, 3, 1e-6, true).forward(Tensor.zeros(1, 1, 2, 2)),
                "must be >= the kernel 3");
        GemPool2d g = GemPool2d.global();
        g.p().value()[0] = -0.5f; // an optimiser step too far
        assertMessage(() -> g.forward(Tensor.zeros(1, 1, 2, 2)), "p = -0.5: must be finite and > 0");
        assertThrows(IllegalStateException.class, () -> new Rmac(2).backward(Tensor.zeros(1, 1)));
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String part) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(part), () -> "message \"" + ex.getMessage() + "\" lacks \"" + part + "\"");
    }
}
