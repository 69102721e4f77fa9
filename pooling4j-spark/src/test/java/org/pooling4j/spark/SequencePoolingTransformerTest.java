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
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
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
import org.pooling4j.sequence.SequenceMask;
import org.pooling4j.sequence.SequencePlan;
import org.pooling4j.sequence.SequencePooling;
import org.pooling4j.sequence.SequenceSpec;

class SequencePoolingTransformerTest {
    private static SparkSession spark;
    private static final long SEED = 20261208L;

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

    private static final StructType NESTED = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("tokens", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, true), true))
            .add("mask", DataTypes.createArrayType(DataTypes.IntegerType, true));

    private static float[][] nest(float[] x, int len, int d) {
        float[][] t = new float[len][d];
        for (int i = 0; i < len; i++) System.arraycopy(x, i * d, t[i], 0, d);
        return t;
    }

    private static Row nestedRow(long id, float[] x, int len, int d, int[] mask) {
        return RowFactory.create(id, nest(x, len, d), mask);
    }

    private static void assertVector(float[] want, Vector got, String what) {
        assertNotNull(got, what);
        assertTrue(got instanceof DenseVector, what + ": a dense vector");
        double[] g = got.toArray();
        assertEquals(want.length, g.length, what + ": length");
        for (int k = 0; k < want.length; k++) {
            // The output widens floats: exactly representable back as the same float.
            assertEquals((double) (float) g[k], g[k], what + ": element " + k + " is a widened float");
            assertEquals(
                    Float.floatToIntBits(want[k]),
                    Float.floatToIntBits((float) g[k]),
                    what + ": element " + k + " " + want[k] + " vs " + g[k]);
        }
    }

    @Test
    void handWorkedExample() {
        // Tokens (1,2), (3,4), (5,6) with the last one padding.
        float[] x = {1, 2, 3, 4, 5, 6};
        Dataset<Row> df = spark.createDataFrame(List.of(nestedRow(0, x, 3, 2, new int[] {1, 1, 0})), NESTED);
        SequencePoolingTransformer t = new SequencePoolingTransformer()
                .setInputCol("tokens")
                .setMaskCol("mask")
                .setOutputCol("e");
        Vector mean = (Vector) t.transform(df).collectAsList().get(0).get(3);
        assertArrayEquals(new double[] {2, 3}, mean.toArray());
        Vector cat = (Vector) t.copy(new org.apache.spark.ml.param.ParamMap())
                .setModes("cls,max,lasttoken")
                .transform(df)
                .collectAsList()
                .get(0)
                .get(3);
        assertArrayEquals(new double[] {1, 2, 3, 4, 3, 4}, cat.toArray());
        // Without a mask every token counts.
        Vector all = (Vector) new SequencePoolingTransformer()
                .setInputCol("tokens")
                .setOutputCol("e")
                .transform(df)
                .collectAsList()
                .get(0)
                .get(3);
        assertArrayEquals(new double[] {3, 4}, all.toArray());
    }

    private static final String[] MODES = {
        "mean", "max", "cls", "lasttoken", "mean_sqrt_len_tokens", "weightedmean", "cls,mean,max", "gem", "max,max"
    };

    @Test
    void everyRowEqualsTheCoreLibraryBitForBit() {
        Random rnd = new Random(SEED);
        int[][] shapes = {{5, 4}, {3, 4}, {5, 6}, {1, 4}};
        List<Row> rows = new ArrayList<>();
        List<float[]> xs = new ArrayList<>();
        List<int[]> masks = new ArrayList<>();
        int n = 61;
        for (int i = 0; i < n; i++) {
            int[] s = shapes[i % shapes.length];
            int len = s[0];
            int d = s[1];
            float[] x = new float[len * d];
            for (int k = 0; k < x.length; k++) x[k] = (float) rnd.nextGaussian() * 3;
            int[] m = new int[len];
            int ones = rnd.nextInt(len + 1);
            if (i % 7 == 0) ones = 0; // fully masked rows
            boolean left = rnd.nextBoolean();
            for (int t = 0; t < ones; t++) m[left ? len - 1 - t : t] = 1;
            xs.add(x);
            masks.add(m);
            rows.add(nestedRow(i, x, len, d, m));
        }
        // Mixed shapes in one partition, batches that end mid-shape.
        Dataset<Row> df = spark.createDataFrame(rows, NESTED).coalesce(1);
        for (int c = 0; c < MODES.length; c++) {
            df = new SequencePoolingTransformer()
                    .setInputCol("tokens")
                    .setMaskCol("mask")
                    .setOutputCol("e" + c)
                    .setModes(MODES[c])
                    .setP(2.5)
                    .setBatchSize(9)
                    .transform(df);
        }
        List<Row> out = df.collectAsList();
        assertEquals(n, out.size());
        for (int c = 0; c < MODES.length; c++) {
            SequenceSpec parsed = SequenceSpec.parse(MODES[c]);
            SequenceSpec spec = SequenceSpec.of(parsed.modes(), 2.5, SequenceSpec.DEFAULT_EPS);
            for (int i = 0; i < n; i++) {
                Row r = out.get(i);
                assertEquals(i, r.getLong(0), "row order kept");
                int[] s = shapes[i % shapes.length];
                float[] m = new float[s[0]];
                for (int t = 0; t < m.length; t++) m[t] = masks.get(i)[t];
                SequencePlan plan = SequencePooling.plan(spec, 1, s[0], s[1]);
                float[] want = new float[plan.outputDim()];
                plan.forward(xs.get(i), SequenceMask.of(m, 1, s[0]), want);
                assertVector(want, (Vector) r.get(3 + c), "seed " + SEED + ", modes " + MODES[c] + ", row " + i);
            }
        }
    }

    @Test
    void flatInputWithDimOrLengthColumnAndOtherMaskTypes() {
        StructType schema = new StructType()
                .add("x", DataTypes.createArrayType(DataTypes.FloatType, false))
                .add("len", DataTypes.IntegerType)
                .add("m", DataTypes.createArrayType(DataTypes.FloatType, false))
                .add("b", DataTypes.createArrayType(DataTypes.BooleanType, false));
        Random rnd = new Random(SEED + 1);
        List<Row> rows = new ArrayList<>();
        List<float[]> xs = new ArrayList<>();
        int d = 3;
        for (int i = 0; i < 12; i++) {
            int len = 2 + i % 3;
            float[] x = new float[len * d];
            for (int k = 0; k < x.length; k++) x[k] = rnd.nextFloat();
            float[] m = new float[len];
            boolean[] b = new boolean[len];
            for (int t = 0; t < len; t++) {
                m[t] = t < len - 1 ? 1 : 0;
                b[t] = m[t] == 1;
            }
            xs.add(x);
            rows.add(RowFactory.create(x, len, m, b));
        }
        Dataset<Row> df = spark.createDataFrame(rows, schema);
        df = new SequencePoolingTransformer()
                .setInputCol("x")
                .setDim(d)
                .setMaskCol("m")
                .setOutputCol("byDim")
                .setModes("weightedmean,max")
                .transform(df);
        df = new SequencePoolingTransformer()
                .setInputCol("x")
                .setLengthCol("len")
                .setMaskCol("b")
                .setOutputCol("byLength")
                .setModes("weightedmean,max")
                .transform(df);
        SequenceSpec spec = SequenceSpec.parse("weightedmean,max");
        for (Row r : df.collectAsList()) {
            int len = r.getInt(1);
            float[] x = new float[len * d];
            List<Object> xl = r.getList(0);
            for (int k = 0; k < x.length; k++) x[k] = (Float) xl.get(k);
            float[] want = new float[2 * d];
            float[] m = new float[len];
            for (int t = 0; t < len - 1; t++) m[t] = 1;
            SequencePooling.plan(spec, 1, len, d).forward(x, SequenceMask.of(m, 1, len), want);
            assertVector(want, (Vector) r.get(4), "dim");
            assertVector(want, (Vector) r.get(5), "lengthCol");
        }
    }

    private Dataset<Row> badRows() {
        StructType schema = new StructType()
                .add("id", DataTypes.StringType)
                .add("tokens", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, true), true))
                .add("mask", DataTypes.createArrayType(DataTypes.IntegerType, true));
        float[][] good = {{1, 2}, {3, 4}};
        List<Row> rows = List.of(
                RowFactory.create("a", good, new int[] {1, 1}),
                RowFactory.create("b", null, new int[] {1, 1}), // null tokens
                RowFactory.create("c", good, new int[] {1, 1, 0}), // mask of another length
                RowFactory.create("d", new float[][] {{1, 2}, {3}}, new int[] {1, 1}), // unequal D
                RowFactory.create("e", good, new int[] {1, 2}), // mask value 2
                RowFactory.create("f", good, null), // null mask
                RowFactory.create("g", new Float[][] {{1f, null}, {3f, 4f}}, new int[] {1, 1}), // null element
                RowFactory.create("h", good, new int[] {0, 1}));
        return spark.createDataFrame(rows, schema).coalesce(1);
    }

    private SequencePoolingTransformer badRowsTransformer() {
        return new SequencePoolingTransformer()
                .setInputCol("tokens")
                .setMaskCol("mask")
                .setOutputCol("e")
                .setModes("mean");
    }

    @Test
    void handleInvalidErrorNamesTheRowAndTheRule() {
        String[] want = {
            "invalid row id = b (at partition 0, index 1 within it): inputCol tokens is null",
            "invalid row id = c (at partition 0, index 1 within it): maskCol mask has 3 values but the row has 2"
                    + " tokens",
            "invalid row id = d (at partition 0, index 1 within it): inputCol tokens: token 1 has 1 values but"
                    + " token 0 has 2",
            "invalid row id = e (at partition 0, index 1 within it): maskCol mask holds a value other than 0 or 1 at"
                    + " token 1",
            "invalid row id = f (at partition 0, index 1 within it): maskCol mask is null",
            "invalid row id = g (at partition 0, index 1 within it): inputCol tokens holds a null at token 0,"
                    + " element 1",
        };
        String[] ids = {"b", "c", "d", "e", "f", "g"};
        for (int i = 0; i < ids.length; i++) {
            Dataset<Row> two = badRows().filter("id = 'a' or id = '" + ids[i] + "'");
            SparkException e = assertThrows(
                    SparkException.class,
                    () -> badRowsTransformer().setRowIdCol("id").transform(two).collectAsList());
            String m = String.valueOf(e.getMessage());
            assertTrue(m.contains(want[i]), m);
        }
        SparkException noId = assertThrows(
                SparkException.class,
                () -> badRowsTransformer().transform(badRows()).collectAsList());
        assertTrue(
                String.valueOf(noId.getMessage())
                        .contains("invalid row at partition 0, index 1 within it: inputCol tokens is null"),
                noId.getMessage());
    }

    @Test
    void handleInvalidSkipAndKeep() {
        List<Row> skipped = badRowsTransformer()
                .setHandleInvalid("skip")
                .transform(badRows())
                .collectAsList();
        assertEquals(2, skipped.size());
        assertEquals("a", skipped.get(0).getString(0));
        assertArrayEquals(new double[] {2, 3}, ((Vector) skipped.get(0).get(3)).toArray());
        assertEquals("h", skipped.get(1).getString(0));
        assertArrayEquals(new double[] {3, 4}, ((Vector) skipped.get(1).get(3)).toArray());
        List<Row> kept = badRowsTransformer()
                .setHandleInvalid("keep")
                .transform(badRows())
                .collectAsList();
        assertEquals(8, kept.size());
        for (Row r : kept) {
            String id = r.getString(0);
            if (id.equals("a") || id.equals("h")) assertNotNull(r.get(3), id);
            else assertNull(r.get(3), id);
        }
        assertArrayEquals(new double[] {2, 3}, ((Vector) kept.get(0).get(3)).toArray());
    }

    @Test
    void schemaErrorsNameTheParam() {
        Dataset<Row> df = badRows();
        IllegalArgumentException modes = assertThrows(
                IllegalArgumentException.class,
                () -> badRowsTransformer().setModes("mean,median").transform(df));
        assertTrue(modes.getMessage().startsWith("modes = mean,median: "), modes.getMessage());
        IllegalArgumentException type = assertThrows(
                IllegalArgumentException.class,
                () -> badRowsTransformer().setInputCol("id").transform(df));
        assertTrue(type.getMessage().startsWith("inputCol = id: type string is not"), type.getMessage());
        IllegalArgumentException mask = assertThrows(
                IllegalArgumentException.class,
                () -> badRowsTransformer().setMaskCol("id").transform(df));
        assertTrue(mask.getMessage().startsWith("maskCol = id: type string is not"), mask.getMessage());
        IllegalArgumentException dim = assertThrows(
                IllegalArgumentException.class,
                () -> badRowsTransformer().setDim(2).transform(df));
        assertTrue(dim.getMessage().startsWith("dim = 2, lengthCol = '': only for a flat"), dim.getMessage());
        IllegalArgumentException p = assertThrows(
                IllegalArgumentException.class,
                () -> badRowsTransformer().setP(-1).transform(df));
        assertTrue(p.getMessage().startsWith("p = -1.0"), p.getMessage());
    }

    @Test
    void pipelineFeedsKMeansAndSavesAndLoads() throws Exception {
        // Two clusters of sequences: tokens around +5 and around -5 in every feature.
        Random rnd = new Random(SEED + 2);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int len = 3 + i % 4;
            float[] x = new float[len * 4];
            float centre = i % 2 == 0 ? 5 : -5;
            for (int k = 0; k < x.length; k++) x[k] = centre + (float) rnd.nextGaussian() * 0.1f;
            int[] m = new int[len];
            for (int t = 0; t < len - i % 2; t++) m[t] = 1;
            rows.add(nestedRow(i, x, len, 4, m));
        }
        Dataset<Row> df = spark.createDataFrame(rows, NESTED);
        SequencePoolingTransformer pool = new SequencePoolingTransformer()
                .setInputCol("tokens")
                .setMaskCol("mask")
                .setOutputCol("embedding")
                .setModes("mean,max");
        KMeans kmeans =
                new KMeans().setK(2).setSeed(SEED).setFeaturesCol("embedding").setPredictionCol("cluster");
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {pool, kmeans});
        PipelineModel model = pipeline.fit(df);
        List<Row> out = model.transform(df).orderBy("id").collectAsList();
        assertEquals(40, out.size());
        int even = out.get(0).getInt(out.get(0).fieldIndex("cluster"));
        for (Row r : out) {
            int cluster = r.getInt(r.fieldIndex("cluster"));
            boolean isEven = r.getLong(0) % 2 == 0;
            assertEquals(isEven, cluster == even, "row " + r.getLong(0) + " is in its own cluster");
            assertEquals(8, ((Vector) r.get(r.fieldIndex("embedding"))).size());
        }
        KMeansModel km = (KMeansModel) model.stages()[1];
        for (Vector c : km.clusterCenters()) {
            assertEquals(8, c.size());
            assertEquals(5.0, Math.abs(c.apply(0)), 0.2, "a centre near +-5");
        }

        String dir = tmp.resolve("model").toString();
        model.write().overwrite().save(dir);
        PipelineModel back = PipelineModel.load(dir);
        SequencePoolingTransformer loaded = (SequencePoolingTransformer) back.stages()[0];
        assertEquals(pool.uid(), loaded.uid());
        assertEquals("mean,max", loaded.getModes());
        assertEquals("mask", loaded.getOrDefault(loaded.maskCol()));
        List<Row> again = back.transform(df).orderBy("id").collectAsList();
        for (int i = 0; i < out.size(); i++) {
            Row a = out.get(i);
            Row b = again.get(i);
            assertArrayEquals(
                    ((Vector) a.get(a.fieldIndex("embedding"))).toArray(),
                    ((Vector) b.get(b.fieldIndex("embedding"))).toArray());
            assertEquals(a.getInt(a.fieldIndex("cluster")), b.getInt(b.fieldIndex("cluster")));
        }
        String single = tmp.resolve("single").toString();
        pool.write().overwrite().save(single);
        assertEquals("mean,max", SequencePoolingTransformer.load(single).getModes());
    }
}
