#!/usr/bin/env bash
# Session 20, call 8 (~3 min): bench/exp-vt-remat/patch.diff (not landed)
# reads the thread index again at fp8's Vᵀ transposition through an inline
# asm LLVM cannot hoist, so the task addresses are recomputed in the loop
# instead of kept live across it, where ptxas spills them: 64 -> 24 bytes
# at 256 x 128 / 16 (D = 64), 80 -> 48 at 192 x 192 / 12, 8 -> 0 at the
# best D = 128 config. Its PTX (bench/exp-vt-remat/ptx/, for the configs of
# configs.txt) verified at S = 1000, causal and not, then timed beside
# main's PTX (ptx-main/, from the static tile-run of 1a9f5e3), both through
# --ptx-override with the same binary, two rounds in alternating order,
# every run verified. Prediction: within 1% (the spilled loads are L1
# hits in warpgroup 0 only; the recomputation costs it ~20 integer ops an
# iteration).
set -u
source bench/device_preamble.sh
E=bench/exp-vt-remat
# (The verify loop is device_preamble.sh's verify_override_ptx since
# session 20, the same commands as this script ran.)
verify_override_ptx $E
pack
for round in 1 2; do
  while read -r kernel D config; do
    name=$(basename $kernel .mlir)-d$D-$(echo $config | tr ',=' '_-')
    if [ $D = 64 ]; then s="--shape B=4,H=48,S=4096,D=64 --shape B=4,H=48,S=8192,D=64"
    else s="--shape B=4,H=48,S=4096,D=128"; fi
    main() { run_one main-r$round $kernel B=4,H=48,S=2048,D=$D $config $s --ptx-override $E/ptx-main/$name.ptx; }
    remat() { run_one remat-r$round $kernel B=4,H=48,S=2048,D=$D $config $s --ptx-override $E/ptx/$name.ptx; }
    if [ $round = 1 ]; then main; remat; else remat; main; fi
  done < $E/configs.txt
  pack
done
