package org.pooling4j.cli;

import org.pooling4j.Limits;
import org.pooling4j.internal.Budget;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --max-bytes} and {@code --max-work}, mixed into the commands that allocate or compute from
 * sizes the user gives ({@code run}, {@code explain}, {@code onnx-run}, {@code image}). They set the
 * library's budgets ({@link Limits}) while the parsing runs; {@link Main#execute} puts the previous
 * values back when the command ends, so tests that run many commands in one JVM do not leak them.
 */
public final class BudgetOptions {
    @Option(
            names = "--max-bytes",
            paramLabel = "N",
            converter = SizeConverter.class,
            description = "Memory budget: the most bytes one allocation sized by the input may take, a number"
                    + " with an optional k, m or g suffix (default: half the maximum heap; also"
                    + " -Dpooling4j.maxBytes).")
    void maxBytes(long bytes) {
        Limits.setMaxBytes(bytes);
    }

    @Option(
            names = "--max-work",
            paramLabel = "N",
            converter = SizeConverter.class,
            description = "Work budget: the most input values one call may read, a number with an optional k,"
                    + " m or g suffix (default 4g = 2^32; also -Dpooling4j.maxWork).")
    void maxWork(long values) {
        Limits.setMaxWork(values);
    }

    /** Sizes as {@link Limits#parseSize} reads them; a bad one is a usage error naming the option. */
    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Limits.parseSize(value, "size");
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** The budgets set programmatically before a command, to put back after it. */
    record Saved(long bytes, long work) {
        static Saved now() {
            return new Saved(Budget.bytesOverride(), Budget.workOverride());
        }

        void restore() {
            Budget.setMaxBytes(bytes);
            Budget.setMaxWork(work);
        }
    }
}
