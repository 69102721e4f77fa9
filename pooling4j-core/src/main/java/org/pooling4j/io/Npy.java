package org.pooling4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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
 * float32, float64, int32 and int64 in C order. The header is read as strictly as NumPy's own reader
 * reads it (a Python dict literal with exactly the keys 'descr', 'fortran_order' and 'shape', the last
 * of duplicate keys winning, at most 10000 characters): what NumPy rejects is rejected. Anything else (another dtype, big-endian data,
 * Fortran order, a truncated or malformed file) is rejected with an {@link NpyFormatException} that
 * says what was found.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private Npy() {}

    public static NpyArray read(Path file) throws IOException {
        Check.notNull(file, "file");
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), Files.size(file));
        }
    }

    /** Reads one array from a stream; {@code name} is used in error messages. */
    public static NpyArray read(InputStream in, String name) throws IOException {
        return read(in, name, -1);
    }

    /** {@code size}: the whole file's length when known (else -1), to refuse a short file before reading it. */
    private static NpyArray read(InputStream in, String name, long size) throws IOException {
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
        int minor = pre[7] & 0xff;
        if ((major != 1 && major != 2 && major != 3) || minor != 0) {
            throw new NpyFormatException(
                    name + ": format version " + major + "." + minor + " is not supported (1.0, 2.0, 3.0 are)");
        }
        int headerLen;
        if (major == 1) {
            byte[] l = in.readNBytes(2);
            if (l.length < 2) throw new NpyFormatException(name + ": truncated in the header length");
            headerLen = (l[0] & 0xff) | (l[1] & 0xff) << 8;
        } else {
            byte[] l = in.readNBytes(4);
            if (l.length < 4) throw new NpyFormatException(name + ": truncated in the header length");
            long len = (l[0] & 0xffL) | (l[1] & 0xffL) << 8 | (l[2] & 0xffL) << 16 | (l[3] & 0xffL) << 24;
            // A UTF-8 character takes at most 4 bytes: anything longer holds too many characters.
            if (len > 4L * NpyHeader.MAX_CHARS)
                throw new NpyFormatException(name + ": header length " + len + " bytes: more than NumPy's limit of "
                        + NpyHeader.MAX_CHARS + " characters");
            headerLen = (int) len;
        }
        byte[] hb = in.readNBytes(headerLen);
        if (hb.length < headerLen)
            throw new NpyFormatException(
                    name + ": truncated in the header (" + hb.length + " of " + headerLen + " bytes)");
        String header;
        if (major == 3) {
            try {
                header = StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(hb))
                        .toString();
            } catch (CharacterCodingException e) {
                throw new NpyFormatException(name + ": a version 3.0 header must be UTF-8: " + e.getMessage());
            }
        } else {
            header = new String(hb, StandardCharsets.ISO_8859_1);
        }
        int chars = header.codePointCount(0, header.length());
        if (chars > NpyHeader.MAX_CHARS)
            throw new NpyFormatException(
                    name + ": header of " + chars + " characters: more than NumPy's limit of " + NpyHeader.MAX_CHARS);
        NpyHeader h = NpyHeader.parse(header, major < 3, name);
        if (h.fortranOrder) {
            throw new NpyFormatException(name
                    + ": fortran_order = True is not supported; save the array in C order (numpy.ascontiguousarray)");
        }
        if (!(h.descr instanceof String)) {
            throw new NpyFormatException(
                    name + ": 'descr' is not a string: " + NpyHeader.repr(h.descr)
                            + " (structured and other non-string dtypes are not supported); supported are <f4 (float32), <f8 (float64), <f2 (float16), <i4 (int32), <i8 (int64), |u1 (uint8), |i1 (int8)");
        }
        String descr = (String) h.descr;
        NpyArray.DType dtype = null;
        for (NpyArray.DType t : NpyArray.DType.values()) {
            // One-byte types have no byte order: NumPy writes '|u1', some writers '<u1'.
            if (t.descr.equals(descr) || (t.bytes == 1 && descr.equals("<" + t.descr.substring(1)))) dtype = t;
        }
        if (dtype == null && descr.length() > 1 && descr.charAt(0) == '>') {
            throw new NpyFormatException(
                    name + ": dtype '" + descr
                            + "' is big-endian, which is not supported; only little-endian data is (numpy: a.astype(a.dtype.newbyteorder('<')))");
        }
        if (dtype == null) {
            throw new NpyFormatException(
                    name + ": dtype '" + descr
                            + "' is not supported; supported are <f4 (float32), <f8 (float64), <f2 (float16), <i4 (int32), <i8 (int64), |u1 (uint8), |i1 (int8)");
        }
        int[] shape = h.shape;
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
        long preamble = 8 + (major == 1 ? 2 : 4) + headerLen;
        if (size >= 0 && size - preamble < bytes) {
            throw new NpyFormatException(name + ": truncated: shape " + java.util.Arrays.toString(shape) + " of "
                    + descr + " needs " + bytes + " data bytes, found " + (size - preamble));
        }
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
}
