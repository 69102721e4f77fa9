package org.pooling4j.onnx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The registry of supported operators of the default ONNX domain. */
final class Ops {
    private static final Map<String, OpDef> OPS = new TreeMap<>();

    static {
        List<OpDef> all = new ArrayList<>();
        all.addAll(PoolOps.all());
        all.addAll(GlueOps.all());
        all.addAll(RoiOps.all());
        all.addAll(MathOps.all());
        for (OpDef d : all) OPS.put(d.type, d);
    }

    private Ops() {}

    static OpDef get(String type) {
        return OPS.get(type);
    }

    static List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(OPS.keySet()));
    }
}
