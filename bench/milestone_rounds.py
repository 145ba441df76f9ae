#!/usr/bin/env python3
"""Issue 9's attention milestone over several rounds (session 21's call 4).

Usage: milestone_rounds.py ROUND_DIR...

Each ROUND_DIR holds one `attention_milestone` run (bench/device_preamble.sh)
on one GPU: fp8.jsonl, fp8--causal.jsonl, bf16.jsonl, bf16--causal.jsonl
(tile-run --json of the tunes) and anchors.json (the peers, same GPU). For
each shape it takes the best verified config of each kernel in each round,
forms the round's ratios (fp8 / our bf16, fp8 / Triton fp8, bf16 / cuDNN
where anchors.py timed cuDNN at that shape) and prints their medians over
the rounds, each round's ratio, and the configs the tuner picked.
"""
import collections
import json
import os
import statistics
import sys


def short(config):
    for long, brief in (("BLOCK_M=", ""), ("BLOCK_N=", ""), ("WARPS=", "w"),
                        ("STAGES=", "s"), ("OVERLAP=", "o"),
                        ("MIN_BLOCKS=", "mb"), (",D=64", ""), (",D=128", "")):
        config = config.replace(long, brief)
    return config


def best_configs(round_dir):
    best = {}
    for name, kernel in (("fp8.jsonl", "fp8"), ("fp8--causal.jsonl", "fp8"),
                         ("bf16.jsonl", "bf16"), ("bf16--causal.jsonl", "bf16")):
        path = os.path.join(round_dir, name)
        if not os.path.exists(path):
            continue
        for line in open(path):
            row = json.loads(line)
            if row.get("status") != "ok" or "config" not in row:
                continue
            key = (kernel, row["shape"])
            if key not in best or row["tflops"] > best[key][0]:
                best[key] = (row["tflops"], row["config"])
    return best


def main(round_dirs):
    rows = collections.defaultdict(lambda: collections.defaultdict(list))
    for round_dir in round_dirs:
        best = best_configs(round_dir)
        anchors = json.load(open(os.path.join(round_dir, "anchors.json")))
        triton = {(t["S"], t["D"]): t for t in anchors["triton_attention"]}
        cudnn = {(t["S"], t["D"]): t for t in anchors["attention"]}
        for (kernel, shape), (fp8, config) in best.items():
            if kernel != "fp8" or ("bf16", shape) not in best:
                continue
            S = int(shape.split("S=")[1].split(",")[0])
            D = int(shape.split("D=")[1].split(",")[0])
            causal = "causal" in shape
            bf16, bf16_config = best[("bf16", shape)]
            peer = triton[(S, D)]["triton_fp8_causal" if causal else "triton_fp8"]
            row = rows[shape]
            row["fp8"].append(fp8)
            row["bf16"].append(bf16)
            row["triton_fp8"].append(peer)
            row["fp8/bf16"].append(fp8 / bf16)
            row["fp8/triton"].append(fp8 / peer)
            reference = cudnn.get((S, D), {}).get("causal_cudnn" if causal else "sdpa_cudnn")
            if reference:
                row["bf16/cudnn"].append(bf16 / reference)
            row["fp8 configs"].append(short(config))
            row["bf16 configs"].append(short(bf16_config))

    def order(shape):
        return ("causal" in shape, int(shape.split("D=")[1].split(",")[0]),
                int(shape.split("S=")[1].split(",")[0]))

    def each(values):
        return "/".join("%.3f" % v for v in values)

    med = statistics.median
    for shape in sorted(rows, key=order):
        row = rows[shape]
        line = (f"{shape.replace('B=4,H=48,', ''):20s} fp8 med {med(row['fp8']):6.1f}"
                f" bf16 {med(row['bf16']):6.1f} tritonfp8 {med(row['triton_fp8']):6.1f}"
                f" | fp8/bf16 med {med(row['fp8/bf16']):.3f} ({each(row['fp8/bf16'])})"
                f" | fp8/triton med {med(row['fp8/triton']):.3f} ({each(row['fp8/triton'])})")
        if row["bf16/cudnn"]:
            line += f" | bf16/cudnn {each(row['bf16/cudnn'])}"
        print(line)
        print("    fp8 cfgs", collections.Counter(row["fp8 configs"]).most_common(3),
              " bf16", collections.Counter(row["bf16 configs"]).most_common(2))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
