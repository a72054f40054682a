"""``python -m kdlab``: distil from the shell (recorded in the run store), list what exists, manage runs.

Every bad input becomes one line ``kdlab: error: …`` and exit code 2, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Sequence

from .cli_args import CliError, EpochPrinter, add_run_flags, cache_budget, config_from_args
from .compress.cli import add_compress_parser, command_compress
from .fit import TrainingDiverged
from .lessons_verify import add_lessons_parser, command_lessons
from .losses import terms
from .methods import add_methods_parser, command_compare_methods
from .runs.cli import add_runs_parser, command_runs
from .runs.recording import run_recorded
from .runs.store import DEFAULT_WORKSPACE, RunStore, check_workspace
from .sweeps.cli import add_sweep_parsers, command_sweep, command_tune
from .teacher_warmup import add_teachers_parser, command_teachers
from .train import run_distillation


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would print the whole usage block first
        raise CliError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kdlab", description="Knowledge distillation lab: train a teacher, distil a student.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    distill = commands.add_parser("distill", help="train a teacher, a baseline and a distilled student")
    add_run_flags(distill)
    distill.add_argument("--json", action="store_true", help="print the results as one JSON line at the end")
    distill.add_argument("--workspace", default=DEFAULT_WORKSPACE, help="the run store workspace to record into")
    distill.add_argument("--no-record", action="store_true", help="do not record this run in the run store")
    listing = commands.add_parser("list", help="list datasets, models, presets and loss terms")
    listing.add_argument("--json", action="store_true", help="print everything as one JSON object")
    add_methods_parser(commands, add_run_flags)
    add_runs_parser(commands)
    add_compress_parser(commands)
    add_lessons_parser(commands)
    add_sweep_parsers(commands, add_run_flags, config_from_args)
    add_teachers_parser(commands)
    return parser


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


def catalog() -> dict[str, list[dict]]:
    """Everything that exists, from the registries: what ``kdlab list`` prints and ``list --json`` returns."""
    from .data import DATASETS
    from .models import MODELS, PRESETS

    return {
        "datasets": [{"name": n, **{k: DATASETS.get(n).meta[k] for k in ("modality", "num_classes", "summary")}}
                     for n in DATASETS.names()],
        "models": [{"name": n, "modalities": list(MODELS.get(n).meta["modalities"]), "summary": MODELS.get(n).meta[
            "summary"]} for n in MODELS.names()],
        "presets": [{"name": n, "model": PRESETS.get(n).factory[0], "knobs": PRESETS.get(n).factory[1],
                     "summary": PRESETS.get(n).meta["summary"]} for n in PRESETS.names()],
        "loss_terms": [spec.describe() for spec in terms()],
    }


def _short(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def command_list(args: argparse.Namespace) -> int:
    everything = catalog()
    if args.json:
        print(json.dumps(everything, ensure_ascii=False))
        return 0
    rows = {
        "datasets": [(d["name"], f"[{d['modality']}, {d['num_classes']} classes] {d['summary']}")
                     for d in everything["datasets"]],
        "models": [(m["name"], f"[{', '.join(m['modalities'])}] {m['summary']}") for m in everything["models"]],
        "presets": [(p["name"], f"{p['model']} {p['knobs']}  {p['summary']}") for p in everything["presets"]],
        "loss terms": [(t["name"], f"[{t['knowledge']}, weight {t['weight']}, method {t['method']}] "
                                   f"{t['explain']['en']} ({t['paper']})"
                        + "".join(f"\n{'':24}{key}={_short(k['default'])}: {k['help']['en']}"
                                  for key, k in t["knobs"].items()))
                       for t in everything["loss_terms"]],
    }
    for title, entries in rows.items():
        print(f"{title}:")
        for name, text in entries:
            print(f"  {name:20} {text}")
    return 0


COMMANDS = {"distill": command_distill, "list": command_list, "runs": command_runs,
            "compare-methods": command_compare_methods, "sweep": command_sweep, "tune": command_tune,
            "compress": command_compress, "lessons": command_lessons, "teachers": command_teachers}


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except (CliError, ValueError) as err:
        print(f"kdlab: error: {err}", file=sys.stderr)
        return 2
    except TrainingDiverged as err:
        print(f"kdlab: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("kdlab: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `kdlab runs list | head -3`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        return 0
