#!/usr/bin/env bash
# On the GPU machine (issue 9, session 6): the seed's fp8 attention shapes
# (B=4, H=48, D = 64/128, causal and not) with the widened space of
# kernels/fp8_attention.mlir, our bf16 attention at the same shapes and the
# Triton bf16/e4m3 peer (.carry/anchors.py --tattn), all in this call, so
# that the ratios of the milestone (fp8 >= 1.3x our bf16 at S >= 2048,
# >= 1.2x Triton fp8) come from one run. `bench/gpu_fp8_attention_sweep.sh
# S...` takes the sequence lengths (default 2048 4096); with `small` it runs
# S = 128..1024 (fp8 only, every config verified) instead.
# Needs .carry/tile-run.xz.
set -u
. bench/device_preamble.sh
tune() { # kernel shape flags...
  local kernel=$1 shape=$2; shift 2
  timeout 200 "$T" kernels/$kernel.mlir --shape $shape "$@" --tune --iters 10 --warmup 3 \
    --kernel-timeout 30 --json "$out/$kernel.jsonl" > /tmp/one.txt 2>&1
  local rc=$?
  cat /tmp/one.txt >> "$out/$kernel.txt"
  echo "$kernel $shape $* rc=$rc $(grep -E '^configs:' /tmp/one.txt) | $(grep -E '^best' /tmp/one.txt)"
}
if [ "${1:-}" = small ]; then
  for S in 128 256 512 1024; do for D in 64 128; do
    tune fp8_attention B=4,H=48,S=$S,D=$D
    tune fp8_attention B=4,H=48,S=$S,D=$D --causal
  done; done
else
  lengths=${*:-2048 4096}
  shapes=""
  for S in $lengths; do for D in 64 128; do
    shapes="$shapes 4,48,$S,$D"
    for k in fp8_attention attention; do
      tune $k B=4,H=48,S=$S,D=$D
      tune $k B=4,H=48,S=$S,D=$D --causal
    done
  done; done
  if [ -f .carry/anchors.py ]; then
    PYTHONUNBUFFERED=1 timeout 200 python3 .carry/anchors.py --tattn $shapes \
      --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
    echo "anchors rc=$?"; grep -E "^TATT" "$out/anchors.txt"
  fi
fi
tar -C "$out" -czf "$final/results.tgz" .
