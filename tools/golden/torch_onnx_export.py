#!/usr/bin/python3
"""Export small PyTorch pooling modules to ONNX, in ONNX backend-test layout.

Usage (Debian's PyTorch 1.13 and onnx 1.12 live in the system interpreter):

    /usr/bin/python3 tools/golden/torch_onnx_export.py [--out DIR] [--include-rejected DIR2]

Writes, for every case below, into DIR (default
pooling4j-onnx/src/test/resources/onnx/torch under the repository root):

    <case>/model.onnx                      torch.onnx.export(module, inputs,
                                           opset_version=<opset>), constant
                                           folding left at its default
    <case>/test_data_set_0/input_<i>.pb    serialized onnx.TensorProto
    <case>/test_data_set_0/output_<j>.pb   (raw_data; name = graph input /
                                           output name)
    cases.tsv                              one line per case

The layout is that of the official ONNX backend node tests
(onnx/backend/test/data/node/<test>/).  The expected outputs are PyTorch's
*eager* results of the same module on the same inputs, so they are an
independent source with respect to the exported graph: a runtime that executes
the graph correctly must reproduce them.

Every case was checked with ONNX Runtime 1.29.0 (tools/golden/OrtCheck.java,
rtol 1e-3, atol 1e-7, exact shape/dtype, NaN at the same positions).  Cases
where ONNX Runtime does not reproduce PyTorch are kept in the list below with
`rejected=<reason>` and are NOT written to DIR; `--include-rejected DIR2`
writes every case, rejected ones included, to DIR2 so that the check can be
repeated:

    /usr/bin/python3 tools/golden/torch_onnx_export.py --include-rejected build/all
    java -cp onnxruntime-1.29.0.jar tools/golden/OrtCheck.java build/all

Exports that PyTorch 1.13 refuses are not in the list (see EXPORT_FAILURES at
the end of this file; running with --try-failing re-attempts them).

Determinism: inputs come from numpy.random.default_rng seeded with the CRC-32
of the case name (adding or removing a case does not change the others), the
modules have no parameters, and torch.manual_seed(0) is set before each
export.  Re-running the script reproduces the same files.
"""

import argparse
import io
import os
import shutil
import sys
import warnings
import zlib

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import numpy_helper

warnings.filterwarnings("ignore")

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(REPO, "pooling4j-onnx", "src", "test", "resources", "onnx", "torch")

NAN = float("nan")
INF = float("inf")


# --------------------------------------------------------------------------- modules

class Fn(nn.Module):
    """A module applying `fn(self, *inputs)`; submodules are passed as keyword args."""

    def __init__(self, fn, **mods):
        super().__init__()
        for k, v in mods.items():
            setattr(self, k, v)
        self.fn = fn

    def forward(self, *xs):
        return self.fn(self, *xs)


def flatten_after(pool):
    """pool -> torch.flatten(y, 1)."""
    return Fn(lambda s, x: torch.flatten(s.pool(x), 1), pool=pool)


def view_after(pool):
    """pool -> y.view(x.size(0), -1) (Shape/Gather/Unsqueeze/Concat/Reshape with a dynamic batch)."""
    return Fn(lambda s, x: s.pool(x).view(x.size(0), -1), pool=pool)


def channels_last(pool):
    """NHWC input -> permute to NCHW -> pool -> permute back to NHWC."""
    return Fn(lambda s, x: s.pool(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1), pool=pool)


def unsqueeze_pool_squeeze(pool, dim):
    """(N, L) or (N, C, L) input -> unsqueeze(dim) -> pool -> squeeze(dim)."""
    return Fn(lambda s, x: s.pool(x.unsqueeze(dim)).squeeze(dim), pool=pool)


def pool_squeeze(pool, dim):
    return Fn(lambda s, x: s.pool(x).squeeze(dim), pool=pool)


def as_double(pool):
    """x.double() -> pool (Cast to float64; the output is float64)."""
    return Fn(lambda s, x: s.pool(x.double()), pool=pool)


# --------------------------------------------------------------------------- inputs

class Gen:
    """Input generators; each case gets its own RNG seeded from its name."""

    def __init__(self, name):
        self.rng = np.random.default_rng(zlib.crc32(name.encode()))

    def randn(self, *shape):
        return self.rng.standard_normal(shape).astype(np.float32)

    def pos(self, *shape):
        """Strictly positive values (for LPPool with a fractional p)."""
        return self.rng.uniform(0.1, 2.0, shape).astype(np.float32)

    def ties(self, *shape):
        """Small integers 0..2 as float32: many equal maxima per window."""
        return self.rng.integers(0, 3, shape).astype(np.float32)

    def special(self, *shape, nan=0, posinf=0, neginf=0, neginf_block=None):
        """randn with NaN / +inf / -inf at random positions; neginf_block = (h0, h1, w0, w1)
        sets that spatial block of every plane to -inf (windows that see only -inf)."""
        x = self.randn(*shape)
        flat = x.reshape(-1)
        idx = self.rng.permutation(flat.size)
        k = 0
        for count, val in ((nan, NAN), (posinf, INF), (neginf, -INF)):
            flat[idx[k:k + count]] = val
            k += count
        if neginf_block is not None:
            h0, h1, w0, w1 = neginf_block
            x[..., h0:h1, w0:w1] = -INF
        return x


# --------------------------------------------------------------------------- cases

CASES = []


def case(name, opset, module, make_inputs, desc, outputs=("y",), dynamic=False, rejected=None):
    """Register a case.  make_inputs(g: Gen) returns the list of float32 inputs.
    dynamic=True marks dim 0 of every input and output as the symbolic 'N'.
    rejected=<reason>: ONNX Runtime does not reproduce PyTorch; not written by default."""
    full = "%s_opset%d" % (name, opset)
    assert all(c[0] != full for c in CASES), full
    CASES.append((full, opset, module, make_inputs, desc, tuple(outputs), dynamic, rejected))


IDX = ("y", "indices")

# Why ONNX Runtime 1.29.0 does not reproduce PyTorch on the rejected cases (observed with
# tools/golden/OrtCheck.java; the numbers quoted are from those runs).
ORT_NAN = ("NaN handling: PyTorch propagates NaN through max pooling, ORT does not; observed: "
           "where PyTorch returns NaN, ORT returns the largest non-NaN value of the window (and "
           "its index)")
ORT_NEGINF = ("a window holding only -inf (and padding) gives -inf in PyTorch but -3.4028235e38 "
              "(lowest finite float32) in ORT")
ORT_AVG_DOUBLE = ("ORT has no float64 AveragePool CPU kernel (NOT_IMPLEMENTED: could not find an "
                  "implementation for AveragePool(10/11)); the graph is valid ONNX")
ORT_OPSET9_CEIL_SHAPE = ("lossy export: at opset 9 AveragePool has no ceil_mode; with count_include_pad "
                         "the exporter first Pads the input and then computes the extra ceil padding "
                         "from the padded size plus the padding again, so the graph yields one window "
                         "more than PyTorch (ORT output [1,1,6], PyTorch [1,1,5])")
ORT_PAD_GE_KERNEL = ("ORT limit: at opset 9 the exporter emulates ceil_mode with extra end padding, "
                     "here pads = [1,1,3,3] with kernel 3, and ORT refuses the node at load time "
                     "('Pad should be smaller than kernel'); the graph itself is right (evaluated "
                     "per the ONNX spec it reproduces PyTorch, checked with -inf / zero padding in "
                     "PyTorch)")

# Rejected cases (not written to the corpus), see the rejected= argument of each:
#   maxpool2d_k2_nan_opset15, maxpool2d_idx_k2_nan_opset16          ORT_NAN
#   maxpool2d_k3_s1_p1_neginf_opset16                               ORT_NEGINF
#   maxpool2d_k3_s2_p1_ceil_opset9, avgpool2d_k3_s2_p1_ceil_nocip_opset9   ORT_PAD_GE_KERNEL
#   avgpool1d_k4_s3_p2_ceil_opset9                                  ORT_OPSET9_CEIL_SHAPE
#   avgpool2d_k2_double_opset17, avgpool1d_double_opset10           ORT_AVG_DOUBLE


def nan_uncovered(x):
    """NaN in rows/columns 2 and 5 of every plane: with kernel 2 stride 3 no window reads them."""
    x[..., 2, :] = NAN
    x[..., 5, :] = NAN
    x[..., :, 2] = NAN
    x[..., :, 5] = NAN
    return x


# ---- MaxPool1d / 2d / 3d -----------------------------------------------------
case("maxpool1d_k3_s2", 9, nn.MaxPool1d(3, 2), lambda g: [g.randn(2, 3, 11)],
     "MaxPool1d k3 s2, batch 2")
case("maxpool1d_k2_s1_p1_d2", 10, nn.MaxPool1d(2, 1, padding=1, dilation=2),
     lambda g: [g.randn(1, 4, 10)], "MaxPool1d k2 s1 pad 1 dilation 2")
case("maxpool1d_k3_s2_ceil", 12, nn.MaxPool1d(3, 2, ceil_mode=True), lambda g: [g.randn(2, 2, 10)],
     "MaxPool1d k3 s2 ceil_mode (partial last window)")
case("maxpool1d_k4_s3_p2_ceil", 16, nn.MaxPool1d(4, 3, padding=2, ceil_mode=True),
     lambda g: [g.randn(1, 3, 13)], "MaxPool1d k4 s3 pad 2 ceil_mode")
case("maxpool2d_k2", 9, nn.MaxPool2d(2), lambda g: [g.randn(1, 3, 6, 6)],
     "MaxPool2d k2 (stride defaults to kernel)")
case("maxpool2d_k3_s2_p1", 11, nn.MaxPool2d(3, 2, 1), lambda g: [g.randn(2, 4, 9, 9)],
     "MaxPool2d k3 s2 pad 1, batch 2 x 4 channels")
case("maxpool2d_k3_s2_ceil", 9, nn.MaxPool2d(3, 2, ceil_mode=True), lambda g: [g.randn(1, 2, 8, 8)],
     "MaxPool2d k3 s2 ceil_mode; opset 9 has no ceil_mode, the exporter adds end padding")
case("maxpool2d_k3_s2_p1_ceil", 13, nn.MaxPool2d(3, 2, 1, ceil_mode=True),
     lambda g: [g.randn(1, 2, 10, 7)], "MaxPool2d k3 s2 pad 1 ceil_mode, non-square input")
case("maxpool2d_k3_p1_d2", 12, nn.MaxPool2d(3, 1, padding=1, dilation=2),
     lambda g: [g.randn(1, 2, 9, 9)], "MaxPool2d k3 s1 pad 1 dilation 2")
case("maxpool2d_k2x3_s1x2_p1x0", 14, nn.MaxPool2d((2, 3), (1, 2), (1, 0)),
     lambda g: [g.randn(2, 2, 7, 8)], "MaxPool2d non-square kernel (2,3) stride (1,2) pad (1,0)")
case("maxpool2d_k2x3_s2_p1_d2x1_ceil", 17,
     nn.MaxPool2d((2, 3), 2, padding=1, dilation=(2, 1), ceil_mode=True),
     lambda g: [g.randn(1, 3, 9, 10)], "MaxPool2d kernel (2,3) s2 pad 1 dilation (2,1) ceil_mode")
case("maxpool2d_k2_nan", 15, nn.MaxPool2d(2), lambda g: [g.special(1, 2, 6, 6, nan=5)],
     "MaxPool2d k2 with 5 NaN inputs (PyTorch propagates NaN)", rejected=ORT_NAN)
case("maxpool2d_k2_s3_nan_uncovered", 14, nn.MaxPool2d(2, 3), lambda g: [nan_uncovered(g.randn(1, 2, 8, 8))],
     "MaxPool2d k2 s3; NaN only in rows/columns 2 and 5, which no window reads")
case("maxpool2d_idx_k2_s3_nan_uncovered", 10, nn.MaxPool2d(2, 3, return_indices=True),
     lambda g: [nan_uncovered(g.randn(2, 1, 8, 8))],
     "MaxPool2d k2 s3 return_indices; NaN only in rows/columns no window reads", outputs=IDX)
case("maxpool2d_k3_s1_p1_neginf", 16, nn.MaxPool2d(3, 1, 1),
     lambda g: [g.special(1, 2, 7, 7, neginf=4, neginf_block=(0, 4, 0, 4))],
     "MaxPool2d k3 s1 pad 1 with -inf inputs, some windows entirely -inf", rejected=ORT_NEGINF)
case("maxpool2d_k2_inf", 11, nn.MaxPool2d(2), lambda g: [g.special(1, 3, 6, 6, posinf=3, neginf=3)],
     "MaxPool2d k2 with +inf and -inf inputs")
case("maxpool2d_k3_s2_ties", 17, nn.MaxPool2d(3, 2), lambda g: [g.ties(2, 2, 7, 7)],
     "MaxPool2d k3 s2, values in {0,1,2} (ties)")
case("maxpool2d_k2_batch3", 10, nn.MaxPool2d(2, 2), lambda g: [g.randn(3, 5, 6, 6)],
     "MaxPool2d k2 s2, batch 3 x 5 channels")
case("maxpool2d_k3_s2_double", 13, as_double(nn.MaxPool2d(3, 2)), lambda g: [g.randn(1, 2, 7, 7)],
     "x.double() then MaxPool2d k3 s2: Cast to float64, float64 output")
case("maxpool2d_k3_s2_p1_ceil", 9, nn.MaxPool2d(3, 2, 1, ceil_mode=True), lambda g: [g.randn(1, 2, 8, 8)],
     "MaxPool2d k3 s2 pad 1 ceil_mode at opset 9 (end pads 3)", rejected=ORT_PAD_GE_KERNEL)
case("maxpool3d_k2", 10, nn.MaxPool3d(2), lambda g: [g.randn(1, 2, 4, 4, 4)], "MaxPool3d k2")
case("maxpool3d_k3_s2_p1", 11, nn.MaxPool3d(3, 2, 1), lambda g: [g.randn(2, 2, 5, 5, 5)],
     "MaxPool3d k3 s2 pad 1, batch 2")
case("maxpool3d_k2_d2", 13, nn.MaxPool3d(2, 1, dilation=2), lambda g: [g.randn(1, 1, 6, 6, 6)],
     "MaxPool3d k2 s1 dilation 2")
case("maxpool3d_k2x3x2_s2_p1_ceil", 17, nn.MaxPool3d((2, 3, 2), 2, 1, ceil_mode=True),
     lambda g: [g.randn(1, 2, 5, 7, 6)], "MaxPool3d kernel (2,3,2) s2 pad 1 ceil_mode")
case("maxpool3d_k3_s2_ceil", 9, nn.MaxPool3d(3, 2, ceil_mode=True), lambda g: [g.randn(1, 1, 8, 8, 8)],
     "MaxPool3d k3 s2 ceil_mode at opset 9 (end padding)")

# ---- MaxPool with return_indices (second MaxPool k1 + Slice + Sub) -------------
case("maxpool1d_idx_k2", 9, nn.MaxPool1d(2, return_indices=True), lambda g: [g.randn(2, 3, 8)],
     "MaxPool1d k2 return_indices (int64 per-plane indices)", outputs=IDX)
case("maxpool1d_idx_k3_s2_p1_ceil", 17, nn.MaxPool1d(3, 2, 1, ceil_mode=True, return_indices=True),
     lambda g: [g.randn(1, 3, 10)], "MaxPool1d k3 s2 pad 1 ceil_mode return_indices", outputs=IDX)
case("maxpool2d_idx_k2", 9, nn.MaxPool2d(2, return_indices=True), lambda g: [g.randn(1, 2, 6, 6)],
     "MaxPool2d k2 return_indices", outputs=IDX)
case("maxpool2d_idx_k3_s2_p1", 10, nn.MaxPool2d(3, 2, 1, return_indices=True),
     lambda g: [g.randn(2, 3, 7, 7)], "MaxPool2d k3 s2 pad 1 return_indices, batch 2", outputs=IDX)
case("maxpool2d_idx_k2_s1", 11, nn.MaxPool2d(2, 1, return_indices=True),
     lambda g: [g.randn(1, 3, 5, 6)], "MaxPool2d k2 s1 (overlapping) return_indices", outputs=IDX)
case("maxpool2d_idx_k3_s2_ceil", 12, nn.MaxPool2d(3, 2, ceil_mode=True, return_indices=True),
     lambda g: [g.randn(1, 2, 8, 8)], "MaxPool2d k3 s2 ceil_mode return_indices", outputs=IDX)
case("maxpool2d_idx_k3_p1_d2", 13, nn.MaxPool2d(3, 2, 1, dilation=2, return_indices=True),
     lambda g: [g.randn(1, 2, 9, 9)], "MaxPool2d k3 s2 pad 1 dilation 2 return_indices", outputs=IDX)
case("maxpool2d_idx_k2x3", 14, nn.MaxPool2d((2, 3), return_indices=True),
     lambda g: [g.randn(2, 2, 6, 9)], "MaxPool2d kernel (2,3) return_indices", outputs=IDX)
case("maxpool2d_idx_k2_ties", 15, nn.MaxPool2d(2, return_indices=True), lambda g: [g.ties(1, 3, 6, 6)],
     "MaxPool2d k2 return_indices with ties (first maximum wins)", outputs=IDX)
case("maxpool2d_idx_k3_s1_p1_ties", 17, nn.MaxPool2d(3, 1, 1, return_indices=True),
     lambda g: [g.ties(1, 2, 5, 5)], "MaxPool2d k3 s1 pad 1 return_indices with ties", outputs=IDX)
case("maxpool2d_idx_k2_neginf", 16, nn.MaxPool2d(2, return_indices=True),
     lambda g: [g.special(1, 2, 6, 6, neginf=5)], "MaxPool2d k2 return_indices with some -inf inputs",
     outputs=IDX)
case("maxpool2d_idx_k2_nan", 16, nn.MaxPool2d(2, return_indices=True),
     lambda g: [g.special(1, 2, 6, 6, nan=4)], "MaxPool2d k2 return_indices with NaN inputs",
     outputs=IDX, rejected=ORT_NAN)
case("maxpool3d_idx_k2", 17, nn.MaxPool3d(2, return_indices=True), lambda g: [g.randn(1, 2, 4, 4, 4)],
     "MaxPool3d k2 return_indices", outputs=IDX)
case("maxpool3d_idx_k3_s2_p1", 11, nn.MaxPool3d(3, 2, 1, return_indices=True),
     lambda g: [g.randn(2, 1, 5, 6, 5)], "MaxPool3d k3 s2 pad 1 return_indices, batch 2", outputs=IDX)

# ---- AvgPool1d / 2d / 3d (count_include_pad=True with padding -> Pad + AveragePool) ----
case("avgpool1d_k3", 9, nn.AvgPool1d(3), lambda g: [g.randn(2, 3, 12)], "AvgPool1d k3")
case("avgpool1d_k3_s2_p1", 10, nn.AvgPool1d(3, 2, 1), lambda g: [g.randn(1, 4, 11)],
     "AvgPool1d k3 s2 pad 1 count_include_pad=True (Pad + AveragePool)")
case("avgpool1d_k3_s2_p1_nocip", 11, nn.AvgPool1d(3, 2, 1, count_include_pad=False),
     lambda g: [g.randn(1, 4, 11)], "AvgPool1d k3 s2 pad 1 count_include_pad=False")
case("avgpool1d_k3_s2_ceil", 12, nn.AvgPool1d(3, 2, ceil_mode=True), lambda g: [g.randn(2, 2, 10)],
     "AvgPool1d k3 s2 ceil_mode (partial last window)")
case("avgpool1d_k4_s3_p2_ceil_nocip", 16, nn.AvgPool1d(4, 3, 2, ceil_mode=True, count_include_pad=False),
     lambda g: [g.randn(1, 3, 13)], "AvgPool1d k4 s3 pad 2 ceil_mode count_include_pad=False")
case("avgpool2d_k2", 9, nn.AvgPool2d(2), lambda g: [g.randn(1, 3, 6, 6)], "AvgPool2d k2")
case("avgpool2d_k3_s2_p1", 9, nn.AvgPool2d(3, 2, 1), lambda g: [g.randn(2, 2, 7, 7)],
     "AvgPool2d k3 s2 pad 1 count_include_pad=True (Pad + AveragePool)")
case("avgpool2d_k3_s2_p1_nocip", 13, nn.AvgPool2d(3, 2, 1, count_include_pad=False),
     lambda g: [g.randn(2, 2, 7, 7)], "AvgPool2d k3 s2 pad 1 count_include_pad=False")
case("avgpool2d_k3_s2_ceil", 9, nn.AvgPool2d(3, 2, ceil_mode=True), lambda g: [g.randn(1, 2, 8, 8)],
     "AvgPool2d k3 s2 ceil_mode at opset 9 (exporter emulates ceil_mode with end padding)")
case("avgpool2d_k3_s2_ceil", 10, nn.AvgPool2d(3, 2, ceil_mode=True), lambda g: [g.randn(1, 2, 8, 8)],
     "AvgPool2d k3 s2 ceil_mode (AveragePool ceil_mode attribute)")
case("avgpool2d_k3_s2_p1_ceil", 17, nn.AvgPool2d(3, 2, 1, ceil_mode=True), lambda g: [g.randn(1, 2, 8, 8)],
     "AvgPool2d k3 s2 pad 1 ceil_mode count_include_pad=True")
case("avgpool2d_k3_s2_p1_ceil_nocip", 16, nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False),
     lambda g: [g.randn(1, 2, 8, 8)], "AvgPool2d k3 s2 pad 1 ceil_mode count_include_pad=False")
case("avgpool2d_k3_s2_p1_ceil_nocip", 10, nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False),
     lambda g: [g.randn(1, 2, 8, 8)], "AvgPool2d k3 s2 pad 1 ceil_mode count_include_pad=False")
case("avgpool2d_k2x3_s1x2_p1x0", 14, nn.AvgPool2d((2, 3), (1, 2), (1, 0)),
     lambda g: [g.randn(2, 2, 7, 8)], "AvgPool2d kernel (2,3) stride (1,2) pad (1,0)")
case("avgpool2d_k2x3_s1x2_p1x1_nocip", 15, nn.AvgPool2d((2, 3), (1, 2), 1, count_include_pad=False),
     lambda g: [g.randn(1, 3, 6, 7)], "AvgPool2d kernel (2,3) stride (1,2) pad 1 count_include_pad=False")
case("avgpool2d_k2_batch3", 12, nn.AvgPool2d(2), lambda g: [g.randn(3, 4, 6, 8)],
     "AvgPool2d k2, batch 3 x 4 channels")
case("avgpool2d_k2_s3_ceil", 15, nn.AvgPool2d(2, 3, ceil_mode=True), lambda g: [g.randn(1, 2, 8, 8)],
     "AvgPool2d k2 s3 ceil_mode (stride > kernel)")
case("avgpool2d_k3_s2_p1_ceil", 9, nn.AvgPool2d(3, 2, 1, ceil_mode=True), lambda g: [g.randn(1, 2, 8, 8)],
     "AvgPool2d k3 s2 pad 1 ceil_mode at opset 9")
case("avgpool2d_k3_s2_ceil_nocip", 9, nn.AvgPool2d(3, 2, ceil_mode=True, count_include_pad=False),
     lambda g: [g.randn(1, 2, 7, 7)], "AvgPool2d k3 s2 ceil_mode count_include_pad=False at opset 9")
case("avgpool2d_k3_s2_p1_nan", 13, nn.AvgPool2d(3, 2, 1), lambda g: [g.special(1, 2, 7, 7, nan=3)],
     "AvgPool2d k3 s2 pad 1 with 3 NaN inputs (NaN propagates through the sums)")
case("avgpool2d_k2_inf", 16, nn.AvgPool2d(2), lambda g: [g.special(1, 2, 6, 6, posinf=3, neginf=3)],
     "AvgPool2d k2 with +inf/-inf inputs (+inf, -inf or NaN averages)")
case("avgpool1d_k4_s3_p2_ceil", 9, nn.AvgPool1d(4, 3, 2, ceil_mode=True), lambda g: [g.randn(1, 1, 13)],
     "AvgPool1d k4 s3 pad 2 ceil_mode count_include_pad=True at opset 9", rejected=ORT_OPSET9_CEIL_SHAPE)
case("avgpool2d_k3_s2_p1_ceil_nocip", 9, nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False),
     lambda g: [g.randn(1, 2, 8, 8)], "AvgPool2d k3 s2 pad 1 ceil_mode count_include_pad=False at opset 9",
     rejected=ORT_PAD_GE_KERNEL)
case("avgpool2d_k2_double", 17, as_double(nn.AvgPool2d(2)), lambda g: [g.randn(1, 2, 6, 6)],
     "x.double() then AvgPool2d k2: float64 output", rejected=ORT_AVG_DOUBLE)
case("avgpool3d_k2", 11, nn.AvgPool3d(2), lambda g: [g.randn(1, 2, 4, 4, 4)], "AvgPool3d k2")
case("avgpool3d_k2_s1", 9, nn.AvgPool3d(2, 1), lambda g: [g.randn(1, 2, 4, 4, 4)], "AvgPool3d k2 s1")
case("avgpool3d_k3_s2_p1", 15, nn.AvgPool3d(3, 2, 1), lambda g: [g.randn(2, 2, 5, 5, 5)],
     "AvgPool3d k3 s2 pad 1 count_include_pad=True, batch 2")
case("avgpool3d_k3_s2_p1_ceil_nocip", 17, nn.AvgPool3d(3, 2, 1, ceil_mode=True, count_include_pad=False),
     lambda g: [g.randn(1, 2, 6, 6, 6)], "AvgPool3d k3 s2 pad 1 ceil_mode count_include_pad=False")

# ---- LPPool1d / 2d (Pow, AveragePool, Sign, Abs, Relu, Mul, Mul, Pow) ----------
case("lppool1d_p2_k3_s2", 9, nn.LPPool1d(2, 3, 2), lambda g: [g.randn(2, 3, 11)], "LPPool1d p=2 k3 s2")
case("lppool1d_p1_k2", 13, nn.LPPool1d(1, 2), lambda g: [g.randn(1, 4, 10)],
     "LPPool1d p=1 k2 (window sums)")
case("lppool2d_p2_k2", 11, nn.LPPool2d(2, 2), lambda g: [g.randn(1, 3, 6, 6)], "LPPool2d p=2 k2")
case("lppool2d_p3_k3_s2", 14, nn.LPPool2d(3, 3, 2), lambda g: [g.pos(1, 2, 7, 7)],
     "LPPool2d p=3 k3 s2, positive inputs")
case("lppool2d_p2_k2x3_ceil", 16, nn.LPPool2d(2, (2, 3), 2, ceil_mode=True),
     lambda g: [g.randn(1, 2, 7, 8)], "LPPool2d p=2 kernel (2,3) s2 ceil_mode")
case("lppool2d_p1_5_k2", 17, nn.LPPool2d(1.5, 2), lambda g: [g.pos(1, 2, 6, 6)],
     "LPPool2d p=1.5 k2, positive inputs")
case("lppool2d_p2_k2_batch2", 10, nn.LPPool2d(2, 2), lambda g: [g.randn(2, 3, 4, 6)],
     "LPPool2d p=2 k2, batch 2")
case("lppool2d_p3_k2_mixed", 12, nn.LPPool2d(3, 2), lambda g: [g.randn(1, 2, 6, 6)],
     "LPPool2d p=3 k2 with mixed signs (negative window sums give NaN)")

# ---- Adaptive pools (divisible sizes -> fixed kernels; size 1 -> global) -------
case("adaptiveavgpool1d_4", 9, nn.AdaptiveAvgPool1d(4), lambda g: [g.randn(2, 3, 12)],
     "AdaptiveAvgPool1d 12 -> 4 (AveragePool k3 s3)")
case("adaptiveavgpool1d_1", 13, nn.AdaptiveAvgPool1d(1), lambda g: [g.randn(2, 3, 7)],
     "AdaptiveAvgPool1d -> 1 (GlobalAveragePool)")
case("adaptiveavgpool2d_2x3", 10, nn.AdaptiveAvgPool2d((2, 3)), lambda g: [g.randn(1, 3, 6, 6)],
     "AdaptiveAvgPool2d 6x6 -> 2x3")
case("adaptiveavgpool2d_1", 11, nn.AdaptiveAvgPool2d(1), lambda g: [g.randn(2, 4, 5, 7)],
     "AdaptiveAvgPool2d -> 1x1 (GlobalAveragePool)")
case("adaptiveavgpool2d_3x2", 14, nn.AdaptiveAvgPool2d((3, 2)), lambda g: [g.randn(1, 2, 6, 8)],
     "AdaptiveAvgPool2d 6x8 -> 3x2")
case("adaptiveavgpool3d_2", 12, nn.AdaptiveAvgPool3d(2), lambda g: [g.randn(1, 2, 4, 4, 6)],
     "AdaptiveAvgPool3d 4x4x6 -> 2x2x2")
case("adaptiveavgpool3d_1", 17, nn.AdaptiveAvgPool3d(1), lambda g: [g.randn(2, 2, 3, 4, 5)],
     "AdaptiveAvgPool3d -> 1 (GlobalAveragePool)")
case("adaptivemaxpool1d_3", 9, nn.AdaptiveMaxPool1d(3), lambda g: [g.randn(2, 2, 9)],
     "AdaptiveMaxPool1d 9 -> 3 (MaxPool k3 s3)")
case("adaptivemaxpool2d_2", 11, nn.AdaptiveMaxPool2d(2), lambda g: [g.randn(1, 3, 6, 8)],
     "AdaptiveMaxPool2d 6x8 -> 2x2")
case("adaptivemaxpool2d_1", 15, nn.AdaptiveMaxPool2d(1), lambda g: [g.randn(2, 2, 5, 5)],
     "AdaptiveMaxPool2d -> 1x1 (MaxPool over the whole plane)")
case("adaptivemaxpool2d_idx_3", 16, nn.AdaptiveMaxPool2d(3, return_indices=True),
     lambda g: [g.randn(1, 2, 6, 9)], "AdaptiveMaxPool2d 6x9 -> 3x3 return_indices", outputs=IDX)
case("adaptivemaxpool3d_2", 13, nn.AdaptiveMaxPool3d(2), lambda g: [g.randn(1, 2, 4, 6, 4)],
     "AdaptiveMaxPool3d 4x6x4 -> 2x2x2")

# ---- pools inside small modules (shape / layout ops) ---------------------------
case("maxpool2d_flatten", 9, flatten_after(nn.MaxPool2d(2)), lambda g: [g.randn(2, 3, 4, 4)],
     "MaxPool2d k2 then torch.flatten(y, 1)")
case("avgpool2d_flatten", 13, flatten_after(nn.AvgPool2d(2)), lambda g: [g.randn(2, 3, 4, 6)],
     "AvgPool2d k2 then torch.flatten(y, 1)")
case("maxpool2d_view", 11, view_after(nn.MaxPool2d(2)), lambda g: [g.randn(2, 3, 4, 4)],
     "MaxPool2d k2 then y.view(x.size(0), -1), static shapes")
case("maxpool2d_view_dynbatch", 11, view_after(nn.MaxPool2d(2)), lambda g: [g.randn(3, 2, 4, 4)],
     "MaxPool2d k2 then y.view(x.size(0), -1), dynamic batch axis N=3", dynamic=True)
case("avgpool2d_view_dynbatch", 14, view_after(nn.AvgPool2d(3, 2, 1)), lambda g: [g.randn(2, 3, 5, 5)],
     "AvgPool2d k3 s2 pad 1 then view(x.size(0), -1), dynamic batch axis N=2", dynamic=True)
case("adaptiveavgpool2d_flatten_dynbatch", 17, flatten_after(nn.AdaptiveAvgPool2d(1)),
     lambda g: [g.randn(2, 4, 3, 5)], "AdaptiveAvgPool2d 1 then flatten, dynamic batch axis N=2",
     dynamic=True)
case("maxpool2d_idx_dynbatch", 13, nn.MaxPool2d(2, return_indices=True), lambda g: [g.randn(2, 2, 4, 6)],
     "MaxPool2d k2 return_indices, dynamic batch axis N=2", outputs=IDX, dynamic=True)
case("maxpool2d_nhwc", 12, channels_last(nn.MaxPool2d(2)), lambda g: [g.randn(1, 6, 6, 3)],
     "channels-last: NHWC input -> permute to NCHW -> MaxPool2d k2 -> permute back")
case("avgpool2d_nhwc", 17, channels_last(nn.AvgPool2d(3, 2, 1)), lambda g: [g.randn(2, 5, 5, 4)],
     "channels-last: NHWC -> NCHW -> AvgPool2d k3 s2 pad 1 -> NHWC")
case("maxpool1d_unsqueeze_squeeze", 11, unsqueeze_pool_squeeze(nn.MaxPool1d(2), 1),
     lambda g: [g.randn(2, 12)], "(N, L) -> unsqueeze(1) -> MaxPool1d k2 -> squeeze(1)")
case("avgpool1d_unsqueeze_squeeze", 13, unsqueeze_pool_squeeze(nn.AvgPool1d(3, 1, 1), 1),
     lambda g: [g.randn(3, 10)], "(N, L) -> unsqueeze(1) -> AvgPool1d k3 s1 pad 1 -> squeeze(1)")
case("maxpool2d_1xk_unsqueeze_squeeze", 15, unsqueeze_pool_squeeze(nn.MaxPool2d((1, 3), (1, 2)), 2),
     lambda g: [g.randn(2, 3, 11)], "(N, C, L) -> unsqueeze(2) -> MaxPool2d kernel (1,3) stride (1,2) -> squeeze(2)")
case("maxpool2d_squeeze", 16, pool_squeeze(nn.MaxPool2d(2), 1), lambda g: [g.randn(2, 1, 6, 6)],
     "MaxPool2d k2 on one channel then squeeze(1)")
case("avgpool1d_double", 10, as_double(nn.AvgPool1d(2)), lambda g: [g.randn(2, 2, 8)],
     "x.double() then AvgPool1d k2: float64 output", rejected=ORT_AVG_DOUBLE)
case("stem_maxpool_gap_flatten", 11,
     nn.Sequential(nn.MaxPool2d(3, 2, 1), nn.AdaptiveAvgPool2d(1), nn.Flatten()),
     lambda g: [g.randn(2, 3, 8, 8)], "ResNet-like tail: MaxPool2d k3 s2 pad 1 -> AdaptiveAvgPool2d 1 -> Flatten")
case("maxpool_avgpool_chain", 16, nn.Sequential(nn.MaxPool2d(2, 1), nn.AvgPool2d(2, 2, ceil_mode=True)),
     lambda g: [g.randn(1, 2, 8, 8)], "MaxPool2d k2 s1 then AvgPool2d k2 s2 ceil_mode")
case("maxpool3d_flatten_dynbatch", 15, view_after(nn.MaxPool3d(2)), lambda g: [g.randn(2, 2, 4, 4, 4)],
     "MaxPool3d k2 then view(x.size(0), -1), dynamic batch axis N=2", dynamic=True)


# --------------------------------------------------------------------------- export

def export_case(full, opset, module, inputs, outputs, dynamic):
    """Returns (model_proto, input_arrays, expected_arrays)."""
    torch.manual_seed(0)
    module.eval()
    tin = [torch.from_numpy(x.copy()) for x in inputs]
    with torch.no_grad():
        res = module(*tin)
    res = list(res) if isinstance(res, (tuple, list)) else [res]
    assert len(res) == len(outputs), (full, len(res))
    in_names = ["x"] if len(inputs) == 1 else ["x%d" % i for i in range(len(inputs))]
    dyn = None
    if dynamic:
        dyn = {n: {0: "N"} for n in in_names + list(outputs)}
    buf = io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(module, tuple(tin), buf, opset_version=opset, input_names=in_names,
                          output_names=list(outputs), dynamic_axes=dyn)
    model = onnx.load_from_string(buf.getvalue())
    model.graph.name = full
    model.doc_string = ""
    for n in model.graph.node:
        n.doc_string = ""
    onnx.checker.check_model(model)
    g_in = [i.name for i in model.graph.input]
    g_out = [o.name for o in model.graph.output]
    assert g_in == in_names, (full, g_in)
    assert g_out == list(outputs), (full, g_out)
    expected = [r.numpy() for r in res]
    return model, dict(zip(in_names, inputs)), dict(zip(outputs, expected))


def shape_str(name, arr, dynamic):
    dims = [str(d) for d in arr.shape]
    if dynamic:
        dims[0] = "N=" + dims[0]
    return "%s:%s[%s]" % (name, arr.dtype.name, ",".join(dims))


def write_case(root, full, model, ins, outs):
    d = os.path.join(root, full)
    ds = os.path.join(d, "test_data_set_0")
    os.makedirs(ds, exist_ok=True)
    onnx.save(model, os.path.join(d, "model.onnx"))
    for i, (n, a) in enumerate(ins.items()):
        with open(os.path.join(ds, "input_%d.pb" % i), "wb") as f:
            f.write(numpy_helper.from_array(np.ascontiguousarray(a), n).SerializeToString())
    for j, (n, a) in enumerate(outs.items()):
        with open(os.path.join(ds, "output_%d.pb" % j), "wb") as f:
            f.write(numpy_helper.from_array(np.ascontiguousarray(a), n).SerializeToString())


def clear_cases(root):
    """Remove previously generated case folders (those holding a model.onnx); keep the rest."""
    if not os.path.isdir(root):
        return
    for e in sorted(os.listdir(root)):
        p = os.path.join(root, e)
        if os.path.isdir(p) and os.path.exists(os.path.join(p, "model.onnx")):
            shutil.rmtree(p)


def generate(root, include_rejected):
    os.makedirs(root, exist_ok=True)
    clear_cases(root)
    rows = []
    for full, opset, module, make_inputs, desc, outputs, dynamic, rejected in CASES:
        if rejected and not include_rejected:
            continue
        inputs = make_inputs(Gen(full))
        assert all(x.size <= 2000 for x in inputs), full
        model, ins, outs = export_case(full, opset, module, inputs, outputs, dynamic)
        write_case(root, full, model, ins, outs)
        ops = ",".join(n.op_type for n in model.graph.node)
        notes = []
        for o in model.graph.output:
            dims = o.type.tensor_type.shape.dim
            declared = [d.dim_value if d.HasField("dim_value") else None for d in dims]
            actual = list(outs[o.name].shape)
            if len(declared) != len(actual) or any(d is not None and d != a
                                                   for d, a in zip(declared, actual)):
                notes.append("graph declares %s:[%s]" % (o.name, ",".join(
                    "?" if d is None else str(d) for d in declared)))
        if notes:  # see README.md: declared shape != the shape PyTorch (and ORT) produce
            desc = desc + " (" + "; ".join(notes) + ")"
        rows.append("\t".join([
            full, str(opset), ops,
            " ".join(shape_str(n, a, dynamic) for n, a in ins.items()),
            " ".join(shape_str(n, a, dynamic) for n, a in outs.items()),
            desc + (" [REJECTED: %s]" % rejected if rejected else "")]))
    with open(os.path.join(root, "cases.tsv"), "w") as f:
        f.write("case\topset\top_types\tinputs\toutputs\tdescription\n")
        f.write("\n".join(rows) + "\n")
    print("%d cases written to %s" % (len(rows), root))


# --------------------------------------------------------------------------- export failures

# Modules that torch.onnx.export (PyTorch 1.13) refuses, at every opset tried; not in the corpus.
EXPORT_FAILURES = [
    ("MaxUnpool2d after MaxPool2d(return_indices=True)",
     lambda: Fn(lambda s, x: s.u(*s.p(x)), p=nn.MaxPool2d(2, return_indices=True), u=nn.MaxUnpool2d(2)),
     (1, 2, 4, 4)),   # UnsupportedOperatorError: aten::max_unpool2d (opsets 9..17)
    ("AvgPool2d divisor_override=3",
     lambda: nn.AvgPool2d(2, divisor_override=3), (1, 2, 4, 4)),   # "avg_pool2d, divisor_override"
    ("AdaptiveAvgPool2d 4x4 -> 3 (not a divisor)",
     lambda: nn.AdaptiveAvgPool2d(3), (1, 2, 4, 4)),   # "output size that are not factor of input size"
    ("AdaptiveMaxPool2d 5x5 -> 2 (not a divisor)",
     lambda: nn.AdaptiveMaxPool2d(2), (1, 2, 5, 5)),   # same message
    ("FractionalMaxPool2d",
     lambda: nn.FractionalMaxPool2d(2, output_size=2), (1, 2, 4, 4)),   # aten::fractional_max_pool2d
]


def try_failing():
    for desc, make, shape in EXPORT_FAILURES:
        for opset in (9, 11, 13, 17):
            try:
                torch.onnx.export(make(), (torch.randn(*shape),), io.BytesIO(), opset_version=opset)
                print("EXPORTED  opset %d  %s" % (opset, desc))
            except Exception as e:  # noqa: BLE001 - we only report
                print("FAILED    opset %d  %s: %s: %s" % (opset, desc, type(e).__name__,
                                                         str(e).splitlines()[0][:120]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT, help="corpus folder (default: %(default)s)")
    ap.add_argument("--include-rejected", metavar="DIR",
                    help="write every case, ONNX-Runtime-rejected ones included, to DIR instead")
    ap.add_argument("--try-failing", action="store_true", help="re-attempt the known export failures")
    a = ap.parse_args()
    if a.try_failing:
        try_failing()
        return
    if a.include_rejected:
        generate(a.include_rejected, True)
    else:
        generate(a.out, False)


if __name__ == "__main__":
    sys.exit(main())
