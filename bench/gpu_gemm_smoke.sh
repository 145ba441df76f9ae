#!/usr/bin/env bash
# On the GPU machine: unpack the carried tile-run, check GEMM correctness at
# regular and awkward sizes, tune briefly at 4096^3, and keep SASS evidence.
set -u
out=${OUT:-/tmp/out}; mkdir -p "$out"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
T=/tmp/t/tile-run
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv,noheader
$T kernels/gemm.mlir --shape M=4096,N=4096,K=4096 --emit-ptx "$out/gemm.ptx" 2>&1 | tee "$out/smoke.log"
/usr/local/cuda/bin/ptxas -arch=sm_90a -v "$out/gemm.ptx" -o /tmp/t/gemm.cubin 2>&1 | tail -2
/usr/local/cuda/bin/cuobjdump -sass /tmp/t/gemm.cubin > /tmp/t/gemm.sass
echo "SASS: HGMMA=$(grep -c HGMMA /tmp/t/gemm.sass) UTMALDG=$(grep -c UTMALDG /tmp/t/gemm.sass) LDL=$(grep -c LDL /tmp/t/gemm.sass)"
for s in M=1000,N=1000,K=1000 M=777,N=1331,K=999 M=129,N=65,K=17 M=8192,N=8192,K=8192; do
  $T kernels/gemm.mlir --shape $s --iters 5 --warmup 2 2>&1 | tail -3 | tee -a "$out/smoke.log"
done
$T kernels/gemm.mlir --shape M=4096,N=4096,K=4096 --tune --iters 10 --warmup 3 --json "$out/tune4096.jsonl" 2>&1 | tail -40 | tee -a "$out/smoke.log"
