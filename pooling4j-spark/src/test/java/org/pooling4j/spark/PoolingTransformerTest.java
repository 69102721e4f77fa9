package org.pooling4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.SparkException;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.Layout;
import org.pooling4j.LpMode;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;
import org.pooling4j.spark.internal.RowBatcher;

class PoolingTransformerTest {
    private static SparkSession spark;
    private static final long SEED = 20261207L;

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

    private static final StructType TENSORS = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("x", DataTypes.createArrayType(DataTypes.FloatType, true), true);

    private static Row tensorRow(long id, float[] x) {
        return RowFactory.create(id, x);
    }

    private static float[] floats(Row r, int i) {
        List<Object> l = r.getList(i);
        float[] f = new float[l.size()];
        for (int k = 0; k < f.length; k++) f[k] = (Float) l.get(k);
        return f;
    }

    private static int[] ints(Row r, int i) {
        List<Object> l = r.getList(i);
        int[] f = new int[l.size()];
        for (int k = 0; k < f.length; k++) f[k] = (Integer) l.get(k);
        return f;
    }

    private static void assertBits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + ": length");
        for (int k = 0; k < want.length; k++) {
            assertEquals(
                    Float.floatToIntBits(want[k]),
                    Float.floatToIntBits(got[k]),
                    what + ": element " + k + " " + want[k] + " vs " + got[k]);
        }
    }

    @Test
    void tutorialExampleWorkedByHand() {
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) x[i] = i + 1;
        Dataset<Row> df = spark.createDataFrame(List.of(tensorRow(0, x)), TENSORS);
        PoolingTransformer avg = new PoolingTransformer()
                .setInputCol("x")
                .setOutputCol("y")
                .setOp("avg")
                .setKernel(2)
                .setShape(1, 4, 4)
                .setOutputShapeCol("y_shape");
        Row r = avg.transform(df).collectAsList().get(0);
        assertArrayEquals(new float[] {3.5f, 5.5f, 11.5f, 13.5f}, floats(r, 2));
        assertArrayEquals(new int[] {1, 2, 2}, ints(r, 3));
        Row m = avg.copy(new org.apache.spark.ml.param.ParamMap())
                .setOp("max")
                .transform(df)
                .collectAsList()
                .get(0);
        assertArrayEquals(new float[] {6, 8, 14, 16}, floats(m, 2));
        // ceil mode, padding 1, stride 2, 3x3 windows, padding not counted (the README's second example)
        Row c = avg.copy(new org.apache.spark.ml.param.ParamMap())
                .setKernel(3)
                .setStride(2)
                .setPadding(1)
                .setCeilMode(true)
                .setCountIncludePad(false)
                .transform(df)
                .collectAsList()
                .get(0);
        assertArrayEquals(new float[] {3.5f, 5f, 6f, 9.5f, 11f, 12f, 13.5f, 15f, 16f}, floats(c, 2));
    }

    /** Transformers and the core spec each one must equal, row by row. */
    private static List<Object[]> cases() {
        List<Object[]> c = new ArrayList<>();
        c.add(new Object[] {
            new PoolingTransformer().setOp("max").setKernel(3).setStride(2).setPadding(1),
            PoolSpec.max(3, 3).stride(2, 2).padding(1, 1).build(),
            Layout.CHANNELS_FIRST
        });
        c.add(new Object[] {
            new PoolingTransformer()
                    .setOp("avg")
                    .setKernel(2, 3)
                    .setCeilMode(true)
                    .setCountIncludePad(false)
                    .setPadding(1),
            PoolSpec.avg(2, 3)
                    .padding(1, 1)
                    .ceilMode(true)
                    .countIncludePad(false)
                    .build(),
            Layout.CHANNELS_FIRST
        });
        c.add(new Object[] {
            new PoolingTransformer().setOp("max").setKernel(2).setDilation(2).setLayout("channels_last"),
            PoolSpec.max(2, 2).dilation(2, 2).build(),
            Layout.CHANNELS_LAST
        });
        c.add(new Object[] {
            new PoolingTransformer().setOp("lp").setP(3).setKernel(2).setLpMode("pytorch"),
            PoolSpec.lp(3, 2, 2).lpMode(LpMode.PYTORCH).build(),
            Layout.CHANNELS_FIRST
        });
        c.add(new Object[] {
            new PoolingTransformer().setOp("adaptive_avg").setOutputSize(4, -1),
            PoolSpec.adaptiveAvg(4, null).build(),
            Layout.CHANNELS_FIRST
        });
        c.add(new Object[] {
            new PoolingTransformer().setOp("global_max").setLayout("channels_last"),
            PoolSpec.globalMax(2).build(),
            Layout.CHANNELS_LAST
        });
        c.add(new Object[] {
            new PoolingTransformer().setOp("global_avg"), PoolSpec.globalAvg(2).build(), Layout.CHANNELS_FIRST
        });
        return c;
    }

    @Test
    void everyRowEqualsTheCoreLibraryBitForBit() {
        int[] shape = {3, 9, 11};
        int n = 157; // not a multiple of the batch size: full and partial batches in every partition
        Random rnd = new Random(SEED);
        List<Row> rows = new ArrayList<>();
        List<float[]> xs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] x = new float[3 * 9 * 11];
            for (int k = 0; k < x.length; k++) x[k] = (float) rnd.nextGaussian() * 10;
            if (i % 13 == 0) x[5] = Float.NaN; // NaN propagates as in the core
            xs.add(x);
            rows.add(tensorRow(i, x));
        }
        // One job for every case: each transformer adds its own column to the same three partitions.
        Dataset<Row> df = spark.createDataFrame(rows, TENSORS).repartition(3);
        List<Object[]> cases = cases();
        for (int c = 0; c < cases.size(); c++) {
            df = ((PoolingTransformer) cases.get(c)[0])
                    .setInputCol("x")
                    .setOutputCol("y" + c)
                    .setShape(shape)
                    .setBatchSize(10)
                    .transform(df);
        }
        List<Row> out = df.collectAsList();
        assertEquals(n, out.size(), "seed " + SEED);
        for (int c = 0; c < cases.size(); c++) {
            PoolSpec spec = (PoolSpec) cases.get(c)[1];
            Layout layout = (Layout) cases.get(c)[2];
            for (Row r : out) {
                long id = r.getLong(0);
                float[] x = xs.get((int) id);
                int[] batched = {1, shape[0], shape[1], shape[2]};
                Tensor want = Pooling.forward(spec, new Tensor(x, batched, layout));
                assertBits(want.data(), floats(r, 2 + c), "seed " + SEED + ", " + spec + ", row " + id);
            }
        }
    }

    @Test
    void largeRowsReuseTheExecutorsBuffersAcrossPartitionsAndJobs() {
        // Batches of 8 rows of 4 x 64 x 64 floats are large enough (131,072 floats) for the buffers to come from
        // the executor's pool: the second job, and the later partitions of each job, run on buffers that hold
        // another partition's values (and the first job's data differ from the second's).
        int[] shape = {4, 64, 64};
        int size = 4 * 64 * 64;
        Random rnd = new Random(SEED + 7);
        for (int job = 0; job < 2; job++) {
            List<Row> rows = new ArrayList<>();
            List<float[]> xs = new ArrayList<>();
            for (int i = 0; i < 27; i++) {
                float[] x = new float[size];
                for (int k = 0; k < x.length; k++) x[k] = (float) rnd.nextGaussian() * (job + 1);
                xs.add(x);
                rows.add(tensorRow(i, x));
            }
            Dataset<Row> df = spark.createDataFrame(rows, TENSORS).repartition(3);
            PoolingTransformer t = new PoolingTransformer()
                    .setInputCol("x")
                    .setOutputCol("y")
                    .setShape(shape)
                    .setOp(job == 0 ? "max" : "avg")
                    .setKernel(3)
                    .setStride(2)
                    .setBatchSize(8);
            PoolSpec spec = (job == 0 ? PoolSpec.max(3, 3) : PoolSpec.avg(3, 3))
                    .stride(2, 2)
                    .build();
            List<Row> out = t.transform(df).collectAsList();
            assertEquals(27, out.size());
            for (Row r : out) {
                int id = (int) r.getLong(0);
                Tensor want = Pooling.forward(spec, Tensor.of(xs.get(id), 1, 4, 64, 64));
                assertBits(want.data(), floats(r, 2), "seed " + (SEED + 7) + ", job " + job + ", row " + id);
                assertBits(xs.get(id), floats(r, 1), "job " + job + ", row " + id + ": the input column");
            }
        }
    }

    @Test
    void shapeColumnMixesShapesInOnePartitionAndKeepsRowOrder() {
        StructType schema = new StructType()
                .add("x", DataTypes.createArrayType(DataTypes.DoubleType, false))
                .add("s", DataTypes.createArrayType(DataTypes.IntegerType, false));
        Random rnd = new Random(SEED + 1);
        List<Row> rows = new ArrayList<>();
        int[][] shapes = {{2, 4, 6}, {1, 5, 5}, {2, 4, 6}, {3, 2, 8}};
        for (int i = 0; i < 40; i++) {
            int[] s = shapes[i % shapes.length];
            double[] x = new double[s[0] * s[1] * s[2]];
            for (int k = 0; k < x.length; k++) x[k] = rnd.nextDouble();
            rows.add(RowFactory.create(x, s));
        }
        Dataset<Row> df = spark.createDataFrame(rows, schema).coalesce(1);
        PoolingTransformer t = new PoolingTransformer()
                .setInputCol("x")
                .setOutputCol("y")
                .setShapeCol("s")
                .setOutputShapeCol("ys")
                .setOp("max")
                .setKernel(2)
                .setBatchSize(7);
        List<Row> out = t.transform(df).collectAsList();
        assertEquals(40, out.size());
        for (int i = 0; i < 40; i++) {
            Row r = out.get(i);
            int[] s = shapes[i % shapes.length];
            assertArrayEquals(s, ints(r, 1), "row order kept");
            List<Object> xl = r.getList(0);
            float[] x = new float[xl.size()];
            for (int k = 0; k < x.length; k++) x[k] = (float) (double) (Double) xl.get(k);
            Tensor want = Pooling.forward(PoolSpec.max(2, 2).build(), Tensor.of(x, 1, s[0], s[1], s[2]));
            assertBits(want.data(), floats(r, 2), "row " + i);
            assertArrayEquals(Arrays.copyOfRange(want.shape(), 1, 4), ints(r, 3));
        }
    }

    @Test
    void vectorColumnsGiveDenseVectors() {
        StructType schema = new StructType().add("v", SQLDataTypes.VectorType());
        List<Row> rows = List.of(
                RowFactory.create(Vectors.dense(1, 2, 3, 4, 5, 6, 7, 8)),
                RowFactory.create(Vectors.sparse(8, new int[] {0, 7}, new double[] {0.1, 9})));
        List<Row> out = new PoolingTransformer()
                .setInputCol("v")
                .setOutputCol("p")
                .setShape(2, 4)
                .setOp("avg")
                .setKernel(2)
                .transform(spark.createDataFrame(rows, schema))
                .collectAsList();
        Vector a = (Vector) out.get(0).get(1);
        assertArrayEquals(new double[] {1.5, 3.5, 5.5, 7.5}, a.toArray());
        Vector b = (Vector) out.get(1).get(1);
        // (float) 0.1 / 2, computed in float, then widened
        assertArrayEquals(new double[] {(double) (0.1f / 2f), 0, 0, 4.5}, b.toArray());
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
                RowFactory.create("d", good, null), // null shape
                RowFactory.create("e", good, new int[] {4, 1, 0}), // shape with a 0
                RowFactory.create("f", good, new int[] {4, 1, 1}), // 1x1 plane: a 2x2 kernel does not fit
                RowFactory.create("g", new Float[] {1f, null, 3f, 4f}, new int[] {1, 2, 2}), // null element
                RowFactory.create("h", good, new int[] {1, 4}), // wrong shape, right length: a 1D tensor, kernel 2
                RowFactory.create("i", good, new int[] {1, 2, 2}));
        return spark.createDataFrame(rows, schema).coalesce(1);
    }

    private PoolingTransformer badRowsTransformer() {
        return new PoolingTransformer()
                .setInputCol("x")
                .setOutputCol("y")
                .setShapeCol("s")
                .setKernel(2, 2)
                .setOp("max");
    }

    @Test
    void handleInvalidErrorNamesTheRowAndTheRule() {
        SparkException e = assertThrows(SparkException.class, () -> badRowsTransformer()
                .setHandleInvalid("error")
                .transform(badRows())
                .collectAsList());
        String m = String.valueOf(e.getMessage());
        assertTrue(m.contains("invalid row at partition 0, index 1 within it: inputCol x is null"), m);
        SparkException withId = assertThrows(SparkException.class, () -> badRowsTransformer()
                .setRowIdCol("id")
                .transform(badRows().filter("id != 'b'"))
                .collectAsList());
        String m2 = String.valueOf(withId.getMessage());
        assertTrue(
                m2.contains(
                        "invalid row id = c (at partition 0, index 1 within it): inputCol x has 3 values but shape [1, 2, 2] needs 4"),
                m2);
    }

    @Test
    void handleInvalidSkipDropsOnlyTheBadRows() {
        List<Row> out = badRowsTransformer()
                .setHandleInvalid("skip")
                .transform(badRows())
                .collectAsList();
        List<String> ids = new ArrayList<>();
        for (Row r : out) ids.add(r.getString(0));
        assertEquals(List.of("a", "i"), ids);
        for (Row r : out) assertArrayEquals(new float[] {4}, floats(r, 3));
    }

    @Test
    void handleInvalidKeepYieldsNull() {
        List<Row> out = badRowsTransformer()
                .setHandleInvalid("keep")
                .setOutputShapeCol("ys")
                .transform(badRows())
                .collectAsList();
        assertEquals(9, out.size());
        for (Row r : out) {
            String id = r.getString(0);
            if (id.equals("a") || id.equals("i")) {
                assertArrayEquals(new float[] {4}, floats(r, 3), id);
                assertArrayEquals(new int[] {1, 1, 1}, ints(r, 4), id);
            } else {
                assertNull(r.get(3), id);
                assertNull(r.get(4), id);
            }
        }
    }

    @Test
    void everyRuleHasItsOwnMessage() throws Exception {
        // The partition function itself, outside Spark (partition 0): one bad row at a time.
        Dataset<Row> df = badRows();
        List<Row> rows = df.collectAsList();
        RowBatcher f = badRowsTransformer().setRowIdCol("id").batcher(df.schema());
        String[] want = {
            "invalid row id = b (at partition 0, index 0 within it): inputCol x is null",
            "invalid row id = c (at partition 0, index 0 within it): inputCol x has 3 values but shape [1, 2, 2] needs 4",
            "invalid row id = d (at partition 0, index 0 within it): the shape column is null",
            "invalid row id = e (at partition 0, index 0 within it): shape [4, 1, 0]: every entry must be >= 1",
            "invalid row id = f (at partition 0, index 0 within it): shape [4, 1, 1] does not fit the operator: input"
                    + " shape = [1, 4, 1, 1]: computed output size 0 on axis 0 is < 1",
            "invalid row id = g (at partition 0, index 0 within it): inputCol x holds a null at element 1",
            "invalid row id = h (at partition 0, index 0 within it): shape [1, 4] does not fit the operator: kernel ="
                    + " [2, 2]: has 2 entries but the input has 1 spatial axis",
        };
        for (int i = 0; i < want.length; i++) {
            InternalRow bad = LocalSpark.internal(rows.get(i + 1), df.schema());
            java.util.Iterator<InternalRow> it = f.call(List.of(bad).iterator());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, it::hasNext);
            assertTrue(e.getMessage().startsWith(want[i]), e.getMessage());
        }
        // The good rows around a bad one in one batch come out whole with skip.
        RowBatcher skip = badRowsTransformer().setHandleInvalid("skip").batcher(df.schema());
        List<InternalRow> all = new ArrayList<>();
        for (Row r : rows) all.add(LocalSpark.internal(r, df.schema()));
        List<InternalRow> kept = new ArrayList<>();
        skip.call(all.iterator()).forEachRemaining(r -> kept.add(r.copy()));
        assertEquals(2, kept.size());
        assertEquals("a", kept.get(0).getUTF8String(0).toString());
        assertEquals("i", kept.get(1).getUTF8String(0).toString());
    }

    @Test
    void schemaErrorsNameTheParam() {
        Dataset<Row> df = badRows();
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> new PoolingTransformer()
                .setInputCol("nope")
                .setOutputCol("y")
                .setShape(1, 2, 2)
                .transform(df));
        assertTrue(missing.getMessage().startsWith("inputCol = nope: no such column"), missing.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> new PoolingTransformer()
                .setInputCol("id")
                .setOutputCol("y")
                .setShape(1, 2, 2)
                .transform(df));
        assertTrue(type.getMessage().startsWith("inputCol = id: type string is not array<float>"), type.getMessage());
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> new PoolingTransformer()
                .setInputCol("x")
                .setOutputCol("y")
                .setShape(1, 2, 2)
                .setShapeCol("s")
                .transform(df));
        assertTrue(both.getMessage().contains("set only one of them"), both.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> new PoolingTransformer()
                .setInputCol("x")
                .setOutputCol("y")
                .transform(df));
        assertTrue(none.getMessage().contains("a tensor column needs one of them"), none.getMessage());
        IllegalArgumentException taken = assertThrows(IllegalArgumentException.class, () -> new PoolingTransformer()
                .setInputCol("x")
                .setOutputCol("s")
                .setShape(1, 2, 2)
                .transform(df));
        assertTrue(taken.getMessage().startsWith("outputCol = s: the input already has a column"), taken.getMessage());
        IllegalArgumentException stride = assertThrows(IllegalArgumentException.class, () -> new PoolingTransformer()
                .setInputCol("x")
                .setOutputCol("y")
                .setShape(1, 2, 2)
                .setStride(1, 1, 1)
                .transform(df));
        assertTrue(
                stride.getMessage().startsWith("stride = [1, 1, 1]: has 3 entries but the input has 2 spatial axes"),
                stride.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PoolingTransformer().setOp("median"));
        assertThrows(IllegalArgumentException.class, () -> new PoolingTransformer().setHandleInvalid("ignore"));
        assertThrows(IllegalArgumentException.class, () -> new PoolingTransformer().setBatchSize(0));
    }

    @Test
    void pipelineSavesAndLoads() throws IOException {
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) x[i] = i + 1;
        Dataset<Row> df = spark.createDataFrame(List.of(tensorRow(0, x)), TENSORS);
        PoolingTransformer t = new PoolingTransformer()
                .setInputCol("x")
                .setOutputCol("y")
                .setShape(1, 4, 4)
                .setOp("lp")
                .setP(3)
                .setKernel(2, 1)
                .setStride(1, 1)
                .setPadding(0, 0)
                .setHandleInvalid("keep")
                .setBatchSize(5);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {t});
        String dir = tmp.resolve("pipeline").toString();
        pipeline.write().overwrite().save(dir);
        Pipeline loaded = Pipeline.load(dir);
        PoolingTransformer back = (PoolingTransformer) loaded.getStages()[0];
        assertEquals(t.uid(), back.uid());
        assertEquals("lp", back.getOrDefault(back.op()));
        assertArrayEquals(new int[] {2, 1}, back.getOrDefault(back.kernel()));
        assertEquals(3.0, (Double) back.getOrDefault(back.p()));
        assertEquals("keep", back.getHandleInvalid());
        assertEquals(5, back.getBatchSize());
        PipelineModel model = loaded.fit(df);
        String mdir = tmp.resolve("model").toString();
        model.write().overwrite().save(mdir);
        PipelineModel model2 = PipelineModel.load(mdir);
        float[] a = floats(t.transform(df).collectAsList().get(0), 2);
        float[] b = floats(model2.transform(df).collectAsList().get(0), 2);
        assertBits(a, b, "loaded model");
        Tensor want = Pooling.forward(PoolSpec.lp(3, 2, 1).stride(1, 1).build(), Tensor.of(x, 1, 1, 4, 4));
        assertBits(want.data(), a, "lp");
        PoolingTransformer single = PoolingTransformer.load(dirOfStage(dir));
        assertEquals(t.uid(), single.uid());
    }

    private static String dirOfStage(String pipelineDir) throws IOException {
        try (var s = Files.list(Path.of(pipelineDir, "stages"))) {
            return s.findFirst().orElseThrow().toString();
        }
    }

    @Test
    void parquetInAndOut() {
        Random rnd = new Random(SEED + 2);
        List<Row> rows = new ArrayList<>();
        List<float[]> xs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            float[] x = new float[2 * 6 * 6];
            for (int k = 0; k < x.length; k++) x[k] = rnd.nextFloat();
            xs.add(x);
            rows.add(tensorRow(i, x));
        }
        String in = tmp.resolve("in.parquet").toString();
        String out = tmp.resolve("out.parquet").toString();
        spark.createDataFrame(rows, TENSORS).write().parquet(in);
        new PoolingTransformer()
                .setInputCol("x")
                .setOutputCol("y")
                .setShape(2, 6, 6)
                .setOp("avg")
                .setKernel(3)
                .transform(spark.read().parquet(in))
                .write()
                .parquet(out);
        List<Row> back = spark.read().parquet(out).orderBy("id").collectAsList();
        assertEquals(30, back.size());
        for (Row r : back) {
            float[] x = xs.get((int) r.getLong(0));
            Tensor want = Pooling.forward(PoolSpec.avg(3, 3).build(), Tensor.of(x, 1, 2, 6, 6));
            assertBits(want.data(), floats(r, r.fieldIndex("y")), "row " + r.getLong(0));
        }
    }

    @Test
    void theJobReadsParquetAndWritesParquet() {
        Random rnd = new Random(SEED + 3);
        List<Row> rows = new ArrayList<>();
        List<float[]> xs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            float[] x = new float[4 * 5 * 7];
            for (int k = 0; k < x.length; k++) x[k] = rnd.nextFloat() * 100;
            xs.add(x);
            rows.add(tensorRow(i, x));
        }
        String in = tmp.resolve("job-in.parquet").toString();
        String out = tmp.resolve("job-out.parquet").toString();
        spark.createDataFrame(rows, TENSORS).write().parquet(in);
        String[] args = {
            "--input",
            in,
            "--format",
            "parquet",
            "--column",
            "x",
            "--shape",
            "5,7,4",
            "--layout",
            "channels_last",
            "--op",
            "max",
            "--kernel",
            "2,3",
            "--stride=1",
            "--ceil-mode",
            "--output",
            out,
            "--output-shape-column",
            "pooled_shape"
        };
        long n = PoolingJob.run(spark, new JobArgs(args, JOB_KEYS, JOB_FLAGS));
        assertEquals(12, n);
        PoolSpec spec = PoolSpec.max(2, 3).stride(1, 1).ceilMode(true).build();
        for (Row r : spark.read().parquet(out).collectAsList()) {
            float[] x = xs.get((int) r.getLong(0));
            Tensor want = Pooling.forward(spec, new Tensor(x, new int[] {1, 5, 7, 4}, Layout.CHANNELS_LAST));
            assertBits(want.data(), floats(r, r.fieldIndex("pooled")), "job row " + r.getLong(0));
            assertArrayEquals(new int[] {4, 5, 4}, ints(r, r.fieldIndex("pooled_shape")));
        }
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> new JobArgs(new String[] {"--kernal", "2"}, JOB_KEYS, JOB_FLAGS));
        assertTrue(e.getMessage().startsWith("unknown argument --kernal"), e.getMessage());
    }

    private static final List<String> JOB_KEYS = PoolingJob.KEYS;
    private static final List<String> JOB_FLAGS = PoolingJob.FLAGS;
}
