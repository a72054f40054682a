"""A 3 x 3 grid (T in 2,4,8 x alpha in 0.5,0.7,0.9) x 3 seeds on digits, cnn-large -> mlp-small, default epochs,
teachers cached: the sweep's total seconds, its cost per trial against a lone CLI run measured in the same script,
and the same sweep on this process, on local worker processes and on a local Ray of the same CPUs.

A trial is a whole run: a baseline student and a distilled one (plus loading the data and the cached teacher), so
the lone run it is compared with is ``python -m kdlab distill`` on one cell, timed the same two ways: its
``baseline_seconds + distill_seconds + teacher_cache_seconds`` (the training it does) and its wall time in a fresh
process. Everything runs in a temporary ``$KDLAB_HOME``; the teachers (one per seed) are trained before any timing.

    python benchmarks/bench_sweep.py                 # inline, 2 local workers, local Ray (2 CPUs)
    python benchmarks/bench_sweep.py --no-ray --json
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GRID = {"temperature": [2.0, 4.0, 8.0], "terms.soft": [0.5, 0.7, 0.9]}
SEEDS = [0, 1, 2]


def lone_cli_run(home: str) -> tuple[dict, float]:
    """One CLI distill of the middle cell in a fresh process (teacher cached): its summary and wall seconds."""
    command = [sys.executable, "-m", "kdlab", "distill", "-T", "4", "--alpha", "0.7", "--device", "cpu", "--json", "--no-record"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env={**os.environ, "KDLAB_HOME": home, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1]), time.perf_counter() - started


def timed_sweep(spec, executor, store) -> tuple[dict, float]:
    from kdlab.sweeps.driver import run_sweep

    started = time.perf_counter()
    try:
        report = run_sweep(spec, executor, store)
    finally:
        executor.close()
    return report, time.perf_counter() - started


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="local worker processes and Ray CPUs")
    parser.add_argument("--no-ray", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kdlab-bench-sweep-") as home:
        os.environ["KDLAB_HOME"] = home
        from kdlab.config import RunConfig
        from kdlab.runs.store import RunStore
        from kdlab.sweeps.driver import ensure_teacher
        from kdlab.sweeps.executors import InlineExecutor, LocalExecutor, cores
        from kdlab.sweeps.spec import SweepSpec

        base = RunConfig(device="cpu").validate()
        for seed in SEEDS:  # teachers cached before anything is timed
            ensure_teacher(replace(base, seed=seed))
        spec = SweepSpec(base.to_dict(), axes=GRID, seeds=SEEDS).validate()
        store = RunStore()
        lones = [lone_cli_run(home) for _ in range(3)]  # median of three: one run on a shared CPU is noisy
        lone_wall = statistics.median(wall for _, wall in lones)
        lone = {k: statistics.median(s[k] for s, _ in lones)
                for k in ("baseline_seconds", "distill_seconds", "teacher_cache_seconds")}
        lone_work = lone["baseline_seconds"] + lone["distill_seconds"] + lone["teacher_cache_seconds"]
        results = {"trials": spec.total(), "cores": cores(), "lone_cli_distill_seconds": lone["distill_seconds"],
                   "lone_cli_training_seconds": lone_work, "lone_cli_wall_seconds": lone_wall}
        runs = [("inline", lambda: InlineExecutor(str(store.path)))]
        runs.append((f"local x{args.workers}", lambda: LocalExecutor(args.workers, str(store.path))))
        if not args.no_ray:
            from kdlab.sweeps.ray_executor import RayExecutor

            runs.append((f"ray local x{args.workers}",
                         lambda: RayExecutor("local", cpus_per_trial=max(1, cores() // args.workers),
                                             local_cpus=cores(), slots=args.workers)))
        best = None
        for name, make in runs:
            started = time.perf_counter()
            executor = make()
            start_seconds = time.perf_counter() - started
            report, seconds = timed_sweep(spec, executor, store)
            summaries = [store.get(row["run_id"]).summary for cell in report["cells"] for row in cell["seeds"]]
            work = statistics.mean(s["baseline_seconds"] + s["distill_seconds"] + s["teacher_cache_seconds"]
                                   for s in summaries)
            results[name] = {"total_seconds": seconds, "executor_start_seconds": start_seconds,
                             "per_trial_seconds": seconds / spec.total(), "trial_training_seconds": work,
                             "per_trial_over_lone_training": seconds / spec.total() / lone_work,
                             "per_trial_over_own_training": seconds / spec.total() / work,
                             "per_trial_over_lone_distill": seconds / spec.total() / lone["distill_seconds"],
                             "trials_done": report["trials_done"]}
            best = report["best"]
            print(f"{name:14} total {seconds:6.1f} s for {report['trials_done']} trials (+{start_seconds:.1f} s to "
                  f"start), {seconds / spec.total():.2f} s/trial; a trial's own training {work:.2f} s",
                  file=sys.stderr)
        results["best"] = {"values": best["values"], "mean": best["mean"], "low": best["low"], "high": best["high"],
                           "clear": best["clear"]}
    print(f"lone CLI run of one cell (median of 3): distill {lone['distill_seconds']:.2f} s, training (baseline + distill + "
          f"teacher outputs) {lone_work:.2f} s, wall in a fresh process {lone_wall:.2f} s", file=sys.stderr)
    for name, _ in runs:
        r = results[name]
        print(f"{name:14} per trial / lone run's training: {r['per_trial_over_lone_training']:.2f}x   "
              f"per trial / its own training: {r['per_trial_over_own_training']:.2f}x   "
              f"per trial / lone run's distill_seconds: {r['per_trial_over_lone_distill']:.2f}x", file=sys.stderr)
    print(f"best cell {best['values']}: student_acc {best['mean']:.4f} (95% CI {best['low']:.4f}..{best['high']:.4f})"
          f", measurably best: {best['clear']}", file=sys.stderr)
    if args.json:
        print(json.dumps(results))
    return results


if __name__ == "__main__":
    main()
