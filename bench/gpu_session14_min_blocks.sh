#!/usr/bin/env bash
# Session 14, call 8 (issue 9): fp8 attention with MIN_BLOCKS = 2 in its
# space (two 8-warp blocks an SM, registers capped at 128: one block's
# products overlap the other's softmax), tuned at the D = 64 / 128 shapes;
# the MIN_BLOCKS = 1 configs are the old space in the same sweep. Every
# config verified, also at awkward shapes. Ran with kernels/fp8_attention.mlir
# of commit 0a0a36e (the parameter was not kept: ~1%, causal only).
set -u
source bench/device_preamble.sh
F=kernels/fp8_attention.mlir
run_tune ok $F B=2,H=3,S=1000,D=64 --causal
run_tune ok-d128 $F B=2,H=3,S_Q=777,S_KV=1000,D=128
run_tune mb $F B=4,H=48,S=2048,D=64 --shape B=4,H=48,S=4096,D=64 --shape B=4,H=48,S=8192,D=64
run_tune mb $F B=4,H=48,S=4096,D=128
run_tune mb-causal $F B=4,H=48,S=4096,D=64 --causal
grep -h -E "^==|MIN_BLOCKS=2" $out/runs.txt | grep -v "^BLOCK.*ok-" | head -40
tar czf "$final/results.tgz" -C "$out" .
