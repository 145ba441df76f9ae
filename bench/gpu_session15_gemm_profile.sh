#!/usr/bin/env bash
# Session 15, call 5: Nsight Compute on one launch each of the best
# kernels/fp8_gemm.mlir and kernels/fp8_gemm_persistent.mlir configs of
# calls 3-4 at 4096³ and 8192³: tensor-pipe activity, DRAM traffic, L2 hit
# rate, issue and stall reasons — why the persistent kernel is slower.
# Needs .carry/tile-run.xz.
set -u
source bench/device_preamble.sh
NCU=$(command -v ncu || echo /usr/local/cuda/bin/ncu)
prof() { # label kernel-regex args...
  local label=$1 regex=$2; shift 2
  timeout 200 "$NCU" -k "regex:$regex" -c 1 \
    --metrics "gpu__time_duration.sum,sm__pipe_tensor_op_gmma_cycles_active.avg.pct_of_peak_sustained_active,dram__bytes_read.sum,dram__bytes_write.sum,lts__t_sector_hit_rate.pct,smsp__issue_active.avg.pct_of_peak_sustained_active,smsp__inst_executed.sum,sm__cycles_elapsed.avg,regex:smsp__average_warps_issue_stalled_.*_per_issue_active\.ratio$" \
    "$T" "$@" --iters 1 --warmup 0 --no-cache > "$out/ncu-$label.txt" 2>&1
  echo "== $label rc=$?"
  grep -E "duration|gmma|dram__bytes|hit_rate|issue_active|inst_executed|cycles_elapsed|stalled" "$out/ncu-$label.txt" |
    awk '!/stalled/ || $NF+0 >= 0.05' | sed 's/  */ /g' | head -40
}
P=kernels/fp8_gemm_persistent.mlir
G=kernels/fp8_gemm.mlir
prof g4096 '^fp8_gemm$' $G --shape M=4096,N=4096,K=4096 --config BLOCK_M=128,BLOCK_N=256,BLOCK_K=128,GROUP_M=16,WARPS=8,STAGES=4
prof p4096 '^fp8_gemm_persistent$' $P --shape M=4096,N=4096,K=4096 --config BLOCK_M=128,BLOCK_N=256,BLOCK_K=128,WARPS=8,STAGES=4
prof g8192 '^fp8_gemm$' $G --shape M=8192,N=8192,K=8192 --config BLOCK_M=128,BLOCK_N=256,BLOCK_K=128,GROUP_M=8,WARPS=8,STAGES=4
prof p8192 '^fp8_gemm_persistent$' $P --shape M=8192,N=8192,K=8192 --config BLOCK_M=128,BLOCK_N=256,BLOCK_K=128,WARPS=8,STAGES=4
tar czf "$final/results.tgz" -C "$out" .
