#!/usr/bin/env bash
# On the GPU machine (session 10, second router call): is the router's
# disagreement with --reference cpu (1.96x the consistency bound at
# H = 1000, 15x at H = 4096, identical in every config) the two f32
# summation orders of the GEMM's H-long dot products, amplified by exp?
# Then it grows with H: the same T and E at H = 64 ... 4096, each with the
# planted bug reduce-in-thread beside it. And E = 256, whose default config
# --reference cpu could not use before.
set -u
source bench/device_preamble.sh
R=test/Conversion/Inputs/gemm-row-softmax.mlir
for H in 64 256 1000 4096; do
  run_tune router-h $R T=777,H=$H,E=64 --reference cpu
done
run_tune router-h $R T=777,H=64,E=64 --reference cpu --test-mutation=reduce-in-thread
run_tune router-e256 $R T=777,H=256,E=256 --reference cpu
run_tune router-e256 $R T=777,H=256,E=256 --reference cpu --test-mutation=reduce-in-thread
run_tune router-e256 $R T=16384,H=4096,E=256 --reference cpu
grep -E "^BLOCK|WRONG:" "$out/runs.txt" | awk '{print $NF, $(NF-1)}' | sort | uniq -c
tar czf "$final/results.tgz" -C "$out" .
