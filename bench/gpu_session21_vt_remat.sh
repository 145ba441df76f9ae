#!/usr/bin/env bash
# Prepared in session 20; not run: session 21 ran its checks as one
# four-GPU call instead (bench/gpu_session21_x4.sh).
# landing bench/exp-vt-remat/patch.diff
# (fp8's Vᵀ transposition re-reads the thread index each iteration, so its
# addresses are not kept live across the loop: the best D = 128 config's
# spills 8 -> 0, D = 64's 64 -> 24; session 20's call 8 timed it within 1%
# of main except 192 x 192 / 12, -1.3%). Needs .carry/pair.tar.xz with
# tile-run (main, 1a9f5e3) and tile-run-branch (1a9f5e3 + patch.diff), and
# no .carry/tile-run.xz beside it (the tree and one archive fill the
# device's 64 MiB). STAGE picks the call:
#   STAGE=1 (~8 min): the fp8 attention mutation entries (PART=fp8_attention)
#     with the branch's binary, then fp8 attention tuned at the milestone's
#     ten shapes with both binaries in alternating order (every config
#     verified; the tuner's pick with the patch against main's).
#   STAGE=2 ... 5 (~5-6.5 min each, estimated from session 20's call 1:
#     ~8 s a config at D = 128, ~6 at D = 64 for the 8 non-causal shapes):
#     the branch's whole fp8 space at every seed shape of issue 9
#     (S 128 ... 16384): D = 128 non-causal, D = 128 causal, D = 64
#     non-causal, D = 64 causal.
set -u
source bench/device_preamble.sh
B=/tmp/t/tile-run-branch
"$B" --version | head -1 | tee -a "$out/version.txt"
case "${STAGE:-1}" in
1)
  PART=fp8_attention OUT=$out/mut T=$B bash bench/gpu_mutation_test.sh 2>&1 | tail -3 | cut -c1-200
  python3 bench/summarize_mutants.py "$out/mut/mutants.jsonl" 2>&1 | tail -2 | cut -c1-200
  pack
  F=kernels/fp8_attention.mlir i=0
  for args in "B=4,H=48,S=2048,D=64 --shape B=4,H=48,S=4096,D=64 --shape B=4,H=48,S=8192,D=64" \
              "B=4,H=48,S=2048,D=128 --shape B=4,H=48,S=4096,D=128"; do
    for c in "" --causal; do
      i=$((i + 1))
      if [ $((i % 2)) = 1 ]; then order="main branch"; else order="branch main"; fi
      for v in $order; do
        if [ $v = main ]; then BIN=$T; else BIN=$B; fi
        BIN=$BIN run_tune $v-$i$c $F $args $c
      done
      pack
    done
  done ;;
2) SEED_MODES=plain T=$B attention_seed_verify kernels/fp8_attention.mlir 560 128 ;;
3) SEED_MODES=causal T=$B attention_seed_verify kernels/fp8_attention.mlir 560 128 ;;
4) SEED_MODES=plain T=$B attention_seed_verify kernels/fp8_attention.mlir 560 64 ;;
5) SEED_MODES=causal T=$B attention_seed_verify kernels/fp8_attention.mlir 560 64 ;;
esac
pack
