#!/usr/bin/env bash
# Session 21, call 6 (nvidia-h200-x4): the mutation test on the final code
# (lowering::sideEffectingPtx, PTX byte-identical to the code calls 1-3
# checked), its parts side by side, one GPU each: PART=fp8_attention,
# PART=attention, PART=persistent, PART=2; PART=1 (the GEMM and attention
# families, ~460 s alone on the H100) does not fit the device time left.
# (As run: commit 28155ea; the kernels it cuts and its mutation job now come
# from bench/device_preamble.sh, the same commands.)
set -u
source bench/device_preamble.sh
start_clock "${BUDGET:-300}" "$T"
job() { mutation_part_job "$1"; }
worker 0 mut-fp8_attention & worker 1 mut-attention & worker 2 mut-persistent & worker 3 mut-2 &
wait_workers
