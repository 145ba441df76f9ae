#!/usr/bin/env bash
# Writes the fuzzers' seed corpora, taken from the sources themselves, so
# that no copy of a kernel or a test is committed twice:
#
#   OUT/dialect/   every kernel in kernels/, every case of the .mlir tests
#                  (split at `// -----`, as --split-input-file does) and the
#                  .mlir sections of the split-file tests, comment lines
#                  (RUN:, CHECK:) dropped
#   OUT/lowering/  those of them that hold a tile.kernel
#   OUT/expr/      the text of every #tile.expr<"..."> in those files and of
#                  the expressions the unit tests parse, and a few with a
#                  binding line (expr-fuzzer.cpp's input format)
#
# Each seed is named by its SHA-1, as libFuzzer names inputs; OUT is
# replaced. Usage: fuzz/make-corpus.sh OUT
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:?usage: $0 OUT}"
rm -rf "$out"
mkdir -p "$out/dialect" "$out/lowering" "$out/expr" "$out/.split"
split="$out/.split"

# Splits the .mlir sources into cases, one file each, under $split.
n=0
cut_cases() { # FILE: the file's cases, separated by `// -----`
  awk -v dir="$split" -v base="$n" '
    BEGIN { part = 0; file = sprintf("%s/%d-%d.mlir", dir, base, part) }
    /^\/\/ -----/ { close(file); part++; file = sprintf("%s/%d-%d.mlir", dir, base, part); next }
    /^[ \t]*\/\// { next }
    { print > file }' "$1"
}
cut_sections() { # FILE: the `#--- name.mlir` sections of a split-file test
  awk -v dir="$split" -v base="$n" '
    /^#--- / { close(file); keep = ($2 ~ /\.mlir$/); part++
               file = sprintf("%s/%d-s%d.mlir", dir, base, part); next }
    keep && !/^[ \t]*\/\// { print > file }' "$1"
}
while IFS= read -r f; do
  n=$((n + 1))
  case "$f" in
    *.mlir) cut_cases "$f" ;;
    *.test) cut_sections "$f" ;;
  esac
done < <(cd "$root" && find kernels test -name '*.mlir' -o -name '*.test' |
           sort | sed "s|^|$root/|")

# Seeds named by content: duplicates collapse.
add() { # DIR FILE
  local sum
  sum=$(sha1sum "$2" | cut -d' ' -f1)
  cp "$2" "$1/$sum"
}
for f in "$split"/*.mlir; do
  [ -s "$f" ] || continue
  grep -q '[^[:space:]]' "$f" || continue
  add "$out/dialect" "$f"
  if grep -q 'tile\.kernel' "$f"; then
    add "$out/lowering" "$f"
  fi
done

# Expressions: what #tile.expr<"..."> holds, and the unit tests' strings.
exprs="$split/exprs.txt"
{
  grep -rhoE '#tile\.expr<"[^"]*">' "$root/kernels" "$root/test" |
    sed -E 's/^#tile\.expr<"(.*)">$/\1/'
  grep -hoE '(evalOrDie|parseError|parse)\("[^"]*"' \
      "$root/unittests/SymbolicExprTest.cpp" |
    sed -E 's/^[a-zA-Z]+\("(.*)"$/\1/'
} | sort -u > "$exprs"
i=0
while IFS= read -r e; do
  i=$((i + 1))
  printf '%s' "$e" > "$split/expr-$i"
  add "$out/expr" "$split/expr-$i"
done < "$exprs"
# With bindings on a second line, as --config and --shape spell them.
printf 'cdiv(M, BLOCK_M) * cdiv(N, BLOCK_N)\nM=4096,N=4096,BLOCK_M=128,BLOCK_N=256' > "$split/b1"
printf 'BLOCK_M * BLOCK_N <= 128 * 32 * WARPS\nBLOCK_M=128, BLOCK_N=256, WARPS=8' > "$split/b2"
printf 'max(1, min(-2 + 3, M / 2 - M %% 2))\nM=-9223372036854775808' > "$split/b3"
for f in "$split"/b?; do add "$out/expr" "$f"; done

rm -rf "$split"
echo "make-corpus: $(ls "$out/dialect" | wc -l) dialect, $(ls "$out/lowering" | wc -l) lowering, $(ls "$out/expr" | wc -l) expression seeds in $out"
