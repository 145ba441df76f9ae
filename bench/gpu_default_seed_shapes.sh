#!/usr/bin/env bash
# On the GPU machine (session 9, fourth call): with tile.dot op by op now
# the default, bf16 GEMM (gemm.mlir, gemm_nt.mlir) and fp8 GEMM at every
# seed shape of issue 9 (squares 1024..20480, 4096x14336x4096,
# 16x8192x8192, awkward sizes), the kernel's default config (no tuning),
# every output element verified; the default path's timing beside
# tile-run's peer row (cuBLAS / cuBLASLt).
set -u
source bench/device_preamble.sh
one() { # kernel shape flags...
  local kernel=$1 shape=$2; shift 2
  timeout 120 "$T" $kernel --shape $shape "$@" --no-cache --iters 5 --warmup 2 \
    --kernel-timeout 30 --json "$out/seed.jsonl" > /tmp/one.txt 2>&1
  local rc=$?
  { echo "### $kernel $shape $*"; cat /tmp/one.txt; } >> "$out/seed.txt"
  echo "$(basename $kernel) $shape $* rc=$rc | $(grep -E '^configs:' /tmp/one.txt) | $(grep -E '^BLOCK' /tmp/one.txt | tail -1 | tr -s ' ' | cut -d' ' -f2-)"
}
for S in 1024 1280 1536 1792 2048 2560 3072 3584 4096 5120 6144 7168 8192 10240 12288 14336 16384 20480; do
  for k in gemm fp8_gemm; do one kernels/$k.mlir M=$S,N=$S,K=$S; done
done
for Q in M=4096,N=14336,K=4096 M=16,N=8192,K=8192 M=1000,N=999,K=1008 M=777,N=1331,K=4112; do
  for k in gemm gemm_nt fp8_gemm; do one kernels/$k.mlir $Q; done
done
tar czf "$final/results.tgz" -C "$out" .
