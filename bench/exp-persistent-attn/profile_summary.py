#!/usr/bin/env python3
"""Nsight Compute source pages (ncu --page source --csv --print-source sass,
xz-packed): each file's warp-state samples by stall reason and by SASS
opcode, and its executed warp instructions by opcode (session 22, call 6).
Usage: profile_summary.py FILE.sass.csv.xz..."""
import csv, io, lzma, sys, collections, re
def load(path):
    rows = list(csv.reader(io.StringIO(lzma.open(path, 'rt').read())))
    hdr = rows[1]; data = rows[2:]
    return hdr, data
def summarize(path):
    hdr, data = load(path)
    ix = {h: i for i, h in enumerate(hdr)}
    stalls = [h for h in hdr if h.startswith('stall_') and '(Not Issued)' not in h]
    tot = collections.Counter(); bycls = collections.Counter(); instrs = collections.Counter()
    total_samples = 0; total_instr = 0
    for r in data:
        if len(r) < len(hdr): continue
        src = r[ix['Source']].strip()
        op = re.sub(r'^@!?U?P\w+\s+', '', src).split(' ')[0].split('.')[0]
        s = int(r[ix['Warp Stall Sampling (All Samples)']] or 0)
        n = int(r[ix['Instructions Executed']] or 0)
        total_samples += s; total_instr += n
        bycls[op] += s; instrs[op] += n
        for h in stalls:
            v = r[ix[h]]
            if v and v != '-': tot[h] += int(v)
    return total_samples, total_instr, tot, bycls, instrs
for name in sys.argv[1:]:
    s, n, tot, bycls, instrs = summarize(name)
    print(f"== {name}: samples {s}, warp instructions {n}")
    print("  stalls: " + ", ".join(f"{k[6:]} {100*v/s:.1f}%" for k, v in tot.most_common(9)))
    print("  samples by op: " + ", ".join(f"{k} {100*v/s:.1f}%" for k, v in bycls.most_common(10)))
    print("  instrs by op: " + ", ".join(f"{k} {v/1e6:.2f}M" for k, v in instrs.most_common(12)))
