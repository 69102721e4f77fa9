import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Runs ONNX backend-test style cases with ONNX Runtime and compares the results with the stored
 * expected outputs.
 *
 * <p>Usage (single-file source launch, Java 17):
 *
 * <pre>
 *   java -cp onnxruntime-1.29.0.jar tools/golden/OrtCheck.java DIR...
 * </pre>
 *
 * <p>Each DIR is either one case (a folder holding {@code model.onnx} and {@code test_data_set_N/})
 * or a folder whose sub-folders are cases. For every data set the inputs {@code input_<i>.pb} are
 * fed to the model (by the tensor's name, or by position when the name is empty), and every
 * {@code output_<j>.pb} is compared with the runtime's output of the same name (or position):
 * same element type, same shape, NaN at the same positions, equal infinities, and otherwise
 * {@code |actual - expected| <= atol + rtol * |expected|} with rtol 1e-3, atol 1e-7 (integers and
 * booleans: exact).
 *
 * <p>The .pb files are serialized {@code onnx.TensorProto}s; only the fields needed here are
 * decoded: dims (1), data_type (2), float_data (4), int32_data (5), int64_data (7), name (8),
 * raw_data (9), double_data (10). Prints one PASS/FAIL line per case; exit status 1 if any failed.
 */
public final class OrtCheck {

  static final double RTOL = 1e-3;
  static final double ATOL = 1e-7;

  // onnx.TensorProto.DataType values
  static final int FLOAT = 1, UINT8 = 2, INT8 = 3, INT16 = 5, INT32 = 6, INT64 = 7, BOOL = 9,
      DOUBLE = 11;

  /** A decoded TensorProto; {@code data} is little-endian, densely packed. */
  record Tensor(String name, int dataType, long[] dims, byte[] data) {
    long count() {
      long n = 1;
      for (long d : dims) n *= d;
      return n;
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: java -cp onnxruntime.jar OrtCheck.java DIR...");
      System.exit(2);
    }
    List<Path> cases = new ArrayList<>();
    for (String a : args) {
      Path p = Path.of(a);
      if (Files.exists(p.resolve("model.onnx"))) {
        cases.add(p);
      } else {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(c -> Files.exists(c.resolve("model.onnx"))).sorted().forEach(cases::add);
        }
      }
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    int pass = 0, fail = 0;
    for (Path c : cases) {
      String verdict;
      try {
        verdict = check(env, c);
      } catch (Exception e) {
        verdict = "error: " + e;
      }
      if (verdict == null) {
        pass++;
        System.out.println("PASS " + c.getFileName());
      } else {
        fail++;
        System.out.println("FAIL " + c.getFileName() + ": " + verdict);
      }
    }
    System.out.println("passed " + pass + ", failed " + fail + ", total " + cases.size());
    System.exit(fail == 0 ? 0 : 1);
  }

  /** Returns null when every data set of the case matches, else a description of the mismatch. */
  static String check(OrtEnvironment env, Path caseDir) throws Exception {
    List<Path> sets;
    try (Stream<Path> s = Files.list(caseDir)) {
      sets = s.filter(p -> p.getFileName().toString().startsWith("test_data_set_")).sorted().toList();
    }
    if (sets.isEmpty()) return "no test_data_set_*";
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(caseDir.resolve("model.onnx").toString(), opts)) {
        List<String> inNames = new ArrayList<>(session.getInputNames());
        List<String> outNames = new ArrayList<>(session.getOutputNames());
        for (Path set : sets) {
          List<Tensor> ins = readNumbered(set, "input_");
          List<Tensor> outs = readNumbered(set, "output_");
          Map<String, OnnxTensor> feed = new LinkedHashMap<>();
          try {
            for (int i = 0; i < ins.size(); i++) {
              Tensor t = ins.get(i);
              String name = t.name().isEmpty() ? inNames.get(i) : t.name();
              feed.put(name, toOrt(env, t));
            }
            try (OrtSession.Result res = session.run(feed)) {
              for (int j = 0; j < outs.size(); j++) {
                Tensor exp = outs.get(j);
                String name = exp.name().isEmpty() ? outNames.get(j) : exp.name();
                Optional<OnnxValue> v = res.get(name);
                if (v.isEmpty()) return set.getFileName() + ": no output named " + name;
                String d = compare((OnnxTensor) v.get(), exp);
                if (d != null) return set.getFileName() + " output " + name + ": " + d;
              }
            }
          } finally {
            for (OnnxTensor t : feed.values()) t.close();
          }
        }
      }
    }
    return null;
  }

  static List<Tensor> readNumbered(Path dir, String prefix) throws IOException {
    List<Tensor> list = new ArrayList<>();
    for (int i = 0; ; i++) {
      Path p = dir.resolve(prefix + i + ".pb");
      if (!Files.exists(p)) break;
      list.add(parseTensor(Files.readAllBytes(p)));
    }
    return list;
  }

  // ---------------------------------------------------------------- minimal protobuf decoding

  static final class Reader {
    final byte[] b;
    int pos;
    final int end;

    Reader(byte[] b, int pos, int end) {
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    boolean more() {
      return pos < end;
    }

    long varint() {
      long r = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int x = b[pos++] & 0xff;
        r |= (long) (x & 0x7f) << shift;
        if ((x & 0x80) == 0) return r;
      }
      throw new IllegalArgumentException("bad varint");
    }

    byte[] bytes(int n) {
      byte[] r = Arrays.copyOfRange(b, pos, pos + n);
      pos += n;
      return r;
    }

    void skip(int wire) {
      switch (wire) {
        case 0 -> varint();
        case 1 -> pos += 8;
        case 2 -> pos += (int) varint();
        case 5 -> pos += 4;
        default -> throw new IllegalArgumentException("unsupported wire type " + wire);
      }
    }
  }

  static Tensor parseTensor(byte[] buf) {
    Reader r = new Reader(buf, 0, buf.length);
    List<Long> dims = new ArrayList<>();
    int dataType = 0;
    String name = "";
    byte[] raw = null;
    ByteArrayOutputStream typed = new ByteArrayOutputStream(); // from *_data fields
    while (r.more()) {
      long key = r.varint();
      int field = (int) (key >>> 3), wire = (int) (key & 7);
      switch (field) {
        case 1 -> { // dims: repeated int64, packed or not
          if (wire == 2) {
            int n = (int) r.varint();
            Reader p = new Reader(buf, r.pos, r.pos + n);
            while (p.more()) dims.add(p.varint());
            r.pos += n;
          } else {
            dims.add(r.varint());
          }
        }
        case 2 -> dataType = (int) r.varint();
        case 8 -> name = new String(r.bytes((int) r.varint()), java.nio.charset.StandardCharsets.UTF_8);
        case 9 -> raw = r.bytes((int) r.varint());
        case 4 -> { // float_data: packed fixed32 (or single)
          if (wire == 2) typed.writeBytes(r.bytes((int) r.varint()));
          else typed.writeBytes(r.bytes(4));
        }
        case 10 -> { // double_data: packed fixed64 (or single)
          if (wire == 2) typed.writeBytes(r.bytes((int) r.varint()));
          else typed.writeBytes(r.bytes(8));
        }
        case 5, 7 -> { // int32_data / int64_data: varints, packed or not
          List<Long> vals = new ArrayList<>();
          if (wire == 2) {
            int n = (int) r.varint();
            Reader p = new Reader(buf, r.pos, r.pos + n);
            while (p.more()) vals.add(p.varint());
            r.pos += n;
          } else {
            vals.add(r.varint());
          }
          typed.writeBytes(varintsToLittleEndian(vals, field, dataType));
        }
        default -> r.skip(wire);
      }
    }
    long[] d = dims.stream().mapToLong(Long::longValue).toArray();
    return new Tensor(name, dataType, d, raw != null ? raw : typed.toByteArray());
  }

  /** int32_data holds (u)int8/16/32, bool; int64_data holds int64. */
  static byte[] varintsToLittleEndian(List<Long> vals, int field, int dataType) {
    int width = field == 7 ? 8 : elemSize(dataType);
    ByteBuffer bb = ByteBuffer.allocate(vals.size() * width).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : vals) {
      switch (width) {
        case 1 -> bb.put((byte) v);
        case 2 -> bb.putShort((short) v);
        case 4 -> bb.putInt((int) v);
        default -> bb.putLong(v);
      }
    }
    return bb.array();
  }

  static int elemSize(int dataType) {
    return switch (dataType) {
      case FLOAT, INT32 -> 4;
      case DOUBLE, INT64 -> 8;
      case UINT8, INT8, BOOL -> 1;
      case INT16 -> 2;
      default -> throw new IllegalArgumentException("unsupported data_type " + dataType);
    };
  }

  static OnnxJavaType javaType(int dataType) {
    return switch (dataType) {
      case FLOAT -> OnnxJavaType.FLOAT;
      case DOUBLE -> OnnxJavaType.DOUBLE;
      case INT64 -> OnnxJavaType.INT64;
      case INT32 -> OnnxJavaType.INT32;
      case INT16 -> OnnxJavaType.INT16;
      case INT8 -> OnnxJavaType.INT8;
      case UINT8 -> OnnxJavaType.UINT8;
      case BOOL -> OnnxJavaType.BOOL;
      default -> throw new IllegalArgumentException("unsupported data_type " + dataType);
    };
  }

  static OnnxTensor toOrt(OrtEnvironment env, Tensor t) throws Exception {
    if (t.data().length != t.count() * elemSize(t.dataType())) {
      throw new IllegalArgumentException(t.name() + ": " + t.data().length + " bytes for dims "
          + Arrays.toString(t.dims()));
    }
    ByteBuffer bb = ByteBuffer.allocateDirect(t.data().length).order(ByteOrder.nativeOrder());
    ByteBuffer src = ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN);
    int n = (int) t.count();
    switch (elemSize(t.dataType())) {
      case 1 -> bb.put(src);
      case 2 -> { for (int i = 0; i < n; i++) bb.putShort(src.getShort()); }
      case 4 -> { for (int i = 0; i < n; i++) bb.putInt(src.getInt()); }
      default -> { for (int i = 0; i < n; i++) bb.putLong(src.getLong()); }
    }
    bb.rewind();
    return OnnxTensor.createTensor(env, bb, t.dims(), javaType(t.dataType()));
  }

  /** Null when equal within tolerance, else the first difference. */
  static String compare(OnnxTensor actual, Tensor exp) {
    OnnxJavaType at = actual.getInfo().type;
    OnnxJavaType et = javaType(exp.dataType());
    if (at != et) return "type " + at + ", expected " + et;
    long[] shape = actual.getInfo().getShape();
    if (!Arrays.equals(shape, exp.dims())) {
      return "shape " + Arrays.toString(shape) + ", expected " + Arrays.toString(exp.dims());
    }
    ByteBuffer a = actual.getByteBuffer().order(ByteOrder.nativeOrder());
    ByteBuffer e = ByteBuffer.wrap(exp.data()).order(ByteOrder.LITTLE_ENDIAN);
    int n = (int) exp.count();
    if (exp.data().length != n * elemSize(exp.dataType())) return "expected data size mismatch";
    int bad = 0;
    String first = null;
    double worst = 0;
    for (int i = 0; i < n; i++) {
      String d = null;
      switch (exp.dataType()) {
        case FLOAT, DOUBLE -> {
          double x = exp.dataType() == FLOAT ? a.getFloat() : a.getDouble();
          double y = exp.dataType() == FLOAT ? e.getFloat() : e.getDouble();
          boolean ok;
          if (Double.isNaN(x) || Double.isNaN(y)) ok = Double.isNaN(x) && Double.isNaN(y);
          else if (Double.isInfinite(x) || Double.isInfinite(y)) ok = x == y;
          else {
            double diff = Math.abs(x - y);
            ok = diff <= ATOL + RTOL * Math.abs(y);
            worst = Math.max(worst, diff);
          }
          if (!ok) d = x + ", expected " + y;
        }
        default -> {
          long x, y;
          switch (elemSize(exp.dataType())) {
            case 1 -> { x = a.get(); y = e.get(); }
            case 2 -> { x = a.getShort(); y = e.getShort(); }
            case 4 -> { x = a.getInt(); y = e.getInt(); }
            default -> { x = a.getLong(); y = e.getLong(); }
          }
          if (x != y) d = x + ", expected " + y;
        }
      }
      if (d != null) {
        if (first == null) first = "flat index " + i + ": got " + d;
        bad++;
      }
    }
    return bad == 0 ? null : bad + "/" + n + " elements differ, first at " + first;
  }
}
