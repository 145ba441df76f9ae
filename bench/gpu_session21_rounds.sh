#!/usr/bin/env bash
# Session 21, call 4 (nvidia-h200-x4): issue 9's milestone with the landed
# kernels (MIN_BLOCKS) and compiler (the Vᵀ re-read), four rounds at once:
# each GPU runs attention_milestone (fp8 and bf16 attention tuned at the
# seed shapes, every config verified, then cuDNN and Triton's fp8 / bf16
# flash attention on the same GPU). A round's ratios are within one GPU;
# the rounds' median is what RESULTS.md reports.
set -u
source bench/device_preamble.sh
# Session 21 ran the pair's tile-run-branch (1a9f5e3 + the Vᵀ re-read);
# main's static tile-run from 3c25ef2 on has the same lowering.
[ -x /tmp/t/tile-run-branch ] && T=/tmp/t/tile-run-branch
start_clock "${BUDGET:-500}" "$T"
job() { tune_limit=120 attention_milestone; }
worker 0 r1 & worker 1 r2 & worker 2 r3 & worker 3 r4 &
wait_workers
