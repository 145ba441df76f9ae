#!/usr/bin/env bash
# Session 17, calls 1-2: the whole mutation test (PART=1, then PART=2 on
# the same warm machine) on the submitted code of session 16 (e5e734d),
# which session 16 could not run after its final read. With PART=1 also
# the SASS of fp8 attention's best configs (compile only, --dump-dir;
# cuobjdump exists there) for this session's spill work.
# Needs .carry/tile-run.xz.
set -u
source bench/device_preamble.sh
PART=${PART:-1} OUT=$out T=$T bash bench/gpu_mutation_test.sh 2>&1 | tail -40 | cut -c1-160
python3 bench/summarize_mutants.py "$out/mutants.jsonl" 2>&1 | tail -30
if [ "${PART:-1}" = 1 ]; then
  export PATH=/usr/local/cuda/bin:$PATH
  for c in BLOCK_M=192,BLOCK_N=128,WARPS=12,STAGES=3,OVERLAP=0 \
           BLOCK_M=192,BLOCK_N=128,WARPS=12,STAGES=2,OVERLAP=0 \
           BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=3,OVERLAP=1; do
    "$T" kernels/fp8_attention.mlir --shape B=4,H=48,S=2048,D=128 --config $c \
      --compile-only --no-cache --dump-dir "$out/sass" > /dev/null 2>&1
  done
  for c in BLOCK_M=192,BLOCK_N=128,WARPS=12,STAGES=2,OVERLAP=0 \
           BLOCK_M=128,BLOCK_N=256,WARPS=8,STAGES=3,OVERLAP=1; do
    "$T" kernels/fp8_attention.mlir --shape B=4,H=48,S=2048,D=64 --config $c \
      --compile-only --no-cache --dump-dir "$out/sass" > /dev/null 2>&1
  done
  find "$out/sass" -name sass.txt | while read f; do
    echo "$f: $(grep -c QGMMA "$f") QGMMA, $(grep -cE 'STL|LDL' "$f") STL/LDL"; done
fi
tar czf "$final/results.tgz" -C "$out" .
