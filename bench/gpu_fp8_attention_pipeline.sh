#!/usr/bin/env bash
# Ran with tile-run built at commit 5e7295c (the experiment; its
# --software-pipeline flag and TILE_PINGPONG switch were reverted after).
# On the GPU machine: the software-pipelined fp8 attention loop (issue 9).
#   check: every config of awkward shapes verified with the pipelined loop
#          (partial blocks, one key block, causal, e5m2, bf16 output,
#          descales), and the fp8 attention mutants (all must be WRONG).
#   tune:  --tune at the seed's S >= 2048 shapes, pipelined (the default)
#          and --software-pipeline=false, same binary, same call.
#   pingpong: the pipelined loop with TILE_PINGPONG=1 (FlashAttention-3's
#          warpgroup ping-pong on named barriers: an experiment switch)
#          against the pipelined loop alone, S = 4096 and 16384.
#   peers: our bf16 kernel at the same shapes and ../shared/anchors.py
#          --tattn (Triton bf16/e4m3 flash attention; .carry/anchors.py).
# Usage: bench/gpu_fp8_attention_pipeline.sh check tune [peers]
# Needs .carry/tile-run.xz (static tile-run).
set -u
# Everything goes to $res; $OUT gets results.tgz and progress.txt (the
# device tool returns only a few files).
final=${OUT:-/tmp/out}; out=/tmp/res; mkdir -p "$out" "$final"
[ -x /tmp/t/tile-run ] || { mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run; }
T=/tmp/t/tile-run
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader | tee "$out/device.txt"
log() { echo "[$(date +%T)] $*" | tee -a "$out/progress.txt"; }
check() { # label args...
  local label=$1; shift
  timeout 300 "$T" "$@" --iters 2 --warmup 1 --json "$out/check.jsonl" \
    > "$out/check.$label.txt" 2>>"$out/errors.log"
  log "check $label rc=$? $(grep -E '^configs:' "$out/check.$label.txt")"
}
tune() { # file kernel args...
  local file=$1 kernel=$2; shift 2
  timeout 150 "$T" "$kernel" --tune --iters 10 --warmup 3 --json "$out/$file.jsonl" "$@" \
    2>>"$out/errors.log" >> "$out/$file.txt"
  log "$file $* rc=$? $(tail -2 "$out/$file.txt" | tr '\n' ' ')"
}
K=kernels/fp8_attention.mlir
for phase in "$@"; do
  case $phase in
  check)
    check awkward-d64 $K --shape B=2,H=3,S_Q=1000,S_KV=777,D=64 --tune
    check awkward-d128-causal $K --shape B=2,H=3,S_Q=1000,S_KV=777,D=128 --tune --causal
    check one-block $K --shape B=2,H=3,S_Q=200,S_KV=64,D=64 --tune
    check two-blocks $K --shape B=2,H=3,S_Q=130,S_KV=130,D=128 --tune --causal
    check e5m2-bf16 $K --shape B=1,H=4,S=300,D=128 --dtype f8e5m2 --out-dtype bf16 --tune
    check descales $K --shape B=1,H=4,S=512,D=64 --descale-q 0.5 --descale-k 2 --descale-v 0.25 --causal --tune
    check large-d128 $K --shape B=4,H=48,S=4096,D=128 --tune
    mut=/tmp/mutants; rm -rf "$mut"; python3 test/mutants/make_mutants.py kernels "$mut" > /dev/null
    A=B=2,H=3,S=1000,D=64; A2=B=2,H=3,S=1000,D=128
    check mutant-no-rescale $mut/fp8_attention-no-rescale.mlir --shape $A --tune
    check mutant-skip-block $mut/fp8_attention-skip-block.mlir --shape $A2 --causal --tune --kernel-timeout 20
    check mutant-no-descale-v $mut/fp8_attention-no-descale-v.mlir --shape $A --descale-v 0.25 --tune
    check mutant-store-past-end $K --shape $A --test-mutation=store-past-end --tune
    ;;
  tune)
    for S in 4096 16384 2048 8192; do
      for D in 64 128; do
        for c in "" --causal; do
          tune pipelined $K --shape B=4,H=48,S=$S,D=$D $c
          tune unpipelined $K --shape B=4,H=48,S=$S,D=$D $c --software-pipeline=false
        done
      done
    done
    ;;
  pingpong)
    for S in 4096 16384; do
      for D in 64 128; do
        for c in "" --causal; do
          TILE_PINGPONG=1 tune pingpong $K --shape B=4,H=48,S=$S,D=$D $c
          tune pipelined2 $K --shape B=4,H=48,S=$S,D=$D $c
        done
      done
    done
    ;;
  peers)
    for S in 2048 4096 8192 16384; do
      for D in 64 128; do
        tune bf16 kernels/attention.mlir --shape B=4,H=48,S=$S,D=$D
        tune bf16 kernels/attention.mlir --shape B=4,H=48,S=$S,D=$D --causal
      done
    done
    if [ -f .carry/anchors.py ]; then
      shapes=""
      for S in 2048 4096 8192 16384; do shapes="$shapes 4,48,$S,64 4,48,$S,128"; done
      PYTHONUNBUFFERED=1 timeout 240 python3 .carry/anchors.py --attn --gemm --tattn $shapes \
        --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
      log "anchors rc=$?"
    fi
    ;;
  esac
done
log "errors logged: $(grep -c . "$out/errors.log" 2>/dev/null)"
cp "$out/progress.txt" "$final/"; tar czf "$final/results.tgz" -C "$out" .
