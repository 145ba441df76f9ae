#!/usr/bin/env bash
# Session 22, call 5 (nvidia-h200-x4): the final code (the multiplier made
# right after its divisor, shared by sibling loops, instead of before each
# loop as calls 3-4 ran it) checked again where it changes the code:
#   GPU 0: PART=persistent of bench/gpu_mutation_test.sh (divide-floor
#     included);
#   GPU 1: fp8_gemm and fp8_gemm_persistent tuned at 4096^3 and 8192^3;
#   GPU 2: fp8_attention and the carried persistent attention cut to the
#     best tile (as bench/gpu_session22_divisions.sh), D = 64 and 128;
#   GPU 3: the carried persistent attention's every config at the seed
#     shapes, causal (calls 3 ran it non-causal), D = 64 then D = 128.
set -u
source bench/device_preamble.sh
start_clock "${BUDGET:-300}" "$T"
E=bench/exp-persistent-attn
cut_space() { # cut_space KERNEL OUT BM WARPS
  sed -E "s/(#tile.param<\"BLOCK_M\", )\[[0-9, ]+\]/\1[$3]/; s/(#tile.param<\"BLOCK_N\", )\[[0-9, ]+\]/\1[128]/;
          s/(#tile.param<\"WARPS\", )\[[0-9, ]+\]/\1[$4]/; s/(#tile.param<\"MIN_BLOCKS\", )\[[0-9, ]+\]/\1[1]/" "$1" > "$2"
}
mkdir -p /tmp/k
for d in 64 128; do
  bm=256 w=16; [ $d = 128 ] && bm=192 w=12
  cut_space kernels/fp8_attention.mlir /tmp/k/R-$d.mlir $bm $w
  cut_space $E/fp8_attention_persistent_carried.mlir /tmp/k/C-$d.mlir $bm $w
done
job() {
  tune_limit=100
  case $1 in
    mut) PART=persistent OUT=$out T=$T timeout "$(left)" bash bench/gpu_mutation_test.sh 2>&1 | tail -3 | cut -c1-200
         python3 bench/summarize_mutants.py "$out/mutants.jsonl" 2>&1 | tail -2 | cut -c1-200 ;;
    gemm) local G="M=4096,N=4096,K=4096 --shape M=8192,N=8192,K=8192"
          run_tune gemm-fp8 kernels/fp8_gemm.mlir $G
          run_tune gemm-persistent-new kernels/fp8_gemm_persistent.mlir $G ;;
    attn) local v
          for v in R C; do run_tune d64-$v /tmp/k/$v-64.mlir B=4,H=48,S=2048,D=64 --shape B=4,H=48,S=4096,D=64 --shape B=4,H=48,S=8192,D=64; done
          for v in R C; do run_tune d128-$v /tmp/k/$v-128.mlir B=4,H=48,S=2048,D=128 --shape B=4,H=48,S=4096,D=128; done ;;
    seed) SEED_MODES=causal attention_seed_verify $E/fp8_attention_persistent_carried.mlir 100 64 128 ;;
  esac
}
worker 0 mut & worker 1 gemm & worker 2 attn & worker 3 seed &
wait_workers
