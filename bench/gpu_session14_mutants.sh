#!/usr/bin/env bash
# Session 14, calls 9-10: the whole mutation test (bench/gpu_mutation_test.sh,
# now with the rotated fp8 attention's mutants) on the submitted code,
# PART=1 (GEMMs, attention, fp8) and PART=2 (row kernels, epilogues,
# transpose), each summarized by bench/summarize_mutants.py.
set -u
source bench/device_preamble.sh
PART=${PART:-1} OUT=$out T=$T bash bench/gpu_mutation_test.sh 2>&1 | tail -4 | cut -c1-160
python3 bench/summarize_mutants.py "$out/mutants.jsonl" 2>&1 | tail -70
tar czf "$final/results.tgz" -C "$out" .
