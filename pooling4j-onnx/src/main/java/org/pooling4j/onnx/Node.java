package org.pooling4j.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One graph node with its resolved opset and typed attribute access; every failure names the node. */
final class Node {
    final int index;
    final String name;
    final String opType;
    final int opset;
    final List<String> inputs;
    final List<String> outputs;
    final Map<String, AttributeProto> attributes = new LinkedHashMap<>();

    Node(int index, NodeProto proto, int opset) {
        this.index = index;
        this.name = proto.getName();
        this.opType = proto.getOpType();
        this.opset = opset;
        this.inputs = proto.getInputList();
        this.outputs = proto.getOutputList();
        for (AttributeProto a : proto.getAttributeList()) {
            if (attributes.put(a.getName(), a) != null) throw error("attribute '" + a.getName() + "' is given twice");
        }
    }

    /** "node #2 'pool1' (MaxPool, opset 22)". */
    String where() {
        return "node #" + index + (name.isEmpty() ? "" : " '" + name + "'") + " (" + opType + ", opset " + opset + ")";
    }

    OnnxException error(String message) {
        return new OnnxException(where() + ": " + message);
    }

    boolean has(String attr) {
        return attributes.containsKey(attr);
    }

    /** Number of inputs given, counting omitted optional ones ("") before the last given one. */
    int inputCount() {
        return inputs.size();
    }

    boolean hasInput(int i) {
        return i < inputs.size() && !inputs.get(i).isEmpty();
    }

    private AttributeProto attr(String attr, AttributeType type) {
        AttributeProto a = attributes.get(attr);
        if (a == null) return null;
        AttributeType t = a.getType();
        if (t == AttributeType.UNDEFINED) t = inferType(a);
        if (t != type) throw error("attribute '" + attr + "' must be of type " + type + ", is " + t);
        return a;
    }

    // Models written before attribute types were recorded leave `type` unset; the filled field tells.
    private static AttributeType inferType(AttributeProto a) {
        if (a.getIntsCount() > 0) return AttributeType.INTS;
        if (a.getFloatsCount() > 0) return AttributeType.FLOATS;
        if (a.getStringsCount() > 0) return AttributeType.STRINGS;
        if (a.hasT()) return AttributeType.TENSOR;
        if (a.hasG()) return AttributeType.GRAPH;
        if (a.hasS()) return AttributeType.STRING;
        if (a.hasF()) return AttributeType.FLOAT;
        if (a.hasI()) return AttributeType.INT;
        return AttributeType.UNDEFINED;
    }

    long intAttr(String attr, long def) {
        AttributeProto a = attr(attr, AttributeType.INT);
        return a == null ? def : a.getI();
    }

    float floatAttr(String attr, float def) {
        AttributeProto a = attr(attr, AttributeType.FLOAT);
        return a == null ? def : a.getF();
    }

    String stringAttr(String attr, String def) {
        AttributeProto a = attr(attr, AttributeType.STRING);
        return a == null ? def : a.getS().toStringUtf8();
    }

    /** The INTS attribute, or null when absent. */
    long[] intsAttr(String attr) {
        AttributeProto a = attr(attr, AttributeType.INTS);
        if (a == null) return null;
        long[] v = new long[a.getIntsCount()];
        for (int i = 0; i < v.length; i++) v[i] = a.getInts(i);
        return v;
    }

    float[] floatsAttr(String attr) {
        AttributeProto a = attr(attr, AttributeType.FLOATS);
        if (a == null) return null;
        float[] v = new float[a.getFloatsCount()];
        for (int i = 0; i < v.length; i++) v[i] = a.getFloats(i);
        return v;
    }

    TensorProto tensorAttr(String attr) {
        AttributeProto a = attr(attr, AttributeType.TENSOR);
        return a == null ? null : a.getT();
    }

    /** An INT attribute that must be 0 or 1. */
    boolean flag(String attr) {
        long v = intAttr(attr, 0);
        if (v != 0 && v != 1) throw error("attribute " + attr + " = " + v + ": must be 0 or 1");
        return v == 1;
    }

    /**
     * An INTS attribute of exactly {@code length} entries, each in [{@code min}, Integer.MAX_VALUE],
     * as ints; {@code def} fills it when absent.
     */
    int[] intsExact(String attr, int length, int min, int def) {
        long[] v = intsAttr(attr);
        int[] out = new int[length];
        if (v == null) {
            Arrays.fill(out, def);
            return out;
        }
        if (v.length != length) {
            throw error("attribute " + attr + " = " + Arrays.toString(v) + ": must have " + length + " entries");
        }
        for (int i = 0; i < length; i++) {
            if (v[i] < min || v[i] > Integer.MAX_VALUE) {
                throw error("attribute " + attr + " = " + Arrays.toString(v) + ": every entry must be in [" + min + ", "
                        + Integer.MAX_VALUE + "]");
            }
            out[i] = (int) v[i];
        }
        return out;
    }
}
