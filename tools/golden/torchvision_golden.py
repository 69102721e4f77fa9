#!/usr/bin/python3
"""Generate torchvision golden test data for pooling4j's region ops.

Usage (Debian's python3-torchvision lives in the system interpreter):

    /usr/bin/python3 tools/golden/torchvision_golden.py OUTDIR

Not run by the build; the output is committed under
pooling4j-cli/src/test/resources/golden/torchvision and checked by
GoldenJobsTest through the job runner.

Writes
    OUTDIR/jobs.jsonl          one job object per line (pooling4j job format)
    OUTDIR/in/<name>.npy       inputs read by the runner (input, boxes,
                               grad_output, indices for roi_pool_backward)
    OUTDIR/expected/<id>.*.npy torchvision results; the file name equals the
                               basename of the job's "output" / "indices" key,
                               which point under out/
    OUTDIR/README.md

Job format (torchvision.ops parameter names)
    op              roi_align, roi_pool, roi_align_backward, roi_pool_backward
    input           (N, C, H, W) float32; the backward reads only its shape,
                    except roi_pool_backward without "indices" (recomputes
                    the argmax from it)
    boxes           (K, 5) float32 rows [batch_index, x1, y1, x2, y2]
    output_size     int or [h, w]
    spatial_scale   default 1.0
    sampling_ratio  roi_align only, default -1 (adaptive)
    aligned         roi_align only, default false
    grad_output     backward: (K, C, h, w)
    indices         roi_pool: argmax written by the forward (int64, -1 for
                    an empty bin); roi_pool_backward: read when given
    output          forward values, or the gradient w.r.t. input
    memory_format   optional "channels_last"; files stay NCHW

Everything is deterministic (fixed seed, one thread). The backward results
come from autograd (torchvision's _roi_align_backward / _roi_pool_backward).
"""

import json
import os
import shutil
import sys
from collections import Counter

import numpy as np
import torch
import torchvision
from torchvision.ops import roi_align, roi_pool

SEED = 20240917


class Golden:
    def __init__(self, outdir):
        self.outdir = outdir
        self.jobs = []
        self.per_op = Counter()
        self.saved = {}
        self.skipped = []

    def save(self, rel, arr):
        np.save(os.path.join(self.outdir, rel), arr, allow_pickle=False)
        return rel

    def save_input(self, name, arr):
        """Inputs shared by several jobs are written once."""
        rel = "in/%s.npy" % name
        if rel not in self.saved:
            self.save(rel, arr)
            self.saved[rel] = True
        return rel

    def add(self, job, expected):
        jid = job["id"]
        for key, arr in expected.items():
            self.save("expected/%s.%s.npy" % (jid, key), arr)
            job[key] = "out/%s.%s.npy" % (jid, key)
        self.jobs.append(job)
        self.per_op[job["op"]] += 1


def to_nchw32(t):
    return np.ascontiguousarray(t.detach().contiguous().numpy().astype(np.float32))


def feature_map(rng, n, c, h, w, kind="normal"):
    if kind == "ties":
        # Small integers: many equal maxima, so the first-wins argmax rule matters.
        return rng.integers(0, 3, size=(n, c, h, w)).astype(np.float32)
    x = rng.standard_normal((n, c, h, w)).astype(np.float32)
    if kind == "special":
        flat = x.reshape(-1)
        flat[3] = np.nan
        flat[17] = -np.inf
        flat[40] = np.inf
        flat[55] = np.nan
    return x


# Box sets in image coordinates; each is scaled so that the ROIs land on an
# H x W map at the job's spatial_scale.  Columns: batch, x1, y1, x2, y2.
def box_sets(h, w, scale):
    s = 1.0 / scale
    W, H = w * s, h * s
    sets = {
        "several": [
            [0, 0.0, 0.0, W - s, H - s],
            [0, 0.2 * W, 0.1 * H, 0.7 * W, 0.9 * H],
            [1, 0.35 * W, 0.25 * H, 0.95 * W, 0.6 * H],
            [1, 1.3 * s, 2.6 * s, 4.1 * s, 5.7 * s],
            [0, 2.5 * s, 1.5 * s, 3.5 * s, 6.5 * s],
        ],
        "partial": [
            [0, -3.0 * s, -2.2 * s, 4.4 * s, 3.1 * s],
            [1, 0.6 * W, 0.5 * H, W + 3.7 * s, H + 2.3 * s],
            [1, -1.6 * s, 0.3 * H, W + 1.2 * s, 0.8 * H],
            [0, W + 1.0 * s, H + 1.0 * s, W + 6.0 * s, H + 4.0 * s],  # wholly outside
        ],
        "tiny": [
            [0, 2.0 * s, 3.0 * s, 2.0 * s, 3.0 * s],  # a point
            [1, 1.2 * s, 1.4 * s, 1.45 * s, 1.5 * s],  # smaller than a pixel
            [0, 0.0, 0.0, 0.0, 5.0 * s],  # zero width
            [1, W - s, H - s, W - s, H - s],  # the last pixel
        ],
        "reversed": [
            [0, 5.0 * s, 4.0 * s, 1.0 * s, 1.5 * s],  # x2 < x1 and y2 < y1
            [1, 6.3 * s, 1.0 * s, 2.2 * s, 5.0 * s],  # x2 < x1 only
            [0, 1.0 * s, 4.5 * s, 3.0 * s, 0.5 * s],  # y2 < y1 only
        ],
    }
    return {k: np.array(v, dtype=np.float32) for k, v in sets.items()}


def gen(g, rng):
    # (H, W, spatial_scale, memory_format) feature maps; N = 2, C = 2 or 3.
    maps = [
        (8, 10, 1.0, 2, "normal"),
        (7, 9, 0.5, 3, "normal"),
        (6, 8, 1.0 / 16, 2, "normal"),
    ]
    align_params = [
        # (output_size, sampling_ratio or None for the default -1)
        ((2, 2), None),
        ((3, 4), 2),
        ((7, 7), 0),
        ((3, 4), -1),
        ((2, 2), 2),
        (7, None),
    ]
    count = 0
    combo = 0
    for (h, w, scale, c, kind) in maps:
        x = feature_map(rng, 2, c, h, w, kind)
        xname = "x_%dx%dx%d_%s" % (c, h, w, kind)
        xrel = g.save_input(xname, x)
        for bname, boxes in box_sets(h, w, scale).items():
            brel = g.save_input("boxes_%dx%d_s%g_%s" % (h, w, 1.0 / scale, bname), boxes)
            for aligned in (False, True):
                combo += 1
                for pi, (osz, sr) in enumerate(align_params):
                    # Every (box set, aligned) pair sees two of the six settings, rotating.
                    if (pi + combo) % 3:
                        continue
                    count += 1
                    fmt = "channels_last" if count % 5 == 0 else None
                    align_job(g, rng, x, xrel, boxes, brel, osz, scale, sr, aligned, fmt, bname)
            for osz in ((2, 2), (3, 4), (7, 7)):
                count += 1
                fmt = "channels_last" if count % 4 == 0 else None
                pool_job(g, rng, x, xrel, boxes, brel, osz, scale, fmt, bname, pass_indices=count % 3 == 0)

    # Special values and ties, spatial_scale 1.
    for kind in ("special", "ties"):
        h, w = 8, 10
        x = feature_map(rng, 2, 2, h, w, kind)
        xrel = g.save_input("x_2x8x10_%s" % kind, x)
        boxes = box_sets(h, w, 1.0)["several"]
        brel = g.save_input("boxes_8x10_s1_several", boxes)
        for fmt in (None, "channels_last"):
            pool_job(g, rng, x, xrel, boxes, brel, (3, 4), 1.0, fmt, kind, pass_indices=fmt is None)
            pool_job(g, rng, x, xrel, boxes, brel, (2, 2), 1.0, fmt, kind, pass_indices=False)
        for aligned in (False, True):
            align_job(g, rng, x, xrel, boxes, brel, (3, 4), 1.0, 2, aligned, None, kind)


def params(job, osz, scale, sr=None, aligned=None):
    job["output_size"] = list(osz) if isinstance(osz, tuple) else osz
    if scale != 1.0 or len(job["id"]) % 2:
        job["spatial_scale"] = scale
    if sr is not None:
        job["sampling_ratio"] = sr
    if aligned is not None and (aligned or len(job["id"]) % 2 == 0):
        job["aligned"] = aligned


def run_torch(x, fmt):
    t = torch.from_numpy(x.copy())
    if fmt == "channels_last":
        t = t.contiguous(memory_format=torch.channels_last)
    return t.requires_grad_(True)


def align_job(g, rng, x, xrel, boxes, brel, osz, scale, sr, aligned, fmt, tag):
    n = len(g.jobs)
    oh, ow = osz if isinstance(osz, tuple) else (osz, osz)
    base = "roi_align_%03d_%s_%s_%dx%d_sr%s_s%g" % (n, tag, "al" if aligned else "leg", oh, ow,
                                                    "d" if sr is None else sr, 1.0 / scale)
    if fmt:
        base += "_cl"
    kw = dict(output_size=osz, spatial_scale=scale, aligned=aligned)
    if sr is not None:
        kw["sampling_ratio"] = sr
    t = run_torch(x, fmt)
    try:
        y = roi_align(t, torch.from_numpy(boxes), **kw)
    except (RuntimeError, ValueError) as e:
        # aligned=True, adaptive grid, a box reversed on exactly one axis: torchvision sizes a
        # vector with the negative sample count and fails; pooling4j rejects the box (BadRoiInputTest).
        g.skipped.append("%s: %s" % (base, str(e).splitlines()[0]))
        return
    gy = rng.standard_normal(tuple(y.shape)).astype(np.float32)
    y.backward(torch.from_numpy(gy))
    # channels_last must not change the values torchvision computes.
    ref = roi_align(torch.from_numpy(x), torch.from_numpy(boxes), **kw)
    assert torch.equal(ref.isnan(), y.isnan()) and torch.equal(ref.nan_to_num(), y.detach().nan_to_num())

    job = {"id": base, "op": "roi_align", "input": xrel, "boxes": brel}
    params(job, osz, scale, sr, aligned)
    if fmt:
        job["memory_format"] = fmt
    g.add(job, {"output": to_nchw32(y)})

    gy_rel = g.save("in/%s_backward.grad_output.npy" % base, gy)
    job = {"id": base + "_backward", "op": "roi_align_backward", "input": xrel, "boxes": brel, "grad_output": gy_rel}
    params(job, osz, scale, sr, aligned)
    if fmt:
        job["memory_format"] = fmt
    g.add(job, {"output": to_nchw32(t.grad)})


def pool_job(g, rng, x, xrel, boxes, brel, osz, scale, fmt, tag, pass_indices):
    n = len(g.jobs)
    oh, ow = osz
    base = "roi_pool_%03d_%s_%dx%d_s%g" % (n, tag, oh, ow, 1.0 / scale)
    if fmt:
        base += "_cl"
    t = run_torch(x, fmt)
    y = roi_pool(t, torch.from_numpy(boxes), output_size=osz, spatial_scale=scale)
    gy = rng.standard_normal(tuple(y.shape)).astype(np.float32)
    y.backward(torch.from_numpy(gy))
    _, argmax = torch.ops.torchvision.roi_pool(torch.from_numpy(x), torch.from_numpy(boxes), scale, oh, ow)
    argmax = np.ascontiguousarray(argmax.numpy().astype(np.int64))

    job = {"id": base, "op": "roi_pool", "input": xrel, "boxes": brel}
    params(job, osz, scale)
    if fmt:
        job["memory_format"] = fmt
    g.add(job, {"output": to_nchw32(y), "indices": argmax})

    gy_rel = g.save("in/%s_backward.grad_output.npy" % base, gy)
    job = {"id": base + "_backward", "op": "roi_pool_backward", "input": xrel, "boxes": brel, "grad_output": gy_rel}
    if pass_indices:
        job["indices"] = g.save("in/%s_backward.indices.npy" % base, argmax)
    params(job, osz, scale)
    if fmt:
        job["memory_format"] = fmt
    g.add(job, {"output": to_nchw32(t.grad)})


README = """# torchvision golden data

Generated by `tools/golden/torchvision_golden.py` (seed %(seed)d) with
torchvision %(tv)s / PyTorch %(torch)s / NumPy %(numpy)s on CPU (Debian
`python3-torchvision`); %(njobs)d jobs.

Regenerate from the repository root:

    /usr/bin/python3 tools/golden/torchvision_golden.py pooling4j-cli/src/test/resources/golden/torchvision

Layout as in `../torch/`: `jobs.jsonl`, inputs under `in/` (shared inputs
and box sets are written once), expected results under `expected/` named
after the job's `output` / `indices` key (`out/<id>.output.npy` ->
`expected/<id>.output.npy`). Values are float32, the roi_pool argmax int64
(plane position `h * W + w`, -1 where nothing was taken).

Coverage: N = 2, several boxes per image, boxes partly or wholly outside
the map, points and sub-pixel boxes, `x2 < x1` / `y2 < y1` (torchvision
accepts them: roi_align with `aligned=false` and roi_pool raise the size to
1, `aligned=true` keeps the negative size), `aligned` both ways,
`sampling_ratio` default (-1), 0, 2, `spatial_scale` 1, 0.5 and 1/16,
output sizes 2x2, 3x4 and 7x7, NaN/inf inputs, tied maxima, channels-last
(`memory_format`), forward and backward (autograd with a random
`grad_output`), and roi_pool_backward with and without the forward's argmax.

GoldenJobsTest compares roi_pool values, argmax and gradients exactly and
roi_align values and gradients within a relative 1e-5 (plus 1e-6 absolute).
"""


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    outdir = sys.argv[1]
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    rng = np.random.default_rng(SEED)
    for sub in ("in", "expected"):
        shutil.rmtree(os.path.join(outdir, sub), ignore_errors=True)
        os.makedirs(os.path.join(outdir, sub))
    g = Golden(outdir)
    gen(g, rng)
    with open(os.path.join(outdir, "jobs.jsonl"), "w") as f:
        for j in g.jobs:
            f.write(json.dumps(j, allow_nan=False) + "\n")
    with open(os.path.join(outdir, "README.md"), "w") as f:
        f.write(README % dict(seed=SEED, tv=torchvision.__version__, torch=torch.__version__, numpy=np.__version__,
                              njobs=len(g.jobs)))
    print("torchvision %s, %d jobs written to %s" % (torchvision.__version__, len(g.jobs), outdir))
    for op in sorted(g.per_op):
        print("  %-24s %4d" % (op, g.per_op[op]))
    if g.skipped:
        print("skipped %d configurations torchvision rejects:" % len(g.skipped))
        for s in g.skipped:
            print("  ", s)


if __name__ == "__main__":
    main()
