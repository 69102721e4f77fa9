package org.pooling4j.cli.onnx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.pooling4j.cli.InputFiles;
import org.pooling4j.cli.OutputFiles;
import org.pooling4j.cli.SafeText;
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
            "Every graph output is written as DIR/<output name>.npy, with every character other than letters, digits, '.', '_' and '-' made '_'; where two outputs come to one file name (a/b and a:b), the later gets the first free suffix _2, _3, ... An output that would overwrite the model or an input is refused before the model runs. Input dtypes must be the ones the model declares (<f4 float, <f8 double, <f2 float16, <i8, <i4, |i1, |u1)."
        },
        footer = {
            "%nExit status: 0 done; 2 usage or file error (a bad option, a file that cannot be read or written, a model"
                    + " or input it rejects); 3 internal error (please report it)."
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
        List<Path> inputFiles = new ArrayList<>();
        inputFiles.add(model);
        for (String spec : inputs) {
            int eq = spec.indexOf('=');
            if (eq > 0 && eq < spec.length() - 1) inputFiles.add(InputFiles.file(Path.of(spec.substring(eq + 1))));
        }
        if (Files.exists(outputDir) && !Files.isDirectory(outputDir))
            throw new IllegalArgumentException("--output-dir " + outputDir + ": is not a directory");
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
        // Where each output goes, decided and checked before the model runs.
        Map<String, String> names = fileNames(m.outputNames());
        Map<Path, String> reads = new HashMap<>();
        for (Path f : inputFiles) reads.put(OutputFiles.real(f), f.toString());
        Map<String, Path> files = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : names.entrySet()) {
            Path file = outputDir.resolve(e.getValue() + ".npy");
            String read = reads.get(OutputFiles.real(file));
            if (read != null) {
                throw new IllegalArgumentException("output '" + e.getKey() + "' would be written to " + file
                        + ", which is the input " + read + "; give another --output-dir");
            }
            OutputFiles.file(file, "output '" + e.getKey() + "':");
            files.put(e.getKey(), file);
        }
        Map<String, TensorValue> result = m.run(feed);
        for (Map.Entry<String, TensorValue> e : result.entrySet()) {
            Path file = files.get(e.getKey());
            Npy.write(file, e.getValue().toNpy());
            String fileName = fileName(e.getKey());
            String note = fileName.equals(names.get(e.getKey()))
                    ? ""
                    : " (output '" + e.getKey() + "': " + fileName + ".npy is another output's)";
            System.out.println(SafeText.escape("wrote " + file + " " + e.getValue() + note));
        }
        return 0;
    }

    /**
     * The file name (without {@code .npy}) of each output, in graph order: {@link #fileName}, made
     * distinct where two outputs map to one name ({@code a/b} and {@code a:b} both to {@code a_b}), or
     * differ only in case (one file on a case-insensitive file system): the later output gets the
     * first free {@code _2}, {@code _3}, ... suffix that is no other output's name.
     */
    static Map<String, String> fileNames(List<String> outputs) {
        Set<String> plain = new HashSet<>();
        for (String o : outputs) plain.add(fileName(o).toLowerCase(Locale.ROOT));
        Set<String> taken = new HashSet<>();
        Map<String, String> names = new LinkedHashMap<>();
        for (String o : outputs) {
            if (names.containsKey(o)) continue;
            String base = fileName(o);
            String name = base;
            if (taken.contains(name.toLowerCase(Locale.ROOT))) {
                for (int k = 2; ; k++) {
                    name = base + "_" + k;
                    String key = name.toLowerCase(Locale.ROOT);
                    if (!taken.contains(key) && !plain.contains(key)) break;
                }
            }
            taken.add(name.toLowerCase(Locale.ROOT));
            names.put(o, name);
        }
        return names;
    }

    /** Output names may hold '/' or ':' (exporters write "/pool/MaxPool_output_0"); keep a safe file name. */
    static String fileName(String output) {
        String s = output.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() || s.startsWith(".") ? "output" + s : s;
    }
}
