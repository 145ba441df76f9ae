#!/usr/bin/env bash
# On the GPU machine, one script (issue 8): the GPU unit tests, the mutation
# test (bench/gpu_mutation_test.sh), the cost of the new verification
# (the same --tune runs with the previous tile-run, .carry/tile-run-old.xz),
# then every GEMM and attention result of bench/RESULTS.md re-measured under
# the new checker, and the peers (../shared/anchors.py, copied to
# .carry/anchors.py) in the same run. Results in /tmp/bench, packed into
# /tmp/bench.tgz; /tmp/bench.done marks the end. Long (about 15 minutes):
# start it with setsid and collect it in a later call on the same machine.
set -u
B=/tmp/bench; rm -rf $B /tmp/bench.done /tmp/bench.tgz; mkdir -p $B /tmp/t
for b in tile-run tile-run-old tile-unittests; do
  xz -dc .carry/$b.xz > /tmp/t/$b && chmod +x /tmp/t/$b
done
T=/tmp/t/tile-run; OLD=/tmp/t/tile-run-old
log() { echo "$(date +%T) $*" | tee -a $B/progress.txt; }
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader > $B/device.txt
log "start on $(cat $B/device.txt)"
/tmp/t/tile-unittests --gtest_filter='RuntimeGpu*' > $B/unittests.txt 2>&1
log "unittests rc=$? $(grep -cE '^\[       OK' $B/unittests.txt) ok"
OUT=$B T=$T bash bench/gpu_mutation_test.sh > $B/mutation.txt 2>&1
log "mutation test rc=$? $(tail -1 $B/mutation.txt)"

# What the new checks cost: the same --tune with the previous binary.
overhead() { # label args...
  local label=$1; shift
  for which in old new; do
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

gemm() { $T "$@" --tune --iters 20 --warmup 5 --json $B/gemm.jsonl >> $B/gemm.txt 2>>$B/errors.log; log "gemm rc=$? $*"; }
for s in M=1024,N=1024,K=1024 M=2048,N=2048,K=2048 M=4096,N=4096,K=4096 M=8192,N=8192,K=8192 \
         M=16384,N=16384,K=16384 M=4096,N=14336,K=4096 M=8192,N=8192,K=1024 M=1024,N=8192,K=8192 \
         M=1000,N=1000,K=1000 M=4095,N=4097,K=1023 M=777,N=1331,K=999; do
  gemm kernels/gemm.mlir --shape $s
done
for s in M=4096,N=4096,K=4096 M=8192,N=8192,K=8192; do gemm kernels/gemm.mlir --shape $s --dtype f16; done
for s in M=4096,N=4096,K=4096 M=8192,N=8192,K=8192 M=777,N=1331,K=999; do gemm kernels/gemm_nt.mlir --shape $s; done
for s in M=4096,N=4096,K=4096 M=777,N=1331,K=999; do gemm kernels/gemm.mlir --shape $s --out-dtype f32; done
gemm kernels/gemm.mlir --shape M=777,N=1331,K=999 --packed

att() { $T kernels/attention.mlir "$@" --tune --iters 10 --warmup 3 --json $B/attention.jsonl >> $B/attention.txt 2>>$B/errors.log; log "attention rc=$? $*"; }
for c in "" "--causal"; do
  for S in 128 256 512 1024 2048 4096 8192 16384; do
    att --shape B=4,H=48,S=$S,D=64 $c
    att --shape B=4,H=32,S=$S,D=128 $c
  done
done
att --shape B=4,H=48,S=4096,D=64 --dtype f16
att --shape B=4,H=32,S=4096,D=128 --dtype f16 --causal

PYTHONUNBUFFERED=1 python3 .carry/anchors.py --gemm 1024x1024x1024 2048x2048x2048 4096x4096x4096 \
  8192x8192x8192 16384x16384x16384 4096x14336x4096 8192x8192x1024 1024x8192x8192 \
  --json $B/anchors.json > $B/anchors.txt 2>&1
log "anchors rc=$?"
python3 bench/summarize_gemm.py $B/gemm.jsonl $B/anchors.json > $B/gemm-summary.md 2>&1
python3 bench/summarize_attention.py $B/attention.jsonl $B/anchors.json > $B/attention-summary.md 2>&1
log "done; errors logged: $(grep -c . $B/errors.log 2>/dev/null)"
tar czf /tmp/bench.tgz -C /tmp bench
touch /tmp/bench.done
