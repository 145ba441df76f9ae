#!/usr/bin/env python3
"""Table of fp8 attention results: the best verified config of tile's fp8
kernel per shape (tile-run --json lines), our bf16 kernel at the same shape
and the Triton peers of the same device call (anchors.py --tattn JSON).

  summarize_fp8_attention.py FP8.jsonl BF16.jsonl ANCHORS.json
"""
import json
import re
import sys


def best(path):
    out = {}
    for line in open(path):
        r = json.loads(line)
        if r.get("status") != "ok":
            continue
        key = r["shape"]
        if key not in out or r["tflops"] > out[key]["tflops"]:
            out[key] = r
    return out


def main(fp8_path, bf16_path, anchors_path):
    fp8, bf16 = best(fp8_path), best(bf16_path)
    triton = {}
    for row in json.load(open(anchors_path)).get("triton_attention", []):
        triton[(row["S"], row["D"])] = row
    print("| shape | fp8 TFLOP/s | config | err/bound | our bf16 | fp8/bf16 "
          "| Triton fp8 | fp8/Triton fp8 | Triton bf16 |")
    print("|---|---|---|---|---|---|---|---|---|")
    def order(shape):
        m = re.search(r"S=(\d+),D=(\d+)", shape)
        return (int(m.group(2)), shape.endswith("causal"), int(m.group(1)))
    for shape in sorted(fp8, key=order):
        r = fp8[shape]
        m = re.search(r"S=(\d+),D=(\d+)", shape)
        S, D = int(m.group(1)), int(m.group(2))
        causal = shape.endswith(",causal")
        b = bf16.get(shape)
        t = triton.get((S, D), {})
        suffix = "_causal" if causal else ""
        tf8, tb16 = t.get("triton_fp8" + suffix), t.get("triton_bf16" + suffix)
        cfg = r["config"].replace(",D=%d" % D, "")
        cells = [shape, "%.0f" % r["tflops"], cfg, "%.2f" % r["max_err_ratio"],
                 "%.0f" % b["tflops"] if b else "-",
                 "%.2f" % (r["tflops"] / b["tflops"]) if b else "-",
                 "%.0f" % tf8 if tf8 else "-",
                 "%.2f" % (r["tflops"] / tf8) if tf8 else "-",
                 "%.0f" % tb16 if tb16 else "-"]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(*sys.argv[1:])
