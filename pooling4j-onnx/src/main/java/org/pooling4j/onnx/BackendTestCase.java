package org.pooling4j.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.pooling4j.internal.Check;

/**
 * Runs a folder in the ONNX backend-test layout ({@code model.onnx} plus
 * {@code test_data_set_K/input_I.pb} and {@code output_J.pb}) and compares the results as ONNX's
 * own runner does: same number of outputs, equal shapes, equal element types, and
 * {@code |actual - expected| <= atol + rtol * |expected|} with NaN in the same places. Integer
 * outputs (indices, uint8 values) must match exactly, which is stricter than the runner's
 * tolerance for large integers and what an index deserves.
 */
public final class BackendTestCase {
    /** The ONNX backend runner's default relative tolerance. */
    public static final double RTOL = 1e-3;
    /** The ONNX backend runner's default absolute tolerance. */
    public static final double ATOL = 1e-7;

    private static final Pattern NUMBERED = Pattern.compile("(?:input|output|test_data_set)_(\\d+)(?:\\.pb)?");

    /** The outcome of one case: its folder, whether every data set passed, and why not. */
    public static final class Outcome {
        private final Path dir;
        private final String failure;
        private final List<String> operators;

        Outcome(Path dir, String failure, List<String> operators) {
            this.dir = dir;
            this.failure = failure;
            this.operators = operators;
        }

        public Path dir() {
            return dir;
        }

        public boolean passed() {
            return failure == null;
        }

        /** Why the case failed, or null. */
        public String failure() {
            return failure;
        }

        /** The operators of the model's nodes (empty when it could not be loaded). */
        public List<String> operators() {
            return operators;
        }

        public String name() {
            Path f = dir.getFileName();
            return f == null ? dir.toString() : f.toString();
        }
    }

    private BackendTestCase() {}

    /**
     * The case folders under {@code dir}: {@code dir} itself when it holds a {@code model.onnx},
     * otherwise its immediate subfolders that do, sorted by name.
     */
    public static List<Path> expand(Path dir) throws IOException {
        Check.notNull(dir, "dir");
        List<Path> cases = new ArrayList<>();
        if (Files.isRegularFile(dir.resolve("model.onnx")) || !Files.isDirectory(dir)) {
            cases.add(dir);
            return cases;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))).sorted().forEach(cases::add);
        }
        if (cases.isEmpty()) cases.add(dir);
        return cases;
    }

    /** Runs one case folder; problems of the case (missing files, unsupported model) become a failure reason. */
    public static Outcome run(Path dir) {
        Check.notNull(dir, "dir");
        List<String> ops = List.of();
        try {
            Path model = dir.resolve("model.onnx");
            if (!Files.isRegularFile(model)) return new Outcome(dir, "no model.onnx in " + dir, ops);
            OnnxModel m = OnnxModel.load(model);
            ops = m.operators();
            List<Path> sets = numbered(dir, "test_data_set_", true);
            if (sets.isEmpty()) return new Outcome(dir, "no test_data_set_* folder", ops);
            for (Path set : sets) {
                String why = runSet(m, set);
                if (why != null) return new Outcome(dir, set.getFileName() + ": " + why, ops);
            }
            return new Outcome(dir, null, ops);
        } catch (IOException | RuntimeException e) {
            return new Outcome(dir, e.getMessage() == null ? e.toString() : e.getMessage(), ops);
        }
    }

    private static String runSet(OnnxModel m, Path set) throws IOException {
        List<Path> inFiles = numbered(set, "input_", false);
        List<Path> outFiles = numbered(set, "output_", false);
        List<String> names = m.inputNames();
        if (inFiles.size() != names.size()) {
            return inFiles.size() + " input files for the model's " + names.size() + " inputs " + names;
        }
        TensorValue[] in = new TensorValue[inFiles.size()];
        for (int i = 0; i < in.length; i++) in[i] = TensorProtos.read(inFiles.get(i));
        List<TensorValue> got = m.run(in);
        if (got.size() != outFiles.size())
            return "the model has " + got.size() + " outputs, the data set " + outFiles.size();
        for (int j = 0; j < got.size(); j++) {
            TensorValue want = TensorProtos.read(outFiles.get(j));
            String why = compare(got.get(j), want, RTOL, ATOL);
            if (why != null) return "output " + j + " ('" + m.outputNames().get(j) + "'): " + why;
        }
        return null;
    }

    private static List<Path> numbered(Path dir, String prefix, boolean dirs) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().startsWith(prefix)
                            && (dirs ? Files.isDirectory(p) : p.toString().endsWith(".pb")))
                    .forEach(out::add);
        }
        out.sort(Comparator.comparingLong(BackendTestCase::number));
        return out;
    }

    private static long number(Path p) {
        Matcher m = NUMBERED.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : Long.MAX_VALUE;
    }

    /**
     * Null when {@code actual} matches {@code expected} (shape, type, values within
     * {@code atol + rtol*|expected|}, NaN where NaN; integers exact), otherwise the first difference.
     */
    public static String compare(TensorValue actual, TensorValue expected, double rtol, double atol) {
        Check.notNull(actual, "actual");
        Check.notNull(expected, "expected");
        if (!Arrays.equals(actual.shape(), expected.shape())) {
            return "shape " + Arrays.toString(actual.shape()) + ", expected " + Arrays.toString(expected.shape());
        }
        if (actual.type() != expected.type()) return "type " + actual.type() + ", expected " + expected.type();
        int bad = 0;
        String first = null;
        for (int i = 0; i < actual.size(); i++) {
            boolean ok;
            if (!actual.type().isFloatingPoint()) {
                ok = actual.getLong(i) == expected.getLong(i);
            } else {
                double a = actual.getDouble(i);
                double e = expected.getDouble(i);
                if (Double.isNaN(e) || Double.isNaN(a)) ok = Double.isNaN(e) && Double.isNaN(a);
                else if (Double.isInfinite(e) || Double.isInfinite(a)) ok = a == e;
                else ok = Math.abs(a - e) <= atol + rtol * Math.abs(e);
            }
            if (!ok) {
                if (first == null) {
                    first = "element " + i + " is "
                            + (actual.type().isFloatingPoint() ? actual.getDouble(i) : actual.getLong(i))
                            + ", expected "
                            + (expected.type().isFloatingPoint() ? expected.getDouble(i) : expected.getLong(i));
                }
                bad++;
            }
        }
        return bad == 0 ? null : bad + " of " + actual.size() + " values differ; " + first;
    }
}
