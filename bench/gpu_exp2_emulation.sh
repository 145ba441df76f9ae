#!/usr/bin/env bash
# On the GPU machine (issue 9, an experiment): attention with every Nth
# exp2 of a thread computed by a polynomial on the FMA pipes instead of the
# SFU (tile-run --exp2-emulation N, FlashAttention-4's split), against N = 0
# in the same call: fp8 attention D = 64 and 128 (MUFU-bound at D = 64,
# session 3's Nsight Compute), bf16 attention D = 64; best config of the
# space for each N, every config verified. Needs .carry/tile-run.xz built
# from commit b4c9fbd (the option was reverted after this measurement:
# slower in every case; bench/RESULTS.md, session 5).
set -u
final=${OUT:-/tmp/out}; out=/tmp/res; mkdir -p "$out" "$final"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
T=/tmp/t/tile-run
"$T" --version | head -1 | tee "$out/version.txt"
nvidia-smi --query-gpu=name --format=csv,noheader | tee -a "$out/version.txt"
for round in 1 2; do
for shape in "fp8_attention B=4,H=48,S=4096,D=64" "fp8_attention B=4,H=48,S=16384,D=64" "fp8_attention B=4,H=48,S=4096,D=128" "attention B=4,H=48,S=4096,D=64"; do
  k=${shape%% *}; s=${shape#* }
  for n in 0 4 2 8; do
    name="$k.${s//[=,]/_}.n$n.r$round"
    "$T" kernels/$k.mlir --shape $s --tune --iters 10 --warmup 3 --exp2-emulation $n \
      --json "$out/$name.jsonl" > "$out/$name.txt" 2>&1
    echo "$k $s n=$n round=$round rc=$? $(grep -E '^configs:' "$out/$name.txt") | $(grep -E '^best' "$out/$name.txt")"
  done
done
done
tar -C "$out" -czf "$final/results.tgz" .
