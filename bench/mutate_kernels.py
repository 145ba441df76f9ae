#!/usr/bin/env python3
"""Mutation (fuzz) test of the tools on kernel text: "no input crashes the tools".

Takes the kernels in kernels/*.mlir, makes mutants the way a person slips
while editing them (an integer off by one or absurd, a swapped element type,
a misspelt attribute or op name, a deleted, duplicated or swapped line, a
missing or extra bracket or character, a changed #tile.expr or tile.param
list, the wrong SSA value, ...) together with mutations that keep the program
valid (another default config, consistent type swaps, dropped constraints), so
that a good share of the mutants reaches the lowering. Every mutant is run
through

  opt:  tile-opt MUTANT                       (parse + verify)
  ptx:  tile-opt MUTANT --tile-to-ptx=...     (specialize + lower to PTX)
  run:  tile-run MUTANT --compile-only --shape ...   (the whole compile path)

and each run is classified:

  ok             exit status 0
  error          exit status 1 and a message on stderr (a clean error)
  error_rc       another exit status below 128 with a message on stderr
  silent         non-zero exit status and nothing on stderr
  crash          killed by a signal, exit status >= 128, or a crash marker in
                 the output (Stack dump, LLVM ERROR, Assertion, UNREACHABLE,
                 PLEASE submit a bug report, terminate called, ...); running
                 out of the address-space limit (--mem-gib) ends as one of these
  hang           still running after --timeout seconds

Errors whose first message has no file:line:col location are counted too
("noloc"), and the clean errors of mutants that tile-opt accepted (errors of
the lowering) are grouped by message. Crash and hang reproducers are kept in
OUT/crashes/ and OUT/hangs/ (the mutant, the command and its output).

Mutant i depends only on the seed and i (the sequence is deduplicated
deterministically), so a run is reproducible and one mutant can be rebuilt
with --only i.

  bench/mutate_kernels.py --count 10000 --seed 1 --jobs 2 --out /tmp/mut
  bench/mutate_kernels.py --smoke            # 50 mutants, exit 1 on crash/hang
  bench/mutate_kernels.py --only 123 --seed 1 --print   # show mutant 123
  bench/mutate_kernels.py --only 123 --seed 1 --emit DIR # write it to DIR
  (add --kernels-rev REV to take the kernels as committed at REV)

Exit status: 0 when no run crashed, hung or failed silently; 1 otherwise.
Stdlib only.
"""
import argparse
import collections
import concurrent.futures
import datetime
import hashlib
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Problem shapes for tile-run and the extra tile-to-ptx config, per kind.
SHAPES = {
    "attention": "B=1,H=2,S=256,D=64",
    "gemm": "M=256,N=256,K=256",
}
PTX_CONFIG = {"attention": "D=64", "gemm": ""}

CRASH_MARKERS = ("Stack dump", "LLVM ERROR", "Assertion", "UNREACHABLE",
                 "PLEASE submit a bug report", "terminate called",
                 "Segmentation fault", "AddressSanitizer", "std::bad_alloc",
                 "core dumped")

ELEM_TYPES = ["bf16", "f16", "f32", "f8E4M3FN", "f8E5M2", "i32", "f64", "i1",
              "i8", "i64", "index", "f8E4M3", "tf32", "i16", "f8E4M3FNUZ"]
TYPE_RE = re.compile(r"(?<![\w])(bf16|f16|f32|f64|f8E4M3FN|f8E5M2|i32|i1|i8|"
                     r"i64|index)(?![\w])")
INT_RE = re.compile(r"(?<![\w.#%@\"])-?\d+(?![\w.])")
FLOAT_RE = re.compile(r"(?<![\w.])(0x[0-9A-Fa-f]+|\d+\.\d+(?:e[+-]?\d+)?)(?![\w.])")
OPNAME_RE = re.compile(r"(?<![\w.#!])(tile|arith|scf|math)\.([a-z_0-9]+)")
SSA_RE = re.compile(r"%[A-Za-z_][\w]*")
EXPR_RE = re.compile(r'#tile\.expr<"([^"\n]*)">')
PARAM_RE = re.compile(r'#tile\.param<"([^"\n]*)",\s*\[([^\]\n]*)\]>')
SHAPE_RE = re.compile(r"#tile\.shape<([^>\n]*)>")
ATTR_NAMES = ["params", "constraints", "grid", "num_warps", "num_stages",
              "reference", "tile.shape", "transpose_rhs", "attributes",
              "iter_args", "fastmath", "dim"]
DIALECT_ATTRS = ["#tile.param", "#tile.expr", "#tile.shape"]
SIBLINGS = {
    "tile": ["kernel", "return", "program_id", "num_programs", "param", "dim",
             "load", "store", "dot", "reduce", "broadcast", "splat", "iota"],
    "arith": ["addi", "subi", "muli", "divui", "divsi", "remui", "remsi",
              "ceildivui", "minui", "maxui", "addf", "subf", "mulf", "divf",
              "maximumf", "minimumf", "truncf", "extf", "select", "cmpi",
              "cmpf", "andi", "ori", "xori", "index_cast", "constant",
              "extui", "trunci", "sitofp", "negf"],
    "math": ["exp2", "exp", "log", "log2", "sqrt", "rsqrt", "tanh", "absf"],
    "scf": ["for", "yield", "if", "while", "forall", "parallel"],
}
KEYWORDS = [  # (regex of the slot, alternatives)
    (r"(?<=tile\.reduce )(max|sum)\b", ["max", "sum", "min", "prod", "mean", "maxi"]),
    (r"(?<=program_id )[a-z]\b", ["x", "y", "z", "w", "0"]),
    (r"(?<=num_programs )[a-z]\b", ["x", "y", "z", "w"]),
    (r"(?<=\bdim )\d+\b", ["0", "1", "2", "-1", "3"]),
    (r"(?<=cmpi )[a-z]+\b", ["eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ugt", "oeq", "lt"]),
    (r"(?<=fastmath<)[a-z]+", ["contract", "fast", "reassoc", "nnan", "none", "bogus"]),
    (r"\{transpose_rhs\}", ["", "{transpose_lhs}", "{transpose_rhs = false}",
                            "{transpose_rhs, transpose_rhs}", "{transpose_rhs = 1 : i32}"]),
    (r'(?<=reference = ")[a-z_]*(?=")', ["gemm", "attention", "fp8_gemm", "", "conv"]),
    (r"(?<=step )%\w+", ["%c0", "%c1", "%bm", "%bn", "%bk", "%K"]),
]
PARAM_GOOD = {  # plausible single values per parameter (often valid)
    "BLOCK_M": [64, 128, 192, 256, 32],
    "BLOCK_N": [32, 64, 128, 192, 256],
    "BLOCK_K": [32, 64, 128, 256, 16],
    "GROUP_M": [1, 2, 4, 8, 16],
    "WARPS": [4, 8, 12, 16],
    "STAGES": [1, 2, 3, 4, 5, 6],
}
ODD_INTS = [0, 1, -1, 2, 3, 7, 48, 96, 100, 512, 1024, 4096, 65536, 2**31 - 1,
            2**31, -2**31, 2**32, 2**63 - 1, 2**63, -2**63, 2**64, 10**20]
CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_%#!<>()[]{},:=-+*/\" .x?\n"
EXPR_OPS = ["+", "-", "*", "/", "%", "<", "<=", ">", ">=", "==", "!=", "&&", "||", "^", "="]


def kernel_kind(text):
    m = re.search(r'reference\s*=\s*"([a-z_]+)"', text)
    return "attention" if m and m.group(1) == "attention" else "gemm"


def comment_spans(text):
    return [(m.start(), m.end()) for m in re.finditer(r"//[^\n]*", text)]


def in_spans(pos, spans):
    for a, b in spans:
        if a <= pos < b:
            return True
    return False


def code_matches(regex, text):
    spans = comment_spans(text)
    if isinstance(regex, str):
        regex = re.compile(regex)
    return [m for m in regex.finditer(text) if not in_spans(m.start(), spans)]


def code_positions(text):
    spans = comment_spans(text)
    return [i for i in range(len(text)) if not in_spans(i, spans)]


def replace_span(text, a, b, new):
    return text[:a] + new + text[b:]


def typo(rng, word):
    """A small slip in a name."""
    if not word:
        return "x"
    k = rng.randrange(7)
    i = rng.randrange(len(word))
    if k == 0 and len(word) > 1:                 # a letter dropped
        return word[:i] + word[i + 1:]
    if k == 1:                                   # a letter doubled
        return word[:i] + word[i] + word[i:]
    if k == 2 and len(word) > 1:                 # two letters swapped
        i = min(i, len(word) - 2)
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if k == 3:                                   # a wrong letter
        return word[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz_") + word[i + 1:]
    if k == 4:                                   # case
        return word.upper() if word != word.upper() else word.lower()
    if k == 5:
        return word + rng.choice(["s", "_", "2", "x"])
    return word.replace("_", "") if "_" in word else word[:-1]


def int_variant(rng, n):
    c = rng.randrange(10)
    if c == 0:
        return n + 1
    if c == 1:
        return n - 1
    if c == 2:
        return -n
    if c == 3:
        return n * 2
    if c == 4:
        return n // 2
    if c == 5:
        return n * 1000
    return rng.choice(ODD_INTS)


# ---------------------------------------------------------------- mutations
# Each takes (text, rng) and returns (new_text, description) or None.

def m_int(text, rng):
    ms = code_matches(INT_RE, text)
    if not ms:
        return None
    m = rng.choice(ms)
    new = str(int_variant(rng, int(m.group(0))))
    return replace_span(text, m.start(), m.end(), new), f"int {m.group(0)}->{new}"


def m_float(text, rng):
    ms = code_matches(FLOAT_RE, text)
    if not ms:
        return None
    m = rng.choice(ms)
    new = rng.choice(["nan", "inf", "-0.0", "1e39", "0x7FC00000", "0xFFFFFFFFFFF",
                      "1", "0x", "1.0e", "-1.5", "0xFF80000", "3.4e38", "1.44269504e-50"])
    return replace_span(text, m.start(), m.end(), new), f"float {m.group(0)}->{new}"


def m_type_one(text, rng):
    ms = code_matches(TYPE_RE, text)
    if not ms:
        return None
    m = rng.choice(ms)
    new = rng.choice([t for t in ELEM_TYPES if t != m.group(0)])
    return replace_span(text, m.start(), m.end(), new), f"type@{m.start()} {m.group(0)}->{new}"


def m_type_all(text, rng):
    """A consistent swap of one element type everywhere (often still valid)."""
    present = sorted({m.group(0) for m in code_matches(TYPE_RE, text)} - {"index"})
    if not present:
        return None
    old = rng.choice(present)
    new = rng.choice(["bf16", "f16", "f32", "f8E4M3FN", "f8E5M2", "i32", "f64", "i1", "i8"])
    if new == old:
        return None
    out = TYPE_RE.sub(lambda m: new if m.group(0) == old else m.group(0), text)
    return out, f"type-all {old}->{new}"


def m_type_valid(text, rng):
    """Type changes that keep the program well typed: bf16 <-> f16 operands,
    e4m3 <-> e5m2, another output element type."""
    present = {m.group(0) for m in code_matches(TYPE_RE, text)}
    opts = []
    if "bf16" in present:
        opts.append(("bf16", "f16"))
    if "f16" in present and "f8E4M3FN" not in present:
        opts.append(("f16", "bf16"))
    if "f8E4M3FN" in present:
        opts.append(("f8E4M3FN", "f8E5M2"))
        opts.append(("f8E4M3FN", "bf16"))
    for old, new in [("bf16", "f8E4M3FN"), ("bf16", "f32")]:
        if old in present:
            opts.append((old, new))
    k = rng.randrange(3)
    if k < 2 and opts:
        old, new = rng.choice(opts)
        out = TYPE_RE.sub(lambda m: new if m.group(0) == old else m.group(0), text)
        return out, f"type-valid {old}->{new}"
    # The output: the stored tile's alias and the output memref.
    store = code_matches(r"tile\.store %\w+, (%\w+)\[[^\]]*\] : (![\w]+) -> memref<([?x]*)(\w+)>", text)
    if not store:
        return None
    m = store[0]
    arg, alias, old = m.group(1), m.group(2), m.group(4)
    new = rng.choice([t for t in ["bf16", "f16", "f32", "f8E4M3FN"] if t != old])
    text = replace_span(text, m.start(4), m.end(4), new)
    text = re.sub(r"(?m)^(" + re.escape(alias) + r"\s*=\s*tensor<[?x]*)" + old, r"\g<1>" + new, text)
    text = re.sub(r"(" + re.escape(arg) + r": memref<[?x]*)" + old, r"\g<1>" + new, text)
    return text, f"out-type {old}->{new}"


def m_type_alias(text, rng):
    ms = code_matches(r"(?m)^(![\w]+\s*=\s*tensor<[^,\n]*x)(\w+)(,)", text)
    if not ms:
        return None
    m = rng.choice(ms)
    new = rng.choice([t for t in ELEM_TYPES if t != m.group(2)])
    return replace_span(text, m.start(2), m.end(2), new), f"alias {m.group(2)}->{new}"


def m_attr_name(text, rng):
    cands = []
    for name in ATTR_NAMES:
        cands += code_matches(r"(?<![\w.#])" + re.escape(name) + r"(?![\w])", text)
    if not cands:
        return None
    m = rng.choice(cands)
    new = typo(rng, m.group(0))
    return replace_span(text, m.start(), m.end(), new), f"attr {m.group(0)}->{new}"


def m_attr_dialect(text, rng):
    cands = []
    for name in DIALECT_ATTRS:
        cands += code_matches(re.escape(name) + r"(?=<)", text)
    if not cands:
        return None
    m = rng.choice(cands)
    if rng.random() < 0.5:
        new = rng.choice(DIALECT_ATTRS + ["#tile.params", "#tile.tile", "#tile", "tile.expr",
                                          "#arith.expr", "#tile.shape_"])
    else:
        new = "#tile." + typo(rng, m.group(0)[6:])
    return replace_span(text, m.start(), m.end(), new), f"dialect-attr {m.group(0)}->{new}"


def m_op_name(text, rng):
    ms = code_matches(OPNAME_RE, text)
    if not ms:
        return None
    m = rng.choice(ms)
    dialect, op = m.group(1), m.group(2)
    if rng.random() < 0.6:
        new = dialect + "." + rng.choice(SIBLINGS[dialect])
    elif rng.random() < 0.5:
        new = dialect + "." + typo(rng, op)
    else:
        new = rng.choice(["tile", "arith", "scf", "math", "gpu", "nvgpu", "tiles"]) + "." + op
    return replace_span(text, m.start(), m.end(), new), f"op {m.group(0)}->{new}"


def m_keyword(text, rng):
    slots = [(rx, alts) for rx, alts in KEYWORDS if code_matches(rx, text)]
    if not slots:
        return None
    rx, alts = rng.choice(slots)
    m = rng.choice(code_matches(rx, text))
    new = rng.choice([a for a in alts if a != m.group(0)])
    return replace_span(text, m.start(), m.end(), new), f"keyword {m.group(0)!r}->{new!r}"


def ssa_defs(text):
    """SSA name -> the type text of its definition (heuristic)."""
    defs = {}
    for line in text.splitlines():
        code = line.split("//")[0]
        m = re.match(r"\s*((?:%\w+(?:\s*,\s*)?)+)\s*=\s*(.*)$", code)
        if m:
            rhs = m.group(2)
            if re.match(r"tile\.(dim|param|program_id|num_programs)\b", rhs):
                ty = "index"
            else:
                ty = re.split(r":|->", rhs)[-1].strip()
            for name in re.findall(r"%\w+", m.group(1)):
                defs[name] = ty
        for a, ty in re.findall(r"(%\w+):\s*([^,{)]+)", code):
            defs.setdefault(a, ty.strip())
    return defs


def m_ssa_swap(text, rng):
    """The wrong value used: one use replaced by another name, mostly of the
    same type (these often verify and reach the lowering)."""
    ms = code_matches(SSA_RE, text)
    defs = ssa_defs(text)
    uses = [m for m in ms if not re.match(r"\s*[=:]", text[m.end():m.end() + 3])]
    if not uses or len(defs) < 2:
        return None
    m = rng.choice(uses)
    old = m.group(0)
    same = [n for n, t in defs.items() if n != old and t == defs.get(old)]
    pool = same if same and rng.random() < 0.8 else [n for n in defs if n != old]
    if not pool:
        return None
    new = rng.choice(sorted(pool))
    return replace_span(text, m.start(), m.end(), new), f"ssa {old}->{new}@{m.start()}"


def m_ssa_typo(text, rng):
    ms = code_matches(SSA_RE, text)
    if not ms:
        return None
    m = rng.choice(ms)
    new = "%" + typo(rng, m.group(0)[1:])
    return replace_span(text, m.start(), m.end(), new), f"ssa-typo {m.group(0)}->{new}"


def m_string(text, rng):
    ms = code_matches(r'tile\.(?:dim|param) "([A-Za-z_0-9]*)"', text)
    if not ms:
        return None
    m = rng.choice(ms)
    syms = ["M", "N", "K", "B", "H", "D", "S_Q", "S_KV", "BLOCK_M", "BLOCK_N",
            "BLOCK_K", "WARPS", "STAGES", "GROUP_M", "", "X", "m"]
    new = typo(rng, m.group(1)) if rng.random() < 0.4 else rng.choice(syms)
    return replace_span(text, m.start(1), m.end(1), new), f"name {m.group(1)!r}->{new!r}"


def m_shape(text, rng):
    ms = code_matches(SHAPE_RE, text)
    if not ms:
        return None
    m = rng.choice(ms)
    dims = [d.strip() for d in m.group(1).split(",")]
    syms = ["M", "N", "K", "B", "H", "D", "S_Q", "S_KV", "BLOCK_M", "BLOCK_N",
            "BLOCK_K", "WARPS", "STAGES", "X", "64", "128", "0", "-1", "1"]
    k = rng.randrange(6)
    if k == 0 and len(dims) > 1:
        i, j = rng.sample(range(len(dims)), 2)
        dims[i], dims[j] = dims[j], dims[i]
    elif k == 1:
        dims[rng.randrange(len(dims))] = rng.choice(syms)
    elif k == 2:
        dims.insert(rng.randrange(len(dims) + 1), rng.choice(syms))
    elif k == 3 and len(dims) > 1:
        dims.pop(rng.randrange(len(dims)))
    elif k == 4:
        i = rng.randrange(len(dims))
        dims[i] = typo(rng, dims[i])
    else:
        dims = [rng.choice(["", "BLOCK_M BLOCK_N", "BLOCK_M,", "2*BLOCK_M",
                            "18446744073709551616", "BLOCK_M, 9223372036854775807"])]
    new = ", ".join(dims)
    return (replace_span(text, m.start(1), m.end(1), new),
            f"shape <{m.group(1)}>-><{new}>")


def code_lines(lines):
    return [i for i, l in enumerate(lines) if l.strip() and not l.strip().startswith("//")]


def m_line_delete(text, rng):
    lines = text.splitlines(True)
    idx = code_lines(lines)
    i = rng.choice(idx)
    return "".join(lines[:i] + lines[i + 1:]), f"delete line {i + 1}"


def m_line_dup(text, rng):
    lines = text.splitlines(True)
    i = rng.choice(code_lines(lines))
    return "".join(lines[:i + 1] + [lines[i]] + lines[i + 1:]), f"duplicate line {i + 1}"


def m_line_swap(text, rng):
    lines = text.splitlines(True)
    idx = code_lines(lines)
    if rng.random() < 0.6:
        k = rng.randrange(len(idx) - 1)
        i, j = idx[k], idx[k + 1]
    else:
        i, j = sorted(rng.sample(idx, 2))
    lines[i], lines[j] = lines[j], lines[i]
    return "".join(lines), f"swap lines {i + 1},{j + 1}"


def m_line_move(text, rng):
    lines = text.splitlines(True)
    idx = code_lines(lines)
    i = rng.choice(idx)
    line = lines.pop(i)
    j = rng.randrange(len(lines) + 1)
    lines.insert(j, line)
    return "".join(lines), f"move line {i + 1} to {j + 1}"


def m_bracket_delete(text, rng):
    ms = code_matches(r"[()\[\]{}<>]", text)
    m = rng.choice(ms)
    return replace_span(text, m.start(), m.end(), ""), f"delete {m.group(0)!r}@{m.start()}"


def m_bracket_insert(text, rng):
    pos = rng.choice(code_positions(text))
    ch = rng.choice("()[]{}<>")
    return replace_span(text, pos, pos, ch), f"insert {ch!r}@{pos}"


def m_char_delete(text, rng):
    pos = rng.choice([p for p in code_positions(text) if not text[p].isspace()])
    return replace_span(text, pos, pos + 1, ""), f"delete char {text[pos]!r}@{pos}"


def m_char_insert(text, rng):
    pos = rng.choice(code_positions(text))
    ch = rng.choice(CHARS)
    return replace_span(text, pos, pos, ch), f"insert char {ch!r}@{pos}"


def m_char_replace(text, rng):
    pos = rng.choice([p for p in code_positions(text) if not text[p].isspace()])
    ch = rng.choice(CHARS)
    return replace_span(text, pos, pos + 1, ch), f"replace char {text[pos]!r}->{ch!r}@{pos}"


def m_token_delete(text, rng):
    ms = code_matches(r"%?[\w.]+|[^\s\w]", text)
    m = rng.choice(ms)
    return replace_span(text, m.start(), m.end(), ""), f"delete token {m.group(0)!r}@{m.start()}"


def m_truncate(text, rng):
    pos = rng.randrange(len(text))
    return text[:pos], f"truncate at {pos}"


def mutate_expr_string(rng, s):
    toks = re.findall(r"\d+|[A-Za-z_]\w*|<=|>=|==|!=|&&|\|\||\S", s)
    syms = ["M", "N", "K", "B", "H", "D", "S_Q", "S_KV", "BLOCK_M", "BLOCK_N",
            "BLOCK_K", "WARPS", "STAGES", "GROUP_M", "X", "block_m", "cdiv", "min", "max"]
    k = rng.randrange(12)
    ops = [i for i, t in enumerate(toks) if t in EXPR_OPS]
    names = [i for i, t in enumerate(toks) if re.match(r"[A-Za-z_]", t)]
    nums = [i for i, t in enumerate(toks) if t.isdigit()]
    if k == 0 and ops:
        toks[rng.choice(ops)] = rng.choice(EXPR_OPS)
    elif k == 1 and names:
        i = rng.choice(names)
        toks[i] = rng.choice(syms) if rng.random() < 0.6 else typo(rng, toks[i])
    elif k == 2 and nums:
        i = rng.choice(nums)
        toks[i] = str(int_variant(rng, int(toks[i])))
    elif k == 3 and toks:
        toks.pop(rng.randrange(len(toks)))
    elif k == 4:
        toks.insert(rng.randrange(len(toks) + 1), rng.choice(["(", ")", ",", "*", "-"]))
    elif k == 5:
        return rng.choice(["", " ", "1", "0", "M", "1 / 0", "BLOCK_M % 0",
                           "cdiv(M)", "cdiv(M, 0)", "min(M)", "max()", "foo(M, N)",
                           "9223372036854775807 + 1", "-9223372036854775808 / -1",
                           "M * 9223372036854775807", "((((M))))", "M M", "-",
                           "cdiv(M, BLOCK_M) * cdiv(N, BLOCK_N) * 4294967296",
                           "1 <= 2 <= 3", "BLOCK_M == BLOCK_M == 1", "\\", "M\u00e9"])
    elif k == 6:
        depth = rng.choice([10, 50, 100, 200, 1000, 5000])
        return "(" * depth + s + ")" * depth
    elif k == 7:
        return s + " " + rng.choice(["&& 1", "|| 0", "* 0", "- 1", "+", "== 0", "< 0", "* -1"])
    elif k == 8:
        return "-(" + s + ")"
    elif k == 9:
        return s.replace(" ", "")
    elif k == 10 and names:  # a symbol replaced by a huge number
        toks[rng.choice(names)] = str(rng.choice([2**31, 2**63 - 1, 2**63, 0, -1]))
    else:
        return s + s
    return " ".join(toks)


def m_expr(text, rng):
    ms = code_matches(EXPR_RE, text)
    if not ms:
        return None
    m = rng.choice(ms)
    new = mutate_expr_string(rng, m.group(1))
    if '"' in new:
        return None
    return (replace_span(text, m.start(1), m.end(1), new),
            f"expr {m.group(1)!r}->{new[:60]!r}")


def m_param(text, rng):
    ms = code_matches(PARAM_RE, text)
    if not ms:
        return None
    m = rng.choice(ms)
    name, vals = m.group(1), [v.strip() for v in m.group(2).split(",") if v.strip()]
    k = rng.randrange(10)
    if k == 0:
        vals = []
    elif k == 1 and vals:
        vals = vals + [rng.choice(vals)]
    elif k == 2:
        vals.insert(rng.randrange(len(vals) + 1), str(rng.choice(ODD_INTS)))
    elif k == 3 and len(vals) > 1:
        vals.pop(rng.randrange(len(vals)))
    elif k == 4 and vals:
        vals = [str(rng.choice(ODD_INTS))]
    elif k == 5:
        vals.insert(rng.randrange(len(vals) + 1),
                    rng.choice(["1.5", '"a"', "true", "BLOCK_M", "-0", "0x40", "64 : i32",
                                "[64]", ""]))
    elif k == 6:
        others = [x.group(1) for x in code_matches(PARAM_RE, text)]
        newname = rng.choice(others + ["M", "D", "", "K"]) if rng.random() < 0.5 else typo(rng, name)
        return (replace_span(text, m.start(1), m.end(1), newname),
                f"param name {name}->{newname}")
    elif k == 7 and vals:
        i = rng.randrange(len(vals))
        try:
            vals[i] = str(int_variant(rng, int(vals[i])))
        except ValueError:
            return None
    else:  # a plausible single value or a new default: often valid
        good = PARAM_GOOD.get(name, [1, 2, 4])
        v = str(rng.choice(good))
        vals = [v] + [x for x in vals if x != v] if rng.random() < 0.5 else [v]
    new = ", ".join(vals)
    return (replace_span(text, m.start(2), m.end(2), new),
            f"param {name} [{m.group(2)}]->[{new}]")


def m_config(text, rng):
    """Another default config: the first value of some parameter lists
    changes to another plausible value (valid text; reaches the lowering)."""
    ms = code_matches(PARAM_RE, text)
    if not ms:
        return None
    chosen = rng.sample(ms, rng.randint(1, len(ms)))
    desc = []
    for m in sorted(chosen, key=lambda x: -x.start()):
        name = m.group(1)
        vals = [v.strip() for v in m.group(2).split(",")]
        if rng.random() < 0.5:   # another value of the tuning space
            v = rng.choice(vals)
        else:
            v = str(rng.choice(PARAM_GOOD.get(name, [1, 2, 4])))
        vals = [v] + [x for x in vals if x != v]
        text = replace_span(text, m.start(2), m.end(2), ", ".join(vals))
        desc.append(f"{name}={v}")
    return text, "config " + ",".join(reversed(desc))


def drop_constraints(text):
    return re.sub(r"constraints\s*=\s*\[.*?\]\s*,(\s*grid)", r"constraints = [],\1",
                  text, flags=re.S)


def m_constraint_delete(text, rng):
    ms = code_matches(r"(?m)^\s*#tile\.expr<\"[^\"\n]*\">\]?,?\n", text)
    ms = [m for m in ms if "<=" in m.group(0) or "==" in m.group(0) or "%" in m.group(0)]
    if rng.random() < 0.3:
        new = drop_constraints(text)
        return (new, "constraints dropped") if new != text else None
    if not ms:
        return None
    m = rng.choice(ms)
    return replace_span(text, m.start(), m.end(), ""), "delete constraint line"


def m_combo(text, rng):
    """No constraints, and a random plausible config: configs that the
    constraints keep away from the lowering reach it."""
    text = drop_constraints(text)
    out = m_config(text, rng)
    if out is None:
        return None
    return out[0], "no constraints + " + out[1]


MUTATIONS = [  # (name, function, weight)
    ("int", m_int, 10), ("float", m_float, 2), ("type_one", m_type_one, 5),
    ("type_all", m_type_all, 3), ("type_valid", m_type_valid, 6),
    ("type_alias", m_type_alias, 3),
    ("attr_name", m_attr_name, 4), ("attr_dialect", m_attr_dialect, 2),
    ("op_name", m_op_name, 6), ("keyword", m_keyword, 5), ("ssa_swap", m_ssa_swap, 8),
    ("ssa_typo", m_ssa_typo, 2), ("name", m_string, 4), ("shape", m_shape, 6),
    ("line_delete", m_line_delete, 5), ("line_dup", m_line_dup, 4),
    ("line_swap", m_line_swap, 4), ("line_move", m_line_move, 1),
    ("bracket_delete", m_bracket_delete, 3), ("bracket_insert", m_bracket_insert, 3),
    ("char_delete", m_char_delete, 3), ("char_insert", m_char_insert, 3),
    ("char_replace", m_char_replace, 3), ("token_delete", m_token_delete, 2),
    ("truncate", m_truncate, 1), ("expr", m_expr, 10), ("param", m_param, 10),
    ("config", m_config, 16), ("constraint_delete", m_constraint_delete, 4),
    ("combo", m_combo, 10),
]


# The "lowering" mix: mutations that mostly keep the text parseable and
# well typed, so that most mutants get past tile-opt into the lowering.
LOWERING_WEIGHTS = {
    "int": 10, "float": 2, "type_valid": 10, "keyword": 8, "ssa_swap": 12,
    "name": 3, "shape": 4, "attr_name": 3, "line_swap": 4, "expr": 8,
    "param": 10, "config": 20, "constraint_delete": 6, "combo": 15,
}


def make_mutant(orig, rng, mix="slips"):
    if mix == "lowering":
        n = rng.choices([1, 2], weights=[70, 30])[0]
        names = list(LOWERING_WEIGHTS)
        weights = [LOWERING_WEIGHTS[k] for k in names]
    else:
        n = rng.choices([1, 2, 3], weights=[60, 25, 15])[0]
        names = [m[0] for m in MUTATIONS]
        weights = [m[2] for m in MUTATIONS]
    text, descs, kinds = orig, [], []
    funcs = {m[0]: m[1] for m in MUTATIONS}
    tries = 0
    while len(descs) < n and tries < 50:
        tries += 1
        name = rng.choices(names, weights=weights)[0]
        try:
            out = funcs[name](text, rng)
        except (IndexError, ValueError):  # nothing to mutate of that kind
            out = None
        if out is None or out[0] == text:
            continue
        text = out[0]
        descs.append(out[1])
        kinds.append(name)
    return text, descs, kinds


def load_kernels(kdir):
    ks = []
    for f in sorted(os.listdir(kdir)):
        if f.endswith(".mlir"):
            path = os.path.join(kdir, f)
            with open(path) as fh:
                text = fh.read()
            ks.append((f[:-5], text, kernel_kind(text)))
    return ks


def load_kernels_at(rev):
    """kernels/*.mlir as committed at a git revision (for exact reruns while
    the working tree changes)."""
    names = subprocess.run(["git", "-C", ROOT, "ls-tree", "--name-only", rev, "kernels/"],
                           capture_output=True, text=True, check=True).stdout.split()
    ks = []
    for path in sorted(n for n in names if n.endswith(".mlir")):
        text = subprocess.run(["git", "-C", ROOT, "show", f"{rev}:{path}"],
                              capture_output=True, text=True, check=True).stdout
        ks.append((os.path.basename(path)[:-5], text, kernel_kind(text)))
    return ks


def generate(kernels, seed, count, start=0, mix="slips"):
    """Mutants start..count-1: (index, kernel, kind, text, descriptions,
    mutation kinds). Deterministic; duplicates and no-ops are redrawn."""
    seen = {hashlib.sha1(k[1].encode()).digest() for k in kernels}
    out = []
    for i in range(count):
        kname, ktext, kkind = kernels[i % len(kernels)]
        for attempt in range(100):
            rng = random.Random(f"{seed}:{i}:{attempt}")
            text, descs, kinds = make_mutant(ktext, rng, mix)
            h = hashlib.sha1(text.encode()).digest()
            if descs and h not in seen:
                break
        seen.add(h)
        if i >= start:
            out.append((i, kname, kkind, text, descs, kinds))
    return out


# ---------------------------------------------------------------- running

def limits(mem_bytes):
    def f():
        os.setsid()
        os.nice(19)
        resource.setrlimit(resource.RLIMIT_AS, (mem_bytes, mem_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return f


def tool_commands(bindir, path, kind, tools):
    opt, run = os.path.join(bindir, "tile-opt"), os.path.join(bindir, "tile-run")
    cmds = {
        "opt": [opt, path, "-o", "/dev/null"],
        "ptx": [opt, path, f"--tile-to-ptx=config={PTX_CONFIG[kind]}", "-o", "/dev/null"],
        "run": [run, path, "--compile-only", "--shape", SHAPES[kind], "--jobs", "1"],
    }
    return [(t, cmds[t]) for t in tools]


def run_one(cmd, timeout, mem_bytes):
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL, preexec_fn=limits(mem_bytes))
    hung = False
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        hung = True
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = p.communicate()
    dt = time.monotonic() - t0
    return p.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), dt, hung


LOC_RE = re.compile(r"^\S+?:\d+:\d+: (error|warning|note)")


def first_error(err):
    lines = [l for l in err.splitlines() if l.strip()]
    for l in lines:
        if "error" in l:
            return l
    return lines[0] if lines else ""


def classify(rc, out, err, hung):
    both = out + err
    if hung:
        return "hang"
    if rc < 0 or rc >= 128 or any(mk in both for mk in CRASH_MARKERS):
        return "crash"
    if rc == 0:
        return "ok"
    if not err.strip():
        return "silent"
    return "error" if rc == 1 else "error_rc"


def normalize(msg):
    msg = re.sub(r"^\S+?:\d+:\d+: ", "", msg)
    msg = re.sub(r"/\S*/m\d+\.mlir", "MUTANT", msg)
    return re.sub(r"-?\d+", "N", msg).strip()[:200]


def process(mut, args, workdir):
    i, kname, kind, text, descs, kinds = mut
    path = os.path.join(workdir, f"m{i}-{kname}.mlir")
    with open(path, "w") as fh:
        fh.write(text)
    rec = {"i": i, "kernel": kname, "mutations": descs, "kinds": kinds, "tools": {}}
    keep = False
    for tool, cmd in tool_commands(args.bin, path, kind, args.tools):
        if args.lower_if_valid and tool != "opt" and rec["tools"].get("opt", {}).get("class") not in (None, "ok"):
            rec["tools"][tool] = {"class": "skipped"}
            continue
        rc, out, err, dt, hung = run_one(cmd, args.timeout, args.mem_gib << 30)
        cls = classify(rc, out, err, hung)
        fe = first_error(err)
        r = {"class": cls, "rc": rc, "t": round(dt, 3), "msg": fe[:300]}
        if cls in ("error", "error_rc") and not LOC_RE.match(fe):
            r["noloc"] = True
        rec["tools"][tool] = r
        if cls in ("crash", "hang", "silent"):
            keep = True
            sub = {"crash": "crashes", "hang": "hangs", "silent": "silent"}[cls]
            d = os.path.join(args.out, sub)
            os.makedirs(d, exist_ok=True)
            base = os.path.join(d, f"m{i}-{kname}-{tool}")
            shutil.copy(path, base + ".mlir")
            with open(base + ".txt", "w") as fh:
                fh.write("mutations: " + "; ".join(descs) + "\n")
                fh.write("command: " + " ".join(cmd).replace(path, base + ".mlir") + "\n")
                fh.write(f"rc: {rc} hung: {hung} seconds: {dt:.2f}\n--- stdout\n{out[-20000:]}\n--- stderr\n{err[-50000:]}\n")
    os.unlink(path)
    return rec


def summarize(records, args, meta):
    tools = args.tools
    classes = ["ok", "error", "error_rc", "silent", "crash", "hang", "skipped"]
    per = collections.OrderedDict()
    for r in records:
        k = per.setdefault(r["kernel"], {t: collections.Counter() for t in tools})
        for t in tools:
            k[t][r["tools"][t]["class"]] += 1
    total = {t: collections.Counter() for t in tools}
    for k in per.values():
        for t in tools:
            total[t].update(k[t])
    # Errors after verification: tile-opt accepted the mutant, a later tool failed.
    lower_msgs = {t: collections.Counter() for t in tools if t != "opt"}
    lower_example = {}
    noloc = collections.Counter()
    noloc_example = {}
    silent = []
    reached = 0
    kinds_ok = collections.Counter()
    kinds_all = collections.Counter()
    for r in records:
        opt_ok = r["tools"].get("opt", {}).get("class") == "ok"
        reached += opt_ok
        for kd in set(r["kinds"]):
            kinds_all[kd] += 1
            kinds_ok[kd] += opt_ok
        for t in tools:
            x = r["tools"][t]
            if x.get("noloc"):
                n = normalize(x["msg"])
                noloc[f"{t}: {n}"] += 1
                noloc_example.setdefault(f"{t}: {n}", (r["i"], r["kernel"], x["msg"]))
            if x["class"] == "silent":
                silent.append({"i": r["i"], "kernel": r["kernel"], "tool": t, "rc": x["rc"]})
            if opt_ok and t != "opt" and x["class"] in ("error", "error_rc"):
                n = normalize(x["msg"])
                lower_msgs[t][n] += 1
                lower_example.setdefault((t, n), (r["i"], r["kernel"], x["msg"]))
    bad = [{"i": r["i"], "kernel": r["kernel"], "tool": t, "class": r["tools"][t]["class"],
            "mutations": r["mutations"]}
           for r in records for t in tools if r["tools"][t]["class"] in ("crash", "hang")]
    times = {t: [r["tools"][t]["t"] for r in records if "t" in r["tools"][t]] for t in tools}
    s = dict(meta)
    s.update({
        "mutants": len(records),
        "tools": tools,
        "classes": {t: {c: total[t][c] for c in classes if total[t][c]} for t in tools},
        "per_kernel": {k: {t: {c: v[t][c] for c in classes if v[t][c]} for t in tools}
                       for k, v in per.items()},
        "parsed_and_verified": reached,
        "mutation_kinds": {k: {"mutants": kinds_all[k], "verified": kinds_ok[k]}
                           for k in sorted(kinds_all)},
        "tool_seconds_mean": {t: round(sum(v) / len(v), 4) if v else None for t, v in times.items()},
        "tool_seconds_max": {t: max(v) if v else None for t, v in times.items()},
        "crashes_and_hangs": bad,
        "silent_errors": silent[:100],
        "silent_error_count": len(silent),
        "noloc_error_count": sum(noloc.values()),
        "noloc_errors": [{"count": c, "message": m, "example": noloc_example[m]}
                         for m, c in noloc.most_common(20)],
        "lowering_errors": {t: [{"count": c, "message": m, "example": lower_example[(t, m)]}
                                for m, c in cnt.most_common(25)]
                            for t, cnt in lower_msgs.items()},
    })
    return s


def table(s):
    out = []
    tools = s["tools"]
    cls = ["ok", "error", "error_rc", "silent", "crash", "hang", "skipped"]
    out.append(f"mutants: {s['mutants']}  seed: {s['seed']}  commit: {s['commit']}  "
               f"wall: {s['wall_seconds']:.0f} s  ({s['mutants_per_second']:.2f} mutants/s, "
               f"{s['jobs']} jobs)")
    out.append(f"parsed and verified by tile-opt: {s['parsed_and_verified']}")
    out.append("")
    out.append("| kernel | tool | " + " | ".join(cls) + " |")
    out.append("|---|---|" + "---|" * len(cls))
    rows = list(s["per_kernel"].items()) + [("all", s["classes"])]
    for k, v in rows:
        for t in tools:
            out.append(f"| {k} | {t} | " + " | ".join(str(v[t].get(c, 0)) for c in cls) + " |")
    out.append("")
    out.append(f"crashes/hangs: {len(s['crashes_and_hangs'])}; silent errors: "
               f"{s['silent_error_count']}; errors without location: {s['noloc_error_count']}")
    for b in s["crashes_and_hangs"][:50]:
        out.append(f"  {b['class'].upper()} m{b['i']} {b['kernel']} {b['tool']}: {'; '.join(b['mutations'])}")
    return "\n".join(out)


def git_commit():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except Exception:
        return "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", default=None, help="output directory (default: a temporary one)")
    ap.add_argument("--tools", default="opt,ptx,run", help="comma-separated subset of opt,ptx,run")
    ap.add_argument("--bin", default=os.environ.get("TILE_BIN", os.path.join(ROOT, "build", "bin")))
    ap.add_argument("--kernels", default=os.path.join(ROOT, "kernels"),
                    help="directory of the kernels (all *.mlir)")
    ap.add_argument("--kernels-rev", default=None,
                    help="take kernels/*.mlir from this git revision instead")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds before a run is a hang")
    ap.add_argument("--mem-gib", type=int, default=4, help="address-space limit per process")
    ap.add_argument("--commit", default=None, help="commit the binaries were built from (default: git HEAD)")
    ap.add_argument("--mix", choices=["slips", "lowering"], default="slips",
                    help="slips: every kind of slip (default); lowering: mostly "
                    "parseable, well-typed mutants that reach the lowering")
    ap.add_argument("--lower-if-valid", action="store_true",
                    help="run ptx/run only on mutants that tile-opt accepts")
    ap.add_argument("--start", type=int, default=0, help="first mutant index (resume a run)")
    ap.add_argument("--only", type=int, default=None, help="just mutant i")
    ap.add_argument("--print", action="store_true",
                    help="print the mutant(s), each after a '// mutant' line, instead of running")
    ap.add_argument("--emit", default=None, metavar="DIR",
                    help="write the mutant(s) to DIR/m<i>-<kernel>.mlir, byte for byte, instead of running")
    ap.add_argument("--smoke", action="store_true", help="50 mutants, seed 1 (for the test suite)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    if args.smoke:
        args.count, args.seed = 50, 1
    args.tools = [t for t in args.tools.split(",") if t]
    for t in args.tools:
        if t not in ("opt", "ptx", "run"):
            ap.error(f"unknown tool {t}")
    kernels = load_kernels_at(args.kernels_rev) if args.kernels_rev else load_kernels(args.kernels)
    if not kernels:
        ap.error(f"no kernels in {args.kernels}")
    if args.only is not None:
        muts = generate(kernels, args.seed, args.only + 1, args.only, args.mix)
    else:
        muts = generate(kernels, args.seed, args.count, args.start, args.mix)
    if args.emit:
        os.makedirs(args.emit, exist_ok=True)
        for m in muts:
            with open(os.path.join(args.emit, f"m{m[0]}-{m[1]}.mlir"), "w") as fh:
                fh.write(m[3])
            print(f"m{m[0]}-{m[1]}.mlir: {'; '.join(m[4])}")
        return 0
    if args.print:
        for m in muts:
            print(f"// mutant {m[0]} of {m[1]}: {'; '.join(m[4])}")
            print(m[3])
        return 0
    tmp_out = args.out is None
    if tmp_out:
        args.out = tempfile.mkdtemp(prefix="tile-mutants-")
    os.makedirs(args.out, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="work-", dir=args.out)
    commit = args.commit or git_commit()
    t0 = time.monotonic()
    started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    records = []
    lock = threading.Lock()
    resfile = open(os.path.join(args.out, "results.jsonl"), "a" if args.start else "w")
    bad = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futs = [pool.submit(process, m, args, workdir) for m in muts]
        for n, f in enumerate(concurrent.futures.as_completed(futs), 1):
            rec = f.result()
            with lock:
                records.append(rec)
                resfile.write(json.dumps(rec) + "\n")
                resfile.flush()
            for t, x in rec["tools"].items():
                if x["class"] in ("crash", "hang", "silent"):
                    bad += 1
                    if not args.quiet:
                        print(f"{x['class'].upper()}: mutant {rec['i']} ({rec['kernel']}) {t}: "
                              f"{'; '.join(rec['mutations'])}", flush=True)
            if not args.quiet and (n % 250 == 0 or n == len(futs)):
                el = time.monotonic() - t0
                print(f"[{n}/{len(futs)}] {el:.0f} s, {n / el:.2f} mutants/s", flush=True)
    resfile.close()
    shutil.rmtree(workdir, ignore_errors=True)
    wall = time.monotonic() - t0
    if args.start:  # a resumed run: summarize everything in results.jsonl
        with open(os.path.join(args.out, "results.jsonl")) as fh:
            records = [json.loads(l) for l in fh]
    records.sort(key=lambda r: r["i"])
    meta = {"date": started, "seed": args.seed, "count": args.count, "commit": commit,
            "bin": os.path.abspath(args.bin), "jobs": args.jobs, "timeout_s": args.timeout,
            "mem_limit_gib": args.mem_gib, "lower_if_valid": args.lower_if_valid,
            "mix": args.mix,
            "kernels": {k[0]: hashlib.sha1(k[1].encode()).hexdigest() for k in kernels},
            "kernels_rev": args.kernels_rev, "wall_seconds": round(wall, 1),
            "mutants_per_second": round(len(muts) / wall, 3) if wall else None,
            "command": " ".join([os.path.relpath(sys.argv[0], ROOT)] + sys.argv[1:])}
    s = summarize(records, args, meta)
    with open(os.path.join(args.out, "summary.json"), "w") as fh:
        json.dump(s, fh, indent=1)
    tab = table(s)
    with open(os.path.join(args.out, "summary.md"), "w") as fh:
        fh.write(tab + "\n")
    print(tab)
    print(f"output: {args.out}")
    nbad = sum(s["classes"][t].get(c, 0) for t in s["tools"] for c in ("crash", "hang", "silent"))
    return 1 if nbad else 0


if __name__ == "__main__":
    sys.exit(main())
