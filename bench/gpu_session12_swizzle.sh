#!/usr/bin/env bash
# On the GPU machine (session 12, call 4): dot operands staged with 64- and
# 32-byte swizzles (rows of 32 / 16 bf16 or 64 / 32 fp8 columns). The GEMM
# kernels with their BLOCK_K list replaced by the narrow tiles, every
# config verified at awkward shapes: through TMA rings (as tuned), and
# with STAGES = 1 (no ring: the register lowering's swizzled stores into
# #tile.shared). Then, for scale, the narrow tiles against the 128-byte
# ones at 4096^3. Needs .carry/tile-run.xz. Results in $OUT/results.tgz.
set -u
source bench/device_preamble.sh
k=/tmp/k; mkdir -p $k
bk() { # source list out [stages]
  sed -e "s/#tile.param<\"BLOCK_K\", \[[0-9, ]*\]>/#tile.param<\"BLOCK_K\", [$2]>/" \
      -e "s/#tile.param<\"STAGES\", \[[0-9, ]*\]>/#tile.param<\"STAGES\", [${4:-4, 3, 5}]>/" "$1" > "$3"
  grep -c "BLOCK_K\", \[$2\]" "$3" > /dev/null || echo "sed failed on $1"
}
bk kernels/gemm.mlir "32, 16" $k/gemm.mlir
bk kernels/gemm_nt.mlir "32, 16" $k/gemm_nt.mlir
bk kernels/fp8_gemm.mlir "64, 32" $k/fp8_gemm.mlir
bk kernels/gemm.mlir "64, 32, 16" $k/gemm_sync.mlir 1
bk kernels/gemm_nt.mlir "64, 32, 16" $k/gemm_nt_sync.mlir 1
G=M=777,N=1331,K=999; F=M=777,N=1331,K=1008
run_tune verify $k/gemm.mlir $G
run_tune verify $k/gemm_nt.mlir $G
run_tune verify $k/fp8_gemm.mlir $F --scale-a 0.5 --scale-b 3
run_tune verify $k/gemm_sync.mlir $G
run_tune verify $k/gemm_nt_sync.mlir $G
run_tune verify $k/gemm.mlir M=1024,N=1024,K=1024 --out-dtype f32
Q=M=4096,N=4096,K=4096
run_tune perf $k/gemm_nt.mlir $Q
run_tune perf kernels/gemm_nt.mlir $Q
run_tune perf $k/fp8_gemm.mlir $Q
run_tune perf kernels/fp8_gemm.mlir $Q
tar czf "$final/results.tgz" -C "$out" .
