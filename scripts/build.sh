#!/usr/bin/env bash
# Configures (once) and builds tile in ${TILE_BUILD_DIR:-build}.
# Extra arguments go to cmake at configure time, e.g. -DTILE_STATIC_LLVM=ON.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${TILE_BUILD_DIR:-$root/build}"
"$root/scripts/install-deps.sh"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
fi
ninja -C "$build"
