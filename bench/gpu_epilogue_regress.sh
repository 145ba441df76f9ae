#!/usr/bin/env bash
# On the GPU machine (issue 11), one call: the GEMM epilogues again after
# the approximate division (bias+GELU, bias+SiLU, residual, plain GEMM at
# 4096^3 and 8192^3), and the no-regression check of attention at the
# issue's shapes, with the peers of the same call (anchors.py --epi, --gemm,
# --attn). Needs .carry/tile-run.xz, .carry/anchors.py.
set -u
final=${OUT:-/tmp/out}; out=/tmp/res; mkdir -p "$out" "$final"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
T=/tmp/t/tile-run
"$T" --version | head -1 | tee "$out/version.txt"
for n in 4096 8192; do
  for k in gemm_bias_gelu gemm_bias_silu gemm_residual; do
    "$T" kernels/gemm_epilogue.mlir --kernel $k --shape M=$n,N=$n,K=$n --tune \
      --json "$out/epi.jsonl" > "$out/$k.$n.txt" 2>&1
    echo "$k $n rc=$? $(grep -E '^configs:' "$out/$k.$n.txt") $(grep -E '^best' "$out/$k.$n.txt" | head -1)"
  done
  "$T" kernels/gemm.mlir --shape M=$n,N=$n,K=$n --tune --json "$out/gemm.jsonl" > "$out/gemm.$n.txt" 2>&1
  echo "gemm $n rc=$? $(grep -E '^configs:' "$out/gemm.$n.txt") $(grep -E '^best' "$out/gemm.$n.txt" | head -1)"
done
"$T" kernels/attention.mlir --shape B=4,H=48,S=4096,D=64 --tune --json "$out/attn.jsonl" > "$out/attn.64.txt" 2>&1
echo "attention D=64 rc=$? $(grep -E '^configs:' "$out/attn.64.txt") $(grep -E '^best' "$out/attn.64.txt" | head -1)"
"$T" kernels/attention.mlir --shape B=4,H=32,S=4096,D=128 --tune --json "$out/attn.jsonl" > "$out/attn.128.txt" 2>&1
echo "attention D=128 rc=$? $(grep -E '^configs:' "$out/attn.128.txt") $(grep -E '^best' "$out/attn.128.txt" | head -1)"
python3 .carry/anchors.py --attn 4,48,4096,64 4,32,4096,128 --epi 4096x4096x4096 8192x8192x8192 \
  --gemm 4096x4096x4096 8192x8192x8192 --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
grep -E "^ATTN|^EPI|^GEMM|^COPY" "$out/anchors.txt" | cut -c1-400
tar czf "$final/results.tgz" -C "$out" .
