#!/usr/bin/env bash
# On the GPU machine, one call: the new verifier's own checks (the GPU unit
# tests, among them the fp32 attention reference kernel against exact rows),
# the mutation test (bench/gpu_mutation_test.sh), then the real kernels'
# --tune at large shapes to see how far correct configs stay under their
# bounds (max err/bound) and what the references cost. Needs
# .carry/tile-run.xz and .carry/tile-unittests.xz (static builds).
set -u
out=${OUT:-/tmp/out}; mkdir -p "$out"
mkdir -p /tmp/t
for b in tile-run tile-unittests; do xz -dc .carry/$b.xz > /tmp/t/$b && chmod +x /tmp/t/$b; done
export T=/tmp/t/tile-run
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader | tee "$out/device.txt"
timeout 120 /tmp/t/tile-unittests --gtest_filter='RuntimeGpu*:Verify*' > "$out/unittests.txt" 2>&1
echo "unittests rc=$?"; grep -E "^\[  (FAILED|PASSED|SKIPPED) |Failure|attention reference:" "$out/unittests.txt" | head -20
timeout 300 bash bench/gpu_mutation_test.sh
calib() { # label, args...
  local label=$1; shift
  local start=$(date +%s.%N)
  timeout 120 "$T" "$@" --iters 2 --warmup 1 --json "$out/calib.jsonl" > "$out/c.$label.txt" 2>>"$out/calib.err"
  local rc=$?
  echo "$label rc=$rc $(python3 -c "print(round($(date +%s.%N)-$start,1))")s | $(grep -E '^checked against|^configs:' "$out/c.$label.txt" | tr '\n' ' ')"
}
calib g4096 kernels/gemm.mlir --shape M=4096,N=4096,K=4096 --tune
calib g-f32-k16k kernels/gemm.mlir --shape M=2048,N=2048,K=16384 --out-dtype f32 --tune
calib g-f16 kernels/gemm.mlir --shape M=4096,N=4096,K=4096 --dtype f16 --tune
calib gnt8192 kernels/gemm_nt.mlir --shape M=8192,N=8192,K=8192 --tune
calib a4096 kernels/attention.mlir --shape B=4,H=48,S=4096,D=64 --tune
calib a4096c kernels/attention.mlir --shape B=4,H=48,S=4096,D=64 --tune --causal
calib a4096d128 kernels/attention.mlir --shape B=4,H=32,S=4096,D=128 --tune
calib a16k kernels/attention.mlir --shape B=4,H=48,S=16384,D=64
calib a16kd128c kernels/attention.mlir --shape B=4,H=32,S=16384,D=128 --causal
calib a-f16 kernels/attention.mlir --shape B=2,H=8,S=2048,D=128 --dtype f16 --tune
python3 - "$out/calib.jsonl" <<'PY'
import json, sys, collections
runs = collections.OrderedDict()
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["status"] == "reference": continue
    k = (r["kernel"], r["shape"], r["dtype"])
    a = runs.setdefault(k, {"n": 0, "ok": 0, "ratio": 0, "bad": []})
    a["n"] += 1; a["ok"] += r["status"] == "ok"
    if r["max_err_ratio"] is not None: a["ratio"] = max(a["ratio"], r["max_err_ratio"])
    if r["status"] != "ok": a["bad"].append(r["config"] + ": " + r["status"] + " " + r["detail"][:200])
for k, a in runs.items():
    print(f"{k[0]} {k[1]} {k[2]}: {a['ok']}/{a['n']} ok, max err/bound {a['ratio']:.3f}")
    for b in a["bad"][:3]: print("   ", b)
PY
head -c 3000 "$out/calib.err"
