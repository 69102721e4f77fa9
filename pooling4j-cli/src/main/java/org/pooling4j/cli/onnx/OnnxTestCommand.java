package org.pooling4j.cli.onnx;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.pooling4j.cli.InputFiles;
import org.pooling4j.cli.SafeText;
import org.pooling4j.onnx.BackendTestCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code onnx-test DIR...}: runs folders in the ONNX backend-test layout. */
@Command(
        name = "onnx-test",
        mixinStandardHelpOptions = true,
        description = {
            "Run ONNX backend test cases and compare their outputs.",
            "Each DIR holds model.onnx and test_data_set_*/input_*.pb, output_*.pb, or is a folder of such cases. Outputs are compared as ONNX's runner does: same shape and element type, |actual - expected| <= 1e-7 + 1e-3 * |expected|, NaN where NaN; integer outputs exactly.",
            "Prints PASS/FAIL per case and ends with 'N passed, M failed'; the exit status is 1 if any failed."
        })
public final class OnnxTestCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DIR", description = "Case folders, or folders of case folders.")
    List<Path> dirs = new ArrayList<>();

    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        for (Path dir : dirs) InputFiles.directory(dir);
        int passed = 0;
        int failed = 0;
        for (Path dir : dirs) {
            for (Path c : BackendTestCase.expand(dir)) {
                BackendTestCase.Outcome o;
                try {
                    o = BackendTestCase.run(c);
                } catch (OutOfMemoryError | StackOverflowError e) {
                    // One case too big for the heap (or too deep) fails alone; what it allocated is garbage now.
                    failed++;
                    String why = e instanceof OutOfMemoryError ? "out of memory" : "out of stack";
                    out.println(SafeText.escape("FAIL " + c.getFileName() + ": " + why + " (" + e + ")"));
                    continue;
                }
                if (o.passed()) {
                    passed++;
                    out.println(SafeText.escape("PASS " + o.name() + " " + String.join(",", o.operators())));
                } else {
                    failed++;
                    out.println(SafeText.escape("FAIL " + o.name() + ": " + o.failure()));
                }
            }
        }
        out.println(passed + " passed, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }
}
