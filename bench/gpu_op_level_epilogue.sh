#!/usr/bin/env bash
# On the GPU machine (session 9): the op-level GEMM family after the
# epilogue change (the wgmma accumulator stored through a conversion to
# 16-byte stores, scratch over the dead ring buffers; one "empty" wait a
# buffer, one arrival a warpgroup; the initial accumulator through a wait)
# beside the same kernels op by op with the previous binary (1b5a98e,
# .carry/tile-run-old.xz) and on their GEMM lowering, all in this call;
# every config verified at awkward shapes; op-level mutants; cuBLAS /
# cuBLASLt in tile-run's peer row and anchors.py. Also: is PTX's
# ex2.approx.f16x2 one MUFU instruction on sm_90a (issue 9)?
set -u
source bench/device_preamble.sh
xz -dc .carry/tile-run-old.xz > /tmp/t/tile-run-old && chmod +x /tmp/t/tile-run-old
OLD=/tmp/t/tile-run-old
"$OLD" --version | head -1 | sed 's/^/old: /' | tee -a "$out/version.txt"
mut=/tmp/mut; python3 test/mutants/make_mutants.py kernels $mut > /dev/null
run() { # tag binary kernel shape flags...
  local tag=$1 bin=$2 kernel=$3 shape=$4; shift 4
  timeout 200 "$bin" $kernel --shape $shape "$@" --tune --no-cache --iters 20 --warmup 5 \
    --kernel-timeout 30 --json "$out/$tag.jsonl" > /tmp/one.txt 2>&1
  local rc=$?
  { echo "### $tag $kernel $shape $*"; cat /tmp/one.txt; } >> "$out/runs.txt"
  echo "$tag $(basename $kernel) $shape $* rc=$rc $(grep -E '^configs:' /tmp/one.txt) | $(grep -E '^best' /tmp/one.txt)"
}
A=M=777,N=1331,K=999
for k in gemm gemm_nt; do run verify $T kernels/$k.mlir $A --op-level-dots; done
run verify $T kernels/gemm.mlir M=333,N=515,K=130 --op-level-dots --dtype f16 --out-dtype f32
for e in gemm_bias_gelu gemm_bias_silu gemm_residual; do
  run verify $T kernels/gemm_epilogue.mlir $A --kernel $e --op-level-dots
done
run verify $T kernels/fp8_gemm.mlir M=777,N=1331,K=1008 --op-level-dots --scale-a 0.5 --scale-b 3
run verify $T kernels/fp8_gemm.mlir M=1000,N=1000,K=1024 --op-level-dots --dtype f8e5m2 --out-dtype bf16
for S in 4096 8192; do
  Q=M=$S,N=$S,K=$S
  for k in gemm_nt fp8_gemm gemm; do
    [ $S = 8192 ] && [ $k = gemm ] && continue
    run new-$S $T kernels/$k.mlir $Q --op-level-dots
    run old-$S $OLD kernels/$k.mlir $Q --op-level-dots
    run lowering-$S $T kernels/$k.mlir $Q
  done
done
run new-4096 $T kernels/gemm_epilogue.mlir M=4096,N=4096,K=4096 --kernel gemm_bias_gelu --op-level-dots
run lowering-4096 $T kernels/gemm_epilogue.mlir M=4096,N=4096,K=4096 --kernel gemm_bias_gelu
# Planted bugs, op by op: each must be WRONG in every config.
run mutant $T kernels/gemm.mlir $A --op-level-dots --test-mutation=store-past-end
run mutant $T $mut/gemm-skip-k-block.mlir $A --op-level-dots
run mutant $T $mut/gemm_bias_gelu-no-bias.mlir $A --kernel gemm_bias_gelu --op-level-dots
run mutant $T $mut/fp8_gemm-no-scale.mlir M=777,N=1331,K=1008 --op-level-dots --scale-a 0.5 --scale-b 3
PYTHONUNBUFFERED=1 timeout 120 python3 .carry/anchors.py --attn --gemm 4096x4096x4096 \
  --epi 4096x4096x4096 --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
echo "anchors rc=$?"; grep -E "^GEMM|^EPI" "$out/anchors.txt" | head -12
# issue 9: ex2.approx.f16x2 in SASS.
cat > /tmp/ex2.ptx <<'PTX'
.version 8.0
.target sm_90a
.address_size 64
.visible .entry k(.param .u64 p){
 .reg .b32 r<8>; .reg .b64 a;
 ld.param.u64 a,[p];
 ld.global.b32 r1,[a];
 ex2.approx.f16x2 r2, r1;
 ex2.approx.ftz.f32 r3, r1;
 st.global.b32 [a+4], r2;
 st.global.b32 [a+8], r3;
 ret;
}
PTX
{ ptxas -arch=sm_90a /tmp/ex2.ptx -o /tmp/ex2.cubin && cuobjdump -sass /tmp/ex2.cubin | grep -E "MUFU|HADD2|PRMT|F2F|HMUL2"; } > "$out/ex2-sass.txt" 2>&1
cat "$out/ex2-sass.txt"
tar czf "$final/results.tgz" -C "$out" .
