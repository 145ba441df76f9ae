#!/usr/bin/env python3
"""The mutation table of bench/gpu_mutation_test.sh from its mutants.jsonl:
per mutant, how many configs were reported WRONG, failed otherwise, or
passed ("ok" must be 0 for a mutant; every config of a control must be ok),
the largest err/bound, and the first reason given."""
import json
import sys
from collections import OrderedDict

rows = OrderedDict()
for line in open(sys.argv[1]):
    r = json.loads(line)
    m = rows.setdefault(r["mutant"], {"cmd": r["command"], "wrong": 0,
                                      "failed": 0, "ok": 0, "ratio": 0.0,
                                      "why": ""})
    s = r["status"]
    if s == "ok":
        m["ok"] += 1
    elif s == "WRONG":
        m["wrong"] += 1
        if not m["why"]:
            m["why"] = r["detail"][:140]
    else:
        m["failed"] += 1
        if not m["why"]:
            m["why"] = (s + ": " + r["detail"])[:140]
    if r.get("max_err_ratio") is not None:
        m["ratio"] = max(m["ratio"], r["max_err_ratio"])

print("| run | command | configs | WRONG | failed | ok | max err/bound | verdict | first reason |")
print("|---|---|---|---|---|---|---|---|---|")
bad = 0
for name, m in rows.items():
    n = m["wrong"] + m["failed"] + m["ok"]
    control = name.startswith("control")
    good = (m["ok"] == n) if control else (m["ok"] == 0 and n > 0)
    bad += not good
    verdict = ("all verified" if control else "caught") if good else "FAILED"
    print(f"| {name} | `{m['cmd']}` | {n} | {m['wrong']} | {m['failed']} | "
          f"{m['ok']} | {m['ratio']:.3g} | {verdict} | "
          f"{m['why'].replace('|', '/')} |")
caught = sum(1 for k, m in rows.items() if not k.startswith("control") and m["ok"] == 0)
mutants = sum(1 for k in rows if not k.startswith("control"))
print(f"\nmutants caught: {caught} of {mutants}; runs not as expected: {bad}")
sys.exit(1 if bad else 0)
