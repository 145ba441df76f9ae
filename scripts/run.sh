#!/usr/bin/env bash
# The main job: install what is missing, build, then compile the seed GEMM
# kernel for every config of its tuning space. With a GPU (and its driver)
# tile-run verifies each config against cuBLAS, times it and prints the best;
# without one it says so, and reports ptxas's register/spill figures.
# Extra arguments go to tile-run (e.g. --shape M=8192,N=8192,K=8192).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${TILE_BUILD_DIR:-$root/build}"
"$root/scripts/build.sh"
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--shape M=4096,N=4096,K=4096 --tune)
exec "$build/bin/tile-run" "$root/kernels/gemm.mlir" "${args[@]}"
