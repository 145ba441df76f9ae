#!/usr/bin/env bash
# Session 14, call 2 (issue 9): the rotated fp8 attention in
# FlashAttention-3's order. First the SASS of its loop (does the P V wait
# stay after the softmax's exponentials?) and of the PTX variants of
# .carry/exp (the first order, with fake uses of P V's A registers after
# the wait); then every config verified at awkward shapes and timed
# against kernels/fp8_attention.mlir at the D = 64 / 128 shapes.
set -u
source bench/device_preamble.sh
O=kernels/fp8_attention_overlap.mlir F=kernels/fp8_attention.mlir
mkdir -p $out/sass
"$T" $O --shape B=4,H=48,S=4096,D=64 --config BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2 --compile-only --no-cache --dump-dir $out/sass > /dev/null 2>&1
s=$(ls $out/sass/*/*/sass.txt); echo "== new order"; grep -E "Used" $(dirname $s)/ptxas.txt; bash bench/sass_loop_summary.sh $s | awk '$2 ~ /QGMMA|DEPBAR|SYNC|ARRIVE/ || /MUFU/' | tail -30
for v in .carry/exp/v*.ptx; do
  b=$(basename $v .ptx); /usr/local/cuda/bin/ptxas -arch=sm_90a -v $v -o $out/$b.cubin 2>&1 | grep -E "Used" | tr -s ' '
  /usr/local/cuda/bin/cuobjdump -sass $out/$b.cubin > $out/$b.sass; echo "== $b"; bash bench/sass_loop_summary.sh $out/$b.sass | awk '$2 ~ /QGMMA|DEPBAR/ || /MUFU/' | tail -14
done
run_tune ok-s1000-causal $O B=2,H=3,S=1000,D=64 --causal
run_tune ok-d128 $O B=2,H=3,S_Q=777,S_KV=1000,D=128
run_tune ov $O B=4,H=48,S=2048,D=64 --shape B=4,H=48,S=4096,D=64
run_tune ov $O B=4,H=48,S=4096,D=128
run_tune fp8 $F B=4,H=48,S=2048,D=64 --shape B=4,H=48,S=4096,D=64
run_tune fp8 $F B=4,H=48,S=4096,D=128
grep -h -A24 "^### ov" $out/runs.txt | grep -E "^BLOCK|^==" | head -60
tar czf "$final/results.tgz" -C "$out" .
