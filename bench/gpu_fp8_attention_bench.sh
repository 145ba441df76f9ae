#!/usr/bin/env bash
# On the GPU machine, in one call: tile-run --tune (verify every config, then
# time it) of kernels/fp8_attention.mlir at the seed's fp8 attention shapes
# (B=4, H=48, D = 64 and 128, S = 128 .. 16384, non-causal and causal; the
# S >= 2048 shapes first), then the Triton flash-attention peer in bf16 and
# e4m3 from ../shared/anchors.py (--tattn; copied to .carry/anchors.py by
# the caller). Our bf16 kernel at the same shapes: bench/gpu_fp8_attention_bf16.sh.
# Needs .carry/tile-run.xz (static tile-run).
set -u
out=${OUT:-/tmp/out}; mkdir -p "$out"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
T=/tmp/t/tile-run
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader | tee "$out/device.txt"
tune() {
  timeout 120 "$T" kernels/fp8_attention.mlir --tune --iters 10 --warmup 3 \
    --json "$out/fp8_attention.jsonl" "$@" 2>>"$out/errors.log" |
    tee -a "$out/tune.txt" | grep -E "^best|^==|WRONG|FAIL|lost|OOM|configs:"
  echo "rc=${PIPESTATUS[0]}" >> "$out/tune.txt"
}
for S in 2048 4096 8192 16384; do
  for D in 64 128; do
    tune --shape B=4,H=48,S=$S,D=$D
    tune --shape B=4,H=48,S=$S,D=$D --causal
  done
done
if [ -f .carry/anchors.py ]; then
  shapes=""
  for S in 1024 2048 4096 8192 16384; do shapes="$shapes 4,48,$S,64 4,48,$S,128"; done
  PYTHONUNBUFFERED=1 timeout 200 python3 .carry/anchors.py --attn --gemm --tattn $shapes \
    --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
  grep -iE "triton|TATT" "$out/anchors.txt" | head -60
fi
for S in 128 256 512 1024; do
  for D in 64 128; do
    tune --shape B=4,H=48,S=$S,D=$D
    tune --shape B=4,H=48,S=$S,D=$D --causal
  done
done
echo "errors logged: $(grep -c . "$out/errors.log" 2>/dev/null)"; grep -E "FAIL|lost|WRONG|error" "$out/errors.log" | head -20
