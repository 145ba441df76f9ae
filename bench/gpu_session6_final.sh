#!/usr/bin/env bash
# On the GPU machine, session 6's last call: (1) an A/B of V's transpose
# addressing in fp8 attention (32-bit addresses from few per-thread values,
# commit b31c2b7) — the binary of commit 16cd88c
# (.carry/tile-run-16cd88c.xz) against the final one (.carry/tile-run.xz),
# best config of the space, two rounds interleaved, --no-cache; (2) the
# mutation test and the tuning cache check of bench/gpu_final_mutants.sh
# with the final binary (`ab-only`: the A/B alone).
set -u
mode=${1:-}
final=${OUT:-/tmp/out}; out=/tmp/res; mkdir -p "$out" "$final"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run &&
  xz -dc .carry/tile-run-16cd88c.xz > /tmp/t/tile-run-old && chmod +x /tmp/t/*
for bin in tile-run-old tile-run; do /tmp/t/$bin --version | head -1; done | tee "$out/versions.txt"
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader | tee -a "$out/versions.txt"
for round in 1 2; do
  for s in "B=4,H=48,S=4096,D=128" "B=4,H=48,S=16384,D=128" "B=4,H=48,S=4096,D=128 --causal" "B=4,H=48,S=16384,D=64"; do
    for bin in tile-run-old tile-run; do
      set -- $s
      name="ab.$bin.${1//[=,]/_}$(echo "${@:2}" | tr -d ' -').r$round"
      # (16cd88c has no tuning cache, and no --no-cache.)
      nocache=$([ $bin = tile-run ] && echo --no-cache)
      timeout 150 /tmp/t/$bin kernels/fp8_attention.mlir --shape $s --tune $nocache --iters 10 --warmup 3 \
        --kernel-timeout 30 --json "$out/$name.jsonl" > "$out/$name.txt" 2>&1
      echo "$bin $s round=$round rc=$? $(grep -E '^configs:' "$out/$name.txt") | $(grep -E '^best' "$out/$name.txt")"
    done
  done
done
[ "$mode" = ab-only ] || OUT=/tmp/mutfinal bash bench/gpu_final_mutants.sh 2>&1 | tail -12
tar -C "$out" -czf "$final/results.tgz" .
