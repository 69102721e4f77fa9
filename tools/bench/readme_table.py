#!/usr/bin/env python3
"""Prints the README's benchmark table (Markdown) from the JSON that `./pooling4j bench --json` writes.

usage: readme_table.py BENCH.json [--compact]
  default:   kernel, then per thread count: ms, GB/s, % of copy bandwidth, ONNX Runtime ratio
  --compact: per thread count: ms and ONNX Runtime ratio only
When the JSON has torch rows (`bench --peer torch`), each thread count also gets the fastest torch
layout and `vs torch` (its median / pooling4j's), and a case without a torch row shows dashes there.
"""
import json
import sys


def fmt_ms(v):
    return f"{v:.3g}" if v < 1 else (f"{v:.3g}" if v < 100 else f"{v:.0f}")


def main():
    rows = json.load(open(sys.argv[1]))
    compact = "--compact" in sys.argv
    ours = [r for r in rows if r["impl"] == "pooling4j"]
    threads = sorted({r["threads"] for r in ours})
    cases = []
    for r in ours:
        if r["case"] not in cases:
            cases.append(r["case"])
    copy = {r["threads"]: r["gbps"] for r in rows if r["impl"] == "copy"}
    # The fastest torch layout per (case, threads); files written before the peer existed have none.
    torch_best = {}
    for r in rows:
        if r["impl"] == "torch":
            key = (r["case"], r["threads"])
            if key not in torch_best or r["median_ms"] < torch_best[key]["median_ms"]:
                torch_best[key] = r
    with_torch = bool(torch_best)
    head = ["case"] if compact else ["case", "kernel"]
    for t in threads:
        unit = "thread" if t == 1 else "threads"
        head += [f"{t} {unit} ms", "vs ORT"] if compact else [f"{t} {unit} ms", "GB/s", "%copy", "vs ORT"]
        if with_torch:
            head += ["torch best", "vs torch"]
    print("| " + " | ".join(head) + " |")
    print("|---|" + ("" if compact else "---|") + "---:|" * (len(head) - (1 if compact else 2)))
    for c in cases:
        cells = [c]
        by_t = {r["threads"]: r for r in ours if r["case"] == c}
        if not compact:
            cells.append(next(iter(by_t.values()))["kernel"])
        for t in threads:
            r = by_t.get(t)
            if r is None:
                cells += ["–"] * ((2 if compact else 4) + (2 if with_torch else 0))
                continue
            ratio = "–" if r.get("ratio_vs_ort") is None else f"{r['ratio_vs_ort']:.2f}"
            if compact:
                cells += [fmt_ms(r["median_ms"]), ratio]
            else:
                cells += [fmt_ms(r["median_ms"]), f"{r['gbps']:.1f}", f"{r['pct_copy_bw']:.0f}", ratio]
            if with_torch:
                b = torch_best.get((c, t))
                if b is None:
                    cells += ["–", "–"]
                else:
                    cells += [f"{b['layout']} {fmt_ms(b['median_ms'])}", f"{b['median_ms'] / r['median_ms']:.2f}"]
        print("| " + " | ".join(cells) + " |")
    print()
    print("copy bandwidth: " + ", ".join(f"{copy[t]:.1f} GB/s on {t} thread{'s' if t > 1 else ''}" for t in sorted(copy)))


if __name__ == "__main__":
    main()
