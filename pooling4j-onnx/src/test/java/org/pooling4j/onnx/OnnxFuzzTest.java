package org.pooling4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.pooling4j.Limits;

/**
 * Fuzzes the ONNX loader and runner: arbitrary bytes are parsed as a model, and a model that loads
 * is run on small inputs shaped as its graph inputs declare (unknown dimensions are 3). The only
 * exceptions allowed out are {@link OnnxFormatException} (bytes that are no valid model) and
 * IllegalArgumentException, {@link OnnxException} included (a model or input the runtime rejects),
 * each with a message; any other throwable is a finding.
 *
 * <p>A model is run under a small memory and work budget ({@link Limits}: {@value #FUZZ_MAX_BYTES} bytes per
 * tensor, {@value #FUZZ_MAX_WORK} values read per call), so one whose attributes ask for large outputs, pads,
 * unpool shapes or sampling ratios is refused by the library's own checks (an IllegalArgumentException)
 * instead of taking the fuzzing JVM's memory or time; the budgets are restored afterwards. Graphs of more
 * than {@value #MAX_NODES} nodes are only loaded (each node could hold a budget's worth of memory).
 * The seeds (the backend and PyTorch-exported models of this module's tests, and near misses) are
 * in {@code OnnxFuzzTestInputs/loadAndRun}.
 */
class OnnxFuzzTest {
    static final int MAX_INPUT_ELEMENTS = 4096;
    static final int MAX_NODES = 8;
    static final long FUZZ_MAX_BYTES = 4L << 20;
    static final long FUZZ_MAX_WORK = 1L << 20;
    private static final int UNKNOWN_DIM = 3;

    @FuzzTest
    void loadAndRun(byte[] bytes) {
        OnnxModel model;
        try {
            model = OnnxModel.parse(bytes);
        } catch (OnnxFormatException | IllegalArgumentException e) {
            documented(e);
            return;
        }
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("the model loaded, but protobuf cannot parse it again", e);
        }
        GraphProto g = proto.getGraph();
        if (g.getNodeCount() > MAX_NODES) return;
        List<TensorValue> feed = new ArrayList<>();
        Random random = new Random(bytes.length);
        for (String name : model.inputNames()) {
            ValueInfoProto v = input(g, name);
            TensorValue x = value(v, random);
            if (x == null) return;
            feed.add(x);
        }
        List<TensorValue> out;
        long bytesBefore = Limits.maxBytes();
        long workBefore = Limits.maxWork();
        Limits.setMaxBytes(FUZZ_MAX_BYTES);
        Limits.setMaxWork(FUZZ_MAX_WORK);
        try {
            out = model.run(feed.toArray(new TensorValue[0]));
        } catch (IllegalArgumentException e) {
            documented(e);
            return;
        } finally {
            Limits.setMaxBytes(bytesBefore);
            Limits.setMaxWork(workBefore);
        }
        assertEquals(model.outputNames().size(), out.size());
        for (TensorValue t : out) assertNotNull(t, "an output is missing");
    }

    private static void documented(Exception e) {
        assertNotNull(e.getMessage(), e.toString());
        assertFalse(e.getMessage().isBlank(), e.toString());
    }

    private static ValueInfoProto input(GraphProto g, String name) {
        for (ValueInfoProto v : g.getInputList()) {
            if (v.getName().equals(name)) return v;
        }
        throw new AssertionError("input " + name + " is not in the graph");
    }

    /** A value as {@code v} declares it (float when the type is not given), or null when too large. */
    private static TensorValue value(ValueInfoProto v, Random random) {
        int elemType = v.getType().getTensorType().getElemType();
        DataType type = elemType == 0 ? DataType.FLOAT : DataType.fromOnnx(elemType);
        if (type == null) return null;
        TensorShapeProto s = v.getType().getTensorType().getShape();
        int[] shape = new int[s.getDimCount()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            TensorShapeProto.Dimension d = s.getDim(i);
            long dim = d.hasDimValue() ? d.getDimValue() : UNKNOWN_DIM;
            if (dim < 0 || dim > MAX_INPUT_ELEMENTS) return null;
            shape[i] = (int) dim;
            count *= dim;
            if (count > MAX_INPUT_ELEMENTS) return null;
        }
        int n = (int) count;
        if (type.isFloatingPoint()) {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) f[i] = random.nextInt(9) == 0 ? Float.NaN : random.nextFloat() * 8 - 4;
            if (type == DataType.FLOAT) return TensorValue.ofFloat(f, shape);
            if (type == DataType.FLOAT16) return TensorValue.ofFloat16(f, shape);
            double[] d = new double[n];
            for (int i = 0; i < n; i++) d[i] = f[i];
            return TensorValue.ofDouble(d, shape);
        }
        long[] l = new long[n];
        for (int i = 0; i < n; i++) l[i] = i % 3;
        return TensorValue.ofIntegers(type, l, shape);
    }
}
