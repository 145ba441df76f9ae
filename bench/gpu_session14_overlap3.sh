#!/usr/bin/env bash
# Session 14, call 6 (issue 9): the rotated fp8 attention with P carried as
# 16-bit pairs (commit 1ee...; its loop's byte packing mostly gone), as
# compiled (r0) and with a block boundary before the P V wait (r1, the
# --ptx-override probe that keeps ptxas's wait after the softmax), against
# kernels/fp8_attention.mlir (PTX unchanged) in the same call. SASS
# positions, then every config verified and timed.
set -u
source bench/device_preamble.sh
O=kernels/fp8_attention_overlap.mlir F=kernels/fp8_attention.mlir
C=BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2
for v in r0 r1; do
  /usr/local/cuda/bin/ptxas -arch=sm_90a -v .carry/exp/$v.ptx -o $out/$v.cubin 2>&1 | grep -E "Used" | tr -s ' '
  /usr/local/cuda/bin/cuobjdump -sass $out/$v.cubin > $out/$v.sass
  echo "== $v"; grep -n "QGMMA\|DEPBAR\|MUFU.EX2" $out/$v.sass | awk '{print $2, $3, $4, $5, $6}' | \
    awk '{op=$2" "$5; if (op==prev) {c++; next} if (line!="") print line, (c>1?"x"c:""); prev=op; line=$0; c=1} END{print line}' | tail -9
  for s in 4096 8192; do
    "$T" $O --shape B=4,H=48,S=$s,D=64 --config $C --ptx-override .carry/exp/$v.ptx --iters 20 --warmup 5 --no-cache > $out/$v-$s.txt 2>&1
    echo "$v S=$s $(grep -E '^BLOCK' $out/$v-$s.txt)"
  done
done
run_tune ov $O B=4,H=48,S=4096,D=64 --shape B=4,H=48,S=8192,D=64
run_tune ov $O B=4,H=48,S=4096,D=128
run_tune fp8 $F B=4,H=48,S=4096,D=64 --shape B=4,H=48,S=8192,D=64
run_tune fp8 $F B=4,H=48,S=4096,D=128
run_tune ok-causal $O B=2,H=3,S=1000,D=64 --causal
for f in ov fp8; do grep -h -A22 "^### $f " $out/runs.txt | grep -E "^BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2|^==" ; done
tar czf "$final/results.tgz" -C "$out" .
