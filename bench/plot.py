#!/usr/bin/env python3
"""Draws the measured tables of bench/data as PNG figures (issue 13).

One GPU call leaves in bench/data tile-run's --json lines (`*.jsonl`: one
line per config) and the peers that ../shared/anchors.py measured in the
same call (`*anchors*.json`); the arguments name that call's files, each a
file or a prefix that stands for the files starting with it.
For each kernel and dtype of the call this draws one figure: the best
verified config of each shape (TFLOP/s, or GB/s for memory-bound kernels)
as bars beside the peers of the same shape, and the copy bandwidth as a
line where the call measured it.

  bench/plot.py --out DIR FILE_OR_PREFIX [...]     (one call a run)
      e.g. bench/plot.py --out bench/plots bench/data/2026-11-26-h100-session4-chunked-

Needs matplotlib (Debian: python3-matplotlib, which scripts/install-deps.sh
installs). Prints the files it wrote.
"""
import argparse
import glob
import lzma
import json
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# Peer columns of anchors.json for each family of our kernels: (section,
# shape keys, {column: label}).
PEERS = {
    "rows": ("rowops_GBps", ("R", "C"), None),  # columns depend on the kernel
    "gemm": ("gemm", ("M", "N", "K"),
             {"cublas_bf16": "cuBLAS bf16", "triton_bf16_best5": "Triton bf16",
              "cublas_fp8": "cuBLASLt fp8", "triton_fp8_best4": "Triton fp8"}),
    "epilogue": ("gemm_epilogue", ("M", "N", "K"),
                 {"cublaslt_bias_gelu": "cuBLASLt bias+GELU",
                  "cublas_then_eager": "cuBLAS + torch",
                  "torch_compile": "torch.compile"}),
    "attention": ("attention", ("B", "H", "S", "D"),
                  {"sdpa_cudnn": "cuDNN", "sdpa_flash": "FA2 (torch)",
                   "flex_triton": "FlexAttention"}),
}


def family(kernel):
    if kernel in ("softmax", "layernorm", "layernorm_chunked"):
        return "rows"
    if kernel.startswith("gemm_bias") or kernel == "gemm_residual":
        return "epilogue"
    if "attention" in kernel:
        return "attention"
    if "gemm" in kernel:
        return "gemm"
    return None


def parse_shape(text):
    """'M=4096,N=4096,K=4096' -> ({'M': 4096, ...}, causal)."""
    sizes, causal = {}, False
    for part in text.split(","):
        if part == "causal":
            causal = True
        elif "=" in part:
            k, v = part.split("=", 1)
            sizes[k] = int(v)
    if "S_Q" in sizes and "S" not in sizes:
        sizes["S"] = sizes["S_Q"]
    return sizes, causal


def files(items, pattern):
    """The files of `items` (files or prefixes) that match `pattern`."""
    out = []
    for item in items:
        paths = [item] if os.path.isfile(item) else sorted(glob.glob(item + "*"))
        out += [p for p in paths if re.search(pattern, os.path.basename(p))]
    return out


def load_ours(items):
    """{(kernel, dtype): {shape text: (best value, unit)}} of verified configs."""
    best = {}
    for path in files(items, r"\.jsonl(\.xz)?$"):
        with (lzma.open(path, "rt") if path.endswith(".xz") else open(path)) as f:
            for line in f:
                try:
                    r = json.loads(line)
                except ValueError:
                    continue
                if r.get("status") != "ok" or "kernel" not in r:
                    continue
                value, unit = (r["gbps"], "GB/s") if r.get("gbps") else (r.get("tflops"), "TFLOP/s")
                if not value:
                    continue
                key = (r["kernel"], r.get("dtype", ""))
                shapes = best.setdefault(key, {})
                if r["shape"] not in shapes or value > shapes[r["shape"]][0]:
                    shapes[r["shape"]] = (value, unit)
    return best


def load_peers(items):
    merged = {}
    for path in files(items, r"anchors.*\.json(\.xz)?$"):
        with (lzma.open(path, "rt") if path.endswith(".xz") else open(path)) as f:
            data = json.load(f)
        for k, v in data.items():
            if isinstance(v, list):
                merged.setdefault(k, []).extend(v)
            else:
                merged[k] = v
    return merged


def peer_values(peers, kernel, sizes, causal):
    fam = family(kernel)
    if fam is None:
        return {}
    section, keys, columns = PEERS[fam]
    if fam == "rows":
        base = "layernorm" if kernel.startswith("layernorm") else kernel
        columns = {base + "_eager": "torch eager", base + "_compiled": "torch.compile"}
    if fam == "attention" and causal:
        columns = {"causal_cudnn": "cuDNN", "causal_flash": "FA2 (torch)"}
    out = {}
    for row in peers.get(section, []):
        if all(row.get(k) == sizes.get(k) for k in keys):
            for col, label in columns.items():
                if isinstance(row.get(col), (int, float)):
                    out[label] = row[col]
    return out


def draw(kernel, dtype, shapes, peers, out_dir, title):
    names = sorted(shapes, key=lambda s: [int(x) for x in re.findall(r"\d+", s)])
    unit = shapes[names[0]][1]
    labels = ["tile"]
    values = {"tile": [shapes[s][0] for s in names]}
    for s in names:
        sizes, causal = parse_shape(s)
        for label, v in peer_values(peers, kernel, sizes, causal).items():
            if label not in values:
                labels.append(label)
                values[label] = [None] * len(names)
            values[label][names.index(s)] = v
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(names) + 2) + 2, 4))
    width = 0.8 / len(labels)
    for i, label in enumerate(labels):
        xs = [j + (i - (len(labels) - 1) / 2) * width for j in range(len(names))]
        ys = [v if v is not None else 0 for v in values[label]]
        ax.bar(xs, ys, width, label=label)
    if unit == "GB/s" and isinstance(peers.get("copy_TBps"), (int, float)):
        ax.axhline(peers["copy_TBps"] * 1000, color="black", linestyle="--",
                   linewidth=1, label="device copy")
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels([n.replace(",", "\n") for n in names], fontsize=8)
    ax.set_ylabel(unit)
    ax.set_title(f"{kernel} ({dtype})\n{title}".strip(), fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    path = os.path.join(out_dir, f"{kernel}-{dtype or 'default'}.png")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="directory for the PNG files")
    ap.add_argument("items", nargs="+",
                    help="the files of one GPU call, or prefixes of their names")
    args = ap.parse_args(argv[1:])
    os.makedirs(args.out, exist_ok=True)
    ours = load_ours(args.items)
    if not ours:
        print("plot.py: no verified tile-run --json lines in " +
              " ".join(args.items), file=sys.stderr)
        return 1
    peers = load_peers(args.items)
    device = peers.get("device", "")
    name = os.path.basename(args.items[0]).rstrip("-.")
    name = re.sub(r"\.jsonl?(\.xz)?$", "", name)
    wrote = 0
    for (kernel, dtype), shapes in sorted(ours.items()):
        print(draw(kernel, dtype, shapes, peers, args.out,
                   name + (f", {device}" if device else "")))
        wrote += 1
    return 0 if wrote else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
