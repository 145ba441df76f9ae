#!/usr/bin/env bash
# On the GPU machine (issue 11): the kernels without tile.dot, lowered op by
# op (kernels/softmax.mlir, kernels/layernorm.mlir), verified and tuned at
# the issue's shapes, beside their peers from the same call (eager torch,
# torch.compile, the device copy bandwidth: ../shared/anchors.py --rowops);
# then their mutants and controls. Needs .carry/tile-run.xz and
# .carry/anchors.py. Results in $OUT/results.tgz.
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
    echo "$k $R x $C rc=$? $(grep -E '^best' "$out/$k.$R.$C.txt" | head -1)"
  done
done
python3 .carry/anchors.py --rowops $SHAPES --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
grep -E "^ROW|^COPY" "$out/anchors.txt"
# Mutants of these kernels and their controls: every mutant config WRONG,
# every control config verified.
mut=/tmp/mutants; rm -rf "$mut"; python3 test/mutants/make_mutants.py kernels "$mut" > /dev/null
R1=R=1000,C=1000; R2=R=333,C=4000
m() { # name kernel shape flags
  local name=$1 kernel=$2 shape=$3; shift 3
  "$T" "$kernel" --shape "$shape" --tune --iters 1 --warmup 0 "$@" > "$out/m.$name.txt" 2>&1
  echo "$name rc=$? $(grep -E '^configs:' "$out/m.$name.txt")"
}
m control-softmax kernels/softmax.mlir $R1
m control-softmax-2 kernels/softmax.mlir $R2
m control-softmax-packed kernels/softmax.mlir $R2 --packed
m control-softmax-f32 kernels/softmax.mlir $R2 --out-dtype f32
m control-layernorm kernels/layernorm.mlir $R1
m control-layernorm-2 kernels/layernorm.mlir $R2
m control-layernorm-f16 kernels/layernorm.mlir $R2 --dtype f16
m softmax-no-mask $mut/softmax-no-mask.mlir $R1
m softmax-no-normalise $mut/softmax-no-normalise.mlir $R1
m softmax-row-shift $mut/softmax-row-shift.mlir $R2
m softmax-store-past-end kernels/softmax.mlir $R1 --test-mutation=store-past-end
m layernorm-no-bias $mut/layernorm-no-bias.mlir $R1
m layernorm-unmasked-variance $mut/layernorm-unmasked-variance.mlir $R1
m layernorm-store-past-end kernels/layernorm.mlir $R2 --test-mutation=store-past-end
tar czf "$final/results.tgz" -C "$out" .
