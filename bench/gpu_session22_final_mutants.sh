#!/usr/bin/env bash
# Session 22, call 4 (nvidia-h200-x4): the whole mutation test on the final
# code (tile-run 4e46f42: tile-invariant-divisions in the pipeline), its
# parts side by side: PART=gemm (new: PART=1 without its attention and
# persistent entries) on GPU 0, PART=2 on GPU 1, PART=fp8_attention on
# GPU 2, PART=attention then PART=persistent on GPU 3. Together they are
# every entry of bench/gpu_mutation_test.sh once (82 runs).
set -u
source bench/device_preamble.sh
start_clock "${BUDGET:-480}" "$T"
job() { mutation_part_job "$1"; }
worker 0 mut-gemm & worker 1 mut-2 & worker 2 mut-fp8_attention & worker 3 mut-attention mut-persistent &
wait_workers
