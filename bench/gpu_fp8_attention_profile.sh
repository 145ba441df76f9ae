#!/usr/bin/env bash
# Ran with tile-run built at commit 5e7295c (the experiment; its
# --software-pipeline flag and TILE_PINGPONG switch were reverted after).
# On the GPU machine: Nsight Compute on one launch of the best fp8 attention
# configs (and the bf16 kernel's) at (4, 48, 4096, D): where the time goes
# (tensor / MUFU / shared-memory pipes, issue slots, stall reasons), with
# the software-pipelined loop on and off. Needs .carry/tile-run.xz.
set -u
final=${OUT:-/tmp/out}; out=/tmp/prof; mkdir -p "$out" "$final"
[ -x /tmp/t/tile-run ] || { mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run; }
T=/tmp/t/tile-run
NCU=$(command -v ncu || echo /usr/local/cuda/bin/ncu)
prof() { # label kernel-regex args...
  local label=$1 regex=$2; shift 2
  timeout 240 "$NCU" -k "regex:$regex" -c 1 --section SpeedOfLight \
    --section ComputeWorkloadAnalysis --section MemoryWorkloadAnalysis \
    --section WarpStateStats --section SchedulerStats --section Occupancy \
    --section LaunchStats "$T" "$@" --iters 1 --warmup 0 > "$out/ncu-$label.txt" 2>&1
  echo "$label rc=$?"; grep -E "Duration|Compute \(SM\) Throughput|Memory Throughput|Issue Slots Busy|Shared Memory|Tensor|XU|Registers Per|Achieved Occupancy|No Eligible" "$out/ncu-$label.txt" | head -30
}
stalls() { # label kernel-regex args...: stall reasons and pipe use
  local label=$1 regex=$2; shift 2
  timeout 240 "$NCU" -k "regex:$regex" -c 1 \
    --metrics "regex:smsp__average_warps_issue_stalled_.*_per_issue_active\.ratio$,regex:sm__inst_executed_pipe_.*\.avg\.pct_of_peak_sustained_active$,regex:sm__pipe_.*_cycles_active\.avg\.pct_of_peak_sustained_active$,l1tex__data_bank_conflicts_pipe_lsu_mem_shared.sum,l1tex__data_pipe_lsu_wavefronts_mem_shared.sum,smsp__inst_executed.sum,sm__cycles_elapsed.avg" \
    "$T" "$@" --iters 1 --warmup 0 > "$out/stalls-$label.txt" 2>&1
  echo "$label rc=$?"
  grep -E "stalled|pipe_(tensor|xu|fma|alu|lsu|shared)|bank_conflicts|wavefronts|inst_executed.sum|cycles_elapsed" "$out/stalls-$label.txt" |
    awk '$NF+0 >= 0.05 || /sum|elapsed/' | head -60
}
A=kernels/fp8_attention.mlir
if [ "${1:-}" = stalls ]; then
  stalls fp8-d128-unpipelined '^fp8_attention$' $A --shape B=4,H=48,S=4096,D=128 --config BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2 --software-pipeline=false
  stalls fp8-d128-pipelined '^fp8_attention$' $A --shape B=4,H=48,S=4096,D=128 --config BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2
  stalls fp8-d64 '^fp8_attention$' $A --shape B=4,H=48,S=4096,D=64 --config BLOCK_M=128,BLOCK_N=128,WARPS=4,STAGES=2
  tar czf "$final/stalls.tgz" -C "$out" .
  exit 0
fi
prof fp8-d128-pipelined '^fp8_attention$' $A --shape B=4,H=48,S=4096,D=128 --config BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2
prof fp8-d128-unpipelined '^fp8_attention$' $A --shape B=4,H=48,S=4096,D=128 --config BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2 --software-pipeline=false
prof fp8-d64 '^fp8_attention$' $A --shape B=4,H=48,S=4096,D=64 --config BLOCK_M=128,BLOCK_N=128,WARPS=4,STAGES=2
prof bf16-d128 '^attention$' kernels/attention.mlir --shape B=4,H=48,S=4096,D=128 --config BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2
tar czf "$final/profile.tgz" -C "$out" .
