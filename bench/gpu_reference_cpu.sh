#!/usr/bin/env bash
# On the GPU machine (issue 12): --reference cpu, every config of GEMM,
# attention (causal and not, D = 64 and 128, S_Q != S_KV), fp8, the row
# kernels, the GEMM epilogue and kernels/rmsnorm.mlir (no hand-written
# reference) checked against the same program run on the host; the largest
# err/bound of each run (the consistency bound's margin); the planted
# store-past-end bug must be WRONG; fp8 dots refused. Then --target cpu on
# the machine's cores. Needs .carry/tile-run.xz. Results in
# $OUT/results.tgz.
set -u
final=${OUT:-/tmp/out}; out=/tmp/res; mkdir -p "$out" "$final"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
T=/tmp/t/tile-run
"$T" --version | head -1 | tee "$out/version.txt"
nvidia-smi --query-gpu=name --format=csv,noheader | tee -a "$out/version.txt"
r() { # name args...
  local name=$1; shift
  "$T" "$@" --json "$out/$name.jsonl" > "$out/$name.txt" 2>&1
  local rc=$?
  local worst=$(python3 -c "
import json,sys
r=[json.loads(l) for l in open('$out/$name.jsonl') if '\"status\"' in l and json.loads(l).get('device')!='host CPU']
ok=[x['max_err_ratio'] for x in r if x['status']=='ok']
print(f'max err/bound of ok configs {max(ok):.3f}' if ok else 'no ok config')" 2>/dev/null)
  echo "$name rc=$rc $(grep -E '^configs:' "$out/$name.txt" | tail -1) | $worst"
  grep -h "consistency bound" "$out/$name.txt" | sed 's/.*consistency bound/   bound/'
}
F="--tune --iters 3 --warmup 1 --reference cpu"
r gemm-1024 kernels/gemm.mlir --shape M=1024,N=1024,K=1024 $F
r gemm-awkward kernels/gemm.mlir --shape M=777,N=1331,K=999 $F
r gemm-k8192 kernels/gemm.mlir --shape M=512,N=512,K=8192 $F
r attn-causal-64 kernels/attention.mlir --shape B=1,H=8,S=1024,D=64 --causal $F
r attn-64 kernels/attention.mlir --shape B=1,H=8,S=2048,D=64 $F
r attn-causal-128 kernels/attention.mlir --shape B=1,H=8,S=2048,D=128 --causal $F
r attn-d128-awkward kernels/attention.mlir --shape B=2,H=4,S_Q=1000,S_KV=777,D=128 $F
r fp8-gemm-refused kernels/fp8_gemm.mlir --shape M=1024,N=1024,K=1024 $F
grep -h "error" "$out/fp8-gemm-refused.txt" | head -1 | cut -c1-160
r softmax kernels/softmax.mlir --shape R=1000,C=4000 $F
r layernorm kernels/layernorm.mlir --shape R=1000,C=4000 $F
r gelu kernels/gemm_epilogue.mlir --kernel gemm_bias_gelu --shape M=777,N=1331,K=999 $F
r rmsnorm kernels/rmsnorm.mlir --shape R=1000,C=3000 $F
r rmsnorm-big kernels/rmsnorm.mlir --shape R=4096,C=4096 $F
r store-past-end kernels/gemm.mlir --shape M=777,N=1331,K=999 --reference cpu --test-mutation=store-past-end --config BLOCK_M=128,WARPS=8 --iters 1 --warmup 0
r store-past-end-rows kernels/softmax.mlir --shape R=333,C=4000 --reference cpu --test-mutation=store-past-end --iters 1 --warmup 0
# The CPU target on this machine's cores, every kernel (the final binary).
c() { local name=$1; shift; "$T" --target cpu "$@" > "$out/cpu-$name.txt" 2>&1; echo "cpu-$name rc=$? $(grep -E '^configs:' "$out/cpu-$name.txt")"; }
c gemm kernels/gemm.mlir --shape M=1024,N=1024,K=1024
c attn kernels/attention.mlir --shape B=1,H=4,S=1024,D=64 --causal
c fp8-attn kernels/fp8_attention.mlir --shape B=1,H=4,S=1024,D=128
c fp8-gemm kernels/fp8_gemm.mlir --shape M=1024,N=1024,K=1024
c softmax kernels/softmax.mlir --shape R=1000,C=4000
c layernorm-chunked kernels/layernorm_chunked.mlir --shape R=1000,C=4000
c residual kernels/gemm_epilogue.mlir --kernel gemm_residual --shape M=777,N=1331,K=999
tar -C "$out" -czf "$final/results.tgz" .
