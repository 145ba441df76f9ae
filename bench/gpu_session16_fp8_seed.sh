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
attention_seed_verify $F 300 128 64
