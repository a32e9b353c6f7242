"""Benchmark: reply latency of a checkpoint on CPU (the bot's hot path).

Times ``Generator.generate`` for one reply of exactly ``--chars`` characters (end-of-record is
banned so every run writes the full length), guards included, for each candidate count, and
reports the median and 90th percentile over ``--runs`` runs after two warm-up runs.

    .venv/bin/python bench/latency.py                       # checkpoints/default.pt, 1 thread
    .venv/bin/python bench/latency.py --threads 2 --candidates 1 4 8
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--checkpoint", type=Path, default=ROOT / "checkpoints" / "default.pt")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--chars", type=int, default=200)
    p.add_argument("--candidates", type=int, nargs="+", default=[1, 4])
    p.add_argument("--out", type=Path, help="JSON result file")
    args = p.parse_args()

    import torch

    from model import Generator, SamplingSettings

    torch.set_num_threads(args.threads)
    t0 = time.perf_counter()
    gen = Generator.load(args.checkpoint)
    load_s = time.perf_counter() - t0
    prompt = "Good morrow, friend! What news from the court today? 🎭"
    report: dict[str, object] = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "checkpoint": str(args.checkpoint),
        "n_params": gen.info.n_params if gen.info else None,
        "threads": args.threads,
        "load_s": round(load_s, 3),
        "load_average_before": os.getloadavg(),
        "results": [],
    }
    for n in args.candidates:
        settings = SamplingSettings(max_chars=args.chars, n_candidates=n, stop_at_end=False)
        times = []
        for run in range(args.runs + 2):
            start = time.perf_counter()
            gen.generate([prompt], settings, seed=run)
            if run >= 2:
                times.append((time.perf_counter() - start) * 1000)
        times.sort()
        row = {
            "candidates": n, "chars": args.chars, "runs": args.runs,
            "median_ms": round(statistics.median(times), 1),
            "p90_ms": round(times[int(0.9 * (len(times) - 1))], 1),
        }
        report["results"].append(row)  # type: ignore[union-attr]
        print(json.dumps(row), flush=True)
    report["load_average_after"] = os.getloadavg()
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
