#!/usr/bin/env bash
# On the GPU machine (session 12, call 1): attention op by op with Q
# loaded once by TMA (a one-buffer ring; tile-pipeline-loads), beside the
# attention lowering in the same call. (1) Every config verified op by op
# at awkward shapes and the planted bugs caught. (2) Both paths tuned per
# shape (every config verified) at the seed shapes S = 128 ... 2048 and
# 4096 (B = 4, H = 48, D = 64 / 128, causal and not); at S = 8192 and
# 16384 each path runs its best config of S = 4096. Needs
# .carry/tile-run.xz. Results in $OUT/results.tgz.
set -u
source bench/device_preamble.sh
mut=/tmp/mutants; rm -rf "$mut"; python3 test/mutants/make_mutants.py kernels "$mut" > /dev/null
A=kernels/attention.mlir
OP=--attention-op-by-op
run_tune verify-op $A B=2,H=3,S=1000,D=64 $OP
run_tune verify-op $A B=2,H=3,S=1000,D=64 --causal $OP
run_tune verify-op $A B=2,H=3,S_Q=1000,S_KV=777,D=128 --causal $OP
run_tune verify-op $A B=1,H=2,S=300,D=64 --dtype f16 --causal $OP
run_tune mutant-op $A B=2,H=3,S=1000,D=64 $OP --test-mutation=mask-check-corner
run_tune mutant-op $A B=2,H=3,S=1000,D=64 --causal $OP --test-mutation=mask-check-corner
run_tune mutant-op $mut/attention-causal-shift.mlir B=2,H=3,S=1000,D=64 --causal $OP
run_tune mutant-op $mut/attention-skip-block.mlir B=2,H=3,S=1000,D=64 $OP
run_tune mutant-op $mut/attention-no-rescale.mlir B=2,H=3,S=1000,D=64 $OP
run_tune mutant-op $A B=2,H=3,S=1000,D=64 $OP --test-mutation=store-past-end
short() { local D=$1; echo "B=4,H=48,S=128,D=$D --shape B=4,H=48,S=256,D=$D --shape B=4,H=48,S=512,D=$D --shape B=4,H=48,S=1024,D=$D --shape B=4,H=48,S=2048,D=$D"; }
for D in 64 128; do
  for c in "" --causal; do
    run_tune short-op$c $A $(short $D) $c $OP
    run_tune short-lowering$c $A $(short $D) $c
    run_tune s4096-op$c $A B=4,H=48,S=4096,D=$D $c $OP
    run_tune s4096-lowering$c $A B=4,H=48,S=4096,D=$D $c
    for p in op lowering; do
      best=$(python3 -c "
import json,sys
rows=[json.loads(l) for l in open('$out/s4096-$p$c.jsonl')]
rows=[r for r in rows if r.get('status')=='ok' and r['shape'].endswith('D=$D')]
print(max(rows,key=lambda r:r['tflops'])['config'].rsplit(',D=',1)[0] if rows else '')")
      [ -z "$best" ] && continue
      flag=; [ $p = op ] && flag=$OP
      for S in 8192 16384; do
        timeout 150 "$T" $A --shape B=4,H=48,S=$S,D=$D --config $best $c $flag --no-cache \
          --iters 10 --warmup 3 --kernel-timeout 60 --json "$out/long-$p$c.jsonl" > /tmp/one.txt 2>&1
        echo "long-$p$c S=$S D=$D $best rc=$? | $(grep -E '^BLOCK' /tmp/one.txt | tail -1 | tr -s ' ')"
        cat /tmp/one.txt >> "$out/runs.txt"
      done
    done
  done
done
tar czf "$final/results.tgz" -C "$out" .
