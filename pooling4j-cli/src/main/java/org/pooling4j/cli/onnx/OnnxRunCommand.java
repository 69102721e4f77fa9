package org.pooling4j.cli.onnx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pooling4j.cli.InputFiles;
import org.pooling4j.io.Npy;
import org.pooling4j.onnx.OnnxModel;
import org.pooling4j.onnx.TensorValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code onnx-run model.onnx --input NAME=x.npy ... --output-dir DIR}. */
@Command(
        name = "onnx-run",
        mixinStandardHelpOptions = true,
        description = {
            "Run an ONNX model on .npy inputs.",
            "Every graph output is written as DIR/<output name>.npy. Input dtypes must be the ones the model declares (<f4 float, <f8 double, <f2 float16, <i8, <i4, |i1, |u1)."
        })
public final class OnnxRunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The .onnx model file.")
    Path model;

    @Option(
            names = "--input",
            paramLabel = "NAME=FILE",
            description = "A graph input and its .npy file; repeat for each input.")
    List<String> inputs = new ArrayList<>();

    @Option(
            names = "--output-dir",
            required = true,
            paramLabel = "DIR",
            description = "Folder for the outputs (created if missing).")
    Path outputDir;

    @picocli.CommandLine.Mixin
    org.pooling4j.cli.BudgetOptions budgets;

    @Override
    public Integer call() throws Exception {
        InputFiles.file(model);
        for (String spec : inputs) {
            int eq = spec.indexOf('=');
            if (eq > 0 && eq < spec.length() - 1) InputFiles.file(Path.of(spec.substring(eq + 1)));
        }
        OnnxModel m = OnnxModel.load(model);
        Map<String, TensorValue> feed = new LinkedHashMap<>();
        for (String spec : inputs) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                throw new IllegalArgumentException(
                        "--input " + spec + ": must be NAME=FILE.npy; the model's inputs are " + m.inputNames());
            }
            String name = spec.substring(0, eq);
            if (feed.put(name, TensorValue.fromNpy(Npy.read(Path.of(spec.substring(eq + 1))))) != null) {
                throw new IllegalArgumentException("--input " + name + " is given twice");
            }
        }
        Map<String, TensorValue> result = m.run(feed);
        for (Map.Entry<String, TensorValue> e : result.entrySet()) {
            Path file = outputDir.resolve(fileName(e.getKey()) + ".npy");
            Npy.write(file, e.getValue().toNpy());
            System.out.println("wrote " + file + " " + e.getValue());
        }
        return 0;
    }

    /** Output names may hold '/' or ':' (exporters write "/pool/MaxPool_output_0"); keep a safe file name. */
    static String fileName(String output) {
        String s = output.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() || s.startsWith(".") ? "output" + s : s;
    }
}
