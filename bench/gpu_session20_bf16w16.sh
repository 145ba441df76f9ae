#!/usr/bin/env bash
# Session 20, call 4 (~4 min): our bf16 attention with four warpgroups.
# Call 1 (gpu_session20.sh) timed 256 x 128 / 16 / 2 stages at 500 TFLOP/s
# at D = 64, S = 4096 and 8192, +4% over kernels/attention.mlir's best, so
# the kernel's space now holds BLOCK_M = 256 with WARPS = 16. Before the
# milestone is measured against it:
# 1. the bf16 attention's mutation entries (PART=attention: controls,
#    mutants, planted bugs) over the new space;
# 2. the 16-warp configs at every seed shape of issue 9 (B 4, H 48,
#    D 64 / 128, S 128 ... 16384, causal and not), every element checked.
set -u
source bench/device_preamble.sh
PART=attention OUT=$out/mut T=$T bash bench/gpu_mutation_test.sh 2>&1 | tail -3 | cut -c1-200
python3 bench/summarize_mutants.py "$out/mut/mutants.jsonl" 2>&1 | tail -2 | cut -c1-200
pack
A16=/tmp/attention_w16.mlir
sed -E 's/(#tile.param<"BLOCK_M", )\[[0-9, ]+\]/\1[256]/; s/(#tile.param<"WARPS", )\[[0-9, ]+\]/\1[16]/' \
  kernels/attention.mlir > $A16
grep -cE '"BLOCK_M", \[256\]|"WARPS", \[16\]' $A16
attention_seed_verify $A16 100 64 128
