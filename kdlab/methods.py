"""A methods comparison: every registered method on the same pair, data, schedule and seeds.

A method is one loss term next to cross-entropy at the term's default weight — the way mdistiller and RepDistiller
run them (``kd`` is the classic ``(1-α)·CE + α·T²·KL``). Per seed, the baseline ``ce`` (cross-entropy alone) is
trained once, from the same initial weights as every method's student of that seed, so the gain over it is paired
by seed and its seed-to-seed interval says whether a method helped more than the noise. The list of methods is the
loss-term registry's.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, replace

from .config import RunConfig, check_seed
from .losses import LossTerm, terms
from .stats import interval_verdict, seed_summary
from .viz import numbers


def methods() -> dict[str, LossTerm]:
    """Each registered term but cross-entropy, by its method name ("kd", "dkd", "at", ...)."""
    return {spec.method: spec for spec in terms() if not spec.complement}


BASELINE = next(spec.method for spec in terms() if spec.complement)  # cross-entropy alone, the registry's "ce"


def method_config(base: RunConfig, spec: LossTerm | None) -> RunConfig:
    """``base`` with only this method's term on (at its default weight) next to cross-entropy; ``None``: the
    baseline, cross-entropy alone. No run trains its own baseline: the ``ce`` run of its seed is that."""
    weights = dict(alpha=0.0, beta=0.0, gamma=0.0, terms={}, baseline=False)
    if spec is not None and spec.weight is None:
        weights["terms"] = {spec.name: spec.default_weight}
    elif spec is not None:
        weights[spec.weight] = spec.default_weight
    return replace(base, **weights)


@dataclass
class Plan:
    runs: list[tuple[str, int, RunConfig]]  # (method, seed, config), in the order they run
    skipped: dict[str, str]  # method -> why it does not apply to this pair


def plan(base: RunConfig, names: list[str], seeds: list[int]) -> Plan:
    """The runs of a comparison; a method that does not apply to the pair is skipped with the reason. Unknown
    method names and an empty list of seeds are a ``ValueError``."""
    known = methods()
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"unknown method(s) {', '.join(unknown)}; choose from {', '.join(known)}")
    if not seeds:
        raise ValueError("seeds must be one or more integers >= 0, e.g. 0,1,2")
    for seed in seeds:  # each one here: a bad seed would otherwise fail only once its runs had started
        check_seed(seed, "a seed")
    runs = [(BASELINE, seed, replace(method_config(base, None), seed=seed)) for seed in seeds]
    skipped = {}
    for name in names:
        try:
            config = method_config(base, known[name]).validate()
        except ValueError as err:
            skipped[name] = str(err)
            continue
        runs += [(name, seed, replace(config, seed=seed)) for seed in seeds]
    return Plan(runs, skipped)


@dataclass
class Progress:
    """Where a comparison stands in the run store: the finished runs' summaries by method, the planned runs not
    started yet (in plan order), how many are queued or running, and the failed ones with their errors."""

    results: dict[str, list[dict]]
    missing: list[tuple[str, int, RunConfig]]
    active: int
    failed: list[tuple[str, int, str]]

    @property
    def done(self) -> int:
        return sum(len(summaries) for summaries in self.results.values())


def progress(runs: list[tuple[str, int, RunConfig]], records) -> Progress:
    """Match a plan's runs (configs as the server admitted them) with stored run records by their whole config, so
    a comparison is rebuilt from the store alone — after a refresh, in another tab — and nothing is run twice.
    The newest record of a config counts; a failed or cancelled one is reported and not retried."""
    newest: dict[str, object] = {}
    for record in records:  # the store lists newest first
        newest.setdefault(json.dumps(record.config, sort_keys=True), record)
    results: dict[str, list[dict]] = {}
    missing, failed, active = [], [], 0
    for name, seed, config in runs:
        record = newest.get(json.dumps(config.to_dict(), sort_keys=True))
        if record is None or record.status == "interrupted":
            missing.append((name, seed, config))
        elif record.status == "finished":
            results.setdefault(name, []).append(record.summary)
        elif record.status in ("queued", "running"):
            active += 1
        else:
            failed.append((name, seed, record.error or record.status))
    return Progress(results, missing, active, failed)


def table(results: dict[str, list[dict]], skipped: dict[str, str]) -> list[dict]:
    """One row per method (the baseline first) from its runs' summaries: mean ± std of test accuracy and of the
    gain over the baseline of the same seed (percentage points), its 95 % interval and verdict, macro-F1 and
    seconds per run. A method's seeds without a finished baseline yet count for its accuracy, not its gain."""
    baseline = {s["config"]["seed"]: s["student_acc"] for s in results.get(BASELINE, [])}
    rows = []
    for name, summaries in results.items():
        acc = seed_summary([100 * s["student_acc"] for s in summaries])
        gain = seed_summary([100 * (s["student_acc"] - baseline[s["config"]["seed"]]) for s in summaries
                             if s["config"]["seed"] in baseline])
        paper = "—" if name == BASELINE else methods()[name].paper
        rows.append({"method": name, "baseline": name == BASELINE, "paper": paper, "n": acc["n"],
                     "acc_mean": acc["mean"], "acc_std": acc["std"],
                     "macro_f1_mean": seed_summary([100 * s["student_macro_f1"] for s in summaries])["mean"],
                     "gain_mean": gain["mean"], "gain_std": gain["std"], "gain_low": gain["low"],
                     "gain_high": gain["high"], "verdict": interval_verdict(gain),
                     "seconds_mean": seed_summary([s["distill_seconds"] for s in summaries])["mean"]})
    rows += [{"method": name, "skipped": reason} for name, reason in skipped.items()]
    return rows


def written(row: dict) -> dict[str, str]:
    """A row of ``table`` as a person writes it, for the page: accuracies and macro-F1 in % with one decimal, the
    spread as "± 0.3", gains in signed points ("−0.8"), time per run; what does not exist is a dash, never "None"
    (the baseline's gain over itself, an interval from one seed or from seeds that tied)."""
    def pct(value):  # already in %
        return numbers.percent_number(None if value is None else value / 100)

    def pts(value):  # already in points
        return numbers.signed_points(None if value is None else value / 100)

    spread = pct(row["acc_std"])
    gains = ("gain_mean", "gain_low", "gain_high")
    return {"method": row["method"], "n": numbers.count(row["n"]), "acc_mean": pct(row["acc_mean"]),
            "acc_std": spread if spread == numbers.MISSING else f"± {spread}",
            "macro_f1_mean": pct(row["macro_f1_mean"]),
            **{key: numbers.MISSING if row["baseline"] else pts(row[key]) for key in gains},
            "seconds_mean": numbers.seconds(row["seconds_mean"]),
            "paper": numbers.MISSING if row["baseline"] else row["paper"]}


def add_methods_parser(commands: argparse._SubParsersAction, add_run_flags) -> None:
    compare = commands.add_parser("compare-methods", help="every method on the same pair and seeds, with error bars")
    add_run_flags(compare)
    compare.add_argument("--methods", default=",".join(methods()), help=f"from: {', '.join(methods())}")
    compare.add_argument("--seeds", default="0,1,2", help="e.g. 0,1,2")
    compare.add_argument("--json", action="store_true", help="print the table as one JSON object")


def command_compare_methods(args: argparse.Namespace) -> int:
    """Runs the plan in this process, one after the other (the teacher trains once, then comes from the cache),
    printing progress on stderr and the table at the end."""
    from .cli_args import EpochPrinter, cache_budget, config_from_args
    from .fit import TrainingDiverged
    from .train import run_distillation

    try:
        seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    except ValueError:
        raise ValueError(f"--seeds takes integers like 0,1,2; got {args.seeds!r}") from None
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
        lines.append(f"| {spec.method} | {spec.name} | {spec.weight_name}{default} | {spec.knowledge} | {spec.paper} | "
                     f"{knobs} |")
    return "\n".join(lines)
