#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz tests (valid inputs and near misses) into the modules' test
resources, where Jazzer's JUnit integration finds them: <package>/<TestClass>Inputs/<method>/.
Needs NumPy (for the .npy seeds). Run from the repository root: python3 tools/fuzz/make_seeds.py"""
import io
import json
import os
import shutil

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def fresh(path):
    d = os.path.join(ROOT, path)
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    return d


def put(d, name, data):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def npy_bytes(a, version=None):
    b = io.BytesIO()
    if version is None:
        np.save(b, a)
    else:
        np.lib.format.write_array(b, a, version=version)
    return b.getvalue()


def raw_npy(header, data=b"", major=1):
    h = header.encode("latin-1")
    if major == 1:
        return b"\x93NUMPY\x01\x00" + len(h).to_bytes(2, "little") + h + data
    return b"\x93NUMPY" + bytes([major, 0]) + len(h).to_bytes(4, "little") + h + data


def npy_seeds():
    d = fresh("pooling4j-core/src/test/resources/org/pooling4j/io/NpyFuzzTestInputs/read")
    x4 = np.arange(1, 17, dtype=np.float32).reshape(1, 1, 4, 4)
    put(d, "f4_1x1x4x4.npy", npy_bytes(x4))
    put(d, "f8_2x3.npy", npy_bytes(np.linspace(-1, 1, 6).reshape(2, 3)))
    put(d, "f2_5.npy", npy_bytes(np.array([0, 1, -2, 65504, np.inf], dtype=np.float16)))
    put(d, "i4_3.npy", npy_bytes(np.array([-1, 0, 2**31 - 1], dtype=np.int32)))
    put(d, "i8_2x2.npy", npy_bytes(np.array([[0, -1], [2**40, 3]], dtype=np.int64)))
    put(d, "u1_4.npy", npy_bytes(np.array([0, 1, 128, 255], dtype=np.uint8)))
    put(d, "i1_4.npy", npy_bytes(np.array([-128, -1, 0, 127], dtype=np.int8)))
    put(d, "f4_scalar.npy", npy_bytes(np.float32(2.5).reshape(())))
    put(d, "f4_empty_0x3.npy", npy_bytes(np.zeros((0, 3), dtype=np.float32)))
    put(d, "f4_nan_inf.npy", npy_bytes(np.array([np.nan, -np.inf, np.inf, -0.0], dtype=np.float32)))
    put(d, "f4_v2.npy", npy_bytes(x4, version=(2, 0)))
    put(d, "f4_v3.npy", npy_bytes(x4, version=(3, 0)))
    good = npy_bytes(x4)
    put(d, "near_truncated_data.npy", good[:-5])
    put(d, "near_truncated_header.npy", good[:40])
    put(d, "near_bad_magic.npy", b"\x93NUMPZ" + good[6:])
    put(d, "near_version_4.npy", good[:6] + b"\x04\x00" + good[8:])
    put(d, "near_big_endian.npy", npy_bytes(x4.astype(">f4")))
    put(d, "near_fortran.npy", npy_bytes(np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3))))
    put(d, "near_negative_shape.npy", raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 4), }\n"))
    put(d, "near_huge_shape.npy",
        raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 2147483647), }\n", b"\0" * 16))
    put(d, "near_shape_2e31.npy", raw_npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2147483648,), }\n"))
    put(d, "near_unterminated_shape.npy", raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4, }\n"))
    put(d, "near_no_descr.npy", raw_npy("{'fortran_order': False, 'shape': (1,), }\n", b"\0" * 4))
    put(d, "near_object_dtype.npy", raw_npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }\n", b"\0" * 8))
    put(d, "near_header_len_huge_v2.npy", b"\x93NUMPY\x02\x00\xff\xff\xff\x7f{")
    put(d, "near_double_quotes.npy",
        raw_npy('{"descr": "<f4", "fortran_order": False, "shape": (2,), }\n', np.float32([1, 2]).tobytes()))


def wisdom_seeds():
    d = fresh("pooling4j-core/src/test/resources/org/pooling4j/tuning/WisdomFuzzTestInputs/loadWisdom")

    def decision(kernel="reference", threads=1, key="@KEY@"):
        return {"key": key, "kernel": kernel, "threads": threads, "heuristic_kernel": "scalar",
                "heuristic_threads": 1, "heuristic_ms": 1.5, "tuned_ms": 0.75}

    def wisdom(decisions):
        body = json.dumps({"decisions": decisions}, indent=2)
        return "{@HEADER@, " + body[1:] + "\n"

    put(d, "one_reference.json", wisdom([decision()]))
    put(d, "two_decisions.json",
        wisdom([decision(), decision("reference", 2, "forward|values|avg k=2x2|channels_first|1x4x12x12|2")]))
    put(d, "empty_decisions.json", wisdom([]))
    put(d, "unknown_kernel.json", wisdom([decision("no-such-kernel")]))
    put(d, "threads_too_many.json", wisdom([decision(threads=100000)]))
    put(d, "threads_fraction.json", wisdom([decision(threads=1.5)]))
    put(d, "key_huge_shape.json", wisdom([decision(key="forward|values|max k=2|channels_first|99999999999x99999999999|1")]))
    put(d, "stale_header.json", json.dumps({"format": 1, "library": "0.0", "jdk": "x", "cpu": "y", "threads": 1,
                                            "decisions": [decision()]}))
    put(d, "not_an_object.json", "[1, 2, 3]\n")
    put(d, "no_decisions.json", "{@HEADER@}\n")
    put(d, "decision_not_object.json", "{@HEADER@, \"decisions\": [1, \"a\", null]}\n")
    put(d, "deep_nesting.json", "{@HEADER@, \"decisions\": " + "[" * 70 + "]" * 70 + "}\n")
    put(d, "truncated.json", wisdom([decision()])[:60])
    put(d, "bad_utf8.json", b"{@HEADER@, \"decisions\": [\"\xff\xfe\"]}\n")


def job_seeds():
    d = fresh("pooling4j-cli/src/test/resources/org/pooling4j/cli/jobs/JobLineFuzzTestInputs/jobLine")
    lines = {
        "max_pool2d.json": {"id": "m", "op": "max_pool2d", "input": "x4.npy", "kernel_size": [2, 2], "stride": 2,
                            "padding": 0, "dilation": 1, "ceil_mode": False, "output": "y.npy", "indices": "i.npy"},
        "avg_pool2d.json": {"id": "a", "op": "avg_pool2d", "input": "x4.npy", "kernel_size": 3, "stride": [1, 2],
                            "padding": 1, "count_include_pad": False, "divisor_override": 2, "output": "y.npy"},
        "adaptive.json": {"op": "adaptive_avg_pool2d", "input": "x4.npy", "output_size": [3, None], "output": "y.npy"},
        "lp_pool1d.json": {"op": "lp_pool1d", "input": "x4.npy", "norm_type": 2.5, "kernel_size": 2, "output": "y.npy"},
        "tf_max_pool.json": {"op": "tf.nn.max_pool2d", "input": "x4.npy", "ksize": [1, 2, 2, 1],
                             "strides": [1, 1, 1, 1], "padding": "SAME", "data_format": "NHWC", "output": "y.npy"},
        "roi_align.json": {"op": "roi_align", "input": "x4.npy", "boxes": "b.npy", "output_size": [2, 2],
                           "spatial_scale": 0.5, "sampling_ratio": 2, "aligned": True, "output": "y.npy"},
        "backward.json": {"op": "max_pool2d_backward", "input": "x4.npy", "grad_output": "g.npy",
                          "kernel_size": 2, "output": "gx.npy"},
        "near_unknown_key.json": {"op": "max_pool2d", "input": "x4.npy", "kernel": 2, "output": "y.npy"},
        "near_strides_typo.json": {"op": "max_pool2d", "input": "x4.npy", "kernel_size": 3, "strides": 1,
                                   "output": "y.npy"},
        "near_unknown_op.json": {"op": "max_pool9d", "input": "x4.npy"},
        "near_op_not_string.json": {"op": 3},
        "near_big_ints.json": {"op": "avg_pool2d", "input": "x4.npy", "kernel_size": [2147483648, 1e300],
                               "output": "y.npy"},
        "near_wrong_rank.json": {"op": "max_pool3d", "input": "x4.npy", "kernel_size": [1, 2], "output": "y.npy"},
    }
    for name, obj in lines.items():
        put(d, name, json.dumps(obj))
    put(d, "near_not_object.json", "[1, 2]")
    put(d, "near_trailing_comma.json", '{"op": "max_pool2d", "kernel_size": [2,],}')
    put(d, "near_escapes.json", '{"id": "a\\nok  forged\\u001b[31m", "op": "max_pool2d\\ud800"}')
    put(d, "near_numbers.json", '{"op": "max_pool1d", "kernel_size": -0.0e-5, "stride": 1E400, "padding": -9223372036854775809}')
    put(d, "near_deep.json", "[" * 80 + "]" * 80)
    put(d, "near_unterminated.json", '{"op": "max_pool2d", "id": "x')


def onnx_seeds():
    d = fresh("pooling4j-onnx/src/test/resources/org/pooling4j/onnx/OnnxFuzzTestInputs/loadAndRun")
    base = os.path.join(ROOT, "pooling4j-onnx/src/test/resources/onnx")
    models = [
        "node/test_maxpool_2d_default", "node/test_maxpool_2d_pads", "node/test_maxpool_2d_ceil",
        "node/test_maxpool_2d_dilations", "node/test_maxpool_2d_same_upper", "node/test_maxpool_2d_uint8",
        "node/test_maxpool_with_argmax_2d_precomputed_strides", "node/test_averagepool_2d_pads_count_include_pad",
        "node/test_averagepool_1d_default", "node/test_averagepool_3d_default", "node/test_lppool_2d_default",
        "node/test_globalmaxpool", "node/test_globalaveragepool", "node/test_maxunpool_export_with_output_shape",
        "node/test_maxunpool_export_without_output_shape", "node/test_roialign_aligned_true",
        "node/test_roialign_mode_max", "torch/stem_maxpool_gap_flatten_opset11", "torch/maxpool_avgpool_chain_opset16",
        "torch/maxpool2d_view_dynbatch_opset11", "torch/avgpool1d_unsqueeze_squeeze_opset13",
        "torch/adaptiveavgpool2d_flatten_dynbatch_opset17", "torch/maxpool2d_idx_k2_opset9",
        "torch/avgpool2d_nhwc_opset17",
    ]
    for m in models:
        with open(os.path.join(base, m, "model.onnx"), "rb") as f:
            data = f.read()
        name = os.path.basename(m)
        put(d, name + ".onnx", data)
    with open(os.path.join(base, "node/test_maxpool_2d_default/model.onnx"), "rb") as f:
        data = f.read()
    put(d, "near_truncated.onnx", data[: len(data) // 2])
    put(d, "near_empty.onnx", b"")
    put(d, "near_not_protobuf.onnx", b"\x93NUMPY\x01\x00not a model")


if __name__ == "__main__":
    npy_seeds()
    wisdom_seeds()
    job_seeds()
    onnx_seeds()
