#!/usr/bin/env bash
# On the GPU machine (issue 11): the chunked layernorm (loops carrying
# tiles) against the whole-row one and torch, same call; awkward shapes
# verified. Needs .carry/tile-run.xz, .carry/anchors.py.
set -u
final=${OUT:-/tmp/out}; out=/tmp/res; mkdir -p "$out" "$final"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
T=/tmp/t/tile-run
"$T" --version | head -1 | tee "$out/version.txt"
SHAPES="4096,4096 8192,8192 16384,16384 32768,4096"
for k in layernorm_chunked layernorm softmax; do
  for s in $SHAPES; do
    R=${s%,*}; C=${s#*,}
    "$T" kernels/$k.mlir --shape R=$R,C=$C --tune --json "$out/$k.jsonl" > "$out/$k.$R.$C.txt" 2>&1
    echo "$k $R x $C rc=$? $(grep -E '^configs:' "$out/$k.$R.$C.txt") $(grep -E '^best' "$out/$k.$R.$C.txt" | head -1)"
  done
done
for s in R=1000,C=1000 R=333,C=4000 R=7,C=20000; do
  "$T" kernels/layernorm_chunked.mlir --shape $s --tune --iters 1 --warmup 0 > "$out/check.$s.txt" 2>&1
  echo "layernorm_chunked $s rc=$? $(grep -E '^configs:' "$out/check.$s.txt")"
done
"$T" kernels/layernorm_chunked.mlir --shape R=333,C=4000 --tune --iters 1 --warmup 0 --packed > "$out/check.packed.txt" 2>&1
echo "layernorm_chunked packed rc=$? $(grep -E '^configs:' "$out/check.packed.txt")"
python3 .carry/anchors.py --attn --gemm --rowops $SHAPES --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
grep -E "^ROW|^COPY" "$out/anchors.txt"
tar czf "$final/results.tgz" -C "$out" .
