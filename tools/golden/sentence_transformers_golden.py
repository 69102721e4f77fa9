"""Golden files for sequence pooling from sentence-transformers 6's Pooling module.

Run in a virtual environment with sentence-transformers 6 and torch (CPU):

    python tools/golden/sentence_transformers_golden.py pooling4j-core/src/test/resources/golden/sequence

For every case (shape, padding side, mask with an all-zero row) and every mode list it writes the
embeddings, the mask, the pooled output, random output weights w and the gradient of sum(output * w)
with respect to the embeddings from torch autograd through Pooling, all float32 except the masks
(int64 and float32, as tokenizers and users hand them). GeM is not a sentence-transformers mode: its
golden files come from the formula (mean over unmasked tokens of clamp(x, eps)^p)^(1/p) written in
torch; its gradient in an all-zero row, NaN under autograd (0^(1/p - 1)), is recorded as 0, the
library's definition. manifest.json lists the files.
"""

import json
import os
import sys

import numpy as np
import sentence_transformers
import torch
from sentence_transformers.sentence_transformer.modules import Pooling

OUT = sys.argv[1] if len(sys.argv) > 1 else "golden-sequence"
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(20261207)

MODE_LISTS = [
    ["cls"],
    ["lasttoken"],
    ["max"],
    ["mean"],
    ["mean_sqrt_len_tokens"],
    ["weightedmean"],
    ["max", "cls", "mean"],
    ["lasttoken", "weightedmean", "mean_sqrt_len_tokens", "mean"],
    ["mean", "mean"],
]


def mask_for(lengths, length, side):
    m = np.zeros((len(lengths), length), dtype=np.int64)
    for i, n in enumerate(lengths):
        if side == "right":
            m[i, :n] = 1
        else:
            m[i, length - n:] = 1
    return m


def save(name, arr):
    np.save(os.path.join(OUT, name), arr)
    return name


def gem_torch(x, mask, p=3.0, eps=1e-6):
    m = mask.to(x.dtype).unsqueeze(-1)
    s = (x.clamp(min=eps).pow(p) * m).sum(1) / torch.clamp(m.sum(1), min=1e-9)
    return s.pow(1.0 / p)


# (name, N, L, D, lengths per row (0 = all-zero mask row), integer-valued data for ties)
CASES = [
    ("small", 4, 6, 5, [6, 3, 0, 1], False),
    ("odd", 3, 7, 17, [2, 7, 0], False),
    ("l1", 3, 1, 19, [1, 0, 1], False),
    ("wide", 2, 5, 33, [4, 0], False),
    ("ties", 3, 6, 8, [5, 6, 0], True),
]

entries = []
for name, n, length, d, lengths, ties in CASES:
    if ties:
        x = rng.integers(-2, 3, size=(n, length, d)).astype(np.float32)
    else:
        x = rng.standard_normal((n, length, d)).astype(np.float32)
    for side in ("right", "left"):
        case = f"{name}_{side}"
        mask = mask_for(lengths, length, side)
        # The int64 mask as tokenizers give it for one side, float32 for the other.
        mask_arr = mask if side == "right" else mask.astype(np.float32)
        xf = save(f"{case}_x.npy", x)
        mf = save(f"{case}_mask.npy", mask_arr)
        for modes in MODE_LISTS + [["gem"]]:
            tag = "-".join(modes)
            xt = torch.tensor(x, requires_grad=True)
            mt = torch.tensor(mask_arr)
            if modes == ["gem"]:
                y = gem_torch(xt, mt)
            else:
                pool = Pooling(d, pooling_mode=modes if len(modes) > 1 else modes[0])
                y = pool({"token_embeddings": xt, "attention_mask": mt})["sentence_embedding"]
            w = rng.standard_normal(tuple(y.shape)).astype(np.float32)
            # -inf outputs (max over an all-zero row) would turn sum(y * w) into NaN or inf; the loss is
            # taken over the finite outputs, so their weights are 0 (autograd gives those 0 anyway).
            w[~np.isfinite(y.detach().numpy())] = 0.0
            yw = torch.where(torch.isfinite(y), y, torch.zeros_like(y))
            (yw * torch.tensor(w)).sum().backward()
            g = xt.grad.numpy().copy()
            if modes == ["gem"]:
                g[np.asarray(lengths) == 0] = 0.0
            entries.append(
                {
                    "case": case,
                    "modes": modes,
                    "shape": [n, length, d],
                    "x": xf,
                    "mask": mf,
                    "output": save(f"{case}_{tag}_y.npy", y.detach().numpy().astype(np.float32)),
                    "weights": save(f"{case}_{tag}_w.npy", w),
                    "grad": save(f"{case}_{tag}_gx.npy", g.astype(np.float32)),
                }
            )

with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump(
        {
            "generator": "tools/golden/sentence_transformers_golden.py",
            "sentence_transformers": sentence_transformers.__version__,
            "torch": torch.__version__,
            "entries": entries,
        },
        f,
        indent=1,
    )
print(len(entries), "entries in", OUT)
