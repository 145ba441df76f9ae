#!/usr/bin/env bash
# Session 20, call 5 (~6 min, right after gpu_session20_bf16w16.sh): issue
# 9's fp8 attention milestone with our bf16 attention's new four-warpgroup
# configs in its space: fp8 and bf16 tuned at the seed shapes, every config
# verified, and the peers (cuDNN, Triton fp8 / bf16) in the same call.
set -u
source bench/device_preamble.sh
attention_milestone
pack
