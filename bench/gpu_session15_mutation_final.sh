#!/usr/bin/env bash
# Session 15, call 12: the mutation test's persistent fp8 GEMM entries
# (PART=persistent: two controls, its two mutants, the planted
# store-past-end bug) on the final binary, after the last read of the
# change (PTX of every kernel unchanged since call 10). Needs
# .carry/tile-run.xz.
set -u
source bench/device_preamble.sh
PART=persistent OUT=$out T=$T bash bench/gpu_mutation_test.sh 2>&1 | tail -6 | cut -c1-160
python3 bench/summarize_mutants.py "$out/mutants.jsonl" 2>&1 | tail -8
tar czf "$final/results.tgz" -C "$out" .
