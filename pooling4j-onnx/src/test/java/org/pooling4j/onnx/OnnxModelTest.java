package org.pooling4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Model loading, its errors, and hand-worked results of the pooling and glue operators. */
class OnnxModelTest {

    private static float[] seq(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i + 1;
        return v;
    }

    private static OnnxException fails(Runnable r) {
        return assertThrows(OnnxException.class, r::run);
    }

    // ---- malformed bytes --------------------------------------------------------------------

    private static byte[] wrap(int field, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(field << 3 | 2);
        int n = body.length;
        while (n >= 0x80) {
            out.write(n & 0x7f | 0x80);
            n >>>= 7;
        }
        out.write(n);
        out.write(body, 0, body.length);
        return out.toByteArray();
    }

    @Test
    void garbageAndTruncatedModelsGiveFormatErrors() throws Exception {
        assertThrows(
                OnnxFormatException.class, () -> OnnxModel.parse(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}));
        byte[] good = OnnxNode.of("MaxPool").attr("kernel_shape", 2).toModel(1).toByteArray();
        OnnxModel.parse(good);
        for (int cut = 1; cut < good.length; cut++) {
            byte[] part = java.util.Arrays.copyOf(good, cut);
            try {
                OnnxModel.parse(part);
            } catch (OnnxFormatException | OnnxException expected) {
                // either the bytes are cut inside a field, or they parse to an incomplete model
            }
        }
        // A field claiming 2 GiB over a 10-byte buffer: a clean error, no allocation of the claimed size.
        byte[] claim = {0x3a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 1, 2, 3, 4};
        assertThrows(OnnxFormatException.class, () -> OnnxModel.parse(claim));
    }

    @Test
    void anEndGroupTagAtTopLevelIsNoModel() throws Exception {
        // Found by OnnxFuzzTest: a valid model followed by an end-group tag (field 9, wire type 4 = 0x4c)
        // and junk loaded, the junk ignored; protobuf's own byte-array parser rejects these bytes.
        byte[] good = OnnxNode.of("MaxPool").attr("kernel_shape", 2).toModel(1).toByteArray();
        byte[] bad = java.util.Arrays.copyOf(good, good.length + 3);
        bad[good.length] = 0x4c;
        bad[good.length + 1] = 'L';
        bad[good.length + 2] = 'L';
        assertThrows(com.google.protobuf.InvalidProtocolBufferException.class, () -> ModelProto.parseFrom(bad));
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModel.parse(bad));
        assertTrue(e.getMessage().startsWith("not a valid ONNX model"), e.getMessage());
    }

    @Test
    void deeplyNestedGraphsStopAtTheRecursionLimit() {
        // graph.node -> node.attribute -> attribute.g -> graph.node ..., 400 levels deep.
        byte[] b = new byte[0];
        for (int i = 0; i < 400; i++) b = wrap(1, wrap(5, wrap(6, b)));
        byte[] model = wrap(7, b);
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModel.parse(model));
        assertTrue(e.getMessage().contains("recursion") || e.getMessage().contains("nest"), e.getMessage());
    }

    // ---- load-time checks -------------------------------------------------------------------

    @Test
    void unsupportedOperatorNamesNodeOpAndOpset() {
        OnnxException e = fails(() -> OnnxNode.of("Conv").opset(13).run(TensorValue.ofFloat(new float[4], 1, 1, 4)));
        assertTrue(
                e.getMessage().contains("node #0 'conv' (Conv, opset 13)")
                        && e.getMessage().contains("not supported"),
                e.getMessage());
    }

    @Test
    void attributesAreCheckedAgainstTheOpsetVersion() {
        TensorValue x = TensorValue.ofFloat(seq(4), 1, 1, 4);
        OnnxException dil = fails(() -> OnnxNode.of("MaxPool")
                .opset(9)
                .attr("kernel_shape", 2)
                .attr("dilations", 2)
                .run(x));
        assertTrue(
                dil.getMessage().contains("'dilations'")
                        && dil.getMessage().contains("opset 9")
                        && dil.getMessage().contains("added in opset 10"),
                dil.getMessage());
        OnnxException avgDil = fails(() -> OnnxNode.of("AveragePool")
                .opset(18)
                .attr("kernel_shape", 2)
                .attr("dilations", 2)
                .run(x));
        assertTrue(avgDil.getMessage().contains("added in opset 19"), avgDil.getMessage());
        OnnxException unknown = fails(() ->
                OnnxNode.of("MaxPool").attr("kernel_shape", 2).attr("kernel", 2).run(x));
        assertTrue(
                unknown.getMessage().contains("attribute 'kernel' is not defined for MaxPool at opset 22"),
                unknown.getMessage());
        OnnxException indices = fails(() -> OnnxNode.of("MaxPool")
                .opset(7)
                .attr("kernel_shape", 2)
                .outputs(2)
                .run(x));
        assertTrue(indices.getMessage().contains("2 outputs declared"), indices.getMessage());
        OnnxException missing = fails(() -> OnnxNode.of("MaxPool").run(x));
        assertTrue(missing.getMessage().contains("kernel_shape is required"), missing.getMessage());
        OnnxException autoPad = fails(() -> OnnxNode.of("MaxPool")
                .attr("kernel_shape", 2)
                .attr("auto_pad", "SAME")
                .run(x));
        assertTrue(autoPad.getMessage().contains("auto_pad = 'SAME'"), autoPad.getMessage());
        OnnxException ceil = fails(() -> OnnxNode.of("MaxPool")
                .attr("kernel_shape", 2)
                .attrInt("ceil_mode", 2)
                .run(x));
        assertTrue(ceil.getMessage().contains("ceil_mode = 2"), ceil.getMessage());
        OnnxException before = fails(() -> OnnxNode.of("MaxUnpool")
                .opset(8)
                .attr("kernel_shape", 2)
                .run(x, TensorValue.ofInt64(new long[2], 1, 1, 2)));
        assertTrue(before.getMessage().contains("introduced in opset 9"), before.getMessage());
        OnnxException wrongType =
                fails(() -> OnnxNode.of("MaxPool").attrInt("kernel_shape", 2).run(x));
        assertTrue(wrongType.getMessage().contains("kernel_shape' must be of type INTS"), wrongType.getMessage());
    }

    @Test
    void opsetOutsideOneToTwentyTwoIsRejected() {
        TensorValue x = TensorValue.ofFloat(seq(4), 1, 1, 4);
        OnnxException e = fails(
                () -> OnnxNode.of("MaxPool").opset(23).attr("kernel_shape", 2).run(x));
        assertTrue(e.getMessage().contains("opset 23") && e.getMessage().contains("1 to 22"), e.getMessage());
        ModelProto noOpset = OnnxNode.of("Identity").toModel(1).toBuilder()
                .clearOpsetImport()
                .addOpsetImport(OperatorSetIdProto.newBuilder()
                        .setDomain("com.microsoft")
                        .setVersion(1))
                .build();
        assertTrue(fails(() -> {
                    try {
                        OnnxModel.of(noOpset);
                    } catch (OnnxFormatException ex) {
                        throw new AssertionError(ex);
                    }
                })
                .getMessage()
                .contains("no opset of the default ONNX domain"));
    }

    @Test
    void graphWiringErrors() {
        ModelProto m = OnnxNode.of("Identity").toModel(1);
        ModelProto dangling = m.toBuilder()
                .setGraph(m.getGraph().toBuilder()
                        .setNode(0, m.getGraph().getNode(0).toBuilder().setInput(0, "nowhere")))
                .build();
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxModel.of(dangling));
        assertTrue(e.getMessage().contains("input 'nowhere' is not defined"), e.getMessage());
        ModelProto twice = m.toBuilder()
                .setGraph(m.getGraph().toBuilder()
                        .addNode(NodeProto.newBuilder()
                                .setOpType("Identity")
                                .addInput("in0")
                                .addOutput("out0")))
                .build();
        assertTrue(assertThrows(OnnxException.class, () -> OnnxModel.of(twice))
                .getMessage()
                .contains("already defined"));
        // A graph output listed twice (found by the fuzz run: run() returned one value for the two names).
        ModelProto twoOutputs = m.toBuilder()
                .setGraph(m.getGraph().toBuilder().addOutput(m.getGraph().getOutput(0)))
                .build();
        OnnxException listed = assertThrows(OnnxException.class, () -> OnnxModel.of(twoOutputs));
        assertTrue(listed.getMessage().contains("graph output 'out0' is listed twice"), listed.getMessage());
        ModelProto domain = m.toBuilder()
                .setGraph(m.getGraph().toBuilder()
                        .setNode(0, m.getGraph().getNode(0).toBuilder().setDomain("com.microsoft")))
                .build();
        assertTrue(assertThrows(OnnxException.class, () -> OnnxModel.of(domain))
                .getMessage()
                .contains("domain 'com.microsoft'"));
    }

    @Test
    void inputsAreCheckedAgainstTheDeclaredTypeAndShape() throws Exception {
        ModelProto m = OnnxNode.of("Identity").toModel(1);
        TypeProto t = TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(1)
                        .setShape(TensorShapeProto.newBuilder()
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(3))))
                .build();
        OnnxModel model = OnnxModel.of(m.toBuilder()
                .setGraph(m.getGraph().toBuilder()
                        .setInput(0, ValueInfoProto.newBuilder().setName("in0").setType(t)))
                .build());
        assertEquals(List.of("in0"), model.inputNames());
        model.run(TensorValue.ofFloat(new float[6], 2, 3));
        assertTrue(fails(() -> model.run(TensorValue.ofDouble(new double[6], 2, 3)))
                .getMessage()
                .contains("declares FLOAT (1)"));
        assertTrue(fails(() -> model.run(TensorValue.ofFloat(new float[8], 2, 4)))
                .getMessage()
                .contains("declares [N, 3]"));
        assertTrue(fails(() -> model.run(java.util.Map.of())).getMessage().contains("input 'in0' is missing"));
        assertTrue(fails(() -> model.run(java.util.Map.of("x", TensorValue.ofFloat(new float[6], 2, 3))))
                .getMessage()
                .contains("'x' is not an input"));
    }

    @Test
    void initializersFeedNodesAndOldModelsListThemAsInputs() throws Exception {
        // Reshape-5 with its shape as an initializer that is also listed among the graph inputs (IR < 4 style).
        TensorProto shape = TensorProtos.toProto(TensorValue.ofInt64(new long[] {-1, 2}, 2), "shape");
        ModelProto m = OnnxNode.of("Reshape").opset(5).toModel(2);
        ModelProto withInit = m.toBuilder()
                .setGraph(m.getGraph().toBuilder()
                        .addInitializer(shape.toBuilder().setName("in1")))
                .build();
        OnnxModel model = OnnxModel.of(withInit);
        assertEquals(List.of("in0"), model.inputNames());
        TensorValue y = model.run(TensorValue.ofFloat(seq(6), 6)).get(0);
        assertArrayEquals(new int[] {3, 2}, y.shape());
    }

    // ---- pooling semantics (hand-worked) ----------------------------------------------------

    @Test
    void maxPoolDefaultsAreOnnxNotPytorch() {
        // ONNX's stride defaults to 1: 1..5 with k=2 -> max of (1,2),(2,3),(3,4),(4,5).
        List<TensorValue> y =
                OnnxNode.of("MaxPool").attr("kernel_shape", 2).outputs(2).run(TensorValue.ofFloat(seq(5), 1, 1, 5));
        assertArrayEquals(new float[] {2, 3, 4, 5}, y.get(0).toFloatArray());
        assertArrayEquals(new long[] {1, 2, 3, 4}, y.get(1).toLongArray());
    }

    @Test
    void maxPoolIndicesAreGlobalAndStorageOrderIsColumnMajor() {
        // N=1, C=2, 2x3 planes: channel 0 = 1..6, channel 1 = 7..12. k=2x2, stride 1 -> 1x2 outputs.
        TensorValue x = TensorValue.ofFloat(seq(12), 1, 2, 2, 3);
        List<TensorValue> row =
                OnnxNode.of("MaxPool").attr("kernel_shape", 2, 2).outputs(2).run(x);
        assertArrayEquals(new float[] {5, 6, 11, 12}, row.get(0).toFloatArray());
        // Winners sit at (1,1) and (1,2): row-major 4, 5 in plane 0, plus 6 for plane 1.
        assertArrayEquals(new long[] {4, 5, 10, 11}, row.get(1).toLongArray());
        List<TensorValue> col = OnnxNode.of("MaxPool")
                .attr("kernel_shape", 2, 2)
                .attrInt("storage_order", 1)
                .outputs(2)
                .run(x);
        // Column-major: h + w*H = 1 + 1*2 = 3 and 1 + 2*2 = 5, plus 6 for plane 1.
        assertArrayEquals(new long[] {3, 5, 9, 11}, col.get(1).toLongArray());
        TensorValue perPlane = OnnxIndices.toPerPlane(col.get(1), x.shape(), true);
        assertArrayEquals(new long[] {4, 5, 4, 5}, perPlane.toLongArray());
        assertArrayEquals(
                row.get(1).toLongArray(),
                OnnxIndices.fromPerPlane(perPlane, x.shape(), false).toLongArray());
        // TensorFlow's argmax: (y*W + x)*C + c -> (1*3+1)*2 + 0 = 8, (1*3+2)*2 = 10, then +1 for channel 1.
        TensorValue tf = OnnxIndices.convert(
                row.get(1),
                x.shape(),
                org.pooling4j.IndexFormat.GLOBAL_ROW_MAJOR,
                org.pooling4j.IndexFormat.CHANNELS_LAST);
        assertArrayEquals(new long[] {8, 10, 9, 11}, tf.toLongArray());
    }

    @Test
    void averagePoolCountIncludePadDefaultsToZero() {
        // 1..4, k=2, pads 1/1, stride 2: windows {pad,1}, {2,3}, {4,pad}.
        TensorValue x = TensorValue.ofFloat(seq(4), 1, 1, 4);
        TensorValue exclude = OnnxNode.of("AveragePool")
                .attr("kernel_shape", 2)
                .attr("strides", 2)
                .attr("pads", 1, 1)
                .run(x)
                .get(0);
        assertArrayEquals(new float[] {1, 2.5f, 4}, exclude.toFloatArray());
        TensorValue include = OnnxNode.of("AveragePool")
                .attr("kernel_shape", 2)
                .attr("strides", 2)
                .attr("pads", 1, 1)
                .attrInt("count_include_pad", 1)
                .run(x)
                .get(0);
        assertArrayEquals(new float[] {0.5f, 2.5f, 2}, include.toFloatArray());
    }

    @Test
    void lpPoolOpsetOneTakesAFloatP() {
        // p = 1.5 over (1, 4): (1 + 8)^(2/3) = 9^(2/3) = 4.3267487...
        TensorValue x = TensorValue.ofFloat(new float[] {1, 4}, 1, 1, 2);
        TensorValue y = OnnxNode.of("LpPool")
                .opset(1)
                .attr("kernel_shape", 2)
                .attrFloat("p", 1.5f)
                .run(x)
                .get(0);
        assertEquals(Math.pow(9, 2.0 / 3), y.toFloatArray()[0], 1e-5);
        OnnxException intP = fails(() -> OnnxNode.of("LpPool")
                .opset(1)
                .attr("kernel_shape", 2)
                .attrInt("p", 2)
                .run(x));
        assertTrue(intP.getMessage().contains("must be of type FLOAT"), intP.getMessage());
        OnnxException zero = fails(() ->
                OnnxNode.of("LpPool").attr("kernel_shape", 2).attrInt("p", 0).run(x));
        assertTrue(zero.getMessage().contains("p = 0"), zero.getMessage());
    }

    @Test
    void integerAndDoubleMaxPoolAreExact() {
        TensorValue u8 = TensorValue.ofIntegers(DataType.UINT8, new long[] {0, 255, 7, 200}, 1, 1, 4);
        TensorValue y = OnnxNode.of("MaxPool")
                .attr("kernel_shape", 2)
                .attr("strides", 2)
                .run(u8)
                .get(0);
        assertEquals(DataType.UINT8, y.type());
        assertArrayEquals(new long[] {255, 200}, y.toLongArray());
        OnnxException old = fails(
                () -> OnnxNode.of("MaxPool").opset(11).attr("kernel_shape", 2).run(u8));
        assertTrue(old.getMessage().contains("input X has type uint8"), old.getMessage());
        // 1 + 2^-40 is not a float; the double result must keep it.
        double fine = 1 + 0x1p-40;
        TensorValue d = TensorValue.ofDouble(new double[] {1, fine}, 1, 1, 2);
        assertArrayEquals(
                new double[] {fine},
                OnnxNode.of("MaxPool").attr("kernel_shape", 2).run(d).get(0).toDoubleArray());
    }

    @Test
    void padsAtLeastTheEffectiveKernelAreRejected() {
        TensorValue x = TensorValue.ofFloat(seq(4), 1, 1, 4);
        OnnxException e = fails(() -> OnnxNode.of("MaxPool")
                .attr("kernel_shape", 2)
                .attr("pads", 2, 0)
                .run(x));
        assertTrue(e.getMessage().startsWith("node #0 'maxpool' (MaxPool, opset 22): "), e.getMessage());
        assertTrue(e.getMessage().contains("2"), e.getMessage());
        OnnxException both = fails(() -> OnnxNode.of("MaxPool")
                .attr("kernel_shape", 2)
                .attr("pads", 1, 0)
                .attr("auto_pad", "SAME_UPPER")
                .run(x));
        assertTrue(both.getMessage().contains("cannot be combined with auto_pad"), both.getMessage());
        OnnxException rank =
                fails(() -> OnnxNode.of("MaxPool").attr("kernel_shape", 2, 2).run(x));
        assertTrue(rank.getMessage().contains("X must have rank 4"), rank.getMessage());
    }

    @Test
    void maxUnpoolScattersIntoTheInferredShape() {
        // X = (5, 6), I = (1, 2) over an inferred length (2-1)*2 + 2 = 4 -> [0, 5, 6, 0].
        TensorValue x = TensorValue.ofFloat(new float[] {5, 6}, 1, 1, 2);
        TensorValue i = TensorValue.ofInt64(new long[] {1, 2}, 1, 1, 2);
        assertArrayEquals(
                new float[] {0, 5, 6, 0},
                OnnxNode.of("MaxUnpool")
                        .attr("kernel_shape", 2)
                        .attr("strides", 2)
                        .run(x, i)
                        .get(0)
                        .toFloatArray());
        TensorValue big = OnnxNode.of("MaxUnpool")
                .attr("kernel_shape", 2)
                .attr("strides", 2)
                .run(x, i, TensorValue.ofInt64(new long[] {1, 1, 6}, 3))
                .get(0);
        assertArrayEquals(new float[] {0, 5, 6, 0, 0, 0}, big.toFloatArray());
        OnnxException out = fails(() -> OnnxNode.of("MaxUnpool")
                .attr("kernel_shape", 2)
                .attr("strides", 2)
                .run(x, TensorValue.ofInt64(new long[] {1, 4}, 1, 1, 2)));
        assertTrue(out.getMessage().contains("I[1] = 4"), out.getMessage());
        OnnxException small = fails(() -> OnnxNode.of("MaxUnpool")
                .attr("kernel_shape", 2)
                .attr("strides", 2)
                .run(x, i, TensorValue.ofInt64(new long[] {1, 1, 3}, 3)));
        assertTrue(small.getMessage().contains("at least the inferred shape"), small.getMessage());
    }

    // ---- glue operators (hand-worked) -------------------------------------------------------

    @Test
    void padConstantCropsWithNegativePadsAndTakesTheValueInput() {
        TensorValue x = TensorValue.ofFloat(seq(4), 4);
        TensorValue pads = TensorValue.ofInt64(new long[] {2, -1}, 2);
        TensorValue v = TensorValue.ofFloat(new float[] {9});
        assertArrayEquals(
                new float[] {9, 9, 1, 2, 3},
                OnnxNode.of("Pad").run(x, pads, v).get(0).toFloatArray());
        assertArrayEquals(
                new float[] {0, 1, 2, 3, 4, 0},
                OnnxNode.of("Pad").opset(2).attr("pads", 1, 1).run(x).get(0).toFloatArray());
        OnnxException reflect =
                fails(() -> OnnxNode.of("Pad").attr("mode", "reflect").run(x, pads));
        assertTrue(reflect.getMessage().contains("only 'constant'"), reflect.getMessage());
        TensorValue axes = TensorValue.ofInt64(new long[] {-1}, 1);
        TensorValue x2 = TensorValue.ofFloat(seq(4), 2, 2);
        // Pad-18 with axes = [-1]: pad the last axis by 1 before -> [[0,1,2],[0,3,4]].
        assertArrayEquals(
                new float[] {0, 1, 2, 0, 3, 4},
                OnnxNode.of("Pad")
                        .opset(18)
                        .run(x2, TensorValue.ofInt64(new long[] {1, 0}, 2), TensorValue.ofFloat(new float[] {0}), axes)
                        .get(0)
                        .toFloatArray());
    }

    @Test
    void reshapeFlattenSqueezeUnsqueezeTranspose() {
        TensorValue x = TensorValue.ofFloat(seq(24), 2, 3, 4);
        assertArrayEquals(
                new int[] {2, 12},
                OnnxNode.of("Reshape")
                        .run(x, TensorValue.ofInt64(new long[] {0, -1}, 2))
                        .get(0)
                        .shape());
        assertArrayEquals(
                new int[] {6, 4},
                OnnxNode.of("Flatten").attrInt("axis", -1).run(x).get(0).shape());
        assertArrayEquals(
                new int[] {1, 24},
                OnnxNode.of("Flatten").attrInt("axis", 0).run(x).get(0).shape());
        assertTrue(
                fails(() -> OnnxNode.of("Flatten").opset(9).attrInt("axis", -1).run(x))
                        .getMessage()
                        .contains("axis = -1"));
        TensorValue u = OnnxNode.of("Unsqueeze")
                .run(x, TensorValue.ofInt64(new long[] {0, -1}, 2))
                .get(0);
        assertArrayEquals(new int[] {1, 2, 3, 4, 1}, u.shape());
        assertArrayEquals(
                new int[] {2, 3, 4},
                OnnxNode.of("Squeeze")
                        .opset(11)
                        .attr("axes", 0, 4)
                        .run(u)
                        .get(0)
                        .shape());
        assertArrayEquals(
                new int[] {2, 3, 4}, OnnxNode.of("Squeeze").run(u).get(0).shape());
        assertTrue(fails(() -> OnnxNode.of("Squeeze").opset(11).attr("axes", 1).run(u))
                .getMessage()
                .contains("has size 2"));
        // Transpose (2,3,4) with perm (2,0,1): y[k][i][j] = x[i][j][k]; y[1][0][2] = x[0][2][1] = 2*4 + 1 + 1 = 10.
        TensorValue t = OnnxNode.of("Transpose").attr("perm", 2, 0, 1).run(x).get(0);
        assertArrayEquals(new int[] {4, 2, 3}, t.shape());
        assertEquals(10f, t.toFloatArray()[1 * 6 + 0 * 3 + 2]);
        // Default perm reverses: (4,3,2); y[3][2][1] = x[1][2][3] = 24.
        TensorValue r = OnnxNode.of("Transpose").run(x).get(0);
        assertEquals(24f, r.toFloatArray()[23]);
        assertTrue(fails(() -> OnnxNode.of("Transpose").attr("perm", 0, 0, 1).run(x))
                .getMessage()
                .contains("permutation"));
    }

    @Test
    void sliceConcatShapeGatherCast() {
        TensorValue x = TensorValue.ofFloat(seq(10), 10);
        // starts -1, ends -11 (clamped to -1), step -3: indices 9, 6, 3, 0 -> 10, 7, 4, 1.
        TensorValue s = OnnxNode.of("Slice")
                .run(
                        x,
                        TensorValue.ofInt64(new long[] {-1}, 1),
                        TensorValue.ofInt64(new long[] {-11}, 1),
                        TensorValue.ofInt64(new long[] {0}, 1),
                        TensorValue.ofInt64(new long[] {-3}, 1))
                .get(0);
        assertArrayEquals(new float[] {10, 7, 4, 1}, s.toFloatArray());
        TensorValue s1 = OnnxNode.of("Slice")
                .opset(9)
                .attr("starts", 2)
                .attr("ends", Long.MAX_VALUE)
                .run(x)
                .get(0);
        assertArrayEquals(new float[] {3, 4, 5, 6, 7, 8, 9, 10}, s1.toFloatArray());
        TensorValue a = TensorValue.ofFloat(seq(4), 2, 2);
        TensorValue c = OnnxNode.of("Concat").attrInt("axis", 1).run(a, a).get(0);
        assertArrayEquals(new float[] {1, 2, 1, 2, 3, 4, 3, 4}, c.toFloatArray());
        assertArrayEquals(new long[] {2, 2}, OnnxNode.of("Shape").run(a).get(0).toLongArray());
        assertArrayEquals(
                new long[] {2},
                OnnxNode.of("Shape")
                        .opset(15)
                        .attrInt("start", -1)
                        .run(a)
                        .get(0)
                        .toLongArray());
        TensorValue g = OnnxNode.of("Gather")
                .attrInt("axis", 1)
                .run(a, TensorValue.ofInt64(new long[] {-1, 0}, 2))
                .get(0);
        assertArrayEquals(new float[] {2, 1, 4, 3}, g.toFloatArray());
        assertTrue(fails(() -> OnnxNode.of("Gather").run(a, TensorValue.ofInt64(new long[] {2}, 1)))
                .getMessage()
                .contains("indices[0] = 2"));
        // Cast truncates toward zero and wraps like C: 300.7 -> 300 -> uint8 44; -1.5 -> -1 -> 255.
        TensorValue u = OnnxNode.of("Cast")
                .attrInt("to", 2)
                .run(TensorValue.ofFloat(new float[] {300.7f, -1.5f, 2.9f}, 3))
                .get(0);
        assertArrayEquals(new long[] {44, 255, 2}, u.toLongArray());
        TensorValue old = OnnxNode.of("Cast")
                .opset(1)
                .attr("to", "DOUBLE")
                .run(TensorValue.ofFloat(new float[] {0.5f}, 1))
                .get(0);
        assertEquals(DataType.DOUBLE, old.type());
        assertTrue(fails(() -> OnnxNode.of("Cast").attrInt("to", 8).run(a))
                .getMessage()
                .contains("STRING (8)"));
    }

    @Test
    void arithmeticBroadcastsLikeNumpy() {
        TensorValue a = TensorValue.ofFloat(seq(6), 2, 3);
        TensorValue b = TensorValue.ofFloat(new float[] {10, 20}, 2, 1);
        assertArrayEquals(
                new float[] {11, 12, 13, 24, 25, 26},
                OnnxNode.of("Add").run(a, b).get(0).toFloatArray());
        assertArrayEquals(
                new float[] {1, 4, 9, 16, 25, 36},
                OnnxNode.of("Pow")
                        .run(a, TensorValue.ofFloat(new float[] {2}))
                        .get(0)
                        .toFloatArray());
        assertTrue(fails(() -> OnnxNode.of("Add").run(a, TensorValue.ofFloat(seq(2), 2)))
                .getMessage()
                .contains("do not broadcast"));
        assertTrue(
                fails(() -> OnnxNode.of("Add").opset(6).run(a, a)).getMessage().contains("introduced in opset 7"));
        TensorValue m = TensorValue.ofFloat(new float[] {-2, 0, 3, Float.NaN}, 4);
        assertArrayEquals(
                new float[] {-1, 0, 1, Float.NaN},
                OnnxNode.of("Sign").run(m).get(0).toFloatArray());
        assertArrayEquals(
                new float[] {0, 0, 3, Float.NaN},
                OnnxNode.of("Relu").run(m).get(0).toFloatArray());
        assertArrayEquals(
                new long[] {-3, 3},
                OnnxNode.of("Div")
                        .run(TensorValue.ofInt64(new long[] {-7, 7}, 2), TensorValue.ofInt64(new long[] {2}, 1))
                        .get(0)
                        .toLongArray());
        assertTrue(fails(() -> OnnxNode.of("Div")
                        .run(TensorValue.ofInt64(new long[] {1}, 1), TensorValue.ofInt64(new long[] {0}, 1)))
                .getMessage()
                .contains("division by zero"));
    }

    @Test
    void inputsAreNeverModified() {
        float[] data = seq(16);
        float[] copy = data.clone();
        TensorValue x = TensorValue.ofFloat(data, 1, 1, 4, 4);
        OnnxNode.of("MaxPool").attr("kernel_shape", 2, 2).outputs(2).run(x);
        OnnxNode.of("AveragePool")
                .attr("kernel_shape", 3, 3)
                .attr("pads", 1, 1, 1, 1)
                .run(x);
        OnnxNode.of("Pad").run(x, TensorValue.ofInt64(new long[] {0, 0, 1, 1, 0, 0, 1, 1}, 8));
        OnnxNode.of("Transpose").run(x);
        assertArrayEquals(copy, data);
    }
}
