#!/usr/bin/env bash
# On the GPU machine: first runs of fp8 attention (kernels/fp8_attention.mlir)
# - every config of the space at small shapes, awkward lengths, causal, D = 64
# and 128, e5m2, a bf16 output, descales - and the bf16 kernel and the fp8
# GEMM's new fp8 output as regression checks. Needs .carry/tile-run.xz.
set -u
out=${OUT:-/tmp/out}; mkdir -p "$out"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
T=/tmp/t/tile-run
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader | tee "$out/device.txt"
run() {
  echo "## $*"
  timeout 300 "$T" "$@" --iters 5 --warmup 2 --json "$out/smoke.jsonl" 2>>"$out/errors.log" |
    grep -vE "^\s*$" | tail -30
  echo "rc=${PIPESTATUS[0]}"
}
K=kernels/fp8_attention.mlir
run $K --shape B=1,H=2,S=128,D=64 --config BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2
run $K --shape B=2,H=3,S_Q=1000,S_KV=777,D=64 --tune
run $K --shape B=2,H=3,S_Q=1000,S_KV=777,D=128 --tune --causal
run $K --shape B=1,H=4,S=300,D=128 --dtype f8e5m2 --out-dtype bf16
run $K --shape B=1,H=4,S=512,D=64 --descale-q 0.5 --descale-k 2 --descale-v 0.25 --causal
run $K --shape B=4,H=48,S=4096,D=64
run $K --shape B=4,H=48,S=4096,D=128
run kernels/attention.mlir --shape B=4,H=48,S=4096,D=64
run kernels/attention.mlir --shape B=4,H=48,S=4096,D=128
run kernels/fp8_gemm.mlir --shape M=1000,N=1000,K=1024 --out-dtype f8e4m3
run kernels/gemm.mlir --shape M=1000,N=1000,K=1000 --out-dtype f8e4m3
echo "errors logged: $(grep -c . "$out/errors.log" 2>/dev/null)"; head -40 "$out/errors.log"
