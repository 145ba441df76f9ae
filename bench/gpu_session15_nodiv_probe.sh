#!/usr/bin/env bash
# Session 15, call 11: are the loads late because thread 0 divides before
# it issues them? kernels/fp8_gemm_persistent.mlir with PROGRAMS = 1024 (one
# block a program at 4096³ and 8192³), as written (the block and k-step of
# each load divided out of the induction variable) and with the loads'
# indices made without a division (the block's origin from the program id
# before the loop, k0 = it * BLOCK_K; correct only with one block a
# program), beside kernels/fp8_gemm.mlir; each verified and timed alone,
# twice. Needs .carry/tile-run.xz.
set -u
source bench/device_preamble.sh
python3 - <<'PY'
src = open('kernels/fp8_gemm_persistent.mlir').read()
src = src.replace('#tile.param<"PROGRAMS", [132]>', '#tile.param<"PROGRAMS", [132, 1024]>')
open('/tmp/p1024.mlir', 'w').write(src)
a = src.index('    // Where iteration %it loads')
b = src.index('    %a = tile.load %A[%m0, %k0]')
v = src[:a] + '    %k0 = arith.muli %it, %bk : index\n' + src[b:]
a = v.index("      // The block's origin again, once a block.")
b = v.index('      %scaled = arith.mulf %next, %scale_t : !acc')
v = v[:a] + v[b:]
v = v.replace('tile.store %c, %C[%e_m0, %e_n0]', 'tile.store %c, %C[%m0, %n0]')
v = v.replace('  %scale = arith.mulf %scale_a, %scale_b : f32',
              '  %pid_n = arith.divui %pid, %num_m : index\n'
              '  %pn_m = arith.muli %pid_n, %num_m : index\n'
              '  %pid_m = arith.subi %pid, %pn_m : index\n'
              '  %m0 = arith.muli %pid_m, %bm : index\n'
              '  %n0 = arith.muli %pid_n, %bn : index\n'
              '  %scale = arith.mulf %scale_a, %scale_b : f32')
open('/tmp/nodiv.mlir', 'w').write(v)
PY
C=BLOCK_M=128,BLOCK_N=256,BLOCK_K=128,WARPS=8,STAGES=4
for round in 1 2; do
  for S in 4096 8192; do
    Q=M=$S,N=$S,K=$S
    run_one r$round-g-$S kernels/fp8_gemm.mlir $Q BLOCK_M=128,BLOCK_N=256,BLOCK_K=128,GROUP_M=16,WARPS=8,STAGES=4
    run_one r$round-p1024-$S /tmp/p1024.mlir $Q $C,PROGRAMS=1024
    run_one r$round-nodiv-$S /tmp/nodiv.mlir $Q $C,PROGRAMS=1024
  done
done
tar czf "$final/results.tgz" -C "$out" .
