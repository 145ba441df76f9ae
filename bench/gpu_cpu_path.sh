#!/usr/bin/env bash
# On the GPU machine (issue 12): the CPU path of the static tile-run there
# (--target cpu on its cores: every kernel verified against the exact host
# reference), and --reference cpu: GPU configs checked against the same
# tile program run on the host, at two shapes each of GEMM and attention
# (whole spaces), fp8, the row kernels and kernels/rmsnorm.mlir (no
# hand-written reference), next to the kernels' own references at the same
# shapes; the planted store-past-end bug must still be WRONG. Then a GPU
# smoke test of the default configs at 4096 (in-process cuBLAS peer). Needs
# .carry/tile-run.xz. Results in $OUT/results.tgz.
set -u
final=${OUT:-/tmp/out}; out=/tmp/res; mkdir -p "$out" "$final"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
T=/tmp/t/tile-run
"$T" --version | head -1 | tee "$out/version.txt"
nvidia-smi --query-gpu=name --format=csv,noheader | tee -a "$out/version.txt"
echo "cores: $(nproc)" | tee -a "$out/version.txt"
r() { # name args...
  local name=$1; shift
  local t0=$(date +%s.%N)
  "$T" "$@" --json "$out/$name.jsonl" > "$out/$name.txt" 2>&1
  local rc=$? t1=$(date +%s.%N)
  echo "$name rc=$rc $(python3 -c "print(f'{$t1-$t0:.1f} s')") $(grep -E '^configs:' "$out/$name.txt" | tail -1) $(grep -E '^best' "$out/$name.txt" | tail -1)"
}
echo "== --target cpu"
r cpu-gemm-1024 kernels/gemm.mlir --target cpu --shape M=1024,N=1024,K=1024
r cpu-gemm-awkward kernels/gemm.mlir --target cpu --shape M=777,N=1331,K=999 --tune
r cpu-attn kernels/attention.mlir --target cpu --shape B=1,H=4,S=1024,D=64
r cpu-attn-causal kernels/attention.mlir --target cpu --shape B=1,H=4,S=1024,D=64 --causal
r cpu-fp8-attn kernels/fp8_attention.mlir --target cpu --shape B=1,H=4,S=1024,D=128 --causal
r cpu-fp8-gemm kernels/fp8_gemm.mlir --target cpu --shape M=1024,N=1024,K=1024
r cpu-softmax kernels/softmax.mlir --target cpu --shape R=1000,C=4000
r cpu-layernorm kernels/layernorm.mlir --target cpu --shape R=1000,C=4000
r cpu-gelu kernels/gemm_epilogue.mlir --kernel gemm_bias_gelu --target cpu --shape M=777,N=1331,K=999
echo "== --reference cpu (and the kernel's own reference at the same shape)"
F="--tune --iters 3 --warmup 1"
for ref in cpu own; do
  R=""; [ $ref = cpu ] && R="--reference cpu"
  r $ref-gemm-1024 kernels/gemm.mlir --shape M=1024,N=1024,K=1024 $F $R
  r $ref-gemm-awkward kernels/gemm.mlir --shape M=777,N=1331,K=999 $F $R
  r $ref-attn-causal kernels/attention.mlir --shape B=1,H=8,S=1024,D=64 --causal $F $R
  r $ref-attn-d128 kernels/attention.mlir --shape B=2,H=4,S_Q=1000,S_KV=777,D=128 $F $R
  r $ref-fp8-attn kernels/fp8_attention.mlir --shape B=1,H=8,S=1024,D=128 $F $R
  r $ref-fp8-gemm kernels/fp8_gemm.mlir --shape M=1024,N=1024,K=1024 $F $R
  r $ref-softmax kernels/softmax.mlir --shape R=1000,C=4000 $F $R
  r $ref-layernorm kernels/layernorm.mlir --shape R=1000,C=4000 $F $R
  r $ref-gelu kernels/gemm_epilogue.mlir --kernel gemm_bias_gelu --shape M=777,N=1331,K=999 $F $R
done
r cpu-rmsnorm kernels/rmsnorm.mlir --shape R=1000,C=3000 $F --reference cpu
r cpu-rmsnorm-big kernels/rmsnorm.mlir --shape R=4096,C=4096 --tune --reference cpu
echo "== planted compiler bug under --reference cpu (must be WRONG)"
r cpu-store-past-end kernels/gemm.mlir --shape M=777,N=1331,K=999 --reference cpu --test-mutation=store-past-end --config BLOCK_M=128,WARPS=8 --iters 1 --warmup 0
r cpu-store-past-end-rows kernels/softmax.mlir --shape R=333,C=4000 --reference cpu --test-mutation=store-past-end --iters 1 --warmup 0
echo "== GPU smoke (default configs)"
r smoke-gemm kernels/gemm.mlir --shape M=4096,N=4096,K=4096
r smoke-attn kernels/attention.mlir --shape B=4,H=48,S=4096,D=64
r smoke-fp8-attn kernels/fp8_attention.mlir --shape B=4,H=48,S=4096,D=128
grep -h "err/bound\|^config" "$out"/cpu-gemm-awkward.txt | head -3
tar -C "$out" -czf "$final/results.tgz" .
