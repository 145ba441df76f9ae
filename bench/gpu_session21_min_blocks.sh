#!/usr/bin/env bash
# Session 21, call 2 (nvidia-h200-x4): do two or more programs an SM
# (min_blocks_per_sm, PTX .minnctapersm, registers capped at 65536 /
# (programs x threads)) hide the per-program fixed cost that D = 64 pays?
# Fitting session 21 call 1's best D = 64 config over S = 2048 / 4096 /
# 8192 puts that cost (Q's load, the pipeline's fill and drain, O's store,
# which one program an SM leaves uncovered) at ~2.5-3 key blocks' time:
# ~15% of S = 2048. Session 14 tried MIN_BLOCKS = 2 before the 16-warp
# configs and Vᵀ changes (1% at causal D = 64 S = 4096 only).
# The kernels run are kernels/'s with MIN_BLOCKS widened to 1-4 and the
# 128-row, 8-warp restriction on 2 replaced by MIN_BLOCKS * WARPS <= 16
# (1 = kernels/'s configs, the same PTX; 2-4 with the shared memory,
# register and warp budget split between the programs). Session 21 ran the
# same spaces as files, bench/exp-min-blocks/ of commit 968df61, before
# kernels/ took MIN_BLOCKS.
# Each GPU tunes one (kernel, D) pair's spaces, causal and not, twice
# (rounds 1 and 2); GPU 0 then runs the peers (cuDNN, Triton fp8 / bf16
# flash attention) at D = 64 (and, as run in session 21, anchors.py's
# default GEMM set: this call lacks --gemm). Every config verified at every
# shape.
set -u
source bench/device_preamble.sh
# Session 21 ran the pair's tile-run-branch (1a9f5e3 + the Vᵀ re-read);
# main's static tile-run from 3c25ef2 on has the same lowering.
[ -x /tmp/t/tile-run-branch ] && T=/tmp/t/tile-run-branch
start_clock "${BUDGET:-500}" "$T"
E=/tmp/exp-min-blocks; mkdir -p $E
for k in fp8_attention attention; do
  sed -e 's/#tile.param<"MIN_BLOCKS", \[1, 2\]>/#tile.param<"MIN_BLOCKS", [1, 2, 3, 4]>/' \
      -e 's/#tile.expr<"MIN_BLOCKS == 1 || BLOCK_M == 128 \&\& WARPS == 8">/#tile.expr<"MIN_BLOCKS * WARPS <= 16">/' \
      kernels/$k.mlir > $E/$k.mlir
  grep -c '"MIN_BLOCKS", \[1, 2, 3, 4\]\|"MIN_BLOCKS \* WARPS <= 16"' $E/$k.mlir
done
D64="B=4,H=48,S=2048,D=64 --shape B=4,H=48,S=4096,D=64 --shape B=4,H=48,S=8192,D=64"
D128="B=4,H=48,S=2048,D=128 --shape B=4,H=48,S=4096,D=128"

job() {
  local r c kernel shapes
  case $1 in
  fp8-d64) kernel=$E/fp8_attention.mlir shapes=$D64 ;;
  fp8-d128) kernel=$E/fp8_attention.mlir shapes=$D128 ;;
  bf16-d64) kernel=$E/attention.mlir shapes=$D64 ;;
  bf16-d128) kernel=$E/attention.mlir shapes=$D128 ;;
  peers)
    PYTHONUNBUFFERED=1 timeout "$(left)" python3 .carry/anchors.py --attn 4,48,2048,64 4,48,4096,64 4,48,8192,64 \
      --tattn 4,48,2048,64 4,48,4096,64 4,48,8192,64 --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
    echo "anchors rc=$?"; grep -vE "^\s*$" "$out/anchors.txt" | tail -20 | cut -c1-200
    return ;;
  esac
  for r in 1 2; do
    for c in "" --causal; do
      [ "$(left)" -lt 20 ] && continue
      run_tune r$r$c $kernel $shapes $c
    done
  done
}

worker 0 fp8-d64 peers & worker 1 fp8-d128 & worker 2 bf16-d64 & worker 3 bf16-d128 &
wait_workers
