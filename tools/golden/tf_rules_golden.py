#!/usr/bin/python3
"""Golden test data for pooling4j's TensorFlow-named jobs, worked out from
TensorFlow's *documented* pooling rules with plain NumPy loops.

TensorFlow itself is not used (it is not installable here); every expected
array comes from the small reference implementation below, which follows the
rules as written in tf.nn "Notes on padding", tf.nn.max_pool2d,
tf.nn.max_pool_with_argmax and the behaviour of TF's CPU kernels:

  VALID     O = floor((I - k)/s) + 1
  SAME      O = ceil(I/s); pad_total = max((O-1)*s + k - I, 0);
            pad_before = pad_total // 2, pad_after = the rest (extra at the end)
  explicit  O = floor((I + pb + pe - k)/s) + 1, every pad < k (max pooling only;
            1-D and 2-D only, TF's MaxPool3D accepts "SAME"/"VALID" only)
  max       running max starts at -FLT_MAX, replaced only when value > current
            (strict): first maximum in row-major window order wins, NaN never
            wins, a window with no winner yields -FLT_MAX (argmax -1)
  argmax op max_pool_with_argmax, and the argmax that routes the 1-D/2-D
            max-pool gradients: the window's first in-bounds cell is taken
            whatever it holds, later cells only when strictly larger (NaN stays
            only as the first cell; all -inf gives -inf at the first cell).
            Checked against TensorFlow 2.21 by tf_argmax_golden.py.
  avg       sum of in-bounds elements / their count (padding never counted)
  argmax    (y*W + x)*C + c  (+ b*H*W*C with include_batch_in_index=True)
  backward  max: grad to the argmax (dropped when no element won);
            avg: grad/count to every in-bounds element of the window;
            max_pool_with_argmax_backward with an argmax file:
            grad_in.flat[index (+ b*H*W*C if indices exclude the batch)] += grad

Usage:

    /usr/bin/python3 tools/golden/tf_rules_golden.py OUTDIR

Writes OUTDIR/jobs.jsonl, OUTDIR/in/*.npy, OUTDIR/expected/*.npy (same file
name as the job's "output"/"argmax" key under out/) and OUTDIR/README.md.
Deterministic (fixed seed).  Accumulation in float64, results float32.
"""

import itertools
import json
import math
import os
import shutil
import sys
from collections import Counter

import numpy as np

SEED = 20240611
FLT_MAX = float(np.finfo(np.float32).max)  # 3.4028235e38
NAN = float("nan")
INF = float("inf")

rng = np.random.default_rng(SEED)

# ---------------------------------------------------------------------------
# parameter parsing (TF's conventions)
# ---------------------------------------------------------------------------

LAST = {1: "NWC", 2: "NHWC", 3: "NDHWC"}
FIRST = {1: "NCW", 2: "NCHW", 3: "NCDHW"}


def channels_first(data_format):
    return data_format is not None and data_format.startswith("NC")


def spatial_param(v, r, cfirst):
    """ksize / strides: int, list of 1 or r entries, or r+2 entries with 1 on
    the batch and channel axes."""
    if isinstance(v, int):
        return [v] * r
    v = list(v)
    if len(v) == r + 2:
        c_axis = 1 if cfirst else r + 1
        assert v[0] == 1 and v[c_axis] == 1, v
        return v[2:] if cfirst else v[1:r + 1]
    if len(v) == 1:
        return v * r
    assert len(v) == r, v
    return v


def pad_param(p, r, cfirst):
    """'SAME' / 'VALID' or r+2 [before, after] pairs -> per spatial dim."""
    if p in ("SAME", "VALID"):
        return [p] * r
    assert len(p) == r + 2, p
    c_axis = 1 if cfirst else r + 1
    assert list(p[0]) == [0, 0] and list(p[c_axis]) == [0, 0], p
    sp = p[2:] if cfirst else p[1:r + 1]
    return [tuple(e) for e in sp]


def geometry(I, k, s, pad):
    """-> (O, pad_before) for one spatial dimension."""
    if pad == "VALID":
        O = (I - k) // s + 1
        assert O >= 1, (I, k, s, pad)
        return O, 0
    if pad == "SAME":
        O = -(-I // s)
        pad_total = max((O - 1) * s + k - I, 0)
        return O, pad_total // 2
    pb, pe = pad
    assert 0 <= pb < k and 0 <= pe < k, (pad, k)
    O = (I + pb + pe - k) // s + 1
    assert O >= 1
    return O, pb


# ---------------------------------------------------------------------------
# reference pooling (channels-last: x has shape (N, *spatial, C))
# ---------------------------------------------------------------------------


def windows(S, k, s, pads):
    """Yield (out_pos, [in-bounds input positions in row-major window order])."""
    geo = [geometry(S[d], k[d], s[d], pads[d]) for d in range(len(S))]
    O = [g[0] for g in geo]
    for opos in itertools.product(*[range(o) for o in O]):
        cells = []
        for kpos in itertools.product(*[range(kk) for kk in k]):
            ipos = tuple(opos[d] * s[d] - geo[d][1] + kpos[d] for d in range(len(S)))
            if all(0 <= ipos[d] < S[d] for d in range(len(S))):
                cells.append(ipos)
        yield opos, cells
    return


def out_shape(S, k, s, pads):
    return [geometry(S[d], k[d], s[d], pads[d])[0] for d in range(len(S))]


def max_pool(x, k, s, pads, first_tap=False):
    """-> (values float32, per-plane spatial flat argmax int64, -1 = none).

    first_tap: max_pool_with_argmax's rule (and the argmax behind the 1-D/2-D
    max-pool gradient): the window's first in-bounds cell is taken whatever it
    holds, later cells replace it only when strictly larger."""
    N, S, C = x.shape[0], x.shape[1:-1], x.shape[-1]
    O = out_shape(S, k, s, pads)
    out = np.zeros([N] + O + [C], dtype=np.float32)
    arg = np.full([N] + O + [C], -1, dtype=np.int64)
    for opos, cells in windows(S, k, s, pads):
        for n in range(N):
            for c in range(C):
                cur = -FLT_MAX
                best = -1
                for j, ipos in enumerate(cells):
                    v = float(x[(n,) + ipos + (c,)])
                    if v > cur or (first_tap and j == 0):  # strict: first max wins, NaN never wins
                        cur = v
                        best = int(np.ravel_multi_index(ipos, S))
                out[(n,) + opos + (c,)] = cur
                arg[(n,) + opos + (c,)] = best
    return out, arg


def avg_pool(x, k, s, pads):
    N, S, C = x.shape[0], x.shape[1:-1], x.shape[-1]
    O = out_shape(S, k, s, pads)
    out = np.zeros([N] + O + [C], dtype=np.float32)
    for opos, cells in windows(S, k, s, pads):
        for n in range(N):
            for c in range(C):
                acc = 0.0
                for ipos in cells:
                    acc += float(x[(n,) + ipos + (c,)])
                out[(n,) + opos + (c,)] = acc / len(cells)
    return out


def max_pool_backward(x, g, k, s, pads):
    N, S, C = x.shape[0], x.shape[1:-1], x.shape[-1]
    _, arg = max_pool(x, k, s, pads, first_tap=len(S) <= 2)
    dx = np.zeros(x.shape, dtype=np.float64)
    for idx in np.ndindex(*arg.shape):
        a = arg[idx]
        if a >= 0:  # no winner -> gradient dropped
            n, c = idx[0], idx[-1]
            dx[(n,) + tuple(np.unravel_index(a, S)) + (c,)] += float(g[idx])
    return dx.astype(np.float32)


def avg_pool_backward(x, g, k, s, pads):
    N, S, C = x.shape[0], x.shape[1:-1], x.shape[-1]
    dx = np.zeros(x.shape, dtype=np.float64)
    for opos, cells in windows(S, k, s, pads):
        for n in range(N):
            for c in range(C):
                share = float(g[(n,) + opos + (c,)]) / len(cells)
                for ipos in cells:
                    dx[(n,) + ipos + (c,)] += share
    return dx.astype(np.float32)


def tf_argmax(arg, x_shape, include_batch):
    """Per-plane spatial index -> TF's (y*W + x)*C + c (+ b*H*W*C)."""
    N, C = x_shape[0], x_shape[-1]
    plane = int(np.prod(x_shape[1:-1]))
    out = np.full(arg.shape, -1, dtype=np.int64)
    for idx in np.ndindex(*arg.shape):
        a = arg[idx]
        if a >= 0:
            n, c = idx[0], idx[-1]
            out[idx] = a * C + c + (n * plane * C if include_batch else 0)
    return out


def argmax_backward_from_file(x_shape, g, argmax, include_batch):
    """grad_in.flat[index (+ b*H*W*C when indices exclude the batch)] += grad."""
    per_batch = int(np.prod(x_shape[1:]))
    dx = np.zeros(int(np.prod(x_shape)), dtype=np.float64)
    for idx in np.ndindex(*argmax.shape):
        i = int(argmax[idx])
        assert i >= 0, "TF rejects a negative argmax in MaxPoolGradWithArgmax"
        if not include_batch:
            i += idx[0] * per_batch
        dx[i] += float(g[idx])
    return dx.reshape(x_shape).astype(np.float32)


# ---------------------------------------------------------------------------
# layout helpers
# ---------------------------------------------------------------------------


def to_file_layout(a_cl, cfirst):
    """channels-last logical array -> array in the job's data_format."""
    if not cfirst:
        return a_cl
    r = a_cl.ndim - 2
    return np.ascontiguousarray(np.transpose(a_cl, [0, r + 1] + list(range(1, r + 1))))


def from_file_layout(a, cfirst):
    if not cfirst:
        return a
    r = a.ndim - 2
    return np.ascontiguousarray(np.transpose(a, [0] + list(range(2, r + 2)) + [1]))


# ---------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------


def f32(a):
    return np.asarray(a, dtype=np.float32)


def dyadic(shape, lo=-64, hi=64, den=16):
    """Multiples of 1/16 in [-4, 4]: every sum in a window is exact in float32."""
    return f32(rng.integers(lo, hi + 1, size=shape) / den)


def negative(shape):
    """Strictly negative values (so an implicit zero pad would visibly win)."""
    return f32(-rng.integers(1, 65, size=shape) / 16)


def ties(shape):
    return f32(rng.integers(0, 3, size=shape))


def general(shape):
    """General float32 values (sums round; compare avg with a tolerance)."""
    return f32(rng.standard_normal(shape))


def grad_values(shape):
    return f32(rng.integers(-32, 33, size=shape) / 8)


def with_values(a, assignments):
    a = a.copy()
    for ix, v in assignments:
        a[ix] = v
    return a


GEN = {"dyadic": dyadic, "negative": negative, "ties": ties, "general": general}

# ---------------------------------------------------------------------------
# job writer
# ---------------------------------------------------------------------------


class Golden:
    def __init__(self, outdir):
        self.outdir = outdir
        self.jobs = []
        self.per_op = Counter()
        self.seq = Counter()

    def save(self, rel, arr, dtype):
        arr = np.ascontiguousarray(np.asarray(arr).astype(dtype))
        np.save(os.path.join(self.outdir, rel), arr, allow_pickle=False)

    def emit(self, op, tag, shape=None, *, ksize, strides, padding, data_format=None,
             include_batch=None, data="dyadic", x=None, grad=None, argmax_file=None,
             expect=None, expect_argmax=None):
        """Emit one job.

        op            full op name ("tf.nn.max_pool2d", "..._backward")
        shape         logical channels-last shape (N, *spatial, C) when x is None
        x             input in the *file* layout (data_format), overrides shape/data
        grad          backward: grad_output in the file layout (None = random)
        argmax_file   max_pool_with_argmax_backward: None (key omitted, runner
                      recomputes), "forward" (this input's own argmax) or an
                      int64 array in TF form
        expect, expect_argmax   literal expected arrays (file layout) that the
                      reference implementation must reproduce
        """
        backward = op.endswith("_backward")
        base = op[len("tf.nn."):-len("_backward")] if backward else op[len("tf.nn."):]
        short = base
        short += "_bwd" if backward else ""
        self.seq[short] += 1
        jid = "%s_%03d_%s" % (short, self.seq[short], tag)
        cfirst = channels_first(data_format)
        if x is None:
            x_cl = GEN[data](shape)
            x = to_file_layout(x_cl, cfirst)
        x = f32(x)
        x_cl = from_file_layout(x, cfirst)
        r = x.ndim - 2
        is_argmax = base == "max_pool_with_argmax"
        if is_argmax:
            assert r == 2 and not cfirst
        elif base[-2:] in ("1d", "2d", "3d"):
            assert int(base[-2]) == r
        k = spatial_param(ksize, r, cfirst)
        s = spatial_param(strides, r, cfirst)
        pads = pad_param(padding, r, cfirst)
        is_max = base.startswith("max_pool")
        if not is_max or is_argmax or r == 3:
            assert padding in ("SAME", "VALID"), "explicit padding: tf.nn.max_pool 1-D/2-D only"

        job = {"id": jid, "op": op, "ksize": ksize, "strides": strides, "padding": padding}
        if data_format is not None:
            job["data_format"] = data_format
        if include_batch is not None:
            job["include_batch_in_index"] = include_batch
        ib = bool(include_batch)

        job["input"] = "in/%s.input.npy" % jid
        self.save(job["input"], x, np.float32)

        if not backward:
            if is_max:
                out_cl, arg = max_pool(x_cl, k, s, pads, first_tap=is_argmax)
            else:
                out_cl = avg_pool(x_cl, k, s, pads)
            out = to_file_layout(out_cl, cfirst)
            if is_argmax:
                job["argmax"] = "out/%s.argmax.npy" % jid
                targ = tf_argmax(arg, x_cl.shape, ib)
                self.save("expected/%s.argmax.npy" % jid, targ, np.int64)
                if expect_argmax is not None:
                    assert np.array_equal(targ, np.asarray(expect_argmax, dtype=np.int64)), (jid, targ)
        else:
            O = out_shape(x_cl.shape[1:-1], k, s, pads)
            if grad is None:
                g_cl = grad_values([x_cl.shape[0]] + O + [x_cl.shape[-1]])
                grad = to_file_layout(g_cl, cfirst)
            grad = f32(grad)
            g_cl = from_file_layout(grad, cfirst)
            assert list(g_cl.shape) == [x_cl.shape[0]] + O + [x_cl.shape[-1]], (jid, g_cl.shape)
            job["grad_output"] = "in/%s.grad_output.npy" % jid
            self.save(job["grad_output"], grad, np.float32)
            if is_argmax and argmax_file is not None:
                if isinstance(argmax_file, str):
                    assert argmax_file == "forward"
                    _, arg = max_pool(x_cl, k, s, pads, first_tap=True)
                    argmax_file = tf_argmax(arg, x_cl.shape, ib)
                argmax_file = np.asarray(argmax_file, dtype=np.int64)
                job["argmax"] = "in/%s.argmax.npy" % jid
                self.save(job["argmax"], argmax_file, np.int64)
                out_cl = argmax_backward_from_file(x_cl.shape, g_cl, argmax_file, ib)
            elif is_max:
                out_cl = max_pool_backward(x_cl, g_cl, k, s, pads)
            else:
                out_cl = avg_pool_backward(x_cl, g_cl, k, s, pads)
            out = to_file_layout(out_cl, cfirst)
        job["output"] = "out/%s.output.npy" % jid
        self.save("expected/%s.output.npy" % jid, out, np.float32)
        if expect is not None:
            exp = f32(expect)
            assert exp.shape == out.shape, (jid, exp.shape, out.shape)
            assert np.array_equal(out, exp, equal_nan=True), (jid, out, exp)
        self.jobs.append(job)
        self.per_op[op] += 1
        return jid


# ---------------------------------------------------------------------------
# cases
# ---------------------------------------------------------------------------


def hand_cases(g):
    """Expected arrays written out literally (worked by hand from the rules)."""
    M = -FLT_MAX
    # avg SAME, 3x3 = 1..9, k=2 s=2: pad_total 1 per dim -> pad at the end;
    # windows [1,2,4,5], [3,6], [7,8], [9]
    x = f32(np.arange(1, 10).reshape(1, 3, 3, 1))
    g.emit("tf.nn.avg_pool2d", "hand_same_1to9", x=x, ksize=2, strides=2, padding="SAME",
           expect=f32([3, 4.5, 7.5, 9]).reshape(1, 2, 2, 1))
    # its gradient: grad / count to every in-bounds cell -> all ones
    g.emit("tf.nn.avg_pool2d_backward", "hand_same_1to9", x=x, ksize=2, strides=2, padding="SAME",
           grad=f32([4, 2, 2, 1]).reshape(1, 2, 2, 1), expect=np.ones((1, 3, 3, 1), np.float32))
    # argmax on 1x2x2x2: channel 0 [[1,4],[3,2]] -> 4 at (0,1) -> (0*2+1)*2+0 = 2
    #                    channel 1 [[5,7],[7,1]] -> first 7 at (0,1) -> (0*2+1)*2+1 = 3
    x = np.zeros((1, 2, 2, 2), np.float32)
    x[0, :, :, 0] = [[1, 4], [3, 2]]
    x[0, :, :, 1] = [[5, 7], [7, 1]]
    g.emit("tf.nn.max_pool_with_argmax", "hand_1x2x2x2", x=x, ksize=2, strides=2, padding="VALID",
           expect=f32([4, 7]).reshape(1, 1, 1, 2), expect_argmax=[[[[2, 3]]]])
    # batch term: b0 [[1,2],[3,0]] -> 3 at (1,0) -> 2; b1 [[9,8],[9,7]] -> first 9 -> 0 (+4 with batch)
    x = f32([[[1, 2], [3, 0]], [[9, 8], [9, 7]]]).reshape(2, 2, 2, 1)
    for ib, idx in ((True, [2, 4]), (False, [2, 0])):
        g.emit("tf.nn.max_pool_with_argmax", "hand_batch_%s" % ("incl" if ib else "excl"), x=x,
               ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="VALID", include_batch=ib,
               expect=f32([3, 9]).reshape(2, 1, 1, 1),
               expect_argmax=np.array(idx, np.int64).reshape(2, 1, 1, 1))
    # max SAME 1-D: [1,3,2,5,4] k=2 s=2: pad_total 1 at the end -> [3,5,4]
    g.emit("tf.nn.max_pool1d", "hand_same", x=f32([1, 3, 2, 5, 4]).reshape(1, 5, 1), ksize=2,
           strides=2, padding="SAME", expect=f32([3, 5, 4]).reshape(1, 3, 1))
    # avg SAME 1-D: [1,2,3,4] k=3 s=1: pad 1/1 -> [1.5, 2, 3, 3.5]
    g.emit("tf.nn.avg_pool1d", "hand_same", x=f32([1, 2, 3, 4]).reshape(1, 4, 1), ksize=3,
           strides=1, padding="SAME", expect=f32([1.5, 2, 3, 3.5]).reshape(1, 4, 1))
    # explicit padding never wins even against negatives: [-1,-2,-3], pad (1,0), k=2 s=1
    g.emit("tf.nn.max_pool1d", "hand_explicit_neg", x=f32([-1, -2, -3]).reshape(1, 3, 1), ksize=2,
           strides=1, padding=[[0, 0], [1, 0], [0, 0]], expect=f32([-1, -1, -2]).reshape(1, 3, 1))
    # NaN: window 1 = all NaN -> -FLT_MAX, window 2 = [NaN, 1, -inf, NaN] -> 1
    x = f32([[NAN, NAN, NAN, 1], [NAN, NAN, -INF, NAN]]).reshape(1, 2, 4, 1)
    g.emit("tf.nn.max_pool2d", "hand_nan_valid", x=x, ksize=2, strides=2, padding="VALID",
           expect=f32([M, 1]).reshape(1, 1, 2, 1))
    # max_pool_with_argmax takes each window's first cell (here NaN) and keeps it: NaN at 0 and 2
    g.emit("tf.nn.max_pool_with_argmax", "hand_nan_valid", x=x, ksize=2, strides=2, padding="VALID",
           expect=f32([NAN, NAN]).reshape(1, 1, 2, 1), expect_argmax=[[[[0], [2]]]])
    # the 2-D gradient routes through that same first-cell argmax
    g.emit("tf.nn.max_pool2d_backward", "hand_nan_valid", x=x, ksize=2, strides=2, padding="VALID",
           grad=f32([5, 7]).reshape(1, 1, 2, 1),
           expect=f32([[5, 0, 7, 0], [0, 0, 0, 0]]).reshape(1, 2, 4, 1))
    # [-inf, -FLT_MAX]: the first cell -inf, then -FLT_MAX > -inf wins at 1
    g.emit("tf.nn.max_pool_with_argmax", "hand_flt_max_no_winner",
           x=f32([-INF, -FLT_MAX, 2, -FLT_MAX]).reshape(1, 1, 4, 1), ksize=[1, 2], strides=[1, 2],
           padding="VALID", expect=f32([M, 2]).reshape(1, 1, 2, 1), expect_argmax=[[[[1], [2]]]])
    # ties: the first element in row-major window order takes the whole gradient
    g.emit("tf.nn.max_pool2d_backward", "hand_ties", x=np.ones((1, 2, 2, 1), np.float32), ksize=2,
           strides=2, padding="VALID", grad=f32([5]).reshape(1, 1, 1, 1),
           expect=f32([[5, 0], [0, 0]]).reshape(1, 2, 2, 1))
    # avg backward 1-D VALID k=2 s=1, grad [1,2] -> [0.5, 1.5, 1]
    g.emit("tf.nn.avg_pool1d_backward", "hand_valid", x=f32([7, -3, 2]).reshape(1, 3, 1), ksize=2,
           strides=1, padding="VALID", grad=f32([1, 2]).reshape(1, 2, 1),
           expect=f32([0.5, 1.5, 1]).reshape(1, 3, 1))
    # argmax backward with a literal argmax (indices exclude the batch): b0 -> flat 3, b1 -> flat 1
    g.emit("tf.nn.max_pool_with_argmax_backward", "hand_literal_argmax",
           x=np.zeros((2, 2, 2, 1), np.float32), ksize=2, strides=2, padding="VALID",
           include_batch=False, grad=f32([2, 3]).reshape(2, 1, 1, 1),
           argmax_file=np.array([3, 1], np.int64).reshape(2, 1, 1, 1),
           expect=f32([[[0, 0], [0, 2]], [[0, 3], [0, 0]]]).reshape(2, 2, 2, 1))
    # same with indices that include the batch: b1's index 5 = 4 + 1
    g.emit("tf.nn.max_pool_with_argmax_backward", "hand_literal_argmax_incl",
           x=np.zeros((2, 2, 2, 1), np.float32), ksize=2, strides=2, padding="VALID",
           include_batch=True, grad=f32([2, 3]).reshape(2, 1, 1, 1),
           argmax_file=np.array([3, 5], np.int64).reshape(2, 1, 1, 1),
           expect=f32([[[0, 0], [0, 2]], [[0, 3], [0, 0]]]).reshape(2, 2, 2, 1))


def nan_pattern_2d(N, H, W, C):
    """Dyadic data with 2x2 windows (VALID k=2 s=2) that are all NaN, all -inf,
    NaN + -inf, and NaN mixed with finite values."""
    x = dyadic((N, H, W, C))
    for h in range(2):
        for w in range(2):
            x[0, h, w, 0] = NAN                        # window (0,0) c0: all NaN
            x[0, h, 2 + w, 0] = -INF                   # window (0,1) c0: all -inf
            x[0, 2 + h, w, min(1, C - 1)] = NAN if (h + w) % 2 else -INF  # NaN/-inf mix
    x[0, 2, 2, 0] = NAN                                # one NaN among finite values
    x[0, 3, 3, 0] = NAN
    return x


def main_cases(g):
    F = lambda op: ["tf.nn." + op, "tf.nn." + op + "_backward"]

    def both(op, tag, **kw):
        for o in F(op):
            g.emit(o, tag, **kw)

    # ---------------- max_pool1d ----------------
    both("max_pool1d", "same_even_pad", shape=(2, 7, 3), ksize=3, strides=2, padding="SAME")
    both("max_pool1d", "same_odd_pad_ties", shape=(1, 8, 2), ksize=[3], strides=[2], padding="SAME", data="ties")
    both("max_pool1d", "valid_stride_gt_k_full", shape=(2, 10, 2), ksize=[1, 2, 1], strides=[1, 3, 1], padding="VALID")
    both("max_pool1d", "explicit_asym_neg", shape=(2, 7, 2), ksize=3, strides=2,
         padding=[[0, 0], [2, 1], [0, 0]], data="negative")
    both("max_pool1d", "ncw_same_odd_ties", shape=(2, 6, 3), ksize=[1, 1, 4], strides=1, padding="SAME",
         data_format="NCW", data="ties")
    both("max_pool1d", "ncw_explicit", shape=(1, 6, 2), ksize=3, strides=1, padding=[[0, 0], [0, 0], [1, 2]],
         data_format="NCW", data="negative")
    x = dyadic((1, 8, 2))
    x[0, 0:2, 0] = NAN               # all-NaN window
    x[0, 2:4, 1] = -INF              # all -inf window
    x[0, 4, 0], x[0, 5, 0] = NAN, -INF
    x[0, 6, 1] = NAN                 # NaN + finite
    both("max_pool1d", "valid_nan_inf", x=x, ksize=2, strides=2, padding="VALID")
    both("max_pool1d", "k_eq_input", shape=(1, 5, 3), ksize=5, strides=1, padding="VALID")

    # ---------------- max_pool2d ----------------
    both("max_pool2d", "same_even_odd_pad", shape=(2, 5, 6, 3), ksize=3, strides=2, padding="SAME")
    both("max_pool2d", "valid_overlap_ties", shape=(1, 6, 6, 2), ksize=[2, 2], strides=[1, 1], padding="VALID",
         data="ties")
    both("max_pool2d", "valid_stride_gt_k_full", shape=(2, 7, 8, 2), ksize=[1, 2, 3, 1], strides=[1, 3, 4, 1],
         padding="VALID")
    both("max_pool2d", "explicit_asym_neg", shape=(2, 5, 5, 2), ksize=3, strides=2,
         padding=[[0, 0], [1, 0], [2, 1], [0, 0]], data="negative")
    both("max_pool2d", "nchw_same_ties", shape=(2, 5, 4, 3), ksize=[1, 1, 3, 2], strides=[1, 1, 2, 2],
         padding="SAME", data_format="NCHW", data="ties")
    both("max_pool2d", "nchw_explicit", shape=(1, 4, 5, 2), ksize=3, strides=[1, 2],
         padding=[[0, 0], [0, 0], [0, 2], [1, 1]], data_format="NCHW", data="negative")
    both("max_pool2d", "valid_nan_inf", x=nan_pattern_2d(1, 4, 6, 2), ksize=2, strides=2, padding="VALID")
    x = dyadic((1, 3, 3, 1))
    x[0, 2, 2, 0] = NAN              # SAME pads the end: last window holds only this NaN
    x[0, 0, 2, 0] = -INF             # window (0,1) = [-inf, x[1,2]]
    both("max_pool2d", "same_edge_nan", x=x, ksize=2, strides=2, padding="SAME")
    both("max_pool2d", "k_eq_input", shape=(2, 4, 5, 3), ksize=[4, 5], strides=1, padding="VALID")
    both("max_pool2d", "k_list1_same", shape=(1, 5, 4, 2), ksize=[2], strides=[2], padding="SAME")

    # ---------------- max_pool3d ----------------
    both("max_pool3d", "same_odd_even_pad", shape=(2, 4, 5, 3, 2), ksize=3, strides=2, padding="SAME")
    both("max_pool3d", "valid_overlap_ties", shape=(1, 4, 3, 4, 2), ksize=[2, 2, 2], strides=[1, 1, 1],
         padding="VALID", data="ties")
    both("max_pool3d", "ncdhw_stride_gt_k_full", shape=(2, 3, 4, 5, 2), ksize=[1, 1, 2, 2, 3],
         strides=[1, 1, 3, 3, 4], padding="VALID", data_format="NCDHW")
    x = dyadic((1, 2, 4, 4, 2))
    x[0, :, 0:2, 0:2, 0] = NAN       # all-NaN window
    x[0, :, 2:4, 2:4, 1] = -INF      # all -inf window
    x[0, 1, 0, 2, 1] = NAN
    both("max_pool3d", "valid_nan_inf", x=x, ksize=2, strides=2, padding="VALID")
    both("max_pool3d", "k_eq_input", shape=(1, 3, 3, 3, 2), ksize=3, strides=1, padding="VALID")

    # ---------------- avg_pool1d ----------------
    both("avg_pool1d", "same_even_pad", shape=(2, 7, 3), ksize=3, strides=2, padding="SAME")
    both("avg_pool1d", "same_odd_pad_stride_gt_k", shape=(1, 7, 2), ksize=[2], strides=[3], padding="SAME")
    both("avg_pool1d", "ncw_valid_full", shape=(2, 9, 2), ksize=[1, 1, 4], strides=[1, 1, 2], padding="VALID",
         data_format="NCW")
    both("avg_pool1d", "ncw_same_odd_general", shape=(1, 6, 3), ksize=4, strides=1, padding="SAME",
         data_format="NCW", data="general")

    # ---------------- avg_pool2d ----------------
    both("avg_pool2d", "same_even_odd_pad", shape=(2, 5, 6, 3), ksize=3, strides=2, padding="SAME")
    both("avg_pool2d", "valid_overlap_ties", shape=(1, 6, 5, 2), ksize=[2, 3], strides=[1, 1], padding="VALID",
         data="ties")
    both("avg_pool2d", "nchw_same_full", shape=(2, 5, 6, 2), ksize=[1, 1, 3, 3], strides=[1, 1, 2, 2],
         padding="SAME", data_format="NCHW")
    both("avg_pool2d", "same_stride_gt_k", shape=(1, 7, 7, 2), ksize=2, strides=[3, 4], padding="SAME")
    both("avg_pool2d", "k_eq_input", shape=(2, 3, 4, 2), ksize=[3, 4], strides=1, padding="VALID")
    both("avg_pool2d", "same_general", shape=(1, 6, 6, 3), ksize=3, strides=1, padding="SAME", data="general")

    # ---------------- avg_pool3d ----------------
    both("avg_pool3d", "same_odd_even_pad", shape=(2, 4, 5, 3, 2), ksize=3, strides=2, padding="SAME")
    both("avg_pool3d", "ncdhw_valid_full", shape=(1, 4, 4, 4, 3), ksize=[1, 1, 2, 2, 2], strides=[1, 1, 2, 2, 2],
         padding="VALID", data_format="NCDHW")
    both("avg_pool3d", "valid_mixed_stride", shape=(1, 5, 4, 6, 2), ksize=[2, 3, 2], strides=[3, 1, 4],
         padding="VALID")
    both("avg_pool3d", "same_k_eq_input", shape=(1, 3, 3, 3, 1), ksize=3, strides=1, padding="SAME")

    # ---------------- generic max_pool / avg_pool ----------------
    both("max_pool", "r1_same", shape=(2, 6, 2), ksize=2, strides=2, padding="SAME")
    both("max_pool", "r2_nchw_valid_full", shape=(1, 5, 5, 3), ksize=[1, 1, 3, 3], strides=[1, 1, 2, 2],
         padding="VALID", data_format="NCHW")
    both("max_pool", "r2_explicit_asym_neg", shape=(2, 4, 5, 2), ksize=3, strides=1,
         padding=[[0, 0], [2, 0], [0, 1], [0, 0]], data="negative")
    both("max_pool", "r3_same_ties", shape=(1, 4, 4, 4, 2), ksize=2, strides=[1, 2, 3], padding="SAME", data="ties")
    both("max_pool", "r1_ncw_explicit", shape=(1, 7, 2), ksize=[1, 1, 4], strides=2,
         padding=[[0, 0], [0, 0], [3, 0]], data_format="NCW", data="negative")
    both("avg_pool", "r1_ncw_same", shape=(1, 7, 2), ksize=3, strides=2, padding="SAME", data_format="NCW")
    both("avg_pool", "r2_same_ties", shape=(2, 5, 5, 2), ksize=[2, 2], strides=[2, 2], padding="SAME", data="ties")
    both("avg_pool", "r3_ncdhw_same_full", shape=(1, 3, 4, 5, 2), ksize=[1, 1, 2, 2, 2], strides=[1, 1, 1, 2, 2],
         padding="SAME", data_format="NCDHW")

    # ---------------- max_pool_with_argmax ----------------
    A = "tf.nn.max_pool_with_argmax"
    AB = A + "_backward"
    for ib in (False, True):
        x = dyadic((2, 5, 6, 3))
        tag = "same_b%s" % ("incl" if ib else "excl")
        g.emit(A, tag, x=x, ksize=3, strides=2, padding="SAME", include_batch=ib)
        g.emit(AB, tag + "_file", x=x, ksize=3, strides=2, padding="SAME", include_batch=ib, argmax_file="forward")
    x = ties((2, 4, 4, 3))
    g.emit(A, "valid_overlap_ties_bincl", x=x, ksize=[2, 2], strides=[1, 1], padding="VALID", include_batch=True)
    g.emit(AB, "valid_overlap_ties_bincl_file", x=x, ksize=[2, 2], strides=[1, 1], padding="VALID",
           include_batch=True, argmax_file="forward")
    g.emit(AB, "valid_overlap_ties_recompute", x=x, ksize=[2, 2], strides=[1, 1], padding="VALID",
           include_batch=True)
    x = nan_pattern_2d(2, 4, 6, 2)
    g.emit(A, "valid_nan_inf_bexcl", x=x, ksize=2, strides=2, padding="VALID", include_batch=False)
    g.emit(AB, "valid_nan_inf_recompute", x=x, ksize=2, strides=2, padding="VALID", include_batch=False)
    x = dyadic((1, 6, 7, 2))
    g.emit(A, "valid_mixed_stride_full", x=x, ksize=[1, 2, 3, 1], strides=[1, 3, 2, 1], padding="VALID")
    g.emit(AB, "valid_mixed_stride_recompute", x=x, ksize=[1, 2, 3, 1], strides=[1, 3, 2, 1], padding="VALID")
    x = dyadic((1, 3, 3, 2))
    x[0, 2, 2, :] = NAN               # SAME end-window holding only NaN -> -1
    x[0, 2, 0, 1] = NAN
    g.emit(A, "same_edge_nan_bincl", x=x, ksize=2, strides=2, padding="SAME", include_batch=True)
    g.emit(AB, "same_edge_nan_recompute", x=x, ksize=2, strides=2, padding="SAME", include_batch=True)
    x = dyadic((2, 3, 3, 2))
    g.emit(A, "k_eq_input_bincl", x=x, ksize=3, strides=1, padding="VALID", include_batch=True)
    g.emit(AB, "k_eq_input_bincl_file", x=x, ksize=3, strides=1, padding="VALID", include_batch=True,
           argmax_file="forward")
    # argmax file from a *different* input of the same shape: the file, not the
    # input's own maxima, decides where the gradient goes
    for ib in (False, True):
        x = dyadic((2, 4, 4, 2))
        other = dyadic((2, 4, 4, 2))
        _, arg = max_pool(other, [2, 2], [1, 1], ["VALID", "VALID"])
        g.emit(AB, "foreign_argmax_b%s" % ("incl" if ib else "excl"), x=x, ksize=2, strides=1, padding="VALID",
               include_batch=ib, argmax_file=tf_argmax(arg, other.shape, ib))


README = """# TensorFlow-rules golden data

Generated by `tools/golden/tf_rules_golden.py` (seed %(seed)d, NumPy %(numpy)s); %(njobs)d jobs.

**These are not TensorFlow outputs.** TensorFlow is not installable in this
environment, so every expected array was worked out from TensorFlow's
*documented* pooling rules (tf.nn "Notes on padding", tf.nn.max_pool2d,
tf.nn.max_pool_with_argmax, behaviour of the CPU kernels) by a plain NumPy
reference with straightforward loops (float64 accumulation, float32 results).
A few cases have their expected arrays written literally in the script (worked
by hand) and the reference is asserted to reproduce them (ids containing `hand`).

Rules applied:

- VALID: `O = floor((I - k)/s) + 1`. SAME: `O = ceil(I/s)`,
  `pad_total = max((O-1)*s + k - I, 0)`, `pad_before = pad_total // 2`, the extra
  cell at the end. Explicit (tf.nn.max_pool / max_pool1d / max_pool2d only):
  `O = floor((I + pb + pe - k)/s) + 1`, each pad < k.
- Max: running max starts at -FLT_MAX (-3.4028235e38) and is replaced only when
  `value > current`: ties go to the first element in row-major window order, NaN
  never wins, a window with no winner (only NaN / -inf / -FLT_MAX) gives
  -3.4028235e38 and argmax -1. Padding never takes part.
- Avg: sum of in-bounds elements / their count (padding never counted).
- max_pool_with_argmax: index `(y*W + x)*C + c`, plus `b*H*W*C` with
  `include_batch_in_index: true`.
- Backward: max -> grad to the argmax (dropped when no element won); avg ->
  grad/count to each in-bounds element; `tf.nn.max_pool_with_argmax_backward`
  with an `argmax` key (file under `in/`): `grad_in.flat[index (+ b*H*W*C when
  the indices exclude the batch)] += grad`; without the key the runner recomputes
  the argmax from the input (the `*_recompute` jobs).

Regenerate from the repository root:

    /usr/bin/python3 tools/golden/tf_rules_golden.py pooling4j-cli/src/test/resources/golden/tf

Layout: `jobs.jsonl` (one job per line), inputs (`input`, `grad_output`, and for
some argmax backward jobs `argmax`) under `in/`, expected results under
`expected/` with the file name of the job's `output` / `argmax` key under `out/`
(`out/<id>.output.npy` -> `expected/<id>.output.npy`). Arrays are in the job's
`data_format` layout; values little-endian float32, argmax little-endian int64.

Comparing: max ops, argmax and all max/argmax gradients are exact (compare
bit-exactly, NaN never occurs in outputs). Most inputs are multiples of 1/16 so
window sums are exact and avg forward is a single correctly rounded division;
avg gradients (grad/count accumulated over overlapping windows, here in
float64) and the `*_general` jobs (standard-normal inputs) can differ from a
float32 implementation by a few ulp: compare avg ops with rtol 1e-5 / atol 1e-6.
"""


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    outdir = sys.argv[1]
    for sub in ("in", "expected", "out"):
        p = os.path.join(outdir, sub)
        if os.path.isdir(p):
            shutil.rmtree(p)
    os.makedirs(os.path.join(outdir, "in"))
    os.makedirs(os.path.join(outdir, "expected"))
    g = Golden(outdir)
    hand_cases(g)
    main_cases(g)
    ids = [j["id"] for j in g.jobs]
    assert len(ids) == len(set(ids))
    with open(os.path.join(outdir, "jobs.jsonl"), "w") as f:
        for j in g.jobs:
            f.write(json.dumps(j) + "\n")
    with open(os.path.join(outdir, "README.md"), "w") as f:
        f.write(README % dict(seed=SEED, numpy=np.__version__, njobs=len(g.jobs)))
    for op in sorted(g.per_op):
        print("%-40s %d" % (op, g.per_op[op]))
    print("total jobs: %d" % len(g.jobs))


if __name__ == "__main__":
    main()
