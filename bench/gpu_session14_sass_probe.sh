#!/usr/bin/env bash
# Session 14, call 4 (issue 9): which instruction makes ptxas wait for the
# rotated loop's P V before the softmax? SASS of PTX variants of n2
# (.carry/exp, see gpu_session14_ptx_variants.sh): n5 with the row
# reductions' shfl.sync replaced by moves, n6 with ex2 replaced by moves
# (both compute wrong values: SASS only, not run).
set -u
out=${OUT:-/tmp/out}; mkdir -p $out
for v in n2 n5 n6; do
  /usr/local/cuda/bin/ptxas -arch=sm_90a -v .carry/exp/$v.ptx -o $out/$v.cubin 2>&1 | grep -E "Used" | tr -s ' '
  /usr/local/cuda/bin/cuobjdump -sass $out/$v.cubin > $out/$v.sass
  echo "== $v"; grep -n "QGMMA\|DEPBAR\|MUFU.EX2\|SHFL" $out/$v.sass | awk '{print $2, $3, $4, $5}' | \
    awk '{op=$2; if (op==prev) {c++; next} if (line!="") print line, (c>1?"x"c:""); prev=op; line=$0; c=1} END{print line}' | tail -14
done
