#!/usr/bin/env bash
# Session 14, call 1 (issue 9): fp8 attention rotated by hand
# (kernels/fp8_attention_overlap.mlir, S(j+1) and P V(j) in flight during
# the softmax) against kernels/fp8_attention.mlir and bf16
# kernels/attention.mlir, tuned, every config verified, with Triton fp8/
# bf16 flash attention and cuDNN from anchors.py in the same call. First
# the new program's correctness at awkward shapes (every config).
set -u
source bench/device_preamble.sh
O=kernels/fp8_attention_overlap.mlir F=kernels/fp8_attention.mlir A=kernels/attention.mlir
run_tune ok-s1000 $O B=2,H=3,S=1000,D=64 --descale-q 0.5 --descale-k 2 --descale-v 0.25
run_tune ok-s1000-causal $O B=2,H=3,S=1000,D=64 --causal
run_tune ok-d128-causal $O B=2,H=3,S_Q=1000,S_KV=777,D=128 --causal
run_tune ok-d128 $O B=2,H=3,S_Q=777,S_KV=1000,D=128
run_tune ok-e5m2 $O B=1,H=2,S=300,D=64 --dtype f8e5m2 --out-dtype bf16
run_tune ok-short $O B=2,H=3,S=100,D=64 --causal
run_tune mut-mask-check-corner $O B=2,H=3,S_Q=300,S_KV=129,D=64 --test-mutation=mask-check-corner
for c in "" --causal; do
  run_tune ov$c $O B=4,H=48,S=2048,D=64 --shape B=4,H=48,S=4096,D=64 --shape B=4,H=48,S=8192,D=64 $c
  run_tune ov$c $O B=4,H=48,S=2048,D=128 --shape B=4,H=48,S=4096,D=128 $c
  run_tune fp8$c $F B=4,H=48,S=2048,D=64 --shape B=4,H=48,S=4096,D=64 --shape B=4,H=48,S=8192,D=64 $c
  run_tune fp8$c $F B=4,H=48,S=2048,D=128 --shape B=4,H=48,S=4096,D=128 $c
  run_tune bf16$c $A B=4,H=48,S=2048,D=64 --shape B=4,H=48,S=4096,D=64 --shape B=4,H=48,S=8192,D=64 $c
  run_tune bf16$c $A B=4,H=48,S=2048,D=128 --shape B=4,H=48,S=4096,D=128 $c
done
PYTHONUNBUFFERED=1 timeout 150 python3 .carry/anchors.py --attn 4,48,4096,64 4,48,4096,128 --gemm \
  --tattn 4,48,2048,64 4,48,4096,64 4,48,8192,64 4,48,2048,128 4,48,4096,128 \
  --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
echo "anchors rc=$?"; grep -vE "^\s*$" "$out/anchors.txt" | tail -30 | cut -c1-200
# SASS of the best D = 64 config: QGMMA, no local memory.
mkdir -p $out/sass && "$T" $O --shape B=4,H=48,S=4096,D=64 --config BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2 --compile-only --no-cache --dump-dir $out/sass > /dev/null 2>&1
grep -c QGMMA $out/sass/*/*/sass.txt; grep -c "LDL\|STL" $out/sass/*/*/sass.txt
tar czf "$final/results.tgz" -C "$out" .
