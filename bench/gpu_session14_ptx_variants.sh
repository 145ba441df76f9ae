#!/usr/bin/env bash
# Session 14, call 3 (issue 9): why ptxas waits for the rotated loop's P V
# before the softmax. PTX variants of kernels/fp8_attention_overlap.mlir
# at 128 x 128 / 8 warps / 2 stages, D = 64 (.carry/exp): n0 as compiled;
# n1 the P V wait moved to the loop's latch; n2 the masked path cut (every
# block takes the full one: right only where every key block is full, as
# at S = 4096); n3 both. For each: where WARPGROUP.DEPBAR falls among the
# loop's MUFU.EX2 (SASS), then verified and timed through --ptx-override.
set -u
source bench/device_preamble.sh
O=kernels/fp8_attention_overlap.mlir F=kernels/fp8_attention.mlir
C=BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2
for v in n0 n1 n2 n3; do
  /usr/local/cuda/bin/ptxas -arch=sm_90a -v .carry/exp/$v.ptx -o $out/$v.cubin 2>&1 | grep -E "Used" | tr -s ' '
  /usr/local/cuda/bin/cuobjdump -sass $out/$v.cubin > $out/$v.sass
  echo "== $v"; grep -n "QGMMA\|DEPBAR\|MUFU.EX2" $out/$v.sass | awk '{print $2, $3, $4, $5}' | \
    awk '{op=$2; if (op==prev) {c++; next} if (line!="") print line, (c>1?"x"c:""); prev=op; line=$0; c=1} END{print line}' | tail -12
  "$T" $O --shape B=4,H=48,S=4096,D=64 --config $C --ptx-override .carry/exp/$v.ptx --iters 20 --warmup 5 --no-cache > $out/$v.txt 2>&1
  grep -E "^BLOCK|configs:" $out/$v.txt
done
"$T" $O --shape B=4,H=48,S=4096,D=64 --config $C --iters 20 --warmup 5 --no-cache 2>&1 | grep -E "^BLOCK"
run_tune fp8 $F B=4,H=48,S=4096,D=64
tar czf "$final/results.tgz" -C "$out" .
