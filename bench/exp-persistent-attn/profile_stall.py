#!/usr/bin/env python3
"""One stall reason of an Nsight Compute source page (xz-packed csv): its
share of the samples, by opcode, and its six heaviest SASS lines
(session 22, call 6). Usage: profile_stall.py FILE.sass.csv.xz stall_NAME"""
import csv, io, lzma, sys, collections, re
path, stall = sys.argv[1], sys.argv[2]
rows = list(csv.reader(io.StringIO(lzma.open(path, 'rt').read())))
hdr = rows[1]; ix = {h: i for i, h in enumerate(hdr)}
tot = 0; by = collections.Counter(); top = []
for r in rows[2:]:
    if len(r) < len(hdr): continue
    v = r[ix[stall]]; v = int(v) if v and v != '-' else 0
    tot += v
    src = r[ix['Source']].strip()
    by[re.sub(r'^@!?U?P\w+\s+', '', src).split(' ')[0]] += v
    top.append((v, src[:90]))
allS = sum(int(r[ix['Warp Stall Sampling (All Samples)']] or 0) for r in rows[2:] if len(r) >= len(hdr))
print(path, stall, f"{100*tot/allS:.1f}% of samples")
print("  by op:", ", ".join(f"{k} {100*v/allS:.1f}%" for k, v in by.most_common(6)))
for v, s in sorted(top, reverse=True)[:6]: print(f"   {100*v/allS:5.1f}% {s}")
