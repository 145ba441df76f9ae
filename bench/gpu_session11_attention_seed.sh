#!/usr/bin/env bash
# On the GPU machine (session 11, call 5): attention op by op at every seed
# shape of issue 4 (B = 4, H = 48, S = 128 ... 16384, D = 64 and 128,
# causal and not), each beside the attention lowering in this call, both
# with their best config of call 4 at S = 4096 (op by op: 128 x 128, 4
# warps for D = 64, 8 warps for D = 128; the lowering: 64 x 128, 4 warps
# for D = 64, 192 x 128, 12 warps for D = 128; 2 stages), every output
# element verified. Results in $OUT/results.tgz.
set -u
source bench/device_preamble.sh
one() { # tag shape config flags...
  local tag=$1 shape=$2 config=$3; shift 3
  timeout 120 "$T" kernels/attention.mlir --shape $shape --config $config "$@" \
    --no-cache --iters 10 --warmup 3 --kernel-timeout 30 \
    --json "$out/$tag.jsonl" > /tmp/one.txt 2>&1
  local rc=$?
  { echo "### $tag $shape $config $*"; cat /tmp/one.txt; } >> "$out/seed.txt"
  echo "$tag $shape $* rc=$rc | $(grep -E '^BLOCK' /tmp/one.txt | tail -1 | tr -s ' ' | cut -d' ' -f4-)"
}
for D in 64 128; do
  if [ $D = 64 ]; then
    OPC=BLOCK_M=128,BLOCK_N=128,WARPS=4,STAGES=2; LOC=BLOCK_M=64,BLOCK_N=128,WARPS=4,STAGES=2
  else
    OPC=BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2; LOC=BLOCK_M=192,BLOCK_N=128,WARPS=12,STAGES=2
  fi
  for S in 128 256 512 1024 2048 4096 8192 16384; do
    for c in "" --causal; do
      one op B=4,H=48,S=$S,D=$D $OPC --attention-op-by-op $c
      one lowering B=4,H=48,S=$S,D=$D $LOC $c
    done
  done
done
tar czf "$final/results.tgz" -C "$out" .
