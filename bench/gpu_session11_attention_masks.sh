#!/usr/bin/env bash
# On the GPU machine (session 11): attention op by op after
# tile-skip-full-masks (the key masks computed only on the last block and
# the causal diagonal). Every config verified at awkward shapes (attention's
# reference), planted bugs (the new mask-check-short at S = 1023, where the
# last key block ends one key past the data), then the best of each path
# at S = 4096 beside the attention lowering, in this call.
set -u
source bench/device_preamble.sh
mut=/tmp/mut; python3 test/mutants/make_mutants.py kernels $mut > /dev/null
A=kernels/attention.mlir
OP=--attention-op-by-op
run_tune verify-op $A B=2,H=3,S=1000,D=64 $OP
run_tune verify-op $A B=2,H=3,S=1000,D=64 --causal $OP
run_tune verify-op $A B=2,H=3,S_Q=1000,S_KV=777,D=128 --causal $OP
run_tune verify-op $A B=2,H=3,S=1023,D=128 $OP
run_tune verify-op $A B=1,H=2,S=300,D=64 --dtype f16 --causal $OP
run_tune mutant-op $A B=2,H=3,S=1023,D=64 $OP --test-mutation=mask-check-short
run_tune mutant-op $mut/attention-causal-shift.mlir B=2,H=3,S=1000,D=64 --causal $OP
run_tune mutant-op $mut/attention-skip-block.mlir B=2,H=3,S=1000,D=64 $OP
run_tune mutant-op $mut/attention-no-rescale.mlir B=2,H=3,S=1000,D=64 $OP
for D in 64 128; do
  run_tune perf-op $A B=4,H=48,S=4096,D=$D $OP
  run_tune perf-lowering $A B=4,H=48,S=4096,D=$D
done
run_tune perf-op $A B=4,H=48,S=4096,D=64 --causal $OP
run_tune perf-lowering $A B=4,H=48,S=4096,D=64 --causal
tar czf "$final/results.tgz" -C "$out" .
