"""Summarises tile-run --json output (and anchors.py JSON) as a markdown table:
best verified config per shape and dtype, its TFLOP/s, cuBLAS in the same
process, and the peers measured by anchors.py in the same call."""
import json, sys, collections
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
anchors = {}
if len(sys.argv) > 2:
    try:
        for g in json.load(open(sys.argv[2]))["gemm"]:
            anchors[(g["M"], g["N"], g["K"])] = g
    except Exception as e:
        print("(no anchors:", e, ")")
by = collections.OrderedDict()
for r in rows:
    by.setdefault((r["kernel"], r["shape"], r["dtype"]), []).append(r)
print("| kernel | shape | dtype | best config | ours TFLOP/s | cuBLAS TFLOP/s (same process) | ours/cuBLAS | configs ok/wrong/failed | max err/bound (ok) | anchors: cuBLAS / Triton best-5 |")
print("|---|---|---|---|---|---|---|---|---|---|")
for (kernel, shape, dtype), rs in by.items():
    ref = [r for r in rs if r["status"] == "reference"]
    ok = [r for r in rs if r["status"] == "ok"]
    wrong = [r for r in rs if r["status"].startswith("WRONG")]
    failed = [r for r in rs if r["status"] not in ("ok", "reference") and not r["status"].startswith("WRONG")]
    cub = ref[-1]["tflops"] if ref else float("nan")
    best = max(ok, key=lambda r: r["tflops"]) if ok else None
    d = dict(kv.split("=") for kv in shape.split(","))
    a = anchors.get((int(d["M"]), int(d["N"]), int(d["K"])), {})
    anc = f'{a.get("cublas_bf16", "-")} / {a.get("triton_bf16_best5", "-")}' if a else "-"
    print(f'| {kernel} | {shape} | {dtype} | {best["config"] if best else "-"} | {best["tflops"]:.1f} | {cub:.1f} | {best["tflops"]/cub:.2f} | {len(ok)}/{len(wrong)}/{len(failed)} | {max((r.get("max_err_ratio") or 0) for r in ok):.2f} | {anc} |'
          if best else f'| {kernel} | {shape} | {dtype} | - | - | {cub:.1f} | - | 0/{len(wrong)}/{len(failed)} | - | {anc} |')
