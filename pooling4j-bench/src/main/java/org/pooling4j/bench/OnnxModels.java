package org.pooling4j.bench;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import org.pooling4j.PoolOp;
import org.pooling4j.PoolSpec;

/**
 * One-node ONNX models of benchmark cases, so that ONNX Runtime computes exactly what pooling4j
 * computes: MaxPool, AveragePool (with {@code count_include_pad}), GlobalAveragePool or
 * GlobalMaxPool on a float32 input named {@value #INPUT}, output {@value #OUTPUT}.
 */
public final class OnnxModels {
    /** Name of the graph input. */
    public static final String INPUT = "x";
    /** Name of the graph output. */
    public static final String OUTPUT = "y";

    /**
     * Opset 13: ONNX Runtime's float MaxPool (opset 12 kernel) and AveragePool (opset 11 kernel) run
     * its MLAS pooling routines there. AveragePool gained {@code dilations} only in opset 19, whose
     * ONNX Runtime kernel is a generic loop, so 19 is used only for dilated averages.
     */
    static final int OPSET = 13;

    static final int OPSET_DILATED_AVG = 19;

    private OnnxModels() {}

    /**
     * The serialized model of a forward, channels-first case.
     *
     * @throws IllegalArgumentException when the case has no ONNX equivalent (backward, channels-last,
     *     another operator, a divisor override)
     */
    public static byte[] model(BenchCase c) {
        if (!c.ortComparable())
            throw new IllegalArgumentException(c.name() + ": ONNX has no single-node model for this case");
        PoolSpec s = c.spec();
        if (s.hasDivisorOverride())
            throw new IllegalArgumentException(c.name() + ": ONNX AveragePool has no divisor override");
        int opset = OPSET;
        NodeProto.Builder node =
                NodeProto.newBuilder().setName("pool").addInput(INPUT).addOutput(OUTPUT);
        PoolOp op = s.op();
        if (op == PoolOp.GLOBAL_AVG) {
            node.setOpType("GlobalAveragePool");
        } else if (op == PoolOp.GLOBAL_MAX) {
            node.setOpType("GlobalMaxPool");
        } else {
            node.setOpType(op == PoolOp.MAX ? "MaxPool" : "AveragePool");
            node.addAttribute(ints("kernel_shape", s.kernel()));
            node.addAttribute(ints("strides", s.stride()));
            int[] b = s.padBegin();
            int[] e = s.padEnd();
            int[] pads = new int[2 * b.length];
            System.arraycopy(b, 0, pads, 0, b.length);
            System.arraycopy(e, 0, pads, b.length, e.length);
            node.addAttribute(ints("pads", pads));
            if (s.ceilMode()) node.addAttribute(intAttr("ceil_mode", 1));
            boolean dilated = false;
            for (int d : s.dilation()) dilated |= d != 1;
            if (dilated) {
                node.addAttribute(ints("dilations", s.dilation()));
                if (op == PoolOp.AVG) opset = OPSET_DILATED_AVG;
            }
            if (op == PoolOp.AVG) node.addAttribute(intAttr("count_include_pad", s.countIncludePad() ? 1 : 0));
        }
        GraphProto graph = GraphProto.newBuilder()
                .setName("pooling4j_bench_" + c.name().replaceAll("[^A-Za-z0-9_]", "_"))
                .addNode(node)
                .addInput(valueInfo(INPUT, c.inputShape()))
                .addOutput(valueInfo(OUTPUT, c.outputShape()))
                .build();
        // IR version 8 reads every opset up to 19.
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("pooling4j-bench")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    private static ValueInfoProto valueInfo(String name, int[] shape) {
        TensorShapeProto.Builder sh = TensorShapeProto.newBuilder();
        for (int d : shape) sh.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT_VALUE)
                                .setShape(sh)))
                .build();
    }

    private static AttributeProto ints(String name, int[] v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (int x : v) b.addInts(x);
        return b.build();
    }

    private static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeType.INT)
                .setI(v)
                .build();
    }
}
