#!/usr/bin/python3
"""Generate PyTorch golden data for pooling4j's global descriptors (GeM and spatial pyramid pooling).

Usage (Debian's python3-torch lives in the system interpreter):

    /usr/bin/python3 tools/golden/descriptors_golden.py OUTDIR

Not run by the build; the output is committed under
pooling4j-core/src/test/resources/golden/descriptors and checked by DescriptorsGoldenTest.

Writes
    OUTDIR/manifest.json     {"cases": [...]}, one object per case (below)
    OUTDIR/<name>.<what>.npy float32 arrays named by the case

GeM cases ("kind": "gem") use the usual PyTorch formulation of generalised-mean pooling with a
learnable exponent p (a one-element float32 tensor):

    y = F.avg_poolNd(x.clamp(min=eps).pow(p), kernel, stride, padding).pow(1. / p)

with count_include_pad=True and ceil_mode=False (the defaults); a global case uses the input's
spatial size as the kernel. Keys: rank, global, kernel/stride/padding (windowed only), p, eps,
grad_p (dL/dp from autograd), files input, output, grad_output, grad_input.

SPP cases ("kind": "spp"): torch.cat([torch.flatten(F.adaptive_{max,avg}_pool2d(x, l), 1) for l in
levels], 1). Keys: levels, mode, files input, output, grad_output, grad_input (autograd).

Inputs mix values below eps (negative, zero, exactly float32(eps)) with positive ones; the seed is
fixed and torch runs on one thread, so the output is deterministic.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(18)
torch.set_num_threads(1)

AVG = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def save(out, name, what, t):
    np.save(os.path.join(out, name + "." + what + ".npy"), t.detach().numpy().astype(np.float32))
    return name + "." + what + ".npy"


def make_input(shape, low_fraction=0.3, eps=1e-6):
    x = torch.rand(shape) * 2.0 + 0.05
    mask = torch.rand(shape) < low_fraction
    low = torch.tensor([-1.5, -0.0, 0.0, float(np.float32(eps)), 3e-7])
    pick = torch.randint(0, low.numel(), shape)
    return torch.where(mask, low[pick], x)


def gem_case(out, name, shape, p, eps, kernel=None, stride=None, padding=None):
    rank = len(shape) - 2
    x = make_input(shape, eps=eps).requires_grad_(True)
    pt = torch.tensor([p], dtype=torch.float32, requires_grad=True)
    if kernel is None:
        k = tuple(shape[2:])
        y = AVG[rank](x.clamp(min=eps).pow(pt), k).pow(1.0 / pt)
    else:
        y = AVG[rank](x.clamp(min=eps).pow(pt), kernel, stride, padding).pow(1.0 / pt)
    gy = torch.rand(y.shape) * 2 - 1
    y.backward(gy)
    case = {"name": name, "kind": "gem", "rank": rank, "global": kernel is None, "p": p, "eps": eps}
    if kernel is not None:
        case.update({"kernel": list(kernel), "stride": list(stride), "padding": list(padding)})
    case["grad_p"] = float(pt.grad.item())
    case["input"] = save(out, name, "input", x)
    case["output"] = save(out, name, "output", y)
    case["grad_output"] = save(out, name, "grad_output", gy)
    case["grad_input"] = save(out, name, "grad_input", x.grad)
    return case


def spp_case(out, name, shape, levels, mode):
    x = (torch.rand(shape) * 4 - 2).requires_grad_(True)
    if mode == "max":
        # Distinct values, so that every bin has one maximum and the gradient route is unambiguous.
        with torch.no_grad():
            x.copy_(torch.randperm(x.numel()).reshape(shape).float() / 7.0 - 3.0)
    pool = F.adaptive_max_pool2d if mode == "max" else F.adaptive_avg_pool2d
    y = torch.cat([torch.flatten(pool(x, l), 1) for l in levels], 1)
    gy = torch.rand(y.shape) * 2 - 1
    y.backward(gy)
    return {
        "name": name,
        "kind": "spp",
        "levels": list(levels),
        "mode": mode,
        "input": save(out, name, "input", x),
        "output": save(out, name, "output", y),
        "grad_output": save(out, name, "grad_output", gy),
        "grad_input": save(out, name, "grad_input", x.grad),
    }


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    cases = [
        gem_case(out, "gem1d_global", (2, 3, 7), 3.0, 1e-6),
        gem_case(out, "gem2d_global", (2, 3, 5, 6), 3.0, 1e-6),
        gem_case(out, "gem2d_global_p2_5", (1, 4, 4, 4), 2.5, 1e-6),
        gem_case(out, "gem2d_global_p1", (1, 2, 3, 5), 1.0, 1e-3),
        gem_case(out, "gem3d_global", (1, 2, 3, 4, 5), 3.0, 1e-6),
        gem_case(out, "gem1d_k3_s2_p1", (2, 2, 9), 3.0, 1e-6, (3,), (2,), (1,)),
        gem_case(out, "gem2d_k2", (2, 3, 6, 5), 3.0, 1e-6, (2, 2), (2, 2), (0, 0)),
        gem_case(out, "gem2d_k3_s2_p1", (1, 2, 7, 6), 4.5, 1e-6, (3, 3), (2, 2), (1, 1)),
        gem_case(out, "gem2d_k3x2_s1x2_p1x0", (1, 3, 5, 6), 2.0, 1e-4, (3, 2), (1, 2), (1, 0)),
        gem_case(out, "gem3d_k2_s1", (1, 2, 3, 4, 3), 3.0, 1e-6, (2, 2, 2), (1, 1, 1), (0, 0, 0)),
        gem_case(out, "gem3d_k3_s2_p1", (1, 1, 5, 4, 5), 3.5, 1e-6, (3, 3, 3), (2, 2, 2), (1, 1, 1)),
        spp_case(out, "spp_max_124", (2, 3, 7, 9), (1, 2, 4), "max"),
        spp_case(out, "spp_avg_124", (2, 3, 7, 9), (1, 2, 4), "avg"),
        spp_case(out, "spp_max_136_small", (1, 2, 3, 4), (1, 3, 6), "max"),
        spp_case(out, "spp_avg_421", (1, 2, 5, 5), (4, 2, 1), "avg"),
    ]
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump({"generator": "tools/golden/descriptors_golden.py", "torch": torch.__version__, "cases": cases},
                  f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
