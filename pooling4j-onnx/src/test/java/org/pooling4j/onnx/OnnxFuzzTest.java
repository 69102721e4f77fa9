package org.pooling4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Fuzzes the ONNX loader and runner: arbitrary bytes are parsed as a model, and a model that loads
 * is run on small inputs shaped as its graph inputs declare (unknown dimensions are 3). The only
 * exceptions allowed out are {@link OnnxFormatException} (bytes that are no valid model) and
 * IllegalArgumentException, {@link OnnxException} included (a model or input the runtime rejects),
 * each with a message; any other throwable is a finding.
 *
 * <p>Until the library bounds the memory a model may ask for, a model is only run when it cannot ask
 * for much ({@link #small}): graph inputs of at most {@value #MAX_INPUT_ELEMENTS} elements, at most
 * {@value #MAX_NODES} nodes, tensors of at most {@value #MAX_INPUT_ELEMENTS} elements, and the
 * integers of all attributes and integer tensors (kernel sizes, pads, output shapes, sampling
 * ratios) together at most {@value #MAX_INT_SUM} in absolute value. Larger models are only loaded.
 * The seeds (the backend and PyTorch-exported models of this module's tests, and near misses) are
 * in {@code OnnxFuzzTestInputs/loadAndRun}.
 */
class OnnxFuzzTest {
    static final int MAX_INPUT_ELEMENTS = 4096;
    static final int MAX_NODES = 8;
    static final long MAX_INT_SUM = 64;
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
        if (!small(g)) return;
        List<TensorValue> feed = new ArrayList<>();
        Random random = new Random(bytes.length);
        for (String name : model.inputNames()) {
            ValueInfoProto v = input(g, name);
            TensorValue x = value(v, random);
            if (x == null) return;
            feed.add(x);
        }
        List<TensorValue> out;
        try {
            out = model.run(feed.toArray(new TensorValue[0]));
        } catch (IllegalArgumentException e) {
            documented(e);
            return;
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

    /** Whether the graph can only ask for little memory and work (see the class comment). */
    static boolean small(GraphProto g) {
        if (g.getNodeCount() > MAX_NODES) return false;
        long[] sum = {0};
        for (TensorProto t : g.getInitializerList()) {
            if (!smallTensor(t, sum)) return false;
        }
        for (NodeProto n : g.getNodeList()) {
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG() || a.getGraphsCount() > 0 || a.getTensorsCount() > 0) return false;
                if (!add(sum, a.getI())) return false;
                for (long i : a.getIntsList()) {
                    if (!add(sum, i)) return false;
                }
                if (a.hasT() && !smallTensor(a.getT(), sum)) return false;
            }
        }
        return true;
    }

    private static boolean smallTensor(TensorProto t, long[] sum) {
        long count = 1;
        for (long d : t.getDimsList()) {
            if (d < 0 || d > MAX_INPUT_ELEMENTS) return false;
            count *= d;
            if (count > MAX_INPUT_ELEMENTS) return false;
        }
        for (long v : t.getInt64DataList()) {
            if (!add(sum, v)) return false;
        }
        for (int v : t.getInt32DataList()) {
            if (!add(sum, v)) return false;
        }
        ByteString raw = t.getRawData();
        if (raw.size() > 8 * MAX_INPUT_ELEMENTS) return false;
        // Integer data in raw bytes, read at the width of its type (any other width for an unknown type).
        int type = t.getDataType();
        int width = type == DataType.INT64.onnxCode()
                ? 8
                : type == DataType.INT32.onnxCode()
                        ? 4
                        : type == DataType.UINT8.onnxCode() || type == DataType.INT8.onnxCode() ? 1 : 0;
        boolean floating = type == DataType.FLOAT.onnxCode()
                || type == DataType.DOUBLE.onnxCode()
                || type == DataType.FLOAT16.onnxCode();
        if (floating) return true;
        if (width == 0) width = 8;
        ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        while (b.remaining() >= width) {
            long v = width == 8 ? b.getLong() : width == 4 ? b.getInt() : b.get();
            if (!add(sum, v)) return false;
        }
        return true;
    }

    private static boolean add(long[] sum, long v) {
        if (v == Long.MIN_VALUE) return false;
        sum[0] += Math.abs(v);
        return sum[0] <= MAX_INT_SUM;
    }
}
