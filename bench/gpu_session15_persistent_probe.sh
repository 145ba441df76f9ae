#!/usr/bin/env bash
# Session 15, call 6: where the persistent fp8 GEMM loses. The best config
# of calls 3-4 with PROGRAMS = 132 (persistent) and PROGRAMS = 1024 (one
# block a program at 4096³ and 8192³: the same code without prefetching
# across blocks), beside kernels/fp8_gemm.mlir's best, each verified and
# timed alone (--iters 50), twice in alternation. Then Nsight Compute's
# sampled stalls by SASS instruction for the persistent config at 4096³.
# Ran with the kernel of its commit, whose PROGRAMS were [132, 1024]
# (the submitted kernel has 132 only: PROGRAMS=1024 configs are refused).
# Needs .carry/tile-run.xz.
set -u
source bench/device_preamble.sh
P=kernels/fp8_gemm_persistent.mlir
G=kernels/fp8_gemm.mlir
for round in 1 2; do
  for S in 4096 8192; do
    Q=M=$S,N=$S,K=$S
    run_one r$round-g$S $G $Q BLOCK_M=128,BLOCK_N=256,BLOCK_K=128,GROUP_M=16,WARPS=8,STAGES=4
    run_one r$round-p132-$S $P $Q BLOCK_M=128,BLOCK_N=256,BLOCK_K=128,WARPS=8,STAGES=4,PROGRAMS=132
    run_one r$round-p1024-$S $P $Q BLOCK_M=128,BLOCK_N=256,BLOCK_K=128,WARPS=8,STAGES=4,PROGRAMS=1024
  done
done
NCU=$(command -v ncu || echo /usr/local/cuda/bin/ncu)
for v in 132 1024; do
  timeout 200 "$NCU" -k "regex:^fp8_gemm_persistent$" -c 1 --section WarpStateStats --section SourceCounters \
    --page source --print-source sass --csv "$T" $P --shape M=4096,N=4096,K=4096 \
    --config BLOCK_M=128,BLOCK_N=256,BLOCK_K=128,WARPS=8,STAGES=4,PROGRAMS=$v --iters 1 --warmup 0 --no-cache \
    > "$out/ncu-source-p$v.csv" 2>&1
  echo "ncu p$v rc=$? $(wc -l < "$out/ncu-source-p$v.csv") lines"
done
tar czf "$final/results.tgz" -C "$out" .
