package org.pooling4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * ONNX Runtime through its Java API: the only class that names {@code ai.onnxruntime} types, so a
 * missing or unloadable native library surfaces as one exception from {@link #open()} and the rest
 * of the bench runs without it.
 *
 * <p>Sessions use ONNX Runtime's defaults (optimization level, spinning thread pool, memory arena)
 * except the thread counts: {@code intra_op = threads}, {@code inter_op = 1}.
 */
public final class OrtBackend {
    private final OrtEnvironment env;

    private OrtBackend(OrtEnvironment env) {
        this.env = env;
    }

    /**
     * Loads ONNX Runtime.
     *
     * @throws Exception or {@link LinkageError} when the library or its native part cannot load
     */
    public static OrtBackend open() throws Exception {
        return new OrtBackend(
                OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "pooling4j-bench"));
    }

    /** The native library's version, e.g. "1.29.0". */
    public String version() {
        return env.getVersion();
    }

    /**
     * An input tensor over a direct copy of {@code data} (ONNX Runtime reads a direct buffer in place,
     * so the copy happens once here, not per call). Close it to release the tensor; the direct buffer
     * goes with the next garbage collection.
     */
    public Input input(float[] data, int[] shape) throws Exception {
        FloatBuffer fb = ByteBuffer.allocateDirect(Math.multiplyExact(data.length, 4))
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        fb.put(data);
        fb.rewind();
        long[] s = new long[shape.length];
        for (int i = 0; i < s.length; i++) s[i] = shape[i];
        return new Input(OnnxTensor.createTensor(env, fb, s));
    }

    /** A session of {@code model} on {@code threads} intra-op threads. */
    public Session session(byte[] model, int threads) throws Exception {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            // A model ONNX Runtime refuses is reported by the bench in one line; no native log as well.
            o.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
            return new Session(env.createSession(model, o));
        }
    }

    /** The gist of an ONNX Runtime error: the reason without the source location and the C++ signature. */
    public static String shortMessage(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int i = m.lastIndexOf(" was false. ");
        if (i >= 0) m = m.substring(i + " was false. ".length());
        m = m.replaceAll("\\s+", " ").trim();
        return m.length() > 240 ? m.substring(0, 237) + "..." : m;
    }

    /** An input tensor; see {@link #input}. */
    public static final class Input implements AutoCloseable {
        final OnnxTensor tensor;
        final Map<String, OnnxTensor> feed;

        Input(OnnxTensor tensor) {
            this.tensor = tensor;
            this.feed = Map.of(OnnxModels.INPUT, tensor);
        }

        @Override
        public void close() {
            tensor.close();
        }
    }

    /** A session; its thread pool lives until {@link #close()}. */
    public static final class Session implements AutoCloseable {
        private final OrtSession session;

        Session(OrtSession session) {
            this.session = session;
        }

        /** One timed call: run the model and release the result. */
        public void run(Input in) throws Exception {
            try (OrtSession.Result r = session.run(in.feed)) {
                // The output is allocated by ONNX Runtime; closing the result frees it.
                if (r.size() != 1) throw new IllegalStateException("expected one output, got " + r.size());
            }
        }

        /** Runs once and copies the output out (for checking that both sides agree). */
        public float[] output(Input in) throws Exception {
            try (OrtSession.Result r = session.run(in.feed)) {
                OnnxValue v = r.get(0);
                FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
                float[] out = new float[fb.remaining()];
                fb.get(out);
                return out;
            }
        }

        @Override
        public void close() {
            try {
                session.close();
            } catch (OrtException e) {
                throw new IllegalStateException("closing the ONNX Runtime session failed: " + e.getMessage(), e);
            }
        }
    }
}
