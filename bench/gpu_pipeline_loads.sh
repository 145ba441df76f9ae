#!/usr/bin/env bash
# On the GPU machine (session 8): tile.dot op by op with tile-pipeline-loads
# (rings of TMA buffers with mbarriers, async wgmma waited one iteration
# later): every config of kernels/gemm_nt.mlir --op-level-dots verified at
# awkward and square shapes, timed at 4096^3 and 8192^3 beside the GEMM
# lowering's best (same kernel, default path) and cuBLAS (anchors.py) in
# this call; the op-level mutants; then the whole mutation test
# (bench/gpu_mutation_test.sh) with what time is left. Needs
# .carry/tile-run.xz and .carry/anchors.py.
set -u
source bench/device_preamble.sh
mut=/tmp/mut; python3 test/mutants/make_mutants.py kernels $mut > /dev/null
op() { # tag kernel shape flags...
  local tag=$1 kernel=$2 shape=$3; shift 3
  timeout 300 "$T" $kernel --shape $shape "$@" --tune --no-cache --iters 20 --warmup 5 \
    --kernel-timeout 30 --json "$out/pipeline.jsonl" > /tmp/one.txt 2>&1
  local rc=$?
  { echo "### $tag $kernel $shape $*"; cat /tmp/one.txt; } >> "$out/pipeline.txt"
  echo "$tag $shape $* rc=$rc $(grep -E '^configs:' /tmp/one.txt) | $(grep -E '^best' /tmp/one.txt)"
}
op op-level kernels/gemm_nt.mlir M=777,N=1331,K=999 --op-level-dots
op op-level kernels/gemm_nt.mlir M=1024,N=1024,K=1024 --op-level-dots
op op-level-f16 kernels/gemm_nt.mlir M=333,N=515,K=130 --op-level-dots --dtype f16 --out-dtype f32
op op-level kernels/gemm_nt.mlir M=4096,N=4096,K=4096 --op-level-dots
op gemm-lowering kernels/gemm_nt.mlir M=4096,N=4096,K=4096
op op-level kernels/gemm_nt.mlir M=8192,N=8192,K=8192 --op-level-dots
op gemm-lowering kernels/gemm_nt.mlir M=8192,N=8192,K=8192
op mutant-skip-k-block $mut/gemm_nt-skip-k-block.mlir M=1024,N=1024,K=1024 --op-level-dots
op mutant-store-past-end kernels/gemm_nt.mlir M=777,N=1331,K=999 --op-level-dots --test-mutation=store-past-end
# The per-config table of the two 4096^3 sweeps side by side.
grep -A80 "### op-level kernels/gemm_nt.mlir M=4096" "$out/pipeline.txt" | grep -E "^BLOCK" | sort -t' ' -k1,1 | head -80 > "$out/op-level-4096-configs.txt"
PYTHONUNBUFFERED=1 timeout 200 python3 .carry/anchors.py --attn --gemm 4096x4096x4096 8192x8192x8192 --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
echo "anchors rc=$?"; grep -iE "4096|8192" "$out/anchors.txt" | head -12
tar czf "$final/results.tgz" -C "$out" .
