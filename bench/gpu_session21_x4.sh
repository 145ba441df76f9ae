#!/usr/bin/env bash
# Session 21, call 1: one call on four GPUs (nvidia-h200-x4): everything that
# landing bench/exp-vt-remat/patch.diff needs (session 20 had planned them
# as five one-GPU calls). It needs session 20's .carry/pair.tar.xz: tile-run
# (main 1a9f5e3) and tile-run-branch (1a9f5e3 + the patch).
# Device time counts the machine's wall clock, not its GPUs, so the jobs
# run side by side:
#   GPU 0: the timing job alone: fp8 attention tuned at the milestone's ten
#          shapes with main's and the patch's binaries, in alternating order
#          (every config verified); nothing else runs on that GPU.
#   GPU 1: the fp8 attention mutation entries (PART=fp8_attention) with the
#          patch's binary.
#   GPU 2: the patch's whole fp8 space at the seed shapes, D = 128
#          non-causal, and beside it D = 64 non-causal.
#   GPU 3: the same, causal.
# run_tune's limit is cut to the time left (cap), so a tune that
# the deadline stops is recorded with rc=124; none starts with < 20 s left.
# The correctness jobs share GPUs: nothing they do is timed. Each job
# writes to its own folder under $out and its own scratch file ($one); this
# shell packs the results every 20 s and at the end. Every job stops at the
# deadline (BUDGET seconds after the start, default 520), so the call ends
# inside the device's 600 s and keeps what finished.
set -u
source bench/device_preamble.sh
B=/tmp/t/tile-run-branch
start_clock "${BUDGET:-520}" "$B"

job() {
  local F=kernels/fp8_attention.mlir
  case $1 in
  tunes)
    local i=0 args c order v
    for args in "B=4,H=48,S=2048,D=64 --shape B=4,H=48,S=4096,D=64 --shape B=4,H=48,S=8192,D=64" \
                "B=4,H=48,S=2048,D=128 --shape B=4,H=48,S=4096,D=128"; do
      for c in "" --causal; do
        i=$((i + 1))
        if [ $((i % 2)) = 1 ]; then order="main branch"; else order="branch main"; fi
        for v in $order; do
          if [ $v = main ]; then BIN=$T; else BIN=$B; fi
          [ "$(left)" -lt 20 ] && continue
          BIN=$BIN run_tune $v-$i$c $F $args $c
        done
      done
    done ;;
  mut)
    PART=fp8_attention OUT=$out T=$B timeout "$(left)" bash bench/gpu_mutation_test.sh 2>&1 | tail -3 | cut -c1-200
    python3 bench/summarize_mutants.py "$out/mutants.jsonl" 2>&1 | tail -2 | cut -c1-200 ;;
  s128p) SEED_MODES=plain T=$B attention_seed_verify $F "$(left)" 128 ;;
  s128c) SEED_MODES=causal T=$B attention_seed_verify $F "$(left)" 128 ;;
  s64p) SEED_MODES=plain T=$B attention_seed_verify $F "$(left)" 64 ;;
  s64c) SEED_MODES=causal T=$B attention_seed_verify $F "$(left)" 64 ;;
  esac
}

worker 0 tunes & worker 1 mut &
worker 2 s128p & worker 2 s64p & worker 3 s128c & worker 3 s64c &
wait_workers
