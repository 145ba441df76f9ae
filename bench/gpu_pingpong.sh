#!/usr/bin/env bash
# On the GPU machine (issue 9, session 7): FlashAttention-3's warp scheduler
# barriers ("pingpong", convert-tile-to-nvgpu{pingpong}, tile-run
# --pingpong) against the default lowering, same binary, same call: every
# config of the space verified and timed with and without, at fp8 D = 64 and
# 128 and bf16 shapes; the two key shapes twice (off, on, off, on).
# Needs .carry/tile-run.xz.
set -u
. bench/device_preamble.sh
tune() { # tag kernel shape flags...
  local tag=$1 kernel=$2 shape=$3; shift 3
  timeout 240 "$T" kernels/$kernel.mlir --shape $shape "$@" --tune --no-cache \
    --iters 10 --warmup 3 --kernel-timeout 30 --json "$out/$tag.jsonl" > /tmp/one.txt 2>&1
  local rc=$?
  { echo "### $kernel $shape $*"; cat /tmp/one.txt; } >> "$out/$tag.txt"
  echo "$tag $kernel $shape $* rc=$rc $(grep -E '^configs:' /tmp/one.txt) | $(grep -E '^best' /tmp/one.txt)"
}
ab() { tune off "$@"; tune on "$@" --pingpong; }
ab fp8_attention B=4,H=48,S=4096,D=64
ab fp8_attention B=4,H=48,S=4096,D=128
ab fp8_attention B=4,H=48,S=16384,D=64
ab fp8_attention B=4,H=48,S=4096,D=128 --causal
ab fp8_attention B=4,H=48,S=2048,D=128
ab attention B=4,H=48,S=4096,D=64
ab attention B=4,H=32,S=4096,D=128
ab fp8_attention B=4,H=48,S=4096,D=64
ab fp8_attention B=4,H=48,S=4096,D=128
# Awkward shapes: every config with pingpong verified (S_Q != S_KV handled
# by the kernels' S only; odd S for partial blocks).
tune on fp8_attention B=2,H=3,S=1000,D=64 --pingpong
tune on fp8_attention B=2,H=3,S=1000,D=128 --causal --pingpong
tune on attention B=2,H=3,S=1000,D=128 --causal --pingpong
tar -C "$out" -czf "$final/results.tgz" .
