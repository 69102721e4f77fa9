package org.pooling4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.pooling4j.internal.Check;

/**
 * Builds and runs one ONNX node without writing a model file, with exactly the checks and
 * semantics a model gets:
 *
 * <pre>{@code
 * List<TensorValue> y = OnnxNode.of("MaxPool").opset(22)
 *         .attr("kernel_shape", 3, 3).attr("strides", 2, 2).attr("pads", 1, 1, 1, 1)
 *         .outputs(2)                       // values and Indices
 *         .run(x);
 * }</pre>
 */
public final class OnnxNode {
    private final String opType;
    private int opset = OnnxModel.MAX_OPSET;
    private int outputs = 1;
    private final List<AttributeProto> attributes = new ArrayList<>();

    private OnnxNode(String opType) {
        this.opType = opType;
    }

    /** A node of the default ONNX domain, at opset {@value OnnxModel#MAX_OPSET} unless {@link #opset} says otherwise. */
    public static OnnxNode of(String opType) {
        Check.notNull(opType, "opType");
        return new OnnxNode(opType);
    }

    public OnnxNode opset(int opset) {
        this.opset = opset;
        return this;
    }

    /** How many outputs to request (MaxPool: 2 adds Indices). */
    public OnnxNode outputs(int outputs) {
        if (outputs < 1) throw Check.fail("outputs", outputs, "must be >= 1");
        this.outputs = outputs;
        return this;
    }

    /** An INTS attribute. */
    public OnnxNode attr(String name, long... values) {
        Check.notNull(values, name);
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (long v : values) b.addInts(v);
        attributes.add(b.build());
        return this;
    }

    /** An INT attribute. */
    public OnnxNode attrInt(String name, long value) {
        attributes.add(AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeType.INT)
                .setI(value)
                .build());
        return this;
    }

    /** A FLOAT attribute. */
    public OnnxNode attrFloat(String name, float value) {
        attributes.add(AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeType.FLOAT)
                .setF(value)
                .build());
        return this;
    }

    /** A STRING attribute (auto_pad, mode, coordinate_transformation_mode). */
    public OnnxNode attr(String name, String value) {
        Check.notNull(value, name);
        attributes.add(AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeType.STRING)
                .setS(ByteString.copyFrom(value, StandardCharsets.UTF_8))
                .build());
        return this;
    }

    /** The one-node model this builder describes, for inputs {@code in0, in1, ...} and outputs {@code out0, ...}. */
    public ModelProto toModel(int inputs) {
        NodeProto.Builder n =
                NodeProto.newBuilder().setOpType(opType).setName(opType.toLowerCase(java.util.Locale.ROOT));
        GraphProto.Builder g = GraphProto.newBuilder().setName(opType);
        for (int i = 0; i < inputs; i++) {
            n.addInput("in" + i);
            g.addInput(ValueInfoProto.newBuilder().setName("in" + i));
        }
        for (int i = 0; i < outputs; i++) {
            n.addOutput("out" + i);
            g.addOutput(ValueInfoProto.newBuilder().setName("out" + i));
        }
        n.addAllAttribute(attributes);
        g.addNode(n);
        return ModelProto.newBuilder()
                .setIrVersion(10)
                .setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .build();
    }

    /** Checks the node and runs it on {@code inputs} (null for an omitted optional input is not allowed; pass fewer inputs). */
    public List<TensorValue> run(TensorValue... inputs) {
        Check.notNull(inputs, "inputs");
        for (int i = 0; i < inputs.length; i++) Check.notNull(inputs[i], "inputs[" + i + "]");
        try {
            return OnnxModel.of(toModel(inputs.length)).run(inputs);
        } catch (OnnxFormatException e) {
            throw new OnnxException(e.getMessage(), e);
        }
    }
}
