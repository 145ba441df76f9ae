#!/usr/bin/env bash
# Session 14, call 7 (issue 9): the verifier against the rotated fp8
# attention's mutants (test/mutants/make_mutants.py) on the GPU, each over
# its whole tuning space (every config must be WRONG), with the real kernel
# verified at the same shapes (the controls).
set -u
source bench/device_preamble.sh
mut=/tmp/mutants; rm -rf $mut; python3 test/mutants/make_mutants.py kernels $mut || exit 1
O=kernels/fp8_attention_overlap.mlir
A=B=2,H=3,S=1000,D=64 A2=B=2,H=3,S=1000,D=128
run_tune control $O $A
run_tune control-causal-d128 $O $A2 --causal
run_tune control-descales $O $A --descale-q 0.5 --descale-k 2 --descale-v 0.25
run_tune m-no-rescale $mut/fp8_attention_overlap-no-rescale.mlir $A
run_tune m-no-last-pv $mut/fp8_attention_overlap-no-last-pv.mlir $A --causal
run_tune m-v-of-this-block $mut/fp8_attention_overlap-v-of-this-block.mlir $A2
run_tune m-mask-check-corner-causal $O $A2 --causal --test-mutation=mask-check-corner
run_tune m-convert-as-identity $O $A --test-mutation=convert-as-identity
run_tune m-store-past-end $O $A --test-mutation=store-past-end
tar czf "$final/results.tgz" -C "$out" .
