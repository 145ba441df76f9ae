#!/usr/bin/env bash
# Session 20, call 6 (~2 min): (1) the static tile-run of this session's
# final code (wgmma advisory reporting) on the GPU: one fp8 attention
# config whose wgmmas ptxas serializes, verified and timed, its row, best
# line and --json line; (2) ncu profiles (--set full, source counters) of
# the question sessions 18-19 left: 192 x 128 / 12 at D = 64 runs 7% slower
# with 2 stages than with 3 at OVERLAP = 0; and of our bf16 attention's
# best D = 64 config, to compare its stalls with fp8's (calls 2-3).
set -u
source bench/device_preamble.sh
run_one check kernels/fp8_attention.mlir B=4,H=48,S=4096,D=64 \
  BLOCK_M=256,BLOCK_N=128,WARPS=16,STAGES=2,OVERLAP=1
grep -E '^best' /tmp/one.txt | tee "$out/check-best.txt"
grep -o '"wgmma_serialized": "[^"]*"' "$out/check.jsonl"
N=/usr/local/cuda/bin/ncu
prof() { # name kernel regex config
  timeout 100 $N -k "regex:^$3\$" -c 1 --set full --import-source yes -o "$out/$1" \
    "$T" "$2" --shape B=4,H=48,S=4096,D=64 --config "$4" --iters 1 --warmup 0 \
    --no-cache > "$out/$1.log" 2>&1
  echo "$1 rc=$?"
  $N -i "$out/$1.ncu-rep" --page details > "$out/$1.details.txt" 2>&1
  $N -i "$out/$1.ncu-rep" --page source --csv --print-source sass > "$out/$1.sass.csv" 2>&1
  rm -f "$out/$1.ncu-rep"
  grep -E "^\s+(Duration|Issue Slots Busy|Eligible Warps Per Scheduler)" "$out/$1.details.txt" | sed 's/  */ /g'
  pack
}
prof fp8-12w-s2-o0 kernels/fp8_attention.mlir fp8_attention BLOCK_M=192,BLOCK_N=128,WARPS=12,STAGES=2,OVERLAP=0
prof fp8-12w-s3-o0 kernels/fp8_attention.mlir fp8_attention BLOCK_M=192,BLOCK_N=128,WARPS=12,STAGES=3,OVERLAP=0
prof bf16-16w-s2 kernels/attention.mlir attention BLOCK_M=256,BLOCK_N=128,WARPS=16,STAGES=2
