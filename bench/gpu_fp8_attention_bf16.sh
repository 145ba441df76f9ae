#!/usr/bin/env bash
# On the GPU machine, in one call: the mutation test of the verifier with the
# fp8 attention mutants (bench/gpu_mutation_test.sh), then our bf16 attention
# (kernels/attention.mlir, --tune) at the fp8 attention seed shapes with
# S >= 2048 (B=4, H=48, D = 64 and 128, non-causal and causal): the
# "fp8 / our bf16" ratio of bench/gpu_fp8_attention_bench.sh.
# Needs .carry/tile-run.xz (static tile-run).
set -u
out=${OUT:-/tmp/out}; mkdir -p "$out"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
export T=/tmp/t/tile-run
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader | tee "$out/device.txt"
timeout 300 bash bench/gpu_mutation_test.sh > "$out/mutation.log" 2>&1
echo "mutation test rc=$?"; tail -45 "$out/mutation.log"
tune() {
  timeout 60 "$T" kernels/attention.mlir --tune --iters 10 --warmup 3 \
    --json "$out/bf16_attention.jsonl" "$@" 2>>"$out/errors.log" |
    tee -a "$out/tune.txt" | grep -E "^best|^==|WRONG|FAIL|lost|OOM|configs:"
}
for S in 4096 8192 2048 16384; do
  for D in 64 128; do
    tune --shape B=4,H=48,S=$S,D=$D
    tune --shape B=4,H=48,S=$S,D=$D --causal
  done
done
echo "errors logged: $(grep -c . "$out/errors.log" 2>/dev/null)"; grep -E "FAIL|lost|WRONG|error" "$out/errors.log" | head -20
