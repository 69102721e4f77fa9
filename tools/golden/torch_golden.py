#!/usr/bin/python3
"""Generate PyTorch golden test data for pooling4j.

Usage (Debian's PyTorch lives in the system interpreter):

    /usr/bin/python3 tools/golden/torch_golden.py OUTDIR

Writes
    OUTDIR/jobs.jsonl          one job object per line (pooling4j job format)
    OUTDIR/in/<id>.*.npy       inputs read by the runner (input, grad_output,
                               random_samples, indices for max_unpool)
    OUTDIR/expected/<id>.*.npy PyTorch results; file name equals the basename
                               of the job's "output" / "indices" key, which
                               point under out/
    OUTDIR/README.md

Everything is deterministic (fixed seeds, single thread).  Configurations that
PyTorch rejects are skipped (reported at the end), so the emitted jobs are
exactly those PyTorch accepts.

Job format summary
    id, op                      op is a torch.nn.functional name, optionally
                                with suffix _backward (grad w.r.t. input)
    kernel_size, stride, padding, dilation, ceil_mode, count_include_pad,
    divisor_override, norm_type, output_size, output_ratio
                                PyTorch parameter names; spatial values as
                                lists or bare ints; missing = PyTorch default
    input, grad_output, random_samples   .npy files read by the runner
    indices                     forward max-type ops: written (out/...);
                                max_unpool[_backward]: read (in/...)
    output                      written (out/...)
    memory_format               optional, "channels_last" (4-D and 5-D data)

lp_pool3d does not exist in PyTorch 1.13; it is computed here with the
formula PyTorch >= 2.2 uses (identical in structure to lp_pool1d/2d):
    out = avg_pool3d(x.pow(p), k, stride, 0, ceil_mode)
    out = (sign(out) * relu(abs(out))).mul(kD*kH*kW).pow(1/p)
"""

import json
import os
import shutil
import sys
from collections import OrderedDict, Counter

import numpy as np
import torch
import torch.nn.functional as F

SEED = 1234567
NAN = float("nan")
INF = float("inf")

# --------------------------------------------------------------------------
# torch wrappers
# --------------------------------------------------------------------------


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """PyTorch >= 2.2 lp_pool3d (not available in 1.13)."""
    if hasattr(F, "lp_pool3d"):
        return F.lp_pool3d(input, norm_type, kernel_size, stride=stride, ceil_mode=ceil_mode)
    kd, kh, kw = torch.nn.modules.utils._triple(kernel_size)
    if stride is not None:
        out = F.avg_pool3d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    else:
        out = F.avg_pool3d(input.pow(norm_type), kernel_size, padding=0, ceil_mode=ceil_mode)
    return (torch.sign(out) * F.relu(torch.abs(out))).mul(kd * kw * kh).pow(1.0 / norm_type)


def _tup(v):
    if isinstance(v, list):
        return tuple(v)
    return v


def torch_params(base, params):
    """Translate JSON job params into keyword arguments for torch."""
    kw = {}
    for k, v in params.items():
        v = _tup(v)
        if base == "lp_pool1d" and k == "kernel_size" and isinstance(v, tuple):
            v = v[0]  # torch 1.13 lp_pool1d does out.mul(kernel_size): needs an int
        kw[k] = v
    return kw


MAX_TYPE = ("max_pool", "adaptive_max_pool", "fractional_max_pool")


def is_max_type(base):
    return base.startswith(MAX_TYPE)


def forward(base, x, params, rs=None, idx=None, want_idx=False):
    kw = torch_params(base, params)
    if base.startswith("max_pool"):
        return getattr(F, base)(x, return_indices=want_idx, **kw)
    if base.startswith("avg_pool"):
        return getattr(F, base)(x, **kw)
    if base == "lp_pool3d":
        return lp_pool3d(x, **kw)
    if base.startswith("lp_pool"):
        return getattr(F, base)(x, **kw)
    if base.startswith("adaptive_max_pool"):
        return getattr(F, base)(x, return_indices=want_idx, **kw)
    if base.startswith("adaptive_avg_pool"):
        return getattr(F, base)(x, **kw)
    if base.startswith("fractional_max_pool"):
        return getattr(F, base)(x, return_indices=want_idx, _random_samples=rs, **kw)
    if base.startswith("max_unpool"):
        return getattr(F, base)(x, idx, **kw)
    raise ValueError(base)


def cl_format(x):
    return torch.channels_last if x.dim() == 4 else torch.channels_last_3d


# --------------------------------------------------------------------------
# data helpers (all driven by one numpy Generator)
# --------------------------------------------------------------------------

rng = np.random.default_rng(SEED)


def f32(a):
    return np.asarray(a, dtype=np.float32)


def randn(shape):
    return f32(rng.standard_normal(shape))


def perm(shape, scale=0.25, shift=0.5):
    """Distinct, exactly representable values (no ties), mixed sign, no zero."""
    n = int(np.prod(shape))
    return f32(((rng.permutation(n) - n // 2) + shift) * scale).reshape(shape)


def pos_perm(shape, scale=0.125):
    """Distinct, positive values (no ties, no zero)."""
    n = int(np.prod(shape))
    return f32((rng.permutation(n) + 1) * scale).reshape(shape)


def pos(shape):
    """Positive random values (for lp_pool), bounded away from 0."""
    return f32(np.abs(rng.standard_normal(shape)) + 0.05)


def ints(shape, lo=0, hi=3):
    """Integer valued -> many ties."""
    return f32(rng.integers(lo, hi + 1, size=shape))


def const(shape, v=1.5):
    return np.full(shape, v, dtype=np.float32)


def quarters(shape):
    """Gradient values that are multiples of 0.25 (exact sums)."""
    return f32(rng.integers(-8, 9, size=shape) * 0.25)


def with_values(a, assignments):
    """Set a[index] = value for (index tuple, value) pairs."""
    a = a.copy()
    for ix, v in assignments:
        a[ix] = v
    return a


# --------------------------------------------------------------------------
# job writer
# --------------------------------------------------------------------------


class Golden:
    def __init__(self, outdir):
        self.outdir = outdir
        self.jobs = []
        self.ids = set()
        self.per_op = Counter()
        self.skipped = []

    def _save(self, rel, arr, dtype):
        arr = np.ascontiguousarray(np.asarray(arr).astype(dtype))
        np.save(os.path.join(self.outdir, rel), arr, allow_pickle=False)

    def emit(self, op, tag, params, x, *, grad="auto", rs=None, idx=None,
             want_idx=None, cl=False):
        """Emit one job.

        op        torch.nn.functional name, optionally with _backward suffix
        params    JSON params (lists / ints / None), also passed to torch
        x         numpy float32 input (forward input; pooled values for max_unpool)
        grad      backward only: 'auto' | 'randn' | 'quarters' | ndarray
        rs        numpy random samples (fractional)
        idx       numpy int64 indices (max_unpool: read)
        want_idx  forward max-type: write indices (default True)
        cl        channels-last memory format
        """
        backward = op.endswith("_backward")
        base = op[: -len("_backward")] if backward else op
        if want_idx is None:
            want_idx = is_max_type(base) and not backward
        jid = "%s_%03d_%s" % (op, self.per_op[op] + 1, tag)
        assert jid not in self.ids, jid
        try:
            xt = torch.from_numpy(f32(x).copy())
            it = torch.from_numpy(np.asarray(idx, dtype=np.int64).copy()) if idx is not None else None
            rt = torch.from_numpy(f32(rs).copy()) if rs is not None else None
            if cl:
                mf = cl_format(xt)
                xt = xt.contiguous(memory_format=mf)
                if it is not None:
                    it = it.contiguous(memory_format=mf)
            if not backward:
                with torch.no_grad():
                    res = forward(base, xt, params, rt, it, want_idx)
                if want_idx:
                    out, oidx = res
                else:
                    out, oidx = res, None
                out_np = out.detach().numpy()
                oidx_np = oidx.numpy() if oidx is not None else None
                grad_np = None
            else:
                xt = xt.detach().requires_grad_(True)
                y = forward(base, xt, params, rt, it, False)
                if isinstance(grad, np.ndarray):
                    g = grad
                elif grad == "quarters" or (grad == "auto" and (is_max_type(base) or base.startswith("max_unpool"))):
                    g = quarters(tuple(y.shape))
                else:
                    g = randn(tuple(y.shape))
                assert tuple(g.shape) == tuple(y.shape), (g.shape, y.shape)
                gt = torch.from_numpy(f32(g).copy())
                if cl:
                    gt = gt.contiguous(memory_format=cl_format(gt))
                y.backward(gt)
                out_np = xt.grad.detach().numpy() if xt.grad is not None else np.zeros(x.shape, np.float32)
                assert out_np.shape == tuple(x.shape)
                oidx_np = None
                grad_np = g
        except Exception as e:  # configuration rejected by PyTorch -> skip
            self.skipped.append((jid, params, list(np.shape(x)), str(e).splitlines()[0][:120]))
            return None

        job = OrderedDict()
        job["id"] = jid
        job["op"] = op
        for k, v in params.items():
            job[k] = v
        job["input"] = "in/%s.input.npy" % jid
        self._save(job["input"], x, "<f4")
        if grad_np is not None:
            job["grad_output"] = "in/%s.grad_output.npy" % jid
            self._save(job["grad_output"], grad_np, "<f4")
        if rs is not None:
            job["random_samples"] = "in/%s.random_samples.npy" % jid
            self._save(job["random_samples"], rs, "<f4")
        if idx is not None:
            job["indices"] = "in/%s.indices.npy" % jid
            self._save(job["indices"], idx, "<i8")
        if oidx_np is not None:
            job["indices"] = "out/%s.indices.npy" % jid
            self._save("expected/%s.indices.npy" % jid, oidx_np, "<i8")
        job["output"] = "out/%s.output.npy" % jid
        self._save("expected/%s.output.npy" % jid, out_np, "<f4")
        if cl:
            job["memory_format"] = "channels_last"
        self.ids.add(jid)
        self.per_op[op] += 1
        self.jobs.append(job)
        return job

    def both(self, op, tag, params, x_fwd, x_bwd=None, bwd=True, **kw):
        """Forward job with x_fwd and (if bwd) a backward job with x_bwd (default: same)."""
        bkw = {k: v for k, v in kw.items() if k != "want_idx"}
        fkw = {k: v for k, v in kw.items() if k != "grad"}
        self.emit(op, tag, params, x_fwd, **fkw)
        if bwd:
            self.emit(op + "_backward", tag, params, x_fwd if x_bwd is None else x_bwd, **bkw)


# --------------------------------------------------------------------------
# hand-worked checks (also emitted as jobs)
# --------------------------------------------------------------------------


def hand_checks(g):
    x = f32(np.arange(1, 17).reshape(1, 1, 4, 4))
    j = g.emit("max_pool2d", "hand_1to16", {"kernel_size": 2}, x)
    out = np.load(os.path.join(g.outdir, "expected", j["id"] + ".output.npy"))
    ind = np.load(os.path.join(g.outdir, "expected", j["id"] + ".indices.npy"))
    assert np.array_equal(out, f32([[[[6, 8], [14, 16]]]])), out
    assert np.array_equal(ind, np.array([[[[5, 7], [13, 15]]]], np.int64)), ind
    assert out.dtype == np.float32 and ind.dtype == np.int64

    # avg_pool1d, I=6,k=3,s=2,p=1, ceil: windows start -1,1,3,5 (4 windows);
    # last window covers [5,8): divisor (include pad) = min(8, I+p=7) - 5 = 2
    ones = np.ones((1, 1, 6), np.float32)
    j = g.emit("avg_pool1d", "hand_ceil_pad_incl", {"kernel_size": 3, "stride": 2, "padding": 1,
                                                     "ceil_mode": True}, ones)
    out = np.load(os.path.join(g.outdir, "expected", j["id"] + ".output.npy"))
    assert np.allclose(out, [[[2 / 3, 1, 1, 0.5]]]), out
    j = g.emit("avg_pool1d", "hand_ceil_pad_excl", {"kernel_size": 3, "stride": 2, "padding": 1,
                                                     "ceil_mode": True, "count_include_pad": False}, ones)
    out = np.load(os.path.join(g.outdir, "expected", j["id"] + ".output.npy"))
    assert np.allclose(out, [[[1, 1, 1, 1]]]), out

    # lp_pool1d p=2, I=5, k=2, ceil: last window [4,6) holds only x[4]; PyTorch
    # gives sqrt(x4^2 / 1 * 2) = sqrt(2)*|x4| (avg over the clipped window
    # times the FULL kernel size), not |x4|.
    x = f32([[[1, 2, 3, 4, 5]]])
    j = g.emit("lp_pool1d", "hand_ceil_overhang", {"norm_type": 2, "kernel_size": 2, "ceil_mode": True}, x)
    out = np.load(os.path.join(g.outdir, "expected", j["id"] + ".output.npy"))
    assert np.allclose(out, [[[np.sqrt(5), 5.0, np.sqrt(50)]]]), out

    # adaptive_avg_pool1d 5 -> 3: windows [0,2), [1,4), [3,5)
    x = f32([[[1, 2, 3, 4, 5]]])
    j = g.emit("adaptive_avg_pool1d", "hand_5to3", {"output_size": 3}, x)
    out = np.load(os.path.join(g.outdir, "expected", j["id"] + ".output.npy"))
    assert np.allclose(out, [[[1.5, 3.0, 4.5]]]), out

    # max_unpool2d of the 1..16 example
    j = g.emit("max_unpool2d", "hand_1to16", {"kernel_size": 2}, f32([[[[6, 8], [14, 16]]]]),
               idx=np.array([[[[5, 7], [13, 15]]]], np.int64))
    out = np.load(os.path.join(g.outdir, "expected", j["id"] + ".output.npy"))
    exp = np.zeros((1, 1, 4, 4), np.float32)
    exp[0, 0, 1, 1], exp[0, 0, 1, 3], exp[0, 0, 3, 1], exp[0, 0, 3, 3] = 6, 8, 14, 16
    assert np.array_equal(out, exp), out

    # fractional_max_pool2d: random_samples[..., 0] drives W, [..., 1] drives H.
    # I=8, O=4, k=2 -> alpha = 2; u=0.75: starts int((i+u)*2) - int(u*2) = 0,2,4,6
    # u=0.25 -> 0,2,4,6 too, so use I=9: alpha = 7/3.
    x = f32(rng.permutation(81).reshape(1, 1, 9, 9))
    rs = f32([[[0.1, 0.8]]])  # W sample 0.1, H sample 0.8
    j = g.emit("fractional_max_pool2d", "hand_axes", {"kernel_size": 2, "output_size": [4, 4]}, x, rs=rs)

    def starts(u, I, O, k):
        u = np.float32(u)
        a = np.float32(I - k) / np.float32(O - 1)
        s = [int(np.float32((np.float32(i) + u) * a)) - int(np.float32(u * a)) for i in range(O - 1)]
        return s + [I - k]

    sh, sw = starts(0.8, 9, 4, 2), starts(0.1, 9, 4, 2)
    exp = np.array([[x[0, 0, a:a + 2, b:b + 2].max() for b in sw] for a in sh], np.float32)
    out = np.load(os.path.join(g.outdir, "expected", j["id"] + ".output.npy"))
    assert np.array_equal(out[0, 0], exp), (out, exp)


# --------------------------------------------------------------------------
# coverage
# --------------------------------------------------------------------------

# configuration tags (in the per-op tables below) that also get a _backward job
BWD_TAGS = {
    # max / avg pool
    "default", "stride2", "k2x3_s1x2", "k1x2x3_s1x2x2", "k3_s2_p1", "stride1_pad1", "dil2", "dil2x3_pad",
    "dil_pad", "dil3_pad1", "ceil_I6k3s2p1", "ceil_drop", "ceil_drop_I5k2s2p1", "ceil_overhang", "k_eq_I",
    "overlap", "overlap_s1", "pad1_excl", "pad_incl", "pad_excl", "ceil_I6k3s2p1_incl", "ceil_I6k3s2p1_excl",
    "div3", "div5_pad_ceil", "div7", "div3_pad_ceil_excl", "k4_p2_excl",
    # adaptive
    "smaller_div", "nondiv", "larger", "mixed_larger_smaller", "null_h", "null_mixed",
    # fractional
    "osize", "k2x3_osize", "k_mixed_osize", "ratio_mixed", "osize_max", "k3x1_osize",
}


def gen_max_pool(g):
    # ---------------- 1d ----------------
    op = "max_pool1d"
    S = (2, 3, 9)
    cfgs = [
        ("default", {"kernel_size": [3]}, (2, 3, 9)),
        ("k2_bare_odd", {"kernel_size": 2}, (2, 3, 7)),
        ("stride2", {"kernel_size": [3], "stride": [2]}, S),
        ("stride1_pad1", {"kernel_size": [3], "stride": [1], "padding": [1]}, S),
        ("k4_s2_p2", {"kernel_size": 4, "stride": 2, "padding": 2}, (2, 2, 8)),
        ("dil2", {"kernel_size": [3], "stride": [2], "dilation": [2]}, S),
        ("dil3_pad1", {"kernel_size": [2], "stride": [1], "padding": [1], "dilation": [3]}, (1, 2, 8)),
        ("ceil_I6k3s2p1", {"kernel_size": [3], "stride": [2], "padding": [1], "ceil_mode": True}, (1, 2, 6)),
        ("ceil_drop_I5k2s2p1", {"kernel_size": [2], "stride": [2], "padding": [1], "ceil_mode": True}, (1, 2, 5)),
        ("ceil_drop_I5k3s3p1", {"kernel_size": [3], "stride": [3], "padding": [1], "ceil_mode": True}, (1, 2, 5)),
        ("ceil_overhang_nopad", {"kernel_size": [3], "stride": [2], "ceil_mode": True}, (1, 2, 6)),
        ("ceil_false_I6k3s2", {"kernel_size": [3], "stride": [2], "ceil_mode": False}, (1, 2, 6)),
        ("ceil_dil2", {"kernel_size": [2], "stride": [3], "dilation": [2], "ceil_mode": True}, (1, 2, 8)),
        ("k_eq_I", {"kernel_size": [5]}, (2, 2, 5)),
        ("k1", {"kernel_size": [1]}, (1, 2, 5)),
        ("k1_s2", {"kernel_size": 1, "stride": 2}, (1, 2, 5)),
        ("overlap_s1", {"kernel_size": [3], "stride": [1]}, (1, 2, 7)),
    ]
    for tag, p, shape in cfgs:
        g.both(op, tag, p, randn(shape), perm(shape), bwd=tag in BWD_TAGS)
    g.emit(op, "batch0", {"kernel_size": [3], "stride": [2], "padding": [1]}, randn((0, 2, 7)))
    g.both(op, "unbatched", {"kernel_size": [3], "stride": [2], "padding": [1]}, randn((3, 7)), perm((3, 7)))
    g.emit(op, "no_indices_key", {"kernel_size": [3], "stride": [2]}, randn(S), want_idx=False)
    # special values (L=8, k=4 -> 2 windows per row; k=2 -> 4 windows)
    x = randn((1, 4, 8))
    x = with_values(x, [((0, 0, 1), NAN),                                   # single NaN, window 0
                        ((0, 0, 4), NAN), ((0, 0, 6), NAN),                 # two NaNs, window 1
                        ((0, 1, slice(0, 4)), NAN),                         # all-NaN window
                        ((0, 1, 7), NAN),                                   # NaN at window end
                        ((0, 2, 0), INF), ((0, 2, 2), NAN),                 # +inf before NaN
                        ((0, 2, 5), -INF),
                        ((0, 3, slice(0, 8)), -INF)])                       # all -inf
    g.emit(op, "nan_inf_k4", {"kernel_size": [4]}, x)
    g.emit(op, "nan_inf_k2_p1", {"kernel_size": [2], "stride": [2], "padding": [1]}, x)
    g.emit(op, "nan_inf_k3_s1_ceil", {"kernel_size": 3, "stride": 1, "dilation": 2, "ceil_mode": True}, x)
    g.emit(op, "ties_const", {"kernel_size": [3], "stride": [2], "padding": [1]}, const((1, 2, 7)))
    g.emit(op, "ties_int", {"kernel_size": [3], "stride": [1]}, ints((2, 2, 9)))
    g.emit(op + "_backward", "ties_int", {"kernel_size": [3], "stride": [2]}, ints((2, 2, 9)))
    xb = with_values(perm((1, 2, 8)), [((0, 0, 1), NAN), ((0, 1, 6), NAN)])
    g.emit(op + "_backward", "single_nan", {"kernel_size": [4]}, xb)
    g.emit(op + "_backward", "neginf_pad", {"kernel_size": [2], "stride": [2], "padding": [1]},
           with_values(perm((1, 2, 6)), [((0, 0, slice(0, 6)), -INF)]))

    # ---------------- 2d ----------------
    op = "max_pool2d"
    S = (2, 3, 7, 8)
    cfgs = [
        ("default", {"kernel_size": [2, 2]}, S),
        ("k3_bare", {"kernel_size": 3}, (2, 2, 9, 9)),
        ("k2x3_s1x2", {"kernel_size": [2, 3], "stride": [1, 2]}, S),
        ("k3_s2_p1", {"kernel_size": [3, 3], "stride": [2, 2], "padding": [1, 1]}, S),
        ("k3x4_p1x2", {"kernel_size": [3, 4], "stride": [2, 3], "padding": [1, 2]}, S),
        ("dil2", {"kernel_size": [2, 2], "stride": [1, 1], "dilation": [2, 2]}, S),
        ("dil2x3_pad", {"kernel_size": [3, 2], "stride": [2, 1], "padding": [1, 1], "dilation": [2, 3]}, S),
        ("ceil_I6k3s2p1", {"kernel_size": [3, 3], "stride": [2, 2], "padding": [1, 1], "ceil_mode": True}, (1, 2, 6, 6)),
        ("ceil_drop", {"kernel_size": [2, 3], "stride": [2, 3], "padding": [1, 1], "ceil_mode": True}, (1, 2, 5, 5)),
        ("ceil_overhang", {"kernel_size": 3, "stride": 2, "ceil_mode": True}, (1, 2, 6, 8)),
        ("ceil_dil", {"kernel_size": [2, 2], "stride": [3, 2], "dilation": [2, 1], "ceil_mode": True}, (1, 2, 8, 7)),
        ("k_eq_I", {"kernel_size": [5, 6]}, (2, 2, 5, 6)),
        ("k1", {"kernel_size": [1, 1]}, (1, 2, 3, 5)),
        ("k1_s2", {"kernel_size": 1, "stride": 2}, (1, 2, 5, 5)),
        ("overlap", {"kernel_size": [3, 3], "stride": [1, 1]}, (1, 2, 6, 6)),
    ]
    for tag, p, shape in cfgs:
        g.both(op, tag, p, randn(shape), perm(shape), bwd=tag in BWD_TAGS)
    p = {"kernel_size": [3, 3], "stride": [2, 2], "padding": [1, 1]}
    g.both(op, "batch0", p, randn((0, 2, 5, 5)), perm((0, 2, 5, 5)))
    g.both(op, "unbatched", p, randn((3, 5, 6)), perm((3, 5, 6)))
    g.both(op, "channels_last", p, randn((2, 3, 7, 6)), perm((2, 3, 7, 6)), cl=True)
    g.both(op, "channels_last_dil_ceil", {"kernel_size": [2, 3], "stride": [2, 2], "padding": [1, 1],
                                          "dilation": [2, 1], "ceil_mode": True},
           randn((2, 3, 7, 8)), perm((2, 3, 7, 8)), cl=True)
    g.emit(op, "no_indices_key", {"kernel_size": [2, 2]}, randn((1, 2, 4, 6)), want_idx=False)
    x = randn((1, 3, 6, 6))
    x = with_values(x, [((0, 0, 0, 0), NAN),                                # single NaN window (0,0)
                        ((0, 0, 1, 3), NAN),                                # single NaN window (0,1) other pos
                        ((0, 0, 0, 4), NAN), ((0, 0, 1, 5), NAN),           # two NaNs window (0,2)
                        ((0, 0, slice(2, 4), slice(0, 2)), NAN),            # all-NaN window (1,0)
                        ((0, 1, 0, 0), INF), ((0, 1, 1, 1), NAN),           # +inf and NaN
                        ((0, 1, slice(2, 4), slice(2, 4)), -INF),           # all -inf window
                        ((0, 1, 4, 4), INF),
                        ((0, 2, slice(0, 6), slice(0, 6)), -INF)])          # all -inf plane
    g.emit(op, "nan_inf_k2", {"kernel_size": [2, 2]}, x)
    g.emit(op, "nan_inf_k3_s2_p1", {"kernel_size": [3, 3], "stride": [2, 2], "padding": [1, 1]}, x)
    g.emit(op, "nan_inf_channels_last", {"kernel_size": [2, 2]}, x, cl=True)
    g.emit(op, "ties_const", {"kernel_size": [3, 3], "stride": [2, 2], "padding": [1, 1]}, const((1, 2, 5, 5)))
    g.emit(op, "ties_int", {"kernel_size": [2, 3], "stride": [1, 1]}, ints((2, 2, 6, 6)))
    g.emit(op, "ties_int_channels_last", {"kernel_size": [2, 2], "stride": [1, 1]}, ints((2, 3, 5, 5)), cl=True)
    g.emit(op + "_backward", "ties_int", {"kernel_size": [2, 2], "stride": [1, 1]}, ints((1, 2, 5, 5)))
    xb = with_values(perm((1, 2, 4, 4)), [((0, 0, 0, 1), NAN), ((0, 1, 3, 2), NAN)])
    g.emit(op + "_backward", "single_nan", {"kernel_size": [2, 2]}, xb)

    # ---------------- 3d ----------------
    op = "max_pool3d"
    S = (1, 2, 5, 6, 7)
    cfgs = [
        ("default", {"kernel_size": [2, 2, 2]}, S),
        ("k3_bare", {"kernel_size": 3}, (1, 2, 6, 6, 6)),
        ("k1x2x3_s1x2x2", {"kernel_size": [1, 2, 3], "stride": [1, 2, 2]}, S),
        ("k3_s2_p1", {"kernel_size": [3, 3, 3], "stride": [2, 2, 2], "padding": [1, 1, 1]}, S),
        ("pad_mixed", {"kernel_size": [2, 3, 4], "stride": [2, 2, 3], "padding": [0, 1, 2]}, S),
        ("dil2", {"kernel_size": [2, 2, 2], "stride": [1, 2, 2], "dilation": [2, 2, 1]}, S),
        ("dil_pad", {"kernel_size": [3, 2, 2], "stride": [2, 1, 2], "padding": [1, 1, 0], "dilation": [1, 2, 3]}, S),
        ("ceil_I6k3s2p1", {"kernel_size": [3, 3, 3], "stride": [2, 2, 2], "padding": [1, 1, 1], "ceil_mode": True}, (1, 1, 6, 6, 6)),
        ("ceil_drop", {"kernel_size": [2, 2, 3], "stride": [2, 2, 3], "padding": [1, 1, 1], "ceil_mode": True}, (1, 2, 5, 5, 5)),
        ("ceil_overhang", {"kernel_size": 3, "stride": 2, "ceil_mode": True}, (1, 2, 4, 6, 5)),
        ("k_eq_I", {"kernel_size": [3, 4, 5]}, (2, 2, 3, 4, 5)),
        ("k1", {"kernel_size": [1, 1, 1]}, (1, 2, 2, 3, 3)),
        ("overlap", {"kernel_size": [2, 2, 2], "stride": [1, 1, 1]}, (1, 2, 4, 4, 4)),
    ]
    for tag, p, shape in cfgs:
        g.both(op, tag, p, randn(shape), perm(shape), bwd=tag in BWD_TAGS)
    p = {"kernel_size": [2, 3, 3], "stride": [2, 2, 2], "padding": [1, 1, 1]}
    g.emit(op, "batch0", p, randn((0, 2, 4, 5, 5)))
    g.both(op, "unbatched", p, randn((2, 4, 5, 5)), perm((2, 4, 5, 5)))
    g.both(op, "channels_last", p, randn((2, 3, 4, 5, 5)), perm((2, 3, 4, 5, 5)), cl=True)
    x = randn((1, 2, 4, 4, 4))
    x = with_values(x, [((0, 0, 0, 0, 0), NAN), ((0, 0, 1, 1, 3), NAN), ((0, 0, 0, 0, 3), NAN),
                        ((0, 0, slice(2, 4), slice(0, 2), slice(0, 2)), NAN),
                        ((0, 1, 0, 0, 0), INF), ((0, 1, 1, 1, 1), NAN),
                        ((0, 1, slice(2, 4), slice(2, 4), slice(2, 4)), -INF)])
    g.emit(op, "nan_inf", {"kernel_size": [2, 2, 2]}, x)
    g.emit(op, "nan_inf_channels_last", {"kernel_size": [2, 2, 2], "stride": [1, 2, 2], "padding": [1, 1, 0]}, x, cl=True)
    g.emit(op, "ties_int", {"kernel_size": [2, 2, 2], "stride": [1, 1, 1]}, ints((1, 2, 4, 4, 4)))
    g.emit(op + "_backward", "ties_int", {"kernel_size": [2, 2, 2], "stride": [1, 1, 1]}, ints((1, 2, 3, 4, 4)))


def gen_avg_pool(g):
    # ---------------- 1d (no divisor_override) ----------------
    op = "avg_pool1d"
    S = (2, 3, 9)
    cfgs = [
        ("default", {"kernel_size": [3]}, S),
        ("k2_bare_odd", {"kernel_size": 2}, (2, 3, 7)),
        ("stride2", {"kernel_size": [3], "stride": [2]}, S),
        ("pad1_incl", {"kernel_size": [3], "stride": [2], "padding": [1]}, S),
        ("pad1_excl", {"kernel_size": [3], "stride": [2], "padding": [1], "count_include_pad": False}, S),
        ("k4_p2_excl", {"kernel_size": 4, "stride": 3, "padding": 2, "count_include_pad": False}, (1, 2, 8)),
        ("k4_p2_incl", {"kernel_size": 4, "stride": 3, "padding": 2, "count_include_pad": True}, (1, 2, 8)),
        ("ceil_I6k3s2p1_incl", {"kernel_size": [3], "stride": [2], "padding": [1], "ceil_mode": True}, (1, 2, 6)),
        ("ceil_I6k3s2p1_excl", {"kernel_size": [3], "stride": [2], "padding": [1], "ceil_mode": True,
                                "count_include_pad": False}, (1, 2, 6)),
        ("ceil_drop_I5k2s2p1", {"kernel_size": [2], "stride": [2], "padding": [1], "ceil_mode": True}, (1, 2, 5)),
        ("ceil_drop_I5k3s3p1_excl", {"kernel_size": [3], "stride": [3], "padding": [1], "ceil_mode": True,
                                     "count_include_pad": False}, (1, 2, 5)),
        ("ceil_overhang_nopad", {"kernel_size": [3], "stride": [2], "ceil_mode": True}, (1, 2, 6)),
        ("ceil_overhang_k4s3p1", {"kernel_size": [4], "stride": [3], "padding": [1], "ceil_mode": True}, (1, 2, 7)),
        ("k_eq_I", {"kernel_size": [5]}, (2, 2, 5)),
        ("k1", {"kernel_size": [1]}, (1, 2, 5)),
        ("k1_s2", {"kernel_size": 1, "stride": 2}, (1, 2, 5)),
    ]
    for tag, p, shape in cfgs:
        g.both(op, tag, p, randn(shape), bwd=tag in BWD_TAGS)
    g.emit(op, "batch0", {"kernel_size": [3], "stride": [2], "padding": [1]}, randn((0, 2, 7)))
    g.both(op, "unbatched", {"kernel_size": [3], "stride": [2], "padding": [1], "count_include_pad": False}, randn((3, 7)))
    x = with_values(randn((1, 3, 8)), [((0, 0, 1), NAN), ((0, 0, 4), INF), ((0, 0, 6), -INF),
                                       ((0, 1, 0), INF), ((0, 1, 2), -INF), ((0, 1, 5), -INF), ((0, 1, 6), -INF),
                                       ((0, 2, slice(0, 4)), NAN)])
    g.emit(op, "nan_inf", {"kernel_size": [4]}, x)
    g.emit(op, "nan_inf_pad_ceil", {"kernel_size": [3], "stride": [2], "padding": [1], "ceil_mode": True}, x)
    g.emit(op, "int_values", {"kernel_size": [3], "stride": [1], "padding": [1]}, ints((2, 2, 7)))

    # ---------------- 2d ----------------
    op = "avg_pool2d"
    S = (2, 3, 7, 8)
    cfgs = [
        ("default", {"kernel_size": [2, 2]}, S),
        ("k3_bare", {"kernel_size": 3}, (1, 2, 9, 9)),
        ("k2x3_s1x2", {"kernel_size": [2, 3], "stride": [1, 2]}, S),
        ("pad_incl", {"kernel_size": [3, 3], "stride": [2, 2], "padding": [1, 1]}, S),
        ("pad_excl", {"kernel_size": [3, 3], "stride": [2, 2], "padding": [1, 1], "count_include_pad": False}, S),
        ("pad_mixed_excl", {"kernel_size": [3, 4], "stride": [2, 3], "padding": [1, 2], "count_include_pad": False}, S),
        ("ceil_I6k3s2p1_incl", {"kernel_size": [3, 3], "stride": [2, 2], "padding": [1, 1], "ceil_mode": True}, (1, 2, 6, 6)),
        ("ceil_I6k3s2p1_excl", {"kernel_size": [3, 3], "stride": [2, 2], "padding": [1, 1], "ceil_mode": True,
                                "count_include_pad": False}, (1, 2, 6, 6)),
        ("ceil_drop", {"kernel_size": [2, 3], "stride": [2, 3], "padding": [1, 1], "ceil_mode": True}, (1, 2, 5, 5)),
        ("ceil_overhang", {"kernel_size": 3, "stride": 2, "ceil_mode": True}, (1, 2, 6, 8)),
        ("div3", {"kernel_size": [2, 2], "divisor_override": 3}, S),
        ("div5_pad_ceil", {"kernel_size": [3, 3], "stride": [2, 2], "padding": [1, 1], "ceil_mode": True,
                           "divisor_override": 5}, (1, 2, 6, 6)),
        ("div2_excl", {"kernel_size": [3, 2], "stride": [2, 2], "padding": [1, 1], "count_include_pad": False,
                       "divisor_override": 2}, S),
        ("div1", {"kernel_size": 2, "stride": 1, "divisor_override": 1}, (1, 2, 4, 5)),
        ("k_eq_I", {"kernel_size": [5, 6]}, (2, 2, 5, 6)),
        ("k1", {"kernel_size": [1, 1]}, (1, 2, 3, 5)),
    ]
    for tag, p, shape in cfgs:
        g.both(op, tag, p, randn(shape), bwd=tag in BWD_TAGS)
    p = {"kernel_size": [3, 3], "stride": [2, 2], "padding": [1, 1], "count_include_pad": False}
    g.both(op, "batch0", p, randn((0, 2, 5, 5)))
    g.both(op, "unbatched", p, randn((3, 5, 6)))
    g.both(op, "channels_last", p, randn((2, 3, 7, 6)), cl=True)
    g.both(op, "channels_last_ceil_incl", {"kernel_size": [3, 2], "stride": [2, 2], "padding": [1, 1],
                                           "ceil_mode": True}, randn((2, 3, 6, 7)), cl=True)
    g.both(op, "channels_last_div", {"kernel_size": [2, 2], "stride": [1, 2], "divisor_override": 3},
           randn((1, 3, 5, 5)), cl=True)
    x = with_values(randn((1, 2, 4, 4)), [((0, 0, 0, 0), NAN), ((0, 0, 0, 2), INF), ((0, 0, 1, 3), -INF),
                                          ((0, 0, 2, 0), INF), ((0, 0, 3, 1), INF),
                                          ((0, 1, slice(0, 2), slice(0, 2)), NAN), ((0, 1, 3, 3), -INF)])
    g.emit(op, "nan_inf", {"kernel_size": [2, 2]}, x)
    g.emit(op, "nan_inf_pad", {"kernel_size": [3, 3], "stride": [2, 2], "padding": [1, 1]}, x)
    g.emit(op, "int_values_cl", {"kernel_size": [2, 2], "stride": [1, 1]}, ints((2, 3, 5, 5)), cl=True)

    # ---------------- 3d ----------------
    op = "avg_pool3d"
    S = (1, 2, 5, 6, 7)
    cfgs = [
        ("default", {"kernel_size": [2, 2, 2]}, S),
        ("k3_bare", {"kernel_size": 3}, (1, 2, 6, 6, 6)),
        ("k1x2x3_s1x2x2", {"kernel_size": [1, 2, 3], "stride": [1, 2, 2]}, S),
        ("pad_incl", {"kernel_size": [3, 3, 3], "stride": [2, 2, 2], "padding": [1, 1, 1]}, S),
        ("pad_excl", {"kernel_size": [3, 3, 3], "stride": [2, 2, 2], "padding": [1, 1, 1], "count_include_pad": False}, S),
        ("pad_mixed_excl", {"kernel_size": [2, 3, 4], "stride": [2, 2, 3], "padding": [0, 1, 2],
                            "count_include_pad": False}, S),
        ("ceil_I6k3s2p1_incl", {"kernel_size": [3, 3, 3], "stride": [2, 2, 2], "padding": [1, 1, 1],
                                "ceil_mode": True}, (1, 1, 6, 6, 6)),
        ("ceil_I6k3s2p1_excl", {"kernel_size": [3, 3, 3], "stride": [2, 2, 2], "padding": [1, 1, 1],
                                "ceil_mode": True, "count_include_pad": False}, (1, 1, 6, 6, 6)),
        ("ceil_drop", {"kernel_size": [2, 2, 3], "stride": [2, 2, 3], "padding": [1, 1, 1], "ceil_mode": True}, (1, 2, 5, 5, 5)),
        ("ceil_overhang", {"kernel_size": 3, "stride": 2, "ceil_mode": True}, (1, 2, 4, 6, 5)),
        ("div7", {"kernel_size": [2, 2, 2], "divisor_override": 7}, S),
        ("div3_pad_ceil_excl", {"kernel_size": [3, 3, 3], "stride": [2, 2, 2], "padding": [1, 1, 1],
                                "ceil_mode": True, "count_include_pad": False, "divisor_override": 3}, (1, 2, 6, 5, 6)),
        ("k_eq_I", {"kernel_size": [3, 4, 5]}, (2, 2, 3, 4, 5)),
        ("k1", {"kernel_size": [1, 1, 1]}, (1, 2, 2, 3, 3)),
    ]
    for tag, p, shape in cfgs:
        g.both(op, tag, p, randn(shape), bwd=tag in BWD_TAGS)
    p = {"kernel_size": [2, 3, 3], "stride": [2, 2, 2], "padding": [1, 1, 1], "count_include_pad": False}
    g.emit(op, "batch0", p, randn((0, 2, 4, 5, 5)))
    g.both(op, "unbatched", p, randn((2, 4, 5, 5)))
    g.both(op, "channels_last", p, randn((2, 3, 4, 5, 5)), cl=True)
    g.both(op, "channels_last_div_incl", {"kernel_size": [2, 2, 2], "stride": [1, 2, 2], "padding": [1, 0, 1],
                                          "divisor_override": 4}, randn((1, 3, 4, 4, 5)), cl=True)
    x = with_values(randn((1, 2, 4, 4, 4)), [((0, 0, 0, 0, 0), NAN), ((0, 0, 0, 0, 2), INF),
                                             ((0, 0, 1, 1, 3), -INF), ((0, 0, 2, 2, 2), INF),
                                             ((0, 1, slice(0, 2), slice(0, 2), slice(0, 2)), NAN)])
    g.emit(op, "nan_inf", {"kernel_size": [2, 2, 2]}, x)


def gen_lp_pool(g):
    norms = [1, 2, 3, 1.5]
    specs = {
        1: dict(S=(2, 3, 9), k=lambda n: [n], kb=3, ceil_shape=(1, 2, 10), keq=(2, 2, 5), keqk=[5], k1=[1],
                batch0=(0, 2, 7), unb=(3, 7), cl=None, st=lambda n: [n]),
        2: dict(S=(2, 3, 7, 8), k=lambda n: [n, n], kb=3, ceil_shape=(1, 2, 10, 6), keq=(2, 2, 5, 6), keqk=[5, 6],
                k1=[1, 1], batch0=(0, 2, 5, 5), unb=(3, 5, 6), cl=(2, 3, 7, 6), st=lambda n: [n, n]),
        3: dict(S=(1, 2, 5, 6, 7), k=lambda n: [n, n, n], kb=2, ceil_shape=(1, 2, 6, 4, 10), keq=(2, 2, 3, 4, 5),
                keqk=[3, 4, 5], k1=[1, 1, 1], batch0=(0, 2, 4, 5, 5), unb=(2, 4, 5, 5), cl=(2, 3, 4, 5, 5),
                st=lambda n: [n, n, n]),
    }
    for d in (1, 2, 3):
        op = "lp_pool%dd" % d
        sp = specs[d]
        S = sp["S"]
        asym = {1: [3], 2: [2, 3], 3: [1, 2, 3]}[d]
        asym_s = {1: [2], 2: [1, 2], 3: [1, 2, 1]}[d]
        for p in norms:
            pt = str(p).replace(".", "p")
            g.both(op, "p%s_default" % pt, {"norm_type": p, "kernel_size": sp["k"](2)}, pos(S), pos_perm(S),
                   bwd=p in (2, 1.5))
            g.both(op, "p%s_ceil" % pt, {"norm_type": p, "kernel_size": sp["k"](3), "stride": sp["st"](2),
                                         "ceil_mode": True}, pos(sp["ceil_shape"]), pos_perm(sp["ceil_shape"]))
            # mixed sign input: x.pow(p) keeps the sign for odd integer p, NaN for p=1.5;
            # a negative window sum gives NaN for p=3 (pow(neg, 1/3))
            g.emit(op, "p%s_mixed_sign" % pt, {"norm_type": p, "kernel_size": sp["k"](2)}, randn(S))
        g.both(op, "p1p5_stride", {"norm_type": 1.5, "kernel_size": asym, "stride": asym_s}, pos(S), pos_perm(S))
        g.emit(op, "p3_stride", {"norm_type": 3, "kernel_size": asym, "stride": asym_s}, pos(S))
        g.emit(op, "p2_bare_k", {"norm_type": 2, "kernel_size": sp["kb"]}, pos(S))
        g.emit(op, "p2f_ceil_mixed", {"norm_type": 2.0, "kernel_size": sp["k"](2), "stride": sp["st"](3),
                                      "ceil_mode": True}, randn(sp["ceil_shape"]))
        g.emit(op, "p3_ceil_mixed", {"norm_type": 3, "kernel_size": sp["k"](3), "stride": sp["st"](2),
                                     "ceil_mode": True}, randn(sp["ceil_shape"]))
        g.emit(op + "_backward", "p2_mixed_sign", {"norm_type": 2, "kernel_size": sp["k"](2)}, perm(S))
        g.emit(op, "k_eq_I", {"norm_type": 2, "kernel_size": sp["keqk"]}, pos(sp["keq"]))
        g.emit(op, "k1_p1p5", {"norm_type": 1.5, "kernel_size": sp["k1"]}, pos((1, 2) + tuple(S[2:])))
        g.both(op, "batch0", {"norm_type": 2, "kernel_size": sp["k"](2)}, pos(sp["batch0"]), pos_perm(sp["batch0"]),
               bwd=d == 2)
        g.both(op, "unbatched", {"norm_type": 3, "kernel_size": sp["k"](2), "stride": sp["st"](1)},
               pos(sp["unb"]), pos_perm(sp["unb"]))
        if sp["cl"] is not None:
            g.both(op, "channels_last", {"norm_type": 2, "kernel_size": sp["k"](2), "stride": sp["st"](1)},
                   pos(sp["cl"]), pos_perm(sp["cl"]), cl=True)
            g.emit(op, "channels_last_p1p5_ceil", {"norm_type": 1.5, "kernel_size": sp["k"](3), "stride": sp["st"](2),
                                                   "ceil_mode": True}, pos(sp["cl"]), cl=True)
        x = pos(S)
        x[(0, 0) + (0,) * d] = NAN
        x[(0, 0) + (S[2] - 1,) + (0,) * (d - 1)] = INF
        x[(0, 1) + (1,) * d] = -INF
        g.emit(op, "nan_inf", {"norm_type": 2, "kernel_size": sp["k"](2)}, x)
        z = pos(S)
        z[(0, 0) + (slice(0, 2),) * d] = 0.0  # an all-zero window
        g.emit(op, "zero_window_p2", {"norm_type": 2, "kernel_size": sp["k"](2)}, z)


def gen_adaptive(g):
    for kind in ("max", "avg"):
        # ---- 1d ----
        op = "adaptive_%s_pool1d" % kind
        for tag, osz, shape in [("smaller_div", [3], (2, 3, 9)), ("nondiv", [4], (2, 3, 9)),
                                ("larger", [7], (1, 2, 5)), ("global", [1], (2, 2, 7)),
                                ("bare_int", 5, (1, 3, 8))]:
            g.both(op, tag, {"output_size": osz}, randn(shape), perm(shape), bwd=tag in BWD_TAGS)
        g.emit(op, "batch0", {"output_size": [3]}, randn((0, 2, 7)))
        g.both(op, "unbatched", {"output_size": [4]}, randn((3, 7)), perm((3, 7)))
        x = with_values(randn((1, 4, 8)), [((0, 0, 1), NAN), ((0, 0, 4), NAN), ((0, 0, 6), NAN),
                                           ((0, 1, slice(0, 3)), NAN), ((0, 2, 0), INF), ((0, 2, 1), NAN),
                                           ((0, 2, 5), -INF), ((0, 3, slice(0, 8)), -INF)])
        g.emit(op, "nan_inf", {"output_size": [3]}, x)
        g.emit(op, "ties_int", {"output_size": [4]}, ints((2, 2, 9)))
        if kind == "max":
            g.emit(op + "_backward", "ties_int", {"output_size": [4]}, ints((2, 2, 9)))
            g.emit(op, "no_indices_key", {"output_size": [4]}, randn((1, 2, 9)), want_idx=False)

        # ---- 2d ----
        op = "adaptive_%s_pool2d" % kind
        for tag, osz, shape in [("smaller_div", [3, 4], (2, 3, 6, 8)), ("nondiv", [4, 3], (2, 3, 7, 8)),
                                ("larger", [7, 5], (1, 2, 5, 3)), ("mixed_larger_smaller", [2, 9], (1, 2, 7, 5)),
                                ("global", [1, 1], (2, 2, 5, 6)), ("bare_int", 3, (1, 3, 7, 7)),
                                ("null_h", [None, 3], (1, 2, 5, 7)), ("null_w", [4, None], (1, 2, 7, 5)),
                                ("null_both", [None, None], (1, 2, 3, 4))]:
            g.both(op, tag, {"output_size": osz}, randn(shape), perm(shape), bwd=tag in BWD_TAGS)
        g.both(op, "batch0", {"output_size": [3, 2]}, randn((0, 2, 5, 5)), perm((0, 2, 5, 5)))
        g.both(op, "unbatched", {"output_size": [3, 4]}, randn((3, 5, 7)), perm((3, 5, 7)))
        g.both(op, "channels_last", {"output_size": [3, 4]}, randn((2, 3, 7, 6)), perm((2, 3, 7, 6)), cl=True)
        g.both(op, "channels_last_larger", {"output_size": [6, 5]}, randn((1, 3, 4, 3)), perm((1, 3, 4, 3)), cl=True)
        x = with_values(randn((1, 3, 6, 6)), [((0, 0, 0, 0), NAN), ((0, 0, 1, 3), NAN), ((0, 0, 0, 4), NAN),
                                              ((0, 0, 1, 5), NAN), ((0, 1, slice(0, 3), slice(0, 3)), NAN),
                                              ((0, 1, 4, 4), INF), ((0, 2, slice(0, 6), slice(0, 6)), -INF),
                                              ((0, 2, 5, 5), INF)])
        g.emit(op, "nan_inf", {"output_size": [3, 3]}, x)
        g.emit(op, "nan_inf_nondiv_cl", {"output_size": [4, 4]}, x, cl=True)
        g.emit(op, "ties_int", {"output_size": [3, 4]}, ints((2, 2, 6, 7)))
        if kind == "max":
            g.emit(op + "_backward", "ties_int", {"output_size": [3, 4]}, ints((1, 2, 6, 7)))
            g.emit(op + "_backward", "single_nan", {"output_size": [2, 2]},
                   with_values(perm((1, 2, 4, 4)), [((0, 0, 0, 1), NAN), ((0, 1, 3, 2), NAN)]))

        # ---- 3d ----
        op = "adaptive_%s_pool3d" % kind
        for tag, osz, shape in [("smaller_div", [2, 3, 2], (1, 2, 4, 6, 6)), ("nondiv", [3, 4, 2], (1, 2, 5, 7, 5)),
                                ("larger", [4, 5, 3], (1, 2, 3, 4, 2)), ("global", [1, 1, 1], (2, 2, 3, 4, 5)),
                                ("bare_int", 2, (1, 2, 5, 5, 5)), ("null_mixed", [None, 2, 3], (1, 2, 3, 5, 7)),
                                ("null_last", [3, 3, None], (1, 2, 5, 4, 3))]:
            g.both(op, tag, {"output_size": osz}, randn(shape), perm(shape), bwd=tag in BWD_TAGS)
        g.emit(op, "batch0", {"output_size": [2, 2, 3]}, randn((0, 2, 4, 5, 5)))
        g.both(op, "unbatched", {"output_size": [2, 3, 3]}, randn((2, 4, 5, 5)), perm((2, 4, 5, 5)))
        g.both(op, "channels_last", {"output_size": [3, 2, 4]}, randn((2, 3, 5, 4, 6)), perm((2, 3, 5, 4, 6)), cl=True)
        x = with_values(randn((1, 2, 4, 4, 4)), [((0, 0, 0, 0, 0), NAN), ((0, 0, 3, 3, 3), NAN), ((0, 0, 0, 3, 0), INF),
                                                 ((0, 1, slice(0, 2), slice(0, 2), slice(0, 2)), NAN),
                                                 ((0, 1, slice(2, 4), slice(2, 4), slice(2, 4)), -INF)])
        g.emit(op, "nan_inf", {"output_size": [2, 2, 2]}, x)
        g.emit(op, "ties_int", {"output_size": [2, 3, 2]}, ints((1, 2, 4, 5, 4)))
        if kind == "max":
            g.emit(op + "_backward", "ties_int", {"output_size": [2, 3, 2]}, ints((1, 2, 4, 5, 4)))


def gen_fractional(g):
    # ---- 2d ----  random_samples[n, c, 0] -> W axis, [n, c, 1] -> H axis
    op = "fractional_max_pool2d"

    def rs_for(N, C, d):
        return f32(rng.random((max(N, 1), C, d)))

    cfgs = [
        ("osize", {"kernel_size": [2, 2], "output_size": [4, 4]}, (2, 3, 9, 9)),
        ("osize_bare", {"kernel_size": 3, "output_size": 3}, (1, 2, 8, 9)),
        ("k2x3_osize", {"kernel_size": [2, 3], "output_size": [5, 3]}, (2, 2, 8, 9)),
        ("k3x1_osize", {"kernel_size": [3, 1], "output_size": [3, 6]}, (1, 3, 7, 8)),
        ("ratio", {"kernel_size": [2, 2], "output_ratio": [0.5, 0.5]}, (2, 2, 9, 8)),
        ("ratio_mixed", {"kernel_size": [2, 3], "output_ratio": [0.7, 0.4]}, (1, 3, 9, 9)),
        ("ratio_bare", {"kernel_size": 2, "output_ratio": 0.6}, (1, 2, 7, 8)),
        ("osize1", {"kernel_size": [2, 2], "output_size": [1, 1]}, (1, 2, 5, 6)),
        ("osize_max", {"kernel_size": [2, 3], "output_size": [5, 6]}, (1, 2, 6, 8)),   # O + k - 1 == I
        ("k1", {"kernel_size": [1, 1], "output_size": [4, 5]}, (1, 2, 7, 9)),
        ("k_eq_I", {"kernel_size": [5, 6], "output_size": [1, 1]}, (1, 2, 5, 6)),
    ]
    for tag, p, shape in cfgs:
        rs = rs_for(shape[0], shape[1], 2)
        g.both(op, tag, p, randn(shape), perm(shape), rs=rs, bwd=tag in BWD_TAGS)
    # extreme samples 0 and just below 1
    rs = f32([[[0.0, 0.0], [0.0, 0.99999994]], [[0.99999994, 0.0], [0.5, 0.5]]])
    g.both(op, "samples_edges", {"kernel_size": [2, 2], "output_size": [4, 3]}, randn((2, 2, 9, 8)),
           perm((2, 2, 9, 8)), rs=rs)
    # the window-start sequence is computed in float32: u=0.87499994, I=19, O=4, k=3
    # gives a different start than float64 arithmetic would
    g.emit(op, "float32_intervals", {"kernel_size": [1, 3], "output_size": [3, 4]}, perm((1, 1, 3, 19)),
           rs=f32([[[0.87499994, 0.5]]]))
    g.both(op, "unbatched", {"kernel_size": [2, 2], "output_size": [3, 4]}, randn((3, 7, 8)), perm((3, 7, 8)),
           rs=rs_for(1, 3, 2))
    g.both(op, "channels_last", {"kernel_size": [2, 3], "output_size": [4, 3]}, randn((2, 3, 7, 7)),
           perm((2, 3, 7, 7)), rs=rs_for(2, 3, 2), cl=True)
    g.both(op, "batch0", {"kernel_size": [2, 2], "output_size": [3, 3]}, randn((0, 2, 6, 6)), perm((0, 2, 6, 6)),
           rs=f32(np.zeros((0, 2, 2))))
    x = with_values(randn((1, 3, 6, 6)), [((0, 0, 0, 0), NAN), ((0, 0, 2, 3), NAN), ((0, 0, 2, 4), NAN),
                                          ((0, 1, slice(0, 3), slice(0, 3)), NAN), ((0, 1, 5, 5), INF),
                                          ((0, 2, slice(0, 6), slice(0, 6)), -INF)])
    g.emit(op, "nan_inf", {"kernel_size": [2, 2], "output_size": [3, 3]}, x, rs=rs_for(1, 3, 2))
    g.emit(op, "ties_int", {"kernel_size": [3, 2], "output_size": [3, 4]}, ints((2, 2, 7, 7)), rs=rs_for(2, 2, 2))
    g.emit(op + "_backward", "ties_int", {"kernel_size": [2, 2], "output_size": [4, 4]}, ints((1, 2, 7, 7)),
           rs=rs_for(1, 2, 2))

    # ---- 3d ----  random_samples[n, c, 0] -> D(T), [.., 1] -> H, [.., 2] -> W
    op = "fractional_max_pool3d"
    cfgs = [
        ("osize", {"kernel_size": [2, 2, 2], "output_size": [3, 3, 3]}, (1, 2, 6, 6, 6)),
        ("osize_bare", {"kernel_size": 2, "output_size": 2}, (2, 2, 5, 5, 5)),
        ("k_mixed_osize", {"kernel_size": [1, 2, 3], "output_size": [4, 3, 2]}, (1, 2, 5, 6, 7)),
        ("k_mixed2", {"kernel_size": [3, 1, 2], "output_size": [2, 5, 3]}, (1, 3, 6, 6, 5)),
        ("ratio", {"kernel_size": [2, 2, 2], "output_ratio": [0.5, 0.5, 0.5]}, (1, 2, 6, 7, 8)),
        ("ratio_mixed", {"kernel_size": [2, 1, 2], "output_ratio": [0.4, 0.7, 0.55]}, (1, 2, 7, 6, 9)),
        ("ratio_bare", {"kernel_size": 2, "output_ratio": 0.5}, (1, 2, 6, 6, 7)),
        ("osize1", {"kernel_size": [2, 2, 2], "output_size": [1, 1, 1]}, (1, 2, 4, 5, 6)),
        ("osize_max", {"kernel_size": [2, 2, 3], "output_size": [3, 4, 2]}, (1, 2, 5, 6, 6)),  # O + k == I
    ]
    for tag, p, shape in cfgs:
        rs = rs_for(shape[0], shape[1], 3)
        g.both(op, tag, p, randn(shape), perm(shape), rs=rs, bwd=tag in BWD_TAGS)
    rs = f32([[[0.0, 0.0, 0.99999994], [0.99999994, 0.5, 0.0]]])
    g.both(op, "samples_edges", {"kernel_size": [2, 2, 2], "output_size": [3, 3, 3]}, randn((1, 2, 7, 7, 7)),
           perm((1, 2, 7, 7, 7)), rs=rs)
    g.both(op, "unbatched", {"kernel_size": [2, 2, 2], "output_size": [2, 3, 3]}, randn((2, 5, 6, 6)),
           perm((2, 5, 6, 6)), rs=rs_for(1, 2, 3))
    g.both(op, "channels_last", {"kernel_size": [2, 2, 2], "output_size": [2, 3, 2]}, randn((2, 3, 5, 6, 5)),
           perm((2, 3, 5, 6, 5)), rs=rs_for(2, 3, 3), cl=True)
    g.emit(op, "batch0", {"kernel_size": [2, 2, 2], "output_size": [2, 2, 2]}, randn((0, 2, 5, 5, 5)),
           rs=f32(np.zeros((0, 2, 3))))
    x = with_values(randn((1, 2, 5, 5, 5)), [((0, 0, 0, 0, 0), NAN), ((0, 0, 2, 2, 2), NAN), ((0, 0, 2, 2, 3), NAN),
                                             ((0, 1, slice(0, 3), slice(0, 3), slice(0, 3)), NAN),
                                             ((0, 1, 4, 4, 4), INF)])
    g.emit(op, "nan_inf", {"kernel_size": [2, 2, 2], "output_size": [3, 3, 3]}, x, rs=rs_for(1, 2, 3))
    g.emit(op, "ties_int", {"kernel_size": [2, 2, 2], "output_size": [3, 3, 3]}, ints((1, 2, 5, 6, 5)),
           rs=rs_for(1, 2, 3))


def gen_unpool(g):
    """max_unpool jobs; pooled values and indices come from a real max_pool.

    The default unpool size is (P-1)*s - 2p + k, which is <= the original size
    I (and > I - s).  When it is smaller than I the pool indices (flat indices
    into the I-sized plane) do not fit it, so those configurations pass the
    original spatial size as output_size (always within PyTorch's allowed range
    (default - s, default + s)).
    """
    pools = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}

    def pooled(d, x, k, s, p, cl):
        xt = torch.from_numpy(x.copy())
        if cl:
            xt = xt.contiguous(memory_format=cl_format(xt))
        v, i = pools[d](xt, tuple(k), stride=tuple(s), padding=tuple(p), return_indices=True)
        return np.ascontiguousarray(v.numpy()), np.ascontiguousarray(i.numpy())

    def L(d, v):
        return [v] * d

    shapes = {1: (2, 3, 9), 2: (2, 3, 7, 8), 3: (1, 2, 5, 6, 6)}
    odd = {1: (1, 2, 7), 2: (1, 2, 7, 9), 3: (1, 2, 5, 5, 7)}
    even = {1: (2, 3, 8), 2: (2, 3, 6, 8), 3: (1, 2, 4, 6, 6)}
    unb = {1: (3, 8), 2: (3, 6, 8), 3: (2, 4, 6, 4)}
    b0 = {1: (0, 2, 6), 2: (0, 2, 4, 4), 3: (0, 2, 4, 4, 4)}
    for d in (1, 2, 3):
        op = "max_unpool%dd" % d

        def run(tag, S, k, s=None, p=None, osize=None, bwd=True, cl=False, x=None, json_bare=False):
            """osize: None -> default (must fit), 'orig' -> original spatial size, list -> as given."""
            x = perm(S) if x is None else x
            ss = s if s is not None else k
            pp = p if p is not None else L(d, 0)
            v, i = pooled(d, x, k, ss, pp, cl)
            default = [(v.shape[-d + a] - 1) * ss[a] - 2 * pp[a] + k[a] for a in range(d)]
            orig = list(S[-d:])
            if osize is None:
                assert default == orig, (op, tag, default, orig)
            elif osize == "orig":
                osize = orig
            params = OrderedDict()
            params["kernel_size"] = k[0] if json_bare else k
            if s is not None:
                params["stride"] = s[0] if json_bare else s
            if p is not None:
                params["padding"] = p[0] if json_bare else p
            if osize is not None:
                params["output_size"] = osize
            g.emit(op, tag, dict(params), v, idx=i, cl=cl)
            if bwd:
                g.emit(op + "_backward", tag, dict(params), v, idx=i, cl=cl)

        run("default", even[d], L(d, 2))
        run("bare_int", even[d], L(d, 2), L(d, 2), json_bare=True, bwd=False)
        run("stride_ne_k", odd[d], L(d, 3), L(d, 2))                       # I odd: (I-3)/2 exact
        run("overlap_dup_idx", shapes[d], L(d, 3), L(d, 1))                # overlapping windows -> repeated indices
        run("padding", odd[d], L(d, 3), L(d, 2), L(d, 1))                  # (I+2-3)/2 exact for odd I
        asym_k = {1: [3], 2: [2, 3], 3: [1, 2, 3]}[d]
        asym_s = {1: [2], 2: [2, 2], 3: [1, 2, 2]}[d]
        asym_p = {1: [1], 2: [1, 1], 3: [0, 1, 1]}[d]
        run("asym_osize_orig", shapes[d], asym_k, asym_s, asym_p, osize="orig")
        # explicit output_size: original size where the default is one short
        run("osize_orig", odd[d], L(d, 2), osize="orig")
        run("osize_orig_pad", even[d], L(d, 3), L(d, 2), L(d, 1), osize="orig", bwd=False)
        # explicit output_size larger than the original input (default + 1 < default + s)
        run("osize_plus1", even[d], L(d, 2), osize=[v + 1 for v in even[d][2:]], bwd=False)
        run("k1", odd[d], L(d, 1))
        run("k_eq_I", odd[d], list(odd[d][2:]), bwd=False)
        run("unbatched", unb[d], L(d, 2), L(d, 2))
        run("batch0", b0[d], L(d, 2), bwd=d == 2)
        if d >= 2:
            run("channels_last", (2, 3) + tuple(odd[d][2:]), L(d, 3), L(d, 2), L(d, 1), cl=True)
            run("channels_last_osize_orig", (2, 3) + tuple(odd[d][2:]), L(d, 2), osize="orig", cl=True, bwd=False)
        # pooled values with NaN / inf / ties (forward only)
        xs = perm(even[d])
        xs.reshape(-1)[::7] = NAN
        xs.reshape(-1)[3::11] = INF
        xs.reshape(-1)[5::13] = -INF
        run("nan_inf", even[d], L(d, 2), bwd=False, x=xs)
        run("ties_int", shapes[d], L(d, 2), L(d, 1), bwd=False, x=ints(shapes[d]))


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    outdir = sys.argv[1]
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    for sub in ("in", "expected"):
        shutil.rmtree(os.path.join(outdir, sub), ignore_errors=True)
        os.makedirs(os.path.join(outdir, sub))
    g = Golden(outdir)
    hand_checks(g)
    gen_max_pool(g)
    gen_avg_pool(g)
    gen_lp_pool(g)
    gen_adaptive(g)
    gen_fractional(g)
    gen_unpool(g)

    with open(os.path.join(outdir, "jobs.jsonl"), "w") as f:
        for j in g.jobs:
            f.write(json.dumps(j, allow_nan=False) + "\n")

    with open(os.path.join(outdir, "README.md"), "w") as f:
        f.write(README % dict(torch=torch.__version__, numpy=np.__version__, njobs=len(g.jobs), seed=SEED))

    print("torch %s, %d jobs written to %s" % (torch.__version__, len(g.jobs), outdir))
    for op in sorted(g.per_op):
        print("  %-36s %4d" % (op, g.per_op[op]))
    if g.skipped:
        print("skipped %d configurations rejected by PyTorch:" % len(g.skipped))
        for s in g.skipped:
            print("  ", s)


README = """# PyTorch golden data

Generated by `tools/golden/torch_golden.py` (seed %(seed)d) with
PyTorch %(torch)s / NumPy %(numpy)s on CPU (Debian `python3-torch`); %(njobs)d jobs.

Regenerate from the repository root:

    /usr/bin/python3 tools/golden/torch_golden.py pooling4j-cli/src/test/resources/golden/torch

Layout: `jobs.jsonl` (one job per line), inputs under `in/`, expected PyTorch
results under `expected/` with the same file name as the job's `output` /
`indices` key under `out/` (`out/<id>.output.npy` -> `expected/<id>.output.npy`).
Values are little-endian float32, indices little-endian int64 (per-plane flat
index, as PyTorch returns them). Run: `./pooling4j run jobs.jsonl`, then compare
`out/` with `expected/`.

`lp_pool3d` is not in PyTorch 1.13; its expected values use the PyTorch >= 2.2
formula `(avg_pool3d(x^p, k, s, 0, ceil) * kD*kH*kW)^(1/p)` (same as lp_pool1d/2d).

Cross-check without torch: `python3 tools/golden/reference_check.py <this dir>`
(NumPy loops, float32). All jobs match it bit-exactly except lp_pool (pow /
root rounding, within a few ulp) and the global (output size 1) adaptive_avg
cases, which PyTorch computes with `mean` (different summation order); compare
those with a relative tolerance (1e-5 is ample).
"""

if __name__ == "__main__":
    main()
