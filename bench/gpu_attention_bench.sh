#!/usr/bin/env bash
# On the GPU machine, in one call: tile-run --tune (verify, then time every
# config of the space) for the seed's flash-attention shapes, (4,48,S,S,64)
# and (4,32,S,S,128) for S = 128 .. 16384, non-causal and causal; f16 at two
# shapes; then the peers of the same call (../shared/anchors.py, copied to
# .carry/anchors.py by the caller: torch SDPA FA2 and cuDNN, flex_attention)
# and a summary table. Needs .carry/tile-run.xz (static tile-run).
set -u
out=${OUT:-/tmp/out}; mkdir -p "$out"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
T=/tmp/t/tile-run
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader | tee "$out/device.txt"
tune() {
  "$T" kernels/attention.mlir --tune --iters 10 --warmup 3 --json "$out/attention.jsonl" "$@" \
    2>>"$out/errors.log" | tee -a "$out/tune.txt" | grep -E "^best|^==|WRONG|FAIL|lost|OOM"
}
for c in "" "--causal"; do
  for S in 128 256 512 1024 2048 4096 8192 16384; do
    tune --shape B=4,H=48,S=$S,D=64 $c
    tune --shape B=4,H=32,S=$S,D=128 $c
  done
done
tune --shape B=4,H=48,S=4096,D=64 --dtype f16
tune --shape B=4,H=32,S=4096,D=128 --dtype f16 --causal
if [ -f .carry/anchors.py ]; then
  PYTHONUNBUFFERED=1 python3 .carry/anchors.py --gemm --json "$out/anchors.json" 2>&1 | grep -E "^ATT"
fi
python3 bench/summarize_attention.py "$out/attention.jsonl" "$out/anchors.json" | tee "$out/summary.md"
echo "errors logged: $(grep -c . "$out/errors.log" 2>/dev/null)"; grep -E "FAIL|lost|WRONG" "$out/errors.log" | head -20
