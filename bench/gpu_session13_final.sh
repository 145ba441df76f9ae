#!/usr/bin/env bash
# On the GPU machine (session 13, calls 3 and 4), with the binary that has
# no attention lowering left (fp8 attention op by op). PART=1: the
# verifier's mutation test, part 1 (bench/gpu_mutation_test.sh: the GEMM,
# fp8 GEMM, attention and fp8 attention families, every control verified,
# every mutant WRONG). PART=2: fp8 attention and bf16 attention tuned at
# the seed's shapes (B = 4, H = 48, D = 64 / 128) beside the peers of
# anchors.py in this call: --tattn (Triton flash attention in bf16 and
# e4m3, the seed's triton_flash_v2) and --attn (torch SDPA: FA2, cuDNN).
# Needs .carry/tile-run.xz and .carry/anchors.py. Results in
# $OUT/results.tgz.
set -u
source bench/device_preamble.sh
if [ "${PART:-1}" = 1 ]; then
  PART=1 OUT=$out T=$T bash bench/gpu_mutation_test.sh 2>&1 | tail -8 | cut -c1-160
  python3 bench/summarize_mutants.py "$out/mutants.jsonl" 2>&1 | tail -60
else
  attention_seed_tunes  # (bench/device_preamble.sh: the same loop)
  PYTHONUNBUFFERED=1 timeout 300 python3 .carry/anchors.py --attn 4,48,4096,64 4,48,4096,128 \
    --gemm --tattn 4,48,2048,64 4,48,4096,64 4,48,8192,64 4,48,2048,128 4,48,4096,128 \
    --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
  echo "anchors rc=$?"; grep -vE "^\s*$" "$out/anchors.txt" | tail -40 | cut -c1-200
fi
tar czf "$final/results.tgz" -C "$out" .
