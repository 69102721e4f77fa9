package org.pooling4j.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pooling4j.internal.Check;

/**
 * An ONNX model, loaded and checked once, then run any number of times. Loading rejects what the
 * runtime cannot execute before any input is seen: an operator outside {@link #supportedOperators()},
 * an opset outside 1..{@value #MAX_OPSET}, an attribute the operator's version does not define, a
 * node that reads a value no earlier node defines. Running checks the inputs against the graph's
 * declared types and static dimensions, then evaluates the nodes in order.
 *
 * <p>Instances are immutable and may be run from several threads at once.
 */
public final class OnnxModel {
    /** The newest opset of the default domain whose operator versions this runtime implements. */
    public static final int MAX_OPSET = 22;

    private final int opset;
    private final List<Node> nodes = new ArrayList<>();
    private final List<OpDef> defs = new ArrayList<>();
    private final Map<String, TensorValue> initializers = new HashMap<>();
    private final List<ValueInfoProto> inputs = new ArrayList<>();
    private final List<String> outputs = new ArrayList<>();

    private OnnxModel(ModelProto model) throws OnnxFormatException {
        if (!model.hasGraph()) throw new OnnxException("model has no graph");
        opset = defaultOpset(model);
        GraphProto g = model.getGraph();
        if (g.getSparseInitializerCount() > 0)
            throw new OnnxException("graph '" + g.getName() + "': sparse initializers are not supported");
        Set<String> defined = new HashSet<>();
        for (TensorProto t : g.getInitializerList()) {
            if (t.getName().isEmpty()) throw new OnnxException("an initializer has no name");
            initializers.put(t.getName(), TensorProtos.fromProto(t, "initializer '" + t.getName() + "'"));
            defined.add(t.getName());
        }
        for (ValueInfoProto v : g.getInputList()) {
            if (v.getName().isEmpty()) throw new OnnxException("a graph input has no name");
            // Models before IR 4 list every initializer among the inputs too; those keep their initializer as default.
            if (!initializers.containsKey(v.getName())) {
                if (!defined.add(v.getName()))
                    throw new OnnxException("graph input '" + v.getName() + "' is declared twice");
                inputs.add(v);
            }
        }
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto p = g.getNode(i);
            Node n = new Node(i, p, opset);
            if (!p.getDomain().isEmpty() && !p.getDomain().equals("ai.onnx")) {
                throw n.error(
                        "operator domain '" + p.getDomain() + "' is not supported (only the default ONNX domain)");
            }
            OpDef def = Ops.get(p.getOpType());
            if (def == null) {
                throw n.error("operator " + p.getOpType() + " is not supported; supported: "
                        + String.join(", ", Ops.names()));
            }
            if (opset < def.since)
                throw n.error(
                        def.type + " does not exist at opset " + opset + " (introduced in opset " + def.since + ")");
            checkSignature(n, def, defined);
            def.check(n);
            for (String out : n.outputs) {
                if (out.isEmpty()) continue;
                if (!defined.add(out))
                    throw n.error("output '" + out + "' is already defined (ONNX graphs assign every name once)");
            }
            nodes.add(n);
            defs.add(def);
        }
        Set<String> listed = new HashSet<>();
        for (ValueInfoProto v : g.getOutputList()) {
            if (!defined.contains(v.getName()))
                throw new OnnxException(
                        "graph output '" + v.getName() + "' is not produced by any node, input or initializer");
            // The ONNX checker refuses this too (single assignment); run() returns one value per name.
            if (!listed.add(v.getName())) throw new OnnxException("graph output '" + v.getName() + "' is listed twice");
            outputs.add(v.getName());
        }
        if (outputs.isEmpty()) throw new OnnxException("graph has no outputs");
    }

    private static int defaultOpset(ModelProto model) {
        Integer found = null;
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                found = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, o.getVersion()));
        }
        if (found == null) throw new OnnxException("model imports no opset of the default ONNX domain");
        if (found < 1 || found > MAX_OPSET) {
            throw new OnnxException(
                    "model imports opset " + found + " of the default domain; supported are opsets 1 to " + MAX_OPSET);
        }
        return found;
    }

    private static void checkSignature(Node n, OpDef def, Set<String> defined) {
        Set<String> allowed = def.attributes(n.opset);
        for (String a : n.attributes.keySet()) {
            if (!allowed.contains(a)) {
                int at = def.attributeSince(a);
                throw n.error("attribute '" + a + "' is not defined for " + def.type + " at opset " + n.opset
                        + (at > n.opset ? " (added in opset " + at + ")" : at > 0 ? " (removed in later versions)" : "")
                        + "; defined: " + allowed);
            }
        }
        int given = n.inputCount();
        if (given < def.minInputs(n.opset) || given > def.maxInputs(n.opset)) {
            throw n.error(given + " inputs given; " + def.type + " at opset " + n.opset + " takes "
                    + range(def.minInputs(n.opset), def.maxInputs(n.opset)));
        }
        for (int i = 0; i < def.minInputs(n.opset); i++) {
            if (n.inputs.get(i).isEmpty()) throw n.error("required input " + i + " is empty");
        }
        for (String in : n.inputs) {
            if (!in.isEmpty() && !defined.contains(in))
                throw n.error("input '" + in + "' is not defined by an earlier node, a graph input or an initializer");
        }
        int outs = n.outputs.size();
        if (outs < def.minOutputs(n.opset) || outs > def.maxOutputs(n.opset)) {
            throw n.error(outs + " outputs declared; " + def.type + " at opset " + n.opset + " has "
                    + range(def.minOutputs(n.opset), def.maxOutputs(n.opset)));
        }
    }

    private static String range(int lo, int hi) {
        return lo == hi ? String.valueOf(lo) : lo + " to " + hi;
    }

    /** Reads and checks a model file. */
    public static OnnxModel load(Path file) throws IOException {
        Check.notNull(file, "file");
        long size = Files.size(file);
        if (size > TensorProtos.MAX_FILE_BYTES)
            throw new OnnxFormatException(file + ": " + size + " bytes, larger than the 2 GiB protobuf limit");
        try {
            return parse(Files.readAllBytes(file));
        } catch (OnnxFormatException e) {
            throw new OnnxFormatException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses and checks a serialized ModelProto. Truncated or malformed bytes give an
     * {@link OnnxFormatException}; protobuf's nesting limit (100) bounds the recursion on hostile input.
     */
    public static OnnxModel parse(byte[] bytes) throws OnnxFormatException {
        Check.notNull(bytes, "bytes");
        ModelProto m;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            m = ModelProto.parseFrom(in);
            // parseFrom(CodedInputStream) stops at an end-group tag and ignores what follows: such bytes
            // are no serialized message (protobuf's byte-array parser rejects them too).
            in.checkLastTagWas(0);
        } catch (IOException e) {
            throw new OnnxFormatException("not a valid ONNX model (" + e.getMessage() + ")", e);
        }
        return of(m);
    }

    /** Checks an already parsed model. */
    public static OnnxModel of(ModelProto model) throws OnnxFormatException {
        Check.notNull(model, "model");
        return new OnnxModel(model);
    }

    /** The opset of the default domain the model imports. */
    public int opset() {
        return opset;
    }

    /** The inputs the caller must feed, in graph order (initializers excluded). */
    public List<String> inputNames() {
        List<String> names = new ArrayList<>();
        for (ValueInfoProto v : inputs) names.add(v.getName());
        return Collections.unmodifiableList(names);
    }

    /** The graph outputs in order. */
    public List<String> outputNames() {
        return Collections.unmodifiableList(outputs);
    }

    /** The operator types of the nodes, in graph order. */
    public List<String> operators() {
        List<String> ops = new ArrayList<>();
        for (Node n : nodes) ops.add(n.opType);
        return ops;
    }

    /** The operators (default domain) this runtime executes, sorted. */
    public static List<String> supportedOperators() {
        return Ops.names();
    }

    /** Runs the graph with the inputs given in {@link #inputNames()} order. */
    public List<TensorValue> run(TensorValue... values) {
        Check.notNull(values, "values");
        if (values.length != inputs.size()) {
            throw Check.fail(
                    "values.length", values.length, "the model takes " + inputs.size() + " inputs " + inputNames());
        }
        Map<String, TensorValue> feed = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) feed.put(inputs.get(i).getName(), values[i]);
        return new ArrayList<>(run(feed).values());
    }

    /** Runs the graph; the result maps each graph output name to its value, in graph order. */
    public Map<String, TensorValue> run(Map<String, TensorValue> feed) {
        Check.notNull(feed, "inputs");
        for (String name : feed.keySet()) {
            boolean known = false;
            for (ValueInfoProto v : inputs) known |= v.getName().equals(name);
            if (!known) throw new OnnxException("'" + name + "' is not an input of the model; inputs: " + inputNames());
        }
        Map<String, TensorValue> env = new HashMap<>(initializers);
        for (ValueInfoProto v : inputs) {
            TensorValue x = feed.get(v.getName());
            if (x == null)
                throw new OnnxException("input '" + v.getName() + "' is missing; the model takes " + inputNames());
            checkInput(v, x);
            env.put(v.getName(), x);
        }
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            TensorValue[] in = new TensorValue[n.inputs.size()];
            for (int k = 0; k < in.length; k++) {
                String name = n.inputs.get(k);
                in[k] = name.isEmpty() ? null : env.get(name);
            }
            TensorValue[] out;
            try {
                out = defs.get(i).run(n, in, n.outputs.size());
            } catch (OnnxException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                // Checks of the core (shapes, padding rules) name the parameter; add the node.
                throw n.error(e.getMessage());
            }
            for (int k = 0; k < n.outputs.size(); k++) {
                if (!n.outputs.get(k).isEmpty()) env.put(n.outputs.get(k), out[k]);
            }
        }
        Map<String, TensorValue> result = new LinkedHashMap<>();
        for (String name : outputs) result.put(name, env.get(name));
        return result;
    }

    private static void checkInput(ValueInfoProto v, TensorValue x) {
        if (!v.hasType() || !v.getType().hasTensorType()) return;
        TypeProto.Tensor tt = v.getType().getTensorType();
        if (tt.getElemType() != 0 && tt.getElemType() != x.type().onnxCode()) {
            throw new OnnxException("input '" + v.getName() + "' has type " + x.type() + "; the model declares "
                    + DataType.onnxName(tt.getElemType()));
        }
        if (!tt.hasShape()) return;
        TensorShapeProto s = tt.getShape();
        int[] shape = x.shape();
        boolean ok = s.getDimCount() == shape.length;
        for (int i = 0; ok && i < shape.length; i++) {
            TensorShapeProto.Dimension d = s.getDim(i);
            if (d.hasDimValue() && d.getDimValue() != shape[i]) ok = false;
        }
        if (!ok)
            throw new OnnxException("input '" + v.getName() + "' has shape " + Arrays.toString(shape)
                    + "; the model declares " + describe(s));
    }

    private static String describe(TensorShapeProto s) {
        List<String> dims = new ArrayList<>();
        for (TensorShapeProto.Dimension d : s.getDimList()) {
            dims.add(d.hasDimValue() ? String.valueOf(d.getDimValue()) : d.hasDimParam() ? d.getDimParam() : "?");
        }
        return dims.toString();
    }
}
