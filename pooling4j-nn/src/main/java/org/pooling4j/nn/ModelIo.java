package org.pooling4j.nn;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.pooling4j.internal.json.Json;
import org.pooling4j.io.Npy;
import org.pooling4j.io.NpyArray;

/**
 * Model files: one {@code .npz} (a zip of standard {@code .npy} entries, so {@code numpy.load} reads
 * it) with one float32 array per parameter and buffer, named as {@link Sequential#params()} names
 * them plus {@code .npy}, and an entry {@value #ARCHITECTURE} holding the format tag, the per-sample
 * input shape and the list of layers (kind and config).
 */
public final class ModelIo {
    /** The zip entry with the architecture. */
    public static final String ARCHITECTURE = "architecture.json";

    static final String FORMAT = "pooling4j-nn model";
    static final int VERSION = 1;
    /** Largest entry read into memory (a guard against a hostile or corrupt file). */
    private static final long MAX_ENTRY_BYTES = Integer.MAX_VALUE - 8;

    private ModelIo() {}

    /**
     * Writes {@code model} to {@code file} (replacing it; parent folders are created).
     *
     * @throws IllegalArgumentException when a layer's kind cannot be saved (a nested container or a
     *     layer this module does not know)
     */
    public static void save(Sequential model, Path file) throws IOException {
        Objects.requireNonNull(model, "model must not be null");
        Objects.requireNonNull(file, "file must not be null");
        List<Object> layers = new ArrayList<>();
        for (int i = 0; i < model.layers().size(); i++) {
            Layer l = model.layers().get(i);
            if (!KNOWN.contains(l.kind()) || !(l.getClass().getPackageName().equals(ModelIo.class.getPackageName()))) {
                throw new IllegalArgumentException(
                        "layer " + i + " kind = \"" + l.kind() + "\": cannot be saved; savable kinds: " + KNOWN);
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("kind", l.kind());
            e.put("config", l.config());
            layers.add(e);
        }
        Map<String, Object> arch = new LinkedHashMap<>();
        arch.put("format", FORMAT);
        arch.put("version", VERSION);
        arch.put("inputShape", model.inputShape());
        arch.put("layers", layers);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try (OutputStream os = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(os)) {
            zip.putNextEntry(new ZipEntry(ARCHITECTURE));
            zip.write(Json.pretty(arch).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            for (Param p : model.params()) {
                zip.putNextEntry(new ZipEntry(p.name() + ".npy"));
                Npy.write(zip, NpyArray.of(p.value(), p.shape()));
                zip.closeEntry();
            }
        }
    }

    private static final List<String> KNOWN = List.of(
            "conv2d",
            "linear",
            "relu",
            "flatten",
            "dropout",
            "batchnorm2d",
            "pool",
            "gem_pool2d",
            "spatial_pyramid_pool2d",
            "rmac");

    /**
     * Rebuilds a model saved by {@link #save}: the layers from the architecture, then every array.
     * The model is in training mode, as a new one is.
     *
     * @throws IOException when the file is not a model file, names an unknown layer kind or a bad
     *     config, lacks an array, has an array of the wrong shape or one the model does not use
     */
    public static Sequential load(Path file) throws IOException {
        Objects.requireNonNull(file, "file must not be null");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (InputStream is = Files.newInputStream(file);
                ZipInputStream zip = new ZipInputStream(is)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                byte[] b = zip.readNBytes((int) MAX_ENTRY_BYTES);
                entries.put(e.getName(), b);
            }
        } catch (ZipException e) {
            throw new IOException(file + ": not a model file (not a zip archive: " + e.getMessage() + ")", e);
        }
        byte[] archBytes = entries.get(ARCHITECTURE);
        if (archBytes == null) throw new IOException(file + ": not a model file (no " + ARCHITECTURE + " entry)");
        Sequential model;
        try {
            model = build(Json.parse(new String(archBytes, StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new IOException(file + ": bad " + ARCHITECTURE + ": " + e.getMessage(), e);
        }
        List<String> used = new ArrayList<>();
        used.add(ARCHITECTURE);
        for (Param p : model.params()) {
            String name = p.name() + ".npy";
            byte[] b = entries.get(name);
            if (b == null)
                throw new IOException(file + ": array " + name + " is missing (the architecture needs shape "
                        + Arrays.toString(p.shape()) + ")");
            NpyArray a = Npy.read(new ByteArrayInputStream(b), file + "!" + name);
            if (!Arrays.equals(a.shape(), p.shape())) {
                throw new IOException(file + ": array " + name + " has shape " + Arrays.toString(a.shape())
                        + ", the architecture needs " + Arrays.toString(p.shape()));
            }
            if (a.dtype() != NpyArray.DType.FLOAT32) {
                throw new IOException(file + ": array " + name + " has dtype "
                        + a.dtype().name().toLowerCase(Locale.ROOT) + ", float32 expected");
            }
            System.arraycopy((float[]) a.data(), 0, p.value(), 0, p.size());
            used.add(name);
        }
        for (String n : entries.keySet()) {
            if (!used.contains(n))
                throw new IOException(file + ": entry " + n + " is not used by the architecture (a different model?)");
        }
        return model;
    }

    @SuppressWarnings("unchecked")
    private static Sequential build(Object json) {
        if (!(json instanceof Map)) throw new IllegalArgumentException("the top level must be an object");
        Map<String, Object> arch = (Map<String, Object>) json;
        if (!FORMAT.equals(arch.get("format")))
            throw new IllegalArgumentException("format = " + arch.get("format") + ": expected \"" + FORMAT + "\"");
        if (!(arch.get("version") instanceof Long) || (Long) arch.get("version") != VERSION) {
            throw new IllegalArgumentException(
                    "version = " + arch.get("version") + ": this reader knows version " + VERSION);
        }
        Object ls = arch.get("layers");
        if (!(ls instanceof List)) throw new IllegalArgumentException("layers: must be a list");
        Sequential model = new Sequential();
        List<Object> list = (List<Object>) ls;
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map))
                throw new IllegalArgumentException("layers[" + i + "]: must be an object");
            Map<String, Object> e = (Map<String, Object>) list.get(i);
            Object kind = e.get("kind");
            Object config = e.get("config");
            if (!(config instanceof Map))
                throw new IllegalArgumentException("layers[" + i + "].config: must be an object");
            try {
                model.add(layer(String.valueOf(kind), (Map<String, Object>) config));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("layers[" + i + "] (" + kind + "): " + ex.getMessage(), ex);
            }
        }
        Object in = arch.get("inputShape");
        if (in instanceof List) {
            List<Object> l = (List<Object>) in;
            int[] shape = new int[l.size()];
            for (int i = 0; i < shape.length; i++) {
                if (!(l.get(i) instanceof Long))
                    throw new IllegalArgumentException("inputShape: must be a list of integers");
                shape[i] = Math.toIntExact((Long) l.get(i));
            }
            model.setInputShape(shape);
        } else if (in != null) {
            throw new IllegalArgumentException("inputShape: must be a list of integers or null");
        }
        return model;
    }

    private static Layer layer(String kind, Map<String, Object> c) {
        switch (kind) {
            case "conv2d":
                return new Conv2d(
                        ConfigReader.integer(c, "in"),
                        ConfigReader.integer(c, "out"),
                        ConfigReader.integer(c, "kernel"),
                        ConfigReader.integer(c, "stride"),
                        ConfigReader.integer(c, "padding"),
                        ConfigReader.bool(c, "bias"),
                        ConfigReader.longValue(c, "seed"));
            case "linear": {
                String init = ConfigReader.string(c, "init");
                Linear.InitKind k;
                try {
                    k = Linear.InitKind.valueOf(init.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("init = \"" + init + "\": must be he or xavier");
                }
                return new Linear(
                        ConfigReader.integer(c, "in"),
                        ConfigReader.integer(c, "out"),
                        ConfigReader.bool(c, "bias"),
                        ConfigReader.longValue(c, "seed"),
                        k);
            }
            case "relu":
                return new ReLU();
            case "flatten":
                return new Flatten();
            case "dropout":
                return new Dropout(ConfigReader.number(c, "p"), ConfigReader.longValue(c, "seed"));
            case "batchnorm2d":
                return new BatchNorm2d(
                        ConfigReader.integer(c, "channels"),
                        ConfigReader.number(c, "momentum"),
                        ConfigReader.number(c, "eps"));
            case "pool":
                return PoolLayer.fromConfig(c);
            case "gem_pool2d":
                return GemPool2d.fromConfig(c);
            case "spatial_pyramid_pool2d":
                return SpatialPyramidPool2d.fromConfig(c);
            case "rmac":
                return new Rmac(ConfigReader.integer(c, "levels"));
            default:
                throw new IllegalArgumentException("kind = \"" + kind + "\": unknown layer kind; known: " + KNOWN);
        }
    }
}
