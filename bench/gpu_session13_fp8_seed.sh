#!/usr/bin/env bash
# On the GPU machine (session 13, call 5): fp8 attention op by op at every
# seed shape of issue 9 (B = 4, H = 48, D = 64 / 128, S = 128 ... 16384,
# causal and not: 32 shapes), every config of the tuning space verified
# (one timed run each: a verification sweep, not a benchmark). Needs
# .carry/tile-run.xz. Results in $OUT/results.tgz.
set -u
source bench/device_preamble.sh
F=kernels/fp8_attention.mlir
attention_seed_verify $F 280 64 128
tar czf "$final/results.tgz" -C "$out" .
