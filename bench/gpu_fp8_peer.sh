#!/usr/bin/env bash
# On the GPU machine, one short call (issue 9): the fp8 GEMM beside
# cuBLASLt's fp8 GEMM in the same process, on the same buffers (fast
# accumulation, f16 C), at the anchor shapes; the GPU unit tests first (the
# cuBLASLt peer against exact products). Writes into $OUT.
set -u
out=${OUT:-/tmp/out}; mkdir -p /tmp/t
for b in tile-run tile-unittests; do xz -dc .carry/$b.xz > /tmp/t/$b && chmod +x /tmp/t/$b; done
T=/tmp/t/tile-run
log() { echo "$(date +%T) $*" | tee -a $out/progress.txt; }
log "start on $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader)"
/tmp/t/tile-unittests --gtest_filter='RuntimeGpu*' >> $out/log.txt 2>&1
log "unittests rc=$? $(grep -E '^\[  (PASSED|FAILED) |CublasLt' $out/log.txt | tr '\n' ' ')"
fp8() { $T kernels/fp8_gemm.mlir "$@" --tune --iters 20 --warmup 5 --json $out/fp8-peer.jsonl >> $out/log.txt 2>&1
        log "rc=$? $* | $(grep -E '^device:|^configs:|^best:' $out/log.txt | tail -3 | tr '\n' ' ')"; }
fp8 --shape M=4096,N=4096,K=4096
fp8 --shape M=8192,N=8192,K=8192
fp8 --shape M=16384,N=16384,K=16384
fp8 --shape M=4096,N=14336,K=4096
fp8 --shape M=4096,N=4096,K=4096 --dtype f8e5m2
log done
