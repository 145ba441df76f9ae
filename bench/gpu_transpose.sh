#!/usr/bin/env bash
# On the GPU machine (issue 11, session 7): kernels/transpose.mlir, the first
# kernel with a layout conversion (tile.transpose + tile.convert_layout
# through shared memory). Every config verified at awkward shapes (bf16,
# f16), tuned at square and tall shapes (GB/s: read X + write Y), beside
# torch's x.t().contiguous() and a plain copy (the bandwidth roof) of the
# same bytes, timed in this call with triton's do_bench (L2 flushed); then
# the whole mutation test with this binary. Needs .carry/tile-run.xz.
set -u
. bench/device_preamble.sh
tune() { # shape flags...
  local shape=$1; shift
  timeout 200 "$T" kernels/transpose.mlir --shape $shape "$@" --tune --no-cache --iters 20 --warmup 5 \
    --kernel-timeout 30 --json "$out/transpose.jsonl" > /tmp/one.txt 2>&1
  local rc=$?
  { echo "### $shape $*"; cat /tmp/one.txt; } >> "$out/transpose.txt"
  echo "transpose $shape $* rc=$rc $(grep -E '^configs:' /tmp/one.txt) | $(grep -E '^best' /tmp/one.txt)"
}
tune R=1000,C=333
tune R=77,C=4097 --dtype f16
tune R=4095,C=1025
for s in R=4096,C=4096 R=8192,C=8192 R=16384,C=16384 R=32768,C=4096 R=4096,C=32768; do tune $s; done
PYTHONUNBUFFERED=1 timeout 200 python3 - > "$out/peers.txt" 2>&1 <<'PY'
import torch, json
from triton.testing import do_bench
rows = []
for R, C in [(4096, 4096), (8192, 8192), (16384, 16384), (32768, 4096), (4096, 32768)]:
    x = torch.randn(R, C, device="cuda", dtype=torch.bfloat16)
    y = torch.empty(C, R, device="cuda", dtype=torch.bfloat16)
    z = torch.empty_like(x)
    nbytes = 2 * x.numel() * x.element_size()
    t_ms = do_bench(lambda: y.copy_(x.t()), warmup=10, rep=100, return_mode="median")
    c_ms = do_bench(lambda: z.copy_(x), warmup=10, rep=100, return_mode="median")
    assert torch.equal(y, x.t())
    comp = torch.compile(lambda a: a.t().contiguous())
    comp(x)
    k_ms = do_bench(lambda: comp(x), warmup=10, rep=100, return_mode="median")
    row = dict(R=R, C=C, torch_transpose_GBps=nbytes / t_ms / 1e6,
               compile_transpose_GBps=nbytes / k_ms / 1e6, copy_GBps=nbytes / c_ms / 1e6)
    print("PEER", json.dumps(row)); rows.append(row)
json.dump(rows, open("/tmp/res/peers.json", "w"))
PY
echo "peers rc=$?"; grep -E "^PEER|Error" "$out/peers.txt"
T=$T OUT=$out bash bench/gpu_mutation_test.sh 2>&1 | grep -E "^mutants caught|runs not as expected|all verified|caught|transpose" | cut -c1-160
tar -C "$out" -czf "$final/results.tgz" .
