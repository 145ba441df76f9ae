#!/usr/bin/env bash
# Session 16, call 5 (issue 9): fp8 attention at every seed shape of issue 9
# (B = 4, H = 48, D = 64 / 128, S = 128 ... 16384, causal and not: 32
# shapes), every config of the tuning space — now with OVERLAP = 0 and 1 —
# verified (one timed run each: a verification sweep, not a benchmark), as
# session 13's call 5 did for the space without OVERLAP. Needs
# .carry/tile-run.xz. The tarball is rewritten after each group, so a call
# cut short still returns the groups done.
set -u
source bench/device_preamble.sh
F=kernels/fp8_attention.mlir
for D in 128 64; do
  shapes=""
  for S in 128 256 512 1024 2048 4096 8192 16384; do shapes="$shapes --shape B=4,H=48,S=$S,D=$D"; done
  for c in "" --causal; do
    timeout 300 "$T" $F $shapes $c --tune --no-cache --iters 1 --warmup 0 \
      --kernel-timeout 60 --json "$out/seed$c-d$D.jsonl" > /tmp/one.txt 2>&1
    echo "seed D=$D $c rc=$? $(grep -E '^configs:' /tmp/one.txt | tr '\n' ' ')"
    cat /tmp/one.txt >> "$out/runs.txt"
    tar czf "$final/results.tgz" -C "$out" .
  done
done
