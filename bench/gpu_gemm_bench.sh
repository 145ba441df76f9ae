#!/usr/bin/env bash
# On the GPU machine, in one call: tile-run --tune (verify, then time every
# config) for bf16 GEMM at the issue's shapes and awkward ones, f16 at two
# shapes, then the peers (../shared/anchors.py, copied to .carry/anchors.py by
# the caller), then a summary. Needs .carry/tile-run.xz (static tile-run).
set -u
out=${OUT:-/tmp/out}; mkdir -p "$out"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
T=/tmp/t/tile-run
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,temperature.gpu --format=csv,noheader | tee "$out/device.txt"
shapes_bf16="M=1024,N=1024,K=1024 M=2048,N=2048,K=2048 M=4096,N=4096,K=4096 M=8192,N=8192,K=8192 M=16384,N=16384,K=16384 M=4096,N=14336,K=4096 M=8192,N=8192,K=1024 M=1024,N=8192,K=8192 M=1000,N=1000,K=1000 M=4095,N=4097,K=1023 M=777,N=1331,K=999"
for s in $shapes_bf16; do
  $T kernels/gemm.mlir --shape $s --tune --iters 20 --warmup 5 --json "$out/gemm.jsonl" 2>>"$out/errors.log" | grep -E "^best|^==|^device" 
done
for s in M=4096,N=4096,K=4096 M=8192,N=8192,K=8192; do
  $T kernels/gemm.mlir --shape $s --dtype f16 --tune --iters 20 --warmup 5 --json "$out/gemm.jsonl" 2>>"$out/errors.log" | grep -E "^best|^==|^device"
done
for s in M=4096,N=4096,K=4096 M=8192,N=8192,K=8192 M=777,N=1331,K=999; do
  $T kernels/gemm_nt.mlir --shape $s --tune --iters 20 --warmup 5 --json "$out/gemm.jsonl" 2>>"$out/errors.log" | grep -E "^best|^==|^device"
done
for s in M=4096,N=4096,K=4096 M=777,N=1331,K=999; do
  $T kernels/gemm.mlir --shape $s --out-dtype f32 --tune --iters 20 --warmup 5 --json "$out/gemm.jsonl" 2>>"$out/errors.log" | grep -E "^best|^==|^device"
done
if [ -f .carry/anchors.py ]; then
  PYTHONUNBUFFERED=1 python3 .carry/anchors.py --attn --gemm 1024x1024x1024 2048x2048x2048 4096x4096x4096 8192x8192x8192 16384x16384x16384 4096x14336x4096 8192x8192x1024 1024x8192x8192 --json "$out/anchors.json" 2>&1 | grep -E "^GEMM|^COPY"
fi
python3 bench/summarize_gemm.py "$out/gemm.jsonl" "$out/anchors.json" | tee "$out/summary.md"
echo "errors logged: $(grep -c . "$out/errors.log" 2>/dev/null)"
