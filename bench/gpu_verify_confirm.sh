#!/usr/bin/env bash
# On the GPU machine, one call, after the output check moved to the device:
# the GPU unit tests (the device checker against the host checker, the
# reference kernel against exact rows), the mutation test again, the cost of
# verification against the previous tile-run (.carry/tile-run-old.xz) on the
# same --tune runs, and the whole tuning space of the largest and the
# trickiest shapes under the device checker. Results packed in
# $OUT/confirm.tgz.
set -u
out=${OUT:-/tmp/out}; B=/tmp/confirm; rm -rf $B; mkdir -p $B /tmp/t
for b in tile-run tile-run-old tile-unittests; do
  xz -dc .carry/$b.xz > /tmp/t/$b && chmod +x /tmp/t/$b
done
T=/tmp/t/tile-run; OLD=/tmp/t/tile-run-old
log() { echo "$(date +%T) $*" | tee -a $B/progress.txt; }
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader > $B/device.txt
log "start on $(cat $B/device.txt)"
/tmp/t/tile-unittests --gtest_filter='RuntimeGpu*' > $B/unittests.txt 2>&1
log "unittests rc=$? $(grep -E '^\[  (PASSED|FAILED) ' $B/unittests.txt | tr '\n' ' ')"
OUT=$B T=$T bash bench/gpu_mutation_test.sh > $B/mutation.txt 2>&1
log "mutation test rc=$? $(tail -1 $B/mutation.txt)"
overhead() { # label args...
  local label=$1; shift
  for which in old new old new; do
    local bin=$T; [ $which = old ] && bin=$OLD
    local s=$(date +%s.%N)
    $bin "$@" --tune --iters 10 --warmup 3 > $B/overhead.$label.$which.txt 2>&1
    local rc=$?
    log "overhead $label $which rc=$rc $(python3 -c "print(round($(date +%s.%N)-$s,1))") s"
  done
}
overhead gemm8192 kernels/gemm.mlir --shape M=8192,N=8192,K=8192
overhead att4096 kernels/attention.mlir --shape B=4,H=48,S=4096,D=64
overhead att16k128c kernels/attention.mlir --shape B=4,H=32,S=16384,D=128 --causal
run() { $T "$@" --tune --iters 5 --warmup 2 --json $B/confirm.jsonl >> $B/confirm.txt 2>>$B/errors.log; log "rc=$? $* | $(grep -E '^configs:' $B/confirm.txt | tail -1)"; }
for c in "" "--causal"; do
  for S in 1024 16384; do
    run kernels/attention.mlir --shape B=4,H=48,S=$S,D=64 $c
    run kernels/attention.mlir --shape B=4,H=32,S=$S,D=128 $c
  done
done
run kernels/attention.mlir --shape B=2,H=3,S_Q=1000,S_KV=777,D=128 --causal
run kernels/gemm.mlir --shape M=16384,N=16384,K=16384
run kernels/gemm.mlir --shape M=777,N=1331,K=999
run kernels/gemm.mlir --shape M=2048,N=2048,K=16384 --out-dtype f32
run kernels/gemm_nt.mlir --shape M=4095,N=4097,K=1023 --packed
grep -E "checked against" $B/confirm.txt > $B/references.txt
log "done; errors logged: $(grep -c . $B/errors.log 2>/dev/null)"
tar czf $out/confirm.tgz -C /tmp confirm
