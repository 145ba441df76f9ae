#!/usr/bin/env bash
# On the GPU machine: the attention configs that fail (docs/design.md, "Known
# problems"), from .carry/attention_loose.mlir (the kernel without the
# constraints that leave them out): which shapes fail, then compute-sanitizer
# on one faulting and one non-finite config.
set -u
out=${OUT:-/tmp/out}; mkdir -p "$out"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
T=/tmp/t/tile-run; K=.carry/attention_loose.mlir
one() { timeout 120 "$T" $K --iters 2 --warmup 1 "$@" 2>&1 | grep -E "^==|ok$|WRONG|FAIL" | head -3; }
for cfg in BLOCK_M=128,BLOCK_N=64,WARPS=8,STAGES=3 BLOCK_M=64,BLOCK_N=64,WARPS=4,STAGES=2; do
  for s in B=1,H=1,S=128,D=64 B=1,H=1,S=1024,D=64 B=1,H=8,S=1024,D=64 B=4,H=48,S=1024,D=64 B=4,H=48,S=4096,D=64; do
    one --shape $s --config $cfg
  done
done
CS=$(command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer 2>/dev/null | head -1)
echo "sanitizer: $CS"
if [ -n "$CS" ]; then
  for tool in memcheck synccheck; do
    timeout 200 $CS --tool $tool --print-limit 5 "$T" $K --iters 1 --warmup 0 --shape B=4,H=48,S=1024,D=64 --config BLOCK_M=64,BLOCK_N=64,WARPS=4,STAGES=2 2>&1 | grep -v "^\s*$" | head -40
    timeout 200 $CS --tool $tool --print-limit 5 "$T" $K --iters 1 --warmup 0 --shape B=4,H=48,S=1024,D=64 --config BLOCK_M=128,BLOCK_N=64,WARPS=8,STAGES=3 2>&1 | grep -v "^\s*$" | head -40
  done
fi
