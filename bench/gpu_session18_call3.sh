#!/usr/bin/env bash
# Session 18, call 3: does exp/uniform-warpgroup (221326b, the broadcast
# warpgroup index made once at the function's entry) win over main
# (479d2ab) once the tuner picks the best config? Each shape is tuned over
# its whole space with both static binaries (.carry/pair.tar.xz: tile-run is
# main's, tile-run-branch the branch's), every config verified, in
# alternating order. Then PART=2 of the mutation test with the branch's
# binary (PART=1 in the next call).
set -u
source bench/device_preamble.sh
B=/tmp/t/tile-run-branch
"$B" --version | head -1 | tee -a "$out/version.txt"
i=0
while read -r kernel shape flags; do
  i=$((i + 1))
  if [ $((i % 2)) = 1 ]; then order="main branch"; else order="branch main"; fi
  for v in $order; do
    if [ $v = main ]; then BIN=$T; else BIN=$B; fi
    BIN=$BIN run_tune $v-$i $kernel $shape $flags
  done
done <<'LIST'
kernels/fp8_attention.mlir B=4,H=48,S=2048,D=64
kernels/fp8_attention.mlir B=4,H=48,S=2048,D=128
kernels/fp8_attention.mlir B=4,H=48,S=4096,D=128
kernels/fp8_attention.mlir B=4,H=48,S=2048,D=128 --causal
kernels/fp8_gemm.mlir M=4096,N=4096,K=4096
LIST
tar czf "$final/results.tgz" -C "$out" .
PART=2 OUT=$out/mut T=$B bash bench/gpu_mutation_test.sh 2>&1 | tail -30 | cut -c1-160
python3 bench/summarize_mutants.py "$out/mut/mutants.jsonl" 2>&1 | tail -25
tar czf "$final/results.tgz" -C "$out" .
