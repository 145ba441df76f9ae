#!/usr/bin/env bash
# Session 16, call 6 (issue 9): the transposition in shared memory with its
# task warps spread over the warpgroups (Vᵀ at 8 and 12 warps: before, the
# first warpgroup(s) did all of it). Every config verified at two awkward
# shapes, the mutation test's fp8 attention entries, then the configs it
# changes timed beside their PTX as compiled before the change
# (.carry/old, through --ptx-override), two rounds, and Triton fp8 at
# S = 2048 (anchors.py) in the same call. Needs .carry/tile-run.xz.
set -u
source bench/device_preamble.sh
F=kernels/fp8_attention.mlir
run_tune ok-s1000 $F B=2,H=3,S=1000,D=64 --descale-q 0.5 --descale-k 2 --descale-v 0.25
run_tune ok-d128-causal $F B=2,H=3,S_Q=1000,S_KV=777,D=128 --causal
PART=fp8_attention OUT=$out T=$T bash bench/gpu_mutation_test.sh 2>&1 | tail -3 | cut -c1-160
python3 bench/summarize_mutants.py "$out/mutants.jsonl" 2>&1 | tail -2
tar czf "$final/results.tgz" -C "$out" .
old() { # TAG SHAPE CONFIG PTX FLAGS...
  local tag=$1 shape=$2 cfg=$3 ptx=$4; shift 4
  timeout 120 "$T" $F --shape "$shape" --config "$cfg" --ptx-override "$ptx" "$@" --no-cache \
    --iters 50 --warmup 5 --json "$out/$tag.jsonl" > /tmp/one.txt 2>&1
  echo "$tag rc=$? $(grep -E '^BLOCK' /tmp/one.txt | head -1 | sed 's/  */ /g')"
}
for round in 1 2; do
  for v in "64 192 128 12 2 0 2048" "64 192 128 12 2 0 4096" "128 192 128 12 3 0 2048" "128 192 128 12 3 0 4096" "64 128 128 8 2 0 4096" "128 192 128 12 2 0 2048c"; do
    set -- $v; D=$1 S=${7%c}; c=""; [ "$7" != "$S" ] && c=--causal
    cfg=BLOCK_M=$2,BLOCK_N=$3,WARPS=$4,STAGES=$5,OVERLAP=$6; n=d$D-$2x$3w$4s$5o$6
    if [ -n "$c" ]; then
      timeout 120 "$T" $F --shape B=4,H=48,S=$S,D=$D --config $cfg --causal --no-cache --iters 50 --warmup 5 --json "$out/r$round-$n-S$7-new.jsonl" > /tmp/one.txt 2>&1
      echo "r$round-$n-S$7-new rc=$? $(grep -E '^BLOCK' /tmp/one.txt | head -1 | sed 's/  */ /g')"
    else
      run_one r$round-$n-S$7-new $F B=4,H=48,S=$S,D=$D $cfg
    fi
    old r$round-$n-S$7-old B=4,H=48,S=$S,D=$D $cfg .carry/old/$n.ptx $c
  done
done
PYTHONUNBUFFERED=1 timeout 100 python3 .carry/anchors.py --tattn 4,48,2048,64 4,48,2048,128 4,48,4096,128 \
  --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
echo "anchors rc=$?"; grep TATT "$out/anchors.txt" | cut -c1-400
tar czf "$final/results.tgz" -C "$out" .
