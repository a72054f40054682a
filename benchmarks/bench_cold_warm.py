"""Do times mean what they say? Two identical runs, one with a cold teacher cache (the run trains its teacher
first) and one with a warm one (the teacher comes from the cache), each in a fresh process as a user would start
them: their ``samples_per_second`` (the student phase's own work) should agree within 25%.

Before one-time process costs were paid apart, they did not: the first optimizer built in a process imports
``torch._dynamo`` (about 1.3 s), and with a warm cache that landed inside the student's phase. Each pair runs in a
new ``$KDLAB_HOME``; ``--repeats`` pairs, medians reported, cold and warm alternating within each pair.

    python benchmarks/bench_cold_warm.py                      # digits, cnn-large -> mlp-small, 40 epochs
    python benchmarks/bench_cold_warm.py --repo /path/to/other/checkout   # the same measurement of another version
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEYS = ("samples_per_second", "distill_seconds", "setup_seconds", "teacher_cache_seconds")


def distill(repo: Path, home: str, epochs: int, extra: list[str]) -> dict:
    """One CLI run in a fresh process; its JSON summary."""
    command = [sys.executable, "-m", "kdlab", "distill", "--epochs", str(epochs), "--json", "--no-record", *extra]
    env = {**os.environ, "KDLAB_HOME": home, "PYTHONPATH": str(repo)}
    done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=ROOT, help="the checkout to measure (default: this one)")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args, extra = parser.parse_known_args(argv)
    pairs = []
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory(prefix="kdlab-cold-warm-") as home:
            cold = distill(args.repo, home, args.epochs, extra)
            warm = distill(args.repo, home, args.epochs, extra)
        assert cold["teacher_cached"] is False and warm["teacher_cached"] is True
        pairs.append({"cold": cold, "warm": warm})
    result = {"repo": str(args.repo), "epochs": args.epochs, "repeats": args.repeats}
    for side in ("cold", "warm"):
        result[side] = {k: statistics.median(p[side][k] for p in pairs) for k in KEYS if k in pairs[0][side]}
    ratios = [p["warm"]["samples_per_second"] / p["cold"]["samples_per_second"] for p in pairs]
    result["warm_over_cold"] = statistics.median(ratios)
    result["all_ratios"] = ratios
    for side in ("cold", "warm"):
        shown = "  ".join(f"{k} {v:,.3f}" for k, v in result[side].items())
        print(f"{side:5} teacher cache: {shown}", file=sys.stderr)
    print(f"warm / cold samples_per_second: median {result['warm_over_cold']:.3f} "
          f"(each pair: {', '.join(f'{r:.3f}' for r in ratios)}); within 25%: "
          f"{all(0.75 <= r <= 1.25 for r in ratios)}", file=sys.stderr)
    if args.json:
        print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
