package org.pooling4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.SparkException;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.Tensor;
import org.pooling4j.descriptor.Descriptors;
import org.pooling4j.descriptor.GemSpec;

class GlobalDescriptorTransformerTest {
    private static SparkSession spark;
    private static final long SEED = 20261209L;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static final StructType MAPS = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("x", DataTypes.createArrayType(DataTypes.FloatType, true), true)
            .add("s", DataTypes.createArrayType(DataTypes.IntegerType, true), true);

    private static void assertVector(float[] want, Vector got, String what) {
        assertNotNull(got, what);
        assertTrue(got instanceof DenseVector, what + ": a dense vector");
        double[] g = got.toArray();
        assertEquals(want.length, g.length, what + ": length");
        for (int k = 0; k < want.length; k++) {
            assertEquals((double) (float) g[k], g[k], what + ": element " + k + " is a widened float");
            assertEquals(
                    Float.floatToIntBits(want[k]),
                    Float.floatToIntBits((float) g[k]),
                    what + ": element " + k + " " + want[k] + " vs " + g[k]);
        }
    }

    @Test
    void handWorkedExamples() {
        // One channel, 2x2: 1 2 / 3 4.
        Dataset<Row> df = spark.createDataFrame(
                List.of(RowFactory.create(0L, new float[] {1, 2, 3, 4}, new int[] {1, 2, 2})), MAPS);
        GlobalDescriptorTransformer t = new GlobalDescriptorTransformer()
                .setInputCol("x")
                .setOutputCol("d")
                .setShapeCol("s");
        // GeM with p = 1 is the mean (every value above eps).
        Vector gem = (Vector) t.copy(new org.apache.spark.ml.param.ParamMap())
                .setP(1)
                .transform(df)
                .collectAsList()
                .get(0)
                .get(3);
        assertArrayEquals(new double[] {2.5}, gem.toArray());
        // SPP, max, levels 1 and 2: the maximum, then each value in its own bin, row-major.
        Vector spp = (Vector) t.copy(new org.apache.spark.ml.param.ParamMap())
                .setDescriptor("spp")
                .setLevels(1, 2)
                .transform(df)
                .collectAsList()
                .get(0)
                .get(3);
        assertArrayEquals(new double[] {4, 1, 2, 3, 4}, spp.toArray());
        Vector avg = (Vector) t.copy(new org.apache.spark.ml.param.ParamMap())
                .setDescriptor("spp")
                .setLevels(1)
                .setMode("avg")
                .transform(df)
                .collectAsList()
                .get(0)
                .get(3);
        assertArrayEquals(new double[] {2.5}, avg.toArray());
        // R-MAC of a 1x1 map of two channels (3, 4): one region per level, each the unit vector (0.6, 0.8).
        Dataset<Row> two =
                spark.createDataFrame(List.of(RowFactory.create(0L, new float[] {3, 4}, new int[] {2, 1, 1})), MAPS);
        Vector rmac = (Vector) t.copy(new org.apache.spark.ml.param.ParamMap())
                .setDescriptor("rmac")
                .setLevels(1)
                .transform(two)
                .collectAsList()
                .get(0)
                .get(3);
        assertEquals(0.6, rmac.apply(0), 1e-6);
        assertEquals(0.8, rmac.apply(1), 1e-6);
    }

    @Test
    void everyRowEqualsTheCoreLibraryBitForBit() {
        Random rnd = new Random(SEED);
        int[][] shapes = {{3, 7, 5}, {2, 4, 4}, {3, 7, 5}, {4, 9, 6}};
        List<Row> rows = new ArrayList<>();
        List<float[]> xs = new ArrayList<>();
        int n = 37;
        for (int i = 0; i < n; i++) {
            int[] s = shapes[i % shapes.length];
            float[] x = new float[s[0] * s[1] * s[2]];
            for (int k = 0; k < x.length; k++) x[k] = (float) rnd.nextGaussian() * 2 + (i % 3 == 0 ? 0 : 1);
            xs.add(x);
            rows.add(RowFactory.create((long) i, x, s));
        }
        // Mixed shapes in one partition.
        Dataset<Row> df = spark.createDataFrame(rows, MAPS).coalesce(1);
        GlobalDescriptorTransformer[] ts = {
            new GlobalDescriptorTransformer().setDescriptor("gem").setP(2.5),
            new GlobalDescriptorTransformer().setDescriptor("gem"),
            new GlobalDescriptorTransformer().setDescriptor("spp"),
            new GlobalDescriptorTransformer()
                    .setDescriptor("spp")
                    .setLevels(3, 1)
                    .setMode("avg"),
            new GlobalDescriptorTransformer().setDescriptor("rmac"),
            new GlobalDescriptorTransformer().setDescriptor("rmac").setLevels(2),
        };
        for (int c = 0; c < ts.length; c++) {
            df = ts[c].setInputCol("x")
                    .setOutputCol("d" + c)
                    .setShapeCol("s")
                    .setBatchSize(6)
                    .transform(df);
        }
        List<Row> out = df.collectAsList();
        assertEquals(n, out.size());
        for (int i = 0; i < n; i++) {
            Row r = out.get(i);
            assertEquals(i, r.getLong(0), "row order kept");
            int[] s = shapes[i % shapes.length];
            Tensor x = Tensor.of(xs.get(i), 1, s[0], s[1], s[2]);
            float[][] want = {
                Descriptors.gem(GemSpec.global(2).p(2.5).build(), x).data(),
                Descriptors.gem(GemSpec.global(2).build(), x).data(),
                Descriptors.spatialPyramidPool(x, new int[] {1, 2, 4}, Descriptors.PyramidMode.MAX)
                        .data(),
                Descriptors.spatialPyramidPool(x, new int[] {3, 1}, Descriptors.PyramidMode.AVG)
                        .data(),
                Descriptors.rmac(x, 3).data(),
                Descriptors.rmac(x, 2).data(),
            };
            assertEquals(s[0], want[0].length);
            assertEquals(s[0] * 21, want[2].length);
            assertEquals(s[0] * 10, want[3].length);
            assertEquals(s[0], want[4].length);
            for (int c = 0; c < want.length; c++) {
                assertVector(want[c], (Vector) r.get(3 + c), "seed " + SEED + ", case " + c + ", row " + i);
            }
        }
    }

    @Test
    void vectorAndDoubleColumnsWithAFixedShape() {
        StructType schema = new StructType()
                .add("v", SQLDataTypes.VectorType())
                .add("a", DataTypes.createArrayType(DataTypes.DoubleType, false));
        double[] x = {0.5, -1, 2, 7, 3, 3, -4, 1};
        Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create(Vectors.dense(x), x)), schema);
        df = new GlobalDescriptorTransformer()
                .setInputCol("v")
                .setOutputCol("fromVector")
                .setShape(2, 2, 2)
                .setDescriptor("spp")
                .setLevels(1)
                .transform(df);
        df = new GlobalDescriptorTransformer()
                .setInputCol("a")
                .setOutputCol("fromArray")
                .setShape(2, 2, 2)
                .setDescriptor("spp")
                .setLevels(1)
                .transform(df);
        Row r = df.collectAsList().get(0);
        assertArrayEquals(new double[] {7, 3}, ((Vector) r.get(2)).toArray());
        assertArrayEquals(new double[] {7, 3}, ((Vector) r.get(3)).toArray());
    }

    private Dataset<Row> badRows() {
        StructType schema = new StructType()
                .add("id", DataTypes.StringType)
                .add("x", DataTypes.createArrayType(DataTypes.FloatType, true))
                .add("s", DataTypes.createArrayType(DataTypes.IntegerType, true));
        float[] good = {1, 2, 3, 4};
        List<Row> rows = List.of(
                RowFactory.create("a", good, new int[] {1, 2, 2}),
                RowFactory.create("b", null, new int[] {1, 2, 2}), // null data
                RowFactory.create("c", new float[] {1, 2, 3}, new int[] {1, 2, 2}), // length does not match
                RowFactory.create("d", good, new int[] {4, 1}), // not (C, H, W)
                RowFactory.create("e", new Float[] {1f, null, 3f, 4f}, new int[] {1, 2, 2}), // null element
                RowFactory.create("f", good, new int[] {4, 1, 1}));
        return spark.createDataFrame(rows, schema).coalesce(1);
    }

    private GlobalDescriptorTransformer badRowsTransformer() {
        return new GlobalDescriptorTransformer()
                .setInputCol("x")
                .setOutputCol("d")
                .setShapeCol("s")
                .setDescriptor("spp")
                .setLevels(1);
    }

    @Test
    void handleInvalidEveryMode() {
        String[] ids = {"b", "c", "d", "e"};
        String[] want = {
            "invalid row id = b (at partition 0, index 1 within it): inputCol x is null",
            "invalid row id = c (at partition 0, index 1 within it): inputCol x has 3 values but shape [1, 2, 2]"
                    + " needs 4",
            "invalid row id = d (at partition 0, index 1 within it): shape [4, 1]: must have 3 entries (C, H, W)",
            "invalid row id = e (at partition 0, index 1 within it): inputCol x holds a null at element 1",
        };
        for (int i = 0; i < ids.length; i++) {
            Dataset<Row> two = badRows().filter("id = 'a' or id = '" + ids[i] + "'");
            SparkException e = assertThrows(
                    SparkException.class,
                    () -> badRowsTransformer().setRowIdCol("id").transform(two).collectAsList());
            assertTrue(String.valueOf(e.getMessage()).contains(want[i]), e.getMessage());
        }
        List<Row> skipped = badRowsTransformer()
                .setHandleInvalid("skip")
                .transform(badRows())
                .collectAsList();
        assertEquals(2, skipped.size());
        assertEquals("a", skipped.get(0).getString(0));
        assertArrayEquals(new double[] {4}, ((Vector) skipped.get(0).get(3)).toArray());
        assertEquals("f", skipped.get(1).getString(0));
        assertArrayEquals(new double[] {1, 2, 3, 4}, ((Vector) skipped.get(1).get(3)).toArray());
        List<Row> kept = badRowsTransformer()
                .setHandleInvalid("keep")
                .transform(badRows())
                .collectAsList();
        assertEquals(6, kept.size());
        for (Row r : kept) {
            String id = r.getString(0);
            if (id.equals("a") || id.equals("f")) assertNotNull(r.get(3), id);
            else assertNull(r.get(3), id);
        }
    }

    @Test
    void schemaErrorsNameTheParam() {
        Dataset<Row> df = badRows();
        IllegalArgumentException levels = assertThrows(
                IllegalArgumentException.class,
                () -> badRowsTransformer().setDescriptor("rmac").setLevels(1, 2).transform(df));
        assertTrue(levels.getMessage().startsWith("levels = [1, 2]: rmac takes one entry"), levels.getMessage());
        IllegalArgumentException spp = assertThrows(
                IllegalArgumentException.class,
                () -> badRowsTransformer().setLevels(0).transform(df));
        assertTrue(spp.getMessage().startsWith("levels = [0]: "), spp.getMessage());
        IllegalArgumentException shape =
                assertThrows(IllegalArgumentException.class, () -> new GlobalDescriptorTransformer()
                        .setInputCol("x")
                        .setOutputCol("d")
                        .setShape(1, 2)
                        .transform(df));
        assertTrue(shape.getMessage().startsWith("shape = [1, 2]: must have 3 entries"), shape.getMessage());
        IllegalArgumentException p = assertThrows(
                IllegalArgumentException.class,
                () -> badRowsTransformer().setDescriptor("gem").setP(0).transform(df));
        assertTrue(p.getMessage().startsWith("p = 0"), p.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GlobalDescriptorTransformer().setDescriptor("vlad"));
        assertThrows(IllegalArgumentException.class, () -> new GlobalDescriptorTransformer().setMode("median"));
    }

    @Test
    void pipelineSavesAndLoads() throws Exception {
        Random rnd = new Random(SEED + 1);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            float[] x = new float[2 * 5 * 6];
            for (int k = 0; k < x.length; k++) x[k] = rnd.nextFloat();
            rows.add(RowFactory.create((long) i, x, new int[] {2, 5, 6}));
        }
        Dataset<Row> df = spark.createDataFrame(rows, MAPS);
        GlobalDescriptorTransformer spp = new GlobalDescriptorTransformer()
                .setInputCol("x")
                .setOutputCol("spp")
                .setShape(2, 5, 6)
                .setDescriptor("spp")
                .setLevels(1, 3)
                .setMode("avg")
                .setHandleInvalid("keep");
        GlobalDescriptorTransformer gem = new GlobalDescriptorTransformer()
                .setInputCol("x")
                .setOutputCol("gem")
                .setShape(2, 5, 6)
                .setP(4)
                .setEps(1e-3);
        PipelineModel model =
                new Pipeline().setStages(new PipelineStage[] {spp, gem}).fit(df);
        String dir = tmp.resolve("model").toString();
        model.write().overwrite().save(dir);
        PipelineModel back = PipelineModel.load(dir);
        GlobalDescriptorTransformer s2 = (GlobalDescriptorTransformer) back.stages()[0];
        assertEquals(spp.uid(), s2.uid());
        assertArrayEquals(new int[] {1, 3}, s2.getOrDefault(s2.levels()));
        assertEquals("avg", s2.getOrDefault(s2.mode()));
        assertEquals("keep", s2.getHandleInvalid());
        GlobalDescriptorTransformer g2 = (GlobalDescriptorTransformer) back.stages()[1];
        assertEquals(4.0, (Double) g2.getOrDefault(g2.p()));
        assertEquals(1e-3, (Double) g2.getOrDefault(g2.eps()));
        List<Row> a = model.transform(df).orderBy("id").collectAsList();
        List<Row> b = back.transform(df).orderBy("id").collectAsList();
        for (int i = 0; i < a.size(); i++) {
            for (int c = 3; c <= 4; c++) {
                assertArrayEquals(
                        ((Vector) a.get(i).get(c)).toArray(), ((Vector) b.get(i).get(c)).toArray());
            }
            Tensor x = Tensor.of(floats(a.get(i).getList(1)), 1, 2, 5, 6);
            assertVector(
                    Descriptors.gem(GemSpec.global(2).p(4).eps(1e-3).build(), x).data(),
                    (Vector) b.get(i).get(4),
                    "loaded gem, row " + i);
        }
    }

    private static float[] floats(List<Object> l) {
        float[] f = new float[l.size()];
        for (int k = 0; k < f.length; k++) f[k] = (Float) l.get(k);
        return f;
    }
}
