#!/usr/bin/env bash
# On the GPU machine (issue 13): tile-run's timing distribution in --json
# (min/p20/p80/max, runs) and the progress lines a non-terminal gets every
# 10 s, on a whole GEMM and attention space. Needs .carry/tile-run.xz.
set -u
final=${OUT:-/tmp/out}; out=/tmp/res; mkdir -p "$out" "$final"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
T=/tmp/t/tile-run
"$T" --version | tee "$out/version.txt"
"$T" kernels/gemm.mlir --shape M=8192,N=8192,K=8192 --tune --json "$out/timing.jsonl" > "$out/gemm.txt" 2> "$out/gemm.err"
echo "gemm rc=$?"; grep -E "^best|configs:|spread" "$out/gemm.txt" | head; echo "stderr:"; head -5 "$out/gemm.err"
"$T" kernels/attention.mlir --shape B=4,H=48,S=8192,D=128 --causal --tune --json "$out/timing.jsonl" > "$out/attn.txt" 2> "$out/attn.err"
echo "attention rc=$?"; grep -E "^best|configs:|spread" "$out/attn.txt" | head; echo "stderr:"; head -5 "$out/attn.err"
python3 - "$out/timing.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ok = [r for r in rows if r["status"] in ("ok", "reference")]
bad = [r for r in ok if not (r["min_ms"] <= r["p20_ms"] <= r["ms"] <= r["p80_ms"] <= r["max_ms"] and r["runs"] > 0)]
spread = sorted((r["p80_ms"] - r["p20_ms"]) / r["ms"] for r in ok)
print(f"{len(rows)} rows, {len(ok)} timed, {len(bad)} with min<=p20<=median<=p80<=max broken; "
      f"spread (p80-p20)/median: median {spread[len(spread)//2]:.4f}, max {spread[-1]:.4f}")
PY
tar czf "$final/results.tgz" -C "$out" .
