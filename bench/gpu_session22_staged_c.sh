#!/usr/bin/env bash
# Session 22, call 7 (nvidia-h200-x4): call 6's guess, that the persistent
# fp8 GEMM's loads arrive late behind its C stores from registers (four
# bytes a store). .carry/pair.tar.xz: tile-run (main 6d6b62a: C of a loop
# stored from registers) and tile-run-staged (6d6b62a +
# bench/exp-gemm-staged-c/patch.diff: C converted through shared memory
# in the loop too, 16-byte stores; the buffer beside the ring leaves
# 128 x 256 x 128 three stages, not four). Each GPU a round: fp8_gemm,
# then kernels/fp8_gemm_persistent.mlir with each binary (full space,
# every config verified; alternating order), at 4096^3 and 8192^3; then
# GPU 0 runs PART=persistent's mutants with the staged binary.
set -u
source bench/device_preamble.sh
STAGED=/tmp/t/tile-run-staged
start_clock "${BUDGET:-300}" "$T"
"$STAGED" --version | head -1 | tee -a "$out/version.txt"
G="M=4096,N=4096,K=4096 --shape M=8192,N=8192,K=8192"
job() {
  local b order="registers staged"
  case $1 in r2|r4) order="staged registers" ;; esac
  tune_limit=100
  run_tune gemm-fp8 kernels/fp8_gemm.mlir $G
  for b in $order; do
    BIN=$T; [ $b = staged ] && BIN=$STAGED
    BIN=$BIN run_tune gemm-persistent-$b kernels/fp8_gemm_persistent.mlir $G --allow-compile-failures
  done
  if [ $1 = r1 ]; then
    T=$STAGED mutation_part_job mut-persistent
  fi
}
worker 0 r1 & worker 1 r2 & worker 2 r3 & worker 3 r4 &
wait_workers
