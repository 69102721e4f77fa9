#!/usr/bin/python3
"""Independent NumPy re-implementation of the golden jobs (no torch).

Usage:  python3 tools/golden/reference_check.py GOLDEN_DIR [--verbose]

Reads GOLDEN_DIR/jobs.jsonl exactly as the Java runner does (defaults, bare
ints, null output sizes, memory_format ignored because values must not depend
on it), recomputes every job with straightforward loops written from the
PyTorch CPU kernels' semantics, and compares with GOLDEN_DIR/expected/.

It is a cross-check of the golden data and an executable statement of the
semantics a reimplementation has to match:

* float32 arithmetic throughout (sums accumulated sequentially in float32 in
  window order: outer axis first, last axis innermost);
* max: "val > max || isnan(val)" with max initialised to -inf and the index to
  the first in-bounds element of the window (ties -> first, NaN -> last NaN);
* avg: divisor = divisor_override, else (count_include_pad ? window clipped to
  [-pad, I+pad) : window clipped to [0, I)); result = sum / divisor;
* adaptive: window [floor(o*I/O), ceil((o+1)*I/O)); avg = sum / kD / kH / kW
  (successive divisions);
* lp: y = avg_pool(x^p, k, s, pad=0, ceil) (count_include_pad=True);
  out = pow(y * prod(k), 1/p)  (x^2 = x*x, x^3 = x*x*x, ^0.5 = sqrt);
* fractional: window starts from float32 interval sequences, samples[...,0]
  -> W, [...,1] -> H for 2d; [...,0] -> T, [...,1] -> H, [...,2] -> W for 3d.

Prints, per op, how many jobs match bit-exactly (NaN == NaN, +0 == -0) and how
many only within tolerance (rtol 1e-5, atol 1e-6).  Exit status 1 on mismatch.
"""
import itertools
import json
import os
import sys
from collections import defaultdict

import numpy as np

f32 = np.float32


def sp(v, d, default=None):
    if v is None:
        return default
    if isinstance(v, (int, float)):
        return [v] * d
    assert len(v) == d, v
    return list(v)


def planes(x, d):
    """Reshape (..., spatial) into (P, spatial)."""
    return x.reshape((-1,) + x.shape[-d:])


def pool_out(I, k, s, p, dil, ceil):
    num = I + 2 * p - dil * (k - 1) - 1
    o = (-(-num // s) if ceil else num // s) + 1
    if ceil and (o - 1) * s >= I + p:
        o -= 1
    return o


def windows_std(I, k, s, p, dil, ceil):
    """Per axis: list of (valid positions) per output index."""
    O = pool_out(I, k, s, p, dil, ceil)
    res = []
    for o in range(O):
        st = o * s - p
        res.append([st + j * dil for j in range(k) if 0 <= st + j * dil < I])
    return res


def maxpick(vals_idx):
    mv, mi = f32(-np.inf), vals_idx[0][1] if vals_idx else 0
    for v, i in vals_idx:
        if v > mv or np.isnan(v):
            mv, mi = v, i
    return mv, mi


def window_iter(axes_lists, sizes, x):
    """Yield (value, flat_index) in row-major order over a window."""
    out = []
    for coords in itertools.product(*axes_lists):
        flat = 0
        for c, n in zip(coords, sizes):
            flat = flat * n + c
        out.append((x[coords], flat))
    return out


def generic_max(x, d, wins):
    """wins: list per axis of lists of positions. Returns values, indices."""
    P = planes(x, d)
    sizes = x.shape[-d:]
    O = [len(w) for w in wins]
    out = np.zeros((P.shape[0],) + tuple(O), f32)
    idx = np.zeros((P.shape[0],) + tuple(O), np.int64)
    for pl in range(P.shape[0]):
        for o in itertools.product(*[range(n) for n in O]):
            v, i = maxpick(window_iter([wins[a][o[a]] for a in range(d)], sizes, P[pl]))
            out[(pl,) + o] = v
            idx[(pl,) + o] = i
    return out.reshape(x.shape[:-d] + tuple(O)), idx.reshape(x.shape[:-d] + tuple(O))


def max_backward(x, d, wins, g):
    _, idx = generic_max(x, d, wins)
    P = planes(x, d)
    gi = np.zeros((P.shape[0], int(np.prod(x.shape[-d:]))), f32)
    gp = g.reshape(P.shape[0], int(np.prod(idx.shape[-d:])))
    ip = idx.reshape(P.shape[0], int(np.prod(idx.shape[-d:])))
    for pl in range(P.shape[0]):
        for j in range(ip.shape[1]):
            gi[pl, ip[pl, j]] += gp[pl, j]
    return gi.reshape(x.shape)


def avg_windows(I, k, s, p, ceil, cip, div):
    O = pool_out(I, k, s, p, 1, ceil)
    res = []
    for o in range(O):
        st = o * s - p
        en = min(st + k, I + p)
        full = en - st
        st2, en2 = max(st, 0), min(en, I)
        res.append((list(range(st2, en2)), full))
    return res


def avg_generic(x, d, axw, divisor_fn, g=None):
    """axw: per axis list of (positions, full_len). divisor_fn(tuple of (pos, full)) -> divisor."""
    P = planes(x, d)
    O = [len(w) for w in axw]
    out = np.zeros((P.shape[0],) + tuple(O), f32)
    gi = np.zeros(P.shape, f32)
    gp = None if g is None else g.reshape((P.shape[0],) + tuple(O))
    for pl in range(P.shape[0]):
        for o in itertools.product(*[range(n) for n in O]):
            ws = [axw[a][o[a]] for a in range(d)]
            div = divisor_fn(ws)
            if g is None:
                s = f32(0)
                for c in itertools.product(*[w[0] for w in ws]):
                    s = f32(s + P[pl][c])
                out[(pl,) + o] = f32(s / f32(div))
            else:
                gv = f32(gp[(pl,) + o] / f32(div))
                for c in itertools.product(*[w[0] for w in ws]):
                    gi[(pl,) + c] = f32(gi[(pl,) + c] + gv)
    if g is None:
        return out.reshape(x.shape[:-d] + tuple(O))
    return gi.reshape(x.shape)


def f32pow(x, p):
    x = x.astype(f32)
    if p == 2:
        return (x * x).astype(f32)
    if p == 3:
        return (x * x * x).astype(f32)
    if p == 1:
        return x.copy()
    with np.errstate(invalid="ignore"):
        return np.power(x, f32(p)).astype(f32)


def f32root(y, p):
    e = 1.0 / p
    with np.errstate(invalid="ignore"):
        if e == 0.5:
            return np.sqrt(y).astype(f32)
        if e == 1.0:
            return y.copy()
        return np.power(y, f32(e)).astype(f32)


def adaptive_windows(I, O):
    return [list(range((o * I) // O, -(-((o + 1) * I) // O))) for o in range(O)]


def frac_intervals(u, I, O, k):
    u = f32(u)
    seq = [0] * O
    if O > 1:
        a = f32(I - k) / f32(O - 1)
        for i in range(O - 1):
            seq[i] = int(f32((f32(i) + u) * a)) - int(f32(u * a))
    if O > 0:
        seq[O - 1] = I - k
    return seq


def frac_wins(x, d, job, rs, plane_index):
    k = sp(job["kernel_size"], d)
    sizes = list(x.shape[-d:])
    if job.get("output_size") is not None:
        O = sp(job["output_size"], d)
    else:
        r = sp(job["output_ratio"], d)
        O = [int(sizes[a] * r[a]) for a in range(d)]
    # sample component per spatial axis
    comp = [1, 0] if d == 2 else [0, 1, 2]
    seqs = [frac_intervals(rs[plane_index][comp[a]], sizes[a], O[a], k[a]) for a in range(d)]
    return [[list(range(st, st + k[a])) for st in seqs[a]] for a in range(d)], O


def fractional(x, d, job, rs, g=None):
    P = planes(x, d)
    C = x.shape[-d - 1]
    rsp = rs.reshape(-1, d)
    outs, idxs, gis = [], [], []
    for pl in range(P.shape[0]):
        wins, O = frac_wins(x, d, job, rsp, pl)
        o, i = generic_max(P[pl:pl + 1], d, wins)
        outs.append(o[0]); idxs.append(i[0])
        if g is not None:
            gp = g.reshape((P.shape[0],) + tuple(O))
            gis.append(max_backward(P[pl:pl + 1], d, wins, gp[pl:pl + 1])[0])
    if P.shape[0] == 0:
        k = sp(job["kernel_size"], d)
        sizes = list(x.shape[-d:])
        O = sp(job["output_size"], d) if job.get("output_size") is not None else \
            [int(sizes[a] * sp(job["output_ratio"], d)[a]) for a in range(d)]
        if g is not None:
            return np.zeros(x.shape, f32), None
        return np.zeros(x.shape[:-d] + tuple(O), f32), np.zeros(x.shape[:-d] + tuple(O), np.int64)
    if g is not None:
        return np.stack(gis).reshape(x.shape), None
    shp = x.shape[:-d] + outs[0].shape
    return np.stack(outs).reshape(shp), np.stack(idxs).reshape(shp)


def compute(job, load):
    op = job["op"]
    bwd = op.endswith("_backward")
    base = op[:-9] if bwd else op
    d = int(base[-2])
    x = load(job["input"])
    g = load(job["grad_output"]) if bwd else None
    sizes = x.shape[-d:]
    if base.startswith("max_pool"):
        k = sp(job["kernel_size"], d)
        s = sp(job.get("stride"), d, k)
        p = sp(job.get("padding"), d, [0] * d)
        dl = sp(job.get("dilation"), d, [1] * d)
        ceil = bool(job.get("ceil_mode", False))
        wins = [windows_std(sizes[a], k[a], s[a], p[a], dl[a], ceil) for a in range(d)]
        if bwd:
            return max_backward(x, d, wins, g), None
        return generic_max(x, d, wins)
    if base.startswith("avg_pool") or base.startswith("lp_pool"):
        lp = base.startswith("lp_pool")
        k = sp(job["kernel_size"], d)
        s = sp(job.get("stride"), d, k)
        p = [0] * d if lp else sp(job.get("padding"), d, [0] * d)
        ceil = bool(job.get("ceil_mode", False))
        cip = True if lp else bool(job.get("count_include_pad", True))
        div = None if lp else job.get("divisor_override")
        axw = [avg_windows(sizes[a], k[a], s[a], p[a], ceil, cip, div) for a in range(d)]

        def divisor(ws):
            if div is not None:
                return div
            if cip:
                return int(np.prod([w[1] for w in ws]))
            return int(np.prod([len(w[0]) for w in ws]))
        if not lp:
            return avg_generic(x, d, axw, divisor, g), None
        pn = job["norm_type"]
        K = f32(int(np.prod(k)))
        xp = f32pow(x, pn)
        y = avg_generic(xp, d, axw, divisor)
        yk = (y * K).astype(f32)
        if not bwd:
            return f32root(yk, pn), None
        # d/dx: (1/p) yk^(1/p-1) * K * (1/div) * p x^(p-1); zero where yk == 0
        with np.errstate(divide="ignore", invalid="ignore"):
            gy = (g.astype(np.float64) * (1.0 / pn) * np.power(yk.astype(np.float64), 1.0 / pn - 1.0) * float(K))
            gy = np.where(yk == 0, 0.0, gy)
            gx = avg_generic(np.zeros_like(x), d, axw, divisor, gy.astype(f32)).astype(np.float64)
            gx = gx * pn * np.power(x.astype(np.float64), pn - 1)
        return gx.astype(f32), None
    if base.startswith("adaptive"):
        osz = sp(job["output_size"], d)
        O = [sizes[a] if osz[a] is None else osz[a] for a in range(d)]
        wins = [adaptive_windows(sizes[a], O[a]) for a in range(d)]
        if base.startswith("adaptive_max"):
            if bwd:
                return max_backward(x, d, wins, g), None
            return generic_max(x, d, wins)
        P = planes(x, d)
        if not bwd:
            out = np.zeros((P.shape[0],) + tuple(O), f32)
            for pl in range(P.shape[0]):
                for o in itertools.product(*[range(n) for n in O]):
                    ws = [wins[a][o[a]] for a in range(d)]
                    sm = f32(0)
                    for c in itertools.product(*ws):
                        sm = f32(sm + P[pl][c])
                    for w in ws:
                        sm = f32(sm / f32(len(w)))
                    out[(pl,) + o] = sm
            return out.reshape(x.shape[:-d] + tuple(O)), None
        gi = np.zeros(P.shape, f32)
        gp = g.reshape((P.shape[0],) + tuple(O))
        for pl in range(P.shape[0]):
            for o in itertools.product(*[range(n) for n in O]):
                ws = [wins[a][o[a]] for a in range(d)]
                gv = gp[(pl,) + o]
                for w in ws:
                    gv = f32(gv / f32(len(w)))
                for c in itertools.product(*ws):
                    gi[(pl,) + c] = f32(gi[(pl,) + c] + gv)
        return gi.reshape(x.shape), None
    if base.startswith("fractional"):
        rs = load(job["random_samples"])
        return fractional(x, d, job, rs, g)
    if base.startswith("max_unpool"):
        idx = load(job["indices"])
        k = sp(job["kernel_size"], d)
        s = sp(job.get("stride"), d, k)
        p = sp(job.get("padding"), d, [0] * d)
        osz = job.get("output_size")
        if osz is None:
            O = [(sizes[a] - 1) * s[a] - 2 * p[a] + k[a] for a in range(d)]
        else:
            O = list(osz)[-d:]
        P = planes(x, d).reshape(-1, int(np.prod(sizes)))
        ip = idx.reshape(P.shape[0], int(np.prod(sizes)))
        if bwd:
            gp = g.reshape(P.shape[0], int(np.prod(O)))
            gi = np.zeros(P.shape, f32)
            for pl in range(P.shape[0]):
                gi[pl] = gp[pl][ip[pl]]
            return gi.reshape(x.shape), None
        out = np.zeros((P.shape[0], int(np.prod(O))), f32)
        for pl in range(P.shape[0]):
            for j in range(P.shape[1]):
                out[pl, ip[pl, j]] = P[pl, j]
        return out.reshape(x.shape[:-d] + tuple(O)), None
    raise ValueError(op)


def main():
    root = sys.argv[1]
    verbose = "--verbose" in sys.argv

    def load(rel):
        return np.load(os.path.join(root, rel))

    stats = defaultdict(lambda: [0, 0, 0])  # exact, close, bad
    bad = []
    for line in open(os.path.join(root, "jobs.jsonl")):
        job = json.loads(line)
        out, idx = compute(job, load)
        exp = load("expected/" + os.path.basename(job["output"]))
        ok_idx = True
        if job.get("indices", "").startswith("out/"):
            ei = load("expected/" + os.path.basename(job["indices"]))
            ok_idx = idx is not None and ei.dtype == np.int64 and np.array_equal(ei, idx)
        assert exp.dtype == np.float32
        if out.shape != exp.shape:
            stats[job["op"]][2] += 1
            bad.append((job["id"], "shape", out.shape, exp.shape))
            continue
        same_nan = np.array_equal(np.isnan(out), np.isnan(exp))
        exact = same_nan and np.array_equal(np.nan_to_num(out, nan=0.0), np.nan_to_num(exp, nan=0.0))
        close = same_nan and np.allclose(np.nan_to_num(out, nan=0.0), np.nan_to_num(exp, nan=0.0),
                                         rtol=1e-5, atol=1e-6)
        if exact and ok_idx:
            stats[job["op"]][0] += 1
        elif close and ok_idx:
            stats[job["op"]][1] += 1
            if verbose:
                print("close only:", job["id"], np.max(np.abs(np.nan_to_num(out - exp))))
        else:
            stats[job["op"]][2] += 1
            bad.append((job["id"], "idx ok" if ok_idx else "IDX MISMATCH",
                        float(np.nanmax(np.abs(out - exp))) if out.size else 0.0))
    print("%-34s %6s %6s %6s" % ("op", "exact", "close", "BAD"))
    for op in sorted(stats):
        print("%-34s %6d %6d %6d" % ((op,) + tuple(stats[op])))
    for b in bad:
        print("MISMATCH", b)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
