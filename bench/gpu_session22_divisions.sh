#!/usr/bin/env bash
# Session 22, call 3 (nvidia-h200-x4): tile-invariant-divisions (the loop's
# 32-bit divisions by loop invariants become a multiply-high and shifts).
# .carry/pair.tar.xz holds tile-run (this branch, with the pass) and
# tile-run-old (main's 659bd55, without it): the same kernels, before and
# after, in the same call.
#   GPUs 0, 1: kernels/fp8_gemm.mlir (with cuBLASLt, the peer) and
#     kernels/fp8_gemm_persistent.mlir with each binary, at 4096^3 and
#     8192^3, every config verified; then GPU 0 runs the persistent GEMM's
#     mutation entries (PART=persistent, the new divide-floor one included)
#     and GPU 1 the seed-shape verification of the persistent attention
#     program with carried rows (D = 64).
#   GPUs 2, 3: the split's kernels (bench/gpu_session22_split.sh) R, P, C
#     cut to the best tile, P and C with each binary, D = 64 and 128; then
#     GPU 3 verifies the carried persistent attention at the seed shapes
#     (D = 128).
# (As run: commit ec34ecc; the kernels it cuts and its mutation job now come
# from bench/device_preamble.sh, the same commands.)
set -u
source bench/device_preamble.sh
OLD=/tmp/t/tile-run-old
start_clock "${BUDGET:-420}" "$T"
"$OLD" --version | head -1 | tee -a "$out/version.txt"
E=bench/exp-persistent-attn
persistent_attention_variants
G="M=4096,N=4096,K=4096 --shape M=8192,N=8192,K=8192"
D64="B=4,H=48,S=2048,D=64 --shape B=4,H=48,S=4096,D=64 --shape B=4,H=48,S=8192,D=64"
D128="B=4,H=48,S=2048,D=128 --shape B=4,H=48,S=4096,D=128"
job() {
  tune_limit=100
  case $1 in
    r1|r2)
      local order="new old"; [ $1 = r2 ] && order="old new"
      run_tune gemm-fp8 kernels/fp8_gemm.mlir $G
      for b in $order; do
        BIN=$T; [ $b = old ] && BIN=$OLD
        BIN=$BIN run_tune gemm-persistent-$b kernels/fp8_gemm_persistent.mlir $G
      done
      if [ $1 = r1 ]; then
        PART=persistent OUT=$out/mut T=$T bash bench/gpu_mutation_test.sh 2>&1 | tail -3 | cut -c1-200
        python3 bench/summarize_mutants.py "$out/mut/mutants.jsonl" 2>&1 | tail -4 | cut -c1-200
      else
        SEED_MODES=plain attention_seed_verify $E/fp8_attention_persistent_carried.mlir 100 64
      fi ;;
    r3|r4)
      local v b order="R P-new C-new P-old C-old"
      [ $1 = r4 ] && order="C-old P-old C-new P-new R"
      for v in $order; do
        BIN=$T; case $v in *-old) BIN=$OLD ;; esac
        BIN=$BIN run_tune d64-$v /tmp/k/${v%-*}-64.mlir $D64
      done
      for v in $order; do
        case $v in P-*) continue ;; esac
        BIN=$T; case $v in *-old) BIN=$OLD ;; esac
        BIN=$BIN run_tune d128-$v /tmp/k/${v%-*}-128.mlir $D128
      done
      [ $1 = r4 ] && SEED_MODES=plain attention_seed_verify $E/fp8_attention_persistent_carried.mlir 100 128 ;;
  esac
}
worker 0 r1 & worker 1 r2 & worker 2 r3 & worker 3 r4 &
wait_workers
