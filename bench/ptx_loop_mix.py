#!/usr/bin/env python3
"""The instruction mix of a kernel's main loop, from its PTX (no GPU).

    bench/ptx_loop_mix.py KERNEL.ptx --elements N

The main loop is the outermost loop (a branch back to an earlier label)
that holds a wgmma.mma_async. Its steady path starts at the loop's head
and runs down the code; a conditional branch is taken when the code it
skips holds masking selects (16 or more selp.f32: a block of keys with a
mask, which tile-skip-full-masks guards), and the path ends at a branch
back to the head. Counted: every PTX instruction on that path (inline
asm's wait loops once), per element: N is the S (or C) elements a thread
holds each iteration, BLOCK_M * BLOCK_N / (32 * WARPS). SASS differs a
little (ptxas fuses, splits and schedules); this is the count that
bench/RESULTS.md session 18 used for issue and MUFU bounds.
"""
import argparse
import collections
import re

LABEL = re.compile(r'^(\$L__BB\d+_\d+):')
BRANCH = re.compile(r'bra(?:\.uni)?\s+(\$L__BB\d+_\d+);')
KEYED = ('cvt', 'ex2', 'max', 'min', 'add', 'mul', 'fma', 'sub', 'st', 'ld',
         'setp', 'selp', 'shfl')


def instructions(lines):
    """(line index, opcode, text) of each instruction, labels skipped."""
    out = []
    for i, line in enumerate(lines):
        t = line.strip()
        if (not t or t.startswith(('//', '.reg', '{', '}', 'LAB_WAIT', 'DONE',
                                   '@P1')) or LABEL.match(t) or
                t.startswith('bra.uni     LAB_WAIT')):
            continue
        words = t.split()
        op = words[1] if words[0].startswith('@') else words[0]
        out.append((i, op, t))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('ptx')
    ap.add_argument('--elements', type=float, required=True,
                    help='elements a thread holds each iteration')
    args = ap.parse_args()
    lines = open(args.ptx).read().split('\n')
    labels = {m.group(1): i for i, l in enumerate(lines)
              if (m := LABEL.match(l))}
    loops = []
    for i, l in enumerate(lines):
        m = BRANCH.search(l)
        if m and labels.get(m.group(1), i) < i:
            head = labels[m.group(1)]
            if any('wgmma.mma_async' in lines[k] for k in range(head, i)):
                loops.append((head, i))
    if not loops:
        raise SystemExit(f'{args.ptx}: no loop with a wgmma.mma_async')
    head = min(h for h, _ in loops)
    latch = max(e for h, e in loops if h == head)
    head_label = lines[head].rstrip(':').strip()
    body = [x for x in instructions(lines) if head < x[0] <= latch]
    index = {x[0]: n for n, x in enumerate(body)}
    counts, n = collections.Counter(), 0
    while n < len(body):
        i, op, text = body[n]
        m = BRANCH.search(text)
        conditional = text.startswith('@')
        if m and m.group(1) == head_label:
            if conditional:
                skipped = [x for x in body[n + 1:] if x[0] <= latch]
                if sum(x[1].startswith('selp.f32') for x in skipped) >= 16:
                    counts[op.split('.')[0]] += 1
                    break           # the unmasked block goes back to the head
            else:
                counts['bra'] += 1
                break
        key = op.split('.')[0]
        if key in KEYED:
            key = '.'.join(op.split('.')[:2])
        counts[key] += 1
        if m and m.group(1) in labels and labels[m.group(1)] > i:
            target = labels[m.group(1)]
            nxt = min((k for k in index if k > target), default=None)
            skipped = [x for x in body[n + 1:] if x[0] < target]
            masks = sum(x[1].startswith('selp.f32') for x in skipped)
            if nxt is not None and (not conditional or masks >= 16):
                n = index[nxt]
                continue
        n += 1
    total = sum(counts.values())
    print(f'{args.ptx}: loop lines {head + 1}-{latch + 1}, {total} '
          f'instructions on the steady path, '
          f'{total / args.elements:.2f} an element')
    print('  ' + ', '.join(f'{k} {v / args.elements:.2f}'
                           for k, v in counts.most_common(24)))


if __name__ == '__main__':
    main()
