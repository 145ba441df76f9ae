#!/usr/bin/env bash
# On the GPU machine, in one call: tile-run --tune (verify, then time every
# config of the space) for the seed's flash-attention shapes, (4,48,S,S,64)
# and (4,32,S,S,128) for S = 128 .. 16384, non-causal and causal; f16 at two
# shapes; then the peers of the same call (../shared/anchors.py, copied to
# .carry/anchors.py by the caller: torch SDPA FA2 and cuDNN, flex_attention)
# and a summary table. Needs .carry/tile-run.xz (static tile-run).
set -u
out=${OUT:-/tmp/out}; mkdir -p "$out"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
T=/tmp/t/tile-run
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader | tee "$out/device.txt"
tune() {
  "$T" kernels/attention.mlir --tune --iters 10 --warmup 3 --json "$out/attention.jsonl" "$@" \
    2>>"$out/errors.log" | tee -a "$out/tune.txt" | grep -E "^best|^==|WRONG|FAIL|lost|OOM"
}
for c in "" "--causal"; do
  for S in 128 256 512 1024 2048 4096 8192 16384; do
    tune --shape B=4,H=48,S=$S,D=64 $c
    tune --shape B=4,H=32,S=$S,D=128 $c
  done
done
tune --shape B=4,H=48,S=4096,D=64 --dtype f16
tune --shape B=4,H=32,S=4096,D=128 --dtype f16 --causal
# GEMM after the shared-memory layout change: the tuned space at two shapes
# (ratio to cuBLAS in the same process) and BLOCK_N = 64, which was refused.
for s in M=4096,N=4096,K=4096 M=8192,N=8192,K=8192; do
  "$T" kernels/gemm.mlir --shape $s --tune --iters 20 --warmup 5 --json "$out/gemm.jsonl" 2>>"$out/errors.log" | grep -E "^best|^=="
  "$T" kernels/gemm_nt.mlir --shape $s --tune --iters 20 --warmup 5 --json "$out/gemm.jsonl" 2>>"$out/errors.log" | grep -E "^best|^=="
done
sed 's/#tile.param<"BLOCK_N", \[128, 256\]>/#tile.param<"BLOCK_N", [128, 256, 64]>/' kernels/gemm.mlir > /tmp/gemm64.mlir
sed 's/#tile.param<"BLOCK_N", \[128, 256\]>/#tile.param<"BLOCK_N", [128, 256, 64]>/' kernels/gemm_nt.mlir > /tmp/gemm64_nt.mlir
for k in /tmp/gemm64.mlir /tmp/gemm64_nt.mlir; do
  for s in M=4096,N=4096,K=4096 M=777,N=1331,K=999; do
    for c in BLOCK_M=64,BLOCK_N=64,WARPS=4 BLOCK_M=128,BLOCK_N=64,WARPS=8; do
      "$T" $k --shape $s --config $c --iters 5 --warmup 2 --json "$out/gemm64.jsonl" 2>>"$out/errors.log" | grep -E " ok$|WRONG|FAIL|lost" | sed "s|^|$(basename $k) $s |"
    done
  done
done
if [ -f .carry/anchors.py ]; then
  PYTHONUNBUFFERED=1 python3 .carry/anchors.py --gemm --json "$out/anchors.json" 2>&1 | grep -E "^ATT"
fi
python3 bench/summarize_attention.py "$out/attention.jsonl" "$out/anchors.json" | tee "$out/summary.md"
echo "errors logged: $(grep -c . "$out/errors.log" 2>/dev/null)"; grep -E "FAIL|lost|WRONG" "$out/errors.log" | head -20
