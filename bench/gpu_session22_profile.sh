#!/usr/bin/env bash
# Session 22, call 6 (nvidia-h200-x4): Nsight Compute (--set full, source
# counters) on the flattened loops against their plain kernels, one GPU a
# profile, for where the persistent loop's remaining time goes:
#   GPU 0: fp8_attention, GPU 1: the carried persistent attention
#     (bench/exp-persistent-attn/), both 256 x 128 / 16 warps / 3 stages,
#     D = 64, S = 4096;
#   GPU 2: fp8_gemm, GPU 3: fp8_gemm_persistent, both 128 x 256 x 128 /
#     8 warps / 4 stages (their tuned best), 8192^3.
set -u
source bench/device_preamble.sh
start_clock "${BUDGET:-200}" "$T"
E=bench/exp-persistent-attn
N=/usr/local/cuda/bin/ncu
prof() { # name kernel regex shape config
  timeout "$(left)" $N -k "regex:^$3\$" -c 1 --set full --import-source yes -o "$out/$1" \
    "$T" "$2" --shape "$4" --config "$5" --iters 1 --warmup 0 --no-cache > "$out/$1.log" 2>&1
  echo "$1 rc=$?"
  $N -i "$out/$1.ncu-rep" --page details > "$out/$1.details.txt" 2>&1
  $N -i "$out/$1.ncu-rep" --page source --csv --print-source sass > "$out/$1.sass.csv" 2>&1
  rm -f "$out/$1.ncu-rep"
  xz -T1 -6 "$out/$1.sass.csv"
  grep -E "^\s+(Duration|Issue Slots Busy|Eligible Warps Per Scheduler|No Eligible)" "$out/$1.details.txt" | sed 's/  */ /g'
}
A=B=4,H=48,S=4096,D=64
AC=BLOCK_M=256,BLOCK_N=128,WARPS=16,STAGES=3,OVERLAP=0
G=M=8192,N=8192,K=8192
GC=BLOCK_M=128,BLOCK_N=256,BLOCK_K=128,WARPS=8,STAGES=4
job() {
  case $1 in
    attn) prof attn kernels/fp8_attention.mlir fp8_attention $A $AC,MIN_BLOCKS=1 ;;
    attn-persistent) prof attn-persistent $E/fp8_attention_persistent_carried.mlir \
                       fp8_attention_persistent_carried $A $AC,PROGRAMS=132 ;;
    gemm) prof gemm kernels/fp8_gemm.mlir fp8_gemm $G $GC,GROUP_M=8 ;;
    gemm-persistent) prof gemm-persistent kernels/fp8_gemm_persistent.mlir fp8_gemm_persistent $G $GC,PROGRAMS=132 ;;
  esac
}
worker 0 attn & worker 1 attn-persistent & worker 2 gemm & worker 3 gemm-persistent &
wait_workers
