#!/usr/bin/env bash
# On the GPU machine: compute-sanitizer (memcheck, synccheck, racecheck,
# initcheck) over every kernel of kernels/ at awkward shapes (partial blocks,
# odd N, S_Q != S_KV, causal), one config each (the default), with the
# instrumentation on tile's kernel only (--kernel-name kne=<kernel>: the
# references and cuBLAS run as usual). Writes $OUT/sanitize.tsv:
# tool, kernel, shape, sanitizer exit status, the sanitizer's summary line,
# tile-run's verdict. Then the fp8 attention mutants of the verifier's
# mutation test that a previous call had no time for. The script stops
# starting sanitizer runs after 480 s (the device call ends at 600).
# TOOLS="initcheck" runs only those tools, SKIP_MUTANTS=1 skips the mutants.
# Needs .carry/tile-run.xz (static tile-run).
set -u
out=${OUT:-/tmp/out}; mkdir -p "$out"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
T=/tmp/t/tile-run
CS=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee "$out/device.txt"
"$CS" --version | tail -1 | tee -a "$out/device.txt"
SECONDS=0
# The fp8 attention mutants of the verifier's mutation test (the last four
# of bench/gpu_mutation_test.sh, which a previous call had no time for);
# skip-block with --causal makes the key loop bound negative for the first
# query blocks: an endless loop the watchdog (--kernel-timeout) must end.
mut=/tmp/mutants; rm -rf "$mut"; python3 test/mutants/make_mutants.py kernels "$mut"
A=B=2,H=3,S=1000,D=64; A2=B=2,H=3,S=1000,D=128
mrun() { local name=$1; shift
  timeout 120 "$T" "$@" --tune --iters 1 --warmup 0 > "$out/m.$name.txt" 2>&1
  echo "$name rc=$? $(grep -E '^configs:' "$out/m.$name.txt") $(grep -o 'did not finish within [0-9]* s' "$out/m.$name.txt" | head -1)"
}
if [ -z "${SKIP_MUTANTS:-}" ]; then
mrun fp8_attention-skip-block $mut/fp8_attention-skip-block.mlir --shape $A2
mrun fp8_attention-no-descale-v $mut/fp8_attention-no-descale-v.mlir --shape $A --descale-v 0.25
mrun fp8_attention-store-past-end kernels/fp8_attention.mlir --shape $A --test-mutation=store-past-end
mrun fp8_attention-no-rescale-d128-causal $mut/fp8_attention-no-rescale.mlir --shape $A2 --causal
mrun fp8_attention-skip-block-causal-endless $mut/fp8_attention-skip-block.mlir --shape $A2 --causal --kernel-timeout 10
fi
printf "tool\tkernel\tshape\trc\tsummary\ttile-run\n" > "$out/sanitize.tsv"
check() { # tool kernel name shape flags...
  local tool=$1 file=$2 name=$3 shape=$4; shift 4
  if [ $SECONDS -gt 480 ]; then
    printf "%s\t%s\t%s\tskipped\t(out of time)\t\n" $tool $name "$shape $*" | tee -a "$out/sanitize.tsv"; return; fi
  local log="$out/san.$tool.$name.$(echo "$shape $*" | tr -c 'A-Za-z0-9' _).log"
  timeout 90 "$CS" --tool $tool --kernel-name kne=$name --error-exitcode 99 --print-limit 10000 \
    "$T" "$file" --shape "$shape" "$@" --iters 1 --warmup 0 > "$log" 2>&1
  local rc=$?
  local summary=$(grep -E "ERROR SUMMARY|RACECHECK SUMMARY" "$log" | tail -1 | sed 's/^========= //')
  local verdict=$(grep -E "^configs:" "$log" | tail -1)
  summary="$summary; host-API $(grep -c 'Host API memory access error' "$log"), kernel $(grep -cE 'Uninitialized __global__|Invalid __global__|Invalid __shared__|Race reported|Barrier error' "$log")"
  printf "%s\t%s\t%s\t%s\t%s\t%s\n" $tool $name "$shape $*" $rc "$summary" "$verdict" | tee -a "$out/sanitize.tsv"
}
for tool in ${TOOLS:-memcheck synccheck racecheck initcheck}; do
  check $tool kernels/gemm.mlir gemm M=777,N=1331,K=999
  check $tool kernels/gemm_nt.mlir gemm_nt M=777,N=1331,K=999
  check $tool kernels/fp8_gemm.mlir fp8_gemm M=777,N=1331,K=1008 --out-dtype f8e4m3
  check $tool kernels/attention.mlir attention B=1,H=2,S_Q=300,S_KV=277,D=64 --causal
  check $tool kernels/attention.mlir attention B=1,H=2,S_Q=300,S_KV=277,D=128
  check $tool kernels/fp8_attention.mlir fp8_attention B=1,H=2,S_Q=300,S_KV=277,D=64 --causal
  check $tool kernels/fp8_attention.mlir fp8_attention B=1,H=2,S_Q=300,S_KV=277,D=128
done
(cd "$out" && tar czf sanitize-logs.tgz san.*.log $(ls m.*.txt 2>/dev/null) && rm -f san.*.log m.*.txt)
