#!/usr/bin/env bash
# On the GPU machine (issue 9, an experiment): attention with a producer
# warpgroup (tile-run --warp-specialize: TMA of K and V, and for fp8 the V
# transpose, in a fourth warpgroup; setmaxnreg gives the computing
# warpgroups its registers) against the same binary without it.
# 1. Every config verified with it at awkward shapes (causal, S_Q != S_KV,
#    D = 64/128, e5m2, descales), and three attention mutants with it.
# 2. Best config of the space, with and without, twice, in one call: fp8
#    D = 64/128 at S = 4096/16384, causal too, and bf16 D = 64/128.
# Needs .carry/tile-run.xz built from commit 962d769 (the option was
# reverted after these measurements: bench/RESULTS.md, session 6).
set -u
. bench/device_preamble.sh
mut=/tmp/mutants; rm -rf "$mut"; python3 test/mutants/make_mutants.py kernels "$mut" > /dev/null || exit 1
check() { # name kernel shape flags...
  local name=$1 kernel=$2 shape=$3; shift 3
  timeout 150 "$T" "$kernel" --shape "$shape" --tune --iters 1 --warmup 0 --kernel-timeout 20 \
    --json "$out/c.$name.jsonl" "$@" > "$out/c.$name.txt" 2>&1
  echo "$name rc=$? $(grep -E '^configs:' "$out/c.$name.txt")"
}
A=B=2,H=3,S=1000,D=64
A2=B=2,H=3,S_Q=1000,S_KV=777,D=128
check fp8-d64-descales kernels/fp8_attention.mlir $A --warp-specialize --descale-q 0.5 --descale-k 2 --descale-v 0.25
check fp8-d128-causal kernels/fp8_attention.mlir $A2 --warp-specialize --causal
check fp8-e5m2-bf16 kernels/fp8_attention.mlir $A --warp-specialize --dtype f8e5m2 --out-dtype bf16
check bf16-d64 kernels/attention.mlir $A --warp-specialize
check bf16-d128-causal kernels/attention.mlir $A2 --warp-specialize --causal
check MUTANT-fp8_attention-no-rescale $mut/fp8_attention-no-rescale.mlir $A --warp-specialize
check MUTANT-fp8_attention-skip-block $mut/fp8_attention-skip-block.mlir $A2 --warp-specialize --causal
check MUTANT-attention-no-rescale $mut/attention-no-rescale.mlir $A --warp-specialize
for round in 1 2; do
for shape in "fp8_attention B=4,H=48,S=4096,D=128" "fp8_attention B=4,H=48,S=4096,D=64" \
             "fp8_attention B=4,H=48,S=16384,D=128" "fp8_attention B=4,H=48,S=16384,D=64" \
             "fp8_attention B=4,H=48,S=4096,D=128 --causal" \
             "attention B=4,H=48,S=4096,D=128" "attention B=4,H=48,S=4096,D=64"; do
  set -- $shape; k=$1; s=$2; shift 2
  for ws in false true; do
    name="$k.${s//[=,]/_}$(echo "$@" | tr -d ' -').ws$ws.r$round"
    timeout 200 "$T" kernels/$k.mlir --shape $s "$@" --tune --iters 10 --warmup 3 --kernel-timeout 20 \
      --warp-specialize=$ws --json "$out/$name.jsonl" > "$out/$name.txt" 2>&1
    echo "$k $s $* ws=$ws round=$round rc=$? $(grep -E '^configs:' "$out/$name.txt") | $(grep -E '^best' "$out/$name.txt")"
  done
done
done
tar -C "$out" -czf "$final/results.tgz" .
