#!/usr/bin/env bash
# On the GPU machine: the configs that faulted or gave non-finite output
# before the warp reconvergence fix, each in its own process and repeated;
# GEMM with BLOCK_N = 64; then --tune at S = 4096 (D 64/128, causal or not)
# with the current kernel, and the previous kernel (.carry/attention_v1.mlir)
# at its best configs from the first run, for comparison in the same call.
set -u
out=${OUT:-/tmp/out}; mkdir -p "$out"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
T=/tmp/t/tile-run
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee "$out/device.txt"
one() { "$T" "$@" --iters 3 --warmup 1 --json "$out/check.jsonl" 2>>"$out/errors.log" | grep -E "^best|^==|WRONG|FAIL|lost"; }
for rep in 1 2 3; do
  one kernels/attention.mlir --shape B=4,H=48,S=4096,D=64 --config BLOCK_M=64,BLOCK_N=64,WARPS=4,STAGES=2
  one kernels/attention.mlir --shape B=4,H=48,S=4096,D=64 --causal --config BLOCK_M=64,BLOCK_N=64,WARPS=4,STAGES=2
  one kernels/attention.mlir --shape B=4,H=48,S=4096,D=64 --causal --config BLOCK_M=64,BLOCK_N=128,WARPS=4,STAGES=2
  one kernels/attention.mlir --shape B=4,H=32,S=4096,D=128 --config BLOCK_M=64,BLOCK_N=32,WARPS=4,STAGES=3
  one kernels/attention.mlir --shape B=4,H=32,S=4096,D=128 --causal --config BLOCK_M=128,BLOCK_N=32,WARPS=8,STAGES=3
  one kernels/gemm.mlir --shape M=4096,N=4096,K=4096 --config BLOCK_M=64,BLOCK_N=64,WARPS=4
  one kernels/gemm.mlir --shape M=4096,N=4096,K=4096 --config BLOCK_M=128,BLOCK_N=64,WARPS=8
  one kernels/gemm_nt.mlir --shape M=4096,N=4096,K=4096 --config BLOCK_M=64,BLOCK_N=64,WARPS=4
done
for c in "" "--causal"; do
  for s in B=4,H=48,S=4096,D=64 B=4,H=32,S=4096,D=128; do
    "$T" kernels/attention.mlir --shape $s $c --tune --iters 10 --warmup 3 --json "$out/attention.jsonl" 2>>"$out/errors.log" | tee -a "$out/tune.txt" | grep -E "^best|^==|WRONG|FAIL|lost"
  done
done
if [ -f .carry/attention_v1.mlir ]; then
  v1() { "$T" .carry/attention_v1.mlir --iters 10 --warmup 3 "$@" 2>>"$out/errors.log" | grep -E "^best|^=="; }
  v1 --shape B=4,H=48,S=4096,D=64 --config BLOCK_M=64,BLOCK_N=128,WARPS=4,STAGES=2
  v1 --shape B=4,H=32,S=4096,D=128 --config BLOCK_M=192,BLOCK_N=128,WARPS=12,STAGES=2
  v1 --shape B=4,H=48,S=4096,D=64 --causal --config BLOCK_M=128,BLOCK_N=128,WARPS=4,STAGES=2
  v1 --shape B=4,H=32,S=4096,D=128 --causal --config BLOCK_M=192,BLOCK_N=128,WARPS=12,STAGES=2
fi
echo "errors logged: $(grep -c . "$out/errors.log" 2>/dev/null)"; head -20 "$out/errors.log" 2>/dev/null
