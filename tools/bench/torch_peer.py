#!/usr/bin/env python3
"""Times PyTorch on the cases of `pooling4j bench --peer torch` (the bench starts this script).

Protocol (JSON, one object per line, UTF-8):
  - on start the script prints {"torch": VERSION, "python": VERSION, "mkldnn": BOOL}, or
    {"error": MESSAGE} and exits with status 3 when torch cannot be imported;
  - then, for each case the bench writes on standard input, it prints
    {"case": NAME, "rows": [{"layout", "threads", "median_ms", "min_ms", "label"}, ...],
     "skipped": [REASON, ...]}
    and it exits when standard input ends.

A case object has: case, kind ("forward", "max-backward", "avg-backward", "training-forward",
"training-backward"), op (pooling4j's operator name: max, avg, lp, global_avg, global_max,
adaptive_max, adaptive_avg, fractional_max, ...), kernel, stride, pad_begin, pad_end, dilation,
ceil_mode, count_include_pad, p, output_size, shape (logical N, C, spatial...), relu (inputs after a
ReLU), threads (list), seed and the timing plan: warmup_calls, warmup_s, warmup_cap_s, min_calls,
min_s, max_calls (the bench's own loop: warm up for warmup_calls and warmup_s unless warmup_cap_s
passes first, then time at least min_calls calls and min_s seconds, at most max_calls).

Layouts, each timed where it applies: nchw (contiguous), channels_last (torch.channels_last or
channels_last_3d), mkldnn (x.to_mkldnn(), forward only) and nchw_out (the aten .out overload into a
preallocated output). An operator torch lacks (stochastic, mixed, gated, weighted average) gives no
row; a layout that fails is skipped with its reason.

usage: torch_peer.py  (normally started by the bench; try it by hand with
  echo '{"case":"t","kind":"forward","op":"max","kernel":[2,2],"stride":[2,2],"pad_begin":[0,0],
  "pad_end":[0,0],"dilation":[1,1],"ceil_mode":false,"count_include_pad":true,"shape":[1,8,32,32],
  "threads":[1],"seed":1,"warmup_calls":2,"warmup_s":0,"warmup_cap_s":0,"min_calls":5,"min_s":0,
  "max_calls":5}' | python3 tools/bench/torch_peer.py)
"""
import json
import platform
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except Exception as e:  # any import failure means "no usable torch here"
    print(json.dumps({"error": f"cannot import torch: {e}"}), flush=True)
    sys.exit(3)


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def measure(fn, c):
    """The bench's timing loop (Timing.measure): median and minimum in ms."""
    t0 = time.perf_counter()
    w = 0
    while True:
        el = time.perf_counter() - t0
        enough = w >= c["warmup_calls"] and el >= c["warmup_s"]
        capped = c["warmup_cap_s"] > 0 and el >= c["warmup_cap_s"] and w >= min(3, c["warmup_calls"])
        if enough or capped:
            break
        fn()
        w += 1
    times = []
    start = time.perf_counter()
    max_calls = max(c["min_calls"], c["max_calls"])
    while len(times) < max_calls and (len(times) < c["min_calls"] or time.perf_counter() - start < c["min_s"]):
        a = time.perf_counter_ns()
        fn()
        b = time.perf_counter_ns()
        times.append(b - a)
    times.sort()
    n = len(times)
    med = times[n // 2] if n % 2 == 1 else (times[n // 2 - 1] + times[n // 2]) / 2
    return med / 1e6, times[0] / 1e6


def symmetric_padding(c):
    if list(c["pad_begin"]) != list(c["pad_end"]):
        raise Unsupported("asymmetric padding (torch pads both sides alike)")
    return list(c["pad_begin"])


class Unsupported(Exception):
    """The case (or one layout of it) has no torch counterpart."""


def aten(name, overload):
    """torch.ops.aten.NAME.OVERLOAD, or Unsupported when this torch lacks it."""
    try:
        return getattr(getattr(torch.ops.aten, name), overload)
    except (AttributeError, RuntimeError) as e:
        raise Unsupported(f"aten::{name}.{overload} missing: {e}")


def memory_format(rank):
    if rank == 4:
        return torch.channels_last
    if rank == 5:
        return torch.channels_last_3d
    raise Unsupported("channels_last needs a 4-D or 5-D tensor")


def forward_fns(c, x, layout):
    """The zero-argument call timed for a forward case on one layout, with its label."""
    op = c["op"]
    dims = len(c["shape"]) - 2
    k, s, d = c["kernel"], c["stride"], c["dilation"]
    indices = c["kind"] == "training-forward"
    if op == "max":
        p = symmetric_padding(c)
        if layout == "nchw_out":
            if dims != 2:
                raise Unsupported("no max_pool1d/3d .out used here")
            y = torch.empty(0)
            i = torch.empty(0, dtype=torch.long)
            f = aten("max_pool2d_with_indices", "out")
            return (lambda: f(x, k, s, p, d, c["ceil_mode"], out=y, indices=i)), "aten max_pool2d_with_indices.out"
        if indices:
            fn = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}[dims]
            return (lambda: fn(x, k, s, p, d, c["ceil_mode"], return_indices=True)), "max_pool with indices"
        fn = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}[dims]
        return (lambda: fn(x, k, s, p, d, c["ceil_mode"])), "max_pool"
    if op == "avg":
        if any(v != 1 for v in d):
            raise Unsupported("torch average pooling has no dilation")
        p = symmetric_padding(c)
        cip = c["count_include_pad"]
        if layout == "nchw_out":
            if dims not in (2, 3):
                raise Unsupported("no avg_pool1d .out")
            y = torch.empty(0)
            f = aten(f"avg_pool{dims}d", "out")
            return (lambda: f(x, k, s, p, c["ceil_mode"], cip, None, out=y)), f"aten avg_pool{dims}d.out"
        fn = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}[dims]
        return (lambda: fn(x, k, s, p, c["ceil_mode"], cip)), "avg_pool"
    if op in ("global_avg", "adaptive_avg"):
        size = [1] * dims if op == "global_avg" else c["output_size"]
        if layout == "nchw_out":
            if dims != 2:
                raise Unsupported("no adaptive_avg_pool1d/3d .out used here")
            y = torch.empty(0)
            f = aten("adaptive_avg_pool2d", "out")
            return (lambda: f(x, size, out=y)), "aten adaptive_avg_pool2d.out"
        fn = {1: F.adaptive_avg_pool1d, 2: F.adaptive_avg_pool2d, 3: F.adaptive_avg_pool3d}[dims]
        return (lambda: fn(x, size)), "adaptive_avg_pool"
    if op in ("global_max", "adaptive_max"):
        size = [1] * dims if op == "global_max" else c["output_size"]
        if layout == "nchw_out":
            if dims != 2:
                raise Unsupported("no adaptive_max_pool1d/3d .out used here")
            y = torch.empty(0)
            i = torch.empty(0, dtype=torch.long)
            f = aten("adaptive_max_pool2d", "out")
            return (lambda: f(x, size, out=y, indices=i)), "aten adaptive_max_pool2d.out"
        fn = {1: F.adaptive_max_pool1d, 2: F.adaptive_max_pool2d, 3: F.adaptive_max_pool3d}[dims]
        return (lambda: fn(x, size, return_indices=indices)), "adaptive_max_pool"
    if op == "lp":
        if dims not in (1, 2) or any(v != 1 for v in d) or any(v != 0 for v in c["pad_begin"] + c["pad_end"]):
            raise Unsupported("torch lp_pool is 1-D/2-D without padding or dilation")
        if layout == "nchw_out" or layout == "mkldnn":
            raise Unsupported("lp_pool has no .out or mkldnn form")
        fn = F.lp_pool1d if dims == 1 else F.lp_pool2d
        kk = k[0] if dims == 1 else k
        ss = s[0] if dims == 1 else s
        return (lambda: fn(x, c["p"], kk, ss)), f"lp_pool{dims}d"
    if op == "fractional_max":
        if dims != 2:
            raise Unsupported("fractional max pooling is 2-D here")
        if layout == "mkldnn":
            raise Unsupported("no mkldnn fractional max pooling")
        samples = fractional_samples(c)
        if layout == "nchw_out":
            y = torch.empty(0)
            i = torch.empty(0, dtype=torch.long)
            f = aten("fractional_max_pool2d", "output")
            return (
                lambda: f(x, k, c["output_size"], samples, output=y, indices=i)
            ), "aten fractional_max_pool2d.output"
        return (
            lambda: F.fractional_max_pool2d(x, k, output_size=c["output_size"], _random_samples=samples)
        ), "fractional_max_pool2d"
    raise Unsupported(f"torch has no '{op}' pooling")


def fractional_samples(c):
    g = torch.Generator().manual_seed(c["seed"] + 7)
    return torch.rand(c["shape"][0], c["shape"][1], 2, generator=g)


def backward_fns(c, x, g, layout):
    """The timed backward call on one layout: aten backward kernels where reachable, else autograd."""
    op = c["op"]
    dims = len(c["shape"]) - 2
    k, s, d = c["kernel"], c["stride"], c["dilation"]
    if layout == "mkldnn":
        raise Unsupported("mkldnn is timed forward only")
    out = layout == "nchw_out"
    gi = torch.empty_like(x)
    if op == "max" and dims in (2, 3):
        p = symmetric_padding(c)
        fwd = F.max_pool2d if dims == 2 else F.max_pool3d
        _, idx = fwd(x, k, s, p, d, c["ceil_mode"], return_indices=True)
        name = f"max_pool{dims}d_with_indices_backward"
        if out:
            f = aten(name, "grad_input")
            return (lambda: f(g, x, k, s, p, d, c["ceil_mode"], idx, grad_input=gi)), f"aten {name}.grad_input"
        f = aten(name, "default")
        return (lambda: f(g, x, k, s, p, d, c["ceil_mode"], idx)), f"aten {name} (saved indices)"
    if op in ("avg", "global_avg") and dims in (2, 3) and all(v == 1 for v in d):
        if op == "global_avg":
            k, s, p, cm, cip = list(c["shape"][2:]), list(c["shape"][2:]), [0] * dims, False, True
        else:
            p, cm, cip = symmetric_padding(c), c["ceil_mode"], c["count_include_pad"]
        name = f"avg_pool{dims}d_backward"
        if out:
            f = aten(name, "grad_input")
            return (lambda: f(g, x, k, s, p, cm, cip, None, grad_input=gi)), f"aten {name}.grad_input"
        f = aten(name, "default")
        return (lambda: f(g, x, k, s, p, cm, cip, None)), f"aten {name}"
    if op == "adaptive_max" and dims == 2:
        _, idx = F.adaptive_max_pool2d(x, c["output_size"], return_indices=True)
        if out:
            f = aten("adaptive_max_pool2d_backward", "grad_input")
            return (lambda: f(g, x, idx, grad_input=gi)), "aten adaptive_max_pool2d_backward.grad_input"
        f = aten("adaptive_max_pool2d_backward", "default")
        return (lambda: f(g, x, idx)), "aten adaptive_max_pool2d_backward (saved indices)"
    if op == "fractional_max" and dims == 2:
        samples = fractional_samples(c)
        _, idx = F.fractional_max_pool2d(
            x, k, output_size=c["output_size"], _random_samples=samples, return_indices=True
        )
        if out:
            f = aten("fractional_max_pool2d_backward", "grad_input")
            return (
                lambda: f(g, x, k, c["output_size"], idx, grad_input=gi)
            ), "aten fractional_max_pool2d_backward.grad_input"
        f = aten("fractional_max_pool2d_backward", "default")
        return (lambda: f(g, x, k, c["output_size"], idx)), "aten fractional_max_pool2d_backward (saved indices)"
    if op == "lp":
        if out:
            raise Unsupported("lp_pool backward has no .out form")
        xr = x.detach().requires_grad_(True)
        fwd, _ = forward_fns(c, xr, layout)
        y = fwd()
        # retain_graph: each timed call runs the backward of the same recorded forward.
        return (lambda: torch.autograd.grad(y, xr, g, retain_graph=True)), "autograd (lp_pool)"
    raise Unsupported(f"no torch backward for '{op}' in {dims}-D here")


def make_input(c, gen):
    x = torch.rand(c["shape"], generator=gen) * 2 - 1
    return torch.relu(x) if c.get("relu") else x


def in_layout(t, layout):
    if layout == "channels_last":
        return t.contiguous(memory_format=memory_format(t.dim()))
    if layout == "mkldnn":
        if t.dim() not in (4, 5):
            raise Unsupported("mkldnn tensors are 4-D/5-D here")
        return t.to_mkldnn()
    return t.contiguous()


# Operators with a torch counterpart; the others (stochastic, mixed, gated, weighted average) get no row.
TORCH_OPS = ("max", "avg", "lp", "global_avg", "global_max", "adaptive_avg", "adaptive_max", "fractional_max")


def run_case(c):
    rows, skipped = [], []
    if c["op"] not in TORCH_OPS:
        return rows, [f"torch has no '{c['op']}' pooling"]
    gen = torch.Generator().manual_seed(c["seed"])
    x0 = make_input(c, gen)
    backward = c["kind"] in ("max-backward", "avg-backward", "training-backward")
    layouts = ["nchw", "channels_last", "nchw_out"] + ([] if backward else ["mkldnn"])
    g0 = None
    if backward:
        try:
            probe, _ = forward_fns(dict(c, kind="forward"), x0, "nchw")
            g0 = torch.rand(probe().shape, generator=gen) * 2 - 1
        except Unsupported as e:
            return rows, [str(e)]
    for layout in layouts:
        try:
            x = in_layout(x0, layout)
            if backward:
                g = in_layout(g0, layout if layout != "nchw_out" else "nchw")
                fn, label = backward_fns(c, x, g, layout)
            else:
                fn, label = forward_fns(c, x, layout)
            with torch.no_grad() if not backward else torch.enable_grad():
                fn()  # fails here, not inside the timing, when the layout is not supported
                for t in c["threads"]:
                    torch.set_num_threads(t)
                    med, mn = measure(fn, c)
                    rows.append({"layout": layout, "threads": t, "median_ms": med, "min_ms": mn, "label": label})
        except Unsupported as e:
            skipped.append(f"{layout}: {e}")
        except (RuntimeError, TypeError, ValueError, NotImplementedError) as e:
            skipped.append(f"{layout}: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
    return rows, skipped


def main():
    emit({
        "torch": torch.__version__,
        "python": platform.python_version(),
        "mkldnn": bool(torch.backends.mkldnn.is_available()),
    })
    for line in sys.stdin:
        if not line.strip():
            continue
        c = json.loads(line)
        rows, skipped = run_case(c)
        emit({"case": c["case"], "rows": rows, "skipped": skipped})


if __name__ == "__main__":
    main()
