#!/usr/bin/env bash
# On the GPU machine, one call (issue 9, fp8 GEMM): the GPU unit tests; the
# fp8 kernel tuned at 4096^3 and its SASS (QGMMA, no local memory); the fp8
# part of the mutation test; the peers (../shared/anchors.py: cuBLASLt fp8
# via torch._scaled_mm and a Triton fp8 matmul, copied to .carry/anchors.py);
# then every seed shape of the issue with --tune. Writes straight into $OUT
# (at most 8 files), so a run cut short still returns what it did.
set -u
out=${OUT:-/tmp/out}; mkdir -p /tmp/t
for b in tile-run tile-unittests; do xz -dc .carry/$b.xz > /tmp/t/$b && chmod +x /tmp/t/$b; done
T=/tmp/t/tile-run
log() { echo "$(date +%T) $*" | tee -a $out/progress.txt; }
log "start on $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader)"
/tmp/t/tile-unittests --gtest_filter='RuntimeGpu*' >> $out/log.txt 2>&1
log "unittests rc=$? $(grep -E '^\[  (PASSED|FAILED) ' $out/log.txt | tr '\n' ' ')"
fp8() { $T kernels/fp8_gemm.mlir "$@" --tune --iters 10 --warmup 3 --json $out/fp8.jsonl >> $out/log.txt 2>&1
        log "rc=$? $* | $(grep -E '^configs:|^best:' $out/log.txt | tail -2 | tr '\n' ' ')"; }
fp8 --shape M=4096,N=4096,K=4096
# SASS of the default config: fp8 tensor-core instructions, no local memory.
$T kernels/fp8_gemm.mlir --shape M=4096,N=4096,K=4096 --compile-only --emit-ptx /tmp/fp8.ptx > /dev/null 2>&1
PTXAS=$(command -v ptxas || echo /usr/local/cuda/bin/ptxas); OBJ=$(command -v cuobjdump || echo /usr/local/cuda/bin/cuobjdump)
$PTXAS -arch=sm_90a -v /tmp/fp8.ptx -o /tmp/fp8.cubin > $out/sass.txt 2>&1
$OBJ -sass /tmp/fp8.cubin > /tmp/fp8.sass 2>&1
echo "QGMMA: $(grep -c QGMMA /tmp/fp8.sass)  HGMMA: $(grep -c HGMMA /tmp/fp8.sass)  LDL/STL: $(grep -cE 'LDL|STL' /tmp/fp8.sass)  UTMALDG: $(grep -c UTMALDG /tmp/fp8.sass)" | tee -a $out/sass.txt
grep -m3 QGMMA /tmp/fp8.sass >> $out/sass.txt
log "sass: $(tail -4 $out/sass.txt | head -1)"
# The fp8 part of the mutation test.
mut=/tmp/mutants; rm -rf $mut; python3 test/mutants/make_mutants.py kernels $mut
F=M=777,N=1331,K=1008
mrun() { local name=$1 kernel=$2; shift 2
  $T $kernel --shape $F --tune --iters 1 --warmup 0 --json /tmp/m.$name.jsonl "$@" > /tmp/m.$name.txt 2>&1
  python3 -c "
import json,sys
for l in open('/tmp/m.$name.jsonl'):
    r=json.loads(l)
    if r['status']!='reference': r['mutant']='$name'; r['command']='$kernel $F $*'; print(json.dumps(r))" >> $out/mutants.jsonl
  log "mutant $name: $(grep -E '^configs:' /tmp/m.$name.txt)"; }
mrun control-fp8-gemm kernels/fp8_gemm.mlir --scale-a 0.5 --scale-b 3
mrun fp8_gemm-skip-k-block $mut/fp8_gemm-skip-k-block.mlir
mrun fp8_gemm-no-scale $mut/fp8_gemm-no-scale.mlir --scale-a 0.5 --scale-b 3
mrun fp8_gemm-store-past-end kernels/fp8_gemm.mlir --test-mutation=store-past-end
# Peers in the same run.
PYTHONUNBUFFERED=1 timeout 150 python3 .carry/anchors.py --attn --gemm 4096x4096x4096 8192x8192x8192 \
  16384x16384x16384 4096x14336x4096 --json $out/anchors.json >> $out/log.txt 2>&1
log "anchors rc=$? $(grep -c '^GEMM' $out/log.txt) rows"
fp8 --shape M=8192,N=8192,K=8192
fp8 --shape M=4096,N=4096,K=4096 --dtype f8e5m2
fp8 --shape M=4096,N=4096,K=4096 --out-dtype bf16
fp8 --shape M=4096,N=4096,K=4096 --out-dtype f32
fp8 --shape M=4096,N=14336,K=4096
fp8 --shape M=16,N=8192,K=8192
fp8 --shape M=777,N=1331,K=1008
fp8 --shape M=1000,N=999,K=1000
for n in 1024 1280 1536 1792 2048 2560 3072 3584 5120 6144 7168 10240 12288 14336 16384 20480; do
  fp8 --shape M=$n,N=$n,K=$n
done
log done
