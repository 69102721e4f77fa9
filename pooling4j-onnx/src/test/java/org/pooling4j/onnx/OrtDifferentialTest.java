package org.pooling4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Differential test of pooling4j-onnx against ONNX Runtime's CPU execution provider.
 *
 * <p>A seeded generator builds single-node models for every pooling operator, attribute and opset
 * that ONNX Runtime has a CPU kernel for, and multi-node graphs of the shapes exporters write
 * (PyTorch's Pad + AveragePool, max pooling with per-plane indices, LPPool composition, pools wrapped
 * in Flatten, Reshape, Transpose, Squeeze/Unsqueeze, Cast, Identity, Concat, Shape/Gather). Every
 * model is run by both runtimes and every output is compared with the ONNX backend runner's
 * tolerance (rtol 1e-3, atol 1e-7); max-type outputs (values and indices) must be exactly equal.
 *
 * <p>Only models that the ONNX specification allows and ONNX Runtime accepts are generated: pads
 * stay below the kernel (ONNX Runtime refuses larger ones), every output dimension is at least 1,
 * and inputs hold no NaN (ONNX Runtime's NaN handling depends on the kernel it picks). ONNX Runtime
 * runs without graph optimizations: the oracle is its kernels. Where ONNX Runtime departs from the
 * specification, the generator avoids the configuration ({@link #ortDeparture}) or the comparison
 * maps ONNX Runtime's result to the specification's and counts it ({@link Case#mlasMax},
 * {@link Case#emptyWindows}, {@link Case#fromOrt}); the spec tests at the end of this class hold
 * pooling4j's hand-worked results for each of those places.
 *
 * <p>{@code -Dpooling4j.seed=S} picks the seed (printed on every run and with every failure),
 * {@code -Dpooling4j.onnx.cases=N} the number of single-node models (default 4,000; a fifth as many
 * multi-node graphs); {@code -Dpooling4j.onnx.verbose=true} prints every failure, not just the first 20.
 */
class OrtDifferentialTest {
    private static final long SEED = Long.getLong("pooling4j.seed", 0x5EED_2024_0611L);
    private static final int CASES = Integer.getInteger("pooling4j.onnx.cases", 4000);
    private static final int GRAPHS = Math.max(1, CASES / 5);
    private static final int ROI_CASES = Math.max(1, CASES / 20);
    private static final double RTOL = 1e-3;
    private static final double ATOL = 1e-7;

    private static OrtEnvironment env;
    private static OrtSession.SessionOptions options;

    @BeforeAll
    static void startOrt() throws OrtException {
        env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "pooling4j-differential");
        options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
        // The oracle is ONNX Runtime's kernels. Its graph optimizer folds Pad into AveragePool, which
        // changes the result with ceil_mode and writes pads >= kernel that its own kernel then refuses.
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
    }

    @AfterAll
    static void stopOrt() {
        if (options != null) options.close();
    }

    // =====================================================================================
    // The differential tests
    // =====================================================================================

    @Test
    void singleNodeModelsMatchOnnxRuntime() {
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < CASES; i++) cases.add(singleNode(new Rnd(SEED, 1, i), i));
        runAll("single-node", cases);
    }

    @Test
    void exporterGraphsMatchOnnxRuntime() {
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < GRAPHS; i++) cases.add(multiNode(new Rnd(SEED, 2, i), i));
        runAll("multi-node", cases);
    }

    /**
     * RoiAlign and MaxRoiPool. The models are always run by ONNX Runtime (which checks that the
     * generators only write valid models); they are compared once pooling4j supports the operators.
     */
    @Test
    void roiOperatorsMatchOnnxRuntime() {
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < ROI_CASES; i++) {
            Rnd r = new Rnd(SEED, 3, i);
            cases.add(r.chance(0.6) ? roiAlign(r, i) : maxRoiPool(r, i));
        }
        List<String> supported = OnnxModel.supportedOperators();
        List<Case> runnable = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        int skipped = 0;
        for (Case c : cases) {
            if (supported.contains(c.family)) {
                runnable.add(c);
                continue;
            }
            skipped++;
            try {
                runOrt(c);
            } catch (OrtException | RuntimeException e) {
                failures.add(c.label() + ": ONNX Runtime rejected the generated model: " + e.getMessage() + "\n    "
                        + c.desc);
            }
        }
        if (!failures.isEmpty()) fail(report("RoI", failures, cases.size()));
        if (!runnable.isEmpty()) runAll("RoI", runnable);
        if (skipped > 0) {
            System.out.println("OrtDifferentialTest: " + skipped
                    + " RoiAlign/MaxRoiPool models ran on ONNX Runtime only: pooling4j-onnx does not support "
                    + (supported.contains("RoiAlign") ? "" : "RoiAlign ")
                    + (supported.contains("MaxRoiPool") ? "" : "MaxRoiPool ") + "yet");
        }
        Assumptions.assumeTrue(
                skipped == 0,
                "RoiAlign/MaxRoiPool are not supported by pooling4j-onnx yet; compared " + runnable.size() + " of "
                        + cases.size());
    }

    private static void runAll(String what, List<Case> cases) {
        long t0 = System.nanoTime();
        List<String> failures = new ArrayList<>();
        Map<String, Integer> families = new TreeMap<>();
        int zeroSigns = 0;
        int infClamps = 0;
        int emptyIndices = 0;
        int reframed = 0;
        for (Case c : cases) {
            families.merge(c.family, 1, Integer::sum);
            Outcome o = check(c);
            zeroSigns += o.zeroSigns;
            infClamps += o.infClamps;
            emptyIndices += o.emptyIndices;
            if (c.fromOrt != null) reframed++;
            if (o.failure != null) failures.add(c.label() + ": " + o.failure + "\n    " + c.desc);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println(
                "OrtDifferentialTest " + what + ": seed " + SEED + ", " + cases.size() + " models " + families + ", "
                        + failures.size() + " mismatches, " + ms + " ms"
                        + (zeroSigns > 0 ? "; " + zeroSigns + " zeros of another sign (equal values)" : "")
                        + (infClamps > 0
                                ? "; " + infClamps + " all -inf windows where ONNX Runtime's MLAS max gives -FLT_MAX"
                                : "")
                        + (emptyIndices > 0
                                ? "; " + emptyIndices
                                        + " indices of all-padding windows (-1 here, c*x_step - sum(strides) in ONNX Runtime)"
                                : "")
                        + (reframed > 0
                                ? "; " + reframed
                                        + " MaxUnpool with output_shape > inferred shape compared with ONNX Runtime's result without output_shape, placed at the origin"
                                : ""));
        if (Boolean.getBoolean("pooling4j.onnx.verbose")) {
            for (String f : failures) System.out.println("FAIL " + f.replace("\n", " | "));
        }
        if (!failures.isEmpty()) {
            String msg = report(what, failures, cases.size());
            System.out.println(msg);
            fail(msg);
        }
    }

    private static String report(String what, List<String> failures, int total) {
        StringBuilder sb = new StringBuilder();
        sb.append(failures.size())
                .append(" of ")
                .append(total)
                .append(' ')
                .append(what)
                .append(" models differ from ONNX Runtime (seed ")
                .append(SEED)
                .append("; rerun with -Dpooling4j.seed=")
                .append(SEED)
                .append("):");
        for (int i = 0; i < Math.min(failures.size(), 20); i++)
            sb.append("\n  ").append(failures.get(i));
        if (failures.size() > 20)
            sb.append("\n  ... ").append(failures.size() - 20).append(" more");
        return sb.toString();
    }

    /** One generated model with its inputs. */
    static final class Case {
        final String family;
        final int index;
        final String desc;
        final byte[] model;
        final List<String> names;
        final List<TensorValue> inputs;
        /** Outputs that must be exactly equal (max-type values, indices), not just within tolerance. */
        final boolean exact;
        /**
         * The model has a float max pool that ONNX Runtime runs with MLAS (no Indices, no dilation,
         * storage_order 0; every MaxPool before opset 8; GlobalMaxPool). MLAS starts each window at
         * -FLT_MAX, so a window of -infinity gives -FLT_MAX; the specification's max is -infinity.
         */
        boolean mlasMax;
        /**
         * The model is a MaxPool with Indices and windows that lie entirely in padding (dilation). The
         * specification leaves their output undefined; ONNX Runtime writes the lowest value and the
         * index {@code c*x_step + sum(-1 * stride of each spatial axis)} (-1 only on the first plane of a
         * 1-D pool), pooling4j the lowest value and -1.
         */
        boolean emptyWindows;
        /** When set, ONNX Runtime runs this model instead, and {@link #fromOrt} maps its outputs to the specification's. */
        byte[] ortModel;

        List<String> ortNames;
        List<TensorValue> ortInputs;
        UnaryOperator<List<TensorValue>> fromOrt;

        Case(
                String family,
                int index,
                String desc,
                byte[] model,
                List<String> names,
                List<TensorValue> inputs,
                boolean exact) {
            this.family = family;
            this.index = index;
            this.desc = desc;
            this.model = model;
            this.names = names;
            this.inputs = inputs;
            this.exact = exact;
        }

        String label() {
            return family + " #" + index;
        }
    }

    static final class Outcome {
        final String failure;
        final int zeroSigns;
        final int infClamps;
        final int emptyIndices;

        Outcome(String failure, int zeroSigns, int infClamps, int emptyIndices) {
            this.failure = failure;
            this.zeroSigns = zeroSigns;
            this.infClamps = infClamps;
            this.emptyIndices = emptyIndices;
        }

        Outcome(String failure) {
            this(failure, 0, 0, 0);
        }
    }

    private static Outcome check(Case c) {
        List<TensorValue> ours;
        try {
            ours = OnnxModel.parse(c.model).run(c.inputs.toArray(new TensorValue[0]));
        } catch (OnnxFormatException | RuntimeException e) {
            return new Outcome("pooling4j threw " + e);
        }
        List<TensorValue> ort;
        try {
            ort = runOrt(c);
        } catch (OrtException | RuntimeException e) {
            return new Outcome("ONNX Runtime threw " + e.getMessage());
        }
        if (c.fromOrt != null) ort = c.fromOrt.apply(ort);
        if (ours.size() != ort.size()) return new Outcome(ours.size() + " outputs, ONNX Runtime gives " + ort.size());
        int zeroSigns = 0;
        int infClamps = 0;
        int emptyIndices = 0;
        if (c.emptyWindows
                && ours.size() == 2
                && ort.get(1).type() == DataType.INT64
                && Arrays.equals(ours.get(1).shape(), ort.get(1).shape())) {
            long[] mine = ours.get(1).toLongArray();
            long[] theirs = ort.get(1).toLongArray();
            TensorValue y = ort.get(0);
            double lowest = y.type() == DataType.FLOAT
                    ? -Float.MAX_VALUE
                    : y.type() == DataType.DOUBLE ? -Double.MAX_VALUE : y.type() == DataType.INT8 ? -128 : 0;
            double[] values = y.toDoubleArray();
            for (int k = 0; k < mine.length; k++) {
                if (mine[k] == -1 && theirs[k] != -1 && values[k] == lowest) {
                    theirs[k] = -1;
                    emptyIndices++;
                }
            }
            ort = List.of(y, TensorValue.ofInt64(theirs, ort.get(1).shape()));
        }
        for (int i = 0; i < ours.size(); i++) {
            TensorValue a = ours.get(i);
            TensorValue e = ort.get(i);
            if (c.mlasMax
                    && a.type() == DataType.FLOAT
                    && e.type() == DataType.FLOAT
                    && Arrays.equals(a.shape(), e.shape())) {
                float[] x = a.toFloatArray();
                float[] y = e.toFloatArray();
                int before = infClamps;
                for (int k = 0; k < x.length; k++) {
                    if (x[k] == Float.NEGATIVE_INFINITY && y[k] == -Float.MAX_VALUE) {
                        y[k] = Float.NEGATIVE_INFINITY;
                        infClamps++;
                    }
                }
                if (infClamps > before) e = TensorValue.ofFloat(y, e.shape());
            }
            String why = BackendTestCase.compare(a, e, RTOL, ATOL);
            if (why == null && c.exact) why = exactDifference(a, e);
            if (why != null) return new Outcome("output " + i + ": " + why + dump(c, a, e));
            if (a.type().isFloatingPoint()) {
                double[] x = a.toDoubleArray();
                double[] y = e.toDoubleArray();
                for (int k = 0; k < x.length; k++) {
                    if (x[k] == 0 && y[k] == 0 && Double.doubleToRawLongBits(x[k]) != Double.doubleToRawLongBits(y[k]))
                        zeroSigns++;
                }
            }
        }
        return new Outcome(null, zeroSigns, infClamps, emptyIndices);
    }

    /** Null when the values are equal (numerically, so 0.0 == -0.0; integers exactly). */
    private static String exactDifference(TensorValue a, TensorValue e) {
        if (a.type().isFloatingPoint()) {
            double[] x = a.toDoubleArray();
            double[] y = e.toDoubleArray();
            for (int i = 0; i < x.length; i++) {
                if (!(x[i] == y[i] || (Double.isNaN(x[i]) && Double.isNaN(y[i])))) {
                    return "not exactly equal: element " + i + " is " + x[i] + ", ONNX Runtime gives " + y[i];
                }
            }
            return null;
        }
        long[] x = a.toLongArray();
        long[] y = e.toLongArray();
        for (int i = 0; i < x.length; i++) {
            if (x[i] != y[i]) return "element " + i + " is " + x[i] + ", ONNX Runtime gives " + y[i];
        }
        return null;
    }

    /** The inputs and both outputs when they are small enough to read. */
    private static String dump(Case c, TensorValue ours, TensorValue ort) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < c.inputs.size(); i++) {
            if (c.inputs.get(i).size() > 200) return "";
            sb.append("\n    input ").append(c.names.get(i)).append(" = ").append(show(c.inputs.get(i)));
        }
        if (ours.size() > 200 || ort.size() > 200) return "";
        sb.append("\n    pooling4j    ").append(ours).append(' ').append(show(ours));
        sb.append("\n    ONNX Runtime ").append(ort).append(' ').append(show(ort));
        return sb.toString();
    }

    private static String show(TensorValue v) {
        return v.type().isFloatingPoint() ? Arrays.toString(v.toDoubleArray()) : Arrays.toString(v.toLongArray());
    }

    // =====================================================================================
    // ONNX Runtime
    // =====================================================================================

    static List<TensorValue> runOrt(Case c) throws OrtException {
        byte[] model = c.ortModel != null ? c.ortModel : c.model;
        List<String> names = c.ortModel != null ? c.ortNames : c.names;
        List<TensorValue> inputs = c.ortModel != null ? c.ortInputs : c.inputs;
        try (OrtSession session = env.createSession(model, options)) {
            Map<String, OnnxTensor> feed = new LinkedHashMap<>();
            try {
                for (int i = 0; i < inputs.size(); i++) feed.put(names.get(i), toOrt(inputs.get(i)));
                try (OrtSession.Result result = session.run(feed)) {
                    List<TensorValue> out = new ArrayList<>();
                    for (int i = 0; i < result.size(); i++) out.add(fromOrt((OnnxTensor) result.get(i)));
                    return out;
                }
            } finally {
                for (OnnxTensor t : feed.values()) t.close();
            }
        }
    }

    static OnnxTensor toOrt(TensorValue v) throws OrtException {
        long[] shape = Arrays.stream(v.shape()).asLongStream().toArray();
        switch (v.type()) {
            case FLOAT:
                return OnnxTensor.createTensor(env, FloatBuffer.wrap(v.toFloatArray()), shape);
            case DOUBLE:
                return OnnxTensor.createTensor(env, DoubleBuffer.wrap(v.toDoubleArray()), shape);
            case INT64:
                return OnnxTensor.createTensor(env, LongBuffer.wrap(v.toLongArray()), shape);
            case INT8:
            case UINT8: {
                long[] l = v.toLongArray();
                ByteBuffer b = ByteBuffer.allocateDirect(l.length).order(ByteOrder.nativeOrder());
                for (long x : l) b.put((byte) x);
                b.rewind();
                return OnnxTensor.createTensor(
                        env, b, shape, v.type() == DataType.INT8 ? OnnxJavaType.INT8 : OnnxJavaType.UINT8);
            }
            default:
                throw new IllegalArgumentException("no ONNX Runtime feed for " + v.type());
        }
    }

    static TensorValue fromOrt(OnnxTensor t) {
        TensorInfo info = t.getInfo();
        int[] shape = Arrays.stream(info.getShape()).mapToInt(Math::toIntExact).toArray();
        switch (info.type) {
            case FLOAT: {
                FloatBuffer b = t.getFloatBuffer();
                float[] a = new float[b.remaining()];
                b.get(a);
                return TensorValue.ofFloat(a, shape);
            }
            case DOUBLE: {
                DoubleBuffer b = t.getDoubleBuffer();
                double[] a = new double[b.remaining()];
                b.get(a);
                return TensorValue.ofDouble(a, shape);
            }
            case INT64: {
                LongBuffer b = t.getLongBuffer();
                long[] a = new long[b.remaining()];
                b.get(a);
                return TensorValue.ofInt64(a, shape);
            }
            case INT8:
            case UINT8: {
                ByteBuffer b = t.getByteBuffer();
                long[] a = new long[b.remaining()];
                for (int i = 0; i < a.length; i++) a[i] = info.type == OnnxJavaType.UINT8 ? b.get(i) & 0xff : b.get(i);
                return TensorValue.ofIntegers(
                        info.type == OnnxJavaType.UINT8 ? DataType.UINT8 : DataType.INT8, a, shape);
            }
            default:
                throw new IllegalArgumentException("unexpected ONNX Runtime output type " + info.type);
        }
    }

    // =====================================================================================
    // Random choices
    // =====================================================================================

    /** A per-case generator: the case's models depend only on (seed, stream, index). */
    static final class Rnd {
        final SplittableRandom r;

        Rnd(long seed, int stream, int index) {
            r = new SplittableRandom(
                    seed * 0x9E3779B97F4A7C15L + stream * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL);
        }

        int between(int lo, int hi) {
            return lo + r.nextInt(hi - lo + 1);
        }

        boolean chance(double p) {
            return r.nextDouble() < p;
        }

        @SafeVarargs
        final <T> T pick(T... options) {
            return options[r.nextInt(options.length)];
        }

        double gaussian() {
            return r.nextGaussian();
        }

        double uniform(double lo, double hi) {
            return lo + (hi - lo) * r.nextDouble();
        }
    }

    /** How input values are drawn. */
    enum Values {
        /** Gaussian floats of scale 2, full precision. */
        RANDOM,
        /** Multiples of 1/16 in [-4, 4]: sums of them are exact in float32, so averages cannot cancel into rounding noise. */
        GRID,
        /** A few values (with both zeros), so windows hold ties. */
        TIES,
        /** Random values with some +inf and -inf (max-type operators only). */
        INF,
        /** Float64 values that differ below float32 precision, so float32 rounding would tie them. */
        NEAR_TIES,
        /** Float64 values outside the float32 range (overflow to infinity, underflow to zero). */
        WIDE
    }

    static TensorValue values(Rnd r, DataType type, Values mode, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        if (type == DataType.INT8 || type == DataType.UINT8) {
            long lo = type == DataType.INT8 ? -128 : 0;
            long hi = type == DataType.INT8 ? 127 : 255;
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                if (mode == Values.TIES) v[i] = r.pick(lo, lo + 1, hi, hi - 1, 0L, 7L);
                else v[i] = lo + r.r.nextInt((int) (hi - lo + 1));
            }
            return TensorValue.ofIntegers(type, v, shape);
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = value(r, mode);
        if (type == DataType.DOUBLE) return TensorValue.ofDouble(d, shape);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) d[i];
        return TensorValue.ofFloat(f, shape);
    }

    private static double value(Rnd r, Values mode) {
        switch (mode) {
            case GRID:
                return r.between(-64, 64) / 16.0;
            case TIES:
                return r.pick(-1.5, -0.0, 0.0, 0.5, 2.0, 2.0, -1.5);
            case INF:
                return r.chance(0.15)
                        ? (r.chance(0.5) ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY)
                        : 2 * r.gaussian();
            case NEAR_TIES:
                return r.pick(1.0, -1.0, 3.0) + r.between(0, 3) * 1e-12;
            case WIDE:
                return r.pick(1e300, -1e300, 1e-320, -1e-320, 1e200, 5e-324, 0.0) * (1 + r.between(0, 2) * 1e-9);
            default:
                return 2 * r.gaussian();
        }
    }

    private static Values maxValues(Rnd r, DataType type) {
        if (type == DataType.DOUBLE)
            return r.pick(Values.RANDOM, Values.TIES, Values.INF, Values.NEAR_TIES, Values.WIDE);
        if (type == DataType.INT8 || type == DataType.UINT8) return r.pick(Values.RANDOM, Values.TIES);
        return r.pick(Values.RANDOM, Values.RANDOM, Values.TIES, Values.INF);
    }

    // =====================================================================================
    // Windows (kernel, stride, dilation, padding, ceil mode) and their output sizes
    // =====================================================================================

    /** The window attributes of one sliding pool and an input spatial size that fits them. */
    static final class Win {
        int rank;
        int[] k;
        int[] s;
        int[] d;
        int[] pb;
        int[] pe;
        int[] in;
        String autoPad = "NOTSET";
        boolean ceil;
        boolean writeStrides;
        boolean writePads;
        boolean writeDilations;
        boolean writeCeil;
        boolean writeAutoPad;

        long out(int a) {
            return outputSize(in[a], k[a], s[a], d[a], pb[a], pe[a], autoPad, ceil);
        }
    }

    /** The ONNX specification's output size (section "Shape inference" of the pooling operators). */
    static long outputSize(int in, int k, int s, int d, int pb, int pe, String autoPad, boolean ceil) {
        long ke = (long) d * (k - 1) + 1;
        switch (autoPad) {
            case "VALID":
                return Math.floorDiv(in - ke, s) + 1;
            case "SAME_UPPER":
            case "SAME_LOWER":
                return (in + s - 1) / s;
            default: {
                long span = in + pb + pe - ke;
                if (span < 0) return 0;
                long o = (ceil ? (span + s - 1) / s : span / s) + 1;
                if (ceil && (o - 1) * s >= in + pb) o--;
                return o;
            }
        }
    }

    /**
     * A random window for a {@code rank}-D pool. Pads stay below the kernel (ONNX Runtime refuses
     * larger ones); the input size grows until every output dimension is at least 1.
     */
    static Win window(Rnd r, int rank, boolean dilations, boolean ceilMode, boolean autoPad) {
        Win w = new Win();
        w.rank = rank;
        w.k = new int[rank];
        w.s = new int[rank];
        w.d = new int[rank];
        w.pb = new int[rank];
        w.pe = new int[rank];
        w.in = new int[rank];
        int maxK = rank == 3 ? 3 : 4;
        int maxIn = rank == 1 ? 13 : rank == 2 ? 9 : 6;
        boolean dilate = dilations && r.chance(0.4);
        if (autoPad && r.chance(0.35)) w.autoPad = r.pick("SAME_UPPER", "SAME_LOWER", "VALID");
        boolean pad = w.autoPad.equals("NOTSET") && r.chance(0.6);
        w.ceil = ceilMode && r.chance(0.4);
        for (int attempt = 0; attempt == 0 || ortDeparture(w) != null; attempt++) {
            // Redraw what ONNX Runtime computes differently from the specification (see ortDeparture).
            if (attempt == 10) w.autoPad = "NOTSET";
            for (int a = 0; a < rank; a++) {
                w.k[a] = r.between(1, maxK);
                w.s[a] = r.chance(0.15) ? w.k[a] + r.between(1, 2) : r.between(1, 3);
                w.d[a] = dilate ? r.between(1, 3) : 1;
                if (pad) {
                    w.pb[a] = r.between(0, w.k[a] - 1);
                    w.pe[a] = r.between(0, w.k[a] - 1);
                }
                long ke = (long) w.d[a] * (w.k[a] - 1) + 1;
                w.in[a] = r.chance(0.12) ? (int) ke : r.between(1, maxIn);
                while (w.out(a) < 1) w.in[a]++;
            }
        }
        w.writeStrides = !allOnes(w.s) || r.chance(0.3);
        w.writePads = w.autoPad.equals("NOTSET") && (pad || r.chance(0.3));
        w.writeDilations = dilations && (!allOnes(w.d) || r.chance(0.2));
        w.writeCeil = ceilMode && (w.ceil || r.chance(0.2));
        w.writeAutoPad = !w.autoPad.equals("NOTSET") || (autoPad && r.chance(0.15));
        return w;
    }

    /**
     * Why ONNX Runtime's result departs from the specification for this window, or null. These
     * windows are not generated; the spec tests below hold pooling4j's results for them.
     * <ul>
     *   <li>SAME_* with a dilated kernel: ONNX Runtime computes the SAME padding for the undilated
     *       kernel, so its output is smaller than ceil(I/s) and its windows sit elsewhere.</li>
     *   <li>SAME_* where the total padding {@code (ceil(I/s)-1)*s + k - I} is negative (stride larger
     *       than kernel): ONNX Runtime splits the negative total and shifts the windows by it; the
     *       specification's padding is max(total, 0), so the windows start at 0.</li>
     *   <li>VALID with ceil_mode: ONNX Runtime's output size is ceil((I-K)/s)+1 where the specification's
     *       formula is ceil((I-K+1)/s) = floor((I-K)/s)+1; they differ when s does not divide I-K.</li>
     * </ul>
     */
    static String ortDeparture(Win w) {
        for (int a = 0; a < w.rank; a++) {
            if (w.autoPad.startsWith("SAME")) {
                if (w.d[a] > 1 && w.k[a] > 1) return "SAME_* with dilation";
                long total = ((long) (w.in[a] + w.s[a] - 1) / w.s[a] - 1) * w.s[a] + w.k[a] - w.in[a];
                // ONNX Runtime's begin padding; Java's division truncates toward zero as C++'s does.
                long begin = w.autoPad.equals("SAME_UPPER") ? total / 2 : (total + 1) / 2;
                if (total < 0 && begin != 0) return "SAME_* with negative total padding";
            }
            if (w.autoPad.equals("VALID") && w.ceil) {
                long ke = (long) w.d[a] * (w.k[a] - 1) + 1;
                if (w.in[a] >= ke && (w.in[a] - ke) % w.s[a] != 0) return "VALID with ceil_mode";
            }
        }
        return null;
    }

    /** Whether some window has no tap inside the input (possible with dilation: taps jump over the input). */
    static boolean hasEmptyWindow(Win w) {
        for (int a = 0; a < w.rank; a++) {
            long ke = (long) w.d[a] * (w.k[a] - 1) + 1;
            long begin = w.pb[a];
            if (w.autoPad.equals("VALID")) begin = 0;
            if (w.autoPad.startsWith("SAME")) {
                long total = Math.max((w.out(a) - 1) * w.s[a] + ke - w.in[a], 0);
                begin = w.autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
            }
            for (long o = 0; o < w.out(a); o++) {
                boolean inside = false;
                for (int t = 0; t < w.k[a]; t++) {
                    long p = o * w.s[a] - begin + (long) t * w.d[a];
                    inside |= p >= 0 && p < w.in[a];
                }
                if (!inside) return true;
            }
        }
        return false;
    }

    static boolean allOnes(int[] v) {
        for (int x : v) if (x != 1) return false;
        return true;
    }

    static List<AttributeProto> windowAttributes(Win w) {
        List<AttributeProto> a = new ArrayList<>();
        a.add(ints("kernel_shape", w.k));
        if (w.writeStrides) a.add(ints("strides", w.s));
        if (w.writePads) a.add(ints("pads", concat(w.pb, w.pe)));
        if (w.writeDilations) a.add(ints("dilations", w.d));
        if (w.writeCeil) a.add(intAttr("ceil_mode", w.ceil ? 1 : 0));
        if (w.writeAutoPad) a.add(stringAttr("auto_pad", w.autoPad));
        return a;
    }

    static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static int[] shape(int n, int c, int[] spatial) {
        int[] s = new int[spatial.length + 2];
        s[0] = n;
        s[1] = c;
        System.arraycopy(spatial, 0, s, 2, spatial.length);
        return s;
    }

    static int rank(Rnd r) {
        double x = r.r.nextDouble();
        return x < 0.3 ? 1 : x < 0.75 ? 2 : 3;
    }

    // =====================================================================================
    // Single-node models
    // =====================================================================================

    static Case singleNode(Rnd r, int index) {
        double x = r.r.nextDouble();
        if (x < 0.34) return maxPool(r, index);
        if (x < 0.58) return averagePool(r, index);
        if (x < 0.72) return lpPool(r, index);
        if (x < 0.90) return global(r, index, r.pick("GlobalMaxPool", "GlobalAveragePool", "GlobalLpPool"));
        return maxUnpool(r, index);
    }

    static Case maxPool(Rnd r, int index) {
        int opset = r.between(1, 22);
        DataType type = DataType.FLOAT;
        if (opset >= 12 && r.chance(0.4)) type = r.pick(DataType.DOUBLE, DataType.INT8, DataType.UINT8);
        else if (opset >= 8 && r.chance(0.2)) type = DataType.DOUBLE;
        Win w = window(r, rank(r), opset >= 10, opset >= 10, true);
        boolean indices = opset >= 8 && r.chance(0.5);
        G g = new G(opset);
        Values mode = maxValues(r, type);
        String xn = g.input(r, "X", values(r, type, mode, shape(r.between(1, 3), r.between(1, 4), w.in)));
        List<AttributeProto> attrs = windowAttributes(w);
        boolean columnMajor = false;
        if (opset >= 8 && r.chance(0.45)) {
            columnMajor = r.chance(0.75);
            attrs.add(intAttr("storage_order", columnMajor ? 1 : 0));
        }
        if (indices) {
            g.node("MaxPool", List.of(xn), List.of("Y", "I"), attrs);
            g.output("Y", type);
            g.output("I", DataType.INT64);
        } else {
            g.node("MaxPool", List.of(xn), List.of("Y"), attrs);
            g.output("Y", type);
        }
        Case c = g.build("MaxPool", index, mode, true);
        c.mlasMax = type == DataType.FLOAT && (opset < 8 || (!indices && !columnMajor && allOnes(w.d)));
        c.emptyWindows = indices && hasEmptyWindow(w);
        return c;
    }

    static Case averagePool(Rnd r, int index) {
        int opset = r.between(7, 22);
        Win w = window(r, rank(r), opset >= 19, opset >= 10, true);
        G g = new G(opset);
        Values mode = r.pick(Values.GRID, Values.GRID, Values.TIES);
        String xn = g.input(r, "X", values(r, DataType.FLOAT, mode, shape(r.between(1, 3), r.between(1, 4), w.in)));
        List<AttributeProto> attrs = windowAttributes(w);
        if (r.chance(0.6)) attrs.add(intAttr("count_include_pad", r.chance(0.6) ? 1 : 0));
        g.node("AveragePool", List.of(xn), List.of("Y"), attrs);
        g.output("Y", DataType.FLOAT);
        return g.build("AveragePool", index, mode, false);
    }

    static Case lpPool(Rnd r, int index) {
        int opset = r.between(2, 22);
        Win w = window(r, rank(r), opset >= 18, opset >= 18, true);
        G g = new G(opset);
        Values mode = r.pick(Values.RANDOM, Values.GRID, Values.TIES);
        String xn = g.input(r, "X", values(r, DataType.FLOAT, mode, shape(r.between(1, 3), r.between(1, 4), w.in)));
        List<AttributeProto> attrs = windowAttributes(w);
        if (r.chance(0.8)) attrs.add(intAttr("p", r.between(1, 4)));
        g.node("LpPool", List.of(xn), List.of("Y"), attrs);
        g.output("Y", DataType.FLOAT);
        return g.build("LpPool", index, mode, false);
    }

    static Case global(Rnd r, int index, String op) {
        // ONNX Runtime registers GlobalLpPool for opsets 2 to 21 only.
        int opset = op.equals("GlobalLpPool") ? r.between(2, 21) : r.between(1, 22);
        int rank = rank(r);
        int[] spatial = new int[rank];
        for (int a = 0; a < rank; a++) spatial[a] = r.between(1, rank == 3 ? 6 : 9);
        G g = new G(opset);
        boolean max = op.equals("GlobalMaxPool");
        Values mode = max
                ? maxValues(r, DataType.FLOAT)
                : op.equals("GlobalAveragePool")
                        ? r.pick(Values.GRID, Values.TIES)
                        : r.pick(Values.RANDOM, Values.GRID);
        String xn = g.input(r, "X", values(r, DataType.FLOAT, mode, shape(r.between(1, 3), r.between(1, 4), spatial)));
        List<AttributeProto> attrs = new ArrayList<>();
        if (op.equals("GlobalLpPool") && r.chance(0.8)) attrs.add(intAttr("p", r.between(1, 4)));
        g.node(op, List.of(xn), List.of("Y"), attrs);
        g.output("Y", DataType.FLOAT);
        Case c = g.build(op, index, mode, max);
        c.mlasMax = max;
        return c;
    }

    /**
     * MaxUnpool fed with the values and indices of a MaxPool (same kernel, strides and pads) of a
     * random input of the inferred output shape, with or without an {@code output_shape} input of
     * at least that shape.
     */
    static Case maxUnpool(Rnd r, int index) {
        int opset = r.between(9, 22);
        int rank = rank(r);
        int[] k = new int[rank];
        int[] s = new int[rank];
        int[] pb = new int[rank];
        int[] pe = new int[rank];
        int[] in = new int[rank];
        int[] inferred = new int[rank];
        boolean pad = r.chance(0.5);
        for (int a = 0; a < rank; a++) {
            k[a] = r.between(1, rank == 3 ? 3 : 4);
            s[a] = r.chance(0.2) ? k[a] + 1 : r.between(1, 3);
            if (pad) {
                pb[a] = r.between(0, k[a] - 1);
                pe[a] = r.between(0, k[a] - 1);
            }
            in[a] = r.between(1, rank == 3 ? 4 : 6);
            while ((long) (in[a] - 1) * s[a] - pb[a] - pe[a] + k[a] < 1) in[a]++;
            inferred[a] = (in[a] - 1) * s[a] - pb[a] - pe[a] + k[a];
        }
        int n = r.between(1, 3);
        int c = r.between(1, 4);
        // The MaxPool that produces X and I: over (N, C, inferred...), its output has the shape (N, C, in...).
        Values mode = maxValues(r, DataType.FLOAT);
        TensorValue source = values(r, DataType.FLOAT, mode, shape(n, c, inferred));
        G pool = new G(12);
        pool.input(r, "S", source);
        pool.node(
                "MaxPool",
                List.of("S"),
                List.of("X", "I"),
                List.of(ints("kernel_shape", k), ints("strides", s), ints("pads", concat(pb, pe))));
        pool.output("X", DataType.FLOAT);
        pool.output("I", DataType.INT64);
        List<TensorValue> xi;
        try {
            xi = OnnxModel.parse(pool.bytes()).run(source);
        } catch (OnnxFormatException e) {
            throw new IllegalStateException(e);
        }
        if (!Arrays.equals(xi.get(0).shape(), shape(n, c, in))) {
            throw new IllegalStateException(
                    "MaxPool for MaxUnpool gave " + xi.get(0) + ", expected " + Arrays.toString(shape(n, c, in)));
        }
        List<AttributeProto> attrs = new ArrayList<>();
        attrs.add(ints("kernel_shape", k));
        if (!allOnes(s) || r.chance(0.3)) attrs.add(ints("strides", s));
        if (pad || r.chance(0.3)) attrs.add(ints("pads", concat(pb, pe)));
        G g = new G(opset);
        String xn = g.input(r, "X", xi.get(0));
        String in2 = g.input(r, "I", xi.get(1));
        List<String> inputs = new ArrayList<>(List.of(xn, in2));
        long[] os = null;
        boolean larger = false;
        if (r.chance(0.45)) {
            os = new long[rank + 2];
            os[0] = n;
            os[1] = c;
            larger = r.chance(0.5);
            for (int a = 0; a < rank; a++) os[a + 2] = inferred[a] + (larger ? r.between(0, 2) : 0);
            if (larger) os[rank + 1] = Math.max(os[rank + 1], inferred[rank - 1] + 1L);
            inputs.add(
                    r.chance(0.5)
                            ? g.input(r, "output_shape", TensorValue.ofInt64(os, rank + 2))
                            : g.constInts(r, os, rank + 2));
        }
        g.node("MaxUnpool", inputs, List.of("Y"), attrs);
        g.output("Y", DataType.FLOAT);
        Case result = g.build("MaxUnpool", index, mode, true);
        if (larger) {
            // ONNX Runtime scatters the flat indices into output_shape itself; the specification's
            // backend test (and reference) places the inferred-shape result at the origin of output_shape
            // (spec test maxUnpoolOutputShapeFramesTheInferredResult). ONNX Runtime runs without output_shape here.
            G plain = new G(opset);
            plain.input(r, "X", xi.get(0));
            plain.input(r, "I", xi.get(1));
            plain.node("MaxUnpool", List.of("X", "I"), List.of("Y"), attrs);
            plain.output("Y", DataType.FLOAT);
            result.ortModel = plain.bytes();
            result.ortNames = List.copyOf(plain.names);
            result.ortInputs = List.copyOf(plain.feeds);
            int[] frame = Arrays.stream(os).mapToInt(Math::toIntExact).toArray();
            result.fromOrt = out -> List.of(atOrigin(out.get(0), frame));
        }
        return result;
    }

    /** {@code v} (float) at the origin of a zero tensor of {@code shape}, which is at least v's shape on every axis. */
    static TensorValue atOrigin(TensorValue v, int[] shape) {
        int[] from = v.shape();
        int size = 1;
        for (int d : shape) size *= d;
        float[] src = v.toFloatArray();
        float[] dst = new float[size];
        int[] at = new int[from.length];
        for (int i = 0; i < src.length; i++) {
            int flat = 0;
            for (int a = 0; a < shape.length; a++) flat = flat * shape[a] + at[a];
            dst[flat] = src[i];
            for (int a = from.length - 1; a >= 0 && ++at[a] == from[a]; a--) at[a] = 0;
        }
        return TensorValue.ofFloat(dst, shape);
    }

    // =====================================================================================
    // RoiAlign and MaxRoiPool
    // =====================================================================================

    static Case roiAlign(Rnd r, int index) {
        // ONNX Runtime registers RoiAlign for opsets 10 to 21 and MaxRoiPool for 1 to 21.
        int opset = r.between(10, 21);
        DataType type = r.chance(0.25) ? DataType.DOUBLE : DataType.FLOAT;
        int n = r.between(1, 2);
        int c = r.between(1, 3);
        int h = r.between(2, 9);
        int w = r.between(2, 9);
        float scale = r.pick(1f, 0.5f, 0.25f, 2f, 0.625f);
        int rois = r.between(1, 4);
        double[] box = new double[rois * 4];
        long[] batch = new long[rois];
        for (int i = 0; i < rois; i++) {
            // Feature-map coordinates, some partly outside the map, some degenerate; then to input coordinates.
            double x1 = r.uniform(-1, w);
            double y1 = r.uniform(-1, h);
            double x2 = r.chance(0.1) ? x1 : x1 + r.uniform(0, w);
            double y2 = r.chance(0.1) ? y1 : y1 + r.uniform(0, h);
            box[4 * i] = x1 / scale;
            box[4 * i + 1] = y1 / scale;
            box[4 * i + 2] = x2 / scale;
            box[4 * i + 3] = y2 / scale;
            batch[i] = r.between(0, n - 1);
        }
        G g = new G(opset);
        Values mode = r.pick(Values.RANDOM, Values.GRID, Values.TIES);
        String xn = g.input(r, "X", values(r, type, mode, n, c, h, w));
        TensorValue roiValues;
        if (type == DataType.DOUBLE) {
            roiValues = TensorValue.ofDouble(box, rois, 4);
        } else {
            float[] f = new float[box.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) box[i];
            roiValues = TensorValue.ofFloat(f, rois, 4);
        }
        String rn = g.input(r, "rois", roiValues);
        String bn = g.input(r, "batch_indices", TensorValue.ofInt64(batch, rois));
        List<AttributeProto> attrs = new ArrayList<>();
        if (r.chance(0.7)) attrs.add(stringAttr("mode", r.pick("avg", "max")));
        if (r.chance(0.8)) attrs.add(intAttr("output_height", r.between(1, 4)));
        if (r.chance(0.8)) attrs.add(intAttr("output_width", r.between(1, 4)));
        if (r.chance(0.8)) attrs.add(intAttr("sampling_ratio", r.between(0, 3)));
        if (scale != 1f || r.chance(0.3)) attrs.add(floatAttr("spatial_scale", scale));
        if (opset >= 16 && r.chance(0.7))
            attrs.add(stringAttr("coordinate_transformation_mode", r.pick("half_pixel", "output_half_pixel")));
        g.node("RoiAlign", List.of(xn, rn, bn), List.of("Y"), attrs);
        g.output("Y", type);
        return g.build("RoiAlign", index, mode, false);
    }

    static Case maxRoiPool(Rnd r, int index) {
        int opset = r.between(1, 21);
        int n = r.between(1, 2);
        int c = r.between(1, 3);
        int h = r.between(2, 9);
        int w = r.between(2, 9);
        float scale = r.pick(1f, 0.5f, 0.25f, 2f);
        int rois = r.between(1, 4);
        float[] box = new float[rois * 5];
        for (int i = 0; i < rois; i++) {
            // Input coordinates on a half-integer grid (rounding ties, also negative ones), some outside the map.
            float x1 = r.between(-4, 2 * w) / 2f / scale;
            float y1 = r.between(-4, 2 * h) / 2f / scale;
            box[5 * i] = r.between(0, n - 1);
            box[5 * i + 1] = x1;
            box[5 * i + 2] = y1;
            box[5 * i + 3] = x1 + r.between(0, 2 * w) / 2f / scale;
            box[5 * i + 4] = y1 + r.between(0, 2 * h) / 2f / scale;
        }
        G g = new G(opset);
        Values mode = maxValues(r, DataType.FLOAT);
        String xn = g.input(r, "X", values(r, DataType.FLOAT, mode, n, c, h, w));
        String rn = g.input(r, "rois", TensorValue.ofFloat(box, rois, 5));
        List<AttributeProto> attrs = new ArrayList<>();
        attrs.add(ints("pooled_shape", r.between(1, 3), r.between(1, 3)));
        if (scale != 1f || r.chance(0.3)) attrs.add(floatAttr("spatial_scale", scale));
        g.node("MaxRoiPool", List.of(xn, rn), List.of("Y"), attrs);
        g.output("Y", DataType.FLOAT);
        return g.build("MaxRoiPool", index, mode, true);
    }

    // =====================================================================================
    // Multi-node graphs of the shapes exporters write
    // =====================================================================================

    static Case multiNode(Rnd r, int index) {
        switch (index % 4) {
            case 0:
                return padAveragePool(r, index);
            case 1:
                return maxPoolPlaneIndices(r, index);
            case 2:
                return torchLpPool(r, index);
            default:
                return wrapped(r, index);
        }
    }

    /**
     * PyTorch's AvgPool with padding and count_include_pad: {@code Pad(mode=constant)} then an
     * AveragePool without pads; the pads are a Constant input from opset 11, an attribute before.
     */
    static Case padAveragePool(Rnd r, int index) {
        int opset = r.between(7, 22);
        int rank = rank(r);
        Win w = window(r, rank, opset >= 19, opset >= 10, false);
        // The Pad does the padding; the pool has none, and its input is the padded tensor.
        int[] padB = w.pb.clone();
        int[] padE = w.pe.clone();
        for (int a = 0; a < rank; a++) {
            if (padB[a] == 0 && padE[a] == 0 && r.chance(0.5)) {
                padB[a] = r.between(0, w.k[a]);
                padE[a] = padB[a];
            }
            w.in[a] = Math.max(1, w.in[a]);
            while (outputSize(w.in[a] + padB[a] + padE[a], w.k[a], w.s[a], w.d[a], 0, 0, "NOTSET", w.ceil) < 1)
                w.in[a]++;
        }
        Arrays.fill(w.pb, 0);
        Arrays.fill(w.pe, 0);
        w.writePads = r.chance(0.3);
        G g = new G(opset);
        Values mode = r.pick(Values.GRID, Values.TIES);
        int n = r.between(1, 3);
        int c = r.between(1, 4);
        String xn = g.input(r, "X", values(r, DataType.FLOAT, mode, shape(n, c, w.in)));
        long[] pads = new long[2 * (rank + 2)];
        for (int a = 0; a < rank; a++) {
            pads[a + 2] = padB[a];
            pads[rank + 4 + a] = padE[a];
        }
        if (opset >= 11) {
            List<String> in = new ArrayList<>(List.of(xn, g.constInts(r, pads, pads.length)));
            if (r.chance(0.5)) in.add(g.constFloat(r, 0f));
            g.node("Pad", in, List.of("padded"), List.of(stringAttr("mode", "constant")));
        } else {
            List<AttributeProto> pa = new ArrayList<>(List.of(longs("pads", pads), stringAttr("mode", "constant")));
            if (r.chance(0.5)) pa.add(floatAttr("value", 0f));
            g.node("Pad", List.of(xn), List.of("padded"), pa);
        }
        List<AttributeProto> attrs = windowAttributes(w);
        attrs.add(intAttr("count_include_pad", r.chance(0.5) ? 1 : 0));
        g.node("AveragePool", List.of("padded"), List.of("Y"), attrs);
        g.output("Y", DataType.FLOAT);
        return g.build("Pad+AveragePool", index, mode, false);
    }

    /**
     * PyTorch's max pooling with indices: {@code MaxPool -> (Y, I)}, a kernel-1 MaxPool for the
     * indices of each plane's first element, {@code Slice} of those (attributes before opset 10,
     * inputs from 10) and {@code Sub}: indices within each (n, c) plane.
     */
    static Case maxPoolPlaneIndices(Rnd r, int index) {
        int opset = r.between(8, 22);
        int rank = rank(r);
        DataType type =
                opset >= 12 && r.chance(0.3) ? r.pick(DataType.DOUBLE, DataType.INT8, DataType.UINT8) : DataType.FLOAT;
        Win w = window(r, rank, opset >= 10, opset >= 10, false);
        // All-padding windows have no defined index (see Case.emptyWindows); PyTorch's pads never make them.
        while (hasEmptyWindow(w)) w = window(r, rank, opset >= 10, opset >= 10, false);
        G g = new G(opset);
        Values mode = maxValues(r, type);
        String xn = g.input(r, "X", values(r, type, mode, shape(r.between(1, 3), r.between(1, 4), w.in)));
        g.node("MaxPool", List.of(xn), List.of("Y", "I"), windowAttributes(w));
        int[] ones = new int[rank];
        Arrays.fill(ones, 1);
        g.node("MaxPool", List.of(xn), List.of("Y0", "I0"), List.of(ints("kernel_shape", ones), ints("strides", ones)));
        long[] starts = new long[rank];
        long[] ends = new long[rank];
        long[] axes = new long[rank];
        for (int a = 0; a < rank; a++) {
            ends[a] = 1;
            axes[a] = a + 2;
        }
        if (opset < 10) {
            g.node(
                    "Slice",
                    List.of("I0"),
                    List.of("first"),
                    List.of(longs("starts", starts), longs("ends", ends), longs("axes", axes)));
        } else {
            List<String> in = new ArrayList<>(List.of(
                    "I0", g.constInts(r, starts, rank), g.constInts(r, ends, rank), g.constInts(r, axes, rank)));
            if (r.chance(0.3)) {
                long[] steps = new long[rank];
                Arrays.fill(steps, 1);
                in.add(g.constInts(r, steps, rank));
            }
            g.node("Slice", in, List.of("first"), List.of());
        }
        g.node("Sub", List.of("I", "first"), List.of("Iplane"), List.of());
        g.output("Y", type);
        g.output("Iplane", DataType.INT64);
        return g.build("MaxPool+planeIndices", index, mode, true);
    }

    /**
     * PyTorch's LPPool: {@code (sign(a) * relu(|a|) * prod(k))^(1/p)} with {@code a = AveragePool(x^p)}.
     */
    static Case torchLpPool(Rnd r, int index) {
        int opset = r.between(9, 22);
        int rank = rank(r);
        Win w = window(r, rank, false, opset >= 10, false);
        Arrays.fill(w.pb, 0);
        Arrays.fill(w.pe, 0);
        w.writePads = false;
        for (int a = 0; a < rank; a++) while (w.out(a) < 1) w.in[a]++;
        int p = r.between(1, 3);
        G g = new G(opset);
        // Quarter steps: x^p, their sums and the kernel volume are exact in float32.
        TensorValue x = values(r, DataType.FLOAT, Values.GRID, shape(r.between(1, 3), r.between(1, 4), w.in));
        float[] q = x.toFloatArray();
        for (int i = 0; i < q.length; i++) q[i] = Math.round(q[i] * 4) / 4f;
        String xn = g.input(r, "X", TensorValue.ofFloat(q, x.shape()));
        long volume = 1;
        for (int kk : w.k) volume *= kk;
        g.node("Pow", List.of(xn, g.constFloat(r, p)), List.of("xp"), List.of());
        g.node("AveragePool", List.of("xp"), List.of("avg"), windowAttributes(w));
        g.node("Sign", List.of("avg"), List.of("sgn"), List.of());
        g.node("Abs", List.of("avg"), List.of("abs"), List.of());
        g.node("Relu", List.of("abs"), List.of("relu"), List.of());
        g.node("Mul", List.of("sgn", "relu"), List.of("m"), List.of());
        g.node("Mul", List.of("m", g.constFloat(r, volume)), List.of("mk"), List.of());
        g.node("Pow", List.of("mk", g.constFloat(r, 1f / p)), List.of("Y"), List.of());
        g.output("Y", DataType.FLOAT);
        return g.build("torch LPPool", index, Values.GRID, false);
    }

    /** A pool wrapped in the glue exporters put around it. */
    static Case wrapped(Rnd r, int index) {
        int opset = r.between(7, 22);
        String wrap = r.pick("flatten", "reshape", "nhwc", "unsqueeze", "cast", "identity", "concat", "shape-gather");
        String op = wrap.equals("concat")
                ? "MaxPool+AveragePool"
                : wrap.equals("cast") && opset < 8
                        ? "AveragePool"
                        : r.pick("MaxPool", "MaxPool", "AveragePool", "LpPool", "GlobalMaxPool", "GlobalAveragePool");
        int rank = wrap.equals("unsqueeze") ? 1 : rank(r);
        boolean max = op.equals("MaxPool") || op.equals("GlobalMaxPool");
        // Cast: float -> double -> MaxPool(double) -> float, or double -> float -> pool -> double.
        boolean castUp = wrap.equals("cast") && op.equals("MaxPool") && opset >= 8;
        DataType inType = wrap.equals("cast") && !castUp ? DataType.DOUBLE : DataType.FLOAT;
        DataType poolType = castUp ? DataType.DOUBLE : DataType.FLOAT;
        boolean dil = op.startsWith("MaxPool") ? opset >= 10 : op.equals("AveragePool") ? opset >= 19 : opset >= 18;
        if (op.equals("MaxPool+AveragePool")) dil = opset >= 19;
        boolean ceil = op.startsWith("MaxPool") || op.startsWith("AveragePool") ? opset >= 10 : opset >= 18;
        Win w = window(r, rank, dil, ceil, true);
        int n = r.between(1, 3);
        int c = r.between(1, 4);
        G g = new G(opset);
        Values mode = max ? maxValues(r, DataType.FLOAT) : Values.GRID;
        if (op.equals("MaxPool+AveragePool")) mode = Values.GRID;
        int[] nchw = shape(n, c, w.in);
        String cur;
        if (wrap.equals("nhwc")) {
            int[] nhwc = new int[rank + 2];
            nhwc[0] = n;
            System.arraycopy(w.in, 0, nhwc, 1, rank);
            nhwc[rank + 1] = c;
            cur = g.input(r, "X", values(r, inType, mode, nhwc));
            int[] perm = new int[rank + 2];
            perm[1] = rank + 1;
            for (int a = 0; a < rank; a++) perm[a + 2] = a + 1;
            cur = g.node1("Transpose", List.of(cur), List.of(ints("perm", perm)));
        } else {
            cur = g.input(r, "X", values(r, inType, mode, nchw));
        }
        if (wrap.equals("identity")) cur = g.node1("Identity", List.of(cur), List.of());
        if (wrap.equals("cast")) cur = g.node1("Cast", List.of(cur), List.of(intAttr("to", poolType.onnxCode())));
        if (wrap.equals("unsqueeze")) {
            cur = unsqueeze(g, r, cur, 2);
            w = lift(w);
        }
        String pooled;
        if (op.equals("MaxPool+AveragePool")) {
            String a = g.node1("MaxPool", List.of(cur), windowAttributes(w));
            List<AttributeProto> avg = windowAttributes(w);
            avg.add(intAttr("count_include_pad", r.chance(0.5) ? 1 : 0));
            String b = g.node1("AveragePool", List.of(cur), avg);
            pooled = g.node1("Concat", List.of(a, b), List.of(intAttr("axis", r.pick(1, 1, 0))));
        } else if (op.startsWith("Global")) {
            pooled = g.node1(op, List.of(cur), List.of());
        } else {
            List<AttributeProto> attrs = windowAttributes(w);
            if (op.equals("AveragePool")) attrs.add(intAttr("count_include_pad", r.chance(0.5) ? 1 : 0));
            if (op.equals("LpPool")) attrs.add(intAttr("p", r.between(1, 3)));
            pooled = g.node1(op, List.of(cur), attrs);
        }
        cur = pooled;
        switch (wrap) {
            case "flatten":
                cur = g.node1(
                        "Flatten",
                        List.of(cur),
                        r.chance(0.7) ? List.of() : List.of(intAttr("axis", r.between(0, rank + 2))));
                break;
            case "reshape":
                cur = g.node1(
                        "Reshape",
                        List.of(cur, g.constInts(r, r.chance(0.5) ? new long[] {0, -1} : new long[] {0, 0, -1}, -1)),
                        List.of());
                break;
            case "nhwc": {
                int[] perm = new int[rank + 2];
                for (int a = 0; a < rank; a++) perm[a + 1] = a + 2;
                perm[rank + 1] = 1;
                cur = g.node1("Transpose", List.of(cur), List.of(ints("perm", perm)));
                break;
            }
            case "unsqueeze":
                cur = squeeze(g, r, cur, 2);
                break;
            case "cast":
                cur = g.node1("Cast", List.of(cur), List.of(intAttr("to", inType.onnxCode())));
                break;
            case "identity":
                cur = g.node1("Identity", List.of(cur), List.of());
                break;
            case "shape-gather": {
                // x.view(x.size(0), -1)
                String shp = g.node1("Shape", List.of(cur), List.of());
                String first =
                        g.node1("Gather", List.of(shp, g.constInts(r, new long[] {0})), List.of(intAttr("axis", 0)));
                String dim0 = unsqueeze(g, r, first, 0);
                String target = g.node1(
                        "Concat", List.of(dim0, g.constInts(r, new long[] {-1}, 1)), List.of(intAttr("axis", 0)));
                cur = g.node1("Reshape", List.of(cur, target), List.of());
                break;
            }
            default:
                break;
        }
        g.rename(cur, "Y");
        g.output("Y", wrap.equals("cast") ? inType : DataType.FLOAT);
        Case result = g.build(wrap + "(" + op + ")", index, mode, max);
        result.mlasMax = poolType == DataType.FLOAT
                && (op.equals("GlobalMaxPool") || (op.startsWith("MaxPool") && (opset < 8 || allOnes(w.d))));
        return result;
    }

    /** The 1-D window as a 2-D one over (1, L): kernel 1, stride 1 and no padding on the new axis. */
    static Win lift(Win w) {
        Win v = new Win();
        v.rank = 2;
        v.k = new int[] {1, w.k[0]};
        v.s = new int[] {1, w.s[0]};
        v.d = new int[] {1, w.d[0]};
        v.pb = new int[] {0, w.pb[0]};
        v.pe = new int[] {0, w.pe[0]};
        v.in = new int[] {1, w.in[0]};
        v.autoPad = w.autoPad;
        v.ceil = w.ceil;
        v.writeStrides = w.writeStrides;
        v.writePads = w.writePads;
        v.writeDilations = w.writeDilations;
        v.writeCeil = w.writeCeil;
        v.writeAutoPad = w.writeAutoPad;
        return v;
    }

    static String unsqueeze(G g, Rnd r, String x, int axis) {
        if (g.opset < 13) return g.node1("Unsqueeze", List.of(x), List.of(longs("axes", axis)));
        return g.node1("Unsqueeze", List.of(x, g.constInts(r, new long[] {axis}, 1)), List.of());
    }

    static String squeeze(G g, Rnd r, String x, int axis) {
        if (g.opset < 13) return g.node1("Squeeze", List.of(x), List.of(longs("axes", axis)));
        return g.node1("Squeeze", List.of(x, g.constInts(r, new long[] {axis}, 1)), List.of());
    }

    // =====================================================================================
    // Model building
    // =====================================================================================

    /** A graph under construction with the values fed to its inputs. */
    static final class G {
        final int opset;
        final List<NodeProto> nodes = new ArrayList<>();
        final List<ValueInfoProto> inputs = new ArrayList<>();
        final List<ValueInfoProto> outputs = new ArrayList<>();
        final List<TensorProto> initializers = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        final List<TensorValue> feeds = new ArrayList<>();
        int counter;

        G(int opset) {
            this.opset = opset;
        }

        /** A graph input with its full static shape. */
        String declare(String name, TensorValue v) {
            TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
            for (int d : v.shape())
                s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
            inputs.add(ValueInfoProto.newBuilder()
                    .setName(name)
                    .setType(TypeProto.newBuilder()
                            .setTensorType(TypeProto.Tensor.newBuilder()
                                    .setElemType(v.type().onnxCode())
                                    .setShape(s)))
                    .build());
            names.add(name);
            feeds.add(v);
            return name;
        }

        /** A graph input; the batch dimension is sometimes symbolic and the shape sometimes left out. */
        String input(Rnd r, String name, TensorValue v) {
            TypeProto.Tensor.Builder t =
                    TypeProto.Tensor.newBuilder().setElemType(v.type().onnxCode());
            if (r.chance(0.9)) {
                TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
                boolean symbolic = r.chance(0.25);
                for (int i = 0; i < v.rank(); i++) {
                    if (i == 0 && symbolic)
                        s.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
                    else s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(v.dim(i)));
                }
                t.setShape(s);
            }
            inputs.add(ValueInfoProto.newBuilder()
                    .setName(name)
                    .setType(TypeProto.newBuilder().setTensorType(t))
                    .build());
            names.add(name);
            feeds.add(v);
            return name;
        }

        void output(String name, DataType type) {
            outputs.add(ValueInfoProto.newBuilder()
                    .setName(name)
                    .setType(TypeProto.newBuilder()
                            .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.onnxCode())))
                    .build());
        }

        void node(String op, List<String> in, List<String> out, List<AttributeProto> attrs) {
            nodes.add(NodeProto.newBuilder()
                    .setOpType(op)
                    .setName(op.toLowerCase() + nodes.size())
                    .addAllInput(in)
                    .addAllOutput(out)
                    .addAllAttribute(attrs)
                    .build());
        }

        /** A node with one output, named after the node. */
        String node1(String op, List<String> in, List<AttributeProto> attrs) {
            String out = op.toLowerCase() + "_" + (counter++);
            node(op, in, List.of(out), attrs);
            return out;
        }

        /** Renames the output {@code from} of the last node that writes it to {@code to}. */
        void rename(String from, String to) {
            for (int i = nodes.size() - 1; i >= 0; i--) {
                NodeProto p = nodes.get(i);
                int k = p.getOutputList().indexOf(from);
                if (k >= 0) {
                    nodes.set(i, p.toBuilder().setOutput(k, to).build());
                    return;
                }
            }
            throw new IllegalStateException(from + " is not a node output");
        }

        /** An int64 constant (Constant node or initializer): a scalar without {@code dims}, else 1-D. */
        String constInts(Rnd r, long[] v, int... dims) {
            int[] d = dims.length == 0 ? new int[0] : new int[] {v.length};
            TensorProto.Builder t = TensorProto.newBuilder().setDataType(DataType.INT64.onnxCode());
            for (int x : d) t.addDims(x);
            for (long x : v) t.addInt64Data(x);
            return constant(r, t);
        }

        String constFloat(Rnd r, float v) {
            TensorProto.Builder t = TensorProto.newBuilder()
                    .setDataType(DataType.FLOAT.onnxCode())
                    .addFloatData(v);
            return constant(r, t);
        }

        private String constant(Rnd r, TensorProto.Builder t) {
            String name = "const_" + (counter++);
            if (r.chance(0.6)) {
                nodes.add(NodeProto.newBuilder()
                        .setOpType("Constant")
                        .setName("constant" + nodes.size())
                        .addOutput(name)
                        .addAttribute(AttributeProto.newBuilder()
                                .setName("value")
                                .setType(AttributeType.TENSOR)
                                .setT(t))
                        .build());
            } else {
                initializers.add(t.setName(name).build());
            }
            return name;
        }

        byte[] bytes() {
            GraphProto graph = GraphProto.newBuilder()
                    .setName("g")
                    .addAllNode(nodes)
                    .addAllInput(inputs)
                    .addAllOutput(outputs)
                    .addAllInitializer(initializers)
                    .build();
            return ModelProto.newBuilder()
                    .setIrVersion(opset >= 21 ? 10 : 8)
                    .setProducerName("pooling4j-test")
                    .addOpsetImport(
                            OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                    .setGraph(graph)
                    .build()
                    .toByteArray();
        }

        Case build(String family, int index, Values mode, boolean exact) {
            StringBuilder d = new StringBuilder();
            d.append("opset ").append(opset).append(", values ").append(mode).append(", inputs");
            for (int i = 0; i < names.size(); i++) {
                d.append(' ').append(names.get(i)).append('=').append(feeds.get(i));
                if (feeds.get(i).type() == DataType.INT64 && feeds.get(i).size() <= 8)
                    d.append(Arrays.toString(feeds.get(i).toLongArray()));
            }
            d.append(": ");
            for (int i = 0; i < nodes.size(); i++) d.append(i == 0 ? "" : "; ").append(describe(nodes.get(i)));
            for (TensorProto t : initializers)
                d.append("; initializer ")
                        .append(t.getName())
                        .append('=')
                        .append(t.getInt64DataList().isEmpty() ? t.getFloatDataList() : t.getInt64DataList());
            return new Case(family, index, d.toString(), bytes(), List.copyOf(names), List.copyOf(feeds), exact);
        }
    }

    static String describe(NodeProto n) {
        StringBuilder s = new StringBuilder(n.getOpType())
                .append(n.getInputList())
                .append("->")
                .append(n.getOutputList());
        if (n.getAttributeCount() > 0) {
            s.append(" {");
            for (int i = 0; i < n.getAttributeCount(); i++) {
                AttributeProto a = n.getAttribute(i);
                s.append(i == 0 ? "" : ", ").append(a.getName()).append('=');
                switch (a.getType()) {
                    case INTS:
                        s.append(a.getIntsList());
                        break;
                    case INT:
                        s.append(a.getI());
                        break;
                    case FLOAT:
                        s.append(a.getF());
                        break;
                    case STRING:
                        s.append(a.getS().toStringUtf8());
                        break;
                    case TENSOR:
                        s.append(
                                a.getT().getInt64DataList().isEmpty()
                                        ? a.getT().getFloatDataList()
                                        : a.getT().getInt64DataList());
                        break;
                    default:
                        s.append(a.getType());
                }
            }
            s.append('}');
        }
        return s.toString();
    }

    static AttributeProto ints(String name, int... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (int x : v) b.addInts(x);
        return b.build();
    }

    static AttributeProto longs(String name, long... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (long x : v) b.addInts(x);
        return b.build();
    }

    static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeType.INT)
                .setI(v)
                .build();
    }

    static AttributeProto floatAttr(String name, float v) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeType.FLOAT)
                .setF(v)
                .build();
    }

    static AttributeProto stringAttr(String name, String v) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(v))
                .build();
    }

    // =====================================================================================
    // Spec tests: where ONNX Runtime departs from the specification or is no safe oracle.
    // They assert pooling4j's results, worked out by hand; ONNX Runtime's are in the comments.
    // =====================================================================================

    /** A model of one node named "pool" over inputs in0, in1, ... with outputs out0 (input 0's type), out1 (int64). */
    static byte[] nodeModel(int opset, String op, int outputs, List<TensorValue> inputs, AttributeProto... attrs) {
        G g = new G(opset);
        List<String> in = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) in.add(g.declare("in" + i, inputs.get(i)));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            out.add("out" + i);
            g.output("out" + i, i == 0 ? inputs.get(0).type() : DataType.INT64);
        }
        g.nodes.add(NodeProto.newBuilder()
                .setOpType(op)
                .setName("pool")
                .addAllInput(in)
                .addAllOutput(out)
                .addAllAttribute(Arrays.asList(attrs))
                .build());
        return g.bytes();
    }

    static List<TensorValue> runNode(
            int opset, String op, int outputs, List<TensorValue> inputs, AttributeProto... attrs)
            throws OnnxFormatException {
        return OnnxModel.parse(nodeModel(opset, op, outputs, inputs, attrs)).run(inputs.toArray(new TensorValue[0]));
    }

    static List<TensorValue> runNode(int opset, String op, int outputs, TensorValue x, AttributeProto... attrs)
            throws OnnxFormatException {
        return runNode(opset, op, outputs, List.of(x), attrs);
    }

    static void assertValues(TensorValue v, int[] shape, double... expected) {
        assertArrayEquals(shape, v.shape(), "shape");
        assertArrayEquals(expected, v.toDoubleArray(), 0.0, "values");
    }

    static void assertIndices(TensorValue v, long... expected) {
        assertEquals(DataType.INT64, v.type());
        assertArrayEquals(expected, v.toLongArray(), "indices");
    }

    static TensorValue ramp(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i + 1;
        return TensorValue.ofFloat(v, 1, 1, n);
    }

    static final double NAN = Double.NaN;

    /**
     * (a) A NaN in a max window wins, with and without the Indices output, for float32 and float64.
     * ONNX Runtime is no oracle here: with Indices (and for float64) a NaN only survives as the
     * first tap of a window; the float32 MLAS kernel without Indices drops it.
     */
    @Test
    void nanInAMaxWindowPropagates() throws OnnxFormatException {
        // X = [1, NaN, 3 | NaN, 5, NaN], kernel 3, stride 3:
        //   window [1, NaN, 3]   -> NaN, index 1 (a NaN wins over the numbers before and after it)
        //   window [NaN, 5, NaN] -> NaN, index 5 (of several NaNs the last one gives the index, as in PyTorch)
        // ONNX Runtime: [3, NaN] with indices [2, 3]; float32 without Indices [3, 5].
        double[] x = {1, NAN, 3, NAN, 5, NAN};
        float[] xf = new float[x.length];
        for (int i = 0; i < x.length; i++) xf[i] = (float) x[i];
        for (TensorValue in : List.of(TensorValue.ofFloat(xf, 1, 1, 6), TensorValue.ofDouble(x, 1, 1, 6))) {
            AttributeProto[] attrs = {ints("kernel_shape", 3), ints("strides", 3)};
            List<TensorValue> withIndices = runNode(12, "MaxPool", 2, in, attrs);
            assertValues(withIndices.get(0), new int[] {1, 1, 2}, NAN, NAN);
            assertIndices(withIndices.get(1), 1, 5);
            assertValues(runNode(12, "MaxPool", 1, in, attrs).get(0), new int[] {1, 1, 2}, NAN, NAN);
            if (in.type() == DataType.FLOAT)
                assertValues(runNode(7, "MaxPool", 1, in, attrs).get(0), new int[] {1, 1, 2}, NAN, NAN);
            // GlobalMaxPool over all six: NaN.
            assertValues(runNode(12, "GlobalMaxPool", 1, in).get(0), new int[] {1, 1, 1}, NAN);
        }
        // 2-D with padding 1 and stride 2 over [[NaN, 1], [2, 3]]: every window holds one element,
        // the one at its bottom-right; the NaN one gives NaN with its index 0.
        TensorValue x2 = TensorValue.ofFloat(new float[] {Float.NaN, 1, 2, 3}, 1, 1, 2, 2);
        List<TensorValue> y = runNode(
                12, "MaxPool", 2, x2, ints("kernel_shape", 2, 2), ints("strides", 2, 2), ints("pads", 1, 1, 1, 1));
        assertValues(y.get(0), new int[] {1, 1, 2, 2}, NAN, 1, 2, 3);
        assertIndices(y.get(1), 0, 1, 2, 3);
    }

    /**
     * (b) Dilated windows with kernel <= pad < effective kernel: the specification allows them (a
     * window still reaches the input), ONNX Runtime refuses them ("Pad should be smaller than
     * kernel"), pooling4j computes them.
     */
    @Test
    void padsFromKernelUpToTheEffectiveKernelAreComputed() throws OnnxFormatException {
        // X = [1, 2, 3, 4, 5], kernel 2, dilation 3 (effective kernel 4), pads 2 and 2: O = 5 + 4 - 4 + 1 = 6.
        // Output o reads positions o-2 and o+1:
        //   o=0: {-2, 1} -> 2 (index 1)     o=3: {1, 4} -> 5 (index 4)
        //   o=1: {-1, 2} -> 3 (index 2)     o=4: {2, 5} -> 3 (index 2; 5 is padding)
        //   o=2: {0, 3}  -> 4 (index 3)     o=5: {3, 6} -> 4 (index 3; 6 is padding)
        TensorValue x = ramp(5);
        AttributeProto[] w = {ints("kernel_shape", 2), ints("dilations", 3), ints("pads", 2, 2)};
        List<TensorValue> max = runNode(12, "MaxPool", 2, x, w);
        assertValues(max.get(0), new int[] {1, 1, 6}, 2, 3, 4, 5, 3, 4);
        assertIndices(max.get(1), 1, 2, 3, 4, 2, 3);
        // Average without the pad: the taps inside: 2/1, 3/1, (1+4)/2, (2+5)/2, 3/1, 4/1.
        assertValues(runNode(19, "AveragePool", 1, x, w).get(0), new int[] {1, 1, 6}, 2, 3, 2.5, 3.5, 3, 4);
        // With count_include_pad: every tap before I + pad_end = 7 counts, here always both:
        // 2/2, 3/2, 5/2, 7/2, 3/2, 4/2.
        AttributeProto cip = intAttr("count_include_pad", 1);
        assertValues(
                runNode(19, "AveragePool", 1, x, w[0], w[1], w[2], cip).get(0),
                new int[] {1, 1, 6},
                1,
                1.5,
                2.5,
                3.5,
                1.5,
                2);
        // LpPool p = 1: the sums of the taps inside: 2, 3, 5, 7, 3, 4.
        assertValues(
                runNode(18, "LpPool", 1, x, w[0], w[1], w[2], intAttr("p", 1)).get(0),
                new int[] {1, 1, 6},
                2,
                3,
                5,
                7,
                3,
                4);
    }

    /** (c) Pads of at least the effective kernel (windows wholly in padding) are refused with the node named. */
    @Test
    void padsOfTheEffectiveKernelOrMoreAreRejectedNamingTheNode() {
        TensorValue x = ramp(5);
        // kernel 2, no dilation: effective kernel 2, pad 2.
        OnnxException e = assertThrows(
                OnnxException.class, () -> runNode(12, "MaxPool", 1, x, ints("kernel_shape", 2), ints("pads", 2, 0)));
        assertTrue(e.getMessage().contains("node #0 'pool' (MaxPool, opset 12)"), e.getMessage());
        assertTrue(e.getMessage().contains("effective kernel 2"), e.getMessage());
        // kernel 2, dilation 2: effective kernel 3, end pad 3.
        e = assertThrows(
                OnnxException.class,
                () -> runNode(
                        19, "AveragePool", 1, x, ints("kernel_shape", 2), ints("dilations", 2), ints("pads", 0, 3)));
        assertTrue(e.getMessage().contains("node #0 'pool' (AveragePool, opset 19)"), e.getMessage());
        assertTrue(e.getMessage().contains("effective kernel 3"), e.getMessage());
        e = assertThrows(
                OnnxException.class, () -> runNode(18, "LpPool", 1, x, ints("kernel_shape", 3), ints("pads", 3, 0)));
        assertTrue(e.getMessage().contains("node #0 'pool' (LpPool, opset 18)"), e.getMessage());
    }

    /**
     * SAME_* with a stride larger than the kernel: the total padding (ceil(I/s)-1)*s + K - I is
     * negative and the specification's padding is max(total, 0) = 0, so the windows start at 0.
     * ONNX Runtime splits the negative total instead and shifts the windows.
     */
    @Test
    void sameWithNegativeTotalPaddingStartsTheWindowsAtZero() throws OnnxFormatException {
        // X = [1..8], kernel 2, stride 4, SAME_UPPER: O = 2, total = 4 + 2 - 8 = -2 -> 0.
        // Windows {0, 1} and {4, 5}: averages 1.5 and 5.5, maxima 2 and 6 (indices 1 and 5).
        // ONNX Runtime: pads -1/-1, windows {1, 2} and {5, 6}: 2.5, 6.5 and 3, 7.
        AttributeProto[] w = {ints("kernel_shape", 2), ints("strides", 4), stringAttr("auto_pad", "SAME_UPPER")};
        assertValues(runNode(11, "AveragePool", 1, ramp(8), w).get(0), new int[] {1, 1, 2}, 1.5, 5.5);
        List<TensorValue> max = runNode(12, "MaxPool", 2, ramp(8), w);
        assertValues(max.get(0), new int[] {1, 1, 2}, 2, 6);
        assertIndices(max.get(1), 1, 5);
        // X = [1..9], kernel 1, stride 5, SAME_LOWER: O = 2, total = 5 + 1 - 9 = -3 -> 0: positions 0 and 5.
        // ONNX Runtime: begin pad (-3 + 1) / 2 = -1, positions 1 and 6: 2 and 7.
        List<TensorValue> lower = runNode(
                12,
                "MaxPool",
                2,
                ramp(9),
                ints("kernel_shape", 1),
                ints("strides", 5),
                stringAttr("auto_pad", "SAME_LOWER"));
        assertValues(lower.get(0), new int[] {1, 1, 2}, 1, 6);
        assertIndices(lower.get(1), 0, 5);
    }

    /**
     * SAME_* with dilation: the padding is computed for the effective kernel d*(k-1)+1, and
     * O = ceil(I/s). ONNX Runtime computes it for the undilated kernel and then sizes the output with
     * the dilated one, so its output is smaller (or its session fails with a negative dimension).
     */
    @Test
    void sameWithDilationPadsForTheEffectiveKernel() throws OnnxFormatException {
        // X = [1..8], kernel 2, dilation 2 (effective 3), stride 3: O = ceil(8/3) = 3,
        // total = 2*3 + 3 - 8 = 1.
        // SAME_UPPER (pads 0/1): taps {0,2} -> 3, {3,5} -> 6, {6,8=pad} -> 7; indices 2, 5, 6.
        // ONNX Runtime: total 2*3 + 2 - 8 = 0, O = (8 - 3)/3 + 1 = 2: [3, 6].
        AttributeProto[] w = {ints("kernel_shape", 2), ints("dilations", 2), ints("strides", 3)};
        List<TensorValue> upper =
                runNode(12, "MaxPool", 2, ramp(8), w[0], w[1], w[2], stringAttr("auto_pad", "SAME_UPPER"));
        assertValues(upper.get(0), new int[] {1, 1, 3}, 3, 6, 7);
        assertIndices(upper.get(1), 2, 5, 6);
        // SAME_LOWER (pads 1/0): taps {-1,1} -> 2, {2,4} -> 5, {5,7} -> 8; indices 1, 4, 7.
        List<TensorValue> lower =
                runNode(12, "MaxPool", 2, ramp(8), w[0], w[1], w[2], stringAttr("auto_pad", "SAME_LOWER"));
        assertValues(lower.get(0), new int[] {1, 1, 3}, 2, 5, 8);
        assertIndices(lower.get(1), 1, 4, 7);
    }

    /**
     * VALID with ceil_mode: the operator text gives O = ceil((I - K + 1)/s), which equals the floor
     * formula, so ceil_mode changes nothing. ONNX Runtime (and ONNX's own shape inference, which
     * runs the explicit-padding formula with pads 0) give ceil((I - K)/s) + 1; the reference
     * implementation refuses auto_pad with ceil_mode.
     */
    @Test
    void validWithCeilModeUsesTheOperatorTextOutputSize() throws OnnxFormatException {
        // X = [1..8], kernel 4, stride 3: O = ceil(5/3) = 2, windows {0..3} -> 4 and {3..6} -> 7.
        // ONNX Runtime: O = ceil(4/3) + 1 = 3, the third window {6..9} -> 8.
        List<TensorValue> y = runNode(
                12,
                "MaxPool",
                2,
                ramp(8),
                ints("kernel_shape", 4),
                ints("strides", 3),
                intAttr("ceil_mode", 1),
                stringAttr("auto_pad", "VALID"));
        assertValues(y.get(0), new int[] {1, 1, 2}, 4, 7);
        assertIndices(y.get(1), 3, 6);
    }

    /**
     * A max window whose elements are all -infinity gives -infinity. ONNX Runtime's MLAS kernels
     * (float MaxPool without Indices, dilation or storage_order; every MaxPool before opset 8;
     * GlobalMaxPool) start from -FLT_MAX and give -3.4028235e38.
     */
    @Test
    void aWindowOfMinusInfinityGivesMinusInfinity() throws OnnxFormatException {
        float inf = Float.POSITIVE_INFINITY;
        TensorValue x = TensorValue.ofFloat(new float[] {-inf, -inf, 1, -inf}, 1, 1, 4);
        AttributeProto[] w = {ints("kernel_shape", 2), ints("strides", 2)};
        // Windows [-inf, -inf] -> -inf and [1, -inf] -> 1.
        assertValues(runNode(7, "MaxPool", 1, x, w).get(0), new int[] {1, 1, 2}, Double.NEGATIVE_INFINITY, 1);
        assertValues(runNode(12, "MaxPool", 1, x, w).get(0), new int[] {1, 1, 2}, Double.NEGATIVE_INFINITY, 1);
        // With Indices the first tap of the -inf window is the winner (ONNX Runtime agrees here).
        List<TensorValue> y = runNode(12, "MaxPool", 2, x, w);
        assertValues(y.get(0), new int[] {1, 1, 2}, Double.NEGATIVE_INFINITY, 1);
        assertIndices(y.get(1), 0, 2);
        TensorValue all = TensorValue.ofFloat(new float[] {-inf, -inf, -inf}, 1, 1, 3);
        assertValues(runNode(1, "GlobalMaxPool", 1, all).get(0), new int[] {1, 1, 1}, Double.NEGATIVE_INFINITY);
    }

    /**
     * A window wholly in padding (dilation can jump over the input even with pads < kernel): the
     * specification leaves its output undefined; pooling4j writes the lowest value of the type and
     * index -1. ONNX Runtime writes the lowest value too but the index c*x_step - (sum of the
     * spatial strides), which on every plane but the first points into the previous plane.
     */
    @Test
    void aWindowWhollyInPaddingGivesTheLowestValueAndIndexMinusOne() throws OnnxFormatException {
        // X of shape (1, 2, 2, 2), kernel (2, 1), dilation (3, 1), pads 1/1 on H: H: O = 2 + 2 - 4 + 1 = 1,
        // taps {-1, 2}, both outside [0, 2). W: kernel 1, O = 2. Every window is empty.
        // ONNX Runtime's indices: c*4 + (-1)*2 + (-1) = -3 and 1.
        AttributeProto[] w = {ints("kernel_shape", 2, 1), ints("dilations", 3, 1), ints("pads", 1, 0, 1, 0)};
        List<TensorValue> f =
                runNode(12, "MaxPool", 2, TensorValue.ofFloat(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 2, 2, 2), w);
        double lf = -Float.MAX_VALUE;
        assertValues(f.get(0), new int[] {1, 2, 1, 2}, lf, lf, lf, lf);
        assertIndices(f.get(1), -1, -1, -1, -1);
        List<TensorValue> d =
                runNode(12, "MaxPool", 2, TensorValue.ofDouble(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 2, 2, 2), w);
        double ld = -Double.MAX_VALUE;
        assertValues(d.get(0), new int[] {1, 2, 1, 2}, ld, ld, ld, ld);
        assertIndices(d.get(1), -1, -1, -1, -1);
        List<TensorValue> i8 = runNode(
                12,
                "MaxPool",
                2,
                TensorValue.ofIntegers(DataType.INT8, new long[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 2, 2, 2),
                w);
        assertArrayEquals(new long[] {-128, -128, -128, -128}, i8.get(0).toLongArray());
        assertIndices(i8.get(1), -1, -1, -1, -1);
    }

    /**
     * MaxUnpool with an output_shape larger than the inferred shape: the ONNX backend test
     * test_maxunpool_export_with_output_shape places the inferred-shape result at the origin of
     * output_shape (the indices address the inferred shape). ONNX Runtime scatters the flat indices
     * into output_shape itself and excludes that backend test ("results mismatch").
     */
    @Test
    void maxUnpoolOutputShapeFramesTheInferredResult() throws OnnxFormatException {
        // X = [[5, 6], [7, 8]], I = [[5, 7], [13, 15]], kernel 2, stride 2: inferred 4x4, where
        // 5 = (1,1), 7 = (1,3), 13 = (3,1), 15 = (3,3). In the 5x5 output they keep those coordinates.
        // ONNX Runtime: 5 = (1,0), 7 = (1,2), 13 = (2,3), 15 = (3,0) of the 5x5.
        TensorValue x = TensorValue.ofFloat(new float[] {5, 6, 7, 8}, 1, 1, 2, 2);
        TensorValue i = TensorValue.ofInt64(new long[] {5, 7, 13, 15}, 1, 1, 2, 2);
        TensorValue shape = TensorValue.ofInt64(new long[] {1, 1, 5, 5}, 4);
        AttributeProto[] w = {ints("kernel_shape", 2, 2), ints("strides", 2, 2)};
        assertValues(
                runNode(11, "MaxUnpool", 1, List.of(x, i, shape), w).get(0),
                new int[] {1, 1, 5, 5},
                0,
                0,
                0,
                0,
                0,
                0,
                5,
                0,
                6,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                7,
                0,
                8,
                0,
                0,
                0,
                0,
                0,
                0);
        assertValues(
                runNode(11, "MaxUnpool", 1, List.of(x, i), w).get(0),
                new int[] {1, 1, 4, 4},
                0,
                0,
                0,
                0,
                0,
                5,
                0,
                6,
                0,
                0,
                0,
                0,
                0,
                7,
                0,
                8);
    }

    /**
     * Float64 max pooling compares in float64: values that differ below float32 precision, or that
     * all overflow or underflow float32, are not ties (a float32 comparison would let the first of
     * them win). ONNX Runtime agrees; the differential test covers it with NEAR_TIES and WIDE values.
     */
    @Test
    void float64MaxComparesInFloat64() throws OnnxFormatException {
        // Windows of two: [1, 1 + 2^-40] -> 1 + 2^-40 (index 1); [2e300, 3e300] -> 3e300 (index 3,
        // both are +inf in float32); [1e-320, 2e-320] -> 2e-320 (index 5, both are 0 in float32).
        double tiny = 0x1p-40;
        TensorValue x = TensorValue.ofDouble(new double[] {1, 1 + tiny, 2e300, 3e300, 1e-320, 2e-320}, 1, 1, 6);
        for (int opset : new int[] {8, 12, 22}) {
            List<TensorValue> y = runNode(opset, "MaxPool", 2, x, ints("kernel_shape", 2), ints("strides", 2));
            assertValues(y.get(0), new int[] {1, 1, 3}, 1 + tiny, 3e300, 2e-320);
            assertIndices(y.get(1), 1, 3, 5);
        }
        assertValues(runNode(12, "GlobalMaxPool", 1, x).get(0), new int[] {1, 1, 1}, 3e300);
    }
}
