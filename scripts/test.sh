#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs the whole
# GPU-free suite (lit + FileCheck tests and GoogleTest unit tests) via ctest.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${TILE_BUILD_DIR:-$root/build}"
"$root/scripts/build.sh"
cd "$build"
ctest --output-on-failure
