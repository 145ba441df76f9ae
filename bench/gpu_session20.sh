#!/usr/bin/env bash
# Prepared in session 19 for the next session's first call (~6 min; ask
# for nvidia-h100-x1 if lent). Needs .carry/tile-run.xz (a static tile-run
# of the current main) and .carry/anchors.py. The tarball is rewritten
# after each stage, so a call cut short returns what was done.
# 1. fp8 attention's mutation entries (PART=fp8_attention: controls,
#    mutants, planted bugs, the rotated kernel's too) over the space with
#    session 19's 16-warp configs, which the session-19 run did not hold.
# 2. Those configs (BLOCK_M = 256, WARPS = 16) at every seed shape of
#    issue 9 (B 4, H 48, D 64 / 128, S 128 ... 16384, causal and not), one
#    run each, every element checked: session 19 verified them at ten.
# 3. Our bf16 attention with the same four-warpgroup tiles at D = 64
#    (kernels/attention.mlir's space has no 16-warp configs; ptxas: 256 x
#    128 / 16 spills 96-104 bytes, 256 x 64 / 16 none), timed beside its
#    best configs: the fp8 / bf16 ratio of the milestone should be against
#    our best bf16 kernel.
# 4. Whether ncu exists there (a profile of the 12-warp 2-stage configs
#    that uniform descriptors made slower is the open question of
#    sessions 18-19).
set -u
source bench/device_preamble.sh
# (Steps 1-2 are now one function of device_preamble.sh, with the same
# commands as this script ran in session 20's call 1.)
mutants_then_w16_seeds fp8_attention kernels/fp8_attention.mlir
A16=/tmp/attention_w16.mlir
sed -E 's/(#tile.param<"BLOCK_M", )\[[0-9, ]+\]/\1[128, 64, 192, 256]/; s/(#tile.param<"WARPS", )\[[0-9, ]+\]/\1[8, 4, 12, 16]/' \
  kernels/attention.mlir > $A16
s64="--shape B=4,H=48,S=4096,D=64 --shape B=4,H=48,S=8192,D=64"
for round in 1 2; do
  for c in BLOCK_M=128,BLOCK_N=128,WARPS=4,STAGES=2 BLOCK_M=64,BLOCK_N=128,WARPS=4,STAGES=2 \
           BLOCK_M=256,BLOCK_N=128,WARPS=16,STAGES=2 BLOCK_M=256,BLOCK_N=128,WARPS=16,STAGES=3 \
           BLOCK_M=256,BLOCK_N=64,WARPS=16,STAGES=2; do
    run_one bf16-r$round $A16 B=4,H=48,S=2048,D=64 $c $s64
  done
  pack
done
echo "ncu: $(command -v ncu || ls /usr/local/cuda/bin/ncu 2>&1 | head -1)"
