#!/usr/bin/env bash
# On the GPU machine: 32-bit shared-memory pointers (LLVM NVPTX's
# nvptx-short-ptr, switched on by TILE_NVPTX_SHORT_PTR=1 in this binary)
# against the default 64-bit ones, same binary, same call: --tune (every
# config verified, then timed) of fp8 attention, bf16 attention, GEMM and
# fp8 GEMM, alternating the two. Needs .carry/tile-run.xz. Ran with
# tile-run built at ea9c84f plus that switch in tile::initializeNVPTXTarget
# (reverted after: bench/RESULTS.md).
set -u
final=${OUT:-/tmp/out}; out=/tmp/res; mkdir -p "$out" "$final"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
T=/tmp/t/tile-run
"$T" --version | head -1
ab() { # args...
  for sp in 0 1; do
    TILE_NVPTX_SHORT_PTR=$sp timeout 150 "$T" "$@" --tune --iters 10 --warmup 3 \
      --json "$out/short$sp.jsonl" > "$out/last.txt" 2>>"$out/errors.log"
    echo "short=$sp rc=$? $(grep -E '^configs:' "$out/last.txt" | tr '\n' ' ') $(grep -E '^best' "$out/last.txt") :: $*"
  done
}
ab kernels/fp8_attention.mlir --shape B=4,H=48,S=4096,D=128
ab kernels/fp8_attention.mlir --shape B=4,H=48,S=16384,D=128
ab kernels/fp8_attention.mlir --shape B=4,H=48,S=4096,D=64
ab kernels/fp8_attention.mlir --shape B=4,H=48,S=16384,D=64 --causal
ab kernels/fp8_attention.mlir --shape B=2,H=3,S_Q=1000,S_KV=777,D=128 --causal
ab kernels/attention.mlir --shape B=4,H=48,S=8192,D=128
ab kernels/attention.mlir --shape B=4,H=48,S=8192,D=64
ab kernels/gemm.mlir --shape M=8192,N=8192,K=8192
ab kernels/fp8_gemm.mlir --shape M=8192,N=8192,K=8192
ab kernels/gemm.mlir --shape M=777,N=1331,K=999
tar czf "$final/results.tgz" -C "$out" .
