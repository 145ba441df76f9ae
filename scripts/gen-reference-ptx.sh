#!/usr/bin/env bash
# Regenerates lib/Runtime/cuda/ReferenceKernels.ptx from ReferenceKernels.cu
# with nvcc (CUDA 13.0 made the committed file). The PTX is committed so that
# building tile needs no CUDA toolkit; test/Runtime/reference-ptx-current.test
# fails when the committed file is not what this script makes.
# Usage: scripts/gen-reference-ptx.sh [output.ptx]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
nvcc="${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
out="${1:-$root/lib/Runtime/cuda/ReferenceKernels.ptx}"
# compute_80: plain PTX that any GPU from Ampere on JIT-compiles.
# -fmad=false: no fused multiply-adds, so the device checker computes every
# bound exactly as the host checker does (CheckElement.h).
"$nvcc" -arch=compute_80 -ptx -O3 -fmad=false -I "$root/include" -o "$out" \
  "$root/lib/Runtime/cuda/ReferenceKernels.cu"
