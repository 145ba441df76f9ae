#!/usr/bin/env python3
"""Session 22, call 3: best verified TFLOP/s of each run (tag) and shape in
each round (GPU), and ratios within a round: each persistent variant
with the pass (new) over the same without it (old), and over the plain
kernel (fp8_attention: R; fp8_gemm: gemm-fp8). Median over the rounds
that ran both.
Usage: divisions_table.py DIR (the call's unpacked results.tar.xz)."""
import os, statistics, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rates import best_rates

root = sys.argv[1]
best = best_rates(root)  # (round, tag, shape) -> tflops
rounds = sorted({k[0] for k in best})

def ratio(num, den, shape):
    r = [best[(x, num, shape)] / best[(x, den, shape)] for x in rounds
         if (x, num, shape) in best and (x, den, shape) in best]
    return f"{statistics.median(r):.3f} ({len(r)})" if r else "-"

rows = [("gemm-persistent-{}", "gemm-fp8", ["M=4096,N=4096,K=4096", "M=8192,N=8192,K=8192"])]
for d, shapes in (("64", [2048, 4096, 8192]), ("128", [2048, 4096])):
    for v in ("P", "C"):
        rows.append((f"d{d}-{v}-{{}}", f"d{d}-R",
                     [f"B=4,H=48,S={s},D={d}" for s in shapes]))
print("run".ljust(22), "shape".ljust(22), "new/old".rjust(12), "new/plain".rjust(12), "old/plain".rjust(12))
for pattern, plain, shapes in rows:
    for s in shapes:
        new, old = pattern.format("new"), pattern.format("old")
        if not any(k[1] == new and k[2] == s for k in best):
            continue
        print(pattern.format("*").ljust(22), s.ljust(22), ratio(new, old, s).rjust(12),
              ratio(new, plain, s).rjust(12), ratio(old, plain, s).rjust(12))
print(f"(median over rounds of the ratio within a round; rounds that ran both in parentheses)")
