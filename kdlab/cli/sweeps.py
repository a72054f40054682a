"""``python -m kdlab sweep`` and ``python -m kdlab tune``: a grid or an Optuna search over any config field, with
seeds, on local worker processes (``--workers N``) or a Ray cluster (``--ray ADDRESS`` / ``KDLAB_RAY_ADDRESS``).

Both take every flag of ``distill`` for the base run (added by the CLI's own ``add_run_flags``). Progress goes to stderr, one line per finished trial; with ``--json`` the last line of stdout is the
report: every cell with its values, per-seed results, mean, std, n and 95 % interval, and the best cell.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from ..checks import parse_seeds
from ..policy.settings import ServerSettings
from ..runs.store import DEFAULT_WORKSPACE, RunStore, check_workspace
from ..sweeps.driver import load_spec, make_executor, run_sweep
from ..sweeps.ray_executor import RAY_ENV
from ..sweeps.results import describe, interval_text
from ..sweeps.spec import OBJECTIVES, SweepSpec, parse_axis, parse_range

def add_sweep_parsers(commands, add_run_flags, base_config) -> None:
    """Add ``sweep`` and ``tune`` to ``commands``; ``add_run_flags(parser)`` adds distill's flags for the base run
    (the CLI's one builder, so the two never drift apart) and ``base_config(args)`` turns them into the admitted
    base ``RunConfig`` (the commands read it from ``args.base_config``)."""
    sweep = commands.add_parser("sweep", help="a grid over config fields x seeds, with 95%% intervals per cell")
    add_run_flags(sweep)
    sweep.add_argument("--grid", action="append", default=[], metavar="FIELD=V1,V2,...",
                       help="an axis: a config field (or field.key of a mapping) and its values; repeat for more")
    tune = commands.add_parser("tune", help="an Optuna search over ranges of config fields")
    add_run_flags(tune)
    tune.add_argument("--search", action="append", default=[], metavar="FIELD=LOW:HIGH[:log][:int]",
                      help="a range (or FIELD=a,b,c choices); repeat for more")
    tune.add_argument("--trials", type=int, default=20, help="points of the ranges to try (each once per seed)")
    tune.add_argument("--sampler-seed", type=int, default=0, help="seed of the TPE sampler")
    tune.add_argument("--prune", action="store_true",
                      help="stop trials whose epoch curve is below the median of earlier trials (Optuna's "
                           "MedianPruner); for trials in this process or --workers, not on Ray")
    for parser in (sweep, tune):
        parser.add_argument("--seeds", default=None, help="seeds, e.g. 0,1,2 (default: --seed)")
        parser.add_argument("--objective", default="student_acc" if parser is sweep else "gain",
                            help=f"one of {', '.join(OBJECTIVES)}")
        parser.add_argument("--workers", type=int, default=1, help="trials at once (local processes or Ray tasks)")
        parser.add_argument("--resume", default=None, metavar="ID", help="finish a stopped sweep, skipping done trials")
        parser.add_argument("--ray", default=None, metavar="ADDRESS",
                            help=f"run the trials on a Ray cluster (auto, ray://host:10001, local); default ${RAY_ENV}")
        parser.add_argument("--cpus-per-trial", type=int, default=1, help="Ray: CPUs (and torch threads) per trial")
        parser.add_argument("--gpus-per-trial", type=float, default=0, help="Ray: GPUs per trial")
        parser.add_argument("--workspace", default=DEFAULT_WORKSPACE, help="the run store workspace to record into")
        parser.add_argument("--json", action="store_true", help="print the report as one JSON line at the end")
        parser.set_defaults(base_config=base_config)


def _seeds(args: argparse.Namespace) -> list[int]:
    """``--seeds``, or the one ``--seed`` of the base run."""
    return parse_seeds(args.seeds) if args.seeds else [args.seed]


def command_sweep(args: argparse.Namespace) -> int:
    def spec() -> SweepSpec:
        axes = {}
        for text in args.grid:
            name, values = parse_axis(text)
            if name in axes:
                raise ValueError(f"--grid {name} is given twice")
            axes[name] = values
        return SweepSpec(args.base_config(args).to_dict(), "grid", axes=axes, seeds=_seeds(args),
                         objective=args.objective)
    return _run(args, spec)


def command_tune(args: argparse.Namespace) -> int:
    def spec() -> SweepSpec:
        ranges = dict(parse_range(text) for text in args.search)
        return SweepSpec(args.base_config(args).to_dict(), "search", ranges=ranges, trials=args.trials,
                         seeds=_seeds(args), objective=args.objective,
                         sampler_seed=args.sampler_seed, prune=args.prune)
    return _run(args, spec)


def _run(args: argparse.Namespace, make_spec) -> int:
    store, settings = RunStore(), ServerSettings.for_cli()
    if args.resume:
        spec, workspace = load_spec(store, args.resume)
    else:
        spec, workspace = make_spec().validate(settings), check_workspace(args.workspace)
    ray = args.ray or os.environ.get(RAY_ENV) or None
    if spec.prune and ray:
        raise ValueError("--prune cannot apply to Ray tasks: they send their epoch curves back only when they end; "
                         "run the search locally (--workers N) to prune it")
    executor = make_executor(args.workers, str(store.path), ray, args.cpus_per_trial, args.gpus_per_trial)
    try:
        report = run_sweep(spec, executor, store, workspace, resume=args.resume, progress=ProgressPrinter(),
                           settings=settings)
    finally:
        executor.close()
    for cell in report["cells"]:
        print(f"{describe(cell['values']):40} {interval_text(cell['stats'][spec.objective], spec.objective)}  "
              f"{cell['verdict'].replace('_', ' ')}")
    if report["best"]:
        best = report["best"]
        print(f"best: {describe(best['values'])}  {interval_text(best, spec.objective)}"
              + ("" if best["clear"] else "  (not measurably better than the runner-up)"))
    if args.json:
        print(json.dumps(report))
    return 0


class ProgressPrinter:
    """One stderr line per finished trial: trials done / total, that trial's numbers, the best cell so far."""

    def __call__(self, report: dict, trial: dict | None) -> None:
        done, total = report["trials_done"], report["trials_total"]
        if trial is None:
            print(f"[sweep] {report['sweep_id']}: {done}/{total} trials done "
                  f"(resume with --resume {report['sweep_id']})", file=sys.stderr)
            return
        key = trial["key"]
        if trial["summary"] is None:
            shown = trial["error"] if (trial["error"] or "").startswith("pruned") else f"failed: {trial['error']}"
        else:
            s = trial["summary"]
            base = s.get("baseline_acc")
            shown = f"student {s['student_acc']:.2%}" + (f" gain {(s['student_acc'] - base) * 100:+.2f}" if base is not None else "")
        best = report["best"]
        best_text = f"  best so far {describe(best['values'])} {interval_text(best, report['objective'])}" if best else ""
        print(f"[sweep] {done}/{total}  {describe(key['values'])} seed={key['seed']}: {shown}{best_text}",
              file=sys.stderr, flush=True)
