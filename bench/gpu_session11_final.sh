#!/usr/bin/env bash
# On the GPU machine (session 11, call 2): the final lowering of the
# session. (1) Attention op by op (refill first in the iteration, zero
# accumulator not materialized, key masks a block at a time): every config
# verified at awkward shapes, the planted bugs caught (mask-check-corner
# new), then the best of each path at S = 4096 beside the attention
# lowering. (2) Softmax and layernorm (their column mask now checked a block
# at a time) tuned at the shapes beside anchors.py --rowops; their
# controls verified and mutants caught. Needs .carry/tile-run.xz and
# .carry/anchors.py. Results in $OUT/results.tgz.
set -u
source bench/device_preamble.sh
mut=/tmp/mutants; rm -rf "$mut"; python3 test/mutants/make_mutants.py kernels "$mut" > /dev/null
A=kernels/attention.mlir
OP=--attention-op-by-op
run_tune verify-op $A B=2,H=3,S=1000,D=64 $OP
run_tune verify-op $A B=2,H=3,S=1000,D=64 --causal $OP
run_tune verify-op $A B=2,H=3,S_Q=1000,S_KV=777,D=128 --causal $OP
run_tune verify-op $A B=1,H=2,S=300,D=64 --dtype f16 --causal $OP
run_tune mutant-op $A B=2,H=3,S=1000,D=64 $OP --test-mutation=mask-check-corner
run_tune mutant-op $A B=2,H=3,S=1000,D=64 --causal $OP --test-mutation=mask-check-corner
run_tune mutant-op $mut/attention-causal-shift.mlir B=2,H=3,S=1000,D=64 --causal $OP
run_tune mutant-op $mut/attention-skip-block.mlir B=2,H=3,S=1000,D=64 $OP
run_tune mutant-op $mut/attention-no-rescale.mlir B=2,H=3,S=1000,D=64 $OP
run_tune mutant-op $A B=2,H=3,S=1000,D=64 $OP --test-mutation=store-past-end
for D in 64 128; do
  run_tune perf-op $A B=4,H=48,S=4096,D=$D $OP
  run_tune perf-lowering $A B=4,H=48,S=4096,D=$D
done
run_tune perf-op $A B=4,H=48,S=4096,D=64 --causal $OP
run_tune perf-lowering $A B=4,H=48,S=4096,D=64 --causal
# ROWS=0: attention only (call 6 reran the attention part on efb3804).
if [ "${ROWS:-1}" = 0 ]; then tar czf "$final/results.tgz" -C "$out" .; exit 0; fi
SHAPES="4096,4096 8192,8192 16384,16384 32768,4096"
for k in softmax layernorm; do
  for s in $SHAPES; do
    run_tune rowops-$k kernels/$k.mlir R=${s%,*},C=${s#*,}
  done
done
python3 .carry/anchors.py --rowops $SHAPES --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
grep -E "^ROW|^COPY" "$out/anchors.txt"
R1=R=1000,C=1000; R2=R=333,C=4000
run_tune control-rows kernels/softmax.mlir $R1
run_tune control-rows kernels/softmax.mlir $R2 --packed
run_tune control-rows kernels/softmax.mlir R=300,C=4096
run_tune control-rows kernels/layernorm.mlir $R1
run_tune control-rows kernels/layernorm.mlir $R2
run_tune control-rows kernels/layernorm.mlir R=300,C=4096
run_tune mutant-rows kernels/softmax.mlir $R1 --test-mutation=mask-check-corner
run_tune mutant-rows kernels/layernorm.mlir $R1 --test-mutation=mask-check-corner
run_tune mutant-rows $mut/softmax-no-mask.mlir $R1
run_tune mutant-rows $mut/layernorm-unmasked-variance.mlir $R1
tar czf "$final/results.tgz" -C "$out" .
