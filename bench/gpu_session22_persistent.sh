#!/usr/bin/env bash
# Session 22, call 1 (nvidia-h200-x4): does a persistent fp8 attention
# program (bench/exp-persistent-attn/, one loop of (tile, key block)
# iterations, 132 programs) win back the ~3 key blocks' time a program of
# kernels/fp8_attention.mlir spends outside its key loop? Each GPU, a round:
# both kernels tuned at D = 64 (S 2048 / 4096 / 8192) and D = 128 (2048 /
# 4096), non-causal, every config verified, in the order regular,
# persistent on GPUs 0 and 2 and persistent, regular on 1 and 3; then
# Triton's fp8 flash attention on the same GPU; then the persistent
# kernel's every config at the seed shapes (S 128 ... 16384, causal and
# not): D = 64 on GPUs 0 and 1, D = 128 on 2 and 3, a mode each.
set -u
source bench/device_preamble.sh
start_clock "${BUDGET:-480}" "$T"
R=kernels/fp8_attention.mlir P=bench/exp-persistent-attn/fp8_attention_persistent.mlir
D64="B=4,H=48,S=2048,D=64 --shape B=4,H=48,S=4096,D=64 --shape B=4,H=48,S=8192,D=64"
D128="B=4,H=48,S=2048,D=128 --shape B=4,H=48,S=4096,D=128"
job() {
  local first=$R second=$P
  case $1 in r2|r4) first=$P second=$R ;; esac
  tune_limit=100
  run_tune d64-$(basename $first .mlir) $first $D64
  run_tune d64-$(basename $second .mlir) $second $D64
  run_tune d128-$(basename $first .mlir) $first $D128
  run_tune d128-$(basename $second .mlir) $second $D128
  PYTHONUNBUFFERED=1 timeout "$(cap 100)" python3 .carry/anchors.py --gemm \
    --tattn 4,48,2048,64 4,48,4096,64 4,48,8192,64 4,48,2048,128 4,48,4096,128 \
    --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
  echo "anchors rc=$?"; grep TATT "$out/anchors.txt" | cut -c1-160
  case $1 in
    r1) SEED_MODES=plain attention_seed_verify $P 150 64 ;;
    r2) SEED_MODES=causal attention_seed_verify $P 150 64 ;;
    r3) SEED_MODES=plain attention_seed_verify $P 150 128 ;;
    r4) SEED_MODES=causal attention_seed_verify $P 150 128 ;;
  esac
}
worker 0 r1 & worker 1 r2 & worker 2 r3 & worker 3 r4 &
wait_workers
