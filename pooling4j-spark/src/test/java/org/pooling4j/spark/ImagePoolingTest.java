package org.pooling4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.ml.image.ImageSchema;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.Layout;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;
import org.pooling4j.spark.internal.ImagePooler;

class ImagePoolingTest {
    private static final long SEED = 77031L;
    private static SparkSession spark;

    @TempDir
    static Path tmp;

    private static Path pictures;
    // The pictures as written: name -> ARGB pixels (alpha 255 for RGB, the grey level in each channel for grey).
    private static final Map<String, BufferedImage> WRITTEN = new HashMap<>();

    @BeforeAll
    static void start() throws IOException {
        spark = LocalSpark.start();
        pictures = Files.createDirectories(tmp.resolve("pictures"));
        Random rnd = new Random(SEED);
        write("rgb-a", rnd, 13, 10, BufferedImage.TYPE_INT_RGB);
        write("rgb-b", rnd, 8, 6, BufferedImage.TYPE_INT_RGB);
        write("rgb-c", rnd, 13, 10, BufferedImage.TYPE_INT_RGB);
        write("grey", rnd, 9, 7, BufferedImage.TYPE_BYTE_GRAY);
        write("alpha", rnd, 6, 4, BufferedImage.TYPE_INT_ARGB);
    }

    private static void write(String name, Random rnd, int w, int h, int type) throws IOException {
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = rnd.nextInt();
                if (type == BufferedImage.TYPE_BYTE_GRAY) {
                    img.getRaster().setSample(x, y, 0, argb & 0xFF);
                } else {
                    img.setRGB(x, y, type == BufferedImage.TYPE_INT_RGB ? argb | 0xFF000000 : argb);
                }
            }
        }
        ImageIO.write(img, "png", pictures.resolve(name + ".png").toFile());
        WRITTEN.put(name, img);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static String name(Row img) {
        return ImageFiles.baseName(img.getString(0));
    }

    private static Dataset<Row> images() {
        return spark.read().format("image").load(pictures.toString());
    }

    /** The expected pooled bytes: the core library on the image's own bytes, then round half even, clamp. */
    private static byte[] expected(PoolSpec spec, Row img) {
        int h = img.getInt(1);
        int w = img.getInt(2);
        int c = img.getInt(3);
        byte[] d = (byte[]) img.get(5);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = d[i] & 0xFF;
        Tensor y = Pooling.forward(spec, new Tensor(f, new int[] {1, h, w, c}, Layout.CHANNELS_LAST));
        byte[] out = new byte[y.size()];
        for (int i = 0; i < out.length; i++) {
            long r = Math.round(Math.rint(y.data()[i])); // half to even
            out[i] = (byte) Math.max(0, Math.min(255, r));
        }
        return out;
    }

    @Test
    void theImageSourceGivesTheBgrBytesWeWrote() {
        for (Row r : images().collectAsList()) {
            Row img = r.getStruct(0);
            BufferedImage want = WRITTEN.get(name(img));
            int c = img.getInt(3);
            assertEquals(want.getHeight(), img.getInt(1));
            assertEquals(want.getWidth(), img.getInt(2));
            byte[] d = (byte[]) img.get(5);
            for (int y = 0; y < want.getHeight(); y++) {
                for (int x = 0; x < want.getWidth(); x++) {
                    int o = (y * want.getWidth() + x) * c;
                    if (c == 1) {
                        assertEquals(want.getRaster().getSample(x, y, 0), d[o] & 0xFF);
                    } else {
                        int argb = want.getRGB(x, y);
                        assertEquals(argb & 0xFF, d[o] & 0xFF, "blue first");
                        assertEquals((argb >> 8) & 0xFF, d[o + 1] & 0xFF);
                        assertEquals((argb >> 16) & 0xFF, d[o + 2] & 0xFF);
                        if (c == 4) assertEquals((argb >>> 24), d[o + 3] & 0xFF);
                    }
                }
            }
        }
    }

    @Test
    void pooledImagesEqualTheCoreLibraryAndKeepTheSchema() {
        PoolingTransformer avg = new PoolingTransformer()
                .setInputCol("image")
                .setOutputCol("small")
                .setOp("avg")
                .setKernel(2)
                .setBatchSize(2);
        PoolingTransformer max = new PoolingTransformer()
                .setInputCol("image")
                .setOutputCol("big")
                .setOp("max")
                .setKernel(3)
                .setStride(2)
                .setPadding(1);
        Dataset<Row> out = max.transform(avg.transform(images()));
        assertEquals(ImageSchema.columnSchema(), out.schema().apply("small").dataType());
        List<Row> rows = out.collectAsList();
        assertEquals(5, rows.size());
        for (Row r : rows) {
            Row img = r.getStruct(0);
            for (int k = 0; k < 2; k++) {
                Row p = r.getStruct(1 + k);
                PoolSpec spec = k == 0
                        ? PoolSpec.avg(2, 2).build()
                        : PoolSpec.max(3, 3).stride(2, 2).padding(1, 1).build();
                int h = img.getInt(1);
                int w = img.getInt(2);
                int oh = k == 0 ? h / 2 : (h + 2 - 3) / 2 + 1;
                int ow = k == 0 ? w / 2 : (w + 2 - 3) / 2 + 1;
                assertEquals(img.getString(0), p.getString(0), "origin kept");
                assertEquals(oh, p.getInt(1));
                assertEquals(ow, p.getInt(2));
                assertEquals(img.getInt(3), p.getInt(3), "nChannels kept");
                assertEquals(img.getInt(4), p.getInt(4), "mode kept");
                assertArrayEquals(expected(spec, img), (byte[]) p.get(5), name(img) + " " + spec);
            }
        }
    }

    @Test
    void roundingIsHalfToEvenThenClamped() {
        assertEquals(2, ImagePooler.toByte(2.5f));
        assertEquals(4, ImagePooler.toByte(3.5f));
        assertEquals(3, ImagePooler.toByte(3.4999998f));
        assertEquals(0, ImagePooler.toByte(-0.7f));
        assertEquals((byte) 255, ImagePooler.toByte(255.5f));
        assertEquals((byte) 255, ImagePooler.toByte(1e9f));
        assertEquals(0, ImagePooler.toByte(Float.NaN));
        // 1 x 2 image, one channel: (3 + 4) / 2 = 3.5 -> 4; (2 + 3) / 2 = 2.5 -> 2
        StructType schema = new StructType().add("image", ImageSchema.columnSchema());
        Dataset<Row> df = spark.createDataFrame(
                List.of(
                        RowFactory.create(RowFactory.create("a", 1, 2, 1, 0, new byte[] {3, 4})),
                        RowFactory.create(RowFactory.create("b", 1, 2, 1, 0, new byte[] {2, 3}))),
                schema);
        List<Row> out = new PoolingTransformer()
                .setInputCol("image")
                .setOutputCol("p")
                .setKernel(1, 2)
                .transform(df)
                .collectAsList();
        assertArrayEquals(new byte[] {4}, (byte[]) out.get(0).getStruct(1).get(5));
        assertArrayEquals(new byte[] {2}, (byte[]) out.get(1).getStruct(1).get(5));
    }

    @Test
    void badImagesFollowHandleInvalid() {
        StructType schema = new StructType().add("image", ImageSchema.columnSchema());
        List<Row> rows = List.of(
                RowFactory.create(RowFactory.create("ok", 2, 2, 1, 0, new byte[] {1, 2, 3, 4})),
                RowFactory.create((Object) null),
                RowFactory.create(RowFactory.create("short", 2, 2, 3, 16, new byte[] {1, 2, 3})),
                RowFactory.create(RowFactory.create("two-channels", 2, 2, 2, 8, new byte[8])),
                RowFactory.create(RowFactory.create("float-mode", 2, 2, 1, 5, new byte[4])),
                RowFactory.create(RowFactory.create("tiny", 1, 1, 1, 0, new byte[1])));
        Dataset<Row> df = spark.createDataFrame(rows, schema).coalesce(1);
        PoolingTransformer t =
                new PoolingTransformer().setInputCol("image").setOutputCol("p").setKernel(2);
        List<Row> kept = t.setHandleInvalid("keep").transform(df).collectAsList();
        assertEquals(6, kept.size());
        assertArrayEquals(new byte[] {2}, (byte[]) kept.get(0).getStruct(1).get(5)); // 2.5 -> 2
        for (int i = 1; i < 6; i++) assertNull(kept.get(i).get(1), "row " + i);
        assertEquals(1, t.setHandleInvalid("skip").transform(df).count());
        String[] rules = {
            "the image is null",
            "the image's data has 3 bytes but height 2 x width 2 x nChannels 3 needs 12",
            "nChannels = 2: must be 1, 3 or 4",
            "mode = 5: an 8-bit image with 1 channels must have OpenCV mode 0",
            "image 1 x 1 does not fit the operator",
        };
        List<Row> local = df.collectAsList();
        for (int i = 0; i < rules.length; i++) {
            java.util.Iterator<InternalRow> it = t.setHandleInvalid("error")
                    .batcher(df.schema())
                    .call(List.of(LocalSpark.internal(local.get(i + 1), df.schema()))
                            .iterator());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, it::hasNext);
            assertTrue(
                    e.getMessage().startsWith("invalid row at partition 0, index 0 within it: " + rules[i]),
                    e.getMessage());
        }
    }

    @Test
    void pngHelperWritesWhatTheColumnHolds() throws IOException {
        Path outDir = tmp.resolve("png-out");
        Dataset<Row> pooled = new PoolingTransformer()
                .setInputCol("image")
                .setOutputCol("small")
                .setOp("max")
                .setKernel(2)
                .transform(images());
        ImageFiles.writePngs(pooled, "small", outDir.toString());
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(outDir)) {
            s.forEach(files::add);
        }
        assertEquals(5, files.size(), files.toString());
        for (Row r : pooled.collectAsList()) {
            Row p = r.getStruct(1);
            BufferedImage back = ImageIO.read(outDir.resolve(name(p) + ".png").toFile());
            int w = p.getInt(2);
            int c = p.getInt(3);
            byte[] d = (byte[]) p.get(5);
            assertEquals(p.getInt(1), back.getHeight());
            assertEquals(w, back.getWidth());
            for (int y = 0; y < back.getHeight(); y++) {
                for (int x = 0; x < w; x++) {
                    int o = (y * w + x) * c;
                    if (c == 1) {
                        assertEquals(d[o] & 0xFF, back.getRaster().getSample(x, y, 0));
                    } else {
                        int argb = back.getRGB(x, y);
                        assertEquals(d[o] & 0xFF, argb & 0xFF);
                        assertEquals(d[o + 1] & 0xFF, (argb >> 8) & 0xFF);
                        assertEquals(d[o + 2] & 0xFF, (argb >> 16) & 0xFF);
                        assertEquals(c == 4 ? d[o + 3] & 0xFF : 255, argb >>> 24);
                    }
                }
            }
        }
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ImageFiles.toBufferedImage(RowFactory.create("x", 2, 2, 3, 16, new byte[5])));
        assertTrue(e.getMessage().startsWith("image data has 5 bytes: must have 12"), e.getMessage());
    }
}
