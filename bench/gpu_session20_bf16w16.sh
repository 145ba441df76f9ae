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
mutants_then_w16_seeds attention kernels/attention.mlir
