package org.pooling4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.PoolOp;
import org.pooling4j.Tensor;
import org.pooling4j.io.Npy;
import org.pooling4j.io.NpyArray;

class ModelIoTest {
    @TempDir
    Path dir;

    private static Sequential everyKind(long seed) {
        return new Sequential(
                new Conv2d(1, 4, 3, 1, 1, true, seed),
                new BatchNorm2d(4, 0.1, 1e-5),
                new ReLU(),
                PoolLayer.gated(2, 2, seed),
                new Conv2d(4, 4, 3, 1, 1, false, seed + 1),
                new ReLU(),
                PoolLayer.weightedAvg(2, 2, 1.0),
                PoolLayer.lp(2, 1, 1),
                PoolLayer.mixed(0.25, 1, 1),
                PoolLayer.stochastic(1, 1, 3),
                PoolLayer.fractionalMax(1, 0.99, 4),
                PoolLayer.adaptiveAvg(2, 2),
                PoolLayer.gaussian(1, 1, 1.0),
                PoolLayer.avg(1, 1),
                PoolLayer.max(1, 1),
                PoolLayer.adaptiveMax(2, 2),
                new Flatten(),
                new Dropout(0.5, 9),
                new Linear(16, 8, true, seed + 2),
                Linear.xavier(8, 3, false, seed + 3));
    }

    @Test
    void roundTripGivesIdenticalOutputs() throws IOException {
        Sequential m = everyKind(5);
        Random r = new Random(6);
        Tensor x = GradCheck.random(r, -1, 1, 3, 1, 8, 8);
        m.forward(x); // moves the batch-norm running statistics away from their start
        for (Param p : m.params()) {
            if (p.trainable()) {
                for (int i = 0; i < p.size(); i++) p.value()[i] += (float) (0.01 * r.nextGaussian());
            }
        }
        m.setTraining(false);
        Tensor before = m.forward(x);
        Path f = dir.resolve("sub/model.npz");
        ModelIo.save(m, f);
        Sequential back = ModelIo.load(f);
        back.setTraining(false);
        assertArrayEquals(before.data(), back.forward(x).data());
        assertArrayEquals(new int[] {1, 8, 8}, back.inputShape());
        assertEquals(m.params().size(), back.params().size());
        for (int i = 0; i < m.layers().size(); i++) {
            assertEquals(m.layers().get(i).kind(), back.layers().get(i).kind());
            assertEquals(m.layers().get(i).config(), back.layers().get(i).config());
        }
        // Every array is a standard .npy entry named as the container names it.
        try (ZipFile z = new ZipFile(f.toFile())) {
            List<String> names = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements(); )
                names.add(e.nextElement().getName());
            assertTrue(names.contains("0.conv2d.weight.npy"), names.toString());
            assertTrue(names.contains("1.batchnorm2d.running_var.npy"), names.toString());
            assertTrue(names.contains("3.pool.gate.npy"), names.toString());
            for (Param p : m.params()) {
                NpyArray a = Npy.read(z.getInputStream(z.getEntry(p.name() + ".npy")), p.name());
                assertArrayEquals(p.shape(), a.shape(), p.name());
                assertArrayEquals(p.value(), a.toFloats(), p.name());
            }
            String json = new String(
                    z.getInputStream(z.getEntry(ModelIo.ARCHITECTURE)).readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(json.contains("\"kind\": \"conv2d\""), json);
        }
    }

    @Test
    void lenetRoundTrip() throws IOException {
        for (String kind : new String[] {"max", "none", "fractional", "gated"}) {
            Sequential m = Models.lenet(kind, 3);
            m.setTraining(false);
            Tensor x = GradCheck.random(new Random(1), 0, 1, 2, 1, 28, 28);
            Path f = dir.resolve(kind + ".npz");
            ModelIo.save(m, f);
            Sequential back = ModelIo.load(f);
            back.setTraining(false);
            assertArrayEquals(m.forward(x).data(), back.forward(x).data(), kind);
        }
    }

    /** Writes a zip with the given entries (name, bytes). */
    private Path zip(String name, Object... entries) throws IOException {
        Path f = dir.resolve(name);
        try (OutputStream os = Files.newOutputStream(f);
                ZipOutputStream z = new ZipOutputStream(os)) {
            for (int i = 0; i < entries.length; i += 2) {
                z.putNextEntry(new ZipEntry((String) entries[i]));
                Object v = entries[i + 1];
                if (v instanceof String) z.write(((String) v).getBytes(StandardCharsets.UTF_8));
                else Npy.write(z, (NpyArray) v);
                z.closeEntry();
            }
        }
        return f;
    }

    private static final String LINEAR = "{\"format\": \"pooling4j-nn model\", \"version\": 1, \"inputShape\": [2], "
            + "\"layers\": [{\"kind\": \"linear\", \"config\": {\"in\": 2, \"out\": 1, \"bias\": false, \"seed\": 1, \"init\": \"he\"}}]}";

    private static String message(Path f) {
        return assertThrows(IOException.class, () -> ModelIo.load(f)).getMessage();
    }

    @Test
    void errors() throws IOException {
        Path ok = zip(
                "ok.npz", "architecture.json", LINEAR, "0.linear.weight.npy", NpyArray.of(new float[] {1, 2}, 1, 2));
        Sequential m = ModelIo.load(ok);
        assertArrayEquals(new float[] {1, 2}, m.params().get(0).value());

        String msg = message(zip("missing.npz", "architecture.json", LINEAR));
        assertTrue(msg.contains("0.linear.weight.npy is missing"), msg);
        msg = message(zip(
                "shape.npz",
                "architecture.json",
                LINEAR,
                "0.linear.weight.npy",
                NpyArray.of(new float[] {1, 2}, 2, 1)));
        assertTrue(msg.contains("has shape [2, 1], the architecture needs [1, 2]"), msg);
        msg = message(zip(
                "extra.npz",
                "architecture.json",
                LINEAR,
                "0.linear.weight.npy",
                NpyArray.of(new float[] {1, 2}, 1, 2),
                "9.linear.bias.npy",
                NpyArray.of(new float[] {1}, 1)));
        assertTrue(msg.contains("9.linear.bias.npy is not used"), msg);
        msg = message(zip("kind.npz", "architecture.json", LINEAR.replace("\"linear\"", "\"lstm\"")));
        assertTrue(msg.contains("kind = \"lstm\": unknown layer kind"), msg);
        msg = message(zip("noarch.npz", "0.linear.weight.npy", NpyArray.of(new float[] {1, 2}, 1, 2)));
        assertTrue(msg.contains("not a model file (no architecture.json"), msg);
        msg = message(zip("format.npz", "architecture.json", LINEAR.replace("pooling4j-nn model", "other")));
        assertTrue(msg.contains("format = other"), msg);
        msg = message(zip("json.npz", "architecture.json", "{\"format\": "));
        assertTrue(msg.contains("bad architecture.json"), msg);
        msg = message(zip("config.npz", "architecture.json", LINEAR.replace("\"in\": 2, ", "")));
        assertTrue(msg.contains("config key \"in\" is missing"), msg);
        Path text = dir.resolve("text.npz");
        Files.writeString(text, "hello, not a zip");
        msg = message(text);
        assertTrue(msg.contains("not a model file"), msg);
        assertThrows(IOException.class, () -> ModelIo.load(dir.resolve("absent.npz")));
        assertThrows(NullPointerException.class, () -> ModelIo.save(null, ok));
    }

    @Test
    void foreignLayersCannotBeSaved() {
        Layer custom = new Layer() {
            @Override
            public Tensor forward(Tensor x) {
                return x;
            }

            @Override
            public Tensor backward(Tensor g) {
                return g;
            }

            @Override
            public int[] outputShape(int[] s) {
                return s;
            }

            @Override
            public String kind() {
                return "custom";
            }
        };
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ModelIo.save(new Sequential(new ReLU(), custom), dir.resolve("c.npz")));
        assertTrue(e.getMessage().contains("layer 1 kind = \"custom\""), e.getMessage());
    }

    /** The op names model files carry; "gaussian" (fixed weights) and "weighted_avg" (learnable) run the same core operator. */
    @Test
    void poolOpNamesOfModelFiles() {
        assertEquals("gaussian", PoolLayer.gaussian(3, 1, 0.8).config().get("op"));
        assertEquals("weighted_avg", PoolLayer.weightedAvg(3, 1, 0.8).config().get("op"));
        assertEquals(
                "fractional_max", PoolLayer.fractionalMax(2, 0.5, 1).config().get("op"));
        assertEquals("global_avg", PoolLayer.globalAvg().config().get("op"));

        // A layer as a model file written before the layer was keyed by the core's operator describes it.
        PoolLayer g = PoolLayer.fromConfig(Map.of("op", "gaussian", "kernel", 3L, "stride", 1L, "sigma", 0.8));
        assertEquals(PoolOp.WEIGHTED_AVG, g.op());
        assertNull(g.weights());
        assertTrue(g.params().isEmpty());
        assertEquals(Map.of("op", "gaussian", "kernel", 3, "stride", 1, "sigma", 0.8), g.config());
        PoolLayer w = PoolLayer.fromConfig(Map.of("op", "weighted_avg", "kernel", 3L, "stride", 1L, "sigma", 0.8));
        assertEquals(PoolOp.WEIGHTED_AVG, w.op());
        assertNotNull(w.weights());
        assertEquals(
                PoolOp.MAX,
                PoolLayer.fromConfig(Map.of("op", "max", "kernel", 2L, "stride", 2L))
                        .op());

        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> PoolLayer.fromConfig(Map.of("op", "no_such_pool", "kernel", 2L, "stride", 2L)));
        assertEquals(
                "pool op = \"no_such_pool\": unknown; known: [max, avg, lp, global_max, global_avg, adaptive_max, adaptive_avg, "
                        + "fractional_max, stochastic, mixed, gated, weighted_avg, gaussian]",
                e.getMessage());
    }
}
