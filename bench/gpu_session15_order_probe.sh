#!/usr/bin/env bash
# Session 15, call 7: is the block order what the persistent fp8 GEMM
# loses? kernels/fp8_gemm.mlir (one block a program) with GROUP_M 1 (row-
# major), 8, 16 (its best), 32 and 64 (at 4096³ with 128-row blocks 32 is
# column-major, the persistent kernel's order), verified and timed alone
# (--iters 50), twice; and Nsight Compute's sampled stalls by SASS
# instruction for its best config at 4096³, to set beside call 6's of the
# persistent kernel. Needs .carry/tile-run.xz.
set -u
source bench/device_preamble.sh
G=/tmp/fp8_gemm_groups.mlir
sed 's/#tile.param<"GROUP_M", \[8, 16\]>/#tile.param<"GROUP_M", [8, 16, 1, 32, 64]>/' kernels/fp8_gemm.mlir > $G
cmp -s $G kernels/fp8_gemm.mlir && echo "sed changed nothing"
for round in 1 2; do
  for S in 4096 8192; do
    for g in 1 8 16 32 64; do
      run_one r$round-g$g-$S $G M=$S,N=$S,K=$S BLOCK_M=128,BLOCK_N=256,BLOCK_K=128,GROUP_M=$g,WARPS=8,STAGES=4
    done
  done
done
NCU=$(command -v ncu || echo /usr/local/cuda/bin/ncu)
for g in 16 32; do
  timeout 200 "$NCU" -k "regex:^fp8_gemm$" -c 1 --section WarpStateStats --section SourceCounters \
    --page source --print-source sass --csv "$T" $G --shape M=4096,N=4096,K=4096 \
    --config BLOCK_M=128,BLOCK_N=256,BLOCK_K=128,GROUP_M=$g,WARPS=8,STAGES=4 --iters 1 --warmup 0 --no-cache \
    > "$out/ncu-source-g$g.csv" 2>&1
  echo "ncu g$g rc=$? $(wc -l < "$out/ncu-source-g$g.csv") lines"
done
tar czf "$final/results.tgz" -C "$out" .
