#!/usr/bin/env bash
# On the GPU machine (issue 11), one call: the kernels without tile.dot
# (softmax, layernorm; MIN_BLOCKS tuned) at the issue's shapes, the GEMMs
# with fused epilogues (bias+GELU, bias+SiLU, residual) and the plain GEMM
# at 4096^3 and 8192^3, every config verified, beside the peers of the same
# call (../shared/anchors.py: torch softmax/layernorm eager and compiled,
# the copy bandwidth, cuBLASLt bias+GELU, cuBLAS + torch's epilogue,
# torch.compile, cuBLAS). Needs .carry/tile-run.xz, .carry/anchors.py.
set -u
final=${OUT:-/tmp/out}; out=/tmp/res; mkdir -p "$out" "$final"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
T=/tmp/t/tile-run
"$T" --version | head -1 | tee "$out/version.txt"
nvidia-smi --query-gpu=name,clocks.max.sm,clocks.max.mem --format=csv,noheader | tee -a "$out/version.txt"
SHAPES="4096,4096 8192,8192 16384,16384 32768,4096"
for k in softmax layernorm; do
  for s in $SHAPES; do
    R=${s%,*}; C=${s#*,}
    "$T" kernels/$k.mlir --shape R=$R,C=$C --tune --json "$out/$k.jsonl" \
      > "$out/$k.$R.$C.txt" 2>&1
    echo "$k $R x $C rc=$? $(grep -E '^configs:' "$out/$k.$R.$C.txt") $(grep -E '^best' "$out/$k.$R.$C.txt" | head -1)"
  done
done
for n in 4096 8192; do
  for k in gemm_bias_gelu gemm_bias_silu gemm_residual; do
    "$T" kernels/gemm_epilogue.mlir --kernel $k --shape M=$n,N=$n,K=$n --tune \
      --json "$out/epi.jsonl" > "$out/$k.$n.txt" 2>&1
    echo "$k $n rc=$? $(grep -E '^configs:' "$out/$k.$n.txt") $(grep -E '^best' "$out/$k.$n.txt" | head -1)"
  done
  "$T" kernels/gemm.mlir --shape M=$n,N=$n,K=$n --tune --json "$out/gemm.jsonl" \
    > "$out/gemm.$n.txt" 2>&1
  echo "gemm $n rc=$? $(grep -E '^configs:' "$out/gemm.$n.txt") $(grep -E '^best' "$out/gemm.$n.txt" | head -1)"
done
python3 .carry/anchors.py --attn --rowops $SHAPES --epi 4096x4096x4096 8192x8192x8192 \
  --gemm 4096x4096x4096 8192x8192x8192 --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
grep -E "^ROW|^EPI|^GEMM|^COPY" "$out/anchors.txt" | cut -c1-400
tar czf "$final/results.tgz" -C "$out" .
