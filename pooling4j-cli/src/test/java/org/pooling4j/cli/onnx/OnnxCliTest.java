package org.pooling4j.cli.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.cli.CliTest;
import org.pooling4j.io.Npy;
import org.pooling4j.io.NpyArray;
import org.pooling4j.onnx.OnnxNode;
import org.pooling4j.onnx.TensorProtos;
import org.pooling4j.onnx.TensorValue;

/** The onnx-test and onnx-run commands on small cases written here, with hand-worked expected values. */
class OnnxCliTest {
    @TempDir
    Path dir;

    private static Object[] cli(String... args) {
        return CliTest.cli(args);
    }

    /** A MaxPool k=2 s=2 case over 1..4: expected (2, 4), or a wrong expectation when {@code wrong}. */
    private Path maxPoolCase(String name, boolean wrong) throws Exception {
        Path c = dir.resolve(name);
        Files.createDirectories(c.resolve("test_data_set_0"));
        Files.write(
                c.resolve("model.onnx"),
                OnnxNode.of("MaxPool")
                        .attr("kernel_shape", 2)
                        .attr("strides", 2)
                        .toModel(1)
                        .toByteArray());
        TensorProtos.write(
                c.resolve("test_data_set_0/input_0.pb"), TensorValue.ofFloat(new float[] {1, 2, 3, 4}, 1, 1, 4), "in0");
        TensorProtos.write(
                c.resolve("test_data_set_0/output_0.pb"),
                TensorValue.ofFloat(new float[] {2, wrong ? 4.01f : 4}, 1, 1, 2),
                "out0");
        return c;
    }

    @Test
    void onnxTestReportsEachCaseAndTheTotal() throws Exception {
        maxPoolCase("case_good", false);
        Object[] ok = cli("onnx-test", dir.toString());
        String text = (String) ok[1];
        assertEquals(0, ok[0], text);
        assertTrue(text.contains("PASS case_good MaxPool"), text);
        assertTrue(text.trim().endsWith("1 passed, 0 failed"), text);

        maxPoolCase("case_bad", true);
        Files.createDirectories(dir.resolve("empty"));
        Object[] bad = cli(
                "onnx-test",
                dir.resolve("case_good").toString(),
                dir.resolve("case_bad").toString(),
                dir.resolve("empty").toString());
        text = (String) bad[1];
        assertEquals(1, bad[0], text);
        // 4 vs 4.01: |diff| = 0.01 > 1e-7 + 1e-3 * 4.01.
        assertTrue(text.contains("FAIL case_bad: test_data_set_0: output 0 ('out0'): 1 of 2 values differ"), text);
        assertTrue(text.contains("FAIL empty: no model.onnx"), text);
        assertTrue(text.trim().endsWith("1 passed, 2 failed"), text);

        // A folder that does not exist is a usage error, reported before any case runs.
        Object[] missing = cli(
                "onnx-test",
                dir.resolve("case_good").toString(),
                dir.resolve("missing").toString());
        assertEquals(2, missing[0]);
        assertEquals("pooling4j onnx-test: no such file: " + dir.resolve("missing") + "\n", missing[1]);
    }

    @Test
    void onnxRunWritesEveryOutputAsNpy() throws Exception {
        Path model = dir.resolve("m.onnx");
        Files.write(
                model,
                OnnxNode.of("MaxPool")
                        .attr("kernel_shape", 2)
                        .attr("strides", 2)
                        .outputs(2)
                        .toModel(1)
                        .toByteArray());
        Path x = dir.resolve("x.npy");
        Npy.write(x, NpyArray.of(new float[] {1, 5, 3, 2, 7, 7}, 1, 2, 3));
        Object[] r = cli(
                "onnx-run",
                model.toString(),
                "--input",
                "in0=" + x,
                "--output-dir",
                dir.resolve("out").toString());
        assertEquals(0, r[0], (String) r[1]);
        // Plane 0 = (1,5,3): window (1,5) -> 5 at 1. Plane 1 = (2,7,7): window (2,7) -> 7 at 1, global 3 + 1 = 4.
        assertArrayEquals(
                new float[] {5, 7}, Npy.read(dir.resolve("out/out0.npy")).toFloats());
        assertArrayEquals(
                new long[] {1, 4}, Npy.read(dir.resolve("out/out1.npy")).toLongs());
        Object[] missing = cli(
                "onnx-run", model.toString(), "--output-dir", dir.resolve("o2").toString());
        assertEquals(2, missing[0]);
        assertTrue(((String) missing[1]).contains("input 'in0' is missing"), (String) missing[1]);
        Object[] malformed = cli("onnx-run", model.toString(), "--input", "in0", "--output-dir", dir.toString());
        assertTrue(((String) malformed[1]).contains("must be NAME=FILE.npy"), (String) malformed[1]);
    }

    @Test
    void onnxRunKeepsUint8() throws Exception {
        Path model = dir.resolve("u8.onnx");
        Files.write(
                model, OnnxNode.of("MaxPool").attr("kernel_shape", 2).toModel(1).toByteArray());
        Path x = dir.resolve("u8.npy");
        Npy.write(x, NpyArray.ofUint8(new byte[] {(byte) 250, 3, (byte) 255}, 1, 1, 3));
        Object[] r = cli("onnx-run", model.toString(), "--input", "in0=" + x, "--output-dir", dir.toString());
        assertEquals(0, r[0], (String) r[1]);
        NpyArray y = Npy.read(dir.resolve("out0.npy"));
        assertEquals(NpyArray.DType.UINT8, y.dtype());
        assertArrayEquals(new long[] {250, 255}, y.toLongs());
    }

    @Test
    void outputFileNamesAreSafe() {
        assertEquals("_pool_MaxPool_output_0", OnnxRunCommand.fileName("/pool/MaxPool_output_0"));
        assertEquals("output..", OnnxRunCommand.fileName(".."));
    }

    /** MaxPool k=2 s=2 over 1-D input in0, its two outputs (values, indices) named {@code values} and {@code indices}. */
    private Path namedOutputs(String values, String indices) throws Exception {
        ModelProto.Builder m =
                OnnxNode.of("MaxPool").attr("kernel_shape", 2).attr("strides", 2).outputs(2).toModel(1).toBuilder();
        m.getGraphBuilder().getNodeBuilder(0).setOutput(0, values).setOutput(1, indices);
        m.getGraphBuilder().getOutputBuilder(0).setName(values);
        m.getGraphBuilder().getOutputBuilder(1).setName(indices);
        Path model = dir.resolve("named.onnx");
        Files.write(model, m.build().toByteArray());
        return model;
    }

    // Issue finding 7: outputs "a/b" and "a:b" both became a_b.npy, the second overwriting the first.
    @Test
    void outputsThatMapToOneFileNameGetDistinctFiles() throws Exception {
        Path model = namedOutputs("a/b", "a:b");
        Path x = dir.resolve("x.npy");
        Npy.write(x, NpyArray.of(new float[] {1, 5, 3, 2, 7, 7}, 1, 2, 3));
        Object[] r = cli(
                "onnx-run",
                model.toString(),
                "--input",
                "in0=" + x,
                "--output-dir",
                dir.resolve("out").toString());
        String text = (String) r[1];
        assertEquals(0, r[0], text);
        // Values (5, 7) and global indices (1, 4), as in onnxRunWritesEveryOutputAsNpy.
        assertArrayEquals(
                new float[] {5, 7}, Npy.read(dir.resolve("out/a_b.npy")).toFloats());
        assertArrayEquals(
                new long[] {1, 4}, Npy.read(dir.resolve("out/a_b_2.npy")).toLongs());
        assertTrue(text.contains("a_b_2.npy") && text.contains("(output 'a:b': a_b.npy is another output's)"), text);
    }

    @Test
    void fileNamesAreDistinctAndDeterministic() {
        assertEquals(
                Map.of("a/b", "a_b", "a:b", "a_b_3", "a_b_2", "a_b_2"),
                OnnxRunCommand.fileNames(List.of("a/b", "a:b", "a_b_2")));
        // One file on a case-insensitive file system.
        Map<String, String> cases = OnnxRunCommand.fileNames(List.of("Y", "y", "y_2"));
        assertEquals(List.of("Y", "y_3", "y_2"), List.copyOf(cases.values()));
    }

    @Test
    void anOutputThatWouldOverwriteAnInputIsRefusedBeforeTheRun() throws Exception {
        Path model = namedOutputs("x", "idx");
        Path x = dir.resolve("x.npy");
        Npy.write(x, NpyArray.of(new float[] {1, 5, 3, 2, 7, 7}, 1, 2, 3));
        byte[] before = Files.readAllBytes(x);
        Object[] r = cli("onnx-run", model.toString(), "--input", "in0=" + x, "--output-dir", dir.toString());
        assertEquals(2, r[0], (String) r[1]);
        assertEquals(
                "pooling4j onnx-run: output 'x' would be written to " + dir.resolve("x.npy") + ", which is the input "
                        + x + "; give another --output-dir\n",
                r[1]);
        assertArrayEquals(before, Files.readAllBytes(x));
        assertFalse(Files.exists(dir.resolve("idx.npy")));

        Files.createDirectories(dir.resolve("o/idx.npy"));
        Object[] d = cli(
                "onnx-run",
                model.toString(),
                "--input",
                "in0=" + x,
                "--output-dir",
                dir.resolve("o").toString());
        assertEquals(2, d[0], (String) d[1]);
        assertEquals(
                "pooling4j onnx-run: output 'idx': " + dir.resolve("o/idx.npy")
                        + ": is a directory; give a file name\n",
                d[1]);
        assertFalse(Files.exists(dir.resolve("o/x.npy")));
    }
}
