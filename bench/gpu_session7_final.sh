#!/usr/bin/env bash
# On the GPU machine (session 7, final call): everything from the release
# tarball (scripts/package.sh, carried as .carry/tile-*-linux-x86_64.tar.xz)
# on a machine with the NVIDIA driver and no LLVM: its tile-run and
# tile-opt, the tuning cache (a tuned run records the config and its PTX,
# the next plain run compiles nothing), the transpose; the C++ API example
# (.carry/example.xz, examples/compile_and_launch.cpp, static) launched and
# checked; then fp8 attention at the D = 128 seed shapes where the 1.2x
# Triton milestone was short (session 6), with our bf16 kernel and Triton's
# bf16/e4m3 flash attention in this call.
set -u
final=${OUT:-/tmp/out}; out=/tmp/res; mkdir -p "$out" "$final"
rel=/tmp/rel; mkdir -p $rel
tarball=$(ls .carry/tile-*-linux-x86_64.tar.xz | head -1)
echo "tarball: $tarball ($(stat -c %s "$tarball") bytes)"
tar -C $rel -xJf "$tarball" && ls $rel/*/ | tee "$out/tarball-files.txt"
T=$(ls -d $rel/*/)bin/tile-run; O=$(ls -d $rel/*/)bin/tile-opt
K=$(ls -d $rel/*/)kernels
which ptxas nvcc 2>&1 | head -2; ls /usr/lib/x86_64-linux-gnu/libLLVM* 2>&1 | head -1
"$T" --version | tee "$out/version.txt"
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader | tee -a "$out/version.txt"
"$O" --version | head -2
"$O" $K/softmax.mlir --tile-to-ptx='config=BLOCK_R=1,WARPS=8,BLOCK_C=4096' | grep -c "ld.global" | sed 's/^/tile-opt tile-to-ptx: ld.global lines: /'
# The tuning cache: --tune records the best config and its compiled kernel;
# the plain run after it loads both.
export TILE_CACHE_DIR=$out/cache
"$T" $K/gemm.mlir --shape M=4096,N=4096,K=4096 --tune --json "$out/gemm-tune.jsonl" 2>&1 | grep -E "^best|configs:|recorded|cache" | tee "$out/cache.txt"
"$T" $K/gemm.mlir --shape M=4096,N=4096,K=4096 2>&1 | grep -E "using|cache|compil|^BLOCK|configs:" | tee -a "$out/cache.txt"
"$T" $K/transpose.mlir --shape R=8192,C=8192 --tune --no-cache 2>&1 | grep -E "^best|configs:" | tee "$out/transpose.txt"
# The C++ API example.
if [ -f .carry/example.xz ]; then
  xz -dc .carry/example.xz > /tmp/example && chmod +x /tmp/example
  /tmp/example 2>&1 | tee "$out/example.txt"; echo "example rc=${PIPESTATUS[0]}"
  /tmp/example --shape R=1000,C=3000 2>&1 | tail -3 | tee -a "$out/example.txt"
fi
# The exported kernel (tile-run --export, .carry/export) in a program of
# its own: the driver API only, a direct launch and a CUDA graph.
if [ -d .carry/export ]; then
  g++ -std=c++17 -O2 -I.carry/export -I/usr/local/cuda/include bench/export_gpu_check.cpp \
    -o /tmp/export_check -L/usr/local/cuda/lib64/stubs -lcuda 2>&1 | tail -5
  /tmp/export_check 2>&1 | tee "$out/export.txt"; echo "export check rc=${PIPESTATUS[0]}"
fi
# tile.dot op by op (--op-level-dots: operands staged from registers, no
# TMA pipeline): every config verified at awkward and square shapes, a
# mutant and the planted store-past-end caught, timed beside the GEMM
# lowering's best at 4096^3.
mut=/tmp/mut; python3 test/mutants/make_mutants.py kernels $mut > /dev/null
op() { # tag kernel shape flags...
  local tag=$1 kernel=$2 shape=$3; shift 3
  timeout 240 "$T" $kernel --shape $shape "$@" --tune --no-cache --iters 10 --warmup 3 \
    --kernel-timeout 30 --json "$out/oplevel.jsonl" > /tmp/one.txt 2>&1
  local rc=$?
  { echo "### $tag $kernel $shape $*"; cat /tmp/one.txt; } >> "$out/oplevel.txt"
  echo "$tag $shape $* rc=$rc $(grep -E '^configs:' /tmp/one.txt) | $(grep -E '^best' /tmp/one.txt)"
}
op op-level $K/gemm_nt.mlir M=777,N=1331,K=999 --op-level-dots
op op-level $K/gemm_nt.mlir M=1024,N=1024,K=1024 --op-level-dots
op op-level-f16 $K/gemm_nt.mlir M=333,N=515,K=130 --op-level-dots --dtype f16 --out-dtype f32
op op-level $K/gemm_nt.mlir M=4096,N=4096,K=4096 --op-level-dots
op gemm-lowering $K/gemm_nt.mlir M=4096,N=4096,K=4096
op mutant-skip-k-block $mut/gemm_nt-skip-k-block.mlir M=1024,N=1024,K=1024 --op-level-dots
op mutant-store-past-end $K/gemm_nt.mlir M=777,N=1331,K=999 --op-level-dots --test-mutation=store-past-end
# fp8 attention at the D = 128 shapes short of 1.2x Triton in session 6.
tune() { # kernel shape flags...
  local kernel=$1 shape=$2; shift 2
  timeout 200 "$T" $K/$kernel.mlir --shape $shape "$@" --tune --no-cache --iters 10 --warmup 3 \
    --kernel-timeout 30 --json "$out/$kernel.jsonl" > /tmp/one.txt 2>&1
  local rc=$?
  { echo "### $shape $*"; cat /tmp/one.txt; } >> "$out/$kernel.txt"
  echo "$kernel $shape $* rc=$rc $(grep -E '^configs:' /tmp/one.txt) | $(grep -E '^best' /tmp/one.txt)"
}
for S in 2048 4096 16384; do
  for k in fp8_attention attention; do
    tune $k B=4,H=48,S=$S,D=128
    tune $k B=4,H=48,S=$S,D=128 --causal
  done
done
PYTHONUNBUFFERED=1 timeout 240 python3 .carry/anchors.py --attn --gemm --tattn 4,48,2048,128 4,48,4096,128 4,48,16384,128 \
  --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
echo "anchors rc=$?"; grep -E "^TATT" "$out/anchors.txt"
tar -C "$out" -czf "$final/results.tgz" .
