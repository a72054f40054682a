"""``python -m kdlab distill``: train a teacher (or take it from the cache), a baseline and a distilled student, and
record the run in the run store like an app run."""
from __future__ import annotations

import argparse
import json

from ..runs.recording import run_recorded
from ..runs.store import DEFAULT_WORKSPACE, RunStore, check_workspace
from ..train import run_distillation
from .args import EpochPrinter, add_run_flags, cache_budget, config_from_args


def add_distill_parser(commands) -> None:
    distill = commands.add_parser("distill", help="train a teacher, a baseline and a distilled student")
    add_run_flags(distill)
    distill.add_argument("--json", action="store_true", help="print the results as one JSON line at the end")
    distill.add_argument("--workspace", default=DEFAULT_WORKSPACE, help="the run store workspace to record into")
    distill.add_argument("--no-record", action="store_true", help="do not record this run in the run store")


def command_distill(args: argparse.Namespace) -> int:
    """Distil and print the results; unless ``--no-record``, the run (events, summary, weights) goes into the run
    store like an app run, and ends there as failed/cancelled if it does not finish."""
    config, budget = config_from_args(args), cache_budget(args)
    if args.no_record:
        run_id, result = None, run_distillation(config, listeners=[EpochPrinter()], cache_budget_bytes=budget)
    else:
        workspace = check_workspace(args.workspace)
        store = RunStore()
        run_id = store.create(config.to_dict(), workspace, source="cli", status="running")
        result = run_recorded(store, run_id, config, listeners=[EpochPrinter()], cache_budget_bytes=budget)
    summary = result.summary()
    base = summary["baseline_acc"]
    print(f"teacher {summary['teacher_acc']:.2%} ({summary['teacher_params']:,} params)  "
          f"student {summary['student_acc']:.2%} ({summary['student_params']:,} params)  "
          + (f"baseline {base:.2%}  " if base is not None else "")
          + f"distill {summary['distill_seconds']:.2f}s on {summary['device']}"
          + (f"  recorded as run {run_id}" if run_id else ""))
    if args.json:
        print(json.dumps({**summary, "run_id": run_id}))
    return 0
