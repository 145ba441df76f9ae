#!/usr/bin/env bash
# On the GPU machine (session 10): reductions of a GEMM accumulator in
# registers, through test/Conversion/Inputs/gemm-row-softmax.mlir (a MoE
# router, softmax(X Wᵀ) per row). Every config checked against its own
# program on the host (--reference cpu: no hand-written reference yet) at
# awkward shapes, with the planted bug --test-mutation=reduce-in-thread
# (must be WRONG everywhere, here and in softmax's blocked reductions);
# then timed at LLM-like shapes beside eager torch and torch.compile in
# this call (bench/router_peer.py).
set -u
source bench/device_preamble.sh
R=test/Conversion/Inputs/gemm-row-softmax.mlir
for E in 64 128 256; do
  run_tune verify-router $R T=777,H=1000,E=$E --reference cpu
  run_tune mutant-router $R T=777,H=1000,E=$E --reference cpu --test-mutation=reduce-in-thread
done
run_tune verify-router $R T=4096,H=4096,E=128 --reference cpu
run_tune mutant-softmax kernels/softmax.mlir R=1000,C=1000 --test-mutation=reduce-in-thread
run_tune mutant-softmax kernels/softmax.mlir R=333,C=4000 --test-mutation=reduce-in-thread
for E in 64 128 256; do
  run_tune perf-router $R T=16384,H=4096,E=$E --reference cpu
done
PYTHONUNBUFFERED=1 timeout 200 python3 bench/router_peer.py \
  16384 4096 64 16384 4096 128 16384 4096 256 > "$out/peer.txt" 2>&1
echo "peer rc=$?"; grep ROUTER "$out/peer.txt"
tar czf "$final/results.tgz" -C "$out" .
