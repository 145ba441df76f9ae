#!/usr/bin/env bash
# On the GPU machine (session 12, calls 2 and 3), with the final binary
# (attention op by op the default): the verifier's mutation test in two
# parts (bench/gpu_mutation_test.sh; PART=1: GEMM and attention families,
# with attention's mask-check-corner and the attention lowering kept for
# comparison; PART=2: row kernels, epilogues, transpose), and with part 1
# the default attention tuned at the no-regression shapes beside
# the peers of anchors.py --attn (torch SDPA flash (FA2), cuDNN) in this
# call. Needs .carry/tile-run.xz and .carry/anchors.py. Results in
# $OUT/results.tgz.
set -u
source bench/device_preamble.sh
PART=${PART:-1} OUT=$out T=$T bash bench/gpu_mutation_test.sh 2>&1 | tail -8 | cut -c1-160
if [ "${PART:-1}" = 1 ]; then
  A=kernels/attention.mlir
  for c in "" --causal; do
    run_tune perf-default$c $A B=4,H=48,S=4096,D=64 $c
    run_tune perf-default$c $A B=4,H=32,S=4096,D=128 $c
  done
  PYTHONUNBUFFERED=1 timeout 200 python3 .carry/anchors.py --attn 4,48,4096,64 4,32,4096,128 \
    --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
  echo "anchors rc=$?"; grep -E "^ATT" "$out/anchors.txt"
fi
tar czf "$final/results.tgz" -C "$out" .
