#!/usr/bin/env python3
"""Checks rig's OpenMetrics export with an independent parser.

usage: check_openmetrics.py OPENMETRICS_FILE JSON_FILE [NASTY_FILE NASTY_BOARD]

OPENMETRICS_FILE is `rig export --format openmetrics`, JSON_FILE
`rig export --format json` of the same store. The text must parse with
prometheus_client's OpenMetrics parser (strict: TYPE/UNIT/HELP, suffixes,
escapes, # EOF), carry the expected types and units, and hold the same
medians and sample counts as the JSON export. NASTY_FILE is the export of a
store whose board name NASTY_BOARD holds quotes, backslashes, a newline and a
byte that is not UTF-8 (written as U+FFFD): its label must parse back to
exactly that. Exits 77 (skipped) without prometheus_client.
"""
import json
import math
import sys

try:
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
except ImportError:
    print("SKIPPED: python prometheus_client is not installed (pip install prometheus_client)")
    sys.exit(77)


def families(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return {fam.name: fam for fam in text_string_to_metric_families(text)}


def key(labels):
    return (labels["board"], labels["workload"], labels["profile"])


def main():
    fams = families(sys.argv[1])
    with open(sys.argv[2], encoding="utf-8") as f:
        rows = json.load(f)
    checked = 0
    expect = {
        "rig_startup_seconds": ("gauge", "seconds"),
        "rig_wall_seconds": ("gauge", "seconds"),
        "rig_ram_bytes": ("gauge", "bytes"),
        "rig_file_bytes": ("gauge", "bytes"),
        "rig_samples": ("counter", ""),
        "rig_build": ("info", ""),
    }
    for name, (typ, unit) in expect.items():
        if name not in fams:
            sys.exit(f"FAIL: family {name} missing; have {sorted(fams)}")
        if fams[name].type != typ or fams[name].unit != unit:
            sys.exit(f"FAIL: {name}: type {fams[name].type} unit {fams[name].unit!r}, "
                     f"expected {typ} {unit!r}")
    startup = {key(s.labels): s.value for s in fams["rig_startup_seconds"].samples}
    ok = {key(s.labels): s.value for s in fams["rig_samples"].samples
          if s.labels["outcome"] == "ok"}
    for s in fams["rig_samples"].samples:
        if s.name != "rig_samples_total":
            sys.exit(f"FAIL: counter sample named {s.name}")
    for r in rows:
        k = (r["board"], r["workload"], r["profile"])
        med = r["metrics"]["startup_ns"]["median"] / 1e9
        if k not in startup or not math.isclose(startup[k], med, rel_tol=1e-12):
            sys.exit(f"FAIL: {k}: startup {startup.get(k)} s, json median {med} s")
        if ok.get(k) != r["n_ok"]:
            sys.exit(f"FAIL: {k}: rig_samples_total ok {ok.get(k)}, json n_ok {r['n_ok']}")
        checked += 1
    if not checked:
        sys.exit("FAIL: no rows in the JSON export")
    n_samples = sum(len(f.samples) for f in fams.values())
    print(f"ok: {len(fams)} families, {n_samples} samples; {checked} cells agree with json")
    if len(sys.argv) > 4:
        nasty = families(sys.argv[3])
        want = sys.argv[4]
        boards = {s.labels["board"] for s in nasty["rig_startup_seconds"].samples}
        if want not in boards:
            sys.exit(f"FAIL: board label {want!r} not parsed back; got {boards!r}")
        for fam in nasty.values():
            if not fam.name.startswith("rig_"):
                sys.exit(f"FAIL: family {fam.name!r}")
        print(f"ok: escaped labels parse back ({want!r}); {len(nasty)} families")


if __name__ == "__main__":
    main()
