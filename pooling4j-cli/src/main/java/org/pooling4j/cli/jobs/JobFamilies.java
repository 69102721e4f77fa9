package org.pooling4j.cli.jobs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The job families the runner knows, in one place: adding a family is adding it to {@link #ALL}. */
final class JobFamilies {
    static final List<JobFamily> ALL = List.of(
            new TorchJobs(), new BeyondJobs(), new TfJobs(), new RoiJobs(), new DescriptorJobs(), new SequenceJobs());

    private static final Map<String, JobFamily> BY_OP = index();

    private JobFamilies() {}

    private static Map<String, JobFamily> index() {
        Map<String, JobFamily> m = new TreeMap<>();
        for (JobFamily f : ALL) {
            for (String op : f.ops()) {
                JobFamily before = m.put(op, f);
                if (before != null) {
                    throw new IllegalStateException(
                            "op " + op + " is claimed by " + before.getClass().getSimpleName() + " and "
                                    + f.getClass().getSimpleName());
                }
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** The family that runs {@code op}, or null when no family does. */
    static JobFamily forOp(String op) {
        return BY_OP.get(op);
    }

    /** Every known op name, sorted. */
    static SortedSet<String> ops() {
        return new TreeSet<>(BY_OP.keySet());
    }

    private static final Pattern RANKED = Pattern.compile("(.*?)([1-3]d)?");

    /**
     * The known ops, sorted, in a compact form for messages: the rank variants of a name braced
     * ({@code max_pool{1d,2d,3d}}, {@code tf.nn.max_pool{,1d,2d,3d}} where the bare name exists too),
     * and the {@code _backward} twins said once when every op has one.
     */
    static String describe() {
        SortedSet<String> all = ops();
        SortedSet<String> forward = new TreeSet<>();
        boolean everyHasBackward = true;
        for (String op : all) {
            if (op.endsWith("_backward") && all.contains(op.substring(0, op.length() - "_backward".length()))) continue;
            forward.add(op);
            if (!all.contains(op + "_backward")) everyHasBackward = false;
        }
        SortedSet<String> names = everyHasBackward ? forward : all;
        Map<String, List<String>> byStem = new LinkedHashMap<>();
        for (String op : names) {
            Matcher m = RANKED.matcher(op);
            m.matches();
            byStem.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(m.group(2) == null ? "" : m.group(2));
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : new TreeMap<>(byStem).entrySet()) {
            List<String> v = e.getValue();
            parts.add(v.size() == 1 ? e.getKey() + v.get(0) : e.getKey() + "{" + String.join(",", v) + "}");
        }
        return String.join(", ", parts) + (everyHasBackward ? "; each also with _backward" : "");
    }
}
