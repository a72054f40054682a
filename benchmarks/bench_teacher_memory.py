"""Peak memory of a long-sequence run against its teacher-cache budget.

A synthetic long-sequence workload (synthetic reviews padded to ``--seq-len`` tokens, transformer-small -> tiny,
attention transfer on) whose full teacher cache (every layer's attention maps) is far larger than a small budget.
Each budget runs in a fresh process (``kdlab distill`` through ``kdlab.cli.main``), whose own peak resident memory
(its ``ru_maxrss``, printed by the process itself as it exits) is shown next to the budget, the cache's full size, what was held and how (cached, reduced,
per batch).

    python benchmarks/bench_teacher_memory.py [--budgets 4096,64,1] [--n 2000] [--seq-len 256] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIB = 2**20
CHILD = ("import resource, sys\nfrom kdlab.cli import main\ncode = main(sys.argv[1:])\n"
         "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\nsys.exit(code)")


def one_run(budget_mb: int, n: int, seq_len: int, home: str) -> dict:
    command = [sys.executable, "-c", CHILD, "distill", "--dataset", "reviews", "--dataset-kw",
               f"n={n},seq_len={seq_len}", "--teacher", "transformer-small", "--student", "transformer-tiny",
               "--alpha", "0.5", "--beta", "10", "--teacher-epochs", "1", "--epochs", "1", "--batch-size", "32",
               "--no-baseline", "--no-record", "--json", "--teacher-cache-mb", str(budget_mb)]
    done = subprocess.run(command, cwd=ROOT, env={**os.environ, "KDLAB_HOME": home}, capture_output=True,
                          text=True, check=True)
    *_, line, peak = done.stdout.strip().splitlines()
    summary = json.loads(line)
    facts = summary["teacher_outputs"]
    return {"budget_mib": budget_mb, "mode": facts["mode"], "full_cache_mib": round(facts["full_bytes"] / MIB, 1),
            "held_mib": round(facts["bytes"] / MIB, 1), "peak_rss_mib": round(int(peak) / 1024, 1),
            "distill_seconds": round(summary["distill_seconds"], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budgets", default="4096,64,1", help="teacher-cache budgets in MiB")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seq-len", type=int, default=256)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="kdlab-memory-") as home:
        for budget in (int(b) for b in args.budgets.split(",")):
            rows.append(one_run(budget, args.n, args.seq_len, home))
            print("  ".join(f"{k} {v}" for k, v in rows[-1].items()), file=sys.stderr)
    if args.json:
        print(json.dumps(rows))


if __name__ == "__main__":
    main()
