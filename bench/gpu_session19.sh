#!/usr/bin/env bash
# Prepared in session 18 for the next session's first call (one call,
# ~5 minutes; ask for nvidia-h100-x1 if lent): with main's static
# tile-run in .carry/tile-run.xz,
# 1. the mutation test's entries that session 18 could not run (the
#    rotated fp8 attention's causal D = 128 control and its three mutants:
#    PART=overlap, ~30 s);
# 2. the fp8 attention milestone at the seed shapes with session 18's
#    uniform-warpgroup lowering: fp8 and bf16 attention tuned beside
#    Triton's fp8/bf16 flash attention and cuDNN (anchors.py) in the same
#    call, every config verified.
# 3. the SASS of the configs that lost 4-9% with uniform descriptors
#    (192 x 128 / 12 / s2 at D = 64 and 128; session 18's call 2) and of
#    the one that gained (s3), before (ptx-main/) and after (ptx/), whole
#    listings, for a diff on the developer's machine (no cuobjdump there);
#    with D = 64's two best configs, whose loop's instruction mix (issue
#    slots against MUFU.EX2's 16 a clock an SM) is the next question there.
# 4. (added in session 19) the ex2.approx.f16x2 throughput probe.
set -u
source bench/device_preamble.sh
export PATH=/usr/local/cuda/bin:$PATH
mkdir -p "$out/sass"
for n in fp8_attention-d64-BLOCK_M-192_BLOCK_N-128_WARPS-12_STAGES-2_OVERLAP-0 \
         fp8_attention-d128-BLOCK_M-192_BLOCK_N-128_WARPS-12_STAGES-2_OVERLAP-0 \
         fp8_attention-d128-BLOCK_M-192_BLOCK_N-128_WARPS-12_STAGES-3_OVERLAP-0 \
         fp8_attention-d64-BLOCK_M-128_BLOCK_N-256_WARPS-8_STAGES-3_OVERLAP-1 \
         fp8_attention-d64-BLOCK_M-192_BLOCK_N-192_WARPS-12_STAGES-3_OVERLAP-0; do
  for v in ptx-main ptx; do
    ptxas -arch=sm_90a -o /tmp/k.cubin bench/exp-uniform-wg/$v/$n.ptx &&
      cuobjdump -sass /tmp/k.cubin > "$out/sass/$n.$v.sass"
  done
done
PART=overlap OUT=$out/mut T=$T bash bench/gpu_mutation_test.sh 2>&1 | tail -8 | cut -c1-160
python3 bench/summarize_mutants.py "$out/mut/mutants.jsonl" 2>&1 | tail -2 | cut -c1-200
# 4. Whether ex2.approx.f16x2 gives two exponentials for one SFU issue
#    (bench/mufu_f16x2_probe.py, ~20 s): the question behind an f16x2
#    softmax for fp8 attention at D = 64, where the SFU and issue bounds
#    are within 15% of each other (session 18).
mkdir -p "$out/mufu"
timeout 120 python3 bench/mufu_f16x2_probe.py --sass-dir "$out/mufu" 2>&1 | tail -8 | cut -c1-300 |
  tee "$out/mufu/probe.txt"
attention_milestone
tar czf "$final/results.tgz" -C "$out" .
