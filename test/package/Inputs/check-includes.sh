#!/usr/bin/env bash
# check-includes.sh <include dir>: every `#include "tile/..."` in the headers
# under <include dir>/tile names a file that is there too (so an installed
# tree carries the generated headers its public ones include). Prints each
# missing one; exits 1 if any.
set -euo pipefail
cd "$1"
missing=0
for f in $(grep -rhoE '#include "tile/[^"]+"' tile | sed 's/#include "\(.*\)"/\1/' | sort -u); do
  if [ ! -f "$f" ]; then
    echo "missing: $f"
    missing=1
  fi
done
exit $missing
