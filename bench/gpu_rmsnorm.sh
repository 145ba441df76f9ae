#!/usr/bin/env bash
# On the GPU machine (issue 12): kernels/rmsnorm.mlir against its own
# reference (every element exact on the host, uploaded), every config, at
# awkward and large shapes, f16 and f32 outputs; its three mutants over the
# whole space (every config must be WRONG); and --reference cpu on it. No
# peer: nothing here is a speed claim. Needs .carry/tile-run.xz. Results in
# $OUT/results.tgz.
set -u
final=${OUT:-/tmp/out}; out=/tmp/res; mkdir -p "$out" "$final"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
T=/tmp/t/tile-run
"$T" --version | head -1 | tee "$out/version.txt"
nvidia-smi --query-gpu=name --format=csv,noheader | tee -a "$out/version.txt"
r() { # name args...
  local name=$1; shift
  "$T" "$@" --json "$out/$name.jsonl" > "$out/$name.txt" 2>&1
  echo "$name rc=$? $(grep -E '^configs:' "$out/$name.txt" | tail -1) $(grep -E '^checked' "$out/$name.txt" | cut -c1-90)"
}
F="--tune --iters 3 --warmup 1"
r rms-1000x1000 kernels/rmsnorm.mlir --shape R=1000,C=1000 $F
r rms-333x4001 kernels/rmsnorm.mlir --shape R=333,C=4001 $F --packed
r rms-4096 kernels/rmsnorm.mlir --shape R=4096,C=4096 $F
r rms-16384x8192 kernels/rmsnorm.mlir --shape R=16384,C=8192 $F
r rms-f16-f32 kernels/rmsnorm.mlir --shape R=777,C=3000 $F --dtype f16 --out-dtype f32
r rms-ref-cpu kernels/rmsnorm.mlir --shape R=4096,C=4096 $F --reference cpu
mut=/tmp/mutants; rm -rf "$mut"; python3 test/mutants/make_mutants.py kernels "$mut" > /dev/null
for m in rmsnorm-no-weight rmsnorm-mean-over-block rmsnorm-wrong-eps; do
  r $m $mut/$m.mlir --shape R=1000,C=1000 --tune --iters 1 --warmup 0
done
r rms-store-past-end kernels/rmsnorm.mlir --shape R=333,C=4000 --test-mutation=store-past-end --tune --iters 1 --warmup 0
tar -C "$out" -czf "$final/results.tgz" .
