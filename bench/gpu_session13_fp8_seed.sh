#!/usr/bin/env bash
# On the GPU machine (session 13, call 5): fp8 attention op by op at every
# seed shape of issue 9 (B = 4, H = 48, D = 64 / 128, S = 128 ... 16384,
# causal and not: 32 shapes), every config of the tuning space verified
# (one timed run each: a verification sweep, not a benchmark). Needs
# .carry/tile-run.xz. Results in $OUT/results.tgz.
set -u
source bench/device_preamble.sh
F=kernels/fp8_attention.mlir
for D in 64 128; do
  shapes=""
  for S in 128 256 512 1024 2048 4096 8192 16384; do shapes="$shapes --shape B=4,H=48,S=$S,D=$D"; done
  for c in "" --causal; do
    timeout 280 "$T" $F $shapes $c --tune --no-cache --iters 1 --warmup 0 \
      --kernel-timeout 60 --json "$out/seed$c-d$D.jsonl" > /tmp/one.txt 2>&1
    echo "seed D=$D $c rc=$? $(grep -E '^configs:' /tmp/one.txt | tr '\n' ' ')"
    cat /tmp/one.txt >> "$out/runs.txt"
  done
done
tar czf "$final/results.tgz" -C "$out" .
