#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs the whole
# GPU-free suite (lit + FileCheck tests and GoogleTest unit tests) via ctest,
# then the bounded fuzz run (scripts/fuzz.sh: the three libFuzzer targets,
# 35 s each, built with clang and the sanitizers in build-fuzz/; see
# docs/fuzzing.md). TILE_FUZZ=0 skips the fuzz run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${TILE_BUILD_DIR:-$root/build}"
"$root/scripts/build.sh"
(cd "$build" && ctest --output-on-failure)
if [ "${TILE_FUZZ:-1}" != 0 ]; then
  "$root/scripts/fuzz.sh"
fi
