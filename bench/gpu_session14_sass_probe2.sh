#!/usr/bin/env bash
# Session 14, call 5 (issue 9): does a basic-block boundary right before the
# rotated loop's P V wait keep ptxas from hoisting it above the softmax?
# n8 = n2 with a branch on a kernel argument (never taken) just before the
# wait; n9 = the same with the wait at the loop's latch (n3). SASS, then
# verified and timed through --ptx-override (n2 again as the reference).
set -u
source bench/device_preamble.sh
O=kernels/fp8_attention_overlap.mlir C=BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2
for v in n2 n8 n9; do
  /usr/local/cuda/bin/ptxas -arch=sm_90a -v .carry/exp/$v.ptx -o $out/$v.cubin 2>&1 | grep -E "Used" | tr -s ' '
  /usr/local/cuda/bin/cuobjdump -sass $out/$v.cubin > $out/$v.sass
  echo "== $v"; grep -n "QGMMA\|DEPBAR\|MUFU.EX2\|MEMBAR" $out/$v.sass | awk '{print $2, $3, $4, $5, $6}' | \
    awk '{op=$2" "$5; if (op==prev) {c++; next} if (line!="") print line, (c>1?"x"c:""); prev=op; line=$0; c=1} END{print line}' | tail -12
  "$T" $O --shape B=4,H=48,S=4096,D=64 --config $C --ptx-override .carry/exp/$v.ptx --iters 20 --warmup 5 --no-cache > $out/$v.txt 2>&1
  grep -E "^BLOCK|configs:" $out/$v.txt
done
tar czf "$final/results.tgz" -C "$out" .
