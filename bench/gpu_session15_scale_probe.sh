#!/usr/bin/env bash
# Session 15, call 9: does the accumulator restart (wgmma scale-d from a
# register) cost the persistent fp8 GEMM its speed? With PROGRAMS = 1024
# (one block a program at 4096³ and 8192³) the program without the restart
# (test/mutants' fp8_gemm_persistent-no-restart: the select keeps %acc) is
# correct, so it is verified and timed beside the program and
# kernels/fp8_gemm.mlir, alone (--iters 50), twice. Ran with the kernel of
# its commit, whose PROGRAMS were [132, 1024] (the submitted kernel has 132
# only: PROGRAMS=1024 configs are refused). Needs .carry/tile-run.xz.
set -u
source bench/device_preamble.sh
P=kernels/fp8_gemm_persistent.mlir
G=kernels/fp8_gemm.mlir
N=/tmp/no-restart.mlir
sed 's/%acc_in = arith.select %first, %init, %acc : !acc/%acc_in = arith.select %first, %acc, %acc : !acc/' $P > $N
cmp -s $P $N && echo "sed changed nothing"
C=BLOCK_M=128,BLOCK_N=256,BLOCK_K=128,WARPS=8,STAGES=4
for round in 1 2; do
  for S in 4096 8192; do
    Q=M=$S,N=$S,K=$S
    run_one r$round-g-$S $G $Q BLOCK_M=128,BLOCK_N=256,BLOCK_K=128,GROUP_M=16,WARPS=8,STAGES=4
    run_one r$round-p1024-$S $P $Q $C,PROGRAMS=1024
    run_one r$round-norestart1024-$S $N $Q $C,PROGRAMS=1024
    run_one r$round-p132-$S $P $Q $C,PROGRAMS=132
  done
done
"$T" $N --shape M=4096,N=4096,K=4096 --config $C,PROGRAMS=1024 --compile-only --no-cache --dump-dir "$out/dump" > /dev/null 2>&1
s=$(find "$out/dump" -name sass.txt | head -1); grep -c QGMMA "$s"; grep QGMMA "$s" | head -4 | sed 's/  */ /g'
tar czf "$final/results.tgz" -C "$out" .
