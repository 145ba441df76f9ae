#!/usr/bin/env bash
# On the GPU machine, with the binary of the session's last lowering and
# tool changes: the verifier's mutation test (bench/gpu_mutation_test.sh:
# every mutant WRONG in every config, every control config verified) and
# one --tune --json to check the timing fields and the tuning cache. Needs .carry/tile-run.xz.
set -u
final=${OUT:-/tmp/out}; out=/tmp/res; mkdir -p "$out" "$final"
mkdir -p /tmp/t && xz -dc .carry/tile-run.xz > /tmp/t/tile-run && chmod +x /tmp/t/tile-run
export T=/tmp/t/tile-run
"$T" --version | head -1
OUT=$out bash bench/gpu_mutation_test.sh 2>&1 | grep -E "^mutants caught|runs not as expected|all verified|caught" | cut -c1-120
# The tuning cache: --tune records the best, a plain run uses it.
export TILE_CACHE_DIR=$out/cache
"$T" kernels/gemm.mlir --shape M=4096,N=4096,K=4096 --tune --json "$out/tune.jsonl" | grep -E "^best|configs:|recorded in"
"$T" kernels/gemm.mlir --shape M=4096,N=4096,K=4096 | grep -E "^using the config|^BLOCK|configs:"
python3 -c "
import json; rows=[json.loads(l) for l in open('$out/tune.jsonl')]
print(len(rows), 'rows; runs:', sorted({r['runs'] for r in rows}), '; ordered:', all(r['min_ms']<=r['p20_ms']<=r['ms']<=r['p80_ms']<=r['max_ms'] for r in rows if r['runs']))"
tar czf "$final/results.tgz" -C "$out" .
