#!/usr/bin/env bash
# Installs what tile builds and tests with (python3-matplotlib: bench/plot.py
# and its test) with apt. Does nothing when all is present.
#
#   scripts/install-deps.sh          the normal build (gcc, shared MLIR)
#   scripts/install-deps.sh --fuzz   and the fuzz build's clang with its
#                                    sanitizer and libFuzzer runtimes
#                                    (scripts/fuzz.sh, docs/fuzzing.md)
#   scripts/install-deps.sh --check  says what is missing and where it comes
#                                    from; installs nothing (exit 1 if
#                                    something is missing)
#
# Where LLVM/MLIR 22 come from: on Debian 12 (bookworm), its own archive
# (bookworm and bookworm-security carry them). On Ubuntu 22.04 (jammy) and
# 24.04 (noble), LLVM's apt repository (apt.llvm.org, same package names):
# when it is not configured the script prints the three commands that add
# it and stops, instead of failing inside apt. Elsewhere it says what it
# needs and stops.
set -euo pipefail

PACKAGES=(
  cmake ninja-build g++ lld
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
  libzstd-dev zlib1g-dev libgtest-dev
  python3-matplotlib xz-utils
)
# clang-22 compiles the fuzz build; libclang-rt-22-dev holds
# libclang_rt.fuzzer, .asan and .ubsan, which -fsanitize=fuzzer,address,
# undefined link. The normal build needs neither.
FUZZ_PACKAGES=(clang-22 libclang-rt-22-dev)

# For the tests: a package name that is never installed.
[ -n "${TILE_TEST_MISSING_PACKAGE:-}" ] && PACKAGES+=("$TILE_TEST_MISSING_PACKAGE")

check_only=0
for arg in "$@"; do
  case "$arg" in
    --fuzz) PACKAGES+=("${FUZZ_PACKAGES[@]}") ;;
    --check) check_only=1 ;;
    *) echo "usage: $0 [--fuzz] [--check]" >&2; exit 2 ;;
  esac
done

# The distribution (TILE_OS_RELEASE and TILE_APT_SOURCES point elsewhere
# for the tests: test/tools/install-deps.test).
os_release=${TILE_OS_RELEASE:-/etc/os-release}
apt_sources=${TILE_APT_SOURCES:-/etc/apt}
ID=unknown VERSION_ID="" VERSION_CODENAME="" PRETTY_NAME=""
# shellcheck disable=SC1090
[ -r "$os_release" ] && . "$os_release"
distro="${PRETTY_NAME:-$ID $VERSION_ID}"

needs_llvm_repo=0
case "$ID:${VERSION_ID:-}" in
  debian:12) ;;
  ubuntu:22.04|ubuntu:24.04) needs_llvm_repo=1 ;;
  debian:*|ubuntu:*)
    echo "install-deps: $distro is not one tile was set up on (Debian 12, Ubuntu 22.04/24.04)." >&2
    echo "  It needs: ${PACKAGES[*]}" >&2
    echo "  LLVM/MLIR 22 (llvm-22-dev, libmlir-22-dev, mlir-22-tools) come from the" >&2
    echo "  distribution if it has them, else from https://apt.llvm.org." >&2
    exit 1 ;;
  *)
    echo "install-deps: $distro has no apt recipe here. tile needs CMake >= 3.20, Ninja," >&2
    echo "  a C++17 compiler, lld, LLVM and MLIR 22 (headers, CMake packages, mlir-tblgen," >&2
    echo "  FileCheck, lit), zstd and zlib headers, GoogleTest, python3-matplotlib;" >&2
    echo "  install them, then pass -DLLVM_DIR=... -DMLIR_DIR=... to CMake (README.md)." >&2
    exit 1 ;;
esac

if ! command -v dpkg-query >/dev/null; then
  echo "install-deps: $distro without dpkg-query: cannot tell what is installed" >&2
  exit 1
fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
echo "install-deps: $distro; missing: ${missing[*]}"

if [ $needs_llvm_repo = 1 ] &&
   ! grep -rqs "apt.llvm.org/$VERSION_CODENAME/ llvm-toolchain-$VERSION_CODENAME-22 " \
       "$apt_sources/sources.list" "$apt_sources/sources.list.d"; then
  echo "install-deps: $distro has no LLVM/MLIR 22 in its archive; they come from LLVM's" >&2
  echo "  apt repository, which is not configured. Add it with:" >&2
  echo "    wget -qO- https://apt.llvm.org/llvm-snapshot.gpg.key | sudo tee /etc/apt/trusted.gpg.d/apt.llvm.org.asc" >&2
  echo "    echo 'deb http://apt.llvm.org/$VERSION_CODENAME/ llvm-toolchain-$VERSION_CODENAME-22 main' | sudo tee /etc/apt/sources.list.d/llvm-22.list" >&2
  echo "    sudo apt-get update" >&2
  echo "  then run $0 again." >&2
  exit 1
fi
if [ $check_only = 1 ]; then
  echo "install-deps: --check: would install them with apt-get"
  exit 1
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
# Say which packages apt cannot find before it fails on them.
unavailable=()
for p in "${missing[@]}"; do
  apt-cache show "$p" >/dev/null 2>&1 || unavailable+=("$p")
done
if [ ${#unavailable[@]} -ne 0 ]; then
  echo "install-deps: apt has no package ${unavailable[*]} on $distro (check the apt sources above)" >&2
  exit 1
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
