"""Golden files for tf.nn.max_pool_with_argmax (and the 1-D/2-D max-pool
gradients that share its argmax), produced by TensorFlow itself.

TensorFlow's CPU kernel for MaxPoolWithArgmax starts every output at the
lowest float with argmax -1 and takes a cell when `best < v` or when the
argmax is still -1.  So the window's first in-bounds cell is taken whatever it
holds, later cells only when strictly larger: a NaN is kept only when it is the
first cell, a window of -inf gives -inf with its first cell's index.  The
values of tf.nn.max_pool follow another rule (NaN never wins, -FLT_MAX when
nothing wins), but its 1-D/2-D gradient routes through the argmax above.  The
cases below exercise exactly these points: NaN first / later / only, -inf
windows, -inf mixed with NaN, -FLT_MAX, ties, SAME padding before and after,
include_batch_in_index both ways, NHWC only (the op's one layout).

Usage (TensorFlow is not needed by the build; the files are committed):

    python3 -m venv venv && venv/bin/pip install tensorflow-cpu numpy
    venv/bin/python tools/golden/tf_argmax_golden.py \
        pooling4j-cli/src/test/resources/golden/tf_argmax

Writes OUTDIR/jobs.jsonl (pooling4j jobs), OUTDIR/in/*.npy, OUTDIR/expected/*.npy
(named as each job's output/argmax under out/) and OUTDIR/README.md with the
TensorFlow and NumPy versions.  Deterministic (fixed seed).
"""

import json
import os
import shutil
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

SEED = 20261207
NAN = np.float32("nan")
INF = np.float32("inf")
FLT_MAX = np.finfo(np.float32).max


class Suite:
    def __init__(self, outdir):
        self.outdir = outdir
        self.jobs = []

    def save(self, rel, arr):
        np.save(os.path.join(self.outdir, rel), arr)

    def _base(self, jid, op, x, k, s, padding):
        self.save("in/%s.input.npy" % jid, x)
        return {"id": jid, "op": op, "ksize": [1, k[0], k[1], 1], "strides": [1, s[0], s[1], 1],
                "padding": padding, "input": "in/%s.input.npy" % jid}

    def argmax(self, tag, x, k, s, padding, grad):
        """Forward with argmax (both index forms) and the backward three ways."""
        x = np.asarray(x, np.float32)
        for ib in (False, True):
            jid = "%s_%s" % (tag, "bincl" if ib else "bexcl")
            v, a = tf.nn.max_pool_with_argmax(x, [1, k[0], k[1], 1], [1, s[0], s[1], 1], padding,
                                              include_batch_in_index=ib)
            v, a = v.numpy(), a.numpy().astype(np.int64)
            job = self._base(jid, "tf.nn.max_pool_with_argmax", x, k, s, padding)
            job["include_batch_in_index"] = ib
            job["output"] = "out/%s.output.npy" % jid
            job["argmax"] = "out/%s.argmax.npy" % jid
            self.save("expected/%s.output.npy" % jid, v)
            self.save("expected/%s.argmax.npy" % jid, a)
            self.jobs.append(job)

            g = np.asarray(grad(v.shape), np.float32)
            dx = tf.raw_ops.MaxPoolGradWithArgmax(
                input=x, grad=g, argmax=a, ksize=[1, k[0], k[1], 1], strides=[1, s[0], s[1], 1],
                padding=padding, include_batch_in_index=ib).numpy()
            # backward with TensorFlow's argmax file
            bj = "%s_bwd_file" % jid
            job = self._base(bj, "tf.nn.max_pool_with_argmax_backward", x, k, s, padding)
            job["include_batch_in_index"] = ib
            job["argmax"] = "in/%s.argmax.npy" % bj
            job["grad_output"] = "in/%s.grad_output.npy" % bj
            job["output"] = "out/%s.output.npy" % bj
            self.save(job["argmax"][:-4], a)
            self.save(job["grad_output"][:-4], g)
            self.save("expected/%s.output.npy" % bj, dx)
            self.jobs.append(job)
            if ib:
                continue
            # backward that recomputes the argmax (no argmax key)
            bj = "%s_bwd_recompute" % tag
            job = self._base(bj, "tf.nn.max_pool_with_argmax_backward", x, k, s, padding)
            job["grad_output"] = "in/%s.grad_output.npy" % bj
            job["output"] = "out/%s.output.npy" % bj
            self.save(job["grad_output"][:-4], g)
            self.save("expected/%s.output.npy" % bj, dx)
            self.jobs.append(job)

        # tf.nn.max_pool2d on the same input: its own value rule, and its gradient
        jid = "%s_max_pool2d" % tag
        xt = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            y = tf.nn.max_pool2d(xt, list(k), list(s), padding)
        g = np.asarray(grad(y.shape), np.float32)
        dx = tape.gradient(y, xt, output_gradients=tf.constant(g)).numpy()
        job = self._base(jid, "tf.nn.max_pool2d", x, k, s, padding)
        job["output"] = "out/%s.output.npy" % jid
        self.save("expected/%s.output.npy" % jid, y.numpy())
        self.jobs.append(job)
        bj = jid + "_bwd"
        job = self._base(bj, "tf.nn.max_pool2d_backward", x, k, s, padding)
        job["grad_output"] = "in/%s.grad_output.npy" % bj
        job["output"] = "out/%s.output.npy" % bj
        self.save(job["grad_output"][:-4], g)
        self.save("expected/%s.output.npy" % bj, dx)
        self.jobs.append(job)


def small_ints(rng):
    # Small integers: every gradient sum is exact in float32, so any order of addition agrees.
    return lambda shape: rng.integers(1, 9, size=shape).astype(np.float32)


def sprinkled(rng, shape, nan=0.2, ninf=0.1, lowest=0.05):
    x = (rng.integers(-8, 9, size=shape) / 4.0).astype(np.float32)  # many ties
    u = rng.random(shape)
    x[u < nan] = NAN
    x[(u >= nan) & (u < nan + ninf)] = -INF
    x[(u >= nan + ninf) & (u < nan + ninf + lowest)] = -FLT_MAX
    return x


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: tf_argmax_golden.py OUTDIR")
    outdir = sys.argv[1]
    for sub in ("in", "expected"):
        shutil.rmtree(os.path.join(outdir, sub), ignore_errors=True)
        os.makedirs(os.path.join(outdir, sub))
    rng = np.random.default_rng(SEED)
    grad = small_ints(rng)
    s = Suite(outdir)

    # 2x2 windows, k=2 s=2 VALID: one window per pattern, one pattern per channel.
    patterns = [
        [NAN, 1, 2, 3],          # NaN first: kept, index 0
        [1, NAN, 2, 3],          # NaN later: never taken
        [1, 2, NAN, 3],
        [NAN, NAN, 1, 2],
        [NAN, NAN, NAN, NAN],    # all NaN: NaN, index 0
        [-INF, -INF, -INF, -INF],  # all -inf: -inf, index 0
        [-INF, NAN, -INF, -INF],   # -inf then NaN: -inf, index 0
        [NAN, -INF, -INF, -INF],   # NaN then -inf: NaN, index 0
        [-INF, -INF, -INF, NAN],
        [-INF, -FLT_MAX, -INF, -INF],  # -FLT_MAX beats -inf: index 1
        [-FLT_MAX, -INF, -INF, -INF],
        [5, 5, 5, 5],            # ties: first
        [-INF, 2, NAN, 2],
    ]
    x = np.array(patterns, np.float32).T.reshape(1, 2, 2, len(patterns))
    s.argmax("patterns_k2s2_valid", x, (2, 2), (2, 2), "VALID", grad)

    # SAME with padding after (k=2 s=2 on 3x3): edge windows of 2 and 1 cells.
    x = np.array([[NAN, 1, NAN], [2, 3, -INF], [-INF, NAN, NAN]], np.float32)
    x = np.stack([x, x.T, -x], axis=-1).reshape(1, 3, 3, 3)
    s.argmax("same_after_k2s2", x, (2, 2), (2, 2), "SAME", grad)

    # SAME with padding before and after (k=3 s=1 on 4x4): first in-bounds cell at the border.
    x = np.arange(16, dtype=np.float32).reshape(4, 4) - 8
    x[0, 0] = NAN
    x[0, 2] = -INF
    x[1, 1] = NAN
    x[3, 3] = NAN
    x[2, 0] = -INF
    x[3, 0] = -INF
    s.argmax("same_both_k3s1", x.reshape(1, 4, 4, 1), (3, 3), (1, 1), "SAME", grad)

    # Random NaN / -inf / -FLT_MAX sprinkles, batch 2, several channels.
    s.argmax("random_k3s2_same", sprinkled(rng, (2, 5, 6, 3)), (3, 3), (2, 2), "SAME", grad)
    s.argmax("random_k2x3_s1x2_valid", sprinkled(rng, (2, 5, 7, 2)), (2, 3), (1, 2), "VALID", grad)
    s.argmax("random_k3s3_same_dense_nan", sprinkled(rng, (3, 4, 5, 2), nan=0.5, ninf=0.3),
             (3, 3), (3, 3), "SAME", grad)

    with open(os.path.join(outdir, "jobs.jsonl"), "w") as f:
        for j in s.jobs:
            f.write(json.dumps(j) + "\n")
    with open(os.path.join(outdir, "README.md"), "w") as f:
        f.write("Produced by tools/golden/tf_argmax_golden.py with TensorFlow %s (CPU) and NumPy %s.\n"
                "%d jobs; expected/ holds TensorFlow's outputs, argmax and gradients, compared bit for bit.\n"
                % (tf.__version__, np.__version__, len(s.jobs)))
    print("%d jobs" % len(s.jobs))


if __name__ == "__main__":
    main()
