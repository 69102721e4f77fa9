package org.pooling4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pooling4j.Layout;
import org.pooling4j.LongTensor;
import org.pooling4j.Tensor;
import org.pooling4j.internal.Check;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0): little-endian
 * float32, float64, int32 and int64 in C order. Anything else (another dtype, big-endian data,
 * Fortran order, a truncated or malformed file) is rejected with an {@link NpyFormatException} that
 * says what was found.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private Npy() {}

    public static NpyArray read(Path file) throws IOException {
        Check.notNull(file, "file");
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /** Reads one array from a stream; {@code name} is used in error messages. */
    public static NpyArray read(InputStream in, String name) throws IOException {
        Check.notNull(in, "in");
        Check.notNull(name, "name");
        byte[] pre = in.readNBytes(8);
        if (pre.length < 8)
            throw new NpyFormatException(
                    name + ": truncated: " + pre.length + " bytes, a .npy file starts with at least 10");
        for (int i = 0; i < MAGIC.length; i++) {
            if (pre[i] != MAGIC[i])
                throw new NpyFormatException(name + ": not a .npy file (magic string \\x93NUMPY missing)");
        }
        int major = pre[6] & 0xff;
        int headerLen;
        if (major == 1) {
            byte[] l = in.readNBytes(2);
            if (l.length < 2) throw new NpyFormatException(name + ": truncated in the header length");
            headerLen = (l[0] & 0xff) | (l[1] & 0xff) << 8;
        } else if (major == 2 || major == 3) {
            byte[] l = in.readNBytes(4);
            if (l.length < 4) throw new NpyFormatException(name + ": truncated in the header length");
            long len = (l[0] & 0xffL) | (l[1] & 0xffL) << 8 | (l[2] & 0xffL) << 16 | (l[3] & 0xffL) << 24;
            if (len > 1 << 20) throw new NpyFormatException(name + ": header length " + len + " is larger than 1 MiB");
            headerLen = (int) len;
        } else {
            throw new NpyFormatException(name + ": format version " + major + "." + (pre[7] & 0xff)
                    + " is not supported (1.0, 2.0, 3.0 are)");
        }
        byte[] hb = in.readNBytes(headerLen);
        if (hb.length < headerLen)
            throw new NpyFormatException(
                    name + ": truncated in the header (" + hb.length + " of " + headerLen + " bytes)");
        String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = stringField(header, "descr", name);
        String fortran = rawField(header, "fortran_order", name);
        String shapeText = rawField(header, "shape", name);
        if (!fortran.startsWith("False")) {
            if (fortran.startsWith("True"))
                throw new NpyFormatException(
                        name
                                + ": fortran_order = True is not supported; save the array in C order (numpy.ascontiguousarray)");
            throw new NpyFormatException(name + ": fortran_order = " + fortran + " is not a boolean");
        }
        NpyArray.DType dtype = null;
        for (NpyArray.DType t : NpyArray.DType.values()) {
            // One-byte types have no byte order: NumPy writes '|u1', some writers '<u1'.
            if (t.descr.equals(descr) || (t.bytes == 1 && descr.equals("<" + t.descr.substring(1)))) dtype = t;
        }
        if (dtype == null && descr.length() > 1 && descr.charAt(0) == '>') {
            throw new NpyFormatException(
                    name + ": dtype '" + descr
                            + "' is big-endian; only little-endian data is supported (numpy: a.astype(a.dtype.newbyteorder('<')))");
        }
        if (dtype == null) {
            throw new NpyFormatException(
                    name + ": dtype '" + descr
                            + "' is not supported; supported are <f4 (float32), <f8 (float64), <f2 (float16), <i4 (int32), <i8 (int64), |u1 (uint8), |i1 (int8)");
        }
        int[] shape = parseShape(shapeText, name);
        long count = 1;
        for (int d : shape) count = d == 0 ? 0 : count;
        if (count != 0) {
            for (int d : shape) {
                count *= d;
                if (count > Check.MAX_ELEMENTS) {
                    throw new NpyFormatException(name + ": shape " + java.util.Arrays.toString(shape)
                            + " has more elements than a Java array can hold");
                }
            }
        }
        long bytes = count * dtype.bytes;
        // Read in chunks and allocate the array only once all its bytes have arrived, so that a
        // header claiming a huge shape over a short file costs no more memory than the file.
        List<byte[]> chunks = new ArrayList<>();
        long got = 0;
        while (got < bytes) {
            byte[] chunk = in.readNBytes((int) Math.min(1 << 20, bytes - got));
            if (chunk.length == 0) break;
            chunks.add(chunk);
            got += chunk.length;
        }
        if (got < bytes) {
            throw new NpyFormatException(name + ": truncated: shape " + java.util.Arrays.toString(shape) + " of "
                    + descr + " needs " + bytes + " data bytes, found " + got);
        }
        int n = (int) count;
        Object data;
        switch (dtype) {
            case FLOAT32:
                data = new float[n];
                break;
            case FLOAT64:
                data = new double[n];
                break;
            case INT32:
                data = new int[n];
                break;
            case UINT8:
            case INT8:
                data = new byte[n];
                break;
            case FLOAT16:
                data = new short[n];
                break;
            default:
                data = new long[n];
                break;
        }
        int at = 0;
        for (byte[] chunk : chunks) {
            ByteBuffer bb = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
            int k = chunk.length / dtype.bytes;
            switch (dtype) {
                case FLOAT32:
                    bb.asFloatBuffer().get((float[]) data, at, k);
                    break;
                case FLOAT64:
                    bb.asDoubleBuffer().get((double[]) data, at, k);
                    break;
                case INT32:
                    bb.asIntBuffer().get((int[]) data, at, k);
                    break;
                case UINT8:
                case INT8:
                    bb.get((byte[]) data, at, k);
                    break;
                case FLOAT16:
                    bb.asShortBuffer().get((short[]) data, at, k);
                    break;
                default:
                    bb.asLongBuffer().get((long[]) data, at, k);
                    break;
            }
            at += k;
        }
        return new NpyArray(dtype, shape, data);
    }

    /** Reads a numeric array as a channels-first float32 tensor (other dtypes are converted). */
    public static Tensor readTensor(Path file) throws IOException {
        NpyArray a = read(file);
        return new Tensor(a.toFloats(), a.shape(), Layout.CHANNELS_FIRST);
    }

    /** Reads an integer array as an int64 tensor; float arrays are rejected. */
    public static LongTensor readLongTensor(Path file) throws IOException {
        NpyArray a = read(file);
        return new LongTensor(a.toLongs(), a.shape(), Layout.CHANNELS_FIRST);
    }

    public static void write(Path file, Tensor t) throws IOException {
        Check.notNull(t, "tensor");
        write(file, NpyArray.of(t.data(), t.shape()));
    }

    public static void write(Path file, LongTensor t) throws IOException {
        Check.notNull(t, "tensor");
        write(file, NpyArray.of(t.data(), t.shape()));
    }

    public static void write(Path file, NpyArray a) throws IOException {
        Check.notNull(file, "file");
        Check.notNull(a, "array");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, a);
        }
    }

    public static void write(OutputStream out, NpyArray a) throws IOException {
        Check.notNull(out, "out");
        Check.notNull(a, "array");
        StringBuilder h = new StringBuilder("{'descr': '")
                .append(a.dtype().descr)
                .append("', 'fortran_order': False, 'shape': (");
        int[] shape = a.shape();
        for (int i = 0; i < shape.length; i++) {
            h.append(shape[i]);
            if (shape.length == 1 || i < shape.length - 1) h.append(shape.length == 1 ? "," : ", ");
        }
        h.append("), }");
        // As NumPy: room for the first axis to grow to 21 digits, then spaces so that
        // magic + version + length + header + '\n' ends on a multiple of 64 bytes.
        if (shape.length > 0)
            h.append(" ".repeat(Math.max(0, 21 - String.valueOf(shape[0]).length())));
        int total = 10 + h.length() + 1;
        int pad = 64 - total % 64;
        for (int i = 0; i < pad; i++) h.append(' ');
        h.append('\n');
        byte[] hb = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        out.write(MAGIC);
        out.write(1);
        out.write(0);
        out.write(hb.length & 0xff);
        out.write((hb.length >> 8) & 0xff);
        out.write(hb);
        int n = a.size();
        ByteBuffer bb = ByteBuffer.allocate(n * a.dtype().bytes).order(ByteOrder.LITTLE_ENDIAN);
        switch (a.dtype()) {
            case FLOAT32:
                bb.asFloatBuffer().put((float[]) a.data());
                break;
            case FLOAT64:
                bb.asDoubleBuffer().put((double[]) a.data());
                break;
            case INT32:
                bb.asIntBuffer().put((int[]) a.data());
                break;
            case UINT8:
            case INT8:
                bb.put((byte[]) a.data());
                break;
            case FLOAT16:
                bb.asShortBuffer().put((short[]) a.data());
                break;
            default:
                bb.asLongBuffer().put((long[]) a.data());
                break;
        }
        out.write(bb.array());
    }

    private static String rawField(String header, String key, String name) throws NpyFormatException {
        int k = header.indexOf("'" + key + "'");
        if (k < 0) k = header.indexOf("\"" + key + "\"");
        if (k < 0) throw new NpyFormatException(name + ": header has no '" + key + "' entry: " + header.trim());
        int colon = header.indexOf(':', k);
        if (colon < 0) throw new NpyFormatException(name + ": malformed header: " + header.trim());
        return header.substring(colon + 1).trim();
    }

    private static String stringField(String header, String key, String name) throws NpyFormatException {
        String raw = rawField(header, key, name);
        if (raw.isEmpty() || (raw.charAt(0) != '\'' && raw.charAt(0) != '"')) {
            throw new NpyFormatException(name + ": '" + key + "' is not a string in header: " + header.trim());
        }
        int end = raw.indexOf(raw.charAt(0), 1);
        if (end < 0) throw new NpyFormatException(name + ": unterminated '" + key + "' in header");
        return raw.substring(1, end);
    }

    private static int[] parseShape(String raw, String name) throws NpyFormatException {
        if (!raw.startsWith("(")) throw new NpyFormatException(name + ": 'shape' is not a tuple: " + raw);
        int end = raw.indexOf(')');
        if (end < 0) throw new NpyFormatException(name + ": unterminated 'shape' tuple: " + raw);
        String body = raw.substring(1, end);
        List<Integer> dims = new ArrayList<>();
        for (String part : body.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            if (p.endsWith("L")) p = p.substring(0, p.length() - 1);
            long v;
            try {
                v = Long.parseLong(p);
            } catch (NumberFormatException e) {
                throw new NpyFormatException(name + ": shape entry '" + p + "' is not an integer");
            }
            if (v < 0 || v > Integer.MAX_VALUE)
                throw new NpyFormatException(name + ": shape entry " + v + " is out of range [0, 2^31)");
            dims.add((int) v);
        }
        int[] shape = new int[dims.size()];
        for (int i = 0; i < shape.length; i++) shape[i] = dims.get(i);
        return shape;
    }
}
