#!/usr/bin/env bash
# sass_loop_summary.sh SASS: the order of a kernel's tensor-core,
# barrier, wait and exponential instructions (runs of one opcode
# collapsed to one line with a count): where WARPGROUP.DEPBAR falls
# against the MUFU.EX2 of the softmax shows whether a P V stays in flight
# through it.
awk '
  /QGMMA|HGMMA|WARPGROUP|BAR.SYNC|SYNCS|MUFU.EX2|F2FP|BRA/ {
    for (i = 1; i <= NF; i++) if ($i ~ /^\/\*[0-9a-f]+\*\/$/) { addr = $i; op = $(i+1); if (op ~ /^@/) op = $(i+2); break }
    key = op; sub(/\..*/, "", key); if (op ~ /DEPBAR/) key = op " " $0
    if (key == prev) { n++; next }
    if (prev != "") print first, prevop, (n > 1 ? "x" n : "")
    prev = key; prevop = op; first = addr; n = 1
    if (op ~ /DEPBAR/) { prevop = $0; gsub(/ +/, " ", prevop); sub(/;.*/, "", prevop) }
  }
  END { if (prev != "") print first, prevop, (n > 1 ? "x" n : "") }' "$1"
