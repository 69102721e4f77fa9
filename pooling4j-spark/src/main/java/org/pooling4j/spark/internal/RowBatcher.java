package org.pooling4j.spark.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.unsafe.Platform;

/**
 * The per-partition loop every pooling4j transformer shares: rows are read in chunks of at most
 * {@code batchRows} rows (and about {@code batchElements} input values), each row's input is checked and
 * keyed by its shape, the rows of one shape in a chunk are pooled by one library call ({@link #poolGroup}),
 * and the rows come out in their input order with the output columns appended. Bad rows follow
 * {@link HandleInvalid}; the other rows of the partition are unaffected.
 *
 * <p>Rows are Spark's internal rows (Catalyst's {@code InternalRow}): values are read from and written to
 * Spark's own binary arrays, without a boxed object per element. A subclass says how to read one row
 * ({@link #shapeOf}) and how to pool a group of rows of one shape; it keeps its plans and buffers in
 * {@link #cache}, which lives as long as the task.
 */
public abstract class RowBatcher implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    private static final long serialVersionUID = 1L;

    private final int inputIndex;
    private final int rowIdIndex;
    private final String rowIdName;
    private final DataType rowIdType;
    private final HandleInvalid handleInvalid;
    private final int batchRows;
    private final long batchElements;
    private final int outputColumns;

    // The partition whose groups are being pooled (set around each poolGroup call), for cache, floats and
    // floatArray.
    private transient Chunks filling;

    /**
     * @param inputIndex the input column's index in the row
     * @param rowIdIndex the row id column's index, or -1 (positions are then partition and index)
     * @param rowIdName the row id column's name (for messages), or null
     * @param rowIdType the row id column's type, or null
     * @param handleInvalid what to do with bad rows
     * @param batchRows most rows pooled by one call
     * @param batchElements about the most input values gathered for one chunk (a chunk ends after the row that
     *     reaches it)
     * @param outputColumns how many columns the transformer appends
     */
    protected RowBatcher(
            int inputIndex,
            int rowIdIndex,
            String rowIdName,
            DataType rowIdType,
            HandleInvalid handleInvalid,
            int batchRows,
            long batchElements,
            int outputColumns) {
        if (batchRows < 1) throw new IllegalArgumentException("batchSize = " + batchRows + ": must be >= 1");
        this.inputIndex = inputIndex;
        this.rowIdIndex = rowIdIndex;
        this.rowIdName = rowIdName;
        this.rowIdType = rowIdType;
        this.handleInvalid = handleInvalid;
        this.batchRows = batchRows;
        this.batchElements = batchElements;
        this.outputColumns = outputColumns;
    }

    /**
     * Checks one row's input and returns its shape (the key rows are grouped by; compared with
     * {@link Arrays#equals(int[], int[])}) without copying its values.
     *
     * @throws InvalidRowException naming the rule the row breaks
     */
    protected abstract int[] shapeOf(InternalRow row, int inputIndex);

    /**
     * Pools {@code count} rows of one shape in one call and stores each row's output column values in
     * {@code outputs[rows[i]]}.
     *
     * @param shape the rows' common shape, as {@link #shapeOf} returned it
     * @param chunk the chunk's rows
     * @param rows the indices in {@code chunk} of the rows to pool
     * @param count how many entries of {@code rows} are used
     * @param outputs where each row's output values go (one array of {@code outputColumns} values per row)
     * @param invalid where a row found bad while its values are copied gets its rule ({@code invalid[rows[i]]});
     *     its output is then ignored
     * @throws InvalidRowException when the operator cannot apply to the shape (then every row of the group is
     *     invalid)
     */
    protected abstract void poolGroup(
            int[] shape, InternalRow[] chunk, int[] rows, int count, Object[][] outputs, String[] invalid);

    /**
     * The partition's cache of plans and buffers, which lives until the partition's rows are all handed out;
     * only for use inside {@link #poolGroup}.
     */
    protected final Map<Object, Object> cache() {
        return current("cache").cache;
    }

    /**
     * A float array of {@code n} elements for a buffer kept in {@link #cache()}: large ones come from a pool
     * shared by the executor's tasks and go back to it when the partition is done, so they must not be
     * referenced by anything handed out. Contents undefined; only for use inside {@link #poolGroup}.
     */
    protected final float[] floats(int n) {
        Chunks c = current("floats");
        float[] a = BufferPool.floats(n);
        c.borrowed.add(a);
        return a;
    }

    private Chunks current(String what) {
        Chunks c = filling;
        if (c == null) throw new IllegalStateException(what + " is only for use inside poolGroup");
        return c;
    }

    /**
     * A float array column value holding {@code n} values of {@code src} from {@code off}, in Spark's binary
     * array format, written into the current chunk's output buffer (reused for the next chunk, as the rows
     * are); only for use inside {@link #poolGroup}.
     */
    protected final UnsafeArrayData floatArray(float[] src, int off, int n) {
        return current("floatArray").floatArray(src, off, n);
    }

    /** The input column's index. */
    protected final int inputIndex() {
        return inputIndex;
    }

    /**
     * Pools a partition's rows. As Spark's own operators do, the function reuses its buffers: a row handed out
     * stays valid until the rows of the next chunk are read (at most {@code batchRows} rows later) or the
     * partition ends; a consumer that keeps rows longer copies them ({@link InternalRow#copy()}).
     */
    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> input) {
        TaskContext tc = TaskContext.get();
        Chunks chunks = new Chunks(input, tc == null ? 0 : tc.partitionId());
        // A task that stops reading early (a limit) still gives its buffers back.
        if (tc != null) {
            tc.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) context -> chunks.release());
        }
        return chunks;
    }

    private final class Chunks implements Iterator<InternalRow> {
        private final Iterator<InternalRow> input;
        private final int partition;
        private final InternalRow[] chunk = new InternalRow[batchRows];
        private final int[][] shapes = new int[batchRows][];
        private final String[] invalid = new String[batchRows];
        private final Object[][] outputs = new Object[batchRows][];
        private final Map<List<Integer>, int[]> groups = new LinkedHashMap<>();
        private final Map<List<Integer>, Integer> groupCounts = new HashMap<>();
        private long seen; // rows of the partition read so far
        private int size; // rows in the current chunk
        private int next; // next row of the chunk to hand out
        private InternalRow pending;
        // The chunk's input rows, copied into one reused buffer: a fresh array per row (InternalRow.copy) costs
        // more than the pooling for rows of tens of kilobytes (new memory is cold), and the JVM's collector
        // then has to reclaim it.
        private final UnsafeRow[] held = new UnsafeRow[batchRows];
        private byte[] arena = BufferPool.bytes();
        // Plans and buffers by key (cache()), and the pooled arrays they hold (floats()).
        private final Map<Object, Object> cache = new HashMap<>();
        private final List<float[]> borrowed = new ArrayList<>();
        private boolean released;
        private int used; // bytes of the arena used by the chunk's rows
        // The chunk's float array outputs (floatArray), likewise reused.
        private byte[] outArena = BufferPool.bytes();
        private int outUsed;
        private final java.util.ArrayList<UnsafeArrayData> outArrays = new java.util.ArrayList<>();
        private int outCount;

        Chunks(Iterator<InternalRow> input, int partition) {
            this.input = input;
            this.partition = partition;
        }

        @Override
        public boolean hasNext() {
            while (pending == null) {
                if (next == size) {
                    if (released || !input.hasNext()) {
                        release();
                        return false;
                    }
                    fill();
                    continue;
                }
                pending = emit(next++);
            }
            return true;
        }

        @Override
        public InternalRow next() {
            if (!hasNext()) throw new NoSuchElementException();
            InternalRow r = pending;
            pending = null;
            return r;
        }

        private void fill() {
            Arrays.fill(chunk, 0, size, null);
            Arrays.fill(outputs, 0, size, null);
            size = 0;
            next = 0;
            long elements = 0;
            groups.clear();
            groupCounts.clear();
            used = 0;
            outUsed = 0;
            outCount = 0;
            while (size < batchRows && elements < batchElements && input.hasNext()) {
                // Spark reuses the row object it hands out: a row kept past next() is copied.
                int i = size++;
                InternalRow row = hold(i, input.next());
                chunk[i] = row;
                invalid[i] = null;
                shapes[i] = null;
                long index = seen++;
                try {
                    int[] shape = shapeOf(row, inputIndex);
                    shapes[i] = shape;
                    long n = 1;
                    for (int d : shape) n *= d;
                    elements += n;
                } catch (InvalidRowException e) {
                    fail(i, index, e.getMessage());
                }
            }
            for (int i = 0; i < size; i++) {
                if (shapes[i] == null) continue;
                List<Integer> key = key(shapes[i]);
                int[] members = groups.get(key);
                int c = groupCounts.getOrDefault(key, 0);
                if (members == null) {
                    members = new int[size];
                    groups.put(key, members);
                }
                members[c] = i;
                groupCounts.put(key, c + 1);
            }
            for (Map.Entry<List<Integer>, int[]> g : groups.entrySet()) {
                int[] members = g.getValue();
                int count = groupCounts.get(g.getKey());
                filling = this;
                try {
                    poolGroup(shapes[members[0]], chunk, members, count, outputs, invalid);
                } catch (InvalidRowException e) {
                    for (int j = 0; j < count; j++) invalid[members[j]] = e.getMessage();
                } finally {
                    filling = null;
                }
                for (int j = 0; j < count; j++) {
                    int i = members[j];
                    if (invalid[i] != null) fail(i, seen - size + i, invalid[i]);
                }
            }
        }

        /** Gives the partition's large buffers back to the pool (once; the rows handed out are then invalid). */
        void release() {
            if (released) return;
            released = true;
            Arrays.fill(chunk, 0, size, null);
            Arrays.fill(held, null);
            size = 0;
            next = 0;
            cache.clear();
            for (float[] a : borrowed) BufferPool.give(a);
            borrowed.clear();
            BufferPool.give(arena);
            BufferPool.give(outArena);
            arena = new byte[0];
            outArena = new byte[0];
            outArrays.clear();
        }

        /** Slot {@code i}'s copy of {@code row}: in the arena when it is Spark's binary row, else a fresh copy. */
        private InternalRow hold(int i, InternalRow row) {
            if (!(row instanceof UnsafeRow)) return row.copy();
            UnsafeRow u = (UnsafeRow) row;
            int bytes = u.getSizeInBytes();
            if ((long) used + bytes > arena.length) grow(bytes);
            u.writeToMemory(arena, Platform.BYTE_ARRAY_OFFSET + used);
            UnsafeRow h = held[i];
            if (h == null || h.numFields() != u.numFields()) h = held[i] = new UnsafeRow(u.numFields());
            h.pointTo(arena, Platform.BYTE_ARRAY_OFFSET + used, bytes);
            used += bytes; // a multiple of 8, as every UnsafeRow's size is
            return h;
        }

        UnsafeArrayData floatArray(float[] src, int off, int n) {
            // Spark's layout: the element count (8 bytes), a null bit per element rounded up to 8 bytes, then
            // the values, padded to 8 bytes.
            long header = UnsafeArrayData.calculateHeaderPortionInBytes(n);
            long bytes = header + (((long) n * 4 + 7) & ~7L);
            if (outUsed + bytes > outArena.length) growOut(bytes);
            long at = Platform.BYTE_ARRAY_OFFSET + outUsed;
            Platform.putLong(outArena, at, n);
            for (long w = 8; w < header; w += 8) Platform.putLong(outArena, at + w, 0L);
            Platform.copyMemory(src, Platform.FLOAT_ARRAY_OFFSET + (long) off * 4, outArena, at + header, (long) n * 4);
            if ((n & 1) == 1) Platform.putInt(outArena, at + header + (long) n * 4, 0);
            UnsafeArrayData a;
            if (outCount < outArrays.size()) {
                a = outArrays.get(outCount);
            } else {
                a = new UnsafeArrayData();
                outArrays.add(a);
            }
            outCount++;
            a.pointTo(outArena, at, (int) bytes);
            outUsed += (int) bytes;
            return a;
        }

        private void growOut(long bytes) {
            long want = Math.max(outUsed + bytes, 2L * outArena.length);
            if (want > Integer.MAX_VALUE - 16) want = outUsed + bytes;
            if (want > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("a chunk's outputs need more than 2 GiB; lower batchSize");
            }
            byte[] bigger = new byte[(int) want];
            System.arraycopy(outArena, 0, bigger, 0, outUsed);
            for (int k = 0; k < outCount; k++) {
                UnsafeArrayData a = outArrays.get(k);
                a.pointTo(bigger, a.getBaseOffset(), a.getSizeInBytes());
            }
            outArena = bigger;
        }

        /** A larger arena holding the chunk's rows so far (the slots that point into it are moved along). */
        private void grow(int bytes) {
            long want = Math.max((long) used + bytes, 2L * arena.length);
            if (want > Integer.MAX_VALUE - 16) want = (long) used + bytes;
            if (want > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("a chunk of rows needs more than 2 GiB; lower batchSize");
            }
            byte[] bigger = new byte[(int) want];
            System.arraycopy(arena, 0, bigger, 0, used);
            for (int k = 0; k < size - 1; k++) {
                UnsafeRow h = held[k];
                if (h != null && h.getBaseObject() == arena) {
                    h.pointTo(bigger, h.getBaseOffset(), h.getSizeInBytes());
                }
            }
            arena = bigger;
        }

        private void fail(int i, long index, String rule) {
            if (handleInvalid == HandleInvalid.ERROR) {
                throw new IllegalArgumentException("invalid row " + position(chunk[i], index) + ": " + rule
                        + " (set handleInvalid to skip or keep to drop or keep such rows)");
            }
            invalid[i] = rule;
            shapes[i] = null;
            outputs[i] = null;
        }

        private String position(InternalRow row, long index) {
            String where = "at partition " + partition + ", index " + index + " within it";
            if (rowIdIndex >= 0) {
                Object id = row.isNullAt(rowIdIndex) ? null : row.get(rowIdIndex, rowIdType);
                return rowIdName + " = " + id + " (" + where + ")";
            }
            return where;
        }

        private InternalRow emit(int i) {
            InternalRow row = chunk[i];
            Object[] out = outputs[i];
            if (out == null) {
                if (handleInvalid == HandleInvalid.SKIP) return null;
                out = new Object[outputColumns];
            }
            // The input columns, then the outputs; Spark turns the pair into its binary row format downstream.
            return new JoinedRow(row, new GenericInternalRow(out));
        }
    }

    private static List<Integer> key(int[] shape) {
        List<Integer> k = new ArrayList<>(shape.length);
        for (int d : shape) k.add(d);
        return k;
    }

    /** The int entries of a row's shape column (the rules of the shape are the caller's). */
    protected static int[] shapeColumn(InternalRow row, int shapeIndex) {
        if (row.isNullAt(shapeIndex)) throw new InvalidRowException("the shape column is null");
        org.apache.spark.sql.catalyst.util.ArrayData s = row.getArray(shapeIndex);
        int[] shape = new int[s.numElements()];
        for (int i = 0; i < shape.length; i++) {
            if (s.isNullAt(i)) throw new InvalidRowException("the shape column holds a null at element " + i);
            shape[i] = s.getInt(i);
        }
        return shape;
    }
}
