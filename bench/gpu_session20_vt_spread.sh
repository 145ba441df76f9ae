#!/usr/bin/env bash
# Prepared in session 19 (not run): at 16 warps, D = 64, BLOCK_N = 128 the
# Vᵀ transposition has 128 tasks for 512 threads, so warpgroup 0 does all
# of it and every warpgroup's P·V waits for that one warpgroup (its PTX
# path: 9.3 instructions an element against 7.2 at 128 x 256 / 8).
# bench/exp-vt-spread/patch.diff (not landed) spreads whole warps of tasks
# evenly over the warps instead: warp 0 of each warpgroup. Session 16
# measured a different spread 2-6% slower at 12 warps. Main's static
# tile-run (.carry/tile-run.xz) times each config of
# bench/exp-vt-spread/configs.txt as main compiles it and with the
# patch's PTX (--ptx-override; ptx-main/ is main's, byte-identical to what
# the binary makes), three S each, two rounds in alternating order, every
# run verified element by element; and the patch's PTX verified at
# S = 1000, causal and not. PTX does not depend on S for a given D and
# config. Prediction: a few % at S = 2048 if the one warpgroup's
# transposition is on the critical path; nothing if it is hidden.
set -u
source bench/device_preamble.sh
E=bench/exp-vt-spread
# (The verify loop is device_preamble.sh's verify_override_ptx since
# session 20, the same commands as this script ran.)
verify_override_ptx $E
pack
s="--shape B=4,H=48,S=4096,D=64 --shape B=4,H=48,S=8192,D=64"
for round in 1 2; do
  while read -r kernel D config; do
    name=$(basename $kernel .mlir)-d$D-$(echo $config | tr ',=' '_-')
    main() { run_one main-r$round $kernel B=4,H=48,S=2048,D=$D $config $s; }
    spread() { run_one spread-r$round $kernel B=4,H=48,S=2048,D=$D $config $s --ptx-override $E/ptx/$name.ptx; }
    if [ $round = 1 ]; then main; spread; else spread; main; fi
  done < $E/configs.txt
  pack
done
