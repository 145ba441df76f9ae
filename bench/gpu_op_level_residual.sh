#!/usr/bin/env bash
# On the GPU machine (session 9, third call): gemm_residual op by op with
# the residual loaded as 16-byte vectors and converted to the accumulator's
# layout through shared memory (new, .carry/tile-run.xz) beside the same
# kernel loading it a column pair at a time (ab5b29c, .carry/tile-run-old.xz)
# and on the GEMM lowering (--op-level-dots=false), all in this call; every
# config verified; the no-residual mutant; gemm_nt as a same-code control.
set -u
source bench/device_preamble.sh
xz -dc .carry/tile-run-old.xz > /tmp/t/tile-run-old && chmod +x /tmp/t/tile-run-old
OLD=/tmp/t/tile-run-old
"$OLD" --version | head -1 | sed 's/^/old: /' | tee -a "$out/version.txt"
mut=/tmp/mut; python3 test/mutants/make_mutants.py kernels $mut > /dev/null
run() { # tag binary kernel shape flags...
  local tag=$1 bin=$2 kernel=$3 shape=$4; shift 4
  timeout 200 "$bin" $kernel --shape $shape "$@" --tune --no-cache --iters 20 --warmup 5 \
    --kernel-timeout 30 --json "$out/$tag.jsonl" > /tmp/one.txt 2>&1
  local rc=$?
  { echo "### $tag $kernel $shape $*"; cat /tmp/one.txt; } >> "$out/runs.txt"
  echo "$tag $(basename $kernel) $shape $* rc=$rc $(grep -E '^configs:' /tmp/one.txt) | $(grep -E '^best' /tmp/one.txt)"
}
R="--kernel gemm_residual"
run verify $T kernels/gemm_epilogue.mlir M=777,N=1331,K=999 $R
run verify $T kernels/gemm_epilogue.mlir M=1000,N=1000,K=1000 $R --out-dtype f32
run mutant $T $mut/gemm_residual-no-residual.mlir M=777,N=1331,K=999 $R
for S in 4096 8192; do
  Q=M=$S,N=$S,K=$S
  run new-$S $T kernels/gemm_epilogue.mlir $Q $R
  run old-$S $OLD kernels/gemm_epilogue.mlir $Q $R
  run lowering-$S $T kernels/gemm_epilogue.mlir $Q $R --op-level-dots=false
done
run new-4096 $T kernels/gemm_nt.mlir M=4096,N=4096,K=4096
run old-4096 $OLD kernels/gemm_nt.mlir M=4096,N=4096,K=4096
tar czf "$final/results.tgz" -C "$out" .
