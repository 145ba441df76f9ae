"""The best verified TFLOP/s of each (round, run tag, shape) in a call's
unpacked results (r*/TAG.jsonl, tile-run --json lines): session 22's
tables (split_table.py, divisions_table.py)."""
import collections
import glob
import json


def best_rates(root, pattern="r*/*.jsonl"):
    best = collections.defaultdict(float)
    for path in glob.glob(f"{root}/{pattern}"):
        rnd, tag = path.split("/")[-2], path.split("/")[-1][:-len(".jsonl")]
        if tag.startswith("seed"):
            continue  # correctness runs, one iteration: not timed
        for line in open(path):
            j = json.loads(line)
            if j.get("status") == "ok" and j.get("tflops"):
                key = (rnd, tag, j["shape"])
                best[key] = max(best[key], j["tflops"])
    return best
