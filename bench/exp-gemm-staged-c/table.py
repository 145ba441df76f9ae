#!/usr/bin/env python3
"""Session 22, call 7: the persistent fp8 GEMM with C stored from registers
(tile-run) and converted through shared memory (tile-run-staged), against
fp8_gemm: each tag's best verified rate a round, the median (range) of
the ratios within a round; then one config, 128 x 256 x 128 / 8 warps /
3 stages, staged over registers.
Usage: table.py DIR (the call's unpacked results.tar.xz)."""
import collections, glob, json, os, statistics, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "exp-persistent-attn"))
from rates import best_rates

root = sys.argv[1]
best = best_rates(root)
rounds = sorted({k[0] for k in best})
shapes = ["M=4096,N=4096,K=4096", "M=8192,N=8192,K=8192"]
print("best config of each (tuned, every config verified); median over "
      "rounds of the ratio within a round (range)")
for s in shapes:
    for num, den in [("gemm-persistent-staged", "gemm-persistent-registers"),
                     ("gemm-persistent-registers", "gemm-fp8"),
                     ("gemm-persistent-staged", "gemm-fp8")]:
        r = [best[(x, num, s)] / best[(x, den, s)] for x in rounds
             if (x, num, s) in best and (x, den, s) in best]
        print(f"{s} {num} / {den}: {statistics.median(r):.3f} "
              f"({min(r):.3f}-{max(r):.3f}, {len(r)} rounds)")
config = "BLOCK_M=128,BLOCK_N=256,BLOCK_K=128,WARPS=8,STAGES=3,PROGRAMS=132"
rate = collections.defaultdict(dict)
for path in glob.glob(f"{root}/r*/gemm-persistent-*.jsonl"):
    rnd, tag = path.split("/")[-2], path.split("/")[-1][:-len(".jsonl")]
    for line in open(path):
        j = json.loads(line)
        if j["status"] == "ok":
            rate[(rnd, tag, j["shape"])][j["config"]] = j["tflops"]
print("same config, 128 x 256 x 128 / 8 warps / 3 stages: staged / registers")
for s in shapes:
    q = [rate[(r, "gemm-persistent-staged", s)][config] /
         rate[(r, "gemm-persistent-registers", s)][config] for r in rounds]
    print(f"{s}: {statistics.median(q):.3f} ({min(q):.3f}-{max(q):.3f})")
