#!/usr/bin/env bash
# Session 16, call 3 (issue 9): kernels/fp8_attention.mlir with the
# OVERLAP parameter (kernel attribute overlap_carried_dots: P V(j) left in
# flight into iteration j + 1, waited for with S(j + 1); V^T in three
# buffers). Every config of the doubled space verified at awkward shapes,
# then tuned at the seed shapes beside bf16 kernels/attention.mlir and the
# peers (anchors.py: Triton fp8/bf16 flash attention, cuDNN) in the same
# call; the best config per shape with OVERLAP = 0 read from the same
# sweeps' JSON.
set -u
source bench/device_preamble.sh
F=kernels/fp8_attention.mlir A=kernels/attention.mlir
run_tune ok-s1000 $F B=2,H=3,S=1000,D=64 --descale-q 0.5 --descale-k 2 --descale-v 0.25
run_tune ok-s1000-causal $F B=2,H=3,S=1000,D=64 --causal
run_tune ok-d128-causal $F B=2,H=3,S_Q=1000,S_KV=777,D=128 --causal
run_tune ok-d128 $F B=2,H=3,S_Q=777,S_KV=1000,D=128
run_tune ok-e5m2 $F B=1,H=2,S=300,D=64 --dtype f8e5m2 --out-dtype bf16
run_tune ok-short $F B=2,H=3,S=100,D=64 --causal
run_tune mut-mask-check-corner $F B=2,H=3,S_Q=300,S_KV=129,D=64 --test-mutation=mask-check-corner
attention_seed_tunes  # (bench/device_preamble.sh: the same loop)
PYTHONUNBUFFERED=1 timeout 150 python3 .carry/anchors.py --attn 4,48,4096,64 4,48,4096,128 --gemm \
  --tattn 4,48,2048,64 4,48,4096,64 4,48,8192,64 4,48,2048,128 4,48,4096,128 \
  --json "$out/anchors.json" > "$out/anchors.txt" 2>&1
echo "anchors rc=$?"; grep -vE "^\s*$" "$out/anchors.txt" | tail -30 | cut -c1-200
# Best config per shape with and without OVERLAP, from the sweeps.
python3 - "$out" <<'PY'
import json,glob,sys,collections
best=collections.defaultdict(dict)
for f in glob.glob(sys.argv[1]+"/fp8*.jsonl"):
    for l in open(f):
        r=json.loads(l)
        if r.get("status")!="ok" or "config" not in r: continue
        key=r.get("shape")
        o="OVERLAP=1" in r["config"]
        t=r.get("tflops",0)
        if t>best[key].get(o,(0,""))[0]: best[key][o]=(t,r["config"])
for k,v in sorted(best.items(),key=str):
    print(k, "off %.1f %s" % v.get(False,(0,"")), "| on %.1f %s" % v.get(True,(0,"")))
PY
mkdir -p $out/sass && "$T" $F --shape B=4,H=48,S=4096,D=64 --config BLOCK_M=128,BLOCK_N=256,WARPS=8,STAGES=3,OVERLAP=1 --compile-only --no-cache --dump-dir $out/sass > /dev/null 2>&1
grep -c QGMMA $out/sass/*/*/sass.txt; grep -c "LDL\|STL" $out/sass/*/*/sass.txt
tar czf "$final/results.tgz" -C "$out" .
