#!/usr/bin/env bash
# Session 15, call 10: the submitted code. The persistent fp8 GEMM's
# entries of the mutation test (two controls, its two mutants, the
# planted store-past-end bug; PART=persistent), then
# bench/gpu_session15_persistent.sh QUICK (every config verified at
# awkward shapes, e4m3 and bf16, the mutants again, both fp8 GEMMs tuned at
# 4096³ and 8192³ beside cuBLASLt). Every other kernel's PTX is
# byte-identical to session 14's (checked locally), so session 14's
# mutation test stands for them. Needs .carry/tile-run.xz.
set -u
source bench/device_preamble.sh
PART=persistent OUT=$out T=$T bash bench/gpu_mutation_test.sh 2>&1 | tail -6 | cut -c1-160
python3 bench/summarize_mutants.py "$out/mutants.jsonl" 2>&1 | tail -12
mkdir -p /tmp/keep && cp -r "$out"/. /tmp/keep/
QUICK=1 OUT=$final bash bench/gpu_session15_persistent.sh 2>&1 | grep -v "^tile-run\|^NVIDIA"
# (the second script empties $out: keep the first's files beside its own)
mkdir -p "$out/mutation" && cp -r /tmp/keep/. "$out/mutation/"
tar czf "$final/results.tgz" -C "$out" .
