"""The sweep that chose RunConfig's defaults: candidate default runs over seeds, each judged as the Distill page and
``python3 -m kdlab distill`` judge a run, pooled over the seeds.

A default is what a student's first run shows, so it must show distillation working: the distilled student better
than its baseline by McNemar's exact test pooled over seeds (``kdlab.lessons_verify.pooled``: each seed's
discordant test images summed), a student smaller than its teacher, and a run long enough to watch its curves yet
short enough for a class (a few seconds on two CPU cores, the teacher cached). For each candidate this prints the
two models' parameter counts, every seed's gain in points and its own discordant counts, the pooled counts, p and
verdict, and the median seconds of one run with its teacher cached (baseline and distilled student).

    python3 benchmarks/choose_defaults.py                       # every candidate, seeds 0-5
    python3 benchmarks/choose_defaults.py --candidate defaults --seeds 6,7,8     # seeds not tuned on
    python3 benchmarks/choose_defaults.py --candidate defaults --cli             # through `python3 -m kdlab distill`

Teachers are trained once per seed and cached in ``$KDLAB_HOME`` if set, else in a temporary folder removed at
exit, so the sweep never writes into the user's cache unless asked to.
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
sys.path.insert(0, str(ROOT))  # run from a checkout without installing kdlab

from kdlab import RunConfig  # noqa: E402
from kdlab.lessons_verify import parse_seeds, pooled  # noqa: E402
from kdlab.stats import paired_verdict  # noqa: E402

# The candidates: the old default first, then settings a class would recognise (fewer labels, a CNN student).
# Every field is written out, so a candidate does not move when RunConfig's defaults do ("defaults" excepted).
OLD = dict(dataset="digits", teacher="cnn-large", student="mlp-small", temperature=4.0, terms={"soft": 0.9}, epochs=20,
           teacher_epochs=20, batch_size=64, lr=1e-2, teacher_lr=2e-3, train_fraction=1.0)
FEW = {**OLD, "train_fraction": 0.1, "epochs": 100, "batch_size": 32}  # 144 labelled digits, about 14 a class
CANDIDATES: dict[str, dict] = {
    "old-default": OLD,
    "T1": {**OLD, "temperature": 1.0},
    "T2": {**OLD, "temperature": 2.0},
    "resnet-8-T2": {**OLD, "student": "resnet-8", "temperature": 2.0},
    "mlp-teacher-T8": {**OLD, "teacher": "mlp-large", "temperature": 8.0},
    "labels10-T1": {**FEW, "temperature": 1.0},
    "labels10-T2": {**FEW, "temperature": 2.0},
    "labels10-T4": FEW,
    "labels10-cnn-small-T2": {**FEW, "student": "cnn-small", "temperature": 2.0},
    "labels10-cnn-small-T4": {**FEW, "student": "cnn-small"},
    "labels10-mlp-teacher-T4": {**FEW, "teacher": "mlp-large"},
    "labels10-mlp-teacher-T8": {**FEW, "teacher": "mlp-large", "temperature": 8.0},
    "labels5-mlp-teacher-T8": {**FEW, "teacher": "mlp-large", "temperature": 8.0, "train_fraction": 0.05,
                               "epochs": 150},
    "labels20-mlp-teacher-T8": {**FEW, "teacher": "mlp-large", "temperature": 8.0, "train_fraction": 0.2,
                                "epochs": 60},
    "defaults": {},  # RunConfig() as it is now: the check after choosing
}


def flags(overrides: dict) -> list[str]:
    """The CLI flags of a candidate: ``{"train_fraction": 0.1}`` -> ``["--train-fraction", "0.1"]``."""
    return [part for key, value in overrides.items() for part in (f"--{key.replace('_', '-')}", str(value))]


def warm_teacher(overrides: dict, seed: int) -> None:
    """Train (or find) the candidate's teacher for ``seed`` with a one-epoch run, so that the timed run has it cached
    as a class's runs do."""
    from kdlab import run_distillation

    run_distillation(replace(RunConfig(**overrides), seed=seed, epochs=1, baseline=False).validate())


def run_once(overrides: dict, seed: int, cli: bool) -> dict:
    """One seed of a candidate: its summary, and the wall and CPU seconds of the run with its teacher cached (the
    CLI's CPU seconds include starting Python and importing torch)."""
    warm_teacher(overrides, seed)
    if cli:
        command = [sys.executable, "-m", "kdlab", "distill", "--json", "--no-record", "--seed", str(seed),
                   *flags(overrides)]
        before, started = os.times(), time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
        wall, after = time.perf_counter() - started, os.times()
        cpu = after.children_user + after.children_system - before.children_user - before.children_system
        return {**json.loads(done.stdout.strip().splitlines()[-1]), "run_seconds": wall, "cpu_seconds": cpu}
    from kdlab import run_distillation

    config = replace(RunConfig(**overrides), seed=seed).validate()
    cpu, started = time.process_time(), time.perf_counter()
    summary = run_distillation(config).summary()
    return {**summary, "run_seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu}


def measure(name: str, seeds: list[int], cli: bool, progress) -> dict:
    overrides = CANDIDATES[name]
    runs = []
    for seed in seeds:
        summary = run_once(overrides, seed, cli)
        paired = summary["paired"]
        runs.append({"seed": seed, "gain_points": 100 * (summary["student_acc"] - summary["baseline_acc"]),
                     "only_student": paired["only_student"], "only_baseline": paired["only_baseline"],
                     "seed_verdict": paired_verdict(paired["only_student"], paired["only_baseline"])[0],
                     "run_seconds": summary["run_seconds"], "cpu_seconds": summary["cpu_seconds"],
                     "teacher_params": summary["teacher_params"],
                     "student_params": summary["student_params"], "config": summary["config"]})
        progress(f"{name} seed {seed}: gain {runs[-1]['gain_points']:+.2f} points ({paired['only_student']} : "
                 f"{paired['only_baseline']}), {summary['run_seconds']:.1f} s, {summary['cpu_seconds']:.1f} s CPU")
    return {"candidate": name, "runs": runs, "pooled": pooled(runs, "baseline"),
            "seconds": statistics.median(r["run_seconds"] for r in runs),
            "cpu_seconds": statistics.median(r["cpu_seconds"] for r in runs)}


def setting(config: dict) -> str:
    fraction = f"{100 * config['train_fraction']:g} % labels" if config["train_fraction"] < 1 else "all labels"
    return (f"{config['teacher']} -> {config['student']}, T {config['temperature']:g}, "
            f"alpha {config['terms']['soft']:g}, {config['epochs']} epochs, batch {config['batch_size']}, {fraction}")


def table(reports: list[dict]) -> str:
    """The sweep as a Markdown table (the README shows it next to the defaults)."""
    lines = ["| candidate | setting | params teacher / student | gain per seed (points) | each seed | "
             "pooled only distilled : only baseline | p | pooled verdict | s per run (CPU s) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for report in reports:
        first, test = report["runs"][0], report["pooled"]
        gains = ", ".join(f"{r['gain_points']:+.1f}" for r in report["runs"])
        each = " ".join({"better": "B", "no_difference": "=", "worse": "W"}[r["seed_verdict"]]
                        for r in report["runs"])
        seeds = ",".join(str(r["seed"]) for r in report["runs"])
        lines.append(f"| {report['candidate']} (seeds {seeds}) | {setting(first['config'])} | "
                     f"{first['teacher_params']:,} / {first['student_params']:,} | {gains} | {each} | "
                     f"{test['only_student']} : {test['only_other']} | {test['p_value']:.2g} | {test['verdict']} | "
                     f"{report['seconds']:.1f} ({report['cpu_seconds']:.1f}) |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="0,1,2,3,4,5")
    parser.add_argument("--candidate", action="append", choices=list(CANDIDATES),
                        help="only this candidate (repeatable); default: all")
    parser.add_argument("--cli", action="store_true", help="run each seed as `python3 -m kdlab distill --json`")
    parser.add_argument("--json", action="store_true", help="print the reports as one JSON line at the end")
    args = parser.parse_args()
    seeds = parse_seeds(args.seeds)
    owned = None
    if "KDLAB_HOME" not in os.environ:
        owned = tempfile.TemporaryDirectory(prefix="kdlab-defaults-")
        os.environ["KDLAB_HOME"] = owned.name
    try:
        reports = [measure(name, seeds, args.cli, lambda line: print(line, file=sys.stderr, flush=True))
                   for name in (args.candidate or list(CANDIDATES))]
    finally:
        if owned is not None:
            owned.cleanup()
    print(table(reports))
    print("each seed: B better, = no measurable difference, W worse (McNemar's exact test on that seed alone); "
          "s per run: median wall seconds of one run (baseline + distilled student) with its teacher cached, and the CPU "
          "seconds it used")
    if args.json:
        print(json.dumps(reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
