#!/usr/bin/env bash
# On the GPU machine (session 10), after the GEMM-shaped lowering was
# deleted: the GEMM family (gemm, gemm_nt, fp8_gemm, bias+GELU) at 4096³
# and 8192³, best of each space with every config verified, beside
# cuBLAS / cuBLASLt (tile-run's peer row) and anchors.py's cuBLASLt fused
# bias+GELU, all in this call. Needs .carry/tile-run.xz and
# .carry/anchors.py.
set -u
source bench/device_preamble.sh
for S in 4096 8192; do
  Q=M=$S,N=$S,K=$S
  for k in gemm_nt gemm fp8_gemm; do
    run_tune perf-$S kernels/$k.mlir $Q
  done
  run_tune perf-$S kernels/gemm_epilogue.mlir $Q --kernel gemm_bias_gelu
done
PYTHONUNBUFFERED=1 timeout 150 python3 .carry/anchors.py --attn \
  --gemm 4096x4096x4096 8192x8192x8192 \
  --epi 4096x4096x4096 8192x8192x8192 \
  --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
echo "anchors rc=$?"; grep -E "^GEMM|^EPI" "$out/anchors.txt" | head -16
tar czf "$final/results.tgz" -C "$out" .
