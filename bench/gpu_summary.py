#!/usr/bin/env python3
"""Medians and ratios of the GPU trainer benchmark (bench/gpu_bench.sh): reads the raw JSON lines
of interleaved rounds, writes results-gpu.json. Every ratio is against the PyTorch-Python eager
reference of the same batch in the same run.
  python3 bench/gpu_summary.py RAW.jsonl OUT.json [--machine NAME] [--check window-check.json]"""
import argparse
import json
import statistics
import subprocess


def machine_name():
    try:
        return subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
                              capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def medians(rows, batch):
    med = {}
    for c in sorted({r["contender"] for r in rows if r["batch"] == batch}):
        mine = [r for r in rows if r["batch"] == batch and r["contender"] == c]
        med[c] = {"s_per_update": statistics.median(r["s_per_update"] for r in mine),
                  "points_per_s": statistics.median(r["points_per_s"] for r in mine),
                  "padded_points": mine[0].get("padded_points", mine[0]["points"]), "rounds": len(mine)}
    ref = med["pytorch-python-eager"]["s_per_update"]
    for c in med:
        med[c]["speedup_vs_pytorch_eager"] = ref / med[c]["s_per_update"]
    return med


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("raw")
    ap.add_argument("out")
    ap.add_argument("--machine", default=None)
    ap.add_argument("--check", default=None, help="hw-train bench --check output to include")
    a = ap.parse_args()
    rows = [json.loads(line) for line in open(a.raw) if line.strip()]
    out = {"machine": a.machine or machine_name(), "rounds": max(r["round"] for r in rows),
           "points": rows[0]["points"], "chars": rows[0]["chars"],
           "note": "medians of interleaved rounds; ratios within this run, against PyTorch-Python eager at the same batch",
           "by_batch": {str(b): medians(rows, b) for b in sorted({r["batch"] for r in rows})}}
    if a.check:
        out["window_check"] = [json.loads(line) for line in open(a.check) if line.strip()]
    json.dump(out, open(a.out, "w"), indent=2)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
