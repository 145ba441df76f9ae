#!/usr/bin/env bash
# On the GPU machine, after the register layouts (#tile.wgmma_acc) took
# over the fragment coordinates of both lowerings (issue 11): the mutation
# test of the verifier (every mutant WRONG in every config, every control
# config verified: GEMM, GEMM NT, fp8 GEMM, attention, fp8 attention at
# awkward shapes) and --tune at 4096/8192 (GEMM, with cuBLAS in the same
# process) and (4, 48, 4096, 64/128) attention, against the numbers of the
# same day. Needs .carry/tile-run.xz.
set -u
final=${OUT:-/tmp/out}; out=/tmp/res; mkdir -p "$out" "$final"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
export T=/tmp/t/tile-run
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader | tee "$out/device.txt"
OUT=$out bash bench/gpu_mutation_test.sh 2>&1 | tail -45
for s in M=4096,N=4096,K=4096 M=8192,N=8192,K=8192; do
  timeout 200 "$T" kernels/gemm.mlir --shape $s --tune --iters 10 --warmup 3 --json "$out/tune.jsonl" 2>>"$out/errors.log" |
    grep -E "^best|cuBLAS|configs:|peer" | head -5
done
for D in 64 128; do
  timeout 200 "$T" kernels/attention.mlir --shape B=4,H=48,S=4096,D=$D --tune --iters 10 --warmup 3 --json "$out/tune.jsonl" 2>>"$out/errors.log" |
    grep -E "^best|configs:" | head -3
done
tar czf "$final/results.tgz" -C "$out" .
