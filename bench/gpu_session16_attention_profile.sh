#!/usr/bin/env bash
# Session 16, call 1 (issue 9): where fp8 attention at D = 64 spends its
# time. (1) bench/mufu_probe: exponentials a clock an SM for
# ex2.approx.ftz.f32, .f16x2 and .ftz.bf16x2, and their SASS — is a packed
# exponential one SFU op on sm_90? (2) Nsight Compute on one launch of the
# best D = 64 configs (192 x 128 / 12 warps; 128 x 128 / 4 warps) at
# (4, 48, 4096, 64): pipe utilisation (tensor, XU = MUFU, FMA, ALU), issue
# and stall reasons, and per-instruction stall samples (SourceCounters).
# Needs .carry/tile-run.xz and .carry/mufu_probe.
set -u
source bench/device_preamble.sh
chmod +x .carry/mufu_probe
.carry/mufu_probe | tee "$out/mufu.txt"
cuobjdump -sass .carry/mufu_probe > "$out/mufu-sass.txt" 2>&1
for k in f32_chains f16x2_chains bf16x2_chains; do
  echo "$k: $(awk -v k=$k '/Function :/{f=index($0,k)>0} f' "$out/mufu-sass.txt" | grep -oE 'MUFU\.[A-Z0-9.]+' | sort | uniq -c | tr '\n' ' ')"
done | tee -a "$out/mufu.txt"
NCU=$(command -v ncu || echo /usr/local/cuda/bin/ncu)
A=kernels/fp8_attention.mlir
SHAPE=B=4,H=48,S=4096,D=64
for cfg in BLOCK_M=192,BLOCK_N=128,WARPS=12,STAGES=2 BLOCK_M=128,BLOCK_N=128,WARPS=4,STAGES=2; do
  tag=$(echo $cfg | sed 's/BLOCK_M=\([0-9]*\),BLOCK_N=\([0-9]*\),WARPS=\([0-9]*\),STAGES=\([0-9]*\)/\1x\2w\3s\4/')
  run_one t-$tag $A $SHAPE $cfg
  timeout 200 "$NCU" -k "regex:^fp8_attention$" -c 1 \
    --metrics "gpu__time_duration.sum,regex:smsp__average_warps_issue_stalled_.*_per_issue_active\.ratio$,regex:sm__inst_executed_pipe_.*\.avg\.pct_of_peak_sustained_active$,regex:sm__pipe_.*_cycles_active\.avg\.pct_of_peak_sustained_active$,smsp__issue_active.avg.pct_of_peak_sustained_active,smsp__inst_executed.sum,sm__cycles_elapsed.avg,smsp__warps_eligible.avg.per_cycle_active" \
    "$T" $A --shape $SHAPE --config $cfg --iters 1 --warmup 0 --no-cache > "$out/ncu-$tag.txt" 2>&1
  echo "== $tag rc=$?"
  grep -E "duration|pct_of_peak|issue_active|inst_executed.sum|cycles_elapsed|eligible|stalled" "$out/ncu-$tag.txt" |
    awk '!/stalled|pipe/ || $NF+0 >= 0.05' | sed 's/  */ /g' | head -60
  timeout 200 "$NCU" -k "regex:^fp8_attention$" -c 1 --section WarpStateStats --section SourceCounters \
    --page source --print-source sass --csv "$T" $A --shape $SHAPE --config $cfg --iters 1 --warmup 0 --no-cache \
    > "$out/ncu-source-$tag.csv" 2>&1
  echo "ncu source $tag rc=$? $(wc -l < "$out/ncu-source-$tag.csv") lines"
  gzip -9 "$out/ncu-source-$tag.csv"
done
tar czf "$final/results.tgz" -C "$out" .
