#!/usr/bin/env bash
# Session 21, call 3 (nvidia-h200-x4): landing MIN_BLOCKS (two 128-row,
# 8-warp programs an SM) in kernels/attention.mlir and
# kernels/fp8_attention.mlir, with the landed compiler (tile-run-branch of
# .carry/pair.tar.xz: main 1a9f5e3 + the Vᵀ re-read, 38472d5's lowering).
#   GPU 0: the milestone: both kernels tuned at issue 9's seed shapes
#          (attention_seed_tunes), then the peers (cuDNN, Triton fp8 / bf16)
#          at the same shapes, on the same GPU.
#   GPU 1: the fp8 attention mutation entries (PART=fp8_attention).
#   GPU 2: the bf16 attention mutation entries (PART=attention).
#   GPU 3: the MIN_BLOCKS = 2 configs of both kernels (their spaces cut to
#          it) at every seed shape, D = 64 and 128, causal and not.
set -u
source bench/device_preamble.sh
# Session 21 ran the pair's tile-run-branch (1a9f5e3 + the Vᵀ re-read);
# main's static tile-run from 3c25ef2 on has the same lowering.
[ -x /tmp/t/tile-run-branch ] && T=/tmp/t/tile-run-branch
start_clock "${BUDGET:-520}" "$T"

job() {
  local k cut
  case $1 in
  milestone)
    tune_limit=120 attention_seed_tunes
    PYTHONUNBUFFERED=1 timeout "$(left)" python3 .carry/anchors.py --gemm --attn 4,48,4096,64 4,48,4096,128 \
      --tattn 4,48,2048,64 4,48,4096,64 4,48,8192,64 4,48,2048,128 4,48,4096,128 \
      --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
    echo "anchors rc=$?"; grep -vE "^\s*$" "$out/anchors.txt" | tail -20 | cut -c1-200 ;;
  mut-fp8|mut-bf16)
    local part=fp8_attention; [ $1 = mut-bf16 ] && part=attention
    PART=$part OUT=$out T=$T timeout "$(left)" bash bench/gpu_mutation_test.sh 2>&1 | tail -3 | cut -c1-200
    python3 bench/summarize_mutants.py "$out/mutants.jsonl" 2>&1 | tail -2 | cut -c1-200 ;;
  seeds-mb2)
    for k in fp8_attention attention; do
      cut=/tmp/${k}_mb2.mlir
      sed -E 's/(#tile.param<"MIN_BLOCKS", )\[[0-9, ]+\]/\1[2]/' kernels/$k.mlir > $cut
      grep -c '"MIN_BLOCKS", \[2\]' $cut
      attention_seed_verify $cut "$(left)" 64 128
    done ;;
  esac
}

worker 0 milestone & worker 1 mut-fp8 & worker 2 mut-bf16 & worker 3 seeds-mb2 &
wait_workers
