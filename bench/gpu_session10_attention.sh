#!/usr/bin/env bash
# On the GPU machine (session 10): attention op by op
# (--attention-op-by-op: Q, K, V staged in shared memory by ordinary
# loads and conversions, S = Q Kᵀ by the register lowering's tile.dot, the
# row max and sum as reductions of the wgmma accumulator, P read from
# registers by wgmma) against the attention lowering, in this call: every
# config verified at awkward shapes (attention's own reference), planted
# bugs caught, then the best config of each path timed at S = 4096.
set -u
source bench/device_preamble.sh
mut=/tmp/mut; python3 test/mutants/make_mutants.py kernels $mut > /dev/null
A=kernels/attention.mlir
OP=--attention-op-by-op
run_tune verify-op $A B=2,H=3,S=1000,D=64 $OP
run_tune verify-op $A B=2,H=3,S=1000,D=64 --causal $OP
run_tune verify-op $A B=2,H=3,S=1000,D=128 $OP
run_tune verify-op $A B=2,H=3,S_Q=1000,S_KV=777,D=128 --causal $OP
run_tune mutant-op $mut/attention-no-rescale.mlir B=2,H=3,S=1000,D=64 $OP
run_tune mutant-op $mut/attention-causal-shift.mlir B=2,H=3,S=1000,D=64 --causal $OP
run_tune mutant-op $A B=2,H=3,S=1000,D=64 $OP --test-mutation=reduce-in-thread
run_tune mutant-op $A B=2,H=3,S=1000,D=64 $OP --test-mutation=store-past-end
for D in 64 128; do
  run_tune perf-op $A B=4,H=48,S=4096,D=$D $OP
  run_tune perf-lowering $A B=4,H=48,S=4096,D=$D
done
tar czf "$final/results.tgz" -C "$out" .
