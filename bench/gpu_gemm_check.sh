#!/usr/bin/env bash
# On the GPU machine: a quick correctness-and-speed check of both GEMM layouts
# (NN: B is K x N; NT: B is N x K) over the whole tuning space at a few shapes.
set -u
out=${OUT:-/tmp/out}; mkdir -p "$out"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
T=/tmp/t/tile-run
nvidia-smi --query-gpu=name --format=csv,noheader
for k in gemm gemm_nt; do
  for s in M=4096,N=4096,K=4096 M=8192,N=8192,K=8192 M=777,N=1331,K=999 M=8192,N=8192,K=1024; do
    $T kernels/$k.mlir --shape $s --tune --iters 10 --warmup 3 --json "$out/check.jsonl" 2>>"$out/errors.log" | grep -E "^best|^==|^device"
  done
done
python3 bench/summarize_gemm.py "$out/check.jsonl" | tee "$out/summary.md"
echo "errors logged: $(grep -c . "$out/errors.log" 2>/dev/null)"; head -5 "$out/errors.log" 2>/dev/null | cut -c1-300
