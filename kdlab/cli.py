"""``python -m kdlab``: distil from the shell (recorded in the run store), list what exists, manage runs.

Every bad input becomes one line ``kdlab: error: …`` and exit code 2, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, Sequence

from .config import DEVICES, RunConfig
from .config import parse_knobs as config_parse_knobs
from .fit import TrainEvent, TrainingDiverged
from .runs.cli import add_runs_parser, command_runs
from .runs.recording import run_recorded
from .runs.store import DEFAULT_WORKSPACE, RunStore, check_workspace
from .serve.admission import admit
from .serve.settings import ServerSettings
from .teacher_outputs import DEFAULT_BUDGET_BYTES, MIB
from .train import run_distillation

DEFAULTS = RunConfig()


class CliError(Exception):
    """A usage error, reported on one line with exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would print the whole usage block first
        raise CliError(message)


def parse_knobs(text: str) -> dict[str, Any]:
    """``"hidden=64,depth=1"`` -> ``{"hidden": 64, "depth": 1}`` (``kdlab.config.parse_knobs``, as a usage error)."""
    try:
        return config_parse_knobs(text)
    except ValueError as err:
        raise CliError(str(err)) from None


def parse_classes(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(c) for c in text.split(",") if c.strip())
    except ValueError:
        raise CliError(f"--exclude-classes takes class indices like 3,5; got {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kdlab", description="Knowledge distillation lab: train a teacher, distil a student.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    distill = commands.add_parser("distill", help="train a teacher, a baseline and a distilled student")
    d = DEFAULTS
    distill.add_argument("--dataset", default=d.dataset)
    distill.add_argument("--teacher", default=d.teacher, help="a model or preset name (see `kdlab list`)")
    distill.add_argument("--student", default=d.student)
    distill.add_argument("--teacher-kw", type=parse_knobs, default={}, help="knobs, e.g. width=16,stages=2")
    distill.add_argument("--student-kw", type=parse_knobs, default={}, help="knobs, e.g. hidden=64,depth=1")
    distill.add_argument("--dataset-kw", type=parse_knobs, default={}, help="knobs, e.g. n=500,noise=0.3")
    distill.add_argument("--temperature", "-T", type=float, default=d.temperature)
    distill.add_argument("--alpha", type=float, default=d.alpha, help="weight of the soft-target term")
    distill.add_argument("--beta", type=float, default=d.beta, help="weight of attention transfer")
    distill.add_argument("--gamma", type=float, default=d.gamma, help="weight of representation (hint) matching")
    distill.add_argument("--term", action="append", type=parse_knobs, default=[],
                         help="a further loss term and its weight, e.g. relational=1.0")
    distill.add_argument("--hint-feature", default=d.hint_feature)
    distill.add_argument("--epochs", type=int, default=d.epochs)
    distill.add_argument("--teacher-epochs", type=int, default=d.teacher_epochs)
    distill.add_argument("--batch-size", type=int, default=d.batch_size)
    distill.add_argument("--lr", type=float, default=d.lr)
    distill.add_argument("--teacher-lr", type=float, default=d.teacher_lr)
    distill.add_argument("--seed", type=int, default=d.seed)
    distill.add_argument("--device", default=d.device, help=f"one of {', '.join(DEVICES)}")
    distill.add_argument("--train-fraction", type=float, default=d.train_fraction)
    distill.add_argument("--train-limit", type=int, default=None)
    distill.add_argument("--exclude-classes", type=parse_classes, default=())
    distill.add_argument("--data-root", default=None, help="folder with MNIST/CIFAR/aclImdb (default $KDLAB_DATA)")
    distill.add_argument("--download", action="store_true", help="download torchvision datasets if missing")
    distill.add_argument("--no-baseline", action="store_true", help="skip the plain-CE baseline student")
    distill.add_argument("--json", action="store_true", help="print the results as one JSON line at the end")
    distill.add_argument("--workspace", default=DEFAULT_WORKSPACE, help="the run store workspace to record into")
    distill.add_argument("--no-record", action="store_true", help="do not record this run in the run store")
    distill.add_argument("--teacher-cache-mb", type=int, default=DEFAULT_BUDGET_BYTES // MIB,
                         help="memory for the teacher's cached outputs; beyond it they are reduced or recomputed")
    commands.add_parser("list", help="list datasets, models, presets and loss terms")
    add_runs_parser(commands)
    return parser


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """The run the flags describe, admitted with this machine's server settings (``kdlab.toml``, ``KDLAB_*``):
    the same one gate as the app's."""
    terms: dict[str, float] = {}
    for knobs in args.term:
        terms.update(knobs)
    config = RunConfig(
        dataset=args.dataset, teacher=args.teacher, student=args.student, teacher_kw=args.teacher_kw,
        student_kw=args.student_kw, dataset_kw=args.dataset_kw, temperature=args.temperature, alpha=args.alpha,
        beta=args.beta, gamma=args.gamma, terms=terms, hint_feature=args.hint_feature, epochs=args.epochs,
        teacher_epochs=args.teacher_epochs, batch_size=args.batch_size, lr=args.lr, teacher_lr=args.teacher_lr,
        seed=args.seed, device=args.device, train_fraction=args.train_fraction, train_limit=args.train_limit,
        exclude_classes=args.exclude_classes, data_root=args.data_root, download=args.download,
        baseline=not args.no_baseline,
    )
    return admit(config, ServerSettings.load()).config


class EpochPrinter:
    """Prints one line per epoch, and the trainer's notes, to stderr, so stdout stays clean for ``--json``."""

    def on_epoch_end(self, event: TrainEvent) -> None:
        shown = " ".join(f"{k}={v:.4g}" for k, v in event.metrics.items())
        print(f"[{event.phase:8}] epoch {event.epoch:3d} {event.progress:4.0%}  {shown}", file=sys.stderr)

    def on_note(self, text: str) -> None:
        print(f"[note    ] {text}", file=sys.stderr)


def command_distill(args: argparse.Namespace) -> int:
    """Distil and print the results; unless ``--no-record``, the run (events, summary, weights) goes into the run
    store like an app run, and ends there as failed/cancelled if it does not finish."""
    config = config_from_args(args)
    if args.teacher_cache_mb < 1:
        raise CliError(f"--teacher-cache-mb must be >= 1, got {args.teacher_cache_mb}")
    budget = args.teacher_cache_mb * MIB
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


def command_list(args: argparse.Namespace) -> int:
    from .data import DATASETS
    from .losses import LOSS_TERMS
    from .models import MODELS, PRESETS

    sections = [
        ("datasets", [(n, f"[{e.meta['modality']}, {e.meta['num_classes']} classes] {e.meta['summary']}")
                      for n, e in ((n, DATASETS.get(n)) for n in DATASETS.names())]),
        ("models", [(n, f"[{', '.join(e.meta['modalities'])}] {e.meta['summary']}")
                    for n, e in ((n, MODELS.get(n)) for n in MODELS.names())]),
        ("presets", [(n, f"{e.factory[0]} {e.factory[1]}  {e.meta['summary']}")
                     for n, e in ((n, PRESETS.get(n)) for n in PRESETS.names())]),
        ("loss terms", [(n, f"{e.meta['summary']} ({e.meta['paper']})")
                        for n, e in ((n, LOSS_TERMS.get(n)) for n in LOSS_TERMS.names())]),
    ]
    for title, rows in sections:
        print(f"{title}:")
        for name, text in rows:
            print(f"  {name:20} {text}")
    return 0


COMMANDS = {"distill": command_distill, "list": command_list, "runs": command_runs}


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
