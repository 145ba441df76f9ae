#!/usr/bin/env bash
# Session 22, call 2 (nvidia-h200-x4): where the persistent fp8 attention
# program's ~16% a key block goes (call 1: 0.82-0.84x kernels/
# fp8_attention.mlir at D = 64 with every config verified). Five kernels,
# each cut to the best tile (D = 64: 256 x 128, 16 warps; D = 128:
# 192 x 128, 12 warps; STAGES 2 and 3, MIN_BLOCKS 1), tuned at D = 64,
# S 2048 / 4096 / 8192, and D = 128, S 2048 / 4096, every config verified:
#   R  kernels/fp8_attention.mlir
#   Q  the same with Q reloaded by the ring every iteration (qloop)
#   P  the persistent program of call 1
#   P1 the persistent program with one tile a program (PROGRAMS = 10^6)
#   C  the persistent program with the softmax's rows and the epilogue's
#      origin carried by the loop (no division an iteration)
# Each GPU a round, in its own order; ratios within a GPU.
# (As run: commit f4db2fc; the kernels it cuts and its mutation job now come
# from bench/device_preamble.sh, the same commands.)
set -u
source bench/device_preamble.sh
start_clock "${BUDGET:-300}" "$T"
persistent_attention_variants
grep -h '"BLOCK_M"\|"PROGRAMS"' /tmp/k/*-64.mlir | sort | uniq -c
D64="B=4,H=48,S=2048,D=64 --shape B=4,H=48,S=4096,D=64 --shape B=4,H=48,S=8192,D=64"
D128="B=4,H=48,S=2048,D=128 --shape B=4,H=48,S=4096,D=128"
job() {
  local order v
  case $1 in
    r1) order="R Q P P1 C" ;; r2) order="C P1 P Q R" ;;
    r3) order="Q C R P1 P" ;; r4) order="P R C Q P1" ;;
  esac
  tune_limit=60
  for v in $order; do run_tune d64-$v /tmp/k/$v-64.mlir $D64; done
  for v in $order; do run_tune d128-$v /tmp/k/$v-128.mlir $D128; done
}
worker 0 r1 & worker 1 r2 & worker 2 r3 & worker 3 r4 &
wait_workers
