package org.pooling4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pooling4j.Layout;
import org.pooling4j.PoolOp;
import org.pooling4j.PoolSpec;
import org.pooling4j.Pooling;
import org.pooling4j.Tensor;
import org.pooling4j.bench.BenchCase.Kind;

/**
 * The side-by-side comparison compares like with like: on a small version of every case that ONNX
 * Runtime runs (batch 2, 3 channels, the real spatial sizes), ONNX Runtime's output from the model
 * {@link OnnxModels} builds equals pooling4j's: exactly for max pooling, within 1e-6 relative for
 * averages (summation order may differ by an ulp or so).
 */
class OrtAgreementTest {
    private static OrtBackend ort;

    @BeforeAll
    static void open() {
        try {
            ort = OrtBackend.open();
        } catch (Exception | LinkageError e) {
            ort = null;
            Assumptions.assumeTrue(false, "ONNX Runtime does not load here: " + e);
        }
    }

    @Test
    void everyForwardCaseOfTheSuite() throws Exception {
        int n = 0;
        for (BenchCase c : StandardSuite.all()) {
            if (!c.ortComparable()) continue;
            agree(c.withBatchAndChannels(2, 3));
            n++;
        }
        assertEquals(8, n);
    }

    @Test
    void corpusShapes() throws Exception {
        List<BenchCase> cases = new ArrayList<>();
        // A dilated average needs AveragePool from opset 19.
        cases.add(new BenchCase(
                "dilated_avg",
                Kind.FORWARD,
                PoolSpec.avg(3, 3)
                        .stride(1, 2)
                        .dilation(2, 2)
                        .padding(1)
                        .countIncludePad(false)
                        .build(),
                Layout.CHANNELS_FIRST,
                new int[] {2, 3, 11, 12},
                "dilated average"));
        cases.add(new BenchCase(
                "asym_max",
                Kind.FORWARD,
                PoolSpec.max(3, 3)
                        .stride(2, 2)
                        .padding(new int[] {0, 1}, new int[] {1, 0})
                        .build(),
                Layout.CHANNELS_FIRST,
                new int[] {2, 3, 12, 11},
                "asymmetric padding"));
        List<ShapeCorpus.Row> rows = ShapeCorpus.read(TestFiles.corpus());
        // resnet_50:max_pool1 (TF-SAME padding 0/1), i3d 3D, m5:pool2 (1D, negative right pad),
        // avg_np, avg_p, global average, and a dilated 1D row under each algorithm.
        int[] picks = {1263, 1255, 1296, 41, 932, 1289};
        for (int row : picks) cases.add(small(rows.get(row - 1), "max"));
        for (String alg : new String[] {"max", "avg_np", "avg_p"}) cases.add(small(rows.get(1026), alg));
        for (BenchCase c : cases) agree(c);
    }

    private static BenchCase small(ShapeCorpus.Row r, String alg) {
        ShapeCorpus.Planned p = ShapeCorpus.plan(r, alg, 1L << 30);
        assertNotNull(p.benchCase, p.skipReason);
        return p.benchCase.withBatchAndChannels(2, 3);
    }

    private static void agree(BenchCase c) throws Exception {
        PoolOp op = c.spec().op();
        boolean max = op == PoolOp.MAX || op == PoolOp.GLOBAL_MAX;
        float[] x = Workload.random(Math.toIntExact(c.inputElements()), c.name().hashCode());
        if (!max) {
            // Positive inputs: a relative tolerance is meaningful only without cancellation.
            for (int i = 0; i < x.length; i++) x[i] += 2f;
        }
        Tensor in = new Tensor(x, c.inputShape(), Layout.CHANNELS_FIRST);
        Tensor out = Tensor.zeros(Layout.CHANNELS_FIRST, c.outputShape());
        Pooling.forwardInto(c.spec(), in, out, 1);
        float[] theirs;
        try (OrtBackend.Input input = ort.input(x, c.inputShape());
                OrtBackend.Session s = ort.session(OnnxModels.model(c), 1)) {
            theirs = s.output(input);
        }
        assertEquals(out.size(), theirs.length, c.name());
        String diff = Agreement.compare(out.data(), theirs, max, 1e-6, 0);
        assertNull(diff, () -> c + ": " + diff);
        assertTrue(out.size() > 0);
    }
}
