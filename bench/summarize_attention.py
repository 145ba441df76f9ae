#!/usr/bin/env python3
"""Table of the attention benchmark: our best verified config per shape (from
tile-run --json lines) beside the peers of the same call (anchors.py JSON),
as TFLOP/s and ratios. usage: summarize_attention.py attention.jsonl anchors.json"""
import json, re, sys
from collections import defaultdict

runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
peers = json.load(open(sys.argv[2])) if len(sys.argv) > 2 else {"attention": []}
best, wrong, tried = {}, defaultdict(int), defaultdict(int)
ratio_max = defaultdict(float)  # max err/bound over the verified configs
for r in runs:
    if r.get("kernel") != "attention" or r["config"] == "reference":
        continue
    m = dict(kv.split("=") for kv in r["shape"].split(",") if "=" in kv)
    key = (int(m["D"]), int(m["S"]), r["shape"].endswith(",causal"), r["dtype"])
    tried[key] += 1
    if r["status"] != "ok":
        wrong[key] += 1
        continue
    ratio_max[key] = max(ratio_max[key], r.get("max_err_ratio") or 0)
    if key not in best or r["tflops"] > best[key]["tflops"]:
        best[key] = r
peer = {(a["D"], a["S"]): a for a in peers.get("attention", [])}
print(f"device: {peers.get('device', '?')}, torch {peers.get('torch', '?')}\n")
print("The peers (anchors.py) run bf16 only: an f16 row is divided by the bf16 peers.\n")
print("| D | S | causal | dtype | tile TFLOP/s | best config | FA2 | cuDNN | flex | x FA2 | x cuDNN | x flex | configs ok/tried | max err/bound |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
def ratio(a, b):
    return f"{a / b:.2f}" if isinstance(b, (int, float)) and b > 0 else "-"
for key in sorted(best):
    D, S, causal, dtype = key
    r = best[key]; p = peer.get((D, S), {})
    fa2 = p.get("causal_flash" if causal else "sdpa_flash", "-")
    cud = p.get("causal_cudnn" if causal else "sdpa_cudnn", "-")
    flex = "-" if causal else p.get("flex_triton", "-")
    cfg = re.sub(r",D=\d+", "", r["config"])
    shown = dtype if dtype == "bf16" else dtype + " (peers bf16)"
    print(f"| {D} | {S} | {'yes' if causal else 'no'} | {shown} | {r['tflops']:.1f} | {cfg} | {fa2} | {cud} | {flex} | "
          f"{ratio(r['tflops'], fa2)} | {ratio(r['tflops'], cud)} | {ratio(r['tflops'], flex)} | "
          f"{tried[key] - wrong[key]}/{tried[key]} | {ratio_max[key]:.2f} |")
missing = [k for k in tried if k not in best]
if missing:
    print("\nno verified config:", missing)
