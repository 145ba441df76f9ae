#!/usr/bin/env bash
# On the GPU machine: one config at a time at 4096^3 (errors shown), then the
# known-good config at awkward sizes.
set -u
out=${OUT:-/tmp/out}; mkdir -p "$out"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
T=/tmp/t/tile-run
for c in BLOCK_M=128,BLOCK_N=128,WARPS=4,STAGES=4 BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=4 \
         BLOCK_M=128,BLOCK_N=256,WARPS=8,STAGES=4 BLOCK_M=256,BLOCK_N=128,WARPS=8,STAGES=4 \
         BLOCK_M=64,BLOCK_N=128,WARPS=4,STAGES=4 BLOCK_M=128,BLOCK_N=64,WARPS=4,STAGES=4 \
         BLOCK_M=64,BLOCK_N=64,WARPS=4,STAGES=4 BLOCK_M=256,BLOCK_N=64,WARPS=4,STAGES=4 \
         BLOCK_M=128,BLOCK_N=256,WARPS=8,STAGES=3 BLOCK_M=256,BLOCK_N=128,WARPS=8,STAGES=3; do
  $T kernels/gemm.mlir --shape M=4096,N=4096,K=4096 --config $c --iters 10 --warmup 3 2>&1 | grep -E "^BLOCK|tile-run:" | cut -c1-400
done
for s in M=1000,N=1000,K=1000 M=777,N=1331,K=999 M=129,N=65,K=17 M=1,N=8,K=8; do
  echo "-- $s"; $T kernels/gemm.mlir --shape $s --config BLOCK_M=128,BLOCK_N=128,WARPS=4,STAGES=4 --iters 5 --warmup 2 2>&1 | grep -E "^BLOCK|tile-run:" | cut -c1-400
done
