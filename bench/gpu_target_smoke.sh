#!/usr/bin/env bash
# On the GPU machine, after tile-assign-layouts joined the compile pipeline
# and tile-run learnt --chip (issue 11): a run compiled for another chip
# stops with the GPU's chip named; every config of each kernel verifies at
# awkward shapes. Needs .carry/tile-run.xz.
set -u
final=${OUT:-/tmp/out}; out=/tmp/res; mkdir -p "$out" "$final"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
T=/tmp/t/tile-run
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee "$out/device.txt"
"$T" kernels/gemm.mlir --shape M=64,N=64,K=64 --chip sm_80 > "$out/chip.txt" 2>&1
echo "--chip sm_80 on this GPU: rc=$? $(cat "$out/chip.txt")"
check() {
  timeout 200 "$T" "$@" --tune --iters 2 --warmup 1 --json "$out/check.jsonl" > "$out/last.txt" 2>&1
  echo "rc=$? $(grep -E '^configs:' "$out/last.txt") :: $*"
}
check kernels/gemm.mlir --shape M=777,N=1331,K=999
check kernels/gemm_nt.mlir --shape M=1024,N=1024,K=1024
check kernels/fp8_gemm.mlir --shape M=777,N=1331,K=1008 --scale-a 0.5 --scale-b 3
check kernels/attention.mlir --shape B=2,H=3,S=1000,D=64 --causal
check kernels/attention.mlir --shape B=2,H=3,S_Q=1000,S_KV=777,D=128
check kernels/fp8_attention.mlir --shape B=2,H=3,S=1000,D=128 --causal
check kernels/fp8_attention.mlir --shape B=2,H=3,S=1000,D=64 --dtype f8e5m2 --out-dtype bf16 --descale-v 0.25
tar czf "$final/results.tgz" -C "$out" .
