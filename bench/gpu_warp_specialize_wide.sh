#!/usr/bin/env bash
# On the GPU machine (issue 9, an experiment, after bench/gpu_warp_specialize.sh):
# with a producer warpgroup (--warp-specialize) the two computing warpgroups
# get 224 registers a thread (setmaxnreg), which admits wider key blocks at
# D = 128 (FlashAttention-3's fp8 forward uses 128 x 176). The fp8 kernel's
# space, widened here (BLOCK_N also 160, 192; its register constraints,
# written for the lowering without a producer, dropped; STAGES = 2), is
# tuned with and without the producer in one call, every config verified;
# our bf16 kernel and the Triton fp8/bf16 peer (.carry/anchors.py --tattn)
# at the same shapes for the ratios. Needs .carry/tile-run.xz built from
# commit 962d769 (--warp-specialize was reverted after this measurement:
# bench/RESULTS.md, session 6).
set -u
. bench/device_preamble.sh
W=/tmp/fp8_attention_wide.mlir
sed -e 's/#tile.param<"BLOCK_N", \[128, 64, 256\]>/#tile.param<"BLOCK_N", [128, 64, 256, 192, 160]>/' \
    -e 's/#tile.param<"STAGES", \[2, 3\]>/#tile.param<"STAGES", [2]>/' \
    -e '/BLOCK_M \* (BLOCK_N + D) <= 192/d' -e '/2304 \* WARPS <= 65536/d' \
    kernels/fp8_attention.mlir > $W
cp $W "$out/"
check() { # name shape flags...
  local name=$1 shape=$2; shift 2
  timeout 150 "$T" $W --shape "$shape" --tune --iters 1 --warmup 0 --kernel-timeout 20 \
    --json "$out/c.$name.jsonl" "$@" > "$out/c.$name.txt" 2>&1
  echo "$name rc=$? $(grep -E '^configs:' "$out/c.$name.txt")"
}
check ws-d128-causal B=2,H=3,S_Q=1000,S_KV=777,D=128 --warp-specialize --causal
check ws-d64 B=2,H=3,S=1000,D=64 --warp-specialize --descale-v 0.25
check nows-d128 B=2,H=3,S_Q=1000,S_KV=777,D=128
tune() { # name kernel shape flags...
  local name=$1 kernel=$2 shape=$3; shift 3
  timeout 200 "$T" $kernel --shape $shape "$@" --tune --iters 10 --warmup 3 --kernel-timeout 20 \
    --json "$out/$name.jsonl" > "$out/$name.txt" 2>&1
  echo "$name rc=$? $(grep -E '^configs:' "$out/$name.txt") | $(grep -E '^best' "$out/$name.txt")"
}
for round in 1 2; do
  for s in S=4096,D=128 S=16384,D=128 S=4096,D=64 S=16384,D=64; do
    tune "fp8.$s.ws.r$round" $W B=4,H=48,$s --warp-specialize
    tune "fp8.$s.nows.r$round" $W B=4,H=48,$s
  done
  tune "fp8.S=4096,D=128.causal.ws.r$round" $W B=4,H=48,S=4096,D=128 --causal --warp-specialize
  tune "fp8.S=4096,D=128.causal.nows.r$round" $W B=4,H=48,S=4096,D=128 --causal
done
for s in S=4096,D=128 S=16384,D=128 S=4096,D=64 S=16384,D=64; do
  tune "bf16.$s" kernels/attention.mlir B=4,H=48,$s
done
tune "bf16.S=4096,D=128.causal" kernels/attention.mlir B=4,H=48,S=4096,D=128 --causal
if [ -f .carry/anchors.py ]; then
  PYTHONUNBUFFERED=1 timeout 150 python3 .carry/anchors.py --tattn 4,48,4096,128 4,48,16384,128 4,48,4096,64 4,48,16384,64 \
    --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
  echo "anchors rc=$?"; grep -iE "triton|tattn" "$out/anchors.txt" | head -20
fi
tar -C "$out" -czf "$final/results.tgz" .
