#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, docs/fuzzing.md) in their own build
# directory and runs each for a fixed time; fails on the first crash,
# assertion, sanitizer report, leak, timeout or out-of-memory.
#
#   scripts/fuzz.sh                       all three, 35 s each (the CI run)
#   scripts/fuzz.sh dialect lowering      those targets only
#   TILE_FUZZ_SECONDS=900 nice -n 19 scripts/fuzz.sh lowering   a long run
#
# Environment:
#   TILE_FUZZ_BUILD_DIR  the build directory (build-fuzz)
#   TILE_FUZZ_SECONDS    seconds per target (35)
#   TILE_FUZZ_ARGS       more libFuzzer flags, e.g. "-jobs=2 -workers=2"
#
# Inputs that found new coverage are kept in $TILE_FUZZ_BUILD_DIR/fuzz-corpus/
# (the next run starts from them); a crashing input is written to
# $TILE_FUZZ_BUILD_DIR/fuzz-artifacts/ and its path printed. Reproduce one
# with `build-fuzz/bin/tile-fuzz-<target> <file>`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${TILE_FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${TILE_FUZZ_SECONDS:-35}"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(expr dialect lowering)
for t in "${targets[@]}"; do
  case "$t" in
    expr|dialect|lowering) ;;
    *) echo "fuzz: unknown target '$t' (expr, dialect, lowering)" >&2; exit 2 ;;
  esac
done

"$root/scripts/install-deps.sh" --fuzz
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DTILE_BUILD_FUZZERS=ON -DTILE_BUILD_TESTS=OFF
fi
ninja -C "$build" tile-fuzzers

seeds="$build/fuzz-seeds"
"$root/fuzz/make-corpus.sh" "$seeds"
mkdir -p "$build/fuzz-artifacts" "$build/fuzz-logs"

# Symbolized stacks; UBSan's reports with a stack.
symbolizer=/usr/lib/llvm-22/bin/llvm-symbolizer
[ -x "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH="$symbolizer"
export UBSAN_OPTIONS="print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

failed=0
for t in "${targets[@]}"; do
  corpus="$build/fuzz-corpus/$t"
  log="$build/fuzz-logs/$t.log"
  mkdir -p "$corpus"
  dict=()
  [ "$t" = expr ] || dict=(-dict="$root/fuzz/tile.dict")
  echo "fuzz: $t for ${seconds}s (log: $log)"
  # -timeout: one input may take 10 s (the lowering under ASan takes
  # milliseconds); -rss_limit_mb: 2 GiB of memory at most.
  # shellcheck disable=SC2086
  if "$build/bin/tile-fuzz-$t" "$corpus" "$seeds/$t" "${dict[@]}" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$build/fuzz-artifacts/$t-" -print_final_stats=1 \
      ${TILE_FUZZ_ARGS:-} > "$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    echo "fuzz: $t: no crash in ${runs:-?} runs, $(ls "$corpus" | wc -l) inputs in its corpus"
  else
    failed=1
    echo "fuzz: $t FAILED; the end of its log:" >&2
    tail -n 60 "$log" >&2
    grep -h "Test unit written to" "$log" >&2 || true
  fi
done
exit $failed
