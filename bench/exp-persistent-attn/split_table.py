#!/usr/bin/env python3
"""Best verified TFLOP/s of each variant and shape in each round (GPU) of
session 22's split call, and each variant's ratio to R in the same round;
the table prints the median over rounds of the ratio.
Usage: split_table.py DIR (the call's unpacked results: r1..r4/*.jsonl)."""
import collections, os, statistics, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rates import best_rates

root = sys.argv[1]
# (round, variant, shape) -> tflops, from tags d64-V / d128-V.
best = collections.defaultdict(float)
for (rnd, tag, shape), rate in best_rates(root, "r*/d*-*.jsonl").items():
    best[(rnd, tag.split("-", 1)[1], shape)] = rate
rounds = sorted({k[0] for k in best})
variants = ["R", "Q", "P", "P1", "C"]
shapes = sorted({k[2] for k in best}, key=lambda s: (len(s), s))
print("shape".ljust(24), *(v.rjust(14) for v in variants))
for s in shapes:
    cells = []
    for v in variants:
        rates = [best[(r, v, s)] for r in rounds if (r, v, s) in best]
        ratios = [best[(r, v, s)] / best[(r, "R", s)] for r in rounds
                  if (r, v, s) in best and (r, "R", s) in best]
        cells.append(f"{statistics.median(rates):6.1f} {statistics.median(ratios):.3f}"
                     if rates else "-")
    print(s.ljust(24), *(c.rjust(14) for c in cells))
print(f"(median over {len(rounds)} rounds of TFLOP/s and of the ratio to R within a round)")
