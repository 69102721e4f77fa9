package org.pooling4j.cli.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pooling4j.LongTensor;
import org.pooling4j.Tensor;
import org.pooling4j.io.Npy;

/** One line of a jobs file with typed, checked access to its keys. Errors name the key and value. */
final class Job {
    final String id;
    final String op;
    private final Map<String, Object> keys;
    private final Path dir;

    Job(String id, Map<String, Object> keys, Path dir) {
        this.id = id;
        this.keys = keys;
        this.dir = dir;
        Object o = keys.get("op");
        if (!(o instanceof String))
            throw new IllegalArgumentException("key \"op\" = " + o + ": must be a string naming the operator");
        this.op = (String) o;
    }

    /** The job's keys, in the order of the jobs file. */
    Set<String> keyNames() {
        return keys.keySet();
    }

    boolean has(String key) {
        return keys.containsKey(key) && keys.get(key) != null;
    }

    /**
     * Whether the job names {@code key} at all, even as {@code null}: a key that must not be there is
     * rejected whatever its value, never passed over as absent.
     */
    boolean present(String key) {
        return keys.containsKey(key);
    }

    Object raw(String key) {
        return keys.get(key);
    }

    IllegalArgumentException bad(String key, String rule) {
        return new IllegalArgumentException("key \"" + key + "\" = " + show(keys.get(key)) + ": " + rule);
    }

    private static String show(Object v) {
        return v instanceof String ? "\"" + v + "\"" : String.valueOf(v);
    }

    /**
     * Integer list of {@code rank} entries: a bare int or a one-element list is repeated; {@code null}
     * or absent or an empty list gives {@code dflt}.
     */
    int[] ints(String key, int rank, int[] dflt) {
        Object v = keys.get(key);
        if (v == null || (v instanceof List && ((List<?>) v).isEmpty())) {
            if (dflt == null) throw bad(key, "is required");
            return dflt.clone();
        }
        int[] out = new int[rank];
        if (v instanceof List) {
            List<?> l = (List<?>) v;
            if (l.size() == 1) {
                Arrays.fill(out, toInt(key, l.get(0)));
            } else if (l.size() == rank) {
                for (int i = 0; i < rank; i++) out[i] = toInt(key, l.get(i));
            } else {
                throw bad(key, "must have 1 or " + rank + " entries for a " + rank + "-D operator");
            }
        } else {
            Arrays.fill(out, toInt(key, v));
        }
        return out;
    }

    int[] intsFull(String key) {
        Object v = keys.get(key);
        if (v == null) throw bad(key, "is required");
        if (!(v instanceof List)) return new int[] {toInt(key, v)};
        List<?> l = (List<?>) v;
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = toInt(key, l.get(i));
        return out;
    }

    int toInt(String key, Object v) {
        if (v instanceof Long) {
            long x = (Long) v;
            if (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE)
                throw bad(key, "entry " + x + " does not fit in a 32-bit int");
            return (int) x;
        }
        if (v instanceof Double) {
            double d = (Double) v;
            if (d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE) return (int) d;
            throw bad(key, "entry " + d + " is not an integer that fits in 32 bits");
        }
        if (v instanceof Boolean) return ((Boolean) v) ? 1 : 0;
        throw bad(key, "entries must be integers");
    }

    boolean bool(String key, boolean dflt) {
        Object v = keys.get(key);
        if (v == null) return dflt;
        if (v instanceof Boolean) return (Boolean) v;
        if (v instanceof Long) return (Long) v != 0;
        throw bad(key, "must be true or false");
    }

    double dbl(String key) {
        Object v = keys.get(key);
        if (v instanceof Number) return ((Number) v).doubleValue();
        throw bad(key, v == null ? "is required" : "must be a number");
    }

    String str(String key, String dflt) {
        Object v = keys.get(key);
        if (v == null) return dflt;
        if (v instanceof String) return (String) v;
        throw bad(key, "must be a string");
    }

    Path path(String key) {
        Object v = keys.get(key);
        if (!(v instanceof String))
            throw bad(key, v == null ? "is required (a path relative to the jobs file)" : "must be a path string");
        return dir.resolve((String) v);
    }

    boolean fileExists(String key) {
        return has(key) && keys.get(key) instanceof String && Files.exists(path(key));
    }

    Tensor readTensor(String key) throws IOException {
        return Npy.readTensor(path(key));
    }

    LongTensor readLongTensor(String key) throws IOException {
        return Npy.readLongTensor(path(key));
    }

    void write(String key, Tensor t) throws IOException {
        Npy.write(path(key), t);
    }

    void write(String key, LongTensor t) throws IOException {
        Npy.write(path(key), t);
    }
}
