#!/usr/bin/env bash
# On the GPU machine: correctness of the attention kernel over awkward shapes
# (default config), then --tune at S=4096 for D=64 and D=128, causal and not,
# then the peers at a few shapes (anchors.py --quick). Needs
# .carry/tile-run.xz (static tile-run) and .carry/anchors.py.
set -u
out=${OUT:-/tmp/out}; mkdir -p "$out"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
T=/tmp/t/tile-run
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv,noheader | tee "$out/device.txt"
run() { "$T" kernels/attention.mlir --json "$out/attention.jsonl" "$@" 2>>"$out/errors.log" | grep -E "^best|^==|WRONG|FAIL|lost|OOM"; }
# Correctness: partial blocks, S_Q != S_KV, both head dims, causal, f16.
for c in "" "--causal"; do
  for s in B=1,H=1,S=128,D=64 B=2,H=3,S=1000,D=64 B=1,H=2,S_Q=300,S_KV=777,D=64 \
           B=1,H=2,S_Q=777,S_KV=300,D=128 B=2,H=2,S=1000,D=128 B=4,H=48,S=16384,D=64 \
           B=4,H=32,S=16384,D=128; do
    run --shape $s $c --iters 5 --warmup 2
  done
done
run --shape B=2,H=4,S=2048,D=64 --dtype f16 --iters 5 --warmup 2
run --shape B=2,H=4,S=2048,D=128 --dtype f16 --causal --iters 5 --warmup 2
# Tuning at S = 4096.
for c in "" "--causal"; do
  for s in B=4,H=48,S=4096,D=64 B=4,H=32,S=4096,D=128; do
    "$T" kernels/attention.mlir --shape $s $c --tune --iters 10 --warmup 3 --json "$out/attention.jsonl" 2>>"$out/errors.log" | tee -a "$out/tune.txt" | grep -E "^best|^==|WRONG|FAIL|lost"
  done
done
if [ -f .carry/anchors.py ]; then
  PYTHONUNBUFFERED=1 python3 .carry/anchors.py --attn 4,48,4096,64 4,32,4096,128 --json "$out/anchors.json" 2>&1 | grep -E "^ATT"
fi
echo "errors logged: $(grep -c . "$out/errors.log" 2>/dev/null)"; head -20 "$out/errors.log" 2>/dev/null
