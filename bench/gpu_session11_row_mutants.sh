#!/usr/bin/env bash
# On the GPU machine (session 11, call 3): the row kernels' mutants that
# call 2 did not run, on the final binary (c9d6035; softmax and layernorm
# PTX changed by tile-skip-full-masks, every other kernel's PTX is
# byte-identical to 49d0b18, whose full mutation test passed in session
# 10): every config of each must be WRONG. Results in $OUT/results.tgz.
set -u
source bench/device_preamble.sh
mut=/tmp/mutants; rm -rf "$mut"; python3 test/mutants/make_mutants.py kernels "$mut" > /dev/null
R1=R=1000,C=1000; R2=R=333,C=4000
m() { # name kernel shape flags: every config, one timed run
  local name=$1 kernel=$2 shape=$3; shift 3
  "$T" "$kernel" --shape "$shape" --tune --no-cache --iters 1 --warmup 0 \
    --json "$out/mutants.jsonl" "$@" > "$out/m.$name.txt" 2>&1
  echo "$name rc=$? $(grep -E '^configs:' "$out/m.$name.txt")"
}
m softmax-no-normalise $mut/softmax-no-normalise.mlir $R1
m softmax-row-shift $mut/softmax-row-shift.mlir $R2
m softmax-store-past-end kernels/softmax.mlir $R1 --test-mutation=store-past-end
m layernorm-no-bias $mut/layernorm-no-bias.mlir $R1
m layernorm-store-past-end kernels/layernorm.mlir $R2 --test-mutation=store-past-end
m softmax-mask-check-corner-2 kernels/softmax.mlir $R2 --test-mutation=mask-check-corner
m layernorm-mask-check-corner-2 kernels/layernorm.mlir $R2 --test-mutation=mask-check-corner
tar czf "$final/results.tgz" -C "$out" .
