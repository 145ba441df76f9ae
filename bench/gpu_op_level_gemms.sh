#!/usr/bin/env bash
# On the GPU machine (session 8, second call): every GEMM-family kernel
# compiled op by op (--op-level-dots: tile-pipeline-loads' ring, one
# barrier pair a buffer for A and B; MN-major B; bias epilogues through
# slices of the wgmma accumulator), every config verified at an awkward
# shape, timed at 4096^3 / 8192^3 beside the same kernel on its GEMM
# lowering and cuBLAS / cuBLASLt (anchors.py) in this call; the GEMM
# mutants compiled op by op. Needs .carry/tile-run.xz and .carry/anchors.py.
set -u
source bench/device_preamble.sh
mut=/tmp/mut; python3 test/mutants/make_mutants.py kernels $mut > /dev/null
op() { # tag kernel shape flags...
  local tag=$1 kernel=$2 shape=$3; shift 3
  timeout 240 "$T" $kernel --shape $shape "$@" --tune --no-cache --iters 20 --warmup 5 \
    --kernel-timeout 30 --json "$out/$tag.jsonl" > /tmp/one.txt 2>&1
  local rc=$?
  { echo "### $tag $kernel $shape $*"; cat /tmp/one.txt; } >> "$out/op-level.txt"
  echo "$tag $(basename $kernel) $shape $* rc=$rc $(grep -E '^configs:' /tmp/one.txt) | $(grep -E '^best' /tmp/one.txt)"
}
A=M=777,N=1331,K=999
for k in gemm gemm_nt; do
  op verify kernels/$k.mlir $A --op-level-dots
done
op verify kernels/gemm.mlir M=333,N=515,K=130 --op-level-dots --dtype f16 --out-dtype f32
for e in gemm_bias_gelu gemm_bias_silu gemm_residual; do
  op verify kernels/gemm_epilogue.mlir $A --kernel $e --op-level-dots
done
op verify kernels/fp8_gemm.mlir M=777,N=1331,K=1008 --op-level-dots
op verify kernels/fp8_gemm.mlir M=1000,N=1000,K=1024 --op-level-dots --dtype f8e5m2 --out-dtype bf16
for S in 4096 8192; do
  Q=M=$S,N=$S,K=$S
  for k in gemm gemm_nt fp8_gemm; do
    op op-level-$S kernels/$k.mlir $Q --op-level-dots
    op lowering-$S kernels/$k.mlir $Q
  done
done
for e in gemm_bias_gelu gemm_residual; do
  op op-level-4096 kernels/gemm_epilogue.mlir M=4096,N=4096,K=4096 --kernel $e --op-level-dots
  op lowering-4096 kernels/gemm_epilogue.mlir M=4096,N=4096,K=4096 --kernel $e
done
# Planted bugs, op by op: each must be WRONG in every config.
op mutant kernels/gemm.mlir $A --op-level-dots --test-mutation=store-past-end
op mutant $mut/gemm-skip-k-block.mlir $A --op-level-dots
op mutant $mut/gemm-partial-group.mlir $A --op-level-dots
op mutant $mut/gemm_bias_gelu-no-bias.mlir $A --kernel gemm_bias_gelu --op-level-dots
op mutant $mut/gemm_residual-no-residual.mlir $A --kernel gemm_residual --op-level-dots
op mutant $mut/fp8_gemm-no-scale.mlir M=777,N=1331,K=1008 --op-level-dots
op mutant $mut/fp8_gemm-skip-k-block.mlir M=777,N=1331,K=1008 --op-level-dots
PYTHONUNBUFFERED=1 timeout 200 python3 .carry/anchors.py --attn --gemm 4096x4096x4096 8192x8192x8192 \
  --epi 4096x4096x4096 --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
echo "anchors rc=$?"; grep -E "^GEMM|^EPI" "$out/anchors.txt" | head -12
tar czf "$final/results.tgz" -C "$out" .
