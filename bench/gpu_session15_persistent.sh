#!/usr/bin/env bash
# Session 15, calls 1-4 and 8: fp8 GEMM as a persistent kernel
# (kernels/fp8_gemm_persistent.mlir) beside kernels/fp8_gemm.mlir.
# 1. Every config of the persistent kernel verified at awkward shapes
#    (partial blocks, K not a multiple of the block, few rows, other
#    outputs, e5m2, scales), and two mutants (accumulator never restarted,
#    epilogue at a block's first k-step) that must be WRONG.
# 2. Both kernels tuned (every config verified) at 4096³, 8192³ and
#    4096 x 14336 x 4096, with tile-run's cuBLASLt peer row, and
#    anchors.py's torch._scaled_mm in the same call.
# 3. SASS of the best persistent config: QGMMA count, spills.
# Needs .carry/tile-run.xz and .carry/anchors.py. QUICK=1 (call 2, the
# program's index math in 32 bits, BLOCK_K 64 and up to 6 stages): fewer
# correctness shapes, no 4096 x 14336 x 4096, no anchors.py.
set -u
source bench/device_preamble.sh
P=kernels/fp8_gemm_persistent.mlir

echo "== correctness"
run_tune ok-awkward $P M=777,N=1331,K=1008
if [ -z "${QUICK:-}" ]; then
run_tune ok-awkward $P M=777,N=1331,K=1008 --out-dtype bf16 --scale-a 0.5 --scale-b 3
run_tune ok-awkward $P M=1000,N=999,K=272 --out-dtype f32 --dtype f8e5m2
run_tune ok-awkward $P M=16,N=8192,K=8192
run_tune ok-awkward $P M=300,N=200,K=16
fi
run_tune ok-many $P M=3000,N=4100,K=272
# The same program in bf16 (16-bit wgmma with scale-d from a register).
sed 's/f8E4M3FN/bf16/g' $P > /tmp/persistent_bf16.mlir
run_tune ok-bf16 /tmp/persistent_bf16.mlir M=777,N=1331,K=1000
run_tune ok-bf16 /tmp/persistent_bf16.mlir M=3000,N=4100,K=272
# Mutants: text edits of the program; every config must be WRONG.
mkdir -p /tmp/mut
sed 's/%acc_in = arith.select %first, %init, %acc : !acc/%acc_in = arith.select %first, %acc, %acc : !acc/' $P > /tmp/mut/no-restart.mlir
sed 's/%last = arith.cmpi eq, %kk, %k_last : index/%last = arith.cmpi eq, %kk, %c0 : index/' $P > /tmp/mut/store-first-k.mlir
for m in no-restart store-first-k; do
  cmp -s $P /tmp/mut/$m.mlir && echo "MUTANT $m: sed changed nothing"
  # More C blocks than programs (132) in every config: each program
  # computes several blocks.
  run_tune mut-$m /tmp/mut/$m.mlir M=3000,N=4100,K=272
done

echo "== performance"
SHAPES="M=4096,N=4096,K=4096 M=8192,N=8192,K=8192 M=4096,N=14336,K=4096"
[ -n "${QUICK:-}" ] && SHAPES="M=4096,N=4096,K=4096 M=8192,N=8192,K=8192"
for Q in $SHAPES; do
  run_tune perf-fp8_gemm kernels/fp8_gemm.mlir $Q
  run_tune perf-persistent $P $Q
done
# The same two again at 4096³ (order effects, clocks).
run_tune perf2-persistent $P M=4096,N=4096,K=4096
run_tune perf2-fp8_gemm kernels/fp8_gemm.mlir M=4096,N=4096,K=4096
[ -z "${QUICK:-}" ] && PYTHONUNBUFFERED=1 timeout 120 python3 .carry/anchors.py \
  --gemm 4096x4096x4096 8192x8192x8192 4096x14336x4096 \
  --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
echo "anchors rc=$?"; grep -E "^GEMM" "$out/anchors.txt" | head -8

echo "== SASS"
best=$(python3 - "$out/perf-persistent.jsonl" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
rows = [r for r in rows if r.get('status') == 'ok' and '4096,N=4096' in r.get('shape', '')]
print(max(rows, key=lambda r: r['tflops'])['config'] if rows else '')
EOF
)
echo "best persistent at 4096³: $best"
if [ -n "$best" ]; then
  "$T" $P --shape M=4096,N=4096,K=4096 --config "$best" --compile-only \
    --no-cache --dump-dir "$out/dump" > /dev/null 2>&1
  s=$(find "$out/dump" -name sass.txt | head -1)
  [ -n "$s" ] && for op in QGMMA WARPGROUP.DEPBAR WARPGROUP.ARRIVE STL LDL UTMALDG SYNCS; do
    echo "$op $(grep -c "$op" "$s")"; done
  find "$out/dump" -name ptxas.txt | head -1 | xargs grep -h "registers\|spill"
fi
tar czf "$final/results.tgz" -C "$out" .
