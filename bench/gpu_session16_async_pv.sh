#!/usr/bin/env bash
# Session 16, call 2 (issue 9): fp8 attention with P V left in flight
# across the loop's back edge, as PTX edits (.carry/apv, made by
# bench/session16_async_pv.py from tile-run's PTX at 2d468ac): the wait
# after P V's commit removed (the next iteration's wait for S = Q K^T,
# pending 0, completes it), a wait_group 0 at the loop's exit, and V^T's
# "ready" arrive moved after that wait (a thread arrives once its
# previous P V has completed). Each variant verified at awkward shapes
# (partial blocks, causal, S_Q != S_KV) and timed beside the PTX as
# compiled (base), two rounds, through --ptx-override.
set -u
source bench/device_preamble.sh
A=kernels/fp8_attention.mlir
po() { # TAG SHAPE CONFIG PTX FLAGS...
  local tag=$1 shape=$2 cfg=$3 ptx=$4; shift 4
  timeout 120 "$T" $A --shape "$shape" --config "$cfg" --ptx-override "$ptx" "$@" --no-cache \
    --iters 30 --warmup 5 --json "$out/$tag.jsonl" > /tmp/one.txt 2>&1
  echo "$tag rc=$? $(grep -E '^BLOCK' /tmp/one.txt | head -1 | sed 's/  */ /g')"
}
for p in .carry/apv/*-apv.ptx; do
  /usr/local/cuda/bin/ptxas -arch=sm_90a -v $p -o $out/x.cubin 2>&1 | grep -E "Used|warn" | tr -s ' ' | sed "s|^|$(basename $p): |"
done
/usr/local/cuda/bin/ptxas -arch=sm_90a .carry/apv/d64-192x128w12s2-apv.ptx -o $out/apv.cubin
cuobjdump -sass $out/apv.cubin > $out/d64-192x128w12s2-apv.sass
grep -n "QGMMA\|DEPBAR\|SYNCS" $out/d64-192x128w12s2-apv.sass | awk '{print $1, $2, $3, $4}' | head -40
cfg_of() { echo $1 | sed 's/d\([0-9]*\)-\([0-9]*\)x\([0-9]*\)w\([0-9]*\)s\([0-9]*\)/BLOCK_M=\2,BLOCK_N=\3,WARPS=\4,STAGES=\5/'; }
d_of() { echo $1 | sed 's/d\([0-9]*\)-.*/\1/'; }
echo "== correctness (apv)"
for n in d64-192x128w12s2 d64-128x128w4s2 d64-128x256w8s3 d128-192x128w12s3 d128-128x128w8s3; do
  c=$(cfg_of $n) D=$(d_of $n)
  po chk-$n-a B=2,H=3,S_Q=1000,S_KV=777,D=$D $c .carry/apv/$n-apv.ptx --causal
  po chk-$n-b B=2,H=3,S_Q=777,S_KV=1000,D=$D $c .carry/apv/$n-apv.ptx --descale-q 0.5 --descale-v 2
  po chk-$n-c B=1,H=2,S=129,D=$D $c .carry/apv/$n-apv.ptx --dtype f8e5m2 --out-dtype bf16
done
echo "== timing"
for round in 1 2; do
  for n in d64-192x128w12s2 d64-128x128w4s2 d64-128x256w8s3 d128-192x128w12s3 d128-128x128w8s3; do
    c=$(cfg_of $n) D=$(d_of $n)
    for S in 2048 4096 8192; do
      [ $D = 128 ] && [ $S = 8192 ] && continue
      for v in base apv; do po r$round-$n-S$S-$v B=4,H=48,S=$S,D=$D $c .carry/apv/$n-$v.ptx; done
    done
    po r$round-$n-S4096c-base B=4,H=48,S=4096,D=$D $c .carry/apv/$n-base.ptx --causal
    po r$round-$n-S4096c-apv B=4,H=48,S=4096,D=$D $c .carry/apv/$n-apv.ptx --causal
  done
done
tar czf "$final/results.tgz" -C "$out" .
