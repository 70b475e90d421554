#!/usr/bin/env python3
"""Medians and ratios of the GPU trainer benchmark (bench/gpu_bench.sh): reads the raw JSON lines
of interleaved rounds, writes results-gpu.json. Every ratio is against the PyTorch-Python eager
reference of the same batch in the same run.
With --quality, the runs of bench/gpu_quality.sh (validation NLL after equal updates) go in too;
with --time-to-quality, a JSON of a from-scratch run (see README, Performance).
  python3 bench/gpu_summary.py RAW.jsonl OUT.json [--machine NAME] [--check window-check.json]
      [--quality quality.jsonl ...] [--time-to-quality ttq.json]"""
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


def quality_row(r):
    """One quality run: who, what, and its validation curve (its times are not speeds: runs shared the GPU)."""
    keep = ("contender", "run", "batch", "updates", "lr", "warmup", "tf32", "skipped_updates", "valid_lines", "valid_nll_per_point")
    row = {k: r[k] for k in keep if k in r}
    row["curve"] = [{"updates": c["updates"], "valid_nll_per_point": c["valid_nll_per_point"]} for c in r.get("curve", [])]
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("raw")
    ap.add_argument("out")
    ap.add_argument("--machine", default=None)
    ap.add_argument("--check", default=None, help="hw-train bench --check output to include")
    ap.add_argument("--quality", nargs="*", default=[], help="bench/gpu_quality.sh outputs (JSON lines) to include")
    ap.add_argument("--time-to-quality", default=None, help="a from-scratch run's summary (JSON) to include")
    a = ap.parse_args()
    rows = [json.loads(line) for line in open(a.raw) if line.strip()]
    out = {"machine": a.machine or machine_name(), "rounds": max(r["round"] for r in rows),
           "points": rows[0]["points"], "chars": rows[0]["chars"],
           "note": "medians of interleaved rounds; ratios within this run, against PyTorch-Python eager at the same batch",
           "by_batch": {str(b): medians(rows, b) for b in sorted({r["batch"] for r in rows})}}
    if a.check:
        out["window_check"] = [json.loads(line) for line in open(a.check) if line.strip()]
    if a.quality:
        out["quality"] = [quality_row(json.loads(line)) for f in a.quality for line in open(f) if line.strip()]
    if a.time_to_quality:
        out["time_to_quality"] = json.load(open(a.time_to_quality))
    json.dump(out, open(a.out, "w"), indent=2)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
