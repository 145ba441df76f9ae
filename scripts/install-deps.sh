#!/usr/bin/env bash
# Installs what tile builds and tests with (python3-matplotlib: bench/plot.py
# and its test), from Debian's package archive (bookworm and
# bookworm-security carry LLVM/MLIR 22). Does nothing when all is present.
#
#   scripts/install-deps.sh          the normal build (gcc, shared MLIR)
#   scripts/install-deps.sh --fuzz   and the fuzz build's clang with its
#                                    sanitizer and libFuzzer runtimes
#                                    (scripts/fuzz.sh, docs/fuzzing.md)
set -euo pipefail

PACKAGES=(
  cmake ninja-build g++ lld
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
  libzstd-dev zlib1g-dev libgtest-dev
  python3-matplotlib
)
# clang-22 compiles the fuzz build; libclang-rt-22-dev holds
# libclang_rt.fuzzer, .asan and .ubsan, which -fsanitize=fuzzer,address,
# undefined link. The normal build needs neither.
FUZZ_PACKAGES=(clang-22 libclang-rt-22-dev)

case "${1:-}" in
  "") ;;
  --fuzz) PACKAGES+=("${FUZZ_PACKAGES[@]}") ;;
  *) echo "usage: $0 [--fuzz]" >&2; exit 2 ;;
esac

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
