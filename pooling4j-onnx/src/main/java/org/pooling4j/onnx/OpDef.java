package org.pooling4j.onnx;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * One ONNX operator: the opsets it exists at, the attributes each version defines, how many inputs
 * and outputs it takes, and how it computes. {@link #check} runs at load time, {@link #run} per call.
 */
abstract class OpDef {
    final String type;
    /** The first opset of the default domain that defines this operator. */
    final int since;

    private final int minIn;
    private final int maxIn;

    /** An operator taking between {@code minIn} and {@code maxIn} inputs at every opset. */
    OpDef(String type, int since, int minIn, int maxIn) {
        this.type = type;
        this.since = since;
        this.minIn = minIn;
        this.maxIn = maxIn;
    }

    /** The attributes defined by the version of this operator in effect at {@code opset}. */
    abstract Set<String> attributes(int opset);

    /** The opset that introduced {@code attr}, for messages; 0 when unknown. */
    int attributeSince(String attr) {
        for (int v = since; v <= OnnxModel.MAX_OPSET; v++) {
            if (attributes(v).contains(attr)) return v;
        }
        return 0;
    }

    int minInputs(int opset) {
        return minIn;
    }

    int maxInputs(int opset) {
        return maxIn;
    }

    int minOutputs(int opset) {
        return 1;
    }

    int maxOutputs(int opset) {
        return 1;
    }

    /** Load-time checks of attribute values (types, ranges, supported modes). */
    void check(Node n) {}

    /** Computes the outputs; {@code in[i]} is null for an omitted optional input; {@code outputs} are the requested ones. */
    abstract TensorValue[] run(Node n, TensorValue[] in, int outputs);

    static Set<String> attrs(String... names) {
        return new TreeSet<>(Arrays.asList(names));
    }

    static Set<String> plus(Set<String> base, String... names) {
        Set<String> s = new TreeSet<>(base);
        s.addAll(Arrays.asList(names));
        return s;
    }

    /** The input must be one of {@code types}. */
    static void requireType(Node n, TensorValue v, String input, DataType... types) {
        for (DataType t : types) {
            if (v.type() == t) return;
        }
        throw n.error("input " + input + " has type " + v.type() + ": must be one of " + Arrays.toString(types));
    }
}
