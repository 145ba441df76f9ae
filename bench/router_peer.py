#!/usr/bin/env python3
"""The torch peer of test/Conversion/Inputs/gemm-row-softmax.mlir (a MoE
router, P = softmax(X W^T) per row, f32 out): eager torch (cuBLAS matmul
into bf16 logits, then softmax in f32) and torch.compile of the same, timed
with CUDA events (median of 50 after 10 warm-up runs).

  router_peer.py T H E [T H E ...]     prints one line a shape
"""
import sys
import torch


def timed(fn):
    for _ in range(10):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(50):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record()
        fn()
        b.record()
        b.synchronize()
        times.append(a.elapsed_time(b))
    return sorted(times)[len(times) // 2]


def main():
    args = [int(a) for a in sys.argv[1:]]
    for t, h, e in zip(args[0::3], args[1::3], args[2::3]):
        x = torch.randn(t, h, device="cuda", dtype=torch.bfloat16)
        w = torch.randn(e, h, device="cuda", dtype=torch.bfloat16)
        eager = lambda: torch.softmax((x @ w.T).float(), dim=-1)
        compiled = torch.compile(eager)
        ms_e, ms_c = timed(eager), timed(compiled)
        flops = 2.0 * t * h * e
        print(f"ROUTER T={t} H={h} E={e} eager_ms={ms_e:.4f} "
              f"eager_tflops={flops / ms_e / 1e9:.1f} compile_ms={ms_c:.4f} "
              f"compile_tflops={flops / ms_c / 1e9:.1f}", flush=True)


if __name__ == "__main__":
    main()
