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
# (As run: commit 2c054ef; the kernels it cuts and its mutation job now come
# from bench/device_preamble.sh, the same commands.)
set -u
source bench/device_preamble.sh
start_clock "${BUDGET:-300}" "$T"
E=bench/exp-persistent-attn
persistent_attention_variants
job() {
  tune_limit=100
  case $1 in
    mut) mutation_part_job mut-persistent ;;
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
