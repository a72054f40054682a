"""``python -m kdlab compare-methods``: every registered method on one pair and the same seeds, run one after the
other in this process, as a table with each method's gain over cross-entropy and its 95 % interval."""
from __future__ import annotations

import argparse
import json
import sys
import time

from ..checks import parse_seeds
from ..fit import TrainingDiverged
from ..losses import terms
from ..sweeps.methods import BASELINE, methods, plan, table
from ..train import run_distillation
from .args import EpochPrinter, cache_budget, config_from_args


def add_methods_parser(commands: argparse._SubParsersAction, add_run_flags) -> None:
    compare = commands.add_parser("compare-methods", help="every method on the same pair and seeds, with error bars")
    add_run_flags(compare)
    compare.add_argument("--methods", default=",".join(methods()), help=f"from: {', '.join(methods())}")
    compare.add_argument("--seeds", default="0,1,2", help="e.g. 0,1,2")
    compare.add_argument("--json", action="store_true", help="print the table as one JSON object")


def command_compare_methods(args: argparse.Namespace) -> int:
    """Runs the plan in this process, one after the other (the teacher trains once, then comes from the cache),
    printing progress on stderr and the table at the end."""
    seeds = parse_seeds(args.seeds)
    base, budget = config_from_args(args), cache_budget(args)
    the_plan = plan(base, [n.strip() for n in args.methods.split(",") if n.strip()], seeds)
    for name, reason in the_plan.skipped.items():
        print(f"[skipped ] {name}: {reason}", file=sys.stderr)
    results: dict[str, list[dict]] = {}
    failed: dict[str, str] = {}
    started = time.perf_counter()
    for i, (name, seed, config) in enumerate(the_plan.runs, 1):
        print(f"[{i}/{len(the_plan.runs)}] {name} seed {seed}", file=sys.stderr)
        try:
            summary = run_distillation(config, listeners=[] if args.json else [EpochPrinter()],
                                       cache_budget_bytes=budget).summary()
        except (TrainingDiverged, ValueError) as err:  # one method's failure is a row, not the end of the table
            print(f"[failed  ] {name} seed {seed}: {err}", file=sys.stderr)
            failed.setdefault(name, f"seed {seed}: {err}")
            continue
        results.setdefault(name, []).append(summary)
    # a method that failed on every seed is a row with the reason; one that failed on some has fewer seeds (n)
    rows = table(results, {**the_plan.skipped, **{name: f"failed ({why})" for name, why in failed.items()
                                                  if name not in results}})
    if args.json:
        print(json.dumps({"config": base.to_dict(), "seeds": seeds, "rows": rows,
                          "seconds": time.perf_counter() - started}))
    else:
        print(markdown_table(rows))
    return 0


def markdown_table(rows: list[dict]) -> str:
    """The rows in the shape of mdistiller's / RepDistiller's README tables: method, accuracy, gain."""
    lines = ["| method | top-1 (%) | gain over CE (pp) | 95 % interval | s/run |", "|---|---:|---:|---:|---:|"]
    for row in rows:
        if "skipped" in row:
            lines.append(f"| {row['method']} | skipped: {row['skipped']} | | | |")
            continue
        spread = "" if row["acc_std"] is None else f" ± {row['acc_std']:.2f}"
        if row["method"] == BASELINE:
            gain = interval = "(baseline)"
        else:
            gain = "—" if row["gain_mean"] is None else f"{row['gain_mean']:+.2f}"
            interval = "—" if row["gain_low"] is None else f"[{row['gain_low']:+.2f}, {row['gain_high']:+.2f}]"
        lines.append(f"| {row['method']} | {row['acc_mean']:.2f}{spread} | {gain} | {interval} | "
                     f"{row['seconds_mean']:.2f} |")
    return "\n".join(lines)


def methods_markdown() -> str:
    """Every registered term as the README's methods table: method, term, weight, knowledge, paper, knobs."""
    lines = ["| method | term (`--term NAME=W`) | weight (default) | moves | paper | knobs "
             "(`--term-kw NAME:key=value`) |", "|---|---|---|---|---|---|"]
    for spec in terms():
        knobs = "; ".join(f"`{key}`={knob.default:g}" if isinstance(knob.default, float) else f"`{key}`={knob.default}"
                          for key, knob in spec.knobs.items()) or "—"
        default = "" if spec.complement else f" ({spec.default_weight:g})"
        named = f" = {spec.weight_letter}, `--{spec.alias}`" if spec.alias else ""  # the formula's letter, older flag
        lines.append(f"| {spec.method} | {spec.name} | {spec.weight_name}{named}{default} | {spec.knowledge} | "
                     f"{spec.paper} | {knobs} |")
    return "\n".join(lines)
