#!/usr/bin/env bash
# Session 20, call 7 (~3 min): the milestone's near misses against Triton
# fp8 (D = 128, S = 2048: 1.195x in session 19, 1.208x in session 20's
# call 5, causal 1.198x; D = 64, S = 2048 / 4096: 1.17 / 1.19x) measured
# three times, ours first in each round: our best config of call 5 (one run each,
# verified, --iters 50) then Triton's fp8 and bf16 flash attention
# (anchors.py --tattn, no GEMM or SDPA), three rounds. A ratio is the median
# over rounds of ours / Triton's in the same round.
set -u
source bench/device_preamble.sh
F=kernels/fp8_attention.mlir
for round in 1 2 3; do
  run_one fp8-r$round $F B=4,H=48,S=2048,D=128 BLOCK_M=192,BLOCK_N=128,WARPS=12,STAGES=3,OVERLAP=0
  run_one fp8-causal-r$round $F B=4,H=48,S=2048,D=128 BLOCK_M=192,BLOCK_N=128,WARPS=12,STAGES=3,OVERLAP=0 --causal
  run_one fp8-r$round $F B=4,H=48,S=2048,D=64 BLOCK_M=256,BLOCK_N=128,WARPS=16,STAGES=3,OVERLAP=0
  run_one fp8-r$round $F B=4,H=48,S=4096,D=64 BLOCK_M=256,BLOCK_N=128,WARPS=16,STAGES=2,OVERLAP=1
  PYTHONUNBUFFERED=1 timeout 120 python3 .carry/anchors.py --gemm --attn \
    --tattn 4,48,2048,128 4,48,2048,64 4,48,4096,64 \
    --json "$out/anchors-r$round.json" > "$out/anchors-r$round.txt" 2>&1
  echo "anchors r$round rc=$?"; grep TATT "$out/anchors-r$round.txt" | cut -c1-160
  pack
done
