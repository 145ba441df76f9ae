#!/usr/bin/env bash
# Session 16, call 4: the mutation test's fp8 attention entries
# (PART=fp8_attention: controls, mutants and planted bugs of
# kernels/fp8_attention.mlir and kernels/fp8_attention_overlap.mlir, each
# over its whole tuning space — now with OVERLAP = 0 and 1) on the binary
# of call 3. The other kernels' PTX is byte-identical to session 15's.
# Needs .carry/tile-run.xz.
set -u
source bench/device_preamble.sh
PART=fp8_attention OUT=$out T=$T bash bench/gpu_mutation_test.sh 2>&1 | tail -20 | cut -c1-160
python3 bench/summarize_mutants.py "$out/mutants.jsonl" 2>&1 | tail -24
tar czf "$final/results.tgz" -C "$out" .
