#!/usr/bin/env bash
# On the GPU machine (session 10, after call 5): attention op by op with Q
# staged once before the loop instead of each iteration. Every config
# verified at awkward shapes, a planted bug, then the best of each path at
# S = 4096 beside the attention lowering, in this call.
set -u
source bench/device_preamble.sh
A=kernels/attention.mlir
OP=--attention-op-by-op
run_tune verify-op $A B=2,H=3,S=1000,D=64 --causal $OP
run_tune verify-op $A B=2,H=3,S_Q=1000,S_KV=777,D=128 $OP
run_tune mutant-op $A B=2,H=3,S=1000,D=64 $OP --test-mutation=reduce-in-thread
for D in 64 128; do
  run_tune perf-op $A B=4,H=48,S=4096,D=$D $OP
  run_tune perf-lowering $A B=4,H=48,S=4096,D=$D
done
tar czf "$final/results.tgz" -C "$out" .
